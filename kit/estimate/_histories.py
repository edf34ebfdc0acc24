"""Capture histories for multiple systems estimation: the table, its CSV, matched sets.

A capture history says which lists recorded a unit (a death, an incident):
`101` = on lists 1 and 3, not 2. MSE needs the count of units per history,
never the all-zero one (that is what it estimates). This module turns a CSV, a
frame or matched record sets into that table and rejects anything else with
`file:line: field: message`, because a silently dropped or mis-read row
changes the estimate of the unseen.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from kit.core import FILE, LINE, InputError, Problem, read_rows

_COUNT = "count"
_MAX_LISTS = 12  # up to here every one of the 2^t - 1 cells is kept (zeros included)
MAX_SPARSE_LISTS = 64  # beyond 12 lists only the histories seen are kept, with their counts
_MAX_COUNT = 10**9  # more units than any casualty count; larger values overflow the models' arithmetic


def _patterns(t: int) -> tuple[tuple[int, ...], ...]:
    """All 2^t - 1 observable histories, Rcapture order (111, 110, 101, 100, 011, ...)."""
    return tuple(p for p in itertools.product((1, 0), repeat=t) if any(p))


@dataclass(frozen=True)
class CaptureHistories:
    """Counts of units per observable capture history.

    Up to 12 lists every one of the 2^t - 1 cells is kept, zeros included (the
    log-linear models and model averaging need the full table). With more lists
    the table is *sparse*: `observed` holds the histories actually seen and
    `counts` their counts, because 2^34 cells cannot be stored and LCMCR only
    needs the histories seen. Immutable so a result can hold the exact table it
    was computed from.
    """

    lists: tuple[str, ...]
    counts: tuple[int, ...]
    source: str = ""
    label: str = ""
    dropped_lists: tuple[str, ...] = field(default=())
    observed: tuple[tuple[int, ...], ...] | None = None  # sparse tables: the histories seen, one per count

    def __post_init__(self) -> None:
        t = len(self.lists)
        if t < 2:
            raise ValueError(f"capture-recapture needs at least two lists, got {t}: {list(self.lists)}")
        if len(set(self.lists)) != t:
            raise ValueError(f"list names must be unique: {list(self.lists)}")
        if any(int(c) != c or c < 0 for c in self.counts):
            raise ValueError("cell counts must be whole numbers >= 0")
        object.__setattr__(self, "counts", tuple(int(c) for c in self.counts))
        if self.observed is None:
            if t > _MAX_LISTS:
                raise ValueError(
                    f"a full table of all 2^t - 1 cells is kept for at most {_MAX_LISTS} lists, got {t}: "
                    "give the histories seen (CaptureHistories.from_mapping builds a sparse table)"
                )
            if len(self.counts) != 2**t - 1:
                raise ValueError(f"expected {2**t - 1} cell counts for {t} lists, got {len(self.counts)}")
            return
        if t > MAX_SPARSE_LISTS:
            raise ValueError(f"at most {MAX_SPARSE_LISTS} lists are supported, got {t}")
        seen = tuple(tuple(int(v) for v in p) for p in self.observed)
        if len(seen) != len(self.counts):
            raise ValueError(f"{len(seen)} histories but {len(self.counts)} counts")
        if any(len(p) != t or any(v not in (0, 1) for v in p) or not any(p) for p in seen):
            raise ValueError(f"every history must be {t} values of 0/1, not all zero")
        if len(set(seen)) != len(seen):
            raise ValueError("each history may appear only once in a sparse table")
        object.__setattr__(self, "observed", seen)

    # -- construction -------------------------------------------------------
    @classmethod
    def from_mapping(
        cls,
        lists: Sequence[str],
        cells: Mapping[str, int] | Mapping[tuple[int, ...], int],
        *,
        source: str = "",
        label: str = "",
    ) -> CaptureHistories:
        """Build from `{"110": 12, "101": 3, ...}` or `{(1, 1, 0): 12}`; missing cells are 0.

        More than 12 lists give a sparse table: the histories with a count above 0, in
        the same order a full table would list them.
        """
        t = len(lists)
        sparse = t > _MAX_LISTS  # more than MAX_SPARSE_LISTS is refused by __post_init__
        table: dict[tuple[int, ...], int] = {} if sparse else {p: 0 for p in _patterns(t)}
        for key, value in cells.items():
            pattern = tuple(int(ch) for ch in key) if isinstance(key, str) else tuple(int(v) for v in key)
            if len(pattern) != t or any(v not in (0, 1) for v in pattern):
                raise ValueError(f"history {key!r} does not fit {t} lists {list(lists)}")
            if not any(pattern):
                raise ValueError("the all-zero history is what is estimated; it cannot be given")
            table[pattern] = table.get(pattern, 0) + int(value)
        if sparse:
            seen = sorted((p for p, c in table.items() if c != 0), reverse=True)  # 111.., 110.., as a full table
            return cls(tuple(lists), tuple(table[p] for p in seen), source=source, label=label, observed=tuple(seen))
        return cls(tuple(lists), tuple(table[p] for p in _patterns(t)), source=source, label=label)

    @classmethod
    def from_rcapture(cls, lists: Sequence[str], freqs: Sequence[int], *, source: str = "") -> CaptureHistories:
        """Counts listed in Rcapture's `histpos.t` order (111, 110, 101, 100, 011, 010, 001 for 3 lists)."""
        return cls(tuple(lists), tuple(int(f) for f in freqs), source=source)

    # -- views ------------------------------------------------------------
    @property
    def t(self) -> int:
        return len(self.lists)

    @property
    def sparse(self) -> bool:
        """True when only the histories seen are kept (more than 12 lists)."""
        return self.observed is not None

    @property
    def patterns(self) -> tuple[tuple[int, ...], ...]:
        """The histories `counts` refers to: all 2^t - 1, or (sparse) those seen."""
        return self.observed if self.observed is not None else _patterns(self.t)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The histories as a 0/1 matrix (histories × lists) and their counts: pair sums in a few array products."""
        return np.array(self.patterns, dtype=np.int64).reshape(-1, self.t), np.array(self.counts, dtype=np.int64)

    @property
    def n(self) -> int:
        """Distinct units seen on at least one list (the documented union)."""
        return sum(self.counts)

    def cell(self, history: str | tuple[int, ...]) -> int:
        pattern = tuple(int(ch) for ch in history) if isinstance(history, str) else tuple(history)
        if self.observed is not None:  # a history not seen holds no unit
            return dict(zip(self.observed, self.counts, strict=True)).get(pattern, 0)
        return self.counts[self.patterns.index(pattern)]

    def list_totals(self) -> dict[str, int]:
        """Units on each list (its documented count after de-duplication)."""
        cells = list(zip(self.patterns, self.counts, strict=True))
        return {name: sum(c for p, c in cells if p[i]) for i, name in enumerate(self.lists)}

    def frequencies(self) -> dict[int, int]:
        """f_k: units seen on exactly k lists, k = 1..t."""
        out = {k: 0 for k in range(1, self.t + 1)}
        for p, c in zip(self.patterns, self.counts, strict=True):
            out[sum(p)] += c
        return out

    def history_label(self, pattern: tuple[int, ...]) -> str:
        return "".join(str(v) for v in pattern)

    def describe_cell(self, pattern: tuple[int, ...]) -> str:
        on = [name for name, v in zip(self.lists, pattern, strict=True) if v]
        only = " only" if len(on) < self.t else ""
        return f"{self.history_label(pattern)} (on {' and '.join(on)}{only})"

    def to_frame(self) -> pd.DataFrame:
        """One row per observable history: a 0/1 column per list plus `count`."""
        rows = [dict(zip(self.lists, p, strict=True), count=c) for p, c in zip(self.patterns, self.counts, strict=True)]
        return pd.DataFrame(rows, columns=[*self.lists, _COUNT])

    def to_dict(self) -> dict[str, object]:
        return {
            "lists": list(self.lists),
            "cells": [
                {"history": self.history_label(p), "count": c}
                for p, c in zip(self.patterns, self.counts, strict=True)
            ],
            "union": self.n,
            "per_list": self.list_totals(),
        }

    def drop_empty_lists(self) -> CaptureHistories:
        """Leave out lists with no records: they carry no overlap and make every model degenerate."""
        totals = self.list_totals()
        keep = [i for i, name in enumerate(self.lists) if totals[name] > 0]
        if len(keep) == self.t or len(keep) < 2:
            return self
        cells: dict[tuple[int, ...], int] = {}
        for p, c in zip(self.patterns, self.counts, strict=True):
            sub = tuple(p[i] for i in keep)
            if any(sub):
                cells[sub] = cells.get(sub, 0) + c
        dropped = tuple(name for name in self.lists if totals[name] == 0)
        out = CaptureHistories.from_mapping([self.lists[i] for i in keep], cells, source=self.source, label=self.label)
        return replace(out, dropped_lists=self.dropped_lists + dropped)


@dataclass(frozen=True)
class HistoryFile:
    """A validated capture-history table, possibly split into strata (e.g. governorate x period)."""

    path: str
    lists: tuple[str, ...]
    strata_columns: tuple[str, ...]
    frame: pd.DataFrame  # lists + strata + count, one row per input row, `line` kept

    def histories(self) -> CaptureHistories:
        """The whole table, strata summed."""
        return _collapse(self.frame, self.lists, source=self.path, label="all")

    def by_stratum(self) -> dict[str, CaptureHistories]:
        """One table per stratum, keyed `col=value; col=value` in first-seen order."""
        if not self.strata_columns:
            return {"all": self.histories()}
        out: dict[str, CaptureHistories] = {}
        # grouped by a list of columns, pandas (>= 2) gives every key as a tuple, one value per column
        for key, part in self.frame.groupby(list(self.strata_columns), sort=False, dropna=False):
            label = "; ".join(f"{c}={v}" for c, v in zip(self.strata_columns, key, strict=True))
            out[label] = _collapse(part, self.lists, source=self.path, label=label)
        return out


def _collapse(frame: pd.DataFrame, lists: Sequence[str], *, source: str, label: str) -> CaptureHistories:
    cells: dict[tuple[int, ...], int] = {}
    matrix = frame[list(lists)].to_numpy(dtype=int)
    for pattern, count in zip(map(tuple, matrix), frame[_COUNT].to_numpy(dtype=int), strict=True):
        if any(pattern):
            cells[pattern] = cells.get(pattern, 0) + int(count)
    return CaptureHistories.from_mapping(lists, cells, source=source, label=label)


def _check_rows(
    name: str,
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    *,
    count: str,
    strata: Sequence[str],
    found: Sequence[Problem] = (),
    rows_read: int = 0,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Check the header, then every row; `found` and `rows_read` carry what the CSV reader already saw
    (rows it rejected as ragged are reported there, and left out of `rows`)."""
    problems: list[Problem] = []
    missing = [c for c in [count, *strata] if c not in header]
    for col in missing:
        what = "count column" if col == count else "strata column"
        problems.append(Problem(name, 1, col, f"missing {what} {col!r}; the header has {header}"))
    dupes = sorted({h for h in header if header.count(h) > 1})
    for col in dupes:
        problems.append(Problem(name, 1, col, "column name appears more than once in the header"))
    lists = tuple(h for h in header if h not in (count, *strata))
    if len(lists) < 2:
        problems.append(
            Problem(name, 1, "(header)", f"need at least two 0/1 list columns besides {count!r}, found {list(lists)}")
        )
    if len(lists) > MAX_SPARSE_LISTS:
        problems.append(
            Problem(name, 1, "(header)", f"at most {MAX_SPARSE_LISTS} list columns are supported, found {len(lists)}")
        )
    if problems:
        raise InputError(problems)
    problems = list(found)
    records: list[dict[str, object]] = []
    rows_in = 0
    for line, values in rows:
        rows_in += 1
        if len(values) != len(header):
            problems.append(
                Problem(name, line, "(row)", f"has {len(values)} fields, the header has {len(header)}")
            )
            continue
        rec = dict(zip(header, (v.strip() for v in values), strict=True))  # lengths checked just above
        ok = True
        for col in lists:
            if rec[col] not in ("0", "1"):
                problems.append(Problem(name, line, col, f"must be 0 or 1 (on the list or not), got {rec[col]!r}"))
                ok = False
        raw = str(rec[count])
        try:
            value = float(raw)
            if value != int(value):
                raise ValueError
        except (ValueError, OverflowError):
            problems.append(Problem(name, line, count, f"must be a whole number of units, got {raw!r}"))
            ok = False
        else:
            if value < 0:
                problems.append(Problem(name, line, count, f"must not be negative, got {raw!r}"))
                ok = False
            elif value > _MAX_COUNT:
                problems.append(
                    Problem(name, line, count, f"{raw[:40]!r} is more than {_MAX_COUNT:,} units: not a plausible count")
                )
                ok = False
        if ok and all(rec[col] == "0" for col in lists):
            problems.append(
                Problem(
                    name,
                    line,
                    "(history)",
                    "all-zero history: units on no list are what the estimate is for and cannot be counted",
                )
            )
            ok = False
        if ok:
            out: dict[str, object] = {col: int(rec[col]) for col in lists}
            out.update({col: rec[col] for col in strata})
            out[_COUNT] = int(float(raw))
            out["line"] = line
            records.append(out)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line))
    if max(rows_in, rows_read) == 0:
        raise InputError([Problem(name, 1, "(file)", "no data rows below the header")])
    frame = pd.DataFrame(records, columns=[*lists, *strata, _COUNT, "line"])
    return frame, lists


def read_histories(path: str | Path, *, count: str = _COUNT, strata: Sequence[str] = ()) -> HistoryFile:
    """Read and validate a capture-history CSV: one 0/1 column per list, a count column, optional strata.

    Every bad row is reported (`file:line: field: message`) in one `InputError`;
    nothing is estimated from a table that had to be guessed at. The file is read
    by the kit's one CSV rule (`kit.core.read_rows`): lines are where records start.
    """
    name = str(path)
    # extra=True: the header names the lists, so every column is welcome here.
    frame, problems, rows_in = read_rows(path, extra=True, name=name)
    if any(p.field != "(row)" for p in problems):  # the file or its header is unusable
        raise InputError(problems)
    header = [c for c in frame.columns if c not in (LINE, FILE)]
    rows = zip(frame[LINE].tolist(), frame[header].values.tolist(), strict=True)
    data, lists = _check_rows(name, header, rows, count=count, strata=strata, found=problems, rows_read=rows_in)
    return HistoryFile(name, lists, tuple(strata), data)


def histories_from_frame(
    frame: pd.DataFrame,
    *,
    lists: Sequence[str] | None = None,
    count: str = _COUNT,
    strata: Sequence[str] = (),
    name: str = "<frame>",
) -> HistoryFile:
    """Validate an in-memory table like a CSV (row i is reported as line i + 2)."""
    header = [str(c) for c in frame.columns]
    if lists is not None:
        extra = [c for c in header if c not in (*lists, count, *strata)]
        header = [c for c in header if c not in extra]
        frame = frame[header]
    rows = (
        (i + 2, ["" if pd.isna(v) else _text(v) for v in values])
        for i, values in enumerate(frame.itertuples(index=False))
    )
    data, found = _check_rows(name, header, rows, count=count, strata=strata)
    return HistoryFile(name, found, tuple(strata), data)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


def histories_from_matches(
    records: Mapping[str, pd.DataFrame] | Sequence[pd.DataFrame] | pd.DataFrame,
    *,
    cluster: str = "cluster_id",
    list_column: str = "list",
    lists: Sequence[str] | None = None,
    strata: Sequence[str] = (),
) -> HistoryFile:
    """Capture histories from linked records: one unit per `cluster_id`, on every list holding a record of it.

    Input, any of:
    - `{list_name: frame}`: each frame one list's records, with a `cluster_id`
      column naming the matched unit;
    - `[frame, frame, ...]`: the same, each frame naming its list in a `list`
      column (or names given in `lists=`, in order);
    - one long frame with `cluster_id` and `list` columns;
    - one wide membership frame: `cluster_id` plus a 0/1 (or boolean) column per
      list named in `lists=`.
    Several records of one list in one cluster count once: the unit, not the
    record, is captured. Strata columns must agree within a cluster (a unit
    belongs to one stratum). Independent of `kit.match`: any matcher that
    writes a cluster id per record fits.
    """
    long, names = _long_records(records, cluster=cluster, list_column=list_column, lists=lists)
    _check_records(long, names, cluster=cluster, list_column=list_column, strata=strata)
    units = _units(long, names, cluster=cluster, list_column=list_column, strata=strata)
    grouped = units.groupby([*names, *strata], sort=False).size().reset_index(name=_COUNT)
    grouped["line"] = 0
    return HistoryFile("<matches>", tuple(names), tuple(strata), grouped[[*names, *strata, _COUNT, "line"]])


# -- histories_from_matches, step 1: every input form as one long frame of records -------------
def _long_records(
    records: Mapping[str, pd.DataFrame] | Sequence[pd.DataFrame] | pd.DataFrame,
    *,
    cluster: str,
    list_column: str,
    lists: Sequence[str] | None,
) -> tuple[pd.DataFrame, list[str]]:
    """One row per record with its list, `__file__` and `__line__` (for messages), and the list names in order."""
    if isinstance(records, pd.DataFrame) and lists is not None and list_column not in records.columns:
        records = _wide_to_long(records, cluster=cluster, lists=lists, list_column=list_column)
    elif not isinstance(records, (Mapping, pd.DataFrame)):
        records = _named_frames(records, list_column=list_column, lists=lists)
    if isinstance(records, Mapping):
        parts = []
        for name, frame in records.items():
            if cluster not in frame.columns:
                raise InputError([Problem(str(name), 1, cluster, f"missing cluster column {cluster!r}")])
            part = frame.assign(**{list_column: str(name)})
            part["__line__"] = range(2, len(part) + 2)
            part["__file__"] = str(name)
            parts.append(part)
        long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[cluster, list_column])
        return long, list(lists) if lists is not None else [str(k) for k in records]
    long = records.copy()
    for col in (cluster, list_column):
        if col not in long.columns:
            raise InputError([Problem("<frame>", 1, col, f"missing column {col!r}")])
    long["__line__"] = range(2, len(long) + 2)
    long["__file__"] = "<frame>"
    return long, list(lists) if lists is not None else list(dict.fromkeys(long[list_column].astype(str)))


def _named_frames(
    frames: Sequence[pd.DataFrame], *, list_column: str, lists: Sequence[str] | None
) -> dict[str, pd.DataFrame]:
    """`[frame, ...]` as `{list name: frame}`: the name from `lists=` by position, else the frame's one list value."""
    named: dict[str, pd.DataFrame] = {}
    for i, frame in enumerate(list(frames)):
        if lists is not None and i < len(lists):
            name = str(lists[i])
        elif list_column in frame.columns and frame[list_column].nunique() == 1:
            name = str(frame[list_column].iloc[0])
        else:
            raise InputError(
                [Problem(f"<frame {i + 1}>", 1, list_column, "cannot tell which list this frame is: "
                         f"give one value in a {list_column!r} column or pass lists=")]
            )
        named[name] = frame.drop(columns=[list_column], errors="ignore")
    return named


# -- step 2: every record names a cluster and a known list ---------------------------------------
def _check_records(
    long: pd.DataFrame, names: list[str], *, cluster: str, list_column: str, strata: Sequence[str]
) -> None:
    """Raise one InputError listing every missing strata column, then every record without a cluster or list."""
    problems: list[Problem] = []
    for col in strata:
        if col not in long.columns:
            problems.append(Problem("<matches>", 1, col, f"missing strata column {col!r}"))
    if problems:
        raise InputError(problems)
    for row in long.itertuples(index=False):
        rec = dict(zip(long.columns, row, strict=True))
        where = str(rec["__file__"]), int(cast("int", rec["__line__"]))
        if pd.isna(rec[cluster]) or str(rec[cluster]).strip() == "":
            problems.append(Problem(*where, cluster, "record has no cluster id"))
        if str(rec[list_column]) not in names:
            problems.append(Problem(*where, list_column, f"unknown list {rec[list_column]!r}"))
    if len(names) < 2:
        problems.append(Problem("<matches>", 0, list_column, f"need records from at least two lists, got {names}"))
    if problems:
        raise InputError(problems)


# -- step 3: one row per unit (cluster): on which lists, in which stratum ------------------------
def _units(
    long: pd.DataFrame, names: list[str], *, cluster: str, list_column: str, strata: Sequence[str]
) -> pd.DataFrame:
    """A 0/1 column per list and the unit's stratum values; a cluster spread over strata is an error."""
    problems: list[Problem] = []
    long[list_column] = long[list_column].astype(str)
    rows: list[dict[str, object]] = []
    for cid, part in long.groupby(cluster, sort=True):
        row: dict[str, object] = {n: int(n in set(part[list_column])) for n in names}
        for col in strata:
            values = list(dict.fromkeys(part[col].dropna().astype(str)))  # distinct, first seen first
            if len(values) > 1:
                first = part.iloc[0]
                problems.append(
                    Problem(
                        str(first["__file__"]),
                        int(first["__line__"]),
                        col,
                        f"cluster {cid!r} has records in several strata: {sorted(values)}",
                    )
                )
            row[col] = values[0] if values else ""
        rows.append(row)
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=[*names, *strata])


def _wide_to_long(frame: pd.DataFrame, *, cluster: str, lists: Sequence[str], list_column: str) -> pd.DataFrame:
    """A membership table (cluster_id + one 0/1 column per list) as one record per list membership."""
    problems: list[Problem] = []
    for col in [cluster, *lists]:
        if col not in frame.columns:
            problems.append(Problem("<frame>", 1, col, f"missing column {col!r}"))
    if problems:
        raise InputError(problems)
    parts: list[dict[str, object]] = []
    for i, row in enumerate(frame.itertuples(index=False)):
        rec = dict(zip(frame.columns, row, strict=True))
        before = len(parts)
        for name in lists:
            value = rec[name]
            if isinstance(value, str):
                value = value.strip()
            if value in (1, True, "1", "true", "True"):
                parts.append({**{c: rec[c] for c in frame.columns if c not in lists}, list_column: name})
            elif value not in (0, False, "0", "false", "False"):
                problems.append(Problem("<frame>", i + 2, name, f"membership must be 0 or 1, got {value!r}"))
        if len(parts) == before:
            problems.append(Problem("<frame>", i + 2, "(history)", "unit is on no list: nothing to count it from"))
    if problems:
        raise InputError(problems)
    return pd.DataFrame(parts, columns=[c for c in frame.columns if c not in lists] + [list_column])
