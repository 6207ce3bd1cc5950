"""Fixtures for interop checks against the real Go gorilla code.

``go_decode`` / ``go_encode`` run ``tests/go/interop`` (a Go program built
once per test session, in GOPATH mode against Debian's gorilla packages, into
a temporary directory). One process answers a whole batch of cases: JSON in on
stdin, JSON out on stdout. Values use the typed format of
``tests/vectors/README.md``. The fixtures skip only when ``go`` is not on
PATH; a failed build is a test error, so a broken interop program never hides.

Decode case: ``{"name", "hash": "sha256"|"sha512", "hash_key_hex",
"block_key_hex" (or None), "serializer": "gob"|"json"|"nop",
"dst": "session_values"|"string"|"interface"|"bytes", "encoded", "max_age"}``
(optional ``min_age``, ``max_length``) → ``{"ok", "value", "error"}``.

Encode case: the same codec fields plus ``"value": <typed>`` →
``{"ok", "encoded", "serialized_b64", "error"}``. Besides the basic types,
``main.Flash`` (a registered struct ``{Type int; Message string}``) can be
encoded, for struct-decoding tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

GO_SOURCE_DIR = Path(__file__).resolve().parent.parent / "go" / "interop"
GOPATH = "/usr/share/gocode"
_BUILD_TIMEOUT_S = 240
_RUN_TIMEOUT_S = 120

GoCall = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def go_environment(cache_dir: Path) -> dict[str, str]:
    """Environment for building in GOPATH mode without touching the network."""
    env = dict(os.environ)
    env.update(GO111MODULE="off", GOPATH=GOPATH, GOPROXY="off", CGO_ENABLED="0")
    if not (env.get("GOCACHE") or env.get("XDG_CACHE_HOME") or env.get("HOME")):
        # Go needs a build cache; without a home directory use a throwaway one.
        env["GOCACHE"] = str(cache_dir / "gocache")
    return env


def build_go_program(source_dir: Path, out_dir: Path) -> Path:
    """Build the Go program in ``source_dir`` into ``out_dir``; raise on failure."""
    binary = out_dir / source_dir.name
    proc = subprocess.run(
        ["go", "build", "-o", str(binary), "."],
        cwd=source_dir,
        env=go_environment(out_dir),
        capture_output=True,
        text=True,
        timeout=_BUILD_TIMEOUT_S,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"building {source_dir} failed:\n{proc.stdout}{proc.stderr}")
    return binary


@pytest.fixture(scope="session")
def go_interop_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built interop program (skips the test when Go is not installed)."""
    if shutil.which("go") is None:
        pytest.skip("the Go toolchain (go) is not on PATH; Go interop checks need it")
    return build_go_program(GO_SOURCE_DIR, tmp_path_factory.mktemp("go-interop"))


def _runner(binary: Path, op: str) -> GoCall:
    def call(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
        payload = [{"op": op, "max_age": 0, **case} for case in cases]
        proc = subprocess.run(
            [str(binary)],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=_RUN_TIMEOUT_S,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"Go interop program failed: {proc.stderr}")
        results: list[dict[str, Any]] = json.loads(proc.stdout)
        if len(results) != len(cases):
            raise RuntimeError(f"Go answered {len(results)} results for {len(cases)} cases")
        return results

    return call


@pytest.fixture(scope="session")
def go_decode(go_interop_binary: Path) -> GoCall:
    """Decode a batch of cookies with the real Go ``SecureCookie.Decode``."""
    return _runner(go_interop_binary, "decode")


@pytest.fixture(scope="session")
def go_encode(go_interop_binary: Path) -> GoCall:
    """Encode a batch of typed values with the real Go ``SecureCookie.Encode``."""
    return _runner(go_interop_binary, "encode")


def pytest_report_header() -> str:
    """Say in the test output whether the Go interop checks can run here."""
    go = shutil.which("go")
    if go is None:
        return "go interop: SKIPPED (no go on PATH; scripts/test.sh installs it as root)"
    try:
        version = subprocess.run(
            [go, "version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as err:
        return f"go interop: go at {go} does not run ({err})"
    return f"go interop: {version}, gorilla from {GOPATH}"
