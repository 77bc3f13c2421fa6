"""The layers, read statically from the source: every module of each, every import (inside functions too)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SDKS = {"telegram", "discord", "aiohttp", "fastapi", "starlette"}
# What each layer may never import: the core decides, adapters render, entry points wire.
FORBIDDEN = {
    "tutor": SDKS | {"adapters", "entrypoints", "evals", "tests"},
    "adapters": {"entrypoints", "evals", "tests"},
}


def imported_roots(path: Path) -> set[str]:
    """The top-level package of every import in a file, wherever the import statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                roots.add(first.value.split(".")[0])
    return roots


def violations(layer: str) -> list[str]:
    bad = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for root in sorted(imported_roots(path) & FORBIDDEN[layer]):
            bad.append(f"{path.relative_to(ROOT)} imports {root}")
    return bad


def test_the_core_imports_no_adapter_sdk_or_entry_point() -> None:
    assert violations("tutor") == []


def test_adapters_import_no_entry_point() -> None:
    assert violations("adapters") == []


def test_every_module_is_read() -> None:
    core = list((ROOT / "tutor").rglob("*.py"))
    assert len(core) > 40 and any("migrations" in str(p) for p in core)


def test_the_reader_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "def f():\n"
        "    from adapters.telegram import app\n"
        "    import discord.ui\n"
        "    importlib.import_module('telegram.ext')\n"
    )
    assert imported_roots(sample) == {"os", "adapters", "discord", "telegram"}
