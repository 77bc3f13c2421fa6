"""The main content of a web page: its article, without the site around it (menus, bylines, category links, footer)."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Tag
from markdownify import markdownify

# Never content, wherever they sit.
_NEVER = ["script", "style", "noscript", "template", "svg", "canvas", "iframe", "form", "button", "nav", "aside"]
_NEVER += ["footer", "address", "dialog", "menu"]
_NOT_CONTENT_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog"}
# Class or id words of the blocks a page adds around an article (WordPress, Drupal and most themes name them so).
_CHROME = re.compile(
    r"(?:^|[-_\s])(?:byline|author|meta|entry-meta|post-meta|posted|published|date|breadcrumbs?|share|sharing|social"
    r"|tags?|tag-links|categor(?:y|ies)|cat-links|related|comments?|cookies?|newsletter|sidebar|widget|skip-link"
    r"|pagination|post-navigation|print|subscribe)(?:$|[-_\s])",
    re.IGNORECASE,
)
_LINK_RELS = {"category", "tag", "author", "prev", "next"}


def page_markdown(html: str) -> tuple[str, dict[str, Any]]:
    """The page's main content as Markdown (text only: links become their words), its title and its language."""
    soup = BeautifulSoup(html, "html.parser")
    meta: dict[str, Any] = {}
    if soup.html is not None and soup.html.get("lang"):
        meta["lang"] = str(soup.html.get("lang"))[:2].lower()
    root = _main(soup)
    _drop_chrome(root)
    heading = root.find("h1")
    title = heading.get_text(" ", strip=True) if heading else ""
    if not title and soup.title is not None:
        title = soup.title.get_text(" ", strip=True)
    if title:
        meta["title"] = title
    text = markdownify(str(root), heading_style="ATX", strip=["a", "img"], bullets="-")
    return re.sub(r"\n{3,}", "\n\n", text).strip(), meta


def _main(soup: BeautifulSoup) -> Tag:
    """The element holding the article: <main>, the one <article>, role=main, else the body."""
    articles = soup.find_all("article")
    candidates = [
        soup.find("main"),
        articles[0] if len(articles) == 1 else None,
        soup.find(True, attrs={"role": "main"}),
        soup.body,
    ]
    return next((c for c in candidates if isinstance(c, Tag)), soup)


def _drop_chrome(root: Tag) -> None:
    for tag in root.find_all(_NEVER):
        tag.decompose()
    for tag in root.find_all(True):
        if tag.decomposed:
            continue
        if _is_chrome(tag):
            tag.decompose()
    for header in root.find_all("header"):  # an article's header: keep its title, drop its byline and dates
        for child in header.find_all(True, recursive=False):
            if child.name not in ("h1", "h2", "h3"):
                child.decompose()
        for stray in header.find_all(string=True, recursive=False):
            stray.extract()
    for tag in root.find_all(["p", "div", "ul", "ol", "span"]):
        if not tag.decomposed and _mostly_links(tag):
            tag.decompose()


def _is_chrome(tag: Tag) -> bool:
    if str(tag.get("role", "")).lower() in _NOT_CONTENT_ROLES or tag.get("aria-hidden") == "true":
        return True
    rel = tag.get("rel")
    if tag.name == "a" and rel and _LINK_RELS & {str(r).lower() for r in rel}:
        return True
    if tag.name in ("main", "article", "body", "html"):
        return False
    names = " ".join([*(str(c) for c in tag.get("class") or []), str(tag.get("id") or "")])
    return bool(names.strip()) and bool(_CHROME.search(names))


def _mostly_links(tag: Tag) -> bool:
    """A short block whose words are almost all link words: a list of categories, tags or related pages."""
    text = tag.get_text(" ", strip=True)
    if not text or len(text) > 300:
        return False
    linked = sum(_letters(a.get_text(" ", strip=True)) for a in tag.find_all("a"))
    return linked > 0 and linked >= 0.7 * _letters(text)


def _letters(text: str) -> int:
    return len(re.sub(r"[\W_]+", "", text))
