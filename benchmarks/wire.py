"""The wire server the asyncio benchmarks run on (mongoeco, started as the tests start it).

Importing this module raises ModuleNotFoundError naming ``mongoeco`` when
no interpreter with mongoeco is configured, so ``python -m benchmarks``
lists the asyncio benchmarks as skipped rather than failing.
"""

from __future__ import annotations

from tests.support.wire import PYTHON_VARIABLE, WireUnavailableError, running_server, server_python

try:
    server_python()
except WireUnavailableError as exc:
    raise ModuleNotFoundError(
        f"no Python with mongoeco for the wire server (set ${PYTHON_VARIABLE}): {exc}",
        name="mongoeco",
    ) from exc

__all__ = ["running_server"]
