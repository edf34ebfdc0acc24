"""Find the project's folders from a notebook, a test or an installed package.

Notebooks run with their own folder as cwd (papermill) or from the repo root
(JupyterLab, tests); both must find `data/` without hard-coded paths.
"""

from __future__ import annotations

import os
from pathlib import Path

_MARKER = "pyproject.toml"


def repo_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The repo root: `KIT_ROOT` if set, else the first parent of `start`/cwd/package with pyproject.toml and data/."""
    env = os.environ.get("KIT_ROOT")
    if env:
        return Path(env).resolve()
    candidates = [Path(start).resolve()] if start else []
    candidates += [Path.cwd().resolve(), Path(__file__).resolve().parent]
    for base in candidates:
        for folder in (base, *base.parents):
            if (folder / _MARKER).is_file() and (folder / "data").is_dir():
                return folder
    raise FileNotFoundError("cannot find the casualty-kit repo root (set KIT_ROOT)")


def data_dir() -> Path:
    """The project's own `data/` folder (ledgers, gazetteer, fixtures)."""
    return repo_root() / "data"


def shared_dir() -> Path | None:
    """`../shared` beside the repo (read-only real data), or None when absent."""
    path = repo_root().parent / "shared"
    return path if (path / "data").is_dir() else None


