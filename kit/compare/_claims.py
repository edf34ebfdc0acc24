"""Comparisons between claims: ratio and gap intervals, as-of series, lags.

Every number here is a `Range`. A ratio between two claims is computed only
after `kit.scope` has judged them comparable (or the caller explicitly accepts
an incomparable pair, and the verdict then travels with the result).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict, Unpack, cast

import pandas as pd

from kit.core import Range, parse_partial_date
from kit.core.vocab import VERDICT_ORDER
from kit.ledger import Gazetteer, claim_range
from kit.scope import ScopeComparison, compare_scopes

_SERIES_COLUMNS = [
    "date", "claimant", "claim_id", "low", "best", "high", "published", "known_from",
    "period_start_date", "period_end_date", "qualifier", "method", "url", "relay_chain",
]


class IncomparableError(ValueError):
    """Raised instead of computing a ratio between claims of different scope."""

    def __init__(self, comparison: ScopeComparison) -> None:
        self.comparison = comparison
        super().__init__(f"{comparison.a} and {comparison.b} are not comparable: " + "; ".join(comparison.reasons))


Claimish = Mapping[str, object] | pd.Series | Range | float | int


def _as_range(x: Claimish) -> Range:
    if isinstance(x, Range):
        return x
    if isinstance(x, (int, float)):
        return Range.point(x)
    return claim_range(x)


def _check(a: Claimish, b: Claimish, gazetteer: Gazetteer | None, allow_incomparable: bool) -> None:
    if gazetteer is None or isinstance(a, (Range, int, float)) or isinstance(b, (Range, int, float)):
        return
    comparison = compare_scopes(a, b, gazetteer)
    if not comparison.comparable and not allow_incomparable:
        raise IncomparableError(comparison)


def ratio_range(
    a: Claimish, b: Claimish, gazetteer: Gazetteer | None = None, *, allow_incomparable: bool = False
) -> Range:
    """a / b as an interval `[a.low / b.high, a.high / b.low]`.

    With a gazetteer and two claim rows, refuses pairs that are not
    comparable unless `allow_incomparable=True`.
    """
    _check(a, b, gazetteer, allow_incomparable)
    return _as_range(a) / _as_range(b)


def gap_range(
    a: Claimish, b: Claimish, gazetteer: Gazetteer | None = None, *, allow_incomparable: bool = False
) -> Range:
    """a − b as an interval `[a.low − b.high, a.high − b.low]`."""
    _check(a, b, gazetteer, allow_incomparable)
    return _as_range(a) - _as_range(b)


@dataclass(frozen=True)
class PairComparison:
    """Scope verdict first, numbers second: the ratio is None when not comparable."""

    scope: ScopeComparison
    a: Range
    b: Range
    ratio: Range | None
    gap: Range | None

    def as_dict(self) -> dict[str, object]:
        return {
            "a": self.scope.a, "b": self.scope.b, "verdict": self.scope.verdict,
            "reasons": "; ".join(self.scope.reasons),
            "a_low": self.a.low, "a_high": self.a.high, "b_low": self.b.low, "b_high": self.b.high,
            "ratio_low": None if self.ratio is None else self.ratio.low,
            "ratio_high": None if self.ratio is None else self.ratio.high,
            "gap_low": None if self.gap is None else self.gap.low,
            "gap_high": None if self.gap is None else self.gap.high,
        }


def compare_claims(
    a: Mapping[str, object] | pd.Series, b: Mapping[str, object] | pd.Series, gazetteer: Gazetteer
) -> PairComparison:
    """The scope verdict and, only when comparable, the ratio and gap intervals."""
    scope = compare_scopes(a, b, gazetteer)
    ra, rb = _as_range(a), _as_range(b)
    if not scope.comparable:
        return PairComparison(scope, ra, rb, None, None)
    ratio = ra / rb if rb.low > 0 else None
    return PairComparison(scope, ra, rb, ratio, ra - rb)


def published_until(claims: pd.DataFrame, until: str | pd.Timestamp | None) -> pd.DataFrame:
    """Claims certainly public by `until` (YYYY, YYYY-MM or a date; empty = all).

    A partial date means its last day ("2017-05" keeps claims known by 31 May
    2017); undated claims are dropped when a cut-off is given.
    """
    if until is None or (isinstance(until, str) and not until.strip()):
        return claims
    if isinstance(until, str):
        cutoff = parse_partial_date(until.strip())[1]
    else:
        cutoff = pd.Timestamp(until)
    return claims[claims["known_from"].notna() & (claims["known_from"] <= cutoff)]


def select_scope(
    claims: pd.DataFrame,
    *,
    claimant: str | Sequence[str] | None = None,
    places: Iterable[str] | None = None,
    outcome: str | None = "killed",
    victims: str | None = "civilians",
    perpetrator: str | None = None,
    unit: str | None = "persons",
    since: str | pd.Timestamp | None = None,
    start_tolerance_days: int = 62,
    exclude_grades: Sequence[str] = ("all alleged",),
) -> pd.DataFrame:
    """Claims of one scope: the same outcome, victims, unit, place set and start.

    `since` keeps cumulative figures that start within `start_tolerance_days`
    of that date, so a monthly count never slips into a cumulative series.
    `exclude_grades` keeps a monitor's "all alleged" totals out of a series of
    likely deaths: the two measure different things.
    """
    out = claims
    if exclude_grades:
        out = out[~out["grade"].isin(list(exclude_grades))]
    if claimant is not None:
        names = [claimant] if isinstance(claimant, str) else list(claimant)
        out = out[out["claimant"].isin(names)]
    for col, value in (("outcome", outcome), ("victims", victims), ("perpetrator", perpetrator), ("unit", unit)):
        if value is not None:
            out = out[out[col] == value]
    if places is not None:
        wanted = frozenset(places)
        out = out[[frozenset(p) == wanted for p in out["places_list"]]]
    if since is not None:
        start = pd.Timestamp(since)
        delta = (out["period_start_date"] - start).abs()
        out = out[delta <= pd.Timedelta(days=start_tolerance_days)]
    return out


class _ScopeFilter(TypedDict, total=False):
    """The `select_scope` filters that `as_of` and the series built on it pass through `**scope`."""

    places: Iterable[str] | None
    outcome: str | None
    victims: str | None
    perpetrator: str | None
    unit: str | None
    since: str | pd.Timestamp | None
    start_tolerance_days: int
    exclude_grades: Sequence[str]


def as_of(
    claims: pd.DataFrame,
    claimant: str | Sequence[str],
    dates: Iterable[str | pd.Timestamp] | None = None,
    *,
    include_repeats: bool = False,
    include_untraced: bool = False,
    **scope: Unpack[_ScopeFilter],
) -> pd.DataFrame:
    """The latest figure each claimant had published on each date (a step function).

    A claim counts from `known_from` (the last day of its publication date's
    precision: a figure dated only "2017-05" counts from 31 May). Undated
    claims are left out of the series, not guessed into it, and so are rows
    that repeat another claim (`cites`) and figures attributed to the
    claimant that could not be traced to it (`untraced`), unless asked for.
    """
    if not isinstance(claimant, str):
        parts = [
            as_of(claims, name, dates, include_repeats=include_repeats, include_untraced=include_untraced, **scope)
            for name in claimant
        ]
        return pd.concat(parts, ignore_index=True) if parts else as_of(claims, "", dates)
    chosen = select_scope(claims, claimant=claimant, **scope)
    if not include_repeats and "cites" in chosen:
        chosen = chosen[chosen["cites"].fillna("") == ""]
    if not include_untraced:
        chosen = chosen[chosen["source_status"] != "untraced"]
    chosen = chosen[chosen["known_from"].notna()].sort_values(["known_from", "period_end_date", "claim_id"])
    if dates is None:
        when = sorted(set(chosen["known_from"]))
    else:
        when = sorted({pd.Timestamp(d) for d in dates})
    rows = []
    for day in when:
        known = chosen[chosen["known_from"] <= day]
        if known.empty:
            continue
        latest = known.iloc[-1]
        rows.append({
            "date": day, "claimant": latest["claimant"], "claim_id": latest["claim_id"],
            "low": float(latest["low"]), "best": None if pd.isna(latest["best"]) else float(latest["best"]),
            "high": float(latest["high"]), "published": latest["published"], "known_from": latest["known_from"],
            "period_start_date": latest["period_start_date"], "period_end_date": latest["period_end_date"],
            "qualifier": latest["qualifier"], "method": latest["method"], "url": latest["url"],
            "relay_chain": latest["relay_chain"],
        })
    frame = pd.DataFrame(rows, columns=_SERIES_COLUMNS)
    frame["best"] = frame["best"].astype("Float64")
    return frame


def gap_over_time(
    claims: pd.DataFrame,
    claimant_a: str,
    claimant_b: str,
    dates: Iterable[str | pd.Timestamp] | None = None,
    *,
    gazetteer: Gazetteer | None = None,
    **scope: Unpack[_ScopeFilter],
) -> pd.DataFrame:
    """What a and b had each said on every date both had spoken, and the gap.

    Gap and ratio are intervals; `stale_days` says how far apart the two
    figures' period ends are, since a cumulative total from last year set
    against one from this month overstates the gap. With a gazetteer each
    date also gets the scope verdict and its reasons, so charts can flag the
    dates where the two latest figures are not comparable.
    """
    by_id = claims.set_index("claim_id", drop=False)
    sa = as_of(claims, claimant_a, **scope)
    sb = as_of(claims, claimant_b, **scope)
    if dates is None:
        when = sorted(set(sa["date"]) | set(sb["date"]))
    else:
        when = sorted({pd.Timestamp(d) for d in dates})
    sa_full = as_of(claims, claimant_a, when, **scope).set_index("date")
    sb_full = as_of(claims, claimant_b, when, **scope).set_index("date")
    rows = []
    for day in when:
        if day not in sa_full.index or day not in sb_full.index:
            continue
        ra_, rb_ = sa_full.loc[day], sb_full.loc[day]
        a = Range(ra_["low"], ra_["high"])
        b = Range(rb_["low"], rb_["high"])
        gap = a - b
        ratio = a / b if b.low > 0 else None
        rows.append({
            "date": day, "claimant_a": claimant_a, "claimant_b": claimant_b,
            "a_claim": ra_["claim_id"], "b_claim": rb_["claim_id"],
            "a_low": a.low, "a_high": a.high, "b_low": b.low, "b_high": b.high,
            "gap_low": gap.low, "gap_high": gap.high,
            "ratio_low": None if ratio is None else ratio.low, "ratio_high": None if ratio is None else ratio.high,
            "stale_days": abs((ra_["period_end_date"] - rb_["period_end_date"]).days),
            **_verdict(by_id, ra_["claim_id"], rb_["claim_id"], gazetteer),
        })
    cols = ["date", "claimant_a", "claimant_b", "a_claim", "b_claim", "a_low", "a_high", "b_low", "b_high",
            "gap_low", "gap_high", "ratio_low", "ratio_high", "stale_days", "verdict", "reasons"]
    return pd.DataFrame(rows, columns=cols)


def _claim_row(by_id: pd.DataFrame, claim_id: str) -> pd.Series:
    """One claim's row of a frame indexed by claim id; ids are unique in a loaded ledger, so `.loc` gives a Series."""
    row = by_id.loc[claim_id]
    assert isinstance(row, pd.Series), f"claim id {claim_id!r} is not unique"
    return row


def _verdict(by_id: pd.DataFrame, a: str, b: str, gazetteer: Gazetteer | None) -> dict[str, str]:
    if gazetteer is None:
        return {"verdict": "not checked", "reasons": "no gazetteer given"}
    c = compare_scopes(_claim_row(by_id, a), _claim_row(by_id, b), gazetteer)
    return {"verdict": c.verdict, "reasons": "; ".join(c.reasons)}


def admission_lag(
    claims: pd.DataFrame, belligerent: str, monitor: str, **scope: Unpack[_ScopeFilter]
) -> pd.DataFrame:
    """For each admission, how long before it the monitor had already documented that many.

    Lag = date of the admission − first date the monitor's low figure reached
    the admitted figure. Empty lag (NaN) means the monitor never published a
    low figure that small in this scope (it spoke later, or always higher).
    """
    adm = as_of(claims, belligerent, **scope).drop_duplicates("claim_id")
    mon = as_of(claims, monitor, **scope).drop_duplicates("claim_id").sort_values("known_from")
    rows = []
    for r in adm.itertuples(index=False):
        reached = mon[mon["low"] >= r.low]
        first = reached.iloc[0] if not reached.empty else None
        rows.append({
            "claim_id": r.claim_id, "admitted_low": r.low, "admitted_on": r.known_from,
            "monitor_claim": None if first is None else first["claim_id"],
            "monitor_reached_on": pd.NaT if first is None else first["known_from"],
            "lag_days": float("nan") if first is None else float((r.known_from - first["known_from"]).days),
        })
    return pd.DataFrame(rows, columns=["claim_id", "admitted_low", "admitted_on", "monitor_claim",
                                       "monitor_reached_on", "lag_days"])


def reporting_lag(claims: pd.DataFrame) -> pd.Series:
    """Days from the end of the period a figure covers to its publication."""
    return (claims["known_from"] - claims["period_end_date"]).dt.days.rename("reporting_lag_days")


def against_anchor(
    claims: pd.DataFrame,
    anchor: str,
    gazetteer: Gazetteer,
    *,
    known_by: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Every claim set against one anchor claim: verdict first, intervals only if comparable.

    `known_by` keeps the claims already published by that date, to answer
    "what could an author have compared this figure with on the day?".
    Sorted comparable first, then by publication date.
    """
    by_id = claims.set_index("claim_id", drop=False)
    if anchor not in by_id.index:
        raise KeyError(f"unknown anchor claim {anchor!r}")
    base = _claim_row(by_id, anchor)
    others = claims[claims["claim_id"] != anchor]
    if known_by is not None:
        others = others[others["known_from"].notna() & (others["known_from"] <= pd.Timestamp(known_by))]
    rows = []
    # The ledger's column labels are strings; pandas-stubs types records as dict[Hashable, Any].
    for row in cast(list[dict[str, object]], others.to_dict("records")):
        pair = compare_claims(row, base, gazetteer)
        rows.append({
            "claim_id": row["claim_id"], "claimant": row["claimant"], "published": row["published"],
            "low": row["low"], "high": row["high"], "method": row["method"], "url": row["url"],
            "relay_chain": row["relay_chain"], "verdict": pair.scope.verdict,
            "reasons": "; ".join(pair.scope.reasons),
            "ratio_low": None if pair.ratio is None else pair.ratio.low,
            "ratio_high": None if pair.ratio is None else pair.ratio.high,
            "gap_low": None if pair.gap is None else pair.gap.low,
            "gap_high": None if pair.gap is None else pair.gap.high,
        })
    cols = ["claim_id", "claimant", "published", "low", "high", "method", "url", "relay_chain", "verdict",
            "reasons", "ratio_low", "ratio_high", "gap_low", "gap_high"]
    out = pd.DataFrame(rows, columns=cols)
    order = {v: i for i, v in enumerate(VERDICT_ORDER)}
    out["_order"] = out["verdict"].map(order)
    return out.sort_values(["_order", "published", "claim_id"]).drop(columns="_order").reset_index(drop=True)


def verdicts_against_anchor(claims: pd.DataFrame, anchor: str, gazetteer: Gazetteer) -> dict[str, tuple[str, str]]:
    """{claim_id: (verdict, reasons)} of every other claim, judged with the anchor as side a.

    The verdict decides what a chart may set beside the anchor; deciding it
    here keeps charts and widgets to drawing what the scope rules said.
    """
    rows = claims.set_index("claim_id", drop=False)
    if anchor not in rows.index:
        raise KeyError(f"unknown anchor claim {anchor!r}")
    anchor_row = _claim_row(rows, anchor)
    out: dict[str, tuple[str, str]] = {}
    for claim_id, row in rows.iterrows():
        if claim_id == anchor:
            continue
        result = compare_scopes(anchor_row, row, gazetteer)
        out[str(claim_id)] = (str(result.verdict), "; ".join(map(str, result.reasons)))
    return out
