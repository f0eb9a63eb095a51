"""Every text file ddcase opens names its encoding: Windows would otherwise read and write cp1252
(../shared/notes/windows.md, rule 3). The suite also turns Python's EncodingWarning into a failure
(pyproject.toml, scripts/test.sh), but only for the code a test runs; this reads all of it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "ddcase"
TEXT_CALLS = {"open", "read_text", "write_text", "fdopen", "TextIOWrapper"}
SUBPROCESS_CALLS = {"run", "Popen", "check_output", "check_call", "call"}


def _mode(call: ast.Call, name: str) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "mode" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    position = 0 if isinstance(call.func, ast.Attribute) and name == "open" else 1
    if name in ("open", "fdopen") and len(call.args) > position:
        argument = call.args[position]
        return str(argument.value) if isinstance(argument, ast.Constant) else "?"
    return None


def text_opens_without_encoding(source: str) -> list[int]:
    """Lines of calls that open a text file (or a text pipe) without naming its encoding."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        keywords = {k.arg for k in node.keywords}
        if "encoding" in keywords:
            continue
        if name in SUBPROCESS_CALLS and keywords & {"text", "universal_newlines"}:
            found.append(node.lineno)
        if name not in TEXT_CALLS:
            continue
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "os":
            if name == "open":
                continue  # os.open: a descriptor, no text
        if name == "open" and isinstance(func, ast.Attribute) and not node.args and not node.keywords:
            continue  # a widget's open() (QDialog.open), not a file's
        if name == "read_text" and node.args or name == "write_text" and len(node.args) > 1:
            continue  # the encoding given by position
        mode = _mode(node, name)
        if mode is not None and "b" in mode:
            continue
        found.append(node.lineno)
    return found


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("open(p)", [1]),
        ("open(p, 'w')", [1]),
        ("open(p, 'rb')", []),
        ("open(p, encoding='utf-8')", []),
        ("path.open('rb')", []),
        ("path.open('r')", [1]),
        ("path.read_text()", [1]),
        ("path.write_text(t, encoding='utf-8')", []),
        ("os.fdopen(fd, 'wb')", []),
        ("os.fdopen(fd, 'w')", [1]),
        ("os.open(p, os.O_RDWR)", []),
        ("subprocess.run(a, text=True)", [1]),
        ("subprocess.run(a, text=True, encoding='utf-8')", []),
        ("dialog.open()", []),
    ],
)
def test_the_check_finds_a_text_open_without_an_encoding(source: str, lines: list[int]) -> None:
    assert text_opens_without_encoding(source) == lines


def test_every_text_file_ddcase_opens_names_its_encoding() -> None:
    found = {
        str(path.relative_to(SOURCE)): lines
        for path in sorted(SOURCE.rglob("*.py"))
        if (lines := text_opens_without_encoding(path.read_text(encoding="utf-8")))
    }
    assert found == {}
