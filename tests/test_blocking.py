"""refuse_awaitable: blocking code given an asyncio result refuses it, and closes it."""

from __future__ import annotations

import asyncio

import pytest

from mongostore.sessions.blocking import is_awaitable, refuse_awaitable


async def suspend() -> None:
    await asyncio.sleep(0)


class AwaitableOnly:
    """Awaitable with no ``close``: refused all the same."""

    def __await__(self):  # type: ignore[no-untyped-def]
        yield None


@pytest.mark.parametrize("result", [None, 0, "session", {"_id": 1}, [1, 2]])
def test_a_blocking_result_passes(result: object) -> None:
    assert not is_awaitable(result)
    refuse_awaitable(result)


def test_a_coroutine_is_closed_and_refused() -> None:
    coroutine = suspend()
    assert is_awaitable(coroutine)
    with pytest.raises(RuntimeError, match="asyncio store or collection was used by blocking"):
        refuse_awaitable(coroutine)
    assert coroutine.cr_frame is None  # closed: no "never awaited" warning later


def test_an_awaitable_without_close_is_refused() -> None:
    with pytest.raises(RuntimeError, match="used by blocking code"):
        refuse_awaitable(AwaitableOnly())
