"""Chart builders: pure functions from tidy DataFrames to altair charts.

Claims (`_claims`), incidents (`_incidents`) and estimates (`_estimate`) each
live in their own module; this package re-exports their public builders.
"""

from kit.charts._claims import (
    MAX_CHART_ROWS,
    as_of_chart,
    claims_chart_frame,
    claims_range_chart,
    comparability_matrix_chart,
    gap_chart,
)

__all__ = [
    "MAX_CHART_ROWS",
    "as_of_chart",
    "claims_chart_frame",
    "claims_range_chart",
    "comparability_matrix_chart",
    "gap_chart",
]
