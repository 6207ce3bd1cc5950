"""Go's encoding/gob for securecookie values, so Python and Go share sessions.

Mapping (Python → Go when encoding; Go → Python when decoding):

=============================  ===========================================
``str``                        ``string`` (a top-level str is a bare gob string)
``int``                        ``int`` (int64; outside that range → usage Error)
``float``                      ``float64``
``bool``                       ``bool``
``bytes``/``bytearray``        ``[]uint8``
``None``                       nil interface (a top-level None cannot be encoded, as in Go)
``list``/``tuple``             ``[]interface {}``
``dict``, all keys ``str``     ``map[string]interface {}`` (nested)
``dict``, other keys           ``map[interface {}]interface {}`` (nested)
top-level ``dict``             ``map[interface {}]interface {}`` (a session's Values)
aware ``datetime``             ``time.Time`` (naive → usage Error)
``complex``                    ``complex128``
:class:`GoStruct`              a registered Go struct
=============================  ===========================================

Decoding also accepts Go's sized ints/uints, float32 and complex64 (→ int,
float, complex), ``[]string``/``[]int``/other slices and arrays (→ list),
maps with any key type (→ dict) and registered structs (→ GoStruct). Values of
Go types Python has none of its own for come back as subclasses of those
plain types that remember the Go type (``GoInt``, ``GoList``, … in
:mod:`securecookie.gob.gotypes`), so a value Python did not replace is
written back as the same Go type.
A top-level value of another mapped type (int, bytes, list, datetime, ...) is
sent as that Go type, as Go's ``Encoder.Encode`` would; decoding has no
destination type, so callers expecting Values must check they got a dict.

Go reads ``[]interface {}`` out of the box (gorilla/sessions registers it);
``map[string]interface {}``, ``map[interface {}]interface {}`` (nested),
``time.Time`` and structs need ``gob.Register`` in the Go app.
"""

from __future__ import annotations

from securecookie.gob.encoder import encode as encode
from securecookie.gob.fastpath import decode as decode
from securecookie.gob.serializer import GobSerializer as GobSerializer
from securecookie.gob.values import GoStruct as GoStruct
from securecookie.gob.wire import GobError as GobError
