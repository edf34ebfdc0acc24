"""Shared pieces of every kit chart: palettes, safe links, inline data, tooltips.

Charts are read by people checking numbers, often offline and often after the
data passed through hostile hands. So the helpers here keep three promises for
every chart module: data is inlined as plain records (never `data.url`), links
are emitted only for http/https URLs, and text shown in tooltips or labels is a
bounded plain string (vega-tooltip escapes it; we also cap its length).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import pandas as pd

__all__ = [
    "CLAIMANT_TYPE_ORDER",
    "METHOD_COLORS",
    "METHOD_LABELS",
    "METHOD_ORDER",
    "QUALIFIER_MARKS",
    "QUALIFIER_WORDS",
    "VERDICT_COLORS",
    "VERDICT_LABELS",
    "VERDICT_ORDER",
    "format_figure",
    "format_range",
    "inline_data",
    "method_color_scale",
    "safe_url",
    "short_text",
]

METHOD_ORDER: tuple[str, ...] = (
    "acknowledged_after_investigation",
    "official_statement",
    "credible_allegations",
    "graded_open_source_monitoring",
    "documented_enumeration",
    "field_investigation",
    "statistical_estimate",
)
METHOD_LABELS: dict[str, str] = {
    "acknowledged_after_investigation": "acknowledged after investigation",
    "official_statement": "official statement",
    "credible_allegations": "credible allegations",
    "graded_open_source_monitoring": "graded open-source monitoring",
    "documented_enumeration": "documented enumeration",
    "field_investigation": "field investigation",
    "statistical_estimate": "statistical estimate",
}
# Colour-blind-safe (Okabe-Ito); fixed per method so every chart and legend agree.
METHOD_COLORS: dict[str, str] = {
    "acknowledged_after_investigation": "#0072B2",
    "official_statement": "#56B4E9",
    "credible_allegations": "#CC79A7",
    "graded_open_source_monitoring": "#E69F00",
    "documented_enumeration": "#009E73",
    "field_investigation": "#D55E00",
    "statistical_estimate": "#7F7F7F",
}
CLAIMANT_TYPE_ORDER: tuple[str, ...] = (
    "belligerent", "government", "monitor", "ngo", "un_body", "media_investigation", "academic",
)
QUALIFIER_WORDS: dict[str, str] = {
    "none": "",
    "at_least": "at least",
    "more_than": "more than",
    "about": "about",
    "almost": "almost",
    "up_to": "up to",
    "fewer_than": "fewer than",
}
# Drawn beside the mark: an open end says the source bounds the figure on one side only.
QUALIFIER_MARKS: dict[str, str] = {
    "none": "",
    "at_least": "≥ →",
    "more_than": "> →",
    "about": "≈",
    "almost": "≲",
    "up_to": "← ≤",
    "fewer_than": "← <",
}
VERDICT_ORDER: tuple[str, ...] = ("comparable", "comparable_with_caveats", "not_comparable")
VERDICT_LABELS: dict[str, str] = {
    "comparable": "comparable",
    "comparable_with_caveats": "comparable with caveats",
    "not_comparable": "not comparable",
}
VERDICT_COLORS: dict[str, str] = {
    "comparable": "#1a9850",
    "comparable_with_caveats": "#fdae61",
    "not_comparable": "#d73027",
}

_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_url(value: object) -> str | None:
    """The URL if it is a plain http(s) URL, else None: no javascript:, data: or quote tricks."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    return url if _SAFE_URL.match(url) else None


def short_text(value: object, limit: int = 280) -> str:
    """A display string: missing → "", control characters dropped, capped at `limit` chars."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (tuple, list)):
        value = " > ".join(str(v) for v in value)
    text = _CONTROL.sub("", str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def format_figure(value: object, digits: int = 0) -> str:
    """A number as readers write it (13,342; 0.11), or "" when missing."""
    if _is_missing(value):
        return ""
    number = float(value)  # type: ignore[arg-type]
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    if digits == 0 and number != round(number):
        digits = 2 if abs(number) < 10 else 1
    return f"{number:,.{digits}f}"


def format_range(low: object, high: object, best: object = None, digits: int = 0) -> str:
    """"804–1,213 (best 1,000)" or "352" for a point; the range is never collapsed."""
    lo, hi = format_figure(low, digits), format_figure(high, digits)
    text = lo if lo == hi else f"{lo}–{hi}"
    best_text = format_figure(best, digits)
    if best_text and lo != hi:
        text += f" (best {best_text})"
    return text


def method_color_scale(methods: Iterable[str] = ()) -> alt.Scale:
    """Fixed method → colour mapping; unknown methods are appended in grey."""
    domain = list(METHOD_ORDER) + sorted({m for m in methods if m and m not in METHOD_COLORS})
    return alt.Scale(domain=domain, range=[METHOD_COLORS.get(m, "#999999") for m in domain])


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
