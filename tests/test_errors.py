"""The error tree as the codec uses it: Go's texts, flags and causes."""

from __future__ import annotations

import pytest

from securecookie import (
    Error,
    ErrorKind,
    JSONSerializer,
    MultiError,
    SecureCookie,
    decode_multi,
)
from securecookie.errors import decode_error, internal_error, usage_error


def test_cookie_errors_and_multi_errors_are_both_errors() -> None:
    # Port of the `var _ Error = cookieError{}` / `MultiError{}` assertions.
    assert issubclass(MultiError, Error)
    assert isinstance(MultiError([decode_error("x")]), Error)
    assert isinstance(decode_error("x"), Exception)


@pytest.mark.parametrize(
    ("factory", "kind"),
    [
        (usage_error, ErrorKind.USAGE),
        (decode_error, ErrorKind.DECODE),
        (internal_error, ErrorKind.INTERNAL),
    ],
)
def test_each_factory_sets_exactly_one_flag(factory: object, kind: ErrorKind) -> None:
    err = factory("m")  # type: ignore[operator]
    assert err.kind == kind
    assert [err.is_usage(), err.is_decode(), err.is_internal()].count(True) == 1


def test_text_without_cause_is_prefixed_message() -> None:
    assert str(decode_error("the value is not valid")) == "securecookie: the value is not valid"


def test_text_with_cause_and_no_message_reads_error_caused_by() -> None:
    err = usage_error(cause=ValueError("crypto/aes: invalid key size 15"))
    assert str(err) == "securecookie: error - caused by: crypto/aes: invalid key size 15"


def test_serializer_failures_carry_gos_double_wrap_and_the_cause_chain() -> None:
    codec = SecureCookie(b"hash-key").set_serializer(JSONSerializer())
    with pytest.raises(Error) as info:
        codec.encode("n", float("nan"))
    outer = info.value
    assert str(outer) == (
        "securecookie: error - caused by: securecookie: error - caused by: "
        "json: unsupported value: NaN"
    )
    assert isinstance(outer.cause, Error)
    assert str(outer.cause.cause) == "json: unsupported value: NaN"


def test_decode_multi_error_lists_every_codec_failure_in_order() -> None:
    codecs = [SecureCookie(b"a"), SecureCookie(b"b").max_length(3)]
    with pytest.raises(MultiError) as info:
        decode_multi("n", "not a cookie", *codecs)
    err = info.value
    assert [str(e) for e in err] == [
        "securecookie: base64 decode failed - caused by: illegal base64 data at input byte 3",
        "securecookie: the value is too long",
    ]
    assert str(err) == f"{err[0]} (and 1 other error)"
    assert err.is_decode()
    assert not err.is_usage()
    assert not err.is_internal()
    assert err.cause is None
