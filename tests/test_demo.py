"""The demo app through werkzeug's test client: counter, sign-in, sign-out, flashes, cookies."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from mongostore import MongoStore
from mongostore.demo import SESSION_NAME, create_app

HASH_KEY = bytes(range(32))
BLOCK_KEY = bytes(range(32, 64))
ROOT = Path(__file__).resolve().parent.parent


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


def test_the_first_page_does_not_claim_its_session_is_unsaved(
    client: Client, collection: Any
) -> None:
    first = client.get("/")
    assert session_ref(text(first)) == "new, saved with this page"
    assert "not saved" not in text(first)
    assert session_cookies(first)  # the same response saves it...
    [document] = list(collection.find())  # ...into the collection
    assert str(document["_id"]).endswith(session_ref(text(client.get("/"))))


def test_sign_in_keeps_the_visit_counter(client: Client) -> None:
    client.get("/")
    client.get("/")
    assert "Visits in this session: 3" in text(sign_in(client, "alice"))


def test_sign_in_on_a_session_revoked_since_its_load_starts_a_new_session(
    store: MongoStore, collection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another browser ends the session between load and sign-in: no 500, nothing brought back."""
    client = Client(create_app(store))
    client.get("/")
    client.get("/")
    [revoked] = list(collection.find())
    regenerate = store.regenerate

    def revoked_first(*args: Any, **kwargs: Any) -> None:
        collection.delete_many({})  # the other browser's "sign out everywhere else"
        monkeypatch.setattr(store, "regenerate", regenerate)
        regenerate(*args, **kwargs)

    monkeypatch.setattr(store, "regenerate", revoked_first)
    response = client.post("/login", data={"user": "alice"})
    assert response.status_code == 303
    [document] = list(collection.find())
    assert document["_id"] != revoked["_id"]
    assert document["user"] == "alice"
    page = text(client.get("/"))
    assert "Signed in as <strong>alice</strong>" in page
    assert "Your old session had been ended" in page
    assert "Visits in this session: 1" in page  # nothing of the revoked session came back


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


def test_ctrl_c_stops_the_served_demo_and_prints_that_it_stopped(tmp_path: Path) -> None:
    # A real process and a real SIGINT: werkzeug's serve_forever swallows the
    # KeyboardInterrupt, so only an end-to-end run shows the last line prints.
    # The child installs Python's SIGINT handler itself, since a parent that
    # runs in the background may hand it SIGINT ignored.
    script = (
        "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "runpy.run_module('mongostore', run_name='__main__')"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGODB_", "MONGOSTORE_"))}
    env["PYTHONPATH"] = str(ROOT)
    with subprocess.Popen(
        [sys.executable, "-c", script, "demo", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    ) as proc:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:  # the banner ends with the "serving on" line
            lines.append(line)
            if "serving on http://" in line:
                break
        serving = re.search(r"127\.0\.0\.1:(\d+)/", lines[-1])
        assert serving is not None, lines
        port = int(serving.group(1))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.splitlines()[-1] == "mongostore demo: stopped"
    assert "Traceback" not in err
