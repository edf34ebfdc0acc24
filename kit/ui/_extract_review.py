"""Review widget for draft claims: the text with spans highlighted, rows editable, saved as a ledger CSV.

A draft is a proposal. The reviewer sees where each field came from (the
highlighted spans), fixes or fills the fields, drops false positives, and saves
only when the rows pass the ledger's own contract, so a saved file joins the
ledger without conversion.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as widgets

from kit.core.vocab import CLAIMANT_TYPES, METHODS, OUTCOMES, QUALIFIERS, SOURCE_STATUSES, UNITS, VICTIMS
from kit.extract import DraftClaim, DraftClaims
from kit.ledger import CLAIM_COLUMNS, load_claims
from kit.present import escape_text

if TYPE_CHECKING:
    from kit.ledger import Gazetteer

_CHOICES = {
    "claimant_type": CLAIMANT_TYPES,
    "source_status": SOURCE_STATUSES,
    "qualifier": QUALIFIERS,
    "unit": UNITS,
    "outcome": OUTCOMES,
    "victims": VICTIMS,
    "method": METHODS,
}
_SPAN_CLASSES = ("figure", "claimant", "relay_chain", "qualifier", "outcome", "victims", "places", "period_start",
                 "perpetrator")
#: how much of a long attribution sentence is shown around the claimant
_QUOTE_CHARS = 320
_STYLE = """<style>
.kit-extract {white-space: pre-wrap; font-family: Georgia, serif; line-height: 1.5; max-height: 32em; overflow-y: auto;
  border: 1px solid #ccc; padding: 0.6em;}
.kit-extract mark {background: #f6e7a6; padding: 0 1px;}
.kit-extract mark.sel {background: #f2b84b; outline: 1px solid #a66b00;}
.kit-extract span.claimant {border-bottom: 2px solid #2a6fdb;}
.kit-extract span.relay_chain {border-bottom: 2px dashed #2a6fdb;}
.kit-extract span.period_start {border-bottom: 2px solid #2c9a52;}
.kit-extract span.places {border-bottom: 2px dotted #2c9a52;}
.kit-extract span.outcome, .kit-extract span.victims {font-style: italic; color: #8a2b2b;}
.kit-extract span.qualifier, .kit-extract span.perpetrator {border-bottom: 1px solid #777;}
.kit-extract span.attribution {background: #e8f0fd;}
.kit-attribution {font-family: Georgia, serif; border-left: 3px solid #2a6fdb; padding: 0.2em 0.6em;}
.kit-attribution b.claimant {border-bottom: 2px solid #2a6fdb; font-weight: normal;}
</style>"""


def highlight_html(text: str, drafts: DraftClaims, selected: int | None = None) -> str:
    """The text as HTML, every figure marked and the selected draft's field spans underlined.

    All text is escaped: an article containing markup or script shows as text.
    """
    marks: list[tuple[int, int, str]] = []
    for i, d in enumerate(drafts):
        if d.figure_span[1] > d.figure_span[0]:  # rows added by the reviewer have no span
            marks.append((d.figure_span[0], d.figure_span[1], "sel" if i == selected else f"fig c{i}"))
    if selected is not None and 0 <= selected < len(drafts):
        for col, spans in drafts[selected].spans.items():
            if col in _SPAN_CLASSES:
                marks += [(s, e, col) for s, e in spans if 0 <= s < e <= len(text)]
        a_s, a_e = drafts[selected].attribution_span
        if 0 <= a_s < a_e <= len(text):
            marks.append((a_s, a_e, "attribution"))
    bounds = sorted({0, len(text), *[m[0] for m in marks], *[m[1] for m in marks]})
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = str(escape_text(text[a:b]))
        active = [m for m in marks if m[0] <= a and b <= m[1]]
        for s, e, cls in sorted(active, key=lambda m: m[1] - m[0]):
            title = ""
            if cls in ("sel",) or cls.startswith("fig"):
                idx = next((i for i, d in enumerate(drafts) if d.figure_span == (s, e)), None)
                if idx is not None:
                    title = str(escape_text(f"draft {idx}: {drafts[idx].row['claim_id']}"))
                tag = f'<mark class="{escape_text(cls)}" title="{title}">'
                piece = f"{tag}{piece}</mark>"
            else:
                piece = f'<span class="{escape_text(cls)}" title="{escape_text(cls)}">{piece}</span>'
        out.append(piece)
    return _STYLE + '<div class="kit-extract">' + "".join(out) + "</div>"


def attribution_html(text: str, draft: DraftClaim) -> str:
    """The sentence that supplied the draft's claimant, its name marked: why the extractor chose it.

    The claimant often comes from another sentence than the figure's ("the
    network said" two sentences later, a source named in the paragraph
    before); the reviewer sees that sentence, escaped, beside the fields.
    """
    if not draft.row["claimant"]:
        return "<i>No claimant: the text names no source for this figure.</i>"
    start, end = draft.attribution_span
    if not 0 <= start < end <= len(text):
        return str(escape_text(f"Claimant: {draft.row['claimant']} (not read from a sentence of the text)."))
    names = sorted((s, e) for s, e in draft.spans.get("claimant", []) if start <= s < e <= end)
    if end - start > _QUOTE_CHARS:  # a long sentence: the part around the claimant's name
        centre = names[0][0] if names else start
        start = max(start, centre - _QUOTE_CHARS // 2)
        end = min(end, start + _QUOTE_CHARS)
        names = [(s, e) for s, e in names if start <= s and e <= end]
    parts, pos = [], start
    for s, e in names:
        if s < pos:
            continue
        parts += [str(escape_text(text[pos:s])), f'<b class="claimant">{escape_text(text[s:e])}</b>']
        pos = e
    parts.append(str(escape_text(text[pos:end])))
    where = "the figure's own sentence" if draft.attribution_span == draft.sentence_span else "another sentence"
    out = (f"<b>Claimant</b> {escape_text(draft.row['claimant'])} <i>(from {where}):</i>"
           f'<div class="kit-attribution">{"".join(parts).strip()}</div>')
    elsewhere = [(s, e) for s, e in draft.spans.get("claimant", []) if not start <= s < end and 0 <= s < e <= len(text)]
    if elsewhere and names:  # "it", "the network": where the source it refers to was named
        s, e = elsewhere[0]
        a = max(text.rfind(".", 0, s), text.rfind("\n", 0, s)) + 1
        z = min((i for i in (text.find(".", e), text.find("\n", e)) if i >= 0), default=len(text))
        a, z = max(a, s - _QUOTE_CHARS // 2), min(z + 1, e + _QUOTE_CHARS // 2)
        quote = (f"{escape_text(text[a:s].lstrip())}<b class=\"claimant\">{escape_text(text[s:e])}</b>"
                 f"{escape_text(text[e:z])}")
        out += (f"<i>'{escape_text(text[names[0][0]:names[0][1]])}' refers to the source named here:</i>"
                f'<div class="kit-attribution">{quote}</div>')
    return out


class ExtractReview:
    """Review draft claims from one text and save them as a ledger CSV.

    Widgets (for tests and notebooks): `selector` picks a draft; `fields[col]`
    edits a column of the selected draft; `include` keeps or drops it; `path`
    and `save_button` write the file; `status` reports problems or success;
    `text_html` shows the highlighted text. `ui` is the whole widget.
    """

    def __init__(
        self,
        drafts: DraftClaims,
        *,
        path: str | Path = "draft_claims.csv",
        gazetteer: Gazetteer | None = None,
        known_ids: Iterable[str] | None = None,
    ) -> None:
        self.drafts = drafts
        self.gazetteer = gazetteer
        self.known_ids = set(known_ids) if known_ids is not None else None  # None: the ids in data/claims
        self.included = [True] * len(drafts)
        self._loading = False
        self.columns = list(CLAIM_COLUMNS)
        self.text_html = widgets.HTML()
        self.selector = widgets.Dropdown(description="draft", options=self._options(), value=0 if drafts else None)
        self.include = widgets.Checkbox(description="include in ledger", value=True)
        self.fields: dict[str, widgets.ValueWidget] = {}
        for col in self.columns:
            if col in _CHOICES:
                w: widgets.ValueWidget = widgets.Dropdown(description=col, options=("", *_CHOICES[col]), value="")
            elif col == "note":
                w = widgets.Textarea(description=col, value="", layout=widgets.Layout(height="6em"))
            else:
                w = widgets.Text(description=col, value="")
            w.observe(self._on_edit, names="value")
            self.fields[col] = w
        self.confidence = widgets.HTML()
        self.attribution = widgets.HTML()  # the sentence that supplied the claimant
        self.vague = widgets.HTML(self._vague_html())
        self.path = widgets.Text(description="save to", value=str(path))
        self.add_button = widgets.Button(description="Add a row", tooltip="a figure the extractor missed")
        self.add_button.on_click(lambda _b: self.add_row())
        self.save_button = widgets.Button(description="Validate and save", button_style="primary")
        self.save_button.on_click(lambda _b: self.save())
        self.status = widgets.HTML()
        self.selector.observe(lambda _c: self._load_selected(), names="value")
        self.include.observe(self._on_include, names="value")
        form = widgets.VBox([widgets.HBox([self.selector, self.add_button]), self.include, self.confidence,
                             self.attribution, self.vague,
                             *[self.fields[c] for c in self.columns], self.path, self.save_button, self.status])
        self.ui = widgets.HBox([widgets.Box([self.text_html], layout=widgets.Layout(width="55%")), form])
        self._load_selected()

    # -- state ---------------------------------------------------------------
    def _options(self) -> list[tuple[str, int]]:
        out = []
        for i, d in enumerate(self.drafts):
            r = d.row
            fig = r["low"] if r["low"] == r["high"] else f"{r['low']}–{r['high']}"
            mark = "" if not d.missing else f" (to fill: {len(d.missing)})"
            out.append((f"{i}: {fig} {r['claimant'] or '?'}{mark}", i))
        return out

    @property
    def selected(self) -> int | None:
        return self.selector.value

    def _load_selected(self) -> None:
        i = self.selected
        self._loading = True
        try:
            if i is None:
                for w in self.fields.values():
                    w.value = ""
                self.confidence.value = "No casualty figures were found in this text."
                self.attribution.value = ""
            else:
                d = self.drafts[i]
                for col, w in self.fields.items():
                    w.value = d.row[col]
                self.include.value = self.included[i]
                self.confidence.value = self._confidence_html(i)
                self.attribution.value = attribution_html(self.drafts.text, d)
        finally:
            self._loading = False
        self.text_html.value = highlight_html(self.drafts.text, self.drafts, i)

    def _confidence_html(self, i: int) -> str:
        d = self.drafts[i]
        low = [f"{escape_text(c)} {d.confidence[c]:.2f}" for c in self.columns
               if d.row[c] and d.confidence.get(c, 0) < 0.7]
        parts = []
        if d.missing:
            parts.append(f"<b>to fill:</b> {escape_text(', '.join(d.missing))}")
        if low:
            parts.append("<b>check (low confidence):</b> " + ", ".join(low))
        return "<br>".join(parts) or "all required fields filled"

    def _vague_html(self) -> str:
        """Vague quantities the text states: shown with their claimant, never drafted (no invented range)."""
        items = [f"<li>'{escape_text(v.text)}' ({escape_text(v.claimant or 'no source named')})</li>"
                 for v in self.drafts.vague]
        return f"<b>Also stated, vague (not drafted):</b><ul>{''.join(items)}</ul>" if items else ""

    def _on_edit(self, change: dict[str, object]) -> None:
        if self._loading or self.selected is None:
            return
        owner = change["owner"]
        col = next(c for c, w in self.fields.items() if w is owner)
        self.drafts[self.selected].set(col, str(change["new"] or ""))
        self.confidence.value = self._confidence_html(self.selected)
        self.attribution.value = attribution_html(self.drafts.text, self.drafts[self.selected])
        self.selector.options = self._options()

    def _on_include(self, change: dict[str, object]) -> None:
        if self._loading or self.selected is None:
            return
        self.included[self.selected] = bool(change["new"])

    def add_row(self) -> int:
        """An empty draft for a figure the extractor missed; the reviewer fills every field."""
        row = {c: "" for c in self.columns}
        n = len(self.drafts)
        row.update(claim_id=f"manual-{self.drafts.published.replace('-', '')}-{n + 1}", qualifier="none",
                   unit="persons", published=self.drafts.published,
                   note="Added by the reviewer: not found by the extractor.")
        draft = DraftClaim.manual(row)
        self.drafts.append(draft)
        self.included.append(True)
        self.selector.options = self._options()
        self.selector.value = n
        return n

    # -- saving ---------------------------------------------------------------
    def kept(self) -> DraftClaims:
        return DraftClaims([d for d, keep in zip(self.drafts, self.included, strict=True) if keep],
                           text=self.drafts.text, published=self.drafts.published, publisher=self.drafts.publisher,
                           vague=self.drafts.vague)

    def save(self) -> Path | None:
        """Write the kept rows if they pass the ledger contract; otherwise list the problems."""
        kept = self.kept()
        if not kept:
            self.status.value = "Nothing to save: every draft is excluded."
            return None
        target = Path(self.path.value).expanduser()
        result = kept.validate(gazetteer=self.gazetteer, known_ids=self.known_ids, file=str(target))
        if result.problems:
            items = "".join(f"<li>{escape_text(str(p))}</li>" for p in result.problems[:50])
            self.status.value = f"<b>Not saved: {len(result.problems)} problem(s)</b><ul>{items}</ul>"
            return None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            kept.to_csv(str(target))
        except OSError as exc:
            self.status.value = str(escape_text(f"Not saved: {target}: {exc.strerror}"))
            return None
        check = load_claims([target], gazetteer=self.gazetteer)
        if check.problems:  # pragma: no cover - validate and load share one contract
            self.status.value = str(escape_text(f"Saved, but the file does not load cleanly: {check.problems[0]}"))
            return target
        self.status.value = str(escape_text(f"Saved {check.rows_loaded} row(s) to {target}"))
        return target

    def _ipython_display_(self) -> None:  # pragma: no cover - notebook display
        from IPython.display import display

        display(self.ui)
