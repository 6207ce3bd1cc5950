"""asgi_http.scope_of: which ASGI scope a request stands for."""

from __future__ import annotations

from collections import UserDict
from typing import Any

import pytest

from mongostore.asgi_http import scope_of


class WithScope:
    """What a Starlette Request or WebSocket looks like to scope_of."""

    def __init__(self, scope: Any) -> None:
        self.scope = scope


def test_a_bare_scope_is_its_own_scope() -> None:
    scope = {"type": "http", "headers": []}
    assert scope_of(scope) is scope


def test_any_mutable_mapping_is_a_scope() -> None:
    scope: UserDict[str, Any] = UserDict({"type": "http"})
    assert scope_of(scope) is scope


@pytest.mark.parametrize("scope", [{"type": "http"}, UserDict({"type": "websocket"})])
def test_a_request_gives_the_scope_it_holds(scope: Any) -> None:
    assert scope_of(WithScope(scope)) is scope


@pytest.mark.parametrize("request_", [None, "scope", [("type", "http")], WithScope(("type",))])
def test_anything_else_is_a_type_error(request_: object) -> None:
    with pytest.raises(TypeError, match="expected an ASGI scope"):
        scope_of(request_)
