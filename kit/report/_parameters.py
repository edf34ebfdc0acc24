"""Notebook parameters, their coercion and checks, and report sets: everything checked before a kernel starts.

Why its own module: every check that can fail without running code (notebook
missing, unknown or invalid parameter, duplicate report name, missing input)
lives here, so `kit render` can refuse a whole set before the first execution.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat
import yaml

from kit.core import PARTIAL_DATE, infer_notebook_parameters, load_investigation, repo_root
from kit.ledger import load_gazetteer

KERNEL = "python3"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
"""A report name: also its file stem, so no slashes, no leading dot."""
_SET_KEYS = ("notebook", "name", "parameters", "title", "inputs")


# --------------------------------------------------------------------------- errors


class ReportError(Exception):
    """A report could not be rendered; the message names notebook and reason."""


class ParameterError(ReportError):
    """An unknown or invalid parameter, found before anything is executed."""


class ReportSetError(ReportError):
    """A malformed report set file (names the file and line)."""


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


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """The notebook at `path` (.ipynb or jupytext), every cell with a tags list; a broken file names itself."""
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


def _parameters_of(
    nb: nbformat.NotebookNode, label: str, defaults: Mapping[str, Any] | None = None
) -> dict[str, NotebookParameter]:
    """The declared parameters with their defaults evaluated; a non-literal default is a `ParameterError`.

    An empty default ("" or None) takes the investigation's value of the same
    name from `defaults` (the marker file), as the notebook itself does.
    """
    params: dict[str, NotebookParameter] = {}
    for name, source, help_text in infer_notebook_parameters(nb, KERNEL, "python"):
        try:
            default = ast.literal_eval(source)
        except (ValueError, SyntaxError) as exc:
            raise ParameterError(
                f"{label}: parameters cell: {name} = {source} is not a literal "
                "(parameters must be plain values: str, int, float, bool, None, list)"
            ) from exc
        if (default is None or default == "") and defaults and name in defaults:
            default = defaults[name]
        params[name] = NotebookParameter(name, default, source, help_text)
    return params


def investigation_defaults(notebook: Path) -> dict[str, Any]:
    """The marker-file defaults of the investigation holding `notebook` (none outside an investigation)."""
    try:
        return load_investigation(repo_root(notebook.resolve().parent)).defaults
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise ParameterError(str(exc)) from None


def notebook_parameters(notebook: str | os.PathLike[str]) -> dict[str, NotebookParameter]:
    """The parameters a notebook declares in its `parameters`-tagged cell."""
    path = Path(notebook)
    return _parameters_of(read_notebook(path), str(path), investigation_defaults(path))


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
    nb = read_notebook(path)
    declared = _parameters_of(nb, where, investigation_defaults(path))
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
    entries, lines = _report_set_entries(file)
    specs: list[ReportSpec] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        line = lines[i] if i < len(lines) else 1
        specs.append(_report_spec(file, line, entry, seen))
    return specs


def _report_set_entries(file: Path) -> tuple[list[Any], list[int]]:
    """The set's entries and the line (1-based) each starts on, so errors can name it."""
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
        assert root is not None, "a YAML mapping was loaded, so the document has a root node"
        for key_node, value_node in root.value:
            if key_node.value == "reports":
                nodes = list(getattr(value_node, "value", []))
    else:
        entries = data
        nodes = list(getattr(root, "value", [])) if root is not None else []
    if not isinstance(entries, list) or not entries:
        raise ReportSetError(f"{file}:1: reports: expected a non-empty list of reports")
    return entries, [node.start_mark.line + 1 for node in nodes]


def _report_spec(file: Path, line: int, entry: Any, seen: dict[str, str]) -> ReportSpec:
    """One entry of a report set starting on `line`, every field checked; `seen` maps used names to lines."""
    where = f"{file}:{line}"
    if not isinstance(entry, dict):
        raise ReportSetError(f"{where}: entry: expected a mapping with notebook, name, parameters")
    extra = sorted(set(entry) - set(_SET_KEYS))
    if extra:
        raise ReportSetError(f"{where}: {extra[0]}: unknown key (allowed: {', '.join(_SET_KEYS)})")
    nb_text = entry.get("notebook")
    if not isinstance(nb_text, str) or not nb_text:
        raise ReportSetError(f"{where}: notebook: required (path relative to {file.parent})")
    notebook = (file.parent / nb_text).resolve()
    if not notebook.is_file():
        raise ReportSetError(f"{where}: notebook: {nb_text} does not exist")
    name = entry.get("name", notebook.stem)
    if not isinstance(name, str) or not NAME_RE.match(name):
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
    return ReportSpec(notebook, name, {str(k): v for k, v in params.items()}, title, tuple(inputs), where)


def declared_files(declared: Sequence[str], label: str) -> list[Path]:
    """Files named by a report's ``inputs`` (paths or globs under the repo root); checked before executing."""
    root = repo_root()
    files: list[Path] = []
    for pattern in declared:
        matches = sorted(root.glob(pattern)) if any(c in pattern for c in "*?[") else [root / pattern]
        if not matches or not all(m.is_file() for m in matches):
            raise ReportError(f"{label}: inputs: {pattern} matches no file under {root}")
        files += [m.resolve() for m in matches]
    return files


def check_reports(specs: Sequence[ReportSpec]) -> None:
    """Check every report's parameters and declared inputs; raise one error listing all problems.

    Why: a set renders for minutes; a typo in the last entry must stop it
    before the first kernel starts, not after four reports.
    """
    problems = []
    for spec in specs:
        try:
            check_parameters(spec.notebook, spec.parameters, label=spec.label)
            declared_files(spec.inputs, spec.label)
        except ReportError as exc:
            problems.append(str(exc))
    if problems:
        raise ParameterError("\n".join(problems))
