"""Find the investigation a command or notebook works on, and read its marker file.

The kit is installed once; investigations are folders anywhere (`data/`,
`notebooks/`, and a marker `investigation.toml`). Notebooks run with their own
folder as cwd (papermill) or from the investigation's top (JupyterLab, tests);
both find the marker by walking up. The package's own location is never
searched: an installed kit must not fall back to whatever folder holds it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MARKER = "investigation.toml"
"""The file that marks a folder as an investigation (title, defaults, files)."""
INVESTIGATION_ENV = "KIT_INVESTIGATION"
"""Environment variable naming the investigation folder; `kit --investigation DIR` sets it."""
_ALIAS_ENV = "KIT_ROOT"  # the older name, still honoured (tests and scripts set it)


class InvestigationNotFound(FileNotFoundError):
    """No investigation folder: the message says how to name one."""


def repo_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The investigation folder: `KIT_INVESTIGATION` (or `KIT_ROOT`) if set, else the first folder
    upward from `start`/cwd that holds `investigation.toml`."""
    for var in (INVESTIGATION_ENV, _ALIAS_ENV):
        env = os.environ.get(var)
        if env:
            return Path(env).resolve()
    candidates = [Path(start).resolve()] if start else []
    candidates.append(Path.cwd().resolve())
    for base in candidates:
        for folder in (base, *base.parents):
            if (folder / MARKER).is_file():
                return folder
    raise InvestigationNotFound(
        f"no {MARKER} in {candidates[0]} or any folder above it: run inside an investigation, "
        f"pass `kit --investigation DIR`, set {INVESTIGATION_ENV}, or create one with `kit new DIR`"
    )


def data_dir() -> Path:
    """The investigation's `data/` folder (ledgers, gazetteer, operations)."""
    return repo_root() / "data"


def shared_dir() -> Path | None:
    """`../shared` beside the investigation (read-only real data), or None when absent."""
    path = repo_root().parent / "shared"
    return path if (path / "data").is_dir() else None


@dataclass(frozen=True)
class Investigation:
    """The marker file's content: a title, defaults for notebook parameters, the files notebooks read."""

    root: Path
    title: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def default(self, name: str, fallback: Any = "") -> Any:
        """The investigation's default for `name` (a parameter, a claimant, a threshold), else `fallback`."""
        return self.defaults.get(name, fallback)

    def file(self, name: str) -> Path | None:
        """A file named in the marker's `[files]`, resolved against the investigation folder; None if unset."""
        value = self.files.get(name, "")
        return (self.root / value).resolve() if value else None

    def fill(self, **values: Any) -> tuple[Any, ...]:
        """`values` in order, each empty one ("" or None) replaced by the investigation's default.

        Why: a notebook's parameters cell holds no case-specific values; an
        empty parameter means "this investigation's choice", and `kit render`
        and a live kernel must both arrive at the same value.
        """
        return tuple(self.defaults.get(k, v) if v is None or v == "" else v for k, v in values.items())


def load_investigation(root: str | os.PathLike[str] | None = None) -> Investigation:
    """Read `investigation.toml` of `root` (default: the current investigation); a folder without one has no defaults.

    A malformed marker raises ValueError naming the file and the problem.
    """
    folder = Path(root).resolve() if root else repo_root()
    path = folder / MARKER
    if not path.is_file():
        return Investigation(folder)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a valid TOML file: {exc}") from None
    title, defaults, files = doc.get("title", ""), doc.get("defaults", {}), doc.get("files", {})
    if not isinstance(title, str):
        raise ValueError(f"{path}: title: expected text")
    if not isinstance(defaults, dict) or not all(isinstance(v, str | int | float | bool) for v in defaults.values()):
        raise ValueError(f"{path}: [defaults]: expected name = text, number or true/false")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise ValueError(f"{path}: [files]: expected name = \"relative/path\"")
    return Investigation(folder, title, dict(defaults), dict(files))
