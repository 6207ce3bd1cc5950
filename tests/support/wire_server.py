"""The test run's MongoDB wire-protocol server: mongoeco on one loopback port.

Runs under the server's own Python (>= 3.13, the ``.wire-venv`` that
``scripts/test.sh`` builds), never under the project's interpreter, so it is
started as a script: ``python tests/support/wire_server.py [PORT] [--watch-stdin]``. It prints
the server's URI on one line once it listens (port 0, the default, lets the
system pick a free port, so parallel runs never race for one), then serves
until it is signalled (or, with ``--watch-stdin``, until its stdin closes).
:mod:`tests.support.wire` starts and stops it.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import threading


async def serve(port: int, *, watch_stdin: bool) -> None:
    """Listen on 127.0.0.1:``port`` until SIGTERM, SIGINT or (``watch_stdin``) the end of stdin."""
    from mongoeco.wire import AsyncMongoEcoProxyServer

    server = AsyncMongoEcoProxyServer(host="127.0.0.1", port=port)
    address = await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    # stdin is a pipe from the test run: EOF means the run is gone, however it ended.
    if watch_stdin:
        threading.Thread(
            target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stop.set)), daemon=True
        ).start()
    print(address.uri, flush=True)
    await stop.wait()
    await server.close()


if __name__ == "__main__":
    arguments = [arg for arg in sys.argv[1:] if arg != "--watch-stdin"]
    asyncio.run(
        serve(int(arguments[0]) if arguments else 0, watch_stdin="--watch-stdin" in sys.argv)
    )
