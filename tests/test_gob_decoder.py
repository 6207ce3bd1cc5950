"""The gob decoder against Go-made bytes: every vector payload, Go quirks, hostile input."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from securecookie import Error
from securecookie.gob import GobError, GobSerializer, GoStruct, decode, types
from securecookie.gob.decoder import MAX_DEPTH
from securecookie.gob.wire import encode_int, encode_uint
from tests.support.limits import BLOWUP_BYTES, BLOWUP_SECONDS, cpu_time_limit
from tests.support.vectors import ids, typed_to_python, values_equal, vectors

GOB_PAYLOADS = [v for v in vectors(serializer="gob") if "serialized_b64" in v and v["expect"]["ok"]]


def _walkthrough(hex_text: str) -> bytes:
    return bytes.fromhex(hex_text.replace(" ", ""))


@pytest.mark.parametrize("vector", GOB_PAYLOADS, ids=ids(GOB_PAYLOADS))
def test_go_vector_payload_decodes_to_the_expected_value(vector: dict[str, Any]) -> None:
    value = GobSerializer().deserialize(base64.b64decode(vector["serialized_b64"]))
    assert values_equal(value, typed_to_python(vector["expect"]["value"]))


def test_vector_payloads_cover_every_shape() -> None:
    # Guards against an empty parametrization silently passing.
    assert len(GOB_PAYLOADS) >= 40


def test_walkthrough_one_values_map_decodes() -> None:
    data = _walkthrough(
        "0e ff81 04 01 02 ff82 00 01 10 01 10 00 00"
        "23 ff82 00 01 06 737472696e67 0c 06 00 04 75736572 06 737472696e67 0c 07 00 05 616c696365"
    )
    assert decode(data) == {"user": "alice"}


def test_type_definition_in_the_middle_of_a_value_continues_in_the_next_message() -> None:
    # Walk-through 2: the flash slice's type is defined inside message 2, which ends there.
    data = _walkthrough(
        "0e ff81 04 01 02 ff82 00 01 10 01 10 00 00"
        "30 ff82 00 01 06 737472696e67 0c 08 00 06 5f666c617368"
        "0e 5b5d696e74657266616365207b7d ff83 02 01 02 ff84 00 01 10 00 00"
        "12 ff84 0f 00 01 06 737472696e67 0c 04 00 02 6869"
    )
    assert decode(data) == {"_flash": ["hi"]}


def test_top_level_string_session_id_decodes() -> None:
    assert decode(b"\x1b\x0c\x00\x18" + b"5ed0e4be448c4dd1274c31e3") == "5ed0e4be448c4dd1274c31e3"
    assert decode(b"\x03\x0c\x00\x00") == ""


VALUES_MAP_DEFINITION = _walkthrough("0e ff81 04 01 02 ff82 00 01 10 01 10 00 00")


def _values_map_split(first: bytes, second: bytes) -> bytes:
    """A one-entry Values map whose value message is split after ``first``, as Go does."""
    return VALUES_MAP_DEFINITION + bytes([len(first)]) + first + bytes([len(second)]) + second


def test_time_keeps_zone_offset_and_truncates_nanoseconds() -> None:
    blob = bytes.fromhex("010000000edd73c175075bcd15014a")  # 123456789 ns, +330 minutes
    first = b"\xff\x82\x00\x01\x06string\x0c\x03\x00\x01t\x09time.Time" + _walkthrough(
        "ff87 05 01 01 04 54696d65 01 ff88 00 00 00"
    )
    when = decode(_values_map_split(first, _walkthrough("ff88 11 00 0f") + blob))["t"]
    assert when.utcoffset() == dt.timedelta(minutes=330)
    assert when.microsecond == 123456
    assert int(when.timestamp()) == 1709296245


def test_registered_struct_decodes_to_gostruct_with_zero_fields_restored() -> None:
    # Go's encoding of map[interface{}]interface{}{"f": main.Flash{Type: 3}} (Message omitted).
    first = b"\xff\x82\x00\x01\x06string\x0c\x03\x00\x01f\x0amain.Flash" + _walkthrough(
        "ff83 03 01 01 05 466c617368 01 ff84 00 01 02 01 04 54797065 01 04 00"
        "01 07 4d657373616765 01 0c 00 00 00"
    )
    value = decode(_values_map_split(first, _walkthrough("ff84 03 01 06 00")))
    assert value == {"f": GoStruct("main.Flash", {"Type": 3, "Message": ""})}


def test_basic_name_with_mismatched_wire_type_is_rejected() -> None:
    # Interface says "string" but carries an int (id 2).
    head = VALUES_MAP_DEFINITION
    entry = b"\xff\x82\x00\x01\x06string\x04\x02\x00\x06\x06string\x0c\x02\x00\x00"
    with pytest.raises(GobError, match="cannot hold"):
        decode(head + bytes([len(entry)]) + entry)


def test_sized_int_out_of_range_is_rejected() -> None:
    head = VALUES_MAP_DEFINITION
    entry = b"\xff\x82\x00\x01\x04int8\x04\x04\x00\xfe\x01\x00" + b"\x00"
    with pytest.raises(GobError, match="out of range"):
        decode(head + bytes([len(entry)]) + entry)


# Each hostile input and a fragment of the error it must raise.
HOSTILE: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "EOF"),
    "only_a_length": (b"\x05", "unexpected EOF"),
    "huge_message_length": (b"\xf8\x7f\xff\xff\xff\xff\xff\xff\xff", "count out of range"),
    "uint_with_nine_bytes": (b"\x02\xf7\x00", "unsigned integer out of range"),
    "truncated_string": (b"\x1b\x0c\x00\x18abc", "unexpected EOF"),
    "string_length_beyond_input": (b"\x07\x0c\x00\xfc\x7f\xff\xff\xff", "exceeds input size"),
    "unknown_type_id": (b"\x03\xff\xc8\x00", "unknown type id 100"),
    "non_zero_singleton": (b"\x03\x0c\x01\x00", "non-zero delta for singleton"),
    "duplicate_type": (VALUES_MAP_DEFINITION * 2, "duplicate type received"),
    "type_id_below_user_range": (
        _walkthrough("0d 0b 04 01 02 ff82 00 01 10 01 10 00 00"),
        "duplicate type received",
    ),
    "definitions_without_value": (VALUES_MAP_DEFINITION, "unexpected EOF"),
    "giant_map_count": (
        VALUES_MAP_DEFINITION + _walkthrough("08 ff82 00 fc7fffffff"),
        "exceeds input size",
    ),
    "empty_wire_type": (b"\x03\xff\x81\x00", "empty wire type"),
    "field_number_out_of_bounds": (b"\x04\xff\x81\x09\x00", "field numbers out of bounds"),
    "name_longer_than_input": (
        VALUES_MAP_DEFINITION + _walkthrough("06 ff82 00 01 7f 41"),
        "invalid type name length",
    ),
    "value_past_its_message": (b"\x02\x0c\x00\x00", "past the end of its message"),
}


@pytest.mark.parametrize(("data", "fragment"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_raises_a_decode_error_quickly(data: bytes, fragment: str) -> None:
    start = time.perf_counter()
    with pytest.raises(Error) as info:
        GobSerializer().deserialize(data)
    assert info.value.is_decode()
    assert isinstance(info.value.cause, GobError)
    assert fragment in str(info.value.cause)
    assert str(info.value).startswith("securecookie: error - caused by: ")
    assert time.perf_counter() - start < BLOWUP_SECONDS


def test_empty_input_reports_go_eof_text() -> None:
    with pytest.raises(GobError) as info:
        decode(b"")
    assert str(info.value) == "EOF"


def test_vector_garbage_payload_error_text_matches_go() -> None:
    # public/decode_error/wrong_block_key: the first byte 0x80-0xf7 claims a 9+ byte uint.
    with pytest.raises(GobError) as info:
        decode(b"\x80\x00")
    assert str(info.value) == "gob: encoded unsigned integer out of range"


def _nested_slices(depth: int) -> bytes:
    head = _walkthrough("0c ff81 02 01 02 ff82 00 01 10 00 00")  # defines 65 = []interface{}
    element = b"\x00"
    for _ in range(depth):
        element = b"\x0e[]interface {}\xff\x82" + b"\x01\x00\x01" + element
    body = b"\xff\x82\x00\x01" + element
    return head + bytes([0xFE]) + len(body).to_bytes(2, "big") + body


def test_nesting_within_the_limit_decodes() -> None:
    value = decode(_nested_slices(MAX_DEPTH // 2 - 2))
    for _ in range(MAX_DEPTH // 2 - 2):
        (value,) = value
    assert value == [None]


def test_nesting_beyond_the_limit_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(GobError, match="nested deeper"):
        decode(_nested_slices(MAX_DEPTH * 3))


def _array_definition(type_id: int, elem: int, length: int) -> bytes:
    common = b"\x02" + encode_int(type_id) + b"\x00"  # CommonType{Id}
    inner = b"\x01" + common + b"\x01" + encode_int(elem) + b"\x01" + encode_int(length) + b"\x00"
    body = encode_int(-type_id) + b"\x01" + inner + b"\x00"  # wireType{ArrayT}
    return encode_uint(len(body)) + body


def _empty_structs(fields: tuple[tuple[str, int], ...], count: int, head: bytes = b"") -> bytes:
    """``count`` all-zero structs (one byte each) in a slice: Go omits every field."""
    struct_id = 65 + (len(head) > 0)
    message = encode_int(struct_id + 1) + b"\x00" + encode_uint(count) + b"\x00" * count
    return (
        head
        + types.struct_definition(struct_id, "S", fields)
        + types.slice_definition(struct_id + 1, struct_id)
        + encode_uint(len(message))
        + message
    )


def test_zero_filled_arrays_cannot_amplify_a_small_input_into_gigabytes() -> None:
    # 3 KB claiming 3000 structs of 30 omitted [3000]int fields: 270M zero
    # values. Go decodes into a registered type, so the stream cannot choose
    # such sizes there; here the fill must be bounded instead.
    fields = tuple((f"F{i}", 65) for i in range(30))
    data = _empty_structs(fields, 3000, head=_array_definition(65, 2, 3000))
    assert len(data) < 4096
    start = time.perf_counter()
    tracemalloc.start()
    try:
        with pytest.raises(Error) as info:
            GobSerializer().deserialize(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.is_decode()
    assert "zero values" in str(info.value.cause)
    assert peak < BLOWUP_BYTES
    assert time.perf_counter() - start < BLOWUP_SECONDS


def test_omitted_struct_fields_cannot_make_decoding_quadratic() -> None:
    # Every struct costs its field count, whatever the input size: 2000 fields
    # x 60000 one-byte structs would be 120M fills from 70 KB.
    data = _empty_structs(tuple((f"F{i}", 2) for i in range(2000)), 60_000)
    start = time.perf_counter()
    with pytest.raises(GobError, match="zero values"):
        decode(data)
    assert time.perf_counter() - start < BLOWUP_SECONDS


def test_zero_filled_arrays_of_a_plausible_size_still_decode() -> None:
    data = _empty_structs((("A", 65), ("N", 2)), 3, head=_array_definition(65, 2, 4))
    assert decode(data) == [GoStruct("S", {"A": [0, 0, 0, 0], "N": 0})] * 3


def test_large_type_definitions_are_not_kept_after_the_decode() -> None:
    # The definition cache lives as long as the process: a definition of
    # thousands of fields must not stay pinned in it.
    from securecookie.gob.decoder import _DEFINITIONS

    data = _empty_structs(tuple((f"Field{i}", 2) for i in range(400)), 1)
    assert decode(data)[0]["Field399"] == 0
    assert max(len(raw) for raw in _DEFINITIONS) <= 512


@pytest.mark.parametrize("length", [-1, -3000, -(1 << 63), 1 << 30, (1 << 63) - 1])
def test_array_definition_with_an_impossible_length_is_refused(length: int) -> None:
    # No Go array has a negative length, and no message carries 1 GiB elements.
    data = _empty_structs((("A", 65),), 1, head=_array_definition(65, 2, length))
    with pytest.raises(GobError, match=f"invalid array length {length}"):
        decode(data)


def test_negative_array_lengths_cannot_refill_the_zero_fill_budget() -> None:
    # The attack review's cookie: a [-3000]int field next to a [3000]int field
    # nets zero against the budget per struct, so 3000 structs rebuilt 9M
    # zero values (72 MB of lists) from 3 KB.
    head = _array_definition(65, 2, -3000) + _array_definition(66, 2, 3000)
    struct_id = 67
    message = encode_int(struct_id + 1) + b"\x00" + encode_uint(3000) + b"\x00" * 3000
    data = (
        head
        + types.struct_definition(struct_id, "S", (("Neg", 65), ("Pos", 66)))
        + types.slice_definition(struct_id + 1, struct_id)
        + encode_uint(len(message))
        + message
    )
    assert len(data) < 4096
    tracemalloc.start()
    try:
        with cpu_time_limit(), pytest.raises(GobError):
            decode(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < BLOWUP_BYTES


def _array_payload() -> bytes:
    """A struct slice with an array field and a named field set: every length kind."""
    message = encode_int(67) + b"\x00" + encode_uint(2)
    message += b"\x01\x03\x01\x02\x03\x01\x03abc\x00" + b"\x00"  # {[-1 1 -2] "abc"}, {}
    return (
        _array_definition(65, 2, 3)
        + types.struct_definition(66, "S", (("A", 65), ("B", 6)))
        + types.slice_definition(67, 66)
        + encode_uint(len(message))
        + message
    )


# Numbers a hostile stream puts where a length, count, id or delta belongs.
_SIGNED = [-1, -(1 << 20), -(1 << 63), 1 << 30, (1 << 63) - 1]
_UNSIGNED = [0, 0x7F, 1 << 20, 1 << 30, (1 << 64) - 1]
_NUMBERS = sorted({encode_int(n) for n in _SIGNED} | {encode_uint(n) for n in _UNSIGNED})


def _real_payloads() -> list[bytes]:
    """One Go vector payload of each size (same-size ones share a shape), and ours."""
    by_size: dict[int, bytes] = {}
    for vector in GOB_PAYLOADS:
        raw = base64.b64decode(vector["serialized_b64"])
        by_size.setdefault(len(raw) // 10, raw)
    return [*by_size.values(), _array_payload()]


def _number_end(data: bytes, pos: int) -> int:
    """Where the gob uint starting at ``pos`` ends (one byte if it is malformed)."""
    first = data[pos]
    size = 256 - first if first >= 0x80 else 0
    return min(pos + 1 + size, len(data)) if size <= 8 else pos + 1


def test_array_payload_decodes_before_it_is_mutated() -> None:
    assert decode(_array_payload()) == [
        GoStruct("S", {"A": [-1, 1, -2], "B": "abc"}),
        GoStruct("S", {"A": [0, 0, 0], "B": ""}),
    ]


def _mutants(payload: bytes) -> Iterator[bytes]:
    """``payload`` with each gob number replaced by (or, if short, preceded by) each hostile one.

    Past its first 160 bytes (the type definitions and first entries) a long
    payload only repeats entry shapes, so its tail is left alone.
    """
    for pos in range(min(len(payload), 160)):
        end = _number_end(payload, pos)
        for number in _NUMBERS:
            yield payload[:pos] + number + payload[end:]
            if len(payload) < 100:  # the long payloads repeat the short ones' shapes
                yield payload[:pos] + number + payload[pos:]


def test_real_payloads_with_numbers_replaced_by_negative_and_huge_ones_stay_bounded() -> None:
    # Every gob number in real payloads (Go's vectors and an array-typed one)
    # turned hostile: the decoder must return a value or raise GobError, within
    # a memory and a CPU-time budget (resource limits, not speed assertions).
    payloads = _real_payloads()
    assert len(payloads) >= 8
    mutants = 0
    tracemalloc.start()
    try:
        with cpu_time_limit(60 * BLOWUP_SECONDS):
            for payload in payloads:
                for mutant in _mutants(payload):
                    tracemalloc.reset_peak()
                    with contextlib.suppress(GobError):
                        decode(mutant)
                    assert tracemalloc.get_traced_memory()[1] < BLOWUP_BYTES, mutant.hex()
                    mutants += 1
    finally:
        tracemalloc.stop()
    assert mutants > 8_000
