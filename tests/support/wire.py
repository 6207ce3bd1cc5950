"""The ``wire`` backend's server: mongoeco, started as a subprocess for the test run.

The server needs Python >= 3.13, the project runs on 3.11+, so the server
lives in its own interpreter: ``$MONGOSTORE_WIRE_PYTHON`` (``scripts/test.sh``
exports it), else ``<repo>/.wire-venv/bin/python`` (the git-ignored venv the
script builds). :func:`shared_server` starts one server per test run, on a
port the system picks, and waits until it answers ``ping``.

No server outlives the run: it gets its own process group, which
:meth:`WireServer.stop` kills (at the session fixture's end and again at
exit, so a failing or interrupted run cleans up too); and the server script
(``--watch-stdin``) exits by itself when its stdin closes, which happens even when pytest is
killed outright.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

PYTHON_VARIABLE = "MONGOSTORE_WIRE_PYTHON"
REQUIRE_VARIABLE = "MONGOSTORE_REQUIRE_WIRE"
REPO = Path(__file__).resolve().parents[2]
DEFAULT_PYTHON = REPO / ".wire-venv" / "bin" / "python"
SERVER_SCRIPT = Path(__file__).with_name("wire_server.py")
START_TIMEOUT = 60.0
_PING_TIMEOUT_MS = 10_000


class WireUnavailableError(RuntimeError):
    """The wire server cannot run here; the message says why (it goes in the header)."""


def wire_required() -> bool:
    """True when a missing wire server must fail the run (``MONGOSTORE_REQUIRE_WIRE=1``, CI)."""
    return os.environ.get(REQUIRE_VARIABLE, "") not in ("", "0")


def server_python() -> Path:
    """The interpreter that runs the server, or WireUnavailableError saying what is missing."""
    configured = os.environ.get(PYTHON_VARIABLE)
    python = Path(configured) if configured else DEFAULT_PYTHON
    if not python.exists():
        source = f"${PYTHON_VARIABLE}" if configured else "the default"
        raise WireUnavailableError(
            f"no wire-server Python at {python} ({source}); scripts/test.sh builds it "
            "from a Python >= 3.13 with mongoeco[wire]"
        )
    return python


class WireServer:
    """One mongoeco wire server subprocess on a free loopback port."""

    def __init__(self, python: Path) -> None:
        self.python = python
        self.uri = ""
        self._process: subprocess.Popen[str] | None = None
        self._stderr: IO[str] | None = None

    def start(self, timeout: float = START_TIMEOUT) -> str:
        """Start the server, wait until it answers ``ping``; its URI."""
        # Lives as long as the server (read for error messages), closed by stop().
        self._stderr = tempfile.TemporaryFile("w+")  # noqa: SIM115
        self._process = subprocess.Popen(
            [str(self.python), str(SERVER_SCRIPT), "--watch-stdin"],
            stdin=subprocess.PIPE,  # closed when we die: the server then exits by itself
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            start_new_session=True,  # its own process group, killed as a whole
        )
        try:
            self.uri = self._read_uri(timeout)
            self._ping()
        except BaseException:
            self.stop()
            raise
        return self.uri

    def _read_uri(self, timeout: float) -> str:
        assert self._process is not None
        assert self._process.stdout is not None
        lines: list[str] = []
        reader = threading.Thread(
            target=lambda: lines.append(self._process.stdout.readline()),  # type: ignore[union-attr]
            daemon=True,
        )
        reader.start()
        reader.join(timeout)
        uri = lines[0].strip() if lines else ""
        if not uri.startswith("mongodb://"):
            raise WireUnavailableError(
                f"the wire server did not start within {timeout:g} s: {self.stderr_tail()}"
            )
        return uri

    def _ping(self) -> None:
        import pymongo

        client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
            self.uri, serverSelectionTimeoutMS=_PING_TIMEOUT_MS
        )
        try:
            client.admin.command("ping")
        finally:
            client.close()

    def stderr_tail(self, limit: int = 2000) -> str:
        """The end of the server's stderr, for error messages."""
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        text = self._stderr.read()
        return text[-limit:].strip() or "(no output)"

    def stop(self) -> None:
        """Kill the server's whole process group and reap it; safe to call twice."""
        process, self._process = self._process, None
        if process is not None:
            for signum, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signum)
                try:
                    process.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


@contextlib.contextmanager
def running_server() -> Iterator[str]:
    """A wire server of its own for the block (benchmarks); its URI. Stopped on exit."""
    server = WireServer(server_python())
    try:
        yield server.start()
    finally:
        server.stop()


class _Shared:
    """The run's one server, or why it could not start (both None until first use)."""

    lock = threading.Lock()
    server: WireServer | None = None
    failure: WireUnavailableError | None = None


def _start_shared() -> None:
    try:
        server = WireServer(server_python())
        atexit.register(server.stop)
        server.start()
        _Shared.server = server
    except WireUnavailableError as exc:
        _Shared.failure = exc
    except OSError as exc:
        _Shared.failure = WireUnavailableError(f"the wire server failed to start: {exc}")
    except Exception as exc:  # pymongo could not reach it
        _Shared.failure = WireUnavailableError(f"the wire server did not answer ping: {exc}")


def shared_server() -> WireServer:
    """The run's one wire server, started on first use (WireUnavailableError if it cannot)."""
    with _Shared.lock:
        if _Shared.server is None and _Shared.failure is None:
            _start_shared()
        if _Shared.failure is not None:
            raise _Shared.failure
        assert _Shared.server is not None
        return _Shared.server


def stop_shared_server() -> None:
    """Stop the run's wire server if one was started."""
    with _Shared.lock:
        if _Shared.server is not None:
            _Shared.server.stop()
