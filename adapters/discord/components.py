"""Persistent views: buttons and selects whose signed ``custom_id`` carries all a press needs.

They are ``discord.ui.DynamicItem`` classes registered on the client at start, so a press on a message sent before a
restart is still recognised by its ``custom_id`` pattern; nothing about sent views is kept in memory or in the store.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord.render import MAX_BUTTON_LABEL, MAX_OPTION_LABEL, Row, clip, layout
from adapters.discord.signing import BUTTON_TEMPLATE, SELECT_TEMPLATE, ComponentSigner
from tutor.domain import Button

log = logging.getLogger(__name__)

OnPress = Callable[[discord.Interaction[Any]], Awaitable[None]]
ButtonItem = discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]]
SelectItem = discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]]


@dataclass(frozen=True)
class Components:
    """The component classes of one client, and how to lay a reply's buttons out as a view for one learner."""

    signer: ComponentSigner
    button: Callable[[str, str, int], ButtonItem]  # (custom_id, label, row)
    select: Callable[[str, list[discord.SelectOption], int], SelectItem]  # (custom_id, options, row)
    dynamic_items: tuple[type[ButtonItem], type[SelectItem]]  # to register with ``Client.add_dynamic_items``

    def view(self, buttons: Sequence[Button], owner: int) -> discord.ui.View | None:
        """The buttons as a persistent view that only ``owner`` may use; None when there are none."""
        view = discord.ui.View(timeout=None)
        for n, row in enumerate(layout(buttons)):
            try:
                items = self._items(row, owner, n)
            except ValueError as exc:  # a data this version cannot sign: the reply goes out without that row
                log.warning("dropped a row of components: %s", exc)
                continue
            for item in items:
                view.add_item(item)
        return view if view.children else None

    def _items(self, row: Row, owner: int, n: int) -> list[discord.ui.Item[Any]]:
        if row.select:
            return [self._select(row, owner, n)]
        return [self.button(self.signer.button_id(owner, b.data), b.label, n) for b in row.buttons]

    def _select(self, row: Row, owner: int, n: int) -> SelectItem:
        options = [
            discord.SelectOption(label=clip(b.label, MAX_OPTION_LABEL), value=self.signer.option_value(owner, b.data))
            for b in row.buttons
        ]
        return self.select(self.signer.select_id(owner, n), options, n)


def signed_components(signer: ComponentSigner, on_press: OnPress) -> Components:
    """The DynamicItem classes whose presses go to ``on_press`` (which checks the signature, then acts)."""

    class SignedButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=BUTTON_TEMPLATE):
        def __init__(self, custom_id: str, label: str = "·", row: int | None = None) -> None:
            button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
                label=clip(label, MAX_BUTTON_LABEL), custom_id=custom_id, style=discord.ButtonStyle.secondary
            )
            super().__init__(button, row=row)

        @classmethod
        async def from_custom_id(
            cls,
            interaction: discord.Interaction[Any],
            item: discord.ui.Item[Any],
            match: re.Match[str],
            /,
        ) -> SignedButton:
            return cls(match.string, getattr(item, "label", None) or "·")

        async def callback(self, interaction: discord.Interaction[Any]) -> None:
            await on_press(interaction)

    class SignedSelect(discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=SELECT_TEMPLATE):
        def __init__(
            self, custom_id: str, options: list[discord.SelectOption] | None = None, row: int | None = None
        ) -> None:
            select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
                custom_id=custom_id, options=options or [discord.SelectOption(label="·")], min_values=1, max_values=1
            )
            super().__init__(select, row=row)

        @classmethod
        async def from_custom_id(
            cls,
            interaction: discord.Interaction[Any],
            item: discord.ui.Item[Any],
            match: re.Match[str],
            /,
        ) -> SignedSelect:
            return cls(match.string, list(getattr(item, "options", None) or []) or None)

        async def callback(self, interaction: discord.Interaction[Any]) -> None:
            await on_press(interaction)

    return Components(signer, SignedButton, SignedSelect, (SignedButton, SignedSelect))
