"""Read a course file into Markdown plus metadata: Markdown with front matter, PDF, DOCX, PPTX, HTML, plain text.

Every reader's text goes through ``clean_text`` (Unicode spaces become spaces) before any splitter sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutor import yamlfile
from tutor.ingest.unicode_text import clean_text

SUPPORTED = {".md", ".markdown", ".txt", ".pdf", ".docx", ".pptx", ".html", ".htm"}
_PDF_BULLET = re.compile(r"(?m)^[ \t]*[•◦▪▫●■‣⁃][ \t]*")


class UnreadableFile(Exception):
    """A file that could not be read; the message says why in one line."""


@dataclass
class LoadedDocument:
    """A file's text as Markdown with headings, and what its front matter (or file) says about it."""

    markdown: str
    meta: dict[str, Any] = field(default_factory=dict)


def load(path: Path) -> LoadedDocument:
    """Read any supported file; raises UnreadableFile with a short reason."""
    suffix = path.suffix.lower()
    reader = {
        ".md": _markdown,
        ".markdown": _markdown,
        ".txt": _markdown,
        ".pdf": _pdf,
        ".docx": _docx,
        ".pptx": _pptx,
        ".html": _html,
        ".htm": _html,
    }.get(suffix)
    if reader is None:
        raise UnreadableFile(f"unsupported file type {suffix}")
    try:
        loaded = reader(path)
    except UnreadableFile:
        raise
    except Exception as exc:  # every parser has its own errors; the caller reports them per file
        raise UnreadableFile(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'unreadable'}") from exc
    if isinstance(loaded.meta.get("title"), str):
        loaded.meta["title"] = clean_text(loaded.meta["title"]).strip()
    return LoadedDocument(clean_text(loaded.markdown), loaded.meta)


def _markdown(path: Path) -> LoadedDocument:
    text = clean_text(path.read_text(encoding="utf-8-sig"))  # before YAML too: a no-break space is not YAML indentation
    if text.startswith("---"):
        parts = text.split("---", 2)
        if len(parts) < 3:
            raise UnreadableFile("front matter is not closed by '---'")
        meta = yamlfile.safe_load(parts[1]) or {}
        if not isinstance(meta, dict):
            raise UnreadableFile("front matter is not a mapping")
        return LoadedDocument(parts[2], meta)
    return LoadedDocument(text)


def _pdf(path: Path) -> LoadedDocument:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [
        f"## Page {n} {{#page-{n}}}\n\n{_PDF_BULLET.sub('- ', clean_text(page.extract_text() or '')).strip()}"
        for n, page in enumerate(reader.pages, start=1)
    ]
    title = (reader.metadata.title if reader.metadata else None) or path.stem
    return LoadedDocument("\n\n".join(pages), {"title": str(title)})


def _docx(path: Path) -> LoadedDocument:
    import docx

    document = docx.Document(str(path))
    blocks: list[str] = []
    for para in document.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        text = clean_text(para.text).strip()
        if not text:
            continue
        if style.startswith("Heading") and style[-1:].isdigit():
            blocks.append("#" * min(int(style[-1]) + 1, 3) + " " + text)
        elif style == "Title":
            blocks.append("# " + text)
        elif style.startswith("List") or _numbered(para):
            blocks[-1:] = [f"{blocks[-1]}\n- {text}" if blocks else f"- {text}"]  # a list stays with its lead-in
        else:
            blocks.append(text)
    title = document.core_properties.title or path.stem
    return LoadedDocument("\n\n".join(blocks), {"title": title})


def _numbered(para: Any) -> bool:
    """A paragraph Word shows as a list item through direct numbering rather than a list style."""
    properties = para._p.pPr
    return properties is not None and properties.numPr is not None


def _pptx(path: Path) -> LoadedDocument:
    from pptx import Presentation

    deck = Presentation(str(path))
    sections = []
    for n, slide in enumerate(deck.slides, start=1):
        title_shape = slide.shapes.title
        title = title_shape.text.strip() if title_shape is not None and title_shape.text.strip() else f"Slide {n}"
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s is not title_shape]
        sections.append(f"## {title} {{#slide-{n}}}\n\n" + "\n\n".join(t for t in texts if t.strip()))
    return LoadedDocument("\n\n".join(sections), {"title": deck.core_properties.title or path.stem})


def _html(path: Path) -> LoadedDocument:
    from tutor.ingest.web_page import page_markdown

    markdown, meta = page_markdown(path.read_text(encoding="utf-8", errors="replace"))
    meta.setdefault("title", path.stem)
    return LoadedDocument(markdown, meta)
