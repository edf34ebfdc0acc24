"""Layer 5: what a reader sees: reader tables, escaped HTML and links, and the chart builders (`kit.present.charts`)."""

from kit.present._html import escape_markdown, escape_text, html_table, md, safe_link, safe_url
from kit.present._tables import claims_table, figure_text, format_anchor_table, format_gap_table, pair_verdicts, period_text

__all__ = [
    "claims_table",
    "escape_markdown",
    "escape_text",
    "figure_text",
    "format_anchor_table",
    "format_gap_table",
    "html_table",
    "md",
    "pair_verdicts",
    "period_text",
    "safe_link",
    "safe_url",
]
