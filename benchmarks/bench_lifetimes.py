"""Issue 15 measured: database writes of read-only requests, and the store's own cost per request.

1. **Writes per 1,000 read-only requests** through :class:`SessionMiddleware`
   (each request loads a saved session and changes nothing), counted by a
   wrapper around the collection: with the implicit-save rule (goal 0 while
   within ``touch_after``) against "before", the same store with its
   ``autosave`` hidden so save-all calls ``save`` for every session, as it
   did before issue 15 (1,000). On mongomock, and on the wire backend
   (``$MONGODB_URI``, or a mongoeco server started for the run as the tests
   start it, ``$MONGOSTORE_WIRE_PYTHON``): there also through the ASGI
   :class:`mongostore.asgi.SessionMiddleware` on an ``AsyncMongoStore``.
2. **Store cost per request, excluding the database and the codecs** (goal
   <= 20 µs): ``store.get`` + save-all through a bare WSGI environ, with a
   constant-time collection double (a dict keyed by ``_id``, so no linear
   scan hides the store's cost) and a constant-time codec double (encode and
   decode are dict look-ups), so nearly all that is timed is the store's own
   work: cookie parsing, the registry, the session object, filters, the
   change check, document fields and the Set-Cookie header. The peer is the
   same database and codec calls made by hand (what no store can avoid), so
   ``subject - peer`` is the store's cost. Timed in CPU time, best of 20
   interleaved rounds, which a loaded shared machine disturbs less than wall
   time and one long burst of load cannot skew.

Run alone: ``python -m benchmarks.bench_lifetimes``.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import mongomock
from bson import ObjectId

from benchmarks.common import CountingCollection, Row, format_table
from mongostore.aio import AsyncMongoStore
from mongostore.asgi import SessionMiddleware as AsgiSessionMiddleware
from mongostore.http import HeaderList
from mongostore.middleware import SessionMiddleware
from mongostore.sessions.registry import get_async_registry
from mongostore.sessions.registry import save as save_all
from mongostore.store import MongoStore
from tests.support import wire

NAME = "session"
HASH_KEY = bytes(range(32))
BLOCK_KEY = bytes(range(32, 64))
REQUESTS = 1000
SESSIONS = 100
OVERHEAD_TARGET_US = 20.0
#: Interleaved rounds of the store-cost rows, each the best of COST_REPEAT batches of COST_BATCH.
COST_ROUNDS = 20
COST_REPEAT = 2
COST_BATCH = 1000
VALUES: dict[Any, Any] = {"user": "alice", "provider": "github", "n": 0, "theme": "dark"}


# -- Doubles ---------------------------------------------------------------------


class _Result:
    __slots__ = ("deleted_count", "matched_count")

    def __init__(self, matched: int) -> None:
        self.matched_count = matched
        self.deleted_count = matched


class DictCollection:
    """A constant-time collection double: documents in a dict keyed by ``_id``.

    It honours what the store's hot path sends: the ``_id`` and the
    ``expires > now`` condition of a filter, ``$set`` / ``$unset`` of an
    update. Nothing else (no scans, no other operators).
    """

    full_name = "bench.session"

    def __init__(self) -> None:
        self.documents: dict[Any, dict[str, Any]] = {}

    def _match(self, query: dict[str, Any]) -> dict[str, Any] | None:
        document = self.documents.get(query["_id"])
        if document is None:
            return None
        bound = query.get("expires")
        if bound is not None and not document["expires"] > bound["$gt"]:
            return None
        return document

    def find_one(self, query: dict[str, Any], *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        return self._match(query)

    def insert_one(self, document: dict[str, Any]) -> _Result:
        self.documents[document["_id"]] = dict(document)
        return _Result(1)

    def update_one(self, query: dict[str, Any], update: dict[str, Any]) -> _Result:
        document = self._match(query)
        if document is None:
            return _Result(0)
        document.update(update.get("$set", {}))
        for field in update.get("$unset", {}):
            document.pop(field, None)
        return _Result(1)


class DictCodec:
    """A constant-time codec double: encode hands out a token, decode looks it up."""

    def __init__(self) -> None:
        self._by_token: dict[str, Any] = {}
        self._counter = itertools.count()

    def encode(self, name: str, value: Any) -> str:
        token = f"t{next(self._counter)}"
        self._by_token[token] = value
        return token

    def decode(self, name: str, value: str) -> Any:
        found = self._by_token[value]
        return dict(found) if isinstance(found, dict) else found


class EveryRequestStore(MongoStore):
    """The store as save-all used it before issue 15: no ``autosave``, so every save writes."""

    def __getattribute__(self, name: str) -> Any:
        if name == "autosave":
            raise AttributeError(name)
        return super().__getattribute__(name)


# -- 1. Writes per 1,000 read-only requests -------------------------------------------


def _read_only_app(store: MongoStore) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        store.get(environ, NAME)  # reads the session, changes nothing
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return SessionMiddleware(app)  # type: ignore[arg-type]


def writes_per_requests(collection: Any, store_type: type[MongoStore]) -> int:
    """Database writes made by REQUESTS read-only requests on one saved session."""
    counting = CountingCollection(collection)
    store = store_type(counting, HASH_KEY, BLOCK_KEY)
    session = store.new({}, NAME)
    session.values.update(VALUES)
    headers: list[tuple[str, str]] = []
    store.save({}, HeaderList(headers), session)
    cookie = headers[0][1].split(";", 1)[0]
    app = _read_only_app(store)
    counting.writes = 0
    for _ in range(REQUESTS):
        b"".join(app({"HTTP_COOKIE": cookie}, lambda *args: None))
    return counting.writes


def write_rows(backend: str, collection_factory: Callable[[], Any]) -> list[Row]:
    after = writes_per_requests(collection_factory(), MongoStore)
    before = writes_per_requests(collection_factory(), EveryRequestStore)
    return [writes_row(backend, after, before)]


def writes_row(backend: str, after: int, before: int) -> Row:
    """The row of one backend: writes with autosave, against saving every request (goal 0)."""
    return Row(
        group="lifetimes",
        subject=f"DB writes / {REQUESTS} read-only requests ({backend})",
        us_per_op=float(after),
        peer="before issue 15 (save every request)",
        peer_us_per_op=float(before),
        target=0.0,
    )


def _wire_uri() -> Iterator[tuple[str, str]]:
    """``(label, uri)`` of ``$MONGODB_URI``, or of a mongoeco wire server started here."""
    uri = os.environ.get("MONGODB_URI")
    if uri:
        yield "MONGODB_URI", uri
        return
    with wire.running_server() as started:
        yield "wire", started


def wire_write_rows() -> list[Row]:
    """The write counts on the wire backend: WSGI on a blocking client, ASGI on an async one."""
    import pymongo

    rows: list[Row] = []
    try:
        for label, uri in _wire_uri():
            client: Any = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000)
            database = client.get_database(f"bench_lifetimes_{os.getpid()}")
            try:
                rows.extend(write_rows(label, _numbered_collections(database)))
                rows.extend(asyncio.run(asgi_write_rows(label, uri, database.name)))
            finally:
                client.drop_database(database.name)
                client.close()
    except wire.WireUnavailableError as exc:
        rows.append(Row("lifetimes", f"DB writes, wire backend unavailable: {exc}", math.nan))
    return rows


def _numbered_collections(database: Any) -> Callable[[], Any]:
    """A factory of fresh collections of ``database`` (session0, session1, ...)."""
    names = itertools.count()
    return lambda: database[f"session{next(names)}"]


class EveryRequestAsyncStore(AsyncMongoStore):
    """The async store without ``autosave``: save-all saves (writes) every session."""

    def __getattribute__(self, name: str) -> Any:
        if name == "autosave":
            raise AttributeError(name)
        return super().__getattribute__(name)


async def asgi_writes_per_requests(collection: Any, store_type: type[AsyncMongoStore]) -> int:
    """Database writes of REQUESTS read-only requests through the ASGI SessionMiddleware."""
    counting = AsyncCountingCollection(collection)
    store = store_type(counting, HASH_KEY, BLOCK_KEY)
    session = await store.new({"type": "http", "headers": []}, NAME)
    session.values.update(VALUES)
    headers: list[tuple[str, str]] = []
    await store.save({}, HeaderList(headers), session)
    cookie = headers[0][1].split(";", 1)[0].encode("latin-1")

    async def read_only(scope: Any, receive: Any, send: Any) -> None:
        await store.get(scope, NAME)  # reads the session, changes nothing
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app = AsgiSessionMiddleware(read_only)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    async def send(message: Any) -> None:
        return None

    counting.writes = 0
    for _ in range(REQUESTS):
        scope = {"type": "http", "method": "GET", "path": "/", "headers": [(b"cookie", cookie)]}
        await app(scope, receive, send)
    return counting.writes


async def asgi_write_rows(label: str, uri: str, database_name: str) -> list[Row]:
    from pymongo import AsyncMongoClient

    client: Any = AsyncMongoClient(uri)
    try:
        database = client.get_database(database_name)
        after = await asgi_writes_per_requests(database["asgi_after"], AsyncMongoStore)
        before = await asgi_writes_per_requests(database["asgi_before"], EveryRequestAsyncStore)
    finally:
        await client.close()
    return [writes_row(f"ASGI, {label}", after, before)]


class AsyncCountingCollection(CountingCollection):
    """:class:`CountingCollection` for an ``AsyncCollection`` (its find_one a coroutine)."""

    async def find_one(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return await self.inner.find_one(*args, **kwargs)


# -- 2. The store's own cost per request -----------------------------------------------


def cpu_time_per_op(func: Callable[[], object], *, number: int = 2000, repeat: int = 7) -> float:
    """Best-of-``repeat`` CPU microseconds per call, GC off (a loaded machine steals wall time)."""

    def batch() -> None:
        for _ in range(number):
            func()

    return best_cpu_us(batch, number, repeat)


def best_cpu_us(batch: Callable[[], object], number: int, repeat: int) -> float:
    """The best of ``repeat`` runs of ``batch`` (``number`` operations), in CPU µs per operation."""
    best = math.inf
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.process_time()
            batch()
            best = min(best, (time.process_time() - start) / number)
    finally:
        if enabled:
            gc.enable()
    return best * 1e6


def _double_store() -> tuple[MongoStore, list[str]]:
    store = MongoStore(DictCollection(), HASH_KEY, BLOCK_KEY)
    store.codecs = [DictCodec()]
    cookies = []
    for _ in range(SESSIONS):
        session = store.new({}, NAME)
        session.values.update(VALUES)
        headers: list[tuple[str, str]] = []
        store.save({}, HeaderList(headers), session)
        cookies.append(headers[0][1].split(";", 1)[0])
    return store, cookies


def overhead_rows() -> list[Row]:
    store, cookies = _double_store()
    codec = store.codecs[0]
    collection: Any = store.collection
    max_age = store.options.max_age
    cookie_cycle = itertools.cycle(cookies)
    counter = itertools.count()

    def changing_request() -> None:
        environ = {"HTTP_COOKIE": next(cookie_cycle)}
        store.get(environ, NAME).values["n"] = next(counter)
        save_all(environ, HeaderList([]))

    def read_only_request() -> None:
        environ = {"HTTP_COOKIE": next(cookie_cycle)}
        store.get(environ, NAME)
        save_all(environ, HeaderList([]))

    def unavoidable_read() -> tuple[ObjectId, int, Any]:
        object_id = ObjectId(codec.decode(NAME, next(cookie_cycle).partition("=")[2]))
        now = math.floor(time.time())
        document = collection.find_one({"_id": object_id, "expires": {"$gt": now}})
        return object_id, now, codec.decode(NAME, document["data"])

    def by_hand_changing() -> None:
        object_id, now, values = unavoidable_read()
        values["n"] = next(counter)
        data = codec.encode(NAME, values)
        collection.update_one(
            {"_id": object_id}, {"$set": {"data": data, "expires": now + max_age}}
        )
        codec.encode(NAME, str(object_id))

    rows = [
        _cost_row("changing request", changing_request, by_hand_changing, _cost_timer),
        _cost_row("read-only request", read_only_request, unavoidable_read, _cost_timer),
    ]
    rows.extend(async_overhead_rows(store, cookies))
    return rows


def _cost_timer(func: Callable[[], object]) -> float:
    """One round of a store-cost row: the best of :data:`COST_REPEAT` batches of calls."""
    return cpu_time_per_op(func, number=COST_BATCH, repeat=COST_REPEAT)


def _cost_row(
    label: str, subject: Callable[[], Any], peer: Callable[[], Any], timer: Callable[..., float]
) -> Row:
    """The store's cost: ``subject`` minus ``peer``, each the best of ``COST_ROUNDS`` timings.

    Interleaved, in short rounds, best of each, so a burst of load on a
    shared machine (which lasts longer than a round) cannot favour either side.
    """
    subject_us, peer_us = math.inf, math.inf
    for _ in range(COST_ROUNDS):
        subject_us = min(subject_us, timer(subject))
        peer_us = min(peer_us, timer(peer))
    return Row(
        group="lifetimes",
        subject=f"store cost / {label} (doubles)",
        us_per_op=subject_us - peer_us,
        peer="goal",
        peer_us_per_op=OVERHEAD_TARGET_US,
        target=1.0,
    )


class AsyncDictCollection:
    """:class:`DictCollection`'s documents behind coroutine methods (an AsyncCollection's shape)."""

    full_name = DictCollection.full_name

    def __init__(self, inner: DictCollection) -> None:
        self.inner = inner

    async def find_one(self, query: dict[str, Any], *args: Any) -> dict[str, Any] | None:
        return self.inner.find_one(query)

    async def update_one(self, query: dict[str, Any], update: dict[str, Any]) -> _Result:
        return self.inner.update_one(query, update)


async def _awaited_batch(func: Callable[[], Any], number: int) -> None:
    """Await ``func()`` ``number`` times in the running loop."""
    for _ in range(number):
        await func()


def async_overhead_rows(store: MongoStore, cookies: list[str]) -> list[Row]:
    """The AsyncMongoStore's own cost per changing request, in one event loop, same doubles.

    It runs the same flows as the blocking store, awaited: each database call is
    a real ``await`` of a coroutine (the double's), and save-all is the
    asyncio registry's. The peer awaits the same double calls by hand.
    """
    collection: Any = store.collection
    async_store = AsyncMongoStore(AsyncDictCollection(collection), HASH_KEY, BLOCK_KEY)
    async_store.codecs = store.codecs
    async_collection: Any = async_store.collection
    codec = store.codecs[0]
    max_age = store.options.max_age
    cookie_cycle = itertools.cycle(cookies)
    counter = itertools.count()

    async def changing_request() -> None:
        scope = {"type": "http", "headers": [(b"cookie", next(cookie_cycle).encode("latin-1"))]}
        (await async_store.get(scope, NAME)).values["n"] = next(counter)
        await get_async_registry(scope).save(HeaderList([]))

    async def by_hand_changing() -> None:
        object_id = ObjectId(codec.decode(NAME, next(cookie_cycle).partition("=")[2]))
        now = math.floor(time.time())
        document = await async_collection.find_one({"_id": object_id, "expires": {"$gt": now}})
        values = codec.decode(NAME, document["data"])
        values["n"] = next(counter)
        data = codec.encode(NAME, values)
        await async_collection.update_one(
            {"_id": object_id}, {"$set": {"data": data, "expires": now + max_age}}
        )
        codec.encode(NAME, str(object_id))

    with asyncio.Runner() as runner:

        def timer(func: Callable[[], Any], number: int = COST_BATCH) -> float:
            return best_cpu_us(
                lambda: runner.run(_awaited_batch(func, number)), number, COST_REPEAT
            )

        return [_cost_row("changing request, asyncio", changing_request, by_hand_changing, timer)]


def results() -> list[Row]:
    """The write counts (mongomock, and wire when MONGODB_URI is set) and the store's cost."""
    client: Any = mongomock.MongoClient()
    names = itertools.count()
    rows = write_rows("mongomock", lambda: client.get_database("bench")[f"s{next(names)}"])
    rows.extend(wire_write_rows())
    rows.extend(overhead_rows())
    return rows


if __name__ == "__main__":
    print(format_table(results()))
