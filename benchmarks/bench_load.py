"""Requests per second of SessionMiddleware on MongoStore under concurrent HTTP load.

The scenario of ``tests/test_load.py``: werkzeug's threaded server on
loopback, 8 client threads x 100 requests, each with its own session
counting visits (one ``find_one`` + one ``update_one`` per request). Subject:
over a real ``pymongo.MongoClient`` on a mongoeco wire server started for the
run (``tests/support/wire.py``; needs ``$MONGOSTORE_WIRE_PYTHON`` or
``.wire-venv``, see ``scripts/test.sh``), or on ``$MONGODB_URI``. Peer: the
same on in-process mongomock, so the ratio is the cost of the wire round
trips. The subject's text carries the requests per second; ``us/op`` is
wall time per request across all threads.

Run alone: ``python -m benchmarks.bench_load``.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import mongomock
import pymongo

from benchmarks.common import Row, format_table
from mongostore.store import MongoStore
from tests.support import wire
from tests.support.load import LoadResult, counter_app, run_clients, serving

KEY = b"bench-load-hash-key"
THREADS = 8
REQUESTS = 100


def _load(database: Any) -> LoadResult:
    store = MongoStore(database, KEY)
    with serving(counter_app(store)) as base_url:
        result = run_clients(base_url, store.codecs, threads=THREADS, requests=REQUESTS)
    if result.errors:
        raise RuntimeError(f"load run had {len(result.errors)} errors: {result.errors[:3]}")
    return result


def _on_server() -> tuple[str, LoadResult]:
    """(backend label, result) on MONGODB_URI or a wire server started here."""
    uri = os.environ.get("MONGODB_URI")
    label = "MONGODB_URI"
    if not uri:
        uri, label = wire.shared_server().uri, "wire (mongoeco)"
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(uri)
    name = f"bench_load_{uuid.uuid4().hex[:12]}"
    try:
        return label, _load(client[name])
    finally:
        client.drop_database(name)
        client.close()
        wire.stop_shared_server()


def results() -> list[Row]:
    """One row: the server backend's wall time per request, beside mongomock's."""
    peer = _load(mongomock.MongoClient()["bench_load"])
    scenario = f"{THREADS} threads x {REQUESTS} requests"
    try:
        label, subject = _on_server()
    except wire.WireUnavailableError as exc:
        return [
            Row(
                "load",
                f"{scenario}, mongomock: {peer.requests_per_second:.0f} req/s "
                f"(wire unavailable: {exc})",
                1e6 / peer.requests_per_second,
            )
        ]
    return [
        Row(
            "load",
            f"{scenario}, {label}: {subject.requests_per_second:.0f} req/s",
            1e6 / subject.requests_per_second,
            f"mongomock: {peer.requests_per_second:.0f} req/s",
            1e6 / peer.requests_per_second,
        )
    ]


if __name__ == "__main__":
    print(format_table(results()))
