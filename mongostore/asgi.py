"""ASGI middleware that saves every session of a request, so an app cannot forget to.

The ASGI twin of :mod:`mongostore.middleware`, with no framework imported.
For each HTTP request it puts a fresh :class:`AsyncRegistry` in the scope;
when the app sends ``http.response.start``, it saves every session the
request used (``await store.get(request, name)``) and appends their
Set-Cookie headers to that message.

When saving fails: the error is logged on the ``mongostore.asgi`` logger with
its traceback, and by default the client gets a bare ``500 Internal Server
Error`` without any Set-Cookie header and without any of the app's body (a
page must not claim success when its session changes were lost). With
``on_save_error="raise"`` the :class:`~mongostore.sessions.MultiError` is
raised from the app's ``send`` instead. Websocket scopes get a registry too,
so the session is readable from the handshake's cookie; it is never saved
(a websocket has no response headers to carry a cookie).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Literal, TypeAlias

from mongostore.asgi_http import RequestWithScope, header_items, raw_headers, scope_of
from mongostore.http import HeaderList
from mongostore.sessions.errors import MultiError
from mongostore.sessions.protocol import AsyncStore
from mongostore.sessions.registry import SCOPE_KEY, AsyncRegistry, get_async_registry
from mongostore.sessions.session import Session

__all__ = ["SessionMiddleware", "get_session", "registry_of"]

Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
ASGIApp: TypeAlias = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

_log = logging.getLogger(__name__)

_ERROR_BODY = b"Internal Server Error\n"
_ERROR_START: Message = {
    "type": "http.response.start",
    "status": 500,
    "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(_ERROR_BODY)).encode("ascii")),
    ],
}


class SessionMiddleware:
    """Wrap an ASGI app so all sessions of each request are saved when the response starts.

    ``on_save_error`` is ``"500"`` (log, answer 500 without the app's body)
    or ``"raise"`` (log, raise the MultiError from the app's ``send``).
    """

    def __init__(self, app: ASGIApp, *, on_save_error: Literal["500", "raise"] = "500") -> None:
        if on_save_error not in ("500", "raise"):
            raise ValueError(f'on_save_error must be "500" or "raise", got {on_save_error!r}')
        self.app = app
        self.on_save_error = on_save_error

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        """Run the app with a registry in the scope; save the sessions as the response starts."""
        if scope.get("type") not in ("http", "websocket"):
            await self.app(scope, receive, send)  # lifespan: nothing to do with sessions
            return
        # A fresh registry per request, in the scope before the app copies it.
        scope.pop(SCOPE_KEY, None)
        registry = get_async_registry(scope)
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        failed = False

        async def saving_send(message: Message) -> None:
            nonlocal failed
            if failed:
                return  # the 500 is sent; the app's body is dropped
            if message.get("type") == "http.response.start":
                cookies: list[tuple[str, str]] = []
                try:
                    await registry.save(HeaderList(cookies))
                except MultiError:
                    _log.exception("saving the sessions of %s failed", scope.get("path"))
                    if self.on_save_error == "raise":
                        raise
                    failed = True
                    await send(dict(_ERROR_START))
                    await send({"type": "http.response.body", "body": _ERROR_BODY})
                    return
                if cookies:  # most responses (autosave: nothing changed) add none
                    headers = header_items(message.get("headers") or ())
                    message = {**message, "headers": headers + raw_headers(cookies)}
            await send(message)

        await self.app(scope, receive, saving_send)


def registry_of(request: RequestWithScope) -> AsyncRegistry:
    """The session registry of an ASGI request (a scope, or a Starlette Request/WebSocket)."""
    return get_async_registry(scope_of(request))


async def get_session(request: RequestWithScope, store: AsyncStore, name: str) -> Session:
    """The session ``name`` of ``request`` from ``store`` (a scope, or a Starlette Request).

    ``await store.get(request, name)`` says the same; this form reads well as
    a FastAPI dependency body.
    """
    return await registry_of(request).get(store, name)
