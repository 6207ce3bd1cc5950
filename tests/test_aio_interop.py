"""AsyncMongoStore and the Go store share one collection, as MongoStore does.

Go's cookie and document (from the vectors the real gorilla code made) load
in AsyncMongoStore; a session AsyncMongoStore saved decodes in real Go.
"""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId
from bson.int64 import Int64

from mongostore.aio import AsyncMongoStore
from mongostore.http import HeaderList
from tests.support import vectors
from tests.support.aio import scope_with_cookie
from tests.support.golang import GoCall
from tests.support.mongo import parse_set_cookie
from tests.test_store_interop import GO_TEST_ID, assert_go_reads, store_for, vector

pytestmark = pytest.mark.anyio


async def test_a_go_cookie_and_go_document_load_in_asyncmongostore(async_database: Any) -> None:
    sid = vector("public/encode_decode/gob-sha256-aes256-sid")
    values = vector("public/encode_decode/gob-sha256-aes256-session_values")
    store = store_for(async_database, sid, AsyncMongoStore)
    await store.collection.insert_one(
        {"_id": ObjectId(GO_TEST_ID), "data": values["encoded"], "expires": Int64(2**40)}
    )
    session = await store.new(scope_with_cookie(f"{sid['name']}={sid['encoded']}"), sid["name"])
    assert session.id == GO_TEST_ID
    assert vectors.values_equal(session.values, vectors.typed_to_python(values["expect"]["value"]))


@pytest.mark.go
async def test_a_session_saved_by_asyncmongostore_decodes_in_real_go(
    async_database: Any, go_decode: GoCall
) -> None:
    keys = vector("public/encode_decode/gob-sha256-aes256-sid")
    store = store_for(async_database, keys, AsyncMongoStore)
    session = await store.new(scope_with_cookie(), "session")
    session.values.update({"user": "alice", "n": 3, "list": ["a", 1, 2.5, False]})
    headers: list[tuple[str, str]] = []
    await store.save(scope_with_cookie(), HeaderList(headers), session)
    _, cookie, _ = parse_set_cookie(headers[0][1])
    document = await store.collection.find_one({"_id": ObjectId(session.id)})
    assert_go_reads(go_decode, keys, cookie, document, session)
