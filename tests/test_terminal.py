"""The terminal adapter: scriptable, numbered choices for buttons."""

from __future__ import annotations

import io

from rich.console import Console

from adapters.terminal.chat import run
from entrypoints.bootstrap import App


async def test_terminal_script(app: App) -> None:
    out = io.StringIO()
    console = Console(file=out, width=200, highlight=False)
    await run(app.assistant, ["/start", "2", "What is automation bias?", "/quit", "never read"], console)
    text = out.getvalue()
    assert "1) Français" in text
    assert "OK, I will answer in English" in text
    assert "According to the course" in text and "Sources" in text and "[1]" in text
