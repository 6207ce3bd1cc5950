"""AsyncMongoStore: MongoStore for asyncio, on pymongo's native asyncio API.

The same documents, cookies, options, errors and semantics as
:class:`mongostore.store.MongoStore`, because it runs the same operations:
each method awaits a flow of :mod:`mongostore.flows` on an
``AsyncCollection`` (pymongo >= 4.13, where ``AsyncMongoClient`` became
stable). A Python service on asyncio, a WSGI one and a Go one can therefore
share one collection and one cookie.

A request is an ASGI scope or a Starlette ``Request``/``WebSocket``; a
response is anything with ``headers.add`` (e.g.
:class:`mongostore.asgi_http.RawHeaderList`) or a Starlette ``Response``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, cast

from pymongo.asynchronous.collection import AsyncCollection

from mongostore import flows, lifetimes
from mongostore.asgi_http import RequestWithScope, add_set_cookie, scope_cookie, scope_of
from mongostore.cleaner import run_auto_clean_async, validate_interval
from mongostore.lifetimes import SaveAction, SessionInfo
from mongostore.sessions.registry import get_async_registry
from mongostore.sessions.session import Session
from mongostore.store_base import DEFAULT_COLLECTION, Lifetime, MongoStoreBase, collection_of

__all__ = ["AsyncMongoStore", "AsyncSessionCollection", "SaveAction", "SessionInfo"]


AsyncSessionCollection = AsyncCollection[dict[str, Any]]


class AsyncMongoStore(MongoStoreBase):
    """Sessions stored in MongoDB through ``pymongo.AsyncMongoClient``; coroutine methods.

    ``database`` is an ``AsyncDatabase`` (its ``collection`` is used) or an
    ``AsyncCollection``. ``key_pairs``, ``options``, ``codecs``, ``max_age()``
    and ``now`` are :class:`mongostore.store.MongoStore`'s.
    """

    collection: AsyncSessionCollection

    def __init__(
        self,
        database: object,
        *key_pairs: bytes | None,
        collection: str = DEFAULT_COLLECTION,
        touch_after: float = lifetimes.DEFAULT_TOUCH_AFTER,
        absolute_timeout: float | None = None,
        record_client: bool = False,
        trusted_proxies: int = 0,
    ) -> None:
        self.collection = cast(
            AsyncSessionCollection, collection_of(database, collection, asynchronous=True)
        )
        self._auto_clean: asyncio.Task[None] | None = None
        lifetime = Lifetime(touch_after, absolute_timeout, record_client, trusted_proxies)
        super().__init__(key_pairs, lifetime)

    def _read_client(self, request: object) -> dict[str, str | None]:
        """The client fields of an ASGI HTTP scope (user agent, address per ``trusted_proxies``)."""
        return lifetimes.asgi_client(scope_of(request), self.trusted_proxies)

    async def get(self, request: RequestWithScope, name: str) -> Session:
        """The session ``name`` of this request, loaded once per request (the scope's registry)."""
        return await get_async_registry(request).get(self, name)

    async def new(self, request: RequestWithScope, name: str) -> Session:
        """The live session the request's cookie names, bypassing the registry.

        As :meth:`MongoStore.new`: no cookie or no live document gives a new
        session; a cookie or data that fails to decode, a new session whose
        ``load_error`` says why; a database error raises, with a note.
        """
        cookie = scope_cookie(request, name)
        return await flows.drive(flows.new(self, name, cookie), self.collection)

    async def save(
        self,
        request: object,
        response: object,
        session: Session,
        *,
        document_max_age: int | None = None,
    ) -> None:
        """Write the session's document, then add its Set-Cookie header to ``response``.

        As :meth:`MongoStore.save` (``document_max_age`` included); a failed
        write adds no header.
        """
        flow = flows.save(self, session, self._client(request), document_max_age)
        add_set_cookie(response, await flows.drive(flow, self.collection))

    async def autosave(
        self,
        request: object,
        response: object,
        session: Session,
        *,
        document_max_age: int | None = None,
        options_changed: bool | None = None,
    ) -> SaveAction:
        """The implicit save (the ASGI middleware, save-all): as :meth:`MongoStore.autosave`."""
        flow = flows.autosave(
            self, session, self._client(request), document_max_age, options_changed=options_changed
        )
        action, header = await flows.drive(flow, self.collection)
        if header is not None:
            add_set_cookie(response, header)
        return action

    async def regenerate(
        self,
        request: object,
        response: object,
        session: Session,
        *,
        document_max_age: int | None = None,
    ) -> None:
        """Move the session to a fresh ID (on login), as :meth:`MongoStore.regenerate`."""
        flow = flows.regenerate(self, session, self._client(request), document_max_age)
        add_set_cookie(response, await flows.drive(flow, self.collection))

    async def list_sessions(self, user: Any) -> list[SessionInfo]:
        """The live sessions of ``user``, newest first (see :meth:`MongoStore.list_sessions`)."""
        return await flows.drive(flows.list_sessions(self, user), self.collection)

    async def revoke(self, session_id: str, *, user: Any = None) -> bool:
        """End the session ``session_id`` (of ``user`` when given); True if there was one."""
        return await flows.drive(flows.revoke(session_id, user), self.collection)

    async def expire_sessions_except(self, user: Any, keep_session_id: str) -> int:
        """End every session of ``user`` but ``keep_session_id``; the count."""
        return await flows.drive(
            flows.expire_sessions_except(user, keep_session_id), self.collection
        )

    async def expire_sessions(self, user: Any, provider: Any) -> int:
        """Delete every session of ``user`` at ``provider``; the count."""
        return await flows.drive(flows.expire_sessions(user, provider), self.collection)

    async def expire_sessions_by_user_ids(self, ids: Iterable[Any]) -> int:
        """Delete every session whose ``user`` is one of ``ids``; the count."""
        return await flows.drive(flows.expire_sessions_by_user_ids(ids), self.collection)

    async def get_active_sessions_count(self) -> int:
        """How many sessions have not expired."""
        return await flows.drive(flows.get_active_sessions_count(self), self.collection)

    async def clean(self) -> int:
        """Delete every expired session now; the count."""
        return await flows.drive(flows.clean(self), self.collection)

    async def ensure_indexes(self, *, ttl: bool = True, force_ttl: bool = False) -> list[str]:
        """Create the store's indexes (idempotent); their names (see ``MongoStore``)."""
        flow = flows.ensure_indexes(self.collection.full_name, ttl=ttl, force_ttl=force_ttl)
        return await flows.drive(flow, self.collection)

    def start_auto_clean(self, interval: float) -> asyncio.Task[None]:
        """Run :meth:`clean` every ``interval`` seconds in a task of the running loop.

        Cancel the task to stop. As Go's ``StartAutoClean`` starts no second
        loop, a store whose loop still runs returns that same task. A failed
        clean is logged and the loop goes on.
        """
        seconds = validate_interval(interval)
        if self._auto_clean is None or self._auto_clean.done():
            self._auto_clean = asyncio.get_running_loop().create_task(
                run_auto_clean_async(self.clean, seconds), name="mongostore-auto-clean"
            )
        return self._auto_clean
