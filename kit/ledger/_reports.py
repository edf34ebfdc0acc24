"""A belligerent's monthly casualty reports as their own kind of record, checked against its cumulative totals.

CJTF-OIR's monthly reports say how many allegations it finished assessing,
how many it found credible or not, how many stay open and how many deaths
the month added. These are counts of assessments, not deaths, so they are
not claims in the ledger's sense; they live in `data/monthly_reports/` with
their own contract. `reconcile_reports` checks that each month's additions
lead from one cumulative total to the next and that the report counts add
up, and reports every difference rather than hiding it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path

import pandas as pd

from kit.core import FILE, LINE, Problem, data_dir, is_safe_url, parse_partial_date, read_rows

REPORT_COLUMNS = [
    "report_id", "claimant", "month", "published", "url", "carried_over", "new", "completed", "credible",
    "non_credible", "duplicates", "open", "deaths_added", "total", "total_claim", "quote", "retrieved", "note",
]
REPORT_COUNTS = ("carried_over", "new", "completed", "credible", "non_credible", "duplicates", "open",
                 "deaths_added", "total")
_REQUIRED = ("report_id", "claimant", "month", "url", "quote", "retrieved")


@dataclass(frozen=True)
class ReportsResult:
    """Monthly reports as loaded, with the problems and the row accounting."""

    reports: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows_in: int = 0


def _precision(text: str) -> str:
    """"day", "month" or "year" for a partial date; "" when it is not one."""
    try:
        return parse_partial_date(text)[2]
    except ValueError:
        return ""


def _row_problems(row: dict[str, str]) -> list[Problem]:
    where = (row[FILE], int(row[LINE]))
    out = [Problem(*where, col, "required value is empty") for col in _REQUIRED if not row[col]]
    if row["month"] and _precision(row["month"]) != "month":
        out.append(Problem(*where, "month", f"{row['month']!r} is not a month like 2017-04"))
    for col in ("published", "retrieved"):
        if row[col]:
            try:
                parse_partial_date(row[col])
            except ValueError as exc:
                out.append(Problem(*where, col, str(exc)))
    if row["url"] and not is_safe_url(row["url"]):
        out.append(Problem(*where, "url", f"{row['url']!r} is not an http:// or https:// URL"))
    for col in REPORT_COUNTS:
        if row[col] and not row[col].isdigit():
            out.append(Problem(*where, col, f"{row[col]!r} is not a whole number"))
    return out


def load_monthly_reports(path: str | Path | None = None) -> ReportsResult:
    """Read a monthly-reports CSV (default: every `data/monthly_reports/*.csv`).

    Bad rows are listed as problems (file, line, field, reason), never dropped silently.
    """
    files = sorted((data_dir() / "monthly_reports").glob("*.csv")) if path is None else [Path(path)]
    frames, problems, rows_in = [], [], 0
    for f in files:
        frame, file_problems, n = read_rows(f, required=_REQUIRED, optional=[c for c in REPORT_COLUMNS
                                                                             if c not in _REQUIRED])
        problems += file_problems
        rows_in += n
        frames.append(frame)
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*REPORT_COLUMNS, LINE, FILE])
    bad: set[int] = set()
    for i, row in enumerate(raw.to_dict("records")):
        found = _row_problems({str(k): str(v) for k, v in row.items()})
        problems += found
        if found:
            bad.add(i)
    ok = raw.drop(index=list(bad)).reset_index(drop=True)
    out = ok[REPORT_COLUMNS].copy()
    for col in REPORT_COUNTS:
        out[col] = pd.to_numeric(out[col].replace("", None), errors="coerce").astype("Int64")
    out["month_start"] = pd.to_datetime(out["month"] + "-01")
    return ReportsResult(out.sort_values(["claimant", "month_start"]).reset_index(drop=True), problems, rows_in)


def _month_index(ts: pd.Timestamp) -> int:
    return ts.year * 12 + ts.month - 1


def _int(value: object) -> int | None:
    """A count cell (pandas Int64) as an int, None when not stated."""
    if not isinstance(value, Real) or value != value:  # None, NA and NaN are not stated
        return None
    return int(float(value))


def reconcile_reports(reports: pd.DataFrame) -> pd.DataFrame:
    """Each report checked three ways; a difference is a number, not a silent fix.

    - `total_difference`: stated total − (last stated total + deaths added by every report since),
      empty when a month in between has no report with a deaths-added figure (`gap_months` counts them);
    - `completed_difference`: completed − (credible + non-credible + duplicates), where all are stated;
    - `open_difference`: open − (carried over + new − completed), where all are stated.
    """
    rows = []
    for claimant, group in reports.groupby("claimant", sort=False):
        anchor: tuple[int, int] | None = None  # (month index, stated total)
        chained: dict[int, int] = {}  # months after the anchor with deaths added
        for r in group.sort_values("month_start").itertuples(index=False):
            m = _month_index(pd.Timestamp(str(r.month_start)))
            added, total = _int(r.deaths_added), _int(r.total)
            expected = gap = None
            if anchor is not None:
                missing = [k for k in range(anchor[0] + 1, m) if k not in chained]
                gap = len(missing)
                if not missing and added is not None:
                    expected = anchor[1] + sum(chained.values()) + added
            counts = {c: _int(getattr(r, c)) for c in ("completed", "credible", "non_credible", "duplicates",
                                                       "open", "carried_over", "new")}
            rows.append({
                "report_id": r.report_id, "claimant": claimant, "month": r.month, "total": total,
                "deaths_added": added, "expected_total": expected, "gap_months": gap,
                "total_difference": None if expected is None or total is None else total - expected,
                "completed_difference": _completed_difference(counts),
                "open_difference": _open_difference(counts),
            })
            if total is not None:
                anchor, chained = (m, total), {}
            elif added is not None:
                chained[m] = added
    return pd.DataFrame(rows, columns=["report_id", "claimant", "month", "total", "deaths_added", "expected_total",
                                       "gap_months", "total_difference", "completed_difference", "open_difference"])


def _completed_difference(c: dict[str, int | None]) -> int | None:
    done, credible, rejected = c["completed"], c["credible"], c["non_credible"]
    if done is None or credible is None or rejected is None:
        return None
    return done - (credible + rejected + (c["duplicates"] or 0))


def _open_difference(c: dict[str, int | None]) -> int | None:
    opened, carried, new, done = c["open"], c["carried_over"], c["new"], c["completed"]
    if opened is None or carried is None or new is None or done is None:
        return None
    return opened - (carried + new - done)
