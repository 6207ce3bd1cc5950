"""The one exception a command raises to stop with a clear, single-line message."""

from __future__ import annotations

# Exit statuses, as documented in the README: 1 = the operation failed
# (cookie rejected, database unreachable), 2 = the command line was wrong.
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """A command failed in a way the user can act on; never shown as a traceback.

    ``str(err)`` is the single line printed on stderr, ``status`` the exit code.
    """

    def __init__(self, message: str, status: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.status = status


def one_line(text: str, limit: int = 300) -> str:
    """``text`` squeezed onto one line (pymongo's errors span many) and capped at ``limit``."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
