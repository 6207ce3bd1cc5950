"""``mongostore decode``: open a securecookie value and print what it holds.

Meant for debugging a cookie seen in a browser or a Go service's logs: the
value comes out as JSON (see :mod:`mongostore.cli.render`), a rejected cookie
as securecookie's error text with its usage/decode/internal flags.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable
from typing import Any

from mongostore.cli.failure import EXIT_FAILURE, CommandError, one_line
from mongostore.cli.keys import add_key_options, flatten_pairs
from mongostore.cli.render import dumps
from securecookie import (
    Error,
    GobSerializer,
    JSONSerializer,
    NopSerializer,
    Serializer,
    codecs_from_pairs,
    decode_multi,
)

SERIALIZERS: dict[str, Callable[[], Serializer]] = {
    "gob": GobSerializer,
    "json": JSONSerializer,
    "nop": NopSerializer,
}
HASH_FUNCS = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}


def register(commands: Any) -> None:
    """Add ``decode``."""
    parser = commands.add_parser(
        "decode",
        help="decode a cookie value and print it as JSON",
        description="Verify and decode a securecookie value. Several --hash-key "
        "(each optionally followed by its --block-key) are tried in order, as "
        "DecodeMulti does during key rotation. Prints JSON on success; on failure "
        "prints the error with its flags and exits with status 1.",
    )
    parser.add_argument("value", metavar="VALUE", help="the cookie value (without 'NAME=')")
    parser.add_argument("--name", required=True, help="the cookie name (it is covered by the MAC)")
    add_key_options(parser, required=True)
    parser.add_argument(
        "--serializer",
        choices=tuple(SERIALIZERS),
        default="gob",
        help="how the value was serialized (default gob, as in Go)",
    )
    parser.add_argument(
        "--hash-func",
        choices=tuple(HASH_FUNCS),
        default="sha256",
        help="the HMAC hash (default sha256, as in Go)",
    )
    parser.add_argument(
        "--max-age",
        type=int,
        metavar="N",
        default=None,
        help="reject cookies older than N seconds; 0 disables the check "
        "(default: securecookie's 30 days)",
    )
    parser.set_defaults(handler=run_decode)


def run_decode(args: argparse.Namespace) -> int:
    """Decode ``args.value`` with every configured codec; print JSON or fail with status 1."""
    if args.max_age is not None and args.max_age < 0:
        raise CommandError("mongostore decode: --max-age must be 0 or more", 2)
    try:
        codecs = codecs_from_pairs(*flatten_pairs(args.key_pairs))
        for codec in codecs:
            codec.set_serializer(SERIALIZERS[args.serializer]())
            codec.hash_func(HASH_FUNCS[args.hash_func])
            if args.max_age is not None:
                codec.max_age(args.max_age)
        value = decode_multi(args.name, args.value, *codecs)
    except Error as exc:
        flags = (
            f"usage={str(exc.is_usage()).lower()} "
            f"decode={str(exc.is_decode()).lower()} "
            f"internal={str(exc.is_internal()).lower()}"
        )
        raise CommandError(f"{one_line(str(exc))} [{flags}]", EXIT_FAILURE) from exc
    text = dumps(value)
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):  # e.g. an ASCII-only terminal
        text = dumps(value, ensure_ascii=True)
    print(text)
    return 0
