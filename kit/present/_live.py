"""Charts in a live kernel: every altair chart drawn offline, as an `alt.JupyterChart` widget.

Why: altair's default renderer loads Vega from a CDN at display time, and
JupyterLab 4 has no built-in Vega-Lite v6 renderer, so offline a plain chart
stays blank. The widget carries the Vega bundle of the installed vl-convert
(`kit.core.JupyterChartCompat.offline`) and draws in JupyterLab, Notebook 7 and VS
Code with no request to any host. The kit switches to it itself when it is
imported in a kernel; under `kit render` the kit report renderer is left alone,
so reports still carry static Vega-Lite with bound controls.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from kit.core import JupyterChartCompat, is_rendering
from kit.present._html import LINK_REL

LIVE_RENDERER = "kit-live"
"""Name of the altair renderer registered by `use_live_renderer`."""

EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    # vega-embed's menu without "Open in Vega Editor" (a remote site): export and source stay
    "actions": {"export": True, "source": True, "compiled": False, "editor": False},
    # a mark's link opens a new tab: the lab itself must never navigate away
    "loader": {"target": "_blank", "rel": LINK_REL},
}
"""vega-embed options of every live chart (explorers included)."""

_VEGALITE_MIME = "application/vnd.vegalite.v6+json"


def offline_widgets() -> None:
    """Make `alt.JupyterChart` carry the installed Vega bundle, cached per altair/vl-convert version.

    The bundle takes seconds to build, so it is kept under the user's cache
    folder (``$XDG_CACHE_HOME`` or ``~/.cache``) and read back in later kernels.
    """
    cache_root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "casualty-kit"
    JupyterChartCompat.offline(cache_root)


def live_chart(spec: dict[str, Any] | None = None, chart: Any = None) -> Any:
    """An offline `alt.JupyterChart` showing `chart` (an altair chart) or a ready Vega-Lite `spec`."""
    import altair as alt

    offline_widgets()
    widget = alt.JupyterChart(chart, embed_options=EMBED_OPTIONS)
    if chart is None and spec is not None:
        widget.spec = spec
    return widget


def live_renderer(spec: dict[str, Any], **metadata: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """altair renderer: the chart as an offline widget, with its Vega-Lite spec beside it.

    The widget view is what JupyterLab, Notebook 7 and VS Code draw; the spec
    keeps the output inspectable (and re-renderable) once the kernel is gone.
    """
    shown = live_chart(spec=spec)._repr_mimebundle_()
    data, meta = shown if isinstance(shown, tuple) else (shown, {})
    return {**data, _VEGALITE_MIME: spec}, dict(meta or {})


def _in_kernel() -> bool:
    """True in a Jupyter kernel (JupyterLab, Notebook, VS Code, nbclient); False in scripts and the CLI."""
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def use_live_renderer() -> str | None:
    """Switch altair to the offline widget renderer in a live kernel; returns the renderer now active.

    Only altair's own ``default`` (a CDN loader) is replaced: a renderer the
    user picked stays, and under `kit render` the kit report renderer stays.
    Outside a kernel nothing is imported and None is returned.
    """
    if not _in_kernel():
        return None
    import altair as alt

    if LIVE_RENDERER not in alt.renderers.names():
        alt.renderers.register(LIVE_RENDERER, live_renderer)
    if not is_rendering() and alt.renderers.active == "default":
        alt.renderers.enable(LIVE_RENDERER)
    return str(alt.renderers.active)
