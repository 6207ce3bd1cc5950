"""werkzeug request/response helpers shared by the store tests."""

from __future__ import annotations

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from mongostore.sessions import save


def request_with_cookie(cookie: str | None = None) -> Request:
    """A GET / request, carrying ``cookie`` as its Cookie header when given."""
    headers = [] if cookie is None else [("Cookie", cookie)]
    return Request(EnvironBuilder(path="/", headers=headers).get_environ())


def cookie_pair(set_cookie: str) -> str:
    """The ``name=value`` part of a Set-Cookie header, as a browser sends it back."""
    return set_cookie.split(";", 1)[0]


def save_all(request: Request) -> list[str]:
    """Save every session of ``request`` (Go's sessions.Save); the Set-Cookie headers."""
    response = Response()
    save(request, response)
    return response.headers.getlist("Set-Cookie")
