"""What every codec-backed store shares (CookieStore, FilesystemStore, MongoStore).

Codecs from key pairs, the options with their defaults, the max-age and
max-length setters, and loading: a cookie that fails to decode gives a new
session with ``load_error``.
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

    def new(self, request: RequestLike, name: str) -> Session:
        """Load the session afresh from the request, bypassing the registry.

        No cookie: a new session. A cookie or stored data that fails to
        decode (tampered, expired, signed with a retired key): a new session
        whose ``load_error`` is that :class:`securecookie.Error`, logged at
        DEBUG. Go's ``Store.New`` returns the same pair, and its callers
        write ``session, _ := store.Get(r, name)``: a stale cookie must start
        a fresh session, not fail the request. Errors of the server side
        (database, files, a store without keys) still raise.
        """
        cookie = request_cookie(request, name)
        if cookie is None:
            return self._new_session(name)
        try:
            return self._load(name, cookie)
        except securecookie.Error as err:
            if err.is_usage() or err.is_internal() or not err.is_decode():
                raise  # the store's own fault (no keys, a broken codec): not the client's
            return fresh_session_after(self._new_session(name), err, self._log)

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

    @property
    def _log(self) -> logging.Logger:
        """The logger of the store's own module (``mongostore.store``, …)."""
        return logging.getLogger(type(self).__module__)


def fresh_session_after(session: Session, err: securecookie.Error, log: logging.Logger) -> Session:
    """``session`` (new, empty) carrying ``err`` as its ``load_error``; the failure logged.

    The one rule every store, sync or async, follows for a cookie or stored
    blob that fails to decode. DEBUG, not WARNING: every visitor with a stale
    cookie causes one, so it is routine, not an incident.
    """
    session.load_error = err
    log.debug(
        "session %r starts afresh: its cookie or data failed to decode: %s", session.name, err
    )
    return session


def session_values(decoded: Any) -> dict[Any, Any]:
    """Decoded session values, which must be a dict (Go decodes into a map)."""
    if not isinstance(decoded, dict):
        raise securecookie.errors.decode_error(
            f"session values must decode to a map, got {type(decoded).__name__}"
        )
    return decoded
