"""Offline, reproducible HTML reports from notebooks.

A report is one self-contained HTML file: the Vega libraries inlined once
(vl-convert), each chart a div plus a vegaEmbed call (the kit altair
renderer), code hidden, every data string escaped, and a footer with the kit
version, the sha256 of every data file used, the parameters (scope) and the
render date. ``kit render`` (kit/_cli_report.py) is the command line over
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

from kit._report_render import (
    TEMPLATE_DIR,
    CellError,
    NotebookParameter,
    ParameterError,
    RenderResult,
    ReportError,
    ReportSetError,
    ReportSpec,
    check_parameters,
    check_reports,
    load_report_set,
    notebook_parameters,
    parse_cli_parameters,
    render,
    render_date,
    render_set,
    write_index,
)
from kit._report_renderer import (
    INPUTS_ENV,
    RENDER_ENV,
    chart_html,
    enable,
    kit_renderer,
    record_input,
    recorded_inputs,
    spec_json,
)
from kit._report_safe import escape_markdown, escape_text, html_table, md, safe_link, safe_url

__all__ = [
    # notebooks
    "enable",
    "record_input",
    "recorded_inputs",
    "safe_url",
    "safe_link",
    "html_table",
    "md",
    "escape_text",
    "escape_markdown",
    # renderer
    "kit_renderer",
    "chart_html",
    "spec_json",
    "RENDER_ENV",
    "INPUTS_ENV",
    # pipeline
    "render",
    "render_set",
    "write_index",
    "render_date",
    "load_report_set",
    "check_parameters",
    "check_reports",
    "notebook_parameters",
    "parse_cli_parameters",
    "ReportSpec",
    "RenderResult",
    "NotebookParameter",
    "ReportError",
    "ParameterError",
    "ReportSetError",
    "CellError",
    "TEMPLATE_DIR",
]
