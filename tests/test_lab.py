"""The lab in the conversation harness: end to end with exact figures, its bad input, a restart, export and erasure."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from entrypoints.bootstrap import App, build
from tests.conftest import Harness, Template, app_from_template
from tests.fakes import FakeEmbedder, FixedClock
from tutor.buttons import LabLabel, decode
from tutor.domain import Reply
from tutor.lab.tasks import read_task
from tutor.messages import t
from tutor.store import models as orm

LAB_DIR = Path(__file__).parent.parent / "knowledge" / "lab"
# The labels a careful learner gives to the job-applications pool: skills decide, not the club.
HONEST = {"p1": "interview", "p2": "reject", "p3": "interview", "p4": "interview", "p5": "reject", "p6": "interview"}
TASKS = ("job-applications", "comment-moderation", "student-requests")


def lab_app(template: Template, tmp: Path, clock: FixedClock) -> App:
    """An app over the template whose knowledge folder holds the shipped lab tasks."""
    shutil.copytree(LAB_DIR, tmp / "knowledge" / "lab")
    return app_from_template(template, tmp, clock)


@pytest.fixture
def app(template: Template, tmp_path: Path, clock: FixedClock) -> Iterator[App]:
    a = lab_app(template, tmp_path, clock)
    yield a
    a.engine.dispose()


@pytest.fixture
def harness(app: App) -> Harness:
    return Harness(app)


def _data(reply: Reply, prefix: str) -> str:
    return next(b.data for b in reply.buttons if b.data.startswith(prefix))


def _labels_of(reply: Reply) -> dict[str, str]:
    """Label name -> button data, for the example a reply shows."""
    return {b.label: b.data for b in reply.buttons if b.data.startswith("lab:l:")}


async def _open(harness: Harness, task: str) -> Reply:
    [menu] = await harness.say("/lab")
    intro, step = await harness.press(_data(menu, f"lab:pick:{task}"))
    assert task in {decode(b.data).task for b in menu.buttons}  # type: ignore[union-attr]
    return step


async def _label_all(harness: Harness, step: Reply, labels: dict[str, str]) -> Reply:
    """Label the pool, one example at a time, with the given label for each example id."""
    while any(b.data.startswith("lab:l:") for b in step.buttons):
        any_label = decode(next(iter(_labels_of(step).values())))
        assert isinstance(any_label, LabLabel)
        wanted = ("interview", "reject").index(labels[any_label.example])
        [step] = await harness.press(next(d for d in _labels_of(step).values() if d.endswith(f":{wanted}")))
    return step


async def _train_honestly(harness: Harness) -> Reply:
    step = await _label_all(harness, await _open(harness, "job-applications"), HONEST)
    assert step.text.startswith("Noté : Convoquer.") and "les 6 exemples" in step.text
    [trained] = await harness.press(_data(step, "lab:train:"))
    return trained


def _count(app: App, table: type[orm.Base]) -> int:
    with app.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


TRAINED_HONESTLY = (
    "Modèle entraîné sur 58 exemples, dont 6 de vous. Sur 20 exemples jamais vus, il retrouve la décision "
    "enregistrée 19 fois : 95\u00a0%.\nTapez une phrase pour l'essayer (/cancel pour sortir)."
)


async def test_the_lab_runs_end_to_end(harness: Harness, app: App) -> None:
    [menu] = await harness.say("/lab")
    assert [b.label for b in menu.buttons] == [
        "Modérer des commentaires",
        "Trier des candidatures",
        "Orienter les demandes d'étudiants",
    ]
    trained = await _train_honestly(harness)
    assert trained.text == TRAINED_HONESTLY

    [tried] = await harness.say("Master en statistiques, stage en data, Python et SQL.")
    assert tried.text.startswith("Votre modèle : Convoquer (")

    [pair] = await harness.press(_data(trained, "lab:pair:"))
    assert pair.text.startswith(
        "Même texte, un mot changé :\n"
        "A « Master en statistiques, Python et SQL, capitaine de l'équipe féminine d'échecs. » → Écarter (60\u00a0%)\n"
        "B « Master en statistiques, Python et SQL, capitaine de l'équipe masculine d'échecs. » → Convoquer "
        "(83\u00a0%)\n"
        "Un seul mot fait basculer la décision."
    )
    assert "Amazon" in pair.text

    [removed] = await harness.press(_data(pair, "lab:fix:").replace("rebalance", "remove"))
    assert removed.text == (
        "Mots retirés : « féminine », « féminin », « masculine », « masculin ».\n"
        "Exactitude : 95\u00a0% → 75\u00a0%.\n"
        "A → Convoquer (52\u00a0%), B → Convoquer (52\u00a0%).\n"
        "La paire ne bascule plus. Écart : 44 → 0 points.\n" + t("lab_accuracy_fell", "fr")
    )
    [rebalanced] = await harness.press(_data(removed, "lab:fix:"))
    assert "Exactitude : 95\u00a0% → 85\u00a0%." in rebalanced.text and "Écart : 44 → 30 points." in rebalanced.text

    [fixed_try] = await harness.say("Master en statistiques, stage en data, Python et SQL.")
    assert fixed_try.text.startswith("Votre modèle corrigé : Convoquer (")
    [progress] = await harness.say("/progress")
    assert "• Trier des candidatures : exactitude 95\u00a0%, puis 85\u00a0% après « Rééquilibrer »" in progress.text

    [end] = await harness.press(_data(rebalanced, "lab:end:"))
    assert end.text.startswith("Pour conclure, à méditer :\n1. ")
    assert "(à relire : l1-05-biases#data-bias-cases)" in end.text and end.text.count("(à relire :") == 3
    learner = app.learners.find("test", "alice")
    assert learner is not None and app.learners.mode(learner.id).mode == "ask"
    [again] = await harness.press(_data(rebalanced, "lab:end:"))
    assert again.text == t("lab_done_already", "fr")
    [progress] = await harness.say("/progress")
    assert "après « Rééquilibrer », terminé" in progress.text


async def test_the_accuracy_is_the_same_in_two_fresh_apps(template: Template, tmp_path: Path) -> None:
    shown = []
    for n in (1, 2):
        fresh = lab_app(template, tmp_path / str(n), FixedClock())
        try:
            shown.append((await _train_honestly(Harness(fresh, learner=f"learner-{n}"))).text)
        finally:
            fresh.engine.dispose()
    assert shown == [TRAINED_HONESTLY, TRAINED_HONESTLY]


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_every_task_shows_a_pair_that_the_fix_stops(app: App, task: str, lang: str) -> None:
    harness = Harness(app, locale=lang)
    step = await _open(harness, task)
    nothing, trained = await harness.press(_data(step, "lab:train:"))  # nothing labelled: the shipped data only
    assert nothing.text == t("lab_no_labels", lang, n=len(read_task(LAB_DIR / f"{task}.yaml").split("train")))
    [pair] = await harness.press(_data(trained, "lab:pair:"))
    assert t("lab_pair_flips", lang) in pair.text
    [removed] = await harness.press(_data(pair, "lab:fix:").replace("rebalance", "remove"))
    assert t("lab_no_flip", lang) in removed.text


async def test_labels_are_recorded_once_and_old_buttons_are_refused(harness: Harness, app: App) -> None:
    first = await _open(harness, "job-applications")
    interview = _labels_of(first)["Convoquer"]
    [second] = await harness.press(interview)
    [twice] = await harness.press(interview)  # a double click
    assert twice.text.startswith("Cet exemple est déjà étiqueté « Convoquer » : rien n'est enregistré deux fois.")
    assert _count(app, orm.LabLabel) == 1

    [reminder, shown] = await harness.say("je ne sais pas")  # typed while an example waits for its label
    assert reminder.text == t("lab_use_buttons", "fr") and shown.text == second.text.removeprefix("Noté : Convoquer.\n")

    other = await _open(harness, "comment-moderation")  # another task is open now
    [refused] = await harness.press(_labels_of(second)["Écarter"])
    assert refused.text == t("lab_other_task", "fr", title="Trier des candidatures")
    assert _count(app, orm.LabLabel) == 1

    [menu] = await harness.say("/lab")
    await harness.press(_data(menu, "lab:pick:job-applications"))
    [again] = await harness.press(_data(other, "lab:train:").replace("comment-moderation", "job-applications"))
    assert again.kind == "error"  # the other run's nonce
    for forged in ("lab:l:job-applications:xx:p1:0", "lab:l:nope:xx:p1:0", "lab:fix:job-applications:xx:magic"):
        [reply] = await harness.press(forged)
        assert reply.kind == "error", forged
    assert _count(app, orm.LabLabel) == 1


async def test_starting_over_drops_the_labels_and_refuses_the_old_buttons(harness: Harness, app: App) -> None:
    first = await _open(harness, "job-applications")
    [second] = await harness.press(_labels_of(first)["Convoquer"])
    await harness.press(_data(second, "lab:train:"))
    [menu] = await harness.say("/lab")
    assert "Trier des candidatures ▶" in [b.label for b in menu.buttons]
    [_, fresh] = await harness.press("lab:again:job-applications")
    assert fresh.text.startswith("Étiquetez vous-même l'exemple 1/6") and _count(app, orm.LabLabel) == 0
    [stale] = await harness.press(_labels_of(first)["Écarter"])
    assert stale.text == t("lab_stale", "fr") and _count(app, orm.LabLabel) == 0


async def test_bad_sentences_get_short_replies(harness: Harness, app: App) -> None:
    step = await _open(harness, "comment-moderation")
    [_, trained] = await harness.press(_data(step, "lab:train:"))
    [too_long] = await harness.say("x" * 5000)  # over the router's limit: refused before the lab sees it
    assert too_long.kind == "error" and "5000" in too_long.text
    [long_sentence] = await harness.say("mot " * 150)
    assert long_sentence.text == t("lab_too_long", "fr", length=599, limit=500)
    [label_after] = await harness.press(_labels_of(step)["Publier"])
    assert label_after.text == t("lab_labelling_over", "fr") and _count(app, orm.LabLabel) == 0
    [unknown, _menu] = await harness.say("/lab licornes")
    assert unknown.text == t("lab_unknown_task", "fr", task="licornes")


async def test_the_lab_resumes_after_a_restart(harness: Harness, app: App, clock: FixedClock) -> None:
    step = await _open(harness, "job-applications")
    for example in ("p1", "p2", "p3"):
        wanted = ("interview", "reject").index(HONEST[example])
        [step] = await harness.press(next(d for d in _labels_of(step).values() if d.endswith(f":{example}:{wanted}")))
    again = build(app.settings, embedder=FakeEmbedder(), clock=clock)  # a new process on the same store
    try:
        restarted = Harness(again)
        [reminder, shown] = await restarted.say("quelle étiquette ?")
        assert shown.text.startswith("Étiquetez vous-même l'exemple 4/6")
        step = await _label_all(restarted, shown, HONEST)
        [trained] = await restarted.press(_data(step, "lab:train:"))
        assert trained.text == TRAINED_HONESTLY
    finally:
        again.engine.dispose()
    third = build(app.settings, embedder=FakeEmbedder(), clock=clock)
    try:
        [tried] = await Harness(third).say("Aucune expérience, pas de CV.")  # retrained on demand
        assert tried.text.startswith("Votre modèle : Écarter (")
        [pair] = await Harness(third).press(_data(trained, "lab:pair:"))  # a button from before the restart
        assert t("lab_pair_flips", "fr") in pair.text
    finally:
        third.engine.dispose()


async def test_export_and_erasure_cover_the_lab(harness: Harness, app: App) -> None:
    step = await _open(harness, "student-requests")
    await harness.press(_labels_of(step)["Aujourd'hui"])
    [export] = await harness.say("/export")
    assert '"lab_runs"' in export.text and '"task_id": "student-requests"' in export.text
    assert '"lab_labels"' in export.text and '"label": "today"' in export.text
    [confirm] = await harness.say("/delete")
    await harness.press(_data(confirm, "delete:yes:"))
    assert _count(app, orm.LabRun) == 0 and _count(app, orm.LabLabel) == 0


async def test_progress_shows_the_labelling(harness: Harness) -> None:
    [progress] = await harness.say("/progress")
    assert "Labo" not in progress.text
    step = await _open(harness, "job-applications")
    await harness.press(_labels_of(step)["Écarter"])
    [progress] = await harness.say("/progress")
    assert "Labo :\n• Trier des candidatures : 1/6 exemples étiquetés" in progress.text
