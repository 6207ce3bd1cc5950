"""``mongostore decode``: open a securecookie value and print what it holds.

Meant for debugging a cookie seen in a browser or a Go service's logs: the
value comes out as JSON (see :mod:`mongostore.cli.render`), a rejected cookie
as securecookie's error text with its usage/decode/internal flags. The codec
options and the failure line are shared with ``mongostore show``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable, Sequence
from typing import Any

from mongostore.cli.failure import EXIT_FAILURE, EXIT_USAGE, CommandError, one_line
from mongostore.cli.keys import add_key_options, command_line_or_env_pairs, flatten_pairs
from mongostore.cli.render import dumps
from securecookie import (
    Error,
    GobSerializer,
    JSONSerializer,
    MultiError,
    NopSerializer,
    SecureCookie,
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
        "DecodeMulti does during key rotation; without --hash-key the keys come "
        "from $MONGOSTORE_HASH_KEY/$MONGOSTORE_BLOCK_KEY. Prints JSON on success; "
        "on failure prints the error with its flags and exits with status 1.",
    )
    parser.add_argument("value", metavar="VALUE", help="the cookie value (without 'NAME=')")
    parser.add_argument("--name", required=True, help="the cookie name (it is covered by the MAC)")
    add_codec_options(parser)
    parser.set_defaults(handler=run_decode)


def add_codec_options(parser: argparse.ArgumentParser) -> None:
    """The keys, ``--serializer``, ``--hash-func`` and ``--max-age`` (read by :class:`Codecs`)."""
    add_key_options(parser, fallback="; one of the two is needed")
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
        help="reject values older than N seconds; 0 disables the check "
        "(default: securecookie's 30 days)",
    )


class Codecs:
    """The configured codecs, in rotation order, and whether each one decrypts."""

    def __init__(self, args: argparse.Namespace) -> None:
        prog = f"mongostore {args.command}"
        if args.max_age is not None and args.max_age < 0:
            raise CommandError(f"{prog}: --max-age must be 0 or more", EXIT_USAGE)
        pairs = command_line_or_env_pairs(args)
        self.prog = prog
        self.serializer: str = args.serializer
        self.encrypted = [block is not None for _, block in pairs]
        try:
            self.codecs: list[SecureCookie] = codecs_from_pairs(*flatten_pairs(pairs))
        except Error as exc:
            raise CommandError(f"{prog}: {one_line(str(exc))}", EXIT_USAGE) from exc
        for codec in self.codecs:
            codec.set_serializer(SERIALIZERS[args.serializer]())
            codec.hash_func(HASH_FUNCS[args.hash_func])
            if args.max_age is not None:
                codec.max_age(args.max_age)

    def decode(self, name: str, value: str, what: str = "") -> object:
        """``decode_multi`` over the codecs; a failure is a one-line :class:`CommandError`.

        ``what`` (e.g. "the document's data") starts the message when the
        value is not the one given on the command line.
        """
        try:
            return decode_multi(name, value, *self.codecs)
        except Error as exc:
            raise self.failure(exc, what) from exc

    def failure(self, exc: Error, what: str) -> CommandError:
        """The error line: the reason, then securecookie's flags."""
        flags = (
            f"usage={str(exc.is_usage()).lower()} "
            f"decode={str(exc.is_decode()).lower()} "
            f"internal={str(exc.is_internal()).lower()}"
        )
        reason = one_line(str(exc))
        if self._looks_encrypted(exc):
            # The MAC matched, so the key is right, but the payload is not a
            # serialized value: most often AES ciphertext read without its key.
            reason = (
                f"the hash key matched but the value does not deserialize as "
                f"{self.serializer}: the value may be encrypted: pass --block-key "
                "(or check --serializer)"
            )
        lead = f"{what}: " if what else ""
        return CommandError(f"{self.prog}: {lead}{reason} [{flags}]", EXIT_FAILURE)

    def _looks_encrypted(self, exc: Error) -> bool:
        """Some hash-only codec verified the MAC and then failed to deserialize."""
        errors: Sequence[Error] = exc.errors if isinstance(exc, MultiError) else (exc,)
        return any(
            not encrypted and err.is_decode() and not err.message and isinstance(err.cause, Error)
            for encrypted, err in zip(self.encrypted, errors, strict=False)
        )


def print_json(value: object) -> None:
    """``value`` as JSON on stdout; ASCII-escaped when the terminal cannot show the text."""
    text = dumps(value)
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):  # e.g. an ASCII-only terminal
        text = dumps(value, ensure_ascii=True)
    print(text)


def run_decode(args: argparse.Namespace) -> int:
    """Decode ``args.value`` with every configured codec; print JSON or fail with status 1."""
    print_json(Codecs(args).decode(args.name, args.value))
    return 0
