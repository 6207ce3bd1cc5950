"""The ``mongostore`` command line: every command, its output, and its failures.

Commands run in-process through ``main(argv)``; one subprocess run checks the
real ``python -m mongostore`` entry point. Failures must be one stderr line
and a non-zero status, never a traceback.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.client
import io
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId
from hypothesis import given, settings
from hypothesis import strategies as st

from mongostore.__main__ import main
from mongostore.cli import database
from mongostore.cli.render import to_json_value
from mongostore.demo import SESSION_NAME
from securecookie import GobSerializer, JSONSerializer, NopSerializer, SecureCookie
from tests.support.vectors import document, typed_to_python, vectors

ROOT = Path(__file__).resolve().parent.parent
HASH_HEX = "3620aa3eb47aa0ad432080dcf6f929b8bab18ec323bf4f162576d83c12d408bf"
BLOCK_HEX = "48673ac646963cf270462112ff1eb3ff5be4311efa2bed4730fd70f9dc623234"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``main(argv)`` and what it wrote: (status, stdout, stderr)."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(err: str) -> None:
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


# --- the entry point -------------------------------------------------------------------------


def test_python_dash_m_help_runs_as_a_subprocess_and_lists_every_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mongostore", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for command in ("keygen", "decode", "show", "count", "clean", "expire", "indexes", "demo"):
        assert command in proc.stdout


@pytest.mark.parametrize(
    "command", ["keygen", "decode", "show", "count", "clean", "expire", "indexes", "demo"]
)
def test_every_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    status, out, _ = run_cli(capsys, command, "--help")
    assert status == 0
    assert out.startswith(f"usage: mongostore {command}")


def test_missing_command_is_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys)
    assert status == 2
    assert out == ""
    assert_one_line_error(err)
    assert "required" in err


def test_unknown_option_is_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "keygen", "--bogus")
    assert status == 2
    assert_one_line_error(err)
    assert "--bogus" in err


def test_ctrl_c_during_a_command_is_one_line_naming_the_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mongostore.cli import keys

    def interrupted(args: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(keys, "run_keygen", interrupted)
    status, out, err = run_cli(capsys, "keygen")
    assert (status, out, err) == (130, "", "mongostore keygen: interrupted\n")


# --- keygen ----------------------------------------------------------------------------------


def parse_env_lines(out: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in out.splitlines())


def test_keygen_defaults_to_a_32_byte_hash_key_and_an_aes256_block_key(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run_cli(capsys, "keygen")
    assert status == 0
    keys = parse_env_lines(out)
    assert len(bytes.fromhex(keys["MONGOSTORE_HASH_KEY"])) == 32
    assert len(bytes.fromhex(keys["MONGOSTORE_BLOCK_KEY"])) == 32


@pytest.mark.parametrize(("hash_bytes", "block_bytes"), [(64, 16), (32, 24), (64, 32)])
def test_keygen_honours_requested_key_sizes(
    capsys: pytest.CaptureFixture[str], hash_bytes: int, block_bytes: int
) -> None:
    _, out, _ = run_cli(
        capsys, "keygen", "--hash-bytes", str(hash_bytes), "--block-bytes", str(block_bytes)
    )
    keys = parse_env_lines(out)
    assert len(bytes.fromhex(keys["MONGOSTORE_HASH_KEY"])) == hash_bytes
    assert len(bytes.fromhex(keys["MONGOSTORE_BLOCK_KEY"])) == block_bytes


def test_keygen_block_bytes_zero_prints_only_a_hash_key(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run_cli(capsys, "keygen", "--block-bytes", "0")
    assert list(parse_env_lines(out)) == ["MONGOSTORE_HASH_KEY"]


def test_keygen_gives_different_keys_each_run(capsys: pytest.CaptureFixture[str]) -> None:
    _, first, _ = run_cli(capsys, "keygen")
    _, second, _ = run_cli(capsys, "keygen")
    assert first != second


def test_keygen_rejects_an_unsupported_size(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "keygen", "--block-bytes", "20")
    assert status == 2
    assert_one_line_error(err)
    assert "--block-bytes" in err


# --- decode ----------------------------------------------------------------------------------

DECODE_VECTORS = [
    v for v in vectors("encode_decode") if v.get("codecs") is None and v["hash"] == "sha256"
]


def canonical(rendered: Any) -> Any:
    """Rendered JSON with every ``$map`` pair list sorted: Go's map order has no meaning."""
    if isinstance(rendered, list):
        return [canonical(item) for item in rendered]
    if isinstance(rendered, dict):
        if set(rendered) == {"$map"}:
            pairs = [canonical(pair) for pair in rendered["$map"]]
            return {"$map": sorted(pairs, key=lambda pair: json.dumps(pair, sort_keys=True))}
        return {key: canonical(item) for key, item in rendered.items()}
    return rendered


def assert_prints_vector_value(out: str, vec: dict[str, Any]) -> None:
    expected = to_json_value(typed_to_python(vec["expect"]["value"]))
    assert canonical(json.loads(out)) == canonical(expected)


def vector_args(vec: dict[str, Any]) -> list[str]:
    args = ["decode", "--name", vec["name"], "--hash-key", vec["hash_key_hex"]]
    if vec["block_key_hex"]:
        args += ["--block-key", vec["block_key_hex"]]
    return [*args, "--serializer", vec["serializer"], "--max-age", "0", vec["encoded"]]


@pytest.mark.parametrize("vec", DECODE_VECTORS, ids=[v["id"] for v in DECODE_VECTORS])
def test_decode_prints_go_cookies_as_json(
    capsys: pytest.CaptureFixture[str], vec: dict[str, Any]
) -> None:
    status, out, err = run_cli(capsys, *vector_args(vec))
    assert status == 0, err

    assert_prints_vector_value(out, vec)


def test_decode_renders_bytes_dates_and_int_keys_of_a_go_session() -> None:

    value = {
        "raw": b"\x00\x01|\xfe\xff",
        "login": dt.datetime(2024, 3, 1, 12, 30, 45, 123456, tzinfo=dt.UTC),
        42: "int key",
        "z": complex(1, -2),
        "nan": float("nan"),
    }
    rendered = to_json_value(value)
    assert rendered == {
        "$map": [
            ["raw", {"$bytes": "AAF8/v8="}],
            ["login", {"$date": "2024-03-01T12:30:45.123456+00:00"}],
            [42, "int key"],
            ["z", {"$complex": [1.0, -2.0]}],
            ["nan", {"$float": "NaN"}],
        ]
    }


def test_render_uses_pair_form_when_a_key_looks_like_a_tag() -> None:

    assert to_json_value({"$bytes": "x"}) == {"$map": [["$bytes", "x"]]}
    assert to_json_value({"a": [1, (2, None)]}) == {"a": [1, [2, None]]}


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats()
        | st.text()
        | st.binary()
        | st.complex_numbers()
        | st.datetimes(timezones=st.just(dt.UTC)),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.text() | st.integers(), inner, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_render_turns_any_session_value_into_strict_json(value: Any) -> None:
    rendered = to_json_value(value)
    text = json.dumps(rendered, allow_nan=False)  # raises on anything JSON cannot hold
    assert json.loads(text) == rendered


def test_render_tags_go_structs_with_their_registered_name_at_any_depth() -> None:
    from securecookie.gob import GoStruct

    inner = GoStruct("main.Point", {"X": 1, "Y": b"\x00"})
    value = {"flash": GoStruct("main.Flash", {"Msg": "hi", "At": inner})}
    assert to_json_value(value) == {
        "flash": {
            "$struct": "main.Flash",
            "fields": {
                "Msg": "hi",
                "At": {"$struct": "main.Point", "fields": {"X": 1, "Y": {"$bytes": "AA=="}}},
            },
        }
    }


def strict_stdout(monkeypatch: pytest.MonkeyPatch, encoding: str) -> io.BytesIO:
    """Replace stdout by a strict ``encoding`` stream, as a terminal outside UTF-8 mode has."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", write_through=True)
    monkeypatch.setattr(sys, "stdout", stream)
    return raw


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_decode_prints_valid_json_for_go_strings_that_are_not_utf8(
    monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    # A Go string may hold any bytes; gob decoding keeps them as surrogate escapes.
    raw_go_string = b"caf\xc3\xa9 \xff\xfe".decode("utf-8", "surrogateescape")
    cookie = SecureCookie(bytes.fromhex(HASH_HEX)).encode("s", {"k": raw_go_string})
    out = strict_stdout(monkeypatch, encoding)
    status = main(["decode", "--name", "s", "--hash-key", HASH_HEX, cookie])
    assert status == 0
    text = out.getvalue().decode(encoding)  # strict: the bytes are valid in that encoding
    assert json.loads(text) == {"k": "caf\u00e9 \udcff\udcfe"}


def test_decode_with_rotated_keys_tries_each_pair_in_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    vec = next(v for v in vectors("rotation") if v["id"].endswith("old_pair_decoded_by_new_old"))
    meta_keys = key_table()
    status, out, err = run_cli(
        capsys,
        "decode",
        "--name",
        vec["name"],
        "--hash-key",
        meta_keys["NewHash"],
        "--block-key",
        meta_keys["NewBlock"],
        "--hash-key",
        meta_keys["OldHash"],
        "--block-key",
        meta_keys["OldBlock"],
        "--max-age",
        "0",
        vec["encoded"],
    )
    assert status == 0, err

    assert_prints_vector_value(out, vec)


def key_table() -> dict[str, str]:
    table: dict[str, str] = document()["meta"]["keys"]["public"]
    return table


def test_decode_with_the_wrong_key_prints_the_error_with_its_flags(
    capsys: pytest.CaptureFixture[str],
) -> None:
    vec = DECODE_VECTORS[0]
    args = vector_args(vec)
    args[args.index("--hash-key") + 1] = "00" * 32
    status, out, err = run_cli(capsys, *args)
    assert status == 1
    assert out == ""
    assert_one_line_error(err)
    assert err.startswith("mongostore decode: securecookie: the value is not valid")
    assert "[usage=false decode=true internal=false]" in err


def cookie_at(vec: dict[str, Any], timestamp: int) -> str:
    """The vector's hash-only cookie re-signed as if encoded at ``timestamp`` (README layout)."""
    date = str(timestamp).encode()
    value = vec["layout"]["value_b64url"].encode()
    mac = hmac.new(
        bytes.fromhex(vec["hash_key_hex"]),
        b"%s|%s|%s" % (vec["name"].encode(), date, value),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(b"%s|%s|%s" % (date, value, mac)).decode()


SID_VECTOR = next(v for v in DECODE_VECTORS if v["id"].endswith("gob-sha256-hashonly-sid"))
THIRTY_DAYS = 30 * 86400


@pytest.mark.parametrize(("age", "accepted"), [(THIRTY_DAYS - 60, True), (THIRTY_DAYS + 60, False)])
def test_decode_applies_securecookie_default_max_age_of_30_days(
    capsys: pytest.CaptureFixture[str], age: int, accepted: bool
) -> None:
    cookie = cookie_at(SID_VECTOR, int(time.time()) - age)
    status, out, err = run_cli(
        capsys, "decode", "--name", "session", "--hash-key", SID_VECTOR["hash_key_hex"], cookie
    )
    if accepted:
        assert (status, json.loads(out)) == (0, "5ed0e4be448c4dd1274c31e3")
    else:
        assert status == 1
        assert err.startswith("mongostore decode: securecookie: expired timestamp")


def test_decode_max_age_option_overrides_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    cookie = cookie_at(SID_VECTOR, int(time.time()) - 120)
    base = ["decode", "--name", "session", "--hash-key", SID_VECTOR["hash_key_hex"]]
    assert run_cli(capsys, *base, "--max-age", "60", cookie)[0] == 1
    assert run_cli(capsys, *base, "--max-age", "180", cookie)[0] == 0
    old = cookie_at(SID_VECTOR, int(time.time()) - 10 * THIRTY_DAYS)
    assert run_cli(capsys, *base, "--max-age", "0", old)[0] == 0


def test_decode_with_the_wrong_name_is_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    vec = DECODE_VECTORS[0]
    args = vector_args(vec)
    args[args.index("--name") + 1] = "other"
    status, _, err = run_cli(capsys, *args)
    assert status == 1
    assert "decode=true" in err


def test_decode_of_garbage_is_a_decode_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "decode", "--name", "s", "--hash-key", HASH_HEX, "%%%")
    assert status == 1
    assert_one_line_error(err)
    assert "decode=true" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--hash-key", "zz"], "--hash-key: not a hex string"),
        (["--hash-key", ""], "--hash-key: the key is empty"),
        (["--hash-key", HASH_HEX, "--block-key", "00" * 5], "must be 16, 24 or 32 bytes"),
        (["--block-key", BLOCK_HEX, "--hash-key", HASH_HEX], "must follow the --hash-key"),
        (
            ["--hash-key", HASH_HEX, "--block-key", BLOCK_HEX, "--block-key", BLOCK_HEX],
            "given twice",
        ),
        ([], "--hash-key"),
        (["--hash-key", HASH_HEX, "--serializer", "xml"], "invalid choice"),
        (["--hash-key", HASH_HEX, "--max-age", "-1"], "--max-age"),
    ],
)
def test_decode_rejects_malformed_keys_and_options_in_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.delenv("MONGOSTORE_HASH_KEY", raising=False)
    status, out, err = run_cli(capsys, "decode", "--name", "s", *argv, "value")
    assert status == 2
    assert out == ""
    assert_one_line_error(err)
    assert message in err


def test_decode_hash_only_pair_between_encrypted_pairs_keeps_its_place(
    capsys: pytest.CaptureFixture[str],
) -> None:

    hash_only = (
        SecureCookie(bytes.fromhex("11" * 32))
        .set_serializer(GobSerializer())
        .encode("s", {"k": "v"})
    )
    status, out, err = run_cli(
        capsys,
        "decode",
        "--name",
        "s",
        "--hash-key",
        HASH_HEX,
        "--block-key",
        BLOCK_HEX,
        "--hash-key",
        "11" * 32,
        hash_only,
    )
    assert status == 0, err
    assert json.loads(out) == {"k": "v"}


def test_decode_supports_json_and_nop_serializers(capsys: pytest.CaptureFixture[str]) -> None:

    codec = SecureCookie(bytes.fromhex(HASH_HEX)).set_serializer(JSONSerializer())
    status, out, _ = run_cli(
        capsys,
        *("decode", "--name", "s", "--hash-key", HASH_HEX, "--serializer", "json"),
        codec.encode("s", {"n": 1}),
    )
    assert (status, json.loads(out)) == (0, {"n": 1})

    codec = SecureCookie(bytes.fromhex(HASH_HEX)).set_serializer(NopSerializer())
    status, out, _ = run_cli(
        capsys,
        *("decode", "--name", "s", "--hash-key", HASH_HEX, "--serializer", "nop"),
        codec.encode("s", b"\xff\x00"),
    )
    assert (status, json.loads(out)) == (0, {"$bytes": "/wA="})


def test_decode_sha512_cookies_with_hash_func_option(capsys: pytest.CaptureFixture[str]) -> None:
    vec = next(
        v
        for v in vectors("encode_decode")
        if v["hash"] == "sha512" and v["serializer"] == "gob" and not v["block_key_hex"]
    )
    args = [*vector_args(vec)[:-1], "--hash-func", "sha512", vec["encoded"]]
    status, out, err = run_cli(capsys, *args)
    assert status == 0, err

    assert_prints_vector_value(out, vec)


# --- decode: keys from the environment, and the encrypted-value hint ---------------------------


def gob_cookie(value: object, block_hex: str | None = BLOCK_HEX, name: str = "session") -> str:
    block = None if block_hex is None else bytes.fromhex(block_hex)
    return SecureCookie(bytes.fromhex(HASH_HEX), block).encode(name, value)


def test_decode_reads_the_keys_keygen_prints_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGOSTORE_HASH_KEY", HASH_HEX)
    monkeypatch.setenv("MONGOSTORE_BLOCK_KEY", BLOCK_HEX)
    status, out, err = run_cli(capsys, "decode", "--name", "session", gob_cookie({"visits": 3}))
    assert status == 0, err
    assert json.loads(out) == {"visits": 3}


def test_decode_command_line_keys_win_over_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGOSTORE_HASH_KEY", "00" * 32)
    cookie = gob_cookie("v", block_hex=None)
    status, out, err = run_cli(
        capsys, "decode", "--name", "session", "--hash-key", HASH_HEX, cookie
    )
    assert (status, json.loads(out)) == (0, "v"), err


def test_decode_without_keys_anywhere_says_where_keys_come_from(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGOSTORE_HASH_KEY", raising=False)
    status, out, err = run_cli(capsys, "decode", "--name", "session", "value")
    assert (status, out) == (2, "")
    assert_one_line_error(err)
    assert err.startswith("mongostore decode: no keys: pass --hash-key")
    assert "$MONGOSTORE_HASH_KEY" in err


def test_decode_of_an_encrypted_cookie_without_block_key_says_to_pass_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cookie = gob_cookie({"user": "alice"})
    status, out, err = run_cli(
        capsys, "decode", "--name", "session", "--hash-key", HASH_HEX, cookie
    )
    assert (status, out) == (1, "")
    assert_one_line_error(err)
    assert "the value may be encrypted: pass --block-key" in err
    assert "unexpected EOF" not in err
    assert "[usage=false decode=true internal=false]" in err


def test_decode_hint_needs_the_mac_to_match(capsys: pytest.CaptureFixture[str]) -> None:
    cookie = gob_cookie({"user": "alice"})
    status, _, err = run_cli(capsys, "decode", "--name", "session", "--hash-key", "11" * 32, cookie)
    assert status == 1
    assert "the value is not valid" in err
    assert "--block-key" not in err


def test_decode_hint_holds_for_the_hash_only_pair_of_a_rotation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cookie = gob_cookie({"user": "alice"})
    status, _, err = run_cli(
        capsys,
        *("decode", "--name", "session", "--hash-key", "11" * 32, "--block-key", BLOCK_HEX),
        *("--hash-key", HASH_HEX, cookie),
    )
    assert status == 1
    assert "the value may be encrypted: pass --block-key" in err


# --- database commands -------------------------------------------------------------------


@pytest.fixture
def cli_db(
    monkeypatch: pytest.MonkeyPatch, mongo_backend: str, request: pytest.FixtureRequest
) -> Iterator[tuple[list[str], Any]]:
    """Connection arguments for the CLI and the database they reach, on each backend.

    mongomock: the CLI's client factory is swapped for one shared mongomock
    client. The wire server (or MONGODB_URI): the CLI opens its own real
    client on the server's URI, and the test reads the throwaway database
    through the run's shared client (closed by its fixture, not here).
    """
    name = f"cli_test_{uuid.uuid4().hex[:12]}"
    if mongo_backend == "mongomock":
        import mongomock

        client: Any = mongomock.MongoClient()
        monkeypatch.setattr(database, "client_factory", lambda *_a, **_k: client)
        uri = "mongodb://mongomock.invalid:27017"
    else:
        uri = request.getfixturevalue("wire_uri")
        client = request.getfixturevalue("wire_client")
    try:
        yield ["--uri", uri, "--db", name], client[name]
    finally:
        client.drop_database(name)


def insert_session(db: Any, *, expires_in: int, **fields: Any) -> ObjectId:
    """A session document as the Go store writes it (data need not decode for these commands)."""
    expires = int(time.time()) + expires_in
    doc = {
        "_id": ObjectId(),
        "data": "unused",
        "expires": expires,
        "expires_at": dt.datetime.fromtimestamp(expires, dt.UTC),
        **fields,
    }
    db["session"].insert_one(doc)
    oid: ObjectId = doc["_id"]
    return oid


def test_count_prints_the_number_of_unexpired_sessions(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    insert_session(db, expires_in=3600)
    insert_session(db, expires_in=3600)
    insert_session(db, expires_in=-10)
    status, out, err = run_cli(capsys, "count", *conn)
    assert status == 0, err
    assert out == "2\n"


def test_clean_deletes_only_expired_sessions(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    live = insert_session(db, expires_in=3600)
    insert_session(db, expires_in=-10)
    insert_session(db, expires_in=-99999)
    status, out, err = run_cli(capsys, "clean", *conn)
    assert status == 0, err
    assert out == "deleted 2 expired session(s)\n"
    assert [d["_id"] for d in db["session"].find()] == [live]


def test_expire_deletes_the_sessions_of_one_user_and_provider(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    insert_session(db, expires_in=3600, user="alice", provider="github")
    insert_session(db, expires_in=3600, user="alice", provider="github")
    keep_other_provider = insert_session(db, expires_in=3600, user="alice", provider="google")
    keep_other_user = insert_session(db, expires_in=3600, user="bob", provider="github")
    status, out, err = run_cli(capsys, "expire", *conn, "--user", "alice", "--provider", "github")
    assert status == 0, err
    assert out == "deleted 2 session(s) of user 'alice'\n"
    assert {d["_id"] for d in db["session"].find()} == {keep_other_provider, keep_other_user}


def test_expire_without_provider_logs_the_user_out_everywhere(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    insert_session(db, expires_in=3600, user="oscar")  # a Go service's or demo's sign-in
    insert_session(db, expires_in=3600, user="oscar", provider="github")
    keep = insert_session(db, expires_in=3600, user="ada")
    status, out, err = run_cli(capsys, "expire", *conn, "--user", "oscar")
    assert status == 0, err
    assert out == "deleted 2 session(s) of user 'oscar'\n"
    assert [d["_id"] for d in db["session"].find()] == [keep]


def test_expire_requires_a_user(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, _ = cli_db
    status, _, err = run_cli(capsys, "expire", *conn)
    assert status == 2
    assert_one_line_error(err)
    assert "--user" in err


def test_indexes_creates_the_store_indexes_and_is_idempotent(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    status, first, err = run_cli(capsys, "indexes", *conn)
    assert status == 0, err
    status, second, _ = run_cli(capsys, "indexes", *conn)
    assert status == 0
    assert first == second
    info = db["session"].index_information()
    keys = {tuple(field for field, _ in spec["key"]) for spec in info.values()}
    assert {("expires_at",), ("expires",), ("user", "provider")} <= keys
    assert "expireAfterSeconds 0" in first


def test_indexes_no_ttl_creates_every_index_but_the_ttl_one(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    status, out, err = run_cli(capsys, "indexes", *conn, "--no-ttl")
    assert status == 0, err
    keys = {
        tuple(field for field, _ in spec["key"])
        for spec in db["session"].index_information().values()
    }
    assert keys == {("_id",), ("expires",), ("user", "provider"), ("user", "created")}
    assert "expireAfterSeconds" not in out


def test_indexes_refuses_the_ttl_index_beside_go_written_sessions(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    db["session"].insert_one({"_id": ObjectId(), "data": "x", "expires": int(time.time()) + 60})
    status, out, err = run_cli(capsys, "indexes", *conn)
    assert (status, out) == (1, "")
    assert_one_line_error(err)
    assert "--no-ttl" in err
    assert set(db["session"].index_information()) == {"_id_"}
    status, out, err = run_cli(capsys, "indexes", *conn, "--force-ttl")
    assert status == 0, err
    assert "expireAfterSeconds 0" in out


def test_collection_option_selects_another_collection(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    db["other"].insert_one({"_id": ObjectId(), "data": "x", "expires": int(time.time()) + 60})
    status, out, _ = run_cli(capsys, "count", *conn, "--collection", "other")
    assert (status, out) == (0, "1\n")


# --- show ------------------------------------------------------------------------------------


def saved_session(db: Any, values: dict[str, Any]) -> tuple[str, str]:
    """A session saved by a MongoStore on ``db`` with the test keys: (cookie value, ID)."""
    from mongostore import MongoStore
    from tests.support.web import request_with_cookie, save_all

    store = MongoStore(db, bytes.fromhex(HASH_HEX), bytes.fromhex(BLOCK_HEX))
    request = request_with_cookie()
    session = store.get(request, "session")
    session.values.update(values)
    [header] = save_all(request)
    cookie = header.split(";", 1)[0].split("=", 1)[1]
    return cookie, session.id


SHOW_KEYS = ["--name", "session", "--hash-key", HASH_HEX, "--block-key", BLOCK_HEX]


@pytest.mark.parametrize("by", ["cookie", "id"])
def test_show_prints_the_stored_document_with_data_decoded(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any], by: str
) -> None:
    conn, db = cli_db
    cookie, session_id = saved_session(db, {"user": "alice", "visits": 3})
    which = ["--cookie", cookie] if by == "cookie" else ["--id", session_id]
    status, out, err = run_cli(capsys, "show", *conn, *SHOW_KEYS, *which)
    assert status == 0, err
    shown = json.loads(out)
    assert shown["_id"] == session_id
    assert shown["data"] == {"user": "alice", "visits": 3}
    assert shown["user"] == "alice"
    stored = db["session"].find_one({"_id": ObjectId(session_id)})
    assert shown["expires"] == stored["expires"]
    assert set(shown) == set(stored)


def test_show_takes_the_keys_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    cli_db: tuple[list[str], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conn, db = cli_db
    _, session_id = saved_session(db, {"n": 1})
    monkeypatch.setenv("MONGOSTORE_HASH_KEY", HASH_HEX)
    monkeypatch.setenv("MONGOSTORE_BLOCK_KEY", BLOCK_HEX)
    status, out, err = run_cli(capsys, "show", *conn, "--name", "session", "--id", session_id)
    assert status == 0, err
    assert json.loads(out)["data"] == {"n": 1}


@pytest.mark.parametrize(
    ("which", "status", "message"),
    [
        (["--id", "0" * 24], 1, "no session document with _id 000000000000000000000000"),
        (["--id", "nope"], 2, "--id: not a session ID"),
        (["--cookie", "garbage"], 1, "the cookie: securecookie:"),
        ([], 2, "one of the arguments --cookie --id is required"),
    ],
)
def test_show_failures_are_one_line(
    capsys: pytest.CaptureFixture[str],
    cli_db: tuple[list[str], Any],
    which: list[str],
    status: int,
    message: str,
) -> None:
    conn, _ = cli_db
    got, out, err = run_cli(capsys, "show", *conn, *SHOW_KEYS, *which)
    assert (got, out) == (status, "")
    assert_one_line_error(err)
    assert err.startswith("mongostore show: ")
    assert message in err


def test_show_with_other_keys_fails_on_the_cookie(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    cookie, _ = saved_session(db, {"n": 1})
    status, _, err = run_cli(
        capsys, "show", *conn, "--name", "session", "--hash-key", "22" * 32, "--cookie", cookie
    )
    assert status == 1
    assert err.startswith("mongostore show: the cookie: securecookie: the value is not valid")


def test_show_of_a_document_whose_data_does_not_decode(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    session_id = insert_session(db, expires_in=3600)  # data "unused"
    status, _, err = run_cli(capsys, "show", *conn, *SHOW_KEYS, "--id", str(session_id))
    assert status == 1
    assert_one_line_error(err)
    assert err.startswith("mongostore show: the document's data: securecookie:")


def test_database_commands_without_uri_fail_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    status, _, err = run_cli(capsys, "count", "--db", "x")
    assert status == 2
    assert_one_line_error(err)
    assert "no MongoDB URI" in err


def test_database_name_defaults_to_the_one_in_the_uri(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    mongo_backend: str,
    cli_db: tuple[list[str], Any],
) -> None:
    conn, db = cli_db
    parts = urllib.parse.urlsplit(conn[1])
    named = urllib.parse.urlunsplit(parts._replace(path=f"/{db.name}"))
    if mongo_backend == "mongomock":  # a client that knows the URI's database, on the same data
        import mongomock

        monkeypatch.setattr(
            database,
            "client_factory",
            lambda uri, **_k: mongomock.MongoClient(uri, _store=db.client._store),
        )
    db["session"].insert_one({"data": "x", "expires": int(time.time()) + 60})
    status, out, err = run_cli(capsys, "count", "--uri", named)
    assert (status, out) == (0, "1\n"), err


def test_database_commands_without_a_database_name_fail_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run_cli(capsys, "count", "--uri", "mongodb://127.0.0.1:1")
    assert status == 2
    assert_one_line_error(err)
    assert "pass --db" in err


def test_malformed_uri_fails_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "count", "--uri", "http://user:hunter2@x", "--db", "d")
    assert status == 2
    assert_one_line_error(err)
    assert "bad MongoDB URI" in err
    assert "hunter2" not in err


def test_a_uri_without_a_mongodb_scheme_is_called_malformed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run_cli(capsys, "count", "--uri", "notauri")
    assert (status, out) == (2, "")
    assert_one_line_error(err)
    assert "bad MongoDB URI 'notauri': it must start with mongodb:// or mongodb+srv://" in err
    assert "--db" not in err


def test_an_srv_lookup_failure_is_a_connection_failure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # ".invalid" never resolves (RFC 6761); offline, the lookup fails all the same.
    uri = "mongodb+srv://user:hunter2@sessions.invalid/x"
    status, out, err = run_cli(capsys, "count", "--uri", uri, "--timeout", "0.5")
    assert (status, out) == (1, ""), err
    assert_one_line_error(err)
    assert "cannot reach MongoDB at mongodb+srv://***@sessions.invalid/x: DNS lookup failed" in err
    assert "hunter2" not in err


def test_a_malformed_srv_uri_is_still_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "count", "--uri", "mongodb+srv://127.0.0.1:1/x")
    assert status == 2
    assert "bad MongoDB URI" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["decode", "--name", "s", "--hash-key", "zz", "v"],
        ["decode", "--name", "s", "--hash-key", HASH_HEX, "--block-key", "00", "v"],
        ["decode", "--name", "s", "--block-key", BLOCK_HEX, "v"],
        ["decode", "--name", "s", "--hash-key", HASH_HEX, "v"],
        ["decode", "--name", "s", "--hash-key", HASH_HEX, "--max-age", "-1", "v"],
        ["decode", "--name", "s", "v"],
        ["decode", "v"],
        ["show", "--uri", "notauri", "--name", "s", "--hash-key", HASH_HEX, "--id", "0" * 24],
        ["count", "--uri", "notauri"],
        ["count", "--uri", "mongodb://127.0.0.1:1"],
        ["count", "--uri", "mongodb://127.0.0.1:1/x", "--timeout", "0"],
        ["clean", "--uri", "mongodb://127.0.0.1:1/x", "--timeout", "0.2"],
        ["indexes", "--bogus"],
        ["keygen", "--block-bytes", "7"],
        ["demo", "--port", "70000"],
        ["demo", "--hash-key", "00" * 16],
    ],
)
def test_every_error_line_starts_with_the_command_it_came_from(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    monkeypatch.delenv("MONGOSTORE_HASH_KEY", raising=False)
    status, _, err = run_cli(capsys, *argv)
    assert status in (1, 2)
    assert_one_line_error(err)
    assert err.startswith(f"mongostore {argv[0]}: "), err


@pytest.mark.parametrize("command", ["count", "clean", "indexes", "expire"])
def test_unreachable_database_fails_fast_in_one_line(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    extra = ["--user", "u"] if command == "expire" else []
    started = time.monotonic()
    status, out, err = run_cli(
        capsys,
        command,
        *("--uri", "mongodb://user:hunter2@127.0.0.1:1/sessions", "--timeout", "0.3"),
        *extra,
    )
    assert time.monotonic() - started < 10
    assert status == 1
    assert out == ""
    assert_one_line_error(err)
    assert "cannot reach MongoDB at mongodb://***@127.0.0.1:1/sessions within 0.3s" in err
    assert "hunter2" not in err


@pytest.mark.parametrize("timeout", ["nan", "inf", "-inf", "0", "-1", "1e300"])
def test_timeout_must_be_a_positive_finite_number(
    capsys: pytest.CaptureFixture[str], timeout: str
) -> None:
    status, out, err = run_cli(
        capsys, "count", "--uri", "mongodb://127.0.0.1:1/x", "--timeout", timeout
    )
    assert status == 2
    assert out == ""
    assert_one_line_error(err)
    assert "--timeout" in err


@pytest.mark.parametrize(
    "uri",
    [
        "mongodb://user:hunter2@127.0.0.1:99999/x",  # pymongo: ValueError, port out of range
        "mongodb://user:hun/ter2@127.0.0.1:1/x",  # unescaped "/" in the password: ValueError
        "mongodb://user:hun@ter2@127.0.0.1:1/x",  # unescaped "@" in the password: InvalidURI
        "mongodb://user:hunter2@[::1/x",  # broken IPv6 literal: ValueError
        "user:hunter2@127.0.0.1:1/x",  # no scheme
        "mongodb://user:hunter2@127.0.0.1:1/x?authMechanism=BOGUS",  # pymongo only warns
        "mongodb://user:hunter2@127.0.0.1:1/x?serverSelectionTimeoutMS=abc",  # pymongo warns
    ],
)
def test_malformed_uris_fail_in_one_line_without_leaking_the_password(
    capsys: pytest.CaptureFixture[str], uri: str
) -> None:
    status, out, err = run_cli(capsys, "count", "--uri", uri, "--timeout", "0.3")
    assert status == 2, err
    assert out == ""
    assert_one_line_error(err)
    assert "bad MongoDB URI" in err
    for fragment in ("hunter2", "hun", "ter2"):
        assert fragment not in err


def test_password_options_in_the_uri_are_not_printed(capsys: pytest.CaptureFixture[str]) -> None:
    uri = "mongodb://127.0.0.1:1/x?tls=true&tlsCertificateKeyFilePassword=hunter2"
    status, _, err = run_cli(capsys, "count", "--uri", uri, "--timeout", "0.3")
    assert status == 1
    assert_one_line_error(err)
    assert "tlsCertificateKeyFilePassword=***" in err
    assert "hunter2" not in err


@pytest.mark.parametrize(
    ("option", "name"),
    [("--db", "a b"), ("--db", "a.b"), ("--collection", ""), ("--collection", "a$b")],
)
@pytest.mark.parametrize("command", ["count", "demo"])
def test_names_mongodb_refuses_fail_in_one_line(
    capsys: pytest.CaptureFixture[str], command: str, option: str, name: str
) -> None:
    conn = ["--uri", "mongodb://127.0.0.1:1/", "--db", "x", "--timeout", "0.3"]
    extra = ["--port", "0"] if command == "demo" else []
    status, out, err = run_cli(capsys, command, *conn, option, name, *extra)
    assert status == 2, err
    assert out == ""
    assert_one_line_error(err)
    assert f"bad {option}" in err


def test_demo_without_uri_rejects_a_bad_collection_name_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    status, _, err = run_cli(capsys, "demo", "--collection", "", "--port", "0")
    assert status == 2
    assert_one_line_error(err)
    assert "bad --collection" in err


# --- demo ------------------------------------------------------------------------------------


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the demo server stop at once, as if Ctrl-C was pressed when it started."""
    from werkzeug.serving import BaseWSGIServer

    def interrupted(self: BaseWSGIServer, poll_interval: float = 0.5) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(BaseWSGIServer, "serve_forever", interrupted)


@pytest.mark.usefixtures("no_serving")
def test_demo_without_uri_announces_the_in_memory_backend_and_random_keys(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.delenv("MONGOSTORE_HASH_KEY", raising=False)
    status, out, err = run_cli(capsys, "demo", "--port", "0")
    assert status == 0, err
    assert "in-memory mongomock database" in out
    assert "random keys for this run" in out
    assert re.search(r"serving on http://127\.0\.0\.1:\d+/", out)
    assert out.rstrip().endswith("stopped")


@pytest.mark.usefixtures("no_serving")
def test_demo_takes_keys_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.setenv("MONGOSTORE_HASH_KEY", HASH_HEX)
    monkeypatch.setenv("MONGOSTORE_BLOCK_KEY", BLOCK_HEX)
    status, out, _ = run_cli(capsys, "demo", "--port", "0")
    assert status == 0
    assert "keys from $MONGOSTORE_HASH_KEY" in out


@pytest.mark.usefixtures("no_serving")
def test_demo_banner_says_how_to_decode_its_cookies(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.delenv("MONGOSTORE_HASH_KEY", raising=False)
    _, random_out, _ = run_cli(capsys, "demo", "--port", "0")
    assert "undecodable" in random_out
    assert "mongostore keygen" in random_out
    monkeypatch.setenv("MONGOSTORE_HASH_KEY", HASH_HEX)
    _, env_out, _ = run_cli(capsys, "demo", "--port", "0")
    assert "decode its cookies with 'mongostore decode --name mongostore-demo COOKIE'" in env_out
    assert "undecodable" not in env_out


@pytest.mark.parametrize("source", ["command line", "environment"])
def test_demo_refuses_hash_keys_shorter_than_32_bytes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    short = "ab" * 31
    if source == "environment":
        monkeypatch.setenv("MONGOSTORE_HASH_KEY", short)
        argv = ["demo", "--port", "0"]
    else:
        monkeypatch.delenv("MONGOSTORE_HASH_KEY", raising=False)
        argv = ["demo", "--port", "0", "--hash-key", short]
    status, out, err = run_cli(capsys, *argv)
    assert (status, out) == (2, "")
    assert_one_line_error(err)
    assert "a hash key must be at least 32 bytes (64 hex digits), got 31" in err
    assert "mongostore keygen" in err


def test_demo_rejects_a_malformed_key_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.setenv("MONGOSTORE_HASH_KEY", "not hex")
    status, _, err = run_cli(capsys, "demo", "--port", "0")
    assert status == 2
    assert_one_line_error(err)
    assert "MONGOSTORE_HASH_KEY: not a hex string" in err


def test_demo_without_mongomock_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.setitem(sys.modules, "mongomock", None)  # makes the import fail
    status, _, err = run_cli(capsys, "demo", "--port", "0")
    assert status == 1
    assert_one_line_error(err)
    assert "pip install 'mongostore[demo]'" in err
    assert "--uri" in err


def test_demo_on_a_busy_port_fails_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        status, _, err = run_cli(capsys, "demo", "--port", str(port))
    assert status == 1
    assert_one_line_error(err)
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_demo_with_an_unreachable_database_fails_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run_cli(
        capsys, "demo", "--uri", "mongodb://127.0.0.1:1", "--timeout", "0.3", "--port", "0"
    )
    assert status == 1
    assert_one_line_error(err)
    assert "cannot reach MongoDB" in err


def test_demo_rejects_an_out_of_range_port(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "demo", "--port", "70000")
    assert status == 2
    assert_one_line_error(err)


def test_demo_with_uri_serves_sessions_into_that_database(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    cli_db: tuple[list[str], Any],
) -> None:
    from werkzeug.serving import BaseWSGIServer

    serve_forever = BaseWSGIServer.serve_forever
    visits: list[tuple[int, str | None]] = []

    def one_visit_then_ctrl_c(self: BaseWSGIServer, poll_interval: float = 0.5) -> None:
        """Serve for real, make one browser-like visit, then stop as Ctrl-C would."""
        thread = threading.Thread(target=serve_forever, args=(self, 0.05))
        thread.start()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            connection.request("GET", "/")
            response = connection.getresponse()
            response.read()
            visits.append((response.status, response.getheader("Set-Cookie")))
            connection.close()
        finally:
            self.shutdown()
            thread.join(30)
        raise KeyboardInterrupt

    monkeypatch.setattr(BaseWSGIServer, "serve_forever", one_visit_then_ctrl_c)
    conn, db = cli_db
    status, out, err = run_cli(capsys, "demo", *conn, "--port", "0")
    assert status == 0, err
    assert f"sessions in MongoDB database {db.name!r}" in out
    assert out.rstrip().endswith("stopped")
    [(http_status, set_cookie)] = visits
    assert http_status == 200
    assert set_cookie is not None
    assert set_cookie.startswith(f"{SESSION_NAME}=")
    assert db["session"].count_documents({}) == 1
    assert {"expires_at_1", "expires_1", "user_1_provider_1"} <= {
        index["name"] for index in db["session"].list_indexes()
    }


@pytest.mark.usefixtures("no_serving")
def test_demo_no_ttl_leaves_the_ttl_index_out(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    status, _, err = run_cli(capsys, "demo", *conn, "--port", "0", "--no-ttl")
    assert status == 0, err
    specs = db["session"].index_information().values()
    assert [s for s in specs if "expireAfterSeconds" in s] == []


def test_demo_on_a_collection_go_writes_asks_for_no_ttl_in_one_line(
    capsys: pytest.CaptureFixture[str], cli_db: tuple[list[str], Any]
) -> None:
    conn, db = cli_db
    db["session"].insert_one({"_id": ObjectId(), "data": "x", "expires": int(time.time()) + 60})
    status, _, err = run_cli(capsys, "demo", *conn, "--port", "0")
    assert status == 1
    assert_one_line_error(err)
    assert "--no-ttl" in err
