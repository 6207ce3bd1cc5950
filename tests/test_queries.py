"""The store's pure rules: filters and write plans, shared by every store over the collection."""

from __future__ import annotations

import pytest
from bson import ObjectId

from mongostore import queries
from mongostore.errors import InvalidDatabaseError, InvalidSessionIdError, InvalidUserFilterError

GO_TEST_ID = "5ed0e4be448c4dd1274c31e3"


def test_now_seconds_floors_the_clock() -> None:
    assert queries.now_seconds(lambda: 1_700_000_000.999) == 1_700_000_000
    assert queries.now_seconds(lambda: -0.5) == -1


def test_live_sessions_expire_after_now() -> None:
    assert queries.live_sessions_filter(100) == {"expires": {"$gt": 100}}


def test_an_expired_session_expires_at_or_before_now() -> None:
    assert queries.expired_filter(100) == {"expires": {"$lte": 100}}


def test_user_filters_pass_plain_values_and_refuse_operators() -> None:
    assert queries.user_provider_filter("ann", "google") == {"user": "ann", "provider": "google"}
    assert queries.user_ids_filter([1, 2]) == {"user": {"$in": [1, 2]}}
    assert queries.user_ids_filter([]) is None
    with pytest.raises(InvalidUserFilterError):
        queries.user_provider_filter({"$ne": None}, "google")
    with pytest.raises(TypeError):
        queries.user_ids_filter("ann")


def test_a_new_session_plans_an_insert_under_a_fresh_id() -> None:
    plan = queries.plan_write("", 60, 1000)
    assert plan.inserting
    assert (plan.now, plan.expires) == (1000, 1060)
    assert plan.session_id == str(plan.object_id)


def test_an_existing_session_plans_an_update_of_its_own_id() -> None:
    plan = queries.plan_write(GO_TEST_ID, 60, 1000)
    assert not plan.inserting
    assert plan.object_id == ObjectId(GO_TEST_ID)
    assert plan.session_id == GO_TEST_ID
    with pytest.raises(InvalidSessionIdError):
        queries.plan_write("not-hex", 60, 1000)


def test_collections_and_databases_are_told_apart_by_their_type() -> None:
    class Collection:
        def find_one(self) -> None: ...

    class Database:
        def get_collection(self, name: str) -> None: ...

    assert queries.database_is_collection(Collection(), "ignored")
    assert not queries.database_is_collection(Database(), "session")
    with pytest.raises(InvalidDatabaseError):
        queries.database_is_collection(Database(), "")
    with pytest.raises(InvalidDatabaseError):
        queries.database_is_collection(object(), "session")
