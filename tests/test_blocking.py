"""run_blocking: the shared coroutines run as plain calls when nothing suspends."""

from __future__ import annotations

import asyncio

import pytest

from mongostore.sessions.blocking import run_blocking


async def answer(value: int) -> int:
    return value


async def fail() -> None:
    raise LookupError("gone")


async def suspend() -> None:
    await asyncio.sleep(0)


def test_a_coroutine_that_never_suspends_gives_its_result() -> None:
    assert run_blocking(answer(42)) == 42


def test_its_exception_is_raised_as_it_is() -> None:
    with pytest.raises(LookupError, match="gone"):
        run_blocking(fail())


def test_a_coroutine_that_suspends_is_closed_and_refused() -> None:
    coroutine = suspend()
    with pytest.raises(RuntimeError, match="asyncio store or collection was used by blocking"):
        run_blocking(coroutine)
    assert coroutine.cr_frame is None  # closed: no "never awaited" warning later
