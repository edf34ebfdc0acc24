"""casualty-kit: investigate why casualty sources disagree.

Data flows one way (docs/ARCHITECTURE.md): gazetteer and ledger → scope →
compare → charts/tables → notebooks → report. This module re-exports the
public API so notebooks can `import kit` and stay thin.
"""

from kit import charts
from kit._problems import InputError, Problem
from kit._repo import data_dir, repo_root, shared_dir
from kit._version import __version__
from kit.compare import (
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
)
from kit.gazetteer import Gazetteer, load_gazetteer, normalise_name
from kit.interval import Range, RangeError
from kit.ledger import CLAIM_COLUMNS, LoadResult, claim_range, load_claims, parse_partial_date, validate_claims_frame
from kit.scope import ScopeComparison, comparability_matrix, compare_scopes
from kit.tables import claims_table, figure_text, format_anchor_table, format_gap_table, pair_verdicts, period_text

#: Areas with heavier dependencies (spaCy, ipywidgets, statsmodels, DuckDB)
#: load on first use: `kit.estimate`, `kit.extract`, ...
_LAZY = ("estimate", "extract", "incidents", "match", "report", "review", "widgets")


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f"kit.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'kit' has no attribute {name!r}")


__all__ = [
    "CLAIM_COLUMNS",
    "Gazetteer",
    "IncomparableError",
    "InputError",
    "LoadResult",
    "PairComparison",
    "Problem",
    "Range",
    "RangeError",
    "ScopeComparison",
    "__version__",
    "admission_lag",
    "against_anchor",
    "as_of",
    "charts",
    "estimate",
    "extract",
    "incidents",
    "match",
    "report",
    "review",
    "widgets",
    "claim_range",
    "claims_table",
    "comparability_matrix",
    "compare_claims",
    "compare_scopes",
    "data_dir",
    "figure_text",
    "format_anchor_table",
    "format_gap_table",
    "gap_over_time",
    "gap_range",
    "load_claims",
    "load_gazetteer",
    "normalise_name",
    "pair_verdicts",
    "parse_partial_date",
    "period_text",
    "published_until",
    "ratio_range",
    "repo_root",
    "reporting_lag",
    "select_scope",
    "shared_dir",
    "validate_claims_frame",
]
