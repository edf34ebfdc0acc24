"""casualty-kit: investigate why casualty sources disagree.

The package is layered, and each layer imports only from the layers before it
(docs/ARCHITECTURE.md):

    core → ledger → incidents → scope → compare | match | estimate | extract
         → present → ui | report → cli

`import kit` loads nothing heavy: the names below resolve on first use, so the
command line starts fast and a notebook pays only for what it touches.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kit.core._version import __version__

#: Public name → the subpackage that owns it.
_NAMES: dict[str, str] = {
    # core
    "InputError": "kit.core",
    "Problem": "kit.core",
    "Range": "kit.core",
    "RangeError": "kit.core",
    "data_dir": "kit.core",
    "load_investigation": "kit.core",
    "repo_root": "kit.core",
    "shared_dir": "kit.core",
    # ledger
    "CLAIM_COLUMNS": "kit.ledger",
    "Gazetteer": "kit.ledger",
    "LoadResult": "kit.ledger",
    "claim_range": "kit.ledger",
    "load_claims": "kit.ledger",
    "load_gazetteer": "kit.ledger",
    "normalise_name": "kit.ledger",
    "parse_partial_date": "kit.core",
    "validate_claims_frame": "kit.ledger",
    # scope
    "ScopeComparison": "kit.scope",
    "comparability_matrix": "kit.scope",
    "compare_scopes": "kit.scope",
    # compare
    "IncomparableError": "kit.compare",
    "PairComparison": "kit.compare",
    "admission_lag": "kit.compare",
    "against_anchor": "kit.compare",
    "as_of": "kit.compare",
    "compare_claims": "kit.compare",
    "gap_over_time": "kit.compare",
    "gap_range": "kit.compare",
    "published_until": "kit.compare",
    "ratio_range": "kit.compare",
    "reporting_lag": "kit.compare",
    "select_scope": "kit.compare",
    # present
    "claims_table": "kit.present",
    "figure_text": "kit.present",
    "format_anchor_table": "kit.present",
    "format_gap_table": "kit.present",
    "pair_verdicts": "kit.present",
    "period_text": "kit.present",
}

#: Subpackages reachable as attributes (`kit.charts` is `kit.present.charts`).
_MODULES: dict[str, str] = {
    "charts": "kit.present.charts",
    "compare": "kit.compare",
    "core": "kit.core",
    "estimate": "kit.estimate",
    "extract": "kit.extract",
    "incidents": "kit.incidents",
    "ledger": "kit.ledger",
    "match": "kit.match",
    "present": "kit.present",
    "report": "kit.report",
    "scope": "kit.scope",
    "ui": "kit.ui",
}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value: Any = importlib.import_module(_MODULES[name])
    elif name in _NAMES:
        value = getattr(importlib.import_module(_NAMES[name]), name)
    else:
        raise AttributeError(f"module 'kit' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_NAMES, *_MODULES})


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from kit import compare, core, estimate, extract, incidents, ledger, match, present, report, scope, ui
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
    from kit.core import (
        InputError,
        Problem,
        Range,
        RangeError,
        data_dir,
        load_investigation,
        parse_partial_date,
        repo_root,
        shared_dir,
    )
    from kit.ledger import (
        CLAIM_COLUMNS,
        Gazetteer,
        LoadResult,
        claim_range,
        load_claims,
        load_gazetteer,
        normalise_name,
        validate_claims_frame,
    )
    from kit.present import (
        charts,
        claims_table,
        figure_text,
        format_anchor_table,
        format_gap_table,
        pair_verdicts,
        period_text,
    )
    from kit.scope import ScopeComparison, comparability_matrix, compare_scopes

__all__ = sorted(["__version__", *_NAMES, *_MODULES])
