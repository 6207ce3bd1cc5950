"""Property tests: every mapped value round-trips; no byte string crashes the decoder."""

from __future__ import annotations

import base64
import datetime as dt
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from securecookie import Error
from securecookie.gob import GobSerializer
from tests.support.limits import BLOWUP_SECONDS
from tests.support.vectors import values_equal, vectors

SERIALIZER = GobSerializer()

# Whole-minute offsets (except -1 min, which Go refuses) plus positive ones with
# seconds: Go's Time.UnmarshalBinary adds the seconds byte unsigned, so a
# negative offset with seconds does not survive even a Go-to-Go round trip.
_offsets = st.one_of(
    st.integers(-1439, 1439).filter(lambda m: m != -1).map(lambda m: dt.timedelta(minutes=m)),
    st.integers(1, 86399).map(lambda s: dt.timedelta(seconds=s)),
)
_aware_datetimes = st.builds(
    lambda naive, offset: naive.replace(tzinfo=dt.timezone(offset)),
    st.datetimes(min_value=dt.datetime(2, 1, 1), max_value=dt.datetime(9998, 12, 31)),
    _offsets,
)
_scalars = st.one_of(
    st.text(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.booleans(),
    st.binary(),
    st.none(),
    st.complex_numbers(allow_nan=False),  # values_equal has no complex-NaN rule
    _aware_datetimes,
)
_keys = st.one_of(st.text(), st.integers(-(2**63), 2**63 - 1), st.booleans())
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(), inner, max_size=4),
        st.dictionaries(_keys, inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=6))
def test_any_session_values_round_trip(values: dict[Any, Any]) -> None:
    assert values_equal(SERIALIZER.deserialize(SERIALIZER.serialize(values)), values)


@settings(max_examples=100, deadline=None)
@given(_values.filter(lambda v: v is not None))
def test_any_top_level_value_round_trips(value: Any) -> None:
    assert values_equal(SERIALIZER.deserialize(SERIALIZER.serialize(value)), value)


@settings(max_examples=50, deadline=None)
@given(_aware_datetimes)
def test_time_round_trip_keeps_the_zone_offset(when: dt.datetime) -> None:
    back = SERIALIZER.deserialize(SERIALIZER.serialize({"t": when}))["t"]
    assert back == when
    assert back.utcoffset() == when.utcoffset()


_SEEDS = [
    base64.b64decode(v["serialized_b64"])
    for v in vectors(serializer="gob")
    if "serialized_b64" in v and v["expect"]["ok"]
]


def _only_decode_errors(data: bytes) -> None:
    start = time.perf_counter()
    failure: Error | None = None
    try:
        SERIALIZER.deserialize(data)
    except Error as exc:  # anything else escaping fails the test
        failure = exc
    assert failure is None or failure.is_decode()
    assert time.perf_counter() - start < BLOWUP_SECONDS


@st.composite
def _mutated_payloads(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "set", "cut", "insert", "truncate"]))
        if action == "flip" and data:
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif action == "set" and data:
            data[where] = draw(st.sampled_from([0x00, 0x7F, 0x80, 0xF8, 0xFF, 0x10, 0x01]))
        elif action == "cut":
            del data[where : where + draw(st.integers(1, 8))]
        elif action == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[where:]
    return bytes(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated_payloads())
def test_mutated_go_payloads_raise_only_decode_errors(data: bytes) -> None:
    _only_decode_errors(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_raise_only_decode_errors(data: bytes) -> None:
    _only_decode_errors(data)
