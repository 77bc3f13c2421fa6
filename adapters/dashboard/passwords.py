"""Passwords hashed with argon2id (argon2-cffi's defaults, RFC 9106's second recommended setting)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Hasher:
    """The core's PasswordHasher port on argon2id."""

    def __init__(self) -> None:
        self._argon2 = PasswordHasher()

    def hash(self, password: str) -> str:
        """A salted argon2id hash, in PHC string format."""
        return self._argon2.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        """Whether the password matches the stored hash (False for a damaged hash too)."""
        try:
            return self._argon2.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether the hash was made with older parameters than today's."""
        try:
            return self._argon2.check_needs_rehash(stored)
        except InvalidHashError:
            return False
