"""Key rotation: codecs_from_pairs, encode_multi, decode_multi (Go's *Multi helpers)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from securecookie import (
    Codec,
    Error,
    JSONSerializer,
    MultiError,
    SecureCookie,
    codecs_from_pairs,
    decode_multi,
    encode_multi,
)
from securecookie.errors import usage_error


def _json(codecs: list[SecureCookie]) -> list[SecureCookie]:
    return [codec.set_serializer(JSONSerializer()) for codec in codecs]


class FailingCodec:
    """A codec whose every call fails the way a misconfigured Go codec does."""

    def encode(self, name: str, value: object) -> str:
        raise usage_error("hash key is not set")

    def decode(self, name: str, value: str) -> object:
        raise usage_error("hash key is not set")


def test_secure_cookie_and_custom_codecs_satisfy_the_codec_protocol() -> None:
    assert isinstance(SecureCookie(b"k"), Codec)
    assert isinstance(FailingCodec(), Codec)


def test_encode_multi_collects_every_failure_in_a_multi_error() -> None:
    # TestMultiError: Go builds New(nil, nil) twice; ours raises at construction,
    # so codecs that fail at encode time stand in for them.
    with pytest.raises(MultiError) as info:
        encode_multi("sid", "value", FailingCodec(), FailingCodec())
    err = info.value
    assert len(err) == 2
    assert "hash key is not set" in str(err)
    assert str(err) == "securecookie: hash key is not set (and 1 other error)"
    assert err.is_usage()
    assert not err.is_decode()
    assert not err.is_internal()


@pytest.mark.parametrize("multi", [encode_multi, decode_multi])
def test_no_codecs_is_a_usage_error(multi: Callable[[str, str], object]) -> None:
    # TestMultiNoCodecs.
    with pytest.raises(Error) as info:
        multi("foo", "bar")
    assert str(info.value) == "securecookie: no codecs provided"
    assert info.value.is_usage()
    assert not isinstance(info.value, MultiError)


def test_codecs_from_pairs_pairs_hash_and_block_keys() -> None:
    codecs = codecs_from_pairs(b"new-hash", b"n" * 32, b"old-hash", None, b"oldest-hash")
    assert len(codecs) == 3
    assert all(isinstance(codec, SecureCookie) for codec in codecs)
    assert codecs_from_pairs() == []


def test_codecs_from_pairs_rejects_a_broken_pair_instead_of_falling_back() -> None:
    # A bad new key must not let encode_multi silently keep using the old key.
    with pytest.raises(Error) as info:
        codecs_from_pairs(b"new-hash", b"short", b"old-hash", None)
    assert str(info.value) == "securecookie: error - caused by: crypto/aes: invalid key size 5"
    with pytest.raises(Error, match="hash key is not set"):
        codecs_from_pairs(b"", None, b"old-hash", None)


def test_cookie_from_the_old_key_decodes_after_rotation() -> None:
    (old,) = _json(codecs_from_pairs(b"old-hash"))
    rotated = _json(codecs_from_pairs(b"new-hash", b"n" * 32, b"old-hash", None))
    cookie = old.encode("sid", {"user": "alice"})
    assert decode_multi("sid", cookie, *rotated) == {"user": "alice"}


def test_encode_multi_uses_the_first_codec() -> None:
    new, old = _json(codecs_from_pairs(b"new-hash", None, b"old-hash", None))
    cookie = encode_multi("sid", "v", new, old)
    assert new.decode("sid", cookie) == "v"
    with pytest.raises(Error):
        old.decode("sid", cookie)


def test_encode_multi_falls_through_to_the_next_codec_on_failure_like_go() -> None:
    (good,) = _json(codecs_from_pairs(b"hash"))
    assert good.decode("n", encode_multi("n", "v", FailingCodec(), good)) == "v"


def test_decode_multi_reports_each_codec_failure_in_order() -> None:
    codecs = _json(codecs_from_pairs(b"a", None, b"b", None, b"c", None))
    (stranger,) = _json(codecs_from_pairs(b"stranger"))
    with pytest.raises(MultiError) as info:
        decode_multi("sid", stranger.encode("sid", "v"), *codecs)
    err = info.value
    assert len(err) == 3
    assert str(err) == "securecookie: the value is not valid (and 2 other errors)"
    assert err.is_decode()
    assert not err.is_usage()


def test_decode_multi_with_one_failing_codec_has_the_bare_text() -> None:
    (codec,) = _json(codecs_from_pairs(b"a"))
    with pytest.raises(MultiError) as info:
        decode_multi("sid", "", codec)
    assert str(info.value) == "securecookie: the value is not valid"
    assert len(info.value) == 1


def test_decode_multi_tries_older_codecs_when_a_newer_one_rejects_for_any_reason() -> None:
    old, new = _json(codecs_from_pairs(b"old", None, b"new", None))
    short = new.max_length(8)
    cookie = old.encode("sid", "v")
    assert decode_multi("sid", cookie, short, old) == "v"


def test_codecs_from_pairs_keeps_the_last_pairs_block_key() -> None:
    old_hash, old_block = b"h" * 32, b"b" * 32
    new_hash, new_block = b"H" * 32, b"B" * 32
    first, last = _json(codecs_from_pairs(new_hash, new_block, old_hash, old_block))
    # The last pair's codec encrypts with its block key: only that key opens its cookie.
    encrypted = _json([SecureCookie(old_hash, old_block)])[0].encode("n", "v")
    hash_only = _json([SecureCookie(old_hash)])[0].encode("n", "v")
    assert last.decode("n", encrypted) == "v"
    with pytest.raises(Error):
        last.decode("n", hash_only)
    assert first.decode("n", first.encode("n", "v")) == "v"
