"""A login written by Flask reads in real Go, and a Go-written session reads in Flask.

Go's side is the interop program (``go_decode`` / ``go_encode``): it decodes our
cookie into a ``string`` and our document's ``data`` into the
``map[interface{}]interface{}`` a Go MongoStore loads, and encodes Values the
way a Go service saves them.
"""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId
from bson.int64 import Int64
from flask import Flask, flash, get_flashed_messages, session
from markupsafe import Markup

from mongostore.store import MongoStore
from tests.support import vectors
from tests.support.golang import GoCall
from tests.support.mongo import FakeClock, parse_set_cookie
from tests.test_flask import BLOCK_KEY, HASH_KEY, make_app

pytestmark = pytest.mark.go

CODEC = {
    "name": "session",
    "hash": "sha256",
    "hash_key_hex": HASH_KEY.hex(),
    "block_key_hex": BLOCK_KEY.hex(),
    "serializer": "gob",
    "max_age": 0,
}


def string(value: str) -> dict[str, Any]:
    return {"type": "string", "value": value}


def slice_of(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "[]interface {}", "value": list(items)}


@pytest.fixture
def store(mongo_database: Any) -> MongoStore:
    store = MongoStore(mongo_database, HASH_KEY, BLOCK_KEY)
    store.now = FakeClock()
    return store


def flask_app(store: MongoStore) -> Flask:
    app = make_app(store)

    @app.get("/sign-in")
    def sign_in() -> str:
        session["user"] = "alice"
        session["provider"] = "google"
        flash(Markup("<b>hello</b>"), "info")
        return "ok"

    @app.get("/inbox")
    def inbox() -> str:
        return repr((session.get("user"), get_flashed_messages(with_categories=True)))

    return app


def test_a_flask_login_decodes_in_go_with_markup_as_a_tagged_slice(
    store: MongoStore, go_decode: GoCall
) -> None:
    response = flask_app(store).test_client().get("/sign-in")
    _, cookie, _ = parse_set_cookie(response.headers["Set-Cookie"])
    (document,) = list(store.collection.find({}))
    cookie_result, data_result = go_decode(
        [
            {**CODEC, "dst": "string", "encoded": cookie},
            {**CODEC, "dst": "session_values", "encoded": document["data"]},
        ]
    )
    assert cookie_result["ok"], cookie_result
    assert vectors.typed_to_python(cookie_result["value"]) == str(document["_id"])
    assert data_result["ok"], data_result
    assert vectors.typed_to_python(data_result["value"]) == {
        "user": "alice",
        "provider": "google",
        "_flashes": [["info", [" markupsafe.Markup", "<b>hello</b>"]]],
    }


def test_a_go_login_reads_in_flask_and_its_flashes_are_flasks(
    store: MongoStore, go_encode: GoCall
) -> None:
    session_id = str(ObjectId())
    values = {
        "type": "map[interface {}]interface {}",
        "value": [
            {"key": string("user"), "value": string("bob")},
            {
                "key": string("_flashes"),
                "value": slice_of(
                    slice_of(string("info"), slice_of(string(" markupsafe.Markup"), string("<i>")))
                ),
            },
        ],
    }
    cookie_result, data_result = go_encode(
        [{**CODEC, "value": string(session_id)}, {**CODEC, "value": values}]
    )
    assert cookie_result["ok"], cookie_result
    assert data_result["ok"], data_result
    # The document exactly as Go's MongoStore.save writes it (no expires_at).
    store.collection.insert_one(
        {
            "_id": ObjectId(session_id),
            "data": data_result["encoded"],
            "expires": Int64(int(store.now()) + 3600),
        }
    )
    client = flask_app(store).test_client()
    client.set_cookie("session", cookie_result["encoded"])
    assert client.get("/inbox").text == repr(("bob", [("info", Markup("<i>"))]))
