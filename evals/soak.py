"""Soak: many simulated learners for minutes, through the real core, on PostgreSQL; then count what was stored.

Each learner runs a short script at a human-ish pace: /start, two questions, a quiz answer by button, a scenario
step, /progress. At the end the store must hold exactly what was said: one learner row each, two log turns per
question, one review per answered quiz question, one choice per scenario step; and no reply may be the technical
error. The course is the test fixture, embedded by the fake embedder (what is soaked is the core and the store, not
the encoder: bench_latency.py measures that).

Usage: python evals/soak.py [--learners 1000] [--seconds 300] [--concurrency 32] [--json FILE]
(--seconds: how long the run is spread over; the learners' pauses are drawn so that the waves of ``concurrency``
learners fill it.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from entrypoints.bootstrap import build  # noqa: E402
from evals.bench_reminders import _drop, _postgres_url  # noqa: E402
from tests.fakes import FakeEmbedder, FixedClock, InMemoryVectorIndex  # noqa: E402
from tutor.domain import Incoming, Reply  # noqa: E402
from tutor.messages import t  # noqa: E402
from tutor.quiz.items import load_banks  # noqa: E402
from tutor.settings import Settings  # noqa: E402
from tutor.store.models import Learner, LogEntry, ReviewLog, ScenarioChoice  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
QUESTIONS = ["Qu'est-ce que le biais d'automatisation ?", "C'est quoi l'apprentissage supervisé ?"]
MESSAGES = 8  # what each learner sends


async def _learner(app: Any, n: int, pace_s: float, latencies: list[float], errors: list[str]) -> None:
    who = f"soak-{n}"

    async def send(text: str = "", button: str | None = None) -> list[Reply]:
        await asyncio.sleep(random.uniform(0, pace_s))
        started = time.perf_counter()
        replies: list[Reply] = await app.assistant.handle(
            Incoming("test", who, f"chat-{n}", text=text, button=button, locale="fr")
        )
        latencies.append(time.perf_counter() - started)
        if any(r.text == t("internal_error", "fr") for r in replies):
            errors.append(f"{who}: {text or button}")
        return replies

    await send("/start")
    for question in QUESTIONS:
        await send(question)
    [quiz] = await send("/quiz")
    option = next(b.data for b in quiz.buttons if b.data.startswith("q:"))
    await send(button=option)
    scenario = await send("/scenario l1-s01")
    choice = next(b.data for b in scenario[-1].buttons if b.data.startswith("sc:") and b.data.count(":") == 3)
    await send(button=choice)
    await send("/progress")


def _learners_off(session: Any, learners: int) -> dict[str, int]:
    """How many learners hold other than exactly their rows (2 turns per question, one review, one choice): a lost
    row and a doubled one elsewhere would cancel out in the totals, not here."""
    per_learner = {"turns": 2 * len(QUESTIONS), "reviews": 1, "choices": 1}
    ids = session.scalars(select(Learner.id)).all()
    off: dict[str, int] = {}
    for name, column, expected in (
        ("turns", LogEntry.learner_id, per_learner["turns"]),
        ("reviews", ReviewLog.learner_id, per_learner["reviews"]),
        ("choices", ScenarioChoice.learner_id, per_learner["choices"]),
    ):
        counts = dict(session.execute(select(column, func.count()).group_by(column)).all())
        bad = sum(counts.get(i, 0) != expected for i in ids) + max(0, learners - len(ids))
        if bad:
            off[name] = bad
    return off


async def soak(learners: int, seconds: float, concurrency: int) -> dict[str, Any]:
    url = _postgres_url()
    if url is None:
        raise SystemExit("PostgreSQL on 127.0.0.1:5432 is needed")
    tmp = Path(tempfile.mkdtemp())
    indexes: dict[str, InMemoryVectorIndex] = {}
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp,
        database_url=url,
        knowledge_dir=ROOT / "knowledge",
        quizzes_dir=FIXTURES / "quizzes",
        min_confidence=0.18,
        cross_lingual_min_confidence=0.15,
        messages_per_minute=0,
    )

    def index_factory(kind: str) -> InMemoryVectorIndex:
        return indexes.setdefault(kind, InMemoryVectorIndex())

    app = build(settings, FakeEmbedder(), FixedClock(), index_factory=index_factory)
    try:
        app.ingestor.ingest(FIXTURES / "course", app.assistant.clock.now())
        app.sync_quizzes(load_banks(FIXTURES / "quizzes"))
        latencies: list[float] = []
        errors: list[str] = []
        gate = asyncio.Semaphore(concurrency)
        waves = -(-learners // concurrency)  # learners run `concurrency` at a time
        pace = 2 * seconds / (waves * MESSAGES)  # the longest pause before a message: the waves fill the run

        async def one(n: int) -> None:
            async with gate:
                await _learner(app, n, pace, latencies, errors)

        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(learners)))
        elapsed = time.perf_counter() - started
        with app.sessions() as s:
            stored = {
                name: s.scalar(select(func.count(column))) or 0
                for name, column in (
                    ("learners", Learner.id),
                    ("turns", LogEntry.id),
                    ("reviews", ReviewLog.id),
                    ("choices", ScenarioChoice.id),
                )
            }
            wrong = _learners_off(s, learners)
        expected = {"learners": learners, "turns": 4 * learners, "reviews": learners, "choices": learners}
        latencies.sort()
        return {
            "learners": learners,
            "messages": len(latencies),
            "seconds": round(elapsed, 1),
            "errors": len(errors),
            "p50_ms": round(1000 * statistics.median(latencies), 1),
            "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
            "stored": stored,
            "expected": expected,
            "lost_or_doubled": {k: stored[k] - v for k, v in expected.items() if stored[k] != v},
            "learners_with_lost_or_doubled_rows": wrong,
        }
    finally:
        app.engine.dispose()
        _drop(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report = asyncio.run(soak(args.learners, args.seconds, args.concurrency))
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    ok = report["errors"] == 0 and not report["lost_or_doubled"] and not report["learners_with_lost_or_doubled_rows"]
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
