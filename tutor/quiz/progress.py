"""What /progress shows: per module, items seen, retention, due today; the streak; sections to reread."""

from __future__ import annotations

from datetime import datetime, timedelta

from tutor.domain import Learner, Reply
from tutor.localtime import local_day_start, streak, zone
from tutor.messages import t
from tutor.store.quiz import QuizStore

LEECH_LAPSES = 8  # lapses that make a leech: the learner is told which section to reread


def progress_reply(store: QuizStore, learner: Learner, now: datetime, default_tz: str) -> Reply:
    """The learner's progress, module by module."""
    lang = learner.lang
    cards = store.cards(learner.id)
    if not cards:
        return Reply(t("progress_none", lang))
    tz = zone(learner.timezone, default_tz)
    end_of_day = local_day_start(now, tz) + timedelta(days=1)
    lines = [t("progress_header", lang)]
    leeches = []
    for module in sorted({c.module_id for c in cards}):
        mine = [c for c in cards if c.module_id == module]
        retention = sum(store.srs.retrievability(c.card_json, now) for c in mine) / len(mine)
        due = sum(store.srs.due(c.card_json) < end_of_day for c in mine)
        lines.append(
            "• " + t("progress_line", lang, module=module, seen=len(mine), retention=round(retention * 100), due=due)
        )
        leeches += [c.item_id for c in mine if c.lapses >= LEECH_LAPSES]
    lines.append(t("progress_streak", lang, days=streak(store.review_times(learner.id), now, tz)))
    if leeches:
        sections = sorted({f"{item.module_id} › {item.section_id}" for i in leeches if (item := store.item(i))})
        lines.append(t("progress_leeches", lang, sections=", ".join(sections)))
    return Reply("\n".join(lines))
