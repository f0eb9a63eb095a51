"""The architecture, enforced: imports point one way (STYLE §1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ddcase"

# layer -> the ddcase layers it may import (besides itself)
ALLOWED = {
    "domain": set(),
    "rules": {"domain"},
    "storage": {"domain", "cores"},
    "services": {"domain", "rules", "storage", "reports", "paths", "collector", "cores"},
    "reports": {"domain", "rules", "paths"},
    "ui": {"services", "domain", "paths", "collector"},
}
FORBIDDEN_THIRD_PARTY = {
    "domain": {"PySide6", "sqlalchemy", "sqlmodel", "reportlab", "alembic"},
    "rules": {"PySide6", "sqlalchemy", "sqlmodel", "reportlab", "alembic"},
    "storage": {"PySide6", "reportlab"},
    "services": {"PySide6"},
    "reports": {"PySide6", "sqlalchemy", "sqlmodel", "alembic"},
    "ui": {"sqlalchemy", "sqlmodel", "alembic"},
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _modules() -> list[tuple[str, Path]]:
    return [
        (path.relative_to(SRC).parts[0], path)
        for path in sorted(SRC.rglob("*.py"))
        if path.relative_to(SRC).parts[0] in ALLOWED and "alembic" not in path.parts[-3:-1]
    ]


@pytest.mark.parametrize(
    ("layer", "path"), _modules(), ids=lambda v: str(v) if isinstance(v, str) else v.name
)
def test_layer_imports_point_one_way(layer: str, path: Path) -> None:
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "ddcase":
            parts = name.split(".")
            target = parts[1] if len(parts) > 1 else ""
            assert target == layer or target in ALLOWED[layer] or target == "", (
                f"{path.relative_to(SRC)} imports {name}: {layer} may not import {target}"
            )
        else:
            assert top not in FORBIDDEN_THIRD_PARTY[layer], f"{path.relative_to(SRC)} imports {name}"


# The leaf modules any layer above may import: each imports no module of ddcase (so, e.g., the
# opening window can use them before the services are imported).
LEAVES = ("paths", "collector", "cores")


@pytest.mark.parametrize("leaf", LEAVES)
def test_leaf_modules_import_nothing_of_ddcase(leaf: str) -> None:
    names = _imports(SRC / f"{leaf}.py")
    inner = [name for name in names if name.startswith("ddcase.")]  # `ddcase` alone: its metadata
    assert not inner, f"{leaf}.py imports {', '.join(inner)}"


def test_every_layer_has_modules() -> None:
    layers = {layer for layer, _ in _modules()}
    assert {"domain", "rules", "storage", "services"} <= layers


# Storage by role (issue 13 item 3): a service says what to do and hands SQL to storage. It takes a
# `Session` from `ddcase.storage.database` (the unit of work, passed through), never SQLAlchemy,
# SQLModel or a table class.
SQL_IN_SERVICES = ("sqlalchemy", "sqlmodel", "ddcase.storage.tables")
# The services that still hold SQL of their own, as "services/<file>.py". Empty since issue 13
# item 3; when a merge brings a service with SQL, list it here (with its issue) and move its SQL
# into storage: the list only shrinks, and a file that no longer needs its entry fails the test.
STILL_HOLDING_SQL: set[str] = set()


def _sql_imports(path: Path) -> list[str]:
    return [
        name for name in _imports(path) if any(name == p or name.startswith(p + ".") for p in SQL_IN_SERVICES)
    ]


@pytest.mark.parametrize(
    "path",
    [path for layer, path in _modules() if layer == "services"],
    ids=lambda path: str(path.relative_to(SRC)),
)
def test_services_hold_no_sql(path: Path) -> None:
    name = str(path.relative_to(SRC).as_posix())
    found = _sql_imports(path)
    if name in STILL_HOLDING_SQL:
        assert found, f"{name} holds no SQL now: take it off STILL_HOLDING_SQL in tests/test_layers.py"
    else:
        assert not found, (
            f"{name} imports {', '.join(found)}: move the SQL into a storage module named for its "
            "role (docs/architecture.md) and take a Session from ddcase.storage.database"
        )


# The session has one home (issue 18): services/session.py says why a database was refused
# (`refusal_of`) instead of re-exporting storage's classes, so the UI names nothing of storage,
# not even through a service that passes a storage name on.
def _ui_names_from_services(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ddcase.services")
        for alias in node.names
    ]


@pytest.mark.parametrize(
    "path",
    [path for layer, path in _modules() if layer == "ui"],
    ids=lambda path: str(path.relative_to(SRC)),
)
def test_the_ui_imports_no_storage_names(path: Path) -> None:
    import importlib

    for module, name in _ui_names_from_services(path):
        value = getattr(importlib.import_module(module), name, None)
        home = getattr(value, "__module__", None) or ""
        assert not home.startswith("ddcase.storage"), (
            f"{path.relative_to(SRC)} imports {name} from {module}, but it is storage's ({home}): "
            "ask a service a question instead (services/session.refusal_of, say)"
        )
