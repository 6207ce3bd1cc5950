"""The demo app through werkzeug's test client: counter, sign-in, sign-out, flashes, cookies."""

from __future__ import annotations

import re
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from mongostore import MongoStore
from mongostore.demo import SESSION_NAME, create_app

HASH_KEY = bytes(range(32))
BLOCK_KEY = bytes(range(32, 64))


@pytest.fixture
def collection(mongo_database: Any) -> Any:
    """The demo's session collection, on this test's backend."""
    return mongo_database["session"]


@pytest.fixture
def store(collection: Any) -> MongoStore:
    return MongoStore(collection.database, HASH_KEY, BLOCK_KEY)


@pytest.fixture
def client(store: MongoStore) -> Client:
    return Client(create_app(store))


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def session_cookies(response: TestResponse) -> list[str]:
    return [
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith(f"{SESSION_NAME}=")
    ]


def cookie_value(client: Client) -> str | None:
    cookie = client.get_cookie(SESSION_NAME)
    return None if cookie is None else cookie.value


def sign_in(client: Client, user: str) -> TestResponse:
    return client.post("/login", data={"user": user}, follow_redirects=True)


def test_home_counts_visits_within_one_session(client: Client) -> None:
    assert "Visits in this session: 1" in text(client.get("/"))
    assert "Visits in this session: 2" in text(client.get("/"))
    assert "Visits in this session: 3" in text(client.get("/"))


def test_each_browser_gets_its_own_counter(store: MongoStore) -> None:
    first, second = Client(create_app(store)), Client(create_app(store))
    first.get("/")
    first.get("/")
    assert "Visits in this session: 1" in text(second.get("/"))


def test_cookie_is_httponly_and_samesite_lax_but_not_secure_over_http(client: Client) -> None:
    [cookie] = session_cookies(client.get("/"))
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "secure" not in attributes


def test_cookie_is_secure_when_served_over_https(store: MongoStore) -> None:
    https_client = Client(create_app(store))
    response = https_client.get("/", base_url="https://localhost/")
    [cookie] = session_cookies(response)
    assert "secure" in [part.strip().lower() for part in cookie.split(";")]


def test_sign_in_stores_the_user_and_shows_a_flash_once(client: Client) -> None:
    page = text(sign_in(client, "alice"))
    assert "Signed in as <strong>alice</strong>" in page
    assert "Welcome, alice!" in page
    again = text(client.get("/"))
    assert "Signed in as <strong>alice</strong>" in again
    assert "Welcome, alice!" not in again


def test_sign_in_regenerates_the_session_id_and_deletes_the_old_document(
    client: Client, collection: Any
) -> None:
    client.get("/")
    [before] = list(collection.find())
    cookie_before = cookie_value(client)
    sign_in(client, "alice")
    [after] = list(collection.find())
    assert after["_id"] != before["_id"]
    assert after["user"] == "alice"
    assert cookie_value(client) != cookie_before


def session_ref(page: str) -> str:
    match = re.search(r'<p id="session-ref">Session document: ([^<]*)</p>', page)
    assert match is not None, page
    return match.group(1)


def test_the_session_reference_shown_changes_when_sign_in_regenerates_the_id(
    client: Client, collection: Any
) -> None:
    client.get("/")
    before = session_ref(text(client.get("/")))
    after = session_ref(text(sign_in(client, "alice")))
    assert after != before
    [document] = list(collection.find())
    assert str(document["_id"]).endswith(after)


def test_sign_in_keeps_the_visit_counter(client: Client) -> None:
    client.get("/")
    client.get("/")
    assert "Visits in this session: 3" in text(sign_in(client, "alice"))


def test_sign_in_with_an_empty_name_flashes_an_error(client: Client) -> None:
    page = text(sign_in(client, "   "))
    assert "Enter a user name" in page
    assert "Not signed in." in page


def test_user_names_are_html_escaped(client: Client) -> None:
    page = text(sign_in(client, "<script>x</script>"))
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_sign_out_deletes_the_document_and_the_cookie(client: Client, collection: Any) -> None:
    sign_in(client, "alice")
    assert collection.count_documents({}) == 1
    response = client.post("/logout")
    assert response.status_code == 303
    assert response.headers["Location"] == "/signed-out"
    assert collection.count_documents({}) == 0
    [deletion] = session_cookies(response)  # saved once, by the middleware alone
    assert "Max-Age=0" in deletion
    assert "Expires=Thu, 01 Jan 1970" in deletion
    assert cookie_value(client) is None
    signed_out = client.get("/signed-out")
    assert "You are signed out" in text(signed_out)
    assert not session_cookies(signed_out)
    assert cookie_value(client) is None
    page = text(client.get("/"))
    assert "Not signed in." in page
    assert "Visits in this session: 1" in page


def test_sessions_page_counts_active_sessions(store: MongoStore) -> None:
    clients = [Client(create_app(store)) for _ in range(3)]
    for each in clients:
        each.get("/")
    page = text(clients[0].get("/sessions"))
    assert re.search(r"Active sessions: 3\b", page)
    clients[1].post("/logout")
    assert "Active sessions: 2" in text(clients[0].get("/sessions"))


def test_a_cookie_from_other_keys_starts_a_new_session_with_a_note(
    client: Client, collection: Any
) -> None:
    client.get("/")
    client.get("/")
    restarted = MongoStore(
        collection.database, bytes(32), bytes(16)
    )  # new keys, as after a restart
    value = cookie_value(client)
    assert value is not None
    fresh = Client(create_app(restarted))
    fresh.set_cookie(SESSION_NAME, value)
    page = text(fresh.get("/"))
    assert "could not be read" in page
    assert "Visits in this session: 1" in page


def test_state_changes_are_post_only(client: Client) -> None:
    assert client.get("/login").status_code == 405
    assert client.get("/logout").status_code == 405


def test_unknown_page_is_404(client: Client) -> None:
    response = client.get("/nope")
    assert response.status_code == 404
    assert "No such page" in text(response)


def test_pages_are_not_cached(client: Client) -> None:
    assert client.get("/").headers["Cache-Control"] == "no-store"
