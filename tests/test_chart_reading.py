"""The claims range chart as a reader sees it: row labels in words, open ends drawn on the marks.

Checked on the Vega-Lite dict (the inlined rows and the layers), the way the
chart reaches a report or a live widget.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
import pytest

from kit.ledger import load_claims
from kit.present.charts import claims_range_chart, for_readers


def _claim_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [r for values in spec["datasets"].values() for r in values]
    return [r for r in rows if r.get("kind") != "header"]


def _claims(**columns: list[Any]) -> pd.DataFrame:
    n = len(columns["claim_id"])
    base: dict[str, list[Any]] = {
        "claimant": ["Airwars"] * n, "published": ["2017-05"] * n, "low": [10] * n, "high": [20] * n,
        "best": [None] * n, "qualifier": ["none"] * n, "method": ["graded_open_source_monitoring"] * n,
        "unit": ["persons"] * n, "outcome": ["killed"] * n, "victims": ["civilians"] * n,
        "perpetrator": ["us-led-coalition"] * n, "places": ["iq;sy"] * n, "period_start": ["2014-08"] * n,
        "period_end": [""] * n, "relay_chain": [""] * n,
    }
    return pd.DataFrame(base | columns)


def test_founding_ledger_row_labels_are_words_not_ids(gazetteer: Any) -> None:
    """Every label names claimant and date in words, no claim id; each row its own; ids stay in the data."""
    claims = load_claims(gazetteer=gazetteer).claims
    spec = claims_range_chart(claims, gazetteer=gazetteer, anchor=claims["claim_id"].iloc[0]).to_dict()
    rows = _claim_rows(spec)
    assert len(rows) == len(claims)
    labels = [r["label"] for r in rows]
    assert len(set(labels)) == len(labels)
    ids = set(claims["claim_id"])
    assert {r["claim_id"] for r in rows} == ids  # still in the data, for linking and the tooltip
    with_id = [(label, cid) for label in labels for cid in ids if cid in label]
    assert with_id == []
    tooltip = {t["field"] for d in spec["layer"] for t in d.get("encoding", {}).get("tooltip", [])}
    assert "claim_id" in tooltip
    assert not any(re.search(r"[a-z0-9]+-\d{4}-[a-z0-9-]+", label) for label in labels)


def test_colliding_rows_get_a_distinguishing_phrase_not_an_id() -> None:
    claims = _claims(
        claim_id=["aw-a", "aw-b", "aw-c", "cj-1", "cj-2", "cj-3", "cj-4"],
        claimant=["Airwars"] * 3 + ["CJTF-OIR"] * 4,
        published=["2017-05"] * 3 + ["2017-04-30"] * 4,
        period_start=["2017-04", "2017-03", "2014-08", "2014-08", "2014-08", "2014-08", "2014-08"],
        period_end=["2017-04", "2017-03", "", "", "", "", ""],
        relay_chain=["", "", "", "ABC News > WRTA", "Reuters > The Independent", "", ""],
    )
    rows = {r["claim_id"]: r["label"] for r in _claim_rows(claims_range_chart(claims).to_dict())}
    assert rows == {
        "aw-a": "Airwars · 2017-05 · 2017-04",
        "aw-b": "Airwars · 2017-05 · 2017-03",
        "aw-c": "Airwars · 2017-05 · since 2014-08",
        # two rows alike in every phrase are numbered, never told apart by their ids
        "cj-1": "CJTF-OIR · 2017-04-30 · via ABC News > WRTA",
        "cj-2": "CJTF-OIR · 2017-04-30 · via Reuters > The Independent",
        "cj-3": "CJTF-OIR · 2017-04-30 · own publication (1 of 2)",
        "cj-4": "CJTF-OIR · 2017-04-30 · own publication (2 of 2)",
    }


def test_long_claimant_names_shorten_to_their_abbreviation_in_labels_only() -> None:
    """Only a label the axis would cut (over 44 characters) names its claimant by the abbreviation."""
    sohr = "Syrian Observatory for Human Rights (SOHR)"
    claims = _claims(claim_id=["s1", "s2", "n1", "i1"], claimant=[sohr, sohr, "Airwars", "Iraq Body Count (IBC)"],
                     published=["2015-03-23"] * 4, victims=["civilians", "all", "civilians", "civilians"])
    rows = {r["claim_id"]: r for r in _claim_rows(claims_range_chart(claims).to_dict())}
    assert rows["s1"]["label"] == "SOHR · 2015-03-23 · civilians killed"
    assert rows["s2"]["label"] == "SOHR · 2015-03-23 · all killed"
    assert rows["s1"]["claimant"] == sohr  # the tooltip keeps the full name
    assert rows["n1"]["label"] == "Airwars · 2015-03-23"
    assert rows["i1"]["label"] == "Iraq Body Count (IBC) · 2015-03-23"  # it fits: the full name stays


def _arrowheads(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["mark"]["shape"]: d for d in spec["layer"]
            if isinstance(d.get("mark"), dict) and str(d["mark"].get("shape", "")).startswith("triangle")}


RATIO = ("ratio_low", "ratio_best", "ratio_high")


def test_ratio_mode_marks_open_ends_on_the_marks_and_says_so() -> None:
    """A ratio open at the top gets ▶ at its high end, one open at the bottom ◀ at its low end, both for a
    ratio of stated minimums; the words beside the mark and the tooltip say which, not the figure's qualifier."""
    claims = _claims(
        claim_id=["anchor", "up", "down", "neither", "closed"], claimant=["A", "B", "C", "D", "E"],
        qualifier=["at_least", "none", "up_to", "at_least", "at_least"],
        ratio_low=[1.0, 0.5, 0.2, 2.0, 1.5], ratio_best=[None] * 5, ratio_high=[1.0, 0.9, 0.4, 4.0, 3.0],
        ratio_open=["", "high", "low", "minimums", ""],
    )
    spec = claims_range_chart(claims, value_columns=RATIO, x_title="ratio to the anchor claim (interval, ×)",
                              log_scale=True).to_dict()
    rows = {r["claim_id"]: r for r in _claim_rows(spec)}
    assert {k: rows[k]["open_end"] for k in rows} == {
        "anchor": "", "up": "high", "down": "low", "neither": "both", "closed": ""}
    assert rows["up"]["annotation"] == "may be higher →"
    assert rows["down"]["annotation"] == "← may be lower"
    assert rows["neither"]["annotation"] == "← bounds neither way →"
    assert rows["closed"]["annotation"] == ""  # its figure's "at least" is not the ratio's: the ratio is bounded
    assert rows["up"]["value_text"] == "at least 0.50×"
    assert "may be higher" in rows["up"]["open_text"] and "ratio" in rows["up"]["open_text"]
    heads = _arrowheads(spec)
    assert set(heads) == {"triangle-right", "triangle-left"}
    right, left = heads["triangle-right"], heads["triangle-left"]
    assert right["encoding"]["x"]["field"] == "high" and left["encoding"]["x"]["field"] == "low"
    assert {"field": "open_end", "oneOf": ["high", "both"]} in [t["filter"] for t in right["transform"]]
    assert {"field": "open_end", "oneOf": ["low", "both"]} in [t["filter"] for t in left["transform"]]
    assert right["encoding"]["fill"]["field"] == "method"  # in the range's own colour
    tooltip_titles = {t["title"] for d in spec["layer"] for t in d.get("encoding", {}).get("tooltip", [])}
    assert "open end" in tooltip_titles
    drawn = {u: sorted(r["claim_id"] for r in rows.values() if r["kind"] == "range" and r["open_end"] in (u, "both"))
             for u in ("high", "low")}
    assert drawn == {"high": ["neither", "up"], "low": ["down", "neither"]}


def test_figures_open_ends_follow_the_qualifier_and_empty_layers_are_dropped() -> None:
    claims = _claims(claim_id=["a", "b", "c"], qualifier=["at_least", "up_to", "none"],
                     published=["2017-01", "2017-02", "2017-03"])
    spec = claims_range_chart(claims).to_dict()
    assert {r["claim_id"]: r["open_end"] for r in _claim_rows(spec)} == {"a": "high", "b": "low", "c": ""}
    assert set(_arrowheads(for_readers(spec))) == {"triangle-right", "triangle-left"}
    closed = claims_range_chart(_claims(claim_id=["c"])).to_dict()
    assert _arrowheads(for_readers(closed)) == {}  # nothing open: no layer left to warn "Infinite extent"
    # the phone layout too, though its rows are reshaped by its own transforms (the fields they make are kept)
    assert set(_arrowheads(for_readers(spec)["usermeta"]["kit"]["narrow"])) == {"triangle-right", "triangle-left"}
    assert _arrowheads(for_readers(closed)["usermeta"]["kit"]["narrow"]) == {}
    json.dumps(spec)  # the spec stays plain JSON


@pytest.mark.parametrize("interactive", [True, False])
def test_arrowheads_follow_the_legend_pick_only_when_there_is_one(interactive: bool) -> None:
    spec = claims_range_chart(_claims(claim_id=["a"], qualifier=["at_least"]), interactive=interactive).to_dict()
    test = _arrowheads(spec)["triangle-right"]["encoding"]["opacity"]["condition"][0]["test"]
    assert ("legend_pick_store" in test) is interactive


def test_rows_carry_only_the_fields_the_spec_reads() -> None:
    """Report weight: a column no encoding, tooltip or expression names is left out of the embedded rows."""
    rows = [{"x": 1, "y": "a", "why": "read by an expression", "unused": "long text " * 50}]
    spec = {"data": {"values": rows}, "mark": "point",
            "transform": [{"calculate": "datum.why + '!'", "as": "w"}],
            "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "nominal"}}}
    out = for_readers(spec)
    assert out["data"]["values"] == [{"x": 1, "y": "a", "why": "read by an expression"}]
    assert spec["data"]["values"][0]["unused"]  # the input is not changed
    named = {"datasets": {"d": rows}, "data": {"name": "d"}, "mark": "point",
             "encoding": {"x": {"field": "x", "type": "quantitative"}, "tooltip": True}}
    assert for_readers(named)["datasets"]["d"] == rows  # a tooltip of every field keeps every column


def test_column_names_that_are_not_identifiers_are_kept_when_the_spec_reads_them() -> None:
    """A user's chart over "Civilian deaths", "année", "claim-id" keeps those columns in the report's rows."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame({"Civilian deaths": [12, 30], "année": [2016, 2017], "claim-id": ["a", "b"],
                          "unused note": ["x" * 40, "y" * 40]})
    chart = alt.Chart(frame).mark_bar().encode(x="année:O", y="Civilian deaths:Q", tooltip=["claim-id"])
    rows = next(iter(for_readers(chart.to_dict())["datasets"].values()))
    assert rows == [{"Civilian deaths": 12, "année": 2016, "claim-id": "a"},
                    {"Civilian deaths": 30, "année": 2017, "claim-id": "b"}]


def test_the_range_chart_keeps_what_its_tooltips_and_labels_read(gazetteer) -> None:  # noqa: ANN001
    claims = load_claims(gazetteer=gazetteer).claims
    full = claims_range_chart(claims, gazetteer=gazetteer, anchor=claims["claim_id"].iloc[0]).to_dict()
    kept = for_readers(full)
    (before,), (after,) = full["datasets"].values(), kept["datasets"].values()
    assert len(after) == len(before) and set(after[0]) < set(before[0])
    assert {"label", "claimant", "figure_text", "comparability_text", "url_text"} <= set(after[0])
    assert len(json.dumps(kept)) < 0.8 * len(json.dumps(full))
