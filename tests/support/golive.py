"""Fixtures for a live Go session service next to the Python store on one wire server.

``go_service(...)`` starts ``tests/go/store`` (a Go MongoStore behind a small
HTTP API, built once per run in GOPATH mode from Debian's packages with
:func:`tests.support.golang.build_go_program`) on a loopback port. It talks to
the wire server through :class:`tests.support.wireshim.WireShim` (the two
mongoeco answers the Go driver refuses); the Python store talks to the server
directly, through ``wire_database``.

The server is the run's ``wire_uri`` (``tests/support/mongo.py``: the
mongoeco server started for the run, or ``MONGODB_URI``); ``go_wire_uri`` is
that URI once Go and its driver are known to be here. Without Go or Debian's
mongo-go-driver the tests skip, and the pytest header says why.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

from tests.support.golang import GOPATH, build_go_program
from tests.support.wireshim import WireShim

GO_STORE_DIR = Path(__file__).resolve().parent.parent / "go" / "store"
DRIVER_DIR = Path(GOPATH) / "src" / "go.mongodb.org" / "mongo-driver"
COOKIE_NAME = "session"
_START_TIMEOUT_S = 30
_HTTP_TIMEOUT_S = 30


def _missing() -> str | None:
    """Why the live Go tests cannot run here, or None."""
    if shutil.which("go") is None:
        return "no go on PATH"
    if not DRIVER_DIR.is_dir():
        return f"no mongo-go-driver at {DRIVER_DIR} (Debian: golang-mongodb-mongo-driver-dev)"
    return None


def _driver_version() -> str:
    try:
        text = (DRIVER_DIR / "version" / "version.go").read_text()
    except OSError:
        return "unknown"
    return text.rsplit('"', 2)[-2] if text.count('"') >= 2 else "unknown"


def pytest_report_header() -> str:
    """Say whether the live Go service tests can run here."""
    reason = _missing()
    if reason is not None:
        return f"go live store: SKIPPED ({reason})"
    return f"go live store: mongo-go-driver {_driver_version()} from {GOPATH}, on the wire backend"


def _first_line(proc: subprocess.Popen[str], what: str, log: Path) -> str:
    """The first stdout line of ``proc`` (its address), or an error quoting its log."""
    stdout = proc.stdout
    assert stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(_START_TIMEOUT_S)
    if not lines or not lines[0].strip():
        _stop(proc)
        raise RuntimeError(f"{what} did not start: {log.read_text()[-2000:]}")
    return lines[0].strip()


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


@pytest.fixture(scope="session")
def go_wire_uri(wire_uri: str) -> str:
    """The run's server URI, once Go and its Mongo driver are known to be here."""
    reason = _missing()
    if reason is not None:
        pytest.skip(f"live Go store tests need Go and its Mongo driver: {reason}")
    return wire_uri


@pytest.fixture(scope="session")
def go_driver_uri(go_wire_uri: str) -> Iterator[str]:
    """The same server as ``go_wire_uri``, through the shim the Go driver needs."""
    from pymongo import uri_parser

    host, port = uri_parser.parse_uri(go_wire_uri)["nodelist"][0]
    shim = WireShim(host, port).start()
    try:
        yield f"mongodb://127.0.0.1:{shim.port}/?directConnection=true"
    finally:
        shim.stop()


@pytest.fixture(scope="session")
def go_store_binary(go_wire_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built Go store service."""
    return build_go_program(GO_STORE_DIR, tmp_path_factory.mktemp("go-store"))


@dataclass
class Browser:
    """One client's cookie jar for the session cookie, shared by the Go and Python sides."""

    cookie: str | None = None

    def header(self) -> str | None:
        """The Cookie header value to send, if any."""
        return None if self.cookie is None else f"{COOKIE_NAME}={self.cookie}"

    def take(self, set_cookies: list[str]) -> None:
        """Keep what the last session Set-Cookie says (an empty value deletes the cookie)."""
        for header in set_cookies:
            name, _, value = header.split(";", 1)[0].partition("=")
            if name == COOKIE_NAME:
                self.cookie = value or None


@dataclass
class GoService:
    """A running Go store service: ``call`` one endpoint as ``browser``."""

    host: str
    port: int
    proc: subprocess.Popen[str]
    log: Path
    calls: list[str] = field(default_factory=list)

    def call(
        self,
        path: str,
        browser: Browser | None = None,
        *,
        method: str = "POST",
        body: Any = None,
    ) -> dict[str, Any]:
        """The JSON answer of ``path``; ``browser`` sends its cookie and takes the new one."""
        self.calls.append(path)
        connection = http.client.HTTPConnection(self.host, self.port, timeout=_HTTP_TIMEOUT_S)
        headers = {"Content-Type": "application/json"}
        if browser is not None and browser.header() is not None:
            headers["Cookie"] = str(browser.header())
        try:
            payload = None if body is None else json.dumps(body)
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            answer: dict[str, Any] = json.loads(response.read())
            if browser is not None:
                browser.take(response.headers.get_all("Set-Cookie") or [])
        finally:
            connection.close()
        return answer


def _key_spec(pairs: list[tuple[bytes, bytes | None]]) -> str:
    return ",".join(f"{h.hex()}:{b.hex() if b else ''}" for h, b in pairs)


GoServiceFactory = Callable[..., GoService]


@pytest.fixture
def go_service(
    go_store_binary: Path,
    go_driver_uri: str,
    wire_database: Any,
    tmp_path: Path,
) -> Iterator[GoServiceFactory]:
    """Start Go services on ``wire_database``: ``go_service(pairs, collection=, max_age=)``.

    ``pairs`` are (hash key, block key or None), newest first, as for the
    Python store; every service started is stopped after the test.
    """
    started: list[subprocess.Popen[str]] = []
    logs: list[IO[str]] = []

    def start(
        pairs: list[tuple[bytes, bytes | None]],
        *,
        collection: str = "session",
        max_age: int | None = None,
    ) -> GoService:
        env = dict(os.environ)
        env.update(
            GOSTORE_URI=go_driver_uri,
            GOSTORE_DB=wire_database.name,
            GOSTORE_COLLECTION=collection,
            GOSTORE_KEYS=_key_spec(pairs),
        )
        if max_age is not None:
            env["GOSTORE_MAX_AGE"] = str(max_age)
        log = tmp_path / f"go-store-{len(started)}.log"
        stderr = log.open("w")
        logs.append(stderr)
        proc = subprocess.Popen(
            [str(go_store_binary)], stdout=subprocess.PIPE, stderr=stderr, text=True, env=env
        )
        started.append(proc)
        line = _first_line(proc, "the Go store service", log)
        host, _, port = line.removeprefix("listening http://").rpartition(":")
        return GoService(host, int(port), proc, log)

    try:
        yield start
    finally:
        for proc in started:
            _stop(proc)
        for stream in logs:
            with contextlib.suppress(OSError):
                stream.close()
