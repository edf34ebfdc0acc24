"""Read small project CSVs row by row, keeping line numbers and every problem.

pandas' parser stops or silently skips on ragged rows; the kit's small files
(ledger, gazetteer, operations, review decisions, capture histories) are read
with the csv module instead, and every one through `read_rows`, so a problem's
line means the same thing everywhere: the 1-based physical line on which its
record starts (header = line 1). Blank lines are skipped but counted, a quoted
field's line breaks are counted, a UTF-8 BOM is stripped, and LF, CRLF and
CR-only line endings each count as one line break.

Records are counted against the file itself (`split_records`), not against what
a parser happened to see: an unclosed quote, a field over the csv module's limit
(131,072 characters) or a short row costs that record alone, and reading goes
on at the next line. Every reader of delimited text (this one and the incident
reader in `kit.incidents`) takes its record boundaries from here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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
    records = split_records(text)
    if not records or records[0].line != 1:
        return empty, [Problem(name, 0, "(file)", "file is empty (no header row)")], 0
    if records[0].fields is None:
        return empty, [Problem(name, 1, "(header)", f"unreadable header: {records[0].problem}")], 0
    header = [h.strip() for h in records[0].fields]
    if extra:
        columns += [h for h in dict.fromkeys(header) if h not in columns]
    problems = _header_problems(header, required, columns, name)
    bad_header = bool(problems)
    rows, lines, row_problems, rows_in = _records(
        records[1:], len(header), name, keep=not bad_header, strip=not verbatim
    )
    problems += row_problems
    if bad_header and rows_in:
        problems.append(Problem(name, 1, "(file)", f"all {rows_in} data row(s) rejected because the header is invalid"))
        return empty, problems, rows_in
    frame = pd.DataFrame(rows, columns=header, dtype="string") if rows else empty.drop(columns=[LINE, FILE])
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


def _records(
    records: Sequence[Record], width: int, name: str, *, keep: bool, strip: bool
) -> tuple[list[list[str]], list[int], list[Problem], int]:
    """Data records with the line each starts on, problems of unreadable or ragged ones, and the count of records."""
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    rows_in = 0
    for rec in records:
        if rec.fields is not None and all(not c.strip() for c in rec.fields):
            continue  # a line of empty cells carries no record
        rows_in += 1
        if not keep:
            continue
        if rec.fields is None:
            problems.append(Problem(name, rec.line, "(row)", rec.problem))
            continue
        if len(rec.fields) != width:
            problems.append(
                Problem(name, rec.line, "(row)",
                        f"expected {width} fields, found {len(rec.fields)} (an unquoted comma?)")
            )
            continue
        rows.append([c.strip() for c in rec.fields] if strip else rec.fields)
        lines.append(rec.line)
    return rows, lines, problems, rows_in


# -- record boundaries, counted against the file -----------------------------------------

_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
UNCLOSED_QUOTE = "a quote opened on this line is never closed; the row is rejected and reading resumes at the next line"
OVERSIZED_FIELD = f"a field is longer than {csv.field_size_limit():,} characters; the row is rejected"


@dataclass(frozen=True)
class Record:
    """One record as the file has it: the line it starts on, its fields (None when unreadable) and why not."""

    line: int
    fields: list[str] | None
    problem: str
    text: str


class _Lines:
    """Physical lines for `csv.reader`, with a position the caller can move back to resynchronise."""

    def __init__(self, lines: list[str]) -> None:
        self.lines, self.pos = lines, 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def physical_lines(text: str) -> list[str]:
    """The file's lines with their endings (LF, CRLF or CR; nothing else breaks a line)."""
    return _PHYSICAL_LINE.findall(text)


def well_quoted(text: str, delimiter: str = ",", *, strict: bool = True) -> bool:
    """Whether every quote that opens a field in `text` closes again.

    `strict` also asks that a closing quote stand right before a delimiter or a line
    end and that no quote sit inside an unquoted field. The csv module (not strict)
    accepts `"ab"c`, `ab"c` and a quote left open at the end of the text; a record
    spanning lines that needs any of them is a damaged one that ran on into the
    lines after it. Within one line they are harmless.
    """
    in_quotes, at_start, i, n = False, True, 0, len(text)
    while i < n:
        ch = text[i]
        if in_quotes:
            if ch == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 2
                    continue
                if strict and i + 1 < n and text[i + 1] != delimiter and text[i + 1] not in "\r\n":
                    return False
                in_quotes, at_start = False, False
        elif ch == '"' and at_start:
            in_quotes = True
        elif ch == '"' and strict:  # a quote inside an unquoted field
            return False
        else:
            at_start = ch == delimiter or ch in "\r\n"
        i += 1
    return not in_quotes


def split_records(text: str, delimiter: str = ",") -> list[Record]:
    """Every non-blank record of `text`, each starting at a line start, in order.

    A record spans lines only through a quoted field that closes again, right
    before a delimiter or a line end (`well_quoted`); otherwise the quote is
    unclosed and the
    record is its first line alone, rejected, and the next line starts a record.
    A field over the csv module's size limit makes its record unreadable the same
    way. So one damaged record never swallows the ones after it, and the count of
    records is the file's, whatever the damage.
    """
    lines = physical_lines(text)
    src = _Lines(lines)
    reader = csv.reader(src, delimiter=delimiter)
    out: list[Record] = []
    while src.pos < len(lines):
        start = src.pos
        if not lines[start].strip():
            src.pos += 1  # a blank line carries no record
            continue
        try:
            row = next(reader)
        except StopIteration:  # pragma: no cover - the loop stops first
            break
        except csv.Error as exc:
            if not well_quoted(lines[start], delimiter, strict=False):  # the parser ran past this line: why
                why = UNCLOSED_QUOTE
            elif "field larger than field limit" in str(exc):
                why = OVERSIZED_FIELD
            else:  # pragma: no cover - the csv module's other errors need strict mode
                why = f"unreadable CSV row: {exc}"
            out.append(Record(start + 1, None, why, lines[start]))
            src.pos = start + 1
            continue
        raw = "".join(lines[start : src.pos])
        if '"' in raw and not well_quoted(raw, delimiter, strict=src.pos - start > 1):
            out.append(Record(start + 1, None, UNCLOSED_QUOTE, lines[start]))
            src.pos = start + 1
            continue
        out.append(Record(start + 1, row, "", raw))
    return out
