"""Every ```python block of README.md runs as written.

Each block runs in a fresh namespace. A block that defines ``app`` is a WSGI
app example: it is driven with werkzeug's test client, and, like every such
example in the README, must count visits in its session ("visits: N").
Blocks state their own claims with ``assert``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

README = Path(__file__).resolve().parent.parent / "README.md"
FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks() -> list[tuple[int, str]]:
    """(line number, code) of each ```python block."""
    text = README.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in FENCE.finditer(text)]


BLOCKS = python_blocks()
#: How a web example starts its WSGI app (test_readme_served.py serves these).
APP_DEFINITION = re.compile(r"^(app = |def app\()", re.MULTILINE)


def run_block(line: int, code: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": f"readme_line_{line}"}
    exec(compile(code, f"README.md:{line}", "exec"), namespace)
    return namespace


def test_readme_has_the_examples_it_promises() -> None:
    apps = [code for _, code in BLOCKS if APP_DEFINITION.search(code)]
    assert len(apps) >= 3  # WSGI, werkzeug, Flask
    assert any("Flask(" in code for code in apps)
    # Honest examples: wherever mongomock stands in, the comment names the real client.
    honest = re.compile(r"mongomock\.MongoClient\(\).*# or pymongo\.MongoClient")
    assert all(honest.search(code) for _, code in BLOCKS if "mongomock" in code)


def test_readme_starts_with_the_install_and_test_commands() -> None:
    head = README.read_text(encoding="utf-8")[:1200]
    assert "python -m pip install -e '.[demo]' && python -m mongostore demo" in head
    assert "bash scripts/test.sh" in head


@pytest.mark.parametrize(("line", "code"), BLOCKS, ids=[f"line{line}" for line, _ in BLOCKS])
def test_readme_python_example_runs(line: int, code: str) -> None:
    namespace = run_block(line, code)
    app = namespace.get("app")
    if app is None:
        return
    client = Client(app)
    first = client.get("/")
    assert first.status_code == 200, first.get_data(as_text=True)
    assert "visits: 1" in first.get_data(as_text=True)
    assert first.headers.getlist("Set-Cookie"), "the session cookie was not set"
    second = client.get("/")
    assert "visits: 2" in second.get_data(as_text=True)
    other_browser = Client(app)
    assert "visits: 1" in other_browser.get("/").get_data(as_text=True)
