"""Read small project CSVs row by row, keeping line numbers and every problem.

pandas' parser stops or silently skips on ragged rows; the kit's small files
(ledger, gazetteer, operations, review decisions, capture histories) are read
with the csv module instead, and every one through `read_rows`, so a problem's
line means the same thing everywhere: the 1-based physical line on which its
record starts (header = line 1). Blank lines are skipped but counted, a quoted
field's line breaks are counted, a UTF-8 BOM is stripped, and LF, CRLF and
CR-only line endings each count as one line break.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kit.core._problems import Problem

if TYPE_CHECKING:  # pandas is imported in read_rows: `import kit.core` stays light for the CLI
    import pandas as pd

LINE = "__line__"
FILE = "__file__"


def display_name(path: Path) -> str:
    """The path as the user typed it, relative to cwd when possible, for `file:line` messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_rows(
    path: str | Path,
    *,
    required: Sequence[str] = (),
    optional: Sequence[str] = (),
    extra: bool = False,
    verbatim: bool = False,
    name: str | None = None,
) -> tuple[pd.DataFrame, list[Problem], int]:
    """Rows of a CSV as strings plus problems and the count of data rows.

    Returns a frame with the declared columns (missing optional ones filled
    with ""), `__line__` (the line each record starts on) and `__file__`; rows
    with the wrong number of fields are reported and left out of the frame but
    counted in rows_in. Variants for callers whose files differ:

    - `extra`: keep columns the header has but nobody declared, after the
      declared ones, instead of reporting them (capture histories name their
      lists in the header; decisions and operations tolerate notes columns);
    - `verbatim`: keep every value exactly as written (no stripping, NUL
      characters allowed) for logs the kit writes and reads back;
    - `name`: how problems name the file (default: the path relative to the
      working directory when it lies below it).
    """
    import pandas as pd  # here, not at module top: the CLI imports kit.core for --help

    p = Path(path)
    name = display_name(p) if name is None else name
    columns = [*required, *optional]
    empty = pd.DataFrame(columns=[*columns, LINE, FILE], dtype="string")
    text, problem = _text(p, name, verbatim)
    if problem is not None:
        return empty, [problem], 0
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return empty, [Problem(name, 0, "(file)", "file is empty (no header row)")], 0
    except csv.Error as exc:
        return empty, [Problem(name, 1, "(header)", f"unreadable header: {exc}")], 0
    if extra:
        columns += [h for h in dict.fromkeys(header) if h not in columns]
    problems = _header_problems(header, required, columns, name)
    bad_header = bool(problems)
    records, lines, row_problems, rows_in = _records(reader, len(header), name, keep=not bad_header, strip=not verbatim)
    problems += row_problems
    if bad_header and rows_in:
        problems.append(Problem(name, 1, "(file)", f"all {rows_in} data row(s) rejected because the header is invalid"))
        return empty, problems, rows_in
    frame = pd.DataFrame(records, columns=header, dtype="string") if records else empty.drop(columns=[LINE, FILE])
    for col in columns:
        if col not in frame.columns:
            frame[col] = pd.Series([""] * len(frame), dtype="string")
    frame = frame[columns].fillna("")
    frame[LINE] = pd.Series(lines, dtype="int64")
    frame[FILE] = name
    return frame, problems, rows_in


def _text(path: Path, name: str, verbatim: bool) -> tuple[str, Problem | None]:
    """The file as text, or the one problem that makes it unreadable as a CSV."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return "", Problem(name, 0, "(file)", f"cannot read file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = len(re.findall(rb"\r\n|\r|\n", raw[: exc.start])) + 1  # CR-only files count too
        return "", Problem(name, line, "(file)", "not valid UTF-8 text (save the file as UTF-8)")
    if "\x00" in text and not verbatim:
        return "", Problem(name, 0, "(file)", "file contains NUL bytes; it is not a CSV text file")
    return text, None


def _header_problems(header: list[str], required: Sequence[str], columns: list[str], name: str) -> list[Problem]:
    """Missing, unknown and repeated columns: any of them invalidates every row."""
    problems: list[Problem] = []
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h not in columns]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if missing:
        problems.append(Problem(name, 1, ", ".join(missing), "required column missing from the header"))
    if unknown:
        problems.append(
            Problem(name, 1, ", ".join(unknown), "unknown column (check the spelling against the contract)")
        )
    if dupes:
        problems.append(Problem(name, 1, ", ".join(dupes), "column appears more than once in the header"))
    return problems


class _Reader(Protocol):
    """What `_records` needs of a `csv.reader`: rows, and the count of physical lines read."""

    line_num: int

    def __next__(self) -> list[str]: ...


def _records(
    reader: _Reader, width: int, name: str, *, keep: bool, strip: bool
) -> tuple[list[list[str]], list[int], list[Problem], int]:
    """Data records with the line each starts on, ragged-row problems, and the count of non-blank rows."""
    records: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    rows_in = 0
    line_no = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows_in += 1
            problems.append(Problem(name, line_no + 1, "(row)", f"unreadable CSV row: {exc}"))
            break
        # csv yields each blank line as its own empty row, so the line after the
        # previous row's last line is where this record starts.
        start = line_no + 1
        line_no = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue  # blank lines carry no record
        rows_in += 1
        if not keep:
            continue
        if len(row) != width:
            problems.append(
                Problem(name, start, "(row)", f"expected {width} fields, found {len(row)} (an unquoted comma?)")
            )
            continue
        records.append([c.strip() for c in row] if strip else row)
        lines.append(start)
    return records, lines, problems, rows_in
