"""The wire backend: its server answers once started, leaves no process behind, names itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pymongo
import pytest

from tests.support import mongo, wire


def _gone(pid: int, within: float = 10.0) -> bool:
    """True once no process ``pid`` exists (reaped or not ours), polling up to ``within`` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def server_python(wire_uri: str) -> Any:
    """The wire server's interpreter (the run's server proved it works)."""
    if os.environ.get("MONGODB_URI"):
        pytest.skip("MONGODB_URI replaces the wire server in this run")
    return wire.server_python()


def test_a_started_server_answers_and_stop_leaves_no_process(server_python: Any) -> None:
    server = wire.WireServer(server_python)
    uri = server.start()
    assert server._process is not None
    pid = server._process.pid
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(uri)
    try:
        assert client.admin.command("ping")["ok"] == 1
    finally:
        client.close()
    server.stop()
    server.stop()  # idempotent
    assert _gone(pid)


def test_the_server_exits_by_itself_when_the_test_run_dies(server_python: Any) -> None:
    # A parent killed outright (SIGKILL: no atexit, no finalizer) still takes the server along.
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from tests.support import wire; "
            "s = wire.WireServer(wire.server_python()); s.start(); "
            "print(s._process.pid, flush=True); time.sleep(600)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, wire.PYTHON_VARIABLE: str(server_python)},
        cwd=wire.REPO,
    )
    try:
        assert parent.stdout is not None
        server_pid = int(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait(10)
        if parent.stdout is not None:
            parent.stdout.close()
    assert _gone(server_pid)


class _Admin:
    """``client.admin`` answering ``hello`` with ``hello``, and ``buildInfo`` or refusing it."""

    def __init__(self, hello: dict[str, Any], build_info: dict[str, Any] | None) -> None:
        self.answers = {"hello": hello, "buildInfo": build_info}

    def command(self, name: str) -> dict[str, Any]:
        answer = self.answers[name]
        if answer is None:
            raise pymongo.errors.OperationFailure(f"no such command: '{name}'", code=59)
        return answer


class _Client:
    def __init__(self, hello: dict[str, Any], build_info: dict[str, Any] | None = None) -> None:
        self.admin = _Admin(hello, build_info)


@pytest.mark.parametrize(
    ("hello", "build_info", "shown"),
    [
        ({"version": "7.0.0", "gitVersion": "mongoeco"}, None, "version 7.0.0, mongoeco"),
        ({}, {"version": "8.0.4", "gitVersion": "bc35ab4"}, "version 8.0.4"),
        ({}, None, "version not reported"),
    ],
    ids=["hello_has_it", "build_info_has_it", "neither_answers"],
)
def test_the_header_shows_what_the_server_says_it_is(
    hello: dict[str, Any], build_info: dict[str, Any] | None, shown: str
) -> None:
    assert mongo.server_version(_Client(hello, build_info)) == shown
