"""Explorer updates: ClaimExplorer sends rows, not a new spec (the browser's slow path); IncidentExplorer's cube
agrees with its raw rows.

Why a test of its own: `benchmarks/lab.py` measures the browser; these
checks pin the cause of the figures. A new spec makes the browser compile
and embed the chart again (150-300 ms) and, in altair's widget script, left
the old view running on every later update (`kit.core._compat`).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kit.core import JupyterChartCompat
from kit.ledger import load_claims
from kit.scope import compare_scopes
from kit.ui import ClaimExplorer, IncidentExplorer


@pytest.fixture(scope="module")
def ledger() -> pd.DataFrame:
    result = load_claims()
    if result.claims.empty:
        pytest.skip("no ledger in data/")
    return result.claims


@pytest.fixture
def explorer(ledger: pd.DataFrame, gazetteer: Any, monkeypatch: pytest.MonkeyPatch) -> ClaimExplorer:
    monkeypatch.delenv("KIT_RENDER", raising=False)
    return ClaimExplorer(ledger, gazetteer)


def _drawn(ex: ClaimExplorer) -> set[str]:
    return {r["claim_id"] for r in JupyterChartCompat.drawn_data(ex.jchart, "kit_claims") if r.get("kind") != "header"}


def test_every_filter_and_anchor_sends_rows_only(explorer: ClaimExplorer) -> None:
    jchart = explorer.jchart
    spec = jchart.spec
    x_scales = {json_scale(spec)}
    anchors = [v for _, v in explorer.anchor.options if v][:3]
    changes: list[tuple[Any, str, Any]] = [
        (explorer.outcome, "value", explorer.outcome.options[1]),  # a few rows, a narrow span of figures
        (explorer.outcome, "value", "(all)"),
        (explorer.period, "index", (0, 0)),
        (explorer.period, "index", (0, len(explorer.period.options) - 1)),
        (explorer.country, "value", "iq"),
        (explorer.governorate, "value", "iq-ninewa"),
        (explorer.wider, "value", True),
        (explorer.country, "value", ""),
        (explorer.methods, "value", explorer.methods.options[:1]),
        (explorer.methods, "value", ()),  # nothing matches: no rows, same chart
        (explorer.methods, "value", explorer.methods.options),
        *[(explorer.anchor, "value", a) for a in anchors],
    ]
    for widget, trait, value in changes:
        setattr(widget, trait, value)
        assert jchart.spec is spec, f"{widget.description} = {value!r} sent a new spec"
        assert _drawn(explorer) == set(explorer.frame["claim_id"]), widget.description
    assert x_scales == {json_scale(explorer.spec)}  # the axis kind stays the whole ledger's while filtering


def _ratio_rows(ex: ClaimExplorer) -> dict[str, tuple[float, float]]:
    """What the shown chart draws in the ratio view: claim id -> (low, high) of its ratio to the anchor."""
    return {r["claim_id"]: (r["low"], r["high"]) for r in JupyterChartCompat.drawn_data(ex.jchart, "kit_claims")
            if r.get("kind") != "header"}


def test_ratio_toggle_sends_rows_only(explorer: ClaimExplorer) -> None:
    """Figures and ratios have a chart widget each, both laid out when the explorer is first shown: the
    toggle (and any anchor or filter in the ratio view) sends rows to the one shown, never a spec."""
    anchors = [v for label, v in explorer.anchor.options if v and label.startswith("CJTF-OIR")]
    explorer.anchor.value = anchors[0]
    box = explorer.widget
    figures = explorer.jchart
    charts = [c for c in box.children if isinstance(c, alt.JupyterChart)]
    assert len(charts) == 2 and figures in charts, [type(c).__name__ for c in box.children]
    ratios = next(c for c in charts if c is not figures)
    specs = {id(figures): figures.spec, id(ratios): ratios.spec}
    assert "ratio to the anchor" in str(ratios.spec) and "ratio to the anchor" not in str(figures.spec)
    assert ratios.layout.display == "none" and figures.layout.display != "none"
    for step in range(3):
        explorer.metric.value = "ratio"
        assert explorer.jchart is ratios and ratios.layout.display != "none" and figures.layout.display == "none"
        frame = explorer.frame.set_index("claim_id")
        expected = {c: (round(float(r["ratio_low"]), 9), round(float(r["ratio_high"]), 9))
                    for c, r in frame.iterrows() if pd.notna(r["ratio_low"])}
        drawn = {c: (round(lo, 9), round(hi, 9)) for c, (lo, hi) in _ratio_rows(explorer).items()}
        assert len(expected) > 1 and drawn == expected, f"toggle {step}: not the ratio rows"
        assert "not_comparable" not in {r.get("comparability") for r in JupyterChartCompat.drawn_data(
            ratios, "kit_claims")}
        explorer.anchor.value = anchors[step + 1]  # a new anchor in the ratio view: rows again
        assert explorer.jchart is ratios and set(_ratio_rows(explorer)) == set(explorer.frame["claim_id"])
        explorer.metric.value = "absolute"
        assert explorer.jchart is figures and figures.layout.display != "none" and ratios.layout.display == "none"
        assert _drawn(explorer) == set(explorer.frame["claim_id"])
        assert {id(figures): figures.spec, id(ratios): ratios.spec} == specs
        assert figures.spec is specs[id(figures)] and ratios.spec is specs[id(ratios)], "a spec was sent"


def json_scale(spec: dict[str, Any]) -> str:
    return str(sorted(str(layer["encoding"]["x"].get("scale")) for layer in spec["layer"]
                      if "x" in layer.get("encoding", {})))


def test_anchor_verdicts_are_those_of_the_ledger_rows(explorer: ClaimExplorer, ledger: pd.DataFrame,
                                                      gazetteer: Any) -> None:
    """The explorer compares plain-dict rows (fast); the verdicts are those of the ledger's own rows."""
    anchor = str(ledger.loc[(ledger["claimant"] == "CJTF-OIR") & (ledger["low"] == 352), "claim_id"].iloc[0])
    explorer.anchor.value = anchor
    rows = ledger.set_index("claim_id", drop=False)
    got = dict(zip(explorer.frame["claim_id"], explorer.frame["comparability"], strict=True))
    for claim_id, verdict in got.items():
        if claim_id != anchor:
            assert verdict == str(compare_scopes(rows.loc[anchor], rows.loc[claim_id], gazetteer).verdict), claim_id
    assert got[anchor] == "anchor" and len(set(got.values())) > 2


# --------------------------------------------------------------------------- IncidentExplorer: cube vs raw rows
_figure = st.one_of(st.none(), st.integers(0, 50))


@settings(max_examples=12, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["airwars", "nl-mod", ""]), _figure, _figure,
                               st.one_of(st.none(), st.integers(0, 9))), min_size=1, max_size=40))
@example(rows=[(0, "airwars", 1, None, None)])  # the case that differed: a blank high, a blank victim count
def test_cube_matches_raw_rows_when_figures_are_blank(rows: list[tuple[int, str, Any, Any, Any]]) -> None:
    """A blank high counts as its low in both paths (as the monthly chart draws it); blank victims sum alike."""
    incidents = pd.DataFrame({
        "date_start": [pd.Timestamp("2017-01-01") + pd.Timedelta(days=7 * d) for d, *_ in rows],
        "source": [s for _, s, *_ in rows],
        "civilians_killed_low": pd.array([lo for *_, lo, _, _ in rows], dtype="Int64"),
        "civilians_killed_high": pd.array([hi for *_, hi, _ in rows], dtype="Int64"),
        "children_killed_low": pd.array([k for *_, k in rows], dtype="Int64"),
    })
    ex = IncidentExplorer(incidents, filters=())
    sel = ex.selection()
    cube, raw = ex.aggregate(sel), ex.aggregate_raw(sel)
    pd.testing.assert_frame_equal(cube.reset_index(drop=True), raw.reset_index(drop=True), check_dtype=False)
    lows = incidents["civilians_killed_low"].fillna(0)
    assert cube["high"].sum() == incidents["civilians_killed_high"].fillna(lows).sum()
