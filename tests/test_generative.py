"""The LLM path, on LangChain's fake chat models: grounded, cited, checked, with honest fallbacks."""

from __future__ import annotations

from pathlib import Path

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from tests.conftest import Harness, Template, app_from_template
from tests.fakes import FixedClock
from tutor.ports import ChatModel
from tutor.store.models import LogEntry


def _harness(template: Template, tmp_path: Path, responses: list[str]) -> Harness:
    model: ChatModel = FakeListChatModel(responses=responses)  # a LangChain chat model is a ChatModel as it is
    return Harness(app_from_template(template, tmp_path, FixedClock(), chat_model=model))


async def test_generated_answer_keeps_only_cited_passages(template: Template, tmp_path: Path) -> None:
    h = _harness(template, tmp_path, ["C'est suivre la machine même quand elle se trompe [2]."])
    [reply] = await h.say("C'est quoi le biais d'automatisation ?")
    assert reply.kind == "answer"
    assert reply.text == "C'est suivre la machine même quand elle se trompe [1]."
    assert len(reply.citations) == 1
    h.app.engine.dispose()


async def test_model_saying_not_in_course_makes_tutor_abstain(template: Template, tmp_path: Path) -> None:
    h = _harness(template, tmp_path, ["NOT_IN_COURSE"])
    [reply] = await h.say("C'est quoi le biais d'automatisation ?")
    assert reply.kind == "abstention"
    assert len(h.app.assistant.learners.unanswered()) == 1
    h.app.engine.dispose()


async def test_uncited_or_invented_citation_falls_back_to_extractive(template: Template, tmp_path: Path) -> None:
    h = _harness(template, tmp_path, ["Une réponse sans source.", "Voir le passage [9]."])
    for _ in range(2):
        [reply] = await h.say("C'est quoi le biais d'automatisation ?")
        assert reply.kind == "answer"
        assert reply.text.startswith("D'après le cours")
    h.app.engine.dispose()


async def test_prompt_carries_passages_and_language(tmp_path: Path) -> None:
    from tutor.answering.generative import _prompt
    from tutor.domain import Passage

    p = Passage("c1", "Texte du passage.", "m", "Module", "s", "Section", "fr", 1, "path#s")
    system, human = _prompt("Question ?", [p], "en")
    assert "English" in system[1] and "ONLY" in system[1]
    assert "[1] (Module — Section)\nTexte du passage." in human[1]


def test_log_entry_table_name() -> None:
    assert LogEntry.__tablename__ == "conversation_log"
