"""Cleaning what learners type before the core looks at it."""

from __future__ import annotations

import re
import unicodedata

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")


def clean(text: str) -> str:
    """Drop control and format characters (keeping line breaks and tabs) and trim surrounding spaces."""
    text = _ANSI.sub("", text)
    kept = [c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C"]
    return "".join(kept).strip()


def has_words(text: str) -> bool:
    """Whether the text holds at least one letter or digit (emoji and punctuation alone do not count)."""
    return any(c.isalnum() for c in text)
