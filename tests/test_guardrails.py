"""The guardrail suite (evals/guardrails.yaml) on the extractive default: every case must pass."""

from __future__ import annotations

from entrypoints.bootstrap import App
from evals.guardrails import run_suite
from tutor.domain import Incoming, Reply


async def test_every_guardrail_case_passes(app: App, capsys) -> None:  # type: ignore[no-untyped-def]
    async def say(learner: str, text: str) -> list[Reply]:
        return await app.assistant.handle(Incoming("test", learner, f"chat-{learner}", text=text, locale="fr"))

    outcomes = await run_suite(say)
    passed = sum(o.passed for o in outcomes)
    with capsys.disabled():
        print(f"\nguardrails (extractive default): {passed}/{len(outcomes)} = {100 * passed / len(outcomes):.0f}%")
    assert [(o.case, o.reply) for o in outcomes if not o.passed] == []
