"""Go-only types (securecookie.gob.gotypes): plain to Python, their Go type kept on re-save."""

from __future__ import annotations

import copy
import json
import pickle
import re
from typing import Any

import pytest

from securecookie.gob import GobError, decode, encode
from securecookie.gob.gotypes import (
    ARRAY,
    BASIC,
    MAP,
    SLICE,
    GoComplex,
    GoDict,
    GoFloat,
    GoInt,
    GoList,
    GoType,
)
from securecookie.gob.wire import INT_ID, INTERFACE_ID, STRING_ID

STRING, INT = GoType(BASIC, STRING_ID), GoType(BASIC, INT_ID)
STRINGS = GoType(SLICE, elem=STRING)
STRING_MAP = GoType(MAP, key=STRING, elem=STRING)


def go_values() -> dict[str, Any]:
    return {
        "id": GoInt(2**63 - 1, "int64"),
        "small": GoInt(-3, "int8"),
        "byte": GoInt(255, "uint8"),
        "big": GoInt(2**64 - 1, "uint64"),
        "ratio": GoFloat(0.5),
        "wave": GoComplex(1 - 2j),
        "tags": GoList(["a", "b"], "[]string", STRINGS),
        "labels": GoDict({"env": "prod"}, "map[string]string", STRING_MAP),
        "grid": GoList([1, 2, 3], "[3]int", GoType(ARRAY, elem=INT, length=3)),
        "nested": GoDict(
            {"x": ["y"]}, "map[string][]string", GoType(MAP, key=STRING, elem=STRINGS)
        ),
        "anything": GoDict(
            {"k": 1},
            "map[interface {}]interface {}",
            GoType(MAP, key=GoType(BASIC, INTERFACE_ID), elem=GoType(BASIC, INTERFACE_ID)),
        ),
    }


def test_go_typed_values_round_trip_with_their_go_type() -> None:
    original = go_values()
    decoded = decode(encode(original))
    assert decoded == original
    for key, value in original.items():
        assert type(decoded[key]) is type(value), key
        assert decoded[key].go_type == value.go_type, key


def test_python_sees_plain_values() -> None:
    values = go_values()
    assert repr(values["id"]) == str(2**63 - 1)
    assert f"{values['byte']}" == "255"
    assert repr(values["tags"]) == "['a', 'b']"
    assert json.loads(json.dumps(values["labels"])) == {"env": "prod"}
    assert type(values["id"] + 1) is int
    assert values["tags"] == ["a", "b"]
    assert {values["small"]: "key"} == {-3: "key"}


def test_go_typed_values_survive_copies_and_pickling() -> None:
    for value in go_values().values():
        for clone in (copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
            assert clone == value
            assert type(clone) is type(value)
            assert clone.go_type == value.go_type


def test_a_replaced_value_takes_the_default_go_type() -> None:
    values = {"n": GoInt(5, "int32") + 1, "tags": list(GoList(["a"], "[]string", STRINGS))}
    decoded = decode(encode(values))
    assert type(decoded["n"]) is int
    assert type(decoded["tags"]) is list


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (GoList(["a", 1], "[]string", STRINGS), "inside a Go []string"),
        (GoDict({"a": None}, "map[string]string", STRING_MAP), "inside a Go map[string]string"),
        (GoList([1, 2], "[3]int", GoType(ARRAY, elem=INT, length=3)), "exactly 3 elements"),
        (GoInt(256, "uint8"), "as a Go uint8: out of range"),
        (GoInt(1, "money"), "not a Go integer type"),
    ],
)
def test_a_value_that_no_longer_fits_its_go_type_fails_to_encode(value: Any, message: str) -> None:
    with pytest.raises(GobError, match=re.escape(message)):
        encode({"v": value})


def test_containers_need_a_matching_shape() -> None:
    with pytest.raises(TypeError):
        GoList([], "[]string", STRING_MAP)
    with pytest.raises(TypeError):
        GoDict({}, "map[string]string", STRINGS)


@pytest.mark.parametrize("key", [b"k", ("a", 1)])
def test_an_interface_keyed_go_map_refuses_keys_go_cannot_compare(key: Any) -> None:
    # The same check a plain dict gets (Encoder.any_map): Go cannot read such a map.
    anything = GoType(MAP, key=GoType(BASIC, INTERFACE_ID), elem=GoType(BASIC, INTERFACE_ID))
    value = GoDict({key: 1}, "map[interface {}]interface {}", anything)
    with pytest.raises(GobError, match="as a map key: its Go type is not comparable"):
        encode({"v": value})
