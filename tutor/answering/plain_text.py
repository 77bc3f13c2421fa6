"""Markdown as a reader sees it: links become their words, emphasis loses its markers, anchors disappear.

Answers are shown on chat platforms as plain text; a quotation must never show ``[texte](file.md#anchor)``, ``*proxy*``
or ``{#id}``. Citation marks such as ``[2]`` are not links and stay."""

from __future__ import annotations

import re

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image: its description
    (re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)"), r"\1"),  # inline link: its words
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference link
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"\[\^[^\]]+\]"), ""),  # footnote mark
    (re.compile(r"\s*\{#[A-Za-z0-9_-]+\}"), ""),  # heading anchor
    (re.compile(r"(?m)^\s{0,3}#{1,6}\s+"), ""),  # heading marker
    (re.compile(r"(?m)^\s{0,3}>\s?"), ""),  # block quote marker
    (re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tag
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),  # emphasis with *
    (re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])"), r"\1"),  # emphasis with _
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # strike-through
    (re.compile(r"`+([^`]+)`+"), r"\1"),  # inline code
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])"), r"\1"),  # escaped punctuation
]


def markdown_to_plain(text: str) -> str:
    """The text a reader sees once the Markdown is rendered, without any Markdown syntax left."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
