"""Codec speed: SecureCookie encode+decode beside itsdangerous, same process and run.

The issue's hard target: AES-256 + JSON encode+decode of a small session dict
takes at most 0.6x the time of itsdangerous' ``URLSafeTimedSerializer``
dumps+loads of the same dict. Hash-only and gob rows are shown beside the same
peer for context, without a verdict.

Run: ``python -m benchmarks.bench_codec``.
"""

from __future__ import annotations

from collections.abc import Callable

from itsdangerous import URLSafeTimedSerializer

from benchmarks.common import Row, best_pair, format_table
from securecookie import GobSerializer, JSONSerializer, SecureCookie
from securecookie.serializers import Serializer

GROUP = "codec"
TARGET = 0.6
#: Rounds of (subject, peer) measurements; the best of each is kept, so a
#: burst of load from other processes on a shared machine hurts neither side.
ROUNDS = 3
VALUE = {"user_id": 42, "role": "admin", "csrf": "x" * 24}
PEER = "itsdangerous URLSafeTimedSerializer dumps+loads"

HASH_KEY = bytes(range(32))
BLOCK_KEY = bytes(range(32, 64))


def _round_trip(codec: SecureCookie) -> Callable[[], object]:
    def run() -> object:
        return codec.decode("session", codec.encode("session", VALUE))

    return run


def _peer() -> Callable[[], object]:
    serializer = URLSafeTimedSerializer("secret-key-" + "k" * 21)

    def run() -> object:
        return serializer.loads(serializer.dumps(VALUE))

    return run


def _measure_pair(subject: Callable[[], object], peer: Callable[[], object]) -> tuple[float, float]:
    return best_pair(subject, peer, rounds=ROUNDS)


def results() -> list[Row]:
    """Rows for hash-only and AES-256 with JSON and gob."""
    serializers: list[tuple[str, Serializer]] = [
        ("JSON", JSONSerializer()),
        ("gob", GobSerializer()),
    ]
    rows = []
    peer = _peer()
    for serializer_name, serializer in serializers:
        for cipher_name, block_key in (("hash-only", None), ("AES-256", BLOCK_KEY)):
            codec = SecureCookie(HASH_KEY, block_key).set_serializer(serializer)
            assert codec.decode("session", codec.encode("session", VALUE)) == VALUE
            ours, theirs = _measure_pair(_round_trip(codec), peer)
            rows.append(
                Row(
                    group=GROUP,
                    subject=f"SecureCookie {cipher_name} + {serializer_name} encode+decode",
                    us_per_op=ours,
                    peer=PEER,
                    peer_us_per_op=theirs,
                    # The issue sets the target for AES-256 + JSON only; the
                    # other rows are context, so they carry no verdict.
                    target=TARGET
                    if (cipher_name, serializer_name) == ("AES-256", "JSON")
                    else None,
                )
            )
    return rows


if __name__ == "__main__":
    print(format_table(results()))
