"""The demo's issue-15 pages through werkzeug's test client: a user's sessions, revoke,
sign out everywhere else, and the panels showing each request's session and the last response."""

from __future__ import annotations

import re
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from mongostore import MongoStore
from mongostore.demo import SESSION_NAME, create_app
from mongostore.demo.inspect import LAST_RESPONSE_COOKIE, describe_last
from tests.support.mongo import FakeClock

HASH_KEY = bytes(range(32))
BLOCK_KEY = bytes(range(32, 64))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(mongo_database: Any, clock: FakeClock) -> MongoStore:
    store = MongoStore(mongo_database["session"], HASH_KEY, BLOCK_KEY, record_client=True)
    store.now = clock
    return store


class Browser(Client):
    """A test client whose every request carries its own User-Agent and a peer address."""

    def __init__(self, store: MongoStore, agent: str) -> None:
        super().__init__(create_app(store))
        self.agent = agent

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        if not args or isinstance(args[0], str):
            kwargs.setdefault(
                "environ_base", {"HTTP_USER_AGENT": self.agent, "REMOTE_ADDR": "127.0.0.1"}
            )
        return super().open(*args, **kwargs)


def browser(store: MongoStore, agent: str) -> Client:
    return Browser(store, agent)


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def sign_in(client: Client, user: str) -> TestResponse:
    return client.post("/login", data={"user": user}, follow_redirects=True)


def device_ids(page: str) -> list[str]:
    return re.findall(r'<tr class="device" id="device-([0-9a-f]{24})"', page)


def last_action(page: str) -> str:
    match = re.search(r'<strong id="last-action">([^<]*)</strong>', page)
    assert match is not None
    return match.group(1)


def current_id(client: Client, store: MongoStore) -> str:
    import securecookie

    cookie = client.get_cookie(SESSION_NAME)
    assert cookie is not None
    return str(securecookie.decode_multi(SESSION_NAME, cookie.value, *store.codecs))


class TestPanels:
    def test_a_first_visit_shows_no_cookie_and_no_recorded_response(
        self, store: MongoStore
    ) -> None:
        page = text(browser(store, "A").get("/"))
        assert "none (this request carried no session cookie)" in page
        assert "No response recorded yet." in page

    def test_the_next_page_shows_the_cookie_decoded_and_the_document_with_data_decoded(
        self, store: MongoStore
    ) -> None:
        client = browser(store, "A")
        client.get("/")
        page = text(client.get("/"))
        session_id = current_id(client, store)
        assert f"document ID <code>{session_id}</code>" in page
        assert '<li data-field="created">' in page
        assert "decoded: <code>{&#x27;visits&#x27;: 1}</code>" in page
        # The home page counts visits, so its response wrote the document.
        assert last_action(page) == "write"
        assert "Max-Age=2592000; HttpOnly; SameSite=Lax" in page

    def test_a_read_only_page_writes_nothing_then_a_touch_after_touch_after(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        client = browser(store, "A")
        client.get("/")
        client.get("/devices")
        response = client.get("/devices")
        assert last_action(text(response)) == "nothing"
        assert response.headers.getlist("Set-Cookie") == [
            value
            for value in response.headers.getlist("Set-Cookie")
            if value.startswith(f"{LAST_RESPONSE_COOKIE}=")
        ]
        clock.advance(store.touch_after + 1)
        client.get("/devices")
        page = text(client.get("/devices"))
        assert last_action(page) == "touch"

    def test_an_unreadable_last_response_cookie_is_ignored(self) -> None:
        assert describe_last("%%%") is None
        assert describe_last("WzFd") is None  # "[1]": not an object


class TestYourSessions:
    def test_signed_out_visitors_are_asked_to_sign_in(self, store: MongoStore) -> None:
        assert "Sign in on the home page" in text(browser(store, "A").get("/devices"))

    def test_each_browser_of_the_user_is_listed_newest_first(
        self, store: MongoStore, clock: FakeClock
    ) -> None:
        first, second = browser(store, "Browser-One"), browser(store, "Browser-Two")
        sign_in(first, "alice")
        clock.advance(5)
        sign_in(second, "alice")
        sign_in(browser(store, "Other"), "bob")
        page = text(second.get("/devices"))
        assert device_ids(page) == [current_id(second, store), current_id(first, store)]
        assert "Browser-One" in page
        assert "Browser-Two" in page
        assert "Other" not in page
        assert page.count("this device") == 1

    def test_revoke_signs_the_other_browser_out(self, store: MongoStore) -> None:
        first, second = browser(store, "One"), browser(store, "Two")
        sign_in(first, "alice")
        sign_in(second, "alice")
        page = text(
            second.post(
                "/devices/revoke",
                data={"session_id": current_id(first, store)},
                follow_redirects=True,
            )
        )
        assert "Session revoked" in page
        assert device_ids(page) == [current_id(second, store)]
        assert "Not signed in." in text(first.get("/"))

    def test_revoke_never_ends_another_users_session(self, store: MongoStore) -> None:
        alice, mallory = browser(store, "A"), browser(store, "M")
        sign_in(alice, "alice")
        sign_in(mallory, "mallory")
        page = text(
            mallory.post(
                "/devices/revoke",
                data={"session_id": current_id(alice, store)},
                follow_redirects=True,
            )
        )
        assert "No such session of yours" in page
        assert "Signed in as <strong>alice</strong>." in text(alice.get("/"))

    def test_sign_out_everywhere_else_keeps_only_this_browser(self, store: MongoStore) -> None:
        clients = [browser(store, f"B{i}") for i in range(3)]
        for client in clients:
            sign_in(client, "alice")
        anonymous = browser(store, "anon")
        anonymous.get("/")
        anonymous.get("/")
        page = text(clients[0].post("/devices/sign-out-others", follow_redirects=True))
        assert "2 other session(s) ended" in page
        assert device_ids(page) == [current_id(clients[0], store)]
        for client in clients[1:]:
            assert "Not signed in." in text(client.get("/"))
        assert "Visits in this session: 3" in text(anonymous.get("/"))

    def test_the_forms_are_post_only(self, store: MongoStore) -> None:
        client = browser(store, "A")
        assert client.get("/devices/revoke").status_code == 405
        assert client.get("/devices/sign-out-others").status_code == 405
