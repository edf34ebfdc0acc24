"""Escaping helpers for every place where data text lands in a report.

Ledger rows, incident descriptions and URLs come from outside; a report is
opened by readers who must be able to trust that it runs nothing but charts.
So data is escaped by default and only text that was built here (marked with
markupsafe's ``__html__`` protocol) passes through unchanged. This module is
the only place in the kit that builds an ``<a>`` tag; which URLs may become
links is decided once, by `kit.core.safe_url`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import pandas as pd
from markupsafe import Markup

from kit.core import safe_url
from kit.present._format import is_missing

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: The one `rel` of every outside link: no access to the report (noopener), no referrer, no endorsement.
LINK_REL = "noopener noreferrer nofollow"


def _plain(value: object) -> str:
    """A readable string for a cell value (dates without midnight, tuples joined)."""
    if is_missing(value):
        return ""
    if isinstance(value, pd.Timestamp | datetime):
        ts = pd.Timestamp(value)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple | list):
        return "; ".join(_plain(v) for v in value)
    return str(value)


def escape_text(value: object) -> Markup:
    """HTML-escape any value; values already marked safe (``__html__``) pass through."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(html.escape(_plain(value), quote=True))


def safe_link(url: object, text: object = None) -> Markup:
    """An ``<a>`` for an http(s) URL, else the escaped text (or URL) without a link.

    Why: hostile or broken URLs must stay visible as text for the reader to
    judge, but must never become clickable.
    """
    label = text
    if label is None or (not hasattr(label, "__html__") and not _plain(label)):
        label = _plain(url)  # an empty label would make an invisible link
    checked = safe_url(url)
    if checked is None:
        return escape_text(label)
    href = html.escape(checked, quote=True)
    return Markup(f'<a href="{href}" rel="{LINK_REL}" target="_blank">{escape_text(label)}</a>')


def file_link(name: object, text: object) -> Markup:
    """An ``<a>`` to a file beside the page (a report in its index), by bare file name only.

    Why: the name comes from a manifest on disk; anything but a plain file
    name (a path, a scheme) stays text.
    """
    if not isinstance(name, str) or not _FILE_NAME.match(name):
        return escape_text(text)
    return Markup(f'<a href="{html.escape(name, quote=True)}">{escape_text(text)}</a>')


_ANCHOR = re.compile(r"^[a-z][a-z0-9-]*$")


def anchor_link(anchor: str, text: object) -> Markup:
    """An ``<a href="#anchor">`` to a section of the same page (a finding to the section that shows it).

    Why here: the one place that builds links; the anchor must be a plain
    lower-case id, so no data can smuggle a scheme or a quote into the href.
    """
    if not _ANCHOR.match(anchor):
        raise ValueError(f"section anchor must be lower-case letters, digits and '-': {anchor!r}")
    return Markup(f'<a href="#{anchor}">{escape_text(text)}</a>')


def escape_markdown(value: object) -> str:
    """Escape a value for Markdown: HTML entities, Markdown syntax, one line.

    Why: Markdown renderers pass raw HTML through, so a ledger note with
    ``<script>`` would run; line breaks could also open headings or lists.
    """
    if hasattr(value, "__html__"):
        return str(Markup(value))
    text = " ".join(_plain(value).splitlines())
    # quote=False: entities like &#x27; would contain "#", which is escaped next
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


class _HTML:
    """Minimal display object: IPython renders ``_repr_html_``; ``str()`` gives the HTML."""

    def __init__(self, data: str) -> None:
        self.data = data

    def _repr_html_(self) -> str:
        return self.data

    def __html__(self) -> str:
        return self.data

    def __str__(self) -> str:
        return self.data

    def __repr__(self) -> str:
        return f"<kit HTML, {len(self.data)} chars>"


_TABLE_CSS = (
    "<style>.kit-table{border-collapse:collapse;font-size:0.9em;margin:0.5em 0}"
    ".kit-table th,.kit-table td{border:1px solid #ccc;padding:2px 6px;vertical-align:top;"
    "max-width:40em;overflow-wrap:anywhere;text-align:start}"
    ".kit-table th{background:#f3f3f3}.kit-table caption{text-align:start;font-weight:bold}</style>"
)


def html_table(
    df: pd.DataFrame,
    link_columns: Sequence[str] | Mapping[str, str] = (),
    *,
    columns: Sequence[str] | None = None,
    caption: str | None = None,
    max_chars: int | None = 500,
    index: bool = False,
) -> _HTML:
    """An escaped HTML table of `df` for reports.

    `link_columns` names URL columns rendered through `safe_link`; a mapping
    ``{url_column: text_column}`` uses another column as the link text. Cells
    longer than `max_chars` are cut with an ellipsis and keep the full text in
    a ``title`` attribute (escaped). Every cell has ``dir="auto"`` so Arabic or
    Hebrew text reads right to left without reordering its neighbours.
    """
    links: Mapping[str, str | None] = (
        dict(link_columns) if isinstance(link_columns, Mapping) else {c: None for c in link_columns}
    )
    shown = list(columns) if columns is not None else [c for c in df.columns if c not in links.values() or c in links]
    missing = [c for c in [*shown, *links, *(v for v in links.values() if v)] if c not in df.columns]
    if missing:
        raise KeyError(f"html_table: columns not in the frame: {', '.join(map(str, missing))}")
    out: list[str] = [_TABLE_CSS, '<table class="kit-table">']
    if caption:
        out.append(f"<caption>{escape_text(caption)}</caption>")
    head = (["<th></th>"] if index else []) + [f'<th dir="auto">{escape_text(c)}</th>' for c in shown]
    out.append("<thead><tr>" + "".join(head) + "</tr></thead><tbody>")
    for idx, row in df.iterrows():
        cells = [f'<th dir="auto">{escape_text(idx)}</th>'] if index else []
        for col in shown:
            value = row[col]
            if col in links:
                text_col = links[col]
                label = row[text_col] if text_col else value
                cell = safe_link(value, _cut(label, max_chars)[0])
                title = ""
            else:
                shortened, was_cut = _cut(value, max_chars)
                cell = escape_text(shortened)
                title = f' title="{escape_text(value)}"' if was_cut else ""
            cells.append(f'<td dir="auto"{title}>{cell}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return _HTML("".join(out))


def _cut(value: object, max_chars: int | None) -> tuple[object, bool]:
    if max_chars is None or hasattr(value, "__html__"):
        return value, False
    text = _plain(value)
    if len(text) <= max_chars:
        return value, False
    return text[: max_chars - 1] + "\u2026", True


class _Markdown:
    """Display object for Markdown text (IPython uses ``_repr_markdown_``)."""

    def __init__(self, data: str) -> None:
        self.data = data

    def _repr_markdown_(self) -> str:
        return self.data

    def __str__(self) -> str:
        return self.data

    def __repr__(self) -> str:
        return f"<kit Markdown, {len(self.data)} chars>"


def md(template: str, /, *args: object, **values: object) -> _Markdown:
    """Markdown from a trusted `template` with data values escaped.

    ``md("**{claimant}** said {low:,}", claimant=row.claimant, low=row.low)``
    escapes every string value for HTML and Markdown; numbers keep their
    format spec; values from `safe_link` stay links.
    """
    return _Markdown(template.format(*map(_md_value, args), **{k: _md_value(v) for k, v in values.items()}))


class _MdValue:
    """Wraps a value so ``format`` specs on numbers still work after escaping."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        value = self.value
        if spec and isinstance(value, int | float) and not isinstance(value, bool):
            return escape_markdown(format(value, spec))
        return escape_markdown(value)


def _md_value(value: object) -> _MdValue:
    return _MdValue(value)

