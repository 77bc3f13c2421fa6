"""The LLM path, on LangChain's fake chat models: grounded, cited, checked, with honest fallbacks."""

from __future__ import annotations

from pathlib import Path

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from entrypoints.bootstrap import build
from tests.conftest import FIXTURE_COURSE, Harness, make_settings
from tests.fakes import FakeEmbedder, FixedClock
from tutor.store.models import LogEntry


def _harness(tmp_path: Path, responses: list[str]) -> Harness:
    clock = FixedClock()
    model = FakeListChatModel(responses=responses)
    app = build(make_settings(tmp_path), embedder=FakeEmbedder(), clock=clock, chat_model=model)
    app.ingestor.ingest(FIXTURE_COURSE, clock.now())
    return Harness(app)


async def test_generated_answer_keeps_only_cited_passages(tmp_path: Path) -> None:
    h = _harness(tmp_path, ["C'est suivre la machine même quand elle se trompe [2]."])
    [reply] = await h.say("C'est quoi le biais d'automatisation ?")
    assert reply.kind == "answer"
    assert reply.text == "C'est suivre la machine même quand elle se trompe [1]."
    assert len(reply.citations) == 1
    h.app.engine.dispose()


async def test_model_saying_not_in_course_makes_tutor_abstain(tmp_path: Path) -> None:
    h = _harness(tmp_path, ["NOT_IN_COURSE"])
    [reply] = await h.say("C'est quoi le biais d'automatisation ?")
    assert reply.kind == "abstention"
    assert len(h.app.tutor.learners.unanswered()) == 1
    h.app.engine.dispose()


async def test_uncited_or_invented_citation_falls_back_to_extractive(tmp_path: Path) -> None:
    h = _harness(tmp_path, ["Une réponse sans source.", "Voir le passage [9]."])
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
