"""Chart builders: pure functions from tidy DataFrames to altair charts.

Claims (`_claims`), incidents (`_incidents`) and estimates (`_estimate`) each
live in their own module; this package re-exports their public builders (and
the pieces `kit.ui` composes live charts from). Labels and colours: `kit.core`.
"""

from kit.present.charts._base import for_readers, layer_chart
from kit.present.charts._claims import (
    MAX_CHART_ROWS,
    NARROW_BELOW,
    as_of_chart,
    as_of_param,
    at_year,
    claims_chart_frame,
    claims_range_chart,
    comparability_matrix_chart,
    gap_chart,
    monthly_reports_chart,
    range_chart_from_frame,
    range_chart_layout,
    range_chart_rows,
)
from kit.present.charts._estimate import (
    documented_vs_estimate_chart,
    estimate_chart_frame,
    model_chart_frame,
    model_comparison_chart,
    strata_chart,
    strata_chart_frame,
)
from kit.present.charts._incidents import (
    boundary_features,
    flagged_rows,
    incident_map,
    match_status_chart,
    match_status_frame,
    monthly_incidents_chart,
    monthly_incidents_frame,
    victims_text,
)

__all__ = [
    "MAX_CHART_ROWS",
    "NARROW_BELOW",
    "as_of_chart",
    "as_of_param",
    "at_year",
    "boundary_features",
    "claims_chart_frame",
    "claims_range_chart",
    "comparability_matrix_chart",
    "documented_vs_estimate_chart",
    "for_readers",
    "estimate_chart_frame",
    "flagged_rows",
    "gap_chart",
    "incident_map",
    "layer_chart",
    "match_status_chart",
    "match_status_frame",
    "model_chart_frame",
    "model_comparison_chart",
    "monthly_incidents_chart",
    "monthly_incidents_frame",
    "monthly_reports_chart",
    "range_chart_from_frame",
    "range_chart_layout",
    "range_chart_rows",
    "strata_chart",
    "strata_chart_frame",
    "victims_text",
]
