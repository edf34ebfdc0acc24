"""The claims ledger: every published figure as a cited, scoped claim.

A claim is one figure stated by one claimant, with its provenance (who, when,
where published, relayed by whom) and its scope (period, place, perpetrator,
victims, outcome, method). One declared pandera contract checks every row;
loading never drops a row silently: each rejected row is reported as
`file:line: field: message` and `rows_in == rows_loaded + rows_rejected`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from kit.core import FILE, LINE, InputError, Problem, Range, data_dir, is_safe_url, parse_partial_date, read_rows

from kit.core.vocab import CLAIMANT_TYPES, METHODS, OUTCOMES, QUALIFIERS, SOURCE_STATUSES, UNITS, VICTIMS
from kit.ledger._gazetteer import Gazetteer, load_gazetteer

__all__ = [
    "CLAIM_COLUMNS",
    "CLAIMANT_TYPES",
    "METHODS",
    "OUTCOMES",
    "QUALIFIERS",
    "SOURCE_STATUSES",
    "UNITS",
    "VICTIMS",
    "ClaimSchema",
    "LoadResult",
    "Problem",
    "claim_range",
    "ledger_files",
    "load_claims",
    "parse_partial_date",
    "validate_claims_frame",
]

CLAIM_COLUMNS = [
    "claim_id", "claimant", "claimant_type", "relay_chain", "source_status", "published", "url",
    "low", "best", "high", "qualifier", "unit", "outcome", "victims", "perpetrator", "places",
    "period_start", "period_end", "method", "grade", "cites", "note",
]
_OPTIONAL = ("relay_chain", "published", "best", "period_end", "grade", "cites", "note")
_REQUIRED_VALUES = [c for c in CLAIM_COLUMNS if c not in _OPTIONAL]

# The vocabularies (CLAIMANT_TYPES ... METHODS), the partial-date parser and the
# URL rule live in kit.core; this module re-exports them for compatibility.
RELAY_SEPARATOR = " > "
_SLUG = r"^[a-z0-9][a-z0-9._-]*$"
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def _isin(values: Sequence[str]) -> pa.Check:
    return pa.Check.isin(list(values), error=f"is not one of: {', '.join(values)}")


def _text(*checks: pa.Check) -> pa.Column:
    return pa.Column(str, checks=list(checks), nullable=False)


def _wide(name: str, error: str, fn: object) -> pa.Check:
    return pa.Check(fn, error=error, name=name)


# One declared contract for a parsed ledger row. Parsing (numbers, partial
# dates) happens first so its messages can be exact; this schema then checks
# vocabularies, formats and the rules that tie fields together.
ClaimSchema = pa.DataFrameSchema(
    {
        "claim_id": _text(pa.Check.str_matches(_SLUG, error="is not a lowercase id like 'cjtf-oir-2017-04-30'")),
        "claimant": _text(pa.Check.str_length(1, 200, error="must be 1–200 characters")),
        "claimant_type": _text(_isin(CLAIMANT_TYPES)),
        "relay_chain": _text(pa.Check.str_length(0, 500, error="must be at most 500 characters")),
        "source_status": _text(_isin(SOURCE_STATUSES)),
        "url": _text(pa.Check(is_safe_url, element_wise=True,
                             error="is not an http:// or https:// URL (other schemes are refused)")),
        "low": pa.Column("Float64", pa.Check.ge(0, error="must not be negative"), nullable=False),
        "best": pa.Column("Float64", pa.Check.ge(0, error="must not be negative"), nullable=True),
        "high": pa.Column("Float64", pa.Check.ge(0, error="must not be negative"), nullable=False),
        "qualifier": _text(_isin(QUALIFIERS)),
        "unit": _text(_isin(UNITS)),
        "outcome": _text(_isin(OUTCOMES)),
        "victims": _text(_isin(VICTIMS)),
        "perpetrator": _text(pa.Check.str_matches(_SLUG, error="is not a lowercase slug like 'us-led-coalition'")),
        "method": _text(_isin(METHODS)),
        "note": _text(pa.Check.str_length(0, 4000, error="must be at most 4,000 characters")),
    },
    checks=[
        _wide("low_le_high", "low is greater than high", lambda d: d["low"] <= d["high"]),
        _wide(
            "best_in_range",
            "best lies outside [low, high]",
            lambda d: d["best"].isna() | ((d["low"] <= d["best"]) & (d["best"] <= d["high"])),
        ),
        _wide(
            "period_order",
            "period_start is after period_end",
            lambda d: d["period_end_date"].isna() | (d["period_start_first"] <= d["period_end_date"]),
        ),
        _wide(
            "period_before_publication",
            "period_start is after the publication date",
            lambda d: d["known_from"].isna() | (d["period_start_first"] <= d["known_from"]),
        ),
        _wide(
            "relayed_has_chain",
            "relay_chain is empty but source_status is 'relayed' (name the outlets)",
            lambda d: (d["source_status"] != "relayed") | (d["relay_chain"] != ""),
        ),
        _wide(
            "primary_has_no_chain",
            "relay_chain is given but source_status is 'primary' (use 'relayed')",
            lambda d: (d["source_status"] != "primary") | (d["relay_chain"] == ""),
        ),
        _wide(
            "untraced_has_note",
            "note is empty but source_status is 'untraced' (say what could not be traced)",
            lambda d: (d["source_status"] != "untraced") | (d["note"] != ""),
        ),
        _wide(
            "unknown_date_has_note",
            "note is empty but published is unknown (say why)",
            lambda d: d["published_precision"].ne("unknown") | (d["note"] != ""),
        ),
    ],
    strict=False,
    coerce=False,
    name="claims",
)

_WIDE_FIELD = {
    "low is greater than high": "low",
    "best lies outside [low, high]": "best",
    "period_start is after period_end": "period_start",
    "period_start is after the publication date": "period_start",
}


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
    numbers = {c: [None] * n for c in ("low", "best", "high")}
    dates: dict[str, list[object]] = {
        k: [pd.NaT] * n for k in ("published_date", "known_from", "period_start_first", "period_start_date",
                                  "period_end_first", "period_end_date")
    }
    precisions: dict[str, list[str]] = {k: [""] * n for k in ("published", "period_start", "period_end")}
    for i, row in enumerate(frame.to_dict("records")):
        where = (row[FILE], row[LINE])
        for col in _REQUIRED_VALUES:
            if not row[col]:
                problems.append(Problem(*where, col, "required value is empty"))
        for col in ("low", "best", "high"):
            value = row[col]
            if not value:
                continue
            if value.startswith("-") and _NUMBER.match(value[1:]):
                numbers[col][i] = -float(value[1:])  # the contract reports the sign
            elif _NUMBER.match(value):
                numbers[col][i] = float(value)
            elif re.match(r"^\d{1,3}(,\d{3})+$", value):
                problems.append(Problem(*where, col, f"{value!r} has a thousands separator; write plain digits ({value.replace(',', '')})"))
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
    for col, values in dates.items():
        typed[col] = pd.to_datetime(pd.Series(values, index=typed.index, dtype="object"))
    typed["published_precision"] = precisions["published"]
    typed["period_start_precision"] = precisions["period_start"]
    typed["period_end_precision"] = precisions["period_end"]
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
        if check in _WIDE_FIELD or case.get("schema_context") == "DataFrameSchema":
            fieldname = _WIDE_FIELD.get(check, check.split(" ", 1)[0])
            message = check
        elif check == "not_nullable":
            fieldname, message = column, "required value is empty"
        else:
            fieldname = column
            value = typed.at[idx, column]
            shown = f"{value:g}" if isinstance(value, float) else repr(value if len(str(value)) < 80 else str(value)[:77] + "...")
            message = f"{shown} {check}"
        key = (idx, fieldname, message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(typed.at[idx, FILE], int(typed.at[idx, LINE]), fieldname, message))
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
    out["relay_list"] = [tuple(p.strip() for p in s.split(RELAY_SEPARATOR.strip()) if p.strip()) for s in out["relay_chain"]]
    out = out.drop(columns=["period_start_first", "period_end_first"])
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
               "period_end": ("period_start",)}
    echoes = {(f, line, d) for f, line, col in parsed for d in (col, *derived.get(col, ()))}
    problems += [p for p in _contract(typed) if (p.file, p.line, p.field) not in echoes]
    problems += _cross_checks(typed, gazetteer, known_ids or set())
    bad = {(p.file, p.line) for p in problems}
    ok = [(f, line) not in bad for f, line in zip(typed[FILE], typed[LINE], strict=True)]
    return _finish(typed.loc[pd.Series(ok, index=typed.index, dtype=bool)]), sorted(problems, key=lambda p: (p.file, p.line, CLAIM_COLUMNS.index(p.field) if p.field in CLAIM_COLUMNS else 99))


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
        frame, file_problems, n = read_rows(f, required=[c for c in CLAIM_COLUMNS if c not in _OPTIONAL],
                                            optional=_OPTIONAL)
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
    missing = [c for c in CLAIM_COLUMNS if c not in frame.columns]
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


def claim_range(row: pd.Series | dict[str, object]) -> Range:
    """The claim's figure as a `Range` (best kept when given)."""
    best = row["best"]
    return Range(float(row["low"]), float(row["high"]), None if best is None or pd.isna(best) else float(best))
