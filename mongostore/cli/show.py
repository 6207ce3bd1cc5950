"""``mongostore show``: print one session's stored document with its ``data`` decoded.

The session is named by its cookie (decoded to the ID first, as the store
does) or by its ID. The document is printed as it is stored, expired or not,
except that ``data`` holds the decoded session values instead of the encoded
blob and ``_id`` is the hex string the cookie carries.
"""

from __future__ import annotations

import argparse
from typing import Any

from mongostore import documents, queries
from mongostore.cli.database import (
    add_database_options,
    database_errors,
    open_database,
    session_collection,
)
from mongostore.cli.decode import Codecs, add_codec_options, print_json
from mongostore.cli.failure import EXIT_FAILURE, EXIT_USAGE, CommandError, one_line
from securecookie import Error


def register(commands: Any) -> None:
    """Add ``show``."""
    summary = "print a session's stored document with its data decoded"
    parser = commands.add_parser(
        "show",
        help=summary,
        description="Find the session document named by --cookie (decoded with the "
        "keys, as the store does) or by --id, and print it as JSON with 'data' "
        "decoded. The keys are the store's: --hash-key/--block-key, else "
        "$MONGOSTORE_HASH_KEY/$MONGOSTORE_BLOCK_KEY.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--cookie", metavar="VALUE", help="the session cookie's value")
    which.add_argument("--id", dest="session_id", metavar="HEX", help="the session ID (_id)")
    parser.add_argument(
        "--name",
        required=True,
        help="the session (cookie) name: the MACs of the cookie and of data cover it",
    )
    add_database_options(parser, uri_required=True)
    add_codec_options(parser)
    parser.set_defaults(handler=run_show)


def run_show(args: argparse.Namespace) -> int:
    """Resolve the ID, load the document, print it with ``data`` decoded."""
    prog = f"mongostore {args.command}"
    codecs = Codecs(args)
    if args.cookie is not None:
        decoded = codecs.decode(args.name, args.cookie, "the cookie")
        object_id = documents.object_id_from_hex(decoded)
        if object_id is None:
            raise CommandError(
                f"{prog}: the cookie decodes but holds no session ID: {decoded!r}", EXIT_FAILURE
            )
    else:
        object_id = documents.object_id_from_hex(args.session_id)
        if object_id is None:
            raise CommandError(
                f"{prog}: --id: not a session ID (24 hex digits): {args.session_id!r}", EXIT_USAGE
            )
    with open_database(args) as database, database_errors(args):
        document = session_collection(database, args).find_one(queries.id_filter(object_id))
    if document is None:
        raise CommandError(
            f"{prog}: no session document with _id {object_id} in collection {args.collection!r}",
            EXIT_FAILURE,
        )
    shown: dict[str, Any] = dict(document)
    shown[documents.FIELD_ID] = str(object_id)
    try:
        data = documents.document_data(document)
    except Error as exc:
        raise CommandError(
            f"{prog}: the document's data: {one_line(str(exc))}", EXIT_FAILURE
        ) from exc
    shown[documents.FIELD_DATA] = codecs.decode(args.name, data, "the document's data")
    print_json(shown)
    return 0
