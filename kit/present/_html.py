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
#: Bidirectional controls (ALM, LRM, RLM, embeddings, overrides, isolates): they reorder what a reader sees
#: (a right-to-left override makes `fdp.exe` read `exe.pdf`), so report text drops them.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
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
    return _BIDI.sub("", str(value))


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
    "<style>.kit-table-wrap{overflow-x:auto;max-width:100%}"
    ".kit-table{border-collapse:collapse;font-size:0.9em;margin:0.5em 0}"
    ".kit-table th,.kit-table td{border:1px solid #ccc;padding:2px 6px;vertical-align:top;"
    "max-width:26em;text-align:start}"
    ".kit-table td.kit-num{white-space:nowrap;font-variant-numeric:tabular-nums}"
    "@media (max-width:600px){.kit-table .kit-name{max-width:9.5em;overflow-wrap:break-word}}"
    ".kit-table th{background:#f3f3f3}.kit-table caption{text-align:start;font-weight:bold}</style>"
)
#: A cell this short with a digit in it is a number, a date or a range: it never wraps ("17,04 9").
_NUMBER_CHARS = 26
#: Repeated long text in a column is stated once; rows below say "same as above".
_REPEAT_CHARS = 40
#: Columns that name who said or did something: written in full on every row (a name is never
#: "same as above") and wrapped to a narrow column on a phone, so the figure beside it stays in view.
NAME_COLUMNS: tuple[str, ...] = ("claimant", "by")
_NAME_CLASS = ' class="kit-name"'


def html_table(
    df: pd.DataFrame,
    link_columns: Sequence[str] | Mapping[str, str] = (),
    *,
    columns: Sequence[str] | None = None,
    caption: str | None = None,
    max_chars: int | None = 2000,
    index: bool = False,
    fold_chars: int | None = 160,
    row_titles: Sequence[object] | None = None,
    sortable: bool = False,
    fold_rows: int | None = 12,
    name_columns: Sequence[str] = NAME_COLUMNS,
) -> _HTML:
    """An escaped HTML table of `df` for reports, in its own sideways-scrolling box.

    `link_columns` names URL columns rendered through `safe_link`; a mapping
    ``{url_column: text_column}`` uses another column as the link text. Text
    longer than `fold_chars` is folded in a ``<details>`` (its opening words
    as the summary); text longer than `max_chars` is cut with an ellipsis and
    keeps the full text in a ``title`` attribute (escaped). Short cells with a
    digit never wrap; a long text equal to the one above it reads "same as
    above". `row_titles` become each row's tooltip (where internal ids go,
    never into a column); `sortable` lets readers sort and filter the rows in
    the browser (the report's own script). A table longer than `fold_rows`
    rows is folded in a ``<details>`` that names its size. `name_columns` hold names: written in full on every
    row and wrapped narrow on a phone. Every cell has ``dir="auto"`` so
    Arabic or Hebrew text reads right to left without reordering its neighbours.
    """
    links: Mapping[str, str | None] = (
        dict(link_columns) if isinstance(link_columns, Mapping) else {c: None for c in link_columns}
    )
    shown = list(columns) if columns is not None else [c for c in df.columns if c not in links.values() or c in links]
    missing = [c for c in [*shown, *links, *(v for v in links.values() if v)] if c not in df.columns]
    if missing:
        raise KeyError(f"html_table: columns not in the frame: {', '.join(map(str, missing))}")
    if row_titles is not None and len(row_titles) != len(df):
        raise ValueError(f"html_table: {len(row_titles)} row titles for {len(df)} rows")
    klass = "kit-table kit-sortable" if sortable else "kit-table"
    out: list[str] = [_TABLE_CSS, f'<div class="kit-table-wrap"><table class="{klass}">']
    if caption:
        out.append(f"<caption>{escape_text(caption)}</caption>")
    names = set(name_columns)
    head = (["<th></th>"] if index else []) + [
        f'<th dir="auto"{_NAME_CLASS if c in names else ""}>{escape_text(c)}</th>' for c in shown]
    out.append("<thead><tr>" + "".join(head) + "</tr></thead><tbody>")
    above: dict[str, str] = {}
    for n, (idx, row) in enumerate(df.iterrows()):
        cells = [f'<th dir="auto">{escape_text(idx)}</th>'] if index else []
        for col in shown:
            cells.append(_cell(row, col, links, max_chars, fold_chars, None if col in names else above))
        title = "" if row_titles is None else f' title="{escape_text(row_titles[n])}"'
        out.append(f"<tr{title}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    if fold_rows is not None and len(df) > fold_rows:
        what = escape_text(caption) if caption else "the table"
        out.insert(1, f'<details class="kit-fold"><summary>Show {what}: {len(df):,} rows</summary>')
        out.append("</details>")
    return _HTML("".join(out))


def _cell(
    row: pd.Series,
    col: str,
    links: Mapping[str, str | None],
    max_chars: int | None,
    fold_chars: int | None,
    above: dict[str, str] | None,
) -> str:
    """One ``<td>``: a link, a number that never wraps, folded long text, or "same as above".

    `above` is None in a name column: the name is written in full and may wrap narrow.
    """
    value = row[col]
    if col in links:
        text_col = links[col]
        label = row[text_col] if text_col else value
        return f'<td dir="auto">{safe_link(value, _cut(label, max_chars)[0])}</td>'
    text = "" if hasattr(value, "__html__") else _plain(value)
    number = bool(text) and len(text) <= _NUMBER_CHARS and any(ch.isdigit() for ch in text)
    if above is None:
        return f'<td dir="auto"{_NAME_CLASS}>{escape_text(_cut(value, max_chars)[0])}</td>'
    klass = ' class="kit-num"' if number else ""
    repeated = len(text) > _REPEAT_CHARS and above.get(col) == text
    above[col] = text
    if repeated:
        return f'<td dir="auto"><span class="kit-same" title="{escape_text(text)}">same as above</span></td>'
    shortened, was_cut = _cut(value, max_chars)
    title = f' title="{escape_text(value)}"' if was_cut else ""
    if fold_chars is not None and len(text) > fold_chars:
        words = text[:fold_chars // 2].rsplit(" ", 1)[0]
        body = f"<details><summary>{escape_text(words)} …</summary>{escape_text(shortened)}</details>"
        return f'<td dir="auto"{title}>{body}</td>'
    return f'<td dir="auto"{klass}{title}>{escape_text(shortened)}</td>'


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

