"""Layer 4: multiple systems estimation (capture-recapture): what no list recorded, with its uncertainty.

Capture histories are read and checked in `_histories`; two-list, log-linear and
Chao estimates in `_models`; LCMCR in `_lcmcr` (its compiled sampler in
`_lcmcr_kernel`); model averaging over decomposable graphs in `_dga`; fit and
dependence diagnostics in `_diagnostics`; all methods side by side and the
JSON in `_compare`; matching uncertainty in `_linkage`; simulated populations
in `_simulate`. See docs/ESTIMATE.md.
"""

from kit.estimate._common import EstimateWarning
from kit.estimate._compare import JSON_SCHEMA, compare_methods, estimate_file
from kit.estimate._dga import bma
from kit.estimate._histories import (
    CaptureHistories,
    HistoryFile,
    histories_from_frame,
    histories_from_matches,
    read_histories,
)
from kit.estimate._lcmcr import lcmcr
from kit.estimate._linkage import estimate_with_matching
from kit.estimate._models import (
    ASSUMPTIONS,
    ChaoEstimate,
    EstimateResult,
    LoglinearResult,
    ModelFit,
    StratifiedResult,
    TwoListEstimate,
    chao_lower_bound,
    chapman,
    describe,
    dumps,
    estimate,
    estimate_strata,
    lincoln_petersen,
    loglinear,
    model_table,
    pairwise_two_list,
)
from kit.estimate._simulate import simulate_histories

__all__ = [
    "ASSUMPTIONS",
    "JSON_SCHEMA",
    "CaptureHistories",
    "ChaoEstimate",
    "EstimateResult",
    "EstimateWarning",
    "HistoryFile",
    "LoglinearResult",
    "ModelFit",
    "StratifiedResult",
    "TwoListEstimate",
    "bma",
    "chao_lower_bound",
    "chapman",
    "compare_methods",
    "describe",
    "dumps",
    "estimate",
    "estimate_file",
    "estimate_strata",
    "estimate_with_matching",
    "histories_from_frame",
    "histories_from_matches",
    "lcmcr",
    "lincoln_petersen",
    "loglinear",
    "model_table",
    "pairwise_two_list",
    "read_histories",
    "simulate_histories",
]
