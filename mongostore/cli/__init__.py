"""The ``mongostore`` command line: one small module per command group.

``parser.py`` builds the argparse tree and turns every failure into one line
on stderr, always prefixed ``mongostore COMMAND:``; ``keys.py`` (keygen),
``decode.py`` (cookie inspection), ``show.py`` (a stored session, decoded),
``admin.py`` (database maintenance) and ``demo_cmd.py`` (the demo server) each
register their sub-commands and hold their handlers.
"""

from __future__ import annotations
