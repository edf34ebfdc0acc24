"""Every use of a third-party private API, one small function each.

Why one home: a library may rename or reshape anything underscored (or any
internal hook) in a minor release. Kept here, each use is visible at a
glance, has a test in tests/test_compat.py that names the library and
version when it breaks, and says which public API would replace it.

Each function imports its library itself, so `kit.core` stays import-light.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

CellCallback = Callable[[int, int], None]


def infer_notebook_parameters(nb: Any, kernel_name: str, language: str) -> list[tuple[str, str, str]]:
    """The `parameters` cell's assignments of a notebook node: ``(name, default source, help)`` each.

    Private: ``papermill.inspection._infer_parameters``. Why: the public
    ``papermill.inspect_notebook`` takes a path and reads it with papermill's
    own I/O, so it cannot inspect a jupytext notebook or the node we already
    read. Public replacement: ``papermill.inspect_notebook`` once it accepts a
    ``NotebookNode``.
    """
    from papermill.inspection import _infer_parameters

    return [(p.name, p.default, p.help or "") for p in _infer_parameters(nb, name=kernel_name, language=language)]


def register_cell_progress_engine(name: str, current_callback: Callable[[], CellCallback | None]) -> str:
    """Register papermill engine `name`: nbclient's engine, calling ``callback(cell_index, n_cells)`` per cell start.

    `current_callback` is asked at each execution (e.g. a context variable),
    so one registered engine serves every render. Internals relied on:
    ``NBClientEngine.execute_managed_notebook``'s signature and that papermill
    calls ``nb_man.cell_start(cell, index)`` before each cell, markdown cells
    included (we wrap that bound method). Public replacement: nbclient's
    ``on_cell_start`` hook passed through ``papermill.execute_notebook(...,
    on_cell_start=...)`` -- but nbclient skips the hook for markdown cells, so
    the progress count would change.
    """
    from papermill.engines import NBClientEngine, papermill_engines

    class _ProgressEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            callback = current_callback()
            if callback is not None:
                total = len(nb_man.nb.cells)
                original = nb_man.cell_start

                def cell_start(cell: Any, cell_index: int | None = None, **kw: Any) -> Any:
                    callback(int(cell_index or 0), total)
                    return original(cell, cell_index, **kw)

                nb_man.cell_start = cell_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register(name, _ProgressEngine)
    return name


def offline_jupyterchart(cache_dir: Path | None) -> None:
    """Make `alt.JupyterChart` load Vega from the installed vl-convert, not from esm.sh.

    altair's ``JupyterChart.enable_offline()`` is public but rebuilds its
    bundle (seconds) in every kernel; we cache the bundle per altair and
    vl-convert version in `cache_dir` (None: no cache) and put it back.
    Private: the class attributes ``JupyterChart._esm`` (the anywidget module
    source) and ``JupyterChart._is_offline``. Public replacement: an
    ``enable_offline`` that caches its bundle, or one that accepts it.
    """
    import altair as alt
    import vl_convert as vlc

    chart = alt.JupyterChart
    if getattr(chart, "_is_offline", False):
        return
    # The extension module sets __version__ at run time; vl_convert's bundled stub leaves it out.
    vlc_version: str = vlc.__version__  # type: ignore[attr-defined]
    cache = cache_dir / f"jupyterchart-altair{alt.__version__}-vlc{vlc_version}.js" if cache_dir else None
    try:
        if cache is not None and cache.is_file() and hasattr(chart, "_esm"):
            chart._esm = only_current_view_updates(cache.read_text(encoding="utf-8"))
            chart._is_offline = True
            return
    except OSError:
        pass
    chart.enable_offline()
    chart._esm = only_current_view_updates(chart._esm)
    if cache is None:
        return
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(chart._esm, encoding="utf-8")
    except OSError:  # read-only home: rebuild next time
        pass


_STALE_GUARD = "if(finalize!==api.finalize)return;"
_UPDATE_HANDLERS = ('model.on("change:_py_to_js_updates",async updates=>{',
                    'model.on("change:_params",async new_params=>{')


def only_current_view_updates(esm: str) -> str:
    """altair's widget script with its data and param handlers answering for the drawn view only.

    Why: each new ``spec`` makes the script embed a new Vega view and add one
    more ``change:_py_to_js_updates`` (and ``change:_params``) handler without
    removing the old view's. Finalized views keep their dataflow, so every data
    update re-ran every view ever embedded: after a dozen layout changes one
    ClaimExplorer update took 300-650 ms of the browser's time instead of ~60
    ms. The guard makes a handler whose view is no longer the current one
    (``finalize`` holds the current view's) return at once. Private: the text
    of altair's bundled ``jupyter/js/index.js`` (altair 5.4-6.x); when it no
    longer matches, the script is left as it is (updates stay right, only
    slower). Public replacement: a fix upstream that removes the handlers in
    ``reembed`` (``model.off``) before embedding again.
    """
    if _STALE_GUARD in esm:
        return esm
    for handler in _UPDATE_HANDLERS:
        esm = esm.replace(handler, handler + _STALE_GUARD)
    return esm


def observe_chart_selections(chart: Any, callback: Callable[[dict[str, Any]], None]) -> None:
    """Call ``callback(change)`` whenever the browser changes a selection of an `alt.JupyterChart`.

    ``change["new"]`` is Vega's raw selection state, ``{param name: {"value":
    signal, "store": [...]}}``; the kit reads ``value["vlPoint"]["or"]`` from it
    to learn the picked rows' fields. Private: the synced trait
    ``JupyterChart._vl_selections``. Public replacement: ``chart.selections.observe``
    with altair's typed ``PointSelection`` objects (their ``value`` is a list
    of the picked rows' fields).
    """
    chart.observe(callback, names="_vl_selections")


def push_chart_data(chart: Any, name: str, values: list[dict[str, Any]], spec: dict[str, Any] | None = None) -> None:
    """Replace the rows of the named dataset `name` in a drawn `alt.JupyterChart`, keeping its view.

    Why: assigning a new ``spec`` makes the browser compile and embed the chart
    from scratch (hundreds of milliseconds per control change); a data update
    re-runs only Vega's dataflow. Private: the synced trait
    ``JupyterChart._py_to_js_updates`` (altair's VegaFusion channel, whose
    browser side replaces a top-level dataset's rows and re-runs the view).
    With `spec` (a new layout), the whole spec is sent instead and the pending
    update cleared, so what the browser draws is always the last data update
    if any, else ``chart.spec`` (`drawn_chart_data`). Public replacement: none
    yet in altair; Vega's own ``view.data(name, values)`` behind a public trait.
    """
    if spec is not None:
        with chart.hold_sync():
            chart.spec = spec
            chart._py_to_js_updates = []
        return
    chart._py_to_js_updates = [{"namespace": "data", "name": name, "scope": [], "value": values}]


def drawn_chart_data(chart: Any, name: str) -> list[dict[str, Any]]:
    """The rows of dataset `name` that an `alt.JupyterChart` updated by `push_chart_data` draws."""
    for update in reversed(chart._py_to_js_updates or []):
        if update.get("namespace") == "data" and update.get("name") == name:
            return list(update["value"])
    return list((chart.spec or {}).get("datasets", {}).get(name, []))


_IRI_SYNTAX = "rfc3987_syntax"


class _LazyIriSyntax(types.ModuleType):
    """Stands in for `rfc3987_syntax` until it is used, then hands over to the real module."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # import machinery and introspection: never load for those
            raise AttributeError(name)
        return getattr(_real_iri_syntax(), name)

    @staticmethod
    def is_valid_syntax(term: str, value: str) -> Any:
        return _real_iri_syntax().is_valid_syntax(term, value)


def _real_iri_syntax() -> types.ModuleType:
    if isinstance(sys.modules.get(_IRI_SYNTAX), _LazyIriSyntax):
        del sys.modules[_IRI_SYNTAX]
    return importlib.import_module(_IRI_SYNTAX)


def defer_iri_syntax() -> None:
    """Let `rfc3987_syntax` compile its grammar when an IRI is first checked, not when jsonschema is imported.

    Why: jsonschema imports ``rfc3987_syntax.is_valid_syntax`` (when installed)
    to offer the "iri" format check, and that import compiles a Lark Earley
    grammar: 2-4 s of every kernel's import cell, because altair and nbformat
    import jsonschema. The kit never checks IRIs; anything that does still
    gets the real function, loaded on its first call. Internals relied on: the
    module name and its ``is_valid_syntax(term, value)`` (what jsonschema 4.2x
    imports); nothing is done when jsonschema is already imported or the
    package is absent. Public replacement: none (a grammar cached or built on
    first use upstream).
    """
    if "jsonschema" in sys.modules or _IRI_SYNTAX in sys.modules:
        return
    try:
        if importlib.util.find_spec(_IRI_SYNTAX) is None:
            return
    except (ImportError, ValueError):
        return
    module = _LazyIriSyntax(_IRI_SYNTAX, "rfc3987_syntax, loaded on first use (kit.core._compat.defer_iri_syntax)")
    sys.modules[_IRI_SYNTAX] = module


class JupyterChartCompat:
    """The `alt.JupyterChart` internals above under one name, so the `kit.core` facade stays small."""

    offline = staticmethod(offline_jupyterchart)
    observe_selections = staticmethod(observe_chart_selections)
    push_data = staticmethod(push_chart_data)
    drawn_data = staticmethod(drawn_chart_data)
