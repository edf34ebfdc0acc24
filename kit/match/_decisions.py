"""Reviewer decisions on candidate pairs: an append-only CSV log, re-applied on every match run.

`kit.ui.MatchReview` appends one row per click; `match_incidents(...,
decisions=path)` reads the log back through the kit's one CSV rule, so a bad row
is reported at the line it starts on, whatever blank lines or multi-line notes
precede it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from kit.core import FILE, LINE, InputError, Problem, read_rows

DECISION_COLUMNS = ["source_a", "id_a", "source_b", "id_b", "decision", "reviewer", "decided_at", "note"]
_DECISIONS = ("accept", "reject")


class MatchInputError(InputError):
    """Input that matching cannot use (missing columns, bad decisions file).

    Defined here, below the engine, because both the engine and the decisions
    log raise it.
    """


def load_decisions(path: str | Path | pd.DataFrame | None) -> pd.DataFrame:
    """Read a reviewer decisions CSV; the latest decision per pair wins.

    The file is an append-only log (`kit.ui.MatchReview` appends one row per click), so
    history is kept; an absent file means no decisions yet. Bad rows raise
    `MatchInputError` naming file, line and field.
    """
    if path is None:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    problems: list[Problem] = []
    if isinstance(path, pd.DataFrame):
        frame = path.copy()
        name = "<decisions frame>"
        lines = list(range(2, len(frame) + 2))  # as in a CSV written from the frame
    else:
        p = Path(path)
        name = str(p)
        if not p.exists():
            return pd.DataFrame(columns=DECISION_COLUMNS)
        # verbatim: ids and notes come back exactly as the review widget wrote them;
        # extra: columns a person added to the log are tolerated, as before.
        frame, problems, _ = read_rows(p, extra=True, verbatim=True, name=name)
        if any(pr.field != "(row)" for pr in problems):  # the file or its header is unusable
            raise MatchInputError(problems)
        missing = [c for c in DECISION_COLUMNS[:5] if c not in frame.columns]
        if missing:
            raise MatchInputError([Problem(name, 1, c, "column missing from decisions file") for c in missing])
        lines = frame[LINE].tolist()
        frame = frame.drop(columns=[LINE, FILE])
    for col in DECISION_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame[DECISION_COLUMNS].fillna("").astype(str)
    for line, (_, row) in zip(lines, frame.iterrows(), strict=True):
        for col in ("source_a", "id_a", "source_b", "id_b"):
            if not row[col].strip():
                problems.append(Problem(name, line, col, "empty; a decision needs both records"))
        if row["decision"].strip().lower() not in _DECISIONS:
            problems.append(Problem(name, line, "decision", f"{row['decision']!r} is not one of accept, reject"))
    if problems:
        raise MatchInputError(sorted(problems, key=lambda pr: pr.line))
    frame["decision"] = frame["decision"].str.strip().str.lower()
    frame["_order"] = range(len(frame))
    latest = frame.sort_values(["decided_at", "_order"], kind="stable").drop_duplicates(
        ["source_a", "id_a", "source_b", "id_b"], keep="last"
    )
    return latest.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def append_decisions(path: str | Path, rows: Iterable[dict[str, object]]) -> None:
    """Append decisions to the log, writing the header for a new file."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    new = not p.exists() or p.stat().st_size == 0
    with p.open("a", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=DECISION_COLUMNS, extrasaction="ignore")
        if new:
            writer.writeheader()
        for row in rows:
            out = {c: row.get(c, "") for c in DECISION_COLUMNS}
            if not out["decided_at"]:
                out["decided_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            writer.writerow(out)
