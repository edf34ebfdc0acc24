"""Readable tables of claims and comparisons for notebooks and reports.

The frames that `kit.ledger` and `kit.compare` return are built for code;
these turn them into what a reader needs beside a chart: the figure with its
qualifier, the period and place in words, the relay chain, and every ratio as
an interval next to the verdict that allowed it. Escaping happens downstream
in `kit.report.html_table`; these functions only choose and word the columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast
from urllib.parse import urlsplit

import pandas as pd

from kit.core import date_text
from kit.core.vocab import METHOD_LABELS, VERDICT_LABELS
from kit.ledger import Gazetteer
from kit.present._format import (
    bounded_text,
    consistency_text,
    figure_text,
    lag_text,
    period_text,
    perpetrator_text,
    stated_text,
)
from kit.scope import compare_scopes

#: " (airwars-2017-08-05-via-cnn)": a ledger id in parentheses, as the scope reasons name each claim.
_ID_IN_TEXT = re.compile(r" \((?=[a-z0-9._-]*\d)(?=[a-z0-9._-]*-)[a-z0-9][a-z0-9._-]*\)")


def reader_text(text: object) -> str:
    """Text for a reader table without internal claim ids (they stay in the ledger appendix)."""
    return _ID_IN_TEXT.sub("", "" if text is None else str(text))


def _domain(url: str) -> str:
    """The host of a URL, as short link text ('airwars.org')."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def claims_table(claims: pd.DataFrame, gazetteer: Gazetteer, *, ids: bool = False) -> pd.DataFrame:
    """One readable row per claim: who, what, where, when, how, and through whom.

    Internal claim ids stay out of reader tables; `ids=True` adds them as the
    last column, for the ledger appendix that readers search by id.
    """
    rows = []
    # Record keys are the ledger's (string) column labels; pandas-stubs types them as Hashable.
    for row in cast(list[dict[str, Any]], claims.to_dict("records")):
        rows.append({
            "claimant": row["claimant"],
            "figure": figure_text(row),
            "counts": f"{row['victims']} {row['outcome'].replace('_', ' ')} ({row['unit']})",
            "by": perpetrator_text(row["perpetrator"]),
            "place": gazetteer.label(row["places_list"]),
            "period": period_text(row),
            "method": METHOD_LABELS.get(row["method"], row["method"]),
            "published": row["published"] or "unknown",
            "relay chain": row["relay_chain"] or "(claimant's own publication)",
            "traced": row["source_status"],
            "url": row["url"],
            "source": _domain(row["url"]),
            "note": row["note"],
            **({"claim id": row["claim_id"]} if ids else {}),
        })
    return pd.DataFrame(rows)


def format_lag_table(lag: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """`kit.compare.admission_lag` output for readers: figures and dates in words, no internal ids."""
    by_id = claims.set_index("claim_id", drop=False)
    rows = []
    for r in cast(list[dict[str, Any]], lag.to_dict("records")):
        admitted = by_id.loc[r["claim_id"]]
        reached = None if pd.isna(r["monitor_claim"]) else by_id.loc[r["monitor_claim"]]
        rows.append({
            "admitted": figure_text(admitted),
            # dates at their own precision; a month- or year-only date makes the lag an interval
            "admitted on": date_text(admitted["published_date"], admitted["published_precision"]),
            "by": admitted["claimant"],
            "first as high": "never" if reached is None else f"{reached['claimant']}: {figure_text(reached)}",
            "published on": "" if reached is None else date_text(reached["published_date"],
                                                                 reached["published_precision"]),
            "days before the admission": "" if pd.isna(r.get("lag_low_days", r["lag_days"]))
            else lag_text(r.get("lag_low_days", r["lag_days"]), r.get("lag_high_days", r["lag_days"])).removesuffix(
                " days"),
        })
    return pd.DataFrame(rows, columns=["admitted", "admitted on", "by", "first as high", "published on",
                                       "days before the admission"])


def pair_verdicts(claims: pd.DataFrame, gazetteer: Gazetteer, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Each unordered pair of claims with the verdict and its reasons in words."""
    chosen = claims if ids is None else claims[claims["claim_id"].isin(list(ids))]
    records = cast(list[dict[str, Any]], chosen.to_dict("records"))  # string column labels, as above
    rows = []
    for i, a in enumerate(records):
        for b in records[i + 1:]:
            c = compare_scopes(a, b, gazetteer)
            rows.append({
                "pair": f"{a['claimant']} {figure_text(a)} vs {b['claimant']} {figure_text(b)}",
                "verdict": VERDICT_LABELS[c.verdict],
                "period": c.period_relation,
                "place": c.place_relation,
                "reasons": reader_text("; ".join(c.reasons)) or "same scope on every axis",
            })
    return pd.DataFrame(rows, columns=["pair", "verdict", "period", "place", "reasons"])


def _col(frame: pd.DataFrame, name: str, default: object = "") -> list[Any]:
    return list(frame[name]) if name in frame.columns else [default] * len(frame)


def _ratio_cells(table: pd.DataFrame) -> list[str]:
    """Each ratio as far as its figures bound it, or a dash and the reason when the pair was not compared."""
    out = []
    for lo, hi, op, ap, verdict in zip(table["ratio_low"], table["ratio_high"], _col(table, "ratio_open"),
                                       _col(table, "approx", False), _col(table, "verdict"), strict=True):
        out.append("—" if verdict == "not_comparable" else bounded_text(lo, hi, op, approx=bool(ap)))
    return out


def _gap_cells(table: pd.DataFrame) -> list[str]:
    return ["—" if verdict == "not_comparable" else bounded_text(lo, hi, op, kind="gap", approx=bool(ap))
            for lo, hi, op, ap, verdict in zip(table["gap_low"], table["gap_high"], _col(table, "gap_open"),
                                               _col(table, "approx", False), _col(table, "verdict"), strict=True)]


def _consistency_cells(table: pd.DataFrame) -> list[str]:
    return [consistency_text(k, r) for k, r in zip(_col(table, "consistency", None), _col(table, "radius", None),
                                                    strict=True)]


def format_anchor_table(table: pd.DataFrame) -> pd.DataFrame:
    """`kit.compare.against_anchor` output for readers: each figure with its qualifier, ratio and gap as far as
    the figures bound them, whether both can be true, or a dash where the pair is not comparable."""
    out = pd.DataFrame({
        "claimant": table["claimant"],
        "figure": [stated_text(lo, hi, q) for lo, hi, q in zip(table["low"], table["high"],
                                                                _col(table, "qualifier", "none"), strict=True)],
        "published": table["published"],
        "verdict": table["verdict"].map(VERDICT_LABELS),
        "ratio to anchor": _ratio_cells(table),
        "gap to anchor": _gap_cells(table),
        "both can be true?": _consistency_cells(table),
        "reasons": table["reasons"].map(reader_text),
        "url": table["url"],
        "source": [_domain(u) for u in table["url"]],
    })
    return out


def format_gap_table(gap: pd.DataFrame) -> pd.DataFrame:
    """`kit.compare.gap_over_time` output for readers: figures with qualifiers, the verdict beside each interval,
    a dash and the reason where the two are not comparable, and stale dates marked (no trend to read there)."""
    a_name = gap["claimant_a"].iloc[0] if len(gap) else "a"
    b_name = gap["claimant_b"].iloc[0] if len(gap) else "b"
    stale = _col(gap, "stale", False)
    ages = zip(_col(gap, "a_age_days", None), _col(gap, "b_age_days", None), stale, strict=True)
    return pd.DataFrame({
        "date": gap["date"].dt.strftime("%Y-%m-%d"),
        a_name: [stated_text(lo, hi, q) for lo, hi, q in zip(gap["a_low"], gap["a_high"],
                                                              _col(gap, "a_qualifier", "none"), strict=True)],
        b_name: [stated_text(lo, hi, q) for lo, hi, q in zip(gap["b_low"], gap["b_high"],
                                                              _col(gap, "b_qualifier", "none"), strict=True)],
        "gap": _gap_cells(gap),
        "ratio": _ratio_cells(gap),
        "both can be true?": _consistency_cells(gap),
        "period ends apart (days)": gap["stale_days"],
        "stale": [f"stale (figures {a:.0f} and {b:.0f} days old)" if s_ else ""
                  for a, b, s_ in ages],
        "verdict": gap["verdict"].map(lambda v: VERDICT_LABELS.get(v, v)),
        "reasons": gap["reasons"].map(reader_text),
    })
