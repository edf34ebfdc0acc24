"""The report footer and the report index, rendered from Jinja templates with autoescape on.

Why templates: the markup lives in ``templates/kit/*.j2`` beside the nbconvert
report template, and every value is escaped by the template engine, so no
caller can forget to. The nbconvert template itself (``index.html.j2``) runs in
nbconvert's own environment; it only receives the footer, already rendered here.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from kit.core import __version__
from kit.present import file_link

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
"""nbconvert's extra template base dir; the kit's templates are in its ``kit/`` folder."""


def _escape(value: Any) -> Any:
    """Escape every ``{{ value }}`` the way reports always have (``html.escape``, quotes included).

    Why not only autoescape: markupsafe spells quotes ``&#34;``/``&#39;``, the
    standard library ``&quot;``/``&#x27;``; escaping here keeps index pages
    byte-identical to earlier renders. Autoescape stays on as the safety net:
    it leaves this `Markup` alone and would still escape anything finalize missed.
    """
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value), quote=True))


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR / "kit"),
        autoescape=True,
        finalize=_escape,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def format_value(value: Any) -> str:
    """A parameter value as shown in footer and index: text verbatim (empty as ``""``), others as JSON."""
    if isinstance(value, str):
        return value if value else '""'
    return json.dumps(value, ensure_ascii=False)


def footer_html(
    *,
    notebook: str,
    parameters: Mapping[str, Any],
    overrides: Mapping[str, Any],
    inputs: Sequence[tuple[str, str]],
    rendered: str,
) -> Markup:
    """Footer HTML: version, notebook, parameters (and whether set for this report), data file hashes, date."""
    rows = [(name, format_value(value), name in overrides) for name, value in parameters.items()]
    return Markup(
        _environment()
        .get_template("footer.html.j2")
        .render(version=__version__, notebook=notebook, parameters=rows, inputs=list(inputs), rendered=rendered)
    )


def index_html(manifest: Mapping[str, Mapping[str, Any]], rendered: str) -> str:
    """The index page for a report folder's manifest entries (name -> file, title, parameters, ...)."""
    reports = []
    for name, entry in manifest.items():
        overrides = set(entry.get("overrides", []))
        reports.append(
            {
                "link": file_link(entry["file"], name),
                "title": entry.get("title", ""),
                "summary": entry.get("summary", ""),
                "scope_words": entry.get("scope", ""),
                "scope": [(k, v, k in overrides) for k, v in entry.get("parameters", {}).items() if k in overrides],
                "charts": entry.get("charts", ""),
                "notebook": entry.get("notebook", ""),
                "rendered": entry.get("rendered", ""),
            }
        )
    template = _environment().get_template("reports-index.html.j2")
    return template.render(reports=reports, version=__version__, rendered=rendered)
