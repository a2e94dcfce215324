"""Jinja2 environment and the filters templates use: Markdown, highlighting, links, times."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from mlcatalog.ui.summaries import TYPE_LABELS, urn_id

TEMPLATES = Path(__file__).parent / "templates"
# Raw HTML in descriptions is shown as text, never run: a description is written by anyone with write access.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")


def entity_url(urn: str) -> str:
    return "/entity/" + quote(urn, safe=":,()")


def markdown(text: str | None) -> Markup:
    return Markup(_markdown.render(text or ""))


def highlight(text: str | None, words: list[str]) -> Markup:
    """``text`` escaped, with every word starting with one of ``words`` wrapped in ``<mark>``."""
    if not text:
        return Markup("")
    if not words:
        return escape(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + r")\w*", re.I)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def when(ms: int | None) -> str:
    if not ms:
        return "—"
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def day(ms: int | None) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d") if ms else "—"


def excerpt(text: str | None, length: int = 220) -> str:
    """Plain text of a Markdown description, cut at a word boundary."""
    plain = re.sub(r"(?m)^\s*(?:[-*+]|\d+\.)\s+", "", text or "")  # list markers
    plain = re.sub(r"[#*_`>\[\]]|\(https?://[^)]*\)", "", plain).strip()
    plain = re.sub(r"\s+", " ", plain)
    return plain if len(plain) <= length else plain[:length].rsplit(" ", 1)[0] + "…"


def query_string(params: dict[str, object]) -> str:
    pairs = [
        (k, v) for k, values in params.items() for v in (values if isinstance(values, list) else [values]) if v not in (None, "")
    ]
    return urlencode(pairs)


def toggled(query: str, filters: dict[str, list[str]], facet: str, value: str, page: int | None = None) -> str:
    """The search URL with ``value`` of ``facet`` switched on or off (back to page one)."""
    chosen = {name: list(values) for name, values in filters.items()}
    values = chosen.setdefault(facet, [])
    if value in values:
        values.remove(value)
    elif value:
        values.append(value)
    return "/search?" + query_string({"query": query, **chosen, "page": page})


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.filters.update(
        markdown=markdown, highlight=highlight, when=when, day=day, excerpt=excerpt, urn_id=urn_id, entity_url=entity_url
    )
    env.globals.update(entity_url=entity_url, query_string=query_string, toggled=toggled, type_labels=TYPE_LABELS)
    return templates
