"""Charts in a live kernel: the kit's offline widget renderer, chosen by the kit itself (kit/present/_live.py)."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import nbformat
import pytest

from kit.present import EMBED_OPTIONS, LIVE_RENDERER, live_chart, use_live_renderer
from kit.present._live import live_renderer

WIDGET = "application/vnd.jupyter.widget-view+json"


def _spec() -> dict[str, Any]:
    return alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q").to_dict()


def test_live_renderer_is_an_offline_widget_with_the_spec_beside() -> None:
    data, _meta = live_renderer(_spec())
    assert WIDGET in data and data["application/vnd.vegalite.v6+json"]["mark"] == {"type": "point"}
    chart = live_chart(spec=_spec())
    assert "esm.sh" not in chart._esm and len(chart._esm) > 100_000  # vega bundled, no CDN
    # a mark's link opens a new tab: the lab never navigates away; no link to the online editor
    assert chart.embed_options["loader"]["target"] == "_blank" and "noopener" in chart.embed_options["loader"]["rel"]
    assert EMBED_OPTIONS["actions"]["editor"] is False


def test_outside_a_kernel_nothing_changes() -> None:
    before = alt.renderers.active
    assert use_live_renderer() is None and alt.renderers.active == before


@pytest.mark.slow
@pytest.mark.parametrize(("render", "expected"), [("", LIVE_RENDERER), ("1", "kit")])
def test_a_kernel_picks_the_renderer_on_import(repo_dir: Any, monkeypatch: pytest.MonkeyPatch, render: str,
                                               expected: str) -> None:
    """Importing the kit in a kernel is enough; under `kit render` the report renderer stays."""
    from nbclient import NotebookClient

    monkeypatch.setenv("KIT_RENDER", render)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "import altair as alt\n"
        "if __import__('os').environ.get('KIT_RENDER'):\n"
        "    import kit.report; kit.report.enable()\n"
        "import kit.present.charts\n"
        "print(alt.renderers.active)\n"
        "alt.Chart(alt.Data(values=[{'a': 1}])).mark_point().encode(x='a:Q')")]
    NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(repo_dir)}}).execute()
    outputs = nb.cells[0].outputs
    assert expected in "".join(o.get("text", "") for o in outputs)
    shown = json.dumps([o.get("data", {}) for o in outputs])
    assert (WIDGET in shown) == (expected == LIVE_RENDERER)
