"""The "What this shows" panel: a report's findings, computed from its own data and scope (`kit.present.findings`).

Why: a report is read by an editor or an analyst who will not scroll 12,000
pixels for the answer, and fixed prose about numbers goes wrong the moment the
scope changes (a Syria-only render must not repeat the Iraq + Syria answer).
So each finding here is a sentence built from the results `kit.compare` (or
`kit.match`) returned for that scope; none is written by hand. Every finding
links to the report section that shows it and to the sources behind it.

Ratios are never computed here: a finding quotes the ratio interval that
`kit.compare` gave, and when it gave none (the scopes are not comparable, or
the divisor is zero) the finding says why instead. A builder with nothing to
say for a scope returns None, and the panel leaves it out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from kit.compare import select_scope
from kit.core import date_text
from kit.core.vocab import GRADE_ORDER, QUALIFIER_WORDS, VERDICT_LABELS
from kit.present._format import bounded_text, figure_text, format_figure, interval_text, is_missing, lag_text
from kit.present._html import _HTML, anchor_link, escape_text, safe_link

__all__ = [
    "Finding",
    "anchor_finding",
    "comparability_finding",
    "coverage_finding",
    "findings_panel",
    "gap_finding",
    "lag_finding",
    "latest_finding",
    "match_findings",
    "traced_finding",
]


@dataclass(frozen=True)
class Finding:
    """One sentence of the panel, the section that shows it and the sources behind it.

    `sources` are (label, url) pairs shown as links; `claims` are the ledger
    ids behind the sentence, kept for a tooltip and for tests (never shown as text).
    """

    text: str
    section: str = ""
    sources: tuple[tuple[str, str], ...] = ()
    claims: tuple[str, ...] = ()


# --------------------------------------------------------------------------- small words


def _day(value: object) -> str:
    """A date as readers write it ('4 May 2017'), or 'an unknown date'."""
    return date_text(value, "day", missing="an unknown date")


def _ratio(low: object, high: object, open_ends: object = "") -> str | None:
    """The ratio interval kit.compare returned, as far as its figures bound it; None when it returned none."""
    if is_missing(low) or is_missing(high):
        return None
    if math.isinf(float(cast(float, high))):
        return None
    return bounded_text(low, high, open_ends)


def _first_reason(reasons: object) -> str:
    """The first scope reason: reasons are joined with '; ', which may also occur inside their parentheses."""
    text = "" if is_missing(reasons) else str(reasons).strip()
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth <= 0 and text.startswith("; ", i):
            return text[:i]
    return text or "the scope rules give no reason"


def _gist(reasons: object) -> str:
    """The first reason without its parenthesised detail (the section shows the detail)."""
    text, depth, out = _first_reason(reasons), 0, []
    for char in text:
        depth += char == "("
        if depth == 0:
            out.append(char)
        depth -= char == ")" and depth > 0
    return " ".join("".join(out).split())


def _of(name: object) -> str:
    """The possessive of a claimant's name ("Airwars'", "CJTF-OIR's")."""
    text = str(name)
    return f"{text}'" if text.endswith("s") else f"{text}'s"


def _published(row: Mapping[str, Any]) -> str:
    """When a ledger row was published, at its own precision ('4 May 2017', 'May 2017')."""
    return date_text(row.get("published_date"), row.get("published_precision"), missing="an unknown date")


def _side_figure(row: Mapping[str, Any], side: str) -> str:
    """'at least 1,377' from a gap row's `<side>_low/high` (and `<side>_qualifier` when kit.compare gives it)."""
    text = interval_text(row[f"{side}_low"], row[f"{side}_high"], ",.0f")
    word = QUALIFIER_WORDS.get(str(row.get(f"{side}_qualifier", "none")), "")
    return f"{word} {text}" if word else text


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts keyed by the (string) column names."""
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def _sources(rows: Iterable[Mapping[str, Any]]) -> tuple[tuple[str, str], ...]:
    """(claimant, url) of each row, once each, in order."""
    seen: dict[tuple[str, str], None] = {}
    for row in rows:
        url = "" if is_missing(row.get("url")) else str(row.get("url"))
        if url:
            seen[(str(row.get("claimant", "source")), url)] = None
    return tuple(seen)


def _ids(rows: Iterable[Mapping[str, Any]], column: str = "claim_id") -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(r[column]) for r in rows if not is_missing(r.get(column))))


def _comparable(verdict: object, ratio_low: object) -> bool:
    """A row kit.compare judged comparable and gave a ratio for."""
    return str(verdict) != "not_comparable" and not is_missing(ratio_low)


# --------------------------------------------------------------------------- builders


def traced_finding(claims: pd.DataFrame, section: str, *, what: str = "figures") -> Finding | None:
    """How many of a set of figures reached the text second-hand or could not be traced at all."""
    rows = _records(claims)
    if not rows:
        return None
    untraced = [r for r in rows if r.get("source_status") == "untraced"]
    relayed = [r for r in rows if r.get("source_status") == "relayed"]
    parts = []
    if untraced:
        names = ", ".join(dict.fromkeys(f"{r['claimant']} ({figure_text(r)})" for r in untraced))
        parts.append(f"{len(untraced)} could not be traced to a publication of the claimant: {names}")
    if relayed:
        parts.append(f"{len(relayed)} reached it through other outlets")
    if not parts:
        return Finding(f"All {len(rows)} {what} were read at the claimant's own publication.", section,
                       _sources(rows), _ids(rows))
    return Finding(f"Of the {len(rows)} {what}, " + "; ".join(parts) + ".", section, _sources(rows), _ids(rows))


def comparability_finding(
    table: pd.DataFrame, claims: pd.DataFrame, anchor: str, section: str, *, what: str = "other figures"
) -> Finding | None:
    """Which figures `kit.compare.against_anchor` judged not comparable with the anchor, with the first reason."""
    if table.empty:
        return None
    base = _claim(claims, anchor)
    rows = _records(table)
    refused = [r for r in rows if r["verdict"] == "not_comparable"]
    head = f"{_of(base['claimant'])} {figure_text(base)}"
    if not refused:
        return Finding(f"All {len(rows)} {what} can be set against {head}, with the caveats shown.", section,
                       _sources(rows), _ids(rows))
    why = "; ".join(f"{r['claimant']} {figure_text(_claim(claims, r['claim_id']))}: {_gist(r['reasons'])}"
                    for r in refused[:3])
    more = f" (and {len(refused) - 3} more)" if len(refused) > 3 else ""
    return Finding(
        f"{len(refused)} of the {len(rows)} {what} cannot be compared with {head}, so they get no ratio — {why}{more}.",
        section, _sources(refused), _ids(refused),
    )


def anchor_finding(
    table: pd.DataFrame, claims: pd.DataFrame, anchor: str, section: str, *, when: object
) -> Finding | None:
    """The latest figure by another claimant comparable with the anchor on a date, with kit.compare's ratio."""
    base = _claim(claims, anchor)
    others = table[table["claimant"] != base["claimant"]]
    if others.empty:
        return None
    comparable = others[others["verdict"] != "not_comparable"].sort_values(["published", "claim_id"])
    head = f"{_of(base['claimant'])} {figure_text(base)}"
    if comparable.empty:
        return Finding(f"By {_day(when)} no figure by another claimant was comparable with {head}.", section,
                       (), (anchor,))
    row = _records(comparable)[-1]
    claim = _claim(claims, row["claim_id"])
    ratio = _ratio(row["ratio_low"], row["ratio_high"], row.get("ratio_open", ""))
    verdict = VERDICT_LABELS.get(str(row["verdict"]), str(row["verdict"]))
    said = f"{_of(row['claimant'])} latest comparable figure was {figure_text(claim)} (published {_published(claim)})"
    if ratio is None:
        tail = f"no ratio can be given: {_gist(row['reasons'])}"
    else:
        tail = f"{ratio} against {head}, {verdict} ({_gist(row['reasons'])})"
    return Finding(f"By {_day(when)}, {said}: {tail}.", section, _sources([row, base]), (row["claim_id"], anchor))


def gap_finding(gap: pd.DataFrame, section: str, *, scope: str) -> Finding | None:
    """The latest comparable state of a `kit.compare.gap_over_time` series, and when it stopped being comparable."""
    if gap.empty:
        return None
    rows = _records(gap.sort_values("date"))
    a, b = rows[0]["claimant_a"], rows[0]["claimant_b"]
    # a stale date (a figure carried forward past its age) is no current state: only `trend` dates count
    usable = [r for r in rows if _comparable(r["verdict"], r["ratio_low"]) and r.get("trend", True) is not False]
    last = rows[-1]
    claims = _ids([last], "a_claim") + _ids([last], "b_claim")
    if not usable:
        return Finding(
            f"For {scope}, {_of(a)} and {_of(b)} cumulative figures are never comparable, so there is no ratio: "
            f"{_gist(last['reasons'])}.", section, (), claims)
    row = usable[-1]
    gap_text = bounded_text(row["gap_low"], row["gap_high"], row.get("gap_open", ""), kind="gap")
    text = (
        f"For {scope}, on {_day(row['date'])} {a} had published {_side_figure(row, 'a')} and {b} "
        f"{_side_figure(row, 'b')}: a gap of {gap_text}, "
        f"{_of(a)} figure {_ratio(row['ratio_low'], row['ratio_high'], row.get('ratio_open', ''))} {_of(b)}"
    )
    if row is not last:
        after = rows[rows.index(row) + 1]
        if str(after["verdict"]) == "not_comparable":
            why = f"the latest figures are not comparable ({_gist(after['reasons'])})"
        else:
            why = "a side's latest figure is stale (carried forward past its age)"
        text += f". From {_day(after['date'])} {why}, so no later ratio is given"
    return Finding(text + ".", section, (), _ids([row], "a_claim") + _ids([row], "b_claim"))


def lag_finding(lag: pd.DataFrame, claims: pd.DataFrame, section: str) -> Finding | None:
    """How long before each admission the monitor had already published at least as many (`admission_lag`)."""
    if lag.empty:
        return None
    belligerent = _claim(claims, lag["claim_id"].iloc[0])["claimant"]
    reached = lag["monitor_claim"].dropna()
    n = len(lag)
    if reached.empty:
        return Finding(f"None of {_of(belligerent)} {n} admissions in this scope had been reached earlier by "
                       "another claimant's low estimate.", section, (), _ids(_records(lag)))
    monitor = _claim(claims, reached.iloc[0])["claimant"]
    # a month- or year-only date makes a lag an interval: the median is given as one too
    known = lag.dropna(subset=["lag_low_days"]) if "lag_low_days" in lag else lag.dropna(subset=["lag_days"])
    low = float(known.get("lag_low_days", known["lag_days"]).median())
    high = float(known.get("lag_high_days", known["lag_days"]).median())
    text = (f"{len(known)} of {_of(belligerent)} {n} admissions had been reached by {_of(monitor)} low estimates "
            f"a median of {lag_text(low, high)} ({format_figure(low / 365.25, 1)} years or more) before")
    if len(known) < n:
        text += f"; for {n - len(known)} no earlier {monitor} figure was as high"
    return Finding(text + ".", section, (), _ids(_records(lag)))


def latest_finding(series: pd.DataFrame, section: str, *, scope: str) -> Finding | None:
    """Each claimant's latest figure in an `as_of` series: who had said what, and when."""
    if series.empty:
        return None
    latest = series.sort_values(["date", "claim_id"]).groupby("claimant", sort=True).tail(1)
    rows = _records(latest.sort_values("claimant"))
    said = "; ".join(f"{r['claimant']} {figure_text(r)} (by {_day(r['known_from'])})" for r in rows)
    return Finding(f"Latest cumulative figures for {scope}: {said}. They count by different methods and are "
                   "shown side by side, not divided.", section, _sources(rows), _ids(rows))


def coverage_finding(
    claims: pd.DataFrame, section: str, *, places: Iterable[str], scope: str
) -> Finding | None:
    """How many civilian-death figures the ledger holds for exactly this scope's places, and from whom."""
    chosen = select_scope(claims, places=list(places), exclude_grades=())
    if chosen.empty:
        return Finding(f"The ledger holds no civilian-death figure in persons for {scope} exactly "
                       f"({len(claims)} figures cover other places or outcomes).", section)
    names = sorted(chosen["claimant"].unique())
    span = chosen["known_from"].dropna()
    when = f", published {span.min().year}–{span.max().year}" if not span.empty else ""
    return Finding(f"For {scope} the ledger holds {len(chosen)} civilian-death figures from {len(names)} "
                   f"claimant{'s' if len(names) != 1 else ''} ({', '.join(names)}){when}.", section,
                   (), _ids(_records(chosen)))


def match_findings(
    result: Any, grid: pd.DataFrame, *, a_words: str, b_words: str, sections: Mapping[str, str]
) -> list[Finding]:
    """What a `kit.match` run shows: links, records left alone on each side, and how the links move with thresholds.

    `a_words` / `b_words` name the two lists in words ("coalition-alleged
    incidents (Airwars)"); `sections` maps "matching", "grade", "thresholds"
    to section anchors. A coincidence is reported as a coincidence, never as attribution.
    """
    s = result.summary()
    out = [Finding(
        f"{s['matched']:,} of {s['records_a']:,} {a_words} coincide in date and place with one of {s['records_b']:,} "
        f"{b_words}; {s['only_a']:,} have none linked. A coincidence is not an attribution.",
        sections.get("matching", ""))]
    status = result.record_status("a")
    if "grade" in result.a and len(status):
        grades = result.a["grade"].fillna("").astype(str).str.strip().replace("", "(no grade)")
        by_grade = pd.DataFrame({"grade": grades.to_numpy(), "matched": (status == "matched").to_numpy()})
        share = by_grade.groupby("grade", sort=True)["matched"].agg(["sum", "size"])
        rank = {g: i for i, g in enumerate(GRADE_ORDER)}
        share = share[share["size"] >= 10].sort_index(key=lambda idx: idx.map(lambda g: rank.get(g, len(rank))))
        if not share.empty:
            parts = "; ".join(f"{g} {int(r['sum']):,} of {int(r['size']):,}" for g, r in share.iterrows())
            out.append(Finding(f"Linked, by grade: {parts}.", sections.get("grade", "")))
    if not grid.empty:
        lo, hi = int(grid["matched"].min()), int(grid["matched"].max())
        days = f"{int(grid['days'].min())}–{int(grid['days'].max())}"
        kms = f"{format_figure(grid['km'].min())}–{format_figure(grid['km'].max())}"
        out.append(Finding(
            f"With other thresholds (± {days} days, {kms} km) the number of linked {a_words} ranges from "
            f"{lo:,} to {hi:,}: report the range, not one count.", sections.get("thresholds", "")))
    out.append(Finding(f"{s['only_b']:,} of the {s['records_b']:,} {b_words} have no {a_words} linked.",
                       sections.get("matching", "")))
    return out


def _claim(claims: pd.DataFrame, claim_id: object) -> dict[str, Any]:
    """One ledger row as a dict (ids are unique in a loaded ledger)."""
    rows = claims[claims["claim_id"] == claim_id]
    if rows.empty:
        raise KeyError(f"unknown claim {claim_id!r}")
    return _records(rows.head(1))[0]


# --------------------------------------------------------------------------- the panel


def findings_panel(findings: Iterable[Finding | None], *, scope: str = "", limit: int = 6) -> _HTML:
    """The panel that opens a report: up to `limit` findings, each linked to its section and sources.

    `scope` (in words) is stated once in the panel's heading line, so a
    Syria-only report says so before its first number.
    """
    kept = [f for f in findings if f is not None][:limit]
    items = []
    for finding in kept:
        parts = [str(escape_text(finding.text))]
        if finding.section:
            parts.append(f'<span class="kit-finding-links">{anchor_link(finding.section, "see the section")}')
            links = [str(safe_link(url, label)) for label, url in finding.sources[:3]]
            if links:
                parts.append(" · sources: " + ", ".join(links))
            parts.append("</span>")
        title = f' title="claims: {escape_text(", ".join(finding.claims))}"' if finding.claims else ""
        items.append(f"<li{title}>" + " ".join(parts[:2]) + "".join(parts[2:]) + "</li>")
    if not items:
        items.append("<li>Nothing in this report's data falls within its scope.</li>")
    head = f'<p class="kit-findings-scope">Scope: {escape_text(scope)}</p>' if scope else ""
    return _HTML(
        '<section class="kit-findings" id="findings" aria-label="What this shows">'
        f"<h2>What this shows</h2>{head}<ol>" + "".join(items) + "</ol></section>"
    )
