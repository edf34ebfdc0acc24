"""Named military operations (data/operations.csv): the periods "since the operation began" refers to.

They are project reference data like the gazetteer, so they live in the ledger
layer and are read through the kit's one CSV rule; `kit.extract` resolves
operation names in text against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kit.core import FILE, LINE, InputError, Problem, data_dir, read_rows

_REQUIRED = ["operation_id", "name", "start"]


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation: id, name and its period as partial ISO dates ('' end = still open)."""

    operation_id: str
    name: str
    start: str
    end: str


@lru_cache(maxsize=8)
def _operations_cached(path: str, mtime: float) -> tuple[Operation, ...]:
    # extra=True: the file also carries source_url and note columns for people.
    frame, problems, _ = read_rows(path, required=_REQUIRED, optional=["end"], extra=True)
    for row in frame.to_dict("records"):
        for col in ("operation_id", "start"):
            if not row[col]:
                problems.append(Problem(row[FILE], row[LINE], col, "required value is empty"))
    if problems:
        raise InputError(sorted(problems))
    return tuple(Operation(r["operation_id"], r["name"], r["start"], r["end"]) for r in frame.to_dict("records"))


def load_operations(path: str | Path | None = None) -> tuple[Operation, ...]:
    """Operations from data/operations.csv (empty when the file is absent).

    Raises `InputError` listing every problem (`file:line: field: message`)
    rather than silently skipping a row a period would have been resolved with.
    """
    try:
        p = Path(path) if path else data_dir() / "operations.csv"
    except FileNotFoundError:
        return ()
    if not p.is_file():
        return ()
    return _operations_cached(str(p), p.stat().st_mtime)
