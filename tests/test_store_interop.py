"""MongoStore and the Go store share one collection: Go's documents load here, ours load in Go.

Go side, from the vectors (made by the real gorilla code): a cookie holding the
gob string ID ``5ed0e4be448c4dd1274c31e3`` (``gob-*-sid``) and a ``data`` field
from the Values vector with the same keys (``gob-*-session_values``), in a
document shaped as Go's ``MongoStore.save`` writes it. Our side: a saved
document and cookie decoded by the real Go ``securecookie`` (``go_decode``).
"""

from __future__ import annotations

import hashlib
from typing import Any, TypeVar

import pytest
from bson import BSON, ObjectId
from bson.int64 import Int64

from mongostore.http import HeaderList
from mongostore.store import MongoStore
from mongostore.store_base import MongoStoreBase
from tests.support import vectors
from tests.support.golang import GoCall
from tests.support.mongo import FakeClock, cookie_request, parse_set_cookie

S = TypeVar("S", bound=MongoStoreBase)

GO_TEST_ID = "5ed0e4be448c4dd1274c31e3"
CONFIGS = [
    "gob-sha256-hashonly",
    "gob-sha256-aes128",
    "gob-sha256-aes192",
    "gob-sha256-aes256",
    "gob-sha512-hashonly",
    "gob-sha512-aes256",
]


def vector(vector_id: str) -> dict[str, Any]:
    (found,) = [v for v in vectors.vectors() if v["id"] == vector_id]
    return found


def store_for(database: Any, vec: dict[str, Any], kind: type[S] = MongoStore) -> S:  # type: ignore[assignment]
    """A ``kind`` store with the vector's keys and hash; age checks off (old cookies)."""
    store = kind(database, vectors.key(vec["hash_key_hex"]), vectors.key(vec["block_key_hex"]))
    store.now = FakeClock()
    for codec in store.codecs:
        if vec["hash"] == "sha512":
            codec.hash_func(hashlib.sha512)  # type: ignore[attr-defined]
        codec.max_age(0)  # type: ignore[attr-defined]
    return store


def insert_go_document(store: MongoStore, session_id: str, data: str) -> None:
    """A document exactly as Go's save writes it: no expires_at, int64 expires."""
    store.collection.insert_one(
        {"_id": ObjectId(session_id), "data": data, "expires": Int64(int(store.now()) + 3600)}
    )


@pytest.mark.parametrize("config", CONFIGS)
def test_a_go_cookie_and_go_document_load_the_go_values(mongo_database: Any, config: str) -> None:
    sid = vector(f"public/encode_decode/{config}-sid")
    values = vector(f"public/encode_decode/{config}-session_values")
    assert sid["hash_key_hex"] == values["hash_key_hex"]
    assert sid["expect"]["value"]["value"] == GO_TEST_ID
    store = store_for(mongo_database, sid)
    insert_go_document(store, GO_TEST_ID, values["encoded"])
    session = store.new(cookie_request(sid["name"], sid["encoded"]), sid["name"])
    assert session.id == GO_TEST_ID
    assert not session.is_new
    assert vectors.values_equal(session.values, vectors.typed_to_python(values["expect"]["value"]))


def test_a_go_cookie_whose_mac_contains_a_pipe_loads(mongo_database: Any) -> None:
    sid = vector("public/encode_decode/gob-sha256-aes256-sid-mac_with_pipe")
    values = vector("public/encode_decode/gob-sha256-aes256-small_values")
    store = store_for(mongo_database, sid)
    insert_go_document(store, GO_TEST_ID, values["encoded"])
    session = store.new(cookie_request(sid["name"], sid["encoded"]), sid["name"])
    assert session.values == vectors.typed_to_python(values["expect"]["value"])


def test_a_go_session_saved_here_keeps_the_go_field_types(mongo_database: Any) -> None:
    sid = vector("public/encode_decode/gob-sha256-hashonly-sid")
    values = vector("public/encode_decode/gob-sha256-hashonly-small_values")
    store = store_for(mongo_database, sid)
    insert_go_document(store, GO_TEST_ID, values["encoded"])
    session = store.new(cookie_request(sid["name"], sid["encoded"]), sid["name"])
    session.values["user"] = "alice"
    store.save(cookie_request(), HeaderList([]), session)
    raw = store.collection.find_one({"_id": ObjectId(GO_TEST_ID)})
    assert raw is not None
    encoded = BSON.encode(raw)
    decoded = BSON(encoded).decode()
    assert isinstance(decoded["_id"], ObjectId)
    assert isinstance(decoded["data"], str)
    assert type(raw["expires"]) is Int64  # Go's sessionData.Expires is int64
    assert decoded["user"] == "alice"


@pytest.mark.go
def test_our_cookie_and_document_decode_in_real_go(mongo_database: Any, go_decode: GoCall) -> None:
    keys = vector("public/encode_decode/gob-sha256-aes256-sid")
    store = store_for(mongo_database, keys)
    session = store.new(cookie_request(), "session")
    session.values.update({"user": "alice", "n": 3, "list": ["a", 1, 2.5, False]})
    headers: list[tuple[str, str]] = []
    store.save(cookie_request(), HeaderList(headers), session)
    _, cookie, _ = parse_set_cookie(headers[0][1])
    document = store.collection.find_one({"_id": ObjectId(session.id)})
    assert document is not None
    assert_go_reads(go_decode, keys, cookie, document, session)


def assert_go_reads(
    go_decode: GoCall, keys: dict[str, Any], cookie: str, document: Any, session: Any
) -> None:
    """Real Go decodes ``cookie`` to the session's ID and the document's data to its values."""
    codec_fields = {
        "name": "session",
        "hash": "sha256",
        "hash_key_hex": keys["hash_key_hex"],
        "block_key_hex": keys["block_key_hex"],
        "serializer": "gob",
        "max_age": 0,
    }
    cookie_result, data_result = go_decode(
        [
            {**codec_fields, "dst": "string", "encoded": cookie},
            {**codec_fields, "dst": "session_values", "encoded": document["data"]},
        ]
    )
    assert cookie_result["ok"], cookie_result
    assert vectors.typed_to_python(cookie_result["value"]) == session.id
    assert data_result["ok"], data_result
    assert vectors.values_equal(vectors.typed_to_python(data_result["value"]), session.values)
