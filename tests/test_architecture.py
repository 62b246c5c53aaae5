"""The dependency direction: the core (``bot/``) knows nothing of Slack or the entry points, and
the Slack listeners (``handlers/``) know nothing of the entry points."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "bot": {"handlers", "entrypoints", "slack_bolt", "slack_sdk", "gunicorn"},
    "handlers": {"entrypoints"},
}


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a module imports, wherever in the module the import is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_inwards(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from handlers import server\n    import slack_sdk.errors\n")
    assert imported_packages(probe) == {"handlers", "slack_sdk"}
