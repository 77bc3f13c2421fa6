"""Importing quiz items from Moodle GIFT and CSV."""

from __future__ import annotations

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
