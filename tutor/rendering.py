"""Plain-text rendering of a reply, for channels without rich messages (terminal, fallbacks)."""

from __future__ import annotations

from tutor.domain import Reply


def citations_text(reply: Reply) -> str:
    """The numbered list of sources a reply cites, or an empty string."""
    if not reply.citations:
        return ""
    lines = [f"[{n}] {c.label()}" for n, c in enumerate(reply.citations, start=1)]
    return "Sources\n" + "\n".join(lines)


def plain_text(reply: Reply) -> str:
    """The reply as text: body, sources, then buttons as numbered choices."""
    parts = [reply.text]
    if reply.citations:
        parts.append(citations_text(reply))
    if reply.buttons:
        parts.append("\n".join(f"  {n}) {b.label}" for n, b in enumerate(reply.buttons, start=1)))
    return "\n\n".join(parts)
