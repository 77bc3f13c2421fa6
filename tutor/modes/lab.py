"""The lab mode: the learner creates their own small AI in a few chat turns, then meets its bias.

/lab lists the tasks; picking one shows its pool examples one at a time to label (buttons); "Train" fits the model on
the shipped examples and the learner's labels and shows its accuracy on held-out examples; typed text is a sentence
for the model; "Look for a bias" shows the counterfactual pair; a fix retrains and compares; "Wrap up" asks the
reflection questions. Runs and labels live in the store; models are retrained on demand (see ``tutor.lab.model``).
"""

from __future__ import annotations

from datetime import datetime

from tutor.buttons import (
    LAB_PAYLOADS,
    LabAgain,
    LabEnd,
    LabFix,
    LabLabel,
    LabPair,
    LabPick,
    LabTrain,
    Payload,
    encode,
)
from tutor.domain import Button, Learner, ModeState, Reply
from tutor.lab.model import FIXES, PairResult, Trained, as_fix, counterfactual, train
from tutor.lab.runs import LabRun, Stage
from tutor.lab.tasks import LabTask, LabTasks
from tutor.messages import t
from tutor.modes.base import ASK, Turn
from tutor.store.lab import LabStore

LAB = "lab"
MAX_SENTENCE_CHARS = 500
RunPayload = LabLabel | LabTrain | LabPair | LabFix | LabEnd


class LabMode:
    """The lab's turns; what a learner did is in the lab store, the mode state only names the open task."""

    name = LAB
    command = "lab"
    payloads: tuple[type, ...] = LAB_PAYLOADS

    def __init__(self, tasks: LabTasks, store: LabStore) -> None:
        self.tasks = tasks
        self.store = store

    def enter(self, turn: Turn, arg: str) -> list[Reply]:
        """/lab: the list of tasks; /lab <task>: open that task."""
        if arg:
            task = self.tasks.get(arg.strip().lower())
            if task is not None:
                return self._open(turn, task)
            return [Reply(t("lab_unknown_task", turn.lang, task=arg[:40]), kind="error"), *self._menu(turn)]
        return self._menu(turn)

    def leave(self, turn: Turn) -> list[Reply]:
        """/cancel: back to questions; the run stays stored."""
        turn.switch(ASK)
        return [Reply(t("lab_left", turn.lang))]

    def takes_text(self, learner: Learner, state: ModeState, text: str) -> bool:
        """Every text typed in the lab is a sentence for the learner's model."""
        return state.mode == LAB

    def on_text(self, turn: Turn, text: str) -> list[Reply]:
        """Classify a typed sentence with the learner's model (the fixed one once a fix was applied)."""
        task, run = self._open_task(turn)
        if task is None or run is None:
            return self._menu(turn)
        if len(text) > MAX_SENTENCE_CHARS:
            return [Reply(t("lab_too_long", turn.lang, length=len(text), limit=MAX_SENTENCE_CHARS), kind="error")]
        if not run.reached("trained"):
            return [Reply(t("lab_use_buttons", turn.lang), kind="error"), self._labelling(turn, task, run)]
        fix = as_fix(run.fix)
        prediction = train(task, turn.lang, run.labels, fix).predict(text)
        key = "lab_prediction" if fix == "none" else "lab_prediction_fixed"
        label = _label(task, turn.lang, prediction.label)
        return [Reply(t(key, turn.lang, label=label, pct=_pct(turn.lang, prediction.probability)))]

    def on_button(self, turn: Turn, payload: Payload) -> list[Reply]:
        """A task picked, a label, train, the pair, a fix, wrap up, start over."""
        if isinstance(payload, LabPick | LabAgain):
            task = self.tasks.get(payload.task)
            if task is None:
                return [Reply(t("unknown_button", turn.lang), kind="error")]
            if isinstance(payload, LabAgain):
                self.store.reset(turn.learner.id, task.id)
            return self._open(turn, task)
        if not isinstance(payload, RunPayload):
            return [Reply(t("unknown_button", turn.lang), kind="error")]
        task = self.tasks.get(payload.task)
        run = self.store.run(turn.learner.id, task.id) if task is not None else None
        refused = self._refusal(turn, payload, task, run)
        if refused is not None or task is None or run is None:
            return refused or []
        if isinstance(payload, LabLabel):
            return self._label(turn, task, run, payload)
        if not run.reached("trained") and not isinstance(payload, LabTrain):
            return [Reply(t("lab_train_first", turn.lang), kind="error"), self._labelling(turn, task, run)]
        if isinstance(payload, LabTrain):
            return self._train(turn, task, run)
        if isinstance(payload, LabPair):
            return [self._pair(turn, task, run)]
        if isinstance(payload, LabFix):
            return self._fix(turn, task, run, payload.fix)
        return self._end(turn, task, run)

    def on_poll(self, turn: Turn, poll_id: str, option: int) -> list[Reply]:
        """No polls in the lab."""
        return [Reply(t("quiz_stale", turn.lang), kind="error")]

    def progress(self, learner: Learner, now: datetime) -> str | None:
        """One line per task the learner opened: how far they got and the accuracy shown."""
        lines = []
        for run in self.store.runs(learner.id):
            task = self.tasks.get(run.task_id)
            if task is not None:
                state = _state(task, run, learner.lang)
                lines.append(t("lab_progress_line", learner.lang, title=task.text(learner.lang).title, state=state))
        return t("lab_progress", learner.lang, lines="\n".join(lines)) if lines else None

    # --- steps ---

    def _menu(self, turn: Turn) -> list[Reply]:
        tasks = self.tasks.all()
        if not tasks:
            return [Reply(t("lab_none", turn.lang))]
        runs = {run.task_id: run for run in self.store.runs(turn.learner.id)}
        buttons = [Button(_menu_label(task, runs.get(task.id), turn.lang), encode(LabPick(task.id))) for task in tasks]
        return [Reply(t("lab_menu", turn.lang), buttons=tuple(buttons))]

    def _open(self, turn: Turn, task: LabTask) -> list[Reply]:
        run = self.store.start(turn.learner.id, task.id, turn.now)
        turn.switch(LAB, {"task": task.id})
        text = task.text(turn.lang)
        intro = t(
            "lab_task_intro",
            turn.lang,
            title=text.title,
            intro=text.intro,
            train=len(task.split("train")),
            test=len(task.split("test")),
        )
        return [Reply(intro), self._resume(turn, task, run)]

    def _resume(self, turn: Turn, task: LabTask, run: LabRun) -> Reply:
        if not run.reached("trained"):
            return self._labelling(turn, task, run)
        text = t("lab_resume", turn.lang, pct=_pct(turn.lang, run.accuracy or 0.0))
        if run.fix in FIXES and run.fixed_accuracy is not None:
            fix, pct = _fix_name(run.fix, turn.lang), _pct(turn.lang, run.fixed_accuracy)
            text = f"{text}\n{t('lab_resume_fixed', turn.lang, fix=fix, pct=pct)}"
        if run.stage == "done":
            return Reply(text, buttons=(Button(t("lab_again_button", turn.lang), encode(LabAgain(task.id))),))
        return Reply(text, buttons=self._after_training_buttons(turn, task, run))

    def _labelling(self, turn: Turn, task: LabTask, run: LabRun, before: str = "") -> Reply:
        """The next example to label, or the invitation to train once all are labelled."""
        pool = task.split("pool")
        waiting = [e for e in pool if e.id not in run.labels]
        train_button = Button(t("lab_train_button", turn.lang), encode(LabTrain(task.id, run.nonce)))
        if not waiting:
            text = t("lab_all_labelled", turn.lang, total=len(pool))
            return Reply(f"{before}\n{text}".strip(), buttons=(train_button,))
        example = waiting[0]
        text = t("lab_example", turn.lang, n=len(run.labels) + 1, total=len(pool), text=example.text(turn.lang))
        labels = task.text(turn.lang).labels
        buttons = [
            Button(labels[label], encode(LabLabel(task.id, run.nonce, example.id, n)))
            for n, label in enumerate(task.labels)
        ]
        return Reply(f"{before}\n{text}".strip(), buttons=(*buttons, train_button))

    def _label(self, turn: Turn, task: LabTask, run: LabRun, payload: LabLabel) -> list[Reply]:
        example = task.by_id.get(payload.example)
        if example is None or example.split != "pool" or not 0 <= payload.label < len(task.labels):
            return [Reply(t("unknown_button", turn.lang), kind="error")]
        if run.reached("trained"):
            return [Reply(t("lab_labelling_over", turn.lang), kind="error")]
        label = task.labels[payload.label]
        if not self.store.label(turn.learner.id, task.id, example.id, label, turn.now):
            known = _label(task, turn.lang, run.labels.get(example.id, label))
            return [self._labelling(turn, task, run, t("lab_already_labelled", turn.lang, label=known))]
        labels = {**run.labels, example.id: label}
        noted = t("lab_noted", turn.lang, label=_label(task, turn.lang, label))
        return [self._labelling(turn, task, _with_labels(run, labels), noted)]

    def _train(self, turn: Turn, task: LabTask, run: LabRun) -> list[Reply]:
        model = train(task, turn.lang, run.labels)
        replies = []
        if not run.labels:
            replies.append(Reply(t("lab_no_labels", turn.lang, n=model.examples)))
        if not run.reached("trained"):
            self.store.advance(turn.learner.id, task.id, "trained", turn.now, accuracy=model.accuracy)
            run = LabRun(run.task_id, run.nonce, "trained", run.labels, accuracy=model.accuracy)
        text = t(
            "lab_trained",
            turn.lang,
            examples=model.examples,
            yours=len(run.labels),
            tested=model.tested,
            correct=model.correct,
            pct=_pct(turn.lang, model.accuracy),
        )
        replies.append(Reply(text, buttons=self._after_training_buttons(turn, task, run)))
        return replies

    def _pair(self, turn: Turn, task: LabTask, run: LabRun) -> Reply:
        result = counterfactual(train(task, turn.lang, run.labels))
        words = ", ".join(_quoted(w, turn.lang) for g in task.skew.groups for w in g.words(turn.lang))
        text = "\n\n".join(
            (
                _pair_text(task, result, turn.lang),
                task.text(turn.lang).skew,
                t("lab_fix_choice", turn.lang, words=words),
            )
        )
        return Reply(text, buttons=self._fix_buttons(turn, task, run))

    def _fix(self, turn: Turn, task: LabTask, run: LabRun, fix: str) -> list[Reply]:
        chosen = as_fix(fix)
        if chosen == "none":
            return [Reply(t("unknown_button", turn.lang), kind="error")]
        plain, fixed = train(task, turn.lang, run.labels), train(task, turn.lang, run.labels, chosen)
        stage: Stage = "done" if run.stage == "done" else "fixed"
        self.store.advance(turn.learner.id, task.id, stage, turn.now, fix=fix, fixed_accuracy=fixed.accuracy)
        run = LabRun(run.task_id, run.nonce, stage, run.labels, fix, plain.accuracy, fixed.accuracy)
        buttons = self._after_training_buttons(turn, task, run)
        return [Reply(_comparison(task, plain, fixed, turn.lang), buttons=buttons)]

    def _end(self, turn: Turn, task: LabTask, run: LabRun) -> list[Reply]:
        if run.stage == "done":
            return [Reply(t("lab_done_already", turn.lang), kind="error")]
        self.store.advance(turn.learner.id, task.id, "done", turn.now)
        turn.switch(ASK)
        questions = "\n".join(
            t("lab_question", turn.lang, n=n, question=q.text(turn.lang), section=q.section)
            for n, q in enumerate(task.reflection, start=1)
        )
        return [Reply(t("lab_reflection", turn.lang, questions=questions))]

    # --- buttons and guards ---

    def _after_training_buttons(self, turn: Turn, task: LabTask, run: LabRun) -> tuple[Button, ...]:
        buttons = [Button(t("lab_pair_button", turn.lang), encode(LabPair(task.id, run.nonce)))]
        if run.reached("fixed"):
            buttons += [b for b in self._fix_buttons(turn, task, run) if not b.data.endswith(f":{run.fix}")]
        return tuple(buttons)

    def _fix_buttons(self, turn: Turn, task: LabTask, run: LabRun) -> tuple[Button, ...]:
        fixes = [Button(t(f"lab_fix_{fix}", turn.lang), encode(LabFix(task.id, run.nonce, fix))) for fix in FIXES]
        end = Button(t("lab_end_button", turn.lang), encode(LabEnd(task.id, run.nonce)))
        return (*fixes, end)

    def _open_task(self, turn: Turn) -> tuple[LabTask | None, LabRun | None]:
        task = self.tasks.get(str(turn.state.data.get("task", "")))
        return task, self.store.run(turn.learner.id, task.id) if task is not None else None

    def _refusal(self, turn: Turn, payload: RunPayload, task: LabTask | None, run: LabRun | None) -> list[Reply] | None:
        """Why a button of a run is refused: an unknown task, an earlier run, or a task that is not the open one."""
        if task is None:
            return [Reply(t("unknown_button", turn.lang), kind="error")]
        if run is None or run.nonce != payload.run:
            return [Reply(t("lab_stale", turn.lang), kind="error")]
        if run.stage == "done" and turn.state.mode != LAB:
            return [Reply(t("lab_done_already", turn.lang), kind="error")]
        if turn.state.mode != LAB or turn.state.data.get("task") != task.id:
            return [Reply(t("lab_other_task", turn.lang, title=task.text(turn.lang).title), kind="error")]
        return None


def _with_labels(run: LabRun, labels: dict[str, str]) -> LabRun:
    return LabRun(run.task_id, run.nonce, run.stage, labels, run.fix, run.accuracy, run.fixed_accuracy)


def _label(task: LabTask, lang: str, label: str) -> str:
    return task.text(lang).labels.get(label, label)


def _pct(lang: str, share: float) -> str:
    return t("lab_pct", lang, pct=round(share * 100))


def _quoted(word: str, lang: str) -> str:
    return f"“{word}”" if lang == "en" else f"« {word} »"


def _fix_name(fix: str | None, lang: str) -> str:
    return t(f"lab_fix_{fix}", lang) if fix in FIXES else ""


def _menu_label(task: LabTask, run: LabRun | None, lang: str) -> str:
    mark = "" if run is None else " ✓" if run.stage == "done" else " ▶"
    return task.text(lang).title + mark


def _pair_text(task: LabTask, result: PairResult, lang: str) -> str:
    (a, b), (pa, pb) = result.texts, result.predictions
    verdict = t("lab_pair_flips", lang) if result.flips else t("lab_pair_moves", lang, gap=round(result.gap))
    return t(
        "lab_pair",
        lang,
        a=a,
        b=b,
        label_a=_label(task, lang, pa.label),
        p_a=_pct(lang, pa.probability),
        label_b=_label(task, lang, pb.label),
        p_b=_pct(lang, pb.probability),
        verdict=verdict,
    )


def _comparison(task: LabTask, plain: Trained, fixed: Trained, lang: str) -> str:
    before, after = counterfactual(plain), counterfactual(fixed)
    words = ", ".join(_quoted(w, lang) for g in task.skew.groups for w in g.words(lang))
    what = t("lab_fixed_remove", lang, words=words) if fixed.fix == "remove" else t("lab_fixed_rebalance", lang)
    (pa, pb) = after.predictions
    compare = t(
        "lab_compare",
        lang,
        before=_pct(lang, plain.accuracy),
        after=_pct(lang, fixed.accuracy),
        label_a=_label(task, lang, pa.label),
        p_a=_pct(lang, pa.probability),
        label_b=_label(task, lang, pb.label),
        p_b=_pct(lang, pb.probability),
        verdict=t("lab_still_flips", lang) if after.flips else t("lab_no_flip", lang),
        gap_before=round(before.gap),
        gap_after=round(after.gap),
    )
    fell = f"\n{t('lab_accuracy_fell', lang)}" if fixed.correct < plain.correct else ""
    return f"{what}\n{compare}{fell}"


def _state(task: LabTask, run: LabRun, lang: str) -> str:
    if not run.reached("trained"):
        return t("lab_state_labelling", lang, n=len(run.labels), total=len(task.split("pool")))
    pct = _pct(lang, run.accuracy or 0.0)
    state = t("lab_state_trained", lang, pct=pct)
    if run.fix in FIXES and run.fixed_accuracy is not None:
        fixed = _pct(lang, run.fixed_accuracy)
        state = t("lab_state_fixed", lang, pct=pct, fixed=fixed, fix=_fix_name(run.fix, lang))
    return t("lab_state_done", lang, state=state) if run.stage == "done" else state
