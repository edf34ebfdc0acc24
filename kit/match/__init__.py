"""Layer 4: link incidents across sources within each record's date and place precision; review decisions."""

from kit.match._decisions import DECISION_COLUMNS, MatchInputError, append_decisions, load_decisions
from kit.match._engine import (
    DATE_PRECISION_DAYS,
    DEFAULT_DAYS,
    DEFAULT_KM,
    DEFAULT_MIN_SCORE,
    LOCATION_RADIUS_KM,
    MATCH_COLUMNS,
    SCORE_WEIGHTS,
    UNKNOWN_PRECISION_RADIUS_KM,
    MatchResult,
    collapse_strikes,
    match_incidents,
    sensitivity,
)
from kit.match._links import LINK_COLUMNS, explain_weights, link_probabilities, link_scores, single_best_links
from kit.match._splink import FSModel, place_key, place_keys
from kit.match._synthetic import perturbed_copies

__all__ = [
    "DATE_PRECISION_DAYS",
    "DECISION_COLUMNS",
    "DEFAULT_DAYS",
    "DEFAULT_KM",
    "DEFAULT_MIN_SCORE",
    "LINK_COLUMNS",
    "LOCATION_RADIUS_KM",
    "MATCH_COLUMNS",
    "SCORE_WEIGHTS",
    "UNKNOWN_PRECISION_RADIUS_KM",
    "FSModel",
    "MatchInputError",
    "MatchResult",
    "append_decisions",
    "collapse_strikes",
    "explain_weights",
    "link_probabilities",
    "link_scores",
    "load_decisions",
    "match_incidents",
    "perturbed_copies",
    "place_key",
    "place_keys",
    "sensitivity",
    "single_best_links",
]
