"""The registry of commands learners can type: for routing, help texts and platforms' command menus."""

from __future__ import annotations

from dataclasses import dataclass

from tutor.messages import t


@dataclass(frozen=True)
class Command:
    """A command name (without the slash) and the key of its description."""

    name: str
    description_key: str

    def description(self, lang: str) -> str:
        """What the command does, in the learner's language."""
        return t(self.description_key, lang)


COMMANDS: tuple[Command, ...] = (
    Command("start", "cmd_start"),
    Command("help", "cmd_help"),
    Command("lang", "cmd_lang"),
    Command("level", "cmd_level"),
    Command("quiz", "cmd_quiz"),
    Command("scenario", "cmd_scenario"),
    Command("lab", "cmd_lab"),
    Command("progress", "cmd_progress"),
    Command("reminder", "cmd_reminder"),
    Command("timezone", "cmd_timezone"),
    Command("cancel", "cmd_cancel"),
    Command("privacy", "cmd_privacy"),
    Command("export", "cmd_export"),
    Command("delete", "cmd_delete"),
    Command("flag", "cmd_flag"),
    Command("join", "cmd_join"),
)


def command_list(lang: str) -> str:
    """One line per command, for the help text."""
    return "\n".join(f"/{c.name} — {c.description(lang)}" for c in COMMANDS)
