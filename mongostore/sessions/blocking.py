"""Run a coroutine that never suspends as a plain call.

How the blocking store and registry share the code of their asyncio twins:
the shared code is written once as a coroutine that awaits only what is
awaitable (an asyncio store's or collection's result). Given only blocking
parts it never suspends, and :func:`run_blocking` runs it to its end in
the calling thread, with no event loop.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of ``coroutine``, run to completion now; its exception raised as it is.

    A coroutine that does suspend (it met a real awaitable: an asyncio store
    used where a blocking one belongs) is closed and refused with RuntimeError.
    """
    try:
        coroutine.send(None)
    except StopIteration as stop:
        result: T = stop.value
        return result
    coroutine.close()
    raise RuntimeError("mongostore: an asyncio store or collection was used by blocking code")


def is_awaitable(result: object) -> bool:
    """Whether ``result`` must be awaited: a coroutine or other object with ``__await__``.

    What ``inspect.isawaitable`` answers for the coroutines of asyncio stores
    and of pymongo's asyncio API, at a fraction of its cost on the common
    blocking results (a session, a document, None, a pymongo result), which
    have no ``__await__``. Generator-based coroutines (``types.coroutine``),
    which neither returns, are not recognized.
    """
    return hasattr(type(result), "__await__")
