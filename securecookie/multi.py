"""Key rotation: several codecs tried in order (Go's ``Codec``, ``EncodeMulti``, ``DecodeMulti``).

Put the newest key pair first: encoding uses the first codec that works and
decoding accepts a cookie made by any of them, so old cookies stay valid while
new ones use the new keys.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from securecookie.codec import SecureCookie
from securecookie.errors import Error, MultiError, usage_error

__all__ = ["Codec", "codecs_from_pairs", "decode_multi", "encode_multi"]

_MSG_NO_CODECS = "no codecs provided"


@runtime_checkable
class Codec(Protocol):
    """Anything that encodes and decodes cookie values (Go's ``securecookie.Codec``)."""

    def encode(self, name: str, value: object) -> str:
        """The cookie value for ``value``; raise :class:`Error` on failure."""
        ...

    def decode(self, name: str, value: str) -> object:
        """The value held in cookie ``value``; raise :class:`Error` on failure."""
        ...


def codecs_from_pairs(*keys: bytes | None) -> list[SecureCookie]:
    """One :class:`SecureCookie` per (hash key, block key) pair; a missing last block key is None.

    Raises a usage :class:`Error` for an empty hash key or a bad block key, where
    Go would return a codec that fails on every call.
    """
    return [
        SecureCookie(keys[i], keys[i + 1] if i + 1 < len(keys) else None)
        for i in range(0, len(keys), 2)
    ]


def encode_multi(name: str, value: object, *codecs: Codec) -> str:
    """Encode with the first codec that succeeds; raise :class:`MultiError` if all fail."""
    errors: list[Error] = []
    for codec in codecs:
        try:
            return codec.encode(name, value)
        except Error as err:
            errors.append(err)
    raise _all_failed(errors)


def decode_multi(name: str, value: str, *codecs: Codec) -> object:
    """Decode with the first codec that accepts ``value``; raise :class:`MultiError` if none does.

    A cookie that fails in a newer codec for any reason (expired, bad payload)
    is still tried with the older ones, exactly as Go does.
    """
    errors: list[Error] = []
    for codec in codecs:
        try:
            return codec.decode(name, value)
        except Error as err:
            errors.append(err)
    raise _all_failed(errors)


def _all_failed(errors: list[Error]) -> Error:
    """What a multi call raises when no codec succeeded: each failure in codec order.

    No failures means there were no codecs: a usage error. Like Go's
    ``EncodeMulti`` and ``DecodeMulti``, each function has its own loop (no
    closure or dispatch per call: every request encodes and decodes here);
    only this outcome is shared.
    """
    if not errors:
        return usage_error(_MSG_NO_CODECS)
    return MultiError(errors)
