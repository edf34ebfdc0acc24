"""Claim chart builders, tested on their Vega-Lite dicts (and compiled to Vega by vl-convert)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc
from conftest import walk_spec
from hypothesis import given
from hypothesis import strategies as st

from kit.compare import as_of, gap_over_time
from kit.ledger import load_claims
from kit.present import format_range, safe_url, short_text
from kit.present.charts import (
    MAX_CHART_ROWS,
    NARROW_BELOW,
    as_of_chart,
    at_year,
    claims_chart_frame,
    claims_range_chart,
    comparability_matrix_chart,
    for_readers,
    gap_chart,
    range_chart_from_frame,
)
from kit.present.charts._base import inline_data
from kit.scope import comparability_matrix

CLAIMS_CSV = (Path(__file__).parent / "fixtures" / "claims_small.csv").read_text(encoding="utf-8")


# `gazetteer` and `claims` (this module's CLAIMS_CSV through the contract) come from conftest.


# --------------------------------------------------------------------------- spec helpers


def _marks(spec: dict[str, Any]) -> list[str]:
    out = []
    for d in walk_spec(spec):
        mark = d.get("mark")
        if mark is not None:
            out.append(mark if isinstance(mark, str) else mark["type"])
    return out


def _params(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for d in walk_spec(spec) for p in d.get("params", []) if isinstance(p, dict) and "name" in p}


def _units(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in walk_spec(spec) if "mark" in d]


def _all_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for values in spec.get("datasets", {}).values():
        rows += values
    return rows


def _rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Data rows without the range chart's scope heading rows."""
    return [r for r in _all_rows(spec) if r.get("kind") != "header"]


def _assert_inline_and_valid(spec: dict[str, Any]) -> None:
    for d in walk_spec(spec):
        data = d.get("data")
        if isinstance(data, dict):
            assert "url" not in data, f"data.url found: {data}"
    text = json.dumps(spec, allow_nan=False)  # strict JSON, as the report renderer writes it
    assert "javascript:" not in text.lower()
    assert "data:text" not in text.lower()
    vlc.vegalite_to_vega(spec)  # compiles: e.g. no duplicate selection signals


# --------------------------------------------------------------------------- claims range chart
def test_range_chart_marks_encodings_and_tooltips(claims: pd.DataFrame) -> None:
    spec = claims_range_chart(claims).to_dict()
    _assert_inline_and_valid(spec)
    assert {"rule", "point", "tick", "text"} <= set(_marks(spec))
    headings = [r for r in _all_rows(spec) if r.get("kind") == "header"]
    assert sorted(h["heading"] for h in headings) == sorted({r["scope_label"] for r in _rows(spec)})
    # rows are ordered scope by scope, each heading first
    ordered = sorted(_all_rows(spec), key=lambda r: r["row"])
    assert ordered[0]["kind"] == "header"
    by_mark = {u["mark"]["type"]: u for u in _units(spec)}
    rule = by_mark["rule"]["encoding"]
    assert rule["x"]["field"] == "low" and rule["x2"]["field"] == "high"
    assert rule["color"]["field"] == "method"
    assert rule["href"]["field"] == "url"
    claim_points = next(u for u in _units(spec) if u.get("name") == "claims_points")  # not the open-end arrowheads
    assert claim_points["encoding"]["href"]["field"] == "url"
    assert by_mark["tick"]["encoding"]["x"]["field"] == "best"
    tips = {t["field"] for t in rule["tooltip"]}
    assert {"claimant", "relay_text", "published", "period_text", "url_text", "figure_text"} <= tips
    # log scale chosen automatically: the figures span 188 .. 11,000
    assert rule["x"]["scale"]["type"] == "log"


def test_range_chart_named_params_and_bindings(claims: pd.DataFrame) -> None:
    spec = claims_range_chart(claims).to_dict()
    params = _params(spec)
    assert {"claimant", "method", "until", "legend_pick", "hover", "pick", "hover_point", "pick_point"} <= set(params)
    assert params["claimant"]["bind"]["input"] == "select"
    assert params["claimant"]["bind"]["options"] == [None, "AP", "Airwars", "Amnesty International", "CJTF-OIR"]
    assert params["method"]["bind"]["input"] == "select"
    assert params["until"]["bind"]["input"] == "range"
    until = params["until"]
    assert (until["bind"]["min"], until["bind"]["max"], until["value"]) == (2016, 2017, 2017)
    assert params["legend_pick"]["bind"] == "legend"
    assert params["legend_pick"]["select"]["fields"] == ["method"]
    assert params["hover"]["select"]["on"] == "pointerover"
    filters = [t["filter"] for t in spec.get("transform", []) if isinstance(t.get("filter"), str)]
    assert any("datum.claimant == claimant" in f and "datum.year <= until" in f for f in filters)
    # a heading disappears when the controls leave its scope empty
    assert any("datum.shown > 0" in f for f in filters)


def test_range_chart_without_controls_keeps_selections(claims: pd.DataFrame) -> None:
    spec = claims_range_chart(claims, controls=False, links=False).to_dict()
    params = _params(spec)
    assert "claimant" not in params and "until" not in params
    assert {"pick", "pick_point", "legend_pick"} <= set(params)
    assert "href" not in json.dumps(spec)
    static = claims_range_chart(claims, interactive=False).to_dict()
    assert _params(static) == {}


def test_range_chart_data_keeps_ranges(claims: pd.DataFrame) -> None:
    spec = claims_range_chart(claims).to_dict()
    rows = {r["claim_id"]: r for r in _rows(spec)}
    assert len(rows) == len(claims)
    ap = rows["ap-mosul-2017"]
    assert (ap["low"], ap["high"], ap["kind"]) == (9000, 11000, "range")
    assert ap["figure_text"] == "about 9,000–11,000"
    aw = rows["airwars-2017-01"]
    assert (aw["best"], aw["mark_at"]) == (2500, 2500)
    cj = rows["cjtf-2017-04"]
    assert (cj["low"], cj["high"], cj["kind"], cj["mark_at"]) == (352, 352, "point", 352)
    assert cj["qualifier_mark"] == "at least →"
    assert cj["relay_text"] == "ABC News > WRTA"
    assert rows["airwars-2017-01"]["relay_text"] == "(claimant's own publication)"
    # grouped by scope: Mosul and Syria-only claims get their own facet rows
    assert rows["ap-mosul-2017"]["scope_label"] != rows["cjtf-2017-04"]["scope_label"]
    assert rows["amnesty-2016"]["scope_label"] != rows["cjtf-2017-04"]["scope_label"]


def test_range_chart_flags_claims_not_comparable_to_anchor(claims: pd.DataFrame, gazetteer: Any) -> None:
    spec = claims_range_chart(claims, anchor="cjtf-2017-04", gazetteer=gazetteer).to_dict()
    rows = {r["claim_id"]: r for r in _rows(spec)}
    assert rows["cjtf-2017-04"]["comparability"] == "anchor"
    assert "anchor" in rows["cjtf-2017-04"]["annotation"]
    ap = rows["ap-mosul-2017"]
    assert ap["comparability"] == "not_comparable"
    assert "not comparable to the anchor" in ap["annotation"]
    assert ap["comparability_reason"]  # the reason travels to the tooltip
    assert rows["airwars-2017-04"]["comparability"] in ("comparable", "comparable_with_caveats")
    text = json.dumps(spec)
    assert "datum.comparability === 'not_comparable'" in text
    # hollow marks for not comparable claims
    point = next(u for u in _units(spec) if u.get("name") == "claims_points")
    cond = point["encoding"]["fill"]["condition"]
    assert (cond[0] if isinstance(cond, list) else cond)["value"] == "white"
    with pytest.raises(ValueError, match="comparability"):
        claims_range_chart(claims, anchor="cjtf-2017-04")
    with pytest.raises(ValueError, match="not among"):
        claims_range_chart(claims, anchor="no-such-claim", gazetteer=gazetteer)


def test_range_chart_scope_labels_mapping_and_column(claims: pd.DataFrame) -> None:
    labels = {cid: ("coalition" if cid.startswith("cjtf") else "others") for cid in claims["claim_id"]}
    rows = _rows(claims_range_chart(claims, scope_labels=labels).to_dict())
    assert {r["scope_label"] for r in rows} == {"coalition", "others"}
    framed = claims.assign(my_scope="one")
    assert {r["scope_label"] for r in _rows(claims_range_chart(framed, scope_labels="my_scope").to_dict())} == {"one"}


def test_range_chart_drops_unsafe_links_and_escapes_nothing_into_code(claims: pd.DataFrame) -> None:
    hostile = claims.copy()
    hostile.loc[0, "url"] = "javascript:alert(1)"
    hostile.loc[1, "url"] = "data:text/html,<script>alert(1)</script>"
    hostile.loc[2, "url"] = 'https://ok.example/"onmouseover=alert(1)'
    hostile.loc[3, "claimant"] = "<img src=x onerror=alert(1)>"
    hostile.loc[4, "note"] = "x" * 5000
    spec = claims_range_chart(hostile).to_dict()
    _assert_inline_and_valid(spec)
    rows = {r["claim_id"]: r for r in _rows(spec)}
    assert rows[hostile.loc[0, "claim_id"]]["url"] is None
    assert rows[hostile.loc[1, "claim_id"]]["url"] is None
    assert rows[hostile.loc[2, "claim_id"]]["url"] is None
    assert rows[hostile.loc[3, "claim_id"]]["claimant"] == "<img src=x onerror=alert(1)>"  # text, shown literally
    assert len(rows[hostile.loc[4, "claim_id"]]["note"]) == 280


def test_range_chart_ratio_columns_and_linear_scale(claims: pd.DataFrame) -> None:
    framed = claims.assign(r_lo=claims["low"] / 352, r_hi=claims["high"] / 352, r_best=None)
    spec = claims_range_chart(
        framed, value_columns=("r_lo", "r_best", "r_hi"), x_title="ratio", log_scale=False
    ).to_dict()
    rows = {r["claim_id"]: r for r in _rows(spec)}
    assert rows["ap-mosul-2017"]["low"] == pytest.approx(9000 / 352)
    assert rows["ap-mosul-2017"]["figure_text"] == "about 9,000–11,000"  # the stated figure stays in the tooltip
    rule = next(u for u in _units(spec) if u["mark"]["type"] == "rule")
    assert rule["encoding"]["x"]["title"] == "ratio"
    assert rule["encoding"]["x"]["scale"].get("type") is None


def test_range_chart_refuses_unaggregated_data() -> None:
    big = pd.DataFrame({"claim_id": [f"c{i}" for i in range(MAX_CHART_ROWS + 1)], "claimant": "x", "low": 1, "high": 2})
    with pytest.raises(ValueError, match="aggregate first"):
        claims_range_chart(big)


def test_range_chart_minimal_frame_without_derived_columns() -> None:
    frame = pd.DataFrame({"claim_id": ["a", "b"], "claimant": ["X", "Y"], "low": [1, 5], "high": [3, 5],
                          "published": ["2017-05", "2018"], "method": ["official_statement", "bogus_method"]})
    spec = claims_range_chart(frame).to_dict()
    rows = {r["claim_id"]: r for r in _rows(spec)}
    assert (rows["a"]["year"], rows["b"]["year"]) == (2017, 2018)
    domain = next(u for u in _units(spec) if u["mark"]["type"] == "rule")["encoding"]["color"]["scale"]["domain"]
    assert "bogus_method" in domain  # unknown methods get a colour, not an error
    _assert_inline_and_valid(spec)


def test_claims_chart_frame_is_what_the_chart_inlines(claims: pd.DataFrame) -> None:
    frame = claims_chart_frame(claims)
    rows = _rows(claims_range_chart(claims).to_dict())
    assert sorted(frame["claim_id"]) == sorted(r["claim_id"] for r in rows)
    assert frame["label"].is_unique


def _values(channel: Any) -> list[float]:
    """The numbers an encoding channel can take: its value and its conditions' values."""
    if not isinstance(channel, dict):
        return []
    conditions = channel.get("condition", [])
    out = [channel["value"]] if isinstance(channel.get("value"), int | float) else []
    for c in conditions if isinstance(conditions, list) else [conditions]:
        out += _values(c)
    return out


def _left_reach(unit: dict[str, Any]) -> float:
    """How far (px) a mark drawn at x reaches left of x: a symbol's half width, its stroke and offset; a rule's
    round cap. Zero for text (the notes start right of their marks; headings sit on label-free rows)."""
    mark, enc = unit["mark"], unit.get("encoding", {})
    offset = -mark.get("xOffset", 0)
    if mark["type"] == "point":
        sizes = [*_values(enc.get("size")), mark.get("size", 30)]
        strokes = [*_values(enc.get("strokeWidth")), mark.get("strokeWidth", 1)]
        stroke = 0 if mark.get("strokeWidth") == 0 else max(strokes)
        return offset + max(sizes) ** 0.5 / 2 + stroke / 2
    if mark["type"] in ("rule", "tick"):
        widths = [*_values(enc.get("strokeWidth")), mark.get("strokeWidth", 1), mark.get("thickness", 1)]
        return offset + max(widths) / 2
    return 0.0


@pytest.mark.parametrize("interactive", [True, False])
def test_range_chart_marks_keep_clear_of_row_labels(claims: pd.DataFrame, gazetteer: Any, interactive: bool) -> None:
    """A mark at the x axis's minimum (a point, a range's low end, its open-end arrowhead, hovered or not) stays
    clear of the end of its row label: the label column's padding exceeds the farthest any mark reaches left."""
    spec = claims_range_chart(claims, anchor="cjtf-2017-04", gazetteer=gazetteer, interactive=interactive).to_dict()
    wide = [u for u in _units({k: v for k, v in spec.items() if k != "usermeta"}) if "y" in u.get("encoding", {})]
    reach = max(_left_reach(u) for u in wide)
    assert reach > 8  # the hovered point and the arrowheads are counted
    pads = {u["encoding"]["y"]["axis"].get("labelPadding", 2) for u in wide}  # Vega's default: 2 px
    assert len(pads) == 1 and pads.pop() >= reach + 2, f"row labels end within {reach:.1f} px of the marks"


def test_range_chart_on_the_project_ledger(gazetteer: Any) -> None:
    result = load_claims(gazetteer=gazetteer)
    assert not result.claims.empty, "the project ledger is empty"
    anchor = result.claims["claim_id"].iloc[0]
    spec = claims_range_chart(result.claims, anchor=anchor, gazetteer=gazetteer).to_dict()
    _assert_inline_and_valid(spec)
    assert len(_rows(spec)) == len(result.claims)


# --------------------------------------------------------------------------- as-of timeline
@pytest.fixture(scope="module")
def series(claims: pd.DataFrame) -> pd.DataFrame:
    parts = [as_of(claims, name, places=["iq", "sy"]) for name in ("CJTF-OIR", "Airwars")]
    return pd.concat(parts, ignore_index=True)


def test_as_of_chart_steps_bands_and_points(series: pd.DataFrame) -> None:
    spec = as_of_chart(series).to_dict()
    _assert_inline_and_valid(spec)
    units = _units(spec)
    area = next(u for u in units if u["mark"]["type"] == "area")
    assert area["mark"]["interpolate"] == "step-after"
    assert (area["encoding"]["y"]["field"], area["encoding"]["y2"]["field"]) == ("low", "high")
    lines = [u for u in units if u["mark"]["type"] == "line"]
    assert {ln["encoding"]["y"]["field"] for ln in lines} == {"low", "high"}
    assert all(ln["mark"]["interpolate"] == "step-after" for ln in lines)
    point = next(u for u in units if u["mark"]["type"] == "point")
    assert {"claimant", "relay_text", "published", "url_text"} <= {t["field"] for t in point["encoding"]["tooltip"]}
    assert point["encoding"]["href"]["field"] == "url"
    assert {"legend_pick", "hover"} <= set(_params(spec))
    rows = _rows(spec)
    new = [r for r in rows if r["new_claim"]]
    assert sorted(r["claim_id"] for r in new) == sorted(series["claim_id"].unique())
    # each claimant's last step is carried to the end so it has a width
    ends = {r["claimant"]: r["date"] for r in rows if not r["new_claim"]}
    assert set(ends) == {"CJTF-OIR", "Airwars"} and len(set(ends.values())) == 1


@given(st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2040-12-31").date()))
def test_at_year_round_trips_through_the_vega_expression(day: Any) -> None:
    """Python's decimal year and the chart's expression agree on the day."""
    value = at_year(pd.Timestamp(day))
    year = int(value // 1)
    back = pd.Timestamp(year=year, month=1, day=1) + pd.Timedelta(days=round((value - year) * 365.25))
    assert back == pd.Timestamp(day)


def test_as_of_chart_date_param(series: pd.DataFrame) -> None:
    spec = as_of_chart(series, at="2017-02-01").to_dict()
    at = _params(spec)["at"]
    assert at["bind"]["input"] == "range"
    assert at["value"] == pytest.approx(2017 + 31 / 365.25, abs=1e-4)  # a decimal year, not epoch ms
    # 2 Jan .. 30 Apr + the carried last step
    assert (at["bind"]["min"], at["bind"]["max"], at["bind"]["step"]) == (2017.0, 2017.35, 0.01)
    assert "utc(floor(at), 0, 1 + round((at - floor(at)) * 365.25))" in json.dumps(spec)
    _assert_inline_and_valid(spec)
    undeclared = as_of_chart(series, at="2017-02-01", declare_at=False).to_dict()
    assert "at" not in _params(undeclared)


# --------------------------------------------------------------------------- gap chart
@pytest.fixture(scope="module")
def gap(claims: pd.DataFrame, gazetteer: Any) -> pd.DataFrame:
    return gap_over_time(claims, "Airwars", "CJTF-OIR", gazetteer=gazetteer, places=["iq", "sy"])


def test_gap_chart_bands_not_point_ratios(gap: pd.DataFrame) -> None:
    spec = gap_chart(gap).to_dict()
    _assert_inline_and_valid(spec)
    areas = [u for u in _units(spec) if u["mark"]["type"] == "area"]
    assert {(a["encoding"]["y"]["field"], a["encoding"]["y2"]["field"]) for a in areas} == {
        ("gap_low", "gap_high"), ("ratio_low", "ratio_high")}
    assert all(a["mark"]["interpolate"] == "step-after" for a in areas)
    y_fields = {u["encoding"]["y"].get("field") for u in _units(spec) if "y" in u.get("encoding", {})}
    assert not y_fields & {"ratio", "gap", "ratio_mid", "gap_mid"}  # no lone point series
    text = json.dumps(spec, ensure_ascii=False)
    assert "gap: Airwars − CJTF-OIR (interval)" in text and "ratio: Airwars / CJTF-OIR (interval)" in text
    tips = {t["field"] for u in _units(spec) for t in u.get("encoding", {}).get("tooltip", [])}
    assert {"a_text", "b_text", "gap_text", "ratio_text", "verdict_text"} <= tips


def test_gap_chart_mid_is_dashed_beside_band(gap: pd.DataFrame) -> None:
    spec = gap_chart(gap, metric="ratio", show_mid=True).to_dict()
    mids = [u for u in _units(spec) if u["encoding"].get("y", {}).get("field") == "ratio_mid"]
    assert len(mids) == 1 and mids[0]["mark"]["strokeDash"]
    assert any(u["mark"]["type"] == "area" for u in _units(spec))


def test_gap_chart_undefined_ratio_stays_undefined(gap: pd.DataFrame) -> None:
    g = gap.copy()
    g.loc[0, ["b_low", "ratio_low", "ratio_high"]] = [0.0, None, None]
    rows = [r for r in _rows(gap_chart(g).to_dict()) if "date" in r]
    first = min(rows, key=lambda r: r["date"])
    assert first["ratio_low"] is None and "undefined" in first["ratio_text"]


def test_gap_chart_requires_columns() -> None:
    with pytest.raises(ValueError, match="gap_low"):
        gap_chart(pd.DataFrame({"date": ["2017-01-01"]}))


# --------------------------------------------------------------------------- comparability matrix
def test_matrix_chart_from_kit_scope(claims: pd.DataFrame, gazetteer: Any) -> None:
    matrix = comparability_matrix(claims, gazetteer)
    labels = dict(zip(claims["claim_id"], claims["claimant"] + " " + claims["published"], strict=True))
    spec = comparability_matrix_chart(matrix, labels=labels).to_dict()
    _assert_inline_and_valid(spec)
    assert _marks(spec) == ["rect"]
    enc = spec["encoding"]
    assert enc["color"]["scale"]["domain"] == ["comparable", "comparable_with_caveats", "not_comparable"]
    assert {t["field"] for t in enc["tooltip"]} == {"a_label", "b_label", "verdict_label", "reasons_text"}
    rows = _rows(spec)
    n = len(claims)
    assert len(rows) == n * (n - 1)  # the diagonal (a claim with itself) is dropped
    # two Airwars claims published the same day keep distinct labels
    assert len({r["a_label"] for r in rows}) == n
    assert _params(spec)["verdict_pick"]["bind"] == "legend"


def test_matrix_chart_square_input() -> None:
    square = pd.DataFrame(
        [["same", "not_comparable"], ["not_comparable", "same"]], index=["a", "b"], columns=["a", "b"]
    )
    rows = _rows(comparability_matrix_chart(square).to_dict())
    assert {(r["claim_a"], r["claim_b"], r["verdict"]) for r in rows} == {("a", "b", "not_comparable"),
                                                                         ("b", "a", "not_comparable")}


# --------------------------------------------------------------------------- helpers (property tests)
@given(st.text(max_size=200))
def test_safe_url_only_passes_plain_http_urls(text: str) -> None:
    out = safe_url(text)
    if out is not None:
        assert out.lower().startswith(("http://", "https://"))
        assert not any(c in out for c in ' \t\n<>"\'`')


@given(st.sampled_from(["javascript", "data", "vbscript", "file", "JaVaScRiPt", " javascript"]), st.text(max_size=50))
def test_safe_url_rejects_other_schemes(scheme: str, rest: str) -> None:
    assert safe_url(f"{scheme}:{rest}") is None


@given(st.floats(0, 1e7, allow_nan=False), st.floats(0, 1e7, allow_nan=False))
def test_format_range_never_collapses_a_range(a: float, b: float) -> None:
    lo, hi = min(a, b), max(a, b)
    text = format_range(lo, hi)
    if f"{lo:,.2f}" != f"{hi:,.2f}" and round(lo) != round(hi):
        assert "–" in text


@given(st.lists(st.tuples(st.text(max_size=30), st.one_of(st.none(), st.floats()), st.booleans()), max_size=20))
def test_inline_data_is_strict_json(rows: list[tuple[str, float | None, bool]]) -> None:
    frame = pd.DataFrame(rows, columns=["s", "x", "flag"])
    frame["when"] = pd.Timestamp("2017-04-30")
    frame["tup"] = [("a", "b")] * len(frame)
    out = inline_data(frame)
    json.dumps(out, allow_nan=False)  # raises on NaN / Infinity
    assert len(out["values"]) == len(frame)
    if len(frame):
        assert out["values"][0]["when"] == "2017-04-30" and out["values"][0]["tup"] == "a > b"


@given(st.text(max_size=1000))
def test_short_text_bounded(text: str) -> None:
    out = short_text(text, 100)
    assert len(out) <= 100
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in out)


def test_charts_render_to_svg_offline(claims: pd.DataFrame, series: pd.DataFrame, gap: pd.DataFrame,
                                      gazetteer: Any, tmp_path: Path) -> None:
    """vl-convert draws every chart (no network): the specs are renderable, not just valid JSON."""
    charts: list[alt.TopLevelMixin] = [
        claims_range_chart(claims, anchor="cjtf-2017-04", gazetteer=gazetteer),
        as_of_chart(series, at="2017-02-01"),
        gap_chart(gap),
        comparability_matrix_chart(comparability_matrix(claims, gazetteer)),
    ]
    for chart in charts:
        svg = vlc.vegalite_to_svg(chart.to_dict())
        assert svg.startswith("<svg") and "aria-label" in svg


@given(st.dates(min_value=pd.Timestamp("1900-01-01").date(), max_value=pd.Timestamp("2100-12-31").date()),
       st.sampled_from(["day", "month", "year"]))
def test_partial_date_reads_the_ledger_precisions(day: Any, precision: str) -> None:
    from kit.present.charts._claims import _partial_date

    ts = pd.Timestamp(day)
    text = {"day": ts.strftime("%Y-%m-%d"), "month": ts.strftime("%Y-%m"), "year": ts.strftime("%Y")}[precision]
    first = {"day": ts, "month": ts.replace(day=1), "year": ts.replace(month=1, day=1)}[precision]
    assert _partial_date(text) == first


@given(st.text(max_size=30))
def test_partial_date_never_raises(text: str) -> None:
    from kit.present.charts._claims import _partial_date

    out = _partial_date(text)
    assert out is None or isinstance(out, pd.Timestamp)


def test_gap_chart_greys_out_dates_whose_figures_are_not_comparable() -> None:
    import kit

    claims = kit.load_claims().claims
    gap = kit.gap_over_time(claims, "Airwars", "CJTF-OIR", places=["iq", "sy"], since="2014-08",
                            gazetteer=kit.load_gazetteer())
    spec = kit.charts.gap_chart(gap).to_dict()
    text = json.dumps(spec)
    assert "datum.verdict === 'not_comparable'" in text
    assert "not comparable" in json.dumps(spec.get("title", ""))
    rows = next(iter(spec["datasets"].values()))
    flagged = [r for r in rows if r.get("verdict") == "not_comparable"]
    assert flagged and all(r["verdict_text"].startswith("not comparable") for r in flagged)


# --------------------------------------------------------------------------- the range chart on a phone
def _narrow_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The phone layout a wide range chart carries, with the wide spec's rows (as report.js draws it)."""
    kit_meta = spec["usermeta"]["kit"]
    return {**kit_meta["narrow"], "datasets": spec["datasets"]}


def test_range_chart_carries_a_phone_layout_sharing_its_rows(claims: pd.DataFrame, gazetteer: Any) -> None:
    spec = claims_range_chart(claims, anchor="cjtf-2017-04", gazetteer=gazetteer, title="t").to_dict()
    meta = spec["usermeta"]["kit"]
    assert meta["narrow_below"] == NARROW_BELOW == 600
    narrow = meta["narrow"]
    # the rows travel once: the phone layout names the wide spec's dataset and has none of its own
    assert "datasets" not in narrow and narrow["data"] == spec["data"]
    # the wide layout is unchanged: a label column on the y axis, 520 px of marks, 20 px rows
    wide = {k: v for k, v in spec.items() if k != "usermeta"}
    wide_y = {json.dumps(u["encoding"]["y"], sort_keys=True) for u in _units(wide) if "y" in u.get("encoding", {})}
    assert len(wide_y) == 1 and json.loads(wide_y.pop())["axis"]["labelLimit"] == 440
    assert (spec["width"], spec["height"]) == (520, {"step": 20})
    # the phone layout: no y axis, taller rows, each label written above its marks, never two layouts deep
    assert narrow["height"] == {"step": 30} and isinstance(narrow["width"], int) and "usermeta" not in narrow
    units = _units(narrow)
    assert all(u["encoding"]["y"]["axis"] is None for u in units)
    labels = [u for u in units if u["encoding"].get("text", {}).get("field") == "label_lines"]
    assert labels and all(u["encoding"]["x"] == {"value": 0} and u["mark"]["baseline"] == "top" for u in labels)
    assert all(u["mark"]["limit"] == {"expr": "width"} for u in labels)
    drawn = [u for u in units if u.get("name") in ("claims_ranges", "claims_points")]
    assert len(drawn) == 2 and all(u["mark"]["yOffset"] > 0 for u in drawn)  # marks below the label line
    # the same selections and bound controls as the wide layout
    assert set(_params(narrow)) == set(_params(wide))
    vlc.vegalite_to_vega(_narrow_spec(spec))  # compiles
    # the report's reader rules keep every layer whose fields the phone layout's own transforms make
    kept = for_readers(spec)["usermeta"]["kit"]["narrow"]["layer"]
    texts = [u["encoding"]["text"].get("field") for u in kept if u["mark"]["type"] == "text"]
    assert {"label_lines", "heading"} <= set(texts) and len(kept) >= len(narrow["layer"]) - 2


def test_range_chart_phone_layout_breaks_long_labels_and_keeps_notes(claims: pd.DataFrame, gazetteer: Any) -> None:
    """A long label takes two lines and two steps (label, then marks); notes go where they fit, and the
    qualifier is never dropped: the last resort shows it alone."""
    long = claims.copy()
    long.loc[long.index[0], "claimant"] = "The New York Times Magazine (Khan and Gopal)"
    spec = claims_range_chart(long, anchor="cjtf-2017-04", gazetteer=gazetteer).to_dict()
    narrow = _narrow_spec(spec)
    top = [t for t in narrow["transform"] if "calculate" in t]
    assert {"last_slot", "label_lines", "slots", "slot_key", "slot_at"} <= {t["as"] for t in top}
    assert {"flatten": ["slots"], "as": ["slot"]} in narrow["transform"]
    notes = [u for u in _units(narrow) if u["mark"]["type"] == "text" and "condition" in u["encoding"]["text"]]
    shown = [u["encoding"]["text"]["condition"]["field"] for u in notes]
    assert sorted(shown) == ["phone_note", "phone_note", "qualifier_mark", "qualifier_mark"]
    assert all("scale('x'" in u["encoding"]["text"]["condition"]["test"] for u in notes)
    # drawn offline by vl-convert: the long label on two whole lines, nothing cut short, the qualifier shown
    svg = vlc.vegalite_to_svg(narrow)
    texts = [re.sub(r"<[^>]+>", "|", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
    label = next(t for t in texts if "Khan and Gopal" in t)
    assert label.strip("|").startswith("The New York Times Magazine (Khan and Gopal)|")  # a second line follows
    assert not [t for t in texts if t.rstrip("|").endswith("…")]
    assert any("at least →" in t for t in texts)
    wide = [t for t in re.findall(r"<text[^>]*>(.*?)</text>", vlc.vegalite_to_svg(spec)) if "Khan" in t]
    assert wide and not wide[0].endswith("…")  # the wide layout's label column holds it whole too


def test_range_chart_narrow_on_its_own(claims: pd.DataFrame) -> None:
    t = claims_chart_frame(claims)
    phone = range_chart_from_frame(t, narrow=True).to_dict()
    assert "usermeta" not in phone and phone["height"] == {"step": 30}
    plain = range_chart_from_frame(t, for_phones=False).to_dict()
    assert "usermeta" not in plain and plain["height"] == {"step": 20}
