"""Per-request session cache and save-all (Go's ``sessions.Registry``), blocking and asyncio.

The registry lives in the request: in the WSGI environ, so every werkzeug
``Request`` built on the same environ (Go: a shallow copy of the request)
shares it; for asyncio, in the ASGI scope (:func:`get_async_registry`). The
rules (name check, load once and replay, save-all that continues past
failures and reports Go's MultiError) are :class:`RegistryRules`, which both
registries share; they differ only in awaiting the store.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

from mongostore.asgi_http import RequestWithScope, scope_of
from mongostore.cookie_syntax import is_cookie_name_valid
from mongostore.http import RequestLike, ResponseLike, environ_of
from mongostore.sessions.blocking import is_awaitable, refuse_awaitable
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
    """Both registries' rules, written once; the registries differ only in awaiting the store.

    :class:`Registry` calls the store, :class:`AsyncRegistry` awaits it; what
    is cached, replayed, reported and skipped is decided here.
    """

    __slots__ = ("_entries", "request", "saved")

    def __init__(self, request: Any) -> None:
        self.request = request
        #: What ``store.new`` gave for each name: its session or its exception.
        self._entries: dict[str, Session | Exception] = {}
        #: What the last save-all did per name: an autosaving store's answer
        #: ("write", "touch", "nothing"), "write" for a plain ``save``,
        #: "failed" when it raised. For tools that show it (the demo).
        self.saved: dict[str, str] = {}

    def _cached(self, name: str) -> Session | Exception | None:
        """The cached load of ``name`` (None: not loaded yet); a bad cookie name raises.

        The first load runs ``store.new`` and caches its session or its
        exception (:meth:`_keep`); later ones replay the same session object
        (a bad cookie's fresh session with its ``load_error`` included) or
        re-raise the same exception object, as Go replays ``(session, err)``.
        """
        if not is_cookie_name_valid(name):
            raise InvalidCookieNameError(name)
        return self._entries.get(name)

    def _keep(self, name: str, entry: Session | Exception) -> Session | Exception:
        """Cache a first load's outcome; the one kept.

        Two tasks of one request may load the same name at once: the first
        to finish is kept, so both hand out the same session.
        """
        return self._entries.setdefault(name, entry)

    @staticmethod
    def _hand_out(entry: Session | Exception, store: AnyStore, name: str) -> Session:
        """The session of a cached load, or its exception raised again."""
        if isinstance(entry, Exception):
            raise entry
        # Go sets both on every Get: the last store asked owns the session.
        entry.name = name
        entry.store = store
        return entry

    def _to_save(self, errors: list[Exception]) -> list[tuple[str, Session, Any]]:
        """Each session to save with the store method that saves it: ``autosave`` or ``save``.

        Save-all is the *implicit* save: a store that defines ``autosave``
        (both MongoDB stores) is asked through it, so an unchanged session
        costs no write; any other store's ``save`` runs, as in Go. Both take
        ``(request, response, session)``; an async store's return awaitables.
        Names whose load raised (a database error) have nothing to save; a
        session with no store is reported in ``errors``.
        """
        pending = []
        for name, session in self._entries.items():
            if isinstance(session, Exception):
                continue
            store = session.store
            if store is None:
                errors.append(MissingStoreError(name))
                continue
            pending.append((name, session, getattr(store, "autosave", None) or store.save))
        return pending

    def _saved(self, name: str, done: object) -> None:
        """Note what the save of ``name`` did (None, from a plain ``save``: a write)."""
        self.saved[name] = "write" if done is None else str(done)

    def _failed(self, name: str, error: Exception, errors: list[Exception]) -> None:
        """Note a failed save, in Go's words (``sessions: error saving session "x" -- …``)."""
        self.saved[name] = "failed"
        errors.append(SaveError(name, error))


class Registry(RegistryRules):
    """The sessions used during one request, each loaded at most once."""

    __slots__ = ()

    def get(self, store: Store, name: str) -> Session:
        """The session ``name`` from ``store``, loaded on first use and then replayed."""
        entry = self._cached(name)
        if entry is None:
            try:
                entry = store.new(self.request, name)
            except Exception as exc:
                entry = exc
            refuse_awaitable(entry)
            entry = self._keep(name, entry)
        return self._hand_out(entry, store, name)

    def save(self, response: ResponseLike) -> None:
        """Save every session of the request, continuing past failures (Go's MultiError)."""
        errors: list[Exception] = []
        for name, session, saver in self._to_save(errors):
            try:
                done = saver(self.request, response, session)
                refuse_awaitable(done)
                self._saved(name, done)
            except Exception as exc:
                self._failed(name, exc, errors)
        if errors:
            raise MultiError(errors)


class AsyncRegistry(RegistryRules):
    """:class:`Registry` for an ASGI request: the same rules, the store awaited.

    A blocking store (a ``CookieStore``, say) may serve a name of the same
    request too: its results are used as they come, and its sessions are
    saved with the rest.
    """

    __slots__ = ()

    async def get(self, store: AsyncStore, name: str) -> Session:
        """The session ``name`` from ``store``, loaded on first use and then replayed."""
        entry = self._cached(name)
        if entry is None:
            try:
                # Any, not cast(): typing.cast is a real call, on every load.
                loaded: Any = store.new(self.request, name)
                if is_awaitable(loaded):  # a blocking store's session comes as it is
                    loaded = await loaded
                entry = loaded
            except Exception as exc:
                entry = exc
            entry = self._keep(name, entry)
        return self._hand_out(entry, store, name)

    async def save(self, response: ResponseLike) -> None:
        """Save every session of the request, continuing past failures (Go's MultiError)."""
        errors: list[Exception] = []
        for name, session, saver in self._to_save(errors):
            try:
                done: Any = saver(self.request, response, session)
                if is_awaitable(done):
                    done = await done
                self._saved(name, done)
            except Exception as exc:
                self._failed(name, exc, errors)
        if errors:
            raise MultiError(errors)


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
