"""Cookie options of a session or a store (Go's ``sessions.Options``)."""

from __future__ import annotations

import dataclasses
from typing import Literal, get_args

from mongostore.sessions.errors import InvalidOptionsError

#: The SameSite values a cookie can carry. ``None`` (Go's zero value) and
#: ``"Default"`` (Go's ``SameSiteDefaultMode``) both write no attribute.
SameSite = Literal["Default", "Lax", "Strict", "None"]
SAME_SITE_VALUES: tuple[str, ...] = get_args(SameSite)


@dataclasses.dataclass(kw_only=True)
class Options:
    """Cookie attributes; every field defaults to Go's zero value.

    ``max_age`` > 0 keeps the cookie that many seconds, < 0 deletes it now,
    0 makes a browser-session cookie. Stores give every new session its own
    :meth:`copy`, so changing a store's options never touches live sessions
    (gorilla GH8).
    """

    path: str = ""
    domain: str = ""
    max_age: int = 0
    secure: bool = False
    http_only: bool = False
    same_site: SameSite | None = None
    partitioned: bool = False

    def __post_init__(self) -> None:
        validate(self)

    def __eq__(self, other: object) -> bool:
        """Field for field, as the dataclass would compare, on the instance dicts at once.

        Every implicit save compares the session's options with the store's.
        """
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.__dict__ == other.__dict__

    #: Mutable, so unhashable (what the dataclass gives a class with ``eq``).
    __hash__ = None  # type: ignore[assignment]

    def copy(self) -> Options:
        """An independent copy (Go: ``opts := *s.Options``).

        Field for field, without re-validating: every session load copies the
        store's options, and cookies check them when they are built.
        """
        clone = object.__new__(Options)
        clone.__dict__ = self.__dict__.copy()
        return clone


def validate(options: Options) -> None:
    """Raise :class:`InvalidOptionsError` for a value no Set-Cookie header can carry.

    Checked at construction and again when a cookie is built, because the
    dataclass is mutable.
    """
    if options.same_site is not None and options.same_site not in SAME_SITE_VALUES:
        raise InvalidOptionsError(
            f"sessions: same_site must be None or one of {', '.join(SAME_SITE_VALUES)}; "
            f"got {options.same_site!r}"
        )
    validate_max_age(options.max_age)
    for field in ("path", "domain"):
        value = getattr(options, field)
        if not isinstance(value, str):
            raise InvalidOptionsError(f"sessions: {field} must be a str; got {value!r}")


def validate_max_age(max_age: object) -> None:
    """Raise :class:`InvalidOptionsError` unless ``max_age`` is an int (not a bool)."""
    if isinstance(max_age, bool) or not isinstance(max_age, int):
        raise InvalidOptionsError(
            f"sessions: max_age must be an int number of seconds; got {max_age!r}"
        )
