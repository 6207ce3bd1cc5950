"""mongostore.flask: ``flask.session`` on a MongoStore, driven with Flask's test client.

The app under test has one view per behaviour; every check looks at what the
browser gets (status, Set-Cookie, Vary) and what the collection holds.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
from typing import Any

import pytest
from bson import ObjectId
from flask import Flask, flash, get_flashed_messages, session
from flask.testing import FlaskClient
from markupsafe import Markup
from pymongo.errors import AutoReconnect

from mongostore.flask import MongoSession, NotAMongoSessionError, init_app, regenerate
from mongostore.flask.values import ESCAPE_MARKER, MARKUP_MARKER
from mongostore.http import HeaderList
from mongostore.lifetimes import DEFAULT_TOUCH_AFTER
from mongostore.store import MongoStore
from tests.support.mongo import (
    FakeClock,
    RecordingCollection,
    cookie_request,
    parse_set_cookie,
)

HASH_KEY = b"flask-test-hash-key-of-32-bytes!"
BLOCK_KEY = b"flask-test-block-key-32-bytes!!!"
LIFETIME = 3600
WRITES = ("insert_one", "update_one", "delete_one")


def make_app(store: MongoStore, **config: Any) -> Flask:
    app = Flask(__name__)
    app.config.update({"PERMANENT_SESSION_LIFETIME": LIFETIME, **config})
    init_app(app, store)

    @app.get("/count")
    def count() -> str:
        session["visits"] = session.get("visits", 0) + 1
        return f"visits: {session['visits']} new: {session.new}"

    @app.get("/read")
    def read() -> str:
        return f"visits: {session.get('visits')} new: {session.new}"

    @app.get("/plain")
    def plain() -> str:
        return "no session here"

    @app.get("/permanent")
    def permanent() -> str:
        session.permanent = True
        session["visits"] = 1
        return "permanent"

    @app.get("/login/<user>")
    def login(user: str) -> str:
        regenerate()
        session["user"] = user
        return "logged in"

    @app.get("/logout")
    def logout() -> str:
        session.clear()
        return "logged out"

    @app.get("/touch-and-clear")
    def touch_and_clear() -> str:
        session["x"] = 1
        session.pop("x")
        return "nothing left"

    @app.get("/flash")
    def flash_view() -> str:
        flash(Markup("<b>saved</b>"), "success")
        flash("plain <i>text</i>")
        return "flashed"

    @app.get("/flashes")
    def flashes() -> str:
        return repr(get_flashed_messages(with_categories=True))

    @app.get("/whoami")
    def whoami() -> str:
        return str(session.get("user"))

    return app


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(mongo_database: Any, clock: FakeClock) -> MongoStore:
    store = MongoStore(mongo_database, HASH_KEY, BLOCK_KEY)
    store.now = clock
    return store


@pytest.fixture
def app(store: MongoStore) -> Flask:
    return make_app(store)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def set_cookies(response: Any) -> list[str]:
    return list(response.headers.getlist("Set-Cookie"))


def session_cookie(response: Any) -> tuple[str, dict[str, str]]:
    (header,) = set_cookies(response)
    name, value, attributes = parse_set_cookie(header)
    assert name == "session"
    return value, attributes


def only_document(store: MongoStore) -> dict[str, Any]:
    (document,) = list(store.collection.find({}))
    return document


# -- the session behaves as Flask's own ------------------------------------------------


def test_a_counter_survives_requests_and_the_session_is_new_only_at_first(
    client: FlaskClient,
) -> None:
    assert client.get("/count").text == "visits: 1 new: True"
    assert client.get("/count").text == "visits: 2 new: False"
    assert client.get("/read").text == "visits: 2 new: False"


def test_flask_session_is_a_mongo_session_with_flasks_attributes(app: Flask) -> None:
    with app.test_request_context("/"):
        assert isinstance(session._get_current_object(), MongoSession)  # type: ignore[attr-defined]
        assert session.new
        assert not session.modified
        assert not session.permanent
        session["a"] = 1
        assert session.modified
        assert session.accessed


def test_flashed_markup_comes_back_as_markup_and_plain_text_as_str(client: FlaskClient) -> None:
    client.get("/flash")
    shown = client.get("/flashes").text
    assert shown == repr([("success", Markup("<b>saved</b>")), ("message", "plain <i>text</i>")])
    assert client.get("/flashes").text == "[]"  # read once


def test_markup_is_stored_as_a_tagged_list_go_can_decode(store: MongoStore, app: Flask) -> None:
    with app.test_request_context("/"):
        flash(Markup("<b>x</b>"))
        response = app.make_response("ok")
        app.session_interface.save_session(app, session, response)
    document = only_document(store)
    values = store.codecs[0].decode("session", document["data"])
    assert values == {"_flashes": [["message", [MARKUP_MARKER, "<b>x</b>"]]]}


@pytest.mark.parametrize(
    "value",
    [
        [MARKUP_MARKER, "<b>not markup</b>"],
        [ESCAPE_MARKER, "x"],
        {"nested": [MARKUP_MARKER, "y"]},
        (MARKUP_MARKER, "z"),
    ],
    ids=["marker-list", "escape-list", "nested", "tuple"],
)
def test_a_users_list_that_looks_like_a_tag_stays_data(app: Flask, value: Any) -> None:
    client = app.test_client()

    @app.get("/put")
    def put() -> str:
        session["v"] = value
        return "ok"

    @app.get("/get")
    def get() -> str:
        loaded = session["v"]
        return repr((type(loaded).__name__, loaded))

    client.get("/put")
    expected = list(value) if isinstance(value, tuple) else value
    assert client.get("/get").text == repr((type(expected).__name__, expected))


# -- the document and cookie are the store's (Go's layout) ---------------------------


def test_a_flask_session_is_read_by_the_store(client: FlaskClient, store: MongoStore) -> None:
    client.get("/login/alice")
    response = client.get("/count")
    document = only_document(store)
    assert document["user"] == "alice"
    cookie, _ = session_cookie(response)
    loaded = store.new(cookie_request("session", cookie), "session")
    assert loaded.id == str(document["_id"])
    assert loaded.values == {"user": "alice", "visits": 1}
    assert all(type(key) is str for key in loaded.values)


def test_a_store_session_is_read_by_flask(store: MongoStore, app: Flask) -> None:
    written = store.new(cookie_request(), "session")
    written.values["user"] = "bob"
    headers: list[tuple[str, str]] = []
    store.save(cookie_request(), HeaderList(headers), written)
    _, cookie, _ = parse_set_cookie(headers[0][1])
    client = app.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/whoami").text == "bob"


# -- Flask's configuration -------------------------------------------------------------


def test_cookie_attributes_follow_flask_config(store: MongoStore) -> None:
    app = make_app(
        store,
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/app",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="strict",
        SESSION_COOKIE_PARTITIONED=True,
    )
    response = app.test_client().get("/count")
    (header,) = set_cookies(response)
    name, _, attributes = parse_set_cookie(header)
    assert name == "sid"
    assert attributes == {
        "Path": "/app",
        "Domain": "example.com",
        "Secure": "",
        "SameSite": "Strict",
        "Partitioned": "",
    }


def test_a_non_permanent_session_gets_no_expires_but_its_document_expires(
    client: FlaskClient, store: MongoStore, clock: FakeClock
) -> None:
    _, attributes = session_cookie(client.get("/count"))
    assert "Expires" not in attributes
    assert "Max-Age" not in attributes
    assert only_document(store)["expires"] == int(clock()) + LIFETIME
    clock.advance(LIFETIME)
    assert client.get("/read").text == "visits: None new: True"


def test_a_permanent_session_cookie_expires_with_its_document(
    client: FlaskClient, store: MongoStore, clock: FakeClock
) -> None:
    _, attributes = session_cookie(client.get("/permanent"))
    expires = int(clock()) + LIFETIME
    assert attributes["Max-Age"] == str(LIFETIME)
    assert attributes["Expires"] == dt.datetime.fromtimestamp(expires, dt.UTC).strftime(
        "%a, %d %b %Y %H:%M:%S GMT"
    )
    assert only_document(store)["expires"] == expires


def test_init_app_accepts_the_cookie_as_long_as_the_lifetime_past_the_store_default(
    store: MongoStore, clock: FakeClock
) -> None:
    days = 86400
    for codec in store.codecs:
        codec.clock = clock  # type: ignore[attr-defined]  # the cookie's timestamp, too
    app = make_app(store, PERMANENT_SESSION_LIFETIME=40 * days)  # the store's default is 30
    client = app.test_client()
    client.get("/permanent")
    clock.advance(35 * days)
    assert client.get("/read").text == "visits: 1 new: False"  # refreshed here, too
    clock.advance(40 * days)
    assert client.get("/read").text == "visits: None new: True"


# -- writes only when needed -----------------------------------------------------------


def recording_app(
    mongo_database: Any, clock: FakeClock, **config: Any
) -> tuple[FlaskClient, RecordingCollection, MongoStore]:
    collection = RecordingCollection(mongo_database["session"])
    store = MongoStore(collection, HASH_KEY, BLOCK_KEY)
    store.now = clock
    return make_app(store, **config).test_client(), collection, store


def writes(collection: RecordingCollection) -> list[str]:
    return [call for call in collection.calls if call in WRITES]


def test_an_unmodified_session_is_neither_rewritten_nor_sent_again(
    mongo_database: Any, clock: FakeClock
) -> None:
    client, collection, _ = recording_app(mongo_database, clock)
    client.get("/count")
    collection.calls.clear()
    response = client.get("/read")
    assert writes(collection) == []
    assert set_cookies(response) == []
    assert response.headers["Vary"] == "Cookie"


def test_a_permanent_session_is_refreshed_by_a_touch_once_touch_after_passed(
    mongo_database: Any, clock: FakeClock
) -> None:
    # Flask says refresh each request; the store's implicit-save rule (issue 15)
    # turns that into a touch at most every touch_after seconds.
    client, collection, _ = recording_app(mongo_database, clock)
    client.get("/permanent")
    (before,) = list(collection.inner.find({}))
    collection.calls.clear()
    clock.advance(DEFAULT_TOUCH_AFTER)
    assert set_cookies(client.get("/read")) == []
    assert writes(collection) == []
    clock.advance(1)
    response = client.get("/read")
    assert writes(collection) == ["update_one"]
    _, attributes = session_cookie(response)
    assert attributes["Max-Age"] == str(LIFETIME)
    (document,) = list(collection.inner.find({}))
    assert document["expires"] == int(clock()) + LIFETIME
    assert document["data"] == before["data"]  # a touch never rewrites the values


def test_no_refresh_when_session_refresh_each_request_is_off(
    mongo_database: Any, clock: FakeClock
) -> None:
    client, collection, _ = recording_app(mongo_database, clock, SESSION_REFRESH_EACH_REQUEST=False)
    client.get("/permanent")
    collection.calls.clear()
    assert set_cookies(client.get("/read")) == []
    assert writes(collection) == []


def test_an_emptied_session_deletes_its_document_and_its_cookie(
    client: FlaskClient, store: MongoStore
) -> None:
    client.get("/count")
    response = client.get("/logout")
    assert list(store.collection.find({})) == []
    _, attributes = session_cookie(response)
    assert attributes["Max-Age"] == "0"
    assert response.headers["Vary"] == "Cookie"
    assert client.get("/read").text == "visits: None new: True"


def test_a_new_session_left_empty_stores_nothing_and_sends_no_cookie(
    mongo_database: Any, clock: FakeClock
) -> None:
    client, collection, _ = recording_app(mongo_database, clock)
    for path in ("/read", "/touch-and-clear", "/logout"):
        response = client.get(path)
        assert set_cookies(response) == [], path
    assert writes(collection) == []


def test_vary_cookie_only_when_the_session_was_accessed(client: FlaskClient) -> None:
    assert "Vary" not in client.get("/plain").headers
    assert client.get("/read").headers["Vary"] == "Cookie"


# -- regenerate -------------------------------------------------------------------------


def test_regenerate_moves_the_session_to_a_fresh_id_and_kills_the_old_one(
    client: FlaskClient, store: MongoStore, app: Flask
) -> None:
    old_cookie, _ = session_cookie(client.get("/count"))
    old_id = str(only_document(store)["_id"])
    new_cookie, _ = session_cookie(client.get("/login/alice"))
    document = only_document(store)
    assert str(document["_id"]) != old_id
    assert new_cookie != old_cookie
    assert client.get("/read").text == "visits: 1 new: False"  # values kept
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/whoami").text == "None"
    assert store.collection.find_one({"_id": ObjectId(old_id)}) is None


def test_regenerate_outside_a_mongo_session_is_a_typed_error() -> None:
    app = Flask(__name__)
    app.secret_key = "x"
    with app.test_request_context("/"), pytest.raises(NotAMongoSessionError):
        regenerate()


# -- bad cookies and database errors --------------------------------------------------


def test_a_tampered_cookie_gives_a_fresh_session_logged_at_debug(
    client: FlaskClient, app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    cookie, _ = session_cookie(client.get("/count"))
    tampered = app.test_client()
    tampered.set_cookie("session", cookie[:-4] + ("AAAA" if cookie[-4:] != "AAAA" else "BBBB"))
    with caplog.at_level(logging.DEBUG, logger="mongostore.store"):
        response = tampered.get("/read")
    assert response.status_code == 200
    assert response.text == "visits: None new: True"
    assert "starts afresh" in caplog.text
    with app.test_request_context("/", headers={"Cookie": "session=garbage"}):
        assert session.stored.load_error is not None  # type: ignore[attr-defined]


def test_a_cookie_signed_with_other_keys_gives_a_fresh_session(
    client: FlaskClient, mongo_database: Any
) -> None:
    foreign = MongoStore(mongo_database, b"another-hash-key-of-32-bytes!!!!")
    app = make_app(foreign)
    cookie, _ = session_cookie(app.test_client().get("/count"))
    client.set_cookie("session", cookie)
    assert client.get("/count").text == "visits: 1 new: True"


def test_a_database_error_while_saving_is_a_500_without_set_cookie(
    mongo_database: Any, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    client, collection, _ = recording_app(mongo_database, clock)
    collection.fail_on["insert_one"] = AutoReconnect("database down")
    response = client.get("/count")
    assert response.status_code == 500
    assert set_cookies(response) == []
    assert writes(collection) == ["insert_one"]  # the error page does not try again
    assert [r.levelno >= logging.ERROR for r in caplog.records].count(True) == 1


def test_a_database_error_while_loading_is_a_500_without_set_cookie(
    mongo_database: Any, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    client, collection, _ = recording_app(mongo_database, clock)
    client.get("/count")
    collection.fail_on["find_one"] = AutoReconnect("database down")
    response = client.get("/count")
    assert response.status_code == 500
    assert set_cookies(response) == []
    # One logged error (the database's), not a second one from saving no session.
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert isinstance(errors[0].exc_info[1], AutoReconnect)  # type: ignore[index]


def test_a_session_logged_out_elsewhere_during_the_request_is_not_resurrected(
    client: FlaskClient, store: MongoStore, app: Flask
) -> None:
    @app.get("/logged-out-meanwhile")
    def logged_out_meanwhile() -> str:
        store.expire_sessions_by_user_ids([session["user"]])  # another service logs out
        session["visits"] = 99
        return "changed"

    client.get("/login/alice")
    response = client.get("/logged-out-meanwhile")
    assert response.status_code == 200
    assert list(store.collection.find({})) == []
    _, attributes = session_cookie(response)
    assert attributes["Max-Age"] == "0"


def test_a_sign_in_on_a_session_revoked_during_the_request_brings_nothing_back(
    client: FlaskClient, store: MongoStore, app: Flask
) -> None:
    @app.get("/revoked-then-sign-in")
    def revoked_then_sign_in() -> str:
        store.expire_sessions_by_user_ids([session["user"]])
        regenerate()
        session["user"] = "mallory"
        return "signed in"

    client.get("/login/alice")
    response = client.get("/revoked-then-sign-in")
    assert response.status_code == 200
    assert list(store.collection.find({})) == []
    _, attributes = session_cookie(response)
    assert attributes["Max-Age"] == "0"


def test_importing_mongostore_does_not_import_flask() -> None:
    code = "import sys, mongostore, mongostore.store; print('flask' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_value_changed_in_place_is_written_by_the_refresh(
    mongo_database: Any, clock: FakeClock
) -> None:
    # Flask misses a mutation inside a value (modified stays False); the
    # refresh of a permanent session goes through autosave, whose fingerprint sees it.
    client, collection, store = recording_app(mongo_database, clock)
    app = client.application

    @app.route("/append")
    def append() -> str:
        session.setdefault("items", [])
        session.modified = False  # as if "items" had been there all along
        session["items"].append(1)
        session.modified = False
        return "ok"

    @app.route("/items")
    def items() -> str:
        return str(session["items"])

    del store
    client.get("/permanent")
    client.get("/append")
    collection.calls.clear()
    client.get("/append")  # within touch_after: only the changed values can cause a write
    assert writes(collection) == ["update_one"]
    assert client.get("/items").get_data(as_text=True) == "[1, 1]"
