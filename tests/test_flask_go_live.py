"""A Flask app's ``flask.session`` and a live Go MongoStore service share one login.

The Go side is the live service of :mod:`tests.support.golive` (a Go
MongoStore on the same wire-server collection); the Flask side is
:func:`tests.test_flask.make_app` on a MongoStore with the same keys. One
:class:`Browser` carries the cookie between them, as a user moving between
the two services of one site.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, flash, session
from flask.testing import FlaskClient
from markupsafe import Markup

from mongostore.store import MongoStore
from tests.support.golive import Browser, GoServiceFactory
from tests.support.vectors import typed_to_python
from tests.test_flask import make_app

pytestmark = pytest.mark.go

HASH_KEY, BLOCK_KEY = bytes(range(64)), bytes(range(100, 132))
PAIRS = [(HASH_KEY, BLOCK_KEY)]


def flask_client(database: Any) -> FlaskClient:
    app: Flask = make_app(MongoStore(database, HASH_KEY, BLOCK_KEY))

    @app.get("/sign-in/<user>")
    def sign_in(user: str) -> str:
        session["user"] = user
        session.permanent = True
        flash(Markup("<b>welcome</b>"))
        return "ok"

    return app.test_client(use_cookies=False)


def visit(client: FlaskClient, path: str, browser: Browser) -> str:
    header = browser.header()
    response = client.get(path, headers={"Cookie": header} if header else {})
    assert response.status_code == 200
    browser.take(response.headers.getlist("Set-Cookie"))
    return response.text


def go_whoami(go: Any, browser: Browser) -> dict[str, Any]:
    answer: dict[str, Any] = go.call("/whoami", browser, method="GET")
    assert answer["error"] == "", answer
    return answer


def test_a_flask_sign_in_is_a_go_login_with_flasks_keys(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    go, flask_app, browser = go_service(PAIRS), flask_client(wire_database), Browser()
    visit(flask_app, "/sign-in/alice", browser)
    answer = go_whoami(go, browser)
    assert answer["is_new"] is False
    assert typed_to_python(answer["values"]) == {
        "user": "alice",
        "_permanent": True,
        "_flashes": [["message", [" markupsafe.Markup", "<b>welcome</b>"]]],
    }
    (document,) = list(wire_database.session.find({}))
    assert answer["id"] == str(document["_id"])


def test_a_go_login_is_flask_session_and_a_flask_regenerate_moves_it_for_go(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    go, flask_app, browser = go_service(PAIRS), flask_client(wire_database), Browser()
    old_id = go.call("/login?user=oscar", browser)["id"]
    assert visit(flask_app, "/whoami", browser) == "oscar"
    visit(flask_app, "/login/oscar", browser)  # regenerate() on sign-in
    answer = go_whoami(go, browser)
    assert answer["id"] != old_id
    assert typed_to_python(answer["values"]) == {"user": "oscar"}
    assert wire_database.session.count_documents({}) == 1


def test_a_flask_logout_ends_the_go_login(go_service: GoServiceFactory, wire_database: Any) -> None:
    go, flask_app, browser = go_service(PAIRS), flask_client(wire_database), Browser()
    go.call("/login?user=oscar", browser)
    go_side = Browser(browser.cookie)
    visit(flask_app, "/logout", browser)
    assert browser.cookie is None
    answer = go_whoami(go, go_side)
    assert (answer["is_new"], answer["id"]) == (True, "")
