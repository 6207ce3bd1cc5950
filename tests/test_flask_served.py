"""One Flask app on MongoStore served for real on loopback, driven over HTTP like a browser.

werkzeug's ``make_server`` runs the app in a thread; ``http.client`` sends the
requests with exactly the Cookie header the test chooses, so stale, replayed
and tampered cookies travel the same way a browser's would.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from mongostore.store import MongoStore
from tests.support.mongo import FakeClock, parse_set_cookie
from tests.test_flask import BLOCK_KEY, HASH_KEY, LIFETIME, make_app


class Browser:
    """Sends requests to the server, keeping the session cookie as a browser would."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie: str | None = None

    def get(self, path: str, *, cookie: str | None = None) -> tuple[int, str, list[str]]:
        """(status, body, Set-Cookie headers); the cookie jar follows the Set-Cookie."""
        sent = self.cookie if cookie is None else cookie
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Cookie": f"session={sent}"} if sent else {})
            response = connection.getresponse()
            body = response.read().decode()
            set_cookies = response.headers.get_all("Set-Cookie") or []
        finally:
            connection.close()
        for header in set_cookies:
            _, value, attributes = parse_set_cookie(header)
            self.cookie = None if attributes.get("Max-Age") == "0" else value
        return response.status, body, set_cookies


@pytest.fixture
def served(mongo_database: Any) -> Iterator[tuple[Browser, MongoStore, FakeClock]]:
    store = MongoStore(mongo_database, HASH_KEY, BLOCK_KEY)
    clock = FakeClock()
    store.now = clock
    server: BaseWSGIServer = make_server("127.0.0.1", 0, make_app(store))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Browser(server.port), store, clock
    finally:
        server.shutdown()
        thread.join(timeout=30)
        server.server_close()


def test_a_served_app_keeps_a_login_across_requests_and_refuses_bad_cookies(
    served: tuple[Browser, MongoStore, FakeClock],
) -> None:
    browser, _, clock = served
    assert browser.get("/count")[1] == "visits: 1 new: True"
    assert browser.get("/count")[1] == "visits: 2 new: False"
    before_login = browser.cookie
    assert before_login is not None

    status, body, set_cookies = browser.get("/login/alice")
    assert (status, body, len(set_cookies)) == (200, "logged in", 1)
    assert browser.get("/whoami")[1] == "alice"
    # The pre-login cookie (a fixation attempt) is dead server-side.
    assert browser.get("/whoami", cookie=before_login)[1] == "None"

    # A tampered cookie: a fresh session, no error page, and nothing written.
    logged_in = browser.cookie
    assert logged_in is not None
    tampered = logged_in[:10] + ("A" if logged_in[10] != "A" else "B") + logged_in[11:]
    assert browser.get("/read", cookie=tampered)[:3] == (200, "visits: None new: True", [])
    assert browser.get("/whoami")[1] == "alice"

    # Past PERMANENT_SESSION_LIFETIME since the last write, the document is expired.
    clock.advance(LIFETIME)
    assert browser.get("/whoami")[1] == "None"
    assert browser.get("/read")[1] == "visits: None new: True"


def test_a_served_logout_deletes_the_document_and_the_cookie(
    served: tuple[Browser, MongoStore, FakeClock],
) -> None:
    browser, store, _ = served
    browser.get("/login/bob")
    assert store.get_active_sessions_count() == 1
    status, _, set_cookies = browser.get("/logout")
    assert status == 200
    (header,) = set_cookies
    assert parse_set_cookie(header)[2]["Max-Age"] == "0"
    assert browser.cookie is None
    assert store.get_active_sessions_count() == 0
