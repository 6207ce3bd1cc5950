"""Adapters between the sessions core and WSGI: requests in, Set-Cookie headers out.

A request is a werkzeug :class:`~werkzeug.wrappers.Request` or a bare WSGI
environ; a response is anything whose ``headers`` has ``add(name, value)``
(werkzeug's ``Response``, or :class:`HeaderList` around a plain WSGI header
list). Nothing else in the sessions core touches WSGI, so another adapter
(ASGI, say) only has to replace this module.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any, Protocol, TypeAlias

from werkzeug.wrappers import Request

from mongostore.cookie_syntax import is_cookie_name_valid, is_cookie_value_valid

#: What every ``request`` parameter accepts: Go's ``*http.Request``.
RequestLike: TypeAlias = Request | MutableMapping[str, Any]

_ASCII_SPACE = " \t\n\r"  # Go's textproto.TrimString trims exactly these.


class HeaderAdder(Protocol):
    """Something that appends one header (werkzeug's ``Headers.add``)."""

    def add(self, key: str, value: str, /) -> None:
        """Append a header ``key: value``."""


class ResponseLike(Protocol):
    """Go's ``http.ResponseWriter`` as far as sessions need it: a header sink."""

    @property
    def headers(self) -> HeaderAdder:
        """The response headers."""


class HeaderList:
    """Adapter so a plain WSGI header list can receive Set-Cookie headers.

    ``HeaderList(headers).headers.add(name, value)`` appends ``(name, value)``
    to ``headers`` itself, so the list handed to ``start_response`` sees it.
    """

    __slots__ = ("items",)

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items

    @property
    def headers(self) -> HeaderList:
        """This adapter: it is its own header sink."""
        return self

    def add(self, key: str, value: str, /) -> None:
        """Append ``(key, value)`` to the wrapped list."""
        self.items.append((key, value))


def environ_of(request: RequestLike) -> MutableMapping[str, Any]:
    """The WSGI environ behind ``request`` (the request itself when it is one)."""
    if type(request) is dict:  # the common bare environ, without the ABC check
        return request
    if isinstance(request, Request):
        return request.environ
    if isinstance(request, MutableMapping):
        return request
    raise TypeError(f"expected a werkzeug Request or a WSGI environ, got {type(request).__name__}")


def request_cookie(request: RequestLike, name: str) -> str | None:
    """The value of the FIRST cookie called ``name`` in the request (Go's ``Request.Cookie``).

    WSGI servers hand over one ``HTTP_COOKIE`` line; :func:`first_cookie` reads it.
    """
    header = environ_of(request).get("HTTP_COOKIE")
    if not isinstance(header, str):
        return None
    return first_cookie([header], name)


def first_cookie(header_lines: Iterable[str], name: str) -> str | None:
    """The value of the first cookie called ``name`` in these ``Cookie`` header lines.

    Parses each line, in order, exactly as Go's ``readCookies`` does: pairs
    with an invalid name or value are skipped, quotes around a value are
    removed, and the first valid pair of the name wins. Garbage never raises;
    it only yields ``None``. Every adapter (WSGI here, ASGI in
    :mod:`mongostore.asgi_http`) reads cookies through this one parser.
    """
    if not is_cookie_name_valid(name):
        return None  # no pair can carry it (Go's readCookies skips invalid names)
    for line in header_lines:
        for raw_part in line.strip(_ASCII_SPACE).split(";"):
            cookie_name, _, raw_value = raw_part.strip(_ASCII_SPACE).partition("=")
            if cookie_name != name:  # an empty part, or another cookie
                continue
            # Go's parseCookieValue(raw, allowDoubleQuote=true): quotes off, bytes checked.
            if len(raw_value) > 1 and raw_value[0] == '"' and raw_value[-1] == '"':
                raw_value = raw_value[1:-1]
            if is_cookie_value_valid(raw_value):
                return raw_value
    return None


def add_set_cookie(response: ResponseLike, header_value: str) -> None:
    """Append one ``Set-Cookie`` header (Go's ``http.SetCookie``)."""
    response.headers.add("Set-Cookie", header_value)
