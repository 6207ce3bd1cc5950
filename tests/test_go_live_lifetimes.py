"""Issue 15's fields beside the live Go service: Go ignores them, its saves keep them.

Python writes ``created``, ``last_seen`` and (with ``record_client``) the
client fields; the real Go MongoStore (``tests/go/store``) loads and saves
those documents, and its ``$set`` must leave the extra fields as they were.
Documents Go creates have none of them; Python lists them by estimate and
stores ``created`` at its first touch.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from mongostore import MongoStore
from mongostore.http import HeaderList
from mongostore.sessions import save as save_all
from tests.support.golive import COOKIE_NAME, Browser, GoServiceFactory
from tests.support.web import request_with_cookie
from tests.test_go_live import AES, go_values, py_get, py_login, whoami

pytestmark = pytest.mark.go

LIFETIME_FIELDS = ("created", "last_seen", "user_agent", "client_address")


def lifetime_store(database: Any, **options: Any) -> MongoStore:
    return MongoStore(database, *[key for pair in AES for key in pair], **options)


def implicit_request(store: MongoStore, browser: Browser) -> list[str]:
    """One request through save-all that only reads the session; its Set-Cookie headers."""
    request = request_with_cookie(browser.header())
    store.get(request, COOKIE_NAME)
    headers: list[tuple[str, str]] = []
    save_all(request, HeaderList(headers))
    cookies = [value for key, value in headers if key.lower() == "set-cookie"]
    browser.take(cookies)
    return cookies


def test_go_saves_keep_the_python_lifetime_fields(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    store = lifetime_store(wire_database, record_client=True)
    go, browser = go_service(AES), Browser()
    session = py_login(store, browser, "oscar")
    before = wire_database.session.find_one()
    assert all(field in before for field in LIFETIME_FIELDS)

    assert go.call("/touch?max_age=3600", browser)["error"] == ""  # Go's Save, unchanged values
    after = wire_database.session.find_one()
    assert {f: after[f] for f in LIFETIME_FIELDS} == {f: before[f] for f in LIFETIME_FIELDS}
    assert after["expires"] != before["expires"]  # Go did write
    assert go_values(whoami(go, browser)) == {"user": "oscar"}
    # Python still reads it, and an unchanged read right after Go's save writes nothing.
    assert py_get(store, browser).id == session.id
    assert implicit_request(store, browser) == []


def test_a_go_created_session_is_listed_and_gets_created_at_its_first_python_touch(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    store = lifetime_store(wire_database, touch_after=0)
    # Python's clock 5 s ahead: Go's last save is then more than touch_after (0 s) ago.
    store.now = lambda: time.time() + 5
    go, browser = go_service(AES), Browser()
    go_id = go.call("/login?user=ada", browser)["id"]
    document = wire_database.session.find_one()
    assert "created" not in document

    (info,) = store.list_sessions("ada")
    assert info.id == go_id  # listed by its estimated creation

    assert len(implicit_request(store, browser)) == 1  # touch_after=0: a touch
    touched = wire_database.session.find_one()
    assert touched["data"] == document["data"]  # a touch never rewrites the data
    assert "created" in touched
    assert "last_seen" in touched

    assert go.call("/touch?max_age=3600", browser)["error"] == ""
    assert wire_database.session.find_one()["created"] == touched["created"]
    assert go_values(whoami(go, browser)) == {"user": "ada"}
