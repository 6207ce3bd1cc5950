"""The gob encoder: Go's bytes where Go is deterministic, the mapping, and its refusals."""

from __future__ import annotations

import base64
import datetime as dt
import math
from typing import Any

import pytest

from securecookie import Error
from securecookie.gob import GobError, GobSerializer, GoStruct, decode, encode
from securecookie.gob.decoder import MAX_DEPTH
from tests.support.vectors import ids, typed_to_python, values_equal, vectors

DETERMINISTIC = [
    v
    for v in vectors("encode_decode", serializer="gob")
    if v.get("serialized_deterministic") and "flash" not in v["id"] and "time" not in v["id"]
]


@pytest.mark.parametrize("vector", DETERMINISTIC, ids=ids(DETERMINISTIC))
def test_deterministic_go_payloads_are_reproduced_byte_for_byte(vector: dict[str, Any]) -> None:
    value = typed_to_python(vector["expect"]["value"])
    assert encode(value) == base64.b64decode(vector["serialized_b64"])


def test_deterministic_vectors_include_strings_and_a_values_map() -> None:
    kinds = {v["expect"]["value"]["type"] for v in DETERMINISTIC}
    assert kinds == {"string", "map[interface {}]interface {}"}


def test_session_id_is_a_bare_gob_string() -> None:
    assert encode("5ed0e4be448c4dd1274c31e3") == b"\x1b\x0c\x00\x18" + b"5ed0e4be448c4dd1274c31e3"
    assert encode("") == b"\x03\x0c\x00\x00"


def test_type_definitions_precede_the_value_message_with_ids_in_first_use_order() -> None:
    data = encode({"_flash": ["hi"]})
    # 65 = map[interface]interface, 66 = []interface{} (Go: SliceT{CommonType{Id 66}, Elem 8}).
    assert data.startswith(bytes.fromhex("0eff81040102ff82000110011000000cff83020102ff8400011000"))
    assert decode(data) == {"_flash": ["hi"]}


ROUND_TRIPS: dict[str, Any] = {
    "str": "héllo",
    "int": -(2**63),
    "int_max": 2**63 - 1,
    "float": 2.5,
    "bool": False,
    "bytes": b"\x00\xff",
    "list": [1, "a", None, [2.0]],
    "complex": complex(0.5, -1),
    "time": dt.datetime(2020, 2, 29, 23, 59, 59, 999999, tzinfo=dt.UTC),
    "values": {1: {2: 3}, "s": {"k": {"x": []}}, None: "nil key", 1.5: True},
    "long_string": "x" * 5000,
    "surrogate_escaped_bytes": "\udcff\udcfe",
}


@pytest.mark.parametrize("value", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_mapped_values_round_trip_at_top_level_and_inside_values(value: Any) -> None:
    assert values_equal(decode(encode(value)), value)
    assert values_equal(decode(encode({"v": value})), {"v": value})


def test_struct_keeps_its_registered_name_inside_values_and_wire_name_at_top_level() -> None:
    flash = GoStruct("main.Flash", {"Type": 1, "Message": "m"})
    assert decode(encode({"f": flash})) == {"f": flash}
    # A top-level struct carries no registration name, only Go's type name.
    assert decode(encode(flash)) == GoStruct("Flash", flash.fields)


def test_tuple_and_bytearray_encode_as_list_and_bytes() -> None:
    assert decode(encode({"t": (1, 2), "b": bytearray(b"ab")})) == {"t": [1, 2], "b": b"ab"}


def test_nan_round_trips() -> None:
    assert math.isnan(decode(encode({"x": math.nan}))["x"])


@pytest.mark.parametrize(
    ("offset", "expected_tail"),
    [
        (dt.timedelta(0), "ffff"),  # UTC is Go's -1 minutes
        (dt.timedelta(minutes=330), "014a"),
        (dt.timedelta(minutes=-210), "ff2e"),
    ],
)
def test_time_zone_offset_encodes_as_go_minutes(offset: dt.timedelta, expected_tail: str) -> None:
    when = dt.datetime(2024, 3, 1, 12, 30, 45, 123456, tzinfo=dt.timezone(offset))
    data = encode(when)
    assert data.hex().endswith(expected_tail)
    assert decode(data) == when
    assert decode(data).utcoffset() == offset


def test_time_offset_with_seconds_uses_go_version_two() -> None:
    zone = dt.timezone(dt.timedelta(hours=1, seconds=7))
    when = dt.datetime(2030, 1, 1, tzinfo=zone)
    data = encode(when)
    assert data[-16] == 2  # MarshalBinary version byte of the 16-byte V2 form
    assert decode(data).utcoffset() == dt.timedelta(hours=1, seconds=7)


REFUSED: dict[str, tuple[Any, str]] = {
    "top_level_none": (None, "gob: cannot encode nil value"),
    "int_above_int64": ({"n": 2**63}, "outside the range of Go's int"),
    "int_below_int64": ([-(2**63) - 1], "outside the range of Go's int"),
    "naive_datetime": ({"t": dt.datetime(2024, 1, 1)}, "naive datetime"),
    "set": ({"s": {1}}, "Python type set"),
    "object": (object(), "Python type object"),
    "date": ({"d": dt.date(2024, 1, 1)}, "Python type date"),
    "bytes_key": ({b"k": 1}, "not comparable"),
    "tuple_key": ({(1,): 1}, "not comparable"),
    "struct_with_lowercase_field": (GoStruct("main.T", {"x": 1}), "not an exported"),
}


@pytest.mark.parametrize(("value", "fragment"), REFUSED.values(), ids=REFUSED.keys())
def test_values_without_a_go_mapping_raise_a_usage_error(value: Any, fragment: str) -> None:
    with pytest.raises(Error) as info:
        GobSerializer().serialize(value)
    assert info.value.is_usage()
    assert not info.value.is_decode()
    assert isinstance(info.value.cause, GobError)
    assert fragment in str(info.value)
    assert str(info.value).startswith("securecookie: error - caused by: gob: ")


def test_nil_value_error_text_matches_go_vector() -> None:
    (vector,) = [v for v in vectors("encode_error") if v["id"].endswith("gob_nil")]
    with pytest.raises(Error) as info:
        GobSerializer().serialize(None)
    # The codec adds the outer "securecookie: error - caused by: " wrap.
    assert vector["expect"]["error"].endswith(str(info.value))


def test_cyclic_list_is_refused_as_too_deep() -> None:
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    with pytest.raises(Error, match="nested deeper"):
        GobSerializer().serialize({"c": cyclic})


def test_nesting_at_the_decoder_limit_round_trips() -> None:
    value: Any = "leaf"
    for _ in range(MAX_DEPTH // 2 - 1):
        value = [value]
    assert decode(encode(value)) == value


def test_an_exception_from_the_callers_own_object_is_a_usage_error() -> None:
    class BrokenZone(dt.tzinfo):
        def utcoffset(self, when: dt.datetime | None) -> dt.timedelta:
            raise RuntimeError("zone database unavailable")

    with pytest.raises(Error) as info:
        GobSerializer().serialize({"at": dt.datetime(2024, 1, 1, tzinfo=BrokenZone())})
    assert info.value.is_usage()
    assert isinstance(info.value.cause, RuntimeError)
