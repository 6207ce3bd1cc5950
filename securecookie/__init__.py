"""gorilla/securecookie for Python: authenticated, optionally encrypted cookie values.

Byte-compatible with the Go library: a value encoded here decodes in Go and
the other way round.
"""

from __future__ import annotations

from securecookie.errors import Error as Error
from securecookie.errors import ErrorKind as ErrorKind
from securecookie.errors import MultiError as MultiError
