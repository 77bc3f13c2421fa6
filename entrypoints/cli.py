"""The ``tutor`` command line: the composition root for terminal use."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

if TYPE_CHECKING:  # `tutor --help` stays under 0.3 s: the store, the models and the indexes load when a command runs
    from sqlalchemy import Engine

    from entrypoints.bootstrap import App
    from tutor.settings import Settings

app = typer.Typer(help="CAIRE tutor: grounded answers from the course material.", no_args_is_help=True)
console = Console()


def _app() -> App:
    from sqlalchemy.exc import SQLAlchemyError

    from entrypoints.bootstrap import build
    from tutor.settings import Settings

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    try:
        return build(settings)
    except (SQLAlchemyError, OSError) as exc:  # a wrong URL, a server down, a folder not writable: say it in a sentence
        _cannot_open(settings, exc)


def _cannot_open(settings: Settings, exc: Exception) -> NoReturn:
    from tutor.store.db import redacted_url

    reason = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    where = redacted_url(settings.resolved_database_url())
    console.print(f"[red]Cannot open the database[/red] {escape(where)}: {escape(reason)}", highlight=False)
    console.print("Check TUTOR_DATABASE_URL (and that the server is running), then try again.")
    raise typer.Exit(2) from None


@contextmanager
def _ingest_lock(engine: Engine) -> Iterator[None]:
    """One ingest at a time per deployment (the same lock on every machine sharing the database)."""
    from tutor.store.leadership import INGEST_LOCK_FILE, INGEST_LOCK_KEY, ReminderLeadership

    lock = ReminderLeadership.for_engine(engine, INGEST_LOCK_KEY, INGEST_LOCK_FILE)
    if not lock.try_acquire():
        console.print("Another ingest of this deployment is running; try again when it has finished.")
        raise typer.Exit(3)
    try:
        yield
    finally:
        lock.close()


def index_problem(a: App) -> str | None:
    """Why the course index cannot serve answers (missing, emptied or unreadable), or None."""
    from tutor.ports import IndexUnavailable
    from tutor.store.course import CourseRepository

    registered = sum(len(chunks) for _, chunks in CourseRepository(a.sessions).documents())
    try:
        indexed = a.index.count()
    except IndexUnavailable as exc:
        return f"The course index cannot be read ({exc})."
    except Exception as exc:  # Chroma's own errors on a corrupt folder
        return f"The course index cannot be read ({type(exc).__name__})."
    if registered and indexed < registered:
        return f"The course index holds {indexed} of the {registered} registered passages."
    return None


def _ingest(a: App, path: Path) -> int:
    with _ingest_lock(a.engine):
        return _ingest_locked(a, path)


def _ingest_locked(a: App, path: Path) -> int:
    from tutor.clock import SystemClock

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("Ingestion", total=None)

        def progress(name: str, n: int, total: int) -> None:
            bar.update(task, completed=n, total=total, description=f"Ingestion {Path(name).name[:40]}")

        report = a.ingestor.ingest(path, SystemClock().now(), progress)
    for error in report.errors:
        console.print(f"[red]error[/red] {error}", markup=True, highlight=False)
    console.print(
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.errors)} errors; {report.chunks} passages embedded."
    )
    return 1 if report.errors else 0


quiz_app = typer.Typer(help="Quiz banks: sync from knowledge/quizzes, import GIFT or CSV.")
app.add_typer(quiz_app, name="quiz")


def _sync_quizzes(a: App) -> None:
    from tutor.quiz.items import load_banks

    if a.settings.quizzes_dir.exists():
        count, removed = a.sync_quizzes(load_banks(a.settings.quizzes_dir))
        console.print(f"{count} quiz items in the banks, {removed} retired.")


@quiz_app.command("sync")
def quiz_sync() -> None:
    """Load the YAML quiz banks into the store (items gone from the banks are retired, never deleted)."""
    _sync_quizzes(_app())


@quiz_app.command("import")
def quiz_import(
    file: Path = typer.Argument(..., help="A Moodle GIFT (.gift, .txt) or CSV file."),
    module: str = typer.Option(None, help="GIFT: the module the questions belong to."),
    section: str = typer.Option("intro", help="GIFT: the section that teaches them."),
    lang: str = typer.Option("fr", help="GIFT: the questions' language."),
) -> None:
    """Import quiz items; each bad question or line gets one error, the others are imported."""
    from tutor.quiz.importers import Target, parse_csv, parse_gift

    a = _app()
    levels = {m: int(m[1]) for m in a.assistant.quiz.modules()} | {m: int(m[1]) for m in _module_ids(a)}
    if not file.exists():
        console.print(f"[red]No such file:[/red] {file}")
        raise typer.Exit(2)
    text = file.read_text(encoding="utf-8", errors="replace")

    def known_section(module_id: str, section_id: str) -> bool:
        return any(a.quiz_store.section_citation(module_id, section_id, lang) for lang in ("fr", "en"))

    if file.suffix.lower() == ".csv":
        result = parse_csv(text, levels, known_section)
    else:
        if module not in levels:
            console.print(f"[red]--module must name a known module[/red] ({', '.join(sorted(levels))})")
            raise typer.Exit(2)
        result = parse_gift(text, Target(module, section, lang, levels[module]), known_section)
    a.sync_quizzes(result.items, banks=False)
    for error in result.errors:
        console.print(f"[red]error[/red] {file.name} {error}", highlight=False)
    console.print(f"{len(result.items)} items imported, {len(result.errors)} errors.")
    raise typer.Exit(1 if result.errors else 0)


@quiz_app.command("leeches")
def quiz_leeches() -> None:
    """Items that keep slipping away (8 lapses or more), with how many learners they trouble."""
    from tutor.quiz.service import LEECH_LAPSES

    rows = _app().quiz_store.leech_counts(LEECH_LAPSES)
    table = Table(title="Leeches")
    table.add_column("item")
    table.add_column("learners")
    for item, count in rows:
        table.add_row(item, str(count))
    console.print(table if rows else "No leeches.")


def _module_ids(a: App) -> set[str]:
    from tutor.store.course import CourseRepository

    return {m for m in CourseRepository(a.sessions).module_ids() if re.match(r"^l[1-3]-", m)}


@app.command()
def ingest(path: Path = typer.Argument(None, help="File or folder; defaults to the knowledge folder.")) -> None:
    """Index course files (Markdown, PDF, DOCX, PPTX, HTML); unchanged files are skipped."""
    from sqlalchemy.exc import SQLAlchemyError

    from tutor.settings import Settings
    from tutor.store.db import make_engine

    settings = Settings()
    target = path or settings.knowledge_dir / "modules"
    if not target.exists():
        console.print(f"[red]No such file or folder:[/red] {target}")
        raise typer.Exit(2)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        lock_engine = make_engine(settings.resolved_database_url())
        lock_engine.connect().close()
    except (SQLAlchemyError, OSError) as exc:
        _cannot_open(settings, exc)
    try:
        with _ingest_lock(lock_engine):  # taken before the embedder loads, so a second ingest is told at once
            a = _app()
            code = _ingest_locked(a, target)
            _sync_quizzes(a)
    finally:
        lock_engine.dispose()
    raise typer.Exit(code)


@app.command()
def vectors(
    out: Path = typer.Option(None, help="Where to write; default knowledge/vectors/<embedder>.npz."),
) -> None:
    """Ship the course's vectors: write every text of this deployment's index (passages, sentences, quiz questions)
    with its vector, for the next first ingest anywhere to read instead of embedding (run after `tutor ingest`)."""
    from tutor.retrieval.shipped import shipped_path, write_vectors
    from tutor.retrieval.vector_index import ChromaIndex

    a = _app()
    s = a.settings
    kinds = {"chunks": "passage", "sentences": "passage", "questions": "passage", "quiz-queries": "query"}
    rows = [
        (kind, text, vector)
        for collection, kind in kinds.items()
        for text, vector in ChromaIndex(a.embedder.name, s.chroma_path, s.chroma_url, collection).documents()
    ]
    if not rows:
        console.print("The index is empty: run `tutor ingest` first.")
        raise typer.Exit(1)
    target = out or shipped_path(s.knowledge_dir, a.embedder.name)
    count = write_vectors(target, rows, a.embedder)
    console.print(f"{count} vectors written to {target} ({target.stat().st_size // 1024} KB).")


@app.command()
def purge() -> None:
    """Apply the retention policy now (`tutor serve` does it once a day): erase long-inactive learners, old turns."""
    from tutor.clock import SystemClock
    from tutor.store.retention import Retention

    a = _app()
    done = Retention(a.sessions, a.learners, a.settings.retention_days).purge(SystemClock().now())
    console.print(
        f"{done.learners} inactive learners erased, {done.turns} old turns and {done.unanswered} old unanswered "
        f"questions removed (retention: {a.settings.retention_days} days)."
    )


@app.command()
def chat() -> None:
    """Talk to the tutor in the terminal (reads standard input when it is not a terminal)."""
    from adapters.terminal.chat import main

    a = _app()
    if a.index.count() == 0 and (a.settings.knowledge_dir / "modules").exists():
        _ingest(a, a.settings.knowledge_dir / "modules")
        _sync_quizzes(a)
    main(a.assistant)


@app.command()
def serve() -> None:
    """Serve learners on every configured platform (TUTOR_TELEGRAM_TOKEN, TUTOR_DISCORD_TOKEN), with the reminders."""
    import asyncio

    import pydantic

    from entrypoints.serve import NotConfigured, configured_services, dashboard_services
    from entrypoints.serve import serve as run_services

    a = _app()
    for name in ("tutor", "entrypoints", "adapters"):  # what the services say about themselves; never message texts
        logging.getLogger(name).setLevel(logging.INFO)
    problem = index_problem(a)
    if problem:
        console.print(f"[red]{problem}[/red] Run `tutor ingest` (it re-embeds what the index lacks); serving anyway.")
    try:
        services = configured_services(a)
    except NotConfigured as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    except pydantic.ValidationError as exc:  # a setting out of its bounds, e.g. TUTOR_CALLBACK_SECRET shorter than 16
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "settings"
            console.print(f"[red]{escape(where)}[/red]: {escape(error['msg'])}", highlight=False)
        raise typer.Exit(2) from None
    asyncio.run(run_services(a, services, extras=dashboard_services(a)))


discord_app = typer.Typer(help="Discord: publish the slash commands.")
app.add_typer(discord_app, name="discord")


@discord_app.command("sync")
def discord_sync(
    guild: int = typer.Option(None, help="A server's id: publish the commands to that server only (to try them out)."),
) -> None:
    """Publish the slash commands, in French and English, globally or to one server; run it after an upgrade that
    adds or changes commands (never done at start: Discord limits how often commands may change)."""
    import asyncio

    from adapters.discord.settings import DiscordSettings

    settings = DiscordSettings()
    if not settings.token:
        console.print("[red]Set TUTOR_DISCORD_TOKEN (the bot's token, from the Developer Portal).[/red]")
        raise typer.Exit(2)
    try:
        import discord

        from adapters.discord.app import sync_commands
    except ImportError:
        console.print("[red]discord.py is missing: pip install '.[discord]'[/red]")
        raise typer.Exit(2) from None
    try:
        names = asyncio.run(sync_commands(settings, guild))
    except discord.DiscordException as exc:
        console.print(f"[red]Discord refused: {exc}[/red]", highlight=False)
        raise typer.Exit(1) from None
    where = f"to server {guild}" if guild else "globally"
    console.print(f"{len(names)} slash commands published {where}: " + " ".join(f"/{n}" for n in names))


@app.command("eval")
def evaluate(
    questions: Path = typer.Option(Path("evals/questions"), help="Folder of question files."),
    learner: Path = typer.Option(Path("evals/learner"), help="Folder of learner-style question files (own rows)."),
    as_json: Path = typer.Option(None, "--json", help="Also write the figures as JSON to this file."),
    tune: bool = typer.Option(
        False, help="Tune on the development set only: MRR by weights, abstention by threshold, and the picks."
    ),
) -> None:
    """Retrieval and abstention figures for BM25, dense and hybrid, on the development and held-out sets."""
    from evals.harness import SPLIT_RULE, evaluate_splits, load_questions
    from evals.harness import tune as run_tune

    a = _app()
    if tune:
        result = run_tune(a, load_questions(questions))
        console.print_json(data=result)
        used = result["tuned_on"]
        console.print(
            f"Tuned on the development set only: {used['answerable']} answerable and {used['unanswerable']} "
            f"unanswerable questions; {used['held_out_not_used']} held-out questions not used ({SPLIT_RULE}).",
            highlight=False,
        )
        if as_json:
            as_json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
            console.print(f"Written to {as_json}")
        return
    report = evaluate_splits(a, load_questions(questions))
    dev, test = report["dev"], report["test"]
    table = Table(
        title=f"Retrieval: dev {dev['answerable']} / held-out {test['answerable']} answerable questions",
        highlight=False,
    )
    table.add_column("mode")
    for col in ("hit@1", "hit@5", "MRR"):
        table.add_column(f"{col} dev", justify="right")
        table.add_column(f"{col} held-out", justify="right")
    for mode in dev["retrieval"]:
        m, h = dev["retrieval"][mode], test["retrieval"][mode]
        cells = [f"{r[key]:.3f}" for key in ("hit@1", "hit@5", "mrr") for r in (m, h)]
        table.add_row(mode, *cells)
    console.print(table)
    abst = Table(title="Abstention (right: unanswerable questions; wrong: answerable ones)", highlight=False)
    for col in ("", "threshold", "right dev", "right held-out", "wrong dev", "wrong held-out"):
        abst.add_column(col, justify="left" if not col else "right")
    for name, label in (("abstention", "same language"), ("abstention across languages", "across languages")):
        if name in dev:
            d, h = dev[name], test[name]
            abst.add_row(
                label,
                f"{d['threshold']}",
                f"{d['right']:.1%} of {d['unanswerable']}",
                f"{h['right']:.1%} of {h['unanswerable']}",
                f"{d['wrong']:.1%} of {dev['answerable']}",
                f"{h['wrong']:.1%} of {test['answerable']}",
            )
    console.print(abst)
    console.print(f"Split: {SPLIT_RULE}; nothing is tuned on the held-out set.", highlight=False)
    report["answers"] = _answers_report(a, questions, learner, report)
    for line in answer_lines(report["answers"]):
        print(line)  # plain lines, not a table: they read the same in a terminal, a pipe and `make eval`'s log
    if as_json:
        as_json.parent.mkdir(parents=True, exist_ok=True)
        as_json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        console.print(f"Written to {as_json}")


def _answers_report(a: App, questions: Path, learner: Path, report: dict[str, Any]) -> dict[str, Any]:
    """The tutor's whole decision on the tuning set and on the learner-style set (which also gets the retrieval and
    threshold figures, under ``report["learner"]``)."""
    import asyncio

    from evals.harness import evaluate_answers, evaluate_splits, load_questions

    answers = {"tuning set": asyncio.run(evaluate_answers(a, load_questions(questions)))}
    if learner.exists():
        learner_questions = load_questions(learner)
        report["learner"] = evaluate_splits(a, learner_questions)
        answers["learner"] = asyncio.run(evaluate_answers(a, learner_questions))
    return answers


def answer_lines(answers: dict[str, Any]) -> list[str]:
    """One line per set, split and row: right section cited, hit@5, wrong abstention; right abstention, overall and
    on the questions close to the course."""

    def pct(value: float | None, n: int) -> str:
        return "   -  " if value is None else f"{value:6.1%} of {n:<3}"

    lines = ["Answers as learners read them (the whole decision; held-out is the honest figure):"]
    lines.append(
        f"{'set':<24}{'questions':<16}{'right section cited':<22}{'hit@5':<18}{'wrong abstention':<20}"
        f"{'right abstention':<20}near, right abstention"
    )
    for name, by_split in answers.items():
        for which, label in (("dev", "dev"), ("test", "held-out")):
            for row, f in by_split[which].items():
                lines.append(
                    f"{name + ' ' + label:<24}{row:<16}{pct(f['cited'], f['answerable']):<22}"
                    f"{pct(f['hit@5'], f['answerable']):<18}{pct(f['wrong_abstention'], f['answerable']):<20}"
                    f"{pct(f['right_abstention'], f['unanswerable']):<20}{pct(f['right_abstention_near'], f['near'])}"
                )
    return lines


@app.command("check-content")
def check_content_command(
    root: Path = typer.Argument(Path("knowledge"), help="The knowledge folder."),
    schema: bool = typer.Option(False, help="Print the JSON schema of front matter and quiz banks instead."),
) -> None:
    """Check the course material: schema, both languages, quiz items, limits, links; report word counts.

    Freshness (no `reviewed:` date, a review over six months old, a tense that contradicts it) gives warnings,
    which are printed but do not fail the check.
    """
    from datetime import date

    from rich.markup import escape

    from tutor.content.check import check_content
    from tutor.content.schema import ModuleMeta, QuizBank

    if schema:
        console.print_json(data={"module": ModuleMeta.model_json_schema(), "quiz_bank": QuizBank.model_json_schema()})
        return
    report = check_content(root, today=date.today())
    table = Table(title="Course material")
    for col in ("module", "words fr", "words en", "quiz items"):
        table.add_column(col)
    for mid in sorted({k.split("/", 1)[1] for k in report.words}):
        table.add_row(
            mid,
            str(report.words.get(f"fr/{mid}", 0)),
            str(report.words.get(f"en/{mid}", 0)),
            str(report.items.get(mid, 0)),
        )
    console.print(table)
    for error in report.errors:
        console.print(f"[red]error[/red] {error}", highlight=False)
    for warning in report.warnings:
        console.print(f"[yellow]warning[/yellow] {escape(warning)}", highlight=False)
    console.print(
        f"{len(report.errors)} errors; {len(report.warnings)} warnings; {sum(report.items.values())} quiz items; "
        f"{len(report.scenarios)} scenarios."
    )
    raise typer.Exit(1 if report.errors else 0)


# --- tutors' review: the dashboard alone, tutors' accounts and cohorts -----------------------------------------------


@app.command()
def dashboard() -> None:
    """The tutors' dashboard alone (TUTOR_DASHBOARD_HOST, TUTOR_DASHBOARD_PORT); the bot processes (tutor serve)
    deliver the tutors' replies."""
    import asyncio

    from adapters.dashboard.settings import DashboardSettings
    from entrypoints.serve import dashboard_service
    from entrypoints.serve import serve as run_services

    a = _app()
    settings = DashboardSettings()
    logging.getLogger("adapters").setLevel(logging.INFO)
    console.print(f"Tutors' dashboard on http://{settings.host}:{settings.port} (Ctrl+C to stop)")
    asyncio.run(run_services(a, [], extras=[dashboard_service(a, settings)]))


admin_app = typer.Typer(help="Tutors' accounts and cohorts.")
app.add_typer(admin_app, name="admin")


def _team() -> tuple[Any, Any, Any]:
    """Accounts, cohorts and a clock over the store alone (no course index needed)."""
    from adapters.dashboard.passwords import Argon2Hasher
    from tutor.clock import SystemClock
    from tutor.review.accounts import Accounts
    from tutor.review.cohorts import Cohorts
    from tutor.settings import Settings
    from tutor.store.db import make_engine, migrate, session_factory
    from tutor.store.learners import LearnerStore
    from tutor.store.review import TeamStore
    from tutor.store.schema import at_head

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url())
    if not at_head(engine):
        migrate(engine)
    sessions = session_factory(engine)
    team = TeamStore(sessions)
    return Accounts(team, Argon2Hasher()), Cohorts(team, LearnerStore(sessions)), SystemClock()


def _refused(exc: ValueError) -> typer.Exit:
    console.print(f"[red]{escape(str(exc))}[/red]", highlight=False)
    return typer.Exit(2)


@admin_app.command("create-user")
def admin_create_user(
    username: str = typer.Argument(..., help="Sign-in name: lowercase letters, digits, '.', '-', '_'."),
    name: str = typer.Option("", help="The name learners see on replies (default: the username)."),
    role: str = typer.Option("tutor", help="tutor (sees their cohorts) or admin (sees everything)."),
    cohort: list[str] = typer.Option([], help="A cohort the tutor follows (repeat for several)."),
    password_stdin: bool = typer.Option(False, help="Read the password from the first line of standard input."),
) -> None:
    """Create a dashboard account; the password (10 characters or more) is asked twice, or read from stdin."""
    import sys

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    accounts, _, clock = _team()
    try:
        accounts.create(username, name, password, role, cohort, clock.now())
    except ValueError as exc:
        raise _refused(exc) from None
    console.print(f"Account '{username.strip().lower()}' created ({role}).", highlight=False)


@admin_app.command("create-cohort")
def admin_create_cohort(
    key: str = typer.Argument(..., help="Short key, e.g. insa-lyon-2027 (course files name it: cohort: <key>)."),
    name: str = typer.Option("", help="Its name for people."),
    level: int = typer.Option(1, help="The CAIRE level its learners take when they join (1, 2 or 3)."),
) -> None:
    """Create a cohort and print its first join code."""
    _, cohorts, clock = _team()
    try:
        _, code = cohorts.create(key, name, level, clock.now())
    except ValueError as exc:
        raise _refused(exc) from None
    console.print(f"Cohort '{key}' created. Learners join with: /join {code}  (Telegram: t.me/<bot>?start={code})")


@admin_app.command("add-code")
def admin_add_code(key: str = typer.Argument(..., help="The cohort's key.")) -> None:
    """Another join code for a cohort."""
    _, cohorts, clock = _team()
    try:
        code = cohorts.add_code(key, clock.now())
    except ValueError as exc:
        raise _refused(exc) from None
    console.print(f"/join {code}")


@admin_app.command("assign")
def admin_assign(username: str = typer.Argument(...), key: str = typer.Argument(..., help="The cohort's key.")) -> None:
    """Make a tutor follow a cohort."""
    accounts, _, _ = _team()
    try:
        accounts.assign(username, key)
    except ValueError as exc:
        raise _refused(exc) from None
    console.print(f"'{username}' now follows '{key}'.", highlight=False)


if __name__ == "__main__":
    app()
