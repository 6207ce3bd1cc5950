"""Options: Go zero defaults, independent copies, and rejected values."""

from __future__ import annotations

import pytest

from mongostore.errors import Error
from mongostore.sessions import InvalidOptionsError, Options


def test_defaults_are_go_zero_values() -> None:
    options = Options()
    assert (options.path, options.domain, options.max_age) == ("", "", 0)
    assert (options.secure, options.http_only, options.partitioned) == (False, False, False)
    assert options.same_site is None


def test_fields_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        Options("/")  # type: ignore[call-arg]


def test_copy_is_equal_but_independent() -> None:
    original = Options(path="/", max_age=60, same_site="Lax", secure=True)
    clone = original.copy()
    assert clone == original
    assert clone is not original
    clone.path = "/foo"
    clone.max_age = -1
    assert (original.path, original.max_age) == ("/", 60)


@pytest.mark.parametrize("same_site", [None, "Default", "Lax", "Strict", "None"])
def test_every_go_same_site_mode_is_accepted(same_site: str | None) -> None:
    assert Options(same_site=same_site).same_site == same_site  # type: ignore[arg-type]


@pytest.mark.parametrize("same_site", ["lax", "", "none", 2])
def test_unknown_same_site_is_a_typed_error(same_site: object) -> None:
    with pytest.raises(InvalidOptionsError, match="same_site") as info:
        Options(same_site=same_site)  # type: ignore[arg-type]
    assert isinstance(info.value, Error)


@pytest.mark.parametrize("max_age", [1.5, "60", True, None])
def test_max_age_must_be_an_int(max_age: object) -> None:
    with pytest.raises(InvalidOptionsError, match="max_age"):
        Options(max_age=max_age)  # type: ignore[arg-type]


def test_path_must_be_a_str() -> None:
    with pytest.raises(InvalidOptionsError, match="path"):
        Options(path=b"/")  # type: ignore[arg-type]


def test_equality_is_field_for_field() -> None:
    assert Options(path="/", max_age=60) == Options(path="/", max_age=60)
    for change in (
        {"path": "/a"},
        {"domain": "x.org"},
        {"max_age": 61},
        {"secure": True},
        {"http_only": True},
        {"same_site": "Lax"},
        {"partitioned": True},
    ):
        assert Options(path="/", max_age=60) != Options(**{"path": "/", "max_age": 60, **change})


def test_options_equal_nothing_else_and_are_unhashable() -> None:
    assert Options() != object()
    assert Options() != {"path": "", "domain": "", "max_age": 0}
    with pytest.raises(TypeError):
        hash(Options())
