"""AES-CTR: the hand-written keystream of ``securecookie.cipher`` beside ``modes.CTR``.

``CTRCipher`` keeps one ECB context per thread and builds the counter blocks
itself because a ``Cipher(alg, modes.CTR(iv))`` per cookie costs more than the
encryption. It stays only while that holds: the target is that an AES-256 +
gob ``SecureCookie.encode`` with it takes at most 0.8x the time of the same
encode through ``modes.CTR``. tests/test_cipher.py checks both give the same bytes.

Run: ``python -m benchmarks.bench_cipher``.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import Cipher, modes

from benchmarks.common import Row, best_pair, format_table
from securecookie import GobSerializer, SecureCookie
from securecookie.cipher import CTRCipher

GROUP = "cipher"
TARGET = 0.8
VALUE = {"user_id": 42, "role": "admin", "csrf": "x" * 24}
HASH_KEY = bytes(range(32))
BLOCK_KEY = bytes(range(32, 64))
PEER = "the same through modes.CTR per call"


class LibraryCTRCipher(CTRCipher):
    """``CTRCipher`` with cryptography's own CTR mode: a new ``Cipher`` per call."""

    def _xor_keystream(self, iv: bytes, data: bytes) -> bytes:
        return Cipher(self._algorithm, modes.CTR(iv)).encryptor().update(data)


def _codec(cipher_type: type[CTRCipher]) -> SecureCookie:
    codec = SecureCookie(HASH_KEY, BLOCK_KEY).set_serializer(GobSerializer())
    codec._cipher = cipher_type(codec._cipher._algorithm)  # type: ignore[union-attr]
    return codec


def results() -> list[Row]:
    """The encode row (with the target) and the bare 100-byte keystream row."""
    hand, library = _codec(CTRCipher), _codec(LibraryCTRCipher)
    assert library.decode("s", hand.encode("s", VALUE)) == VALUE
    encode_ours, encode_theirs = best_pair(
        lambda: hand.encode("s", VALUE), lambda: library.encode("s", VALUE)
    )
    iv, data = bytes(16), bytes(100)
    hand_cipher, library_cipher = hand._cipher, library._cipher
    assert hand_cipher is not None
    assert library_cipher is not None
    stream_ours, stream_theirs = best_pair(
        lambda: hand_cipher._xor_keystream(iv, data),
        lambda: library_cipher._xor_keystream(iv, data),
    )
    return [
        Row(GROUP, "SecureCookie AES-256 + gob encode", encode_ours, PEER, encode_theirs, TARGET),
        Row(GROUP, "CTRCipher keystream, 100 bytes", stream_ours, PEER, stream_theirs),
    ]


if __name__ == "__main__":
    print(format_table(results()))
