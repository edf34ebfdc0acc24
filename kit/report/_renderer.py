"""The kit altair renderer: a chart is an empty div plus a small vegaEmbed call.

Why: altair's own HTML renderers load Vega from a CDN (nothing drawn offline)
or inline the 0.9 MB bundle per chart (the second chart fails on duplicate
top-level consts). The kit template inlines the bundle once in <head>; each
chart only needs its spec and a call. See ../shared/docs/REPORTS.md.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

import altair as alt

from kit.core import INPUTS_ENV, RENDER_ENV
from kit.present.charts import for_readers

VEGALITE_MIME = "application/vnd.vegalite.v6+json"
"""Carried next to text/html so `--export-images` can re-render the spec; HTML export ignores it."""

_EMBED_OPTIONS: dict[str, Any] = {"actions": False, "renderer": "svg", "mode": "vega-lite"}
_counter = {"n": 0}
_recorded: dict[str, str] = {}


def _finite(value: Any) -> Any:
    """NaN and infinities become null: JSON has no such numbers and Vega reads null as missing."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def spec_json(spec: dict[str, Any]) -> str:
    """JSON safe inside a <script> element: ``<``, ``>`` and ``&`` become unicode escapes.

    Why: a data string ``</script><script>...`` would otherwise close the
    embedding script and run its own; ``\\u003c`` is still ``<`` to JavaScript.
    """
    text = json.dumps(_finite(spec), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def chart_html(spec: dict[str, Any], div_id: str) -> str:
    """The HTML for one chart: a div and a script that embeds `spec` into it.

    Errors, including a missing ``vegaEmbed``, are written into the div and the
    console so a broken chart is visible to readers and to browser tests.
    Views are pushed to ``window.__kitViews`` so tests can inspect them.
    """
    if not div_id.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"chart div id must be alphanumeric with - or _: {div_id!r}")
    return (
        f'<div class="kit-chart" id="{div_id}"></div>\n'
        '<script type="text/javascript">\n'
        "(function () {\n"
        f'  var el = document.getElementById("{div_id}");\n'
        f"  var spec = {spec_json(spec)};\n"
        "  function fail(err) {\n"
        "    var msg = (err && err.message) ? err.message : String(err);\n"
        '    el.classList.add("kit-chart-error");\n'
        '    el.textContent = "This chart could not be drawn: " + msg;\n'
        f'    console.error("kit chart {div_id}: " + msg);\n'
        "  }\n"
        "  function draw() {\n"
        '    if (typeof window.vegaEmbed !== "function") {\n'
        '      throw new Error("vegaEmbed is not loaded (render with `kit render` for offline reports)");\n'
        "    }\n"
        "    window.__kitViews = window.__kitViews || [];\n"
        f"    var options = {json.dumps(_EMBED_OPTIONS)};\n"
        "    return (window.kitFit ? window.kitFit(el, spec, options) : window.vegaEmbed(el, spec, options))\n"
        "      .then(function (result) {\n"
        '        window.__kitViews.push(result.view); el.classList.add("kit-chart-ready");\n'
        "      });\n"
        "  }\n"
        "  Promise.resolve(window.kitVegaReady).then(draw).catch(fail);\n"
        "})();\n"
        "</script>"
    )


def _has_url_data(spec: Any) -> bool:
    """True when any data block loads from a URL (blocked by Chromium under file://)."""
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and "url" in data:
            return True
        return any(_has_url_data(v) for k, v in spec.items() if k != "datasets")
    if isinstance(spec, list):
        return any(_has_url_data(v) for v in spec)
    return False


def kit_renderer(spec: dict[str, Any], **metadata: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """altair renderer: text/html (div + vegaEmbed) plus the Vega-Lite spec itself.

    The div id is ``kit-chart-<n>-<hash>``: a per-kernel counter (same order of
    displays gives the same ids, so renders stay byte-identical) and a short
    content hash (ids stay unique if two notebooks are ever concatenated).
    """
    spec = for_readers(_finite(spec))
    _counter["n"] += 1
    digest = hashlib.sha256(spec_json(spec).encode()).hexdigest()[:8]
    div_id = f"kit-chart-{_counter['n']}-{digest}"
    if _has_url_data(spec):
        message = "chart data must be inline (data.url cannot load from a file:// report)"
        html = (
            f'<div class="kit-chart kit-chart-error" id="{div_id}">{message}</div>'
            f'<script>console.error("kit chart {div_id}: {message}");</script>'
        )
        return {"text/html": html, "text/plain": message}, {}
    bundle = {"text/html": chart_html(spec, div_id), VEGALITE_MIME: spec, "text/plain": "<kit chart>"}
    return bundle, {"kit": {"chart_id": div_id}}


alt.renderers.register("kit", kit_renderer)


def enable() -> str:
    """Pick the altair renderer for where the notebook runs; returns its name.

    Under `kit render` (``KIT_RENDER`` set) charts go through the kit renderer;
    in a live kernel altair's default stays, so JupyterLab draws as usual.
    Data is always inline: the default data transformer is re-enabled.
    """
    alt.data_transformers.enable("default")
    if os.environ.get(RENDER_ENV):
        alt.renderers.enable("kit")
        return "kit"
    return alt.renderers.active


def record_input(path: str | os.PathLike[str]) -> Path:
    """Note that the notebook read `path`, so the report footer lists its sha256.

    Loaders and notebooks call it for every data file; outside `kit render` it
    only remembers the hash. Returns the resolved path for chaining.
    """
    resolved = Path(path).resolve()
    digest = hashlib.sha256(resolved.read_bytes()).hexdigest()
    key = str(resolved)
    if _recorded.get(key) == digest:
        return resolved
    _recorded[key] = digest
    target = os.environ.get(INPUTS_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"path": key, "sha256": digest}) + "\n")
    return resolved


def recorded_inputs() -> dict[str, str]:
    """Files recorded in this process so far: resolved path -> sha256."""
    return dict(_recorded)
