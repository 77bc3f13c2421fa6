"""Answers written by a chat model from the retrieved passages only, then checked before they are shown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tutor.domain import Passage
from tutor.ports import ChatModel

NOT_IN_COURSE = "NOT_IN_COURSE"
_LANGUAGE = {"fr": "French", "en": "English"}
_SYSTEM = (
    "You are the CAIRE tutor. Answer the learner's question in {language}, in at most 120 words, using ONLY the "
    "numbered course passages below. After each sentence, cite the passage(s) it comes from as [n]. "
    "Never add facts, figures or dates that are not in the passages. If the passages do not answer the question, "
    f"reply exactly {NOT_IN_COURSE}."
)


@dataclass(frozen=True)
class Generated:
    """A checked generated answer and the 0-based indices of the passages it cites."""

    text: str
    used: tuple[int, ...]
    not_in_course: bool = False


def build_chat_model(spec: str, base_url: str | None = None, api_key: str | None = None) -> ChatModel:
    """A LangChain chat model from 'provider:model' (ollama, mistralai, openai, ...); needs the 'llm' extra."""
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise RuntimeError("TUTOR_LLM is set but the 'llm' extra is not installed: pip install '.[llm]'") from exc
    kwargs: dict[str, Any] = {"temperature": 0}
    if base_url:
        kwargs["base_url"] = base_url
    if api_key:
        kwargs["api_key"] = api_key
    model: ChatModel = init_chat_model(spec, **kwargs)
    return model


def _prompt(question: str, passages: list[Passage], lang: str) -> list[tuple[str, str]]:
    numbered = "\n\n".join(
        f"[{n}] ({p.module_title} — {p.section_title})\n{p.text}" for n, p in enumerate(passages, start=1)
    )
    return [
        ("system", _SYSTEM.format(language=_LANGUAGE.get(lang, "French"))),
        ("human", f"Passages:\n{numbered}\n\nQuestion: {question}"),
    ]


def check(text: str, n_passages: int) -> Generated | None:
    """Accept an answer only if it cites passages, and only passages that exist; keep the model's abstention."""
    if NOT_IN_COURSE in text:
        return Generated("", (), not_in_course=True)
    cited = [int(m) for m in re.findall(r"\[(\d+)\]", text)]
    if not cited or any(not 1 <= c <= n_passages for c in cited):
        return None
    used = sorted(set(cited))
    renumber = {old: new for new, old in enumerate(used, start=1)}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber[int(m.group(1))]}]", text)
    return Generated(text.strip(), tuple(c - 1 for c in used))


async def generate(model: ChatModel, question: str, passages: list[Passage], lang: str) -> Generated | None:
    """Ask the chat model; None when its answer fails the check (the caller then answers extractively)."""
    content = (await model.ainvoke(_prompt(question, passages, lang))).content
    return check(content if isinstance(content, str) else str(content), len(passages))
