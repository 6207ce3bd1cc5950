"""Per-request session cache and save-all (Go's ``sessions.Registry``), blocking and asyncio.

The registry lives in the request: in the WSGI environ, so every werkzeug
``Request`` built on the same environ (Go: a shallow copy of the request)
shares it; for asyncio, in the ASGI scope (:func:`get_async_registry`). The
rules (name check, load once and replay, save-all that continues past
failures and reports Go's MultiError) are :class:`RegistryRules`, which both
registries share; they differ only in awaiting the store.
"""

from __future__ import annotations

from collections.abc import Awaitable, MutableMapping
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from mongostore.asgi_http import RequestWithScope, scope_of
from mongostore.cookie_syntax import is_cookie_name_valid
from mongostore.http import RequestLike, ResponseLike, environ_of
from mongostore.sessions.blocking import is_awaitable, run_blocking
from mongostore.sessions.errors import (
    InvalidCookieNameError,
    MissingStoreError,
    MultiError,
    SaveError,
)
from mongostore.sessions.session import Session

if TYPE_CHECKING:
    from mongostore.sessions.protocol import AnyStore, AsyncStore, Store

#: The environ key holding the request's registry.
ENVIRON_KEY: Final = "mongostore.sessions.registry"
#: The ASGI scope key holding the request's asyncio registry.
SCOPE_KEY: Final = "mongostore.sessions.async_registry"


class RegistryRules:
    """Both registries' rules, written once as coroutines that await only what is awaitable.

    With a blocking store nothing suspends, and :class:`Registry` runs them
    as plain calls (:func:`~mongostore.sessions.blocking.run_blocking`);
    :class:`AsyncRegistry` awaits them.
    """

    def __init__(self, request: Any) -> None:
        self.request = request
        #: What ``store.new`` gave for each name: its session or its exception.
        self._entries: dict[str, Session | Exception] = {}
        #: What the last save-all did per name: an autosaving store's answer
        #: ("write", "touch", "nothing"), "write" for a plain ``save``,
        #: "failed" when it raised. For tools that show it (the demo).
        self.saved: dict[str, str] = {}

    async def _get(self, store: AnyStore, name: str) -> Session:
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
                loaded: object = store.new(self.request, name)
                if is_awaitable(loaded):
                    loaded = await cast(Awaitable[Session], loaded)
                entry = cast(Session, loaded)
            except Exception as exc:
                entry = exc
            # Two tasks of one request may load the same name at once: the
            # first to finish is kept, so both hand out the same session.
            entry = self._entries.setdefault(name, entry)
        if isinstance(entry, Exception):
            raise entry
        # Go sets both on every Get: the last store asked owns the session.
        entry.name = name
        entry.store = store
        return entry

    async def _save(self, response: ResponseLike) -> None:
        """Save every session of the request, continuing past failures.

        This is the *implicit* save: a store that defines ``autosave`` (both
        MongoDB stores) is asked through it, so an unchanged session costs no
        write; any other store's ``save`` runs, as in Go.

        Raises :class:`MultiError` listing each failure as Go words it
        (``sessions: error saving session "x" -- <cause>``). Names whose load
        raised (a database error) have nothing to save and are skipped.
        """
        errors: list[Exception] = []
        for name, session in list(self._entries.items()):
            if isinstance(session, Exception):
                continue
            if session.store is None:
                errors.append(MissingStoreError(name))
                continue
            # A store with an implicit-save rule (autosave: write only what
            # changed, touch the rest) gets to apply it; others save.
            autosave = getattr(session.store, "autosave", None)
            try:
                if autosave is None:
                    done: object = session.save(self.request, response)
                else:
                    done = autosave(self.request, response, session)
                if is_awaitable(done):
                    done = await cast(Awaitable[object], done)
                self.saved[name] = "write" if done is None else str(done)
            except Exception as exc:
                self.saved[name] = "failed"
                errors.append(SaveError(name, exc))
        if errors:
            raise MultiError(errors)


class Registry(RegistryRules):
    """The sessions used during one request, each loaded at most once."""

    def get(self, store: Store, name: str) -> Session:
        """The session ``name`` from ``store``, loaded on first use and then replayed."""
        return run_blocking(self._get(store, name))

    def save(self, response: ResponseLike) -> None:
        """Save every session of the request, continuing past failures (Go's MultiError)."""
        run_blocking(self._save(response))


class AsyncRegistry(RegistryRules):
    """:class:`Registry` for an ASGI request: the same rules, the store awaited.

    A session of a blocking store used in the same request is saved too.
    """

    async def get(self, store: AsyncStore, name: str) -> Session:
        """The session ``name`` from ``store``, loaded on first use and then replayed."""
        return await self._get(store, name)

    async def save(self, response: ResponseLike) -> None:
        """Save every session of the request, continuing past failures (Go's MultiError)."""
        await self._save(response)


R = TypeVar("R", bound=RegistryRules)


def _registry_in(holder: MutableMapping[str, Any], key: str, kind: type[R], request: Any) -> R:
    """The registry of ``kind`` stored under ``key`` in ``holder``, created on first use."""
    registry = holder.get(key)
    if not isinstance(registry, kind):
        registry = kind(request)
        holder[key] = registry
    return registry


def get_registry(request: RequestLike) -> Registry:
    """The registry of this request, created and stored in the environ on first use."""
    return _registry_in(environ_of(request), ENVIRON_KEY, Registry, request)


def get_async_registry(request: RequestWithScope) -> AsyncRegistry:
    """The asyncio registry of this ASGI request, created and stored in its scope on first use.

    The scope is shared by every Starlette ``Request`` built on it, so they
    all see one registry; :class:`mongostore.asgi.SessionMiddleware` creates it
    before the app runs, so copies of the scope share it too.
    """
    scope = scope_of(request)
    return _registry_in(scope, SCOPE_KEY, AsyncRegistry, scope)


def save(request: RequestLike, response: ResponseLike) -> None:
    """Save every session used during the request (Go's ``sessions.Save``)."""
    get_registry(request).save(response)
