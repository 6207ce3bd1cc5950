"""cached_new_cookie (the stores' hot path) writes exactly what new_cookie writes."""

from __future__ import annotations

import itertools
import logging
from typing import Any

import pytest

from mongostore.sessions import Options
from mongostore.sessions.cookie import cached_new_cookie, http_date, new_cookie
from mongostore.sessions.errors import InvalidOptionsError

NOW = 1_800_000_000

OPTION_SETS = [
    Options(
        path=path,
        domain=domain,
        max_age=max_age,
        secure=secure,
        http_only=http_only,
        same_site=same_site,
        partitioned=partitioned,
    )
    for path, domain, max_age, secure, http_only, same_site, partitioned in itertools.product(
        ["", "/", "/app"],
        ["", "example.com", ".example.com"],
        [1, 3600, 0, -1],
        [False, True],
        [False, True],
        [None, "Default", "Lax", "Strict", "None"],
        [False, True],
    )
]


@pytest.mark.parametrize("options", OPTION_SETS[::7])
def test_cached_headers_equal_new_cookie_for_every_kind_of_option(options: Options) -> None:
    for value in ("abc=", "with space", ""):
        expected = new_cookie("session", value, options, now=NOW)
        assert cached_new_cookie("session", value, options, now=NOW) == expected
        assert cached_new_cookie("session", value, options, now=NOW + 1) == new_cookie(
            "session", value, options, now=NOW + 1
        )


def test_a_mutated_options_object_gets_its_own_header() -> None:
    options = Options(path="/", max_age=60)
    first = cached_new_cookie("s", "v", options, now=NOW)
    options.secure = True
    assert cached_new_cookie("s", "v", options, now=NOW) == new_cookie("s", "v", options, now=NOW)
    assert "Secure" not in first


@pytest.mark.parametrize("change", [{"same_site": "sideways"}, {"max_age": 2**62}, {"path": ["x"]}])
def test_invalid_options_raise_as_new_cookie_does(change: dict[str, Any]) -> None:
    options = Options(max_age=60)
    for name, value in change.items():
        setattr(options, name, value)
    with pytest.raises((InvalidOptionsError, TypeError)):
        new_cookie("s", "v", options, now=NOW)
    with pytest.raises((InvalidOptionsError, TypeError)):
        cached_new_cookie("s", "v", options, now=NOW)


def test_an_invalid_domain_is_logged_on_every_header_as_go_does(
    caplog: pytest.LogCaptureFixture,
) -> None:
    options = Options(domain="bad domain", max_age=60)
    with caplog.at_level(logging.WARNING):
        cached_new_cookie("s", "v", options, now=NOW)
        cached_new_cookie("s", "v", options, now=NOW)
    assert sum("invalid Cookie.Domain" in r.message for r in caplog.records) == 2


def test_http_date_repeats_and_changes_with_the_second() -> None:
    assert http_date(NOW) == http_date(NOW) == "Fri, 15 Jan 2027 08:00:00 GMT"
    assert http_date(NOW + 1) == "Fri, 15 Jan 2027 08:00:01 GMT"
    assert http_date(NOW) == "Fri, 15 Jan 2027 08:00:00 GMT"


def test_options_copy_is_independent_and_equal() -> None:
    options = Options(path="/", max_age=60, same_site="Lax")
    copy = options.copy()
    assert copy == options
    assert copy is not options
    copy.max_age = 1
    assert options.max_age == 60


def test_per_session_max_ages_share_one_template_and_still_match_new_cookie() -> None:
    # The absolute timeout caps max_age per session: that must not defeat the cache.
    from mongostore.sessions import cookie

    cookie._TEMPLATES.clear()
    for max_age in (1, 59, 3600, 86400 * 30, 2**33):
        options = Options(path="/", max_age=max_age, http_only=True, same_site="Lax")
        assert cached_new_cookie("s", "v", options, now=NOW) == new_cookie(
            "s", "v", options, now=NOW
        )
    assert len(cookie._TEMPLATES) == 1
