"""Every third-party private API the kit relies on (kit.core._compat), exercised on a tiny real input.

When a library renames or reshapes one of them, the failure names the library
and its installed version: update kit/core/_compat.py, whose docstrings say
which public API would replace each use.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version
from pathlib import Path
from typing import Any

import altair as alt
import nbformat
import pytest

from kit.core import JupyterChartCompat, infer_notebook_parameters, register_cell_progress_engine

offline_jupyterchart = JupyterChartCompat.offline
observe_chart_selections = JupyterChartCompat.observe_selections
push_chart_data = JupyterChartCompat.push_data
drawn_chart_data = JupyterChartCompat.drawn_data


def _changed(library: str, what: str) -> str:
    """The failure message: library, installed version, what changed and where to fix it."""
    return f"{library} {version(library)} changed {what}; update kit/core/_compat.py"


def _notebook(*cells: tuple[str, str, list[str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    for kind, source, tags in cells:
        cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


# --------------------------------------------------------------------------- papermill


def test_papermill_infer_parameters_reads_the_parameters_cell() -> None:
    nb = _notebook(
        ("markdown", "# Title", []),
        ("code", 'place = "iq;sy"  # gazetteer ids\nn = 3\nratio = 0.5\n', ["parameters"]),
        ("code", "x = 1", []),
    )
    try:
        found = infer_notebook_parameters(nb, "python3", "python")
    except (ImportError, AttributeError, TypeError) as exc:
        pytest.fail(_changed("papermill", f"papermill.inspection._infer_parameters ({exc!r})"))
    assert found == [("place", '"iq;sy"', "gazetteer ids"), ("n", "3", ""), ("ratio", "0.5", "")], _changed(
        "papermill", f"what _infer_parameters returns (got {found!r})"
    )


def test_papermill_infer_parameters_without_parameters_cell_is_empty() -> None:
    nb = _notebook(("code", "n = 3", []))
    assert infer_notebook_parameters(nb, "python3", "python") == [], _changed(
        "papermill", "_infer_parameters on a notebook without a parameters cell"
    )


def test_papermill_engine_internals_the_progress_engine_wraps() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    engine = papermill_engines.get_engine(register_cell_progress_engine("kit-compat-test", lambda: None))
    assert issubclass(engine, NBClientEngine), _changed("papermill", "papermill_engines.register/get_engine")
    params = list(inspect.signature(NBClientEngine.execute_managed_notebook).parameters)
    assert params[:2] == ["nb_man", "kernel_name"], _changed(
        "papermill", f"NBClientEngine.execute_managed_notebook's signature ({params})"
    )
    params = list(inspect.signature(NotebookExecutionManager.cell_start).parameters)
    assert params[:3] == ["self", "cell", "cell_index"], _changed(
        "papermill", f"NotebookExecutionManager.cell_start's signature ({params})"
    )
    source = inspect.getsource(PapermillNotebookClient.papermill_execute_cells)
    assert "self.nb_man.cell_start(cell, index)" in source, _changed(
        "papermill", "how PapermillNotebookClient announces a cell start (nb_man.cell_start)"
    )


@pytest.mark.slow
def test_papermill_progress_engine_reports_every_cell_start(tmp_path: Path) -> None:
    import papermill

    calls: list[tuple[int, int]] = []
    nb = _notebook(("markdown", "# Title", []), ("code", "x = 1", []), ("code", "y = x + 1", []))
    engine = register_cell_progress_engine("kit-compat-test", lambda: lambda i, n: calls.append((i, n)))
    papermill.execute_notebook(
        nb, None, engine_name=engine, kernel_name="python3", progress_bar=False, cwd=str(tmp_path)
    )
    assert calls == [(0, 3), (1, 3), (2, 3)], _changed("papermill", f"cell start calls of the engine (got {calls})")


# --------------------------------------------------------------------------- altair JupyterChart


def _cache_name() -> str:
    import vl_convert as vlc

    return f"jupyterchart-altair{alt.__version__}-vlc{vlc.__version__}.js"


@pytest.fixture()
def online_jupyterchart(monkeypatch: pytest.MonkeyPatch) -> type:
    """alt.JupyterChart as if never made offline; its class attributes are restored afterwards."""
    chart = alt.JupyterChart
    for attr in ("_esm", "_is_offline"):
        assert hasattr(chart, attr), _changed("altair", f"JupyterChart.{attr} (gone)")
    monkeypatch.setattr(chart, "_esm", chart._esm)
    monkeypatch.setattr(chart, "_is_offline", False)
    return chart


def test_jupyterchart_takes_its_module_from_the_cache(online_jupyterchart: type, tmp_path: Path) -> None:
    module = "export default { render({ model, el }) { el.textContent = 'cached'; } };\n"
    (tmp_path / _cache_name()).write_text(module, encoding="utf-8")
    offline_jupyterchart(tmp_path)
    assert online_jupyterchart._esm == module and online_jupyterchart._is_offline is True, _changed(
        "altair", "JupyterChart._esm/_is_offline"
    )
    widget = alt.JupyterChart(alt.Chart(alt.InlineData(values=[{"a": 1}])).mark_point().encode(x="a:Q"))
    assert widget._esm == module, _changed("anywidget", "how a widget's _esm class attribute reaches the front end")


@pytest.mark.slow
def test_jupyterchart_offline_bundle_is_built_and_cached(online_jupyterchart: type, tmp_path: Path) -> None:
    offline_jupyterchart(tmp_path)
    cached = tmp_path / _cache_name()
    assert cached.is_file() and cached.read_text(encoding="utf-8") == online_jupyterchart._esm, _changed(
        "altair", "JupyterChart.enable_offline's bundle (JupyterChart._esm)"
    )
    assert "esm.sh" not in online_jupyterchart._esm, _changed(
        "altair", "JupyterChart.enable_offline (still uses a CDN)"
    )
    # each handler of data/param updates answers for the drawn view only (`only_current_view_updates`)
    assert online_jupyterchart._esm.count("if(finalize!==api.finalize)return;") == 2, _changed(
        "altair", "the bundled JupyterChart script's update handlers (the stale-view guard no longer applies)"
    )


def test_jupyterchart_selection_trait_carries_vega_point_state() -> None:
    chart = (
        alt.Chart(alt.InlineData(values=[{"claim_id": "c1", "x": 1}, {"claim_id": "c2", "x": 2}]))
        .mark_point()
        .encode(x="x:Q")
        .add_params(alt.selection_point(name="pick", fields=["claim_id"]))
    )
    widget = alt.JupyterChart(chart)
    seen: list[dict[str, Any]] = []
    try:
        observe_chart_selections(widget, seen.append)
        initial = widget._vl_selections
    except (AttributeError, TypeError, ValueError) as exc:
        pytest.fail(_changed("altair", f"JupyterChart._vl_selections ({exc!r})"))
    assert initial == {"pick": {"value": None, "store": []}}, _changed(
        "altair", f"JupyterChart._vl_selections' initial shape ({initial!r})"
    )
    # What the browser sends when the mark of claim c1 is clicked (Vega's point selection state).
    state = {
        "value": {"vlPoint": {"or": [{"claim_id": "c1"}]}, "claim_id": ["c1"]},
        "store": [{"unit": "", "fields": [{"field": "claim_id", "channel": None, "type": "E"}], "values": ["c1"]}],
    }
    widget._vl_selections = {"pick": state}
    assert [change["new"] for change in seen] == [{"pick": state}], _changed(
        "altair", "what observing JupyterChart._vl_selections reports"
    )
    assert widget.selections.pick.value == [{"claim_id": "c1"}], _changed(
        "altair", "how JupyterChart reads _vl_selections into its public selections"
    )


def test_jupyterchart_data_updates_reach_the_drawn_view() -> None:
    """`push_chart_data` rides on JupyterChart's synced `_py_to_js_updates`, whose browser side swaps a dataset."""
    js = (Path(alt.__file__).parent / "jupyter" / "js" / "index.js").read_text(encoding="utf-8")
    assert "change:_py_to_js_updates" in js and 'update.namespace === "data"' in js, _changed(
        "altair", "the JupyterChart browser side of _py_to_js_updates")
    chart = alt.JupyterChart(alt.Chart(alt.NamedData(name="rows")).mark_point().encode(x="a:Q").properties(
        datasets={"rows": [{"a": 1}]}))
    assert chart.trait_metadata("_py_to_js_updates", "sync"), _changed("altair", "JupyterChart._py_to_js_updates")
    spec = chart.spec
    push_chart_data(chart, "rows", [{"a": 2}, {"a": 3}])
    assert chart.spec is spec and drawn_chart_data(chart, "rows") == [{"a": 2}, {"a": 3}]
    push_chart_data(chart, "rows", [{"a": 4}], spec={**spec, "datasets": {"rows": [{"a": 4}]}})
    assert chart._py_to_js_updates == [] and drawn_chart_data(chart, "rows") == [{"a": 4}]
