"""Split a document along its headings (LangChain's Markdown splitter), long sections further by size."""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from tutor.retrieval.lexical import strip_accents

_ANCHOR = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]*)\}\s*$")
_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]


@dataclass(frozen=True)
class Section:
    """A piece of a document under one heading."""

    section_id: str
    title: str
    text: str


def slugify(text: str) -> str:
    """A stable id from a heading: lower-case ASCII words joined by dashes."""
    return re.sub(r"[^a-z0-9]+", "-", strip_accents(text).lower()).strip("-")[:60] or "section"


def split_heading(heading: str) -> tuple[str, str]:
    """The title and id of a heading, using its ``{#id}`` anchor if it has one."""
    match = _ANCHOR.search(heading)
    if match:
        return heading[: match.start()].strip(), match.group(1)
    return heading.strip(), slugify(heading)


def chunk_markdown(markdown: str, max_chars: int = 1200, overlap: int = 150) -> list[Section]:
    """Sections of at most ``max_chars``, each knowing the level-2 section it belongs to."""
    by_heading = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True).split_text(markdown)
    sizer = RecursiveCharacterTextSplitter(
        chunk_size=max_chars, chunk_overlap=overlap, separators=["\n\n", "\n", ". ", " ", ""]
    )
    sections: list[Section] = []
    for doc in by_heading:
        text = doc.page_content.strip()
        if not text:
            continue
        h2 = doc.metadata.get("h2") or doc.metadata.get("h1") or ""
        title, section_id = split_heading(h2) if h2 else ("", "intro")
        h3 = doc.metadata.get("h3")
        full_title = f"{title} › {split_heading(h3)[0]}" if h3 else title
        sections.extend(Section(section_id, full_title, piece) for piece in sizer.split_text(text))
    return sections
