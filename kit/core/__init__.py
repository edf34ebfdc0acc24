"""Layer 0, the kit's foundation: problems, intervals, paths, the CSV rule, the version.

Nothing here imports another kit layer; every other layer may import from here.
"""

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
    "is_rendering",
    "read_rows",
    "repo_root",
    "shared_dir",
]
