"""Layer 5: what a reader sees.

Reader tables, escaped HTML and links, text for figures and periods, and the
chart builders (`kit.present.charts`). Importing it in a Jupyter kernel switches
altair to the offline widget renderer (`_live.py`), so every chart draws with no
network and no line in the notebook.
"""

from kit.present import findings
from kit.present._format import (
    bounded_text,
    consistency_text,
    figure_text,
    format_figure,
    format_range,
    interval_text,
    lag_text,
    period_text,
    short_text,
    stated_period_text,
    stated_text,
)
from kit.present._html import LINK_REL, escape_markdown, escape_text, file_link, html_table, md, safe_link, safe_url
from kit.present._live import EMBED_OPTIONS, LIVE_RENDERER, live_chart, offline_widgets, use_live_renderer
from kit.present._tables import claims_table, format_anchor_table, format_gap_table, format_lag_table, pair_verdicts

__all__ = [
    "EMBED_OPTIONS",
    "LINK_REL",
    "LIVE_RENDERER",
    "bounded_text",
    "claims_table",
    "consistency_text",
    "escape_markdown",
    "escape_text",
    "figure_text",
    "file_link",
    "findings",
    "format_anchor_table",
    "format_figure",
    "format_gap_table",
    "format_lag_table",
    "format_range",
    "html_table",
    "interval_text",
    "lag_text",
    "live_chart",
    "md",
    "offline_widgets",
    "pair_verdicts",
    "period_text",
    "safe_link",
    "safe_url",
    "short_text",
    "stated_period_text",
    "stated_text",
    "use_live_renderer",
]

use_live_renderer()
