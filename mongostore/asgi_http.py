"""Adapters between the sessions core and ASGI: scopes in, Set-Cookie headers out.

The ASGI twin of :mod:`mongostore.http`. A request is an ASGI scope (a
``dict``) or anything carrying one as ``.scope`` (a Starlette ``Request`` or
``WebSocket``), so no framework is imported. Headers are bytes, as ASGI
sends them (the stores add text headers to a :class:`HeaderList`, turned
into bytes by :func:`raw_headers`); the cookies are parsed by :func:`mongostore.http.first_cookie`,
the one parser of the package, over every ``cookie`` header line in order, so
the first cookie of a name wins, as in Go.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any, Protocol, TypeAlias

from mongostore import http
from mongostore.http import first_cookie

#: An ASGI connection scope.
Scope: TypeAlias = MutableMapping[str, Any]
#: An ASGI header list: (lower-case name, value) byte pairs.
RawHeaders: TypeAlias = list[tuple[bytes, bytes]]


class HasScope(Protocol):
    """A framework's request object over a scope (Starlette's ``HTTPConnection``)."""

    @property
    def scope(self) -> Scope:
        """The ASGI scope of the request."""


#: What every ASGI ``request`` parameter accepts.
RequestWithScope: TypeAlias = Scope | HasScope


def scope_of(request: object) -> Scope:
    """The ASGI scope behind ``request`` (the request itself when it is one)."""
    # ``type(x) is dict`` first: isinstance(a dict, MutableMapping) is not
    # cached by the ABC machinery (dict is registered, not a subclass) and
    # cost about 0.4 µs, several times per request.
    if type(request) is dict:  # a bare scope
        return request
    # A Starlette Request is a read-only Mapping over its scope: look for .scope first.
    scope = getattr(request, "scope", None)
    if type(scope) is dict or isinstance(scope, MutableMapping):
        return scope
    if isinstance(request, MutableMapping):
        return request
    raise TypeError(
        f"expected an ASGI scope or a request with a .scope, got {type(request).__name__}"
    )


def cookie_lines(scope: Scope) -> list[str]:
    """The values of every ``cookie`` header of the scope, in order, as latin-1 text."""
    lines = []
    for header in scope.get("headers") or ():
        key, value = header
        if isinstance(key, bytes) and isinstance(value, bytes) and key.lower() == b"cookie":
            lines.append(value.decode("latin-1"))
    return lines


def client_headers(scope: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """``(user agent, X-Forwarded-For, peer host)`` of an ASGI scope, each None when absent.

    The first ``user-agent`` header counts; every ``x-forwarded-for`` header
    is joined with ", " in order (as WSGI servers join repeated headers). The
    peer is the host of the scope's ``client`` pair.
    """
    agent: str | None = None
    forwarded: list[str] = []
    for raw_name, raw_value in scope.get("headers") or ():
        name = bytes(raw_name).lower()
        if name == b"user-agent" and agent is None:
            agent = bytes(raw_value).decode("latin-1")
        elif name == b"x-forwarded-for":
            forwarded.append(bytes(raw_value).decode("latin-1"))
    client = scope.get("client")
    peer = client[0] if isinstance(client, list | tuple) and client else None
    return (
        agent,
        ", ".join(forwarded) if forwarded else None,
        peer if isinstance(peer, str) else None,
    )


def scope_cookie(request: object, name: str) -> str | None:
    """The value of the FIRST cookie called ``name`` in the request (Go's ``Request.Cookie``)."""
    return first_cookie(cookie_lines(scope_of(request)), name)


def add_set_cookie(response: object, header_value: str) -> None:
    """Append one ``Set-Cookie`` header to ``response``.

    Anything whose ``headers`` has ``add`` (werkzeug, :class:`HeaderList`)
    goes through :func:`mongostore.http.add_set_cookie`; a Starlette
    ``Response``, whose headers name it ``append``, is handled too.
    """
    headers: Any = getattr(response, "headers", None)  # Any: no typing.cast call per response
    if callable(getattr(headers, "add", None)):
        http.add_set_cookie(response, header_value)  # type: ignore[arg-type]
    elif callable(getattr(headers, "append", None)):
        headers.append("set-cookie", header_value)
    else:
        raise TypeError(f"expected a response with headers.add or .append, got {response!r}")


def raw_headers(headers: Iterable[tuple[str, str]]) -> RawHeaders:
    """Text ``(name, value)`` headers (what :class:`HeaderList` collects) as ASGI byte pairs."""
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


def header_items(headers: Iterable[Any]) -> RawHeaders:
    """An ASGI message's headers as a fresh list of byte pairs (lists become tuples)."""
    return [(bytes(key), bytes(value)) for key, value in headers]
