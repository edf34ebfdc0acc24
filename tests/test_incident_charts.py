"""Incident charts, tested on their Vega-Lite dicts and the tables behind them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import walk_spec

from kit.match import match_incidents
from kit.present.charts import (
    boundary_features,
    incident_map,
    match_status_chart,
    match_status_frame,
    monthly_incidents_chart,
    monthly_incidents_frame,
)


def inc(source: str, sid: str, day: str, low: float | None, high: float | None, *, lat: float | None = 35.9,
        grade: str = "", url: str = "") -> dict[str, Any]:
    return {
        "source": source, "source_id": sid, "url": url, "date_start": pd.Timestamp(day), "date_end": pd.Timestamp(day),
        "date_precision": "day", "country": "sy", "governorate": "sy-raqqa", "place_name": f"p{sid}",
        "lat": lat, "lon": None if lat is None else 39.0,
        "location_precision": "exact" if lat is not None else "governorate",
        "civilians_killed_low": low, "civilians_killed_best": None, "civilians_killed_high": high, "grade": grade,
    }


@pytest.fixture()
def incidents() -> pd.DataFrame:
    rows = [
        inc("airwars", "1", "2016-03-04", 4, 6, grade="Fair", url="https://airwars.org/1"),
        inc("airwars", "2", "2016-03-20", None, None, grade="Weak"),
        inc("airwars", "3", "2016-04-02", 1, 1, grade="Fair", lat=None),
        inc("nl-mod", "a", "2016-03-04", None, None),
        inc("nl-mod", "b", "2016-05-09", None, None, lat=36.2),
    ]
    f = pd.DataFrame(rows)
    for c in ("civilians_killed_low", "civilians_killed_best", "civilians_killed_high"):
        f[c] = pd.array(f[c], dtype="Float64")
    f["lat"], f["lon"] = f["lat"].astype(float), f["lon"].astype(float)
    return f




def _datasets(spec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return list(spec.get("datasets", {}).values())


def _param_names(spec: dict[str, Any]) -> set[str]:
    return {p["name"] for d in walk_spec(spec) for p in d.get("params", []) if isinstance(p, dict) and "name" in p}


def _no_data_url(spec: dict[str, Any]) -> None:
    for d in walk_spec(spec):
        if "data" in d and isinstance(d["data"], dict):
            assert "url" not in d["data"], "charts must inline their data"


def test_monthly_frame_sums_ranges_and_counts_blanks(incidents: pd.DataFrame) -> None:
    t = monthly_incidents_frame(incidents).set_index(["month", "group"])
    march = t.loc[(pd.Timestamp("2016-03-01"), "airwars")]
    assert march["incidents"] == 2 and march["with_figures"] == 1 and march["without_figures"] == 1
    assert (march["killed_low"], march["killed_high"]) == (4, 6)
    nl = t.xs("nl-mod", level="group")
    assert nl["with_figures"].sum() == 0 and nl["killed_high"].sum() == 0  # no figures, not zero deaths
    assert t["incidents"].sum() == len(incidents)


def test_monthly_chart_spec(incidents: pd.DataFrame) -> None:
    spec = monthly_incidents_chart(incidents).to_dict()
    _no_data_url(spec)
    assert len(spec["vconcat"]) == 2
    assert "group_pick" in _param_names(spec)
    deaths = spec["vconcat"][1]["layer"][0]
    assert deaths["encoding"]["y"]["field"] == "killed_low" and deaths["encoding"]["y2"]["field"] == "killed_high"
    rows = _datasets(spec)[0]
    march = next(r for r in rows if r["month_text"] == "2016-03" and r["group"] == "airwars")
    assert march["deaths_text"] == "4–6" and march["without_figures"] == 1
    nl = next(r for r in rows if r["group"] == "nl-mod")
    assert nl["deaths_text"] == "no figures"
    titles = [t["title"] for t in spec["vconcat"][0]["encoding"]["tooltip"]]
    assert "incidents without a death figure" in titles


def test_match_status_frame_and_chart(incidents: pd.DataFrame) -> None:
    a = incidents[incidents["source"] == "airwars"]
    b = incidents[incidents["source"] == "nl-mod"]
    result = match_incidents(a, b, min_score=0.5)
    by_grade = match_status_frame(result, by="grade")
    assert by_grade["records"].sum() == len(a)
    fair = by_grade[by_grade["group"] == "Fair"].set_index("status")["records"].to_dict()
    assert fair == {"matched": 1, "no candidate": 1}
    by_month = match_status_frame(result, side="b", by="month")
    assert by_month.set_index(["group", "status"])["records"].to_dict() == {
        ("2016-03", "matched"): 1, ("2016-05", "no candidate"): 1,
    }
    spec = match_status_chart(result, by="grade").to_dict()
    _no_data_url(spec)
    assert "status_pick" in _param_names(spec)
    assert spec["encoding"]["x"]["sort"] == ["Fair", "Weak"]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["matched", "candidate, not matched", "no candidate"]
    assert sum(r["records"] for r in _datasets(spec)[0]) == len(a)
    with pytest.raises(ValueError, match="side must be"):
        match_status_frame(result, side="c")  # type: ignore[arg-type]


def test_map_over_user_geojson(incidents: pd.DataFrame, shared_dir: Path) -> None:
    geo = shared_dir / "data/boundaries/syr_admin1_ocha_v02.geojson"
    chart = incident_map(incidents, geo)
    spec = chart.to_dict()
    _no_data_url(spec)
    outline, points = spec["layer"]
    assert outline["mark"]["type"] == "geoshape" and spec["projection"]["type"] == "mercator"
    feats = outline["data"]["values"] if "values" in outline.get("data", {}) else _datasets(spec)[0]
    assert len(feats) == 14 and {f["properties"]["name"] for f in feats} >= {"Ar-Raqqa", "Deir-ez-Zor"}
    assert points["encoding"]["longitude"]["field"] == "lon" and "map_pick" in _param_names(spec)
    rows = next(d for d in _datasets(spec) if d and "lat" in d[0])
    assert len(rows) == 4  # one record has no coordinates
    assert spec["title"]["subtitle"] == "4 of 5 records have coordinates"
    assert next(r for r in rows if r["id"] == "1")["url"] == "https://airwars.org/1"
    assert len(json.dumps(spec)) < 200_000  # outlines rounded to ~1 km keep the report small


def test_boundaries_wound_for_d3_and_rounded(shared_dir: Path) -> None:
    feats = boundary_features(sorted((shared_dir / "data/boundaries").glob("*.geojson")), digits=2)
    assert len(feats) == 18 + 14
    for f in feats:
        polys = [f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"]
        for poly in polys:
            ext = poly[0]
            area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ext, ext[1:], strict=False))  # consecutive pairs
            assert area < 0, f"{f['properties']['name']}: exterior ring must be clockwise for d3-geo"
            assert ext[0] == ext[-1]
            assert all(round(x, 4) == x for x, _ in ext)  # tiny islands keep 4 decimals
    points = [x for f in feats for ring in ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon"
              else f["geometry"]["coordinates"]) for r in ring for x, _ in r]
    assert sum(round(x, 2) == x for x in points) / len(points) > 0.95


def test_bad_geojson_names_the_file(tmp_path: Path, incidents: pd.DataFrame) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.geojson:0: \\(file\\): not a readable GeoJSON"):
        incident_map(incidents, bad)
    bad.write_text('{"type": "Feature"}', encoding="utf-8")
    with pytest.raises(ValueError, match="features: a GeoJSON FeatureCollection"):
        boundary_features(bad)


def test_map_aggregates_when_too_many_points(incidents: pd.DataFrame) -> None:
    many = pd.concat(
        [incidents.assign(source_id=incidents["source_id"] + f"-{k}") for k in range(30)], ignore_index=True
    )
    square = [[[39.0, 35.0], [39.0, 36.5], [40.0, 36.5], [40.0, 35.0], [39.0, 35.0]]]
    feats = [{"type": "Feature", "properties": {"name": "box"}, "geometry": {"type": "Polygon", "coordinates": square}}]
    spec = incident_map(many, feats, max_points=50).to_dict()
    rows = next(d for d in _datasets(spec) if d and "lat" in d[0])
    assert len(rows) < 50 and sum(r["n"] for r in rows) == 30 * 4


def test_match_status_period_restricts_records(incidents: pd.DataFrame) -> None:
    a = incidents[incidents["source"] == "airwars"]
    b = incidents[incidents["source"] == "nl-mod"]
    result = match_incidents(a, b)
    t = match_status_frame(result, by="month", period=("2016-03-01", "2016-03-31"))
    assert t["group"].unique().tolist() == ["2016-03"] and t["records"].sum() == 2


def _run_notebook(cwd: Path, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    import os

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks" / "03_incidents.ipynb", as_version=4)
    old = dict(os.environ)
    os.environ.update(env or {})
    try:
        NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.mark.slow
def test_notebook_runs_from_notebooks_folder_and_draws_four_charts(shared_dir: Path, repo_dir: Path) -> None:
    outputs = _run_notebook(repo_dir / "notebooks")
    assert not [o for o in outputs if o["output_type"] == "error"]
    charts = [
        o for o in outputs
        if "vega" in json.dumps(o.get("data", {})).lower() and "$schema" in json.dumps(o.get("data", {}))
    ]
    assert len(charts) == 4
    text = json.dumps(outputs)
    assert "alleged incidents linked to a Dutch strike" in text and "fall in 2017" in text


@pytest.mark.slow
def test_notebook_stops_gracefully_without_shared_data(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    outputs = _run_notebook(tmp_path, {"KIT_ROOT": str(tmp_path)})
    assert not [o for o in outputs if o["output_type"] == "error"]
    text = json.dumps(outputs)
    assert "is not present" in text and "$schema" not in text


def test_map_colors_set_order_and_palette(incidents: pd.DataFrame) -> None:
    square = [[[39.0, 35.0], [40.0, 35.0], [40.0, 36.5], [39.0, 36.5], [39.0, 35.0]]]
    feats = [{"type": "Feature", "properties": {"name": "box"}, "geometry": {"type": "Polygon", "coordinates": square}}]
    spec = incident_map(incidents, feats, colors={"nl-mod": "#000000", "airwars": "#0072B2"}).to_dict()
    scale = spec["layer"][1]["encoding"]["color"]["scale"]
    assert scale == {"domain": ["nl-mod", "airwars"], "range": ["#000000", "#0072B2"]}
    rows = next(d for d in _datasets(spec) if d and "lat" in d[0])
    assert [r["group"] for r in rows] == ["nl-mod", "nl-mod", "airwars", "airwars"]  # airwars drawn on top
    # features given directly (RFC 7946 winding, counter-clockwise) are rewound for d3 too
    ring = (
        spec["layer"][0]["data"]["values"][0]["geometry"]["coordinates"][0]
        if "values" in spec["layer"][0].get("data", {})
        else next(d for d in _datasets(spec) if d and "geometry" in d[0])[0]["geometry"]["coordinates"][0]
    )
    assert sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) < 0  # consecutive pairs
