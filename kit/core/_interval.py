"""Interval arithmetic for casualty figures.

Sources give ranges (Airwars min/max, UCDP low/best/high); a sum, gap or ratio
of ranges is itself a range. `Range` keeps that true through every operation so
no code path can collapse two uncertain figures into one falsely precise number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

from kit.core.vocab import APPROX_QUALIFIERS, CEILING_QUALIFIERS, FLOOR_QUALIFIERS

#: How far an approximate figure ("about 300") may lie from the stated number, as a share of it,
#: when the kit asks whether two figures can both be true (docs/MODEL.md).
APPROX_MARGIN = 0.10


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
    `open_high` says the true value may exceed `high` (a floor: "at least"),
    `open_low` that it may lie below `low` (a ceiling: "up to"), `approx` that
    the claimant rounded it ("about"); every operation carries them.
    """

    low: float
    high: float
    best: float | None = None
    open_low: bool = False
    open_high: bool = False
    approx: bool = False

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
    def stated(cls, low: float, high: float, best: float | None = None, qualifier: str = "none") -> Range:
        """A figure as its claimant stated it: the qualifier opens one end or marks it approximate."""
        return cls(low, high, best, open_low=qualifier in CEILING_QUALIFIERS,
                   open_high=qualifier in FLOOR_QUALIFIERS, approx=qualifier in APPROX_QUALIFIERS)

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

    @property
    def bounded(self) -> bool:
        """Both ends are bounds: no "at least" or "up to" left open."""
        return not (self.open_low or self.open_high)

    @property
    def open_ends(self) -> str:
        """"" (bounded), "high" (a floor), "low" (a ceiling) or "both" (bounds nothing)."""
        return {(False, False): "", (False, True): "high", (True, False): "low", (True, True): "both"}[
            (self.open_low, self.open_high)]

    def allowed(self, margin: float = APPROX_MARGIN) -> tuple[float, float]:
        """Every value the stated figure allows: open ends run to ±infinity, approximate ones widen by `margin`."""
        pad = margin * max(abs(self.low), abs(self.high)) if self.approx else 0.0
        return (-math.inf if self.open_low else self.low - pad, math.inf if self.open_high else self.high + pad)

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def overlaps(self, other: Range) -> bool:
        return self.low <= other.high and other.low <= self.high

    # -- arithmetic -------------------------------------------------------
    def _flags(self, o: Range, open_low: bool, open_high: bool, best: float | None,
               low: float, high: float) -> Range:
        return Range(low, high, best, open_low=open_low, open_high=open_high, approx=self.approx or o.approx)

    def __add__(self, other: Range | float | int) -> Range:
        o = Range.of(other)
        best = self.best + o.best if self.best is not None and o.best is not None else None
        return self._flags(o, self.open_low or o.open_low, self.open_high or o.open_high, best,
                           self.low + o.low, self.high + o.high)

    __radd__ = __add__

    def __neg__(self) -> Range:
        return Range(-self.high, -self.low, None if self.best is None else -self.best,
                     open_low=self.open_high, open_high=self.open_low, approx=self.approx)

    def __sub__(self, other: Range | float | int) -> Range:
        """Gap: [a.low - b.high, a.high - b.low]."""
        return self + (-Range.of(other))

    def __rsub__(self, other: Range | float | int) -> Range:
        return Range.of(other) - self

    def __mul__(self, other: Range | float | int) -> Range:
        o = Range.of(other)
        products = [self.low * o.low, self.low * o.high, self.high * o.low, self.high * o.high]
        best = self.best * o.best if self.best is not None and o.best is not None else None
        if self.low >= 0 and o.low >= 0:
            open_low, open_high = self.open_low or o.open_low, self.open_high or o.open_high
        else:  # signs mix: any open end may open either end of the product
            open_low = open_high = not (self.bounded and o.bounded)
        return self._flags(o, open_low, open_high, best, min(products), max(products))

    __rmul__ = __mul__

    def __truediv__(self, other: Range | float | int) -> Range:
        """Ratio: [a.low / b.high, a.high / b.low] for positive ranges.

        Division by a range that touches zero is undefined and raises: a
        coalition figure of 0 cannot yield a finite "times more" ratio. The low
        end is open when a may be lower or b higher than stated; the high end
        when a may be higher or b lower: a floor over a floor bounds nothing.
        """
        o = Range.of(other)
        if o.low <= 0 <= o.high:
            raise RangeError(f"cannot divide by a range that includes zero: [{o.low:g}, {o.high:g}]")
        quotients = [self.low / o.low, self.low / o.high, self.high / o.low, self.high / o.high]
        best = self.best / o.best if self.best is not None and o.best is not None else None
        if o.low > 0:
            open_low = self.open_low or (o.open_high if self.low >= 0 else o.open_low)
            open_high = self.open_high or (o.open_low if self.high >= 0 else o.open_high)
        else:
            open_low = self.open_high or (o.open_high if self.high <= 0 else o.open_low)
            open_high = self.open_low or (o.open_low if self.low <= 0 else o.open_high)
        return self._flags(o, open_low, open_high, best, min(quotients), max(quotients))

    def __rtruediv__(self, other: Range | float | int) -> Range:
        return Range.of(other) / self

    def round(self, ndigits: int = 0) -> Range:
        """Rounded outward so the result still contains the exact range."""
        factor = 10.0**ndigits
        low = math.floor(self.low * factor) / factor
        high = math.ceil(self.high * factor) / factor
        best = None if self.best is None else min(max(round(self.best, ndigits), low), high)
        return Range(low, high, best, open_low=self.open_low, open_high=self.open_high, approx=self.approx)

    def __format__(self, spec: str) -> str:
        spec = spec or ",.0f"
        if self.is_point:
            return format(self.low, spec)
        return f"{format(self.low, spec)}–{format(self.high, spec)}"

    def __str__(self) -> str:
        return format(self, "")
