"""Layer 4: multiple systems estimation (capture-recapture): what no list recorded, with its uncertainty.

Capture histories are read and checked in `_histories`; models, warnings and the
JSON output live in `_models`. See docs/ESTIMATE.md.
"""

from kit.estimate._histories import (
    CaptureHistories,
    HistoryFile,
    histories_from_frame,
    histories_from_matches,
    read_histories,
)
from kit.estimate._models import (
    ASSUMPTIONS,
    JSON_SCHEMA,
    ChaoEstimate,
    EstimateResult,
    EstimateWarning,
    LoglinearResult,
    ModelFit,
    StratifiedResult,
    TwoListEstimate,
    chao_lower_bound,
    chapman,
    describe,
    dumps,
    estimate,
    estimate_file,
    estimate_strata,
    lincoln_petersen,
    loglinear,
    model_table,
    pairwise_two_list,
)

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
    "chao_lower_bound",
    "chapman",
    "describe",
    "dumps",
    "estimate",
    "estimate_file",
    "estimate_strata",
    "histories_from_frame",
    "histories_from_matches",
    "lincoln_petersen",
    "loglinear",
    "model_table",
    "pairwise_two_list",
    "read_histories",
]
