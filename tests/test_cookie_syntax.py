"""Cookie syntax: the fast value check agrees with Go's byte rule everywhere."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mongostore.cookie_syntax import INVALID_VALUE_CHAR, is_cookie_name_valid, is_cookie_value_valid


def go_valid_cookie_value_byte(char: str) -> bool:
    """Go's validCookieValueByte, spelled out: 0x20 <= b < 0x7f, not '"', ';' or '\\'."""
    return 0x20 <= ord(char) < 0x7F and char not in '";\\'


def test_every_character_up_to_u3000_gets_gos_verdict() -> None:
    for code in range(0x3000):
        char = chr(code)
        expected = go_valid_cookie_value_byte(char)
        assert is_cookie_value_valid(char) is expected, hex(code)
        assert is_cookie_value_valid(f"ab{char}cd") is expected, hex(code)


def test_the_empty_value_is_valid() -> None:
    assert is_cookie_value_valid("")


@given(st.text())
def test_it_agrees_with_the_invalid_character_pattern(value: str) -> None:
    assert is_cookie_value_valid(value) is (INVALID_VALUE_CHAR.search(value) is None)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_printable_ascii_is_valid_unless_it_holds_a_quote_semicolon_or_backslash(
    value: str,
) -> None:
    assert is_cookie_value_valid(value) is not any(char in value for char in '";\\')


def test_a_surrogate_is_invalid_not_an_error() -> None:
    assert not is_cookie_value_valid("a\ud800b")


def test_cookie_names_are_tokens() -> None:
    assert is_cookie_name_valid("session")
    assert not is_cookie_name_valid("a;b")
