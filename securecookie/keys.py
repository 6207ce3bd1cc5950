"""Random key material (Go's ``GenerateRandomKey``)."""

from __future__ import annotations

import os

from securecookie.errors import internal_error, usage_error

__all__ = ["generate_random_key"]


def generate_random_key(length: int) -> bytes:
    """``length`` bytes from the OS random source, for hash and block keys.

    Use 32 or 64 bytes for a hash key and 16/24/32 for an AES block key. Where
    Go returns nil on a random-source failure, this raises an internal
    :class:`~securecookie.errors.Error` so the failure cannot go unnoticed.
    """
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        raise usage_error(f"invalid key length: {length!r}")
    try:
        return os.urandom(length)
    except OSError as exc:
        raise internal_error("failed to generate random key", cause=exc) from exc
