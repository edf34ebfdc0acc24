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

from kit.compare._consistency import consistency
from kit.core import Range, parse_partial_date
from kit.core.vocab import VERDICT_ORDER
from kit.ledger import Gazetteer, claim_range
from kit.scope import ScopeComparison, compare_scopes, monthly_rates

_SERIES_COLUMNS = [
    "date", "claimant", "claim_id", "low", "best", "high", "published", "known_from",
    "period_start_date", "period_end_date", "qualifier", "method", "url", "relay_chain", "age_days", "stale",
]

#: A figure whose period ended longer ago than this (days) is stale on a date: carried forward,
#: not a current figure, and never part of a trend (about six months).
STALE_AFTER_DAYS = 183


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


def open_label(a: Range, b: Range, result: Range) -> str:
    """Which ends of a ratio or gap of a and b are open: "", "high", "low", "both",
    or "minimums"/"maximums" when both figures were floors/ceilings (a ratio that bounds neither way)."""
    if result.open_low and result.open_high:
        if a.open_high and b.open_high and not (a.open_low or b.open_low):
            return "minimums"
        if a.open_low and b.open_low and not (a.open_high or b.open_high):
            return "maximums"
    return result.open_ends


def _numbers(ra: Range, rb: Range) -> dict[str, object]:
    """Ratio and gap of two comparable figures with their open ends, and whether both can be true."""
    ratio = ra / rb if rb.low > 0 else None
    gap = ra - rb
    fit = consistency(ra, rb)
    return {
        "ratio_low": None if ratio is None else ratio.low, "ratio_high": None if ratio is None else ratio.high,
        "ratio_open": "" if ratio is None else open_label(ra, rb, ratio),
        "gap_low": gap.low, "gap_high": gap.high, "gap_open": open_label(ra, rb, gap),
        "approx": ra.approx or rb.approx,
        "consistency": fit.kind, "radius": fit.radius,
    }


_NO_NUMBERS: dict[str, object] = {
    "ratio_low": None, "ratio_high": None, "ratio_open": "", "gap_low": None, "gap_high": None, "gap_open": "",
    "approx": False, "consistency": None, "radius": None,
}


@dataclass(frozen=True)
class PairComparison:
    """Scope verdict first, numbers second: ratio, gap and consistency are None when not comparable."""

    scope: ScopeComparison
    a: Range
    b: Range
    ratio: Range | None
    gap: Range | None

    @property
    def numbers(self) -> dict[str, object]:
        """Ratio and gap with open ends and the consistency of the two figures; all empty when not comparable."""
        return dict(_NO_NUMBERS) if self.gap is None else _numbers(self.a, self.b)

    def as_dict(self) -> dict[str, object]:
        return {
            "a": self.scope.a, "b": self.scope.b, "verdict": self.scope.verdict,
            "reasons": "; ".join(self.scope.reasons),
            "a_low": self.a.low, "a_high": self.a.high, "b_low": self.b.low, "b_high": self.b.high,
            **self.numbers,
        }


def compare_claims(
    a: Mapping[str, object] | pd.Series,
    b: Mapping[str, object] | pd.Series,
    gazetteer: Gazetteer,
    *,
    rates: pd.DataFrame | None = None,
) -> PairComparison:
    """The scope verdict and, only when comparable, the ratio and gap intervals (qualifiers kept)."""
    scope = compare_scopes(a, b, gazetteer, rates=rates)
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
    exclude_methods: Sequence[str] = ("field_investigation",),
) -> pd.DataFrame:
    """Claims of one scope: the same outcome, victims, unit, place set and start.

    `since` keeps cumulative figures that start within `start_tolerance_days`
    of that date, so a monthly count never slips into a cumulative series.
    `exclude_grades` keeps a monitor's "all alleged" totals out of a series of
    likely deaths: the two measure different things. `exclude_methods` keeps
    out figures that count a sample of sites (a field investigation of 11
    attacks is not a cumulative total).
    """
    out = claims
    if exclude_grades:
        out = out[~out["grade"].isin(list(exclude_grades))]
    if exclude_methods:
        out = out[~out["method"].isin(list(exclude_methods))]
    if claimant is not None:
        names = [claimant] if isinstance(claimant, str) else list(claimant)
        out = out[out["claimant"].isin(names)]
    for col, value in (("outcome", outcome), ("victims", victims), ("perpetrator", perpetrator), ("unit", unit)):
        if value is not None:
            out = out[out[col] == value]
    if places is not None:
        wanted = frozenset(places)
        # a boolean Series, not a list: an empty list would select no columns instead of no rows
        out = out[pd.Series([frozenset(p) == wanted for p in out["places_list"]], index=out.index, dtype=bool)]
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
    exclude_methods: Sequence[str]


def as_of(
    claims: pd.DataFrame,
    claimant: str | Sequence[str],
    dates: Iterable[str | pd.Timestamp] | None = None,
    *,
    include_repeats: bool = False,
    include_untraced: bool = False,
    stale_after_days: int = STALE_AFTER_DAYS,
    **scope: Unpack[_ScopeFilter],
) -> pd.DataFrame:
    """The latest figure each claimant had published on each date (a step function).

    `age_days` is how long before that date the figure's period ended; past
    `stale_after_days` the row is `stale`: a figure carried forward, not news.

    A claim counts from `known_from` (the last day of its publication date's
    precision: a figure dated only "2017-05" counts from 31 May). Undated
    claims are left out of the series, not guessed into it, and so are rows
    that repeat another claim (`cites`) and figures attributed to the
    claimant that could not be traced to it (`untraced`), unless asked for.
    """
    if not isinstance(claimant, str):
        parts = [
            as_of(claims, name, dates, include_repeats=include_repeats, include_untraced=include_untraced,
                  stale_after_days=stale_after_days, **scope)
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
            "relay_chain": latest["relay_chain"], **_age(day, latest["period_end_date"], stale_after_days),
        })
    frame = pd.DataFrame(rows, columns=_SERIES_COLUMNS)
    frame["best"] = frame["best"].astype("Float64")
    return frame


def _age(day: pd.Timestamp, period_end: object, stale_after_days: int) -> dict[str, object]:
    """How old a figure is on `day` (days since its period ended) and whether that makes it stale."""
    if not isinstance(period_end, (pd.Timestamp, str)) or pd.isna(period_end):
        return {"age_days": None, "stale": False}
    age = (day - pd.Timestamp(period_end)).days
    return {"age_days": age, "stale": age > stale_after_days}


_GAP_COLUMNS = [
    "date", "claimant_a", "claimant_b", "a_claim", "b_claim", "a_low", "a_high", "a_qualifier",
    "b_low", "b_high", "b_qualifier", "gap_low", "gap_high", "gap_open", "ratio_low", "ratio_high", "ratio_open",
    "approx", "consistency", "radius", "stale_days", "a_age_days", "b_age_days", "stale", "verdict", "reasons",
    "trend",
]


def gap_over_time(
    claims: pd.DataFrame,
    claimant_a: str,
    claimant_b: str,
    dates: Iterable[str | pd.Timestamp] | None = None,
    *,
    gazetteer: Gazetteer | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
    **scope: Unpack[_ScopeFilter],
) -> pd.DataFrame:
    """What a and b had each said on every date both had spoken, and the gap.

    Gap and ratio are intervals with their open ends (`gap_open`, `ratio_open`:
    a floor leaves the gap open above), and `consistency`/`radius` say whether
    both figures can be true. With a gazetteer each date gets the scope
    verdict and its reasons; where the two latest figures are not comparable
    the gap, ratio and consistency are left empty: the reason is the result.
    `a_age_days`/`b_age_days` are how old each side's figure is on the date;
    past `stale_after_days` the date is `stale`, and only dates that are
    comparable and not stale are `trend` dates (what a trend may be read from);
    the day a side's figure goes stale is a date of its own.
    `stale_days` says how far apart the two figures' period ends are.
    """
    by_id = claims.set_index("claim_id", drop=False)
    rates = monthly_rates(claims) if gazetteer is not None else None
    sa = as_of(claims, claimant_a, **scope)
    sb = as_of(claims, claimant_b, **scope)
    if dates is None:
        spoke = set(sa["date"]) | set(sb["date"])
        last = max(spoke) if spoke else None
        turns = {t for t in _stale_turns(sa, stale_after_days) | _stale_turns(sb, stale_after_days)
                 if last is not None and t <= last}
        when = sorted(spoke | turns)
    else:
        when = sorted({pd.Timestamp(d) for d in dates})
    sa_full = as_of(claims, claimant_a, when, stale_after_days=stale_after_days, **scope).set_index("date")
    sb_full = as_of(claims, claimant_b, when, stale_after_days=stale_after_days, **scope).set_index("date")
    rows = []
    for day in when:
        if day not in sa_full.index or day not in sb_full.index:
            continue
        ra_, rb_ = cast(pd.Series, sa_full.loc[day]), cast(pd.Series, sb_full.loc[day])  # dates are unique
        verdict = _verdict(by_id, ra_["claim_id"], rb_["claim_id"], gazetteer, rates)
        a = Range.stated(ra_["low"], ra_["high"], None, str(ra_["qualifier"]))
        b = Range.stated(rb_["low"], rb_["high"], None, str(rb_["qualifier"]))
        numbers = _NO_NUMBERS if verdict["verdict"] == "not_comparable" else _numbers(a, b)
        stale = bool(ra_["stale"]) or bool(rb_["stale"])
        rows.append({
            "date": day, "claimant_a": claimant_a, "claimant_b": claimant_b,
            "a_claim": ra_["claim_id"], "b_claim": rb_["claim_id"],
            "a_low": a.low, "a_high": a.high, "a_qualifier": ra_["qualifier"],
            "b_low": b.low, "b_high": b.high, "b_qualifier": rb_["qualifier"], **numbers,
            "stale_days": abs((ra_["period_end_date"] - rb_["period_end_date"]).days),
            "a_age_days": ra_["age_days"], "b_age_days": rb_["age_days"], "stale": stale, **verdict,
            "trend": verdict["verdict"] != "not_comparable" and not stale,
        })
    return pd.DataFrame(rows, columns=_GAP_COLUMNS)


def _stale_turns(series: pd.DataFrame, stale_after_days: int) -> set[pd.Timestamp]:
    """The days a side's figure goes stale before its next figure: dates a gap series must show."""
    out: set[pd.Timestamp] = set()
    dates = list(series["date"])
    for i, end in enumerate(series["period_end_date"]):
        if pd.isna(end):
            continue
        turn = pd.Timestamp(end) + pd.Timedelta(days=stale_after_days + 1)
        if dates[i] < turn and (i + 1 == len(dates) or turn < dates[i + 1]):
            out.add(turn)
    return out


def _claim_row(by_id: pd.DataFrame, claim_id: str) -> pd.Series:
    """One claim's row of a frame indexed by claim id; ids are unique in a loaded ledger, so `.loc` gives a Series."""
    row = by_id.loc[claim_id]
    assert isinstance(row, pd.Series), f"claim id {claim_id!r} is not unique"
    return row


def _verdict(
    by_id: pd.DataFrame, a: str, b: str, gazetteer: Gazetteer | None, rates: pd.DataFrame | None = None,
) -> dict[str, str]:
    if gazetteer is None:
        return {"verdict": "not checked", "reasons": "no gazetteer given"}
    c = compare_scopes(_claim_row(by_id, a), _claim_row(by_id, b), gazetteer, rates=rates)
    return {"verdict": c.verdict, "reasons": "; ".join(c.reasons)}


def admission_lag(
    claims: pd.DataFrame, belligerent: str, monitor: str, **scope: Unpack[_ScopeFilter]
) -> pd.DataFrame:
    """For each admission, how long before it the monitor had already documented that many.

    Lag = date of the admission − first date the monitor's low figure reached
    the admitted figure. Dates are as precise as their publication: when
    either is only a month or a year, the lag is an interval
    (`lag_low_days`–`lag_high_days`) and `lag_days` stays empty, so no
    year-only date turns into an exact count of days. Empty lag (NaN) with no
    `monitor_claim` means the monitor never published a low figure that
    small in this scope (it spoke later, or always higher).
    """
    adm = as_of(claims, belligerent, **scope).drop_duplicates("claim_id")
    mon = as_of(claims, monitor, **scope).drop_duplicates("claim_id").sort_values("known_from")
    first_day = claims.set_index("claim_id")["published_date"]
    rows = []
    for r in adm.itertuples(index=False):
        reached = mon[mon["low"] >= r.low]
        first = reached.iloc[0] if not reached.empty else None
        lag = (float("nan"), float("nan"))
        if first is not None:
            lag = (float((first_day.get(r.claim_id, r.known_from) - first["known_from"]).days),
                   float((r.known_from - first_day.get(first["claim_id"], first["known_from"])).days))
        rows.append({
            "claim_id": r.claim_id, "admitted_low": r.low, "admitted_on": r.known_from,
            "monitor_claim": None if first is None else first["claim_id"],
            "monitor_reached_on": pd.NaT if first is None else first["known_from"],
            "lag_days": lag[0] if lag[0] == lag[1] else float("nan"),
            "lag_low_days": lag[0], "lag_high_days": lag[1],
        })
    return pd.DataFrame(rows, columns=["claim_id", "admitted_low", "admitted_on", "monitor_claim",
                                       "monitor_reached_on", "lag_days", "lag_low_days", "lag_high_days"])


def reporting_lag(claims: pd.DataFrame) -> pd.DataFrame:
    """Days from the end of the period a figure covers to its publication, as an interval.

    Both dates keep their precision: a figure published "2017-05" about a
    period ending "2017-03" lies 31–91 days after it, not a single number.
    `reporting_lag_days` is filled only when both dates are exact days.
    """
    end, prec = claims["period_end_date"], claims["period_end_precision"]
    start_of_end = end.where(~prec.eq("month"), end - pd.offsets.MonthBegin(1))
    start_of_end = start_of_end.where(~prec.eq("year"), end - pd.offsets.YearBegin(1))
    low = (claims["published_date"] - claims["period_end_date"]).dt.days
    high = (claims["known_from"] - start_of_end).dt.days
    exact = low.where(low == high)
    return pd.DataFrame({"reporting_lag_days": exact, "reporting_lag_low_days": low,
                         "reporting_lag_high_days": high}, index=claims.index)


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
    rates = monthly_rates(claims)
    others = claims[claims["claim_id"] != anchor]
    if known_by is not None:
        others = others[others["known_from"].notna() & (others["known_from"] <= pd.Timestamp(known_by))]
    rows = []
    # The ledger's column labels are strings; pandas-stubs types records as dict[Hashable, Any].
    for row in cast(list[dict[str, object]], others.to_dict("records")):
        pair = compare_claims(row, base, gazetteer, rates=rates)
        rows.append({
            "claim_id": row["claim_id"], "claimant": row["claimant"], "published": row["published"],
            "low": row["low"], "high": row["high"], "qualifier": row["qualifier"], "method": row["method"],
            "url": row["url"], "relay_chain": row["relay_chain"], "verdict": pair.scope.verdict,
            "reasons": "; ".join(pair.scope.reasons), **pair.numbers,
        })
    cols = ["claim_id", "claimant", "published", "low", "high", "qualifier", "method", "url", "relay_chain",
            "verdict", "reasons", *_NO_NUMBERS]
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
    rates = monthly_rates(claims)
    out: dict[str, tuple[str, str]] = {}
    for claim_id, row in rows.iterrows():
        if claim_id == anchor:
            continue
        result = compare_scopes(anchor_row, row, gazetteer, rates=rates)
        out[str(claim_id)] = (str(result.verdict), "; ".join(map(str, result.reasons)))
    return out
