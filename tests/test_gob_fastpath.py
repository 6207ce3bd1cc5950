"""The fast Values decoder may only accept what the general decoder accepts, identically."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securecookie.gob import encode
from securecookie.gob.decoder import Decoder
from securecookie.gob.fastpath import NotFastPathError, decode_simple_values
from securecookie.gob.wire import GobError

_scalars = st.one_of(
    st.text(max_size=130), st.integers(-(2**63), 2**63 - 1), st.booleans(), st.none()
)
_values = st.one_of(_scalars, st.lists(_scalars, max_size=5))
_sessions = st.dictionaries(_scalars, _values, max_size=8)


def _fast_or_none(data: bytes) -> Any:
    try:
        return decode_simple_values(data)
    except NotFastPathError:
        return None


@settings(max_examples=150, deadline=None)
@given(_sessions)
def test_simple_sessions_take_the_fast_path_with_the_general_result(values: dict[Any, Any]) -> None:
    data = encode(values)
    fast = _fast_or_none(data)
    general = Decoder(data).decode()
    assert general == values
    if fast is not None:
        assert repr(fast) == repr(general)


def test_the_benchmark_session_takes_the_fast_path() -> None:
    values = {"user": "alice", "provider": "ldap", "n": 3, "admin": True, "_flash": ["hi"]}
    assert decode_simple_values(encode(values)) == values


@settings(max_examples=300, deadline=None)
@given(_sessions, st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), max_size=4))
def test_mutated_streams_the_fast_path_accepts_decode_identically(
    values: dict[Any, Any], edits: list[tuple[int, int]]
) -> None:
    data = bytearray(encode(values))
    for where, byte in edits:
        data[where % len(data)] = byte
    fast = _fast_or_none(bytes(data))
    if fast is None:
        return
    try:
        general = Decoder(bytes(data)).decode()
    except GobError:  # pragma: no cover - the failure this test exists to catch
        pytest.fail("the fast path accepted a stream the general decoder rejects")
    assert repr(fast) == repr(general)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        encode({"user": "alice"})[:-1],
        encode({"user": "alice"}) + b"\x00",
        encode({"t": 1.5}),
        encode({"n": 2**40}),
        encode({"l": [[1]]}),
        encode("session-id"),
    ],
    ids=["empty", "truncated", "trailing", "float", "big_int", "nested_list", "string"],
)
def test_other_streams_are_left_to_the_general_decoder(data: bytes) -> None:
    with pytest.raises(NotFastPathError):
        decode_simple_values(data)
