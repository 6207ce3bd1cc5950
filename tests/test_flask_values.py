"""mongostore.flask.values: Flask's session values through gob and back, Go-readable."""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import Markup

import securecookie
from mongostore.flask.values import ESCAPE_MARKER, MARKUP_MARKER, from_stored, to_stored


def through_gob(values: dict[str, Any]) -> dict[Any, Any]:
    serializer = securecookie.GobSerializer()
    decoded: dict[Any, Any] = serializer.deserialize(serializer.serialize(to_stored(values)))
    return from_stored(decoded)


def test_markup_anywhere_comes_back_as_markup() -> None:
    values = {"m": Markup("<b>1</b>"), "deep": {"list": [Markup("<i>2</i>"), "plain"]}}
    back = through_gob(values)
    assert back == values
    assert type(back["m"]) is Markup
    assert type(back["deep"]["list"][0]) is Markup
    assert type(back["deep"]["list"][1]) is str


def test_markup_is_a_two_element_list_for_go() -> None:
    assert to_stored({"m": Markup("<b>x</b>")}) == {"m": [MARKUP_MARKER, "<b>x</b>"]}


def test_flash_pairs_come_back_as_tuples_and_other_tuples_as_lists() -> None:
    back = through_gob({"_flashes": [("info", "hi"), ("error", Markup("<b>no</b>"))], "t": (1, 2)})
    assert back["_flashes"] == [("info", "hi"), ("error", Markup("<b>no</b>"))]
    assert back["t"] == [1, 2]


@pytest.mark.parametrize(
    "data",
    [[MARKUP_MARKER, "x"], [ESCAPE_MARKER], [ESCAPE_MARKER, MARKUP_MARKER, "x"], [[MARKUP_MARKER]]],
)
def test_lists_that_start_like_a_tag_stay_lists(data: list[Any]) -> None:
    back = through_gob({"v": data})
    assert back == {"v": data}
    assert all(type(item) is not Markup for item in back["v"])


def test_values_without_markup_or_tuples_are_stored_unchanged() -> None:
    values = {"user": "alice", "n": 3, "nested": {"a": [1, "b", None]}, "raw": b"\x00"}
    assert to_stored(values) == values
    assert from_stored(values) == values
