"""The model's rules (docs/MODEL.md): qualifiers, comparability, staleness, date precision, consistency,
the ledger brought up to its sources and the monthly reports; and the founding report as rendered."""

from __future__ import annotations

import csv
import html
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kit
from kit.compare import (
    STALE_AFTER_DAYS,
    admission_lag,
    as_of,
    compare_claims,
    consistency,
    gap_over_time,
    open_label,
    reporting_lag,
    select_scope,
)
from kit.core import Range
from kit.ledger import load_monthly_reports, reconcile_reports, validate_claims_frame
from kit.present import bounded_text, claims_table, format_gap_table, lag_text, stated_text
from kit.present.charts import gap_chart, monthly_reports_chart
from kit.scope import compare_scopes, monthly_rates

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return kit.load_claims().raise_if_problems().claims


@pytest.fixture(scope="module")
def gaz() -> kit.Gazetteer:
    return kit.load_gazetteer()


@pytest.fixture(scope="module")
def gap(claims: pd.DataFrame, gaz: kit.Gazetteer) -> pd.DataFrame:
    return gap_over_time(claims, "Airwars", "CJTF-OIR", places=["iq", "sy"], since="2014-08", gazetteer=gaz)


def _row(claims: pd.DataFrame, claim_id: str) -> pd.Series:
    return claims.set_index("claim_id", drop=False).loc[claim_id]


# --------------------------------------------------------------------------- 1. qualifiers travel with the figure
STRICT = ("none", "at_least", "more_than", "up_to", "fewer_than")
counts = st.floats(min_value=1, max_value=1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def stated(draw: st.DrawFn, qualifiers: tuple[str, ...] = STRICT) -> Range:
    a, b = draw(counts), draw(counts)
    return Range.stated(min(a, b), max(a, b), None, draw(st.sampled_from(qualifiers)))


def _true_value(r: Range, t: float, far: float) -> float:
    """A value the stated figure allows: inside the range, or past an open end (by up to `far`×)."""
    lo = r.low / far if r.open_low else r.low
    hi = r.high * far if r.open_high else r.high
    return lo + (hi - lo) * t


_NUMBER = r"[\d,]+(?:\.\d+)?"


def _claims_of(text: str) -> tuple[float, float]:
    """What a printed ratio asserts about the true ratio: (lowest, highest) it allows."""
    num = lambda s: float(s.replace(",", ""))  # noqa: E731
    if "bounds neither way" in text:
        return 0.0, math.inf
    if m := re.fullmatch(rf"at least ({_NUMBER})×", text):
        return num(m[1]), math.inf
    if m := re.fullmatch(rf"at most ({_NUMBER})×", text):
        return 0.0, num(m[1])
    if m := re.fullmatch(rf"({_NUMBER})–({_NUMBER})×", text):
        return num(m[1]), num(m[2])
    m = re.fullmatch(rf"({_NUMBER})×", text)
    assert m, f"unexpected ratio text {text!r}"
    return num(m[1]), num(m[1])


@given(stated(), stated(), st.floats(0, 1), st.floats(0, 1), st.floats(1, 50))
def test_printed_ratio_never_claims_more_than_the_ranges_allow(a: Range, b: Range, s: float, t: float,
                                                               far: float) -> None:
    r = a / b
    text = bounded_text(r.low, r.high, open_label(a, b, r))
    lowest, highest = _claims_of(text)
    truth = _true_value(a, s, far) / _true_value(b, t, far)
    assert lowest <= truth * (1 + 1e-9) and truth <= highest * (1 + 1e-9), (a, b, text, truth)
    if a.open_high and b.open_high and a.bounded is False and not (a.open_low or b.open_low):
        assert text.startswith("ratio of stated minimums")


@given(stated(("about",)), stated())
def test_an_approximate_figure_keeps_its_about(a: Range, b: Range) -> None:
    r = a / b
    assert r.approx and bounded_text(r.low, r.high, r.open_ends, approx=r.approx).startswith("about ")


def test_ratio_intervals_are_rounded_outward_and_floors_are_labelled() -> None:
    assert bounded_text(2.852, 4.031) == "2.8–4.1×"
    floors = Range.stated(3200, 3200, None, "more_than") / Range.stated(352, 352, None, "at_least")
    assert floors.open_low and floors.open_high
    label = open_label(Range.stated(3200, 3200, None, "more_than"), Range.stated(352, 352, None, "at_least"), floors)
    text = bounded_text(floors.low, floors.high, label)
    assert text == "ratio of stated minimums 9.0–9.1× (bounds neither way)" and "9.09" not in text
    assert stated_text(3200, 3200, "more_than") == "more than 3,200"
    gap = Range.stated(4354, 4354) - Range.stated(603, 603, None, "at_least")
    assert bounded_text(gap.low, gap.high, gap.open_ends, kind="gap") == "at most 3,751"


def test_claim_range_reads_the_qualifier(claims: pd.DataFrame) -> None:
    assert kit.claim_range(_row(claims, "cjtf-oir-2017-04-30")).open_high
    ibc = kit.claim_range(_row(claims, "ibc-2016"))
    assert ibc.open_low and not ibc.open_high, "IBC's annual figure is the upper end of its range"


# --------------------------------------------------------------------------- 2. nothing compared that is not comparable
def test_not_comparable_pairs_have_no_numbers_anywhere(claims: pd.DataFrame, gaz: kit.Gazetteer,
                                                       gap: pd.DataFrame) -> None:
    pair = compare_claims(_row(claims, "isoc-2017-05-airwars-1782"), _row(claims, "cjtf-oir-2017-04-30"), gaz)
    assert pair.ratio is None and pair.gap is None and pair.numbers["consistency"] is None
    blocked = gap[gap["verdict"] == "not_comparable"]
    assert len(blocked) >= 3 and blocked[["ratio_low", "gap_low", "consistency"]].isna().all().all()
    table = format_gap_table(gap)
    shown = table[gap["verdict"].eq("not_comparable").to_numpy()]
    assert (shown["ratio"] == "—").all() and (shown["gap"] == "—").all() and shown["reasons"].str.len().gt(0).all()


def test_gap_chart_lines_break_across_not_comparable_and_stale_runs(gap: pd.DataFrame) -> None:
    spec = gap_chart(gap).to_dict()
    rows = _gap_rows(spec)
    by_segment: dict[object, set[tuple[bool, bool]]] = {}
    for r in rows:
        by_segment.setdefault(r["segment"], set()).add((r.get("verdict") == "not_comparable", bool(r["stale"])))
    assert len(by_segment) > 3 and all(len(states) == 1 for states in by_segment.values())
    lines = [u for u in _units(spec) if u.get("mark", {}).get("type") in ("line", "area")
             and "detail" in u.get("encoding", {})]
    assert lines and all(u["encoding"]["detail"]["field"] == "segment" for u in lines)


def _units(spec: dict) -> list[dict]:
    out, stack = [], [spec]
    while stack:
        d = stack.pop()
        if isinstance(d, dict):
            if "mark" in d:
                out.append(d if isinstance(d["mark"], dict) else {**d, "mark": {"type": d["mark"]}})
            stack.extend(d.values())
        elif isinstance(d, list):
            stack.extend(d)
    return out


def _gap_rows(spec: dict) -> list[dict]:
    rows = [r for u in _units(spec) for r in (u.get("data") or {}).get("values", []) if "segment" in r]
    for values in spec.get("datasets", {}).values():
        rows += [r for r in values if "segment" in r]
    return rows


# --------------------------------------------------------------------------- 3. sharper comparability
def test_alleged_likely_and_confirmed_are_different_things(claims: pd.DataFrame, gaz: kit.Gazetteer) -> None:
    c = compare_scopes(_row(claims, "airwars-2017-03-month-alleged-via-rci"),
                       _row(claims, "airwars-2017-03-month-likely-via-vice"), gaz)
    assert c.verdict == "not_comparable"
    assert "different things counted: alleged deaths (all alleged) vs likely deaths (likely)" in c.reasons


def test_unshared_period_is_judged_by_the_deaths_it_could_hold(claims: pd.DataFrame, gaz: kit.Gazetteer) -> None:
    a, b = _row(claims, "airwars-2017-05-04"), _row(claims, "cjtf-oir-2017-04-30")
    days_only = compare_scopes(a, b, gaz)
    assert days_only.verdict == "comparable_with_caveats", "3% of the days: a caveat by days alone"
    priced = compare_scopes(a, b, gaz, rates=monthly_rates(claims))
    assert priced.verdict == "not_comparable"
    assert any("could hold about 328 deaths" in r for r in priced.reasons)


# --------------------------------------------------------------------------- 4. staleness
def test_each_as_of_value_carries_its_age_and_stale_spans_are_no_trend(claims: pd.DataFrame,
                                                                       gap: pd.DataFrame) -> None:
    series = as_of(claims, "Airwars", ["2018-06-28"], places=["iq", "sy"], since="2014-08")
    row = series.iloc[0]
    assert row["claim_id"] == "airwars-2017-11-30-via-reuters" and row["age_days"] == 210 and row["stale"]
    lenient = as_of(claims, "Airwars", ["2018-06-28"], places=["iq", "sy"], since="2014-08", stale_after_days=365)
    assert not lenient.iloc[0]["stale"]
    stale = gap[gap["stale"]]
    assert len(stale) >= 2 and not stale["trend"].any()
    assert (gap["trend"] == (gap["verdict"].ne("not_comparable") & ~gap["stale"])).all()
    assert STALE_AFTER_DAYS == 183


# --------------------------------------------------------------------------- 5. dates at their precision
def test_lags_are_intervals_when_a_date_is_imprecise(claims: pd.DataFrame) -> None:
    lag = admission_lag(claims, "CJTF-OIR", "Airwars", places=["iq", "sy"], since="2014-08")
    month_only = lag.set_index("claim_id").loc["cjtf-oir-2017-03"]
    assert pd.isna(month_only["lag_days"]) and month_only["lag_high_days"] - month_only["lag_low_days"] == 30
    exact = lag.set_index("claim_id").loc["cjtf-oir-2017-04-30"]
    assert exact["lag_days"] == exact["lag_low_days"] == exact["lag_high_days"]
    assert lag_text(576, 606) == "576–606 days"
    rep = reporting_lag(claims).join(claims[["claim_id"]]).set_index("claim_id")
    year_only = rep.loc["snhr-2018-09"]
    width = year_only["reporting_lag_high_days"] - year_only["reporting_lag_low_days"]
    assert pd.isna(year_only["reporting_lag_days"]) and width == 364, "published '2018': any day of that year"


# --------------------------------------------------------------------------- 6. consistency
@given(stated(("at_least", "more_than")), stated(("at_least", "more_than")))
def test_two_floors_never_contradict(a: Range, b: Range) -> None:
    assert consistency(a, b).kind != "contradictory"


@given(counts, counts)
def test_a_ceiling_below_a_floor_contradicts(x: float, y: float) -> None:
    lo, hi = min(x, y), max(x, y)
    if hi - lo < 1e-6 * hi:
        return
    fit = consistency(Range.stated(lo, lo, None, "up_to"), Range.stated(hi, hi, None, "at_least"))
    assert fit.kind == "contradictory" and fit.radius == math.inf


def test_contradiction_radius_is_in_units_of_stated_uncertainty() -> None:
    fit = consistency(Range(1004, 1419), Range(1500, 2000))
    assert fit.kind == "contradictory" and fit.radius == pytest.approx(81 / (207.5 + 250))
    assert consistency(Range(1004, 1419), Range(1300, 2000)).kind == "compatible"
    far = consistency(Range(8106, 12980), Range.stated(1321, 1321, None, "at_least"))
    assert far.kind == "far_apart" and far.radius == pytest.approx((8106 - 1321) / 2437)


def test_every_compared_pair_has_its_consistency(gap: pd.DataFrame) -> None:
    compared = gap[gap["verdict"] != "not_comparable"]
    assert compared["consistency"].isin(["compatible", "far_apart", "contradictory"]).all()
    assert format_gap_table(gap).loc[compared.index, "both can be true?"].ne("—").all()


# --------------------------------------------------------------------------- 7. the ledger brought up to its sources
def test_every_ledger_row_has_a_quote_and_a_retrieval_date(claims: pd.DataFrame) -> None:
    assert claims["quote"].str.len().gt(10).all()
    assert claims["retrieved"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    dated = claims[claims["known_from"].notna()]
    assert (dated["period_end_date"] <= dated["known_from"]).all()


def test_a_period_end_after_publication_is_rejected(gaz: kit.Gazetteer) -> None:
    row = {"claim_id": "x", "claimant": "X", "claimant_type": "monitor", "relay_chain": "", "source_status": "primary",
           "published": "2017-09-26", "url": "https://example.org", "low": "1", "best": "", "high": "1",
           "qualifier": "none", "unit": "persons", "outcome": "killed", "victims": "civilians", "perpetrator": "all",
           "places": "sy", "period_start": "2014", "period_end": "2017-09", "method": "documented_enumeration",
           "grade": "", "cites": "", "note": ""}
    result = validate_claims_frame(pd.DataFrame([row]), file="draft", gazetteer=gaz)
    assert [p.field for p in result.problems] == ["period_end"]
    assert "runs past the publication date" in result.problems[0].message
    undated = validate_claims_frame(pd.DataFrame([{**row, "period_end": "2017-09-26", "retrieved": "2026-11"}]),
                                    file="draft", gazetteer=gaz)
    assert [p.field for p in undated.problems] == ["retrieved"]


def test_founding_rows_are_corrected(claims: pd.DataFrame, gaz: kit.Gazetteer) -> None:
    hill = _row(claims, "isoc-2017-05-airwars-3164")
    assert hill["places_list"] == ("iq", "sy", "ly") and hill["cites"] == "airwars-2017-04-via-the-hill"
    c = compare_scopes(hill, _row(claims, "isoc-2017-05-cjtf-oir-352"), gaz)
    assert c.verdict == "not_comparable" and "place" in c.differences
    march = _row(claims, "isoc-2017-05-airwars-1782")
    assert march["grade"] == "all alleged" and march["period_start"] == march["period_end"] == "2017-03"


def test_the_ledger_covers_every_shared_figure_with_its_quote(shared_dir: Path, claims: pd.DataFrame) -> None:
    shared = list(csv.DictReader((shared_dir / "data" / "figures_ledger.csv").open(encoding="utf-8")))
    assert len(shared) == 103
    for s in shared:
        hit = claims[claims["url"].str.rstrip("/").eq(s["url"].rstrip("/"))
                     & (claims["low"].eq(float(s["figure_low"])) | claims["high"].eq(float(s["figure_high"])))]
        assert len(hit), s["url"]
        assert hit["quote"].eq(s["quote"].strip()).any(), s["url"]


def test_claims_table_names_methods_from_the_vocabulary(claims: pd.DataFrame, gaz: kit.Gazetteer) -> None:
    table = claims_table(claims.head(3), gaz)
    assert "graded open-source monitoring" in set(table["method"])


# --------------------------------------------------------------------------- 8. monthly reports
def test_monthly_reports_reconcile_with_the_totals(claims: pd.DataFrame) -> None:
    loaded = load_monthly_reports()
    assert loaded.problems == [] and loaded.rows_in == len(loaded.reports) == 26
    check = reconcile_reports(loaded.reports).set_index("month")
    computed = check["total_difference"].dropna()
    assert len(computed) >= 12 and (computed == 0).all(), "every chained month adds up to the next total"
    assert check.loc["2018-03", "open_difference"] == -120, "printed counts that do not add up are reported"
    assert check.loc["2018-01", "completed_difference"] == 10
    assert check.loc["2018-01", "gap_months"] == 1 and pd.isna(check.loc["2018-01", "expected_total"])
    by_id = claims.set_index("claim_id")
    for r in loaded.reports[loaded.reports["total_claim"] != ""].itertuples():
        assert by_id.loc[r.total_claim, "low"] == r.total, r.report_id


def test_monthly_reports_chart_shows_assessments_and_admissions() -> None:
    reports = load_monthly_reports().reports
    spec = monthly_reports_chart(reports).to_dict()
    rows = [r for u in _units(spec) for r in (u.get("data") or {}).get("values", [])]
    rows += [r for values in spec.get("datasets", {}).values() for r in values]
    assert {r["outcome"] for r in rows if "outcome" in r} == {"found credible", "found not credible", "duplicates"}
    added = [r["deaths"] for r in rows if "deaths" in r]
    assert len(added) == reports["deaths_added"].notna().sum() and sum(added) == reports["deaths_added"].sum() == 755


def test_bad_monthly_report_rows_are_listed(tmp_path: Path) -> None:
    bad = tmp_path / "r.csv"
    bad.write_text("report_id,claimant,month,url,quote,retrieved,credible\nr1,X,2017-13x,ftp://x,q,2026-11-26,two\n",
                   encoding="utf-8")
    loaded = load_monthly_reports(bad)
    assert {p.field for p in loaded.problems} == {"month", "url", "credible"} and loaded.reports.empty


# --------------------------------------------------------------------------- 9. small bugs
def test_select_scope_with_no_match_is_empty_not_a_key_error(claims: pd.DataFrame) -> None:
    assert select_scope(claims, claimant="Nobody", places=["iq", "sy"], since="2014-08").empty
    assert as_of(claims, "Nobody", places=["iq", "sy"], since="2014-08").empty


def test_syria_series_leaves_out_a_field_investigation_of_eleven_attacks(claims: pd.DataFrame) -> None:
    syria = as_of(claims, "Amnesty International", places=["sy"], since="2014-09-23")
    assert "amnesty-syria-2016-10-26" not in set(syria["claim_id"])


# --------------------------------------------------------------------------- the founding report as rendered
@pytest.fixture(scope="module")
def founding_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("render")
    env = {**os.environ, "PYTHONPATH": str(REPO), "KIT_ROOT": str(REPO), "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run([sys.executable, "-m", "kit", "render", str(REPO / "notebooks" / "01_founding_article.ipynb"),
                           "--out", str(out)], env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    page = (out / "01_founding_article.html").read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_founding_report_says_only_what_the_numbers_support(founding_text: str) -> None:
    text = founding_text
    assert "9.09×" not in text and not re.search(r"(?<![–\d.,])9\.1×", text)
    for words in ("more than 3,200", "at least 352", "ratio of stated minimums", "bounds neither way", "far apart"):
        assert words in text, words
    # the anchor table: verdict, then ratio, gap and consistency; a not comparable row shows dashes
    assert re.search(r"not comparable — — —", text)
    assert not re.search(r"not comparable [^—]{0,20}\d×", text), "a not comparable row shows a ratio"
