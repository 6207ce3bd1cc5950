"""The pure lifetime rules of mongostore.lifetimes: write, touch or nothing; timeouts; clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bson import ObjectId
from bson.int64 import Int64

from mongostore import lifetimes
from mongostore.errors import InvalidLifetimeError, InvalidUserFilterError
from mongostore.lifetimes import LoadedState, SaveAction

VALUES: dict[Any, Any] = {"user": "alice", "cart": [1, 2, {"sku": "x"}], "n": 1}
OID = ObjectId("5ed0e4be448c4dd1274c31e3")
NOW = 1_800_000_000


def state(values: dict[Any, Any] = VALUES, last_write: int = NOW) -> LoadedState:
    return LoadedState(
        fingerprint=lifetimes.values_fingerprint(values),
        last_write=last_write,
        created=last_write,
        created_stored=True,
        object_id=OID,
        session_id=str(OID),
    )


def action(values: dict[Any, Any], **overrides: Any) -> SaveAction:
    arguments: dict[str, Any] = {
        "session_id": str(OID),
        "has_values": bool(values),
        "deleting": False,
        "options_changed": False,
        "state": state(),
        "fingerprint": lifetimes.values_fingerprint(values),
        "now": NOW,
        "touch_after": 60.0,
    }
    arguments.update(overrides)
    return lifetimes.implicit_action(**arguments)


class TestFingerprint:
    def test_equal_values_have_equal_fingerprints(self) -> None:
        copy = {"user": "alice", "cart": [1, 2, {"sku": "x"}], "n": 1}
        assert lifetimes.values_fingerprint(copy) == lifetimes.values_fingerprint(VALUES)

    @pytest.mark.parametrize(
        "changed",
        [
            {"user": "alice", "cart": [1, 2, {"sku": "x"}, 3], "n": 1},  # appended in a list
            {"user": "alice", "cart": [1, 2, {"sku": "y"}], "n": 1},  # nested dict value
            {"user": "alice", "cart": [1, 2, {"sku": "x"}], "n": True},  # 1 -> True
            {"user": "alice", "cart": [1, 2, {"sku": "x"}], "n": 1.0},  # 1 -> 1.0
            {"user": "alice", "cart": [1, 2, {"sku": "x"}]},  # key removed
        ],
    )
    def test_any_change_changes_the_fingerprint(self, changed: dict[Any, Any]) -> None:
        assert lifetimes.values_fingerprint(changed) != lifetimes.values_fingerprint(VALUES)

    def test_unpicklable_values_have_no_fingerprint(self) -> None:
        assert lifetimes.values_fingerprint({"f": lambda: None}) is None


class TestImplicitAction:
    def test_an_unchanged_session_within_touch_after_does_nothing(self) -> None:
        assert action(VALUES, now=NOW + 60) is SaveAction.NOTHING

    def test_an_unchanged_session_past_touch_after_is_touched(self) -> None:
        assert action(VALUES, now=NOW + 61) is SaveAction.TOUCH

    def test_touch_after_zero_touches_every_unchanged_save(self) -> None:
        assert action(VALUES, now=NOW + 1, touch_after=0.0) is SaveAction.TOUCH

    def test_a_changed_session_is_written(self) -> None:
        assert action({**VALUES, "n": 2}) is SaveAction.WRITE

    def test_a_new_session_without_values_does_nothing(self) -> None:
        assert action({}, session_id="", state=None) is SaveAction.NOTHING

    def test_a_new_session_with_values_is_written(self) -> None:
        assert action(VALUES, session_id="", state=None) is SaveAction.WRITE

    @pytest.mark.parametrize(
        "overrides",
        [
            {"deleting": True},  # deletion goes through save
            {"options_changed": True},
            {"state": None},  # a session the store never loaded
            {"fingerprint": None},  # unpicklable values
        ],
    )
    def test_everything_else_is_written(self, overrides: dict[str, Any]) -> None:
        assert action(VALUES, **overrides) is SaveAction.WRITE


class TestDocumentTimes:
    def test_a_python_document_was_last_written_at_last_seen(self) -> None:
        document = {"expires": NOW + 3600, "last_seen": NOW, "created": NOW - 10}
        assert lifetimes.document_last_write(document, 3600) == NOW
        assert lifetimes.document_created(document, 3600) == (NOW - 10, True)

    def test_a_go_document_was_last_written_max_age_before_it_expires(self) -> None:
        document = {"expires": NOW + 3000}
        assert lifetimes.document_last_write(document, 3600) == NOW - 600
        assert lifetimes.document_created(document, 3600) == (NOW - 600, False)

    def test_a_go_save_after_ours_moves_the_last_write(self) -> None:
        # Go's $set rewrote expires and left our last_seen behind.
        document = {"expires": NOW + 3600, "last_seen": NOW - 500, "created": NOW - 900}
        assert lifetimes.document_last_write(document, 3600) == NOW

    @pytest.mark.parametrize("odd", [True, "1700000000", 1.7e9, None, [NOW]])
    def test_time_fields_of_another_type_count_as_missing(self, odd: object) -> None:
        document = {"expires": NOW + 3000, "last_seen": odd, "created": odd}
        assert lifetimes.document_last_write(document, 3600) == NOW - 600
        assert lifetimes.document_created(document, 3600) == (NOW - 600, False)
        assert lifetimes.document_last_write({"expires": odd}, 3600) == -3600

    def test_int64_time_fields_read_as_plain_ints(self) -> None:
        document = {"expires": Int64(NOW + 3600), "last_seen": Int64(NOW), "created": Int64(NOW)}
        created, stored = lifetimes.document_created(document, 3600)
        assert (created, stored) == (NOW, True)
        assert type(created) is int

    def test_expires_is_capped_by_the_absolute_timeout(self) -> None:
        assert lifetimes.capped_expires(NOW, 3600, NOW - 100, 1000) == NOW + 900
        assert lifetimes.capped_expires(NOW, 3600, NOW - 100, None) == NOW + 3600
        assert lifetimes.capped_expires(NOW, 3600, None, 1000) == NOW + 3600

    def test_past_absolute_timeout_is_inclusive_of_the_deadline(self) -> None:
        assert lifetimes.past_absolute_timeout(NOW - 1000, NOW, 1000)
        assert not lifetimes.past_absolute_timeout(NOW - 999, NOW, 1000)
        assert not lifetimes.past_absolute_timeout(0, NOW, None)


class TestFilters:
    def test_the_live_filter_adds_the_creation_bound_only_when_on(self) -> None:
        assert lifetimes.live_filter(OID, NOW, None) == {"_id": OID, "expires": {"$gt": NOW}}
        assert lifetimes.live_filter(OID, NOW, 100) == {
            "_id": OID,
            "expires": {"$gt": NOW},
            "created": {"$not": {"$lte": NOW - 100}},
        }

    @pytest.mark.parametrize("user", [None, {"$ne": None}, {"a": {"$gt": ""}}])
    def test_user_filters_refuse_none_and_operators(self, user: Any) -> None:
        with pytest.raises(InvalidUserFilterError):
            lifetimes.user_sessions_filter(user, NOW, None)
        with pytest.raises(InvalidUserFilterError):
            lifetimes.except_filter(user, OID)

    def test_except_filter_spares_the_kept_id(self) -> None:
        assert lifetimes.except_filter("alice", OID) == {"user": "alice", "_id": {"$ne": OID}}
        assert lifetimes.except_filter("alice", None) == {"user": "alice"}

    def test_revoke_filter_is_scoped_to_the_user_when_given(self) -> None:
        assert lifetimes.revoke_filter(OID) == {"_id": OID}
        assert lifetimes.revoke_filter(OID, "bob") == {"_id": OID, "user": "bob"}


class TestTouchUpdate:
    def test_a_touch_sets_only_expiry_and_last_seen(self) -> None:
        update = lifetimes.touch_update(expires=NOW + 60, now=NOW, stamp_created=None, client=None)
        assert set(update) == {"$set"}
        assert set(update["$set"]) == {"expires", "expires_at", "last_seen"}
        assert update["$set"]["expires_at"] == dt.datetime.fromtimestamp(NOW + 60, dt.UTC)

    def test_a_touch_of_a_go_document_stores_its_estimated_creation(self) -> None:
        update = lifetimes.touch_update(
            expires=NOW + 60, now=NOW, stamp_created=NOW - 5, client=None
        )
        assert update["$set"]["created"] == NOW - 5


class TestClientAddress:
    def test_forwarded_headers_are_ignored_by_default(self) -> None:
        assert lifetimes.client_address("10.0.0.1", "203.0.113.9", 0) == "10.0.0.1"

    def test_one_trusted_proxy_vouches_for_the_rightmost_entry(self) -> None:
        # The client claimed 1.1.1.1; the proxy appended what it saw.
        assert lifetimes.client_address("10.0.0.1", "1.1.1.1, 203.0.113.9", 1) == "203.0.113.9"

    def test_two_trusted_proxies_vouch_for_the_second_from_the_right(self) -> None:
        forwarded = "1.1.1.1, 203.0.113.9, 10.0.0.2"
        assert lifetimes.client_address("10.0.0.1", forwarded, 2) == "203.0.113.9"

    @pytest.mark.parametrize("forwarded", ["", "not-an-ip", "1.1.1.1, <script>", None])
    def test_a_bad_or_missing_entry_falls_back_to_the_peer(self, forwarded: Any) -> None:
        assert lifetimes.client_address("10.0.0.1", forwarded, 1) == "10.0.0.1"

    def test_too_few_entries_fall_back_to_the_peer(self) -> None:
        assert lifetimes.client_address("10.0.0.1", "203.0.113.9", 2) == "10.0.0.1"

    def test_addresses_are_normalized_and_bracketed_v6_is_read(self) -> None:
        assert lifetimes.client_address("2001:DB8:0::7", None, 0) == "2001:db8::7"
        assert lifetimes.client_address("10.0.0.1", "[2001:DB8::1]:443", 1) == "2001:db8::1"

    def test_a_peer_that_is_not_an_address_is_none(self) -> None:
        assert lifetimes.client_address("unix-socket", None, 0) is None

    def test_the_user_agent_is_cut_to_its_bound(self) -> None:
        fields = lifetimes.client_fields("x" * 10_000, None)
        assert fields == {
            "user_agent": "x" * lifetimes.MAX_USER_AGENT_LENGTH,
            "client_address": None,
        }
        assert lifetimes.client_fields(b"bytes", "::1")["user_agent"] is None


class TestOptions:
    @pytest.mark.parametrize("value", [-1, float("nan"), float("inf"), "60", True, None])
    def test_touch_after_must_be_a_finite_non_negative_number(self, value: Any) -> None:
        with pytest.raises(InvalidLifetimeError):
            lifetimes.checked_touch_after(value)

    @pytest.mark.parametrize("value", [0, -5, float("inf"), "1", False])
    def test_absolute_timeout_must_be_none_or_positive(self, value: Any) -> None:
        with pytest.raises(InvalidLifetimeError):
            lifetimes.checked_absolute_timeout(value)

    @pytest.mark.parametrize("value", [-1, 1.0, True, "1"])
    def test_trusted_proxies_must_be_a_non_negative_int(self, value: Any) -> None:
        with pytest.raises(InvalidLifetimeError):
            lifetimes.checked_trusted_proxies(value)

    def test_valid_values_pass(self) -> None:
        assert lifetimes.checked_touch_after(0) == 0.0
        assert lifetimes.checked_absolute_timeout(None) is None
        assert lifetimes.checked_absolute_timeout(8 * 3600) == 8 * 3600.0
        assert lifetimes.checked_trusted_proxies(2) == 2


class TestWriteTimes:
    def test_an_insert_is_created_now_and_stores_it(self) -> None:
        assert lifetimes.write_times(
            inserting=True, state=None, now=NOW, max_age=3600, absolute_timeout=100
        ) == (NOW + 100, NOW, NOW)

    def test_an_update_keeps_the_loaded_creation_and_stores_nothing_new(self) -> None:
        loaded = state(last_write=NOW - 50)
        assert lifetimes.write_times(
            inserting=False, state=loaded, now=NOW, max_age=3600, absolute_timeout=None
        ) == (NOW + 3600, NOW - 50, None)

    def test_an_update_of_a_go_document_stores_its_estimated_creation(self) -> None:
        loaded = state(last_write=NOW - 50)
        loaded.created_stored = False
        assert lifetimes.write_times(
            inserting=False, state=loaded, now=NOW, max_age=3600, absolute_timeout=100
        ) == (NOW + 50, NOW - 50, NOW - 50)

    def test_a_session_never_loaded_has_no_known_creation(self) -> None:
        assert lifetimes.write_times(
            inserting=False, state=None, now=NOW, max_age=3600, absolute_timeout=100
        ) == (NOW + 3600, None, None)

    def test_the_cookie_ends_with_a_capped_document(self) -> None:
        from mongostore.sessions import Options

        options = Options(path="/", max_age=3600)
        assert lifetimes.cookie_options(options, NOW, NOW + 3600) is options
        capped = lifetimes.cookie_options(options, NOW, NOW + 60)
        assert (capped.max_age, capped.path, options.max_age) == (60, "/", 3600)

    def test_a_browser_session_cookie_stays_one_whatever_the_documents_expiry(self) -> None:
        from mongostore.sessions import Options

        session_cookie = Options(path="/", max_age=0)  # mongostore.flask's non-permanent cookie
        assert lifetimes.cookie_options(session_cookie, NOW, NOW + 60) is session_cookie


class TestAsgiClient:
    def test_the_user_agent_and_peer_come_from_the_scope(self) -> None:
        scope = {
            "headers": [(b"user-agent", b"UA/1"), (b"x-forwarded-for", b"6.6.6.6")],
            "client": ("10.0.0.1", 5000),
        }
        assert lifetimes.asgi_client(scope, 0) == {
            "user_agent": "UA/1",
            "client_address": "10.0.0.1",
        }

    def test_repeated_forwarded_headers_are_read_in_order(self) -> None:
        scope = {
            "headers": [(b"X-Forwarded-For", b"6.6.6.6"), (b"x-forwarded-for", b"203.0.113.9")],
            "client": ["10.0.0.1", 1],
        }
        assert lifetimes.asgi_client(scope, 1)["client_address"] == "203.0.113.9"

    def test_a_scope_without_client_or_headers_records_nothing(self) -> None:
        assert lifetimes.asgi_client({}, 1) == {"user_agent": None, "client_address": None}
