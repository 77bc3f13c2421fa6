"""How the extractive answer quotes the course, rule by rule, on fixed passages (the fake embedder scores sentences
by the words they share with the question)."""

from __future__ import annotations

from tests.conftest import Harness
from tests.fakes import FakeEmbedder
from tutor.answering.extractive import Quote, extract, passage_units
from tutor.answering.plain_text import markdown_to_plain
from tutor.answering.quoting import quotation
from tutor.answering.sentence_roles import is_fragment, leans_back, only_points_elsewhere
from tutor.domain import Passage

NBSP = "\u00a0"


def passage(text: str, section: str = "s", lang: str = "fr") -> Passage:
    return Passage(f"m#{section}", text, "m", "Module", section, "Section", lang, 1, f"{lang}/m.md#{section}")


def quotes(question: str, *texts: str, lang: str = "fr") -> list[Quote]:
    return extract(question, [passage(t, f"s{n}", lang) for n, t in enumerate(texts)], FakeEmbedder(), lang)


# -- one quotation is one contiguous span of one passage; words left out show as "…" ---------------------------------

SUPERVISED_AND_CLUSTERING = (
    "L'apprentissage supervisé range des courriels dans des catégories connues à l'avance. "
    "La médiathèque prête aussi des romans et des bandes dessinées aux habitants. "
    "Les horaires d'ouverture changent pendant les vacances scolaires d'été. "
    "Le regroupement range des courriels sans aucune catégorie connue à l'avance."
)


def test_sentences_from_two_places_are_joined_with_an_ellipsis() -> None:
    [quote] = quotes("ranger des courriels dans des catégories connues à l'avance", SUPERVISED_AND_CLUSTERING)
    first, second = quote.text.split(" … ")
    assert first.startswith("L'apprentissage supervisé") and second.startswith("Le regroupement")
    assert "médiathèque" not in quote.text  # the two sentences are never glued as if they followed each other


def test_a_one_sentence_gap_is_quoted_so_the_span_stays_contiguous() -> None:
    text = (
        "Un modèle paresseux répond toujours que la transaction est normale et obtient 99 % d'exactitude. "
        "Il a raison 990 fois sur 1 000 transactions. "
        "Le modèle paresseux ne détecte aucune transaction frauduleuse malgré ses 99 % d'exactitude."
    )
    [quote] = quotes("modèle paresseux 99 % d'exactitude transaction", text)
    assert quote.text == text and "…" not in quote.text


def test_quotes_from_two_passages_stay_separate_and_best_first() -> None:
    weaker = "Le biais d'automatisation existe aussi chez les pilotes d'avion."
    best = "Le biais d'automatisation est la tendance à suivre la machine même quand elle se trompe."
    found = quotes("c'est quoi le biais d'automatisation, suivre la machine qui se trompe", weaker, best)
    assert [q.passage_index for q in found] == [1, 0] or [q.passage_index for q in found] == [1]
    assert found[0].text == best


# -- a sentence that refers back brings the sentence it refers to ----------------------------------------------------

RCT = (
    "Une étude solide compare un groupe qui utilise l'outil et un groupe sans l'outil, tirés au sort. "
    "C'est l'essai contrôlé randomisé. "
    "Un sondage enthousiaste auprès des utilisateurs ne permet pas cette comparaison."
)


def test_a_sentence_opening_with_cest_brings_the_one_before() -> None:
    [quote] = quotes("c'est quoi un essai contrôlé randomisé ?", RCT)
    assert quote.text.startswith("Une étude solide compare un groupe")
    assert "C'est l'essai contrôlé randomisé." in quote.text


def test_english_this_and_pourtant_bring_their_antecedent() -> None:
    text = (
        "A sound study compares one group with the tool and one without, assigned by drawing lots. "
        "This is a randomised controlled trial."
    )
    [quote] = quotes("what is a randomised controlled trial", text, lang="en")
    assert quote.text == text
    lazy = (
        "Un modèle paresseux qui répond toujours « normale » obtient 99 % d'exactitude sur les transactions. "
        "Pourtant, il ne détecte aucune fraude bancaire."
    )
    [quote] = quotes("un modèle qui ne détecte aucune fraude bancaire", lazy)
    assert quote.text.startswith("Un modèle paresseux")


def test_a_sentence_leaning_on_a_sentence_outside_the_passage_is_not_quoted() -> None:
    orphan = "C'est l'essai contrôlé randomisé, la méthode de référence des études de productivité."
    found = quotes("essai contrôlé randomisé", orphan, "L'essai contrôlé randomisé tire les groupes au sort.")
    assert [q.text for q in found] == ["L'essai contrôlé randomisé tire les groupes au sort."]


def test_which_openings_lean_back() -> None:
    for sentence in (
        "C'est l'essai.",
        "Cela change tout.",
        "Ce biais est courant.",
        "Ceci compte.",
        "Il apprend.",
        "Elle se trompe.",
        "La première est simple.",
        "This is a trial.",
        "That matters.",
        "It learns.",
        "These models err.",
        "The first is simple.",
        "Pourtant, il échoue.",
    ):
        assert leans_back(sentence), sentence
    for sentence in (
        "Ce qui compte est la tâche.",
        "Il faut vérifier.",
        "Il existe trois niveaux.",
        "Il est utile de vérifier.",
        "It is important to check.",
        "Cette section présente le RGPD.",
        "This module covers bias.",
        "Le modèle apprend.",
        "Cellules et tissus.",
    ):
        assert not leans_back(sentence), sentence


# -- list items keep their lead-in ---------------------------------------------------------------------------------

LEVELS = (
    "Les formations du programme sont organisées en trois niveaux :  \n"
    "- les fondamentaux, pour tous les étudiants de première année ;\n"
    "- l'usage professionnel de l'IA, pour les salariés ;\n"
    "- la responsabilité et le management, pour les cadres expérimentés."
)


def test_a_list_item_brings_its_lead_in() -> None:
    [quote] = quotes("formation pour les salariés : usage professionnel", LEVELS)
    assert quote.text.startswith("Les formations du programme sont organisées en trois niveaux :")
    assert "\n– l'usage professionnel de l'IA, pour les salariés" in quote.text
    assert quote.text.endswith(" …")  # the list goes on: the quotation says so rather than ending on ";"


def test_a_lead_in_brings_its_list() -> None:
    [quote] = quotes("comment les formations du programme sont organisées en niveaux", LEVELS)
    assert quote.text.count("\n– ") == 3 and quote.text.endswith("cadres expérimentés.")


def test_a_lower_case_list_item_without_lead_in_is_never_quoted_alone() -> None:
    cut = "- l'usage professionnel de l'IA, pour les salariés ;\n- la responsabilité, pour les cadres."
    assert quotes("usage professionnel de l'IA pour les salariés", cut) == []
    units = passage_units(LEVELS)
    assert [u.lead_in for u in units] == [None, 0, 0, 0] and units[1].list_item


# -- no quote that only points elsewhere ------------------------------------------------------------------------------


def test_a_bare_cross_reference_is_never_quoted() -> None:
    text = (
        "Pour aller plus loin sur le biais d'automatisation, voir "
        "[le module sur les biais](l1-05-biases.md#automation-bias). "
        "Le biais d'automatisation pousse à accepter une suggestion erronée de la machine."
    )
    [quote] = quotes("biais d'automatisation", text)
    assert quote.text == "Le biais d'automatisation pousse à accepter une suggestion erronée de la machine."


def test_which_sentences_only_point_elsewhere() -> None:
    for sentence in (
        "Voir [le module sur les biais](l1-05-biases.md#data).",
        "See section 3.",
        "Bias is covered in depth in [the module on bias](l1-05-biases.md#data-bias-cases).",
        "To place machine learning within AI, see [what AI is](l1-01-what-is-ai.md#rules).",
    ):
        assert only_points_elsewhere(sentence), sentence
    for sentence in (
        "A good score guarantees nothing if the world changes afterwards: see [shift](l1-04.md#shift).",
        "Voir Art. 14 du règlement sur la supervision humaine des systèmes.",
        "This is [learning from examples](l1-02.md#x), applied to a far bigger model.",
    ):
        assert not only_points_elsewhere(sentence), sentence


# -- no filler below the relevance floor -----------------------------------------------------------------------------

FILLERS = (
    "Les exemples d'une photo de chat montrent des pixels de couleur variée sur un fond clair.",
    "Une médiathèque découvre des profils de lecteurs à partir des emprunts, sans étiquettes.",
    "Le prix d'un appartement dépend de sa surface et de son quartier, selon les annonces.",
)


def test_one_good_quote_beats_three() -> None:
    best = "Le surapprentissage colle aux exemples d'entraînement et se trompe sur les nouveaux cas."
    found = quotes("c'est quoi le surapprentissage sur les nouveaux cas ?", best, *FILLERS)
    assert [q.text for q in found] == [best]


def test_a_second_quote_close_to_the_best_is_kept_without_its_neighbours() -> None:
    one = "Un faux positif est une fausse alerte du modèle sur un courriel normal."
    two = "Un faux négatif est un cas manqué du modèle, une fraude qui passe inaperçue."
    found = quotes("faux positif et faux négatif du modèle", " ".join([one, *FILLERS]), " ".join([*FILLERS, two]))
    assert [q.text for q in found] == [one, two]


# -- Markdown rendered as plain text ---------------------------------------------------------------------------------


def test_markdown_is_rendered_as_plain_text() -> None:
    text = (
        "L'étiquette choisie est parfois un *proxy*, un indicateur de **substitution** "
        "(voir [la qualité des données](l1-02-data.md#data-quality)) qui mesure mal l'objectif réel."
    )
    [quote] = quotes("c'est quoi un proxy, un indicateur de substitution ?", text)
    assert quote.text == (
        "L'étiquette choisie est parfois un proxy, un indicateur de substitution "
        "(voir la qualité des données) qui mesure mal l'objectif réel."
    )
    assert markdown_to_plain("## Titre {#definition}") == "Titre"
    plain = markdown_to_plain("`code` __gras__ _italique_ snake_case_name [2]")
    assert plain == "code gras italique snake_case_name [2]"


def test_fragments_are_recognised() -> None:
    assert is_fragment("de la solvabilité pour l'accès au crédit.")
    assert is_fragment("Les points clés")
    assert not is_fragment("**Étape 1 : définir les étiquettes.**")


# -- quotation marks of the answer's language ---------------------------------------------------------------------


def test_quotation_marks_follow_the_language() -> None:
    assert quotation("Le modèle apprend.", "fr") == f"«{NBSP}Le modèle apprend.{NBSP}»"
    assert quotation("The model learns.", "en") == "“The model learns.”"
    assert quotation("des courriels « spam » ou « normal »", "fr") == f"«{NBSP}des courriels “spam” ou “normal”{NBSP}»"
    assert quotation("the “ELIZA effect” again", "en") == "“the ‘ELIZA effect’ again”"


async def test_answers_use_french_and_english_quotation_marks(harness: Harness) -> None:
    [reply] = await harness.say("C'est quoi le biais d'automatisation ?")
    quote = reply.text.split("\n\n")[1]
    assert quote.startswith(f"«{NBSP}Le biais d'automatisation") and quote.endswith(f"{NBSP}» [1]")
    await harness.say("/lang en")
    [reply] = await harness.say("What is supervised learning?")
    quote = reply.text.split("\n\n")[1]
    assert quote.startswith("“") and quote.endswith("” [1]") and "«" not in reply.text
