"""Go types Python has no type of its own for, kept so a re-saved session keeps them.

Python reads a Go ``int64`` as an ``int``, a ``[]string`` as a ``list``; written
back without more information they would become Go's ``int`` and
``[]interface {}``, and a Go handler doing ``v.([]string)`` on a session a
Python service merely touched would panic. So the decoder returns such values
as subclasses of the plain Python types that remember their Go type:

=====================  =====================================================
:class:`GoInt`         ``int8`` … ``int64``, ``uint`` … ``uint64``, ``uintptr``
:class:`GoFloat`       ``float32``
:class:`GoComplex`     ``complex64``
:class:`GoList`        a typed slice or array (``[]string``, ``[3]int``, …)
:class:`GoDict`        a typed map (``map[string]string``, nested
                       ``map[interface {}]interface {}``, …)
=====================  =====================================================

Python code sees plain values: they compare, hash, print (``repr`` and ``str``
are the plain type's), serialize to JSON and index like ``int``/``float``/
``list``/``dict``, and arithmetic gives plain results; ``.go_type`` names the
Go type (``isinstance(v, GoInt)`` tells them apart).
A subclass was chosen over a side table because the type travels with the
value (through copies, nested containers and ``session.values`` edits) with
nothing to keep in step. The rule: a value Python did not replace keeps its
Go type; a value Python replaced (``values["n"] = values["n"] + 1``, a new
list) is encoded by the default mapping. A typed container edited in place
stays typed, so each new element must fit the Go element type (a ``str`` in a
``[]string``) or encoding fails with a ``GobError`` naming the type; assign a
plain ``list``/``dict`` to change the type. Containers whose Go element types
include structs or ``time.Time`` are not kept (they come back as plain
``list``/``dict`` and are written with the default mapping).
"""

from __future__ import annotations

import dataclasses
from typing import Any

#: The kinds of :class:`GoType`: a predefined gob type, or a composite one.
BASIC, SLICE, ARRAY, MAP = "basic", "slice", "array", "map"


@dataclasses.dataclass(frozen=True)
class GoType:
    """The shape of a Go type as gob's wire types describe it.

    ``kind`` is :data:`BASIC` (``type_id`` is the predefined gob id: bool 1,
    int 2, uint 3, float 4, bytes 5, string 6, complex 7, interface 8),
    :data:`SLICE`/:data:`ARRAY` (``elem``, an array's ``length``) or
    :data:`MAP` (``key``, ``elem``).
    """

    kind: str
    type_id: int = 0
    elem: GoType | None = None
    key: GoType | None = None
    length: int = 0


class GoInt(int):
    """An ``int`` that came from a Go sized or unsigned integer (``go_type``: ``"int64"``, …)."""

    go_type: str

    def __new__(cls, value: int, go_type: str) -> GoInt:
        self = super().__new__(cls, value)
        self.go_type = go_type
        return self

    def __getnewargs__(self) -> tuple[int, str]:  # type: ignore[override]
        return int(self), self.go_type


class GoFloat(float):
    """A ``float`` that came from a Go ``float32``."""

    go_type: str

    def __new__(cls, value: float, go_type: str = "float32") -> GoFloat:
        self = super().__new__(cls, value)
        self.go_type = go_type
        return self

    def __getnewargs__(self) -> tuple[float, str]:  # type: ignore[override]
        return float(self), self.go_type


class GoComplex(complex):
    """A ``complex`` that came from a Go ``complex64``."""

    go_type: str

    def __new__(cls, value: complex, go_type: str = "complex64") -> GoComplex:
        self = super().__new__(cls, value)
        self.go_type = go_type
        return self

    def __getnewargs__(self) -> tuple[complex, str]:
        return complex(self), self.go_type


class GoList(list[Any]):
    """A ``list`` that came from a typed Go slice or array such as ``[]string``."""

    go_type: str
    shape: GoType

    def __init__(self, items: Any = (), go_type: str = "", shape: GoType | None = None) -> None:
        super().__init__(items)
        if shape is None or shape.kind not in (SLICE, ARRAY):
            raise TypeError("GoList needs the shape of a Go slice or array")
        self.go_type, self.shape = go_type, shape


class GoDict(dict[Any, Any]):
    """A ``dict`` that came from a typed Go map such as ``map[string]string``."""

    go_type: str
    shape: GoType

    def __init__(self, items: Any = (), go_type: str = "", shape: GoType | None = None) -> None:
        super().__init__(items)
        if shape is None or shape.kind != MAP:
            raise TypeError("GoDict needs the shape of a Go map")
        self.go_type, self.shape = go_type, shape


#: Every class above: values that carry their Go type.
GO_TYPED = (GoInt, GoFloat, GoComplex, GoList, GoDict)
