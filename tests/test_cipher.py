"""The hand-written AES-CTR keystream against cryptography's own CTR mode.

A round trip cannot catch a keystream bug (encrypt and decrypt share it), so
every length from 0 to 64 bytes, a few large ones, and IVs whose counter
wraps past 2**128 are compared with ``modes.CTR`` byte for byte.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from securecookie.cipher import CTRCipher, DecryptionError

KEYS = {
    "AES-128": bytes(range(16)),
    "AES-256": bytes(range(32)),
}
IVS = {
    "zero": bytes(16),
    "mid": bytes.fromhex("00112233445566778899aabbccddeeff"),
    "wraps-after-1": (2**128 - 1).to_bytes(16, "big"),
    "wraps-after-3": (2**128 - 3).to_bytes(16, "big"),
    "low-word-full": ((1 << 64) - 1).to_bytes(16, "big"),
}
LENGTHS = [*range(65), 255, 256, 257, 4096, 4097]


def _reference(key: bytes, iv: bytes, data: bytes) -> bytes:
    encryptor = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


@pytest.mark.parametrize("key_name", sorted(KEYS))
@pytest.mark.parametrize("iv_name", sorted(IVS))
def test_the_keystream_is_aes_ctr_for_every_length(key_name: str, iv_name: str) -> None:
    key, iv = KEYS[key_name], IVS[iv_name]
    cipher = CTRCipher(algorithms.AES(key))
    for length in LENGTHS:
        data = bytes((i * 7 + 3) % 256 for i in range(length))
        payload = cipher._xor_keystream(iv, data)
        assert payload == _reference(key, iv, data), f"length {length}"


def test_decrypt_reads_the_iv_prefix_and_inverts_encrypt() -> None:
    cipher = CTRCipher(algorithms.AES(KEYS["AES-128"]))
    for length in (1, 15, 16, 17, 33):
        data = bytes(range(length))
        payload = cipher.encrypt(data)
        assert payload[16:] == _reference(KEYS["AES-128"], payload[:16], data)
        assert cipher.decrypt(payload) == data


def test_a_payload_of_one_block_or_less_cannot_be_decrypted() -> None:
    cipher = CTRCipher(algorithms.AES(KEYS["AES-128"]))
    with pytest.raises(DecryptionError):
        cipher.decrypt(bytes(16))
