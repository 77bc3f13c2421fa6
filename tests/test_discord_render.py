"""Rendering for Discord, pure: 2,000-character parts on paragraph boundaries, Markdown escaped, citations for the
embed, buttons in rows or a select menu, signed custom ids; and the per-learner ordering."""

from __future__ import annotations

import asyncio
import re

from hypothesis import given
from hypothesis import strategies as st

from adapters.discord.components import signed_components
from adapters.discord.ordering import LearnerLocks
from adapters.discord.render import clip, cut_line, layout, render, split_text, units
from adapters.discord.signing import BUTTON_TEMPLATE, SELECT_TEMPLATE, ComponentSigner, Verdict
from tutor.domain import Button, Citation, Reply

SIGNER = ComponentSigner(b"render-test-key")


async def nothing(interaction: object) -> None:
    return None


def test_paragraphs_stay_whole_when_they_fit() -> None:
    paragraphs = [f"§{n} " + "mot " * 150 for n in range(5)]  # about 600 characters each
    parts = split_text("\n\n".join(p.strip() for p in paragraphs), limit=2000)
    assert [p.count("§") for p in parts] == [3, 2]
    assert "\n\n".join(parts) == "\n\n".join(p.strip() for p in paragraphs)


def test_a_paragraph_too_long_is_cut_at_lines_then_at_spaces() -> None:
    lines = ["ligne " * 30, "x" * 2500]
    parts = split_text("\n".join(line.strip() for line in lines), limit=2000)
    assert all(units(p) <= 2000 for p in parts)
    assert parts[0] == lines[0].strip() and "".join(parts[1:]) == "x" * 2500


def test_a_cut_never_separates_an_escape_from_its_character() -> None:
    pieces = cut_line("a" * 9 + "\\*" + "b" * 20, 10)
    assert pieces[0] == "a" * 9 and pieces[1].startswith("\\*")


@given(st.text(alphabet=st.sampled_from(list("ab *_\n🙂é")), max_size=3000))
def test_no_part_is_ever_over_the_limit(text: str) -> None:
    assert all(0 < units(part) <= 200 for part in split_text(text, limit=200))


def test_learner_and_course_text_is_escaped_and_sources_go_to_the_embed() -> None:
    citation = Citation("l1-05", "Les biais", "automation", "Le *biais* d'automatisation", "l1-05.md#automation")
    reply = Reply("# Pas un titre\n> pas une citation, et **pas de gras**", citations=(citation,))
    (part,) = render(reply)
    assert part.content == "\\# Pas un titre\n\\> pas une citation, et \\*\\*pas de gras\\*\\*"
    assert part.sources == ("[1] Les biais — Le \\*biais\\* d'automatisation (l1-05.md#automation)",)


def test_only_the_last_part_carries_sources_and_buttons() -> None:
    reply = Reply("\n\n".join(["long " * 300] * 3), buttons=(Button("Suite", "quiz:next"),))
    parts = render(reply)
    assert len(parts) == 3 and [bool(p.buttons) for p in parts] == [False, False, True]


def test_buttons_get_a_row_per_kind_and_a_long_list_a_select() -> None:
    welcome = [Button("Français", "lang:fr"), Button("English", "lang:en")]
    welcome += [Button(f"Niveau {n}", f"level:{n}") for n in (1, 2, 3)]
    assert [(len(r.buttons), r.select) for r in layout(welcome)] == [(2, False), (3, False)]
    scenarios = [Button(f"Cas {n}", f"scenario:open:s{n}") for n in range(8)] + [Button("Arrêter", "cancel")]
    assert [(len(r.buttons), r.select) for r in layout(scenarios)] == [(8, True), (1, False)]
    assert len(layout([Button(str(n), f"k{n}:x") for n in range(7)])) == 5  # Discord shows 5 rows at most


def test_labels_fit_discords_limits() -> None:
    assert clip("x" * 100, 80) == "x" * 79 + "…" and clip("  ", 80) == "…"


def test_a_view_is_persistent_and_signed_for_its_owner() -> None:
    components = signed_components(SIGNER, nothing)
    view = components.view([Button(f"Cas {n}", f"scenario:open:s{n}") for n in range(6)] + [Button("Non", "cancel")], 7)
    assert view is not None and view.timeout is None and view.is_persistent()
    select, stop = view.to_components()
    (menu,) = select["components"]
    assert re.fullmatch(SELECT_TEMPLATE, menu["custom_id"]) and len(menu["options"]) == 6
    assert SIGNER.read(menu["custom_id"], [menu["options"][2]["value"]], 7) == Verdict("scenario:open:s2")
    (button,) = stop["components"]
    assert re.fullmatch(BUTTON_TEMPLATE, button["custom_id"]) and button["label"] == "Non"
    assert SIGNER.read(button["custom_id"], [], 7) == Verdict("cancel")
    assert SIGNER.read(button["custom_id"], [], 8) == Verdict(refusal="not_yours")
    assert components.view([], 7) is None


def test_a_custom_id_holds_the_largest_data_for_the_largest_user_id() -> None:
    custom_id = SIGNER.button_id(2**64 - 1, "x" * 48)
    assert len(custom_id) <= 100 and SIGNER.read(custom_id, [], 2**64 - 1) == Verdict("x" * 48)


def test_forged_or_malformed_ids_are_refused() -> None:
    signed = SIGNER.button_id(7, "lang:fr")
    assert SIGNER.read(signed.replace("lang:fr", "lang:en"), [], 7) == Verdict(refusal="invalid")
    for bad in ("", "c|x|y|z", "z|7|abc|lang:fr", "c|7", "s|7|0"):
        assert SIGNER.read(bad, [], 7).data is None
    assert SIGNER.read(SIGNER.select_id(7, 0), ["é|lang:fr"], 7) == Verdict(refusal="invalid")


async def test_one_learner_in_order_and_others_alongside() -> None:
    locks, events = LearnerLocks(), []

    async def work(learner: int, name: str, pause: float) -> None:
        async with locks.hold(learner):
            events.append(f"{name} starts")
            await asyncio.sleep(pause)
            events.append(f"{name} ends")

    await asyncio.gather(work(1, "a1", 0.05), work(1, "a2", 0), work(2, "b", 0))
    assert events.index("a1 ends") < events.index("a2 starts")
    assert events.index("b ends") < events.index("a1 ends")  # another learner did not wait
    assert len(locks) == 0


async def test_the_place_is_taken_on_arrival_even_if_the_acknowledgement_finishes_later() -> None:
    locks, handled = LearnerLocks(), []

    async def press(name: str, acknowledging: float) -> None:
        async with locks.reserve(1) as turn:  # on arrival, before any await
            await asyncio.sleep(acknowledging)  # the first press's acknowledgement is the slower one
            await turn.wait()
            handled.append(name)

    await asyncio.gather(press("first", 0.05), press("second", 0))
    assert handled == ["first", "second"] and len(locks) == 0


async def test_a_place_left_early_still_keeps_the_order() -> None:
    locks, handled = LearnerLocks(), []

    async def slow() -> None:
        async with locks.hold(1):
            await asyncio.sleep(0.05)
            handled.append("slow")

    async def failing() -> None:
        async with locks.reserve(1):
            raise RuntimeError("the acknowledgement failed")

    async def last() -> None:
        async with locks.hold(1):
            handled.append("last")

    results = await asyncio.gather(slow(), failing(), last(), return_exceptions=True)
    assert isinstance(results[1], RuntimeError) and handled == ["slow", "last"] and len(locks) == 0
