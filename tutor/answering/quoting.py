"""Quotation marks of the answer's language: « … » with no-break spaces inside in French, “ … ” in English.

Quotation marks already inside the quoted words become the language's inner marks (“ ” in French, ‘ ’ in English), as
typography wants for a quotation within a quotation."""

from __future__ import annotations

import re

_NBSP = "\u00a0"
_FRENCH_INNER = re.compile(r"«\s*(.+?)\s*»")
_ENGLISH_INNER = re.compile(r"“(.+?)”")


def quotation(text: str, lang: str) -> str:
    """The text between the quotation marks of ``lang`` (French unless English)."""
    text = text.strip()
    if lang == "en":
        return "“" + _ENGLISH_INNER.sub(r"‘\1’", text) + "”"
    return f"«{_NBSP}" + _FRENCH_INNER.sub(r"“\1”", text) + f"{_NBSP}»"
