"""Interval arithmetic: ranges stay ranges and always contain every exact result."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.core import Range, RangeError

# No subnormal floats: no count or rate is 5e-324, and dividing one underflows to 0.
finite = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def ranges(draw: st.DrawFn, positive: bool = False) -> Range:
    a, b = draw(finite), draw(finite)
    lo, hi = min(a, b), max(a, b)
    if positive:
        lo, hi = lo + 1, hi + 1
    return Range(lo, hi)


def _sample(r: Range, t: float) -> float:
    return r.low + (r.high - r.low) * t


unit = st.floats(min_value=0, max_value=1)


@given(ranges(), ranges(), unit, unit)
def test_sum_and_gap_contain_every_pointwise_result(a: Range, b: Range, s: float, t: float) -> None:
    x, y = _sample(a, s), _sample(b, t)
    assert (a + b).low <= x + y + 1e-6 and x + y <= (a + b).high + 1e-6
    assert (a - b).low - 1e-6 <= x - y <= (a - b).high + 1e-6


@given(ranges(), ranges(positive=True), unit, unit)
def test_ratio_contains_every_pointwise_ratio(a: Range, b: Range, s: float, t: float) -> None:
    x, y = _sample(a, s), _sample(b, t)
    r = a / b
    assert r.low * (1 - 1e-9) <= x / y <= r.high * (1 + 1e-9)
    assert math.isclose(r.low, a.low / b.high, rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(r.high, a.high / b.low, rel_tol=1e-12, abs_tol=1e-12)


@given(ranges(), ranges(positive=True))
def test_ratio_of_real_ranges_is_never_silently_a_point(a: Range, b: Range) -> None:
    r = a / b
    if not a.is_point or not b.is_point:
        assert r.width > 0 or (a.low == 0 and a.high == 0)


def test_founding_ratio_is_an_interval() -> None:
    amnesty = Range(804, 1213)
    coalition = Range.point(352)
    assert amnesty / coalition == Range(804 / 352, 1213 / 352)
    assert format(amnesty - coalition, ",.0f") == "452–861"


def test_best_survives_sums_and_is_checked() -> None:
    total = Range(10, 20, 15) + Range(1, 3, 2)
    assert (total.low, total.high, total.best) == (11, 23, 17)
    with pytest.raises(RangeError, match=r"best \(30\) lies outside \[10, 20\]"):
        Range(10, 20, 30)


def test_invalid_ranges_raise_clear_errors() -> None:
    with pytest.raises(RangeError, match="low \\(5\\) is greater than high \\(1\\)"):
        Range(5, 1)
    with pytest.raises(RangeError, match="must not be NaN"):
        Range(float("nan"), 1)
    with pytest.raises(RangeError, match="includes zero"):
        Range(1, 2) / Range(0, 3)
    with pytest.raises(RangeError, match="must be a number"):
        Range("1", 2)  # type: ignore[arg-type]


@given(ranges(), st.integers(min_value=0, max_value=3))
def test_outward_rounding_keeps_the_range_inside(r: Range, nd: int) -> None:
    rounded = r.round(nd)
    assert rounded.low <= r.low and rounded.high >= r.high
