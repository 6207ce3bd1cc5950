"""AsyncMongoStore: MongoStore's documents, cookies and semantics on pymongo's asyncio API.

Run on the wire server (mongomock has no asyncio API). Each test states one
rule of API.md's Get/New/Save rows, awaited.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from bson import ObjectId
from pymongo.errors import AutoReconnect, WriteError

import securecookie
from mongostore.aio import AsyncMongoStore
from mongostore.cleaner import InvalidIntervalError
from mongostore.errors import (
    InvalidDatabaseError,
    InvalidUserFilterError,
    SessionNotFoundError,
    TTLIndexRefusedError,
)
from mongostore.http import HeaderList
from mongostore.sessions import Session
from mongostore.store import MongoStore
from tests.support.aio import AsyncFaultyCollection, scope_with_cookie
from tests.support.mongo import FakeClock, cookie_request, set_cookie_headers

pytestmark = pytest.mark.anyio

KEY = b"k" * 32
NAME = "session"


@pytest.fixture
def store(async_database: Any) -> AsyncMongoStore:
    """A store whose collection takes planned faults, on a settable clock (see advance)."""
    async_store = AsyncMongoStore(AsyncFaultyCollection(async_database["session"]), KEY)
    async_store.now = FakeClock()
    return async_store


@pytest.fixture
def faulty(store: AsyncMongoStore) -> AsyncFaultyCollection:
    """The store's collection: plan faults in ``fail_on``, read ``calls``."""
    return cast(AsyncFaultyCollection, store.collection)


def advance(store: AsyncMongoStore, seconds: float) -> None:
    """Move the store's fake clock."""
    assert isinstance(store.now, FakeClock)
    store.now.advance(seconds)


def id_cookie(store: AsyncMongoStore, session_id: str) -> str:
    """A validly signed ``name=value`` cookie carrying ``session_id``."""
    return f"{NAME}={securecookie.encode_multi(NAME, session_id, store.codecs[0])}"


async def save(store: AsyncMongoStore, session: Session) -> list[str]:
    """Save ``session``; the Set-Cookie values the store added."""
    headers: list[tuple[str, str]] = []
    await store.save(scope_with_cookie(), HeaderList(headers), session)
    return set_cookie_headers(headers)


def pair(set_cookie: str) -> str:
    """``name=value`` of a Set-Cookie value, as the browser sends it back."""
    return set_cookie.split(";", 1)[0]


async def saved(store: AsyncMongoStore, **values: Any) -> tuple[Session, str]:
    """A session saved with ``values``; it and its ``name=value`` cookie."""
    session = await store.new(scope_with_cookie(), NAME)
    session.values.update(values)
    (header,) = await save(store, session)
    return session, pair(header)


class TestGetNewSave:
    async def test_no_cookie_gives_a_new_session_without_a_query(
        self, store: AsyncMongoStore, faulty: AsyncFaultyCollection
    ) -> None:
        session = await store.new(scope_with_cookie(), NAME)
        assert session.is_new
        assert session.id == ""
        assert session.values == {}
        assert session.load_error is None
        assert faulty.calls == []

    async def test_a_saved_session_is_loaded_from_its_cookie(self, store: AsyncMongoStore) -> None:
        first, cookie = await saved(store, n=1, user="alice")
        loaded = await store.new(scope_with_cookie(cookie), NAME)
        assert not loaded.is_new
        assert loaded.id == first.id
        assert loaded.values == {"n": 1, "user": "alice"}

    async def test_get_loads_once_per_request_and_replays_the_session(
        self, store: AsyncMongoStore, faulty: AsyncFaultyCollection
    ) -> None:
        _, cookie = await saved(store, n=1)
        scope = scope_with_cookie(cookie)
        faulty.calls.clear()
        first = await store.get(scope, NAME)
        assert await store.get(scope, NAME) is first
        assert faulty.calls == ["find_one"]

    async def test_concurrent_gets_in_one_request_share_one_session(
        self, store: AsyncMongoStore
    ) -> None:
        _, cookie = await saved(store, n=1)
        scope = scope_with_cookie(cookie)
        first, second = await asyncio.gather(store.get(scope, NAME), store.get(scope, NAME))
        assert first is second

    async def test_a_bad_cookie_gives_a_new_session_with_its_load_error(
        self, store: AsyncMongoStore
    ) -> None:
        session = await store.new(scope_with_cookie(f"{NAME}=forged"), NAME)
        assert session.is_new
        assert isinstance(session.load_error, securecookie.Error)
        assert session.load_error.is_decode()

    async def test_a_cookie_whose_id_is_not_an_object_id_is_a_load_error(
        self, store: AsyncMongoStore
    ) -> None:
        session = await store.new(scope_with_cookie(id_cookie(store, "not-an-id")), NAME)
        assert session.is_new
        assert session.load_error is not None

    async def test_a_cookie_of_a_missing_document_gives_a_new_session_without_error(
        self, store: AsyncMongoStore
    ) -> None:
        session = await store.new(scope_with_cookie(id_cookie(store, str(ObjectId()))), NAME)
        assert session.is_new
        assert session.load_error is None

    async def test_an_expired_session_is_not_loaded(self, store: AsyncMongoStore) -> None:
        _, cookie = await saved(store, n=1)
        advance(store, store.options.max_age)
        assert (await store.new(scope_with_cookie(cookie), NAME)).is_new

    async def test_saving_an_existing_session_updates_its_document(
        self, store: AsyncMongoStore, async_database: Any
    ) -> None:
        session, _ = await saved(store, n=1, user="alice")
        session.values["n"] = 2
        del session.values["user"]
        (header,) = await save(store, session)
        document = await async_database["session"].find_one({"_id": ObjectId(session.id)})
        assert "user" not in document
        loaded = await store.new(scope_with_cookie(pair(header)), NAME)
        assert loaded.values == {"n": 2}

    async def test_saving_a_session_whose_document_is_gone_raises_and_sets_no_cookie(
        self, store: AsyncMongoStore, async_database: Any
    ) -> None:
        session, _ = await saved(store, n=1)
        await async_database["session"].delete_many({})
        headers: list[tuple[str, str]] = []
        with pytest.raises(SessionNotFoundError):
            await store.save(scope_with_cookie(), HeaderList(headers), session)
        assert headers == []

    async def test_max_age_zero_deletes_the_document_and_the_cookie(
        self, store: AsyncMongoStore, async_database: Any
    ) -> None:
        session, _ = await saved(store, n=1)
        session.options.max_age = 0
        (header,) = await save(store, session)
        assert pair(header) == f"{NAME}="  # Go's empty cookie
        assert session.id == ""
        assert await async_database["session"].count_documents({}) == 0

    async def test_regenerate_moves_the_session_to_a_fresh_id(
        self, store: AsyncMongoStore, async_database: Any
    ) -> None:
        session, old_cookie = await saved(store, user="alice")
        old_id = session.id
        headers: list[tuple[str, str]] = []
        await store.regenerate(scope_with_cookie(), HeaderList(headers), session)
        assert session.id != old_id
        assert await async_database["session"].find_one({"_id": ObjectId(old_id)}) is None
        (header,) = set_cookie_headers(headers)
        assert (await store.new(scope_with_cookie(pair(header)), NAME)).values == {"user": "alice"}
        assert (await store.new(scope_with_cookie(old_cookie), NAME)).is_new

    async def test_regenerate_of_a_revoked_session_raises_and_writes_nothing(
        self, store: AsyncMongoStore, async_database: Any
    ) -> None:
        session, _ = await saved(store, user="alice")
        old_id = session.id
        assert await store.expire_sessions_by_user_ids(["alice"]) == 1
        headers: list[tuple[str, str]] = []
        with pytest.raises(SessionNotFoundError):
            await store.regenerate(scope_with_cookie(), HeaderList(headers), session)
        assert headers == []
        assert session.id == old_id
        assert await async_database["session"].count_documents({}) == 0

    async def test_a_starlette_request_and_response_work_as_scope_and_header_sink(
        self, store: AsyncMongoStore
    ) -> None:
        from starlette.requests import Request
        from starlette.responses import Response

        _, cookie = await saved(store, n=1)
        request = Request(scope_with_cookie(cookie))
        session = await store.get(request, NAME)
        assert session.values == {"n": 1}
        assert await store.get(request.scope, NAME) is session  # one registry per scope
        response = Response("ok")
        await store.save(request, response, session)
        assert response.headers.getlist("set-cookie")[0].startswith(f"{NAME}=")


class TestDatabaseFaults:
    """A database error raises with the store's note; a failed write sets no cookie."""

    async def test_a_failed_load_raises_with_the_stores_note(
        self, store: AsyncMongoStore, faulty: AsyncFaultyCollection
    ) -> None:
        _, cookie = await saved(store, n=1)
        faulty.fail_on["find_one"] = AutoReconnect("connection reset")
        with pytest.raises(AutoReconnect) as raised:
            await store.new(scope_with_cookie(cookie), NAME)
        assert any("loading session 'session' in collection" in n for n in raised.value.__notes__)

    async def test_a_failed_insert_sets_no_cookie_and_keeps_the_session_new(
        self, store: AsyncMongoStore, faulty: AsyncFaultyCollection
    ) -> None:
        faulty.fail_on["insert_one"] = AutoReconnect("connection reset")
        session = await store.new(scope_with_cookie(), NAME)
        headers: list[tuple[str, str]] = []
        with pytest.raises(AutoReconnect):
            await store.save(scope_with_cookie(), HeaderList(headers), session)
        assert headers == []
        assert session.id == ""

    async def test_a_failed_update_sets_no_cookie(
        self, store: AsyncMongoStore, faulty: AsyncFaultyCollection
    ) -> None:
        session, _ = await saved(store, n=1)
        faulty.fail_on["update_one"] = WriteError("write conflict", code=112, details={})
        headers: list[tuple[str, str]] = []
        with pytest.raises(WriteError) as raised:
            await store.save(scope_with_cookie(), HeaderList(headers), session)
        assert headers == []
        assert any("updating session" in note for note in raised.value.__notes__)

    async def test_a_failed_delete_in_regenerate_keeps_the_old_id_and_sets_no_cookie(
        self, store: AsyncMongoStore, faulty: AsyncFaultyCollection, async_database: Any
    ) -> None:
        session, cookie = await saved(store, n=1)
        old_id = session.id
        faulty.fail_on["delete_one"] = AutoReconnect("connection reset")
        headers: list[tuple[str, str]] = []
        with pytest.raises(AutoReconnect):
            await store.regenerate(scope_with_cookie(), HeaderList(headers), session)
        assert headers == []
        assert session.id == old_id
        del faulty.fail_on["delete_one"]
        assert (await store.new(scope_with_cookie(cookie), NAME)).values == {"n": 1}

    async def test_a_cancelled_write_in_regenerate_keeps_the_old_id(
        self, store: AsyncMongoStore, faulty: AsyncFaultyCollection
    ) -> None:
        session, _ = await saved(store, n=1)
        old_id = session.id
        faulty.fail_on["insert_one"] = asyncio.CancelledError()
        with pytest.raises(asyncio.CancelledError):
            await store.regenerate(scope_with_cookie(), HeaderList([]), session)
        assert session.id == old_id


class TestMaintenance:
    async def test_expire_sessions_deletes_the_users_sessions_at_that_provider(
        self, store: AsyncMongoStore
    ) -> None:
        await saved(store, user="alice", provider="github")
        await saved(store, user="alice", provider="google")
        await saved(store, user="bob", provider="github")
        assert await store.expire_sessions("alice", "github") == 1
        assert await store.get_active_sessions_count() == 2

    async def test_expire_sessions_by_user_ids(self, store: AsyncMongoStore) -> None:
        await saved(store, user="alice")
        await saved(store, user="bob")
        await saved(store, user="carol")
        assert await store.expire_sessions_by_user_ids(["alice", "bob"]) == 2
        assert await store.expire_sessions_by_user_ids([]) == 0
        assert await store.get_active_sessions_count() == 1

    async def test_operator_values_are_refused_before_any_query(
        self, store: AsyncMongoStore, faulty: AsyncFaultyCollection
    ) -> None:
        with pytest.raises(InvalidUserFilterError):
            await store.expire_sessions({"$ne": None}, "github")
        assert faulty.calls == []

    async def test_clean_deletes_only_expired_sessions(self, store: AsyncMongoStore) -> None:
        await saved(store, n=1)
        advance(store, 10)
        await saved(store, n=2)
        advance(store, store.options.max_age - 5)
        assert await store.get_active_sessions_count() == 1
        assert await store.clean() == 1
        assert await store.get_active_sessions_count() == 1

    async def test_ensure_indexes_creates_the_four_indexes(self, store: AsyncMongoStore) -> None:
        indexes = ["expires_1", "user_1_provider_1", "user_1_created_-1"]
        assert await store.ensure_indexes() == ["expires_at_1", *indexes]
        assert await store.ensure_indexes(ttl=False) == indexes

    async def test_the_ttl_index_is_refused_beside_documents_go_wrote(
        self, store: AsyncMongoStore, async_database: Any
    ) -> None:
        await async_database["session"].insert_one({"_id": ObjectId(), "data": "", "expires": 1})
        with pytest.raises(TTLIndexRefusedError, match="ttl=False"):
            await store.ensure_indexes()
        assert await store.ensure_indexes(ttl=False) == [
            "expires_1",
            "user_1_provider_1",
            "user_1_created_-1",
        ]
        assert (await store.ensure_indexes(force_ttl=True))[0] == "expires_at_1"

    async def test_start_auto_clean_is_a_cancellable_task_started_once(
        self, store: AsyncMongoStore, faulty: AsyncFaultyCollection
    ) -> None:
        cleaned = asyncio.Event()
        real_clean = store.clean

        async def clean_and_tell() -> int:
            deleted = await real_clean()
            cleaned.set()
            return deleted

        store.clean = clean_and_tell  # type: ignore[method-assign]
        task = store.start_auto_clean(0.01)
        assert store.start_auto_clean(0.01) is task
        await cleaned.wait()  # the task now sleeps: cancelled between two cleans
        assert "delete_many" in faulty.calls
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert task.cancelled()
        again = store.start_auto_clean(60)
        assert again is not task
        again.cancel()
        with pytest.raises(asyncio.CancelledError):
            await again

    @pytest.mark.parametrize("interval", [0, -1, float("inf"), "5", True])
    async def test_start_auto_clean_refuses_an_unusable_interval(
        self, store: AsyncMongoStore, interval: Any
    ) -> None:
        with pytest.raises(InvalidIntervalError):
            store.start_auto_clean(interval)


class TestConstruction:
    async def test_a_database_gives_its_session_collection(self, async_database: Any) -> None:
        store = AsyncMongoStore(async_database, KEY)
        assert store.collection.name == "session"
        assert AsyncMongoStore(async_database, KEY, collection="web").collection.name == "web"

    async def test_a_blocking_database_is_refused(self, sync_twin: Any) -> None:
        with pytest.raises(InvalidDatabaseError, match="AsyncDatabase or AsyncCollection"):
            AsyncMongoStore(sync_twin, KEY)

    async def test_mongostore_refuses_an_async_database(self, async_database: Any) -> None:
        with pytest.raises(InvalidDatabaseError, match="needs a pymongo Database or Collection"):
            MongoStore(async_database, KEY)

    async def test_options_and_max_age_are_mongostores(
        self, async_database: Any, sync_twin: Any
    ) -> None:
        async_store = AsyncMongoStore(async_database, KEY)
        assert async_store.options == MongoStore(sync_twin, KEY).options
        async_store.max_age(60)
        assert async_store.options.max_age == 60


class TestSharedWithMongoStore:
    """One collection, one cookie: each store reads what the other wrote."""

    async def test_mongostore_reads_a_session_saved_by_asyncmongostore(
        self, async_database: Any, sync_twin: Any
    ) -> None:
        async_store = AsyncMongoStore(async_database, KEY)
        _, cookie = await saved(async_store, user="alice", n=7)
        name, _, value = cookie.partition("=")
        sync_store = MongoStore(sync_twin, KEY)
        loaded = await asyncio.to_thread(sync_store.new, cookie_request(name, value), NAME)
        assert loaded.values == {"user": "alice", "n": 7}

    async def test_asyncmongostore_reads_a_session_saved_by_mongostore(
        self, async_database: Any, sync_twin: Any
    ) -> None:
        sync_store = MongoStore(sync_twin, KEY)

        def save_sync() -> str:
            session = sync_store.new(cookie_request(), NAME)
            session.values.update({"user": "bob", "n": 3})
            headers: list[tuple[str, str]] = []
            sync_store.save(cookie_request(), HeaderList(headers), session)
            return pair(set_cookie_headers(headers)[0])

        cookie = await asyncio.to_thread(save_sync)
        loaded = await AsyncMongoStore(async_database, KEY).new(scope_with_cookie(cookie), NAME)
        assert loaded.values == {"user": "bob", "n": 3}

    async def test_both_stores_write_the_same_document_fields(
        self, async_database: Any, sync_twin: Any
    ) -> None:
        await saved(AsyncMongoStore(async_database, KEY), user="alice")
        sync_store = MongoStore(sync_twin, KEY)
        session = sync_store.new(cookie_request(), NAME)
        session.values["user"] = "alice"
        await asyncio.to_thread(sync_store.save, cookie_request(), HeaderList([]), session)
        documents = await async_database["session"].find({}).to_list(None)
        assert len(documents) == 2
        assert sorted(documents[0]) == sorted(documents[1])
        assert {type(d["expires"]).__name__ for d in documents} == {"Int64"}
