"""Explorers driven through their widget values; what the chart receives is asserted.

Front-end clicks are simulated as altair's own JupyterChart tests do: by
setting the widget's `_vl_selections` trait to what the JavaScript side sends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import offline_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.core import JupyterChartCompat
from kit.ui import ClaimExplorer, GapExplorer, IncidentExplorer, is_rendering

# the shared fixture ledger plus an injuries figure (outcome filter tests)
CLAIMS_CSV = (Path(__file__).parent / "fixtures" / "claims_small.csv").read_text(encoding="utf-8") + (
    "unami-ninewa-inj,UNAMI,un_body,,primary,2017-02-01,https://uniraq.un.org/report,40,,60,about,persons,injured,"
    "civilians,all,iq-ninewa,2017-01,2017-01,official_statement,,,Injuries in January.\n"
)


# `gazetteer` and `claims` (this module's CLAIMS_CSV through the contract) come from conftest.


@pytest.fixture
def explorer(claims: pd.DataFrame, gazetteer: Any, monkeypatch: pytest.MonkeyPatch) -> ClaimExplorer:
    monkeypatch.delenv("KIT_RENDER", raising=False)
    return ClaimExplorer(claims, gazetteer)


def _rows(chart: Any) -> list[dict[str, Any]]:
    """Rows the chart inlines, without the range chart's scope heading rows."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return [r for values in spec.get("datasets", {}).values() for r in values if r.get("kind") != "header"]


def _ids(ex: ClaimExplorer) -> set[str]:
    return set(ex.frame["claim_id"])


def _chart_ids(ex: ClaimExplorer) -> set[str]:
    return {r["claim_id"] for r in _rows(ex.chart) if r.get("claim_id")}


def _select(jchart: Any, name: str, claim_id: str | None) -> None:
    """What the JavaScript side sends after a click on a mark (or on empty space)."""
    value = None if claim_id is None else {"vlPoint": {"or": [{"claim_id": claim_id}]}}
    store = [] if claim_id is None else [{"unit": "claims_ranges", "fields": [{"field": "claim_id", "type": "E"}],
                                         "values": [claim_id]}]
    current = dict(jchart._vl_selections)
    current[name] = {"value": value, "store": store}
    jchart._vl_selections = current


# --------------------------------------------------------------------------- ClaimExplorer filters
def _sent_ids(ex: ClaimExplorer) -> set[str]:
    """Claim ids the live widget draws: its spec's rows, or the rows sent since."""
    return {r["claim_id"] for r in JupyterChartCompat.drawn_data(ex.jchart, "kit_claims")
            if r.get("claim_id") and r.get("kind") != "header"}


def test_claimant_filter_reaches_the_chart(explorer: ClaimExplorer) -> None:
    assert _chart_ids(explorer) == _ids(explorer) == set(explorer.claims["claim_id"]) == _sent_ids(explorer)
    explorer.claimants.value = ("Airwars",)
    assert _ids(explorer) == {"airwars-2017-04", "airwars-2017-01", "airwars-2017-03"}
    assert _chart_ids(explorer) == _ids(explorer) == _sent_ids(explorer)
    # the live chart keeps the spec it was built with (all methods in its colour domain); only rows change
    assert {**explorer.jchart.spec, "datasets": {}} == {**explorer.spec, "datasets": {}}
    assert "<b>3</b> of 8 claims" in explorer.status.value


def test_a_filter_that_keeps_the_layout_sends_rows_only(explorer: ClaimExplorer) -> None:
    spec = explorer.jchart.spec
    kept = tuple(m for m in explorer.methods.options if m != "official_statement")
    explorer.methods.value = kept
    assert "unami-ninewa-inj" not in _ids(explorer)
    assert explorer.jchart.spec is spec  # no new spec: the browser keeps its view (and its colours)
    assert _sent_ids(explorer) == _ids(explorer)
    assert explorer.jchart._py_to_js_updates[0]["name"] == "kit_claims"


def test_place_picker_follows_the_hierarchy(explorer: ClaimExplorer) -> None:
    explorer.country.value = "iq"
    gov_ids = [v for _, v in explorer.governorate.options]
    assert "iq-ninewa" in gov_ids and "sy-raqqa" not in gov_ids
    # Iraq alone: the Mosul and Ninewa claims lie within it; Iraq+Syria claims cover more
    assert _ids(explorer) == {"ap-mosul-2017", "unami-ninewa-inj"}
    explorer.wider.value = True
    assert {"cjtf-2017-04", "ap-mosul-2017"} <= _ids(explorer)
    assert "amnesty-2016" not in _ids(explorer)  # Syria only: disjoint from Iraq
    explorer.wider.value = False
    explorer.governorate.value = "iq-ninewa"
    city_ids = [v for _, v in explorer.city.options]
    assert "iq-mosul" in city_ids and "iq-mosul-west" in city_ids
    explorer.city.value = "iq-mosul"
    assert _ids(explorer) == {"ap-mosul-2017"}
    assert explorer.place == "iq-mosul"
    explorer.country.value = "sy"  # resets the lower levels
    assert explorer.governorate.value == "" and explorer.city.value == ""
    assert _ids(explorer) == {"amnesty-2016"}


def test_period_outcome_victims_method_filters(explorer: ClaimExplorer) -> None:
    months = [m for _, m in explorer.period.options]
    explorer.period.value = (pd.Timestamp("2017-03-01"), months[-1])
    # the 2014-2016 cumulative figures end before March 2017
    assert not {"cjtf-2017-01", "amnesty-2016", "airwars-2017-01"} & _ids(explorer)
    assert {"cjtf-2017-04", "airwars-2017-03"} <= _ids(explorer)
    explorer.period.value = (months[0], months[-1])
    explorer.outcome.value = "injured"
    assert _ids(explorer) == {"unami-ninewa-inj"}
    explorer.outcome.value = "(all)"
    explorer.victims.value = "civilians"
    explorer.methods.value = ("field_investigation", "documented_enumeration")
    assert _ids(explorer) == {"amnesty-2016", "ap-mosul-2017"}
    assert _chart_ids(explorer) == _ids(explorer)
    explorer.jchart  # noqa: B018 - the live widget exists from here on
    explorer.methods.value = ()
    assert explorer.frame.empty
    assert _rows(explorer.chart)[0]["m"] == "no claims match these filters"
    assert _sent_ids(explorer) == set() and "<b>0</b> of 8" in explorer.status.value
    explorer.methods.value = ("field_investigation",)
    assert _sent_ids(explorer) == {"amnesty-2016"}


def test_anchor_greys_incomparable_claims_with_reasons(explorer: ClaimExplorer) -> None:
    explorer.anchor.value = "cjtf-2017-04"
    comp = dict(zip(explorer.frame["claim_id"], explorer.frame["comparability"], strict=True))
    assert comp["cjtf-2017-04"] == "anchor"
    assert comp["ap-mosul-2017"] == "not_comparable"
    assert comp["amnesty-2016"] == "not_comparable"
    assert comp["airwars-2017-04"] in ("comparable", "comparable_with_caveats")
    rows = {r["claim_id"]: r for r in _rows(explorer.chart)}
    assert "not comparable to the anchor" in rows["ap-mosul-2017"]["annotation"]
    assert rows["ap-mosul-2017"]["comparability_reason"]
    assert "Mosul" in rows["ap-mosul-2017"]["comparability_text"]
    assert "vs anchor" in explorer.status.value
    # the anchor stays on the chart even when a filter would drop it
    explorer.claimants.value = ("Airwars",)
    assert "cjtf-2017-04" in _ids(explorer)


def test_ratio_metric_sends_interval_ratios(explorer: ClaimExplorer) -> None:
    explorer.anchor.value = "cjtf-2017-04"
    explorer.metric.value = "ratio"
    frame = explorer.frame.set_index("claim_id")
    assert "ap-mosul-2017" not in frame.index  # not comparable: no ratio drawn
    assert "left out of the ratio view" in explorer.status.value
    lo, hi = frame.loc["airwars-2017-01", ["ratio_low", "ratio_high"]]
    assert (lo, hi) == (pytest.approx(2300 / 352), pytest.approx(2700 / 352))
    rows = {r["claim_id"]: r for r in _rows(explorer.chart)}
    assert rows["airwars-2017-01"]["low"] == pytest.approx(2300 / 352)
    assert rows["airwars-2017-01"]["high"] == pytest.approx(2700 / 352)
    assert rows["airwars-2017-01"]["figure_text"] == "about 2,300–2,700 (best 2,500)"
    assert (rows["cjtf-2017-04"]["low"], rows["cjtf-2017-04"]["high"]) == (1.0, 1.0)
    assert "ratio to the anchor" in json.dumps(explorer.chart.to_dict(), ensure_ascii=False)
    explorer.anchor.value = ""
    assert "ratio_low" not in explorer.frame.columns
    assert "pick an anchor" in explorer.status.value


# --------------------------------------------------------------------------- selection → provenance card
def test_click_fills_the_provenance_card(explorer: ClaimExplorer) -> None:
    jchart = explorer.jchart
    assert {"pick", "pick_point", "legend_pick"} <= set(jchart._selection_types)
    assert "Click a claim" in explorer.card.value
    _select(jchart, "pick", "airwars-2017-01")
    assert jchart.selections.pick.value == [{"claim_id": "airwars-2017-01"}]
    card = explorer.card.value
    assert "airwars-2017-01" in card and "Airwars (monitor)" in card
    assert "read at the claimant&#x27;s own publication" in card
    assert '<a href="https://airwars.org/news/2016-review"' in card
    assert "Yearly review." in card and "2014-08-08 – 2016-12-31" in card
    # a point mark (point claims live on their own layer)
    _select(jchart, "pick_point", "cjtf-2017-04")
    card = explorer.card.value
    assert "ABC News &gt; WRTA" in card and "at least 352" in card and "Iraq + Syria" in card
    # clearing the selection keeps the last card
    _select(jchart, "pick_point", None)
    assert "cjtf-2017-04" in explorer.card.value


def test_card_reports_comparability_and_ratio(explorer: ClaimExplorer) -> None:
    explorer.anchor.value = "cjtf-2017-04"
    explorer.metric.value = "ratio"
    _select(explorer.jchart, "pick", "airwars-2017-01")
    card = explorer.card.value
    # the anchor (352) is a floor: the ratio is bounded above only
    assert "Vs anchor" in card and "comparable" in card and "ratio to anchor: at most 7.7×" in card
    explorer.show_claim("cjtf-2017-04")
    assert "this is the anchor claim" in explorer.card.value


def test_card_escapes_hostile_text(claims: pd.DataFrame, gazetteer: Any) -> None:
    hostile = claims.copy()
    hostile.loc[0, "claimant"] = '<img src=x onerror="window.__injected=1">'
    hostile.loc[0, "url"] = "javascript:window.__injected=1"
    hostile.loc[0, "note"] = "</td><script>window.__injected=1</script> ' \" مصدر"
    hostile.loc[0, "relay_chain"] = "A > <b>B</b>"
    ex = ClaimExplorer(hostile, gazetteer)
    ex.show_claim(hostile.loc[0, "claim_id"])
    card = ex.card.value
    assert "<script" not in card and "<img" not in card and "<b>B</b>" not in card
    assert "&lt;img src=x onerror=&quot;window.__injected=1&quot;&gt;" in card
    assert 'href="javascript' not in card and "not an http/https link" in card
    assert "مصدر" in card
    rows = {r["claim_id"]: r for r in _rows(ex.chart)}
    assert rows[hostile.loc[0, "claim_id"]]["url"] is None


# --------------------------------------------------------------------------- live vs report
def test_live_shows_widgets_and_report_shows_static_chart(explorer: ClaimExplorer,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert not is_rendering()
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    explorer.anchor.value = "cjtf-2017-04"
    monkeypatch.setenv("KIT_RENDER", "1")
    assert is_rendering()
    static = explorer.static_chart().to_dict()
    params = {p["name"]: p for p in static["params"]}
    assert params["claimant"]["bind"]["input"] == "select"
    assert params["until"]["bind"]["input"] == "range"
    assert params["legend_pick"]["bind"] == "legend"
    assert "href" in json.dumps(static)
    # same view as the live chart: same claims, same anchor flags
    assert {r["claim_id"]: r["comparability"] for r in _rows(static)} == {
        r["claim_id"]: r["comparability"] for r in _rows(explorer.chart)}
    import altair as alt

    with alt.renderers.enable("json"):
        bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in json.dumps(list(bundle))


def test_explorer_without_jchart_carries_no_widget_chart(claims: pd.DataFrame, gazetteer: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_RENDER", "1")
    ex = ClaimExplorer(claims, gazetteer)
    ex.static_chart()
    assert ex._jchart is None  # a report never stores the 0.9 MB widget state


# --------------------------------------------------------------------------- GapExplorer
def test_gap_explorer_date_slider(claims: pd.DataFrame, gazetteer: Any) -> None:
    ge = GapExplorer(claims, "Airwars", "CJTF-OIR", gazetteer=gazetteer, places=["iq", "sy"])
    assert set(ge.series["claimant"]) == {"Airwars", "CJTF-OIR"}
    assert len(ge.gap) == 3
    assert "CJTF-OIR: at least 352" in ge.summary.value and "Airwars: more than 3,164" in ge.summary.value
    assert "admission lag: CJTF-OIR admitted 352 on 2017-04-30" in ge.summary.value
    jchart = ge.jchart
    ge.date.value = pd.Timestamp("2017-01-10")
    assert jchart.params.at == pytest.approx(2017 + 9 / 365.25)
    assert "Airwars: about 2,300–2,700" in ge.summary.value and "CJTF-OIR: at least 188" in ge.summary.value
    # 188 is a floor: the gap and the ratio are bounded above only
    assert "gap at most 2,512" in ge.summary.value and "ratio at most 14.4×; far apart" in ge.summary.value
    ge.date.value = ge.date.options[0][1]
    assert ge.said["Airwars"] is None and "no figure published yet" in ge.summary.value
    static = ge.static_chart().to_dict()
    at = next(p for p in static["params"] if p["name"] == "at")
    assert at["bind"]["input"] == "range"
    live = ge.chart.to_dict()
    assert "bind" not in next(p for p in live["params"] if p["name"] == "at")


def test_gap_explorer_rejects_empty_scope(claims: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="neither"):
        GapExplorer(claims, "Airwars", "CJTF-OIR", places=["sy-raqqa-city"])


# --------------------------------------------------------------------------- IncidentExplorer (large data)
def _incidents(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    low = rng.integers(0, 5, n)
    return pd.DataFrame({
        "date_start": np.datetime64("2015-01-01") + rng.integers(0, 730, n).astype("timedelta64[D]"),
        # unmapped incidents (None / "") must stay countable under every filter
        "governorate": np.array(["sy-raqqa", "sy-aleppo", "iq-ninewa", None, ""], dtype=object)[rng.integers(0, 5, n)],
        "source": np.array(["airwars", "nl-mod"])[rng.integers(0, 2, n)],
        "grade": np.array(["Fair", "Weak", "Confirmed"])[rng.integers(0, 3, n)],
        "civilians_killed_low": low,
        "civilians_killed_high": low + rng.integers(0, 3, n),
    })


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    return _incidents(200_000)


def test_incident_explorer_sends_bounded_aggregates(incidents: pd.DataFrame) -> None:
    ex = IncidentExplorer(incidents)
    jchart = ex.jchart
    assert len(ex.frame) <= 5_000 and len(ex.frame) == 24 * 2
    assert ex.frame["incidents"].sum() == len(incidents)
    # place ids are listed by name, unmapped incidents last
    assert ex.filter_widgets["governorate"].options[-1] == ("(unknown)", "(unknown)")
    assert ("Raqqa", "sy-raqqa") in ex.filter_widgets["governorate"].options
    ex.filter_widgets["grade"].value = ("Fair",)
    ex.groups.value = ("airwars",)
    sent = JupyterChartCompat.drawn_data(jchart, "kit_monthly")
    expected = incidents[(incidents["grade"] == "Fair") & (incidents["source"] == "airwars")]
    assert sum(r["incidents"] for r in sent) == len(expected)
    assert sum(r["low"] for r in sent) == expected["civilians_killed_low"].sum()
    assert sum(r["high"] for r in sent) == expected["civilians_killed_high"].sum()
    assert {r["group"] for r in sent} == {"airwars"}
    ex.period.index = (3, 5)
    months = {r["month"] for r in JupyterChartCompat.drawn_data(jchart, "kit_monthly")}
    assert months == {"2015-04-01", "2015-05-01", "2015-06-01"}
    assert ex.last_update_ms < 1000
    undated = _incidents(100).assign(date_start=lambda f: f["date_start"].where(f.index >= 3))
    assert "3 without a date" in IncidentExplorer(undated).status.value
    assert {p["name"] for p in jchart.spec["params"]} == {"legend_pick"}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    groups=st.sets(st.sampled_from(["airwars", "nl-mod"]), min_size=1),
    grades=st.sets(st.sampled_from(["Fair", "Weak", "Confirmed"])),
    govs=st.sets(st.sampled_from(["sy-raqqa", "sy-aleppo", "iq-ninewa", "(unknown)"])),
    start=st.integers(0, 23),
    span=st.integers(0, 23),
)
def test_cube_equals_raw_aggregation(groups: set[str], grades: set[str], govs: set[str], start: int,
                                     span: int) -> None:
    ex = _SMALL_EXPLORER
    months = [m for _, m in ex.period.options]
    sel = {"groups": tuple(groups), "period": (months[start], months[min(start + span, len(months) - 1)]),
           "filters": {"grade": tuple(grades), "governorate": tuple(govs)}}
    cube, raw = ex.aggregate(sel), ex.aggregate_raw(sel)
    pd.testing.assert_frame_equal(cube.reset_index(drop=True), raw.reset_index(drop=True), check_dtype=False)


_SMALL_EXPLORER = IncidentExplorer(_incidents(5_000, seed=3))


def test_incident_explorer_rejects_missing_columns() -> None:
    with pytest.raises(ValueError, match="civilians_killed_high"):
        IncidentExplorer(pd.DataFrame({"date_start": [], "source": [], "civilians_killed_low": [],
                                       "governorate": [], "grade": []}))


# --------------------------------------------------------------------------- offline live widget
def test_live_chart_widget_loads_no_javascript_from_the_network(explorer: ClaimExplorer) -> None:
    esm = explorer.jchart._esm
    assert "esm.sh" not in esm and "https://cdn" not in esm and "unpkg.com" not in esm
    assert len(esm) > 100_000  # vega, vega-lite and vega-embed bundled from vl-convert


# --------------------------------------------------------------------------- static charts in a browser
def _page_for(chart: Any, path: Any) -> str:
    chart.save(str(path), inline=True)  # one chart per file: vega bundled inline, no CDN
    return f"file://{path}"


def _open(browser: Any, url: str) -> tuple[Any, list[str], list[str]]:
    opened = offline_page(browser, url, viewport={"width": 1200, "height": 1600})
    opened[0].wait_for_selector("svg.marks", timeout=20_000)
    return opened


def _labels(page: Any) -> list[str]:
    return page.eval_on_selector_all("[aria-label]", "els => els.map(e => e.getAttribute('aria-label'))")


def test_static_claim_chart_controls_work_offline(browser: Any, explorer: ClaimExplorer, tmp_path: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    explorer.anchor.value = "cjtf-2017-04"
    page, blocked, errors = _open(browser, _page_for(explorer.static_chart(), tmp_path / "claims.html"))
    try:
        before = _labels(page)
        assert any("ap-mosul" in label or "AP" in label for label in before)
        page.select_option(".vega-bind select >> nth=0", label="Airwars")
        page.wait_for_timeout(300)
        after = _labels(page)
        assert after != before
        assert not any("CJTF-OIR · 2017-01-02" in label for label in after)
        page.select_option(".vega-bind select >> nth=0", label="all")
        page.fill(".vega-bind input[type=range] >> nth=0", "2016")
        page.dispatch_event(".vega-bind input[type=range] >> nth=0", "input")
        page.wait_for_timeout(300)
        assert any("Amnesty" in label for label in _labels(page))
        assert not any("Airwars · 2017" in label for label in _labels(page))
        # marks carry links (Vega's href channel, described in each mark's aria-label) to http(s) sources
        links = [label.split("url: ")[-1] for label in _labels(page) if "; url: " in label]
        assert links and all(link.startswith(("http://", "https://")) for link in links)
        page.screenshot(path=str(tmp_path / "claims.png"))
    finally:
        page.close()
    assert blocked == [] and errors == []


def test_static_gap_chart_slider_works_offline(browser: Any, claims: pd.DataFrame, gazetteer: Any,
                                               tmp_path: Any) -> None:
    ge = GapExplorer(claims, "Airwars", "CJTF-OIR", gazetteer=gazetteer, places=["iq", "sy"])
    page, blocked, errors = _open(browser, _page_for(ge.static_chart(), tmp_path / "gap.html"))
    try:
        assert page.locator("svg.marks").count() == 1
        slider = ".vega-bind input[type=range] >> nth=0"
        rule_x = ("() => [...document.querySelectorAll('g.mark-rule.role-mark line[stroke-dasharray]')]"
                  ".map(line => line.getAttribute('transform')).join('|')")
        before = page.evaluate(rule_x)
        assert before.count("translate") == 3  # the date rule in the timeline, gap and ratio panels
        lo = page.get_attribute(slider, "min")
        page.fill(slider, str(lo))
        page.dispatch_event(slider, "input")
        page.wait_for_timeout(300)
        assert page.evaluate(rule_x) != before
    finally:
        page.close()
    assert blocked == [] and errors == []


# --------------------------------------------------------------------------- the notebook
@pytest.mark.slow
def test_notebook_02_executes_live_from_repo_root(repo_dir: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbclient
    import nbformat

    monkeypatch.delenv("KIT_RENDER", raising=False)
    nb = nbformat.read(repo_dir / "notebooks" / "02_explore_claims.ipynb", as_version=4)
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(repo_dir)}}).execute()
    kinds = [k for c in nb.cells if c.cell_type == "code" for o in c.outputs for k in o.get("data", {})]
    assert kinds.count("application/vnd.jupyter.widget-view+json") >= 2
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_import_kit_ui_loads_neither_extract_nor_spacy() -> None:
    """Opening an explorer notebook does not pay for the extractor: `ExtractReview` loads it when used."""
    code = ("import sys, kit.ui\n"
            "print(sorted({m.split('.')[0] if m.split('.')[0] != 'kit' else '.'.join(m.split('.')[:2])"
            " for m in sys.modules}))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    loaded = set(json.loads(out.replace("'", '"')))
    assert {"kit.ui", "kit.ledger", "ipywidgets"} <= loaded  # the probe sees what kit.ui loads
    assert "kit.extract" not in loaded and "spacy" not in loaded and "thinc" not in loaded, sorted(loaded)
