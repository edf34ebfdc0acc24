"""Layer 4: ratios and gaps between claims as intervals, what each side had said as of each date, lags."""

from kit.compare._claims import (
    STALE_AFTER_DAYS,
    IncomparableError,
    PairComparison,
    admission_lag,
    against_anchor,
    as_of,
    compare_claims,
    gap_over_time,
    gap_range,
    open_label,
    published_until,
    ratio_range,
    reporting_lag,
    select_scope,
    verdicts_against_anchor,
)
from kit.compare._consistency import Consistency, consistency

__all__ = [
    "STALE_AFTER_DAYS",
    "Consistency",
    "IncomparableError",
    "PairComparison",
    "admission_lag",
    "against_anchor",
    "as_of",
    "compare_claims",
    "consistency",
    "gap_over_time",
    "gap_range",
    "open_label",
    "published_until",
    "ratio_range",
    "reporting_lag",
    "select_scope",
    "verdicts_against_anchor",
]
