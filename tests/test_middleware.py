"""SessionMiddleware: every session saved when the response starts; failures become 500s."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Request, Response

from mongostore.http import RequestLike, ResponseLike, add_set_cookie
from mongostore.middleware import SessionMiddleware
from mongostore.sessions import MultiError, Session, get_registry, new_session

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse


class FakeStore:
    """Saves write ``name=<values['v']>``; ``fail`` makes every save raise."""

    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail

    def get(self, request: RequestLike, name: str) -> Session:
        return get_registry(request).get(self, name)

    def new(self, request: RequestLike, name: str) -> Session:
        return new_session(self, name)

    def save(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        if self.fail:
            raise OSError("store down")
        add_set_cookie(response, f"{session.name}={session.values.get('v', '')}")


def _werkzeug_app(store: FakeStore) -> Any:
    @Request.application
    def app(request: Request) -> Response:
        store.get(request, "a").values["v"] = "1"
        store.get(request, "b").values["v"] = "2"
        return Response("hello")

    return app


def test_every_session_is_saved_without_the_app_asking() -> None:
    client = Client(SessionMiddleware(_werkzeug_app(FakeStore())))
    response = client.get("/")
    assert response.status_code == 200
    assert response.get_data() == b"hello"
    assert response.headers.getlist("Set-Cookie") == ["a=1", "b=2"]


def test_plain_wsgi_app_with_lazy_start_response() -> None:
    store = FakeStore()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterator[bytes]:
        store.get(environ, "s").values["v"] = "lazy"
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"one"
        yield b"two"

    response = Client(SessionMiddleware(app)).get("/")
    assert response.get_data() == b"onetwo"
    assert response.headers.getlist("Set-Cookie") == ["s=lazy"]


def test_app_without_sessions_gets_no_cookie() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("204 No Content", [])
        return []

    response = Client(SessionMiddleware(app)).get("/")
    assert response.status_code == 204
    assert "Set-Cookie" not in response.headers


class ClosingBody:
    """An app body that records whether the server closed it."""

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield b"secret page that must not be shown"

    def close(self) -> None:
        self.closed = True


def test_failed_save_is_logged_and_answered_with_500_without_cookies(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ok_store, bad_store = FakeStore(), FakeStore(fail=True)
    body = ClosingBody()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        ok_store.get(environ, "good").values["v"] = "1"
        bad_store.get(environ, "bad")
        start_response("200 OK", [("Content-Type", "text/html")])
        return body

    with caplog.at_level(logging.ERROR, logger="mongostore.middleware"):
        response = Client(SessionMiddleware(app)).get("/page")
    assert response.status_code == 500
    assert response.get_data() == b"Internal Server Error\n"
    assert "Set-Cookie" not in response.headers
    response.close()
    assert body.closed
    [record] = caplog.records
    assert "/page" in record.getMessage()
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == 'sessions: error saving session "bad" -- store down'


def test_raise_mode_raises_the_multi_error_from_start_response() -> None:
    store = FakeStore(fail=True)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        store.get(environ, "s")
        start_response("200 OK", [])
        return [b"unreachable"]

    client = Client(SessionMiddleware(app, on_save_error="raise"))
    with pytest.raises(MultiError, match="store down"):
        client.get("/")


def test_error_responses_from_the_app_save_no_session() -> None:
    store = FakeStore()
    calls: list[tuple[str, list[tuple[str, str]], object]] = []

    def server_start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None, /
    ) -> Any:
        calls.append((status, headers, exc_info))
        return lambda data: None

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        store.get(environ, "s").values["v"] = "half-done"
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        return [b"error page"]

    environ = EnvironBuilder(path="/").get_environ()
    body = SessionMiddleware(app)(environ, server_start_response)
    assert list(body) == [b"error page"]
    [(status, headers, exc_info)] = calls
    assert (status, headers) == ("500 Internal Server Error", [])
    assert exc_info is not None


def test_unknown_error_policy_is_rejected() -> None:
    with pytest.raises(ValueError, match="on_save_error"):
        SessionMiddleware(lambda environ, start: [], on_save_error="ignore")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad_cookie", ["garbage", "MTIzNDU2Nzg5MHxhYmN8ZGVm"])
def test_a_bad_cookie_gets_a_fresh_session_and_a_replacement_cookie_not_a_500(
    mongo_database: Any, bad_cookie: str
) -> None:
    from mongostore import MongoStore

    store = MongoStore(mongo_database, b"k" * 32)

    @Request.application
    def app(request: Request) -> Response:
        session = store.get(request, "s")
        session.values["visits"] = session.values.get("visits", 0) + 1
        return Response(f"visits={session.values['visits']} bad={session.load_error is not None}")

    client = Client(SessionMiddleware(app))
    client.set_cookie("s", bad_cookie)
    response = client.get("/")
    assert response.status_code == 200
    assert response.get_data() == b"visits=1 bad=True"
    [replacement] = response.headers.getlist("Set-Cookie")
    assert replacement.startswith("s=")
    assert bad_cookie not in replacement
    again = client.get("/")  # the client now sends the replacement
    assert again.get_data() == b"visits=2 bad=False"


def _recording_server() -> tuple[Any, list[str], list[bytes]]:
    """A WSGI server's start_response; (it, the statuses it got, the bytes written to it)."""
    statuses: list[str] = []
    written: list[bytes] = []

    def server_start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None, /
    ) -> Any:
        statuses.append(status)
        return written.append

    return server_start_response, statuses, written


def test_bytes_written_through_write_after_a_failed_save_never_reach_the_client() -> None:
    store = FakeStore(fail=True)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        store.get(environ, "s")
        write = start_response("200 OK", [("Content-Type", "text/html")])
        write(b"secret page written the legacy way")
        return []

    server_start_response, statuses, written = _recording_server()
    environ = EnvironBuilder(path="/").get_environ()
    body = SessionMiddleware(app)(environ, server_start_response)
    assert list(body) == [b"Internal Server Error\n"]
    assert statuses == ["500 Internal Server Error"]
    assert written == []


class BodyWithoutClose:
    """An app body that is iterable but has no ``close`` (WSGI makes close optional)."""

    def __iter__(self) -> Iterator[bytes]:
        yield b"plain"


@pytest.mark.parametrize("fail", [False, True], ids=["saved", "save-failed"])
def test_a_body_without_close_is_served_and_closed_without_error(fail: bool) -> None:
    store = FakeStore(fail=fail)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        store.get(environ, "s")
        start_response("200 OK", [])
        return BodyWithoutClose()

    server_start_response, _statuses, _written = _recording_server()
    environ = EnvironBuilder(path="/").get_environ()
    body = SessionMiddleware(app)(environ, server_start_response)
    expected = [b"Internal Server Error\n"] if fail else [b"plain"]
    assert list(body) == expected
    body.close()  # type: ignore[attr-defined]
