"""gob through SecureCookie against Go's gorilla/securecookie, in the same run.

Workloads (the targets of issue 3):

* a logged-in session's Values, ``{"user", "provider", "n", "admin", "_flash"}``,
  AES-256 + gob, encode then decode: Python must be no slower than Go (<= 1.0x);
* a session ID (24 hex chars) as a bare gob string, AES-256, encode then decode:
  within 2x of Go;
* the serializers alone (gob vs JSON), for context.

The Go side is ``benchmarks/go/gobbench``, built in GOPATH mode against
Debian's gorilla packages into a temporary directory; without ``go`` on PATH
the Go columns stay empty. Run: ``python -m benchmarks.bench_gob``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import Row, format_table, time_per_op
from securecookie import JSONSerializer, NopSerializer, SecureCookie
from securecookie.gob import GobSerializer

GO_SOURCE = Path(__file__).resolve().parent / "go" / "gobbench"
HASH_KEY = bytes([0x42]) * 32
BLOCK_KEY = bytes([0x17]) * 32
SESSION_ID = "5ed0e4be448c4dd1274c31e3"


def session_values() -> dict[Any, Any]:
    """The benchmark session (the same values the Go program builds)."""
    return {"user": "alice", "provider": "ldap", "n": 3, "admin": True, "_flash": ["hi"]}


def go_timings() -> dict[str, float]:
    """Microseconds per op measured by the Go program, or {} without Go."""
    if shutil.which("go") is None:
        return {}
    with tempfile.TemporaryDirectory(prefix="gobbench-") as tmp:
        binary = Path(tmp) / "gobbench"
        env = dict(
            os.environ,
            GO111MODULE="off",
            GOPATH="/usr/share/gocode",
            GOPROXY="off",
            GOCACHE=str(Path(tmp) / "gocache"),
            CGO_ENABLED="0",
        )
        subprocess.run(
            ["go", "build", "-o", str(binary), "."],
            cwd=GO_SOURCE,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        out = subprocess.run([str(binary)], check=True, capture_output=True, timeout=300)
    timings: dict[str, float] = json.loads(out.stdout)
    return timings


def python_timings() -> dict[str, float]:
    """Microseconds per op for the same workloads in Python."""
    gob = GobSerializer()
    codec = SecureCookie(HASH_KEY, BLOCK_KEY).max_age(0).set_serializer(gob)
    values = session_values()
    json_ser = JSONSerializer()
    nop_codec = SecureCookie(HASH_KEY, BLOCK_KEY).max_age(0).set_serializer(NopSerializer())
    payload = gob.serialize(values)

    # Check once that every workload works (and round-trips) before timing it.
    assert codec.decode("session", codec.encode("session", values)) == values
    assert codec.decode("session", codec.encode("session", SESSION_ID)) == SESSION_ID

    return {
        "securecookie_aes256_gob_values": time_per_op(
            lambda: codec.decode("session", codec.encode("session", values))
        ),
        "securecookie_aes256_gob_session_id": time_per_op(
            lambda: codec.decode("session", codec.encode("session", SESSION_ID))
        ),
        "securecookie_aes256_nop_gob_payload": time_per_op(
            lambda: nop_codec.decode("session", nop_codec.encode("session", payload))
        ),
        "gob_values": time_per_op(lambda: gob.deserialize(gob.serialize(values))),
        "json_values": time_per_op(lambda: json_ser.deserialize(json_ser.serialize(values))),
    }


_ROWS = (
    # (workload, subject, target ratio vs Go)
    ("securecookie_aes256_gob_values", "SecureCookie AES-256 gob Values encode+decode", 1.0),
    ("securecookie_aes256_gob_session_id", "SecureCookie AES-256 gob session ID enc+dec", 2.0),
    # The codec's share of the first row: the same gob bytes through NopSerializer.
    ("securecookie_aes256_nop_gob_payload", "SecureCookie AES-256 Nop, Values gob bytes", None),
    ("gob_values", "GobSerializer Values serialize+deserialize", None),
    ("json_values", "JSONSerializer Values serialize+deserialize", None),
)


def results() -> list[Row]:
    """Python vs Go rows (Go measured first, then Python, in this run)."""
    go = go_timings()
    py = python_timings()
    rows = [
        Row(
            group="gob",
            subject=subject,
            us_per_op=py[key],
            peer="Go gorilla" if key in go else "",
            peer_us_per_op=go.get(key),
            target=target if key in go else None,
        )
        for key, subject, target in _ROWS
    ]
    rows.append(
        Row(
            group="gob",
            subject="GobSerializer vs JSONSerializer (Python, Values)",
            us_per_op=py["gob_values"],
            peer="JSONSerializer",
            peer_us_per_op=py["json_values"],
        )
    )
    return rows


if __name__ == "__main__":
    print(format_table(results()))
