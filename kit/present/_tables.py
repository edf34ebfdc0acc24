"""Readable tables of claims and comparisons for notebooks and reports.

The frames that `kit.ledger` and `kit.compare` return are built for code;
these turn them into what a reader needs beside a chart: the figure with its
qualifier, the period and place in words, the relay chain, and every ratio as
an interval next to the verdict that allowed it. Escaping happens downstream
in `kit.report.html_table`; these functions only choose and word the columns.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from urllib.parse import urlsplit

from kit.ledger import Gazetteer
from kit.core import Range
from kit.scope import compare_scopes

__all__ = [
    "claims_table",
    "figure_text",
    "format_anchor_table",
    "format_gap_table",
    "pair_verdicts",
    "period_text",
]

_QUALIFIER_WORDS = {
    "none": "", "at_least": "at least ", "more_than": "more than ", "about": "about ", "almost": "almost ",
    "up_to": "up to ", "fewer_than": "fewer than ",
}
_VERDICT_WORDS = {
    "comparable": "comparable",
    "comparable_with_caveats": "comparable, with caveats",
    "not_comparable": "not comparable",
}


def figure_text(row: pd.Series | dict[str, object]) -> str:
    """'at least 352', '804–1,213', '31×' — the figure as the claimant stated it."""
    best = row.get("best")
    r = Range(float(row["low"]), float(row["high"]), None if best is None or pd.isna(best) else float(best))
    spec = ",.0f" if float(row["high"]) >= 10 or float(row["high"]).is_integer() else ",.2f"
    text = format(r, spec)
    if r.best is not None and not r.is_point:
        text += f" (best {r.best:{spec}})"
    if row.get("unit") == "ratio":
        text += "×"
    return _QUALIFIER_WORDS.get(str(row.get("qualifier", "none")), "") + text


def _date_text(ts: object, precision: object) -> str:
    if ts is None or pd.isna(ts):
        return "unknown"
    t = pd.Timestamp(ts)
    return {"year": f"{t.year}", "month": t.strftime("%b %Y")}.get(str(precision), t.strftime("%-d %b %Y"))


def period_text(row: pd.Series | dict[str, object]) -> str:
    """'Aug 2014 – Mar 2017', at each end's own precision."""
    start = _date_text(row.get("period_start_date"), row.get("period_start_precision"))
    end = _date_text(row.get("period_end_date"), row.get("period_end_precision"))
    return start if start == end else f"{start} – {end}"


def _domain(url: str) -> str:
    """The host of a URL, as short link text ('airwars.org')."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def claims_table(claims: pd.DataFrame, gazetteer: Gazetteer) -> pd.DataFrame:
    """One readable row per claim: who, what, where, when, how, and through whom."""
    rows = []
    for row in claims.to_dict("records"):
        rows.append({
            "claimant": row["claimant"],
            "figure": figure_text(row),
            "counts": f"{row['victims']} {row['outcome'].replace('_', ' ')} ({row['unit']})",
            "by": row["perpetrator"],
            "place": gazetteer.label(row["places_list"]),
            "period": period_text(row),
            "method": row["method"].replace("_", " "),
            "published": row["published"] or "unknown",
            "relay chain": row["relay_chain"] or "(claimant's own publication)",
            "traced": row["source_status"],
            "url": row["url"],
            "source": _domain(row["url"]),
            "note": row["note"],
        })
    return pd.DataFrame(rows)


def pair_verdicts(claims: pd.DataFrame, gazetteer: Gazetteer, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Each unordered pair of claims with the verdict and its reasons in words."""
    chosen = claims if ids is None else claims[claims["claim_id"].isin(list(ids))]
    records = chosen.to_dict("records")
    rows = []
    for i, a in enumerate(records):
        for b in records[i + 1:]:
            c = compare_scopes(a, b, gazetteer)
            rows.append({
                "pair": f"{a['claimant']} {figure_text(a)} vs {b['claimant']} {figure_text(b)}",
                "verdict": _VERDICT_WORDS[c.verdict],
                "period": c.period_relation,
                "place": c.place_relation,
                "reasons": "; ".join(c.reasons) or "same scope on every axis",
            })
    return pd.DataFrame(rows, columns=["pair", "verdict", "period", "place", "reasons"])


def _interval(low: object, high: object, spec: str) -> str:
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "—"
    return format(Range(float(low), float(high)), spec)


def format_anchor_table(table: pd.DataFrame) -> pd.DataFrame:
    """`kit.compare.against_anchor` output for readers: ratio and gap as intervals or a dash."""
    out = pd.DataFrame({
        "claimant": table["claimant"],
        "figure": [_interval(lo, hi, ",.0f") for lo, hi in zip(table["low"], table["high"], strict=True)],
        "published": table["published"],
        "verdict": table["verdict"].map(_VERDICT_WORDS),
        "ratio to anchor": [_interval(lo, hi, ",.2f") + ("×" if not pd.isna(lo) else "")
                            for lo, hi in zip(table["ratio_low"], table["ratio_high"], strict=True)],
        "gap to anchor": [_interval(lo, hi, ",.0f") for lo, hi in zip(table["gap_low"], table["gap_high"], strict=True)],
        "reasons": table["reasons"],
        "url": table["url"],
        "source": [_domain(u) for u in table["url"]],
    })
    return out


def format_gap_table(gap: pd.DataFrame) -> pd.DataFrame:
    """`kit.compare.gap_over_time` output for readers, verdict beside each interval."""
    return pd.DataFrame({
        "date": gap["date"].dt.strftime("%Y-%m-%d"),
        gap["claimant_a"].iloc[0] if len(gap) else "a": [
            _interval(lo, hi, ",.0f") for lo, hi in zip(gap["a_low"], gap["a_high"], strict=True)],
        gap["claimant_b"].iloc[0] if len(gap) else "b": [
            _interval(lo, hi, ",.0f") for lo, hi in zip(gap["b_low"], gap["b_high"], strict=True)],
        "gap": [_interval(lo, hi, ",.0f") for lo, hi in zip(gap["gap_low"], gap["gap_high"], strict=True)],
        "ratio": [_interval(lo, hi, ",.1f") + ("×" if not pd.isna(lo) else "")
                  for lo, hi in zip(gap["ratio_low"], gap["ratio_high"], strict=True)],
        "period ends apart (days)": gap["stale_days"],
        "verdict": gap["verdict"].map(lambda v: _VERDICT_WORDS.get(v, v)),
        "reasons": gap["reasons"],
    })
