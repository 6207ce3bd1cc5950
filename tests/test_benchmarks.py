"""``python -m benchmarks``: the runner, with stand-in modules (no real timing here)."""

from __future__ import annotations

import types
from typing import Any

import pytest

from benchmarks import __main__ as runner
from benchmarks.common import Row


def fake_import(missing: dict[str, str]) -> Any:
    """An ``import_module`` where each module in ``missing`` lacks that dependency."""

    def import_module(name: str) -> types.SimpleNamespace:
        if name in missing:
            raise ModuleNotFoundError(f"No module named {missing[name]!r}", name=missing[name])
        return types.SimpleNamespace(results=lambda: [Row(name, "subject", 1.5, "peer", 3.0)])

    return import_module


def test_runner_prints_the_environment_and_one_table(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner.importlib, "import_module", fake_import({}))
    assert runner.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("machine:  ")
    assert "\npython:   " in out
    assert "\npackages: mongostore " in out
    for module in runner.MODULES:
        assert f"benchmarks.{module}" in out
    assert out.count("0.50x") == len(runner.MODULES)


def test_a_module_whose_peer_is_not_installed_is_skipped_with_the_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        runner.importlib, "import_module", fake_import({"benchmarks.bench_codec": "itsdangerous"})
    )
    assert runner.main(["codec", "gob"]) == 0
    out = capsys.readouterr().out
    assert "benchmarks.bench_gob" in out
    assert (
        "note: benchmarks.bench_codec: skipped, needs itsdangerous (pip install -e '.[dev]')" in out
    )


def test_unknown_benchmark_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        runner.main(["bogus"])
    assert exit_info.value.code == 2
    assert "unknown benchmark(s): bogus" in capsys.readouterr().err


def test_bench_lifetimes_counts_the_writes_of_read_only_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import mongomock

    from benchmarks import bench_lifetimes

    monkeypatch.setattr(bench_lifetimes, "REQUESTS", 20)
    database: Any = mongomock.MongoClient().get_database("bench_test")
    after = bench_lifetimes.writes_per_requests(database["a"], bench_lifetimes.MongoStore)
    before = bench_lifetimes.writes_per_requests(database["b"], bench_lifetimes.EveryRequestStore)
    assert (after, before) == (0, 20)


def test_bench_lifetimes_doubles_serve_the_store_like_a_collection() -> None:
    from benchmarks import bench_lifetimes
    from mongostore.http import HeaderList

    store, cookies = bench_lifetimes._double_store()
    environ = {"HTTP_COOKIE": cookies[0]}
    session = store.get(environ, bench_lifetimes.NAME)
    assert session.values == bench_lifetimes.VALUES
    session.values["n"] = 5
    headers: list[tuple[str, str]] = []
    store.save(environ, HeaderList(headers), session)
    assert store.new(environ, bench_lifetimes.NAME).values["n"] == 5
    assert len(headers) == 1


def test_bench_lifetimes_async_double_serves_the_async_store() -> None:
    import asyncio

    from benchmarks import bench_lifetimes
    from mongostore.aio import AsyncMongoStore
    from mongostore.http import HeaderList
    from mongostore.sessions.registry import get_async_registry

    store, cookies = bench_lifetimes._double_store()
    double = bench_lifetimes.AsyncDictCollection(store.collection)  # type: ignore[arg-type]
    async_store = AsyncMongoStore(double, bench_lifetimes.HASH_KEY)
    async_store.codecs = store.codecs

    async def request() -> list[tuple[str, str]]:
        scope = {"type": "http", "headers": [(b"cookie", cookies[0].encode("latin-1"))]}
        session = await async_store.get(scope, bench_lifetimes.NAME)
        assert session.values == bench_lifetimes.VALUES
        session.values["n"] = 7
        headers: list[tuple[str, str]] = []
        await get_async_registry(scope).save(HeaderList(headers))
        return headers

    assert len(asyncio.run(request())) == 1
    assert store.new({"HTTP_COOKIE": cookies[0]}, bench_lifetimes.NAME).values["n"] == 7
