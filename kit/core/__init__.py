"""Layer 0, the kit's foundation: problems, intervals, paths, the CSV rule, the version,
and the one home of every third-party private API we rely on (`_compat`).

Nothing here imports another kit layer; every other layer may import from here.
"""

from kit.core._compat import (
    infer_notebook_parameters,
    observe_chart_selections,
    offline_jupyterchart,
    register_cell_progress_engine,
)
from kit.core._csv import FILE, LINE, read_rows
from kit.core._interval import Range, RangeError
from kit.core._paths import data_dir, repo_root, shared_dir
from kit.core._problems import InputError, Problem
from kit.core._runtime import INPUTS_ENV, RENDER_ENV, is_rendering
from kit.core._version import __version__

__all__ = [
    "FILE",
    "INPUTS_ENV",
    "LINE",
    "RENDER_ENV",
    "InputError",
    "Problem",
    "Range",
    "RangeError",
    "__version__",
    "data_dir",
    "infer_notebook_parameters",
    "is_rendering",
    "observe_chart_selections",
    "offline_jupyterchart",
    "read_rows",
    "register_cell_progress_engine",
    "repo_root",
    "shared_dir",
]
