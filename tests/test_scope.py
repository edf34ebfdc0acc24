"""Scope comparison and comparisons over time on the founding article's figures."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.compare import IncomparableError, admission_lag, as_of, compare_claims, gap_over_time, ratio_range
from kit.core import Range
from kit.ledger import load_gazetteer, validate_claims_frame
from kit.scope import comparability_matrix, compare_scopes

BASE = {
    "relay_chain": "", "source_status": "primary", "best": "", "qualifier": "none", "unit": "persons",
    "outcome": "killed", "victims": "civilians", "perpetrator": "us-led-coalition", "grade": "", "cites": "",
    "note": "fixture", "url": "https://example.org/x",
}


def _claims(rows: list[dict[str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame([{**BASE, **r} for r in rows])
    result = validate_claims_frame(frame, file="fixture", gazetteer=load_gazetteer())
    assert result.problems == [], [str(p) for p in result.problems]
    return result.claims.set_index("claim_id", drop=False)


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="module")
def founding() -> pd.DataFrame:
    """The four figures the founding article sets side by side, as scoped claims."""
    return _claims([
        {"claim_id": "cjtf-352", "claimant": "CJTF-OIR", "claimant_type": "belligerent", "published": "2017-04-30",
         "low": "352", "high": "352", "qualifier": "at_least", "places": "iq;sy", "period_start": "2014-08",
         "period_end": "2017-03", "method": "acknowledged_after_investigation"},
        {"claim_id": "airwars-3164", "claimant": "Airwars", "claimant_type": "monitor", "published": "2017-05",
         "low": "3164", "high": "3164", "places": "iq;sy", "period_start": "2014-08", "period_end": "",
         "method": "graded_open_source_monitoring", "source_status": "untraced",
         "relay_chain": "The Guardian > Inside Syria Media Center"},
        {"claim_id": "airwars-1782", "claimant": "Airwars", "claimant_type": "monitor", "published": "2017-05",
         "low": "1782", "high": "1782", "places": "iq;sy", "period_start": "2017-03", "period_end": "2017-03",
         "method": "graded_open_source_monitoring", "source_status": "untraced"},
        {"claim_id": "amnesty-804", "claimant": "Amnesty International", "claimant_type": "ngo", "published": "2016-09",
         "low": "804", "high": "1213", "places": "sy", "period_start": "2014-09-23", "period_end": "2016-08",
         "method": "field_investigation"},
        {"claim_id": "cjtf-188", "claimant": "CJTF-OIR", "claimant_type": "belligerent", "published": "2017-01-02",
         "low": "188", "high": "188", "qualifier": "at_least", "places": "iq;sy", "period_start": "2014-08",
         "period_end": "2016-11", "method": "acknowledged_after_investigation"},
        {"claim_id": "airwars-1004", "claimant": "Airwars", "claimant_type": "monitor", "published": "2016-03-09",
         "low": "1004", "high": "1419", "places": "iq;sy", "period_start": "2014-08", "period_end": "2016-03-09",
         "method": "graded_open_source_monitoring"},
        {"claim_id": "sohr-611", "claimant": "SOHR", "claimant_type": "monitor", "published": "2016-09-23",
         "low": "611", "high": "611", "places": "sy", "period_start": "2014-09-23", "period_end": "2016-09-23",
         "method": "documented_enumeration", "victims": "civilians"},
        {"claim_id": "ibc-2016", "claimant": "IBC", "claimant_type": "monitor", "published": "2017-01",
         "low": "16393", "high": "16393", "places": "iq", "period_start": "2016", "period_end": "2016",
         "method": "documented_enumeration", "perpetrator": "all"},
    ])


def test_cumulative_totals_weeks_apart_are_comparable_with_caveats(founding, gaz) -> None:
    c = compare_scopes(founding.loc["cjtf-352"], founding.loc["airwars-3164"], gaz)
    assert c.verdict == "comparable_with_caveats"
    assert (c.period_relation, c.place_relation) == ("nested", "same")
    assert "method" in c.differences and "period" in c.differences
    text = " | ".join(c.reasons)
    assert "CJTF-OIR (cjtf-352) is a floor (at least)" in text
    assert "Airwars (airwars-3164) could not be traced to a primary publication" in text


def test_syria_only_amnesty_range_is_not_comparable_to_iraq_and_syria_total(founding, gaz) -> None:
    c = compare_scopes(founding.loc["cjtf-352"], founding.loc["amnesty-804"], gaz)
    assert c.verdict == "not_comparable"
    assert c.place_relation == "contains"
    assert any(
        "covers a larger area than Amnesty International (amnesty-804) (Iraq + Syria vs Syria)" in r for r in c.reasons
    )
    with pytest.raises(IncomparableError, match="not comparable"):
        ratio_range(founding.loc["amnesty-804"], founding.loc["cjtf-352"], gaz)
    forced = ratio_range(founding.loc["amnesty-804"], founding.loc["cjtf-352"], gaz, allow_incomparable=True)
    # 352 is a floor ("at least"): the ratio's low end is open, the high end still a bound
    assert forced == Range(804 / 352, 1213 / 352, open_low=True)


def test_one_month_is_not_comparable_to_a_cumulative_total(founding, gaz) -> None:
    c = compare_scopes(founding.loc["airwars-1782"], founding.loc["cjtf-352"], gaz)
    assert c.verdict == "not_comparable" and c.period_relation == "nested"
    assert "97% of the combined period is covered by only one claim" in c.reasons[0]


def test_different_perpetrator_and_disjoint_places_block(founding, gaz) -> None:
    c = compare_scopes(founding.loc["ibc-2016"], founding.loc["sohr-611"], gaz)
    assert c.verdict == "not_comparable"
    assert c.differences[:1] == ("perpetrator",)
    assert c.place_relation == "disjoint"


def test_same_scope_same_method_is_comparable(gaz) -> None:
    claims = _claims([
        {"claim_id": "a", "claimant": "A", "claimant_type": "monitor", "published": "2017-01-01", "low": "5",
         "high": "9", "places": "sy-raqqa", "period_start": "2017", "period_end": "2017-01-01",
         "method": "documented_enumeration"},
    ])
    row = claims.loc["a"]
    c = compare_scopes(row, row.copy(), gaz)
    assert c.verdict == "comparable" and c.reasons == ()


def test_compare_claims_gives_intervals_only_when_comparable(founding, gaz) -> None:
    ok = compare_claims(founding.loc["airwars-3164"], founding.loc["cjtf-352"], gaz)
    assert ok.scope.verdict == "comparable_with_caveats"
    assert ok.ratio == Range(3164 / 352, 3164 / 352, open_low=True)
    assert ok.gap == Range(3164 - 352, 3164 - 352, open_low=True)
    assert ok.numbers["ratio_open"] == "low" and ok.numbers["consistency"] == "far_apart"
    stale = compare_claims(founding.loc["airwars-1004"], founding.loc["cjtf-188"], gaz)
    assert stale.scope.verdict == "not_comparable" and "31% of the combined period" in stale.scope.reasons[0]
    blocked = compare_claims(founding.loc["amnesty-804"], founding.loc["cjtf-352"], gaz)
    assert blocked.ratio is None and blocked.gap is None
    assert blocked.as_dict()["verdict"] == "not_comparable"


def test_as_of_is_a_step_function_of_publication_dates(founding) -> None:
    series = as_of(founding.reset_index(drop=True), "CJTF-OIR",
                   ["2016-12-31", "2017-01-02", "2017-04-29", "2017-05-01"], places=["iq", "sy"], since="2014-08")
    assert list(series["date"].dt.strftime("%Y-%m-%d")) == ["2017-01-02", "2017-04-29", "2017-05-01"]
    assert list(series["claim_id"]) == ["cjtf-188", "cjtf-188", "cjtf-352"]


def test_month_precision_publication_counts_from_the_month_end(founding) -> None:
    series = as_of(founding.reset_index(drop=True), "Airwars", ["2017-05-15", "2017-05-31"], places=["iq", "sy"],
                   since="2014-08", include_untraced=True)
    assert list(series["claim_id"]) == ["airwars-1004", "airwars-3164"]
    traced_only = as_of(
        founding.reset_index(drop=True), "Airwars", ["2017-05-31"], places=["iq", "sy"], since="2014-08"
    )
    assert list(traced_only["claim_id"]) == ["airwars-1004"]


def test_gap_over_time_is_an_interval_with_staleness(founding, gaz) -> None:
    gap = gap_over_time(founding.reset_index(drop=True), "Airwars", "CJTF-OIR", places=["iq", "sy"], since="2014-08",
                        gazetteer=gaz, include_untraced=True)
    first = gap.iloc[0]
    assert (first["a_claim"], first["b_claim"]) == ("airwars-1004", "cjtf-188")
    # not comparable: no gap, no ratio, no consistency; the reason stands instead
    assert first["verdict"] == "not_comparable" and first["reasons"]
    assert pd.isna(first["gap_low"]) and pd.isna(first["ratio_low"]) and pd.isna(first["consistency"])
    assert first["stale_days"] == (pd.Timestamp("2016-11-30") - pd.Timestamp("2016-03-09")).days
    assert first["b_qualifier"] == "at_least"
    last = gap.iloc[-1]
    assert (last["a_claim"], last["b_claim"]) == ("airwars-3164", "cjtf-352")
    assert last["verdict"] == "comparable_with_caveats"


def test_admission_lag_counts_days_since_the_monitor_reached_the_figure(founding) -> None:
    lag = admission_lag(founding.reset_index(drop=True), "CJTF-OIR", "Airwars", places=["iq", "sy"], since="2014-08")
    row = lag.set_index("claim_id").loc["cjtf-352"]
    assert row["monitor_claim"] == "airwars-1004"
    assert row["lag_days"] == (pd.Timestamp("2017-04-30") - pd.Timestamp("2016-03-09")).days


def test_comparability_matrix_is_tidy(founding, gaz) -> None:
    m = comparability_matrix(founding.reset_index(drop=True), gaz, ids=["cjtf-352", "airwars-3164", "amnesty-804"])
    assert len(m) == 9
    assert set(m["verdict"]) == {"same claim", "comparable_with_caveats", "not_comparable"}


def test_as_of_with_several_claimants_gives_one_series_each(founding) -> None:
    both = as_of(founding.reset_index(drop=True), ["CJTF-OIR", "Airwars"], places=["iq", "sy"], since="2014-08")
    assert set(both["claimant"]) == {"CJTF-OIR", "Airwars"}
    alone = as_of(founding.reset_index(drop=True), "CJTF-OIR", places=["iq", "sy"], since="2014-08")
    assert both[both["claimant"] == "CJTF-OIR"].reset_index(drop=True).equals(alone)
