"""The one place numbers, ranges, dates and periods become reader text.

Tables, charts and widgets show the same figures side by side; if each wrote
its own "804–1,213" or "Aug 2014 – Mar 2017", a reader comparing a tooltip
with a table would meet two spellings of one fact. Every display string for
a figure, a range or a period is built here (dates at their precision come
from `kit.core.date_text`, which the scope layer's reasons use too).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import SupportsFloat, SupportsIndex

import pandas as pd

from kit.core import Range, date_text
from kit.core.vocab import CONSISTENCY_LABELS, QUALIFIER_WORDS, perpetrator_label

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_missing(value: object) -> bool:
    """None, NA, NaT or NaN: a cell with no value, shown as empty text."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _float(value: object) -> float:
    """float() of a frame cell, which pandas types only as `object`; raises as float() would."""
    if isinstance(value, (str, SupportsFloat, SupportsIndex)):
        return float(value)
    raise TypeError(f"float() argument must be a string or a real number, not {type(value).__name__!r}")


def _number(value: object) -> float | None:
    """A numeric cell as a float, or None when it is missing (None, NA, NaN)."""
    if value is None or value is pd.NA:
        return None
    number = _float(value)
    return None if math.isnan(number) else number


def short_text(value: object, limit: int = 280) -> str:
    """A display string: missing → "", control characters dropped, capped at `limit` chars."""
    if is_missing(value):
        return ""
    if isinstance(value, (tuple, list)):
        value = " > ".join(str(v) for v in value)
    text = _CONTROL.sub("", str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def perpetrator_text(value: object) -> str:
    """The ledger's perpetrator slug in words ("us-led-coalition" → "the US-led coalition"); '' when missing."""
    return short_text(perpetrator_label(short_text(value, 10_000)), 60)  # looked up whole, then cut


def format_figure(value: object, digits: int = 0) -> str:
    """A number as readers write it (13,342; 0.11), or "" when missing."""
    if is_missing(value):
        return ""
    number = _float(value)
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


def figure_text(row: pd.Series | Mapping[str, object]) -> str:
    """'at least 352', '804–1,213', '31×' — the figure as the claimant stated it."""
    high = _float(row["high"])
    r = Range(_float(row["low"]), high, _number(row.get("best")))
    spec = ",.0f" if high >= 10 or high.is_integer() else ",.2f"
    text = format(r, spec)
    if r.best is not None and not r.is_point:
        text += f" (best {r.best:{spec}})"
    if row.get("unit") == "ratio":
        text += "×"
    word = QUALIFIER_WORDS.get(str(row.get("qualifier", "none")), "")
    return (f"{word} " if word else "") + text


#: How the open ends of a computed range read; "minimums"/"maximums" when both sides were floors/ceilings.
_OPEN_WORDS = {"high": "at least", "low": "at most"}


def _ratio_digits(high: float) -> int:
    return 2 if high < 1 else (1 if high < 100 else 0)


def bounded_text(
    low: object, high: object, open_ends: object = "", *, kind: str = "ratio", approx: bool = False,
) -> str:
    """A computed ratio or gap as far as its inputs bound it: the one text every table, chart and widget uses.

    Ratios are rounded outward (2.852–4.031 → "2.8–4.1×") so the text always
    contains the exact interval; an open end is never printed as a bound
    ("at least 2.8×"); a ratio of two floors reads as a ratio of stated
    minimums that bounds neither way. Missing → a dash.
    """
    lo, hi = _number(low), _number(high)
    if lo is None or hi is None:
        return "—"
    opened = "" if is_missing(open_ends) else str(open_ends)
    if kind == "ratio":
        digits = _ratio_digits(abs(hi))
        r = Range(lo, hi).round(digits)
        spec, suffix = f",.{digits}f", "×"
    else:
        r, spec, suffix = Range(math.floor(lo), math.ceil(hi)), ",.0f", ""
    both = f"{format(r, spec)}{suffix}"
    about = "about " if approx else ""
    if opened == "high":
        return f"{about}at least {r.low:{spec}}{suffix}"
    if opened == "low":
        return f"{about}at most {r.high:{spec}}{suffix}"
    if opened in ("both", "minimums", "maximums"):
        what = {"minimums": "stated minimums", "maximums": "stated maximums"}.get(opened, "stated figures")
        name = "ratio" if kind == "ratio" else "difference"
        return f"{name} of {what} {both} (bounds neither way)"
    return about + both


def stated_text(low: object, high: object, qualifier: object = "none", best: object = None) -> str:
    """A figure with its qualifier, as its claimant stated it ("more than 3,200", "804–1,213")."""
    word = "" if is_missing(qualifier) else QUALIFIER_WORDS.get(str(qualifier), "")
    text = format_range(low, high, best)
    return f"{word} {text}" if word and text else text


def interval_text(low: object, high: object, spec: str) -> str:
    """An interval in a table cell ("0.31–0.52"), or a dash when it is undefined."""
    lo, hi = _number(low), _number(high)
    if lo is None or hi is None:
        return "—"
    return format(Range(lo, hi), spec)


def period_text(row: pd.Series | Mapping[str, object]) -> str:
    """'Aug 2014 – Mar 2017', at each end's own precision (from the loaded ledger's dates)."""
    start = date_text(row.get("period_start_date"), row.get("period_start_precision"))
    end = date_text(row.get("period_end_date"), row.get("period_end_precision"))
    return start if start == end else f"{start} – {end}"


def stated_period_text(row: pd.Series | Mapping[str, object]) -> str:
    """'2014-08 – 2017-03' as the ledger row writes it; an open end runs to 'publication'."""
    start = short_text(row.get("period_start"), 20)
    end = short_text(row.get("period_end"), 20)
    if not start and not end:
        return "unknown"
    return f"{start or '?'} – {end or 'publication'}"


def consistency_text(kind: object, radius: object) -> str:
    """"contradictory (radius 3.2)", "far apart", "compatible"; a dash when the pair was not compared."""
    if is_missing(kind) or not str(kind):
        return "—"
    label = CONSISTENCY_LABELS.get(str(kind), str(kind))
    r = _number(radius)
    if r is None or r == 0:
        return label
    if math.isinf(r):
        return f"{label} (neither states a range)"
    return f"{label} ({r:,.1f} × their stated uncertainty)"


def lag_text(low: object, high: object) -> str:
    """"636 days" or "576–606 days" when a date is only a month or a year; a dash when missing."""
    lo, hi = _number(low), _number(high)
    if lo is None or hi is None:
        return "—"
    return f"{format(Range(lo, hi), ',.0f')} days"
