"""Signed callback data: a button's data comes back only from the learner it was made for, unchanged.

Telegram hands callback data back verbatim, but any client can send any data for any message it sees, and in a group
every member sees the same keyboard. Each button is therefore sent as ``<sig>|<data>``, where ``sig`` is a short HMAC
over the Telegram user id and the data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data
SIGNATURE_CHARS = 12  # 72 bits of HMAC-SHA256: enough against guessing online, leaves 51 bytes for the data
_DERIVATION_LABEL = b"caire-tutor telegram callback v1"


class CallbackSigner:
    """Signs and checks button data for one Telegram user."""

    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("the callback signing key is empty")
        self._key = key

    @classmethod
    def from_settings(cls, callback_secret: str | None, bot_token: str | None) -> CallbackSigner:
        """The configured secret, or a key derived from the bot token (never the token itself)."""
        if callback_secret:
            return cls(callback_secret.encode())
        if not bot_token:
            raise ValueError("set callback_secret or telegram_token to sign buttons")
        return cls(hmac.new(bot_token.encode(), _DERIVATION_LABEL, hashlib.sha256).digest())

    def sign(self, user_id: int, data: str) -> str:
        """``<sig>|<data>``; ValueError if it would not fit in Telegram's 64 bytes."""
        signed = f"{self._signature(user_id, data)}|{data}"
        if len(signed.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"button data too long to sign: {data!r}")
        return signed

    def verify(self, user_id: int, signed: str) -> str | None:
        """The data if the signature holds for this user, else None."""
        signature, sep, data = signed.partition("|")
        if not sep or not data:
            return None
        expected = self._signature(user_id, data)
        return data if hmac.compare_digest(signature.encode(), expected.encode()) else None

    def _signature(self, user_id: int, data: str) -> str:
        mac = hmac.new(self._key, f"{user_id}|{data}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode()[:SIGNATURE_CHARS]
