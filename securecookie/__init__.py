"""gorilla/securecookie for Python: authenticated, optionally encrypted cookie values.

Byte-compatible with the Go library: a value encoded here decodes in Go and
the other way round.
"""

from __future__ import annotations

from securecookie.codec import SecureCookie as SecureCookie
from securecookie.errors import Error as Error
from securecookie.errors import ErrorKind as ErrorKind
from securecookie.errors import MultiError as MultiError
from securecookie.gob import GobSerializer as GobSerializer
from securecookie.keys import generate_random_key as generate_random_key
from securecookie.multi import Codec as Codec
from securecookie.multi import codecs_from_pairs as codecs_from_pairs
from securecookie.multi import decode_multi as decode_multi
from securecookie.multi import encode_multi as encode_multi
from securecookie.serializers import JSONSerializer as JSONSerializer
from securecookie.serializers import NopSerializer as NopSerializer
from securecookie.serializers import Serializer as Serializer
