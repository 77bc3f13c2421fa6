"""The core never imports an adapter or a chat SDK."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tutor

FORBIDDEN = ("telegram", "discord", "adapters", "aiohttp")


def test_core_imports_no_adapter_or_sdk() -> None:
    modules = [m.name for m in pkgutil.walk_packages(tutor.__path__, "tutor.") if "migrations" not in m.name]
    modules = [m for m in modules if m != "tutor.cli"]  # the command line is the composition root
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert len(modules) > 15
