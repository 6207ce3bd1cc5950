"""MongoStore on a large session collection: counts, expiry and cleaning stay exact.

10,000 sessions on mongomock and on a real MongoDB; on a mongoeco wire
server (the ``wire`` backend, or a MONGODB_URI naming one), whose in-memory
engine slows down with the square of a collection's size (1,000 inserts take
seconds there), the largest size it fills in about a second.
The assertions are the same on every backend.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from bson import ObjectId

import securecookie
from mongostore import documents
from mongostore.store import MongoStore
from tests.support.mongo import FakeClock, cookie_request, gob_codec

KEY = b"test"
NAME = "session"
#: Sessions per engine; multiples of 100 (the expiry offsets and users cycle per 100).
TOTALS = {"mongomock": 10_000, "mongodb": 10_000, "mongoeco": 500}
USERS = 100
PROVIDERS = ("github", "google")


Populated = tuple[MongoStore, FakeClock, list[dict[str, Any]]]


@pytest.fixture
def total(mongo_engine: str) -> int:
    """How many sessions this backend's collection holds."""
    return TOTALS[mongo_engine]


@pytest.fixture
def populated(mongo_database: Any, total: int) -> Populated:
    """``total`` sessions: expiry spread over -50..+49 s, 100 users, 2 providers.

    Session i expires at now + (i % 100) - 50, belongs to user ``u{i % USERS}``
    at provider ``PROVIDERS[(i // USERS) % 2]``; every 10th session is anonymous.
    """
    return populate(mongo_database, FakeClock(), total)


def populate(mongo_database: Any, clock: FakeClock, total: int) -> Populated:
    """The ``total`` sessions of :func:`populated`, written under ``clock``."""
    store = MongoStore(mongo_database, KEY)
    store.now = clock
    now = int(clock())
    data = securecookie.encode_multi(NAME, {"n": 1}, gob_codec(KEY))
    docs = []
    for i in range(total):
        values: dict[str, Any] = {}
        if i % 10 != 0:
            values = {"user": f"u{i % USERS}", "provider": PROVIDERS[(i // USERS) % 2]}
        docs.append(
            {
                "_id": ObjectId(),
                **documents.document_fields(data, now + (i % 100) - 50, values),
            }
        )
    store.collection.insert_many(docs)
    return store, clock, docs


def expected(docs: list[dict[str, Any]], predicate: Any) -> int:
    return sum(1 for doc in docs if predicate(doc))


def test_active_count_is_exact_at_every_boundary(
    populated: Populated,
) -> None:
    store, clock, docs = populated
    for step in (0, 1, 25, 48):
        clock.advance(step)
        now = int(clock())
        live = expected(docs, lambda d, now=now: d["expires"] > now)
        assert store.get_active_sessions_count() == live


def test_clean_deletes_exactly_the_expired_sessions(populated: Populated, total: int) -> None:
    store, clock, docs = populated
    now = int(clock())
    expired = expected(docs, lambda d: d["expires"] <= now)
    assert expired == total // 100 * 51  # offsets -50..0
    assert store.clean() == expired
    assert store.collection.count_documents({}) == total - expired
    assert store.get_active_sessions_count() == total - expired
    assert store.clean() == 0


def test_expire_sessions_deletes_one_users_sessions_at_one_provider(
    populated: Populated, total: int
) -> None:
    store, _, docs = populated
    want = expected(docs, lambda d: d.get("user") == "u7" and d.get("provider") == "github")
    assert want > 0
    assert store.expire_sessions("u7", "github") == want
    assert store.collection.count_documents({}) == total - want


def test_expire_sessions_by_user_ids_deletes_every_listed_user(
    populated: Populated, total: int
) -> None:
    store, _, docs = populated
    ids = [f"u{i}" for i in range(0, USERS, 3)]
    want = expected(docs, lambda d: d.get("user") in ids)
    assert store.expire_sessions_by_user_ids(ids) == want
    assert store.collection.count_documents({"user": {"$in": ids}}) == 0
    assert store.collection.count_documents({}) == total - want


def test_a_session_among_thousands_loads_and_an_expired_one_does_not(
    populated: Populated,
) -> None:
    store, clock, docs = populated
    now = int(clock())
    live = next(d for d in docs if d["expires"] > now)
    dead = next(d for d in docs if d["expires"] <= now)
    for doc, is_new in ((live, False), (dead, True)):
        cookie = securecookie.encode_multi(NAME, str(doc["_id"]), gob_codec(KEY))
        session = store.new(cookie_request(NAME, cookie), NAME)
        assert session.is_new is is_new
        assert session.values == ({} if is_new else {"n": 1})


def test_indexes_on_a_full_collection_keep_results_identical(
    mongo_database: Any, total: int
) -> None:
    # The store's clock runs an hour ahead of the real one: a TTL monitor (mongomock's
    # runs at once, a server's every minute) judges expires_at by the real clock, and
    # filling the collection can take long enough for real time to catch up with the
    # soonest expiries of a clock that starts now.
    store, clock, docs = populate(mongo_database, FakeClock(time.time() + 3600), total)
    store.ensure_indexes()
    now = int(clock())
    assert store.get_active_sessions_count() == expected(docs, lambda d: d["expires"] > now)
    assert store.collection.count_documents({}) == total
    want = expected(docs, lambda d: d.get("user") == "u73" and d.get("provider") == "google")
    assert want > 0
    assert store.expire_sessions("u73", "google") == want
