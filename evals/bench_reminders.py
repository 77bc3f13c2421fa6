"""Reminder benchmark: 28,000 learners due in the same minute, on SQLite and on PostgreSQL.

(a) planning: finding who is due and claiming their day; (b) the dispatcher's own cost, sending all of them through
an in-memory Outbox with no rate limit; (c) the rate limiter alone at the configured rate for 60 s: achieved rate
and the largest number of sends in any one-second window. Targets: (a) + (b) under 5% of the platform floor
(28,000 sends at 30/s take 933 s, so under about 47 s); (c) within 5% of the rate and never above it in any second.

Usage: python evals/bench_reminders.py [--learners 28000] [--limiter-seconds 60] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from tutor.domain import Delivery, Recipient
from tutor.reminders.dispatcher import DispatchRules, ReminderDispatcher, TickReport
from tutor.reminders.rate_limit import NoRateLimit, SpacedRateLimiter
from tutor.store.db import make_engine, migrate, session_factory
from tutor.store.models import Card, Learner, QuizItem

NOW = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)  # 08:30 in Paris


class Clock:
    def now(self) -> datetime:
        return NOW


class CountingOutbox:
    def __init__(self) -> None:
        self.count = 0

    async def send(self, recipient: Recipient, replies: Any) -> Delivery:
        self.count += 1
        return Delivery.SENT


def _populate(url: str, n: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    learners = [
        {
            "platform": "telegram",
            "platform_user_id": str(100_000 + i),
            "lang": "fr",
            "level": 1,
            "created_at": NOW,
            "last_seen_at": NOW,
            "chat_id": str(100_000 + i),
            "timezone": "Europe/Paris",
            "reminder_time": "08:30",
            "next_reminder_at": NOW - timedelta(seconds=i % 60),
            "unreachable": False,
        }
        for i in range(n)
    ]
    with engine.begin() as conn:
        conn.execute(
            insert(QuizItem),
            [
                {
                    "id": "l1-01-q01",
                    "module_id": "l1-01",
                    "section_id": "s",
                    "kind": "mcq",
                    "difficulty": 1,
                    "level": 1,
                    "body": "{}",
                    "active": True,
                }
            ],
        )
        for start in range(0, n, 5000):
            conn.execute(insert(Learner), learners[start : start + 5000])
        ids = [r[0] for r in conn.execute(text("SELECT id FROM learners"))]
        cards = [
            {
                "learner_id": i,
                "item_id": "l1-01-q01",
                "fsrs": "{}",
                "due": NOW - timedelta(days=1),
                "reps": 1,
                "lapses": 0,
                "created_at": NOW,
            }
            for i in ids
        ]
        for start in range(0, n, 5000):
            conn.execute(insert(Card), cards[start : start + 5000])
    engine.dispose()


async def _dispatch(url: str, n: int) -> dict[str, float]:
    engine = make_engine(url)
    outbox = CountingOutbox()
    dispatcher = ReminderDispatcher(
        session_factory(engine), outbox, Clock(), NoRateLimit(), DispatchRules(batch_size=1000), "bench"
    )
    t0 = time.perf_counter()
    due = dispatcher.plan_and_claim(NOW, TickReport())
    t1 = time.perf_counter()
    report = TickReport()
    for start in range(0, len(due), dispatcher.rules.batch_size):
        await dispatcher._send_batch(due[start : start + dispatcher.rules.batch_size], report)
    t2 = time.perf_counter()
    engine.dispose()
    assert outbox.count == n == report.sent, (outbox.count, n, report.sent)
    return {"planning_s": round(t1 - t0, 3), "dispatch_s": round(t2 - t1, 3), "sent": report.sent}


async def _limiter(rate: float, seconds: float) -> dict[str, float]:
    limiter = SpacedRateLimiter(rate)
    stamps: list[float] = []
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        await limiter.acquire()
        stamps.append(time.monotonic())
    worst, j = 0, 0
    for i, s in enumerate(stamps):
        while stamps[j] <= s - 1.0:
            j += 1
        worst = max(worst, i - j + 1)
    duration = stamps[-1] - stamps[0]
    return {
        "configured_per_s": rate,
        "achieved_per_s": round((len(stamps) - 1) / duration, 3),
        "max_in_any_second": worst,
        "seconds": round(duration, 1),
    }


def _postgres_url() -> str | None:
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    name = f"tutor_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:
        return None
    finally:
        admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop(url: str) -> None:
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=28_000)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--limiter-seconds", type=float, default=60.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    floor = args.learners / args.rate
    target = 0.05 * floor
    results: dict[str, Any] = {"learners": args.learners, "platform_floor_s": round(floor, 1), "target_s": target}
    with tempfile.TemporaryDirectory() as tmp:
        backends = {"sqlite": f"sqlite:///{tmp}/bench.sqlite3", "postgresql": _postgres_url()}
        for name, url in backends.items():
            if url is None:
                print(f"{name}: no server, skipped")
                continue
            _populate(url, args.learners)
            r = await _dispatch(url, args.learners)
            r["total_s"] = round(r["planning_s"] + r["dispatch_s"], 3)
            r["meets_target"] = r["total_s"] < target
            results[name] = r
            print(
                f"{name:10} (a) planning {r['planning_s']:.2f} s  (b) dispatch {r['dispatch_s']:.2f} s  "
                f"(a)+(b) {r['total_s']:.2f} s  target < {target:.2f} s  {'OK' if r['meets_target'] else 'MISSED'}"
            )
            if name == "postgresql":
                _drop(url)
    lim = await _limiter(args.rate, args.limiter_seconds)
    lim["within_5_percent"] = abs(lim["achieved_per_s"] - args.rate) <= 0.05 * args.rate
    lim["never_above"] = lim["max_in_any_second"] <= args.rate
    results["rate_limiter"] = lim
    verdict = "OK" if lim["within_5_percent"] and lim["never_above"] else "MISSED"
    print(
        f"(c) limiter over {lim['seconds']} s: {lim['achieved_per_s']}/s for {args.rate}/s configured, "
        f"largest second {lim['max_in_any_second']}  {verdict}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
