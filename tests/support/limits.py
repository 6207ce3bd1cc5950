"""Bounds for tests that guard against blow-ups on hostile input.

These are not speed targets (those live in ``benchmarks/``): a healthy decode
of hostile input takes microseconds to milliseconds, a regression that loses
a bound takes seconds to hours or gigabytes. The limits sit far above the
first and far below the second, so a loaded CI machine never trips them.
"""

from __future__ import annotations

#: Wall-clock ceiling for decoding one hostile input, in seconds.
BLOWUP_SECONDS = 5.0

#: Peak traced memory ceiling for decoding one hostile input, in bytes.
BLOWUP_BYTES = 64 * 1024 * 1024
