"""Run one mongoeco wire server on a free loopback port; print its URI, serve until killed.

Started by :mod:`tests.support.golive` with ``$MONGOSTORE_WIRE_PYTHON`` (mongoeco
needs Python 3.13), never imported by the test run itself.
"""

import asyncio

from mongoeco.wire import AsyncMongoEcoProxyServer  # type: ignore[import-not-found]


async def main() -> None:
    """Start the server, print ``mongodb://127.0.0.1:PORT/...``, then wait forever."""
    server = AsyncMongoEcoProxyServer(host="127.0.0.1", port=0)
    address = await server.start()
    print(address.uri, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
