"""The session document layout shared with the Go MongoStore."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

import pytest
from bson import BSON, ObjectId
from bson.int64 import Int64
from hypothesis import given, settings
from hypothesis import strategies as st

import securecookie
from mongostore import documents

GO_TEST_ID = "5ed0e4be448c4dd1274c31e3"


class TestObjectIdFromHex:
    def test_twenty_four_lowercase_hex_digits_are_an_object_id(self) -> None:
        assert documents.object_id_from_hex(GO_TEST_ID) == ObjectId(GO_TEST_ID)

    def test_uppercase_hex_is_accepted_like_go(self) -> None:
        assert documents.object_id_from_hex(GO_TEST_ID.upper()) == ObjectId(GO_TEST_ID)

    @pytest.mark.parametrize(
        "text",
        [
            "",
            GO_TEST_ID[:-1],  # 23 digits
            GO_TEST_ID + "0",  # 25 digits
            "g" + GO_TEST_ID[1:],
            " " + GO_TEST_ID[1:],  # bytes.fromhex would skip the space
            GO_TEST_ID[:12] + " " + GO_TEST_ID[13:],
            GO_TEST_ID[:-1] + "\n",
            "\uff10" + GO_TEST_ID[1:],  # a fullwidth digit zero
        ],
    )
    def test_anything_but_exactly_24_hex_digits_is_rejected(self, text: str) -> None:
        assert documents.object_id_from_hex(text) is None

    @pytest.mark.parametrize("value", [None, 5, b"5ed0e4be448c4dd1274c31e3", ObjectId()])
    def test_non_strings_are_rejected(self, value: object) -> None:
        assert documents.object_id_from_hex(value) is None

    @settings(max_examples=200)
    @given(st.text(alphabet=string.hexdigits + " g\n", max_size=30))
    def test_accepts_exactly_the_24_hex_digit_strings(self, text: str) -> None:
        expected = len(text) == 24 and all(c in string.hexdigits for c in text)
        assert (documents.object_id_from_hex(text) is not None) == expected


class TestCookieObjectId:
    def test_a_decoded_hex_id_becomes_an_object_id(self) -> None:
        assert documents.cookie_object_id(GO_TEST_ID) == ObjectId(GO_TEST_ID)

    @pytest.mark.parametrize("decoded", ["", "not-an-id", 42, None, {"id": GO_TEST_ID}])
    def test_any_other_cookie_content_is_a_decode_error(self, decoded: object) -> None:
        with pytest.raises(securecookie.Error) as info:
            documents.cookie_object_id(decoded)
        assert info.value.is_decode()
        assert not info.value.is_usage()


class TestDocumentFields:
    def test_fields_hold_data_int64_expires_and_the_utc_expiry_datetime(self) -> None:
        fields = documents.document_fields("encoded", 1_700_000_000, {})
        assert fields == {
            "data": "encoded",
            "expires": 1_700_000_000,
            "expires_at": dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC),
        }
        assert type(fields["expires"]) is Int64

    def test_expires_is_stored_as_bson_int64_like_go(self) -> None:
        fields = documents.document_fields("x", 1_700_000_000, {})
        raw = BSON.encode({"expires": fields["expires"]})
        # Element type 0x12 is int64; a plain Python int this small would be 0x10 (int32).
        assert raw[4] == 0x12

    def test_user_and_provider_values_are_copied_to_top_level_fields(self) -> None:
        values: dict[Any, Any] = {"user": "alice", "provider": "github", "other": 1, 42: "x"}
        fields = documents.document_fields("x", 10, values)
        assert fields["user"] == "alice"
        assert fields["provider"] == "github"
        assert set(fields) == {"data", "expires", "expires_at", "user", "provider"}

    @pytest.mark.parametrize("value", ["", None, 0, False])
    def test_falsy_user_values_are_still_copied(self, value: object) -> None:
        assert documents.document_fields("x", 10, {"user": value})["user"] == value

    def test_copied_fields_the_values_no_longer_hold_are_unset(self) -> None:
        fields = {"data": "x"}
        assert documents.update_spec(fields, {}) == {
            "$set": fields,
            "$unset": {"user": "", "provider": ""},
        }
        assert documents.update_spec(fields, {"user": "a"}) == {
            "$set": fields,
            "$unset": {"provider": ""},
        }

    def test_update_spec_omits_an_empty_unset(self) -> None:
        values = {"user": "a", "provider": "p", "theme": "dark"}
        assert documents.update_spec({"data": "x"}, values) == {"$set": {"data": "x"}}


class TestDocumentData:
    def test_string_data_is_returned(self) -> None:
        assert documents.document_data({"data": "abc"}) == "abc"

    @pytest.mark.parametrize("document", [{}, {"data": None}, {"data": b"abc"}, {"data": 5}])
    def test_missing_or_non_string_data_is_a_decode_error(self, document: dict[str, Any]) -> None:
        with pytest.raises(securecookie.Error) as info:
            documents.document_data(document)
        assert info.value.is_decode()


class TestCheckedBsonValue:
    @pytest.mark.parametrize("value", [2**63 - 1, -(2**63), 0, "alice", None, 1.5])
    def test_values_bson_holds_pass_unchanged(self, value: Any) -> None:
        assert documents.checked_bson_value("user", value) == value

    @pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 2**64])
    def test_ints_beyond_int64_are_refused_with_a_note(self, value: int) -> None:
        with pytest.raises(OverflowError) as info:
            documents.checked_bson_value("user", value)
        assert any("'user'" in note for note in info.value.__notes__)


class TestExpiresAt:
    def test_each_second_gets_its_own_utc_datetime(self) -> None:
        first = documents.expires_at(1_700_000_000)
        assert first == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
        assert documents.expires_at(1_700_000_001) == first + dt.timedelta(seconds=1)
        # The remembered answer never leaks into another second, in either order.
        assert documents.expires_at(1_700_000_000) == first
        assert documents.expires_at(0) == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
