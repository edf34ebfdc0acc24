"""Layer 4: link incidents across sources within each record's date and place precision; review decisions."""

from kit.match._decisions import DECISION_COLUMNS, MatchInputError, append_decisions, load_decisions
from kit.match._engine import (
    DATE_PRECISION_DAYS,
    LOCATION_RADIUS_KM,
    MATCH_COLUMNS,
    SCORE_WEIGHTS,
    UNKNOWN_PRECISION_RADIUS_KM,
    MatchResult,
    collapse_strikes,
    match_incidents,
    sensitivity,
)

__all__ = [
    "DATE_PRECISION_DAYS",
    "DECISION_COLUMNS",
    "LOCATION_RADIUS_KM",
    "MATCH_COLUMNS",
    "SCORE_WEIGHTS",
    "UNKNOWN_PRECISION_RADIUS_KM",
    "MatchInputError",
    "MatchResult",
    "append_decisions",
    "collapse_strikes",
    "load_decisions",
    "match_incidents",
    "sensitivity",
]
