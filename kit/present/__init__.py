"""Layer 5: what a reader sees.

Reader tables, escaped HTML and links, text for figures and periods, and the
chart builders (`kit.present.charts`).
"""

from kit.present._format import (
    figure_text,
    format_figure,
    format_range,
    interval_text,
    period_text,
    short_text,
    stated_period_text,
)
from kit.present._html import LINK_REL, escape_markdown, escape_text, file_link, html_table, md, safe_link, safe_url
from kit.present._tables import claims_table, format_anchor_table, format_gap_table, pair_verdicts

__all__ = [
    "LINK_REL",
    "claims_table",
    "escape_markdown",
    "escape_text",
    "figure_text",
    "file_link",
    "format_anchor_table",
    "format_figure",
    "format_gap_table",
    "format_range",
    "html_table",
    "interval_text",
    "md",
    "pair_verdicts",
    "period_text",
    "safe_link",
    "safe_url",
    "short_text",
    "stated_period_text",
]
