"""Layer 4: ratios and gaps between claims as intervals, what each side had said as of each date, lags."""

from kit.compare._claims import (
    IncomparableError,
    PairComparison,
    admission_lag,
    against_anchor,
    as_of,
    compare_claims,
    gap_over_time,
    gap_range,
    published_until,
    ratio_range,
    reporting_lag,
    select_scope,
    verdicts_against_anchor,
)

__all__ = [
    "IncomparableError",
    "PairComparison",
    "admission_lag",
    "against_anchor",
    "as_of",
    "compare_claims",
    "gap_over_time",
    "gap_range",
    "published_until",
    "ratio_range",
    "reporting_lag",
    "select_scope",
    "verdicts_against_anchor",
]
