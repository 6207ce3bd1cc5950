"""FilesystemStore: the Go filesystem_store vector, gorilla's GH tests, traversal, threads."""

from __future__ import annotations

import os
import re
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from werkzeug.wrappers import Response

import securecookie
from mongostore.sessions import FilesystemStore, Options
from mongostore.sessions.filesystem_store import new_session_id
from tests.support import vectors
from tests.support.web import cookie_pair, request_with_cookie, save_all

[FS_VECTOR] = vectors.vectors("filesystem_store")
ID_PATTERN = re.compile(r"[A-Z2-7]{52}")


def _session_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("session_*"))


def _vector_store(directory: Path) -> FilesystemStore:
    vec = FS_VECTOR
    store = FilesystemStore(
        directory, vectors.key(vec["hash_key_hex"]), vectors.key(vec["block_key_hex"])
    )
    store.max_age(vec["max_age"])  # real Encode times: age check off, as the vector says
    return store


def test_go_filesystem_store_session_reads_back(tmp_path: Path) -> None:
    vec = FS_VECTOR
    (tmp_path / vec["file_name"]).write_text(vec["file_content"])
    store = _vector_store(tmp_path)
    session = store.get(request_with_cookie(f"{vec['name']}={vec['encoded']}"), vec["name"])
    assert session.id == vec["session_id"]
    assert session.is_new is vec["request2_is_new"]
    assert session.values == vectors.typed_to_python(vec["request2_values"])
    assert session.flashes() == ["Logged in as alice"]


def test_go_filesystem_store_delete_matches_go(tmp_path: Path) -> None:
    vec = FS_VECTOR
    (tmp_path / vec["file_name"]).write_text(vec["file_content"])
    store = _vector_store(tmp_path)
    request = request_with_cookie(f"{vec['name']}={vec['encoded']}")
    session = store.get(request, vec["name"])
    session.options = Options(path="/", max_age=-1)  # gorilla 1.2's options, no HttpOnly
    assert save_all(request) == [vec["set_cookie_delete"]]
    assert not (tmp_path / vec["file_name"]).exists()


def test_cookie_holds_the_id_and_the_file_holds_the_values(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"h" * 32, b"b" * 32)
    request = request_with_cookie()
    session = store.get(request, "fs")
    session.values.update({"user": "alice", "n": 3})
    [header] = save_all(request)
    assert ID_PATTERN.fullmatch(session.id)
    [file] = _session_files(tmp_path)
    assert file.name == f"session_{session.id}"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    codecs = store.codecs
    cookie_value = cookie_pair(header).split("=", 1)[1]
    assert securecookie.decode_multi("fs", cookie_value, *codecs) == session.id
    assert securecookie.decode_multi("fs", file.read_text(), *codecs) == session.values
    assert header.endswith("; Path=/" + header.split("; Path=/", 1)[1])
    assert "; Max-Age=2592000; HttpOnly" in header
    loaded = store.get(request_with_cookie(cookie_pair(header)), "fs")
    assert (loaded.id, loaded.values, loaded.is_new) == (session.id, session.values, False)


def test_session_ids_are_52_base32_characters_and_unique() -> None:
    ids = {new_session_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(ID_PATTERN.fullmatch(session_id) for session_id in ids)


def test_empty_path_means_the_temp_directory() -> None:
    import tempfile

    assert FilesystemStore("").path == Path(tempfile.gettempdir())


def test_defaults_are_path_root_thirty_days_http_only(tmp_path: Path) -> None:
    assert FilesystemStore(tmp_path).options == Options(
        path="/", max_age=86400 * 30, http_only=True
    )


def test_sessions_get_a_copy_of_the_store_options(tmp_path: Path) -> None:
    # gorilla TestGH8FilesystemStore.
    store = FilesystemStore(tmp_path)
    store.options.path = "/"
    session = store.new(request_with_cookie(), "hello")
    store.options.path = "/foo"
    assert session.options.path == "/"


def test_max_length_lets_large_sessions_be_saved() -> None:
    # gorilla TestGH2MaxLength, in the temp directory as upstream.
    store = FilesystemStore("", b"some key")
    # Upstream names it "my session"; net/http silently drops a cookie with that
    # invalid name, whereas new_cookie raises, so the port uses a valid name.
    session = store.new(request_with_cookie(), "my-session")
    session.values["big"] = bytes(6144)
    with pytest.raises(securecookie.Error, match="too long"):
        session.save(request_with_cookie(), Response())
    assert session.id == ""  # no ID is kept for a file that was never written
    store.max_length(6144 * 2)
    session.save(request_with_cookie(), Response())
    path = store.file_path(session.id)
    try:
        assert path.exists()
    finally:
        path.unlink()


@pytest.mark.parametrize("max_age", [-1, 0])
def test_saving_with_max_age_at_most_zero_deletes_file_and_cookie(
    tmp_path: Path, max_age: int
) -> None:
    # gorilla TestGH8FilesystemStoreDelete / Delete2.
    store = FilesystemStore(tmp_path, b"some key")
    request = request_with_cookie()
    session = store.get(request, "s")
    session.values["v"] = 1
    save_all(request)
    assert _session_files(tmp_path)
    session.options.max_age = max_age
    [header] = save_all(request)
    assert header.startswith("s=; Path=/")
    assert _session_files(tmp_path) == []


def test_deleting_a_session_without_a_file_is_not_an_error(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"k")
    session = store.new(request_with_cookie(), "s")
    session.options.max_age = -1
    session.save(request_with_cookie(), Response())
    session.id = "NEVERWRITTEN"
    session.save(request_with_cookie(), Response())


def test_a_cookie_whose_file_is_gone_gives_a_new_session_and_a_new_id(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"k")
    request = request_with_cookie()
    store.get(request, "s").values["v"] = 1
    [header] = save_all(request)
    old_id = store.new(request_with_cookie(cookie_pair(header)), "s").id
    for file in _session_files(tmp_path):
        file.unlink()
    request = request_with_cookie(cookie_pair(header))
    session = store.get(request, "s")
    assert (session.id, session.values, session.is_new) == ("", {}, True)
    save_all(request)
    assert session.id not in ("", old_id)


def test_only_the_last_path_element_of_an_id_names_the_file(tmp_path: Path) -> None:
    directory = tmp_path / "store"
    directory.mkdir()
    store = FilesystemStore(directory, b"k")
    session = store.new(request_with_cookie(), "s")
    session.id = "../../escaped"
    session.values["v"] = 1
    [header] = [*_save_and_get(store, session)]
    assert [f.name for f in _session_files(directory)] == ["session_escaped"]
    assert list(tmp_path.glob("**/*escaped*")) == [directory / "session_escaped"]
    # A cookie naming the traversal ID reads the same confined file, without error.
    loaded = store.new(request_with_cookie(cookie_pair(header)), "s")
    assert loaded.values == {"v": 1}


def _save_and_get(store: FilesystemStore, session: Any) -> list[str]:
    response = Response()
    store.save(request_with_cookie(), response, session)
    return response.headers.getlist("Set-Cookie")


@pytest.mark.parametrize(
    ("session_id", "file_name"),
    [("a/b", "session_b"), ("a/b/", "session_b"), ("..", "session_.."), ("/", "session_")],
)
def test_file_path_mirrors_go_filepath_base(
    tmp_path: Path, session_id: str, file_name: str
) -> None:
    assert FilesystemStore(tmp_path).file_path(session_id) == tmp_path / file_name


def test_corrupt_file_gives_a_fresh_session_with_the_decode_error(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"k")
    request = request_with_cookie()
    store.get(request, "s").values["v"] = 1
    [header] = save_all(request)
    [file] = _session_files(tmp_path)
    file.write_text("garbage")
    damaged = store.new(request_with_cookie(cookie_pair(header)), "s")
    assert damaged.load_error is not None
    assert damaged.load_error.is_decode()
    # The contract (docs/reference.md): id "" like every bad load; the next save writes anew.
    assert (damaged.is_new, damaged.id, damaged.values) == (True, "", {})


def test_tampered_cookie_gives_a_fresh_session_with_the_decode_error(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"k")
    fresh = store.get(request_with_cookie("s=forged"), "s")
    assert fresh.load_error is not None
    assert fresh.load_error.is_decode()
    assert (fresh.id, fresh.is_new) == ("", True)


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"k")
    for _ in range(5):
        request = request_with_cookie()
        store.get(request, "s").values["v"] = 1
        save_all(request)
    assert len(list(tmp_path.iterdir())) == 5
    assert len(_session_files(tmp_path)) == 5


def test_a_write_that_fails_before_the_rename_keeps_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FilesystemStore(tmp_path, b"k")
    request = request_with_cookie()
    session = store.get(request, "s")
    session.values["v"] = "old"
    save_all(request)
    [file] = _session_files(tmp_path)
    before = file.read_text()

    def crash(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("mongostore.sessions.filesystem_store.os.replace", crash)
    session.values["v"] = "new" * 100
    response = Response()
    with pytest.raises(OSError, match="No space left"):
        store.save(request, response, session)
    monkeypatch.undo()
    assert response.headers.getlist("Set-Cookie") == []
    assert [path.name for path in tmp_path.iterdir()] == [file.name]  # temp file removed
    assert file.read_text() == before
    assert store.new(
        request_with_cookie(f"s={securecookie.encode_multi('s', session.id, *store.codecs)}"), "s"
    ).values == {"v": "old"}


def test_one_store_from_eight_threads_keeps_every_session_apart(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"h" * 32, b"b" * 16)
    failures: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            request = request_with_cookie()
            store.get(request, "s").values["who"] = index
            [header] = save_all(request)
            for round_ in range(10):
                request = request_with_cookie(cookie_pair(header))
                session = store.get(request, "s")
                assert session.values == {"who": index, **({"round": round_ - 1} if round_ else {})}
                session.values["round"] = round_
                [header] = save_all(request)
        except BaseException as exc:  # collected and re-raised in the main thread
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(_session_files(tmp_path)) == 8


def test_unreadable_file_raises_the_os_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FilesystemStore(tmp_path, b"k")
    request = request_with_cookie()
    store.get(request, "s").values["v"] = 1
    [header] = save_all(request)

    real_open = os.open

    def denied(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path).name.startswith("session_"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    # The server's fault, like a database error: it raises, it is no "new session".
    with pytest.raises(PermissionError):
        store.new(request_with_cookie(cookie_pair(header)), "s")


# Files planted at a session's path (by anyone who can write to the directory) -----


def _two_sessions(store: FilesystemStore) -> tuple[str, Path, Path]:
    """An attacker's cookie and file, and a victim's file holding a "user" value."""
    attacker = request_with_cookie()
    store.get(attacker, "s").values["user"] = "mallory"
    [header] = save_all(attacker)
    victim = request_with_cookie()
    store.get(victim, "s").values["user"] = "alice"
    save_all(victim)
    attacker_id = store.new(request_with_cookie(cookie_pair(header)), "s").id
    victim_id = store.get(victim, "s").id
    return cookie_pair(header), store.file_path(attacker_id), store.file_path(victim_id)


def _assert_missing(store: FilesystemStore, cookie: str) -> None:
    session = store.new(request_with_cookie(cookie), "s")
    assert (session.id, session.values, session.is_new) == ("", {}, True)


def test_a_symlink_planted_at_a_session_path_is_not_followed(tmp_path: Path) -> None:
    # The takeover: point one's own session file at a victim's, replay one's cookie.
    store = FilesystemStore(tmp_path, b"k")
    cookie, own_file, victim_file = _two_sessions(store)
    own_file.unlink()
    own_file.symlink_to(victim_file)
    _assert_missing(store, cookie)


def test_a_hard_link_planted_at_a_session_path_is_refused(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"k")
    cookie, own_file, victim_file = _two_sessions(store)
    own_file.unlink()
    os.link(victim_file, own_file)
    _assert_missing(store, cookie)


def test_a_fifo_planted_at_a_session_path_never_blocks_the_reader(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"k")
    cookie, own_file, _ = _two_sessions(store)
    own_file.unlink()
    os.mkfifo(own_file)
    # A writer that opens and closes the FIFO lets a blocking reader through
    # (it then reads nothing), so the old code fails here instead of hanging.
    writer = threading.Thread(target=lambda: os.close(os.open(own_file, os.O_WRONLY)))
    writer.start()
    try:
        _assert_missing(store, cookie)
    finally:
        while writer.is_alive():  # release the writer if no reader ever came
            os.close(os.open(own_file, os.O_RDONLY | os.O_NONBLOCK))
            writer.join(0.01)


def test_a_file_owned_by_another_user_is_not_a_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FilesystemStore(tmp_path, b"k")
    cookie, _, _ = _two_sessions(store)
    # Every file here is ours; seen by another uid, every one is someone else's.
    monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 1)
    _assert_missing(store, cookie)


def test_someone_elses_unreadable_file_is_not_a_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FilesystemStore(tmp_path, b"k")
    cookie, _, _ = _two_sessions(store)
    real_open = os.open

    def denied(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path).name.startswith("session_"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 1)
    _assert_missing(store, cookie)


def test_a_directory_planted_at_a_session_path_is_not_a_session(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"k")
    cookie, own_file, _ = _two_sessions(store)
    own_file.unlink()
    own_file.mkdir()
    _assert_missing(store, cookie)


def test_saving_over_a_planted_symlink_replaces_the_link_not_its_target(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"k")
    cookie, own_file, victim_file = _two_sessions(store)
    session = store.new(request_with_cookie(cookie), "s")
    victim_before = victim_file.read_bytes()
    own_file.unlink()
    own_file.symlink_to(victim_file)
    session.values["user"] = "mallory2"
    session.save(request_with_cookie(), Response())
    assert victim_file.read_bytes() == victim_before
    assert not own_file.is_symlink()
    assert store.new(request_with_cookie(cookie), "s").values == {"user": "mallory2"}


def test_deleting_over_a_planted_symlink_removes_only_the_link(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, b"k")
    cookie, own_file, victim_file = _two_sessions(store)
    session = store.new(request_with_cookie(cookie), "s")
    own_file.unlink()
    own_file.symlink_to(victim_file)
    session.options.max_age = -1
    session.save(request_with_cookie(), Response())
    assert not own_file.exists()
    assert not own_file.is_symlink()
    assert victim_file.is_file()
