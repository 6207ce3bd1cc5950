"""Every README web example, served for real, survives a bad cookie.

``tests/test_readme.py`` runs the README's examples through werkzeug's test
client; here each example that defines ``app`` (bare WSGI, werkzeug with
``SessionMiddleware``, Flask) is served by werkzeug's real server on loopback
and spoken to over HTTP, as a browser would. A browser may send a cookie the
store cannot read; each of these must answer 200 with a new session and a
fresh Set-Cookie that replaces it (before the load_error contract the
middleware and Flask examples answered 500 to that user forever):

* stale: another app's leftover cookie under the same name (here Flask's own
  signed ``session`` cookie, which is not securecookie's base64 at all);
* tampered: a real cookie with one character changed;
* expired: a real cookie signed 31 days ago (the store accepts 30);
* rotated-out: a cookie signed with a key pair the store no longer has.
"""

from __future__ import annotations

import copy
import http.client
import threading
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from securecookie import SecureCookie, decode_multi, generate_random_key
from tests.test_readme import APP_DEFINITION, BLOCKS, run_block

WEB_EXAMPLES = [(line, code) for line, code in BLOCKS if APP_DEFINITION.search(code)]
THIRTY_ONE_DAYS = 31 * 86400


def test_the_readme_has_a_wsgi_a_werkzeug_and_a_flask_example_to_serve() -> None:
    assert any("def app(environ, start_response)" in code for _, code in WEB_EXAMPLES)
    assert any("SessionMiddleware(" in code for _, code in WEB_EXAMPLES)
    assert any("Flask(" in code for _, code in WEB_EXAMPLES)


class Served:
    """One README example on a real werkzeug server at ``127.0.0.1:port``."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.store = namespace["store"]
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, namespace["app"], threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def get(self, cookie: str | None = None) -> tuple[int, str, dict[str, str]]:
        """GET / over HTTP: (status, body, the Set-Cookie values by cookie name)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {} if cookie is None else {"Cookie": cookie}
            connection.request("GET", "/", headers=headers)
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            jar: SimpleCookie = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            return response.status, body, {name: morsel.value for name, morsel in jar.items()}
        finally:
            connection.close()


@pytest.fixture(params=WEB_EXAMPLES, ids=[f"line{line}" for line, _ in WEB_EXAMPLES])
def served(request: pytest.FixtureRequest) -> Iterator[Served]:
    line, code = request.param
    example = Served(run_block(line, code))
    example.thread.start()
    try:
        yield example
    finally:
        example.server.shutdown()
        example.server.server_close()
        example.thread.join(timeout=30)


def first_visit(served: Served) -> tuple[str, str]:
    """A fresh visit's cookie (name, value), as the server set it."""
    status, body, cookies = served.get()
    assert status == 200, body
    assert "visits: 1" in body
    [(name, value)] = cookies.items()
    return name, value


def stale(served: Served, name: str, value: str) -> str:
    del served, name, value
    return "eyJ2aXNpdHMiOjd9.Z0xVbA.kq0JtNbdUVd9Di6K5lZ9bA2JHdM"  # a Flask session cookie


def tampered(served: Served, name: str, value: str) -> str:
    del served, name
    middle = len(value) // 2
    return value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1 :]


def expired(served: Served, name: str, value: str) -> str:
    # The same content, signed with the store's own keys 31 days ago.
    codec = copy.copy(served.store.codecs[0])
    codec.clock = lambda: time.time() - THIRTY_ONE_DAYS
    result: str = codec.encode(name, decode_multi(name, value, *served.store.codecs))
    return result


def rotated_out(served: Served, name: str, value: str) -> str:
    # The same content under a key pair that was rotated out of the store.
    old_keys = SecureCookie(generate_random_key(32), generate_random_key(32))
    return old_keys.encode(name, decode_multi(name, value, *served.store.codecs))


@pytest.mark.parametrize("bad_cookie", [stale, tampered, expired, rotated_out])
def test_a_bad_cookie_over_real_http_gets_200_and_a_fresh_cookie(
    served: Served, bad_cookie: Any
) -> None:
    name, good = first_visit(served)
    bad = bad_cookie(served, name, good)
    assert bad != good

    status, body, cookies = served.get(f"{name}={bad}")

    assert status == 200, body
    assert "visits: 1" in body  # a new session, not the old one and not an error page
    fresh = cookies.get(name)
    assert fresh is not None, "the bad cookie was not replaced"
    assert fresh not in (bad, good)
    # The fresh cookie is a working session: the next visit counts on from it.
    status, body, _ = served.get(f"{name}={fresh}")
    assert (status, "visits: 2" in body) == (200, True), body
