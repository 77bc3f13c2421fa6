"""Talk to the assistant in a terminal; also scriptable: one message per line on standard input."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Iterable

from rich.console import Console

from tutor.conversation import Assistant
from tutor.domain import Button, Incoming, Reply
from tutor.rendering import plain_text

QUIT = {"/quit", "/exit", "/q"}


def _incoming(line: str, last_buttons: tuple[Button, ...], user: str) -> Incoming:
    """A typed number picks one of the buttons just shown; anything else is text."""
    choice = line.strip()
    if choice.isdigit() and 1 <= int(choice) <= len(last_buttons):
        return Incoming("terminal", user, "terminal", button=last_buttons[int(choice) - 1].data)
    return Incoming("terminal", user, "terminal", text=line)


async def run(assistant: Assistant, lines: Iterable[str] | None = None, console: Console | None = None) -> None:
    """Read messages until end of input or /quit, printing the assistant's replies."""
    console = console or Console(highlight=False)
    interactive = lines is None and sys.stdin.isatty()
    user = getpass.getuser()
    buttons: tuple[Button, ...] = ()
    source = lines if lines is not None else _stdin_lines(console, interactive)
    for line in source:
        if line.strip() in QUIT:
            break
        replies = await assistant.handle(_incoming(line, buttons, user))
        buttons = _show(console, replies)


def _show(console: Console, replies: list[Reply]) -> tuple[Button, ...]:
    buttons: tuple[Button, ...] = ()
    for reply in replies:
        console.print(plain_text(reply), markup=False, soft_wrap=True)
        console.print()
        buttons = reply.buttons or buttons
    return buttons


def _stdin_lines(console: Console, interactive: bool) -> Iterable[str]:
    while True:
        try:
            line = console.input("[bold cyan]vous › [/]") if interactive else sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            return
        if not interactive and line == "":
            return
        yield line.rstrip("\n")


def main(assistant: Assistant) -> None:
    """Entry point used by ``tutor chat``."""
    asyncio.run(run(assistant))
