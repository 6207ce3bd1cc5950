"""Key handling for the command line: ``keygen`` and the hex key options.

Keys travel as hex on the command line and in the environment because Go
services hold them as ``[]byte``: ``hex.DecodeString`` on the Go side gives
exactly the bytes ``bytes.fromhex`` gives here.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

from mongostore.cli.failure import EXIT_USAGE, CommandError
from securecookie import generate_random_key

HASH_KEY_ENV = "MONGOSTORE_HASH_KEY"
BLOCK_KEY_ENV = "MONGOSTORE_BLOCK_KEY"
# AES-128/192/256, the only block key sizes securecookie accepts (Go's aes.NewCipher).
BLOCK_KEY_SIZES = (16, 24, 32)


def parse_hex_key(prog: str, option: str, text: str) -> bytes:
    """``text`` as key bytes, or a one-line :class:`CommandError` naming ``option``.

    ``prog`` is the ``mongostore COMMAND`` prefix every error line starts with.
    """
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise CommandError(
            f"{prog}: {option}: not a hex string (expected pairs of 0-9a-f digits)",
            EXIT_USAGE,
        ) from None
    if not key:
        raise CommandError(f"{prog}: {option}: the key is empty", EXIT_USAGE)
    return key


def check_block_key(prog: str, option: str, key: bytes) -> bytes:
    """``key`` if its length selects an AES variant, else a one-line usage error."""
    if len(key) not in BLOCK_KEY_SIZES:
        raise CommandError(
            f"{prog}: {option}: a block key must be 16, 24 or 32 bytes "
            f"(32, 48 or 64 hex digits), got {len(key)} bytes",
            EXIT_USAGE,
        )
    return key


class KeyPairAction(argparse.Action):
    """Collects ``--hash-key``/``--block-key`` into ordered (hash, block) pairs.

    A ``--hash-key`` opens a pair; a ``--block-key`` completes the pair opened
    last. Plain ``append`` would lose which block key belongs to which hash
    key when some pairs are hash-only, and the order is the rotation order.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        option = option_string or self.dest
        pairs: list[list[bytes | None]] = list(getattr(namespace, self.dest, None) or [])
        key = parse_hex_key(parser.prog, option, str(values))
        if option == "--hash-key":
            pairs.append([key, None])
        elif not pairs:
            parser.error(f"{option} must follow the --hash-key it pairs with")
        elif pairs[-1][1] is not None:
            parser.error(f"{option} given twice for one --hash-key")
        else:
            pairs[-1][1] = check_block_key(parser.prog, option, key)
        setattr(namespace, self.dest, pairs)


def add_key_options(parser: argparse.ArgumentParser, *, fallback: str) -> None:
    """``--hash-key HEX [--block-key HEX] ...`` into ``key_pairs`` (first pair encodes).

    The options are optional: without them a command reads the environment
    (:func:`pairs_from_env`); ``fallback`` ends the help text with what it does then.
    """
    help_suffix = f" (default: ${HASH_KEY_ENV} and ${BLOCK_KEY_ENV}{fallback})"
    parser.add_argument(
        "--hash-key",
        dest="key_pairs",
        action=KeyPairAction,
        metavar="HEX",
        help="HMAC key as hex; repeat for key rotation, newest first" + help_suffix,
    )
    parser.add_argument(
        "--block-key",
        dest="key_pairs",
        action=KeyPairAction,
        metavar="HEX",
        help="AES key (16/24/32 bytes as hex) for the --hash-key before it",
    )


def flatten_pairs(pairs: Sequence[Sequence[bytes | None]]) -> list[bytes | None]:
    """Pairs as the flat ``hash, block, hash, block`` list ``codecs_from_pairs`` takes."""
    return [key for pair in pairs for key in pair]


def pairs_from_env(prog: str) -> list[list[bytes | None]] | None:
    """The key pair in ``$MONGOSTORE_HASH_KEY``/``$MONGOSTORE_BLOCK_KEY`` (what keygen prints).

    None when the hash key variable is unset or empty; a malformed value is a
    usage error prefixed with ``prog``.
    """
    hash_hex = os.environ.get(HASH_KEY_ENV)
    if not hash_hex:
        return None
    hash_key = parse_hex_key(prog, f"${HASH_KEY_ENV}", hash_hex)
    block_hex = os.environ.get(BLOCK_KEY_ENV)
    block_key = (
        check_block_key(
            prog, f"${BLOCK_KEY_ENV}", parse_hex_key(prog, f"${BLOCK_KEY_ENV}", block_hex)
        )
        if block_hex
        else None
    )
    return [[hash_key, block_key]]


def command_line_or_env_pairs(args: argparse.Namespace) -> list[list[bytes | None]]:
    """The ``--hash-key``/``--block-key`` pairs, else the environment's, else a usage error."""
    prog = f"mongostore {args.command}"
    pairs: list[list[bytes | None]] | None = args.key_pairs or pairs_from_env(prog)
    if not pairs:
        raise CommandError(
            f"{prog}: no keys: pass --hash-key [--block-key], or set ${HASH_KEY_ENV} "
            f"(and ${BLOCK_KEY_ENV}) as 'mongostore keygen' prints them",
            EXIT_USAGE,
        )
    return pairs


def register(commands: Any) -> None:
    """Add ``keygen``."""
    parser = commands.add_parser(
        "keygen",
        help="print a fresh random hash key and block key (hex)",
        description="Print fresh random keys as hex, in the environment-file form "
        "the demo reads. Keep them secret; rotate by putting the new pair first.",
    )
    parser.add_argument(
        "--hash-bytes",
        type=int,
        choices=(32, 64),
        default=32,
        help="HMAC key length; 64 suits a SHA-512 hash (default 32)",
    )
    parser.add_argument(
        "--block-bytes",
        type=int,
        choices=(0, *BLOCK_KEY_SIZES),
        default=32,
        help="AES key length: 16/24/32 = AES-128/192/256, 0 = no encryption (default 32)",
    )
    parser.set_defaults(handler=run_keygen)


def run_keygen(args: argparse.Namespace) -> int:
    """Print ``MONGOSTORE_HASH_KEY=...`` (and the block key unless ``--block-bytes 0``)."""
    print(f"{HASH_KEY_ENV}={generate_random_key(args.hash_bytes).hex()}")
    if args.block_bytes:
        print(f"{BLOCK_KEY_ENV}={generate_random_key(args.block_bytes).hex()}")
    return 0
