"""Incident charts: monthly counts and death ranges per source, match status, a map.

Pure functions from incident frames (`kit.incidents.INCIDENT_COLUMNS`) or a
`kit.match.MatchResult` to altair charts. Data is aggregated in pandas first and
inlined (never `data.url`), so reports open offline from file://. Deaths stay
ranges: monthly sums of the sources' low and high figures, drawn as a band, with
the count of incidents that gave no figure beside them (blank is not zero).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from kit.core.vocab import GRADE_ORDER, MATCH_STATUS_COLORS, MATCH_STATUS_ORDER, SOURCE_PALETTE, UNKNOWN_COLOR
from kit.present._format import short_text
from kit.present._html import safe_url
from kit.present.charts._base import inline_data, layer_chart

if TYPE_CHECKING:
    from kit.match import MatchResult

_MAX_POINTS = 4_000
_NAME_PROPERTIES = ("ADM1_EN", "adm1_name", "name", "NAME", "shapeName")


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)} (see kit.incidents.INCIDENT_COLUMNS)")


def _months(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce").dt.to_period("M").dt.start_time


# -- monthly incidents and deaths per source ------------------------------------------


FlaggedRows = Literal["include", "exclude"]


def flagged_rows(incidents: pd.DataFrame, flagged: FlaggedRows) -> tuple[pd.DataFrame, str]:
    """The rows to count (`flagged="exclude"` drops rows with a quality flag) and a note saying which were counted.

    Rows a loader kept with a quality flag (the source's own range disagreed, a
    value was set aside) are real events; a total says whether it counts them.
    """
    if flagged not in ("include", "exclude"):
        raise ValueError(f"flagged must be 'include' or 'exclude', got {flagged!r}")
    marks = incidents["quality_flags"].astype("string").fillna("") if "quality_flags" in incidents.columns else None
    n = 0 if marks is None else int((marks != "").sum())
    if flagged == "exclude" and marks is not None and n:
        return incidents[(marks == "").to_numpy()], f"{n:,} record(s) with a quality flag excluded"
    return incidents, f"{n:,} record(s) with a quality flag included" if n else "no record has a quality flag"


def monthly_incidents_frame(
    incidents: pd.DataFrame, *, by: str = "source", flagged: FlaggedRows = "include"
) -> pd.DataFrame:
    """Per month and group: incidents, incidents with a death figure, summed low and high deaths.

    Month is the month of `date_start`; records without a date are counted in
    `undated` on every row of their group so they are never silently lost.
    `flagged="exclude"` leaves out rows with a quality flag (`flagged_rows`).
    """
    _require(incidents, ["date_start", "civilians_killed_low", "civilians_killed_high", by], "monthly_incidents_frame")
    incidents, _ = flagged_rows(incidents, flagged)
    f = pd.DataFrame(
        {
            "month": _months(incidents["date_start"]),
            "group": incidents[by].astype("string").fillna("").replace("", "(blank)").astype(str),
            "low": pd.to_numeric(incidents["civilians_killed_low"], errors="coerce").astype("float64"),
            "high": pd.to_numeric(incidents["civilians_killed_high"], errors="coerce").astype("float64"),
        }
    )
    f["high"] = f["high"].fillna(f["low"])
    f["low"] = f["low"].fillna(f["high"])
    undated = f[f["month"].isna()].groupby("group").size()
    g = f.dropna(subset=["month"]).groupby(["month", "group"], sort=True)
    out = g.agg(
        incidents=("group", "size"),
        with_figures=("low", "count"),
        killed_low=("low", "sum"),
        killed_high=("high", "sum"),
    ).reset_index()
    out["without_figures"] = out["incidents"] - out["with_figures"]
    out["undated"] = out["group"].map(undated).fillna(0).astype(int)
    return out


def monthly_incidents_chart(
    incidents: pd.DataFrame,
    *,
    by: str = "source",
    title: str = "Incidents and civilian deaths per month",
    width: int = 640,
    flagged: FlaggedRows = "include",
) -> alt.VConcatChart:
    """Two panels sharing the month axis: incidents (bars) and civilian deaths (low–high band).

    A legend click (param `group_pick`) highlights one group in both panels. The
    subtitle says whether records with a quality flag are counted (`flagged`).
    """
    _, flag_note = flagged_rows(incidents, flagged)
    table = monthly_incidents_frame(incidents, by=by, flagged=flagged)
    table["month_text"] = table["month"].dt.strftime("%Y-%m")
    table["deaths_text"] = [
        (f"{lo:,.0f}" if lo == hi else f"{lo:,.0f}–{hi:,.0f}") if w else "no figures"
        for lo, hi, w in zip(table["killed_low"], table["killed_high"], table["with_figures"], strict=True)
    ]
    groups = sorted(table["group"].unique().tolist())
    color = alt.Color(
        "group:N", title=by, scale=alt.Scale(domain=groups, range=list(SOURCE_PALETTE[: max(len(groups), 1)])),
    )
    pick = alt.selection_point(name="group_pick", fields=["group"], bind="legend")
    tooltip = [
        alt.Tooltip("month_text:N", title="month"),
        alt.Tooltip("group:N", title=by),
        alt.Tooltip("incidents:Q", title="incidents"),
        alt.Tooltip("deaths_text:N", title="civilians killed (sum of low–high)"),
        alt.Tooltip("without_figures:Q", title="incidents without a death figure"),
    ]
    base = alt.Chart(inline_data(table, ["month", "month_text", "group", "incidents", "with_figures",
                                         "without_figures", "killed_low", "killed_high", "deaths_text"]))
    x = alt.X("yearmonth(month):T", title="month")
    opacity = alt.condition(pick, alt.value(0.9), alt.value(0.15))
    counts = base.mark_bar().encode(
        x=x, xOffset=alt.XOffset("group:N"), y=alt.Y("incidents:Q", title="incidents"),
        color=color, opacity=opacity, tooltip=tooltip,
    ).add_params(pick).properties(width=width, height=160, title="Incidents per month")
    deaths = base.transform_filter("datum.with_figures > 0").mark_bar().encode(
        x=x, xOffset=alt.XOffset("group:N"),
        y=alt.Y("killed_low:Q", title="civilians killed (low–high)"), y2="killed_high:Q",
        color=color, opacity=alt.condition(pick, alt.value(0.55), alt.value(0.1)), tooltip=tooltip,
    ).properties(width=width, height=200, title="Civilian deaths per month, summed low to high")
    lows = base.transform_filter("datum.with_figures > 0").mark_tick(thickness=2).encode(
        x=x, xOffset=alt.XOffset("group:N"), y="killed_low:Q", color=color, opacity=opacity, tooltip=tooltip,
    )
    return alt.vconcat(counts, deaths + lows, title=alt.Title(title, subtitle=flag_note)).resolve_scale(x="shared")


# -- matched vs unmatched -------------------------------------------------------------


def match_status_frame(
    result: MatchResult,
    *,
    side: Literal["a", "b"] = "a",
    by: Literal["month", "grade"] = "month",
    period: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """Records of one list by month or grade and match status (matched / candidate / none).

    `result` is a `kit.match.MatchResult`; every record of the side is counted
    once, so the bars add up to the list's length (or, with `period` =
    (first day, last day), to the records whose date_start falls in it).
    """
    if side not in ("a", "b") or by not in ("month", "grade"):
        raise ValueError("side must be 'a' or 'b' and by 'month' or 'grade'")
    records: pd.DataFrame = result.a if side == "a" else result.b
    status = result.record_status(side).to_numpy(dtype=object)
    if period is not None:
        keep = pd.to_datetime(records["date_start"], errors="coerce").between(
            pd.Timestamp(period[0]), pd.Timestamp(period[1])
        )
        records, status = records[keep.to_numpy()], status[keep.to_numpy()]
    if by == "month":
        group = _months(records["date_start"]).dt.strftime("%Y-%m").fillna("(no date)")
    else:
        grade = records["grade"] if "grade" in records.columns else pd.Series("", index=records.index)
        group = grade.astype("string").fillna("").str.strip().replace("", "(no grade)")
    f = pd.DataFrame({"group": group.to_numpy(), "status": status})
    out = f.groupby(["group", "status"], sort=True).size().rename("records").reset_index()
    totals = out.groupby("group")["records"].transform("sum")
    out["share"] = (out["records"] / totals).round(4)
    return out


def match_status_chart(
    result: MatchResult,
    *,
    side: Literal["a", "b"] = "a",
    by: Literal["month", "grade"] = "month",
    period: tuple[str, str] | None = None,
    title: str | None = None,
    width: int = 640,
) -> alt.Chart:
    """Stacked bars of matched / candidate-not-matched / no-candidate records per month or grade.

    A legend click (param `status_pick`) highlights one status.
    """
    table = match_status_frame(result, side=side, by=by, period=period)
    source = ", ".join(sorted(set((result.a if side == "a" else result.b)["source"].astype(str)))) or side.upper()
    pick = alt.selection_point(name="status_pick", fields=["status"], bind="legend")
    if by == "grade":
        present = table["group"].unique().tolist()
        order = [g for g in GRADE_ORDER if g in present] + sorted(g for g in present if g not in GRADE_ORDER)
        # a narrow chart (a phone) tilts its grade names, which would run into each other level
        tilt = f"width / {max(len(order), 1)} < 70"
        x = alt.X("group:N", title="grade", sort=order, axis=alt.Axis(
            labelAngle=alt.ExprRef(expr=f"{tilt} ? -40 : 0"),
            labelAlign=alt.ExprRef(expr=f"{tilt} ? 'right' : 'center'"),
            labelBaseline=alt.ExprRef(expr=f"{tilt} ? 'middle' : 'top'")))
    else:
        # on a phone every other month is named (the months would run into each other)
        x = alt.X("group:O", title="month", sort="ascending", axis=alt.Axis(labelOverlap="greedy"))
    return (
        alt.Chart(inline_data(table))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("records:Q", title="incidents", stack="zero"),
            color=alt.Color(
                "status:N", title="match status",
                scale=alt.Scale(
                    domain=list(MATCH_STATUS_ORDER), range=[MATCH_STATUS_COLORS[s] for s in MATCH_STATUS_ORDER]
                ),
                sort=list(MATCH_STATUS_ORDER),
            ),
            order=alt.Order("status_rank:Q"),
            opacity=alt.condition(pick, alt.value(0.95), alt.value(0.2)),
            tooltip=[
                alt.Tooltip("group:N", title=by),
                alt.Tooltip("status:N", title="status"),
                alt.Tooltip("records:Q", title="incidents"),
                alt.Tooltip("share:Q", title="share of the " + by, format=".0%"),
            ],
        )
        .transform_calculate(status_rank=f"indexof({json.dumps(list(MATCH_STATUS_ORDER))}, datum.status)")
        .add_params(pick)
        .properties(width=width, height=240, title=title or f"{source}: matched vs unmatched per {by}")
    )


# -- map ------------------------------------------------------------------------------


def _round_ring(ring: Sequence[Sequence[float]], digits: int) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y, *_ in ring:
        pt = [round(float(x), digits), round(float(y), digits)]
        if not out or pt != out[-1]:
            out.append(pt)
    if len(out) < 4:  # a ring smaller than the rounding step: keep its original points, rounded finer
        out = [[round(float(x), digits + 2), round(float(y), digits + 2)] for x, y, *_ in ring]
    if out[0] != out[-1]:
        out.append(list(out[0]))
    return out


def _signed_area(ring: list[list[float]]) -> float:
    xs, ys = np.array([p[0] for p in ring]), np.array([p[1] for p in ring])
    return float(np.sum(xs[:-1] * ys[1:] - xs[1:] * ys[:-1]) / 2)


def _polygon(rings: Sequence[Sequence[Sequence[float]]], digits: int) -> list[list[list[float]]]:
    """Rounded rings wound as d3-geo (Vega) expects: exterior clockwise, holes counter-clockwise.

    GeoJSON (RFC 7946) winds the other way; drawn as is, d3 fills the whole
    globe except the governorate.
    """
    out = []
    for k, ring in enumerate(rings):
        r = _round_ring(ring, digits)
        clockwise = _signed_area(r) < 0
        if clockwise != (k == 0):
            r = r[::-1]
        out.append(r)
    return out


def _simplify(geometry: dict[str, Any], digits: int) -> dict[str, Any]:
    kind = geometry.get("type")
    # Parsed JSON: a missing or malformed shape fails in `_polygon` and `_normalise` reports where.
    coords: Any = geometry.get("coordinates")
    if kind == "Polygon":
        return {"type": kind, "coordinates": _polygon(coords, digits)}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [_polygon(poly, digits) for poly in coords]}
    raise ValueError(f"boundary geometry {kind!r} is not a Polygon or MultiPolygon")


def boundary_features(paths: str | Path | Iterable[str | Path], *, digits: int = 2) -> list[dict[str, Any]]:
    """Features of one or more GeoJSON files, coordinates rounded to `digits` (2 ≈ 1 km).

    Rounding keeps a report small (an outline at 1 km is enough under incident
    points); each feature keeps only a `name` property for the tooltip. A file
    that is not GeoJSON raises ValueError naming the file.
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    features: list[dict[str, Any]] = []
    for item in items:
        p = Path(item)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{p}:0: (file): not a readable GeoJSON file ({exc})") from None
        feats = data.get("features") if isinstance(data, dict) else None
        if not isinstance(feats, list):
            raise ValueError(f"{p}:0: features: a GeoJSON FeatureCollection is expected")
        features += _normalise(feats, str(p), p.stem, digits)
    return features


def _normalise(feats: list[Any], where: str, label: str, digits: int) -> list[dict[str, Any]]:
    """Name-only properties, rounded coordinates, d3 winding: the form the map inlines."""
    out = []
    for k, feat in enumerate(feats):
        props = (feat.get("properties") if isinstance(feat, dict) else None) or {}
        name = next((str(props[n]) for n in _NAME_PROPERTIES if props.get(n)), f"{label} #{k + 1}")
        try:
            geometry = _simplify(feat["geometry"], digits)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"{where}:0: features[{k}].geometry: {exc}") from None
        out.append({"type": "Feature", "properties": {"name": name}, "geometry": geometry})
    return out


def victims_text(incidents: pd.DataFrame) -> list[str]:
    """Per row, who was killed as the source records it: "children 2–4; women 1; 3 named; cause: ..." ("" if nothing).

    Uses the optional victim columns (`kit.incidents.EXTRA_COLUMNS`) where a loader
    provides them; ranges stay ranges, a blank stays blank (never 0).
    """
    n = len(incidents)
    parts: list[list[str]] = [[] for _ in range(n)]
    for who in ("children", "women", "men"):
        lo_col, hi_col = f"{who}_killed_low", f"{who}_killed_high"
        if lo_col not in incidents.columns and hi_col not in incidents.columns:
            continue
        lows = pd.to_numeric(incidents.get(lo_col, pd.Series(np.nan, index=incidents.index)), errors="coerce")
        highs = pd.to_numeric(incidents.get(hi_col, pd.Series(np.nan, index=incidents.index)), errors="coerce")
        for i, (lo, hi) in enumerate(zip(lows.astype(float), highs.astype(float), strict=True)):
            if math.isnan(lo) and math.isnan(hi):
                continue
            lo, hi = (hi if math.isnan(lo) else lo), (lo if math.isnan(hi) else hi)
            parts[i].append(f"{who} {lo:g}" if lo == hi else f"{who} {lo:g}–{hi:g}")
    if "named_victims" in incidents.columns:
        named = pd.to_numeric(incidents["named_victims"], errors="coerce").astype(float)
        for i, v in enumerate(named):
            if not math.isnan(v) and v > 0:
                parts[i].append(f"{v:g} named")
    if "cause_of_death" in incidents.columns:
        for i, cause in enumerate(incidents["cause_of_death"].astype("string").fillna("")):
            if cause:
                parts[i].append(f"cause: {short_text(cause, 80)}")
    return ["; ".join(p) for p in parts]


def _points(incidents: pd.DataFrame, color: str, max_points: int) -> pd.DataFrame:
    _require(incidents, ["lat", "lon", "source", "source_id", "date_start", color], "incident_map")
    f = incidents.copy()
    f["lat"] = pd.to_numeric(f["lat"], errors="coerce")
    f["lon"] = pd.to_numeric(f["lon"], errors="coerce")
    f = f.dropna(subset=["lat", "lon"])
    no_figure = pd.Series(np.nan, index=f.index)
    lows = pd.to_numeric(f.get("civilians_killed_low", no_figure), errors="coerce").astype(float).fillna(np.nan)
    highs = pd.to_numeric(f.get("civilians_killed_high", no_figure), errors="coerce").astype(float).fillna(np.nan)
    pts = pd.DataFrame(
        {
            "lat": f["lat"].round(4),
            "lon": f["lon"].round(4),
            "group": f[color].astype("string").fillna("").replace("", "(blank)").astype(str),
            "source": f["source"].astype(str),
            "id": f["source_id"].astype(str),
            "date": pd.to_datetime(f["date_start"], errors="coerce").dt.strftime("%Y-%m-%d").fillna(""),
            "place": [short_text(v, 120) for v in f.get("place_name", pd.Series("", index=f.index))],
            "grade": f.get("grade", pd.Series("", index=f.index)).astype("string").fillna("").astype(str),
            "killed": [
                "" if math.isnan(lo) and math.isnan(hi) else (f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}")
                for lo, hi in zip(lows, highs, strict=True)
            ],
            "url": [safe_url(u) or "" for u in f.get("url", pd.Series("", index=f.index))],
            "victims": victims_text(f),
            "flags": [short_text(v, 160) for v in f.get("quality_flags", pd.Series("", index=f.index)).fillna("")],
            "n": 1,
        }
    )
    if len(pts) > max_points:  # too many to inline: one point per ~1 km cell and group, with a count
        pts["lat"], pts["lon"] = pts["lat"].round(2), pts["lon"].round(2)
        pts = (
            pts.groupby(["lat", "lon", "group"], sort=True)
            .agg(n=("n", "sum"), source=("source", "first"), id=("id", "first"), date=("date", "min"),
                 place=("place", "first"), grade=("grade", "first"), killed=("killed", "first"), url=("url", "first"),
                 victims=("victims", "first"), flags=("flags", "first"))
            .reset_index()
        )
    return pts.sort_values(["group", "date", "id"]).reset_index(drop=True)


def incident_map(
    incidents: pd.DataFrame,
    boundaries: str | Path | Iterable[str | Path] | list[dict[str, Any]],
    *,
    color: str = "source",
    colors: dict[str, str] | None = None,
    title: str = "Incidents with coordinates",
    digits: int = 2,
    width: int = 560,
    height: int = 480,
    max_points: int = _MAX_POINTS,
) -> alt.LayerChart:
    """Incident points over governorate outlines from GeoJSON file(s) the user supplies.

    `boundaries` is a path, several paths, or features from `boundary_features`.
    Points are coloured by `color` (e.g. `source` or a match-status column);
    `colors` maps groups to colours in drawing order (later groups are drawn on
    top; groups not named follow in grey). A legend click (param `map_pick`)
    highlights one group. Records without coordinates cannot be drawn: the
    subtitle counts them.
    """
    if isinstance(boundaries, list) and boundaries and isinstance(boundaries[0], dict):
        features = _normalise(boundaries, "<features>", "area", digits)
    else:
        features = boundary_features(boundaries, digits=digits)  # type: ignore[arg-type]
    pts = _points(incidents, color, max_points)
    missing = int(len(incidents) - pd.to_numeric(incidents["lat"], errors="coerce").notna().sum())
    present = set(pts["group"].unique().tolist())
    if colors:
        groups = [g for g in colors if g in present] + sorted(present - set(colors))
        palette = [colors.get(g, UNKNOWN_COLOR) for g in groups]
    else:
        groups = sorted(present)
        palette = (list(SOURCE_PALETTE) * (len(groups) // len(SOURCE_PALETTE) + 1))[: max(len(groups), 1)]
    rank = {g: k for k, g in enumerate(groups)}
    pts = pts.assign(_rank=pts["group"].map(rank)).sort_values(["_rank", "date", "id"], kind="stable")
    pts = pts.drop(columns="_rank").reset_index(drop=True)
    pick = alt.selection_point(name="map_pick", fields=["group"], bind="legend")
    outlines = (
        alt.Chart(alt.InlineData.from_dict({"values": features}, validate=False))
        .mark_geoshape(fill="#f2f2f2", stroke="#999999", strokeWidth=0.6)
        .encode(tooltip=[alt.Tooltip("properties.name:N", title="area")])
    )
    points = (
        alt.Chart(inline_data(pts))
        .mark_circle(size=28, stroke="white", strokeWidth=0.3)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            color=alt.Color("group:N", title=color, scale=alt.Scale(domain=groups, range=palette), sort=groups),
            opacity=alt.condition(pick, alt.value(0.85), alt.value(0.08)),
            tooltip=[
                alt.Tooltip("source:N"), alt.Tooltip("id:N", title="id"), alt.Tooltip("date:N"),
                alt.Tooltip("place:N"), alt.Tooltip("grade:N"), alt.Tooltip("killed:N", title="civilians killed"),
                alt.Tooltip("victims:N", title="who was killed"), alt.Tooltip("flags:N", title="quality flags"),
                alt.Tooltip("group:N", title=color), alt.Tooltip("n:Q", title="incidents here"),
                alt.Tooltip("url:N", title="URL"),
            ],
            href=alt.Href("url:N"),
        )
        .add_params(pick)
    )
    subtitle = f"{len(incidents) - missing:,} of {len(incidents):,} records have coordinates"
    return layer_chart(outlines, points).project(type="mercator").properties(
        width=width, height=height, title=alt.Title(title, subtitle=subtitle)
    )
