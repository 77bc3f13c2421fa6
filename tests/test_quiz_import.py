"""Importing quiz items from Moodle GIFT and CSV."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.quiz.importers import Target, parse_csv, parse_gift

TARGET = Target("l1-99-sample", "automation-bias", "fr", 1)

GIFT = """// a comment
::Q1:: Quel biais pousse à suivre la machine ? {
  ~Le biais de confirmation
  =Le biais d'automatisation#Il pousse à accepter sans vérifier.
  ~L'effet ELIZA
}

::Q2:: Un modèle appris sur des exemples étiquetés est dit... {=supervisé =apprentissage supervisé}

::Q3:: La Terre est plate. {F}

Question sans réponse
"""


def test_gift_reads_mcq_and_short_and_reports_bad_questions() -> None:
    result = parse_gift(GIFT, TARGET)
    assert [i.kind for i in result.items] == ["mcq", "short"]
    mcq = result.items[0].text("fr")
    assert mcq.options[mcq.answer or 0] == "Le biais d'automatisation"
    assert mcq.explanation == "Il pousse à accepter sans vérifier."
    assert result.items[1].text("fr").accepted == ("supervisé", "apprentissage supervisé")
    assert len(result.errors) == 2
    assert result.errors[0].startswith("line 10:") and "not supported" in result.errors[0]
    assert "no answer block" in result.errors[1]
    assert all(i.id.startswith("l1-99-i") for i in result.items)


def test_csv_reads_rows_and_reports_each_bad_line() -> None:
    csv_text = (
        "module,section,lang,type,question,options,answer,explanation,difficulty\n"
        "l1-99-sample,automation-bias,fr,mcq,Que faire ?,La suivre|La vérifier|L'ignorer,B,Vérifier.,1\n"
        "l1-99-sample,supervised-learning,en,short,Labelled examples?,,supervised|supervised learning,,2\n"
        "l9-99-nowhere,x,fr,mcq,Q ?,a|b|c,A,,1\n"
        "l1-99-sample,x,fr,mcq,Q ?,a|b,A,,1\n"
    )
    result = parse_csv(csv_text, {"l1-99-sample": 1})
    assert [i.kind for i in result.items] == ["mcq", "short"]
    assert result.items[0].text("fr").answer == 1
    assert [e.split(":")[0] for e in result.errors] == ["line 4", "line 5"]
    assert "unknown module" in result.errors[0]


def test_csv_without_required_columns() -> None:
    assert parse_csv("a,b\n1,2\n", {}).errors == [
        "line 1: missing columns answer, lang, module, options, question, section, type"
    ]


HEADER = "module,section,lang,type,question,options,answer,explanation,difficulty\n"
ROW = "l1-99-sample,automation-bias,fr,mcq,Que faire ?,La suivre|La vérifier|L'ignorer,B,Vérifier.,1\n"


def _known(module: str, section: str) -> bool:
    return (module, section) == ("l1-99-sample", "automation-bias")


def test_the_same_gift_question_twice_is_reported_once_and_the_rest_imported() -> None:
    question = "::Q:: Quel biais ? {~A ~B =C}\n"
    result = parse_gift(question + "\n" + question + "\n::R:: Autre ? {=oui}\n", TARGET)
    assert [i.kind for i in result.items] == ["mcq", "short"]
    assert len(result.errors) == 1 and "same question as line 1" in result.errors[0]


def test_the_same_csv_row_twice_is_reported() -> None:
    result = parse_csv(HEADER + ROW + ROW, {"l1-99-sample": 1})
    assert len(result.items) == 1 and result.errors == ["line 3: the same question as line 2, skipped"]


def test_a_gift_matching_question_is_refused() -> None:
    result = parse_gift("::M:: Associez. {=chat -> animal =rose -> fleur}\n", TARGET)
    assert result.items == [] and "matching" in result.errors[0]


def test_a_huge_field_and_an_unbalanced_quote_are_errors_not_crashes() -> None:
    long_row = f'l1-99-sample,automation-bias,fr,short,"{"x" * 140_000}",,a,,1\n'
    huge = HEADER + ROW + long_row + ROW.replace("Que", "Quoi")
    result = parse_csv(huge, {"l1-99-sample": 1})
    assert len(result.items) == 1 and "unreadable CSV" in result.errors[0]
    unbalanced = HEADER + ROW + 'l1-99-sample,automation-bias,fr,short,"Pas fermé ?,,a,,1\n'
    result = parse_csv(unbalanced, {"l1-99-sample": 1})
    assert len(result.items) == 1 and result.errors and result.errors[0].startswith("line ")


def test_an_excel_csv_with_a_bom_is_read() -> None:
    result = parse_csv("\ufeff" + HEADER + ROW, {"l1-99-sample": 1})
    assert len(result.items) == 1 and result.errors == []


def test_unknown_sections_and_difficulties_are_refused() -> None:
    bad = HEADER + ROW.replace(",1\n", ",99\n") + ROW.replace("automation-bias", "nowhere").replace("Que", "Quoi")
    result = parse_csv(bad, {"l1-99-sample": 1}, _known)
    assert result.items == []
    assert "difficulty must be 1, 2 or 3" in result.errors[0] and "unknown section 'nowhere'" in result.errors[1]
    gift = parse_gift("::Q:: Quel biais ? {~A ~B =C}\n", Target("l1-99-sample", "nowhere", "fr", 1), _known)
    assert gift.items == [] and "unknown section" in gift.errors[0]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.text(alphabet='{}=~#:->\\"|,\n ab', max_size=200))
def test_the_importers_never_raise(noise: str, gift_like: str) -> None:
    for source in (noise, gift_like, HEADER + gift_like, HEADER + noise):
        for result in (parse_gift(source, TARGET, _known), parse_csv(source, {"l1-99-sample": 1}, _known)):
            assert all(isinstance(e, str) for e in result.errors)
            assert len({i.id for i in result.items}) == len(result.items)
