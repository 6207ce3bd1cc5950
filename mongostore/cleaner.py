"""The auto-clean loop that deletes expired sessions (Go's ``MongoStore.StartAutoClean``).

Three forms: :func:`run_auto_clean` blocks the calling thread like Go's, until
its ``stop`` event is set; :class:`AutoCleanThread` runs the same loop in a
daemon thread and is stopped with :meth:`AutoCleanThread.stop`;
:func:`run_auto_clean_async` is the loop of an asyncio task
(:meth:`mongostore.aio.AsyncMongoStore.start_auto_clean`). Only one loop
per store runs at a time: a second start returns at once, as Go's
``autoCleanRunning`` flag makes it (we use a lock, so two threads cannot both
see the flag unset).
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType

from mongostore.errors import Error

_log = logging.getLogger(__name__)

#: Deletes the expired sessions and returns how many it deleted.
CleanFunc = Callable[[], int]
#: The same for an asyncio store: a coroutine function.
AsyncCleanFunc = Callable[[], Awaitable[int]]


class InvalidIntervalError(Error, ValueError):
    """The clean interval is not a positive number of seconds a thread can wait.

    Go's ``time.NewTicker`` panics on a non-positive duration; we raise before
    starting. Longer than ``threading.TIMEOUT_MAX`` (about 292 years) is refused
    too: ``Event.wait`` would raise OverflowError inside the loop.
    """

    def __init__(self, interval: object) -> None:
        self.interval = interval
        super().__init__(
            f"mongostore: auto-clean interval must be a positive number of seconds, "
            f"got {interval!r}"
        )


def validate_interval(interval: object) -> float:
    """``interval`` as float seconds; :class:`InvalidIntervalError` when unusable."""
    if isinstance(interval, bool) or not isinstance(interval, int | float):
        raise InvalidIntervalError(interval)
    try:
        seconds = float(interval)
    except OverflowError:  # an int too large for a float
        raise InvalidIntervalError(interval) from None
    if not (seconds > 0 and math.isfinite(seconds) and seconds <= threading.TIMEOUT_MAX):
        raise InvalidIntervalError(interval)
    return seconds


def run_auto_clean(
    clean: CleanFunc,
    interval: float,
    stop: threading.Event | None,
    running: threading.Lock,
) -> None:
    """Call ``clean`` every ``interval`` seconds until ``stop`` is set.

    Returns at once when another loop holds ``running``. Without ``stop`` it
    runs for the life of the process, like Go's loop on a background context.
    The first clean happens one interval after the start, as with Go's ticker.
    A failed clean is logged and the loop goes on (Go discards the error; a
    silent failure would hide a broken database connection).
    """
    seconds = validate_interval(interval)
    if not running.acquire(blocking=False):
        return
    try:
        stop_event = threading.Event() if stop is None else stop
        while not stop_event.wait(seconds):
            try:
                deleted = clean()
            except Exception:
                log_failed_clean()
            else:
                log_clean(deleted)
    finally:
        running.release()


async def run_auto_clean_async(clean: AsyncCleanFunc, seconds: float) -> None:
    """Await ``clean`` every ``seconds`` (checked by :func:`validate_interval`) until cancelled.

    The asyncio form of :func:`run_auto_clean`, with its rules: the first
    clean one interval after the start, a failed clean logged and retried.
    """
    while True:
        await asyncio.sleep(seconds)
        try:
            deleted = await clean()
        except Exception:
            log_failed_clean()
        else:
            log_clean(deleted)


def log_failed_clean() -> None:
    """Log the exception being handled as a failed clean (the loop goes on)."""
    _log.warning("mongostore: auto-clean failed; retrying next interval", exc_info=True)


def log_clean(deleted: int) -> None:
    """Log how many expired sessions one clean deleted."""
    _log.debug("mongostore: auto-clean deleted %d expired sessions", deleted)


class AutoCleanThread:
    """The auto-clean loop in a daemon thread; :meth:`stop` ends it and waits for it.

    Usable as a context manager, which stops the loop on exit. When another
    loop of the same store is already running, this thread ends at once and
    :meth:`stop` is harmless.
    """

    def __init__(self, clean: CleanFunc, interval: float, running: threading.Lock) -> None:
        seconds = validate_interval(interval)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=run_auto_clean,
            args=(clean, seconds, self._stop, running),
            name="mongostore-auto-clean",
            daemon=True,  # never keep the process alive just to clean sessions
        )

    def start(self) -> AutoCleanThread:
        """Start the loop; returns ``self`` for chaining."""
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to end and wait up to ``timeout`` seconds (None: until it has)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def is_alive(self) -> bool:
        """True while the loop thread runs."""
        return self._thread.is_alive()

    def __enter__(self) -> AutoCleanThread:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
