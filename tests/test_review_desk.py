"""The tutors' desk over the real core: who sees which flags and learners, what each action records, the durable
outbox drained once and retried, analytics per cohort, accounts and throttled sign-in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from entrypoints.bootstrap import App
from tests.conftest import Harness
from tests.fakes import FixedClock, InMemoryOutbox
from tests.review_support import cohort, desk_of, learner_id, tutor
from tutor.domain import Delivery, Recipient, Reply
from tutor.messages import t
from tutor.review.accounts import LoginThrottle
from tutor.review.delivery import OutboxDrain
from tutor.review.desk import NotFound
from tutor.store import models as orm
from tutor.store.review import OutboxStore

OFF_COURSE = "Quelle est la recette de la tarte tatin ?"


async def _flagged_learner(app: App, name: str, code: str | None) -> int:
    learner = Harness(app, learner=name)
    if code:
        await learner.say(f"/join {code}")
    await learner.say(OFF_COURSE)
    with app.sessions() as s:
        return s.scalars(select(orm.Flag.id).order_by(orm.Flag.id.desc())).first() or 0


async def test_a_tutor_sees_only_the_flags_and_learners_of_their_cohorts(app: App) -> None:
    tutors = desk_of(app)
    code_a, _ = cohort(tutors, "cohort-a"), cohort(tutors, "cohort-b")
    amy, bob = tutor(tutors, "amy", ("cohort-a",)), tutor(tutors, "bob", ("cohort-b",))
    admin = tutor(tutors, "root", role="admin")
    flag_a = await _flagged_learner(app, "in-a", code_a)
    flag_none = await _flagged_learner(app, "in-none", None)

    assert tutors.desk.flag(amy, flag_a).flag.reason == "abstained"
    for viewer, flag_id in ((bob, flag_a), (amy, flag_none), (bob, flag_none), (amy, 99999)):
        with pytest.raises(NotFound):
            tutors.desk.flag(viewer, flag_id)
        with pytest.raises(NotFound):
            tutors.desk.reply(viewer, flag_id, "bonjour")
    with pytest.raises(NotFound):
        tutors.desk.learner(bob, learner_id(app, "in-a"))
    assert tutors.desk.learner(amy, learner_id(app, "in-a")).learner.cohort == "cohort-a"
    assert [f.id for f in tutors.desk.queue(amy).flags] == [flag_a]
    assert tutors.desk.queue(bob).flags == []
    assert tutors.desk.queue(bob, cohort="cohort-a").flags == []  # a filter cannot widen what one sees
    assert [f.id for f in tutors.desk.queue(admin).flags] == [flag_a, flag_none]
    assert [c.key for c in tutors.desk.cohorts(amy)] == ["cohort-a"]


async def test_each_action_is_recorded_with_who_and_when(app: App, clock: FixedClock) -> None:
    tutors = desk_of(app)
    code = cohort(tutors, "c1")
    amy = tutor(tutors, "amy", ("c1",))
    flag_id = await _flagged_learner(app, "lea", code)
    desk = tutors.desk
    clock.advance(minutes=5)
    desk.reply(amy, flag_id, "La tarte Tatin n'est pas au programme, mais le biais de confirmation oui !")
    assert desk.flag(amy, flag_id).flag.status == "answered"
    desk.note(amy, flag_id, "à suivre")
    desk.mark_wrong(amy, flag_id)
    desk.add_todo(amy, flag_id)
    desk.resolve(amy, flag_id)
    assert desk.queue(amy).flags == [] and desk.queue(amy, status="resolved").flags[0].id == flag_id
    desk.reopen(amy, flag_id)
    page = desk.flag(amy, flag_id)
    assert page.flag.status == "open"
    assert [(a.kind, a.tutor) for a in page.actions] == [
        ("reply", "Amy"),
        ("note", "Amy"),
        ("mark_wrong", "Amy"),
        ("todo", "Amy"),
        ("resolve", "Amy"),
        ("reopen", "Amy"),
    ]
    assert page.actions[0].created_at == clock.now()
    assert [d.status for d in page.deliveries] == ["pending"]
    assert [turn.role for turn in page.transcript] == ["learner", "assistant", "tutor"]  # commands are not logged
    assert [q for q, *_ in desk.course_notes(amy, "todo")] == [OFF_COURSE]
    assert [q for q, *_ in desk.course_notes(amy, "wrong_answer")] == [OFF_COURSE]
    for bad in ("", "   ", "x" * 3501):
        with pytest.raises(ValueError):
            desk.reply(amy, flag_id, bad)


async def test_a_failing_action_writes_nothing(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    tutors = desk_of(app)
    code = cohort(tutors, "c1")
    amy = tutor(tutors, "amy", ("c1",))
    flag_id = await _flagged_learner(app, "lea", code)

    def broken(*_args: object, **_kw: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(tutors.desk.s.actions, "add", broken)
    with pytest.raises(RuntimeError):
        tutors.desk.reply(amy, flag_id, "bonjour")
    monkeypatch.undo()
    page = tutors.desk.flag(amy, flag_id)
    assert page.deliveries == [] and page.flag.status == "open" and page.transcript[-1].role == "assistant"


class FlakyOutbox(InMemoryOutbox):
    """Fails the first ``failures`` sends."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def send(self, recipient: Recipient, replies: Sequence[Reply]) -> Delivery:
        if self.failures:
            self.failures -= 1
            return Delivery.FAILED
        return await super().send(recipient, replies)


async def test_a_reply_is_delivered_once_retried_on_failure_and_survives_a_restart(app: App, clock: FixedClock) -> None:
    tutors = desk_of(app)
    code = cohort(tutors, "c1")
    amy = tutor(tutors, "amy", ("c1",))
    flag_id = await _flagged_learner(app, "lea", code)
    tutors.desk.reply(amy, flag_id, "Voici la réponse.")
    store = OutboxStore(app.sessions)

    flaky = FlakyOutbox(failures=1)
    first = OutboxDrain(store, flaky, clock, ("test",), name="process-1")
    assert (await first.tick()).failed == 1
    assert (await first.tick()).claimed == 0  # waits for its retry time
    clock.advance(seconds=6)
    restarted = OutboxDrain(store, flaky, clock, ("test",), name="process-2")  # another process, after a restart
    assert (await restarted.tick()).sent == 1
    assert (await restarted.tick()).claimed == 0 and (await first.tick()).claimed == 0
    [[reply]] = flaky.to("lea")
    assert reply.text == t("tutor_reply", "fr", name="Amy", text="Voici la réponse.")
    [delivery] = tutors.desk.flag(amy, flag_id).deliveries
    assert (delivery.status, delivery.attempts) == ("sent", 1)

    other_platform = OutboxDrain(store, InMemoryOutbox(), clock, ("telegram",))
    tutors.desk.reply(amy, flag_id, "Et encore une chose.")
    assert (await other_platform.tick()).claimed == 0  # not its platform: left for a process that serves it


async def test_a_claim_whose_process_died_is_taken_over_and_a_cut_send_is_never_repeated(
    app: App, clock: FixedClock
) -> None:
    tutors = desk_of(app)
    code = cohort(tutors, "c1")
    amy = tutor(tutors, "amy", ("c1",))
    flag_id = await _flagged_learner(app, "lea", code)
    tutors.desk.reply(amy, flag_id, "Première réponse.")
    store = OutboxStore(app.sessions)
    now = clock.now()
    [claim] = store.claim(now, ("test",), 10, "dead-process", now - timedelta(minutes=5))  # then it died
    outbox = InMemoryOutbox()
    drain = OutboxDrain(store, outbox, clock, ("test",))
    assert (await drain.tick()).claimed == 0  # its lease still holds
    clock.advance(minutes=6)
    assert (await drain.tick()).sent == 1 and len(outbox.to("lea")) == 1

    tutors.desk.reply(amy, flag_id, "Deuxième réponse.")
    [claim] = store.claim(clock.now(), ("test",), 10, "dying", clock.now() - timedelta(minutes=5))
    assert store.move(claim.id, "dying", "claimed", "sending", clock.now())  # died during the send
    clock.advance(minutes=6)
    report = await drain.tick()
    assert (report.uncertain, report.sent) == (1, 0) and len(outbox.to("lea")) == 1
    assert [d.status for d in tutors.desk.flag(amy, flag_id).deliveries] == ["sent", "uncertain"]


async def test_a_learners_pushes_arrive_in_order(app: App, clock: FixedClock) -> None:
    tutors = desk_of(app)
    code = cohort(tutors, "c1")
    amy = tutor(tutors, "amy", ("c1",))
    flag_id = await _flagged_learner(app, "lea", code)
    for n in range(3):
        tutors.desk.reply(amy, flag_id, f"message {n}")
    outbox = FlakyOutbox(failures=1)
    drain = OutboxDrain(OutboxStore(app.sessions), outbox, clock, ("test",))
    for _ in range(6):
        await drain.tick()
        clock.advance(seconds=30)
    assert [replies[0].text.rsplit(" ", 1)[1] for replies in outbox.to("lea")] == ["0", "1", "2"]


async def test_analytics_per_cohort_with_csv(app: App, clock: FixedClock) -> None:
    tutors = desk_of(app)
    code = cohort(tutors, "c1")
    amy, admin = tutor(tutors, "amy", ("c1",)), tutor(tutors, "root", role="admin")
    learner = Harness(app, learner="lea")
    await learner.say(f"/join {code}")
    await learner.say(OFF_COURSE)
    await learner.say("quelle est la recette de la tarte tatin ?")
    clock.advance(days=8)
    await learner.say("C'est quoi le biais d'automatisation ?")
    [q1] = await learner.say("/quiz")
    await learner.press(next(b.data for b in q1.buttons if b.data.startswith("q:")))
    await Harness(app, learner="outsider").say(OFF_COURSE)
    with app.sessions.begin() as s:
        s.execute(update(orm.Card).values(lapses=8))

    result = tutors.analytics.for_cohort(amy, "c1")
    days = dict(result.tables["questions_per_day"].rows)
    assert sum(days.values()) == 3 and len(days) == 30 and days[clock.now().date().isoformat()] == 1
    [(question, times, _)] = result.tables["unanswered"].rows
    assert question.lower() == OFF_COURSE.lower() and times == 2
    [(module, answers, right, accuracy)] = result.tables["quiz_accuracy"].rows
    assert (module, answers) == ("l1-99-sample", 1) and accuracy == right
    assert result.tables["leeches"].rows == [("l1-99-q01", "l1-99-sample", 1, 8)]
    weeks = result.tables["active_learners_per_week"].rows
    assert len(weeks) == 12 and [n for _, n in weeks][-2:] in ([1, 1], [0, 1])
    assert result.tables["quiz_accuracy"].csv().splitlines() == [
        "module,answers,right,accuracy",
        f"l1-99-sample,1,{right},{accuracy:.3f}",
    ]
    everyone = tutors.analytics.for_cohort(admin, None)
    assert everyone.tables["unanswered"].rows[0][1] == 3  # the outsider's question counts for admins
    for viewer, key in ((amy, None), (amy, "other")):
        with pytest.raises(NotFound):
            tutors.analytics.for_cohort(viewer, key)


def test_accounts_and_sign_in(app: App) -> None:
    tutors = desk_of(app)
    cohort(tutors, "c1")
    amy = tutor(tutors, "amy", ("c1",))
    assert tutors.accounts.authenticate("AMY", "a long enough password") == amy
    assert tutors.accounts.authenticate("amy", "wrong password!") is None
    assert tutors.accounts.authenticate("nobody", "a long enough password") is None
    for bad in (("x", "a long enough password"), ("amy", "a long enough password"), ("new", "short")):
        with pytest.raises(ValueError):
            tutors.accounts.create(bad[0], "", bad[1], "tutor", (), tutors.clock.now())
    with pytest.raises(ValueError):
        tutors.accounts.create("zed", "", "a long enough password", "tutor", ("no-such-cohort",), tutors.clock.now())
    with app.sessions.begin() as s:
        s.execute(update(orm.Tutor).values(active=False))
    assert tutors.accounts.authenticate("amy", "a long enough password") is None
    assert tutors.accounts.viewer(amy.tutor_id) is None


def test_failed_sign_ins_are_throttled_over_a_sliding_window(clock: FixedClock) -> None:
    throttle = LoginThrottle(clock, max_failures=3, window=timedelta(minutes=15))
    keys = ("user:amy", "ip:10.0.0.1")
    for _ in range(3):
        assert not throttle.blocked(keys)
        throttle.failed(keys)
    assert throttle.blocked(keys) and throttle.blocked(["ip:10.0.0.1"]) and not throttle.blocked(["user:bob"])
    clock.advance(minutes=15, seconds=1)
    assert not throttle.blocked(keys)
    throttle.failed(keys)
    throttle.succeeded("user:amy")
    assert not throttle.blocked(["user:amy"])


async def test_scenario_choices_per_node(app: App, clock: FixedClock) -> None:
    runs, choices = (orm.Base.metadata.tables.get(name) for name in ("scenario_runs", "scenario_choices"))
    if runs is None or choices is None:
        pytest.skip("this version has no scenarios")
    tutors = desk_of(app)
    code = cohort(tutors, "c1")
    amy = tutor(tutors, "amy", ("c1",))
    for name, picked in (("lea", 0), ("max", 1), ("noa", 1)):
        await Harness(app, learner=name).say(f"/join {code}")
        me, now = learner_id(app, name), clock.now()
        with app.sessions.begin() as s:
            run = s.execute(
                runs.insert().values(
                    learner_id=me, scenario_id="hiring", node_id=None, started_at=now, updated_at=now, abandoned=False
                )
            ).inserted_primary_key[0]
            s.execute(
                choices.insert().values(
                    run_id=run, learner_id=me, scenario_id="hiring", node_id="cv", choice=picked, chosen_at=now
                )
            )
    table = tutors.analytics.for_cohort(amy, "c1").tables["scenario_choices"]
    assert table.rows == [("hiring", "cv", 0, 1), ("hiring", "cv", 1, 2)]
