"""AsyncMongoStore vs MongoStore: one get + save per request on the same wire server.

Both stores load a saved session from its cookie, change a value and save it
(find_one + update_one over the wire), one request after the other: the
difference is what the asyncio driver and the store's coroutines cost (or
save) per request, since the flows, rules and documents are the same code.
No target: the ratio is printed.

Run alone: ``python -m benchmarks.bench_aio``.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import pymongo
from pymongo import AsyncMongoClient

from benchmarks.common import Row, format_table, time_per_op
from benchmarks.wire import running_server
from mongostore.aio import AsyncMongoStore
from mongostore.http import HeaderList
from mongostore.store import MongoStore

NAME = "session"
KEY = bytes(range(32))
SESSIONS = 20
VALUES: dict[Any, Any] = {"user": "alice", "provider": "github", "n": 0}
ASYNC_REQUESTS = 100  # per timed round; best of ASYNC_ROUNDS
ASYNC_ROUNDS = 3
ROUNDS = 2  # alternations of the two stores


def _cookie(headers: list[tuple[str, str]]) -> str:
    return headers[0][1].split(";", 1)[0]


def _sync_us(uri: str) -> float:
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(uri)
    try:
        store = MongoStore(client.get_database("bench_sync"), KEY)
        cookies = []
        for _ in range(SESSIONS):
            session = store.new({}, NAME)
            session.values.update(VALUES)
            headers: list[tuple[str, str]] = []
            store.save({}, HeaderList(headers), session)
            cookies.append(_cookie(headers))
        cycle = itertools.cycle(cookies)
        counter = itertools.count()

        def request() -> None:
            environ = {"HTTP_COOKIE": next(cycle)}
            session = store.get(environ, NAME)
            session.values["n"] = next(counter)
            store.save(environ, HeaderList([]), session)

        return time_per_op(request, repeat=3)
    finally:
        client.drop_database("bench_sync")
        client.close()


async def _async_us(uri: str) -> float:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
    try:
        store = AsyncMongoStore(client.get_database("bench_async"), KEY)
        cookies = []
        for _ in range(SESSIONS):
            session = await store.new({"headers": []}, NAME)
            session.values.update(VALUES)
            headers: list[tuple[str, str]] = []
            await store.save({}, HeaderList(headers), session)
            cookies.append(_cookie(headers).encode("latin-1"))
        cycle = itertools.cycle(cookies)
        best = float("inf")
        for _ in range(ASYNC_ROUNDS):
            start = time.perf_counter()
            for n in range(ASYNC_REQUESTS):
                scope = {"type": "http", "headers": [(b"cookie", next(cycle))]}
                session = await store.get(scope, NAME)
                session.values["n"] = n
                await store.save(scope, HeaderList([]), session)
            best = min(best, (time.perf_counter() - start) / ASYNC_REQUESTS)
        return best * 1e6
    finally:
        await client.drop_database("bench_async")
        await client.close()


def results() -> list[Row]:
    """AsyncMongoStore's get+save per request beside MongoStore's, on one wire server."""
    sync_us, async_us = float("inf"), float("inf")
    with running_server() as uri:
        # Alternate and keep each one's best (see bench_store).
        for _ in range(ROUNDS):
            sync_us = min(sync_us, _sync_us(uri))
            async_us = min(async_us, asyncio.run(_async_us(uri)))
    return [
        Row(
            group="asyncio",
            subject="AsyncMongoStore get+save / request",
            us_per_op=async_us,
            peer="MongoStore get+save (same wire server)",
            peer_us_per_op=sync_us,
        )
    ]


if __name__ == "__main__":
    print(format_table(results()))
