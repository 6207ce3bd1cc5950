"""Blocking code meeting an asyncio result: tell them apart, and refuse clearly.

The blocking store and registry share their rules with their asyncio twins
and differ only in awaiting. Given an asyncio part where a blocking one
belongs (an ``AsyncMongoStore`` in a WSGI registry, an ``AsyncCollection``
in a ``MongoStore``), the blocking side gets a coroutine it cannot run:
:func:`refuse_awaitable` closes it (no "never awaited" warning later) and
says what happened, rather than letting it pass for a session or a result.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any


def is_awaitable(result: object) -> bool:
    """Whether ``result`` must be awaited: a coroutine or other object with ``__await__``.

    What ``inspect.isawaitable`` answers for the coroutines of asyncio stores
    and of pymongo's asyncio API, at a fraction of its cost on the common
    blocking results (a session, a document, None, a pymongo result): the
    answer is kept per type, since it depends on the type alone. (A bare
    ``hasattr(type(x), "__await__")`` raises and swallows an AttributeError
    for every blocking result, through ``EnumType.__getattr__`` for an enum
    member on Python 3.11.) Generator-based coroutines (``types.coroutine``),
    which neither API returns, are not recognized.
    """
    kind = type(result)
    answer = _AWAITABLE_TYPES.get(kind)
    if answer is None:
        answer = isinstance(result, Awaitable)
        if len(_AWAITABLE_TYPES) >= _AWAITABLE_TYPES_LIMIT:
            _AWAITABLE_TYPES.clear()
        _AWAITABLE_TYPES[kind] = answer
    return answer


#: Each result type met, and whether it is awaitable (a few dozen in practice).
_AWAITABLE_TYPES: dict[type, bool] = {}
_AWAITABLE_TYPES_LIMIT = 512


def refuse_awaitable(result: object) -> None:
    """Raise RuntimeError if ``result`` is awaitable, closing it first; else do nothing."""
    if is_awaitable(result):
        close: Any = getattr(result, "close", None)
        if close is not None:
            close()
        raise RuntimeError("mongostore: an asyncio store or collection was used by blocking code")
