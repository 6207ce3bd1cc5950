"""AsyncMongoStore lifetimes (issue 15), the twins of tests/test_store_lifetimes.py.

The rules are the flows both stores run (:mod:`mongostore.flows` over
:mod:`mongostore.lifetimes`); these tests state them again, awaited, on the
wire server, through the async store, the asyncio registry and the ASGI
middleware, and record the client of an ASGI scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

import pytest
from bson import ObjectId
from bson.int64 import Int64

import securecookie
from mongostore.aio import AsyncMongoStore
from mongostore.asgi import SessionMiddleware
from mongostore.errors import InvalidLifetimeError, InvalidSessionIdError, InvalidUserFilterError
from mongostore.http import HeaderList
from mongostore.lifetimes import DEFAULT_TOUCH_AFTER, SaveAction, SessionInfo
from mongostore.sessions.registry import get_async_registry
from mongostore.store import MongoStore
from tests.support.aio import AsyncFaultyCollection, scope_with_cookie
from tests.support.mongo import FakeClock, gob_codec, parse_set_cookie, set_cookie_headers

pytestmark = pytest.mark.anyio

KEY = b"aio-lifetimes-key"
NAME = "session"
MAX_AGE = 30 * 24 * 3600
WRITES = ("insert_one", "update_one", "delete_one", "delete_many")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def collection(async_database: Any) -> AsyncFaultyCollection:
    """The session collection, recording every call (``calls``)."""
    return AsyncFaultyCollection(async_database["session"])


def make_store(
    collection: AsyncFaultyCollection, clock: FakeClock, **options: Any
) -> AsyncMongoStore:
    store = AsyncMongoStore(collection, KEY, **options)
    store.now = clock
    return store


@pytest.fixture
def store(collection: AsyncFaultyCollection, clock: FakeClock) -> AsyncMongoStore:
    return make_store(collection, clock)


def writes(collection: AsyncFaultyCollection) -> list[str]:
    return [call for call in collection.calls if call in WRITES]


def session_id_of(cookie: str) -> str:
    return str(securecookie.decode_multi(NAME, cookie, gob_codec(KEY)))


async def saved(store: AsyncMongoStore, values: dict[Any, Any], scope: Any = None) -> str:
    """A session saved explicitly with ``values``; its cookie value."""
    scope = scope or scope_with_cookie()
    session = await store.new(scope, NAME)
    session.values.update(values)
    headers: list[tuple[str, str]] = []
    await store.save(scope, HeaderList(headers), session)
    (header,) = set_cookie_headers(headers)
    return parse_set_cookie(header)[1]


async def implicit_save(
    store: AsyncMongoStore,
    cookie: str | None,
    change: Callable[[Any], Any] | None = None,
    *,
    options: Callable[[Any], Any] | None = None,
) -> list[str]:
    """One request through the asyncio registry's save-all; its Set-Cookie values.

    ``change`` is applied to the loaded values, ``options`` to the session's options.
    """
    scope = scope_with_cookie(f"{NAME}={cookie}" if cookie else None)
    session = await store.get(scope, NAME)
    if change is not None:
        change(session.values)
    if options is not None:
        options(session.options)
    headers: list[tuple[str, str]] = []
    await get_async_registry(scope).save(HeaderList(headers))
    return set_cookie_headers(headers)


async def document(collection: AsyncFaultyCollection, cookie: str) -> dict[str, Any]:
    found = await collection.inner.find_one({"_id": ObjectId(session_id_of(cookie))})
    assert found is not None
    return dict(found)


class TestImplicitSaves:
    async def test_an_unchanged_session_is_neither_written_nor_sent(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection
    ) -> None:
        cookie = await saved(store, {"n": 1})
        collection.calls.clear()
        assert await implicit_save(store, cookie) == []
        assert collection.calls == ["find_one"]

    async def test_a_changed_and_a_nested_change_are_written(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection
    ) -> None:
        cookie = await saved(store, {"items": [1]})
        collection.calls.clear()
        assert len(await implicit_save(store, cookie, lambda v: v["items"].append(2))) == 1
        assert writes(collection) == ["update_one"]
        assert await implicit_save(store, cookie, lambda v: v.update(n=True)) != []
        assert (await store.new(scope_with_cookie(f"{NAME}={cookie}"), NAME)).values == {
            "items": [1, 2],
            "n": True,
        }

    async def test_a_new_session_without_values_gets_no_document_and_no_cookie(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection
    ) -> None:
        assert await implicit_save(store, None) == []
        assert writes(collection) == []
        assert len(await implicit_save(store, None, lambda v: v.update(n=1))) == 1
        assert writes(collection) == ["insert_one"]

    async def test_explicit_save_always_writes(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection
    ) -> None:
        cookie = await saved(store, {"n": 1})
        scope = scope_with_cookie(f"{NAME}={cookie}")
        session = await store.new(scope, NAME)
        collection.calls.clear()
        await store.save(scope, HeaderList([]), session)
        assert writes(collection) == ["update_one"]

    async def test_changed_options_and_a_deletion_are_written(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection
    ) -> None:
        cookie = await saved(store, {"n": 1})
        collection.calls.clear()
        (header,) = await implicit_save(
            store, cookie, None, options=lambda options: setattr(options, "max_age", 3600)
        )
        assert writes(collection) == ["update_one"]
        assert "Max-Age=3600" in header
        (header,) = await implicit_save(
            store, cookie, None, options=lambda options: setattr(options, "max_age", -1)
        )
        assert "Max-Age=0" in header
        assert await collection.inner.count_documents({}) == 0

    async def test_regenerate_starts_a_new_creation_time_and_restores_on_failure(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection, clock: FakeClock
    ) -> None:
        cookie = await saved(store, {"n": 1})
        clock.advance(100)
        scope = scope_with_cookie(f"{NAME}={cookie}")
        session = await store.new(scope, NAME)
        state, old_id = session.store_state, session.id
        collection.fail_on["delete_one"] = RuntimeError("delete failed")
        with pytest.raises(RuntimeError):
            await store.regenerate(scope, HeaderList([]), session)
        assert (session.id, session.store_state) == (old_id, state)
        del collection.fail_on["delete_one"]
        headers: list[tuple[str, str]] = []
        await store.regenerate(scope, HeaderList(headers), session)
        new_cookie = parse_set_cookie(set_cookie_headers(headers)[0])[1]
        assert (await document(collection, new_cookie))["created"] == int(clock())
        # The new ID's state is what was written: save-all has nothing more to write.
        assert await store.autosave(scope, HeaderList([]), session) is SaveAction.NOTHING

    async def test_autosave_reports_what_it_did(
        self, store: AsyncMongoStore, clock: FakeClock
    ) -> None:
        scope = scope_with_cookie()
        session = await store.new(scope, NAME)
        assert await store.autosave(scope, HeaderList([]), session) is SaveAction.NOTHING
        session.values["n"] = 1
        assert await store.autosave(scope, HeaderList([]), session) is SaveAction.WRITE
        assert await store.autosave(scope, HeaderList([]), session) is SaveAction.NOTHING
        clock.advance(DEFAULT_TOUCH_AFTER + 1)
        assert await store.autosave(scope, HeaderList([]), session) is SaveAction.TOUCH

    async def test_the_registry_records_what_save_all_did(self, store: AsyncMongoStore) -> None:
        cookie = await saved(store, {"n": 1})
        scope = scope_with_cookie(f"{NAME}={cookie}")
        await store.get(scope, NAME)
        await get_async_registry(scope).save(HeaderList([]))
        assert get_async_registry(scope).saved == {NAME: "nothing"}


class TestTouch:
    async def test_an_unchanged_session_is_touched_after_touch_after(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection, clock: FakeClock
    ) -> None:
        cookie = await saved(store, {"n": 1})
        before = await document(collection, cookie)
        clock.advance(DEFAULT_TOUCH_AFTER + 1)
        collection.calls.clear()
        (header,) = await implicit_save(store, cookie)
        assert writes(collection) == ["update_one"]
        after = await document(collection, cookie)
        assert after["data"] == before["data"]
        assert after["created"] == before["created"]
        assert after["last_seen"] == before["last_seen"] + DEFAULT_TOUCH_AFTER + 1
        assert after["expires"] == after["last_seen"] + MAX_AGE
        # The same ID (compared decoded: the cookie's signed timestamp is the
        # codec's real clock, which may have turned a second), a new Expires.
        _, value, attributes = parse_set_cookie(header)
        assert session_id_of(value) == session_id_of(cookie)
        expires = dt.datetime.strptime(attributes["Expires"], "%a, %d %b %Y %H:%M:%S GMT")
        assert expires.replace(tzinfo=dt.UTC).timestamp() == after["expires"]

    async def test_a_touch_of_a_vanished_session_sends_nothing_and_raises_nothing(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection, clock: FakeClock
    ) -> None:
        cookie = await saved(store, {"n": 1})
        scope = scope_with_cookie(f"{NAME}={cookie}")
        session = await store.new(scope, NAME)
        await store.revoke(session.id)
        clock.advance(DEFAULT_TOUCH_AFTER + 1)
        headers: list[tuple[str, str]] = []
        assert await store.autosave(scope, HeaderList(headers), session) is SaveAction.NOTHING
        assert headers == []

    async def test_read_only_requests_through_the_asgi_middleware_write_nothing(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection
    ) -> None:
        async def read_only(
            scope: MutableMapping[str, Any],
            receive: Callable[[], Awaitable[Any]],
            send: Callable[[Any], Awaitable[None]],
        ) -> None:
            await store.get(scope, NAME)
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        app = SessionMiddleware(read_only)
        cookie = await saved(store, {"n": 1})
        collection.calls.clear()
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        async def receive() -> Any:
            return {"type": "http.request"}

        for _ in range(20):
            await app(scope_with_cookie(f"{NAME}={cookie}"), receive, send)
        assert writes(collection) == []
        assert all(b"set-cookie" not in dict(m.get("headers", [])) for m in sent)


class TestTimeouts:
    async def test_insert_sets_created_and_last_seen_as_int64(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection, clock: FakeClock
    ) -> None:
        found = await document(collection, await saved(store, {"n": 1}))
        assert found["created"] == found["last_seen"] == int(clock())
        assert isinstance(found["created"], Int64 | int)

    async def test_a_session_past_the_absolute_timeout_is_dead_and_cannot_be_touched(
        self, collection: AsyncFaultyCollection, clock: FakeClock
    ) -> None:
        store = make_store(collection, clock, absolute_timeout=3600, touch_after=0)
        cookie = await saved(store, {"n": 1})
        found = await document(collection, cookie)
        assert found["expires"] == found["created"] + 3600  # capped at the deadline
        scope = scope_with_cookie(f"{NAME}={cookie}")
        session = await store.new(scope, NAME)
        clock.advance(3600)
        assert (await store.new(scope, NAME)).is_new
        assert await store.autosave(scope, HeaderList([]), session) is SaveAction.NOTHING

    async def test_a_go_document_gets_created_at_its_first_touch(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection, clock: FakeClock
    ) -> None:
        object_id = ObjectId()
        saved_at = int(clock()) - 3600
        await collection.inner.insert_one(
            {
                "_id": object_id,
                "data": securecookie.encode_multi(NAME, {"n": 1}, gob_codec(KEY)),
                "expires": saved_at + MAX_AGE,
            }
        )
        cookie = securecookie.encode_multi(NAME, str(object_id), gob_codec(KEY))
        assert len(await implicit_save(store, cookie)) == 1
        assert (await document(collection, cookie))["created"] == saved_at


class TestUserSessions:
    async def test_list_revoke_and_sign_out_everywhere_else(
        self, store: AsyncMongoStore, clock: FakeClock
    ) -> None:
        first = session_id_of(await saved(store, {"user": "ann", "provider": "gh"}))
        clock.advance(10)
        second = session_id_of(await saved(store, {"user": "ann"}))
        clock.advance(10)
        third = session_id_of(await saved(store, {"user": "ann"}))
        await saved(store, {"user": "bob"})
        listed = await store.list_sessions("ann")
        assert [info.id for info in listed] == [third, second, first]
        assert isinstance(listed[0], SessionInfo)
        assert listed[-1].provider == "gh"
        assert listed[0].created.tzinfo is dt.UTC
        assert await store.revoke(second, user="bob") is False
        assert await store.revoke(second) is True
        assert await store.revoke("not an id") is False
        assert await store.expire_sessions_except("ann", third) == 1
        assert [info.id for info in await store.list_sessions("ann")] == [third]
        assert len(await store.list_sessions("bob")) == 1

    async def test_user_queries_refuse_none_operators_and_bad_ids(
        self, store: AsyncMongoStore
    ) -> None:
        for user in (None, {"$ne": None}):
            with pytest.raises(InvalidUserFilterError):
                await store.list_sessions(user)
            with pytest.raises(InvalidUserFilterError):
                await store.expire_sessions_except(user, "")
        with pytest.raises(InvalidSessionIdError):
            await store.expire_sessions_except("ann", "not an id")


class TestRecordClient:
    def scope(self, cookie: str | None = None) -> dict[str, Any]:
        scope = scope_with_cookie(cookie)
        scope["headers"] += [
            (b"user-agent", b"Agent/1.0"),
            (b"x-forwarded-for", b"198.51.100.7, 203.0.113.9"),
        ]
        scope["client"] = ("192.0.2.1", 50000)
        return scope

    async def test_clients_are_not_recorded_by_default(
        self, store: AsyncMongoStore, collection: AsyncFaultyCollection
    ) -> None:
        found = await document(collection, await saved(store, {"n": 1}, self.scope()))
        assert "user_agent" not in found
        assert "client_address" not in found

    async def test_the_scope_gives_agent_and_peer_or_the_trusted_proxys_address(
        self, collection: AsyncFaultyCollection, clock: FakeClock
    ) -> None:
        direct = make_store(collection, clock, record_client=True)
        found = await document(collection, await saved(direct, {"n": 1}, self.scope()))
        assert (found["user_agent"], found["client_address"]) == ("Agent/1.0", "192.0.2.1")
        proxied = make_store(collection, clock, record_client=True, trusted_proxies=1)
        found = await document(collection, await saved(proxied, {"n": 1}, self.scope()))
        assert found["client_address"] == "203.0.113.9"


class TestSharedRules:
    async def test_the_sync_store_reads_what_the_async_store_touched(
        self, store: AsyncMongoStore, sync_twin: Any, clock: FakeClock
    ) -> None:
        cookie = await saved(store, {"n": 1})
        clock.advance(DEFAULT_TOUCH_AFTER + 1)
        await implicit_save(store, cookie)
        sync_store = MongoStore(sync_twin, KEY)
        sync_store.now = clock
        environ = {"HTTP_COOKIE": f"{NAME}={cookie}"}
        session = sync_store.new(environ, NAME)
        assert session.values == {"n": 1}
        assert sync_store.autosave(environ, HeaderList([]), session) is SaveAction.NOTHING

    async def test_options_are_checked_as_by_the_sync_store(self, async_database: Any) -> None:
        for options in ({"touch_after": -1}, {"absolute_timeout": 0}, {"trusted_proxies": -1}):
            with pytest.raises(InvalidLifetimeError):
                AsyncMongoStore(async_database, KEY, **cast(Any, options))
        store = AsyncMongoStore(async_database, KEY)
        assert (store.touch_after, store.absolute_timeout, store.record_client) == (
            DEFAULT_TOUCH_AFTER,
            None,
            False,
        )
