"""Opening the session collection for the database commands and the demo.

The client is built with a short server selection timeout so an unreachable
server fails in about a second with one readable line, instead of pymongo's
default 30 s wait and a multi-line topology dump.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pymongo
import pymongo.errors

from mongostore.cli.failure import EXIT_FAILURE, EXIT_USAGE, CommandError, one_line
from mongostore.store import DEFAULT_COLLECTION

URI_ENV = "MONGODB_URI"
URI_SCHEMES = ("mongodb://", "mongodb+srv://")
DEFAULT_TIMEOUT = 2.0
MAX_TIMEOUT = 1_000_000

#: Builds the client from ``(uri, **options)``; tests swap in ``mongomock.MongoClient``.
client_factory: Callable[..., Any] = pymongo.MongoClient

# Options such as tlsCertificateKeyFilePassword carry secrets too.
_PASSWORD_OPTION = re.compile(r"(?i)([?&;][^=&;]*password=)[^&;]*")


def redact(uri: str) -> str:
    """``uri`` without its ``user:password@`` part or password options, safe to print.

    Everything up to the *last* ``@`` before the options goes: a malformed URI
    may hold an unescaped ``@`` or ``/`` in its password, and none of it may
    be printed.
    """
    scheme, separator, rest = uri.partition("://")
    if not separator:
        scheme, rest = "", uri
    options_at = rest.find("?")
    authority = rest if options_at < 0 else rest[:options_at]
    at = authority.rfind("@")
    if at >= 0:
        rest = "***" + rest[at:]
    return _PASSWORD_OPTION.sub(r"\1***", scheme + separator + rest)


def add_database_options(
    parser: argparse.ArgumentParser, *, uri_required: bool, default_db: str | None = None
) -> None:
    """``--uri``, ``--db``, ``--collection`` and ``--timeout``."""
    db_fallback = f", else {default_db}" if default_db else ""
    parser.add_argument(
        "--uri",
        default=os.environ.get(URI_ENV) or None,
        help=f"MongoDB connection string (default: ${URI_ENV})"
        + ("" if uri_required else "; without one the demo runs on in-memory mongomock"),
    )
    parser.add_argument(
        "--db", help=f"database name (default: the one named in the URI{db_fallback})"
    )
    parser.add_argument(
        "--collection",
        default=DEFAULT_COLLECTION,
        help=f"session collection (default: {DEFAULT_COLLECTION}, as the Go store)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up on an unreachable server after this long (default {DEFAULT_TIMEOUT:g})",
    )


@contextmanager
def open_database(args: argparse.Namespace, *, default_db: str | None = None) -> Iterator[Any]:
    """The pymongo ``Database`` named by ``args``, its client closed on exit.

    Raises a one-line :class:`CommandError` when no URI is given, the URI is
    malformed, or it names no database and ``--db`` is missing.
    """
    if not args.uri:
        raise CommandError(
            f"mongostore {args.command}: no MongoDB URI: pass --uri or set ${URI_ENV}", EXIT_USAGE
        )
    # pymongo's own limit is "less than one billion" milliseconds.
    if not (math.isfinite(args.timeout) and 0 < args.timeout < MAX_TIMEOUT):
        raise CommandError(
            f"mongostore {args.command}: --timeout must be a number of seconds "
            f"above 0 and below {MAX_TIMEOUT}",
            EXIT_USAGE,
        )
    timeout_ms = max(1, int(args.timeout * 1000))
    if not args.uri.startswith(URI_SCHEMES):
        # pymongo would read "notauri" as a host name and the user would be
        # told to pass --db; the scheme is what is wrong.
        raise CommandError(
            f"mongostore {args.command}: bad MongoDB URI {redact(args.uri)!r}: "
            "it must start with mongodb:// or mongodb+srv://",
            EXIT_USAGE,
        )
    try:
        # pymongo only warns about an option it cannot use (a second stderr
        # line, and the option silently ignored): treat it as a bad URI.
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            client = client_factory(
                args.uri,
                serverSelectionTimeoutMS=timeout_ms,
                connectTimeoutMS=timeout_ms,
                appname="mongostore-cli",
            )
    except pymongo.errors.ConfigurationError as exc:
        if _is_dns_failure(exc):
            # A mongodb+srv:// URI resolves its hosts now: a failed lookup is
            # an unreachable server (status 1), not a malformed URI.
            raise CommandError(
                f"mongostore {args.command}: cannot reach MongoDB at {redact(args.uri)}: "
                f"DNS lookup failed ({one_line(redact(str(exc)))})",
                EXIT_FAILURE,
            ) from exc
        raise _bad_uri(args, exc) from exc
    # pymongo raises ValueError for a bad port or host literal, and the
    # warnings above arrive as exceptions.
    except (pymongo.errors.PyMongoError, ValueError, TypeError, UserWarning) as exc:
        raise _bad_uri(args, exc) from exc
    try:
        yield _database(client, args, default_db)
    finally:
        client.close()


def _bad_uri(args: argparse.Namespace, exc: BaseException) -> CommandError:
    return CommandError(
        f"mongostore {args.command}: bad MongoDB URI {redact(args.uri)!r}: "
        f"{one_line(redact(str(exc)))}",
        EXIT_USAGE,
    )


def _is_dns_failure(exc: pymongo.errors.ConfigurationError) -> bool:
    """pymongo's SRV resolver wraps every dnspython failure (NXDOMAIN, timeout, no servers)."""
    cause = exc.__cause__
    return cause is not None and type(cause).__module__.split(".")[0] == "dns"


def _database(client: Any, args: argparse.Namespace, default_db: str | None) -> Any:
    if args.db:
        try:
            return client[args.db]
        except pymongo.errors.InvalidName as exc:
            raise CommandError(
                f"mongostore {args.command}: bad --db {args.db!r}: {exc}", EXIT_USAGE
            ) from None
    try:
        return client.get_default_database(default=default_db)
    except pymongo.errors.ConfigurationError:
        raise CommandError(
            f"mongostore {args.command}: no database named in the URI: pass --db", EXIT_USAGE
        ) from None


def session_collection(database: Any, args: argparse.Namespace) -> Any:
    """The ``--collection`` of ``database``; a name MongoDB refuses is a one-line usage error."""
    try:
        if not args.collection:
            raise pymongo.errors.InvalidName("collection names cannot be empty")
        return database.get_collection(args.collection)
    except pymongo.errors.InvalidName as exc:
        raise CommandError(
            f"mongostore {args.command}: bad --collection {args.collection!r}: {exc}", EXIT_USAGE
        ) from None


@contextmanager
def database_errors(args: argparse.Namespace) -> Iterator[None]:
    """Turn pymongo failures inside the block into one :class:`CommandError` line."""
    try:
        yield
    except pymongo.errors.ServerSelectionTimeoutError as exc:
        # The text continues with the whole topology description; the first
        # clause names the host and the reason, which is what the user needs.
        reason = one_line(str(exc).split(", Timeout:")[0])
        raise CommandError(
            f"mongostore {args.command}: cannot reach MongoDB at {redact(args.uri)} "
            f"within {args.timeout:g}s ({reason})",
            EXIT_FAILURE,
        ) from exc
    except pymongo.errors.PyMongoError as exc:
        raise CommandError(
            f"mongostore {args.command}: MongoDB error: {one_line(str(exc))}", EXIT_FAILURE
        ) from exc
