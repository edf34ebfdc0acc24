"""A widget to review candidate incident pairs and record accept/reject decisions.

Automated matching is judgement-heavy (Spagat & Dougherty), so a person must be
able to look at each candidate pair (both records side by side, the reasons in
words) and overrule the algorithm. Every click is appended to a decisions CSV
(`kit.match.DECISION_COLUMNS`), which `match_incidents(..., decisions=path)`
re-applies on the next run: a rerun never loses a human decision.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from kit.match import MatchResult, append_decisions, explain_weights, load_decisions
from kit.present import escape_text, safe_link, safe_url, short_text

#: Which candidate pairs the list shows.
REVIEW_FILTERS: dict[str, str] = {
    "undecided": "not yet decided by a reviewer",
    "matched": "matched automatically or accepted",
    "unmatched": "candidates not matched (below threshold, outscored, ...)",
    "decided": "decided by a reviewer",
    "all": "every candidate pair",
}

_FIELDS = (
    ("source_id", "id"),
    ("date_start", "date from"),
    ("date_end", "date to"),
    ("date_precision", "date precision"),
    ("place_name", "place"),
    ("governorate", "governorate"),
    ("lat", "lat"),
    ("lon", "lon"),
    ("location_precision", "location precision"),
    ("perpetrators", "alleged perpetrators"),
    ("civilians_killed_low", "civilians killed (low)"),
    ("civilians_killed_high", "civilians killed (high)"),
    ("grade", "source grade"),
    ("belligerent_verdict", "belligerent verdict"),
    ("strike_count", "strike count"),
    ("merged_ids", "merged rows"),
    ("source_file", "file"),
    ("source_line", "line"),
)


def _cell(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp):  # NaT is not a Timestamp: it falls through to the text below
        return value.strftime("%Y-%m-%d")
    return str(escape_text(short_text(value, 200)))


def weights_html(result: MatchResult) -> str:
    """The learned Fellegi–Sunter weights in words (empty for the rules score), so a reviewer sees why a pair scores."""
    if result.model is None:
        return ""
    table = explain_weights(result)
    items = "".join(
        f"<li><b>{escape_text(str(r.comparison))}</b>: {escape_text(str(r.in_words))} "
        f"(weight {r.match_weight:+.1f})</li>"
        for r in table.itertuples(index=False)
    )
    return (
        "<details><summary>How the Fellegi–Sunter weights were learned (m and u by EM, Splink)</summary>"
        f"<p>Each pair starts from the chance that two random records match ({result.model.prior:.2g}) and adds "
        "the weight of each comparison's level; weight = log2(m/u), where m is how often the level occurs "
        "among true matches and u among random pairs.</p>"
        f"<ul>{items}</ul></details>"
    )


class MatchReview(widgets.VBox):
    """Candidate pairs with accept / reject buttons; decisions go to `decisions_path`.

    Set `reviewer` (and optionally `note`) before clicking; the list advances to
    the next pair after each decision. `decisions` holds the latest decision per
    pair, including those made in earlier sessions.
    """

    def __init__(
        self,
        result: MatchResult,
        decisions_path: str | Path,
        *,
        reviewer: str = "",
        show: str = "undecided",
        max_rows: int = 500,
    ) -> None:
        if show not in REVIEW_FILTERS:
            raise ValueError(f"show must be one of {', '.join(REVIEW_FILTERS)}")
        self.result = result
        self.path = Path(decisions_path)
        self.max_rows = max_rows
        self.decisions = load_decisions(self.path)
        self._cands = result.candidates.reset_index(drop=True)
        self._rows_a = {
            (str(s), str(i)): k
            for k, (s, i) in enumerate(zip(result.a["source"], result.a["source_id"], strict=True))
        }
        self._rows_b = {
            (str(s), str(i)): k
            for k, (s, i) in enumerate(zip(result.b["source"], result.b["source_id"], strict=True))
        }

        self.show = widgets.Dropdown(
            options=[(f"{k}: {v}", k) for k, v in REVIEW_FILTERS.items()], value=show, description="show",
            layout=widgets.Layout(width="32em"),
        )
        self.search = widgets.Text(description="find", placeholder="id, place or date (any part)")
        self.count = widgets.HTML()
        self.pairs = widgets.Select(options=[], rows=10, description="pairs", layout=widgets.Layout(width="100%"))
        self.detail = widgets.HTML()
        self.reviewer = widgets.Text(value=reviewer, description="reviewer", placeholder="your name")
        self.note = widgets.Text(description="note", placeholder="why (optional)")
        self.accept = widgets.Button(description="Accept match", button_style="success", icon="check")
        self.reject = widgets.Button(description="Reject match", button_style="danger", icon="times")
        self.message = widgets.HTML()
        self.weights = widgets.HTML(weights_html(result))
        self.accept.on_click(lambda _b: self.decide("accept"))
        self.reject.on_click(lambda _b: self.decide("reject"))
        self.show.observe(lambda _c: self._refresh(), names="value")
        self.search.observe(lambda _c: self._refresh(), names="value")
        self.pairs.observe(lambda _c: self._render(), names="value")
        super().__init__(
            [
                widgets.HBox([self.show, self.search]),
                self.count,
                self.pairs,
                self.detail,
                self.weights,
                widgets.HBox([self.reviewer, self.note]),
                widgets.HBox([self.accept, self.reject]),
                self.message,
            ]
        )
        self._refresh()

    # -- state ------------------------------------------------------------------
    def _decision(self, row: pd.Series) -> pd.Series | None:
        d = self.decisions
        hit = d[
            (d["source_a"] == str(row["source_a"]))
            & (d["id_a"] == str(row["id_a"]))
            & (d["source_b"] == str(row["source_b"]))
            & (d["id_b"] == str(row["id_b"]))
        ]
        return None if hit.empty else hit.iloc[-1]

    def _visible(self) -> list[int]:
        c = self._cands
        d = self.decisions
        keys = set(zip(d["source_a"], d["id_a"], d["source_b"], d["id_b"], strict=True))
        decided = pd.Series(
            [
                (str(a), str(i), str(b), str(j)) in keys
                for a, i, b, j in zip(c["source_a"], c["id_a"], c["source_b"], c["id_b"], strict=True)
            ],
            dtype=bool,
        )
        matched = c["status"].isin(["matched", "accepted"])
        mask = {
            "undecided": ~decided,
            "matched": matched,
            "unmatched": ~matched,
            "decided": decided,
            "all": pd.Series(True, index=c.index),
        }[self.show.value]
        needle = self.search.value.strip().lower()
        if needle:
            text = (c["id_a"] + " " + c["id_b"] + " " + c["place_a"] + " " + c["place_b"] + " " + c["date_a"]
                    + " " + c["date_b"]).str.lower()
            mask = mask & text.str.contains(needle, regex=False)
        return c.index[mask.to_numpy()].tolist()

    def _label(self, k: int) -> str:
        r = self._cands.iloc[k]  # a RangeIndex (reset in __init__): label k is position k
        d = self._decision(r)
        mark = f" [{d['decision']}ed]" if d is not None else ""
        return (
            f"{r['score']:.2f} {r['status']}{mark} · {r['source_a']}:{r['id_a']} ({r['date_a']})"
            f" ↔ {r['source_b']}:{r['id_b']} ({r['date_b']})"
        )

    def _refresh(self, select: int | None = None) -> None:
        visible = self._visible()
        shown = visible[: self.max_rows]
        if select is not None and select in visible and select not in shown:
            shown = [select, *shown[:-1]]
        more = f", first {len(shown):,} listed: narrow with find" if len(shown) < len(visible) else ""
        self.count.value = f"{len(visible):,} pair(s)" + more
        self.pairs.options = [(self._label(k), k) for k in shown]
        visible = shown
        if select is not None and select in visible:
            self.pairs.value = select
        elif visible:
            self.pairs.value = visible[0]
        self._render()

    @property
    def current(self) -> pd.Series | None:
        """The candidate pair on screen (a row of `result.candidates`)."""
        return None if self.pairs.value is None else self._cands.loc[self.pairs.value]

    # -- view -------------------------------------------------------------------
    def _record(
        self, frame: pd.DataFrame, index: dict[tuple[str, str], int], source: str, sid: str
    ) -> pd.Series | None:
        k = index.get((str(source), str(sid)))
        return None if k is None else frame.iloc[k]

    def _render(self) -> None:
        row = self.current
        if row is None:
            self.detail.value = "<p>No candidate pairs to show with this filter.</p>"
            return
        ra = self._record(self.result.a, self._rows_a, row["source_a"], row["id_a"])
        rb = self._record(self.result.b, self._rows_b, row["source_b"], row["id_b"])
        head = (
            f"<tr><th></th><th>A: {escape_text(str(row['source_a']))}</th>"
            f"<th>B: {escape_text(str(row['source_b']))}</th></tr>"
        )
        body = []
        for col, label in _FIELDS:
            va = _cell(ra.get(col)) if ra is not None else ""
            vb = _cell(rb.get(col)) if rb is not None else ""
            if va or vb:
                body.append(f"<tr><th style='text-align:left'>{label}</th><td>{va}</td><td>{vb}</td></tr>")
        links = []
        for side, rec in (("A", ra), ("B", rb)):
            url = rec.get("url") if rec is not None else None
            links.append(str(safe_link(url, f"{side} source")) if safe_url(url) else f"{side}: no link")
        reasons = "".join(f"<li>{escape_text(part)}</li>" for part in str(row["reasons"]).split("; "))
        d = self._decision(row)
        decided = (
            f"<p><b>Reviewer decision:</b> {escape_text(d['decision'])} by {escape_text(d['reviewer'] or 'unknown')} "
            f"{escape_text(d['decided_at'])} {escape_text(d['note'])}</p>"
            if d is not None
            else "<p><b>Reviewer decision:</b> none yet</p>"
        )
        prob = row.get("match_probability")
        fs = f" (match probability {float(prob):.2f})" if prob is not None and pd.notna(prob) else ""
        self.detail.value = (
            f"<p><b>score {row['score']:.2f}</b>{fs} · status <b>{escape_text(str(row['status']))}</b> · "
            f"{' · '.join(links)}</p>"
            f"<table>{head}{''.join(body)}</table>"
            f"<p><b>Why these may be the same event:</b></p><ul>{reasons}</ul>{decided}"
        )

    # -- actions ----------------------------------------------------------------
    def decide(self, decision: str) -> None:
        """Record `accept` or `reject` for the pair on screen and move to the next one."""
        row = self.current
        if row is None:
            self.message.value = "Nothing selected."
            return
        entry = {
            "source_a": str(row["source_a"]),
            "id_a": str(row["id_a"]),
            "source_b": str(row["source_b"]),
            "id_b": str(row["id_b"]),
            "decision": decision,
            "reviewer": self.reviewer.value.strip(),
            "decided_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "note": self.note.value.strip(),
        }
        append_decisions(self.path, [entry])
        self.decisions = load_decisions(self.path)
        visible = self._visible()
        here = self.pairs.value
        after = [k for k in visible if k > here] if here is not None else visible
        self.note.value = ""
        self.message.value = (
            f"Saved: {decision} {escape_text(entry['id_a'])} ↔ {escape_text(entry['id_b'])}"
            f" to {escape_text(str(self.path))}. "
            "Re-run match_incidents(..., decisions=path) to apply."
        )
        self._refresh(select=after[0] if after else None)
