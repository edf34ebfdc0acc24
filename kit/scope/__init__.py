"""Layer 3: are two figures' scopes comparable? Period, place, unit, outcome, victims, perpetrator, method."""

from kit.scope._scopes import (
    PERIOD_TOLERANCE,
    ScopeComparison,
    Verdict,
    comparability_matrix,
    compare_scopes,
    counted_class,
    method_family,
    monthly_rates,
)

__all__ = [
    "PERIOD_TOLERANCE",
    "ScopeComparison",
    "Verdict",
    "comparability_matrix",
    "compare_scopes",
    "counted_class",
    "method_family",
    "monthly_rates",
]
