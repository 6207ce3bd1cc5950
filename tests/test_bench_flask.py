"""benchmarks.bench_flask counts database writes correctly (counts only; timing is not tested)."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks import bench_flask


@pytest.fixture(autouse=True)
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_flask, "SESSIONS", 3)
    monkeypatch.setattr(bench_flask, "READ_ONLY_REQUESTS", 10)


def test_flask_session_rewrites_on_every_read_with_its_defaults(mongo_database: Any) -> None:
    theirs = bench_flask._flask_session(mongo_database["theirs"], refresh=True)
    assert theirs.writes_per_read_only_requests() == 10


@pytest.mark.parametrize("refresh", [True, False])
def test_mongostore_writes_nothing_for_read_only_requests(
    mongo_database: Any, refresh: bool
) -> None:
    ours = bench_flask._mongostore(mongo_database["ours"], refresh=refresh)
    assert ours.writes_per_read_only_requests() == 0
    ours.request("/write")()
    assert ours.counter.writes == 3 + 1  # the logins, then the one write


def test_both_libraries_serve_the_benchmark_views(mongo_database: Any) -> None:
    for subject in (
        bench_flask._mongostore(mongo_database["ours"], refresh=False),
        bench_flask._flask_session(mongo_database["theirs"], refresh=False),
    ):
        assert subject.client.get("/read", headers={"Cookie": subject.cookies[0]}).text == "alice"
