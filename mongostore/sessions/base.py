"""What CookieStore and FilesystemStore share: codecs from key pairs, options, limits."""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator
from typing import Any

import securecookie
from mongostore.http import RequestLike, ResponseLike
from mongostore.sessions.options import Options, validate_max_age
from mongostore.sessions.registry import get_registry
from mongostore.sessions.session import Session

#: Go's default store max age: 30 days.
DEFAULT_MAX_AGE = 86400 * 30


class CodecStore(abc.ABC):
    """A store whose data is protected by securecookie codecs built from key pairs.

    ``key_pairs`` are (hash key, block key) pairs for rotation, newest first;
    the block key of the last pair may be omitted. ``codecs`` and ``options``
    are public and may be replaced, as in Go.
    """

    codecs: list[securecookie.Codec]
    options: Options

    def __init__(self, key_pairs: tuple[bytes | None, ...], options: Options) -> None:
        codecs = securecookie.codecs_from_pairs(*key_pairs)
        for codec in codecs:
            # Gob, whatever the codec default: Go stores always gob-encode, and
            # only gob carries Go's map[interface{}]interface{} session values.
            codec.set_serializer(securecookie.GobSerializer())
        self.codecs = list(codecs)
        self.options = options
        # Go's constructors call MaxAge so the codecs check the same age.
        self.max_age(options.max_age)

    def get(self, request: RequestLike, name: str) -> Session:
        """The session ``name`` of this request, loaded once per request (registry-cached)."""
        return get_registry(request).get(self, name)

    @abc.abstractmethod
    def new(self, request: RequestLike, name: str) -> Session:
        """Load the session afresh from the request, bypassing the registry."""

    @abc.abstractmethod
    def save(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        """Persist the session and add its Set-Cookie header."""

    def max_age(self, seconds: int) -> None:
        """Set the options' max age and every codec's max age together (Go's ``MaxAge``)."""
        # Checked first, so a bad value changes neither the options nor the codecs.
        validate_max_age(seconds)
        self.options.max_age = seconds
        for codec in self.codecs:
            # Go type-asserts *securecookie.SecureCookie; other codecs are left alone.
            if isinstance(codec, securecookie.SecureCookie):
                codec.max_age(seconds)

    def max_length(self, length: int) -> None:
        """Set every codec's maximum encoded length (0 = unlimited; Go's ``MaxLength``)."""
        for codec in self.codecs:
            if isinstance(codec, securecookie.SecureCookie):
                codec.max_length(length)

    def _new_session(self, name: str) -> Session:
        """A new session with a private copy of the store options (gorilla GH8)."""
        return Session(self, name, options=self.options.copy(), is_new=True)


@contextlib.contextmanager
def returning_session(session: Session) -> Iterator[None]:
    """Attach ``session`` to any securecookie error raised inside the block.

    Go's ``Store.New`` returns a usable session together with a decode error;
    API.md raises the error and carries that session as ``err.session``.
    """
    try:
        yield
    except securecookie.Error as err:
        err.session = session
        raise


def session_values(decoded: Any) -> dict[Any, Any]:
    """Decoded session values, which must be a dict (Go decodes into a map)."""
    if not isinstance(decoded, dict):
        raise securecookie.errors.decode_error(
            f"session values must decode to a map, got {type(decoded).__name__}"
        )
    return decoded
