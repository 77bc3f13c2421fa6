"""Quiz questions as extra search keys: synced incrementally, and they lead to the section that teaches them."""

from __future__ import annotations

from dataclasses import replace

from entrypoints.bootstrap import App
from tests.conftest import FIXTURE_QUIZZES
from tutor.quiz.items import ItemText, load_banks
from tutor.retrieval.hybrid import Filters


def test_sync_embeds_only_what_changed(app: App) -> None:
    items = load_banks(FIXTURE_QUIZZES)
    keys = app.questions
    assert keys.index.count() == 2 * len(items)  # fr and en of every item, synced by the app fixture
    assert keys.sync(items) == (0, 0)
    first = items[0]
    changed = replace(first, texts={**first.texts, "fr": replace(first.texts["fr"], question="Autre formulation ?")})
    assert keys.sync([changed, *items[1:]]) == (1, 1)
    moved = replace(changed, section_id="supervised-learning")
    assert keys.sync([moved, *items[1:]]) == (2, 2)  # both languages now point at the new section
    assert keys.sync([changed, *items[1:]]) == (2, 2)
    assert keys.sync(items[1:]) == (0, 2)
    assert keys.index.count() == 2 * (len(items) - 1)


def test_a_question_like_a_quiz_item_finds_its_section(app: App) -> None:
    item = next(i for i in load_banks(FIXTURE_QUIZZES) if i.id == "l1-99-q02")
    text: ItemText = item.texts["fr"]
    app.retriever.question_weight = 1.0
    [best, *_] = app.retriever.search(text.question, Filters("fr"), 3)
    assert (best.module_id, best.section_id) == (item.module_id, item.section_id)
    assert best.dense_score < 1.0  # confidence stays the chunk's own similarity, never the quiz question's


def test_a_section_without_quiz_questions_keeps_its_dense_score(app: App) -> None:
    quizzed = {(i.module_id, i.section_id) for i in load_banks(FIXTURE_QUIZZES)}
    query = "Quel type d'apprentissage utilise des exemples étiquetés ?"
    c = app.retriever.candidate_scores(query, Filters("fr"), "hybrid")
    entries = app.retriever.catalog.entries
    sections = [(entries[i].passage.module_id, entries[i].passage.section_id) for i in c.ids]
    plain = [j for j, s in enumerate(sections) if s not in quizzed]
    assert plain and all(c.questions[j] == c.dense[j] for j in plain)
    assert any(c.questions[j] != c.dense[j] for j, s in enumerate(sections) if s in quizzed)


def test_confidence_counts_a_close_quiz_question_of_the_section() -> None:
    from tutor.answering.answerer import confidence
    from tutor.domain import Passage

    plain = Passage("c1", "text", "m", "Module", "s", "Section", "fr", 1, "m.md#s", dense_score=0.5)
    quizzed = replace(plain, chunk_id="c2", scores={"dense": 0.5, "questions": 0.9})
    assert confidence([plain]) == 0.5
    assert confidence([plain, quizzed]) == 0.9
    assert confidence([]) == 0.0


def test_recaps_come_after_the_sections_that_teach() -> None:
    from types import SimpleNamespace

    import numpy as np

    from tutor.domain import Passage
    from tutor.retrieval.catalog import PassageEntry
    from tutor.retrieval.hybrid import HybridRetriever

    def entry(section: str) -> PassageEntry:
        return PassageEntry(Passage(f"m#{section}", "text", "m", "M", section, section, "fr", 1, ""), "")

    sections = ["recap", "bias", "bias", "oversight"]
    ids = [f"c{n}" for n in range(len(sections))]
    catalog = SimpleNamespace(entries={i: entry(s) for i, s in zip(ids, sections, strict=True)})
    retriever = HybridRetriever(None, None, catalog)  # type: ignore[arg-type]
    ranked = np.arange(len(ids))
    assert [sections[j] for j in retriever.one_per_section(ids, ranked, 3)] == ["bias", "oversight", "recap"]
    assert [sections[j] for j in retriever.one_per_section(ids, ranked, 2)] == ["bias", "oversight"]


def test_bm25_also_indexes_the_quiz_questions_of_each_section(app: App) -> None:
    passage_text = " ".join(e.passage.text for e in app.retriever.catalog.entries.values()).lower()
    assert "appelle" not in passage_text  # the word is only in a quiz question of the automation-bias section
    [first, *_] = app.retriever.search("Comment appelle-t-on ça ?", Filters("fr"), 3, "bm25")
    assert first.section_id == "automation-bias"
    assert first.text.startswith("Le biais d'automatisation")  # the passage shown is the course's, not the quiz's


async def test_a_question_in_the_other_language_is_held_to_the_cross_lingual_threshold() -> None:
    from typing import Any

    from tests.fakes import FakeEmbedder
    from tutor.answering.answerer import Answerer
    from tutor.domain import Passage

    passage = Passage(
        "c1",
        "Le biais d'automatisation pousse à trop croire la machine.",
        "m",
        "Module",
        "s",
        "Section",
        "fr",
        1,
        "m.md#s",
        dense_score=0.84,
    )

    class OnePassage:
        def search(self, *args: Any, **kwargs: Any) -> list[Passage]:
            return [passage]

    answerer = Answerer(OnePassage(), FakeEmbedder(), 0.855, cross_lingual_min_confidence=0.825)  # type: ignore[arg-type]
    asked_in_english = await answerer.answer("Why do people trust the machine?", Filters("fr"), query_lang="en")
    asked_in_french = await answerer.answer("Pourquoi croit-on la machine ?", Filters("fr"), query_lang="fr")
    undetected = await answerer.answer("machine ?", Filters("fr"), query_lang=None)
    assert not asked_in_english.abstained and asked_in_english.citations
    assert asked_in_french.abstained and undetected.abstained


async def test_the_question_is_embedded_once_per_answer(app: App) -> None:
    """Retrieval (chunks and quiz questions) and the extractive answer share one query vector; the sentences of the
    passages are embedded as passages, which is another matter."""
    from tests.conftest import Harness
    from tests.fakes import FakeEmbedder

    assert isinstance(app.embedder, FakeEmbedder)
    app.embedder.queries.clear()
    question = "C'est quoi le biais d'automatisation ?"
    [reply] = await Harness(app).say(question)
    assert reply.kind == "answer" and reply.citations
    assert app.embedder.queries == [question]


def _brute_force(app: App, vector: object, where: dict[str, object]) -> dict[tuple[str, str], float]:
    """What Chroma's exact nearest-neighbour search would give: every key passing the filter, best per section."""
    from tests.fakes import matches
    from tutor.retrieval.question_keys import NEAREST

    rows = [(v, m) for _, v, m in app.questions.index.everything() if matches(m, where)]
    scored = sorted(((float(v @ vector), m) for v, m in rows), key=lambda sm: -sm[0])[:NEAREST]
    best: dict[tuple[str, str], float] = {}
    for score, m in scored:
        section = (str(m["module"]), str(m["section"]))
        best[section] = max(best.get(section, -1.0), score)
    return best


def test_quiz_keys_are_searched_in_memory_with_the_learners_filters(app: App) -> None:
    vector = app.embedder.embed_query("Quel type d'apprentissage utilise des exemples étiquetés ?")
    for filters in (Filters("fr"), Filters("en"), Filters("fr", "insa", (1,)), Filters("fr", None, (2, 3))):
        found = app.questions.best_by_section(vector, filters.lang, filters.cohort, filters.levels)
        expected = _brute_force(app, vector, filters.where())
        assert found.keys() == expected.keys()
        assert all(abs(found[s] - expected[s]) < 1e-5 for s in found)
    assert app.questions.best_by_section(vector, "fr", None, (2, 3)) == {}  # the fixture's items are level 1


def test_quiz_keys_in_memory_follow_a_sync_here_or_a_new_catalog_version(app: App) -> None:
    items = load_banks(FIXTURE_QUIZZES)
    item = items[0]
    vector = app.embedder.embed_query(item.texts["fr"].question)
    keys = app.questions
    assert (item.module_id, item.section_id) in keys.best_by_section(vector, "fr", version="v1")
    moved = replace(item, section_id="moved-elsewhere")
    keys.sync([moved, *items[1:]])  # a sync in this process: the next search sees it
    assert (item.module_id, "moved-elsewhere") in keys.best_by_section(vector, "fr", version="v1")
    keys.index.delete([i for i in keys.index.ids() if i.startswith(f"{item.id}:")])  # as another process would
    assert (item.module_id, "moved-elsewhere") in keys.best_by_section(vector, "fr", version="v1")  # same version
    assert (item.module_id, "moved-elsewhere") not in keys.best_by_section(vector, "fr", version="v2")


def test_passage_vectors_are_read_once_per_catalog_version() -> None:
    from types import SimpleNamespace

    import numpy as np

    from tests.fakes import FakeEmbedder, InMemoryVectorIndex
    from tutor.retrieval.hybrid import HybridRetriever

    index = InMemoryVectorIndex()
    index.upsert(["c1"], np.array([[1.0, 0.0]], dtype=np.float32), ["old text"], [{}])
    catalog = SimpleNamespace(version="v1")
    retriever = HybridRetriever(FakeEmbedder(), index, catalog)  # type: ignore[arg-type]
    assert retriever._stored_vectors(["c1", "gone"])["c1"].tolist() == [1.0, 0.0]  # noqa: SLF001
    index.upsert(["c1"], np.array([[0.0, 1.0]], dtype=np.float32), ["new text"], [{}])  # re-ingested, same id
    assert retriever._stored_vectors(["c1"])["c1"].tolist() == [1.0, 0.0]  # noqa: SLF001 - same version: kept
    catalog.version = "v2"  # the registry changed: the catalog reloaded
    assert retriever._stored_vectors(["c1"])["c1"].tolist() == [0.0, 1.0]  # noqa: SLF001
