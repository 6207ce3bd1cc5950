"""MongoStore lifetimes (issue 15): implicit saves write only when needed, touches, timeouts,
a user's sessions, client recording, and documents Go wrote.

Runs on every backend of the ``mongo_database`` fixture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pytest
from bson import ObjectId
from werkzeug.wrappers import Request, Response

import securecookie
from mongostore import sessions
from mongostore.errors import InvalidLifetimeError
from mongostore.http import HeaderList
from mongostore.lifetimes import DEFAULT_TOUCH_AFTER, SaveAction, SessionInfo
from mongostore.middleware import SessionMiddleware
from mongostore.store import (
    InvalidSessionIdError,
    InvalidUserFilterError,
    MongoStore,
    SessionNotFoundError,
)
from tests.support.mongo import (
    FakeClock,
    RecordingCollection,
    cookie_request,
    gob_codec,
    parse_set_cookie,
    set_cookie_headers,
)

KEY = b"lifetimes-test-key"
NAME = "session"
MAX_AGE = 30 * 24 * 3600
WRITES = ("insert_one", "update_one", "delete_one", "delete_many")


class Recorder(RecordingCollection):
    """The shared recorder, plus ``find`` (list_sessions) and the calls' arguments."""

    def __init__(self, collection: Any) -> None:
        super().__init__(collection)
        self.arguments: list[tuple[str, tuple[Any, ...]]] = []

    def _call(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        self.arguments.append((operation, args))
        return super()._call(operation, *args, **kwargs)

    def find(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("find", *args, **kwargs)

    def writes(self) -> list[str]:
        return [call for call in self.calls if call in WRITES]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def recorder(mongo_database: Any) -> Recorder:
    return Recorder(mongo_database["session"])


def make_store(recorder: Recorder, clock: FakeClock, **options: Any) -> MongoStore:
    store = MongoStore(recorder, KEY, **options)
    store.now = clock
    return store


@pytest.fixture
def store(recorder: Recorder, clock: FakeClock) -> MongoStore:
    return make_store(recorder, clock)


def raw(store: MongoStore) -> Any:
    return store.collection.inner  # type: ignore[attr-defined]


def saved(store: MongoStore, values: dict[Any, Any], environ: dict[str, Any] | None = None) -> str:
    """A session saved explicitly with ``values``; the cookie pair to send back."""
    session = store.new(environ or cookie_request(), NAME)
    session.values.update(values)
    headers: list[tuple[str, str]] = []
    store.save(environ or cookie_request(), HeaderList(headers), session)
    (header,) = set_cookie_headers(headers)
    _, value, _ = parse_set_cookie(header)
    return value


def session_id_of(cookie: str) -> str:
    return str(securecookie.decode_multi(NAME, cookie, gob_codec(KEY)))


def implicit_save(store: MongoStore, cookie: str | None, change: Any = None) -> list[str]:
    """One request through ``sessions.save``: load, optionally change, save-all; its Set-Cookies."""
    environ = cookie_request(NAME, cookie) if cookie else cookie_request()
    session = store.get(environ, NAME)
    if change is not None:
        change(session.values)
    headers: list[tuple[str, str]] = []
    sessions.save(environ, HeaderList(headers))
    return set_cookie_headers(headers)


def document(store: MongoStore, cookie: str) -> dict[str, Any]:
    found = raw(store).find_one({"_id": ObjectId(session_id_of(cookie))})
    assert found is not None
    return dict(found)


def go_document(store: MongoStore, values: dict[Any, Any], saved_ago: int) -> str:
    """A document as Go's store writes it, saved ``saved_ago`` seconds ago; its cookie."""
    object_id = ObjectId()
    raw(store).insert_one(
        {
            "_id": object_id,
            "data": securecookie.encode_multi(NAME, values, gob_codec(KEY)),
            "expires": int(store.now()) - saved_ago + MAX_AGE,
        }
    )
    return securecookie.encode_multi(NAME, str(object_id), gob_codec(KEY))


# -- 1. Implicit saves write only when needed -----------------------------------


class TestImplicitSaves:
    def test_an_unchanged_session_is_neither_written_nor_sent(
        self, store: MongoStore, recorder: Recorder
    ) -> None:
        cookie = saved(store, {"n": 1})
        recorder.calls.clear()
        assert implicit_save(store, cookie) == []
        assert recorder.calls == ["find_one"]

    def test_a_changed_value_is_written(self, store: MongoStore, recorder: Recorder) -> None:
        cookie = saved(store, {"n": 1})
        recorder.calls.clear()
        assert len(implicit_save(store, cookie, lambda v: v.update(n=2))) == 1
        assert recorder.writes() == ["update_one"]

    def test_a_nested_change_counts(self, store: MongoStore, recorder: Recorder) -> None:
        cookie = saved(store, {"cart": ["apple"]})
        recorder.calls.clear()
        implicit_save(store, cookie, lambda v: v["cart"].append("pear"))
        assert recorder.writes() == ["update_one"]
        fresh = store.new(cookie_request(NAME, cookie), NAME)
        assert fresh.values == {"cart": ["apple", "pear"]}

    def test_a_type_change_between_equal_values_counts(
        self, store: MongoStore, recorder: Recorder
    ) -> None:
        cookie = saved(store, {"flag": 1})
        recorder.calls.clear()
        implicit_save(store, cookie, lambda v: v.update(flag=True))
        assert recorder.writes() == ["update_one"]

    def test_a_new_session_without_values_gets_no_document_and_no_cookie(
        self, store: MongoStore, recorder: Recorder
    ) -> None:
        assert implicit_save(store, None) == []
        assert recorder.calls == []
        assert raw(store).count_documents({}) == 0

    def test_a_new_session_with_values_is_inserted(
        self, store: MongoStore, recorder: Recorder
    ) -> None:
        assert len(implicit_save(store, None, lambda v: v.update(n=1))) == 1
        assert recorder.writes() == ["insert_one"]

    def test_explicit_save_always_writes(self, store: MongoStore, recorder: Recorder) -> None:
        cookie = saved(store, {"n": 1})
        recorder.calls.clear()
        environ = cookie_request(NAME, cookie)
        session = store.get(environ, NAME)
        headers: list[tuple[str, str]] = []
        session.save(environ, HeaderList(headers))
        assert recorder.writes() == ["update_one"]
        assert len(set_cookie_headers(headers)) == 1

    def test_save_all_after_an_explicit_save_writes_nothing_more(
        self, store: MongoStore, recorder: Recorder
    ) -> None:
        environ = cookie_request()
        session = store.get(environ, NAME)
        session.values["n"] = 1
        store.save(environ, HeaderList([]), session)
        headers: list[tuple[str, str]] = []
        sessions.save(environ, HeaderList(headers))
        assert recorder.writes() == ["insert_one"]
        assert headers == []

    def test_changed_options_are_written(self, store: MongoStore, recorder: Recorder) -> None:
        cookie = saved(store, {"n": 1})
        recorder.calls.clear()
        environ = cookie_request(NAME, cookie)
        session = store.get(environ, NAME)
        session.options.max_age = 3600  # "remember me" off: a shorter cookie
        headers: list[tuple[str, str]] = []
        sessions.save(environ, HeaderList(headers))
        assert recorder.writes() == ["update_one"]
        assert "Max-Age=3600" in set_cookie_headers(headers)[0]

    def test_a_deletion_through_save_all_still_deletes(
        self, store: MongoStore, recorder: Recorder
    ) -> None:
        cookie = saved(store, {"n": 1})
        implicit_save(store, cookie, None)
        environ = cookie_request(NAME, cookie)
        store.get(environ, NAME).options.max_age = -1
        headers: list[tuple[str, str]] = []
        sessions.save(environ, HeaderList(headers))
        assert raw(store).count_documents({}) == 0
        assert "Max-Age=0" in set_cookie_headers(headers)[0]

    def test_autosave_reports_what_it_did(self, store: MongoStore, clock: FakeClock) -> None:
        environ = cookie_request()
        session = store.new(environ, NAME)
        assert store.autosave(environ, HeaderList([]), session) is SaveAction.NOTHING
        session.values["n"] = 1
        assert store.autosave(environ, HeaderList([]), session) is SaveAction.WRITE
        assert store.autosave(environ, HeaderList([]), session) is SaveAction.NOTHING
        clock.advance(DEFAULT_TOUCH_AFTER + 1)
        assert store.autosave(environ, HeaderList([]), session) is SaveAction.TOUCH


class TestTouch:
    def test_an_unchanged_session_is_touched_after_touch_after(
        self, store: MongoStore, recorder: Recorder, clock: FakeClock
    ) -> None:
        cookie = saved(store, {"n": 1, "user": "alice"})
        before = document(store, cookie)
        clock.advance(DEFAULT_TOUCH_AFTER)
        assert implicit_save(store, cookie) == []  # not *more* than touch_after yet
        clock.advance(1)
        recorder.arguments.clear()
        (header,) = implicit_save(store, cookie)
        ((operation, (_, update)),) = [a for a in recorder.arguments if a[0] in WRITES]
        assert operation == "update_one"
        assert update == {
            "$set": {
                "expires": before["expires"] + DEFAULT_TOUCH_AFTER + 1,
                "expires_at": update["$set"]["expires_at"],
                "last_seen": before["last_seen"] + DEFAULT_TOUCH_AFTER + 1,
            }
        }
        after = document(store, cookie)
        assert after["data"] == before["data"]
        assert after["created"] == before["created"]
        assert after["expires"] == clock.current + MAX_AGE
        _, value, attributes = parse_set_cookie(header)
        assert session_id_of(value) == session_id_of(cookie)
        expires = dt.datetime.strptime(attributes["Expires"], "%a, %d %b %Y %H:%M:%S GMT")
        assert expires.replace(tzinfo=dt.UTC).timestamp() == after["expires"]

    def test_after_a_touch_the_clock_of_touch_after_restarts(
        self, store: MongoStore, recorder: Recorder, clock: FakeClock
    ) -> None:
        cookie = saved(store, {"n": 1})
        clock.advance(DEFAULT_TOUCH_AFTER + 1)
        implicit_save(store, cookie)
        recorder.calls.clear()
        clock.advance(DEFAULT_TOUCH_AFTER)
        implicit_save(store, cookie)
        assert recorder.writes() == []

    def test_a_touch_of_a_vanished_session_sends_nothing_and_raises_nothing(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        cookie = saved(store, {"n": 1})
        clock.advance(DEFAULT_TOUCH_AFTER + 1)
        environ = cookie_request(NAME, cookie)
        session = store.get(environ, NAME)
        store.revoke(session.id)
        headers: list[tuple[str, str]] = []
        assert store.autosave(environ, HeaderList(headers), session) is SaveAction.NOTHING
        assert headers == []
        assert raw(store).count_documents({}) == 0

    def test_a_thousand_read_only_requests_through_the_middleware_write_nothing(
        self, store: MongoStore, recorder: Recorder, clock: FakeClock
    ) -> None:
        cookie = saved(store, {"user": "alice"})

        def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            store.get(environ, NAME)
            return Response("ok")(environ, start_response)

        client_app = SessionMiddleware(app)
        recorder.calls.clear()
        for _ in range(1000):
            environ = cookie_request(NAME, cookie)
            body = client_app(environ, lambda status, headers, exc_info=None: None)
            b"".join(body)
        assert recorder.writes() == []
        assert recorder.calls.count("find_one") == 1000
        clock.advance(DEFAULT_TOUCH_AFTER + 1)
        b"".join(client_app(cookie_request(NAME, cookie), lambda *a: None))
        assert recorder.writes() == ["update_one"]

    def test_touch_after_zero_touches_every_request(
        self, recorder: Recorder, clock: FakeClock
    ) -> None:
        store = make_store(recorder, clock, touch_after=0)
        cookie = saved(store, {"n": 1})
        recorder.calls.clear()
        clock.advance(1)
        assert len(implicit_save(store, cookie)) == 1
        assert recorder.writes() == ["update_one"]


# -- 2. created / last_seen and the absolute timeout ----------------------------------


class TestCreatedAndLastSeen:
    def test_insert_sets_created_and_last_seen_as_int64(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        stored = document(store, saved(store, {"n": 1}))
        assert stored["created"] == stored["last_seen"] == int(clock.current)
        # int64, as expires: Go would read an int32 too, but the server sorts them alike.
        assert type(raw(store).find_one({})["created"]).__name__ in ("Int64", "int")

    def test_updates_and_touches_keep_created_and_move_last_seen(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        cookie = saved(store, {"n": 1})
        created = document(store, cookie)["created"]
        clock.advance(10)
        implicit_save(store, cookie, lambda v: v.update(n=2))
        assert document(store, cookie)["created"] == created
        assert document(store, cookie)["last_seen"] == created + 10
        clock.advance(DEFAULT_TOUCH_AFTER + 1)
        implicit_save(store, cookie)
        assert document(store, cookie)["created"] == created
        assert document(store, cookie)["last_seen"] == created + 10 + DEFAULT_TOUCH_AFTER + 1

    def test_regenerate_starts_a_new_creation_time(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        cookie = saved(store, {"n": 1})
        clock.advance(100)
        environ = cookie_request(NAME, cookie)
        session = store.get(environ, NAME)
        headers: list[tuple[str, str]] = []
        store.regenerate(environ, HeaderList(headers), session)
        _, new_cookie, _ = parse_set_cookie(set_cookie_headers(headers)[0])
        assert document(store, new_cookie)["created"] == int(clock.current)


class TestAbsoluteTimeout:
    @pytest.fixture
    def timed(self, recorder: Recorder, clock: FakeClock) -> MongoStore:
        return make_store(recorder, clock, absolute_timeout=3600)

    def test_a_session_past_the_absolute_timeout_is_dead_on_read(
        self, timed: MongoStore, clock: FakeClock
    ) -> None:
        cookie = saved(timed, {"n": 1})
        for _ in range(3):  # active all along: touched every 20 minutes
            clock.advance(1199)
            assert not timed.get(cookie_request(NAME, cookie), NAME).is_new
            implicit_save(timed, cookie)
        clock.advance(3)  # 3600 s after creation
        session = timed.new(cookie_request(NAME, cookie), NAME)
        assert session.is_new
        assert session.values == {}

    def test_expires_and_the_cookie_are_capped_at_the_absolute_deadline(
        self, timed: MongoStore, clock: FakeClock
    ) -> None:
        created = int(clock.current)
        environ = cookie_request()
        session = timed.new(environ, NAME)
        session.values["n"] = 1
        headers: list[tuple[str, str]] = []
        timed.save(environ, HeaderList(headers), session)
        _, cookie, attributes = parse_set_cookie(set_cookie_headers(headers)[0])
        assert document(timed, cookie)["expires"] == created + 3600
        assert attributes["Max-Age"] == "3600"

    def test_a_session_past_the_deadline_cannot_be_updated(
        self, timed: MongoStore, clock: FakeClock
    ) -> None:
        cookie = saved(timed, {"n": 1})
        environ = cookie_request(NAME, cookie)
        session = timed.get(environ, NAME)
        # Go's save would have pushed expires far out; the filter still refuses.
        raw(timed).update_one({}, {"$set": {"expires": int(clock.current) + MAX_AGE}})
        clock.advance(3600)
        session.values["n"] = 2
        with pytest.raises(SessionNotFoundError):
            timed.save(environ, HeaderList([]), session)
        assert timed.new(environ, NAME).is_new

    def test_a_session_past_the_deadline_cannot_be_touched(
        self, timed: MongoStore, clock: FakeClock
    ) -> None:
        cookie = saved(timed, {"n": 1})
        raw(timed).update_one({}, {"$set": {"expires": int(clock.current) + MAX_AGE}})
        clock.advance(3599)
        environ = cookie_request(NAME, cookie)
        session = timed.get(environ, NAME)
        before = document(timed, cookie)
        clock.advance(1)
        headers: list[tuple[str, str]] = []
        assert timed.autosave(environ, HeaderList(headers), session) is SaveAction.NOTHING
        assert headers == []
        assert document(timed, cookie) == before


# -- Go-written documents ----------------------------------------------------------


class TestGoDocuments:
    def test_a_go_document_saved_recently_is_not_touched(
        self, store: MongoStore, recorder: Recorder
    ) -> None:
        cookie = go_document(store, {"n": 1}, saved_ago=10)
        recorder.calls.clear()
        assert implicit_save(store, cookie) == []
        assert recorder.writes() == []

    def test_a_go_document_saved_long_ago_is_touched_and_gets_created(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        cookie = go_document(store, {"n": 1}, saved_ago=600)
        assert len(implicit_save(store, cookie)) == 1
        stored = document(store, cookie)
        # Its created is its last Go save, the latest time it is known to have existed.
        assert stored["created"] == int(clock.current) - 600
        assert stored["last_seen"] == int(clock.current)

    def test_a_go_document_is_aged_by_its_last_go_save_under_an_absolute_timeout(
        self, recorder: Recorder, clock: FakeClock
    ) -> None:
        store = make_store(recorder, clock, absolute_timeout=3600)
        assert not store.new(cookie_request(NAME, go_document(store, {}, 3599)), NAME).is_new
        assert store.new(cookie_request(NAME, go_document(store, {}, 3600)), NAME).is_new

    def test_a_go_save_over_our_document_keeps_our_fields(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        cookie = saved(store, {"n": 1})
        ours = document(store, cookie)
        clock.advance(1000)
        # Go's MongoStore.save: $set of data and expires only.
        raw(store).update_one(
            {"_id": ours["_id"]},
            {"$set": {"data": ours["data"], "expires": int(clock.current) + MAX_AGE}},
        )
        after = document(store, cookie)
        assert (after["created"], after["last_seen"]) == (ours["created"], ours["last_seen"])
        # Its last write is now Go's, so no touch is due yet.
        assert implicit_save(store, cookie) == []


# -- 3. A user's sessions ---------------------------------------------------------------


class TestUserSessions:
    def test_list_sessions_gives_the_live_sessions_of_the_user_newest_first(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        first = saved(store, {"user": "alice", "provider": "github"})
        clock.advance(5)
        second = saved(store, {"user": "alice"})
        saved(store, {"user": "bob"})
        saved(store, {"n": 1})
        expired = saved(store, {"user": "alice"})
        raw(store).update_one({"_id": ObjectId(session_id_of(expired))}, {"$set": {"expires": 1}})
        infos = store.list_sessions("alice")
        assert [info.id for info in infos] == [session_id_of(second), session_id_of(first)]
        oldest = infos[1]
        assert isinstance(oldest, SessionInfo)
        assert oldest.provider == "github"
        assert oldest.created == dt.datetime.fromtimestamp(int(clock.current) - 5, dt.UTC)
        assert oldest.created.tzinfo is dt.UTC
        assert oldest.last_seen == oldest.created
        assert (oldest.user_agent, oldest.client_address) == (None, None)

    def test_list_sessions_never_reads_the_data(
        self, store: MongoStore, recorder: Recorder
    ) -> None:
        saved(store, {"user": "alice"})
        store.list_sessions("alice")
        ((_, (query, projection)),) = [a for a in recorder.arguments if a[0] == "find"]
        assert projection["data"] == 0
        assert query["user"] == "alice"

    def test_list_sessions_leaves_out_sessions_past_the_absolute_timeout(
        self, recorder: Recorder, clock: FakeClock
    ) -> None:
        store = make_store(recorder, clock, absolute_timeout=100)
        saved(store, {"user": "alice"})
        clock.advance(100)
        raw(store).update_many({}, {"$set": {"expires": int(clock.current) + 10}})
        assert store.list_sessions("alice") == []

    @pytest.mark.parametrize("user", [None, {"$ne": None}])
    def test_user_queries_refuse_none_and_operators(self, store: MongoStore, user: Any) -> None:
        saved(store, {"n": 1})
        with pytest.raises(InvalidUserFilterError):
            store.list_sessions(user)
        with pytest.raises(InvalidUserFilterError):
            store.expire_sessions_except(user, "")
        with pytest.raises(InvalidUserFilterError):
            store.revoke(str(ObjectId()), user={"$ne": None})
        assert raw(store).count_documents({}) == 1

    def test_revoke_ends_one_session(self, store: MongoStore) -> None:
        cookie = saved(store, {"user": "alice"})
        other = saved(store, {"user": "alice"})
        assert store.revoke(session_id_of(cookie)) is True
        assert store.revoke(session_id_of(cookie)) is False
        assert store.new(cookie_request(NAME, cookie), NAME).is_new
        assert not store.new(cookie_request(NAME, other), NAME).is_new

    def test_revoke_with_a_user_ends_only_that_users_session(self, store: MongoStore) -> None:
        bobs = session_id_of(saved(store, {"user": "bob"}))
        assert store.revoke(bobs, user="alice") is False
        assert store.revoke(bobs, user="bob") is True

    @pytest.mark.parametrize("session_id", ["", "zz", "5ed0e4be448c4dd1274c31e3 "])
    def test_revoke_of_an_id_that_names_no_session_is_false(
        self, store: MongoStore, session_id: str
    ) -> None:
        assert store.revoke(session_id) is False

    def test_expire_sessions_except_keeps_the_current_session(self, store: MongoStore) -> None:
        keep = saved(store, {"user": "alice"})
        saved(store, {"user": "alice"})
        saved(store, {"user": "alice", "provider": "x"})
        bob = saved(store, {"user": "bob"})
        anonymous = saved(store, {"n": 1})
        assert store.expire_sessions_except("alice", session_id_of(keep)) == 2
        assert [info.id for info in store.list_sessions("alice")] == [session_id_of(keep)]
        for cookie in (bob, anonymous):
            assert not store.new(cookie_request(NAME, cookie), NAME).is_new

    def test_expire_sessions_except_with_no_kept_id_ends_all(self, store: MongoStore) -> None:
        saved(store, {"user": "alice"})
        assert store.expire_sessions_except("alice", "") == 1

    def test_expire_sessions_except_refuses_a_kept_id_that_is_not_one(
        self, store: MongoStore
    ) -> None:
        saved(store, {"user": "alice"})
        with pytest.raises(InvalidSessionIdError):
            store.expire_sessions_except("alice", "not-an-id")
        assert raw(store).count_documents({}) == 1


class TestRecordClient:
    ENVIRON: dict[str, Any] = {  # noqa: RUF012
        **cookie_request(),
        "HTTP_USER_AGENT": "Mozilla/5.0 Test",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9",
    }

    def test_clients_are_not_recorded_by_default(self, store: MongoStore) -> None:
        stored = document(store, saved(store, {"user": "a"}, dict(self.ENVIRON)))
        assert "user_agent" not in stored
        assert "client_address" not in stored

    def test_the_user_agent_and_peer_address_are_recorded_when_asked(
        self, recorder: Recorder, clock: FakeClock
    ) -> None:
        store = make_store(recorder, clock, record_client=True)
        saved(store, {"user": "a"}, dict(self.ENVIRON))
        (info,) = store.list_sessions("a")
        assert info.user_agent == "Mozilla/5.0 Test"
        assert info.client_address == "10.0.0.1"  # the forwarded header is not trusted

    def test_a_trusted_proxy_supplies_the_address(
        self, recorder: Recorder, clock: FakeClock
    ) -> None:
        store = make_store(recorder, clock, record_client=True, trusted_proxies=1)
        saved(store, {"user": "a"}, dict(self.ENVIRON))
        assert store.list_sessions("a")[0].client_address == "203.0.113.9"

    def test_a_touch_records_the_client_again(self, recorder: Recorder, clock: FakeClock) -> None:
        store = make_store(recorder, clock, record_client=True)
        cookie = saved(store, {"user": "a"}, dict(self.ENVIRON))
        clock.advance(DEFAULT_TOUCH_AFTER + 1)
        request = Request(
            {**cookie_request(NAME, cookie), "HTTP_USER_AGENT": "Other", "REMOTE_ADDR": "::1"}
        )
        store.get(request, NAME)
        sessions.save(request, Response())
        (info,) = store.list_sessions("a")
        assert (info.user_agent, info.client_address) == ("Other", "::1")


class TestOptions:
    def test_defaults(self, store: MongoStore) -> None:
        assert store.touch_after == DEFAULT_TOUCH_AFTER
        assert store.absolute_timeout is None
        assert store.record_client is False
        assert store.trusted_proxies == 0

    @pytest.mark.parametrize(
        "options",
        [{"touch_after": -1}, {"absolute_timeout": 0}, {"trusted_proxies": -1}],
    )
    def test_unusable_values_are_refused_at_construction(
        self, recorder: Recorder, options: dict[str, Any]
    ) -> None:
        with pytest.raises(InvalidLifetimeError):
            MongoStore(recorder, KEY, **options)


class TestRegistryRecord:
    def test_save_all_records_what_each_store_did(self, store: MongoStore) -> None:
        from mongostore.sessions import CookieStore
        from mongostore.sessions.registry import get_registry

        cookie = saved(store, {"n": 1})
        environ = cookie_request(NAME, cookie)
        store.get(environ, NAME)
        CookieStore(KEY).get(environ, "plain").values["x"] = 1
        headers: list[tuple[str, str]] = []
        sessions.save(environ, HeaderList(headers))
        assert get_registry(environ).saved == {NAME: "nothing", "plain": "write"}
        # The store without autosave still wrote its cookie, as in Go.
        assert [h.split("=", 1)[0] for h in set_cookie_headers(headers)] == ["plain"]
