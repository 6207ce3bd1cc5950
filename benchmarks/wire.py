"""The wire server the asyncio benchmarks run on (mongoeco, as in the tests).

Importing this module raises ModuleNotFoundError naming ``mongoeco`` when
no interpreter with mongoeco is configured, so ``python -m benchmarks``
lists the asyncio benchmarks as skipped rather than failing.
"""

from __future__ import annotations

from tests.support.aio import PYTHON_VARIABLE, running_wire_server, wire_python

PYTHON = wire_python()
if PYTHON is None:
    raise ModuleNotFoundError(
        f"no Python with mongoeco for the wire server (set ${PYTHON_VARIABLE})", name="mongoeco"
    )

__all__ = ["PYTHON", "running_wire_server"]
