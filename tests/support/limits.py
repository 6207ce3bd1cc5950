"""Bounds for tests that guard against blow-ups on hostile input.

These are not speed targets (those live in ``benchmarks/``): a healthy decode
of hostile input takes microseconds to milliseconds, a regression that loses
a bound takes seconds to hours or gigabytes. The limits sit far above the
first and far below the second, so a loaded CI machine never trips them.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

#: Wall-clock ceiling for decoding one hostile input, in seconds.
BLOWUP_SECONDS = 5.0

#: Peak traced memory ceiling for decoding one hostile input, in bytes.
BLOWUP_BYTES = 64 * 1024 * 1024


class CPUBudgetExceededError(Exception):
    """Raised inside the guarded code when it used more CPU time than allowed."""


@contextlib.contextmanager
def cpu_time_limit(seconds: float = BLOWUP_SECONDS) -> Iterator[None]:
    """Interrupt the guarded block once the process has used ``seconds`` of CPU.

    A resource limit, not a speed assertion: it counts this process's own CPU
    time (``ITIMER_VIRTUAL``), so a loaded machine does not trip it, and it
    turns a decoder that lost a bound (and would run for hours) into a
    failing test instead of a hung one. Main thread only (signals).
    """

    def interrupt(signum: int, frame: object) -> None:
        raise CPUBudgetExceededError(f"used more than {seconds}s of CPU time")

    previous = signal.signal(signal.SIGVTALRM, interrupt)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
