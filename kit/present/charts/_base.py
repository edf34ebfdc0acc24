"""Shared pieces of every kit chart: the method colour scale and inline data.

Charts are read by people checking numbers, often offline and often after the
data passed through hostile hands. So every chart module keeps three promises:
data is inlined as plain records (never `data.url`, see `inline_data`), links
are emitted only for URLs `kit.present.safe_url` passes, and text shown in
tooltips or labels is a bounded plain string (`kit.present.short_text`;
vega-tooltip escapes it). Labels and colours come from `kit.core`'s vocabulary.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import pandas as pd

from kit.core.vocab import METHOD_COLORS, METHOD_ORDER, UNKNOWN_COLOR


def method_color_scale(methods: Iterable[str] = ()) -> alt.Scale:
    """Fixed method → colour mapping for the methods drawn (every method when none are given).

    Why only the drawn ones: a legend listing seven methods beside two marks
    sends the reader looking for five that are not there. Colours stay fixed
    per method, so every chart still agrees; unknown methods are appended in grey.
    """
    present = {m for m in methods if m}
    known = [m for m in METHOD_ORDER if m in present] if present else list(METHOD_ORDER)
    domain = known + sorted(m for m in present if m not in METHOD_COLORS)
    return alt.Scale(domain=domain, range=[METHOD_COLORS.get(m, UNKNOWN_COLOR) for m in domain])


def layer_chart(*charts: alt.Chart | alt.LayerChart, **kwargs: Any) -> alt.LayerChart:
    """`alt.layer` typed for kit's charts: one LayerChart, since their layers carry no facet encodings.

    altair lifts row/column/facet encodings shared by all layers into a
    FacetChart, hence its `LayerChart | FacetChart` return type.
    """
    chart = alt.layer(*charts, **kwargs)
    if not isinstance(chart, alt.LayerChart):
        raise TypeError("kit chart layers must not carry facet encodings")
    return chart


def _jsonable(value: Any) -> Any:
    """One cell as a strict-JSON value (no NaN, no Infinity, no numpy or pandas scalars)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    if isinstance(value, (tuple, list)):
        return " > ".join(str(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def inline_data(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """`{"values": [records]}`: rows embedded in the spec as plain JSON values.

    Never `data.url` (a report opened from file:// cannot fetch it). Built
    by hand rather than by altair's DataFrame path, which turns None in text
    columns into NaN (invalid JSON for a strict encoder), and as a plain dict
    so altair does not jsonschema-check every record. Tuples become "a > b"
    text, missing values and infinities become null. Callers bound the rows.
    """
    cols = list(columns) if columns is not None else list(frame.columns)
    series = []
    for col in cols:
        values = frame[col].tolist()
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            values = [None if pd.isna(v) else pd.Timestamp(v) for v in values]
        series.append([_jsonable(v) for v in values])
    return {"values": [dict(zip(cols, row, strict=True)) for row in zip(*series, strict=True)] if cols else []}


# --------------------------------------------------------------------------- every chart, for readers

#: A year on every time axis: "Apr 2017", never "April" alone (the year labels were hidden by overlap).
TIME_AXIS_FORMAT = "%b %Y"
#: Smallest text a chart may draw, in CSS pixels (phones included: charts are not scaled down).
MIN_FONT_SIZE = 10
_POSITION = ("x", "y")
_FONT_KEYS = re.compile(r"(?i)^(font ?size|.*FontSize)$")


def for_readers(spec: dict[str, Any]) -> dict[str, Any]:
    """The same Vega-Lite spec, with the rules every report chart keeps, whichever module built it.

    A year on every temporal position axis (`TIME_AXIS_FORMAT`, overlapping
    labels dropped greedily rather than the years); no font under
    `MIN_FONT_SIZE`; layers whose position field is empty in every row are
    dropped (they draw nothing and Vega warns "Infinite extent"); and a
    channel that shares its field with a legend-bearing channel in another
    layer does not disable that legend (Vega warns "Conflicting legend
    property"); and columns of the embedded rows that the spec never names
    are left out (a report carries each chart's data; text no mark, tooltip
    or expression reads is only weight). Returns a new dict; the input is
    not changed.
    """
    out = copy.deepcopy(spec)
    datasets = out.get("datasets") or {}
    _walk(out, datasets, None, "")
    _drop_unread_columns(out)
    return out


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _drop_unread_columns(spec: dict[str, Any]) -> None:
    """Keep only the row fields some part of the spec names (field, tooltip, expression, usermeta).

    A name counts when it appears as an identifier anywhere outside the rows
    themselves, so the test errs on keeping; a column name that is no
    identifier ("Civilian deaths", "année", "claim-id") counts when the spec's
    text holds it anywhere. A spec whose tooltip shows every field
    (`tooltip: true` or `content: "data"`) keeps every column.
    """
    tables: list[list[Any]] = []
    names: set[str] = set()
    texts: list[str] = []
    everything = False

    def collect(node: Any, key: str = "") -> None:
        nonlocal everything
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "datasets" and isinstance(v, dict):
                    tables.extend(t for t in v.values() if isinstance(t, list))
                elif k == "values" and key == "data" and isinstance(v, list):
                    tables.append(v)
                else:
                    names.update(_NAME.findall(k))
                    texts.append(k)
                    everything |= (k == "tooltip" and v is True) or (k == "content" and v == "data")
                    collect(v, k)
        elif isinstance(node, list):
            for item in node:
                collect(item, key)
        elif isinstance(node, str):
            names.update(_NAME.findall(node))
            texts.append(node)

    collect(spec)
    if everything:
        return
    blob = "\n".join(texts)
    read: dict[str, bool] = {}
    for rows in tables:
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                continue
            for k in row:
                if k not in read:
                    read[k] = k in names or (not _NAME.fullmatch(k) and k in blob)
            if not all(read[k] for k in row):
                rows[i] = {k: v for k, v in row.items() if read[k]}


def _walk(node: Any, datasets: dict[str, Any], data: Any, made: str) -> None:
    """Apply the reader rules to one view and its children (`data`: the values the view inherits; `made`: the
    transforms of the views above it, whose computed fields the rows do not hold)."""
    if isinstance(node, list):
        for item in node:
            _walk(item, datasets, data, made)
        return
    if not isinstance(node, dict):
        return
    own = node.get("data")
    if isinstance(own, dict):
        data = own.get("values") if "values" in own else datasets.get(own.get("name", ""), data)
    for key in list(node):
        if _FONT_KEYS.match(key) and isinstance(node[key], int | float) and node[key] < MIN_FONT_SIZE:
            node[key] = MIN_FONT_SIZE
    encoding = node.get("encoding")
    if isinstance(encoding, dict):
        _time_axes(encoding)
    made += json.dumps(node.get("transform", []))
    layers = node.get("layer")
    if isinstance(layers, list):
        node["layer"] = [layer for layer in layers if not _draws_nothing(layer, data, datasets, made)] or layers[:1]
        _merge_legends(node["layer"])
    for key, value in node.items():
        if key not in ("data", "datasets"):
            _walk(value, datasets, data, made)


def _time_axes(encoding: dict[str, Any]) -> None:
    """Temporal x/y axes show a year on every label."""
    for channel in _POSITION:
        enc = encoding.get(channel)
        if not isinstance(enc, dict) or not (enc.get("type") == "temporal" or enc.get("timeUnit")):
            continue
        if "axis" in enc and enc["axis"] is None:
            continue  # no axis drawn
        axis = dict(enc.get("axis") or {})
        fmt = axis.get("format")
        if not (isinstance(fmt, str) and ("%Y" in fmt or "%y" in fmt)) and "labelExpr" not in axis:
            axis["format"] = TIME_AXIS_FORMAT
            axis.pop("formatType", None)
        axis.setdefault("labelOverlap", "greedy")
        enc["axis"] = axis


def _draws_nothing(layer: Any, inherited: Any, datasets: dict[str, Any], made_above: str = "") -> bool:
    """A layer whose x or y field is missing in every row of its data (and made by no transform) draws no mark."""
    if not isinstance(layer, dict) or not isinstance(layer.get("encoding"), dict):
        return False
    data = inherited
    own = layer.get("data")
    if isinstance(own, dict):
        data = own.get("values") if "values" in own else datasets.get(own.get("name", ""), inherited)
    if not isinstance(data, list) or not data or layer.get("name") or layer.get("params"):
        return False  # a named layer or one with selections may be referenced elsewhere
    transforms = layer.get("transform", [])
    made = made_above + json.dumps(transforms)  # fields a transform computes ("as") may fill the column
    rows = [row for row in data if isinstance(row, dict) and all(_kept(row, t) for t in transforms)]
    filtered_on = [t["filter"].get("field") for t in transforms
                   if isinstance(t, dict) and isinstance(t.get("filter"), dict)]
    if not rows and all(isinstance(t, dict) and "filter" in t for t in transforms) and not any(
            f'"{f}"' in made_above for f in filtered_on):
        return True  # its own static filters keep no row of the data
    for channel in (*_POSITION, "x2", "y2"):
        enc = layer["encoding"].get(channel)
        field = enc.get("field") if isinstance(enc, dict) else None
        if (
            isinstance(field, str) and "." not in field and f'"{field}"' not in made
            and all(row.get(field) is None for row in rows)
        ):
            return True
    return False


def _kept(row: dict[str, Any], transform: Any) -> bool:
    """Whether a static field filter (``oneOf`` / ``equal``) keeps `row`; any other transform keeps every row."""
    test = transform.get("filter") if isinstance(transform, dict) else None
    if not isinstance(test, dict) or not isinstance(test.get("field"), str) or "." in test["field"]:
        return True
    value = row.get(test["field"])
    if isinstance(test.get("oneOf"), list):
        return value in test["oneOf"]
    if "equal" in test and not isinstance(test["equal"], dict):
        return bool(value == test["equal"])
    return True


_LEGEND_CHANNELS = ("color", "fill", "stroke")


def _merge_legends(layers: list[Any]) -> None:
    """Drop ``legend: null`` where another layer shows a legend for the same field (they share one legend)."""
    encodings = [layer.get("encoding") for layer in layers if isinstance(layer, dict)]
    shown = {
        enc[ch].get("field")
        for enc in encodings if isinstance(enc, dict)
        for ch in _LEGEND_CHANNELS
        if isinstance(enc.get(ch), dict) and enc[ch].get("legend", {}) is not None
    }
    for enc in encodings:
        if not isinstance(enc, dict):
            continue
        for ch in _LEGEND_CHANNELS:
            item = enc.get(ch)
            if isinstance(item, dict) and "legend" in item and item["legend"] is None and item.get("field") in shown:
                del item["legend"]
