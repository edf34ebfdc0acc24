"""Scope comparison: may two claims be set side by side, and with what caveats?

Articles put 352 (Iraq + Syria, to March 2017, deaths the coalition accepted)
next to 804–1,213 (Syria only, to August 2016, likely deaths). Before any ratio
is shown, this module states how the two scopes relate on every axis (period,
place, outcome, victims, perpetrator, unit, method) and gives a verdict with
its reasons in plain words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, cast

import numpy as np
import pandas as pd
from pandas.api.typing import NaTType, NAType

from kit.core import date_text
from kit.core.vocab import (
    COUNTED_CLASS,
    FLOOR_QUALIFIERS,
    METHOD_FAMILY,
    METHOD_WORDS,
    VERDICT_HEADS,
    perpetrator_label,
)
from kit.ledger import Gazetteer

Verdict = Literal["comparable", "comparable_with_caveats", "not_comparable"]
PeriodRelation = Literal["same", "nested", "overlapping", "disjoint", "unknown"]

#: Share of the combined period that may lie outside the shared part before
#: two figures stop being comparable (a cumulative total reported a few weeks
#: later is still a like-for-like comparison, with a caveat).
PERIOD_TOLERANCE = 0.10


def counted_class(grade: object) -> str:
    """alleged / likely / confirmed: what a graded figure counts ("" when the grade says nothing of it)."""
    if not isinstance(grade, str):
        return ""
    return COUNTED_CLASS.get(grade.strip().lower(), "")


def _counted_words(cls: str, grade: str) -> str:
    if not cls:
        return f"deaths graded {grade!r}" if grade else "deaths with no grade given"
    return f"{cls} deaths ({grade})"


def monthly_rates(claims: pd.DataFrame) -> pd.DataFrame:
    """The smallest figure the ledger gives for any single month, per scope: what a month could hold.

    Rows of one calendar month (start and end in the same month), persons,
    with their scope columns (admissions are left out: their month is the
    month of assessment); `kit.scope.compare_scopes(rates=...)` uses them
    to judge the unshared part of two periods by the deaths it could hold.
    """
    cols = ["month", "claimant", "outcome", "victims", "perpetrator", "places", "low"]
    if claims.empty or "period_start_date" not in claims:
        return pd.DataFrame(columns=cols)
    start, end = claims["period_start_date"], claims["period_end_date"]
    one_month = (
        start.notna() & end.notna() & (start.dt.to_period("M") == end.dt.to_period("M"))
        & claims["unit"].eq("persons")
        # an admission's month is when it was assessed, not when the deaths happened
        & claims["method"].ne("acknowledged_after_investigation")
    )
    rows = claims[one_month]
    out = pd.DataFrame({
        "month": rows["period_start_date"].dt.to_period("M"), "claimant": rows["claimant"],
        "outcome": rows["outcome"], "victims": rows["victims"], "perpetrator": rows["perpetrator"],
        "places": [frozenset(p) for p in rows["places_list"]], "low": rows["low"].astype(float),
    })
    return out.reset_index(drop=True)[cols]


def _unshared_spans(
    a: tuple[pd.Timestamp, pd.Timestamp], b: tuple[pd.Timestamp, pd.Timestamp]
) -> list[tuple[pd.Timestamp, pd.Timestamp, int]]:
    """The parts of the union of two periods that only one covers: (start, end, which side 0/1)."""
    spans = []
    (a_s, a_e), (b_s, b_e) = a, b
    if a_s != b_s:
        spans.append((min(a_s, b_s), max(a_s, b_s) - pd.Timedelta(days=1), 0 if a_s < b_s else 1))
    if a_e != b_e:
        spans.append((min(a_e, b_e) + pd.Timedelta(days=1), max(a_e, b_e), 0 if a_e > b_e else 1))
    return spans


def _month_rate(rates: pd.DataFrame, row: Mapping[str, object] | pd.Series, month: pd.Period) -> float | None:
    """The smallest one-month figure for `month` in the row's scope: the claimant's own first, else any."""
    same = rates[(rates["month"] == month) & (rates["outcome"] == _get(row, "outcome"))
                 & (rates["victims"] == _get(row, "victims")) & (rates["perpetrator"] == _get(row, "perpetrator"))
                 & (rates["places"] == frozenset(_places(row)))]
    own = same[same["claimant"] == _get(row, "claimant")]
    hit = own if len(own) else same
    return None if hit.empty else float(hit["low"].min())


def _could_hold(
    rows: tuple[Mapping[str, object] | pd.Series, Mapping[str, object] | pd.Series], rates: pd.DataFrame,
) -> tuple[float, float, str] | None:
    """Deaths the part of the period only one claim covers could hold, at the ledger's smallest monthly figures.

    Returns (deaths, share of the figure of the claim that covers that part, words), or None
    when the ledger gives no monthly figure for some month of that part (the days-only rule then stands).
    """
    pa_, pb_ = _period(rows[0]), _period(rows[1])
    if pa_ is None or pb_ is None or rates.empty:
        return None
    spans = _unshared_spans((pa_[0], pa_[3]), (pb_[0], pb_[3]))
    if not spans:
        return None
    held = [0.0, 0.0]
    for first, last, side in spans:
        for month in pd.period_range(first, last, freq="M"):
            rate = _month_rate(rates, rows[side], month)
            if rate is None:
                return None
            days_in = (min(last, month.end_time.normalize()) - max(first, month.start_time)).days + 1
            held[side] += rate * days_in / month.days_in_month
    shares = []
    for side in (0, 1):
        figure = float(cast(float, _get(rows[side], "low", 0.0)))
        shares.append(0.0 if held[side] == 0 else (held[side] / figure if figure > 0 else math.inf))
    side = 0 if shares[0] >= shares[1] else 1
    words = (f"the part of the period only {_label(rows[side])} covers could hold about {held[side]:,.0f} deaths "
             f"at the ledger's smallest monthly figures ({shares[side]:.0%} of that figure)")
    return held[side], shares[side], words


def method_family(method: str) -> str:
    """documented / sampled / estimated: numbers of different kinds."""
    return METHOD_FAMILY.get(method, "unknown")


@dataclass(frozen=True)
class ScopeComparison:
    """How claim a's scope relates to claim b's, with a verdict and reasons."""

    a: str
    b: str
    period_relation: PeriodRelation
    period_detail: str
    place_relation: str
    differences: tuple[str, ...]
    verdict: Verdict
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def comparable(self) -> bool:
        return self.verdict != "not_comparable"

    def explain(self) -> str:
        """One paragraph a reader can follow."""
        head = VERDICT_HEADS[self.verdict]
        return f"{head}: " + "; ".join(self.reasons) if self.reasons else head + "."


def _get(row: Mapping[str, object] | pd.Series, key: str, default: object = "") -> object:
    value = row.get(key, default) if hasattr(row, "get") else default
    return default if value is None or (isinstance(value, float) and pd.isna(value)) else value


def _label(row: Mapping[str, object] | pd.Series) -> str:
    return f"{_get(row, 'claimant')} ({_get(row, 'claim_id')})"


def _fmt(ts: object, precision: object) -> str:
    return date_text(ts, precision, missing="?")


def _timestamp(value: object) -> pd.Timestamp | None:
    """A period date of the loaded ledger as a Timestamp; None when missing (None, NaN, NaT, NA)."""
    if value is None:
        return None
    if not isinstance(value, (str, date, np.datetime64, int, float, NaTType, NAType)):
        raise TypeError(f"not a date: {value!r}")
    return None if pd.isna(value) else pd.Timestamp(value)


def _places(row: Mapping[str, object] | pd.Series) -> tuple[str, ...]:
    """The claim's place ids (`places_list` of the loaded ledger); empty when missing."""
    value = _get(row, "places_list", ())
    return tuple(value) if isinstance(value, Iterable) else ()


def _period(
    row: Mapping[str, object] | pd.Series,
) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp, pd.Timestamp] | None:
    """(start_first, start_last, end_first, end_last) honouring date precision."""
    s, e = _timestamp(_get(row, "period_start_date", None)), _timestamp(_get(row, "period_end_date", None))
    if s is None or e is None:
        return None
    sp, ep = str(_get(row, "period_start_precision")), str(_get(row, "period_end_precision"))
    s_last = {"year": pd.Timestamp(s.year, 12, 31), "month": s + pd.offsets.MonthEnd(0)}.get(sp, s)
    e_first = {"year": pd.Timestamp(e.year, 1, 1), "month": pd.Timestamp(e.year, e.month, 1)}.get(ep, e)
    return s, s_last, e_first, e


def _compare_periods(
    a: Mapping[str, object] | pd.Series, b: Mapping[str, object] | pd.Series
) -> tuple[PeriodRelation, str, float]:
    """Relation, a sentence, and the share of the combined period not shared."""
    pa_, pb_ = _period(a), _period(b)
    if pa_ is None or pb_ is None:
        return "unknown", "the period of one claim is not known", 1.0
    a_s, a_s2, a_e1, a_e = pa_
    b_s, b_s2, b_e1, b_e = pb_
    la = f"{_fmt(a_s, _get(a, 'period_start_precision'))} – {_fmt(a_e, _get(a, 'period_end_precision'))}"
    lb = f"{_fmt(b_s, _get(b, 'period_start_precision'))} – {_fmt(b_e, _get(b, 'period_end_precision'))}"
    starts_agree = a_s <= b_s2 and b_s <= a_s2
    ends_agree = a_e1 <= b_e and b_e1 <= a_e
    if a_e < b_s or b_e < a_s:
        return "disjoint", f"the periods do not overlap ({la} vs {lb})", 1.0
    union = (max(a_e, b_e) - min(a_s, b_s)).days + 1
    shared = (min(a_e, b_e) - max(a_s, b_s)).days + 1
    outside = 1 - shared / union if union > 0 else 0.0
    if starts_agree and ends_agree:
        return "same", f"same period ({la})", 0.0
    a_in_b = b_s <= a_s2 and a_e1 <= b_e
    b_in_a = a_s <= b_s2 and b_e1 <= a_e
    if a_in_b or b_in_a:
        text = (
            f"one period lies within the other ({la} vs {lb}; "
            f"{outside:.0%} of the combined period is covered by only one claim)"
        )
        return "nested", text, outside
    return "overlapping", f"the periods overlap only in part ({la} vs {lb}; {outside:.0%} not shared)", outside


def _shown(axis: str, value: object) -> str:
    """A scope value as a reason names it: a perpetrator slug in words, others as stored; "(not given)" if empty."""
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return "(not given)"
    return perpetrator_label(str(value)) if axis == "perpetrator" else str(value)


def compare_scopes(
    a: Mapping[str, object] | pd.Series,
    b: Mapping[str, object] | pd.Series,
    gazetteer: Gazetteer,
    *,
    period_tolerance: float = PERIOD_TOLERANCE,
    rates: pd.DataFrame | None = None,
) -> ScopeComparison:
    """Compare two claims (rows of the loaded ledger) axis by axis.

    Any axis that makes the figures measure different things (outcome,
    victims, perpetrator, unit, place, a period mostly not shared) gives
    "not_comparable"; smaller mismatches (a period that differs by a few
    weeks, floors such as "at least", different kinds of method, untraced
    figures) give "comparable_with_caveats".
    """
    blockers: list[str] = []
    caveats: list[str] = []
    differences: list[str] = []
    na, nb = _label(a), _label(b)

    axes = (("unit", "unit"), ("outcome", "outcome"), ("victims", "victim group"), ("perpetrator", "perpetrator"))
    for axis, words in axes:
        va, vb = _get(a, axis), _get(b, axis)
        if va != vb:
            differences.append(axis)
            blockers.append(f"different {words}: {_shown(axis, va)} vs {_shown(axis, vb)}")

    period_relation, period_text, outside = _compare_periods(a, b)
    if period_relation == "same":
        pass
    elif period_relation in ("disjoint", "unknown"):
        differences.append("period")
        blockers.append(period_text)
    else:
        differences.append("period")
        held = _could_hold((a, b), rates) if rates is not None else None
        if held is not None:
            (blockers if held[1] > period_tolerance else caveats).append(f"{period_text}; {held[2]}")
        else:
            (blockers if outside > period_tolerance else caveats).append(period_text)

    places_a, places_b = _places(a), _places(b)
    try:
        place_relation = gazetteer.relation(places_a, places_b) if places_a and places_b else "unknown"
    except KeyError as exc:
        place_relation = "unknown"
        blockers.append(f"place not in the gazetteer: {exc.args[0]}")
    if place_relation != "same":
        differences.append("place")
        if place_relation == "unknown":
            blockers.append("the place of one claim is not known")
        else:
            la = gazetteer.label(places_a)
            lb = gazetteer.label(places_b)
            words = {
                "contains": "covers a larger area than", "within": "covers a smaller area than",
                "overlaps": "overlaps only in part with", "disjoint": "covers a different area from",
            }[place_relation]
            blockers.append(f"{na} {words} {nb} ({la} vs {lb})")

    ma, mb = str(_get(a, "method")), str(_get(b, "method"))
    if ma != mb:
        differences.append("method")
        text = f"different methods: {METHOD_WORDS.get(ma, ma)} vs {METHOD_WORDS.get(mb, mb)}"
        if method_family(ma) != method_family(mb):
            caveats.append(text + f" ({method_family(ma)} vs {method_family(mb)} figures)")
        else:
            caveats.append(text + "; the gap measures the methods as much as the events")

    ga, gb = str(_get(a, "grade")), str(_get(b, "grade"))
    ca, cb = counted_class(ga), counted_class(gb)
    if (ca == "alleged") != (cb == "alleged") or (ca and cb and ca != cb):
        differences.append("grade")
        blockers.append(f"different things counted: {_counted_words(ca, ga)} vs {_counted_words(cb, gb)}")
    elif ga and gb and ga != gb:
        differences.append("grade")
        caveats.append(f"different grades: {ga} vs {gb}")

    for row, name in ((a, na), (b, nb)):
        q = _get(row, "qualifier")
        if q in FLOOR_QUALIFIERS:
            caveats.append(f"{name} is a floor ({str(q).replace('_', ' ')})")
        status = _get(row, "source_status")
        if status == "untraced":
            caveats.append(f"{name} could not be traced to a primary publication")
        elif status == "relayed":
            caveats.append(f"{name} reached us through {_get(row, 'relay_chain')}")

    verdict: Verdict = "not_comparable" if blockers else ("comparable_with_caveats" if caveats else "comparable")
    return ScopeComparison(
        a=str(_get(a, "claim_id")),
        b=str(_get(b, "claim_id")),
        period_relation=period_relation,
        period_detail=period_text,
        place_relation=place_relation,
        differences=tuple(dict.fromkeys(differences)),
        verdict=verdict,
        reasons=tuple(blockers + caveats),
    )


def comparability_matrix(
    claims: pd.DataFrame, gazetteer: Gazetteer, *, ids: list[str] | None = None
) -> pd.DataFrame:
    """Every ordered pair of claims with verdict and reasons (tidy, for charts)."""
    rates = monthly_rates(claims)
    rows = claims if ids is None else claims[claims["claim_id"].isin(ids)]
    # The ledger's column labels are strings; pandas-stubs types records as dict[Hashable, Any].
    records = cast(list[dict[str, object]], rows.to_dict("records"))
    out = []
    for ra in records:
        for rb in records:
            if ra["claim_id"] == rb["claim_id"]:
                out.append({"a": ra["claim_id"], "b": rb["claim_id"], "claimant_a": ra["claimant"],
                            "claimant_b": rb["claimant"], "verdict": "same claim", "period_relation": "same",
                            "place_relation": "same", "reasons": ""})
                continue
            c = compare_scopes(ra, rb, gazetteer, rates=rates)
            out.append({"a": c.a, "b": c.b, "claimant_a": ra["claimant"], "claimant_b": rb["claimant"],
                        "verdict": c.verdict, "period_relation": c.period_relation,
                        "place_relation": c.place_relation, "reasons": "; ".join(c.reasons)})
    return pd.DataFrame(out, columns=["a", "b", "claimant_a", "claimant_b", "verdict", "period_relation",
                                      "place_relation", "reasons"])
