"""Fixtures for the asyncio store and the ASGI middleware: the wire server, async databases.

mongomock has no asyncio API, so these tests run on a real wire-protocol
server. Until the shared wire backend (``tests/support/wire.py``, branch i9)
is on main, :func:`wire_uri` here starts one mongoeco server for the run
(``$MONGOSTORE_WIRE_PYTHON``, else ``/tmp/eco/bin/python``); once it lands,
this module's ``wire_uri`` goes and the shared fixture of the same name serves.

``async_database`` is a fresh ``AsyncDatabase`` per test, dropped after, on
a client of the test's own event loop (pymongo's asyncio client belongs to
one loop); ``sync_twin`` is the same database through a blocking client, for
cross-checks with :class:`MongoStore`. Async tests use anyio's pytest plugin
(``pytest.mark.anyio``) on asyncio.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pymongo
import pytest
from pymongo import AsyncMongoClient

PYTHON_VARIABLE = "MONGOSTORE_WIRE_PYTHON"
DEFAULT_PYTHON = Path("/tmp/eco/bin/python")
#: The one mongoeco launcher of the tests (it prints its URI, then serves).
ECO_SERVER = Path(__file__).resolve().parent / "eco_server.py"


def wire_python() -> Path | None:
    """The interpreter with mongoeco (``$MONGOSTORE_WIRE_PYTHON``, else /tmp/eco), if present."""
    python = Path(os.environ.get(PYTHON_VARIABLE) or DEFAULT_PYTHON)
    return python if python.exists() else None


@contextlib.contextmanager
def running_wire_server(python: Path) -> Iterator[str]:
    """Run one mongoeco wire server on a free loopback port; its URI. Stopped on exit.

    It runs ``tests/support/eco_server.py``, as the live Go tests do. The
    benchmarks use it too.
    """
    process = subprocess.Popen(
        [str(python), str(ECO_SERVER)], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert process.stdout is not None
        uri = process.stdout.readline().strip()
        assert uri.startswith("mongodb://"), f"the wire server did not start: {uri!r}"
        yield uri
    finally:
        process.kill()  # an in-memory test server: nothing to shut down gracefully
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture(scope="session")
def wire_uri() -> Iterator[str]:
    """The URI of one mongoeco wire server for the whole run."""
    python = wire_python()
    if python is None:
        pytest.skip(f"no wire-server Python (set ${PYTHON_VARIABLE})")
    with running_wire_server(python) as uri:
        yield uri


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
        return await getattr(self.inner, method)(*args, **kwargs)

    async def find_one(self, *args: Any, **kwargs: Any) -> Any:
        # Defined on the class: the store tells an async collection by its find_one.
        return await self._call("find_one", *args, **kwargs)

    def __getattr__(self, method: str) -> Any:
        if method.startswith("_"):
            raise AttributeError(method)

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await self._call(method, *args, **kwargs)

        return call
