"""MongoStore at its edges: the cases the mutation review found untested.

Each test pins one boundary a plausible bug would cross unnoticed: the
smallest max age that still saves, regenerate's clean-up of its own orphan,
operators hidden inside lists, and user IDs at the ends of int64.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from bson import ObjectId
from pymongo.errors import AutoReconnect

import securecookie
from mongostore.errors import InvalidUserFilterError
from mongostore.http import HeaderList
from mongostore.sessions import InvalidOptionsError
from mongostore.store import MongoStore
from tests.support.mongo import (
    FakeClock,
    RecordingCollection,
    cookie_request,
    parse_set_cookie,
    set_cookie_headers,
)

KEY = b"test"
NAME = "session"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class FailingDeleteOf(RecordingCollection):
    """Fails ``delete_one`` for one ``_id`` only, so other deletes still run."""

    doomed: ObjectId | None = None

    def delete_one(self, *args: Any, **kwargs: Any) -> Any:
        if self.doomed is not None and args and args[0].get("_id") == self.doomed:
            self.calls.append("delete_one")
            raise AutoReconnect("down")
        return super().delete_one(*args, **kwargs)


@pytest.fixture
def store(mongo_database: Any) -> MongoStore:
    """A store on a collection whose deletes can fail for one ID, with a fake clock."""
    mongo_store = MongoStore(FailingDeleteOf(mongo_database["session"]), KEY)
    mongo_store.now = FakeClock()
    return mongo_store


def recorder_of(store: MongoStore) -> FailingDeleteOf:
    return cast(FailingDeleteOf, store.collection)


def save(store: MongoStore, **values: Any) -> tuple[Any, list[tuple[str, str]]]:
    """A new session with ``values`` saved through the store; (session, headers)."""
    session = store.new(cookie_request(), NAME)
    session.values.update(values)
    headers: list[tuple[str, str]] = []
    store.save(cookie_request(), HeaderList(headers), session)
    return session, headers


def raw(store: MongoStore) -> Any:
    return store.collection.inner  # type: ignore[attr-defined]


def test_max_age_one_saves_the_session_for_one_second(store: MongoStore) -> None:
    session = store.new(cookie_request(), NAME)
    session.options.max_age = 1
    session.values["n"] = 1
    headers: list[tuple[str, str]] = []
    store.save(cookie_request(), HeaderList(headers), session)
    document = raw(store).find_one({"_id": ObjectId(session.id)})
    assert document["expires"] == int(store.now()) + 1
    (header,) = set_cookie_headers(headers)
    name, value, attributes = parse_set_cookie(header)
    assert (name, attributes["Max-Age"]) == (NAME, "1")
    assert securecookie.decode_multi(NAME, value, *store.codecs) == session.id


def test_regenerate_deletes_its_new_document_when_the_old_one_cannot_be_deleted(
    store: MongoStore,
) -> None:
    session, _ = save(store, role="guest")
    old_id = session.id
    recorder_of(store).doomed = ObjectId(old_id)
    headers: list[tuple[str, str]] = []
    with pytest.raises(AutoReconnect):
        store.regenerate(cookie_request(), HeaderList(headers), session)
    # The session keeps its old ID; the document inserted under the new one is gone.
    assert session.id == old_id
    assert [doc["_id"] for doc in raw(store).find({})] == [ObjectId(old_id)]
    assert set_cookie_headers(headers) == []


@pytest.mark.parametrize(
    "user",
    [
        [{"$ne": None}],
        ("alice", {"$gt": ""}),
        {"any": [{"$exists": True}]},
        [[{"$regex": "."}]],
    ],
    ids=["in-list", "in-tuple", "list-in-dict", "list-in-list"],
)
def test_operators_inside_lists_are_refused_too(store: MongoStore, user: Any) -> None:
    save(store, user="alice", provider="github")
    with pytest.raises(InvalidUserFilterError):
        store.expire_sessions(user, "github")
    with pytest.raises(InvalidUserFilterError):
        store.expire_sessions("alice", user)
    with pytest.raises(InvalidUserFilterError):
        store.expire_sessions_by_user_ids([user])
    assert raw(store).count_documents({}) == 1


@pytest.mark.parametrize("user", [INT64_MAX, INT64_MIN], ids=["2**63-1", "-2**63"])
def test_user_ids_at_the_ends_of_int64_are_stored_and_expired(store: MongoStore, user: int) -> None:
    session, _ = save(store, user=user, provider=user)
    assert raw(store).find_one({"_id": ObjectId(session.id)})["user"] == user
    assert store.expire_sessions(user, user) == 1
    save(store, user=user)
    assert store.expire_sessions_by_user_ids([user]) == 1


@pytest.mark.parametrize(
    "user", [INT64_MAX + 1, INT64_MIN - 1, 2**64], ids=["2**63", "-2**63-1", "2**64"]
)
def test_user_ids_beyond_int64_fail_the_save_before_any_write(store: MongoStore, user: int) -> None:
    # Go's int is int64, so gob refuses the value before the document is built.
    recorder = recorder_of(store)
    recorder.calls.clear()
    with pytest.raises(securecookie.Error) as info:
        save(store, user=user)
    assert info.value.is_usage()
    assert recorder.calls == []


@pytest.mark.parametrize("existing", [False, True], ids=["insert", "update"])
def test_an_invalid_same_site_set_on_the_session_fails_the_save_before_any_write(
    store: MongoStore, existing: bool
) -> None:
    session, _ = save(store, n=1) if existing else (store.new(cookie_request(), NAME), None)
    before = list(raw(store).find({}))
    session.options.same_site = "Sometimes"
    session.values["n"] = 2
    headers: list[tuple[str, str]] = []
    with pytest.raises(InvalidOptionsError, match="same_site"):
        store.save(cookie_request(), HeaderList(headers), session)
    assert list(raw(store).find({})) == before
    assert set_cookie_headers(headers) == []


class AsyncFindOne:
    """A collection whose ``find_one`` is a coroutine, swapped into a blocking store."""

    full_name = "db.session"

    def __init__(self) -> None:
        self.coroutines: list[Any] = []

    def find_one(self, *args: Any) -> Any:
        async def answer() -> None:
            return None

        coroutine = answer()
        self.coroutines.append(coroutine)
        return coroutine


def test_a_blocking_store_refuses_an_asyncio_collection_result_and_closes_it(
    store: MongoStore,
) -> None:
    _session, headers = save(store, n=1)
    cookie = set_cookie_headers(headers)[0].split(";", 1)[0]
    collection = AsyncFindOne()
    store.collection = cast(Any, collection)
    with pytest.raises(RuntimeError, match="asyncio store or collection was used by blocking"):
        store.new({"HTTP_COOKIE": cookie}, NAME)
    (coroutine,) = collection.coroutines
    assert coroutine.cr_frame is None  # closed: no "never awaited" warning
