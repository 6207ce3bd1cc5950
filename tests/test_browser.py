"""The demo in a real headless Chromium: visit, sign in, reload, sign out.

The demo runs in a thread on a free loopback port, once per backend (mongomock,
and the wire server over a real connection, or the server in MONGODB_URI),
through the same server helper the ``demo`` command uses. Skipped only when
Chromium or chromedriver is not installed (``scripts/test.sh`` installs both
on CI).
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from mongostore import MongoStore
from mongostore.cli.demo_cmd import serve_app
from mongostore.demo import SESSION_NAME, create_app

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
# The machine's network is closed: no first-run, sync, update or QUIC traffic.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


@pytest.fixture
def collection(mongo_database: Any) -> Any:
    """The demo's session collection, on this test's backend."""
    return mongo_database["session"]


@contextlib.contextmanager
def serving_demo(store: MongoStore) -> Iterator[str]:
    """The demo app on ``store``, served on a free loopback port for the block; its URL."""
    server, port = serve_app(create_app(store), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def demo_url(collection: Any) -> Iterator[str]:
    with serving_demo(
        MongoStore(collection.database, bytes(range(32)), bytes(range(32, 64)))
    ) as url:
        yield url


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("no browser installed: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    # An explicit driver path keeps Selenium Manager from trying to download one.
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def text_of(driver: webdriver.Chrome, element_id: str) -> str:
    return str(driver.find_element(By.ID, element_id).text)


def submit_and_wait(driver: webdriver.Chrome, button_id: str, then_id: str, text: str) -> None:
    """Click a form button and wait until the next page shows ``text`` in ``then_id``."""
    driver.find_element(By.ID, button_id).click()
    WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: page_shows(d, then_id, text)
    )


def page_shows(driver: webdriver.Chrome, element_id: str, text: str) -> bool:
    """Whether the element ``element_id`` of the current page holds ``text``.

    An element found on the old page goes stale when the new one replaces it
    between find_elements and .text: that only means "not there yet". Chromium
    reports the same race now and then as an inspector error instead of a
    stale element ("Node with given id does not belong to the document").
    """
    try:
        return any(text in e.text for e in driver.find_elements(By.ID, element_id))
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc.msg):
            return False
        raise


def session_cookie(driver: webdriver.Chrome) -> dict[str, Any] | None:
    cookie: dict[str, Any] | None = driver.get_cookie(SESSION_NAME)
    return cookie


def test_visit_sign_in_reload_and_sign_out_in_chromium(
    demo_url: str, browser: webdriver.Chrome, collection: Any
) -> None:
    # Visit: a new session with its counter, an HttpOnly SameSite=Lax cookie.
    browser.get(demo_url + "/")
    assert text_of(browser, "visits") == "Visits in this session: 1"
    assert text_of(browser, "user") == "Not signed in."
    cookie = session_cookie(browser)
    assert cookie is not None
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False  # plain http: a Secure cookie would be dropped
    # HttpOnly as the page sees it: scripts cannot read the session cookie.
    assert SESSION_NAME not in browser.execute_script("return document.cookie")
    first_value = cookie["value"]

    # Sign in: the form posts, the session gets a fresh ID, a flash greets once.
    browser.find_element(By.ID, "user-input").send_keys("alice")
    submit_and_wait(browser, "login", "user", "Signed in as alice.")
    assert text_of(browser, "user") == "Signed in as alice."
    assert "Welcome, alice!" in browser.page_source
    assert text_of(browser, "visits") == "Visits in this session: 2"
    signed_in = session_cookie(browser)
    assert signed_in is not None
    assert signed_in["value"] != first_value
    assert signed_in["httpOnly"] is True
    [document] = list(collection.find())
    assert document["user"] == "alice"

    # Reload: still signed in, the counter moves on, the flash is gone.
    browser.refresh()
    assert text_of(browser, "user") == "Signed in as alice."
    assert text_of(browser, "visits") == "Visits in this session: 3"
    assert "Welcome, alice!" not in browser.page_source

    # Sign out: document and cookie deleted.
    submit_and_wait(browser, "logout", "signed-out", "You are signed out")
    assert "You are signed out" in text_of(browser, "signed-out")
    assert session_cookie(browser) is None
    assert collection.count_documents({}) == 0

    # A new visit starts from scratch.
    browser.get(demo_url + "/")
    assert text_of(browser, "user") == "Not signed in."
    assert text_of(browser, "visits") == "Visits in this session: 1"
