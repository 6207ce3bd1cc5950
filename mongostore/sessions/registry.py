"""Per-request session cache and save-all (Go's ``sessions.Registry``).

The registry lives in the WSGI environ, so every werkzeug ``Request`` built
on the same environ (Go: a shallow copy of the request) shares it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from mongostore.cookie_syntax import is_cookie_name_valid
from mongostore.http import RequestLike, ResponseLike, environ_of
from mongostore.sessions.errors import (
    InvalidCookieNameError,
    MissingStoreError,
    MultiError,
    SaveError,
)
from mongostore.sessions.session import Session

if TYPE_CHECKING:
    from mongostore.sessions.protocol import Store

#: The environ key holding the request's registry.
ENVIRON_KEY: Final = "mongostore.sessions.registry"


class Registry:
    """The sessions used during one request, each loaded at most once."""

    def __init__(self, request: RequestLike) -> None:
        self.request = request
        #: What ``store.new`` gave for each name: its session or its exception.
        self._entries: dict[str, Session | Exception] = {}

    def get(self, store: Store, name: str) -> Session:
        """The session ``name`` from ``store``, loaded on first use and then replayed.

        The first call runs ``store.new`` and caches its session or its
        exception; later calls return the same session object (a bad cookie's
        fresh session with its ``load_error`` included) or re-raise the same
        exception object, as Go replays ``(session, err)``.
        """
        if not is_cookie_name_valid(name):
            raise InvalidCookieNameError(name)
        entry = self._entries.get(name)
        if entry is None:
            try:
                entry = store.new(self.request, name)
            except Exception as exc:
                entry = exc
            self._entries[name] = entry
        if isinstance(entry, Exception):
            raise entry
        # Go sets both on every Get: the last store asked owns the session.
        entry.name = name
        entry.store = store
        return entry

    def save(self, response: ResponseLike) -> None:
        """Save every session of the request, continuing past failures.

        Raises :class:`MultiError` listing each failure as Go words it
        (``sessions: error saving session "x" -- <cause>``). Names whose load
        raised (a database error) have nothing to save and are skipped.
        """
        errors: list[Exception] = []
        for name, session in self._entries.items():
            if isinstance(session, Exception):
                continue
            if session.store is None:
                errors.append(MissingStoreError(name))
                continue
            try:
                session.store.save(self.request, response, session)
            except Exception as exc:
                errors.append(SaveError(name, exc))
        if errors:
            raise MultiError(errors)


def get_registry(request: RequestLike) -> Registry:
    """The registry of this request, created and stored in the environ on first use."""
    environ = environ_of(request)
    registry = environ.get(ENVIRON_KEY)
    if not isinstance(registry, Registry):
        registry = Registry(request)
        environ[ENVIRON_KEY] = registry
    return registry


def save(request: RequestLike, response: ResponseLike) -> None:
    """Save every session used during the request (Go's ``sessions.Save``)."""
    get_registry(request).save(response)
