"""What every estimator here returns besides its number: warnings in words, and one rounding rule for output."""

from __future__ import annotations

import math
from dataclasses import dataclass


def _r(x: float | None, nd: int = 3) -> float | None:
    """Fixed float formatting for output: rounded, and None for undefined or infinite values."""
    if x is None or not math.isfinite(float(x)):
        return None
    value = round(float(x), nd)
    return 0.0 if value == 0 else value


@dataclass(frozen=True)
class EstimateWarning:
    """A caveat in words, with a stable code for machines."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
