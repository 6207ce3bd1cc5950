"""The session store interfaces (Go's ``sessions.Store``), synchronous and asyncio."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    from mongostore.http import RequestLike, ResponseLike
    from mongostore.sessions.session import Session


class Store(Protocol):
    """What a session backend implements.

    Where Go returns a usable session together with a decode error (a bad
    cookie or stored blob), ``get`` and ``new`` return a new session whose
    ``load_error`` is that error; server-side errors raise.
    """

    def get(self, request: RequestLike, name: str) -> Session:
        """The request's session ``name``, cached in the request's registry."""

    def new(self, request: RequestLike, name: str) -> Session:
        """A session loaded afresh from the request, bypassing the registry.

        A cookie or stored data that fails to decode gives a new session with
        ``load_error`` set, never an exception: save-all then replaces the
        bad cookie.
        """

    def save(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        """Persist ``session`` and add its Set-Cookie header to ``response``.

        A store may also define ``autosave(request, response, session)``,
        which save-all calls instead: the implicit save, free to skip an
        unchanged session (the MongoStore's rule); explicit ``save`` always writes.
        """


class AsyncStore(Protocol):
    """:class:`Store` for asyncio: the same methods and semantics, as coroutines.

    A request is an ASGI scope or anything with a ``scope`` (a Starlette
    ``Request`` or ``WebSocket``); see :mod:`mongostore.asgi_http`.
    """

    async def get(self, request: Any, name: str) -> Session:
        """The request's session ``name``, cached in the scope's registry."""

    async def new(self, request: Any, name: str) -> Session:
        """A session loaded afresh from the request, bypassing the registry."""

    async def save(self, request: Any, response: Any, session: Session) -> None:
        """Persist ``session`` and add its Set-Cookie header to ``response``.

        An ``async def autosave`` is the implicit save, as for :class:`Store`.
        """


#: The store a session belongs to: either kind.
AnyStore: TypeAlias = "Store | AsyncStore"
