"""Answer latency over the question set, against the bare floor (query embedding + vector query) in the same run.

Usage: python evals/bench_latency.py [--json FILE]. Uses the settings of the environment (TUTOR_DATA_DIR...);
run `tutor ingest` first.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

from entrypoints.bootstrap import build
from evals.harness import load_questions
from tutor.domain import Incoming
from tutor.retrieval.hybrid import Filters
from tutor.settings import Settings


def _percentiles(samples: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": round(qs[49] * 1000, 1), "p95_ms": round(qs[94] * 1000, 1), "n": len(samples)}


async def main(out: Path | None) -> dict[str, object]:
    app = build(Settings())
    questions = load_questions(Path("evals/questions"))
    app.embedder.embed_query("warm-up")
    app.retriever.catalog.refresh(force=True)
    floor, answer = [], []
    for q in questions:
        t0 = time.perf_counter()
        app.index.query(app.embedder.embed_query(q.q), 5, Filters(q.lang).where())
        floor.append(time.perf_counter() - t0)
    for n, q in enumerate(questions):
        t0 = time.perf_counter()
        await app.assistant.handle(Incoming("test", f"bench-{n % 50}", "bench", text=q.q, locale=q.lang))
        answer.append(time.perf_counter() - t0)
    report: dict[str, object] = {
        "embedder": app.embedder.name,
        "floor": _percentiles(floor),
        "answer": _percentiles(answer),
    }
    print(f"embedder {report['embedder']}, {len(questions)} questions")
    for name, label in (("floor", "query embedding + vector query"), ("answer", "Assistant.handle, end to end")):
        p = report[name]
        print(f"{name:7}({label}): p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms")  # type: ignore[index]
    if out:
        out.write_text(json.dumps(report, indent=2))
    app.engine.dispose()
    return report


if __name__ == "__main__":
    target = Path(sys.argv[sys.argv.index("--json") + 1]) if "--json" in sys.argv else None
    asyncio.run(main(target))
