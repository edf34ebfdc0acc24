"""Interval arithmetic for casualty figures.

Sources give ranges (Airwars min/max, UCDP low/best/high); a sum, gap or ratio
of ranges is itself a range. `Range` keeps that true through every operation so
no code path can collapse two uncertain figures into one falsely precise number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real


class RangeError(ValueError):
    """A range that cannot exist (low > high, NaN) or an undefined operation."""


def _num(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise RangeError(f"{name} must be a number, got {value!r}")
    out = float(value)
    if math.isnan(out):
        raise RangeError(f"{name} must not be NaN")
    return out


@dataclass(frozen=True, slots=True)
class Range:
    """A closed interval [low, high] with an optional best estimate inside it.

    `best` survives only operations where it has a meaning (sums, differences,
    scaling); it never turns a ratio of ranges into a point figure by itself.
    """

    low: float
    high: float
    best: float | None = None

    def __post_init__(self) -> None:
        low = _num(self.low, "low")
        high = _num(self.high, "high")
        if low > high:
            raise RangeError(f"low ({self.low}) is greater than high ({self.high})")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        if self.best is not None:
            best = _num(self.best, "best")
            if not low <= best <= high:
                raise RangeError(f"best ({best:g}) lies outside [{low:g}, {high:g}]")
            object.__setattr__(self, "best", best)

    # -- construction -----------------------------------------------------
    @classmethod
    def point(cls, value: float) -> Range:
        """A figure stated as one number: low == high == best."""
        return cls(value, value, value)

    @classmethod
    def of(cls, value: Range | float | int) -> Range:
        """Coerce a number or a range into a range."""
        return value if isinstance(value, Range) else cls.point(value)

    # -- properties ---------------------------------------------------------
    @property
    def mid(self) -> float:
        """Midpoint: only for display beside the range, never instead of it."""
        return (self.low + self.high) / 2

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def is_point(self) -> bool:
        return self.low == self.high

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def overlaps(self, other: Range) -> bool:
        return self.low <= other.high and other.low <= self.high

    # -- arithmetic -------------------------------------------------------
    def __add__(self, other: Range | float | int) -> Range:
        o = Range.of(other)
        best = self.best + o.best if self.best is not None and o.best is not None else None
        return Range(self.low + o.low, self.high + o.high, best)

    __radd__ = __add__

    def __neg__(self) -> Range:
        return Range(-self.high, -self.low, None if self.best is None else -self.best)

    def __sub__(self, other: Range | float | int) -> Range:
        """Gap: [a.low - b.high, a.high - b.low]."""
        return self + (-Range.of(other))

    def __rsub__(self, other: Range | float | int) -> Range:
        return Range.of(other) - self

    def __mul__(self, other: Range | float | int) -> Range:
        o = Range.of(other)
        products = [self.low * o.low, self.low * o.high, self.high * o.low, self.high * o.high]
        best = self.best * o.best if self.best is not None and o.best is not None else None
        return Range(min(products), max(products), best)

    __rmul__ = __mul__

    def __truediv__(self, other: Range | float | int) -> Range:
        """Ratio: [a.low / b.high, a.high / b.low] for positive ranges.

        Division by a range that touches zero is undefined and raises: a
        coalition figure of 0 cannot yield a finite "times more" ratio.
        """
        o = Range.of(other)
        if o.low <= 0 <= o.high:
            raise RangeError(f"cannot divide by a range that includes zero: [{o.low:g}, {o.high:g}]")
        quotients = [self.low / o.low, self.low / o.high, self.high / o.low, self.high / o.high]
        best = self.best / o.best if self.best is not None and o.best is not None else None
        return Range(min(quotients), max(quotients), best)

    def __rtruediv__(self, other: Range | float | int) -> Range:
        return Range.of(other) / self

    def round(self, ndigits: int = 0) -> Range:
        """Rounded outward so the result still contains the exact range."""
        factor = 10.0**ndigits
        low = math.floor(self.low * factor) / factor
        high = math.ceil(self.high * factor) / factor
        best = None if self.best is None else min(max(round(self.best, ndigits), low), high)
        return Range(low, high, best)

    def __format__(self, spec: str) -> str:
        spec = spec or ",.0f"
        if self.is_point:
            return format(self.low, spec)
        return f"{format(self.low, spec)}–{format(self.high, spec)}"

    def __str__(self) -> str:
        return format(self, "")
