"""Signed component ids: a button's state comes back only from the learner it was made for, unchanged.

Discord hands a component's ``custom_id`` back verbatim, in any channel where the message shows, and a modified client
can send any id. The state a press needs therefore travels in the id itself, signed, so that a view still works after
a restart with nothing stored: ``c|<owner>|<sig>|<data>`` for a button (at most 20 + 12 + 48 + 5 = 85 of Discord's 100
characters), and for a select ``s|<owner>|<n>`` with each option's value ``<sig>|<data>``. ``sig`` is a short HMAC
over the owner's Discord user id and the data; the owner is in clear so that a stranger's press is told apart from a
forged one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

MAX_CUSTOM_ID = 100  # Discord's limit on custom_id and on a select option's value
SIGNATURE_CHARS = 12  # 72 bits of HMAC-SHA256: enough against guessing online
BUTTON_TEMPLATE = r"c\|(?P<owner>[0-9]{1,20})\|(?P<sig>[A-Za-z0-9_-]{12})\|(?P<data>[ -~]{1,48})"
SELECT_TEMPLATE = r"s\|(?P<owner>[0-9]{1,20})\|(?P<n>[0-9])"
_DERIVATION_LABEL = b"caire-tutor discord component v1"

Refusal = Literal["not_yours", "invalid"]


@dataclass(frozen=True)
class Verdict:
    """What a press carries: the button data, or why it is refused."""

    data: str | None = None
    refusal: Refusal | None = None


class ComponentSigner:
    """Makes and checks the custom ids of the components sent to one learner."""

    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("the component signing key is empty")
        self._key = key

    @classmethod
    def from_settings(cls, callback_secret: str | None, bot_token: str | None) -> ComponentSigner:
        """The configured secret, or a key derived from the bot token (never the token itself)."""
        if callback_secret:
            return cls(callback_secret.encode())
        if not bot_token:
            raise ValueError("set TUTOR_CALLBACK_SECRET or TUTOR_DISCORD_TOKEN to sign components")
        return cls(hmac.new(bot_token.encode(), _DERIVATION_LABEL, hashlib.sha256).digest())

    def button_id(self, owner: int, data: str) -> str:
        """The custom id of a button; ValueError if it would not fit in 100 characters."""
        return _fitting(f"c|{owner}|{self._signature(owner, data)}|{data}")

    def select_id(self, owner: int, n: int) -> str:
        """The custom id of the ``n``-th select of a message (the options carry the signatures)."""
        return _fitting(f"s|{owner}|{n % 10}")

    def option_value(self, owner: int, data: str) -> str:
        """The value of a select option."""
        return _fitting(f"{self._signature(owner, data)}|{data}")

    def read(self, custom_id: str, values: Sequence[str], presser: int) -> Verdict:
        """The data of a press by ``presser``: refused if the component was sent to someone else or was altered."""
        kind, _, rest = custom_id.partition("|")
        owner_text, _, rest = rest.partition("|")
        if kind not in ("c", "s") or not owner_text.isdigit():
            return Verdict(refusal="invalid")
        owner = int(owner_text)
        if owner != presser:
            return Verdict(refusal="not_yours")
        signed = rest if kind == "c" else (values[0] if len(values) == 1 else "")
        signature, sep, data = signed.partition("|")
        if not sep or not data or not hmac.compare_digest(signature.encode(), self._signature(owner, data).encode()):
            return Verdict(refusal="invalid")
        return Verdict(data=data)

    def _signature(self, owner: int, data: str) -> str:
        mac = hmac.new(self._key, f"{owner}|{data}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode()[:SIGNATURE_CHARS]


def _fitting(custom_id: str) -> str:
    if len(custom_id) > MAX_CUSTOM_ID:
        raise ValueError(f"component state too long to sign: {custom_id!r}")
    return custom_id
