"""Read incident CSVs fast while keeping every row's physical line number.

pyarrow parses the file (multi-threaded); rows it cannot parse (wrong number of
fields) are kept as rejections instead of stopping the load, and each record is
mapped back to the line where it starts so a user can open the file there.
Vectorised checks collect the first problem per row; `finish()` assembles the
loaded frame and the rejected rows so that rows in = loaded + rejected.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from pandera.errors import SchemaErrors

from kit.core import display_name, split_records
from kit.incidents._plausible import (
    DEFAULT_PLAUSIBILITY,
    Plausibility,
    country_bounds,
    outside_country,
    outside_window,
)
from kit.incidents._schema import (
    INCIDENT_COLUMNS,
    IncidentFileError,
    LoadedIncidents,
    Problem,
    arrow_strings,
    contract_error,
    distinct,
    empty_incidents,
    empty_rejected,
    validate_incidents,
)

_HXL_CELL = re.compile(r"^#[a-z][a-z0-9_]*(\s*\+[a-z0-9_]+)*$", re.IGNORECASE)



@dataclass
class Table:
    """A parsed CSV: all-string cells, the line each record starts on, and rows that could not be parsed."""

    file: str
    data: pd.DataFrame
    lines: np.ndarray
    header_line: int
    delimiter: str
    bad: list[tuple[int, str, str, str]] = field(default_factory=list)  # (line, field, message, raw)
    bad_lines: set[int] = field(default_factory=set)  # lines with encoding problems
    text: bytes = b""  # the file as parsed (UTF-8), to quote rejected lines verbatim
    multiline: bool = False

    def __len__(self) -> int:
        return len(self.data)

    _stripped: dict[str, pd.Series] = field(default_factory=dict)

    def col(self, name: str) -> pd.Series:
        """A column as stripped strings (blank = ""), computed once per column."""
        if name not in self._stripped:
            self._stripped[name] = strip(self.data[name])
        return self._stripped[name]

    def raw(self, idx: np.ndarray) -> list[str]:
        """The rejected records as the file has them (for the `raw` column).

        One-line records are quoted verbatim from the file; records spanning lines
        (quoted newlines) are rebuilt from the parsed cells.
        """
        if self.text and not self.multiline and len(idx):
            lines = self.lines[idx]
            starts = line_starts(self.text, lines)
            out = []
            for a in starts.tolist():
                b = self.text.find(b"\n", a)
                line = self.text[a : b if b >= 0 else len(self.text)]
                out.append(line.decode("utf-8", errors="replace").rstrip("\r"))
            return out
        sub = self.data.iloc[idx]
        return [self.delimiter.join(map(str, row)) for row in sub.itertuples(index=False, name=None)]


_BLOCK = 1 << 24


def line_starts(text: bytes, lines: np.ndarray) -> np.ndarray:
    """Byte offset at which each given 1-based physical line starts.

    Newlines are located block by block (16 MB) and only the offsets asked for
    are kept, stopping after the last wanted line: quoting a few rejected rows
    from a large file costs one partial scan, not an index of every line.
    """
    lines = np.asarray(lines, dtype=np.int64)
    out = np.zeros(len(lines), dtype=np.int64)  # line 1 (and anything below) starts at 0
    need = lines >= 2
    if not need.any():
        return out
    arr = np.frombuffer(text, dtype=np.uint8)
    # line L starts right after the (L-1)-th newline, i.e. newline number k = L-2 (0-based)
    want = lines[need] - 2
    found = np.full(len(want), len(arr), dtype=np.int64)  # past the end when the file has fewer lines
    last = int(want.max())
    seen = 0
    for block in range(0, len(arr), _BLOCK):
        nl = np.flatnonzero(arr[block : block + _BLOCK] == 10)
        here = (want >= seen) & (want < seen + len(nl))
        if here.any():
            found[here] = nl[want[here] - seen] + block + 1
        seen += len(nl)
        if seen > last:
            break
    out[need] = found
    return out


def take_rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """`frame.loc[keep].reset_index(drop=True)`, column by column.

    pandas' frame-level boolean take is far slower on Arrow string columns than
    filtering each column's array (one pyarrow filter per column).
    """
    keep = np.asarray(keep, dtype=bool)
    return pd.DataFrame({c: frame[c].array[keep] for c in frame.columns}, index=pd.RangeIndex(int(keep.sum())))


def _arrow_chunks(s: pd.Series) -> list[pa.Array] | None:
    """The pyarrow chunks behind an arrow-backed string Series (None for other storage)."""
    values = s.array
    if not hasattr(values, "__arrow_array__"):
        return None
    arr = values.__arrow_array__()
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    if not all(pa.types.is_string(c.type) or pa.types.is_large_string(c.type) for c in chunks):
        return None
    return chunks


def _edge_bytes_plain(chunk: pa.Array) -> bool:
    """True when no value starts or ends with a byte that could be whitespace.

    Reads the first and last byte of every value straight from the Arrow buffers:
    a byte <= 0x20 (space, tab, CR, LF, other controls), 0x7f or any non-ASCII byte
    (Unicode spaces such as NBSP are multi-byte) makes the column a candidate for
    stripping. Two gathers over the offsets, instead of copying every string.
    """
    n = len(chunk)
    if n == 0:
        return True
    data_buf = chunk.buffers()[2]
    if data_buf is None or data_buf.size == 0:
        return True
    offsets = _offsets(chunk)
    data = np.frombuffer(data_buf, dtype=np.uint8)
    start, end = offsets[:-1], offsets[1:]
    top = len(data) - 1
    # uint8 wrap: (b - 33) > 93 means b is outside 0x21..0x7e; empty values are masked out afterwards
    edgy = ((data[np.minimum(start, top)] - 33) > 93) | ((data[np.maximum(end - 1, 0)] - 33) > 93)
    if not edgy.any():
        return True
    return not (edgy & (end > start)).any()


def strip(s: pd.Series) -> pd.Series:
    """`s.str.strip()`, skipped when no value can have leading or trailing whitespace.

    Exports are almost always clean; checking the edge bytes of every value costs
    a fraction of rewriting every string, and the result is the same Series either way.
    """
    chunks = _arrow_chunks(s)
    if chunks is not None and all(_edge_bytes_plain(c) for c in chunks):
        return s
    return s.astype(str).str.strip()


def arrow_str(arr: pa.Array | pa.ChunkedArray) -> pd.Series:
    """A pyarrow string array as a pandas `str` Series without a trip through Python objects."""
    return pa.table({"x": arr}).to_pandas()["x"]


def labels(codes: np.ndarray, names: Sequence[str]) -> pd.Series:
    """A str Series from integer codes into a short list of names (vocabularies, per-unique results)."""
    if len(names) == 1:  # a constant column
        return arrow_str(pa.repeat(pa.scalar(str(names[0]), pa.large_string()), len(codes)))
    return arrow_str(pa.array(list(names), type=pa.large_string()).take(pa.array(np.asarray(codes, dtype=np.int64))))


def _decode(raw: bytes, encoding: str, name: str, *, trust_utf8: bool = False) -> tuple[bytes, set[int]]:
    """UTF-8 bytes for pyarrow plus the lines whose bytes were not valid in `encoding`.

    With `trust_utf8` a UTF-8 file is passed through unchecked: pyarrow validates
    UTF-8 while parsing, and only a file it refuses pays for the line-by-line scan.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    enc = encoding.lower().replace("_", "-")
    if enc in ("utf-8", "utf8"):
        if trust_utf8:
            return raw, set()
        try:
            raw.decode("utf-8")
            return raw, set()
        except UnicodeDecodeError:
            pass
        bad: set[int] = set()
        for i, line in enumerate(raw.split(b"\n"), start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad.add(i)
        return raw.decode("utf-8", errors="replace").encode("utf-8"), bad
    try:
        return raw.decode(encoding).encode("utf-8"), set()
    except LookupError as exc:
        raise IncidentFileError(name, 0, "encoding", f"unknown text encoding {encoding!r}") from exc
    except UnicodeDecodeError as exc:
        line_no = raw[: exc.start].count(b"\n") + 1
        raise IncidentFileError(name, line_no, "encoding", f"not valid {encoding} text") from exc


def _split_line(line: str, delimiter: str) -> list[str]:
    """One line's cells; a line the csv module cannot read (a field over its size limit) is one cell."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return [line]


def _data_line_numbers(data: bytes, first_data_line: int, records: int | None = None) -> np.ndarray:
    """1-based numbers of the non-empty physical lines from `first_data_line` on.

    When the parser's record count equals the line count (no blank lines, the
    usual case) every line is a record and no scan is needed.
    """
    total = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if records is not None and records == total:
        return np.arange(first_data_line, total + 1, dtype=np.int64)
    arr = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(arr == 10)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [len(arr)]))
    length = ends - starts
    cr_only = (length == 1) & (arr[np.minimum(starts, max(len(arr) - 1, 0))] == 13) if len(arr) else length == 1
    nonempty = (length > 0) & ~cr_only
    numbers = np.arange(1, len(starts) + 1)
    return numbers[nonempty & (numbers >= first_data_line)]


def _record_lines_slow(text: str, delimiter: str, skip: int) -> list[int]:
    """Start line of every non-blank record, via the csv module (only for files with quoted newlines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[int] = []
    prev = 0
    for i, row in enumerate(reader):
        start = prev + 1
        prev = reader.line_num
        if i < skip or not row:
            continue
        out.append(start)
    return out


def read_table(
    path: str | Path,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    required: Sequence[str] = (),
    optional: Sequence[str] | None = None,
    rename: Callable[[str], str] | None = None,
) -> Table:
    """Parse a delimited file into strings; whole-file problems raise IncidentFileError.

    `rename` maps raw header cells to the names the loader uses (e.g. dropping
    the Dutch `(UNCLASS)` suffix). An HDX HXL hashtag row under the header is
    recognised and skipped. With `optional` given, only the required and optional
    columns are converted (wide exports parse faster); None keeps every column.
    """
    p = Path(path)
    name = display_name(p)
    raw = _read_bytes(p, name)
    data, bad_lines = _decode_for_parse(raw, encoding, name)
    header, skip = _header(data, delimiter, required, rename, name)
    wanted = header if optional is None else [h for h in header if h in required or h in optional]
    parsed = _parse_csv(raw, data, bad_lines, encoding, name, header, wanted, skip, delimiter)
    unreadable = _unreadable_records(parsed, skip, delimiter)
    if unreadable:  # parse again without them: each costs its own line, not the rows after it
        data = _blank_lines(parsed.data, [line for line, *_ in unreadable])
        parsed = _parse_csv(raw, data, parsed.bad_lines, encoding, name, header, wanted, skip, delimiter)
    frame = parsed.frame
    candidates, bad, multiline = _record_lines(
        parsed.data, skip, len(frame), parsed.invalid, delimiter, counted=parsed.lines
    )
    bad = sorted(bad + unreadable)
    blank = _blank_rows(frame, wanted)
    if blank.any():  # only the columns read were blank: the rest of the line may still hold a record
        idx = np.flatnonzero(blank)
        blank[idx] = _blank_lines_at(parsed.data, np.asarray(candidates, dtype=np.int64)[idx], delimiter)
    if blank.any():  # rows of empty cells carry nothing; like blank lines they are not records
        frame = take_rows(frame, ~blank)
        candidates = candidates[~blank]
    return Table(
        file=name,
        data=frame,
        lines=np.asarray(candidates, dtype=np.int64),
        header_line=1,
        delimiter=delimiter,
        bad=bad,
        bad_lines=parsed.bad_lines,
        text=parsed.data,
        multiline=multiline,
    )


def _unreadable_records(parsed: _Parsed, skip: int, delimiter: str) -> list[tuple[int, str, str, str]]:
    """Records the file's own line structure says pyarrow misread (an unclosed quote ran on), as rejections.

    Only a file with quotes whose parse does not line up with its lines (records
    spanning lines, or rows of the wrong width) pays for counting its records
    with `kit.core.split_records`; a quote that never closes then costs its line.
    """
    data = parsed.data
    if b'"' not in data:
        return []
    records = skip + len(parsed.frame) + len(parsed.invalid)
    if not parsed.invalid:
        parsed.lines = _data_line_numbers(data, 1, records)  # kept: `_record_lines` needs the same numbers
        if len(parsed.lines) == records:
            return []
    text = data.decode("utf-8", errors="replace")
    return [
        (r.line, "(row)", r.problem, r.text.rstrip("\r\n"))
        for r in split_records(text, delimiter)
        if r.fields is None and r.line > skip
    ]


_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # lines as kit.core.split_records numbers them


def _blank_lines(data: bytes, lines: Sequence[int]) -> bytes:
    """`data` with the given 1-based lines (as `split_records` numbers them) emptied, their line breaks kept."""
    parts = _PHYSICAL_LINE.findall(data.decode("utf-8", errors="replace"))
    for line in lines:
        if 1 <= line <= len(parts):
            part = parts[line - 1]
            parts[line - 1] = part[len(part.rstrip("\r\n")) :]
    return "".join(parts).encode("utf-8")


def _read_bytes(p: Path, name: str) -> bytes:
    """The file's bytes; an unreadable, empty or binary (NUL) file is a whole-file error."""
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise IncidentFileError(name, 0, "(file)", f"cannot read file: {exc.strerror or exc}") from exc
    if re.search(rb"[^\s\xef\xbb\xbf]", raw) is None:
        raise IncidentFileError(name, 0, "(file)", "file is empty (no header row)")
    if b"\x00" in raw:
        raise IncidentFileError(name, 0, "(file)", "file contains NUL bytes; it is not a text CSV file")
    return raw


def _decode_for_parse(raw: bytes, encoding: str, name: str) -> tuple[bytes, set[int]]:
    """UTF-8 bytes for pyarrow and the lines that were not valid text.

    A UTF-8 file is trusted unchecked (pyarrow validates it while parsing) unless
    its first 4 KB already fail; a header that is not valid text is a whole-file error.
    """
    data, bad_lines = _decode(raw, encoding, name, trust_utf8=True)
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.end < 4096 - 4:  # not just a character cut at the 4 KB edge
            data, bad_lines = _decode(raw, encoding, name)
    if 1 in bad_lines:
        raise IncidentFileError(name, 1, "(header)", f"header is not valid {encoding} text")
    return data, bad_lines


def _header(
    data: bytes, delimiter: str, required: Sequence[str], rename: Callable[[str], str] | None, name: str
) -> tuple[list[str], int]:
    """Column names (blank ones named `_unnamed_<i>`) and how many rows to skip before the records.

    A header with one column where several are required (wrong delimiter), a
    repeated column or a missing required one is a whole-file error.
    """
    first_nl = data.find(b"\n")
    header_text = (data if first_nl < 0 else data[:first_nl]).decode("utf-8", errors="replace").rstrip("\r")
    cells = _split_line(header_text, delimiter)
    header = [rename(c.strip()) if rename else c.strip() for c in cells]
    if len(header) == 1 and required and len(required) > 1:
        raise IncidentFileError(
            name, 1, "(header)",
            f"only one column found; is the delimiter {delimiter!r} right? (header: {header_text[:80]!r})",
        )
    dupes = sorted({h for h in header if header.count(h) > 1 and h})
    if dupes:
        raise IncidentFileError(name, 1, ", ".join(dupes), "column appears more than once in the header")
    missing = [c for c in required if c not in header]
    if missing:
        raise IncidentFileError(name, 1, ", ".join(missing), "required column missing from the header")
    header = [h or f"_unnamed_{i}" for i, h in enumerate(header)]
    skip = 1
    second_end = data.find(b"\n", first_nl + 1) if first_nl >= 0 else -1
    if first_nl >= 0:
        second_raw = data[first_nl + 1 : second_end if second_end >= 0 else len(data)]
        second = second_raw.decode("utf-8", errors="replace").rstrip("\r")
        tags = [c.strip() for c in _split_line(second, delimiter)]
        if any(tags) and all(_HXL_CELL.match(t) for t in tags if t):
            skip = 2  # HDX's HXL hashtag row (e.g. #date+start) is metadata, not a record
    return header, skip


@dataclass
class _Parsed:
    """pyarrow's parse: the frame, the rows it could not parse, and the bytes it parsed."""

    frame: pd.DataFrame
    invalid: list[tuple[int | None, int, int, str]]  # (record number, expected fields, actual fields, text)
    data: bytes
    bad_lines: set[int]
    lines: np.ndarray | None = None  # the non-empty line numbers, once someone has counted them


def _parse_csv(
    raw: bytes,
    data: bytes,
    bad_lines: set[int],
    encoding: str,
    name: str,
    header: list[str],
    wanted: list[str],
    skip: int,
    delimiter: str,
) -> _Parsed:
    """Parse with pyarrow into `str` columns, keeping rows with the wrong number of fields aside.

    A UTF-8 error pyarrow finds in a trusted file makes the lines be checked
    and blanked, then the file is parsed again; a bad row pyarrow cannot place
    (multi-threaded parse) makes it parse again on one thread, which numbers it.
    """
    invalid: list[tuple[int | None, int, int, str]] = []
    # Quoted fields may hold newlines. Rather than scanning the whole file for them
    # first, pyarrow parses with newlines_in_values whenever the file has a quote
    # at all, and a record count below the count of non-empty lines (each record
    # spanning lines covers at least two non-empty ones) tells afterwards that
    # records span lines; only then are record starts found with the csv module.
    quoted = b'"' in data

    def _parse(threads: bool) -> pa.Table:
        return _arrow_read(data, header, wanted, skip, delimiter, quoted=quoted, threads=threads, invalid=invalid)

    try:
        try:
            table = _parse(True)
        except pa.ArrowInvalid as exc:
            if "utf8" not in str(exc).lower() or bad_lines:
                raise
            data, bad_lines = _decode(raw, encoding, name)  # find and blank the lines that are not UTF-8
            table = _parse(True)
        if any(number is None for number, *_ in invalid):
            table = _parse(False)  # single-threaded parsing reports the line of each bad row
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        msg = str(exc).splitlines()[0]
        m = re.search(r"[Rr]ow #(\d+)", msg)
        raise IncidentFileError(name, int(m.group(1)) if m else 0, "(file)", f"cannot parse as CSV: {msg}") from exc
    frame = table.to_pandas()
    for h in wanted:
        if frame[h].dtype != object and str(frame[h].dtype) != "str":
            frame[h] = frame[h].astype(str)
    return _Parsed(frame, invalid, data, bad_lines)


def _arrow_read(
    data: bytes,
    header: list[str],
    wanted: list[str],
    skip: int,
    delimiter: str,
    *,
    quoted: bool,
    threads: bool,
    invalid: list[tuple[int | None, int, int, str]],
) -> pa.Table:
    """One pyarrow parse of `data` as large strings; rows with the wrong field count go to `invalid` (emptied first)."""
    invalid.clear()

    def _handler(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number, row.expected_columns, row.actual_columns, row.text))
        return "skip"

    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=header, skip_rows=skip, use_threads=threads, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=quoted, invalid_row_handler=_handler
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.large_string() for h in wanted},  # pandas' str dtype: no copy
            include_columns=wanted,
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _record_lines(
    data: bytes,
    skip: int,
    rows: int,
    invalid: list[tuple[int | None, int, int, str]],
    delimiter: str,
    counted: np.ndarray | None = None,
) -> tuple[np.ndarray, list[tuple[int, str, str, str]], bool]:
    """The physical line of each parsed row, the unparsable rows as (line, field, message, raw), and multiline.

    pyarrow numbers records (header included, blank lines not); this maps record
    numbers to physical lines, asking the csv module only when records span lines.
    """
    numbers = np.array([int(number or 0) for number, *_ in invalid], dtype=np.int64)
    expected = skip + rows + len(invalid)
    rec_lines = _data_line_numbers(data, 1, expected) if counted is None else counted
    multiline = len(rec_lines) != expected
    if multiline:  # records span lines: ask the csv module where each starts
        rec_lines = np.asarray(_record_lines_slow(data.decode("utf-8", errors="replace"), delimiter, 0), dtype=np.int64)
    if len(rec_lines) != expected:  # pragma: no cover - the two parsers disagree; keep record numbers
        rec_lines = np.arange(1, expected + 1, dtype=np.int64)
    keep = np.ones(len(rec_lines), dtype=bool)
    keep[:skip] = False
    valid_numbers = numbers[(numbers >= 1) & (numbers <= len(rec_lines))]
    keep[valid_numbers - 1] = False
    bad = [
        (
            int(rec_lines[number - 1]) if 1 <= number <= len(rec_lines) else int(number),
            "(row)",
            f"expected {exp} fields, found {act}" + (" (an unquoted delimiter?)" if act > exp else ""),
            text,
        )
        for number, exp, act, text in ((int(n or 0), e, a, t) for n, e, a, t in invalid)
    ]
    return rec_lines[keep], bad, multiline


def _blank_lines_at(data: bytes, lines: np.ndarray, delimiter: str) -> np.ndarray:
    """Which of `lines` hold nothing but delimiters, quotes and whitespace (no cell of the record has a value)."""
    out = np.ones(len(lines), dtype=bool)
    starts = line_starts(data, lines)
    junk = (delimiter + '" \t\r').encode()
    for k, a in enumerate(starts.tolist()):
        b = data.find(b"\n", a)
        out[k] = not data[a : b if b >= 0 else len(data)].strip(junk)
    return out


def _blank_rows(frame: pd.DataFrame, wanted: list[str]) -> np.ndarray:
    """Rows whose every read cell is blank after stripping."""
    if not len(frame):
        return np.zeros(0, bool)
    blank = np.ones(len(frame), dtype=bool)
    for h in wanted:  # rows of empty cells are rare: narrow the candidates column by column
        idx = np.flatnonzero(blank)
        if not len(idx):
            break
        cells = frame[h] if len(idx) == len(frame) else frame[h].iloc[idx]
        blank[idx] = (strip(cells) == "").to_numpy(dtype=bool)
    return blank


class Checks:
    """First problem per row, collected with vectorised masks."""

    def __init__(self, n: int) -> None:
        self.bad = np.zeros(n, dtype=bool)
        self.field = np.empty(n, dtype=object)
        self.message = np.empty(n, dtype=object)
        self.flags: dict[int, list[tuple[str, str]]] = {}  # row -> (field, message): kept, with a quality flag

    def flag(self, mask: pd.Series | np.ndarray, field: str, message: str, *values: pd.Series) -> None:
        """Keep the rows in `mask` but record a quality flag naming the field and the problem.

        For problems that come from the source itself (its own low/best/high
        disagree, an impossible coordinate): the row is a real event the user
        cannot fix, so the loader sets the bad value aside and the row stays.
        """
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            return
        idx = np.flatnonzero(m)
        if values:
            cols = [v.iloc[idx].tolist() for v in values]
            messages = [message.format(*row) for row in zip(*cols, strict=True)]
        else:
            messages = [message] * len(idx)
        for i, msg in zip(idx.tolist(), messages, strict=True):
            self.flags.setdefault(i, []).append((field, msg))

    def reject(self, mask: pd.Series | np.ndarray, field: str, message: str, *values: pd.Series) -> None:
        """Mark rows in `mask` (not already rejected) with field and message.

        `message` may hold `{0}`, `{1}`... filled from `values` (positional Series)
        only for the rejected rows, so clean million-row files pay nothing for it.
        """
        m = np.asarray(mask, dtype=bool) & ~self.bad
        if not m.any():
            return
        self.bad |= m
        idx = np.flatnonzero(m)
        self.field[idx] = field
        if values:
            cols = [v.iloc[idx].tolist() for v in values]
            self.message[idx] = [message.format(*row) for row in zip(*cols, strict=True)]
        else:
            self.message[idx] = message

    # parsing helpers that register their own rejections -------------------------------------

    def number(
        self,
        s: pd.Series,
        field: str,
        *,
        decimal: str = ".",
        thousands: str | None = None,
        count: bool = False,
        lo: float | None = None,
        hi: float | None = None,
        keep: bool = False,
    ) -> pd.Series:
        """Parse numbers (blank -> NA); bad, negative or fractional (counts) or out-of-range values are rejected.

        With `keep` the row stays instead: the value is set aside (NA) and the
        row flagged, for fields whose problem does not make the record unreadable.
        """
        values, bad, raw = _parse_numbers(s, decimal=decimal, thousands=thousands)
        given = ~np.isnan(raw)
        problems = [(bad, "'{0}' is not a number")]
        if count:
            problems.append((given & (raw < 0), "'{0}' is negative; a count cannot be below 0"))
            problems.append((given & (np.floor(np.where(given, raw, 0.0)) != raw), "'{0}' is not a whole number"))
        if lo is not None and hi is not None:
            problems.append((given & ((raw < lo) | (raw > hi)), "'{0}' is out of range (" + f"{lo:g} to {hi:g})"))
        if not keep:
            for mask, message in problems:
                self.reject(mask, field, message, s)
            return values
        aside = np.zeros(len(s), dtype=bool)
        for mask, message in problems:
            self.flag(mask & ~aside, field, message + "; value set aside", s)
            aside |= mask
        return values.where(~pd.Series(aside, index=values.index)) if aside.any() else values

    def dates(
        self, s: pd.Series, field: str, formats: Sequence[str], expect: str, *, keep: bool = False
    ) -> pd.Series:
        """Parse dates trying each strptime format in turn (blank -> NaT); unparseable values are rejected.

        With `keep` the row stays, flagged, its date set aside (NaT): for sources whose
        rows may lack a date (the loader then says the date is unknown).
        """
        def parse(u: pd.Series) -> pd.Series:
            out = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
            todo = u != ""
            for fmt in formats:
                if not todo.any():
                    break
                parsed = pd.to_datetime(u.where(todo), format=fmt, errors="coerce").astype("datetime64[us]")
                if "%y" in fmt:  # strptime puts 00-68 in 20xx
                    parsed = in_the_past(parsed)
                hit = todo & parsed.notna()
                out = out.where(~hit, parsed)
                todo = todo & ~hit
            return out

        out = per_unique(s, parse)
        not_date = (s != "").to_numpy() & out.isna().to_numpy()
        message = "'{0}' is not a date (expected " + _brace(expect) + ")"
        if keep:
            self.flag(not_date, field, message + "; date set aside", s)
        else:
            self.reject(not_date, field, message, s)
        return out

    def widened(
        self, values: Sequence[pd.Series], names: Sequence[str], fields: Sequence[str]
    ) -> list[pd.Series]:
        """low <= [best <=] high as the source states them; where they disagree, keep the row, flagged.

        The range is widened to cover every stated value (low = the smallest,
        high = the largest; best, when given, stays and now lies inside), so no
        death the source records drops out of a total, and the flag names the
        disagreement in the source's own terms (e.g. `best 28 is greater than high 27`).
        """
        out = list(values)
        given = [~v.isna().to_numpy(dtype=bool) for v in values]
        raw = [v.to_numpy(dtype="float64", na_value=np.nan) for v in values]
        flagged = np.zeros(len(values[0]), dtype=bool)
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                bad = given[i] & given[j] & (np.nan_to_num(raw[i]) > np.nan_to_num(raw[j])) & ~flagged
                if bad.any():
                    self.flag(
                        bad, fields[i],
                        _brace(names[i]) + " {0:g} is greater than " + _brace(names[j])
                        + " {1:g} (as the source states them); range widened to cover both",
                        values[i], values[j],
                    )
                    flagged |= bad
        if flagged.any():
            lo_raw = np.fmin.reduce(np.vstack(raw), axis=0)
            hi_raw = np.fmax.reduce(np.vstack(raw), axis=0)
            first, last = out[0], out[-1]
            # only a bound the source gave moves: a blank stays blank (never a figure it did not state)
            out[0] = first.where(~(flagged & given[0]), pd.Series(lo_raw, index=first.index).astype(first.dtype))
            out[-1] = last.where(~(flagged & given[-1]), pd.Series(hi_raw, index=last.index).astype(last.dtype))
        return out

    def vocabulary(
        self, s: pd.Series, field: str, mapping: Mapping[str, str], *, blank: str | None = None, keep: bool = False
    ) -> pd.Series:
        """Map coded values to our vocabulary; an unknown code is rejected (blank -> `blank` if given).

        With `keep` an unknown code keeps the row, flagged, read as "unknown".
        """
        codes, uniques = pd.factorize(s.astype(str))  # a handful of codes repeated on every row
        keyed = pd.Series(uniques, dtype=str).str.strip().str.lower()
        lookup = {str(k).strip().lower(): v for k, v in mapping.items()}
        mapped = keyed.map(lookup)
        empty = (keyed == "").to_numpy(dtype=bool)
        unknown = mapped.isna().to_numpy(dtype=bool) & ~(empty & (blank is not None))
        allowed = ", ".join(sorted({str(k) for k in mapping}))
        message = "unknown code '{0}' (expected one of: " + _brace(allowed) + ")"
        if keep:
            self.flag(unknown[codes], field, message + "; read as unknown", s)
        else:
            self.reject(unknown[codes], field, message, s)
        if blank is not None:
            mapped = mapped.where(~empty, blank)
        names = [str(v) for v in mapped.fillna("unknown").tolist()]
        out = labels(codes, names)
        out.index = s.index
        return out


def in_the_past(dates: pd.Series) -> pd.Series:
    """Dates read from two-digit years, resolved to the past: a record describes what happened.

    A year read as 20yy that lies after today is 19yy (`7-Oct-99` is 1999, not 2099;
    in 2026, `27` is 1927). strptime's `%y` and `20` + yy both go through here.
    """
    future = (dates > pd.Timestamp.today()).fillna(False)
    return dates.where(~future, dates - pd.DateOffset(years=100)) if future.any() else dates


def _brace(text: str) -> str:
    """Escape literal braces for str.format."""
    return text.replace("{", "{{").replace("}", "}}")


_NUMBER_OK = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def per_unique(s: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply an expensive string function once per distinct value (actors, dates, codes repeat a lot)."""
    codes, uniques = pd.factorize(s)
    done = fn(pd.Series(uniques, dtype=s.dtype if len(uniques) else str)).reset_index(drop=True)
    if str(done.dtype) == "str":
        out = labels(codes, done.tolist())
        out.index = s.index
        return out
    spread = done.to_numpy()[codes] if len(codes) else done.iloc[:0].to_numpy()
    return pd.Series(spread, index=s.index, dtype=done.dtype)


def all_distinct(s: pd.Series) -> bool:
    """True when no value repeats (integer ids take a counting pass; `duplicated` only runs when this fails)."""
    return distinct(s)


def _numbers_slow(t: pd.Series) -> tuple[pd.Series, np.ndarray]:
    ok = t.str.match(_NUMBER_OK).fillna(False).to_numpy()
    values = pd.to_numeric(t.where(ok), errors="coerce").astype("Float64")
    return values, ok


def parse_numbers(s: pd.Series, *, decimal: str = ".", thousands: str | None = None) -> tuple[pd.Series, np.ndarray]:
    """Strings to nullable floats; returns (values, bad) where bad marks non-blank text that is not a finite number.

    `decimal=","` reads Dutch-style `36,7461`; `thousands` is removed first.
    Blank stays NA: a source that gave no value never becomes 0. Clean columns
    take one pyarrow cast; a column with bad cells falls back to a regex check.
    """
    values, bad, _ = _parse_numbers(s, decimal=decimal, thousands=thousands)
    return values, bad


def _offsets(chunk: pa.Array) -> np.ndarray:
    """The n+1 value offsets of a (large_)string chunk, as a numpy view."""
    off_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    return np.frombuffer(chunk.buffers()[1], dtype=off_type)[chunk.offset : chunk.offset + len(chunk) + 1]


def _blank_to_null(arr: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Empty strings become nulls (so the float cast accepts them) by adding a validity bitmap; no string is copied."""
    chunks: list[pa.Array] = []
    blanks: list[np.ndarray] = []
    for c in arr.chunks:
        if not len(c):
            continue
        off = _offsets(c)
        b = off[1:] == off[:-1]
        blanks.append(b)
        if b.any():
            validity = pa.py_buffer(np.packbits(~b, bitorder="little"))
            c = pa.Array.from_buffers(
                c.type,
                len(c),
                [validity, pa.py_buffer(np.ascontiguousarray(off)), c.buffers()[2]],
                null_count=int(b.sum()),
            )
        chunks.append(c)
    blank = np.concatenate(blanks) if blanks else np.zeros(0, dtype=bool)
    return pa.chunked_array(chunks, type=arr.type), blank


def _parse_numbers(
    s: pd.Series, *, decimal: str = ".", thousands: str | None = None
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """`parse_numbers` plus the values as float64 with NaN for blank or bad (for vectorised range checks)."""
    t = strip(s.astype(str))
    if thousands:
        t = t.str.replace(thousands, "", regex=False)
    bad_dot = np.zeros(len(t), bool)
    if decimal != ".":
        bad_dot = t.str.contains(".", regex=False).to_numpy()  # a dot is not a number in a comma-decimal file
        t = t.str.replace(decimal, ".", regex=False)
    chunked = arrow_strings(t)
    if chunked is not None:
        arr, blank = _blank_to_null(chunked)
    else:
        blank = (t == "").to_numpy(dtype=bool, na_value=True)
        arr = pa.array(t.astype(str))
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
    try:
        data = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
        ok = ~blank & np.isfinite(data)  # 'inf' and 'nan' parse as floats but are not counts or coordinates
        values = pd.Series(pd.arrays.FloatingArray(np.where(ok, data, 0.0), ~ok), index=s.index)
        raw = np.where(ok, data, np.nan)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values, ok = _numbers_slow(t)
        values.index = s.index
        raw = values.to_numpy(dtype="float64", na_value=np.nan)
    bad = ~blank & ~(ok & np.isfinite(raw) & ~bad_dot)
    if bad.any():
        values = values.where(~pd.Series(bad, index=values.index))
        raw = np.where(bad, np.nan, raw)
    return values, bad, raw


def finish(
    table: Table,
    columns: Mapping[str, object],
    checks: Checks,
    *,
    unmapped: list[Problem] | None = None,
    extras: Sequence[str] = (),
    id_field: str = "source_id",
    plausibility: Plausibility | None = None,
    gazetteer: object = None,
) -> LoadedIncidents:
    """Assemble the loaded frame and rejected rows (rows in = loaded + rejected) and validate the contract.

    `gazetteer` (the loader's) gives countries beyond Iraq and Syria their coordinate box.

    Rows kept with a quality flag carry it in `quality_flags` (`field: message`, `; `-separated).
    """
    n = len(table)
    frame = pd.DataFrame({c: columns[c] for c in (*INCIDENT_COLUMNS, *extras) if c in columns}, index=range(n))
    frame["source_file"] = table.file
    frame["source_line"] = table.lines
    frame = frame[[*INCIDENT_COLUMNS, *(c for c in extras if c in frame.columns)]]
    plausible(frame, checks, plausibility or DEFAULT_PLAUSIBILITY, gazetteer)

    # encoding-damaged lines
    if table.bad_lines:
        checks.reject(
            np.isin(table.lines, list(table.bad_lines)),
            "(encoding)",
            "line is not valid UTF-8 text (save the file as UTF-8)",
        )
    # duplicate ids among the rows that survived the other checks
    ids = frame["source_id"]
    blank_id = (ids == "").to_numpy()
    checks.reject(blank_id, id_field, "missing source id")
    alive = ~checks.bad
    dup = np.zeros(n, bool)
    if alive.any() and not all_distinct(ids if alive.all() else ids[alive]):
        live_ids = ids[alive]
        d = live_ids.duplicated(keep="first").to_numpy()
        if d.any():
            live_lines = pd.Series(table.lines[alive], index=live_ids.index)
            first_line = live_lines.groupby(live_ids.to_numpy()).transform("first")
            dup_idx = live_ids.index[d]
            dup[dup_idx] = True
            first = pd.Series(np.zeros(n, dtype=np.int64))
            first[dup_idx] = first_line[dup_idx].to_numpy()
            checks.reject(dup, id_field, "duplicate source id '{0}' (first at line {1})", ids, first)

    bad_idx = np.flatnonzero(checks.bad)
    parts = []
    if len(bad_idx):
        parts.append(
            pd.DataFrame(
                {
                    "source_file": table.file,
                    "line": table.lines[bad_idx],
                    "field": checks.field[bad_idx].astype(str),
                    "message": checks.message[bad_idx].astype(str),
                    "raw": table.raw(bad_idx),
                }
            )
        )
    if table.bad:
        parts.append(
            pd.DataFrame(
                {
                    "source_file": table.file,
                    "line": [b[0] for b in table.bad],
                    "field": [b[1] for b in table.bad],
                    "message": [b[2] for b in table.bad],
                    "raw": [b[3] for b in table.bad],
                }
            )
        )
    rejected = (
        pd.concat(parts, ignore_index=True).sort_values("line", kind="stable", ignore_index=True)
        if parts
        else empty_rejected()
    )
    rejected["line"] = rejected["line"].astype("int64")
    for c in ("source_file", "field", "message", "raw"):
        rejected[c] = rejected[c].astype(str)

    frame["quality_flags"] = _flag_texts(checks, n)
    loaded = take_rows(frame, ~checks.bad) if len(bad_idx) else frame
    if not len(loaded):
        base = empty_incidents()
        for c in extras:
            if c in frame.columns:
                base[c] = frame[c].iloc[:0].reset_index(drop=True)
        loaded = base
        loaded["quality_flags"] = pd.Series(dtype=str)
    rows_in = n + len(table.bad)
    bad_lines = set(rejected["line"].tolist())
    kept_unmapped = [p for p in (unmapped or []) if p.line not in bad_lines]
    _checked(loaded, table.file)
    return LoadedIncidents(
        frame=loaded, rejected=rejected, rows_in=rows_in, unmapped=kept_unmapped, flags=_kept_flags(checks, table)
    )


def _checked(loaded: pd.DataFrame, file: str) -> None:
    """IncidentSchema on the loaded rows; a value the loader could not bring into it is named, with its line."""
    try:
        validate_incidents(loaded, inplace=True)
    except SchemaErrors as exc:
        raise contract_error(file, loaded, exc.failure_cases) from None


def _kept_flags(checks: Checks, table: Table) -> list[Problem]:
    """The quality flags of the rows that were loaded (a rejected row's flags went with it)."""
    return [
        Problem(table.file, int(table.lines[i]), fld, msg)
        for i, found in sorted(checks.flags.items())
        if not checks.bad[i]
        for fld, msg in found
    ]


def _flag_texts(checks: Checks, n: int) -> pd.Series:
    """The `quality_flags` column: "" for clean rows, else `field: message; ...` (one code per flagged row)."""
    codes = np.zeros(n, dtype=np.int64)
    names = [""]
    for i, found in sorted(checks.flags.items()):
        codes[i] = len(names)
        names.append("; ".join(f"{fld}: {msg}" for fld, msg in found))
    return labels(codes, names)


_PARTS = ("children", "women", "men")
_COUNTS = (
    "civilians_killed_low", "civilians_killed_best", "civilians_killed_high", "injured_low", "injured_high",
    "deaths_low", "deaths_best", "deaths_high", "named_victims",
    *(f"{who}_killed_{end}" for who in _PARTS for end in ("low", "high")),
)


def plausible(frame: pd.DataFrame, checks: Checks, p: Plausibility, gazetteer: object = None) -> None:
    """Flag (and set aside where unusable) dates outside the window, coordinates outside the country, huge counts."""
    window = outside_window(frame["date_start"], frame["date_end"], p)
    checks.flag(
        window, "date_start",
        "{0:%Y-%m-%d} to {1:%Y-%m-%d} lies outside the plausible window "
        + f"{p.earliest:%Y-%m-%d} to {p.last_day():%Y-%m-%d}; kept as stated",
        frame["date_start"], frame["date_end"],
    )
    bounds = p.bounds if p.bounds is not None else country_bounds(gazetteer)
    outside, swapped = outside_country(frame["lat"], frame["lon"], frame["country"], bounds)
    if outside.any():
        checks.flag(outside & swapped, "lat", "{0:g}, {1:g} is outside {2} but inside it once swapped "
                    "(lat/lon swapped?); coordinates set aside", frame["lat"], frame["lon"], frame["country"])
        checks.flag(outside & ~swapped, "lat", "{0:g}, {1:g} is outside the bounding box of {2} "
                    "(near a border, or the country is wrong?); kept as stated", frame["lat"], frame["lon"],
                    frame["country"])
        frame.loc[swapped, ["lat", "lon"]] = np.nan
    for col in _COUNTS:
        if col not in frame.columns:
            continue
        v = frame[col].to_numpy(dtype="float64", na_value=np.nan)
        huge = ~np.isnan(v) & (v > p.count_ceiling)
        if huge.any():
            checks.flag(huge, col, "{0:g} is above the plausible ceiling of "
                        + f"{p.count_ceiling:,.0f} for one record; value set aside", frame[col])
            frame[col] = frame[col].where(~pd.Series(huge, index=frame.index))
    _victim_parts(frame, checks)


def _victim_parts(frame: pd.DataFrame, checks: Checks) -> None:
    """Children, women and men killed: each low <= high, and together never more than the civilians killed.

    The parts are the source's own breakdown of its total; where they add up to
    more than the total's upper bound the row is flagged (kept as stated: which
    figure is wrong is the source's to say).
    """
    parts = [who for who in _PARTS if f"{who}_killed_low" in frame.columns and f"{who}_killed_high" in frame.columns]
    if not parts:
        return
    for who in parts:
        names = [f"{who}_killed_low", f"{who}_killed_high"]
        frame[names[0]], frame[names[1]] = checks.widened([frame[n] for n in names], names, names)
    lows = pd.concat([frame[f"{who}_killed_low"] for who in parts], axis=1).astype("float64")
    total = frame["civilians_killed_high"].astype("float64").fillna(frame["civilians_killed_best"].astype("float64"))
    parts_sum = lows.sum(axis=1, min_count=1)
    over = (parts_sum > total).fillna(False).to_numpy(dtype=bool)
    checks.flag(over, "civilians_killed_high", "children, women and men killed add up to at least {0:g}, more than "
                "the {1:g} civilians killed the source states; kept as stated", parts_sum, total)
