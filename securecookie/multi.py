"""Key rotation: several codecs tried in order (Go's ``Codec``, ``EncodeMulti``, ``DecodeMulti``).

Put the newest key pair first: encoding uses the first codec that works and
decoding accepts a cookie made by any of them, so old cookies stay valid while
new ones use the new keys.
"""

from __future__ import annotations

from typing import Literal, Protocol, cast, runtime_checkable

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
    return cast(str, _first_success(codecs, "encode", name, value))


def decode_multi(name: str, value: str, *codecs: Codec) -> object:
    """Decode with the first codec that accepts ``value``; raise :class:`MultiError` if none does.

    A cookie that fails in a newer codec for any reason (expired, bad payload)
    is still tried with the older ones, exactly as Go does.
    """
    return _first_success(codecs, "decode", name, value)


def _first_success(
    codecs: tuple[Codec, ...], method: Literal["encode", "decode"], name: str, value: object
) -> object:
    """``codec.<method>(name, value)`` for the first codec that raises no :class:`Error`, in order.

    No codecs is a usage error; when every codec fails, a :class:`MultiError`
    lists each failure in codec order. Other exceptions propagate at once.
    The method goes by name rather than as a closure built per call: every
    request encodes and decodes through here.
    """
    if not codecs:
        raise usage_error(_MSG_NO_CODECS)
    errors: list[Error] = []
    for codec in codecs:
        try:
            return getattr(codec, method)(name, value)
        except Error as err:
            errors.append(err)
    raise MultiError(errors)
