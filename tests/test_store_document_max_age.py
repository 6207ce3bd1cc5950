"""MongoStore.save / regenerate with ``document_max_age``: a document outliving its cookie.

Go's rule (both follow ``options.max_age``; <= 0 deletes) holds when it is
None; otherwise the document lives ``document_max_age`` while the cookie keeps
its own max age, e.g. a browser-session cookie (max age 0, no Expires).
"""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId

from mongostore.http import HeaderList
from mongostore.sessions.errors import InvalidOptionsError
from mongostore.store import MongoStore
from tests.support.mongo import FakeClock, cookie_request, parse_set_cookie


@pytest.fixture
def store(mongo_database: Any) -> MongoStore:
    store = MongoStore(mongo_database, b"document-max-age-test-hash-key!!")
    store.now = FakeClock()
    return store


def save(store: MongoStore, session: Any, **kwargs: Any) -> dict[str, str]:
    headers: list[tuple[str, str]] = []
    store.save(cookie_request(), HeaderList(headers), session, **kwargs)
    (header,) = [value for _, value in headers]
    return parse_set_cookie(header)[2]


def test_a_browser_session_cookie_with_a_document_that_expires(store: MongoStore) -> None:
    session = store.new(cookie_request(), "s")
    session.values["a"] = 1
    session.options.max_age = 0
    attributes = save(store, session, document_max_age=600)
    assert "Expires" not in attributes
    assert "Max-Age" not in attributes
    document = store.collection.find_one({"_id": ObjectId(session.id)})
    assert document is not None
    assert document["expires"] == int(store.now()) + 600


def test_without_it_max_age_zero_still_deletes_as_in_go(store: MongoStore) -> None:
    session = store.new(cookie_request(), "s")
    save(store, session)
    session.options.max_age = 0
    save(store, session)
    assert store.collection.count_documents({}) == 0


def test_a_negative_cookie_max_age_deletes_whatever_the_document_max_age(
    store: MongoStore,
) -> None:
    session = store.new(cookie_request(), "s")
    save(store, session)
    session.options.max_age = -1
    assert save(store, session, document_max_age=600)["Max-Age"] == "0"
    assert store.collection.count_documents({}) == 0


def test_regenerate_keeps_the_document_max_age(store: MongoStore) -> None:
    session = store.new(cookie_request(), "s")
    save(store, session)
    old_id = session.id
    session.options.max_age = 0
    store.regenerate(cookie_request(), HeaderList([]), session, document_max_age=900)
    assert session.id != old_id
    (document,) = list(store.collection.find({}))
    assert str(document["_id"]) == session.id
    assert document["expires"] == int(store.now()) + 900


def test_a_document_max_age_that_is_not_an_int_is_refused(store: MongoStore) -> None:
    session = store.new(cookie_request(), "s")
    with pytest.raises(InvalidOptionsError):
        save(store, session, document_max_age=1.5)


@pytest.mark.anyio
async def test_the_async_store_takes_the_same_document_max_age(async_database: Any) -> None:
    from mongostore.aio import AsyncMongoStore
    from tests.support.aio import scope_with_cookie

    store = AsyncMongoStore(async_database["session"], b"document-max-age-test-hash-key!!")
    store.now = FakeClock()
    session = await store.new(scope_with_cookie(), "s")
    session.options.max_age = 0
    headers: list[tuple[str, str]] = []
    await store.save(scope_with_cookie(), HeaderList(headers), session, document_max_age=600)
    (header,) = [value for _, value in headers]
    assert "Expires" not in parse_set_cookie(header)[2]
    document = await store.collection.find_one({"_id": ObjectId(session.id)})
    assert document is not None
    assert document["expires"] == int(store.now()) + 600
    old_id = session.id
    await store.regenerate(scope_with_cookie(), HeaderList([]), session, document_max_age=900)
    assert session.id != old_id
    assert await store.collection.count_documents({}) == 1
