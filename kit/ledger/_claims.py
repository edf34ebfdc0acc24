"""The claims ledger: every published figure as a cited, scoped claim.

A claim is one figure stated by one claimant, with its provenance (who, when,
where published, relayed by whom) and its scope (period, place, perpetrator,
victims, outcome, method). One declared pandera contract checks every row;
loading never drops a row silently: each rejected row is reported as
`file:line: field: message` and `rows_in == rows_loaded + rows_rejected`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pandas as pd
import pandera.pandas as pa

from kit.core import FILE, LINE, InputError, Problem, Range, data_dir, parse_partial_date, read_rows
from kit.ledger._gazetteer import Gazetteer, load_gazetteer
from kit.ledger._schema import (
    CLAIM_COLUMNS,
    OPTIONAL_COLUMNS,
    RELAY_SEPARATOR,
    REQUIRED_VALUES,
    WIDE_FIELD,
    ClaimSchema,
)

_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class LoadResult:
    """What loading produced: the claims, the problems and the row accounting."""

    claims: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows_in: int = 0
    files: tuple[str, ...] = ()

    @property
    def rows_loaded(self) -> int:
        return len(self.claims)

    @property
    def rows_rejected(self) -> int:
        return self.rows_in - self.rows_loaded

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_if_problems(self) -> LoadResult:
        """For notebooks: stop with every problem listed rather than chart partial data."""
        if self.problems:
            raise InputError(self.problems)
        return self

    def summary(self) -> str:
        return (
            f"{len(self.files)} file(s): {self.rows_in} row(s) in, {self.rows_loaded} loaded, "
            f"{self.rows_rejected} rejected, {len(self.problems)} problem(s)"
        )


def ledger_files(root: str | Path | None = None) -> list[Path]:
    """The ledger CSVs, sorted so loading order (and hashes) are stable."""
    folder = Path(root) if root else data_dir() / "claims"
    return sorted(folder.glob("*.csv"))


def _parse(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Strings → typed values, with a problem for each value that will not parse."""
    problems: list[Problem] = []
    n = len(frame)
    numbers: dict[str, list[float | None]] = {c: [None] * n for c in ("low", "best", "high")}
    dates: dict[str, list[object]] = {
        k: [pd.NaT] * n for k in ("published_date", "known_from", "period_start_first", "period_start_date",
                                  "period_end_first", "period_end_date")
    }
    precisions: dict[str, list[str]] = {k: [""] * n for k in ("published", "period_start", "period_end")}
    for i, row in enumerate(frame.to_dict("records")):
        where = (row[FILE], row[LINE])
        for col in REQUIRED_VALUES:
            if not row[col]:
                problems.append(Problem(*where, col, "required value is empty"))
        for col in ("low", "best", "high"):
            value = row[col]
            if not value:
                continue
            if _NUMBER.match(value.removeprefix("-")) and not math.isfinite(float(value)):
                message = f"{value[:20]!r}... ({len(value)} characters) is too large a number"
                problems.append(Problem(*where, col, message))
            elif value.startswith("-") and _NUMBER.match(value[1:]):
                numbers[col][i] = -float(value[1:])  # the contract reports the sign
            elif _NUMBER.match(value):
                numbers[col][i] = float(value)
            elif re.match(r"^\d{1,3}(,\d{3})+$", value):
                plain = value.replace(",", "")
                message = f"{value!r} has a thousands separator; write plain digits ({plain})"
                problems.append(Problem(*where, col, message))
            else:
                problems.append(Problem(*where, col, f"{value!r} is not a number"))
        for col in ("published", "period_start", "period_end"):
            value = row[col]
            if not value:
                precisions[col][i] = "unknown" if col == "published" else ("open" if col == "period_end" else "")
                continue
            try:
                first, last, precision = parse_partial_date(value)
            except ValueError as exc:
                problems.append(Problem(*where, col, str(exc)))
                continue
            precisions[col][i] = precision
            if col == "published":
                dates["published_date"][i], dates["known_from"][i] = first, last
            elif col == "period_start":
                dates["period_start_first"][i], dates["period_start_date"][i] = first, first
            else:
                dates["period_end_first"][i], dates["period_end_date"][i] = first, last
    typed = frame.copy()
    for col, values in numbers.items():
        typed[col] = pd.array(values, dtype="Float64")
    for col, stamps in dates.items():
        typed[col] = pd.to_datetime(pd.Series(stamps, index=typed.index, dtype="object"))
    typed["published_precision"] = precisions["published"]
    typed["period_start_precision"] = precisions["period_start"]
    typed["period_end_precision"] = precisions["period_end"]
    # the end as the row states it (its precision's last day), before an open end is filled in
    typed["period_end_stated"] = typed["period_end_date"]
    # an open period ends with the publication: cumulative "since 2014" figures
    open_end = typed["period_end_date"].isna() & typed["known_from"].notna()
    typed.loc[open_end, "period_end_date"] = typed.loc[open_end, "known_from"]
    typed.loc[open_end, "period_end_precision"] = typed.loc[open_end, "published_precision"]
    return typed, problems


def _contract(typed: pd.DataFrame) -> list[Problem]:
    """Run the pandera contract on rows that parsed, mapping failures to lines."""
    try:
        ClaimSchema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    problems: list[Problem] = []
    seen: set[tuple[object, str, str]] = set()
    for case in cases.to_dict("records"):
        idx = case.get("index")
        if idx is None or pd.isna(idx) or idx not in typed.index:
            continue
        check = str(case.get("check"))
        column = str(case.get("column"))
        if check in WIDE_FIELD or case.get("schema_context") == "DataFrameSchema":
            fieldname = WIDE_FIELD.get(check, check.split(" ", 1)[0])
            message = check
        elif check == "not_nullable":
            fieldname, message = column, "required value is empty"
        else:
            fieldname = column
            value = typed.at[idx, column]
            shown = (
                f"{value:g}"
                if isinstance(value, float)
                else repr(value if len(str(value)) < 80 else str(value)[:77] + "...")
            )
            message = f"{shown} {check}"
        key = (idx, fieldname, message)
        if key in seen:
            continue
        seen.add(key)
        line = int(cast("int", typed.at[idx, LINE]))  # the LINE column holds line numbers
        problems.append(Problem(str(typed.at[idx, FILE]), line, fieldname, message))
    return problems


def _cross_checks(typed: pd.DataFrame, gazetteer: Gazetteer, known_ids: set[str]) -> list[Problem]:
    """Rules that need other rows or the gazetteer: unique ids, cites, places."""
    problems: list[Problem] = []
    first_seen: dict[str, tuple[str, int]] = {}
    all_ids = set(typed["claim_id"]) | known_ids
    for row in typed.to_dict("records"):
        where = (row[FILE], row[LINE])
        cid = row["claim_id"]
        if cid:
            if cid in first_seen:
                f, line = first_seen[cid]
                problems.append(Problem(*where, "claim_id", f"duplicate id {cid!r} (first at {f}:{line})"))
            else:
                first_seen[cid] = where
        if row["cites"]:
            if row["cites"] == cid:
                problems.append(Problem(*where, "cites", "a claim cannot cite itself"))
            elif row["cites"] not in all_ids:
                problems.append(Problem(*where, "cites", f"unknown claim id {row['cites']!r}"))
        for place in [p.strip() for p in row["places"].split(";") if p.strip()]:
            if place not in gazetteer:
                hint = gazetteer.resolve(place)
                extra = f" (did you mean {hint!r}?)" if hint else ""
                problems.append(Problem(*where, "places", f"unknown place id {place!r}{extra}"))
    return problems


def _finish(typed: pd.DataFrame) -> pd.DataFrame:
    out = typed.rename(columns={FILE: "source_file", LINE: "source_line"}).copy()
    out["places_list"] = [tuple(p.strip() for p in s.split(";") if p.strip()) for s in out["places"]]
    out["relay_list"] = [
        tuple(p.strip() for p in s.split(RELAY_SEPARATOR.strip()) if p.strip()) for s in out["relay_chain"]
    ]
    out = out.drop(columns=["period_start_first", "period_end_first", "period_end_stated"])
    return out.reset_index(drop=True)


def _check_frame(
    frame: pd.DataFrame, gazetteer: Gazetteer, known_ids: set[str] | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    typed, problems = _parse(frame)
    # the contract runs on every row; where a value did not parse, the parse
    # message already says why, so the contract's echo of it is dropped
    parsed = {(p.file, p.line, p.field) for p in problems}
    derived = {"low": ("low", "best"), "best": ("best",), "high": ("low", "high", "best"),
               "period_start": ("period_start",),
               "period_end": ("period_start", "period_end"), "published": ("period_start", "period_end")}
    echoes = {(f, line, d) for f, line, col in parsed for d in (col, *derived.get(col, ()))}
    problems += [p for p in _contract(typed) if (p.file, p.line, p.field) not in echoes]
    problems += _cross_checks(typed, gazetteer, known_ids or set())
    bad = {(p.file, p.line) for p in problems}
    ok = [(f, line) not in bad for f, line in zip(typed[FILE], typed[LINE], strict=True)]
    order = sorted(
        problems,
        key=lambda p: (p.file, p.line, CLAIM_COLUMNS.index(p.field) if p.field in CLAIM_COLUMNS else 99),
    )
    return _finish(typed.loc[pd.Series(ok, index=typed.index, dtype=bool)]), order


def load_claims(
    paths: str | Path | Iterable[str | Path] | None = None,
    *,
    gazetteer: Gazetteer | None = None,
) -> LoadResult:
    """Load ledger CSVs (default: every `data/claims/*.csv`) through the contract.

    Rows that break the contract are rejected, never repaired: the result
    lists each problem and the accounting `rows_in = loaded + rejected`.
    """
    if paths is None:
        files = ledger_files()
    elif isinstance(paths, (str, Path)):
        p = Path(paths)
        files = ledger_files(p) if p.is_dir() else [p]
    else:
        files = []
        for item in paths:
            q = Path(item)
            files += ledger_files(q) if q.is_dir() else [q]
    gaz = gazetteer or load_gazetteer()
    frames: list[pd.DataFrame] = []
    problems: list[Problem] = []
    rows_in = 0
    for f in files:
        frame, file_problems, n = read_rows(f, required=[c for c in CLAIM_COLUMNS if c not in OPTIONAL_COLUMNS],
                                            optional=OPTIONAL_COLUMNS)
        problems += file_problems
        rows_in += n
        frames.append(frame[[*CLAIM_COLUMNS, LINE, FILE]])
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*CLAIM_COLUMNS, LINE, FILE])
    claims, row_problems = _check_frame(raw, gaz)
    return LoadResult(claims, problems + row_problems, rows_in, tuple(str(f) for f in files))


def validate_claims_frame(
    frame: pd.DataFrame,
    *,
    file: str = "<draft>",
    gazetteer: Gazetteer | None = None,
    known_ids: Iterable[str] = (),
) -> LoadResult:
    """Check draft rows (e.g. from `kit.extract`) with the ledger's own contract.

    Lines are numbered as in a CSV written from the frame (header = line 1),
    so a reviewer can find the row; `known_ids` lets drafts cite ledger claims.
    """
    missing = [c for c in CLAIM_COLUMNS if c not in frame.columns and c not in OPTIONAL_COLUMNS]
    frame = frame.assign(**{c: "" for c in OPTIONAL_COLUMNS if c not in frame.columns})
    if missing:
        return LoadResult(
            pd.DataFrame(columns=CLAIM_COLUMNS),
            [Problem(file, 1, ", ".join(missing), "required column missing")],
            len(frame),
            (file,),
        )
    raw = frame[CLAIM_COLUMNS].astype("string").fillna("").apply(lambda s: s.str.strip()).reset_index(drop=True)
    # numbers written by pandas as 352.0 are plain numbers too
    for col in ("low", "best", "high"):
        raw[col] = raw[col].str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    raw[LINE] = range(2, len(raw) + 2)
    raw[FILE] = file
    claims, problems = _check_frame(raw, gazetteer or load_gazetteer(), set(known_ids))
    return LoadResult(claims, problems, len(frame), (file,))


def claim_range(row: pd.Series | Mapping[str, object]) -> Range:
    """The claim's figure as a `Range` (best kept when given), its qualifier opening an end ("at least" → floor)."""
    # A loaded row's numbers are floats; `best` may be absent (None, or NA from the Float64 column).
    low, high = cast("float", row["low"]), cast("float", row["high"])
    best = cast("float | None", row.get("best"))
    qualifier = row.get("qualifier")
    return Range.stated(float(low), float(high), None if best is None or pd.isna(best) else float(best),
                        qualifier if isinstance(qualifier, str) else "none")
