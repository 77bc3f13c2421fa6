"""Ingestion: every supported format, incremental updates, removals, and broken files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from pptx import Presentation
from sqlalchemy import select

from tests.fakes import FakeEmbedder
from tutor.ingest.chunking import chunk_markdown
from tutor.ingest.pipeline import Ingestor
from tutor.retrieval.vector_index import ChromaIndex
from tutor.store.course import CourseRepository
from tutor.store.db import make_engine, migrate, session_factory
from tutor.store.models import Chunk, Document

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with one line of text, built by hand (no PDF writer needed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def ingestor(tmp_path: Path) -> Iterator[tuple[Ingestor, object]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    migrate(engine)
    sessions = session_factory(engine)
    index = ChromaIndex("fake", path=tmp_path / "chroma")
    yield Ingestor(CourseRepository(sessions), FakeEmbedder(), index), sessions
    engine.dispose()


def _write_all_formats(course: Path) -> None:
    (course / "fr").mkdir(parents=True)
    (course / "fr" / "module.md").write_text(
        "---\nid: l2-01-x\nlevel: 2\nlang: fr\ntitle: Module X\n---\n## Les outils {#tools}\nChoisir un outil.\n"
    )
    document = docx.Document()
    document.add_heading("Confidentiality at work", level=1)
    document.add_paragraph("Never paste personal data into an external chatbot.")
    document.save(course / "policy.docx")
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Prompting"
    slide.placeholders[1].text = "Give context, constraints and examples."
    deck.save(course / "slides.pptx")
    (course / "page.html").write_text(
        "<html lang='en'><head><title>Glossary</title><script>x()</script></head>"
        "<body><h2>Hallucination</h2><p>A fluent but false statement produced by a model.</p></body></html>"
    )
    (course / "handout.pdf").write_bytes(minimal_pdf("Automation bias is trusting the machine too much."))


def test_all_formats_are_ingested_with_sections(ingestor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ing, sessions = ingestor
    course = tmp_path / "course"
    _write_all_formats(course)
    report = ing.ingest(course, NOW)
    assert report.errors == []
    assert len(report.added) == 5
    with sessions() as s:
        chunks = {c.document.path.rsplit("/", 1)[-1]: c for c in s.scalars(select(Chunk))}
        assert chunks["module.md"].section_id == "tools" and chunks["module.md"].document.level == 2
        assert "personal data" in chunks["policy.docx"].text
        assert chunks["slides.pptx"].section_title == "Prompting"
        assert "fluent but false" in chunks["page.html"].text and "x()" not in chunks["page.html"].text
        assert chunks["page.html"].document.lang == "en"
        assert "Automation bias" in chunks["handout.pdf"].text


def test_incremental_skip_update_remove(ingestor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ing, sessions = ingestor
    course = tmp_path / "course"
    _write_all_formats(course)
    ing.ingest(course, NOW)
    (course / "fr" / "module.md").write_text(
        "---\nid: l2-01-x\nlevel: 2\nlang: fr\ntitle: Module X\n---\n## Nouveau {#new}\nAutre texte.\n"
    )
    (course / "slides.pptx").unlink()
    report = ing.ingest(course, NOW)
    assert [Path(p).name for p in report.updated] == ["module.md"]
    assert [Path(p).name for p in report.removed] == ["slides.pptx"]
    assert len(report.unchanged) == 3
    with sessions() as s:
        chunks = list(s.scalars(select(Chunk)))
        sections = {c.section_id for c in chunks}
        assert "new" in sections and "tools" not in sections
        assert s.scalar(select(Document).where(Document.path.like("%slides.pptx"))) is None
    assert ing._index.ids() == {c.id for c in chunks}


def test_broken_file_is_reported_in_one_line_and_rest_ingests(ingestor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ing, _ = ingestor
    course = tmp_path / "course"
    _write_all_formats(course)
    (course / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    (course / "bad.docx").write_bytes(b"not a zip")
    (course / "bad-front.md").write_text("---\nid: [unclosed\n---\ntext")
    report = ing.ingest(course, NOW)
    assert len(report.added) == 5
    assert len(report.errors) == 3
    assert all("\n" not in e for e in report.errors)
    assert {Path(e.split(":")[0]).name for e in report.errors} == {"broken.pdf", "bad.docx", "bad-front.md"}


def test_chunks_follow_headings_and_anchor_ids() -> None:
    md = "## Premier {#first}\n" + "Phrase assez longue. " * 150 + "\n### Détail\nPlus.\n## Second\nFin."
    sections = chunk_markdown(md, max_chars=1200)
    assert {s.section_id for s in sections} == {"first", "second"}
    assert all(len(s.text) <= 1200 for s in sections)
    assert any(s.title == "Premier › Détail" for s in sections)


def test_retrieval_and_ingest_leave_sql_to_the_store() -> None:
    from tests.test_architecture import ROOT, imported_roots

    for layer in ("tutor/retrieval", "tutor/ingest"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            assert "sqlalchemy" not in imported_roots(path), path
