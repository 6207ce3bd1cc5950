"""MongoStore under failure: database faults on every path, and hostile cookies and documents.

The contract: a database error propagates as pymongo's exception (with a note
saying what the store was doing), never turns into a silent new session, and
a failed write adds no Set-Cookie and leaves the previous document as it was.
"""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId
from bson.errors import InvalidDocument
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo.errors import (
    AutoReconnect,
    DuplicateKeyError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
    WriteError,
)

import securecookie
from mongostore import sessions
from mongostore.http import HeaderList
from mongostore.store import MongoStore
from tests.support.mongo import (
    FakeClock,
    RecordingCollection,
    cookie_request,
    gob_codec,
    set_cookie_headers,
)

KEY = b"test"
NAME = "session"

FAULTS = [
    AutoReconnect("connection reset"),
    ServerSelectionTimeoutError("no servers"),
    OperationFailure("not authorized", code=13),
    WriteError("write conflict", code=112, details={}),
]
FAULT_IDS = [type(fault).__name__ for fault in FAULTS]


@pytest.fixture
def recorder(mongo_database: Any) -> RecordingCollection:
    return RecordingCollection(mongo_database["session"])


@pytest.fixture
def store(recorder: RecordingCollection) -> MongoStore:
    mongo_store = MongoStore(recorder, KEY)
    mongo_store.now = FakeClock()
    return mongo_store


def codec() -> securecookie.SecureCookie:
    return gob_codec(KEY)  # type: ignore[no-any-return]


def saved_session(store: MongoStore, **values: Any) -> tuple[sessions.Session, str]:
    """A session saved through the store; (session, its cookie value)."""
    session = store.new(cookie_request(), NAME)
    session.values.update(values)
    headers: list[tuple[str, str]] = []
    store.save(cookie_request(), HeaderList(headers), session)
    cookie = set_cookie_headers(headers)[0].split(";")[0].partition("=")[2]
    return store.new(cookie_request(NAME, cookie), NAME), cookie


def stored(store: MongoStore, session_id: str) -> Any:
    return store.collection.inner.find_one({"_id": ObjectId(session_id)})


def assert_has_store_note(err: BaseException, action: str) -> None:
    notes = getattr(err, "__notes__", [])
    assert any(note.startswith(f"mongostore: {action}") for note in notes), notes


class TestLoadFaults:
    @pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
    def test_a_find_failure_propagates_and_is_not_a_new_session(
        self, store: MongoStore, recorder: RecordingCollection, fault: PyMongoError
    ) -> None:
        _, cookie = saved_session(store, n=1)
        recorder.fail_on["find_one"] = fault
        with pytest.raises(type(fault)) as info:
            store.new(cookie_request(NAME, cookie), NAME)
        assert info.value is fault
        assert getattr(info.value, "session", None) is None
        assert_has_store_note(info.value, "loading session 'session'")

    def test_the_registry_replays_a_find_failure_and_save_all_skips_it(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        _, cookie = saved_session(store, n=1)
        recorder.fail_on["find_one"] = AutoReconnect("down")
        request = cookie_request(NAME, cookie)
        with pytest.raises(AutoReconnect) as first:
            store.get(request, NAME)
        with pytest.raises(AutoReconnect) as second:
            store.get(request, NAME)
        assert first.value is second.value
        assert recorder.calls.count("find_one") == 2  # one for saved_session, one for get
        headers: list[tuple[str, str]] = []
        sessions.save(request, HeaderList(headers))
        assert set_cookie_headers(headers) == []


class TestWriteFaults:
    @pytest.mark.parametrize(
        "fault", [*FAULTS, DuplicateKeyError("E11000")], ids=[*FAULT_IDS, "dup"]
    )
    def test_a_failed_insert_writes_no_cookie_and_keeps_the_session_new(
        self, store: MongoStore, recorder: RecordingCollection, fault: PyMongoError
    ) -> None:
        recorder.fail_on["insert_one"] = fault
        session = store.new(cookie_request(), NAME)
        headers: list[tuple[str, str]] = []
        with pytest.raises(type(fault)) as info:
            store.save(cookie_request(), HeaderList(headers), session)
        assert_has_store_note(info.value, "inserting session")
        assert set_cookie_headers(headers) == []
        assert session.id == ""
        assert store.collection.inner.count_documents({}) == 0

    @pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
    def test_a_failed_update_writes_no_cookie_and_leaves_the_old_document(
        self, store: MongoStore, recorder: RecordingCollection, fault: PyMongoError
    ) -> None:
        session, _ = saved_session(store, n=1)
        before = stored(store, session.id)
        recorder.fail_on["update_one"] = fault
        session.values["n"] = 2
        headers: list[tuple[str, str]] = []
        with pytest.raises(type(fault)) as info:
            store.save(cookie_request(), HeaderList(headers), session)
        assert_has_store_note(info.value, "updating session")
        assert set_cookie_headers(headers) == []
        assert stored(store, session.id) == before

    @pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
    def test_a_failed_delete_writes_no_cookie_and_leaves_the_document(
        self, store: MongoStore, recorder: RecordingCollection, fault: PyMongoError
    ) -> None:
        session, _ = saved_session(store, n=1)
        before = stored(store, session.id)
        recorder.fail_on["delete_one"] = fault
        session.options.max_age = -1
        headers: list[tuple[str, str]] = []
        with pytest.raises(type(fault)) as info:
            store.save(cookie_request(), HeaderList(headers), session)
        assert_has_store_note(info.value, "deleting a session")
        assert set_cookie_headers(headers) == []
        assert stored(store, session.id) == before
        assert session.id == str(before["_id"])

    def test_a_value_bson_cannot_hold_fails_the_insert_without_a_cookie(
        self, store: MongoStore
    ) -> None:
        # The serializer takes a map key with a NUL byte; BSON field names cannot hold one.
        session = store.new(cookie_request(), NAME)
        session.values["user"] = {"a\x00b": 1}
        headers: list[tuple[str, str]] = []
        with pytest.raises(InvalidDocument):
            store.save(cookie_request(), HeaderList(headers), session)
        assert set_cookie_headers(headers) == []
        assert session.id == ""

    def test_a_value_bson_cannot_hold_fails_the_update_and_keeps_the_document(
        self, store: MongoStore
    ) -> None:
        session, _ = saved_session(store, user="alice")
        before = stored(store, session.id)
        session.values["user"] = {"a\x00b": 1}
        headers: list[tuple[str, str]] = []
        with pytest.raises(InvalidDocument):
            store.save(cookie_request(), HeaderList(headers), session)
        assert set_cookie_headers(headers) == []
        assert stored(store, session.id) == before

    def test_save_all_reports_a_write_failure_as_gos_text(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        request = cookie_request()
        store.get(request, NAME).values["n"] = 1
        recorder.fail_on["insert_one"] = AutoReconnect("connection reset")
        headers: list[tuple[str, str]] = []
        with pytest.raises(sessions.MultiError) as info:
            sessions.save(request, HeaderList(headers))
        assert str(info.value) == 'sessions: error saving session "session" -- connection reset'
        assert set_cookie_headers(headers) == []


class TestRegenerateFaults:
    def test_a_failed_insert_keeps_the_old_id_and_document(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        session, _ = saved_session(store, role="guest")
        old_id = session.id
        recorder.fail_on["insert_one"] = AutoReconnect("down")
        headers: list[tuple[str, str]] = []
        with pytest.raises(AutoReconnect):
            store.regenerate(cookie_request(), HeaderList(headers), session)
        assert session.id == old_id
        assert stored(store, old_id) is not None
        assert set_cookie_headers(headers) == []

    def test_a_failed_delete_of_the_old_document_keeps_the_old_id_and_no_cookie(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        session, _ = saved_session(store, role="guest")
        old_id = session.id
        recorder.fail_on["delete_one"] = AutoReconnect("down")
        headers: list[tuple[str, str]] = []
        with pytest.raises(AutoReconnect):
            store.regenerate(cookie_request(), HeaderList(headers), session)
        assert session.id == old_id
        assert stored(store, old_id) is not None
        assert set_cookie_headers(headers) == []

    def test_a_failed_liveness_check_writes_nothing_and_sends_no_cookie(
        self, store: MongoStore, recorder: RecordingCollection
    ) -> None:
        session, _ = saved_session(store, role="guest")
        old_id = session.id
        recorder.fail_on["find_one"] = AutoReconnect("down")
        recorder.calls.clear()
        headers: list[tuple[str, str]] = []
        with pytest.raises(AutoReconnect):
            store.regenerate(cookie_request(), HeaderList(headers), session)
        assert recorder.calls == ["find_one"]
        assert session.id == old_id
        assert set_cookie_headers(headers) == []


class TestHostileInput:
    # No deadline: over a real connection an example is a network round trip, and a
    # loaded machine must not turn speed into a failure.
    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(cookie=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
    def test_any_cookie_gives_a_new_session_never_an_exception(
        self, store: MongoStore, cookie: str
    ) -> None:
        session = store.new(cookie_request(NAME, cookie), NAME)
        assert (session.is_new, session.id, session.values) == (True, "", {})
        assert session.load_error is None or session.load_error.is_decode()

    # No deadline: over a real connection an example is a network round trip, and a
    # loaded machine must not turn speed into a failure.
    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def test_a_tampered_cookie_never_loads_a_session(self, store: MongoStore, data: Any) -> None:
        if store.collection.inner.count_documents({}) == 0:
            saved_session(store, secret="s")
        document = store.collection.inner.find_one({})
        assert document is not None
        cookie = securecookie.encode_multi(NAME, str(document["_id"]), codec())
        index = data.draw(st.integers(0, len(cookie) - 1))
        replacement = data.draw(
            st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
        )
        tampered = cookie[:index] + replacement + cookie[index + 1 :]
        if tampered == cookie:
            return
        session = store.new(cookie_request(NAME, tampered), NAME)
        assert session.load_error is not None
        assert session.load_error.is_decode()
        assert (session.is_new, session.id, session.values) == (True, "", {})

    @settings(
        max_examples=100,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        data=st.one_of(
            st.text(max_size=200),
            st.binary(max_size=50),
            st.integers(-(2**63), 2**63 - 1),
            st.none(),
        )
    )
    def test_any_undecodable_document_data_gives_a_new_session_with_its_load_error(
        self, store: MongoStore, data: object
    ) -> None:
        object_id = ObjectId()
        store.collection.inner.insert_one(
            {"_id": object_id, "data": data, "expires": int(store.now()) + 60}
        )
        cookie = securecookie.encode_multi(NAME, str(object_id), codec())
        session = store.new(cookie_request(NAME, cookie), NAME)
        assert session.load_error is not None
        assert session.load_error.is_decode()
        assert (session.is_new, session.id, session.values) == (True, "", {})
