"""Split a document along its headings (LangChain's Markdown splitter), long sections further by size.

A list is never cut from the sentence that introduces it: the lead-in line and the items travel as one piece while
they fit in a chunk."""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from tutor.ingest.unicode_text import clean_text
from tutor.retrieval.lexical import strip_accents

_ANCHOR = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]*)\}\s*$")
_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S")
_GLUE = "\u2063"  # INVISIBLE SEPARATOR: holds a list to its lead-in while the size splitter runs; never in the text


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
    by_heading = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True).split_text(clean_text(markdown))
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
        pieces = sizer.split_text(_glue_lists(text, max_chars))
        sections.extend(Section(section_id, full_title, piece.replace(_GLUE, "\n")) for piece in pieces)
    return sections


def _glue_lists(text: str, max_chars: int) -> str:
    """The line breaks inside each list, and between a list and the line before it, hidden from the size splitter
    when the whole fits in one chunk."""
    lines = text.replace(_GLUE, " ").split("\n")
    groups: list[list[str]] = []
    for n, line in enumerate(lines):
        if n > 0 and _LIST_ITEM.match(line) and not _is_heading(lines[n - 1]):
            groups[-1].append(line)
        else:
            groups.append([line])
    return "\n".join(_GLUE.join(group) if len("\n".join(group)) <= max_chars else "\n".join(group) for group in groups)


def _is_heading(line: str) -> bool:
    return line.lstrip().startswith("#")
