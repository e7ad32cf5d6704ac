"""Rich text of posts: what markup an editor may write, and the plain text of it.

``html_clean`` keeps an allowlist of structural tags (paragraphs, emphasis, links, lists,
quotes, subheadings, code, rules and simple tables) and drops everything else: scripts and
styles with their content, event handler and ``style`` attributes, images, frames, forms,
SVG and MathML. Links keep ``href`` and ``title`` only, to ``http``, ``https`` and ``mailto``
addresses or to pages of this site (relative addresses); entity-encoded or whitespace-hidden
``javascript:`` and ``data:`` addresses are recognized by the HTML parser (html5ever, through
nh3) and removed. Every link gets ``rel="noopener noreferrer nofollow"``.

The text itself is left exactly as written: Persian and Arabic letters, ZWNJ, diacritics and
digits go through unchanged (search normalizes its own copy, never the shown text).

Where it runs: the post services clean the body on every write, so the stored body is always
clean and pages, feeds and the API show it as it is stored (``|safe`` in templates). Cleaning
again at render time would cost every page view to guard against rows written around the
services; the tests check instead that what a hostile submission leaves in the database is
clean.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "s",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h2",
        "h3",
        "h4",
        "code",
        "pre",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Tags removed together with everything inside them (the others lose the tag, keep the text).
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "noscript",
        "template",
        "svg",
        "math",
        "select",
        "textarea",
        "title",
    }
)

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def html_clean(text: str | None) -> str:
    """The body's HTML with only the allowed markup left (see the module's docstring)."""
    if not text:
        return ""
    return _cleaner.clean(str(text)).strip()


# Elements after which plain text starts a new line.
_BLOCKS = frozenset(
    {
        "p",
        "br",
        "div",
        "li",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "hr",
        "tr",
        "table",
        "ul",
        "ol",
    }
)
_CELLS = frozenset({"td", "th"})
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\s*\n\s*")


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def html_text(text: str | None) -> str:
    """The plain text of a body, for summaries, search and feeds' short texts.

    The markup is cleaned first (so the content of scripts and styles never shows), blocks
    become lines, runs of spaces one space, and entities their characters (once: an escaped
    entity typed as text stays text).
    """
    cleaned = html_clean(text)
    if not cleaned:
        return ""
    parser = _TextParser()
    parser.feed(cleaned)
    parser.close()
    joined = _SPACES.sub(" ", "".join(parser.parts).replace("\xa0", " "))
    return _LINES.sub("\n", joined).strip()


def text_excerpt(text: str | None, limit: int = 300) -> str:
    """The first ``limit`` characters of a plain text on one line, cut at a word, with "…"."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(" ،,.;؛:") + "…"
