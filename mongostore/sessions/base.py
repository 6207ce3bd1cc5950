"""What every codec-protected store shares: codecs from key pairs, options, limits, loading.

:class:`StoreConfig` is the I/O-free part (sync and async stores both build on
it): codecs, the options with their defaults, the max-age and max-length
setters, and the bad-cookie rule (a cookie that fails to decode gives a new
session with ``load_error``). :class:`CodecStore` adds the synchronous
``get``/``new`` template.
"""

from __future__ import annotations

import abc
import logging
from typing import Any

import securecookie
from mongostore.http import RequestLike, ResponseLike, request_cookie
from mongostore.sessions.options import Options, validate_max_age
from mongostore.sessions.registry import get_registry
from mongostore.sessions.session import Session
from securecookie.codec import DEFAULT_MAX_AGE


def default_options(**overrides: Any) -> Options:
    """A store's default options: path "/", max age 30 days, HttpOnly, plus ``overrides``.

    Every store starts from these; each passes only where its Go original
    differs (SameSite, Secure).
    """
    fields: dict[str, Any] = {
        "path": "/",
        "max_age": DEFAULT_MAX_AGE,
        # Deliberate change from Go, in every store: scripts never need the session cookie.
        "http_only": True,
    }
    fields.update(overrides)
    return Options(**fields)


class StoreConfig:
    """What every codec-protected store shares, sync or async: codecs, options, limits.

    ``key_pairs`` are (hash key, block key) pairs for rotation, newest first;
    the block key of the last pair may be omitted. ``codecs`` and ``options``
    are public and may be replaced, as in Go. Nothing here does I/O, so a
    synchronous store (:class:`CodecStore`) and an asyncio store
    (:class:`mongostore.aio.AsyncMongoStore`) configure themselves the same way.
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
        # A StoreConfig is always one of the two store kinds (a subclass adds the I/O).
        return Session(self, name, options=self.options.copy(), is_new=True)  # type: ignore[arg-type]

    def _fresh_after(self, name: str, err: securecookie.Error) -> Session:
        """The session a failed load gives: new, carrying ``err``; or ``err`` raised.

        A cookie or stored data that fails to decode (tampered, expired,
        signed with a retired key) is the client's: a new session whose
        ``load_error`` is that error, as Go's ``Store.New`` returns the pair
        and its callers write ``session, _ := store.Get(r, name)``. A usage
        or internal codec error (no keys, a broken codec) is the store's own
        fault and raises.
        """
        if err.is_usage() or err.is_internal() or not err.is_decode():
            raise err
        session = self._new_session(name)
        session.load_error = err
        # DEBUG, not WARNING: every visitor with a stale cookie causes one.
        self._log.debug(
            "session %r starts afresh: its cookie or data failed to decode: %s", name, err
        )
        return session

    @property
    def _log(self) -> logging.Logger:
        """The logger of the store's own module (``mongostore.store``, …)."""
        return logging.getLogger(type(self).__module__)


class CodecStore(StoreConfig, abc.ABC):
    """A synchronous store over :class:`StoreConfig`: the registry-cached ``get`` and ``new``."""

    def get(self, request: RequestLike, name: str) -> Session:
        """The session ``name`` of this request, loaded once per request (registry-cached)."""
        return get_registry(request).get(self, name)

    def new(self, request: RequestLike, name: str) -> Session:
        """Load the session afresh from the request, bypassing the registry.

        No cookie: a new session. A cookie or stored data that fails to
        decode: a new session whose ``load_error`` is that
        :class:`securecookie.Error`, logged at DEBUG (:meth:`_fresh_after`).
        Errors of the server side (database, files, a store without keys)
        still raise.
        """
        cookie = request_cookie(request, name)
        if cookie is None:
            return self._new_session(name)
        try:
            return self._load(name, cookie)
        except securecookie.Error as err:
            return self._fresh_after(name, err)

    @abc.abstractmethod
    def _load(self, name: str, cookie: str) -> Session:
        """The session ``name`` named by the request's ``cookie`` value.

        Raises a decode :class:`securecookie.Error` for anything the client
        sent (or the store holds) that does not decode; a cookie naming a
        session that no longer exists gives a new session.
        """

    @abc.abstractmethod
    def save(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        """Persist the session and add its Set-Cookie header."""


def session_values(decoded: Any) -> dict[Any, Any]:
    """Decoded session values, which must be a dict (Go decodes into a map)."""
    if not isinstance(decoded, dict):
        raise securecookie.errors.decode_error(
            f"session values must decode to a map, got {type(decoded).__name__}"
        )
    return decoded
