"""The argparse tree of ``python -m mongostore`` and the top-level dispatcher.

Every failure ends as one line on stderr and a non-zero status, never a
traceback: argparse errors (status 2), :class:`CommandError` raised by a
command (its own status), and a Ctrl-C (status 130).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO

from mongostore.cli import admin, decode, demo_cmd, keys, show
from mongostore.cli.failure import EXIT_USAGE, CommandError

Handler = Callable[[argparse.Namespace], int]


class OneLineArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line instead of usage + message + exit."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{self.prog}: {message} (see '{self.prog} --help')", EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The full command tree; every sub-command sets ``handler`` in its namespace."""
    parser = OneLineArgumentParser(
        prog="mongostore",
        description="Sessions shared with Go's gorilla/sessions, stored in MongoDB: "
        "key generation, cookie inspection, store maintenance and a demo app.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    keys.register(commands)
    decode.register(commands)
    show.register(commands)
    admin.register(commands)
    demo_cmd.register(commands)
    return parser


def run(argv: Sequence[str] | None = None, *, stderr: TextIO | None = None) -> int:
    """Parse ``argv`` (default ``sys.argv[1:]``), run the command, return the exit status."""
    err = sys.stderr if stderr is None else stderr
    prog = "mongostore"
    try:
        args, extras = build_parser().parse_known_args(argv)
        prog = f"mongostore {args.command}"
        if extras:
            # argparse reports these from the top-level parser ("mongostore:");
            # they belong to the command, like every other error line.
            raise CommandError(
                f"{prog}: unrecognized arguments: {' '.join(extras)} (see '{prog} --help')",
                EXIT_USAGE,
            )
        handler: Handler = args.handler
        return handler(args)
    except CommandError as exc:
        print(exc, file=err)
        return exc.status
    except SystemExit as exc:  # --help and --version exit through argparse
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=err)
        return 130
