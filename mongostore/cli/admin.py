"""Database maintenance commands: ``count``, ``clean``, ``expire`` and ``indexes``.

They work on the collection alone, so they need no cookie keys: counting,
deleting and indexing never decode a session.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mongostore import MongoStore
from mongostore.cli.database import (
    add_database_options,
    database_errors,
    open_database,
    session_collection,
)
from mongostore.cli.failure import EXIT_FAILURE, CommandError
from mongostore.errors import TTLIndexRefusedError


def register(commands: Any) -> None:
    """Add the four database commands, each with the shared connection options."""
    specs = (
        ("count", "print the number of active (unexpired) sessions", run_count),
        ("clean", "delete expired session documents once, print how many", run_clean),
        ("expire", "delete every session of one user (log them out everywhere)", run_expire),
        ("indexes", "create the store's indexes (idempotent) and list them", run_indexes),
    )
    for name, summary, handler in specs:
        parser = commands.add_parser(
            name, help=summary, description=summary[0].upper() + summary[1:] + "."
        )
        add_database_options(parser, uri_required=True)
        if name == "expire":
            parser.add_argument("--user", required=True, help="the session's 'user' value")
            parser.add_argument(
                "--provider",
                default=None,
                help="only the sessions with this exact 'provider' value, as Go's "
                "ExpireSessions (default: every provider, and sessions without one)",
            )
        if name == "indexes":
            parser.add_argument(
                "--no-ttl",
                dest="ttl",
                action="store_false",
                help="leave out the TTL index on expires_at (for collections Go services "
                "write too: Go never updates expires_at)",
            )
            parser.add_argument(
                "--force-ttl",
                action="store_true",
                help="add the TTL index even though some sessions lack expires_at "
                "(written by a Go-style store); refused without this flag",
            )
        parser.set_defaults(handler=handler)


@contextmanager
def _store(args: argparse.Namespace) -> Iterator[MongoStore]:
    """A key-less store on the collection (maintenance never decodes a cookie)."""
    with open_database(args) as database:
        yield MongoStore(session_collection(database, args))


def run_count(args: argparse.Namespace) -> int:
    """Print ``get_active_sessions_count()``."""
    with _store(args) as store, database_errors(args):
        count = store.get_active_sessions_count()
    print(count)
    return 0


def run_clean(args: argparse.Namespace) -> int:
    """Delete the expired documents (what ``start_auto_clean`` does each tick)."""
    with _store(args) as store, database_errors(args):
        deleted = store.clean()
    print(f"deleted {deleted} expired session(s)")
    return 0


def run_expire(args: argparse.Namespace) -> int:
    """Log ``--user`` out everywhere (or at ``--provider`` only); print the deleted count."""
    with _store(args) as store, database_errors(args):
        if args.provider is None:
            # Every provider, and sessions stored without one (a Go-style store's).
            deleted = store.expire_sessions_by_user_ids([args.user])
        else:
            deleted = store.expire_sessions(args.user, args.provider)
    print(f"deleted {deleted} session(s) of user {args.user!r}")
    return 0


def run_indexes(args: argparse.Namespace) -> int:
    """``ensure_indexes()`` then print each index as ``name: key spec``."""
    with _store(args) as store, database_errors(args):
        try:
            store.ensure_indexes(ttl=args.ttl, force_ttl=args.force_ttl)
        except TTLIndexRefusedError as exc:
            raise CommandError(
                f"mongostore indexes: {exc}; pass --no-ttl (or --force-ttl)", EXIT_FAILURE
            ) from exc
        info = store.collection.index_information()
    for name, spec in sorted(info.items()):
        keys = ", ".join(f"{field} {direction}" for field, direction in spec["key"])
        extra = (
            f" (expireAfterSeconds {spec['expireAfterSeconds']})"
            if "expireAfterSeconds" in spec
            else ""
        )
        print(f"{name}: {keys}{extra}")
    return 0
