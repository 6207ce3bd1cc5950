"""JSONSerializer (Go's JSONEncoder bytes) and NopSerializer (Go's NopEncoder)."""

from __future__ import annotations

import base64
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securecookie import Error, GobSerializer, JSONSerializer, NopSerializer, Serializer
from securecookie.serializers import _GO_FIXUP_TRIGGER, _needs_go_fixup
from tests.support import vectors

JSON = JSONSerializer()
NOP = NopSerializer()


def test_both_serializers_satisfy_the_protocol() -> None:
    assert isinstance(JSON, Serializer)
    assert isinstance(NOP, Serializer)


@pytest.mark.parametrize("value", [{"foo": "bar"}, {"baz": "ding"}])
def test_json_round_trips_string_maps(value: dict[str, str]) -> None:
    # Port of TestJSONSerialization.
    assert JSON.deserialize(JSON.serialize(value)) == value


@pytest.mark.parametrize("value", [{"foo": "bar"}, {"baz": "ding"}])
def test_gob_round_trips_string_maps(value: dict[str, str]) -> None:
    # Port of TestGobSerialization (gob is the default serializer, as in Go).
    gob = GobSerializer()
    assert gob.deserialize(gob.serialize(value)) == value


_JSON_VECTORS = vectors.vectors("encode_decode", serializer="json")


@pytest.mark.parametrize("vec", _JSON_VECTORS, ids=vectors.ids(_JSON_VECTORS))
def test_json_output_is_byte_identical_to_go_encoder(vec: dict[str, Any]) -> None:
    value = vectors.typed_to_python(vec["expect"]["value"])
    assert JSON.serialize(value) == vec["serialized_text"].encode("utf-8")
    assert base64.b64decode(vec["serialized_b64"]) == JSON.serialize(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "a": 2, "B": 3}, '{"B":3,"a":2,"b":1}'),
        ("<a href='x'>&</a>", "\"\\u003ca href='x'\\u003e\\u0026\\u003c/a\\u003e\""),
        ("\u2028\u2029", '"\\u2028\\u2029"'),
        ('tab\tnl\ncr\rq"bs\\', '"tab\\tnl\\ncr\\rq\\"bs\\\\"'),
        ("\x08\x0c\x00\x1f", '"\\u0008\\u000c\\u0000\\u001f"'),
        ("\\b\\f\\\x08", '"\\\\b\\\\f\\\\\\u0008"'),  # escaped backslashes stay
        ("é☃😀\x7f", '"é☃😀\x7f"'),
        ("\udcff", '"\\ufffd"'),  # a surrogate-escaped invalid byte becomes U+FFFD, as Go
        (3.0, "3"),
        (-0.0, "-0"),
        (0.1, "0.1"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e300, "1.5e+300"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (-2.5e-10, "-2.5e-10"),
        (5e-324, "5e-324"),
        (123456789012345680.0, "123456789012345680"),
        (2**70, "1180591620717411303424"),
        ([True, False, None], "[true,false,null]"),
        ((1, "x"), '[1,"x"]'),
        (b"\x00\x01\xff", '"AAH/"'),  # Go marshals []byte as standard base64
        ({}, "{}"),
        ([], "[]"),
    ],
)
def test_json_matches_go_encoder_text(value: object, text: str) -> None:
    assert JSON.serialize(value) == (text + "\n").encode("utf-8")


@pytest.mark.parametrize(
    ("value", "go_text"),
    [
        (math.nan, "json: unsupported value: NaN"),
        (math.inf, "json: unsupported value: +Inf"),
        ([-math.inf], "json: unsupported value: -Inf"),
        ({1: "int key"}, "json: unsupported type: map[interface {}]interface {}"),
        ({"ok": {None: 1}}, "json: unsupported type: map[interface {}]interface {}"),
        ({1, 2}, "json: unsupported type: set"),
        (object(), "json: unsupported type: object"),
    ],
)
def test_json_rejects_unrepresentable_values_with_a_usage_error(
    value: object, go_text: str
) -> None:
    with pytest.raises(Error) as info:
        JSON.serialize(value)
    assert info.value.is_usage()
    assert not info.value.is_decode()
    assert str(info.value.cause) == go_text
    assert str(info.value) == "securecookie: error - caused by: " + go_text


def test_json_reports_a_reference_cycle_as_a_usage_error() -> None:
    cyclic: list[object] = []
    cyclic.append(cyclic)
    with pytest.raises(Error, match="encountered a cycle") as info:
        JSON.serialize(cyclic)
    assert info.value.is_usage()


def test_json_decoding_keeps_python_types() -> None:
    assert JSON.deserialize(b'{"n":3,"f":2.5,"big":9007199254740993,"l":[1,"a",null]}\n') == {
        "n": 3,
        "f": 2.5,
        "big": 9007199254740993,
        "l": [1, "a", None],
    }


def test_json_decoding_ignores_bytes_after_the_first_value_like_go_decoder() -> None:
    # json.Decoder.Decode reads one value and leaves the rest in its buffer.
    assert JSON.deserialize(b' {"a":1} trailing') == {"a": 1}
    assert JSON.deserialize(b"123abc") == 123


@pytest.mark.parametrize(
    ("data", "go_text"),
    [
        (b"", "EOF"),
        (b" \n", "EOF"),
        (b'{"a":', "unexpected EOF"),
        (b"\x1b\xff", "invalid character '\\x1b' looking for beginning of value"),
        (b"NaN", "invalid character 'N' looking for beginning of value"),
        (b"-Infinity", "invalid character 'I' in numeric literal"),
        (b"}", "invalid character '}' looking for beginning of value"),
    ],
)
def test_json_decoding_failures_are_decode_errors_with_go_text(data: bytes, go_text: str) -> None:
    with pytest.raises(Error) as info:
        JSON.deserialize(data)
    assert info.value.is_decode()
    assert not info.value.is_usage()
    assert str(info.value.cause) == go_text


def test_json_decoding_deeply_nested_input_is_a_decode_error() -> None:
    with pytest.raises(Error) as info:
        JSON.deserialize(b"[" * 100_000)
    assert info.value.is_decode()


_text = st.text(st.characters(exclude_categories=["Cs"]))  # lone surrogates: see above
_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)


def _numerically_equal(decoded: object, original: object) -> bool:
    """Equality where numbers compare by value: Go writes 3.0 as "3" and 1e16 as digits."""
    if isinstance(original, float):
        return isinstance(decoded, int | float) and float(decoded) == original
    if isinstance(original, list):
        return (
            isinstance(decoded, list)
            and len(decoded) == len(original)
            and all(_numerically_equal(d, o) for d, o in zip(decoded, original, strict=True))
        )
    if isinstance(original, dict):
        return (
            isinstance(decoded, dict)
            and decoded.keys() == original.keys()
            and all(_numerically_equal(decoded[k], v) for k, v in original.items())
        )
    return type(decoded) is type(original) and decoded == original


@settings(max_examples=150, deadline=None)
@given(_json_values)
def test_json_round_trips_any_json_value_numerically(value: object) -> None:
    assert _numerically_equal(JSON.deserialize(JSON.serialize(value)), value)


# NopSerializer: port of TestNopSerialization ------------------------------


def test_nop_rejects_a_string_with_gos_error() -> None:
    with pytest.raises(Error) as info:
        NOP.serialize("fooobar123")
    assert str(info.value).endswith("value not a []byte.")
    assert info.value.is_usage()


def test_nop_passes_bytes_through_both_ways() -> None:
    data = NOP.serialize(b"fooobar123")
    assert data == b"fooobar123"
    assert NOP.deserialize(data) == b"fooobar123"


def test_nop_accepts_other_bytes_like_values() -> None:
    assert NOP.serialize(bytearray(b"ab")) == b"ab"
    assert NOP.serialize(memoryview(b"cd")) == b"cd"


def test_nop_deserialize_always_returns_bytes() -> None:
    # Go's "value not a pointer to []byte." has no Python counterpart: there is
    # no destination argument, the result is always bytes.
    result = NOP.deserialize(b"\x00|\xff")
    assert type(result) is bytes
    assert result == b"\x00|\xff"


def test_json_number_beyond_pythons_digit_limit_is_a_decode_error() -> None:
    # int() refuses more than 4300 digits with a bare ValueError; callers of
    # deserialize must still see only securecookie errors.
    with pytest.raises(Error) as info:
        JSON.deserialize(b"1" * 5000)
    assert info.value.is_decode()
    assert not info.value.is_usage()


def test_json_int_beyond_pythons_digit_limit_is_a_usage_error() -> None:
    with pytest.raises(Error) as info:
        JSON.serialize({"n": 10**5000})
    assert info.value.is_usage()
    assert not info.value.is_decode()


# The ASCII fast check for Go's escape fix-up answers exactly what the regex answers.
_FIXUP_PROBES = st.text(alphabet=st.sampled_from('ab\\"<>&bfnu\u2028\u2029\ud800\udfff\xe9'))


@settings(max_examples=500)
@given(st.one_of(st.text(), _FIXUP_PROBES))
def test_the_fixup_check_agrees_with_the_trigger_pattern(text: str) -> None:
    assert _needs_go_fixup(text) == (_GO_FIXUP_TRIGGER.search(text) is not None)


@pytest.mark.parametrize(
    ("text", "needed"),
    [
        ("", False),
        ('{"user":"alice"}', False),
        ('"a<b"', True),
        ('"a>b"', True),
        ('"a&b"', True),
        ('"\\b"', True),  # Go writes \u0008
        ('"\\f"', True),  # Go writes \u000c
        ('"\\n\\t\\r\\\\"', False),  # escapes Go writes the same way
        ('"caf\xe9"', False),  # non-ASCII: the regex answers
        ('"\u2028"', True),
        ('"\ud800"', True),  # a lone surrogate: Go writes \ufffd
    ],
)
def test_the_fixup_check_at_its_boundaries(text: str, needed: bool) -> None:
    assert _needs_go_fixup(text) is needed
