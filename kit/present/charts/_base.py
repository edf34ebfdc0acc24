"""Shared pieces of every kit chart: the method colour scale and inline data.

Charts are read by people checking numbers, often offline and often after the
data passed through hostile hands. So every chart module keeps three promises:
data is inlined as plain records (never `data.url`, see `inline_data`), links
are emitted only for URLs `kit.present.safe_url` passes, and text shown in
tooltips or labels is a bounded plain string (`kit.present.short_text`;
vega-tooltip escapes it). Labels and colours come from `kit.core`'s vocabulary.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import pandas as pd

from kit.core.vocab import METHOD_COLORS, METHOD_ORDER, UNKNOWN_COLOR


def method_color_scale(methods: Iterable[str] = ()) -> alt.Scale:
    """Fixed method → colour mapping; unknown methods are appended in grey."""
    domain = list(METHOD_ORDER) + sorted({m for m in methods if m and m not in METHOD_COLORS})
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
