"""Layer 0, the kit's foundation: problems, intervals, the investigation's folder and marker file,
the CSV rule, the version, the controlled vocabularies, partial dates, the one URL rule, and the one home of every
third-party private API we rely on (`_compat`).

Nothing here imports another kit layer, nor any third-party package at import time (the
command line starts on it); every other layer may import from here.
"""

from kit.core import vocab
from kit.core._compat import (
    JupyterChartCompat,
    defer_iri_syntax,
    infer_notebook_parameters,
    register_cell_progress_engine,
)
from kit.core._csv import FILE, LINE, display_name, read_rows, split_records
from kit.core._dates import (
    PARTIAL_DATE,
    date_text,
    parse_partial_date,
    partial_date_start,
)
from kit.core._interval import Range, RangeError
from kit.core._paths import INVESTIGATION_ENV, data_dir, load_investigation, repo_root, shared_dir
from kit.core._problems import InputError, Problem
from kit.core._runtime import INPUTS_ENV, RENDER_ENV, is_rendering
from kit.core._urls import URL_FAST_PATH, is_safe_url, safe_url
from kit.core._version import __version__

__all__ = [
    "FILE",
    "INPUTS_ENV",
    "INVESTIGATION_ENV",
    "LINE",
    "PARTIAL_DATE",
    "RENDER_ENV",
    "URL_FAST_PATH",
    "InputError",
    "JupyterChartCompat",
    "Problem",
    "Range",
    "RangeError",
    "__version__",
    "data_dir",
    "display_name",
    "vocab",
    "date_text",
    "infer_notebook_parameters",
    "is_rendering",
    "is_safe_url",
    "load_investigation",
    "parse_partial_date",
    "partial_date_start",
    "read_rows",
    "register_cell_progress_engine",
    "repo_root",
    "safe_url",
    "shared_dir",
    "split_records",
]

defer_iri_syntax()  # before altair or nbformat import jsonschema (kit.core._compat says why)
