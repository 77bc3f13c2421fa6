"""Text as its author wrote it, in characters every splitter and tokenizer reads the same way.

French typography puts a no-break space (U+00A0) inside numbers ("1 000") and a narrow no-break space (U+202F) before
« : ; ? ! » and inside « ». LangChain's Markdown splitter keeps only printable characters, and Python does not count
these spaces as printable: left as they are, "le programme" reaches the index as "leprogramme". Every loader's text goes
through ``clean_text`` before any splitter sees it.
"""

from __future__ import annotations

import re

# Every space separator (Unicode category Zs) other than the ASCII space, and the tab, become a plain space.
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters that only hint at a line break or a hyphenation point: removed, as a reader never sees them.
_INVISIBLE = re.compile(r"[\u00ad\u200b\u2060\ufeff]")
_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\x0b": "\n", "\x0c": "\n\n", "\x85": "\n"})


def clean_text(text: str) -> str:
    """The text with Unicode spaces as plain spaces, invisible break hints removed and line breaks as ``\\n``."""
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    return _SPACES.sub(" ", _INVISIBLE.sub("", text))
