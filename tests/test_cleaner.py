"""The auto-clean loop: blocking form, background-thread form, one loop per store."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

from mongostore.cleaner import (
    AutoCleanThread,
    InvalidIntervalError,
    run_auto_clean,
    validate_interval,
)
from mongostore.errors import Error

TICK = 0.01  # seconds; keeps every test well under a second
WAIT = 5.0  # generous upper bound for a thread to react on a loaded machine


class CountingClean:
    """A clean function that counts calls and lets the test wait for the n-th."""

    def __init__(self, fail_first: int = 0) -> None:
        self.calls = 0
        self.fail_first = fail_first
        self._changed = threading.Condition()

    def __call__(self) -> int:
        with self._changed:
            self.calls += 1
            self._changed.notify_all()
            if self.calls <= self.fail_first:
                raise RuntimeError("database unavailable")
        return 3

    def wait_for(self, calls: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.calls >= calls, timeout=WAIT)


def run_in_thread(target: Any, *args: Any) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


class TestInterval:
    @pytest.mark.parametrize("interval", [0, -1, 0.0, float("nan"), float("inf"), True, "1", None])
    def test_unusable_intervals_raise_a_typed_error(self, interval: object) -> None:
        with pytest.raises(InvalidIntervalError) as info:
            validate_interval(interval)
        assert isinstance(info.value, Error)
        assert isinstance(info.value, ValueError)

    @pytest.mark.parametrize(("interval", "seconds"), [(1, 1.0), (0.001, 0.001), (60.5, 60.5)])
    def test_positive_numbers_are_seconds(self, interval: float, seconds: float) -> None:
        assert validate_interval(interval) == seconds

    def test_the_blocking_loop_rejects_a_bad_interval_before_starting(self) -> None:
        with pytest.raises(InvalidIntervalError):
            run_auto_clean(CountingClean(), 0, threading.Event(), threading.Lock())

    @pytest.mark.parametrize(
        "interval",
        [threading.TIMEOUT_MAX * 2, 1e300, 10**30, 10**400],
        ids=["twice-timeout-max", "1e300", "int-1e30", "int-1e400"],
    )
    def test_an_interval_no_wait_can_take_is_rejected(self, interval: float) -> None:
        # Event.wait raises OverflowError beyond TIMEOUT_MAX: in the thread form
        # that would kill the loop silently, so it is refused up front.
        with pytest.raises(InvalidIntervalError):
            validate_interval(interval)
        with pytest.raises(InvalidIntervalError):
            AutoCleanThread(CountingClean(), interval, threading.Lock())

    def test_the_longest_waitable_interval_is_accepted(self) -> None:
        assert validate_interval(threading.TIMEOUT_MAX) == threading.TIMEOUT_MAX


class TestBlockingLoop:
    def test_cleans_every_interval_until_stop_is_set(self) -> None:
        clean, stop, running = CountingClean(), threading.Event(), threading.Lock()
        thread = run_in_thread(run_auto_clean, clean, TICK, stop, running)
        clean.wait_for(3)
        stop.set()
        thread.join(WAIT)
        assert not thread.is_alive()
        assert not running.locked()

    def test_does_not_clean_before_the_first_interval_has_passed(self) -> None:
        clean, stop = CountingClean(), threading.Event()
        stop.set()
        started = time.monotonic()
        run_auto_clean(clean, 60, stop, threading.Lock())
        assert clean.calls == 0
        assert time.monotonic() - started < WAIT

    def test_a_second_concurrent_loop_returns_at_once(self) -> None:
        clean, stop, running = CountingClean(), threading.Event(), threading.Lock()
        first = run_in_thread(run_auto_clean, clean, TICK, stop, running)
        clean.wait_for(1)
        second_clean = CountingClean()
        started = time.monotonic()
        run_auto_clean(second_clean, TICK, None, running)  # would block forever if it ran
        assert time.monotonic() - started < WAIT
        assert second_clean.calls == 0
        stop.set()
        first.join(WAIT)

    def test_a_loop_can_start_again_after_the_previous_one_stopped(self) -> None:
        running = threading.Lock()
        for _ in range(2):
            clean, stop = CountingClean(), threading.Event()
            thread = run_in_thread(run_auto_clean, clean, TICK, stop, running)
            clean.wait_for(1)
            stop.set()
            thread.join(WAIT)
            assert clean.calls >= 1

    def test_a_failed_clean_is_logged_and_the_loop_goes_on(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        clean, stop = CountingClean(fail_first=2), threading.Event()
        with caplog.at_level(logging.WARNING, logger="mongostore.cleaner"):
            thread = run_in_thread(run_auto_clean, clean, TICK, stop, threading.Lock())
            clean.wait_for(4)
            stop.set()
            thread.join(WAIT)
        failures = [r for r in caplog.records if "auto-clean failed" in r.getMessage()]
        assert len(failures) == 2
        assert all(r.exc_info is not None for r in failures)


class TestBackgroundThread:
    def test_runs_in_the_background_and_stop_ends_it(self) -> None:
        clean = CountingClean()
        handle = AutoCleanThread(clean, TICK, threading.Lock()).start()
        clean.wait_for(2)
        handle.stop(WAIT)
        assert not handle.is_alive()
        calls = clean.calls
        time.sleep(5 * TICK)
        assert clean.calls == calls

    def test_the_thread_is_a_daemon_so_it_never_keeps_the_process_alive(self) -> None:
        handle = AutoCleanThread(CountingClean(), 60, threading.Lock()).start()
        try:
            assert handle._thread.daemon
        finally:
            handle.stop(WAIT)

    def test_context_manager_stops_the_loop(self) -> None:
        clean = CountingClean()
        with AutoCleanThread(clean, TICK, threading.Lock()).start() as handle:
            clean.wait_for(1)
        assert not handle.is_alive()

    def test_stop_is_idempotent(self) -> None:
        handle = AutoCleanThread(CountingClean(), 60, threading.Lock()).start()
        handle.stop(WAIT)
        handle.stop(WAIT)
        assert not handle.is_alive()

    def test_a_bad_interval_raises_in_the_caller_not_in_the_thread(self) -> None:
        with pytest.raises(InvalidIntervalError):
            AutoCleanThread(CountingClean(), -5, threading.Lock())
