"""Documents as their authors wrote them: French typography's no-break spaces (U+00A0, U+202F) and the other Unicode
spaces reach the index as spaces from every loader, a web page keeps its article and loses the site around it, and a
list stays with the sentence that introduces it.

The French web page is a committed fixture (tests/fixtures/documents); the DOCX, PPTX and PDF are built here: the PDF by
hand, with a ToUnicode map that gives its characters the code points U+00A0, U+202F, U+2007 and U+2009, as word
processors' PDFs do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from pptx import Presentation

from tests.conftest import Harness
from tutor.ingest.chunking import chunk_markdown
from tutor.ingest.loaders import load
from tutor.ingest.unicode_text import clean_text

DOCUMENTS = Path(__file__).parent / "fixtures" / "documents"
PAGE = DOCUMENTS / "programme-caire.html"
NB, NNB, FIGURE, THIN, IDEO = "\u00a0", "\u202f", "\u2007", "\u2009", "\u3000"
# One sentence as French typography writes it: no-break spaces in numbers and names, narrow ones before « : ; ? ! ».
TYPOGRAPHIED = f"Le{NB}programme CAIRE{NB}vise les 1{NNB}000 étudiants{NNB}: une séance dure 10{THIN}minutes{FIGURE}!"
READ_AS = "Le programme CAIRE vise les 1 000 étudiants : une séance dure 10 minutes !"
UNICODE_SPACES = [NB, NNB, FIGURE, THIN, IDEO, "\u2002", "\u2003", "\u205f"]


def unicode_pdf(lines: list[str]) -> bytes:
    """A one-page PDF in Helvetica (WinAnsi), whose ToUnicode map gives three spare codes the code points of the
    narrow no-break, figure and thin spaces (WinAnsi already has the no-break space at 0xA0)."""
    spare = {NNB: 0x81, THIN: 0x8D, FIGURE: 0x8F}

    def encode(line: str) -> bytes:
        raw = b"".join(bytes([spare[c]]) if c in spare else c.encode("cp1252") for c in line)
        return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    text = b"BT /F1 11 Tf 14 TL 72 720 Td " + b" ".join(b"(" + encode(x) + b") Tj T*" for x in lines) + b" ET"
    to_unicode = {0xA0: ord(NB), **{code: ord(char) for char, code in spare.items()}}
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <00> <FF> endcodespacerange\n"
        f"{len(to_unicode)} beginbfchar\n"
        + "".join(f"<{code:02X}> <{point:04X}>\n" for code, point in to_unicode.items())
        + "endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n"
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def write_pdf(folder: Path) -> Path:
    path = folder / "livret.pdf"
    path.write_bytes(
        unicode_pdf(
            [
                TYPOGRAPHIED,
                f"Les modules sont conçus en trois niveaux{NNB}:",
                "• fondamentaux ;",
                "• usage professionnel.",
            ]
        )
    )
    return path


def write_docx(folder: Path) -> Path:
    document = docx.Document()
    document.add_heading("Le programme", level=1)
    document.add_paragraph(TYPOGRAPHIED)
    document.add_paragraph(f"Les modules sont conçus en trois{NB}niveaux{NNB}:")
    for item in ("les fondamentaux ;", "l'usage professionnel ;", "la responsabilité."):
        document.add_paragraph(item, style="List Bullet")
    document.add_paragraph("Chaque séance se termine par un quiz.")
    path = folder / "livret.docx"
    document.save(str(path))
    return path


def write_pptx(folder: Path) -> Path:
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = f"Le programme{NB}CAIRE"
    slide.placeholders[1].text = TYPOGRAPHIED
    path = folder / "diapos.pptx"
    deck.save(str(path))
    return path


def write_markdown(folder: Path) -> Path:
    path = folder / "note.md"
    path.write_text(f"---\ntitle: Note{NB}interne\nlang: fr\n---\n## Le programme {{#programme}}\n\n{TYPOGRAPHIED}\n")
    return path


def write_text(folder: Path) -> Path:
    path = folder / "note.txt"
    path.write_text(f"\ufeff{TYPOGRAPHIED}\r\n", encoding="utf-8")
    return path


def write_html(folder: Path) -> Path:
    path = folder / "page.html"
    path.write_text(f"<html lang='fr'><body><main><p>{TYPOGRAPHIED.replace(NB, '&nbsp;')}</p></main></body></html>")
    return path


@pytest.mark.parametrize("write", [write_pdf, write_docx, write_pptx, write_markdown, write_text, write_html])
def test_every_loader_turns_unicode_spaces_into_spaces(write: Callable[[Path], Path], tmp_path: Path) -> None:
    loaded = load(write(tmp_path))
    chunks = " ".join(section.text for section in chunk_markdown(loaded.markdown))
    assert READ_AS in chunks, chunks
    assert not any(space in loaded.markdown + chunks for space in UNICODE_SPACES)
    assert all(space not in str(loaded.meta.get("title", "")) for space in UNICODE_SPACES)


def test_without_cleaning_the_markdown_splitter_glues_the_words() -> None:
    """Why the loaders clean first: LangChain's splitter keeps printable characters only; no-break spaces are not."""
    from langchain_text_splitters import MarkdownHeaderTextSplitter

    [raw] = MarkdownHeaderTextSplitter([("##", "h2")]).split_text(f"## T\n\n{TYPOGRAPHIED}")
    assert "leprogramme" in raw.page_content.lower()
    assert chunk_markdown(f"## T\n\n{TYPOGRAPHIED}")[0].text == READ_AS


def test_clean_text_keeps_words_and_lines() -> None:
    assert clean_text(f"a{NB}b{NNB}c{THIN}d{IDEO}e\u200bf\u00adg\r\nh\u2028i") == "a b c d efg\nh\ni"


def test_french_page_keeps_its_article_and_drops_the_site_around_it() -> None:
    loaded = load(PAGE)
    text = loaded.markdown
    assert loaded.meta == {"lang": "fr", "title": "Le programme CAIRE à l'Université Exemple"}
    assert "le programme CAIRE vise les 1 000 étudiants de première année de l'Université Exemple :" in text
    assert "Où s'inscrire ? Les inscriptions" in text and "en remplissant le formulaire en ligne." in text
    site = [
        "Aller au contenu",
        "Accueil",
        "Recherche",
        "Publié le",
        "service communication",
        "Catégories",
        "Numérique",
        "Étiquettes",
        "pédagogie",
        "À lire aussi",
        "portes ouvertes",
        "Mentions légales",
        "dataLayer",
        "trackPage",
        "display: flex",
        "/inscription",
    ]
    assert [word for word in site if word in text] == []
    assert not any(space in text for space in UNICODE_SPACES)


def test_page_list_stays_in_the_chunk_of_its_lead_in() -> None:
    sections = chunk_markdown(load(PAGE).markdown)
    [organised] = [s for s in sections if s.section_id == "comment-la-formation-est-organisee"]
    assert organised.text.startswith("Les modules de l'Université Exemple sont conçus en trois niveaux :  \n- Courtes")
    assert "- le niveau 3 s'adresse aux professionnels expérimentés." in organised.text


def test_docx_list_stays_with_its_lead_in(tmp_path: Path) -> None:
    markdown = load(write_docx(tmp_path)).markdown
    assert "trois niveaux :\n- les fondamentaux ;\n- l'usage professionnel ;\n- la responsabilité." in markdown
    [section] = chunk_markdown(markdown)
    assert "niveaux :\n- les fondamentaux ;" in section.text


def test_pdf_bullets_become_a_list_after_their_lead_in(tmp_path: Path) -> None:
    markdown = load(write_pdf(tmp_path)).markdown
    assert "conçus en trois niveaux :\n- fondamentaux ;\n- usage professionnel." in markdown


def test_a_long_section_is_never_cut_between_a_list_and_its_lead_in() -> None:
    before = " ".join(f"Phrase numéro {n} du paragraphe d'ouverture, assez longue pour remplir." for n in range(14))
    items = "\n".join(f"- point {n} de la liste, à garder avec la phrase qui l'annonce ;" for n in range(6))
    markdown = f"## Section {{#s}}\n\n{before}\n\nLa liste suivante résume les règles :\n{items}\n\nFin de section."
    sections = chunk_markdown(markdown, max_chars=600, overlap=150)
    assert len(sections) > 1
    [with_list] = [s for s in sections if "- point 0" in s.text]
    assert "La liste suivante résume les règles :" in with_list.text and "- point 5" in with_list.text
    assert not any(s.text.lstrip().startswith("- point") for s in sections)


async def test_an_ingested_page_is_quoted_with_its_words_apart_and_its_list(harness: Harness) -> None:
    report = harness.app.ingestor.ingest(DOCUMENTS, harness.app.assistant.clock.now())
    assert report.errors == [] and len(report.added) == 1
    [reply] = await harness.say("Comment les modules de l'Université Exemple sont conçus, en combien de niveaux ?")
    assert reply.kind == "answer", reply.text
    assert reply.citations[0].module_id == "programme-caire"
    assert "conçus en trois niveaux :\n– Courtes et modulaires, les séances du niveau 1 durent une heure" in reply.text
    assert "troisniveaux" not in reply.text and "leprogramme" not in reply.text
