"""Execute notebooks with papermill and export them as offline, reproducible HTML reports.

Why this shape: every check that can fail without running code (notebook
missing, unknown or invalid parameter, duplicate report name) runs before any
kernel starts; a report is written to a temporary file and renamed only when
complete, so a failing cell never leaves a half report for someone to publish.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import functools
import hashlib
import html
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import yaml

from kit.core import PARTIAL_DATE, repo_root
from kit.report._renderer import INPUTS_ENV, RENDER_ENV, VEGALITE_MIME
from kit.core import __version__
from kit.present import file_link

__all__ = [
    "ReportError",
    "ParameterError",
    "ReportSetError",
    "CellError",
    "NotebookParameter",
    "ReportSpec",
    "RenderResult",
    "notebook_parameters",
    "parse_cli_parameters",
    "check_parameters",
    "check_reports",
    "load_report_set",
    "render",
    "render_set",
    "write_index",
    "render_date",
    "TEMPLATE_DIR",
]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_MANIFEST = ".kit-reports.json"
_KERNEL = "python3"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_REMOVE_TAGS = {"remove_cell", "remove-cell", "hide", "hide-cell"}
_REMOVE_INPUT_TAGS = {"remove_input", "remove-input", "hide-input"}
_REMOVE_OUTPUT_TAGS = {"remove_output", "remove-output", "hide-output"}

Status = Callable[[str], None]


# --------------------------------------------------------------------------- errors


class ReportError(Exception):
    """A report could not be rendered; the message names notebook and reason."""


class ParameterError(ReportError):
    """An unknown or invalid parameter, found before anything is executed."""


class ReportSetError(ReportError):
    """A malformed report set file (names the file and line)."""


class CellError(ReportError):
    """A notebook cell raised; carries the cell index (0-based, as in the notebook file)."""

    def __init__(self, notebook: str, cell_index: int, exec_count: int | None, ename: str, evalue: str, source: str):
        self.notebook = notebook
        self.cell_index = cell_index
        self.exec_count = exec_count
        self.ename = ename
        self.evalue = evalue
        self.source = source
        first = next((line for line in source.splitlines() if line.strip()), "")
        count = f" (In [{exec_count}])" if exec_count is not None else ""
        super().__init__(
            f"{notebook}: cell {cell_index}{count} raised {ename}: {evalue}\n    {first.strip()[:200]}"
        )


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True, slots=True)
class NotebookParameter:
    """One assignment of a notebook's `parameters` cell."""

    name: str
    default: Any
    source: str
    help: str = ""

    @property
    def kind(self) -> type:
        """The type of the default (a str default accepts strings, an int default ints, ...)."""
        return type(self.default)


def _read_notebook(path: Path) -> nbformat.NotebookNode:
    if not path.is_file():
        raise ReportError(f"{path}: notebook not found")
    try:
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
        else:
            import jupytext

            nb = jupytext.read(path)
    except Exception as exc:  # a broken file must name itself, not show a JSON traceback
        raise ReportError(f"{path}: cannot read notebook: {exc}") from exc
    for cell in nb.cells:  # papermill expects every cell to carry a tags list
        cell.metadata.setdefault("tags", [])
    return nb


def _parameters_of(nb: nbformat.NotebookNode, label: str) -> dict[str, NotebookParameter]:
    from papermill.inspection import _infer_parameters

    params: dict[str, NotebookParameter] = {}
    for p in _infer_parameters(nb, name=_KERNEL, language="python"):
        try:
            default = ast.literal_eval(p.default)
        except (ValueError, SyntaxError) as exc:
            raise ParameterError(
                f"{label}: parameters cell: {p.name} = {p.default} is not a literal "
                "(parameters must be plain values: str, int, float, bool, None, list)"
            ) from exc
        params[p.name] = NotebookParameter(p.name, default, p.default, p.help or "")
    return params


def notebook_parameters(notebook: str | os.PathLike[str]) -> dict[str, NotebookParameter]:
    """The parameters a notebook declares in its `parameters`-tagged cell."""
    path = Path(notebook)
    return _parameters_of(_read_notebook(path), str(path))


def parse_cli_parameters(pairs: Sequence[str]) -> dict[str, str]:
    """``["place=sy", "until=2017-05-31"]`` -> dict; values stay strings until checked."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(f"-p {pair!r}: expected key=value")
        if key in out:
            raise ParameterError(f"-p {key}: given twice")
        out[key] = value
    return out


_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def _coerce(label: str, param: NotebookParameter, value: Any) -> Any:
    """Convert a value (a CLI string or a YAML value) to the type of the parameter's default."""
    kind = param.kind
    where = f"{label}: parameter {param.name}"
    if param.default is None:
        return yaml.safe_load(value) if isinstance(value, str) else value
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ParameterError(f"{where}: {value!r} is not true/false")
    if kind is int:
        if isinstance(value, bool):
            raise ParameterError(f"{where}: {value!r} is not an integer")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ParameterError(f"{where}: {value!r} is not an integer") from None
    if kind is float:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"{where}: {value!r} is not a number") from None
    if kind is str:
        if isinstance(value, bool) or value is None or isinstance(value, list | dict):
            raise ParameterError(f"{where}: {value!r} is not text")
        return str(value)
    if kind is list:
        if isinstance(value, list):
            return value
        if isinstance(value, str):
            return [v.strip() for v in value.split(";") if v.strip()]
        raise ParameterError(f"{where}: {value!r} is not a list")
    if isinstance(value, str):
        return yaml.safe_load(value)
    return value


def _is_date_param(name: str) -> bool:
    return name in {"until", "since", "as_of", "start", "end", "date"} or name.endswith(("_date", "_until", "_since"))


def _check_domain(label: str, name: str, value: Any) -> None:
    """Domain checks by parameter name: places resolve in the gazetteer, dates parse."""
    where = f"{label}: parameter {name}"
    if value is None or value == "":
        return
    if _is_date_param(name):
        text = str(value)
        if not PARTIAL_DATE.match(text):
            raise ParameterError(f"{where}: {text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        try:
            parts = [int(p) for p in text.split("-")] + [1, 1]
            datetime(parts[0], parts[1], parts[2])
        except ValueError:
            raise ParameterError(f"{where}: {text!r} is not a real calendar date") from None
    if name in {"place", "places"}:
        gazetteer = _gazetteer()
        if gazetteer is None:
            return
        items = value if isinstance(value, list) else str(value).split(";")
        for item in (str(i).strip() for i in items):
            if not item:
                raise ParameterError(f"{where}: empty place in {value!r} (ids are separated by ';')")
            if item not in gazetteer and gazetteer.resolve(item) is None:
                raise ParameterError(f"{where}: {item!r} is not a gazetteer id or known place name")


@functools.lru_cache(maxsize=1)
def _gazetteer() -> Any:
    """The project gazetteer for place checks, or None when it is not available yet."""
    try:
        from kit.ledger import load_gazetteer

        return load_gazetteer()
    except Exception:  # no gazetteer in this checkout: skip the place check, never block
        return None


def check_parameters(
    notebook: str | os.PathLike[str],
    overrides: Mapping[str, Any] | None = None,
    *,
    label: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate `overrides` against the notebook's parameters before executing anything.

    Returns ``(effective, coerced_overrides)``: every parameter's value for the
    footer, and the overrides converted to the defaults' types for papermill.
    """
    path = Path(notebook)
    where = label or str(path)
    nb = _read_notebook(path)
    declared = _parameters_of(nb, where)
    overrides = dict(overrides or {})
    if overrides and not declared:
        raise ParameterError(
            f"{where}: has no cell tagged 'parameters', so it takes no parameters "
            f"(given: {', '.join(sorted(overrides))})"
        )
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise ParameterError(
            f"{where}: unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"
            f" (this notebook takes: {', '.join(declared) or 'none'})"
        )
    problems: list[str] = []
    coerced: dict[str, Any] = {}
    for key, value in overrides.items():
        try:
            coerced[key] = _coerce(where, declared[key], value)
        except ParameterError as exc:
            problems.append(str(exc))
    effective = {k: coerced.get(k, p.default) for k, p in declared.items()}
    for key, value in effective.items():
        if key in overrides and key not in coerced:
            continue
        try:
            _check_domain(where, key, value)
        except ParameterError as exc:
            problems.append(str(exc))
    if problems:  # every bad parameter at once, so one fix-and-retry is enough
        raise ParameterError("\n".join(problems))
    return effective, coerced


# --------------------------------------------------------------------------- report sets


@dataclass(frozen=True)
class ReportSpec:
    """One report to render: a notebook, an output name and its parameters (one scope)."""

    notebook: Path
    name: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    title: str | None = None
    inputs: tuple[str, ...] = ()
    origin: str = ""

    @property
    def label(self) -> str:
        return self.origin or str(self.notebook)


def load_report_set(path: str | os.PathLike[str]) -> list[ReportSpec]:
    """Read a report set YAML file (a list, or a mapping with a ``reports:`` list).

    Each entry: ``notebook`` (relative to the YAML file's folder), ``name``
    (output file stem; default the notebook stem), ``parameters`` (mapping),
    optional ``title`` and ``inputs`` (extra data files or globs, relative to
    the repo root, hashed into the footer).
    """
    file = Path(path)
    if not file.is_file():
        raise ReportSetError(f"{file}: report set not found")
    text = file.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ReportSetError(f"{file}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    nodes: list[Any] = []
    if isinstance(data, dict) and "reports" in data:
        entries = data["reports"]
        for key_node, value_node in root.value:
            if key_node.value == "reports":
                nodes = list(getattr(value_node, "value", []))
    else:
        entries = data
        nodes = list(getattr(root, "value", [])) if root is not None else []
    if not isinstance(entries, list) or not entries:
        raise ReportSetError(f"{file}:1: reports: expected a non-empty list of reports")
    specs: list[ReportSpec] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        line = nodes[i].start_mark.line + 1 if i < len(nodes) else 1
        where = f"{file}:{line}"
        if not isinstance(entry, dict):
            raise ReportSetError(f"{where}: entry: expected a mapping with notebook, name, parameters")
        extra = sorted(set(entry) - {"notebook", "name", "parameters", "title", "inputs"})
        if extra:
            raise ReportSetError(f"{where}: {extra[0]}: unknown key (allowed: notebook, name, parameters, title, inputs)")
        nb_text = entry.get("notebook")
        if not isinstance(nb_text, str) or not nb_text:
            raise ReportSetError(f"{where}: notebook: required (path relative to {file.parent})")
        notebook = (file.parent / nb_text).resolve()
        if not notebook.is_file():
            raise ReportSetError(f"{where}: notebook: {nb_text} does not exist")
        name = entry.get("name", notebook.stem)
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise ReportSetError(f"{where}: name: {name!r} must be letters, digits, '.', '_' or '-'")
        if name == "index":
            raise ReportSetError(f"{where}: name: 'index' is reserved for the report index")
        if name in seen:
            raise ReportSetError(f"{where}: name: {name!r} already used at line {seen[name]}")
        seen[name] = str(line)
        params = entry.get("parameters") or {}
        if not isinstance(params, dict):
            raise ReportSetError(f"{where}: parameters: expected a mapping of name: value")
        inputs = entry.get("inputs") or []
        if isinstance(inputs, str):
            inputs = [inputs]
        if not isinstance(inputs, list) or not all(isinstance(x, str) for x in inputs):
            raise ReportSetError(f"{where}: inputs: expected a list of paths or globs")
        title = entry.get("title")
        if title is not None and not isinstance(title, str):
            raise ReportSetError(f"{where}: title: expected text")
        specs.append(ReportSpec(notebook, name, {str(k): v for k, v in params.items()}, title, tuple(inputs), where))
    return specs


# --------------------------------------------------------------------------- execution


_CELL_CALLBACK: contextvars.ContextVar[Callable[[int, int], None] | None] = contextvars.ContextVar(
    "kit_cell_callback", default=None
)


def _register_engine() -> str:
    """A papermill engine that reports each cell start, for the progress display."""
    from papermill.engines import NBClientEngine, papermill_engines

    class _KitEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            callback = _CELL_CALLBACK.get()
            if callback is not None:
                total = len(nb_man.nb.cells)
                original = nb_man.cell_start

                def cell_start(cell: Any, cell_index: int | None = None, **kw: Any) -> Any:
                    callback(int(cell_index or 0), total)
                    return original(cell, cell_index, **kw)

                nb_man.cell_start = cell_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register("kit", _KitEngine)
    return "kit"


@contextlib.contextmanager
def _environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the kernel we start, restoring them afterwards."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_STARTUP = """\
# Written by kit render: charts go through the kit renderer even if a notebook forgets kit.report.enable().
try:
    import kit.report as _kit_report
    _kit_report.enable()
    del _kit_report
except Exception as _exc:  # the notebook's own imports will show the real problem
    print("kit render: could not enable the kit renderer:", _exc)
"""


def _kernel_profile(work: Path) -> Path:
    """A fresh IPython dir for the render kernel: no user startup files or config, kit renderer on.

    Why: a user's ipython_config or startup scripts would make reports depend on
    who rendered them; and a notebook that forgets `enable()` must still draw offline.
    """
    folder = work / "ipython"
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-kit-render.py").write_text(_STARTUP, encoding="utf-8")
    # The kernel's own log (TCP notice, shutdown interrupt) would interleave with the progress display;
    # cell errors still reach us through the notebook outputs.
    (folder / "profile_default" / "ipython_kernel_config.py").write_text(
        'c.IPKernelApp.log_level = "CRITICAL"\n', encoding="utf-8"
    )
    return folder


_REMOTE_SCRIPT = re.compile(
    r"""<script[^>]+src\s*=\s*["']?(?:https?:)?//|cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com""",
    re.IGNORECASE,
)


def _check_offline(nb: nbformat.NotebookNode, label: str) -> None:
    """Refuse outputs that load scripts from the network (e.g. a chart shown with altair's html renderer)."""
    injected = 0
    for index, cell in enumerate(nb.cells):
        if "injected-parameters" in cell.metadata.get("tags", []):
            injected += 1
            continue
        for output in cell.get("outputs", []):
            if "kit" in (output.get("metadata") or {}):  # the kit renderer's own chart output
                continue
            text = (output.get("data") or {}).get("text/html", "")
            text = "".join(text) if isinstance(text, list) else str(text)
            if "<script" in text.lower() and _REMOTE_SCRIPT.search(text):
                raise ReportError(
                    f"{label}: cell {index - injected} displays HTML that loads a script from the network, so the report "
                    "would not work offline (charts: call kit.report.enable(); do not switch altair renderers)"
                )


def _execute(
    nb: nbformat.NotebookNode,
    spec_label: str,
    notebook: Path,
    overrides: Mapping[str, Any],
    inputs_file: Path,
    timeout: int | None,
    on_cell: Callable[[int, int], None] | None,
) -> nbformat.NotebookNode:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("papermill").setLevel(logging.ERROR)
    engine = _register_engine()
    token = _CELL_CALLBACK.set(on_cell)
    ipython_dir = _kernel_profile(inputs_file.parent)
    env = {RENDER_ENV: "1", INPUTS_ENV: str(inputs_file), "PYTHONHASHSEED": "0", "IPYTHONDIR": str(ipython_dir)}
    try:
        with _environ(env):
            return papermill.execute_notebook(
                nb,
                None,
                parameters=dict(overrides),
                engine_name=engine,
                kernel_name=_KERNEL,
                language="python",
                progress_bar=False,
                request_save_on_cell_execute=False,
                cwd=str(notebook.parent),
                execution_timeout=timeout,
            )
    except PapermillExecutionError as exc:
        raise CellError(
            spec_label, _original_index(exc, overrides, nb), exc.exec_count, exc.ename, exc.evalue, exc.source
        ) from None
    except ReportError:
        raise
    except Exception as exc:  # kernel died, timeout, kernel not installed...
        raise ReportError(f"{spec_label}: execution failed: {type(exc).__name__}: {exc}") from None
    finally:
        _CELL_CALLBACK.reset(token)


def _original_index(exc: Any, overrides: Mapping[str, Any], nb: nbformat.NotebookNode) -> int:
    """Map papermill's cell index back to the notebook file (minus the injected parameters cell)."""
    index = int(exc.cell_index)
    if not overrides:
        return index
    from papermill.utils import find_first_tagged_cell_index

    params_at = find_first_tagged_cell_index(nb, "parameters")
    return index - 1 if params_at >= 0 and index > params_at else index


# --------------------------------------------------------------------------- export


@functools.lru_cache(maxsize=2)
def _bundle(vl_version: str) -> str:
    """vl-convert's Vega + Vega-Lite + vega-embed bundle, safe inside a <script> element."""
    import vl_convert as vlc

    text = vlc.javascript_bundle(vl_version=vl_version)
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


def _vl_version() -> str:
    """The Vega-Lite version vl-convert should bundle: altair's schema major.minor if available."""
    import altair as alt
    import vl_convert as vlc

    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    available = list(vlc.get_vegalite_versions())
    if wanted in available:
        return wanted
    return available[-1]


def render_date() -> datetime:
    """`SOURCE_DATE_EPOCH` (UTC) when set, so renders are reproducible; else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except ValueError:
            raise ReportError(f"SOURCE_DATE_EPOCH={epoch!r} is not an integer number of seconds") from None
    return datetime.now(tz=UTC).replace(microsecond=0)


def _display_path(path: Path) -> str:
    """Paths in the footer relative to the repo root (stable across checkouts)."""
    try:
        root = repo_root()
    except FileNotFoundError:
        return str(path)
    resolved = path.resolve()
    if resolved.is_relative_to(root) or resolved.is_relative_to(root.parent / "shared"):
        return os.path.relpath(resolved, root)
    return str(resolved)


def _hash_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _declared_files(declared: Sequence[str], label: str) -> list[Path]:
    """Files named by a report's ``inputs`` (paths or globs under the repo root); checked before executing."""
    root = repo_root()
    files: list[Path] = []
    for pattern in declared:
        matches = sorted(root.glob(pattern)) if any(c in pattern for c in "*?[") else [root / pattern]
        if not matches or not all(m.is_file() for m in matches):
            raise ReportError(f"{label}: inputs: {pattern} matches no file under {root}")
        files += [m.resolve() for m in matches]
    return files


def _collect_inputs(inputs_file: Path, declared: Sequence[Path]) -> list[tuple[str, str]]:
    """Recorded (by `record_input`) and declared data files: (repo-relative path, sha256)."""
    found: dict[Path, str] = {}
    if inputs_file.is_file():
        for line in inputs_file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                found[Path(item["path"])] = item["sha256"]
    for path in declared:
        found[path] = _hash_file(path)
    return sorted((_display_path(p), digest) for p, digest in found.items())


def _format_value(value: Any) -> str:
    if isinstance(value, str):
        return value if value else '""'
    return json.dumps(value, ensure_ascii=False)


def _footer(
    *,
    notebook: str,
    parameters: Mapping[str, Any],
    overrides: Mapping[str, Any],
    inputs: Sequence[tuple[str, str]],
    rendered: str,
) -> str:
    """Escaped footer HTML: version, notebook, parameters, data file hashes, render date."""
    e = functools.partial(html.escape, quote=True)
    rows = "".join(
        f"<tr><td>{e(k)}</td><td dir=\"auto\">{e(_format_value(v))}</td>"
        f"<td>{'set for this report' if k in overrides else 'notebook default'}</td></tr>"
        for k, v in parameters.items()
    )
    params = (
        f'<table class="kit-footer-table"><thead><tr><th>parameter</th><th>value</th><th></th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        if parameters
        else "<p>This notebook takes no parameters.</p>"
    )
    files = "".join(f"<tr><td>{e(path)}</td><td><code>{e(digest)}</code></td></tr>" for path, digest in inputs)
    data = (
        f'<table class="kit-footer-table"><thead><tr><th>data file</th><th>sha256</th></tr></thead>'
        f"<tbody>{files}</tbody></table>"
        if inputs
        else "<p>No data files were recorded for this report.</p>"
    )
    return (
        '<footer class="kit-footer">\n'
        f"<p>Rendered by casualty-kit {e(__version__)} from <code>{e(notebook)}</code> "
        f'on <time datetime="{e(rendered)}">{e(rendered)}</time>.</p>\n'
        f"<h4>Scope (parameters)</h4>\n{params}\n<h4>Data files used</h4>\n{data}\n"
        "</footer>"
    )


_CSS = """
.kit-chart { margin: 0.5em 0; }
table.kit-table td, table.kit-table th { text-align: start; }
.kit-chart-error { color: #a00; border: 1px solid #a00; padding: 0.5em; white-space: pre-wrap; }
.vega-embed .vega-bindings { font-size: 0.9em; }
.kit-footer { margin: 3em 1em 1em; padding-top: 1em; border-top: 1px solid #ccc; font-size: 0.85em; color: #444; }
.kit-footer-table { border-collapse: collapse; }
.kit-footer-table td, .kit-footer-table th { border: 1px solid #ddd; padding: 2px 6px; text-align: start; overflow-wrap: anywhere; }
"""


def _prepare_for_export(nb: nbformat.NotebookNode, title: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Pull chart specs out, drop stderr and volatile metadata; returns (specs, stderr texts)."""
    specs: list[dict[str, Any]] = []
    stderr: list[str] = []
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    nb.metadata["title"] = title
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell["id"] = f"cell-{index}"  # papermill's injected cell gets a random id
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                stderr.append(f"cell {index}: {output.get('text', '').strip()}")
                continue
            data = output.get("data")
            if data and VEGALITE_MIME in data:
                specs.append(data.pop(VEGALITE_MIME))
            kept.append(output)
        if "outputs" in cell:
            cell.outputs = kept
    return specs, stderr


def _title_of(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return re.sub(r"[*_`]", "", line[2:]).strip()
    return fallback


def _export_html(nb: nbformat.NotebookNode, name: str, footer: str) -> str:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = _REMOVE_TAGS
    config.TagRemovePreprocessor.remove_input_tags = _REMOVE_INPUT_TAGS
    config.TagRemovePreprocessor.remove_all_outputs_tags = _REMOVE_OUTPUT_TAGS
    exporter = HTMLExporter(
        config=config,
        template_name="kit",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    resources = {
        "metadata": {"name": name},
        "kit": {"bundle": _bundle(_vl_version()), "footer": footer, "css": _CSS},
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _export_images(specs: Sequence[dict[str, Any]], folder: Path) -> list[Path]:
    """Each chart as SVG and PNG (vl-convert), for print and slides."""
    import vl_convert as vlc

    version = _vl_version()
    written: list[Path] = []
    folder.mkdir(parents=True, exist_ok=True)
    for i, spec in enumerate(specs, start=1):
        stem = folder / f"chart-{i:02d}"
        svg = stem.with_suffix(".svg")
        svg.write_text(vlc.vegalite_to_svg(spec, vl_version=version), encoding="utf-8")
        png = stem.with_suffix(".png")
        png.write_bytes(vlc.vegalite_to_png(spec, vl_version=version, scale=2))
        written += [svg, png]
    return written


# --------------------------------------------------------------------------- render


@dataclass(frozen=True)
class RenderResult:
    """What `render` wrote and measured."""

    name: str
    path: Path
    notebook: str
    title: str
    parameters: Mapping[str, Any]
    overrides: Mapping[str, Any]
    rendered: str
    charts: int
    inputs: tuple[tuple[str, str], ...]
    size: int
    seconds: float
    images: tuple[Path, ...] = ()
    stderr: tuple[str, ...] = ()


def _atomic_write(path: Path, text: str) -> None:
    """Write beside the target and rename: readers never see a half-written file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; reports are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def render(
    notebook: str | os.PathLike[str] | ReportSpec,
    parameters: Mapping[str, Any] | None = None,
    *,
    out_dir: str | os.PathLike[str] = "reports",
    name: str | None = None,
    export_images: bool = False,
    inputs: Sequence[str] = (),
    timeout: int | None = None,
    status: Status | None = None,
    update_index: bool = True,
) -> RenderResult:
    """Execute `notebook` for one scope and write ``<out_dir>/<name>.html``.

    Parameters are checked before the kernel starts; a failing cell raises
    `CellError` and leaves nothing in `out_dir`.
    """
    spec = notebook if isinstance(notebook, ReportSpec) else None
    path = Path(spec.notebook if spec else notebook).resolve()  # type: ignore[arg-type]
    overrides = dict(spec.parameters if spec else parameters or {})
    name = spec.name if spec else (name or path.stem)
    declared_inputs = tuple(spec.inputs) if spec else tuple(inputs)
    label = _display_path(path)
    if not _NAME_RE.match(name) or name == "index":
        raise ReportError(f"--name {name!r}: use letters, digits, '.', '_' or '-' (and not 'index')")
    say = status or (lambda _msg: None)
    say("checking parameters")
    effective, coerced = check_parameters(path, overrides, label=spec.label if spec else label)
    declared_files = _declared_files(declared_inputs, spec.label if spec else label)
    nb = _read_notebook(path)
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kit-render-") as work:
        inputs_file = Path(work) / "inputs.jsonl"
        inputs_file.touch()
        say("executing")

        def on_cell(index: int, total: int) -> None:
            say(f"cell {index + 1}/{total}")

        executed = _execute(nb, label, path, coerced, inputs_file, timeout, on_cell)
        _check_offline(executed, label)
        say("exporting HTML")
        title = spec.title if spec and spec.title else _title_of(executed, name)
        specs, stderr = _prepare_for_export(executed, title)
        rendered = render_date().strftime("%Y-%m-%dT%H:%M:%SZ")
        file_inputs = _collect_inputs(inputs_file, declared_files)
        footer = _footer(notebook=label, parameters=effective, overrides=coerced, inputs=file_inputs, rendered=rendered)
        body = _export_html(executed, name, footer)
        images: list[Path] = []
        if export_images and specs:
            say("writing SVG/PNG")
            staged = Path(work) / "images"
            _export_images(specs, staged)
            final = out / f"{name}_charts"
            if final.exists():
                shutil.rmtree(final)
            shutil.copytree(staged, final)
            images = sorted(final.iterdir())
        target = out / f"{name}.html"
        _atomic_write(target, body)
    result = RenderResult(
        name=name,
        path=target,
        notebook=label,
        title=title,
        parameters=effective,
        overrides=coerced,
        rendered=rendered,
        charts=len(specs),
        inputs=tuple(file_inputs),
        size=target.stat().st_size,
        seconds=time.perf_counter() - started,
        images=tuple(images),
        stderr=tuple(stderr),
    )
    if update_index:
        _update_manifest(out, [result])
        write_index(out)
    return result


def check_reports(specs: Sequence[ReportSpec]) -> None:
    """Check every report's parameters and declared inputs; raise one error listing all problems.

    Why: a set renders for minutes; a typo in the last entry must stop it
    before the first kernel starts, not after four reports.
    """
    problems = []
    for spec in specs:
        try:
            check_parameters(spec.notebook, spec.parameters, label=spec.label)
            _declared_files(spec.inputs, spec.label)
        except ReportError as exc:
            problems.append(str(exc))
    if problems:
        raise ParameterError("\n".join(problems))


def render_set(
    set_path: str | os.PathLike[str],
    *,
    out_dir: str | os.PathLike[str] = "reports",
    export_images: bool = False,
    timeout: int | None = None,
    status: Callable[[ReportSpec, str], None] | None = None,
    on_result: Callable[[ReportSpec, RenderResult | ReportError], None] | None = None,
) -> tuple[list[RenderResult], list[tuple[ReportSpec, ReportError]]]:
    """Render every report of a set; all parameters are checked before the first kernel starts.

    A failing report does not stop the others; failures are returned (and the
    CLI exits non-zero). The index lists the reports that exist.
    """
    specs = load_report_set(set_path)
    check_reports(specs)
    results: list[RenderResult] = []
    failures: list[tuple[ReportSpec, ReportError]] = []
    out = Path(out_dir).resolve()
    for spec in specs:
        report_status = (lambda msg, s=spec: status(s, msg)) if status else None
        try:
            result = render(
                spec, out_dir=out, export_images=export_images, timeout=timeout, status=report_status, update_index=False
            )
        except ReportError as exc:
            failures.append((spec, exc))
            if on_result:
                on_result(spec, exc)
            continue
        results.append(result)
        if on_result:
            on_result(spec, result)
    _update_manifest(out, results)
    write_index(out)
    return results, failures


# --------------------------------------------------------------------------- index


def _read_manifest(out: Path) -> dict[str, dict[str, Any]]:
    path = out / _MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _update_manifest(out: Path, results: Sequence[RenderResult]) -> None:
    manifest = _read_manifest(out)
    for r in results:
        manifest[r.name] = {
            "file": r.path.name,
            "title": r.title,
            "notebook": r.notebook,
            "parameters": {k: _format_value(v) for k, v in r.parameters.items()},
            "overrides": sorted(r.overrides),
            "rendered": r.rendered,
            "charts": r.charts,
        }
    text = json.dumps(dict(sorted(manifest.items())), indent=1, ensure_ascii=False) + "\n"
    _atomic_write(out / _MANIFEST, text)


def write_index(out_dir: str | os.PathLike[str]) -> Path:
    """``index.html`` linking every report in `out_dir` with its scope and render date (all escaped)."""
    out = Path(out_dir)
    manifest = {k: v for k, v in _read_manifest(out).items() if (out / str(v.get("file", ""))).is_file()}
    e = functools.partial(html.escape, quote=True)
    rows = []
    for name, entry in manifest.items():
        overrides = set(entry.get("overrides", []))
        scope = "; ".join(
            f"{'<b>' if k in overrides else ''}{e(k)} = {e(str(v))}{'</b>' if k in overrides else ''}"
            for k, v in entry.get("parameters", {}).items()
        )
        rows.append(
            f'<tr><td>{file_link(entry["file"], name)}</td><td dir="auto">{e(entry.get("title", ""))}</td>'
            f'<td dir="auto">{scope or "–"}</td><td>{e(str(entry.get("charts", "")))}</td>'
            f'<td><code>{e(entry.get("notebook", ""))}</code></td><td>{e(entry.get("rendered", ""))}</td></tr>'
        )
    stamp = render_date().strftime("%Y-%m-%dT%H:%M:%SZ")
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>casualty-kit reports</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: start; vertical-align: top; }}
th {{ background: #f3f3f3; }}
footer {{ margin-top: 2em; font-size: 0.85em; color: #555; }}
</style>
</head>
<body>
<h1>casualty-kit reports</h1>
<p>Each report is one self-contained HTML file that works offline. Its scope is the notebook
parameters it was rendered with (values set for that report in bold).</p>
<table>
<thead><tr><th>report</th><th>title</th><th>scope (parameters)</th><th>charts</th><th>notebook</th><th>rendered</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<footer>Index written by casualty-kit {e(__version__)} on {e(stamp)}.</footer>
</body>
</html>
"""
    target = out / "index.html"
    _atomic_write(target, page)
    return target
