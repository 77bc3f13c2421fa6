"""Everything stored about one learner, table by table, for their data export (GDPR Art. 15).

The export reads every table that has a ``learner_id`` column, so a table added later is exported without anyone
remembering to add it here; internal row ids are left out, JSON kept as text is parsed.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session, sessionmaker

from tutor.store.models import Base, Learner
from tutor.store.unit_of_work import reading

JSON_COLUMNS = {"citations", "fsrs", "fsrs_log", "data"}
HIDDEN_COLUMNS = {"id", "learner_id", "card_id", "session_id", "claimed_by"}


def learner_tables() -> list[Table]:
    """The tables holding rows about a learner, by name."""
    tables = [t for t in Base.metadata.sorted_tables if "learner_id" in t.c]
    return sorted(tables, key=lambda t: t.name)


def _value(column: str, value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if column in JSON_COLUMNS and isinstance(value, str):
        try:
            return json.loads(value) if value else None
        except ValueError:
            return value
    return value


class LearnerExport:
    """Reads a learner's rows from every table that has them."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def of(self, learner_id: int) -> dict[str, Any]:
        """{"profile": {...}, <table>: [rows...]} for every table with rows of this learner."""
        with reading(self._sessions) as s:
            profile = s.execute(select(Learner.__table__).where(Learner.id == learner_id)).mappings().first()
            data: dict[str, Any] = {"profile": self._row(profile) if profile else {}}
            item_of_card: dict[int, str] = {}
            for table in learner_tables():  # sorted by name: cards come before review_logs
                rows = s.execute(select(table).where(table.c.learner_id == learner_id)).mappings().all()
                if table.name == "cards":
                    item_of_card = {r["id"]: r["item_id"] for r in rows}
                data[table.name] = [self._row(r, item_of_card) for r in rows]
        return data

    @staticmethod
    def _row(row: Any, item_of_card: dict[int, str] | None = None) -> dict[str, Any]:
        values = {k: _value(k, v) for k, v in row.items() if k not in HIDDEN_COLUMNS}
        if item_of_card and "card_id" in row:  # a review names its quiz item, not an internal card number
            values["item_id"] = item_of_card.get(row["card_id"])
        return values
