"""Fixtures for the asyncio store and the ASGI middleware: the wire server, async databases.

mongomock has no asyncio API, so these tests run on a real wire-protocol
server: the run's ``wire_uri`` (``tests/support/mongo.py``), which skips, or
fails under ``MONGOSTORE_REQUIRE_WIRE=1``, when no server can start.

``async_database`` is a fresh ``AsyncDatabase`` per test, dropped after, on
a client of the test's own event loop (pymongo's asyncio client belongs to
one loop); ``sync_twin`` is the same database through a blocking client, for
cross-checks with :class:`MongoStore`. Async tests use anyio's pytest plugin
(``pytest.mark.anyio``) on asyncio.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pymongo
import pytest
from pymongo import AsyncMongoClient


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (pymongo's async API is asyncio-only)."""
    return "asyncio"


@pytest.fixture
def database_name() -> str:
    """A unique database name for one test."""
    return f"mongostore_aio_{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def async_client(wire_uri: str) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    """An asyncio client of the test's event loop."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(wire_uri)
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
async def async_database(
    async_client: AsyncMongoClient[dict[str, Any]], database_name: str
) -> AsyncIterator[Any]:
    """A fresh ``AsyncDatabase`` for one test, dropped afterwards."""
    try:
        yield async_client.get_database(database_name)
    finally:
        await async_client.drop_database(database_name)


@pytest.fixture(scope="session")
def sync_wire_client(wire_uri: str) -> Iterator[pymongo.MongoClient[dict[str, Any]]]:
    """A blocking client of the same server."""
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(wire_uri)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def sync_twin(sync_wire_client: pymongo.MongoClient[dict[str, Any]], database_name: str) -> Any:
    """``async_database``'s database through the blocking client (for MongoStore)."""
    return sync_wire_client.get_database(database_name)


def scope_with_cookie(cookie: str | None = None, *, kind: str = "http") -> dict[str, Any]:
    """A bare ASGI scope for GET /, carrying ``cookie`` (``name=value``) when given."""
    headers = [] if cookie is None else [(b"cookie", cookie.encode("latin-1"))]
    return {"type": kind, "method": "GET", "path": "/", "headers": headers}


class AsyncFaultyCollection:
    """An ``AsyncCollection`` double: forwards to a real one, or raises the planned fault.

    ``fail_on`` maps a method name to the exception its next calls raise;
    ``calls`` records every method called, in order.
    """

    def __init__(self, collection: Any, fail_on: dict[str, BaseException] | None = None) -> None:
        self.inner = collection
        self.fail_on = dict(fail_on or {})
        self.calls: list[str] = []

    @property
    def full_name(self) -> str:
        return str(self.inner.full_name)

    async def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(method)
        if method in self.fail_on:
            raise self.fail_on[method]
        result = getattr(self.inner, method)(*args, **kwargs)
        # find returns a cursor at once (AsyncCollection.find is not a coroutine).
        return await result if inspect.isawaitable(result) else result

    async def find_one(self, *args: Any, **kwargs: Any) -> Any:
        # Defined on the class: the store tells an async collection by its find_one.
        return await self._call("find_one", *args, **kwargs)

    def __getattr__(self, method: str) -> Any:
        if method.startswith("_"):
            raise AttributeError(method)

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await self._call(method, *args, **kwargs)

        return call
