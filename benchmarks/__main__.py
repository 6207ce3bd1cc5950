"""``python -m benchmarks``: every benchmark of the project in one table.

Prints the machine (CPU model, core count), the Python and package versions
that produced the numbers, then the rows of each ``bench_*`` module that
exists. ``python -m benchmarks codec store`` runs only the named modules.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import Row, format_table

#: Benchmark modules in display order; each exposes ``results() -> list[Row]``.
MODULES = (
    "bench_codec",
    "bench_cipher",
    "bench_gob",
    "bench_store",
    "bench_load",
    "bench_aio",
    "bench_asgi",
    "bench_lifetimes",
    "bench_flask",
)
#: Packages whose versions shape the numbers (C-backed crypto, drivers, peers).
PACKAGES = (
    "mongostore",
    "cryptography",
    "pymongo",
    "mongomock",
    "werkzeug",
    "itsdangerous",
    "uvicorn",
    "starlette",
    "flask",
    "Flask-Session",
)


def cpu_model() -> str:
    """The CPU model name (Linux /proc/cpuinfo), else what ``platform`` knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown"


def package_version(name: str) -> str:
    """The installed version of ``name``, or "not installed"."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def environment_lines() -> list[str]:
    """Machine, OS, Python and package versions: the context any number needs."""
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cores = f"{os.cpu_count()} logical cores" + (
        f", {affinity} usable by this process" if affinity is not None else ""
    )
    return [
        f"machine:  {cpu_model()} ({cores})",
        f"system:   {platform.platform()}",
        f"python:   {platform.python_implementation()} {platform.python_version()}",
        "packages: " + ", ".join(f"{name} {package_version(name)}" for name in PACKAGES),
        f"date:     {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
    ]


def collect(modules: Sequence[str]) -> tuple[list[Row], list[str]]:
    """Rows of every importable module in ``modules``, and notes on the missing ones."""
    rows: list[Row] = []
    notes: list[str] = []
    for module_name in modules:
        qualified = f"benchmarks.{module_name}"
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name == qualified:
                notes.append(f"{qualified}: not present, skipped")
            else:  # a peer or backend it measures against is not installed
                notes.append(f"{qualified}: skipped, needs {exc.name} (pip install -e '.[dev]')")
            continue
        rows.extend(module.results())
    return rows, notes


def main(argv: Sequence[str] | None = None) -> int:
    """Print the environment and one table of every benchmark row."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "only",
        nargs="*",
        metavar="NAME",
        help="run only these modules ("
        + ", ".join(m.removeprefix("bench_") for m in MODULES)
        + "); default: all",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.only if f"bench_{name}" not in MODULES]
    if unknown:
        choices = ", ".join(name.removeprefix("bench_") for name in MODULES)
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {choices}")
    selected = [f"bench_{name}" for name in args.only] or list(MODULES)
    print("\n".join(environment_lines()))
    print()
    rows, notes = collect(selected)
    print(format_table(rows))
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
