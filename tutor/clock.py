"""The real clock behind the Clock port."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """Current UTC time."""

    def now(self) -> datetime:
        """Now, timezone-aware, in UTC."""
        return datetime.now(UTC)
