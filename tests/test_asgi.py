"""The ASGI middleware and request adapter: Starlette via httpx, uvicorn, FastAPI, websockets.

Every app here counts visits in its session; the middleware saves each
request's sessions when the response starts, as the WSGI middleware does.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
import uvicorn
from pymongo.errors import AutoReconnect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from mongostore.aio import AsyncMongoStore
from mongostore.asgi import SessionMiddleware, get_session, registry_of
from mongostore.asgi_http import raw_headers, scope_cookie
from mongostore.sessions import MultiError
from tests.support.aio import AsyncFaultyCollection, scope_with_cookie

pytestmark = pytest.mark.anyio

KEY = b"k" * 32
NAME = "session"


@pytest.fixture
def store(async_database: Any) -> AsyncMongoStore:
    return AsyncMongoStore(AsyncFaultyCollection(async_database["session"]), KEY)


def visits_app(store: AsyncMongoStore, **middleware: Any) -> Any:
    """A Starlette app: ``/`` counts visits, ``/ws`` reports them over a websocket."""

    async def home(request: Request) -> PlainTextResponse:
        session = await store.get(request, NAME)
        session.values["visits"] = session.values.get("visits", 0) + 1
        return PlainTextResponse(f"visits: {session.values['visits']}")

    async def socket(websocket: WebSocket) -> None:
        session = await store.get(websocket, NAME)
        session.values["visits"] = -1  # never saved
        await websocket.accept()
        await websocket.send_text(f"id: {session.id}")
        await websocket.close()

    app = Starlette(routes=[Route("/", home), WebSocketRoute("/ws", socket)])
    return SessionMiddleware(app, **middleware)


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


class TestRequestAdapter:
    def test_the_first_cookie_of_a_name_wins_across_several_cookie_headers(self) -> None:
        scope = {
            "type": "http",
            "headers": [
                (b"host", b"x"),
                (b"cookie", b"other=1; session=first"),
                (b"Cookie", b"session=second"),
            ],
        }
        assert scope_cookie(scope, "session") == "first"
        assert scope_cookie(scope, "other") == "1"
        assert scope_cookie(scope, "missing") is None

    def test_invalid_pairs_are_skipped_as_go_skips_them(self) -> None:
        scope = scope_with_cookie('session=bad\\value; session="good"')  # a backslash is invalid
        assert scope_cookie(scope, "session") == "good"

    def test_a_starlette_request_is_read_through_its_scope(self) -> None:
        assert scope_cookie(Request(scope_with_cookie("session=v")), "session") == "v"

    def test_anything_else_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="ASGI scope"):
            scope_cookie(object(), "session")

    def test_set_cookie_headers_become_asgi_byte_pairs(self) -> None:
        assert raw_headers([("Set-Cookie", "a=b")]) == [(b"set-cookie", b"a=b")]


class TestMiddleware:
    async def test_sessions_are_saved_and_the_cookie_set_on_response_start(
        self, store: AsyncMongoStore
    ) -> None:
        async with client(visits_app(store)) as browser:
            first = await browser.get("/")
            assert first.text == "visits: 1"
            assert first.headers.get_list("set-cookie")[0].startswith(f"{NAME}=")
            assert (await browser.get("/")).text == "visits: 2"
        async with client(visits_app(store)) as other_browser:
            assert (await other_browser.get("/")).text == "visits: 1"

    async def test_a_failed_save_is_logged_and_answered_with_a_bare_500(
        self, store: AsyncMongoStore, caplog: pytest.LogCaptureFixture
    ) -> None:
        assert isinstance(store.collection, AsyncFaultyCollection)
        store.collection.fail_on["insert_one"] = AutoReconnect("database down")
        async with client(visits_app(store)) as browser:
            with caplog.at_level(logging.ERROR, logger="mongostore.asgi"):
                response = await browser.get("/")
        assert response.status_code == 500
        assert response.text == "Internal Server Error\n"
        assert "set-cookie" not in response.headers
        assert "saving the sessions of / failed" in caplog.text

    async def test_on_save_error_raise_raises_the_multi_error(self, store: AsyncMongoStore) -> None:
        assert isinstance(store.collection, AsyncFaultyCollection)
        store.collection.fail_on["insert_one"] = AutoReconnect("database down")
        app = visits_app(store, on_save_error="raise")
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as browser:
            with pytest.raises(MultiError, match='error saving session "session"'):
                await browser.get("/")

    def test_an_unknown_on_save_error_is_refused(self) -> None:
        with pytest.raises(ValueError, match="on_save_error"):
            SessionMiddleware(visits_app, on_save_error="ignore")  # type: ignore[arg-type]

    async def test_a_websocket_reads_the_handshake_cookie_and_never_saves(
        self, store: AsyncMongoStore
    ) -> None:
        async with client(visits_app(store)) as browser:
            cookie = (await browser.get("/")).headers["set-cookie"].split(";")[0]
        session = await store.new(scope_with_cookie(cookie), NAME)
        app = visits_app(store)
        sent: list[dict[str, Any]] = []
        received = iter(
            [{"type": "websocket.connect"}, {"type": "websocket.disconnect", "code": 1000}]
        )

        async def receive() -> dict[str, Any]:
            return next(received)

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = scope_with_cookie(cookie, kind="websocket") | {"path": "/ws", "subprotocols": []}
        await app(scope, receive, send)
        assert {"type": "websocket.send", "text": f"id: {session.id}"} in sent
        assert all("headers" not in m or not m["headers"] for m in sent)
        stored = await store.new(scope_with_cookie(cookie), NAME)
        assert stored.values == {"visits": 1}

    async def test_lifespan_scopes_pass_through_untouched(self) -> None:
        seen: list[dict[str, Any]] = []

        async def app(scope: Any, receive: Any, send: Any) -> None:
            seen.append(scope)

        await SessionMiddleware(app)({"type": "lifespan"}, None, None)  # type: ignore[arg-type]
        assert seen == [{"type": "lifespan"}]

    async def test_fifty_concurrent_requests_never_mix_sessions(
        self, store: AsyncMongoStore
    ) -> None:
        async def one_browser(number: int) -> list[str]:
            async with client(visits_app(store)) as browser:
                return [(await browser.get("/")).text for _ in range(3)]

        results = await asyncio.gather(*(one_browser(n) for n in range(50)))
        assert results == [["visits: 1", "visits: 2", "visits: 3"]] * 50
        assert await store.get_active_sessions_count() == 50

    async def test_the_helpers_find_the_requests_registry_and_session(
        self, store: AsyncMongoStore
    ) -> None:
        scope = scope_with_cookie()
        session = await get_session(Request(scope), store, NAME)
        assert await store.get(scope, NAME) is session
        assert registry_of(Request(scope)) is registry_of(scope)


async def test_a_fastapi_dependency_gives_the_requests_session(store: AsyncMongoStore) -> None:
    from fastapi import Depends, FastAPI

    api = FastAPI()

    async def current_session(request: Request) -> Any:
        return await get_session(request, store, NAME)

    @api.get("/")
    async def home(session: Any = Depends(current_session)) -> dict[str, int]:  # noqa: B008
        session.values["visits"] = session.values.get("visits", 0) + 1
        return {"visits": session.values["visits"]}

    async with client(SessionMiddleware(api)) as browser:
        assert (await browser.get("/")).json() == {"visits": 1}
        assert (await browser.get("/")).json() == {"visits": 2}


async def test_a_real_uvicorn_server_on_loopback(store: AsyncMongoStore) -> None:
    config = uvicorn.Config(
        visits_app(store), host="127.0.0.1", port=0, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not serving.done(), "uvicorn stopped before it started serving"
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as browser:
            assert (await browser.get("/")).text == "visits: 1"
            assert (await browser.get("/")).text == "visits: 2"
    finally:
        server.should_exit = True
        await serving
