"""``mongostore demo``: serve the demo app on a real MongoDB or an in-memory one.

Without ``--uri``/``$MONGODB_URI`` the store runs on mongomock (the ``demo``
extra), so ``pip install -e '.[demo]' && python -m mongostore demo`` works on
a machine without MongoDB. Keys come from ``--hash-key``/``--block-key``, else
``$MONGOSTORE_HASH_KEY``/``$MONGOSTORE_BLOCK_KEY``, else are random per run.
"""

from __future__ import annotations

import argparse
import socket
from contextlib import ExitStack, suppress
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server, select_address_family

from mongostore import MongoStore
from mongostore.cli.database import (
    add_database_options,
    database_errors,
    open_database,
    session_collection,
)
from mongostore.cli.failure import EXIT_FAILURE, EXIT_USAGE, CommandError
from mongostore.cli.keys import (
    BLOCK_KEY_ENV,
    HASH_KEY_ENV,
    add_key_options,
    flatten_pairs,
    pairs_from_env,
)
from mongostore.demo import SESSION_NAME, create_app
from mongostore.errors import TTLIndexRefusedError
from securecookie import generate_random_key

DEMO_DATABASE = "mongostore_demo"
PROG = "mongostore demo"
#: The shortest hash key the demo accepts: the output size of its HMAC-SHA256.
MIN_HASH_KEY_BYTES = 32


def register(commands: Any) -> None:
    """Add ``demo``."""
    parser = commands.add_parser(
        "demo",
        help="run the demo web app (visit counter, sign-in, flashes)",
        description="Serve the demo app. Sessions go to --uri (or $MONGODB_URI); "
        "without one, to an in-memory mongomock database that vanishes on exit.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 = any free)")
    add_database_options(parser, uri_required=False, default_db=DEMO_DATABASE)
    add_key_options(parser, fallback=", else random per run")
    parser.add_argument(
        "--no-ttl",
        dest="ttl",
        action="store_false",
        help="leave out the TTL index on expires_at (when Go services write the collection too)",
    )
    parser.set_defaults(handler=run_demo)


def in_memory_database() -> Any:
    """A mongomock database, or the one-line hint to install it."""
    try:
        import mongomock  # noqa: PLC0415 - optional: only the in-memory demo needs it
    except ImportError:
        raise CommandError(
            "mongostore demo: the in-memory backend needs mongomock: "
            "pip install 'mongostore[demo]', or pass --uri / set MONGODB_URI",
            EXIT_FAILURE,
        ) from None
    return mongomock.MongoClient()[DEMO_DATABASE]


def demo_keys(args: argparse.Namespace) -> tuple[list[bytes | None], str]:
    """The key pairs to use and where they came from (for the start-up banner).

    Hash keys shorter than 32 bytes are refused: the demo shows how to run
    the library, and HMAC-SHA256 wants a key of at least its output size.
    """
    if args.key_pairs:
        pairs, source, option = args.key_pairs, "keys from the command line", "--hash-key"
    elif from_env := pairs_from_env(PROG):
        pairs, source, option = (
            from_env,
            f"keys from ${HASH_KEY_ENV}/${BLOCK_KEY_ENV}",
            f"${HASH_KEY_ENV}",
        )
    else:
        random_pair: list[bytes | None] = [generate_random_key(32), generate_random_key(32)]
        return random_pair, "random keys for this run (cookies stop working after a restart)"
    for hash_key, _ in pairs:
        if hash_key is not None and len(hash_key) < MIN_HASH_KEY_BYTES:
            raise CommandError(
                f"{PROG}: {option}: a hash key must be at least {MIN_HASH_KEY_BYTES} bytes "
                f"({2 * MIN_HASH_KEY_BYTES} hex digits), got {len(hash_key)}: "
                "make one with 'mongostore keygen'",
                EXIT_USAGE,
            )
    return flatten_pairs(pairs), source


def decode_hint(args: argparse.Namespace) -> str:
    """The banner line that says how to decode the demo's cookies with ``mongostore decode``."""
    command = f"mongostore decode --name {SESSION_NAME} COOKIE"
    if args.key_pairs:
        return f"decode its cookies with '{command}' and the same --hash-key/--block-key"
    if pairs_from_env(PROG):
        return f"decode its cookies with '{command}' (it reads the same ${HASH_KEY_ENV})"
    return (
        "its random keys make its cookies undecodable: to decode them, keep keys from "
        "'mongostore keygen > demo.env', load them with 'set -a; . ./demo.env; set +a' "
        f"before starting the demo, then run '{command}'"
    )


def build_store(args: argparse.Namespace, resources: ExitStack) -> tuple[MongoStore, str]:
    """The demo's store and a one-line description of its backend and keys.

    The database client is closed when ``resources`` closes.
    """
    keys, key_source = demo_keys(args)
    if args.uri:
        database = resources.enter_context(open_database(args, default_db=DEMO_DATABASE))
        backend = f"MongoDB database {database.name!r}"
    else:
        database = in_memory_database()
        backend = "an in-memory mongomock database (no --uri / $MONGODB_URI; data is lost on exit)"
    # The demo records clients, so its "Your sessions" page can name each browser.
    store = MongoStore(session_collection(database, args), *keys, record_client=True)
    with database_errors(args):  # also proves the server is reachable before serving
        try:
            store.ensure_indexes(ttl=args.ttl)
        except TTLIndexRefusedError as exc:
            raise CommandError(f"mongostore demo: {exc}; pass --no-ttl", EXIT_FAILURE) from exc
    return store, f"sessions in {backend}, collection {args.collection!r}; {key_source}"


def serve_app(app: Any, host: str, port: int) -> tuple[BaseWSGIServer, int]:
    """A threaded werkzeug server for ``app`` on ``host:port`` and the port it got.

    We bind the socket ourselves because werkzeug's ``make_server`` prints
    several lines and calls ``sys.exit`` when the port is taken.
    """
    family = select_address_family(host, port)
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(socket.SOMAXCONN)
            bound_port: int = sock.getsockname()[1]
            # werkzeug duplicates the descriptor, so ours can close here.
            server = make_server(host, bound_port, app, threaded=True, fd=sock.fileno())
    except OSError as exc:
        raise CommandError(
            f"mongostore demo: cannot listen on {host}:{port}: {exc.strerror or exc}",
            EXIT_FAILURE,
        ) from exc
    return server, bound_port


def run_demo(args: argparse.Namespace) -> int:
    """Build the store, print where everything is, serve until Ctrl-C."""
    if not 0 <= args.port <= 65535:
        raise CommandError("mongostore demo: --port must be between 0 and 65535", EXIT_USAGE)
    with ExitStack() as resources:
        store, description = build_store(args, resources)
        server, port = serve_app(create_app(store), args.host, args.port)
        resources.callback(server.server_close)
        print(f"{PROG}: {description}", flush=True)
        print(f"{PROG}: {decode_hint(args)}", flush=True)
        print(f"{PROG}: serving on http://{args.host}:{port}/ (Ctrl-C to stop)", flush=True)
        # werkzeug's serve_forever catches KeyboardInterrupt itself and returns,
        # so the line goes after it, not in an except clause.
        with suppress(KeyboardInterrupt):
            server.serve_forever()
        print(f"{PROG}: stopped", flush=True)
    return 0
