"""Shared timing and reporting for the benchmark scripts.

Every benchmark module exposes ``results() -> list[Row]`` and can run alone
(``python -m benchmarks.bench_codec``); ``python -m benchmarks`` prints all of
them in one table. Peers are measured in the same process and run, so ratios
compare like with like on whatever machine runs them.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Callable, Iterable
from typing import Any


@dataclasses.dataclass(frozen=True)
class Row:
    """One measured subject, optionally beside a peer doing the same work."""

    group: str
    subject: str
    us_per_op: float
    peer: str = ""
    peer_us_per_op: float | None = None
    target: float | None = None  # the ratio the issue asks for (subject/peer <= target)
    unit: str = ""  # set when the numbers are counts (e.g. "writes"), not microseconds

    @property
    def ratio(self) -> float | None:
        if self.peer_us_per_op is None or self.peer_us_per_op == 0:
            return None
        return self.us_per_op / self.peer_us_per_op

    @property
    def verdict(self) -> str:
        if self.target is None or self.ratio is None:
            return ""
        return "ok" if self.ratio <= self.target else "MISSED"


def time_per_op(func: Callable[[], object], *, min_time: float = 0.2, repeat: int = 5) -> float:
    """Best-of-``repeat`` microseconds per call of ``func``.

    Best-of filters scheduler noise on a shared 2-core machine; each repeat
    runs at least ``min_time`` seconds with the GC off, as timeit does.
    """
    number = 1
    while True:  # calibrate: enough calls to fill min_time
        start = time.perf_counter()
        for _ in range(number):
            func()
        if time.perf_counter() - start >= min_time / 4:
            break
        number *= 2
    best = float("inf")
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            for _ in range(number * 4):
                func()
            best = min(best, (time.perf_counter() - start) / (number * 4))
    finally:
        if gc_was_enabled:
            gc.enable()
    return best * 1e6


def best_pair(
    subject: Callable[[], object], peer: Callable[[], object], *, rounds: int = 3
) -> tuple[float, float]:
    """Best µs per call of ``subject`` and of ``peer``, measured in alternating rounds.

    Alternating keeps a burst of load from other processes on a shared
    machine from hurting only one side; the best of each side is kept.
    """
    subject_best = peer_best = float("inf")
    for _ in range(rounds):
        subject_best = min(subject_best, time_per_op(subject))
        peer_best = min(peer_best, time_per_op(peer))
    return subject_best, peer_best


def _number(value: float, unit: str) -> str:
    return f"{value:.0f} {unit}" if unit else f"{value:.2f}"


def format_table(rows: Iterable[Row]) -> str:
    """A plain-text table of rows: subject, µs/op (or a count), peer, peer µs/op, ratio, target."""
    header = ("group", "subject", "us/op", "peer", "peer us/op", "ratio", "target", "")
    lines = [header]
    for r in rows:
        lines.append(
            (
                r.group,
                r.subject,
                _number(r.us_per_op, r.unit),
                r.peer,
                "" if r.peer_us_per_op is None else _number(r.peer_us_per_op, r.unit),
                "" if r.ratio is None else f"{r.ratio:.2f}x",
                "" if r.target is None else f"<= {r.target:.2f}x",
                r.verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    out.insert(1, "-" * len(out[0]))
    return "\n".join(out)


class CountingCollection:
    """Counts the write operations sent to a collection; everything else passes through.

    Its type defines ``find_one``, so the stores take it as a collection.
    """

    WRITES = frozenset({"insert_one", "update_one", "replace_one", "delete_one", "delete_many"})

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.writes = 0

    @property
    def full_name(self) -> str:
        return str(self.inner.full_name)

    def find_one(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.find_one(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if name in self.WRITES:
            self.writes += 1
        return attribute
