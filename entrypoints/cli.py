"""The ``tutor`` command line: the composition root for terminal use."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from entrypoints.bootstrap import App, build
from tutor.settings import Settings

app = typer.Typer(help="CAIRE tutor: grounded answers from the course material.", no_args_is_help=True)
console = Console()


def _app() -> App:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return build(Settings())


def _ingest(a: App, path: Path) -> int:
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
    if file.suffix.lower() == ".csv":
        result = parse_csv(text, levels)
    else:
        if module not in levels:
            console.print(f"[red]--module must name a known module[/red] ({', '.join(sorted(levels))})")
            raise typer.Exit(2)
        result = parse_gift(text, Target(module, section, lang, levels[module]))
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
    a = _app()
    target = path or a.settings.knowledge_dir / "modules"
    if not target.exists():
        console.print(f"[red]No such file or folder:[/red] {target}")
        raise typer.Exit(2)
    code = _ingest(a, target)
    _sync_quizzes(a)
    raise typer.Exit(code)


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
    """Serve learners on every configured platform (Telegram: TUTOR_TELEGRAM_TOKEN), with the reminder dispatcher."""
    import asyncio

    from entrypoints.serve import NotConfigured, configured_services
    from entrypoints.serve import serve as run_services

    a = _app()
    for name in ("tutor", "entrypoints", "adapters"):  # what the services say about themselves; never message texts
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        services = configured_services(a)
    except NotConfigured as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    asyncio.run(run_services(a, services))


@app.command("eval")
def evaluate(
    questions: Path = typer.Option(Path("evals/questions"), help="Folder of question files."),
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
    if as_json:
        as_json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        console.print(f"Written to {as_json}")


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
        f"{len(report.errors)} errors; {len(report.warnings)} warnings; {sum(report.items.values())} quiz items."
    )
    raise typer.Exit(1 if report.errors else 0)


if __name__ == "__main__":
    app()
