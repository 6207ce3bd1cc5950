"""``python -m mongostore`` and the ``mongostore`` console script."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from mongostore.cli.parser import run


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: the process arguments); return the status."""
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
