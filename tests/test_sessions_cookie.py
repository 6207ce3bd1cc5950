"""new_cookie: Set-Cookie headers byte-identical to Go's NewCookie + http.SetCookie."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mongostore.cookie_syntax import is_cookie_name_valid
from mongostore.sessions import (
    InvalidCookieNameError,
    InvalidOptionsError,
    Options,
    new_cookie,
)
from mongostore.sessions.cookie import Cookie, http_date
from tests.support import vectors

SET_COOKIE_VECTORS = vectors.vectors("set_cookie")
# Go's http.SameSite constants, as the vectors record them.
GO_SAME_SITE = {0: None, 1: "Default", 2: "Lax", 3: "Strict", 4: "None"}


def _options(go: dict[str, Any]) -> Options:
    return Options(
        path=go["Path"],
        domain=go["Domain"],
        max_age=go["MaxAge"],
        secure=go["Secure"],
        http_only=go["HttpOnly"],
        same_site=GO_SAME_SITE[go["SameSite"]],  # type: ignore[arg-type]
    )


def test_all_set_cookie_vectors_are_present() -> None:
    assert len(SET_COOKIE_VECTORS) == 19


@pytest.mark.parametrize("vec", SET_COOKIE_VECTORS, ids=vectors.ids(SET_COOKIE_VECTORS))
def test_header_equals_go_for_every_set_cookie_vector(
    vec: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    options = _options(vec["options"])
    # Go's Expires is its clock + MaxAge; replay that clock for the positive ages.
    now = vec.get("expires_unix", 0) - options.max_age if options.max_age > 0 else 0
    with caplog.at_level(logging.WARNING, logger="mongostore.sessions.cookie"):
        header = new_cookie(vec["cookie_name"], vec["cookie_value"], options, now=now)
    assert header == vec["set_cookie"]
    if "go_log" in vec:
        assert [vec["go_log"]] == [f"net/http: {r.getMessage()}" for r in caplog.records]
    else:
        assert not caplog.records


def test_expires_follows_the_clock_and_max_age() -> None:
    header = new_cookie("s", "v", Options(max_age=3600), now=1_700_000_000.9)
    assert header == "s=v; Expires=Tue, 14 Nov 2023 23:13:20 GMT; Max-Age=3600"


def test_expires_defaults_to_the_current_time() -> None:
    import time

    before = int(time.time())
    header = new_cookie("s", "v", Options(max_age=10))
    after = int(time.time())
    assert any(f"Expires={http_date(t + 10)};" in header for t in range(before, after + 1))


def test_negative_max_age_deletes_with_epoch_expiry() -> None:
    assert new_cookie("s", "", Options(max_age=-5)) == (
        "s=; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0"
    )


def test_partitioned_comes_last_as_in_modern_net_http() -> None:
    options = Options(path="/", secure=True, same_site="None", partitioned=True)
    assert new_cookie("s", "v", options) == "s=v; Path=/; Secure; SameSite=None; Partitioned"


def test_default_same_site_writes_no_attribute() -> None:
    assert new_cookie("s", "v", Options(same_site="Default")) == "s=v"


@pytest.mark.parametrize("name", ["", "session:key", "a b", "a;b", "é", "a\r\nb", "a=b"])
def test_invalid_cookie_name_raises_instead_of_writing_nothing(name: str) -> None:
    assert not is_cookie_name_valid(name)
    with pytest.raises(InvalidCookieNameError) as info:
        new_cookie(name, "v", Options())
    assert str(info.value) == f"sessions: invalid character in cookie name: {name}"


@pytest.mark.parametrize("name", ["session-key", "a", "!#$%&'*+-.^_`|~", "Z9"])
def test_token_names_are_valid(name: str) -> None:
    assert is_cookie_name_valid(name)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("a,b", '"a,b"'),
        ('a"b', "ab"),
        ("a;b", "ab"),
        ("a\\b", "ab"),
        ("a\r\nb", "ab"),
        ("caf\u00e9", "caf"),
        ("", ""),
    ],
)
def test_value_bytes_go_rejects_are_dropped_and_space_or_comma_quoted(
    value: str, written: str
) -> None:
    assert new_cookie("s", value, Options()) == f"s={written}"


@pytest.mark.parametrize(
    ("domain", "kept"),
    [
        ("example.com", "example.com"),
        (".example.com", "example.com"),
        ("sub-domain.example.com", "sub-domain.example.com"),
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
        ("::1", None),
        ("-bad.com", None),
        ("bad-.com", None),
        ("a..com", None),
        ("123", None),
        ("x" * 64 + ".com", None),
        ("ex ample.com", None),
        ("ex\u00e4mple.com", None),
    ],
)
def test_domain_is_kept_only_when_go_accepts_it(domain: str, kept: str | None) -> None:
    header = new_cookie("s", "v", Options(domain=domain))
    assert header == ("s=v" if kept is None else f"s=v; Domain={kept}")


def test_max_age_beyond_go_duration_is_a_typed_error() -> None:
    with pytest.raises(InvalidOptionsError, match="overflows"):
        new_cookie("s", "v", Options(max_age=2**63))


def test_expires_before_1601_is_not_written() -> None:
    cookie = Cookie(name="s", value="v", expires=-12_000_000_000)
    assert cookie.header() == "s=v"


# gorilla's TestNewCookieFromOptions (v1.4.0 table, partitioned included).
NEW_COOKIE_TABLE = [
    ("", "bar", "/foo/bar", "foo.example.com", 3600, True, True, True),
    ("foo", "", "/foo/bar", "foo.example.com", 3600, True, True, True),
    ("foo", "bar", "", "foo.example.com", 3600, True, True, True),
    ("foo", "bar", "/foo/bar", "", 3600, True, True, True),
    ("foo", "bar", "/foo/bar", "foo.example.com", 0, True, True, True),
    ("foo", "bar", "/foo/bar", "foo.example.com", 3600, False, True, True),
    ("foo", "bar", "/foo/bar", "foo.example.com", 3600, True, False, True),
    ("foo", "bar", "/foo/bar", "foo.example.com", 3600, True, True, False),
]


@pytest.mark.parametrize("row", NEW_COOKIE_TABLE)
def test_cookie_from_options_copies_every_field_verbatim(
    row: tuple[str, str, str, str, int, bool, bool, bool],
) -> None:
    name, value, path, domain, max_age, secure, http_only, partitioned = row
    options = Options(
        path=path,
        domain=domain,
        max_age=max_age,
        secure=secure,
        http_only=http_only,
        partitioned=partitioned,
    )
    cookie = Cookie.from_options(name, value, options)
    assert (cookie.name, cookie.value, cookie.path, cookie.domain) == (name, value, path, domain)
    assert (cookie.max_age, cookie.secure, cookie.http_only) == (max_age, secure, http_only)
    assert cookie.partitioned == partitioned


@pytest.mark.parametrize("same_site", ["Default", "Lax", "Strict"])
def test_cookie_from_options_copies_same_site(same_site: Any) -> None:
    assert Cookie.from_options("", "", Options(same_site=same_site)).same_site == same_site


@settings(max_examples=200, deadline=None)
@given(value=st.text(), path=st.text(), domain=st.text())
def test_no_input_can_inject_attributes_or_header_lines(value: str, path: str, domain: str) -> None:
    header = new_cookie("s", value, Options(path=path, domain=domain))
    assert "\r" not in header
    assert "\n" not in header
    assert all(" " <= char < "\x7f" for char in header)
    attributes = header.split("; ")[1:]
    assert all(attr.split("=", 1)[0] in ("Path", "Domain") for attr in attributes)


# Go's bounds, at the edge (isCookieDomainName, time.Duration) -----------------------

_LABEL = "a" * 63


@pytest.mark.parametrize(
    ("domain", "kept"),
    [
        (".".join([_LABEL] * 4), True),  # 255 bytes: Go's longest domain
        (".".join([_LABEL, _LABEL, _LABEL, "b" * 62, "c"]), False),  # 256 bytes
        ("a", True),  # one character is a domain
        ("7", False),  # but not without a letter
        (_LABEL + ".com", True),  # a 63-byte first label
        ("example." + _LABEL, True),  # a 63-byte last label
        ("example." + _LABEL + "a", False),  # a 64-byte last label
    ],
    ids=["255-bytes", "256-bytes", "1-letter", "1-digit", "63-first", "63-last", "64-last"],
)
def test_domain_bounds_are_gos(domain: str, kept: bool) -> None:
    header = new_cookie("s", "v", Options(domain=domain))
    assert header == (f"s=v; Domain={domain}" if kept else "s=v")


def test_the_longest_max_age_go_can_hold_is_written() -> None:
    limit = (2**63 - 1) // 10**9  # Go's time.Duration in whole seconds
    header = new_cookie("s", "v", Options(max_age=limit), now=0)
    assert header.endswith(f"; Max-Age={limit}")
    with pytest.raises(InvalidOptionsError, match="overflows"):
        new_cookie("s", "v", Options(max_age=limit + 1), now=0)


def test_same_site_set_after_construction_is_checked_again_before_a_cookie() -> None:
    options = Options(same_site="Lax")
    options.same_site = "Sometimes"  # type: ignore[assignment]
    with pytest.raises(InvalidOptionsError, match="same_site"):
        new_cookie("s", "v", options)


@pytest.mark.parametrize(("name", "valid"), [("session", True), ("a b", False), ("", False)])
def test_a_name_gets_the_same_answer_on_every_check(name: str, valid: bool) -> None:
    # Valid names are remembered; the answer must never drift.
    assert [is_cookie_name_valid(name) for _ in range(3)] == [valid] * 3


def test_only_str_names_are_valid() -> None:
    is_cookie_name_valid("session")
    assert not is_cookie_name_valid(b"session")  # type: ignore[arg-type]
