"""SessionMiddleware on MongoStore under concurrent HTTP load, over a real MongoDB connection.

A real threaded WSGI server on loopback, a real ``pymongo.MongoClient`` on
the run's wire server (or MONGODB_URI), 8 client threads x 100 requests,
each thread with its own session counting its visits. Every request must
succeed, every count must be exact at every step, and no two clients may
ever share a session. Speed is not asserted: requests per second are in
``python -m benchmarks load``.
"""

from __future__ import annotations

from typing import Any

import securecookie
from mongostore.store import MongoStore
from tests.support.load import NAME, counter_app, run_clients, serving
from tests.support.mongo import cookie_request

KEY = b"load-test-hash-key"
THREADS = 8
REQUESTS = 100


def test_eight_clients_count_exactly_in_their_own_sessions(wire_database: Any) -> None:
    store = MongoStore(wire_database, KEY)
    with serving(counter_app(store)) as base_url:
        result = run_clients(base_url, store.codecs, threads=THREADS, requests=REQUESTS)

    assert result.errors == []
    for client in result.clients:
        assert client.counts == list(range(1, REQUESTS + 1))
        assert len(client.session_ids) == 1
    ids = [next(iter(client.session_ids)) for client in result.clients]
    assert len(set(ids)) == THREADS  # no two clients ever shared a session

    # The database agrees: one document per client, each holding its final count.
    assert store.collection.count_documents({}) == THREADS
    for session_id in ids:
        cookie = securecookie.encode_multi(NAME, session_id, *store.codecs)
        session = store.new(cookie_request(NAME, cookie), NAME)
        assert (session.is_new, session.values) == (False, {"n": REQUESTS})
