"""Every performance figure of issue 17 in one run, each next to its target and the floor measured in the same run.

Usage: python evals/bench.py [--only ingest,latency,concurrency,startup,serve,reminders] [--data-dir DIR]
                             [--learners 50,200] [--messages 3] [--json FILE]

It ingests the course into ``--data-dir`` (a temporary folder by default; an already ingested folder makes the first
ingest figure a re-ingest), then measures there. The machine is shared: read the ratios to the floors first.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from entrypoints.bootstrap import App
    from evals.harness import Question

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("ingest", "latency", "concurrency", "startup", "serve", "reminders")
console = Console()


@dataclass
class Figure:
    """One measured figure, its target and the floor it is compared with."""

    section: str
    name: str
    value: float
    unit: str
    target: str
    floor: float | None = None
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return round(self.value / self.floor, 2) if self.floor else None


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


def _pct(samples: list[float], q: int) -> float:
    if len(samples) == 1:
        return samples[0] * 1000
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1] * 1000


def _build() -> App:
    """A fresh app; Chroma's per-process cache is dropped first, since another process (`tutor ingest`) may have
    written the index since this one last opened it."""
    from chromadb.api.shared_system_client import SharedSystemClient

    from entrypoints.bootstrap import build
    from tutor.settings import Settings

    SharedSystemClient.clear_system_cache()
    return build(Settings())


# --- ingest: first ingest, unchanged re-ingest ----------------------------------------------------------------------


def _encoder(embedder: Any) -> Any:
    """The encoder itself, under the shipped vectors and the query batcher that wrap it."""
    while hasattr(embedder, "inner"):
        embedder = embedder.inner
    return embedder


def _wrappers(embedder: Any) -> list[Any]:
    """The embedder and every one it wraps, outermost first."""
    chain = [embedder]
    while hasattr(chain[-1], "inner"):
        chain.append(chain[-1].inner)
    return chain


def _encoder_rate(a: App, texts: list[str]) -> float:
    """Passages per second the encoder embeds in batches of 64, on every core (the first ingest's floor)."""
    encoder = _encoder(a.embedder)
    encoder.embed_passages(texts[:2])
    t0 = time.perf_counter()
    encoder.embed_passages(texts[:64])
    return min(64, len(texts)) / (time.perf_counter() - t0)


def bench_cold_ingest(modules: Path, quizzes: Path) -> list[Figure]:
    """The first ingest with every text embedded (no shipped vectors): what a course edited without `make vectors`,
    or an institution's own documents, cost per text; in a data folder of its own."""
    saved = {k: os.environ.get(k) for k in ("TUTOR_DATA_DIR", "TUTOR_SHIPPED_VECTORS")}
    with tempfile.TemporaryDirectory(prefix="tutor-bench-cold-") as cold:
        os.environ.update(TUTOR_DATA_DIR=cold, TUTOR_SHIPPED_VECTORS="false")
        try:
            first = bench_ingest(modules, quizzes)[:2]
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    for f in first:
        f.name = f.name.replace("first ingest", "first ingest, no shipped vectors")
    first[0].target, first[0].met = "floor (the encoder)", None
    return first


def bench_ingest(modules: Path, quizzes: Path) -> list[Figure]:
    from tutor.clock import SystemClock
    from tutor.quiz.items import load_banks

    a = _build()
    files = sorted(p for p in modules.rglob("*.md"))
    total_files = len(files)
    with _bar() as bar:
        task = bar.add_task("first ingest", total=total_files)
        t0, c0 = time.perf_counter(), time.process_time()
        report = a.ingestor.ingest(modules, SystemClock().now(), lambda _n, n, tot: bar.update(task, completed=n))
        a.sync_quizzes(load_banks(quizzes))
        first, cpu = time.perf_counter() - t0, time.process_time() - c0
    sentences = a.ingestor._sentences.count() if a.ingestor._sentences is not None else 0  # noqa: SLF001
    passages = a.index.count()
    texts = [f"{p.module_title} — {p.section_title}\n{p.text}" for p in _passages(a)[:66]]
    rate = _encoder_rate(a, texts)
    embedded = passages + sentences + len(a.quiz_store.active_items())
    a.engine.dispose()
    t0 = time.perf_counter()
    for path in files:
        hashlib.sha256(path.read_bytes()).hexdigest()
    hashing = time.perf_counter() - t0
    env = {**os.environ}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "entrypoints.cli", "ingest"], env=env, capture_output=True, cwd=ROOT)
    again = time.perf_counter() - t0
    a = _build()
    t0 = time.perf_counter()
    a.ingestor.ingest(modules, SystemClock().now())
    a.sync_quizzes(load_banks(quizzes))
    again_inside = time.perf_counter() - t0
    a.engine.dispose()
    note = f"{len(report.added)} files, {passages} passages + {sentences} sentences; {cpu / first:.2f} cores busy"
    return [
        Figure(
            "ingest",
            "first ingest (passages, sentences, quiz)",
            first,
            "s",
            "<= 60 s",
            embedded / rate,
            first <= 60,
            note,
        ),
        Figure("ingest", "encoder throughput, batch of 64", rate, "texts/s", "floor of the first ingest"),
        Figure(
            "ingest",
            "`tutor ingest`, nothing changed",
            again,
            "s",
            "< 1 s",
            hashing,
            again < 1,
            f"exit code {done.returncode}; floor: reading and hashing the files",
        ),
        Figure(
            "ingest", "re-ingest in process, nothing changed", again_inside, "s", "< 1 s", hashing, again_inside < 1
        ),
    ]


def _passages(a: App) -> list[Any]:
    a.retriever.catalog.refresh(force=True)
    return [e.passage for e in a.retriever.catalog.entries.values()]


# --- answer latency at concurrency 1 --------------------------------------------------------------------------------


def bench_latency(a: App, questions: list[Question]) -> list[Figure]:
    from tutor.domain import Incoming
    from tutor.retrieval.hybrid import Filters

    a.embedder.embed_query("warm-up")
    a.retriever.catalog.refresh(force=True)
    floor, answer = [], []
    with _bar() as bar:
        task = bar.add_task("floor: embed + vector query + BM25", total=len(questions))
        for q in questions:
            t0 = time.perf_counter()
            filters = Filters(q.lang)
            a.index.query(a.embedder.embed_query(q.q), 5, filters.where())
            a.retriever._bm25(q.q, filters)  # noqa: SLF001 - the floor is retrieval's own BM25 call
            floor.append(time.perf_counter() - t0)
            bar.advance(task)
        task = bar.add_task("answers, one learner at a time", total=len(questions))

        async def run() -> None:
            for n, q in enumerate(questions):
                t0 = time.perf_counter()
                await a.assistant.handle(Incoming("test", f"solo-{n % 50}", "bench", text=q.q, locale=q.lang))
                answer.append(time.perf_counter() - t0)
                bar.advance(task)

        asyncio.run(run())
    out = []
    for pq, factor in ((50, None), (95, 1.5), (99, None)):
        f, v = _pct(floor, pq), _pct(answer, pq)
        target = f"<= {factor}x floor" if factor else ""
        out.append(
            Figure("latency", f"answer p{pq}, concurrency 1", v, "ms", target, f, v <= factor * f if factor else None)
        )
    return out


# --- concurrent learners --------------------------------------------------------------------------------------------


def bench_concurrency(a: App, questions: list[Question], crowds: list[int], messages: int) -> list[Figure]:

    texts = [q.q for q in questions[:64]]
    many = getattr(_encoder(a.embedder), "embed_queries", None)
    a.embedder.embed_query("warm-up")
    t0 = time.perf_counter()
    if many is not None:
        many(texts)
    else:
        for t in texts:
            a.embedder.embed_query(t)
    batch_rate = len(texts) / (time.perf_counter() - t0)
    out = [Figure("concurrency", "embedder batch throughput (64 queries)", batch_rate, "queries/s", "floor")]
    for crowd in crowds:
        latencies, errors, wall = _crowd(a, questions, crowd, messages)
        rate = len(latencies) / wall
        p95 = _pct(latencies, 95)
        out += [
            Figure("concurrency", f"{crowd} learners: p50", _pct(latencies, 50), "ms", ""),
            Figure("concurrency", f"{crowd} learners: p95", p95, "ms", "< 1000 ms", None, p95 < 1000),
            Figure(
                "concurrency",
                f"{crowd} learners: throughput",
                rate,
                "answers/s",
                ">= 0.8x batch throughput",
                batch_rate,
                rate >= 0.8 * batch_rate,
            ),
            Figure("concurrency", f"{crowd} learners: errors", errors, "", "0", None, errors == 0),
        ]
    batches = next((e.batches for e in _wrappers(a.embedder) if hasattr(e, "batches")), None)
    if batches:
        out.append(Figure("concurrency", "query batch size, mean", statistics.mean(batches), "queries", ""))
    return out


def _crowd(a: App, questions: list[Question], crowd: int, messages: int) -> tuple[list[float], int, float]:
    """Every learner of the crowd asks at once, ``messages`` times in a row: latencies, errors, wall seconds."""
    from tutor.domain import Incoming

    latencies: list[float] = []
    errors = 0
    with _bar() as bar:
        task = bar.add_task(f"{crowd} learners x {messages} messages", total=crowd * messages)

        async def learner(n: int) -> None:
            nonlocal errors
            for m in range(messages):
                q = questions[(n * messages + m) % len(questions)]
                t0 = time.perf_counter()
                try:
                    incoming = Incoming("test", f"crowd{crowd}-{n}", "bench", text=q.q, locale=q.lang)
                    errors += any(r.kind == "error" for r in await a.assistant.handle(incoming))
                except Exception:  # noqa: BLE001 - counted, the others go on
                    errors += 1
                latencies.append(time.perf_counter() - t0)
                bar.advance(task)

        async def everyone() -> float:
            t0 = time.perf_counter()
            await asyncio.gather(*(learner(n) for n in range(crowd)))
            return time.perf_counter() - t0

        wall = asyncio.run(everyone())
    return latencies, errors, wall


# --- start to first answer, peak memory -----------------------------------------------------------------------------


def _run_measured(args: list[str], stdin: str = "") -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS in MB, exit code and output of one command. The peak comes from /usr/bin/time: a child
    forked from this (large) process would report this process's peak as its own."""
    with tempfile.NamedTemporaryFile() as peak:
        t0 = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", peak.name, *args], cwd=ROOT, input=stdin.encode(), capture_output=True
        )
        wall = time.perf_counter() - t0
        kilobytes = Path(peak.name).read_text().strip().splitlines()[-1]
    rss = int(kilobytes) / 1024 if kilobytes.isdigit() else float("nan")
    return wall, rss, done.returncode, (done.stdout + done.stderr).decode(errors="replace")


def _best(runs: int, args: list[str], stdin: str = "") -> tuple[float, float, int, str]:
    results = [_run_measured(args, stdin) for _ in range(runs)]
    return min(results, key=lambda r: r[0])


def bench_startup(question: str) -> list[Figure]:
    tutor = str(Path(sys.executable).with_name("tutor"))
    with _bar() as bar:
        task = bar.add_task("start-up (best of 3)", total=4)
        bare, _, _, _ = _best(2, [sys.executable, "-c", "import typer.rich_utils"])
        bar.advance(task)
        helped, help_rss, _, _ = _best(2, [tutor, "--help"])
        bar.advance(task)
        python, _, _, _ = _best(2, [sys.executable, "-c", "pass"])
        bar.advance(task)
        chat, chat_rss, code, out = _best(2, [tutor, "chat"], question + "\n")
        bar.advance(task)
    answered = "[1]" in out or "«" in out or "“" in out
    return [
        Figure(
            "startup",
            "`tutor --help`",
            helped * 1000,
            "ms",
            "< 300 ms",
            bare * 1000,
            helped < 0.3,
            "floor: python + typer + rich alone",
        ),
        Figure("startup", "`tutor --help` peak RSS", help_rss, "MB", ""),
        Figure(
            "startup",
            "`tutor chat`, start to first answer",
            chat,
            "s",
            "< 1.5 s",
            python,
            chat < 1.5,
            f"exit {code}, {'answered' if answered else 'NO ANSWER SEEN'}; floor: python starting",
        ),
        Figure("startup", "`tutor chat` peak RSS", chat_rss, "MB", "< 400 MB", None, chat_rss < 400),
    ]


# --- reminders ------------------------------------------------------------------------------------------------------


def bench_reminder_fanout(learners: int, limiter_s: float) -> list[Figure]:
    from evals import bench_reminders as br

    floor = learners / 30.0
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        with console.status(f"reminders: {learners} learners due in the same minute (SQLite)"):
            br._populate(url, learners)  # noqa: SLF001
            r = asyncio.run(br._dispatch(url, learners))  # noqa: SLF001
        total = r["planning_s"] + r["dispatch_s"]
        out.append(
            Figure(
                "reminders",
                f"plan + dispatch {learners} (SQLite)",
                total,
                "s",
                "< 5% of floor",
                floor,
                total < 0.05 * floor,
                "floor: sends at 30/s",
            )
        )
    with console.status(f"reminders: rate limiter for {limiter_s:.0f} s"):
        lim = asyncio.run(br._limiter(30.0, limiter_s))  # noqa: SLF001
    out.append(
        Figure(
            "reminders",
            "limiter achieved rate",
            lim["achieved_per_s"],
            "/s",
            "within 5% of 30/s",
            30.0,
            abs(lim["achieved_per_s"] - 30) <= 1.5,
        )
    )
    out.append(
        Figure(
            "reminders",
            "limiter, largest second",
            lim["max_in_any_second"],
            "sends",
            "<= 30",
            30.0,
            lim["max_in_any_second"] <= 30,
        )
    )
    return out


# --- the table ------------------------------------------------------------------------------------------------------


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"


def show(figures: list[Figure]) -> None:
    table = Table(title="Performance (issue 17): every figure, its target, the floor measured in the same run")
    for col in ("section", "figure", "value", "unit", "floor", "ratio", "target", "met", "note"):
        table.add_column(col, justify="right" if col in ("value", "floor", "ratio") else "left")
    for f in figures:
        met = "" if f.met is None else "[green]yes[/green]" if f.met else "[red]no[/red]"
        table.add_row(f.section, f.name, _fmt(f.value), f.unit, _fmt(f.floor), _fmt(f.ratio), f.target, met, f.note)
    console.print(table)


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ",".join(SECTIONS))
    parser.add_argument("--data-dir", type=Path, help="ingest into (and measure) this folder; temporary by default")
    parser.add_argument("--learners", default="50,200", help="crowd sizes for the concurrency section")
    parser.add_argument("--messages", type=int, default=3, help="messages per learner in the concurrency section")
    parser.add_argument("--questions", type=int, default=0, help="use only the first N questions (0: all)")
    parser.add_argument(
        "--cold-ingest", action="store_true", help="also time a first ingest that embeds every text (minutes)"
    )
    parser.add_argument("--reminder-learners", type=int, default=28_000)
    parser.add_argument("--limiter-seconds", type=float, default=10.0)
    parser.add_argument("--json", type=Path, default=ROOT / "evals/results/bench.json")
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="tutor-bench-") as tmp:
        data = args.data_dir or Path(tmp)
        os.environ["TUTOR_DATA_DIR"] = str(data)
        os.chdir(ROOT)
        return _run(only, args, data)


def _run(only: list[str], args: argparse.Namespace, data: Path) -> list[Figure]:
    from evals.harness import load_questions

    figures: list[Figure] = []
    knowledge = ROOT / "knowledge"
    needs_course = {"latency", "concurrency", "startup", "serve"} & set(only)
    if "ingest" in only or (needs_course and not (data / "chroma").exists()):
        figures += bench_ingest(knowledge / "modules", knowledge / "quizzes")
    if args.cold_ingest:
        figures += bench_cold_ingest(knowledge / "modules", knowledge / "quizzes")
    questions = [q for q in load_questions(ROOT / "evals/questions") if q.q][: args.questions or None]
    if {"latency", "concurrency"} & set(only):
        a = _build()
        if "latency" in only:
            figures += bench_latency(a, questions)
        if "concurrency" in only:
            crowds = [int(n) for n in args.learners.split(",") if n]
            figures += bench_concurrency(a, questions, crowds, args.messages)
        a.engine.dispose()
    if "startup" in only:
        figures += bench_startup(questions[0].q)
    if "serve" in only:
        from evals.bench_serve import bench_serve

        figures += bench_serve(questions[0].q, data)
    if "reminders" in only:
        figures += bench_reminder_fanout(args.reminder_learners, args.limiter_seconds)
    show(figures)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    payload = {
        "commit": commit.stdout.strip(),
        "dirty": bool(subprocess.run(["git", "status", "--porcelain"], capture_output=True, cwd=ROOT).stdout),
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "figures": [asdict(f) | {"ratio": f.ratio} for f in figures],
    }
    args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    console.print(f"Written to {args.json}")
    return figures


if __name__ == "__main__":
    main()
