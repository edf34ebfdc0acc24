"""Can two comparable figures both be true? Compatible, far apart or contradictory, and by how much.

Adapted from the "contradiction radius" of Silver (2026), which measures how
far a claim sits outside what the other evidence allows, in units of the
measured uncertainty (docs/MODEL.md has the formula and the reference). Here
the evidence is the other figure: each figure allows a set of true values
(its range, widened when approximate, running to infinity on an open end),
and the radius is the smallest shift of the two stated ranges, in units of
their stated half-widths, that lets both be true. Two floors never
contradict; a ceiling below the other's floor does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from kit.core import Range

ConsistencyKind = Literal["compatible", "far_apart", "contradictory"]


@dataclass(frozen=True)
class Consistency:
    """The relation of two figures' allowed values and its size in units of stated uncertainty.

    `radius` is 0 for compatible figures; for contradictory ones it is the
    contradiction radius; for figures far apart it is the radius they would
    have if their open ends were closed (how far apart the stated figures are).
    It is infinite when the two are apart and neither states a range.
    """

    kind: ConsistencyKind
    radius: float
    distance: float


def _closed(r: Range) -> Range:
    """The figure with its open ends closed: the stated numbers only (still widened when approximate)."""
    return Range(r.low, r.high, approx=r.approx)


def _uncertainty(r: Range) -> float:
    """The stated half-width, plus the approximation margin of an "about" figure."""
    lo, hi = _closed(r).allowed()
    return (hi - lo) / 2


def _apart(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two intervals; 0 when they touch or overlap."""
    return max(0.0, b[0] - a[1], a[0] - b[1])


def _radius(distance: float, a: Range, b: Range) -> float:
    if distance == 0:
        return 0.0
    scale = _uncertainty(a) + _uncertainty(b)
    return math.inf if scale == 0 else distance / scale


def consistency(a: Range, b: Range) -> Consistency:
    """Compatible (stated ranges overlap), far apart (both true only through an open end)
    or contradictory (no value satisfies both)."""
    hard = _apart(a.allowed(), b.allowed())
    if hard > 0:
        return Consistency("contradictory", _radius(hard, a, b), hard)
    soft = _apart(_closed(a).allowed(), _closed(b).allowed())
    if soft > 0:
        return Consistency("far_apart", _radius(soft, a, b), soft)
    return Consistency("compatible", 0.0, 0.0)
