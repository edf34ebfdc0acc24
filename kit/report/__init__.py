"""Offline, reproducible HTML reports from notebooks.

A report is one self-contained HTML file: the Vega libraries inlined once
(vl-convert), each chart a div plus a vegaEmbed call (the kit altair
renderer), code hidden, every data string escaped, and a footer with the kit
version, the sha256 of every data file used, the parameters (scope) and the
render date. ``kit render`` (kit/cli/_report.py) is the command line over
`render` and `render_set`. Why this route and not nbconvert's default export:
../shared/docs/REPORTS.md.

In notebooks::

    import kit.report as kr
    kr.enable()                       # kit renderer under `kit render`, default live
    kr.record_input(path)             # hash a data file into the footer
    kr.html_table(df, link_columns={"url": "claimant"})
    kr.md("**{claimant}** reported {n:,}", claimant=row.claimant, n=row.high)
"""

from __future__ import annotations

from kit.present import escape_text, html_table, md, safe_link, safe_url
from kit.report._parameters import (
    NotebookParameter,
    ParameterError,
    ReportError,
    ReportSetError,
    ReportSpec,
    check_parameters,
    check_reports,
    load_report_set,
    notebook_parameters,
    parse_cli_parameters,
)
from kit.report._pipeline import (
    CellError,
    RenderResult,
    check_output,
    render,
    render_set,
    scoped_name,
    write_index,
)
from kit.report._renderer import enable, kit_renderer, record_input, recorded_inputs

__all__ = [
    # in a notebook
    "enable",
    "record_input",
    "recorded_inputs",
    "html_table",
    "md",
    "safe_link",
    "safe_url",
    "escape_text",
    "kit_renderer",
    # rendering notebooks to reports (`kit render`)
    "render",
    "render_set",
    "write_index",
    "check_output",
    "scoped_name",
    "load_report_set",
    "check_reports",
    "check_parameters",
    "notebook_parameters",
    "parse_cli_parameters",
    "ReportSpec",
    "RenderResult",
    "NotebookParameter",
    "ReportError",
    "ParameterError",
    "ReportSetError",
    "CellError",
]
