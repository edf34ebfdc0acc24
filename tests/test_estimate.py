"""kit.estimate: published results reproduced, edge cases said in words, inputs validated, CLI, charts.

Published figures are compared at the precision they were published with.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kit.cli import app
from kit.core import InputError
from kit.estimate import (
    JSON_SCHEMA,
    CaptureHistories,
    LoglinearResult,
    chao_lower_bound,
    chapman,
    describe,
    dumps,
    estimate,
    estimate_file,
    estimate_strata,
    histories_from_frame,
    histories_from_matches,
    lincoln_petersen,
    loglinear,
    model_table,
    pairwise_two_list,
    read_histories,
)
from kit.estimate._models import _model_warnings
from kit.present.charts import (
    documented_vs_estimate_chart,
    estimate_chart_frame,
    model_chart_frame,
    model_comparison_chart,
    strata_chart,
)

FIXTURES = Path(__file__).parent / "fixtures" / "estimate"


def _fixture(name: str) -> CaptureHistories:
    return read_histories(FIXTURES / name).histories()


@pytest.fixture(scope="module")
def diabetes() -> LoglinearResult:
    return loglinear(_fixture("bruno_1994_diabetes.csv"))


@pytest.fixture(scope="module")
def darroch() -> LoglinearResult:
    return loglinear(_fixture("darroch_1993_r3.csv"))


@pytest.fixture(scope="module")
def cormack() -> LoglinearResult:
    return loglinear(_fixture("cormack_2000_table3b.csv"))


# -- published results -----------------------------------------------------------


def test_seber_1982_two_sample_petersen() -> None:
    """Seber (1982), *Estimation of Animal Abundance*, p. 107: n1 = 948, n2 = 421, m = 167.

    Published (as the Rcapture `closedp.t` help example "Seber (1982) p.107", model Mt = Petersen):
    N = 2389.9, SE 130.4.
    """
    h = _fixture("seber_1982_p107.csv")
    r = estimate(h)
    lp = next(e for e in r.two_list if e.method == "lincoln_petersen")
    assert (lp.n_a, lp.n_b, lp.m) == (948, 421, 167)
    assert round(lp.estimate, 1) == 2389.9
    assert round(lp.se, 1) == 130.4
    assert r.method == "chapman"
    assert round(r.estimate) == round(949 * 422 / 168 - 1)


@pytest.mark.parametrize(
    ("pair", "petersen", "chap", "se", "low", "high"),
    [
        (("clinic", "hospital"), 2353, 2351, 58, 2250, 2478),
        (("clinic", "prescriptions"), 2185, 2185, 22, 2146, 2233),
        (("clinic", "purchases"), 2264, 2261, 88, 2117, 2468),
        (("hospital", "prescriptions"), 2060, 2057, 77, 1922, 2224),
        (("hospital", "purchases"), 806, 803, 47, 725, 913),
        (("prescriptions", "purchases"), 1558, 1555, 67, 1445, 1712),
    ],
)
def test_bruno_1994_pairwise_chapman_as_published_by_care1(
    pair: tuple[str, str], petersen: int, chap: int, se: int, low: int, high: int
) -> None:
    """Bruno et al. (1994) diabetes data; CARE1 (A. Chao) `Diabetes` example output, "(2) ESTIMATES BASED ON
    ANY PAIR OF SAMPLES": Petersen, Chapman and s.e. after Seber (1982, pp. 59-60), log-transformed interval
    after Chao (1987)."""
    h = _fixture("bruno_1994_diabetes.csv")
    est = {e.lists: e for e in pairwise_two_list(h)}[pair]
    lp = lincoln_petersen(est.n_a, est.n_b, est.m)
    assert round(lp.estimate) == petersen
    assert round(est.estimate) == chap
    assert round(est.se) == se
    assert (round(est.interval.low), round(est.interval.high)) == (low, high)


def test_bruno_1994_diabetes_loglinear_rivest_2011(diabetes: LoglinearResult) -> None:
    """Rivest (2011), *Int. J. Biostatistics* 7(1), diabetes data of Bruno et al. (1994), four lists.

    Bruno et al.'s model (every pairwise term except lists 1 x 4): N 2771, SE 145, deviance 7.62 on 5 df.
    Rivest's chosen interaction set [13][24][34]: N 2472, SE 53, deviance 21.97 on 7 df.
    (Figures as checked by Rcapture's test suite, inst/tests/testPapersResults.R.)
    """
    bruno = diabetes.model(
        ["clinic:hospital", "clinic:prescriptions", "hospital:prescriptions", "hospital:purchases",
         "prescriptions:purchases"]
    )
    assert round(bruno.estimate) == 2771
    assert round(bruno.se) == 145
    assert round(bruno.deviance, 2) == 7.62
    assert bruno.df == 5
    rivest = diabetes.model(["clinic:prescriptions", "hospital:purchases", "prescriptions:purchases"])
    assert round(rivest.estimate) == 2472
    assert round(rivest.se) == 53
    assert round(rivest.deviance, 2) == 21.97
    assert rivest.df == 7
    # all 2^6 hierarchical models were fitted; AIC picks Bruno's model, BIC picks Rivest's
    assert len(diabetes.models) == 64 and diabetes.search == "exhaustive"
    assert diabetes.chosen_aic == bruno.name
    assert diabetes.chosen_bic == rivest.name


def test_darroch_1993_r3_rivest_2011(darroch: LoglinearResult) -> None:
    """Rivest (2011), data R3 of Darroch, Fienberg, Glonek & Junker (1993, JASA 88:1137).

    Saturated model (all two-way terms): N 1240, SE 451. Without the [E1,E3] term: N 850, SE 186,
    deviance 3.8 on 1 df.
    """
    sat = darroch.model("E1:E2 + E1:E3 + E2:E3")
    assert (round(sat.estimate), round(sat.se), sat.df) == (1240, 451, 0)
    two = darroch.model(["E2:E3", "E1:E2"])
    assert (round(two.estimate), round(two.se), round(two.deviance, 1), two.df) == (850, 186, 3.8, 1)
    # the all-two-way closed form (Bishop, Fienberg & Holland 1975): n000 = n111 n100 n010 n001 / (n110 n101 n011)
    n000 = 72 * 71 * 53 * 43 / (155 * 7 * 13)
    assert sat.unobserved == pytest.approx(n000, rel=1e-6)


def test_cormack_chang_smith_2000_table_3b_profile_intervals(cormack: LoglinearResult) -> None:
    """Cormack, Chang & Smith (2000), *Int. J. Epidemiology* 29:1053, Table 3b (three lists).

    Independence (Mt): N 209, deviance 75.1 on 3 df, profile-likelihood 95% interval 203-217.
    [L2,L3]: deviance 1.2 on 2 df, interval from 210. [L1,L3]+[L2,L3]: N 233, interval from 204.
    Saturated: deviance 0 on 0 df. (As reproduced by Rcapture's test suite.)
    """
    ind = cormack.model("independence")
    assert (round(ind.estimate), round(ind.deviance, 1), ind.df) == (209, 75.1, 3)
    assert ind.interval_method == "profile"
    assert (round(ind.interval.low), round(ind.interval.high)) == (203, 217)
    b2 = cormack.model(["L2:L3"])
    assert (round(b2.deviance, 1), b2.df, round(b2.interval.low)) == (1.2, 2, 210)
    b4 = cormack.model(["L1:L3", "L2:L3"])
    assert (round(b4.estimate), b4.df, round(b4.interval.low)) == (233, 1, 204)
    sat = cormack.model(["L1:L2", "L1:L3", "L2:L3"])
    assert (round(sat.deviance, 1), sat.df) == (0.0, 0)


def test_every_interval_contains_its_estimate_and_the_documented_floor(diabetes: LoglinearResult) -> None:
    for m in diabetes.models:
        assert m.interval is not None
        assert diabetes.n <= m.interval.low <= m.estimate <= m.interval.high


# -- edge cases, said in words ----------------------------------------------------------


def test_zero_overlap_two_lists_is_undefined_not_infinite() -> None:
    h = CaptureHistories.from_mapping(["A", "B"], {"10": 40, "01": 25})
    r = estimate(h)
    assert r.estimate is None and r.interval is None and not r.defined
    assert all(e.estimate is None for e in r.two_list)
    chap = next(e for e in r.two_list if e.method == "chapman")
    assert "no unit is on both lists" in chap.note and "1,065" in chap.note  # (41*26)/1 - 1, named, not used
    assert [w.code for w in r.warnings][:1] == ["zero_overlap"]
    assert "undefined" in r.warnings[0].message
    text = dumps(r.to_dict())  # allow_nan=False: no inf or NaN can reach the JSON
    assert json.loads(text)["chosen"]["estimate"] is None
    assert "No estimate" in describe(r)


def test_zero_overlap_three_lists_fits_no_model() -> None:
    h = CaptureHistories.from_mapping(["A", "B", "C"], {"100": 5, "010": 10, "001": 8})
    r = estimate(h)
    assert r.estimate is None and r.loglinear is None
    assert "zero_overlap" in {w.code for w in r.warnings}


def test_list_containing_all_others_gives_no_estimate_and_says_why() -> None:
    h = CaptureHistories.from_mapping(["A", "B", "C"], {"111": 5, "110": 10, "101": 8, "100": 40})
    r = estimate(h)
    codes = [w.code for w in r.warnings]
    assert "list_contains_others" in codes
    assert r.estimate is None
    msg = next(w.message for w in r.warnings if w.code == "list_contains_others")
    assert "List A contains every unit" in msg and "not evidence that A is complete" in msg
    # two lists, B inside A: Lincoln-Petersen returns n_A by construction; the kit refuses to present it
    two = estimate(CaptureHistories.from_mapping(["A", "B"], {"11": 5, "10": 10}))
    assert two.two_list[0].estimate == 15
    assert two.estimate is None and "list_contains_others" in {w.code for w in two.warnings}
    assert two.chao.lower_bound is None


def test_sparse_and_empty_cells_are_named() -> None:
    h = CaptureHistories.from_mapping(
        ["A", "B", "C"], {"111": 0, "110": 3, "101": 8, "100": 40, "011": 6, "010": 30, "001": 25}
    )
    r = estimate(h)
    warns = {w.code: w.message for w in r.warnings}
    assert "111 (on A and B and C)" in warns["empty_cell"]
    assert "110 (on A and B only): 3" in warns["sparse_cell"]
    # n111 = 0 forces the saturated model's unobserved cell to 0: a boundary, not an estimate
    sat = r.loglinear.model(["A:B", "A:C", "B:C"])
    assert not sat.estimable and any("boundary" in n for n in sat.notes)
    assert r.model != sat.name and r.estimate is not None


def test_model_swing_warning_when_equally_good_models_disagree() -> None:
    h = CaptureHistories.from_rcapture(["A", "B", "C"], [6, 13, 4, 47, 2, 30, 11])
    ll = loglinear(h, profile=False)
    near = [m.estimate for m in ll.models if m.estimable and m.delta_aic < 2]
    assert max(near) / min(near) > 2
    warns = {w.code: w.message for w in _model_warnings(ll)}
    assert "the choice of model drives the figure" in warns["model_swing"]
    assert f"from {min(near):,.0f} to {max(near):,.0f}" in warns["model_swing"]
    # the Darroch R3 data fit two models within 2 AIC whose estimates differ by less than 2x: no swing warning
    r3 = loglinear(_fixture("darroch_1993_r3.csv"), profile=False)
    assert "model_swing" not in {w.code for w in _model_warnings(r3)}


def test_non_convergence_is_reported_in_words(darroch: LoglinearResult) -> None:
    from dataclasses import replace

    bad = replace(darroch.models[0], converged=False, estimable=False)
    ll = replace(darroch, models=(bad, *darroch.models[1:]))
    warns = {w.code: w.message for w in _model_warnings(ll)}
    assert warns["not_converged"] == f"Models that did not converge: {bad.name}."


def test_stratified_sum_with_an_empty_stratum() -> None:
    hf = read_histories(FIXTURES / "illustrative_not_real_strata.csv", strata=["stratum"])
    res = estimate_strata(hf)
    labels = [label for label, _ in res.strata]
    assert labels == ["stratum=S1", "stratum=S2", "stratum=S3"]
    per = {label: r for label, r in res.strata}
    assert per["stratum=S3"].estimate is None and per["stratum=S3"].n == 0
    assert res.estimate == pytest.approx(per["stratum=S1"].estimate + per["stratum=S2"].estimate)
    assert res.observed == 204 + 95
    assert res.interval_sum.low == pytest.approx(per["stratum=S1"].interval.low + per["stratum=S2"].interval.low)
    assert res.interval_sum.high == pytest.approx(per["stratum=S1"].interval.high + per["stratum=S2"].interval.high)
    se = math.sqrt(per["stratum=S1"].se ** 2 + per["stratum=S2"].se ** 2)
    assert res.interval_independent.high == pytest.approx(res.estimate + 1.959964 * se, rel=1e-5)
    assert res.interval_independent.low >= res.observed
    assert [w.code for w in res.warnings] == ["empty_stratum"]
    assert res.undefined_strata == ()


def test_stratum_without_estimate_adds_only_its_documented_units() -> None:
    good = CaptureHistories.from_mapping(["A", "B"], {"11": 20, "10": 30, "01": 10})
    none = CaptureHistories.from_mapping(["A", "B"], {"10": 7, "01": 3})
    res = estimate_strata({"north": good, "south": none})
    assert res.undefined_strata == ("south",)
    assert res.estimate == pytest.approx(estimate(good).estimate + 10)
    assert res.interval_independent is None and math.isinf(res.interval_sum.high)
    assert "only its 10 documented units" in res.warnings[0].message


def test_empty_list_is_left_out_with_a_warning() -> None:
    h = CaptureHistories.from_mapping(["A", "B", "C"], {"110": 10, "100": 20, "010": 15})
    r = estimate(h)
    assert r.histories.lists == ("A", "B") and r.histories.dropped_lists == ("C",)
    assert r.warnings[0].code == "empty_list"
    assert r.method == "chapman"


# -- Chao -------------------------------------------------------------------------------


def test_chao_lower_bound_formulas() -> None:
    h = CaptureHistories.from_mapping(["A", "B", "C"], {"111": 4, "110": 10, "101": 6, "100": 50, "011": 4,
                                                        "010": 30, "001": 20})
    c = chao_lower_bound(h)
    assert (c.f1, c.f2, c.n) == (100, 20, 124)
    assert c.lower_bound == pytest.approx(124 + (2 / 3) * 100**2 / 40)
    assert c.bias_corrected == pytest.approx(124 + (2 / 3) * 100 * 99 / 42)
    plain = chao_lower_bound(h, finite_lists=False)
    assert plain.lower_bound == pytest.approx(124 + 100**2 / 40)  # n + f1^2/(2 f2), docs/DOMAIN.md 5.5
    assert c.interval.low >= c.n
    none = chao_lower_bound(CaptureHistories.from_mapping(["A", "B"], {"10": 3, "01": 4}))
    assert none.lower_bound is None and "f2 = 0" in none.note


# -- hypothesis -------------------------------------------------------------------------


@given(n_a=st.integers(1, 5000), n_b=st.integers(1, 5000), data=st.data())
def test_chapman_and_petersen_at_least_the_documented_union(n_a: int, n_b: int, data: st.DataObject) -> None:
    m = data.draw(st.integers(1, min(n_a, n_b)))
    union = n_a + n_b - m
    c = chapman(n_a, n_b, m)
    p = lincoln_petersen(n_a, n_b, m)
    assert c.estimate >= union - 1e-9
    assert p.estimate >= union - 1e-9
    assert c.estimate <= p.estimate + 1e-9  # Chapman shrinks Petersen's upward bias
    for e in (c, p):
        assert union - 1e-9 <= e.interval.low <= e.estimate <= e.interval.high


@given(n_a=st.integers(0, 500), n_b=st.integers(0, 500))
def test_zero_overlap_never_gives_a_number(n_a: int, n_b: int) -> None:
    assert chapman(n_a, n_b, 0).estimate is None
    assert lincoln_petersen(n_a, n_b, 0).estimate is None


_counts = st.lists(st.integers(0, 60), min_size=7, max_size=7)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(counts=_counts)
def test_csv_round_trip_keeps_every_cell(tmp_path_factory: pytest.TempPathFactory, counts: list[int]) -> None:
    h = CaptureHistories(("A", "B", "C"), tuple(counts))
    path = tmp_path_factory.mktemp("rt") / "h.csv"
    h.to_frame().to_csv(path, index=False)
    back = read_histories(path).histories()
    assert back.counts == h.counts and back.lists == h.lists
    assert back.n == sum(counts)


@settings(max_examples=25, deadline=None)
@given(counts=st.lists(st.integers(1, 80), min_size=7, max_size=7))
def test_independence_model_never_below_documented(counts: list[int]) -> None:
    h = CaptureHistories(("A", "B", "C"), tuple(counts))
    ll = loglinear(h, models=[[]], profile=False)
    m = ll.models[0]
    assert m.estimable and m.estimate >= h.n and m.interval.low >= h.n


@settings(max_examples=40, deadline=None)
@given(
    cell=st.sampled_from(["A", "B", "count"]),
    bad=st.sampled_from(["2", "-1", "x", "0.5", "", "1e400"]),
)
def test_bad_cells_are_reported_with_line_and_field(tmp_path_factory: pytest.TempPathFactory, cell: str,
                                                     bad: str) -> None:
    rows = [{"A": "1", "B": "1", "count": "4"}, {"A": "1", "B": "0", "count": "7"}, {"A": "0", "B": "1", "count": "3"}]
    rows[1][cell] = bad
    path = tmp_path_factory.mktemp("bad") / "h.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    if cell != "count" or bad in ("-1", "x", "0.5", "", "1e400"):
        with pytest.raises(InputError) as info:
            read_histories(path)
        problem = info.value.problems[0]
        assert (problem.line, problem.field) == (3, cell)
        assert str(problem).startswith(f"{path}:3: {cell}: ")


# -- input validation ---------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "histories.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A,B,count\n1,1,3\n1,2,4\n", ["histories.csv:3: B: must be 0 or 1 (on the list or not), got '2'"]),
        ("A,B,count\n1,1,3\n1,0,-4\n", ["histories.csv:3: count: must not be negative, got '-4'"]),
        ("A,B,count\n1,1,3\n1,0,2.5\n", ["histories.csv:3: count: must be a whole number of units, got '2.5'"]),
        (
            "A,B,count\n1,1,3\n0,0,9\n",
            ["histories.csv:3: (history): all-zero history: units on no list are what the estimate is for and "
             "cannot be counted"],
        ),
        ("A,B,n\n1,1,3\n", ["histories.csv:1: count: missing count column 'count'; the header has ['A', 'B', 'n']"]),
        (
            "A,count\n1,3\n",
            ["histories.csv:1: (header): need at least two 0/1 list columns besides 'count', found ['A']"],
        ),
        # ragged rows and empty files: the shared CSV reader's words, as in every small file
        ("A,B,count\n1,1\n", ["histories.csv:2: (row): expected 3 fields, found 2 (an unquoted comma?)"]),
        ("A,B,count\n", ["histories.csv:1: (file): no data rows below the header"]),
        ("", ["histories.csv:0: (file): file is empty (no header row)"]),
        (
            "A,B,count\n1,x,3\n0,1,-1\n",
            ["histories.csv:2: B: must be 0 or 1 (on the list or not), got 'x'",
             "histories.csv:3: count: must not be negative, got '-1'"],
        ),
    ],
)
def test_read_histories_errors(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_histories(path)
    got = [str(p).replace(str(tmp_path) + os.sep, "") for p in info.value.problems]
    assert got == expected


def test_missing_strata_column_and_duplicates(tmp_path: Path) -> None:
    path = _write(tmp_path, "A,B,count\n1,1,3\n1,1,4\n0,1,2\n")
    with pytest.raises(InputError, match="missing strata column 'governorate'"):
        read_histories(path, strata=["governorate"])
    h = read_histories(path).histories()
    assert h.cell("11") == 7 and h.cell("10") == 0 and h.n == 9  # repeated histories add up


def test_two_strata_columns_label_each_stratum(tmp_path: Path) -> None:
    path = _write(tmp_path, "gov,period,A,B,count\nraqqa,2017,1,1,3\nraqqa,2017,1,0,4\nraqqa,2018,0,1,2\n"
                            "deir,2017,1,1,5\n")
    by = read_histories(path, strata=["gov", "period"]).by_stratum()
    assert {k: v.n for k, v in by.items()} == {"gov=raqqa; period=2017": 7, "gov=raqqa; period=2018": 2,
                                               "gov=deir; period=2017": 5}
    assert by["gov=raqqa; period=2017"].lists == ("A", "B")


def test_histories_from_frame_reports_frame_lines() -> None:
    frame = pd.DataFrame({"A": [1, 1, 0], "B": [1, 0, 1], "count": [5, 3, -2]})
    with pytest.raises(InputError) as info:
        histories_from_frame(frame, name="matches")
    assert str(info.value.problems[0]) == "matches:4: count: must not be negative, got '-2'"
    ok = histories_from_frame(frame.assign(count=[5, 3, 2])).histories()
    assert ok.counts == (5, 3, 2)


# -- matched record sets --------------------------------------------------------------------


def test_histories_from_matches_counts_units_not_records() -> None:
    airwars = pd.DataFrame({"cluster_id": ["u1", "u2", "u2", "u3", "u4"], "gov": ["x", "x", "x", "y", "y"]})
    coalition = pd.DataFrame({"cluster_id": ["u1", "u3"], "gov": ["x", "y"]})
    monitor = pd.DataFrame({"cluster_id": ["u1", "u5"], "gov": ["x", "y"]})
    hf = histories_from_matches({"airwars": airwars, "coalition": coalition, "monitor": monitor})
    h = hf.histories()
    assert h.lists == ("airwars", "coalition", "monitor")
    assert h.cell("111") == 1 and h.cell("110") == 1 and h.cell("100") == 2 and h.cell("001") == 1
    assert h.n == 5  # u2 twice on Airwars is still one unit
    by = histories_from_matches({"airwars": airwars, "coalition": coalition, "monitor": monitor},
                                strata=["gov"]).by_stratum()
    assert {k: v.n for k, v in by.items()} == {"gov=x": 2, "gov=y": 3}


def test_histories_from_matches_list_of_frames_and_wide_membership() -> None:
    a = pd.DataFrame({"cluster_id": ["u1", "u2"], "list": "Airwars"})
    b = pd.DataFrame({"cluster_id": ["u1", "u3"], "list": "monitor"})
    h = histories_from_matches([a, b]).histories()
    assert h.lists == ("Airwars", "monitor") and (h.cell("11"), h.cell("10"), h.cell("01")) == (1, 1, 1)
    wide = pd.DataFrame({"cluster_id": ["u1", "u2", "u3"], "Airwars": [1, 1, 0], "monitor": [True, False, True]})
    assert histories_from_matches(wide, lists=["Airwars", "monitor"]).histories().counts == h.counts
    with pytest.raises(InputError, match="<frame>:3: monitor: membership must be 0 or 1, got 'maybe'"):
        histories_from_matches(wide.assign(monitor=[1, "maybe", 0]), lists=["Airwars", "monitor"])
    with pytest.raises(InputError, match="<frame>:4: \\(history\\): unit is on no list"):
        histories_from_matches(wide.assign(monitor=[1, 0, 0]), lists=["Airwars", "monitor"])
    with pytest.raises(InputError, match="cannot tell which list this frame is"):
        histories_from_matches([a.drop(columns="list"), b])


def test_histories_from_matches_long_form_and_errors() -> None:
    long = pd.DataFrame({"cluster_id": ["a", "a", "b", "c"], "list": ["L1", "L2", "L1", "L2"]})
    h = histories_from_matches(long).histories()
    assert (h.cell("11"), h.cell("10"), h.cell("01")) == (1, 1, 1)
    with pytest.raises(InputError, match="record has no cluster id"):
        histories_from_matches(long.assign(cluster_id=["a", None, "b", "c"]))
    clash = {"L1": pd.DataFrame({"cluster_id": ["a"], "gov": ["x"]}),
             "L2": pd.DataFrame({"cluster_id": ["a"], "gov": ["y"]})}
    with pytest.raises(InputError, match="cluster 'a' has records in several strata"):
        histories_from_matches(clash, strata=["gov"])


# -- result objects ----------------------------------------------------------------------


def test_results_are_immutable_and_export(darroch: LoglinearResult) -> None:
    r = estimate(_fixture("darroch_1993_r3.csv"))
    with pytest.raises(AttributeError):
        r.estimate = 1.0  # type: ignore[misc]
    frame = darroch.to_frame()
    assert list(frame["model"])[0] == darroch.chosen_aic  # best AIC first
    assert frame["chosen_aic"].sum() == 1 and frame["chosen_bic"].sum() == 1
    assert r.range.best == r.estimate and r.range.low == r.interval.low
    assert r.to_frame().loc[0, "model"] == darroch.chosen_aic
    assert r.chao.to_frame().loc[0, "f1"] == r.chao.f1
    assert darroch.models[0].to_frame().loc[0, "model"] == darroch.models[0].name
    assert r.two_list[0].to_frame().loc[0, "method"] == "chapman"
    assert list(r.documented()["count"]) == [305, 293, 135, 414]
    table = model_table(darroch)
    assert list(table.columns) == ["model", "deviance", "df", "AIC", "ΔAIC", "BIC", "N̂", "interval", "chosen"]
    assert table.loc[0, "chosen"] == "AIC"
    text = describe(r)
    assert "1,240" in text and "closed population" in text and "perfect matching" in text


# -- CLI and JSON -------------------------------------------------------------------------------


def test_cli_prints_models_and_chosen_estimate() -> None:
    res = CliRunner().invoke(app, ["estimate", str(FIXTURES / "darroch_1993_r3.csv")], terminal_width=200)
    assert res.exit_code == 0, res.output
    out = res.output
    for text in ("E1:E2 + E2:E3", "deviance", "AIC", "BIC", "850", "Estimate: 1,240", "Assumptions",
                 "criteria_disagree"):
        assert text in out


def test_cli_reports_bad_input_with_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "A,B,count\n1,1,3\n1,3,4\n")
    res = CliRunner().invoke(app, ["estimate", str(path)])
    assert res.exit_code == 1
    assert f"{path}:3: B: must be 0 or 1" in res.output
    res = CliRunner().invoke(app, ["estimate", str(tmp_path / "missing.csv")])
    assert res.exit_code == 2
    for bad in (["--level", "1.5"], ["--criterion", "best"]):
        res = CliRunner().invoke(app, ["estimate", str(FIXTURES / "seber_1982_p107.csv"), *bad])
        assert res.exit_code == 2 and bad[0] in res.output


def test_cli_json_is_stable_and_documented(snapshot: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    res = CliRunner().invoke(app, ["estimate", "darroch_1993_r3.csv", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["schema"] == JSON_SCHEMA
    assert res.output.strip() == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)
    assert set(data) == {"schema", "input", "result", "comparison", "stratified"}
    assert set(data["comparison"]) == {"dependence", "verdict", "lcmcr", "bma"}
    assert set(data["result"]) == {"observed", "dropped_lists", "criterion", "level", "chosen", "two_list",
                                   "loglinear", "chao", "warnings", "assumptions"}
    assert round(data["result"]["chosen"]["estimate"]) == 1240
    assert res.output == snapshot


def test_cli_json_strata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    res = CliRunner().invoke(app, ["estimate", "illustrative_not_real_strata.csv", "--json", "--strata", "stratum"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["result"] is None
    total = data["stratified"]["total"]
    assert total["observed"] == 299 and total["undefined_strata"] == []
    assert [s["stratum"] for s in data["stratified"]["strata"]] == ["stratum=S1", "stratum=S2", "stratum=S3"]
    assert data == estimate_file("illustrative_not_real_strata.csv", strata=["stratum"])
    comma = CliRunner().invoke(app, ["estimate", "illustrative_not_real_strata.csv", "--json", "--strata", "stratum,"])
    assert json.loads(comma.output) == data


# -- charts -------------------------------------------------------------------------------------


def _layer_values(spec: dict) -> list[dict]:
    """All inline rows of a spec (altair moves inline data to top-level `datasets`); no data.url anywhere."""
    assert '"url"' not in json.dumps(spec.get("data", {})) and all(
        "url" not in layer.get("data", {}) for layer in spec.get("layer", [])
    )
    values: list[dict] = []
    for rows in spec.get("datasets", {}).values():
        values += rows
    return values


def test_documented_vs_estimate_chart_shows_lists_union_and_interval() -> None:
    r = estimate(_fixture("darroch_1993_r3.csv"))
    spec = documented_vs_estimate_chart(r).to_dict()
    rows = {v["label"]: v for v in _layer_values(spec)}
    assert rows["E1"]["value"] == 305 and rows["union of all lists"]["value"] == 414
    est = rows["estimated total"]
    assert est["value"] == pytest.approx(r.estimate)
    assert (est["low"], est["high"]) == (pytest.approx(r.interval.low), pytest.approx(r.interval.high))
    assert "closed population" in est["note"].lower() or "Closed population" in est["note"]
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["bar", "rule", "point", "text"]
    tooltip_fields = {t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]}
    assert {"label", "value_text", "interval", "detail", "note"} <= tooltip_fields
    frame = estimate_chart_frame(r)
    assert list(frame["kind"]) == ["list", "list", "list", "union", "estimate", "lower bound"]


def test_model_comparison_chart_highlights_chosen_and_has_named_param(darroch: LoglinearResult) -> None:
    spec = model_comparison_chart(darroch).to_dict()
    assert [p["name"] for p in spec["params"]] == ["estimate_max_delta_aic"]
    assert spec["params"][0]["bind"]["input"] == "range"
    values = _layer_values(spec)
    models = [v for v in values if "model" in v]
    assert len(models) == 8
    assert [v["model"] for v in models if v["chosen"]] == [darroch.chosen_aic]
    documented = [v for v in values if "documented" in v]
    assert documented == [{"documented": 414, "text": "documented: 414"}]
    filt = spec["layer"][0]["transform"][0]["filter"]
    assert "estimate_max_delta_aic" in json.dumps(filt)
    bic = model_chart_frame(darroch, criterion="bic")
    assert list(bic.loc[bic["chosen"], "model"]) == [darroch.chosen_bic]


def test_strata_chart_keeps_undefined_stratum_as_documented_only() -> None:
    res = estimate_strata(read_histories(FIXTURES / "illustrative_not_real_strata.csv", strata=["stratum"]))
    values = _layer_values(strata_chart(res).to_dict())
    s3 = next(v for v in values if v["stratum"] == "stratum=S3")
    assert s3["documented"] == 0 and s3["estimate"] is None and s3["estimate_text"] == "undefined"
    # missing values are JSON null, never NaN (invalid JSON in a report)
    undefined = estimate(CaptureHistories.from_mapping(["A", "B"], {"10": 3, "01": 4}))
    for chart in (strata_chart(res), documented_vs_estimate_chart(undefined)):
        json.loads(chart.to_json(), parse_constant=lambda c: pytest.fail(f"{c} in chart JSON"))


# -- notebook -------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("cwd", ["notebooks", "."])
def test_notebook_executes_from_notebooks_and_root(repo_dir: Path, cwd: str, tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(repo_dir / "notebooks" / "04_estimate.ipynb", as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    source = "\n".join(c.source for c in nb.cells if "parameters" not in c.metadata.get("tags", []))
    assert not [name for name in ("Airwars", "Dutch", "CJTF", "Netherlands") if name in source]  # paths are parameters
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(repo_dir / cwd)}}
    )
    client.execute()
    text = json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"])
    assert "The simulated population" in text and "Which to read" in text and "Matching uncertainty" in text
    assert "Closed population" in text and "ILLUSTRATIVE" in text
    assert "units (deaths, incidents)" not in text
    if "linked by kit.match" in text:  # the real incident files are present (../shared)
        assert "Matching uncertainty on the real lists" in text and "distinct incidents" in text


@pytest.mark.slow
def test_report_renders_offline_with_charts(repo_dir: Path, tmp_path: Path, browser: object) -> None:
    import kit.report as kr

    result = kr.render(repo_dir / "notebooks" / "04_estimate.ipynb", out_dir=tmp_path, update_index=False)
    assert result.charts >= 3
    page = browser.new_page()  # type: ignore[attr-defined]
    requests: list[str] = []

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith("file:"):
            r.continue_()  # type: ignore[attr-defined]
        else:
            requests.append(url)
            r.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.goto(result.path.as_uri())
    page.wait_for_function(f"document.querySelectorAll('svg.marks').length >= {result.charts}", timeout=20000)
    assert requests == []
    page.close()


def test_every_fixture_is_catalogued_and_invented_data_is_labelled() -> None:
    catalogue = pd.read_csv(FIXTURES / "examples.csv", dtype=str, keep_default_na=False)
    files = {p.name for p in FIXTURES.glob("*.csv")} - {"examples.csv"}
    assert set(catalogue["file"]) == files
    for row in catalogue.itertuples():
        assert row.real_data in ("yes", "no")
        if row.real_data == "no":
            assert "not_real" in row.file and "NOT REAL" in row.source
        else:
            assert row.published_estimates
