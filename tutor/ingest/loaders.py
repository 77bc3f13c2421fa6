"""Read a course file into Markdown plus metadata: Markdown with front matter, PDF, DOCX, PPTX, HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SUPPORTED = {".md", ".markdown", ".pdf", ".docx", ".pptx", ".html", ".htm"}


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
        ".pdf": _pdf,
        ".docx": _docx,
        ".pptx": _pptx,
        ".html": _html,
        ".htm": _html,
    }.get(suffix)
    if reader is None:
        raise UnreadableFile(f"unsupported file type {suffix}")
    try:
        return reader(path)
    except UnreadableFile:
        raise
    except Exception as exc:  # every parser has its own errors; the caller reports them per file
        raise UnreadableFile(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'unreadable'}") from exc


def _markdown(path: Path) -> LoadedDocument:
    text = path.read_text(encoding="utf-8")
    if text.startswith("---"):
        parts = text.split("---", 2)
        if len(parts) < 3:
            raise UnreadableFile("front matter is not closed by '---'")
        meta = yaml.safe_load(parts[1]) or {}
        if not isinstance(meta, dict):
            raise UnreadableFile("front matter is not a mapping")
        return LoadedDocument(parts[2], meta)
    return LoadedDocument(text)


def _pdf(path: Path) -> LoadedDocument:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [
        f"## Page {n} {{#page-{n}}}\n\n{(page.extract_text() or '').strip()}"
        for n, page in enumerate(reader.pages, start=1)
    ]
    title = (reader.metadata.title if reader.metadata else None) or path.stem
    return LoadedDocument("\n\n".join(pages), {"title": str(title)})


def _docx(path: Path) -> LoadedDocument:
    import docx

    document = docx.Document(str(path))
    lines = []
    for para in document.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        if style.startswith("Heading") and style[-1:].isdigit():
            lines.append("#" * min(int(style[-1]) + 1, 3) + " " + para.text)
        elif style == "Title":
            lines.append("# " + para.text)
        else:
            lines.append(para.text)
    title = document.core_properties.title or path.stem
    return LoadedDocument("\n\n".join(lines), {"title": title})


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
    from bs4 import BeautifulSoup
    from markdownify import markdownify

    soup = BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser")
    for tag in soup(["script", "style", "nav", "footer"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else path.stem
    body = soup.body or soup
    meta: dict[str, Any] = {"title": title}
    if soup.html is not None and soup.html.get("lang"):
        meta["lang"] = str(soup.html.get("lang"))[:2]
    return LoadedDocument(markdownify(str(body), heading_style="ATX"), meta)
