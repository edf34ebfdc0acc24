"""Execute notebooks with papermill and export them as offline, reproducible HTML reports.

Why this shape: every check that can fail without running code runs before
any kernel starts (`kit.report._parameters`); a report is written to a
temporary file and renamed only when complete, so a failing cell never leaves
a half report for someone to publish.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import functools
import gzip
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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from kit.core import register_cell_progress_engine, repo_root
from kit.report._parameters import (
    KERNEL,
    NAME_RE,
    ReportError,
    ReportSpec,
    check_parameters,
    check_reports,
    declared_files,
    load_report_set,
    read_notebook,
)
from kit.report._renderer import INPUTS_ENV, RENDER_ENV, VEGALITE_MIME
from kit.report._templates import TEMPLATE_DIR, footer_html, format_value, index_html

_MANIFEST = ".kit-reports.json"
_LOCK = ".kit-reports.lock"
_REMOVE_TAGS = {"remove_cell", "remove-cell", "hide", "hide-cell"}
_REMOVE_INPUT_TAGS = {"remove_input", "remove-input", "hide-input"}
_REMOVE_OUTPUT_TAGS = {"remove_output", "remove-output", "hide-output"}

Status = Callable[[str], None]


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


# --------------------------------------------------------------------------- execution


_CELL_CALLBACK: contextvars.ContextVar[Callable[[int, int], None] | None] = contextvars.ContextVar(
    "kit_cell_callback", default=None
)


def _register_engine() -> str:
    """A papermill engine that reports each cell start, for the progress display."""
    return register_cell_progress_engine("kit", _CELL_CALLBACK.get)


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
                    f"{label}: cell {index - injected} displays HTML that loads a script from the network, "
                    "so the report would not work offline "
                    "(charts: call kit.report.enable(); do not switch altair renderers)"
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
                kernel_name=KERNEL,
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
    """vl-convert's Vega + Vega-Lite + vega-embed bundle, gzipped and base64-encoded.

    Why packed: the bundle is 0.9 MB of JavaScript, half of a typical report;
    gzipped it is about a third of that. The template unpacks it in the
    browser with `DecompressionStream` (no network, no library). `mtime=0`
    keeps the bytes the same from one render to the next; base64 text holds
    no `<`, so it is safe inside a <script> element.
    """
    import vl_convert as vlc

    # vl-convert's stub omits snippet's default (None at run time: the default snippet sets window globals)
    text = vlc.javascript_bundle(vl_version=vl_version)  # type: ignore[call-arg]
    return base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)).decode("ascii")


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


def check_output(out_dir: str | os.PathLike[str]) -> Path:
    """The output folder and `SOURCE_DATE_EPOCH`, checked before any kernel starts; nothing is created.

    Why: a render runs for a minute; finding out at the end that ``--out``
    names a file, or that the epoch is not a number, wastes it and used to
    end in a traceback. The folder may not exist yet: then its nearest
    existing parent must be a writable folder.
    """
    render_date()
    out = Path(out_dir).absolute()
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out_dir}: is a file, not a folder")
    existing = next((p for p in (out, *out.parents) if p.exists()), None)
    if existing is None or not existing.is_dir():
        raise ReportError(f"--out {out_dir}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ReportError(f"--out {out_dir}: {existing} is not writable")
    return out.resolve()


def _make_output(out: Path) -> None:
    """Create the output folder (checked by `check_output`); a failure is one clear error line."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"--out {out}: cannot create the folder ({exc.strerror or exc})") from None


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
    """sha256 of a file's bytes, as in the footer."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


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




def _prepare_for_export(nb: nbformat.NotebookNode, title: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Pull chart specs out, drop stderr and volatile metadata; returns (specs, stderr texts)."""
    specs: list[dict[str, Any]] = []
    stderr: list[str] = []
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    nb.metadata["title"] = title
    _findings_first(nb)
    _leave_out_empty_sections(nb)
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


_FINDINGS_TAG = "findings"
_OPTIONAL_TAG = "optional-section"
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)
_ANCHOR_LINE = re.compile(r'^[^\n]*\bid="[a-z][a-z0-9-]*"[^\n]*$', re.MULTILINE)
"""The notebook's own anchor line above a section heading, copied as written (never built here)."""


def _findings_first(nb: nbformat.NotebookNode) -> None:
    """Move the cells tagged ``findings`` to just after the title cell.

    Why: a notebook computes its findings last, from what its sections built;
    a reader needs them first. In JupyterLab they stay where they run.
    """
    tagged = [c for c in nb.cells if _FINDINGS_TAG in c.metadata.get("tags", [])]
    if not tagged:
        return
    rest = [c for c in nb.cells if _FINDINGS_TAG not in c.metadata.get("tags", [])]
    at = next((i + 1 for i, c in enumerate(rest) if c.cell_type == "markdown"), 0)
    nb.cells = rest[:at] + tagged + rest[at:]


def _heading(cell: nbformat.NotebookNode) -> tuple[int, str] | None:
    """(level, text) of a markdown cell's first heading, else None."""
    if cell.cell_type != "markdown":
        return None
    found = _HEADING.search(cell.source)
    return (len(found.group(1)), re.sub(r"[*_`]", "", found.group(2)).strip()) if found else None


def _shows_something(cell: nbformat.NotebookNode) -> bool:
    """True when a code cell drew a chart or a table (not only a line of text)."""
    for output in cell.get("outputs", []):
        if "kit" in (output.get("metadata") or {}):
            return True
        text = (output.get("data") or {}).get("text/html", "")
        if "<table" in ("".join(text) if isinstance(text, list) else str(text)):
            return True
    return False


def _said(cell: nbformat.NotebookNode) -> list[str]:
    """The text lines a code cell displayed (why a section has nothing to show)."""
    lines = []
    for output in cell.get("outputs", []):
        text = (output.get("data") or {}).get("text/markdown", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        if text.strip():
            lines.append(" ".join(text.split()))
    return lines


def _leave_out_empty_sections(nb: nbformat.NotebookNode) -> None:
    """Replace a section tagged ``optional-section`` that drew no chart or table by one line saying why.

    A section runs from its heading cell to the next heading of the same or
    a higher level. The line keeps the section's anchor, so links to it from
    the findings still land, and quotes what its cells said (e.g. "No
    admissions in this scope.").
    """
    cells = list(nb.cells)
    out: list[nbformat.NotebookNode] = []
    i = 0
    while i < len(cells):
        cell, head = cells[i], _heading(cells[i])
        if head is None or _OPTIONAL_TAG not in cell.metadata.get("tags", []):
            out.append(cell)
            i += 1
            continue
        end = i + 1
        while end < len(cells) and not ((h := _heading(cells[end])) and h[0] <= head[0]):
            end += 1
        span = cells[i + 1:end]
        if any(_shows_something(c) for c in span):
            out.append(cell)
            i += 1
            continue
        anchor = _ANCHOR_LINE.search(cell.source)
        why = " ".join(dict.fromkeys(line for c in span for line in _said(c))) or "nothing to show in this scope."
        line = (anchor.group(0) if anchor else "") + f"*{head[1]}* is left out for this scope: {why}"
        out.append(nbformat.v4.new_markdown_cell(line, id=cell.get("id", "left-out"), metadata={"tags": []}))
        i = end
    nb.cells = out


def _title_of(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first markdown ``# heading`` without emphasis marks, else `fallback`."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return re.sub(r"[*_`]", "", line[2:]).strip()
    return fallback


_SCOPE_LINE = re.compile(r'<p class="kit-findings-scope">Scope: (.*?)</p>')


def _lede_of(nb: nbformat.NotebookNode) -> str:
    """The first paragraph after the title heading: what the report answers, for the index."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
            paragraphs = [p.strip() for p in cell.source.split("\n\n")[1:] if p.strip()]
            return re.sub(r"[*_`]", "", " ".join(paragraphs[0].split())) if paragraphs else ""
    return ""


def _scope_of(nb: nbformat.NotebookNode) -> str:
    """The scope in words as the findings panel states it ("Syria, claims published until 2017"), else ""."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = (output.get("data") or {}).get("text/html", "")
            found = _SCOPE_LINE.search("".join(text) if isinstance(text, list) else str(text))
            if found:
                return html.unescape(found.group(1))
    return ""


def _export_html(nb: nbformat.NotebookNode, name: str, footer: str) -> str:
    """The report page: nbconvert with the kit template (templates/kit/index.html.j2), code and tagged cells hidden."""
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
        "kit": {"bundle": _bundle(_vl_version()), "footer": footer},
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
    summary: str = ""
    scope: str = ""


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


@dataclass(frozen=True)
class _Job:
    """One report to render: every argument resolved and checked, nothing executed yet."""

    path: Path
    name: str
    label: str  # the notebook as the footer shows it (repo-relative)
    title: str | None
    effective: dict[str, Any]  # every parameter's value, for the footer
    overrides: dict[str, Any]  # the values set for this report, coerced, for papermill
    files: list[Path]  # declared inputs, hashed into the footer


@dataclass(frozen=True)
class _Page:
    """An exported report page and what the footer and result say about it."""

    body: str
    title: str
    specs: list[dict[str, Any]]
    stderr: list[str]
    rendered: str
    inputs: list[tuple[str, str]]
    summary: str = ""
    scope: str = ""


def _job(
    notebook: str | os.PathLike[str] | ReportSpec,
    parameters: Mapping[str, Any] | None,
    name: str | None,
    inputs: Sequence[str],
    say: Status,
) -> _Job:
    """Resolve `render`'s arguments (a path or a `ReportSpec`) and check them before any kernel starts."""
    spec = notebook if isinstance(notebook, ReportSpec) else None
    path = Path(notebook.notebook if isinstance(notebook, ReportSpec) else notebook).resolve()
    overrides = dict(spec.parameters if spec else parameters or {})
    declared_inputs = tuple(spec.inputs) if spec else tuple(inputs)
    label = _display_path(path)
    say("checking parameters")
    where = spec.label if spec else label
    effective, coerced = check_parameters(path, overrides, label=where)
    name = spec.name if spec else (name or scoped_name(path.stem, coerced))
    if not NAME_RE.match(name) or name == "index":
        raise ReportError(f"--name {name!r}: use letters, digits, '.', '_' or '-' (and not 'index')")
    files = declared_files(declared_inputs, where)
    return _Job(path, name, label, spec.title if spec else None, effective, coerced, files)


_SLUG = re.compile(r"[^A-Za-z0-9.]+")


def scoped_name(stem: str, overrides: Mapping[str, Any]) -> str:
    """The report name for a notebook rendered with `overrides`: its stem, then each parameter and value.

    ``01_founding_article`` with ``place=sy`` is ``01_founding_article_place-sy``,
    so a second scope never lands on the file of the first.
    """
    parts = []
    for key, value in sorted(overrides.items()):
        text = ";".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(_SLUG.sub("-", f"{key}-{text or 'empty'}").strip("-.") or "x")
    return "_".join([stem, *parts])[:120]


def _check_not_other_scope(out: Path, job: _Job) -> None:
    """Refuse to replace a report of another notebook or scope that already has this name."""
    entry = _read_manifest(out).get(job.name)
    if not entry or not (out / str(entry.get("file", ""))).is_file():
        return
    same = entry.get("notebook") == job.label and entry.get("parameters") == {
        k: format_value(v) for k, v in job.effective.items()
    }
    if not same:
        scope = "; ".join(f"{k} = {v}" for k, v in (entry.get("parameters") or {}).items()) or "no parameters"
        raise ReportError(
            f"{out / (job.name + '.html')} holds the report of {entry.get('notebook')} for another scope "
            f"({scope}); give another --name, or --replace to overwrite it"
        )


def _run(job: _Job, work: Path, timeout: int | None, say: Status) -> tuple[nbformat.NotebookNode, Path]:
    """Execute the notebook in `work`; returns it and the file the kernel recorded its inputs in."""
    nb = read_notebook(job.path)
    inputs_file = work / "inputs.jsonl"
    inputs_file.touch()
    say("executing")

    def on_cell(index: int, total: int) -> None:
        say(f"cell {index + 1}/{total}")

    executed = _execute(nb, job.label, job.path, job.overrides, inputs_file, timeout, on_cell)
    _check_offline(executed, job.label)
    return executed, inputs_file


def _page(job: _Job, executed: nbformat.NotebookNode, inputs_file: Path) -> _Page:
    """Export the executed notebook as the report page, its footer filled in."""
    title = job.title or _title_of(executed, job.name)
    summary, scope = _lede_of(executed), _scope_of(executed)
    specs, stderr = _prepare_for_export(executed, title)
    rendered = render_date().strftime("%Y-%m-%dT%H:%M:%SZ")
    file_inputs = _collect_inputs(inputs_file, job.files)
    footer = footer_html(
        notebook=job.label, parameters=job.effective, overrides=job.overrides, inputs=file_inputs, rendered=rendered
    )
    body = _export_html(executed, job.name, footer)
    return _Page(body, title, specs, stderr, rendered, file_inputs, summary, scope)


def _write_images(specs: Sequence[dict[str, Any]], work: Path, out: Path, name: str) -> list[Path]:
    """Charts as SVG/PNG in ``<out>/<name>_charts``, replaced whole (staged in `work` first)."""
    staged = work / "images"
    _export_images(specs, staged)
    final = out / f"{name}_charts"
    if final.exists():
        shutil.rmtree(final)
    shutil.copytree(staged, final)
    return sorted(final.iterdir())


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
    replace: bool = False,
) -> RenderResult:
    """Execute `notebook` for one scope and write ``<out_dir>/<name>.html``.

    Parameters, the output folder and `SOURCE_DATE_EPOCH` are checked before
    the kernel starts; a failing cell raises `CellError` and leaves nothing in
    `out_dir`. Without a `name`, a scoped render is named after its scope
    (`scoped_name`); a report of another scope under the same name is never
    replaced unless `replace` is set.
    """
    say = status or (lambda _msg: None)
    out = check_output(out_dir)
    job = _job(notebook, parameters, name, inputs, say)
    if not replace:
        _check_not_other_scope(out, job)
    _make_output(out)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kit-render-") as tmp:
        work = Path(tmp)
        executed, inputs_file = _run(job, work, timeout, say)
        say("exporting HTML")
        page = _page(job, executed, inputs_file)
        images: list[Path] = []
        if export_images and page.specs:
            say("writing SVG/PNG")
            images = _write_images(page.specs, work, out, job.name)
        target = out / f"{job.name}.html"
        _atomic_write(target, page.body)
    result = RenderResult(
        name=job.name,
        path=target,
        notebook=job.label,
        title=page.title,
        parameters=job.effective,
        overrides=job.overrides,
        rendered=page.rendered,
        charts=len(page.specs),
        inputs=tuple(page.inputs),
        size=target.stat().st_size,
        seconds=time.perf_counter() - started,
        images=tuple(images),
        stderr=tuple(page.stderr),
        summary=page.summary,
        scope=page.scope,
    )
    if update_index:
        with _locked(out):
            _update_manifest(out, [result])
            write_index(out)
    return result


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
    out = check_output(out_dir)
    _make_output(out)
    results: list[RenderResult] = []
    failures: list[tuple[ReportSpec, ReportError]] = []
    for spec in specs:
        report_status = (lambda msg, s=spec: status(s, msg)) if status else None
        try:
            result = render(
                spec, out_dir=out, export_images=export_images, timeout=timeout, status=report_status,
                update_index=False, replace=True,
            )
        except ReportError as exc:
            failures.append((spec, exc))
            if on_result:
                on_result(spec, exc)
            continue
        results.append(result)
        if on_result:
            on_result(spec, result)
    with _locked(out):
        _update_manifest(out, results)
        write_index(out)
    return results, failures

# --------------------------------------------------------------------------- index


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold the folder's lock file while its manifest and index are read, changed and written.

    Why: two renders into one folder each read the manifest, add their report
    and write it back; without the lock the second write drops the first report.
    """
    import fcntl

    with open(out / _LOCK, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _read_manifest(out: Path) -> dict[str, dict[str, Any]]:
    """The folder's report manifest (name -> file, title, scope, ...); empty when missing or broken."""
    path = out / _MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _update_manifest(out: Path, results: Sequence[RenderResult]) -> None:
    """Add or replace `results` in the manifest, so the index lists reports rendered by earlier runs too."""
    manifest = _read_manifest(out)
    for r in results:
        manifest[r.name] = {
            "file": r.path.name,
            "title": r.title,
            "notebook": r.notebook,
            "parameters": {k: format_value(v) for k, v in r.parameters.items()},
            "overrides": sorted(r.overrides),
            "rendered": r.rendered,
            "charts": r.charts,
            "summary": r.summary,
            "scope": r.scope,
        }
    text = json.dumps(dict(sorted(manifest.items())), indent=1, ensure_ascii=False) + "\n"
    _atomic_write(out / _MANIFEST, text)



def write_index(out_dir: str | os.PathLike[str]) -> Path:
    """``index.html`` linking every report in `out_dir` with its scope and render date (all escaped)."""
    out = Path(out_dir)
    manifest = {k: v for k, v in _read_manifest(out).items() if (out / str(v.get("file", ""))).is_file()}
    stamp = render_date().strftime("%Y-%m-%dT%H:%M:%SZ")
    target = out / "index.html"
    _atomic_write(target, index_html(manifest, stamp))
    return target
