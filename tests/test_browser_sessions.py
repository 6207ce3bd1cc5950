"""The demo's "Your sessions" page in two real headless Chromium profiles (two devices).

One user signs in from both; each profile has its own cookie jar (its own
``--user-data-dir``) and its own User-Agent, so the page can tell them apart.
One revokes the other, then "sign out everywhere else" ends the rest.
Skipped only when Chromium or chromedriver is not installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from mongostore import MongoStore
from tests.test_browser import (
    CHROMEDRIVER,
    CHROMIUM,
    CHROMIUM_FLAGS,
    serving_demo,
    submit_and_wait,
    text_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


@pytest.fixture
def demo_url(mongo_database: Any) -> Iterator[str]:
    store = MongoStore(
        mongo_database["session"], bytes(range(32)), bytes(range(32, 64)), record_client=True
    )
    with serving_demo(store) as url:
        yield url


@pytest.fixture
def open_profile(tmp_path: Path) -> Iterator[Callable[[str], webdriver.Chrome]]:
    """Start a Chromium with its own profile directory and User-Agent tag."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("no browser installed: apt-get install chromium chromium-driver")
    drivers: list[webdriver.Chrome] = []

    def start(tag: str) -> webdriver.Chrome:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={tmp_path / tag}")
        options.add_argument(f"--user-agent=Mozilla/5.0 (demo test) {tag}")
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        driver.set_page_load_timeout(30)
        drivers.append(driver)
        return driver

    try:
        yield start
    finally:
        for driver in drivers:
            driver.quit()


def sign_in(driver: webdriver.Chrome, url: str, user: str) -> None:
    driver.get(url + "/")
    driver.find_element(By.ID, "user-input").send_keys(user)
    submit_and_wait(driver, "login", "user", f"Signed in as {user}.")


def device_rows(driver: webdriver.Chrome) -> list[tuple[str, bool, str]]:
    """(session ID, is this device, browser column) of every row on the devices page."""
    rows = []
    for row in driver.find_elements(By.CSS_SELECTOR, "tr.device"):
        session_id = str(row.get_attribute("id")).removeprefix("device-")
        agent = row.find_element(By.CSS_SELECTOR, "td.agent").text
        rows.append((session_id, row.get_attribute("data-this") == "true", str(agent)))
    return rows


def test_two_devices_see_each_other_revoke_and_sign_out_everywhere_else(
    demo_url: str, open_profile: Callable[[str], webdriver.Chrome]
) -> None:
    laptop, phone = open_profile("laptop"), open_profile("phone")
    sign_in(laptop, demo_url, "alice")
    sign_in(phone, demo_url, "alice")

    # The phone sees both sessions, newest (its own) first, each with its browser.
    phone.get(demo_url + "/devices")
    rows = device_rows(phone)
    assert [this for _, this, _ in rows] == [True, False]
    assert rows[0][2].endswith("phone")
    assert rows[1][2].endswith("laptop")
    laptop_id = rows[1][0]

    # Each page shows this request's session: the cookie decodes to the phone's row.
    decoded = text_of(phone, "cookie-decoded")
    assert rows[0][0] in decoded
    assert "decoded:" in text_of(phone, "document")
    assert text_of(phone, "last-action") in ("write", "touch", "nothing")

    # Revoke the laptop from the phone: the laptop is signed out at its next request.
    submit_and_wait(phone, f"revoke-{laptop_id}", "devices-user", "Sessions of alice")
    assert "Session revoked" in phone.page_source
    assert [row[0] for row in device_rows(phone)] == [rows[0][0]]
    laptop.get(demo_url + "/")
    assert text_of(laptop, "user") == "Not signed in."

    # The laptop signs in again; from there, sign out everywhere else ends the phone.
    sign_in(laptop, demo_url, "alice")
    laptop.get(demo_url + "/devices")
    assert len(device_rows(laptop)) == 2
    submit_and_wait(laptop, "sign-out-others", "devices-user", "Sessions of alice")
    assert "1 other session(s) ended" in laptop.page_source
    (only,) = device_rows(laptop)
    assert only[1] is True
    assert only[2].endswith("laptop")
    phone.get(demo_url + "/")
    assert text_of(phone, "user") == "Not signed in."

    # A read-only page wrote nothing: the next page says so.
    laptop.get(demo_url + "/devices")
    laptop.get(demo_url + "/devices")
    assert text_of(laptop, "last-action") == "nothing"
