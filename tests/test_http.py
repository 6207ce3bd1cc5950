"""The WSGI adapters: requests in (werkzeug or environ), Set-Cookie headers out."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from mongostore.http import (
    HeaderList,
    ResponseLike,
    add_set_cookie,
    environ_of,
    request_cookie,
)


def _environ(cookie: str | None = None) -> dict[str, Any]:
    headers = [] if cookie is None else [("Cookie", cookie)]
    return EnvironBuilder(path="/", headers=headers).get_environ()


def test_environ_of_a_werkzeug_request_is_its_environ() -> None:
    environ = _environ()
    assert environ_of(Request(environ)) is environ


def test_environ_of_an_environ_is_itself() -> None:
    environ = _environ()
    assert environ_of(environ) is environ


def test_environ_of_something_else_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="werkzeug Request or a WSGI environ"):
        environ_of("GET /")  # type: ignore[arg-type]


@pytest.mark.parametrize("as_request", [False, True], ids=["environ", "werkzeug"])
def test_first_cookie_of_the_name_wins_as_in_go(as_request: bool) -> None:
    environ = _environ("a=1; s=first; s=second")
    request: Any = Request(environ) if as_request else environ
    assert request_cookie(request, "s") == "first"
    assert request_cookie(request, "a") == "1"


def test_missing_cookie_header_or_name_gives_none() -> None:
    assert request_cookie(_environ(), "s") is None
    assert request_cookie(_environ("a=1"), "s") is None
    assert request_cookie(_environ("s=1"), "") is None


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ('s="quoted"', "quoted"),
        ("s=", ""),
        ("s", ""),
        ("  s=v  ;", "v"),
        ("s=a=b", "a=b"),
        ('s=bad"quote; s=good', "good"),
        ("s=caf\u00e9; s=ascii", "ascii"),
        ("s=a\\b", None),
        ("s=a b", "a b"),
    ],
)
def test_cookie_values_are_parsed_like_go(header: str, value: str | None) -> None:
    assert request_cookie(_environ(header), "s") == value


def test_pairs_with_invalid_names_are_skipped() -> None:
    assert request_cookie(_environ("s:x=1; s=2"), "s") == "2"


def test_non_string_cookie_header_gives_none() -> None:
    assert request_cookie({"HTTP_COOKIE": b"s=1"}, "s") is None


@settings(max_examples=300, deadline=None)
@given(header=st.text(), name=st.text(max_size=8))
def test_garbage_cookie_headers_never_raise(header: str, name: str) -> None:
    value = request_cookie({"HTTP_COOKIE": header}, name)
    assert value is None or isinstance(value, str)


def test_header_list_adapter_appends_to_the_wrapped_list() -> None:
    headers: list[tuple[str, str]] = [("Content-Type", "text/plain")]
    HeaderList(headers).headers.add("Set-Cookie", "s=1")
    add_set_cookie(HeaderList(headers), "t=2")
    assert headers == [("Content-Type", "text/plain"), ("Set-Cookie", "s=1"), ("Set-Cookie", "t=2")]


def test_add_set_cookie_on_a_werkzeug_response() -> None:
    response = Response("ok")
    add_set_cookie(response, "s=1; Path=/")
    add_set_cookie(response, "t=2")
    assert response.headers.getlist("Set-Cookie") == ["s=1; Path=/", "t=2"]


def test_werkzeug_response_and_header_list_satisfy_response_like() -> None:
    # Checked by mypy: both must be assignable to the protocol.
    sinks: list[ResponseLike] = [Response(), HeaderList([])]
    assert len(sinks) == 2
