"""MongoStore: the Go store's ported tests, the contract's Get/New/Save rows, every method.

The contract is docs/reference.md, section "mongostore".

Runs on every backend: mongomock and the wire server, or MONGODB_URI (tests/support/mongo.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import threading
from typing import Any

import bson
import pytest
from bson import ObjectId
from bson.int64 import Int64

import mongostore.errors
import securecookie
from mongostore import sessions
from mongostore.cleaner import InvalidIntervalError
from mongostore.errors import TTLIndexRefusedError
from mongostore.http import HeaderList
from mongostore.sessions import Options, Session
from mongostore.store import (
    InvalidDatabaseError,
    InvalidSessionIdError,
    InvalidUserFilterError,
    MongoStore,
    SessionNotFoundError,
    new_store,
)
from tests.support.mongo import (
    FakeClock,
    RecordingCollection,
    cookie_request,
    gob_codec,
    parse_set_cookie,
    set_cookie_headers,
)

KEY = b"test"  # the Go store tests' key
GO_TEST_ID = "5ed0e4be448c4dd1274c31e3"
NAME = "session"
THIRTY_DAYS = 30 * 24 * 3600


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def recorder(mongo_database: Any) -> RecordingCollection:
    return RecordingCollection(mongo_database["session"])


@pytest.fixture
def store(recorder: RecordingCollection, clock: FakeClock) -> MongoStore:
    mongo_store = MongoStore(recorder, KEY)
    mongo_store.now = clock
    return mongo_store


def codec() -> securecookie.SecureCookie:
    return gob_codec(KEY)  # type: ignore[no-any-return]


def id_cookie(session_id: object, name: str = NAME) -> str:
    return securecookie.encode_multi(name, session_id, codec())


def insert_session(
    store: MongoStore,
    values: dict[Any, Any],
    *,
    expires_in: int = 3600,
    session_id: str | None = None,
    name: str = NAME,
) -> str:
    """Insert a document as the Go store writes it; its hex ID."""
    object_id = ObjectId(session_id) if session_id else ObjectId()
    store.collection.inner.insert_one(
        {
            "_id": object_id,
            "data": securecookie.encode_multi(name, values, codec()),
            "expires": int(store.now()) + expires_in,
        }
    )
    return str(object_id)


def assert_new_session(session: Session, store: MongoStore) -> None:
    assert session.is_new
    assert session.id == ""
    assert session.values == {}
    assert session.options == store.options
    assert session.options is not store.options


def assert_fresh_after_bad_load(session: Session, store: MongoStore) -> securecookie.Error:
    """A bad cookie or document: a new session whose ``load_error`` is a decode error."""
    assert_new_session(session, store)
    assert isinstance(session.load_error, securecookie.Error)
    assert session.load_error.is_decode()
    return session.load_error


def response() -> tuple[HeaderList, list[tuple[str, str]]]:
    headers: list[tuple[str, str]] = []
    return HeaderList(headers), headers


def raw(store: MongoStore) -> Any:
    """The real collection behind the recording wrapper."""
    return store.collection.inner


# -- The Go store's tests (CONFORMANCE.md section 3) ------------------------------


class TestGoStoreTests:
    def test_new_without_cookie_gives_a_new_session_without_a_find(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        session = store.new(cookie_request(), NAME)
        assert_new_session(session, store)
        assert recorder.calls == []

    def test_new_with_cookie_loads_the_document_values(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        insert_session(store, {"test": "testvalue"}, session_id=GO_TEST_ID)
        session = store.new(cookie_request(NAME, id_cookie(GO_TEST_ID)), NAME)
        assert session.id == GO_TEST_ID
        assert not session.is_new
        assert session.values == {"test": "testvalue"}
        assert recorder.calls == ["find_one"]

    def test_get_without_cookie_gives_a_new_session_without_a_find(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        session = store.get(cookie_request(), NAME)
        assert_new_session(session, store)
        assert recorder.calls == []

    def test_get_with_cookie_loads_once_and_replays_the_same_session(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        insert_session(store, {"test": "testvalue"}, session_id=GO_TEST_ID)
        request = cookie_request(NAME, id_cookie(GO_TEST_ID))
        first = store.get(request, NAME)
        second = store.get(request, NAME)
        assert first is second
        assert first.id == GO_TEST_ID
        assert first.values == {"test": "testvalue"}
        assert recorder.calls == ["find_one"]

    def test_get_replays_the_same_bad_cookie_session_and_error(self, store: MongoStore) -> None:
        request = cookie_request(NAME, "garbage")
        first = store.get(request, NAME)
        second = store.get(request, NAME)
        assert first is second
        assert first.load_error is not None
        assert second.load_error is first.load_error

    def test_save_of_a_new_session_inserts_and_sets_the_id_and_cookie(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        session = store.new(cookie_request(), NAME)
        session.options.max_age = 10
        writer, headers = response()
        store.save(cookie_request(), writer, session)
        assert recorder.calls == ["insert_one"]
        assert ObjectId.is_valid(session.id)
        assert raw(store).find_one({"_id": ObjectId(session.id)}) is not None
        (header,) = set_cookie_headers(headers)
        assert parse_set_cookie(header)[0] == NAME

    def test_save_of_an_existing_session_updates_and_sets_the_cookie(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        insert_session(store, {"test": "testvalue"}, session_id=GO_TEST_ID)
        session = store.new(cookie_request(NAME, id_cookie(GO_TEST_ID)), NAME)
        session.options.max_age = 100
        writer, headers = response()
        store.save(cookie_request(), writer, session)
        assert recorder.calls == ["find_one", "update_one"]
        assert session.id == GO_TEST_ID
        (header,) = set_cookie_headers(headers)
        assert parse_set_cookie(header)[0] == NAME

    def test_save_with_max_age_zero_deletes_and_sets_a_cookie(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        insert_session(store, {"test": "testvalue"}, session_id=GO_TEST_ID)
        session = store.new(cookie_request(NAME, id_cookie(GO_TEST_ID)), NAME)
        session.options.max_age = 0
        writer, headers = response()
        store.save(cookie_request(), writer, session)
        assert recorder.calls == ["find_one", "delete_one"]
        assert raw(store).find_one({"_id": ObjectId(GO_TEST_ID)}) is None
        (header,) = set_cookie_headers(headers)
        assert parse_set_cookie(header)[0] == NAME


# -- Construction and options ---------------------------------------------------------


class TestConstruction:
    def test_defaults_are_gos_plus_http_only(self, mongo_database: Any) -> None:
        store = MongoStore(mongo_database, KEY)
        assert store.options == Options(
            path="/", max_age=THIRTY_DAYS, secure=False, http_only=True, same_site="Lax"
        )

    def test_a_database_gives_its_session_collection(self, mongo_database: Any) -> None:
        store = MongoStore(mongo_database, KEY)
        assert store.collection.name == "session"
        assert store.collection.database.name == mongo_database.name

    def test_the_collection_name_can_be_chosen(self, mongo_database: Any) -> None:
        assert MongoStore(mongo_database, KEY, collection="web").collection.name == "web"

    def test_a_collection_is_used_as_it_is(self, mongo_database: Any) -> None:
        collection = mongo_database["elsewhere"]
        assert MongoStore(collection, KEY).collection is collection

    @pytest.mark.parametrize("database", [None, "db", 42, {"session": 1}])
    def test_anything_else_is_a_typed_error(self, database: object) -> None:
        with pytest.raises(InvalidDatabaseError):
            MongoStore(database, KEY)

    def test_an_empty_collection_name_is_a_typed_error(self, mongo_database: Any) -> None:
        with pytest.raises(InvalidDatabaseError):
            MongoStore(mongo_database, KEY, collection="")

    def test_new_store_is_the_default_store(self, mongo_database: Any) -> None:
        store = new_store(mongo_database, KEY, None, b"old")
        assert store.collection.name == "session"
        assert len(store.codecs) == 2
        assert store.options.max_age == THIRTY_DAYS

    def test_sessions_get_a_private_copy_of_the_options(self, store: MongoStore) -> None:
        session = store.new(cookie_request(), NAME)
        store.options.path = "/foo"
        assert session.options.path == "/"

    def test_max_age_sets_the_options_and_the_codecs_together(self, store: MongoStore) -> None:
        insert_session(store, {"a": 1}, session_id=GO_TEST_ID)
        cookie = securecookie.encode_multi(
            NAME,
            GO_TEST_ID,
            securecookie.SecureCookie(KEY, clock=lambda: 1_000_000).set_serializer(
                securecookie.GobSerializer()
            ),
        )
        for sc in store.codecs:
            assert isinstance(sc, securecookie.SecureCookie)
            sc.clock = lambda: 1_000_002
        assert store.new(cookie_request(NAME, cookie), NAME).values == {"a": 1}
        store.max_age(1)
        assert store.options.max_age == 1
        expired = store.new(cookie_request(NAME, cookie), NAME)
        assert_fresh_after_bad_load(expired, store)
        assert "expired timestamp" in str(expired.load_error)


# -- Get/New semantics (docs/reference.md) ---------------------------------------------------------


class TestLoadSemantics:
    @pytest.mark.parametrize(
        "cookie",
        [
            "garbage",
            "",
            id_cookie(GO_TEST_ID)[:-4] + "AAA=",  # tampered MAC
            securecookie.encode_multi(NAME, GO_TEST_ID, gob_codec(b"other")),
            id_cookie(GO_TEST_ID, name="other-name"),
        ],
        ids=["garbage", "empty", "tampered", "wrong-key", "wrong-name"],
    )
    def test_an_undecodable_cookie_gives_a_new_session_with_its_load_error(
        self, store: MongoStore, recorder: RecordingCollection, cookie: str
    ) -> None:
        assert_fresh_after_bad_load(store.new(cookie_request(NAME, cookie), NAME), store)
        assert recorder.calls == []

    @pytest.mark.parametrize(
        "decoded_id",
        ["", "not-an-object-id", GO_TEST_ID + "0", " " + GO_TEST_ID[1:], 42, GO_TEST_ID.encode()],
    )
    def test_a_valid_cookie_whose_id_is_not_24_hex_digits_is_a_load_error(
        self, store: MongoStore, recorder: RecordingCollection, decoded_id: object
    ) -> None:
        assert_fresh_after_bad_load(
            store.new(cookie_request(NAME, id_cookie(decoded_id)), NAME), store
        )
        assert recorder.calls == []

    def test_a_document_whose_data_fails_to_decode_is_a_load_error(self, store: MongoStore) -> None:
        raw(store).insert_one(
            {
                "_id": ObjectId(GO_TEST_ID),
                "data": securecookie.encode_multi(NAME, {"a": 1}, gob_codec(b"x")),
                "expires": int(store.now()) + 60,
            }
        )
        assert_fresh_after_bad_load(
            store.new(cookie_request(NAME, id_cookie(GO_TEST_ID)), NAME), store
        )

    @pytest.mark.parametrize("data", [None, 12, b"bytes"])
    def test_a_document_whose_data_is_not_a_string_is_a_load_error(
        self, store: MongoStore, data: object
    ) -> None:
        raw(store).insert_one(
            {"_id": ObjectId(GO_TEST_ID), "data": data, "expires": int(store.now()) + 60}
        )
        assert_fresh_after_bad_load(
            store.new(cookie_request(NAME, id_cookie(GO_TEST_ID)), NAME), store
        )

    def test_a_document_whose_data_is_not_a_map_is_a_load_error(self, store: MongoStore) -> None:
        raw(store).insert_one(
            {
                "_id": ObjectId(GO_TEST_ID),
                "data": securecookie.encode_multi(NAME, "just a string", codec()),
                "expires": int(store.now()) + 60,
            }
        )
        assert_fresh_after_bad_load(
            store.new(cookie_request(NAME, id_cookie(GO_TEST_ID)), NAME), store
        )

    def test_a_missing_document_gives_a_new_session_without_error(self, store: MongoStore) -> None:
        session = store.new(cookie_request(NAME, id_cookie(GO_TEST_ID)), NAME)
        assert_new_session(session, store)

    def test_a_document_expiring_exactly_now_is_expired(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        insert_session(store, {"a": 1}, session_id=GO_TEST_ID, expires_in=10)
        clock.advance(10)
        assert_new_session(store.new(cookie_request(NAME, id_cookie(GO_TEST_ID)), NAME), store)

    def test_a_document_expiring_one_second_from_now_is_live(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        insert_session(store, {"a": 1}, session_id=GO_TEST_ID, expires_in=10)
        clock.advance(9.999)
        session = store.new(cookie_request(NAME, id_cookie(GO_TEST_ID)), NAME)
        assert session.values == {"a": 1}

    def test_an_uppercase_hex_id_is_loaded_under_its_canonical_spelling(
        self, store: MongoStore
    ) -> None:
        insert_session(store, {"a": 1}, session_id=GO_TEST_ID)
        session = store.new(cookie_request(NAME, id_cookie(GO_TEST_ID.upper())), NAME)
        assert session.id == GO_TEST_ID

    def test_the_first_cookie_of_the_name_wins(self, store: MongoStore) -> None:
        insert_session(store, {"who": "first"}, session_id=GO_TEST_ID)
        other = insert_session(store, {"who": "second"})
        request = cookie_request()
        request["HTTP_COOKIE"] = f"{NAME}={id_cookie(GO_TEST_ID)}; {NAME}={id_cookie(other)}"
        assert store.new(request, NAME).values == {"who": "first"}

    def test_new_decodes_afresh_each_call(self, store: MongoStore) -> None:
        insert_session(store, {"a": 1}, session_id=GO_TEST_ID)
        request = cookie_request(NAME, id_cookie(GO_TEST_ID))
        assert store.new(request, NAME) is not store.new(request, NAME)

    def test_an_invalid_session_name_is_rejected_by_get(self, store: MongoStore) -> None:
        with pytest.raises(sessions.InvalidCookieNameError):
            store.get(cookie_request(), "session:key")


# -- Save semantics ----------------------------------------------------------------------


class TestSaveSemantics:
    def test_a_new_session_is_inserted_with_the_go_layout(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        session = store.new(cookie_request(), NAME)
        session.values.update({"user": "alice", "provider": "github", "n": 3})
        writer, _headers = response()
        store.save(cookie_request(), writer, session)
        document = raw(store).find_one({"_id": ObjectId(session.id)})
        expires = int(clock()) + THIRTY_DAYS
        assert document["expires"] == expires
        assert document["user"] == "alice"
        assert document["provider"] == "github"
        assert securecookie.decode_multi(NAME, document["data"], codec()) == session.values
        # Drivers return naive UTC datetimes unless tz_aware; either way the instant is expires.
        stored_at = document["expires_at"].replace(tzinfo=dt.UTC)
        assert stored_at == dt.datetime.fromtimestamp(expires, dt.UTC)

    def test_the_cookie_holds_the_id_and_expires_with_the_document(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        clock.advance(0.75)  # a fractional clock still gives whole-second agreement
        session = store.new(cookie_request(), NAME)
        writer, headers = response()
        store.save(cookie_request(), writer, session)
        (header,) = set_cookie_headers(headers)
        name, value, attributes = parse_set_cookie(header)
        assert name == NAME
        assert securecookie.decode_multi(NAME, value, codec()) == session.id
        expires = raw(store).find_one({"_id": ObjectId(session.id)})["expires"]
        assert attributes["Expires"] == sessions.cookie.http_date(expires)
        assert attributes["Max-Age"] == str(THIRTY_DAYS)
        assert attributes["Path"] == "/"
        assert attributes["SameSite"] == "Lax"
        assert "HttpOnly" in attributes
        assert "Secure" not in attributes

    def test_a_saved_session_loads_back_in_the_next_request(self, store: MongoStore) -> None:
        session = store.new(cookie_request(), NAME)
        session.values["n"] = 1
        writer, headers = response()
        store.save(cookie_request(), writer, session)
        _, value, _ = parse_set_cookie(set_cookie_headers(headers)[0])
        loaded = store.new(cookie_request(NAME, value), NAME)
        assert loaded.id == session.id
        assert loaded.values == {"n": 1}
        assert not loaded.is_new

    def test_an_update_extends_expiry_and_rewrites_values(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        session_id = insert_session(store, {"n": 1}, expires_in=60)
        session = store.new(cookie_request(NAME, id_cookie(session_id)), NAME)
        session.values["n"] = 2
        clock.advance(30)
        store.save(cookie_request(), response()[0], session)
        document = raw(store).find_one({"_id": ObjectId(session_id)})
        assert document["expires"] == int(clock()) + THIRTY_DAYS
        assert securecookie.decode_multi(NAME, document["data"], codec()) == {"n": 2}
        assert raw(store).count_documents({}) == 1

    def test_removing_user_and_provider_from_the_values_unsets_them(
        self, store: MongoStore
    ) -> None:
        session = store.new(cookie_request(), NAME)
        session.values.update({"user": "alice", "provider": "github"})
        store.save(cookie_request(), response()[0], session)
        del session.values["user"]
        del session.values["provider"]
        store.save(cookie_request(), response()[0], session)
        document = raw(store).find_one({"_id": ObjectId(session.id)})
        assert "user" not in document
        assert "provider" not in document

    def test_an_existing_session_whose_document_vanished_raises_and_is_not_resurrected(
        self, store: MongoStore
    ) -> None:
        session_id = insert_session(store, {"n": 1})
        session = store.new(cookie_request(NAME, id_cookie(session_id)), NAME)
        raw(store).delete_many({})
        writer, headers = response()
        with pytest.raises(SessionNotFoundError) as info:
            store.save(cookie_request(), writer, session)
        assert str(info.value) == f"fail to modify session : session {session_id} not found"
        assert set_cookie_headers(headers) == []
        assert raw(store).count_documents({}) == 0

    def test_an_existing_session_whose_document_expired_is_not_extended(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        session_id = insert_session(store, {"n": 1}, expires_in=5)
        session = store.new(cookie_request(NAME, id_cookie(session_id)), NAME)
        clock.advance(5)
        writer, headers = response()
        with pytest.raises(SessionNotFoundError):
            store.save(cookie_request(), writer, session)
        assert set_cookie_headers(headers) == []
        assert raw(store).find_one({"_id": ObjectId(session_id)})["expires"] == int(clock())

    @pytest.mark.parametrize("session_id", ["nope", GO_TEST_ID[:-1], "../" + GO_TEST_ID])
    def test_a_session_id_that_is_not_an_object_id_cannot_be_saved(
        self, store: MongoStore, session_id: str
    ) -> None:
        session = store.new(cookie_request(), NAME)
        session.id = session_id
        writer, headers = response()
        with pytest.raises(InvalidSessionIdError):
            store.save(cookie_request(), writer, session)
        assert set_cookie_headers(headers) == []

    @pytest.mark.parametrize(
        ("max_age", "expected_attributes"),
        [
            (0, {"Path": "/", "HttpOnly": "", "SameSite": "Lax"}),
            (
                -1,
                {
                    "Path": "/",
                    "Expires": "Thu, 01 Jan 1970 00:00:01 GMT",
                    "Max-Age": "0",
                    "HttpOnly": "",
                    "SameSite": "Lax",
                },
            ),
        ],
    )
    def test_max_age_at_most_zero_deletes_the_document_and_empties_the_cookie(
        self, store: MongoStore, max_age: int, expected_attributes: dict[str, str]
    ) -> None:
        session_id = insert_session(store, {"n": 1})
        session = store.new(cookie_request(NAME, id_cookie(session_id)), NAME)
        session.options.max_age = max_age
        writer, headers = response()
        store.save(cookie_request(), writer, session)
        assert raw(store).count_documents({}) == 0
        (header,) = set_cookie_headers(headers)
        assert parse_set_cookie(header) == (NAME, "", expected_attributes)
        assert session.id == ""

    @pytest.mark.parametrize("existing", [False, True], ids=["insert", "update"])
    def test_a_max_age_beyond_gos_range_is_a_typed_error_before_any_write(
        self, store: MongoStore, recorder: RecordingCollection, existing: bool
    ) -> None:
        session = store.new(cookie_request(), NAME)
        if existing:
            session.id = insert_session(store, {"n": 1})
        before = list(raw(store).find({}))
        recorder.calls.clear()
        session.options.max_age = 10**12  # past year 9999: no BSON date, no Go Duration
        writer, headers = response()
        with pytest.raises(sessions.InvalidOptionsError):
            store.save(cookie_request(), writer, session)
        assert recorder.calls == []
        assert set_cookie_headers(headers) == []
        assert list(raw(store).find({})) == before

    def test_deleting_a_never_saved_session_touches_no_document(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        session = store.new(cookie_request(), NAME)
        session.options.max_age = -1
        writer, headers = response()
        store.save(cookie_request(), writer, session)
        assert recorder.calls == []
        assert len(set_cookie_headers(headers)) == 1

    def test_an_unencodable_value_raises_before_any_write(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        session = store.new(cookie_request(), NAME)
        session.values["bad"] = object()
        writer, headers = response()
        with pytest.raises(securecookie.Error) as info:
            store.save(cookie_request(), writer, session)
        assert info.value.is_usage()
        assert recorder.calls == []
        assert set_cookie_headers(headers) == []
        assert session.id == ""

    def test_save_all_through_the_registry_writes_the_session(self, store: MongoStore) -> None:
        request = cookie_request()
        session = store.get(request, NAME)
        session.values["x"] = 1
        writer, headers = response()
        sessions.save(request, writer)
        assert len(set_cookie_headers(headers)) == 1
        assert raw(store).count_documents({}) == 1

    def test_a_bad_cookie_is_replaced_by_save_all_once_the_session_holds_values(
        self, store: MongoStore
    ) -> None:
        request = cookie_request(NAME, "garbage")
        session = store.get(request, NAME)
        assert session.load_error is not None
        writer, headers = response()
        sessions.save(request, writer)
        # A new session without values is neither stored nor sent (issue 15).
        assert set_cookie_headers(headers) == []
        session.values["n"] = 1
        sessions.save(request, writer)
        assert len(set_cookie_headers(headers)) == 1
        assert raw(store).count_documents({}) == 1

    def test_concurrent_saves_from_eight_threads(self, store: MongoStore) -> None:
        shared_id = insert_session(store, {"n": 0})
        errors: list[BaseException] = []
        barrier = threading.Barrier(8)

        def worker(index: int) -> None:
            try:
                barrier.wait()
                for round_ in range(5):
                    own = store.new(cookie_request(), NAME)
                    own.values.update({"user": f"u{index}", "round": round_})
                    store.save(cookie_request(), response()[0], own)
                    shared = store.new(cookie_request(NAME, id_cookie(shared_id)), NAME)
                    shared.values["n"] = index
                    store.save(cookie_request(), response()[0], shared)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        assert raw(store).count_documents({}) == 8 * 5 + 1
        shared = store.new(cookie_request(NAME, id_cookie(shared_id)), NAME)
        assert shared.values["n"] in range(8)
        for index in range(8):
            assert raw(store).count_documents({"user": f"u{index}"}) == 5


# -- Regenerate ------------------------------------------------------------------------


class TestRegenerate:
    def test_regenerate_moves_the_values_to_a_fresh_id_and_deletes_the_old_one(
        self, store: MongoStore
    ) -> None:
        old_id = insert_session(store, {"role": "guest"})
        session = store.new(cookie_request(NAME, id_cookie(old_id)), NAME)
        session.values["role"] = "admin"
        writer, headers = response()
        store.regenerate(cookie_request(), writer, session)
        assert session.id != old_id
        assert raw(store).find_one({"_id": ObjectId(old_id)}) is None
        (header,) = set_cookie_headers(headers)
        _, value, _ = parse_set_cookie(header)
        assert securecookie.decode_multi(NAME, value, codec()) == session.id
        loaded = store.new(cookie_request(NAME, value), NAME)
        assert loaded.values == {"role": "admin"}

    def test_the_old_cookie_no_longer_loads_the_session(self, store: MongoStore) -> None:
        old_id = insert_session(store, {"role": "guest"})
        old_cookie = id_cookie(old_id)
        session = store.new(cookie_request(NAME, old_cookie), NAME)
        store.regenerate(cookie_request(), response()[0], session)
        assert store.new(cookie_request(NAME, old_cookie), NAME).is_new

    def test_regenerating_a_new_session_just_inserts_it(self, store: MongoStore) -> None:
        session = store.new(cookie_request(), NAME)
        store.regenerate(cookie_request(), response()[0], session)
        assert ObjectId.is_valid(session.id)
        assert raw(store).count_documents({}) == 1

    def signed_in(self, store: MongoStore) -> tuple[str, Session]:
        """A live session of alice, saved by the store (so ``user`` is on its document)."""
        session = store.new(cookie_request(), NAME)
        session.values.update(user="alice", provider="github")
        store.save(cookie_request(), response()[0], session)
        return session.id, store.new(cookie_request(NAME, id_cookie(session.id)), NAME)

    @pytest.mark.parametrize(
        "revoke",
        [
            lambda store, old_id, clock: raw(store).delete_one({"_id": ObjectId(old_id)}),
            lambda store, old_id, clock: store.expire_sessions("alice", "github"),
            lambda store, old_id, clock: store.expire_sessions_by_user_ids(["alice"]),
            lambda store, old_id, clock: clock.advance(THIRTY_DAYS),
        ],
        ids=["signed-out-elsewhere", "expire_sessions", "by-user-ids", "expired"],
    )
    def test_regenerating_a_session_whose_document_is_gone_writes_nothing(
        self, store: MongoStore, recorder: RecordingCollection, clock: FakeClock, revoke: Any
    ) -> None:
        # Like save: a session logged out during the request stays logged out.
        old_id, session = self.signed_in(store)
        revoke(store, old_id, clock)
        left = list(raw(store).find())
        recorder.calls.clear()
        writer, headers = response()
        with pytest.raises(SessionNotFoundError) as info:
            store.regenerate(cookie_request(), writer, session)
        assert info.value.session_id == old_id
        assert session.id == old_id
        assert set_cookie_headers(headers) == []
        assert "insert_one" not in recorder.calls
        assert list(raw(store).find()) == left

    @pytest.mark.parametrize("by_user", [False, True], ids=["old-document", "every-user-session"])
    def test_a_revocation_racing_regenerate_is_never_undone(
        self, store: MongoStore, recorder: RecordingCollection, by_user: bool
    ) -> None:
        # The revocation lands after regenerate's check, right after its insert.
        old_id, session = self.signed_in(store)
        real_insert = recorder.insert_one

        def insert_then_revoke(*args: Any, **kwargs: Any) -> Any:
            result = real_insert(*args, **kwargs)
            if by_user:
                assert store.expire_sessions("alice", "github") == 2
            else:
                raw(store).delete_one({"_id": ObjectId(old_id)})
            return result

        recorder.insert_one = insert_then_revoke  # type: ignore[method-assign]
        writer, headers = response()
        with pytest.raises(SessionNotFoundError):
            store.regenerate(cookie_request(), writer, session)
        assert session.id == old_id
        assert set_cookie_headers(headers) == []
        assert raw(store).count_documents({}) == 0

    def test_regenerate_with_max_age_zero_deletes_like_save(self, store: MongoStore) -> None:
        old_id = insert_session(store, {"n": 1})
        session = store.new(cookie_request(NAME, id_cookie(old_id)), NAME)
        session.options.max_age = 0
        store.regenerate(cookie_request(), response()[0], session)
        assert raw(store).count_documents({}) == 0


# -- Maintenance methods ----------------------------------------------------------------


class TestMaintenance:
    def save_as(self, store: MongoStore, **values: Any) -> str:
        session = store.new(cookie_request(), NAME)
        session.values.update(values)
        store.save(cookie_request(), response()[0], session)
        return session.id

    def test_expire_sessions_deletes_one_users_sessions_at_one_provider(
        self, store: MongoStore
    ) -> None:
        for _ in range(3):
            self.save_as(store, user="alice", provider="github")
        self.save_as(store, user="alice", provider="google")
        self.save_as(store, user="bob", provider="github")
        assert store.expire_sessions("alice", "github") == 3
        assert raw(store).count_documents({}) == 2
        assert store.expire_sessions("alice", "github") == 0

    def test_expire_sessions_by_user_ids_deletes_every_listed_user(self, store: MongoStore) -> None:
        for user in ("a", "b", "b", "c"):
            self.save_as(store, user=user)
        self.save_as(store)  # anonymous
        assert store.expire_sessions_by_user_ids(["a", "b", "zzz"]) == 3
        assert store.expire_sessions_by_user_ids(iter(["c"])) == 1
        assert raw(store).count_documents({}) == 1

    @pytest.mark.parametrize(
        ("user", "provider"),
        [
            ({"$ne": None}, "github"),
            ("alice", {"$exists": True}),
            ({"$gt": ""}, {"$gt": ""}),
            ({"nested": {"$ne": 1}, "$or": []}, "github"),
        ],
    )
    def test_expire_sessions_refuses_query_operators_and_deletes_nothing(
        self, store: MongoStore, user: Any, provider: Any
    ) -> None:
        # Untrusted input such as {"$ne": None} would otherwise match every user.
        self.save_as(store, user="alice", provider="github")
        self.save_as(store, user="bob", provider="github")
        with pytest.raises(InvalidUserFilterError) as excinfo:
            store.expire_sessions(user, provider)
        assert isinstance(excinfo.value, mongostore.errors.Error)
        assert raw(store).count_documents({}) == 2

    def test_expire_sessions_by_user_ids_refuses_query_operators_and_deletes_nothing(
        self, store: MongoStore
    ) -> None:
        self.save_as(store, user="alice")
        with pytest.raises(InvalidUserFilterError):
            store.expire_sessions_by_user_ids(["bob", {"$ne": None}])
        assert raw(store).count_documents({}) == 1

    @pytest.mark.parametrize(
        "value",
        [
            re.compile(".*"),
            bson.Regex(".*"),
            None,
            {"id": 7, "org": "acme"},
            ["alice"],
            ("alice",),
            {"alice"},
            True,
            7.0,
            math.nan,
            2**63,
            -(2**63) - 1,
            bson.Code("this.user"),
            dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        ],
        ids=repr,
    )
    def test_only_plain_scalars_reach_a_revocation_filter(
        self, store: MongoStore, recorder: RecordingCollection, value: Any
    ) -> None:
        # A regex matches every user, None every anonymous session, lists and
        # dicts follow MongoDB's array and field-order rules: none is an
        # equality match, so each is refused before any query is sent.
        self.save_as(store, user="alice", provider="github")
        self.save_as(store, provider="github")  # anonymous
        recorder.calls.clear()
        for call in (
            lambda: store.expire_sessions(value, "github"),
            lambda: store.expire_sessions("alice", value),
            lambda: store.expire_sessions_by_user_ids(["bob", value]),
        ):
            with pytest.raises(InvalidUserFilterError) as excinfo:
                call()
            assert excinfo.value.value is value
        assert recorder.calls == []
        assert raw(store).count_documents({}) == 2

    @pytest.mark.parametrize(
        "user",
        ["alice", "", "$ne", 7, -(2**63), 2**63 - 1, Int64(9), b"\x00id", ObjectId()],
        ids=repr,
    )
    def test_plain_scalar_users_are_matched_by_equality(self, store: MongoStore, user: Any) -> None:
        # Documents as any writer may leave them (an ObjectId user is no gob value).
        raw(store).insert_many([{"user": "someone else", "provider": "p"}, {"provider": "p"}])
        raw(store).insert_one({"user": user, "provider": "p"})
        assert store.expire_sessions(user, "p") == 1
        raw(store).insert_one({"user": user, "provider": "q"})
        assert store.expire_sessions_by_user_ids([user]) == 1
        assert raw(store).count_documents({}) == 2

    def test_expire_sessions_by_no_user_ids_deletes_nothing(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        self.save_as(store, user="a")
        recorder.calls.clear()
        assert store.expire_sessions_by_user_ids([]) == 0
        assert recorder.calls == []

    @pytest.mark.parametrize("ids", ["alice", b"alice"])
    def test_expire_sessions_by_user_ids_refuses_a_single_string(
        self, store: MongoStore, ids: Any
    ) -> None:
        with pytest.raises(TypeError):
            store.expire_sessions_by_user_ids(ids)

    def test_a_logged_out_session_cannot_be_saved_again(self, store: MongoStore) -> None:
        session = store.new(cookie_request(), NAME)
        session.values["user"] = "alice"
        session.values["provider"] = "github"
        store.save(cookie_request(), response()[0], session)
        store.expire_sessions("alice", "github")
        with pytest.raises(SessionNotFoundError):
            store.save(cookie_request(), response()[0], session)

    def test_active_count_counts_documents_expiring_after_now(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        insert_session(store, {}, expires_in=10)
        insert_session(store, {}, expires_in=20)
        insert_session(store, {}, expires_in=0)
        assert store.get_active_sessions_count() == 2
        clock.advance(10)
        assert store.get_active_sessions_count() == 1
        clock.advance(10)
        assert store.get_active_sessions_count() == 0

    def test_clean_deletes_exactly_the_expired_documents(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        insert_session(store, {}, expires_in=-5)
        insert_session(store, {}, expires_in=0)
        keep = insert_session(store, {}, expires_in=1)
        assert store.clean() == 2
        assert [str(d["_id"]) for d in raw(store).find({})] == [keep]

    def test_ensure_indexes_creates_the_three_indexes_idempotently(self, store: MongoStore) -> None:
        first = store.ensure_indexes()
        second = store.ensure_indexes()
        assert first == second
        info = raw(store).index_information()
        keys = {tuple(spec["key"]): spec for spec in info.values()}
        assert keys[(("expires_at", 1),)]["expireAfterSeconds"] == 0
        assert (("expires", 1),) in keys
        assert (("user", 1), ("provider", 1)) in keys
        assert (("user", 1), ("created", -1)) in keys
        assert len(info) == 5  # plus _id

    def test_ensure_indexes_without_ttl_leaves_only_the_ttl_index_out(
        self, store: MongoStore
    ) -> None:
        names = store.ensure_indexes(ttl=False)
        info = raw(store).index_information()
        assert sorted(names) == sorted(n for n in info if n != "_id_")
        keys = {tuple(spec["key"]) for spec in info.values()}
        assert keys == {
            (("_id", 1),),
            (("expires", 1),),
            (("user", 1), ("provider", 1)),
            (("user", 1), ("created", -1)),
        }
        assert not any("expireAfterSeconds" in spec for spec in info.values())

    def test_ensure_indexes_refuses_the_ttl_index_beside_go_written_documents(
        self, store: MongoStore
    ) -> None:
        # A Go-style store writes no expires_at and never updates it: a TTL index
        # there could delete sessions Go extended, so it is refused by name.
        raw(store).insert_one({"_id": ObjectId(), "data": "x", "expires": int(store.now()) + 60})
        with pytest.raises(TTLIndexRefusedError, match="ttl=False") as excinfo:
            store.ensure_indexes()
        assert isinstance(excinfo.value, mongostore.errors.Error)
        assert set(raw(store).index_information()) == {"_id_"}  # nothing was built
        store.ensure_indexes(ttl=False)
        assert not any("expireAfterSeconds" in s for s in raw(store).index_information().values())

    def test_ensure_indexes_adds_the_ttl_index_beside_go_documents_when_forced(
        self, store: MongoStore
    ) -> None:
        raw(store).insert_one({"_id": ObjectId(), "data": "x", "expires": int(store.now()) + 60})
        store.ensure_indexes(force_ttl=True)
        info = raw(store).index_information().values()
        assert any(spec.get("expireAfterSeconds") == 0 for spec in info)

    def test_ensure_indexes_accepts_a_collection_of_python_written_sessions(
        self, store: MongoStore
    ) -> None:
        self.save_as(store, user="a")
        assert len(store.ensure_indexes()) == 4

    def test_expire_by_user_ids_logs_a_user_out_at_every_provider_and_none(
        self, store: MongoStore
    ) -> None:
        self.save_as(store, user="oscar", provider="github")
        self.save_as(store, user="oscar")  # no provider field, as Go's store writes
        self.save_as(store, user="ada")
        assert store.expire_sessions("oscar", "") == 0  # Go's exact match keeps its meaning
        assert store.expire_sessions_by_user_ids(["oscar"]) == 2
        assert raw(store).count_documents({}) == 1

    def test_indexes_are_never_created_implicitly(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        self.save_as(store, user="a")
        store.new(cookie_request(), NAME)
        assert "create_index" not in recorder.calls
        assert len(raw(store).index_information()) == 1

    def test_start_auto_clean_deletes_expired_sessions_until_stopped(
        self, store: MongoStore
    ) -> None:
        insert_session(store, {}, expires_in=-1)
        stop = threading.Event()
        thread = threading.Thread(target=store.start_auto_clean, args=(0.01, stop), daemon=True)
        thread.start()
        deadline = threading.Event()
        for _ in range(500):
            if raw(store).count_documents({}) == 0:
                break
            deadline.wait(0.01)
        assert raw(store).count_documents({}) == 0
        # A second loop for the same store returns at once, even without a stop event.
        store.start_auto_clean(0.01)
        stop.set()
        thread.join(5)
        assert not thread.is_alive()

    def test_the_background_cleaner_deletes_expired_sessions_and_stops(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        insert_session(store, {}, expires_in=5)
        live = insert_session(store, {}, expires_in=500)
        with store.start_auto_clean_thread(0.01) as handle:
            clock.advance(5)
            for _ in range(500):
                if raw(store).count_documents({}) == 1:
                    break
                threading.Event().wait(0.01)
        assert not handle.is_alive()
        assert [str(d["_id"]) for d in raw(store).find({})] == [live]

    def test_a_second_background_cleaner_of_the_same_store_ends_at_once(
        self, store: MongoStore, mongo_database: Any
    ) -> None:
        first = store.start_auto_clean_thread(60)
        second = store.start_auto_clean_thread(60)
        try:
            for _ in range(500):
                if first.is_alive() != second.is_alive():
                    break
                threading.Event().wait(0.01)
            assert first.is_alive() != second.is_alive()  # exactly one loop runs
            # Another store has its own loop, even on the same collection.
            other = MongoStore(mongo_database, KEY).start_auto_clean_thread(60)
            assert other.is_alive()
            other.stop(5)
        finally:
            first.stop(5)
            second.stop(5)
        assert not first.is_alive()
        assert not second.is_alive()
        # Once stopped, the store can start a loop again.
        with store.start_auto_clean_thread(60) as again:
            assert again.is_alive()
        assert not again.is_alive()

    def test_auto_clean_rejects_a_bad_interval(self, store: MongoStore) -> None:
        with pytest.raises(InvalidIntervalError):
            store.start_auto_clean(0, threading.Event())
        with pytest.raises(InvalidIntervalError):
            store.start_auto_clean_thread(-1)


def test_a_bad_cookie_is_logged_at_debug_on_the_store_logger(
    store: MongoStore, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="mongostore.store"):
        session = store.new(cookie_request(NAME, "garbage"), NAME)
    [record] = [r for r in caplog.records if r.name == "mongostore.store"]
    assert record.levelno == logging.DEBUG
    assert str(session.load_error) in record.getMessage()


def test_a_good_load_has_no_load_error(store: MongoStore) -> None:
    insert_session(store, {"a": 1}, session_id=GO_TEST_ID)
    session = store.new(cookie_request(NAME, id_cookie(GO_TEST_ID)), NAME)
    assert (session.values, session.load_error) == ({"a": 1}, None)
