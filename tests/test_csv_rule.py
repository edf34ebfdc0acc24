"""One CSV rule for the kit's small files, checked through every reader.

A problem's line is the 1-based physical line on which its record starts
(header = line 1): blank lines are skipped but counted, a quoted field's line
breaks are counted, a UTF-8 BOM is stripped, and LF, CRLF and CR-only files
number alike. The same layout must give the same problem lines in the ledger,
the gazetteer, operations, review decisions and capture histories.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.core import LINE, InputError, Problem, read_rows
from kit.estimate import read_histories
from kit.ledger import (
    CLAIM_COLUMNS,
    PLACE_COLUMNS,
    Gazetteer,
    load_claims,
    load_gazetteer,
    load_operations,
    read_places,
)
from kit.match import DECISION_COLUMNS, load_decisions


@dataclass(frozen=True)
class Reader:
    """One small-file reader: its header, a good and a bad record, and how to get its problems."""

    header: list[str]
    good: dict[str, str]  # "{n}" is replaced by the record's number so ids stay unique
    text_field: str  # free text that may span lines
    bad_field: str  # the field the bad record breaks
    bad_value: str
    problems: Callable[[Path], list[Problem]]


def _raised(load: Callable[[Path], object]) -> Callable[[Path], list[Problem]]:
    def problems(path: Path) -> list[Problem]:
        try:
            load(path)
        except InputError as exc:
            return list(exc.problems)
        return []

    return problems


@cache
def _gazetteer() -> Gazetteer:
    return load_gazetteer()


def _ledger_problems(path: Path) -> list[Problem]:
    return list(load_claims(path, gazetteer=_gazetteer()).problems)


_CLAIM = dict(
    zip(
        CLAIM_COLUMNS,
        "c-{n},CJTF-OIR,belligerent,,primary,2017-01-02,https://example.org/{n},188,,188,at_least,persons,killed,"
        "civilians,us-led-coalition,iq;sy,2014-08-08,2016-11-30,acknowledged_after_investigation,,,Admissions.,,"
        .split(","),
        strict=True,
    )
)

READERS = {
    "ledger": Reader(CLAIM_COLUMNS, _CLAIM, "note", "claimant_type", "nonsense", _ledger_problems),
    "gazetteer": Reader(
        PLACE_COLUMNS,
        {"place_id": "c{n}", "name": "Country {n}", "kind": "country", "parent_id": "", "variants": "",
         "lat": "", "lon": "", "pcode": "", "source_url": ""},
        "name", "lat", "north",
        lambda p: read_places(p)[1],
    ),
    "operations": Reader(
        ["operation_id", "name", "start", "end", "note"],
        {"operation_id": "op-{n}", "name": "Operation {n}", "start": "2014-08-08", "end": "", "note": "x"},
        "note", "start", "",
        _raised(load_operations),
    ),
    "decisions": Reader(
        DECISION_COLUMNS,
        {"source_a": "a", "id_a": "A{n}", "source_b": "b", "id_b": "B{n}", "decision": "accept",
         "reviewer": "ana", "decided_at": "", "note": "same strike"},
        "note", "decision", "maybe",
        _raised(load_decisions),
    ),
    "histories": Reader(
        ["A", "B", "count", "stratum"],
        {"A": "1", "B": "0", "count": "{n}", "stratum": "s"},
        "stratum", "B", "2",
        _raised(lambda p: read_histories(p, strata=["stratum"])),
    ),
}

# Layout tokens: G good record, B bad record, R ragged record (one field too many),
# M2/M3 a good record whose free text spans 2/3 lines, BM3/RM2 the same for bad/ragged
# records, "" a blank line, "  " a line of spaces.
LAYOUTS = [
    # (id, tokens, line ending, BOM, expected {line: field})
    ("plain", ["G", "B", "R"], "\n", False, {3: "bad", 4: "(row)"}),
    ("blank-lines-between", ["G", "", "B", "", "", "R"], "\n", False, {4: "bad", 7: "(row)"}),
    ("blank-lines-after-header", ["", "", "B", "G"], "\n", False, {4: "bad"}),
    ("spaces-only-line", ["G", "  ", "B"], "\n", False, {4: "bad"}),
    ("quoted-2-lines", ["M2", "B", "R"], "\n", False, {4: "bad", 5: "(row)"}),
    ("quoted-3-lines", ["G", "M3", "B", "", "M3", "R"], "\n", False, {6: "bad", 11: "(row)"}),
    ("bad-record-spans-lines", ["G", "BM3", "R"], "\n", False, {3: "bad", 6: "(row)"}),
    ("ragged-record-spans-lines", ["RM2", "", "B"], "\n", False, {2: "(row)", 5: "bad"}),
    ("bom", ["G", "B", "R"], "\n", True, {3: "bad", 4: "(row)"}),
    ("crlf", ["G", "", "M2", "B", "R"], "\r\n", False, {6: "bad", 7: "(row)"}),
    ("cr-only", ["G", "", "M2", "B", "R"], "\r", False, {6: "bad", 7: "(row)"}),
    ("trailing-blank-lines", ["B", "G", "R", "", "", ""], "\n", False, {2: "bad", 4: "(row)"}),
    ("bom-crlf-quoted-blank", ["", "M3", "", "B", "RM2", ""], "\r\n", True, {7: "bad", 8: "(row)"}),
    ("ragged-rows-only", ["R", "G", "R"], "\n", False, {2: "(row)", 4: "(row)"}),
]


def _record(reader: Reader, token: str, n: int, eol: str) -> str:
    values = {k: v.replace("{n}", str(n)) for k, v in reader.good.items()}
    if token.startswith("B"):
        values[reader.bad_field] = reader.bad_value
    if token.endswith(("M2", "M3")):
        extra = int(token[-1]) - 1
        values[reader.text_field] = eol.join([values[reader.text_field] or "x", *(["more"] * extra)])
    row = [values[c] for c in reader.header]
    if token.startswith("R"):
        row.append("one too many")
    out = io.StringIO()
    csv.writer(out, lineterminator=eol).writerow(row)
    return out.getvalue()


def _layout(reader: Reader, tokens: list[str], eol: str, bom: bool) -> bytes:
    parts = [",".join(reader.header) + eol]
    for n, token in enumerate(tokens):
        parts.append(token + eol if token.strip() == "" else _record(reader, token, n + 1, eol))
    return (b"\xef\xbb\xbf" if bom else b"") + "".join(parts).encode("utf-8")


@pytest.mark.parametrize("caller", list(READERS))
@pytest.mark.parametrize(("tokens", "eol", "bom", "expected"), [c[1:] for c in LAYOUTS], ids=[c[0] for c in LAYOUTS])
def test_same_layout_same_problem_lines_in_every_reader(
    tmp_path: Path, caller: str, tokens: list[str], eol: str, bom: bool, expected: dict[int, str]
) -> None:
    reader = READERS[caller]
    path = tmp_path / f"{caller}.csv"
    path.write_bytes(_layout(reader, tokens, eol, bom))
    got = sorted((p.line, p.field) for p in reader.problems(path))
    want = sorted((line, reader.bad_field if field == "bad" else field) for line, field in expected.items())
    assert got == want, [str(p) for p in reader.problems(path)]


def test_good_layouts_read_cleanly_in_every_reader(tmp_path: Path) -> None:
    """The controls: with every bad or ragged record made good, every reader accepts every layout."""
    for caller, reader in READERS.items():
        for name, tokens, eol, bom, _ in LAYOUTS:
            good = [t[1:] or "G" if t.startswith(("B", "R")) else t for t in tokens]
            path = tmp_path / f"{caller}-{name}.csv"
            path.write_bytes(_layout(reader, good, eol, bom))
            assert reader.problems(path) == [], (caller, name)


# -- read_rows itself: random records written by csv.writer, random blank lines ------------------

_values = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
_tricky = st.one_of(_values, st.sampled_from([",", '"', '""', "\n", "\r\n", "\r", 'a,"b"\nc', " \n ", "\r\r\n\n"]))


def _physical_line(text: str, offset: int) -> int:
    """1-based line of `offset`, counting \\r\\n, \\r and \\n as one line break each."""
    return len(re.findall(r"\r\n|\r|\n", text[:offset])) + 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    width=st.integers(1, 4),
    data=st.data(),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
)
def test_read_rows_reports_the_physical_line_each_record_starts_on(
    tmp_path: Path, width: int, data: st.DataObject, eol: str, bom: bool
) -> None:
    header = [f"c{i}" for i in range(width)]
    rows = data.draw(st.lists(st.lists(_tricky, min_size=width - 1, max_size=width - 1), max_size=8))
    blanks = data.draw(st.lists(st.integers(0, 3), min_size=len(rows) + 1, max_size=len(rows) + 1))
    out = io.StringIO()
    # csv.writer quotes a field only for the line terminator's own characters (Python 3.11), so
    # each record is written with "\r\n" (any CR or LF inside gets quoted) and then given `eol`.
    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\r\n")

    def write(record: list[str]) -> None:
        line.seek(0)
        line.truncate()
        writer.writerow(record)
        out.write(line.getvalue().removesuffix("\r\n") + eol)

    write(header)
    starts: list[int] = []
    records: list[list[str]] = []
    for k, values in enumerate(rows):
        out.write(eol * blanks[k])
        starts.append(_physical_line(out.getvalue(), out.tell()))
        record = [f"r{k}", *values]  # a non-blank first field: all-blank records are blank lines by rule
        records.append(record)
        write(record)
    out.write(eol * blanks[-1])
    path = tmp_path / "rows.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))

    frame, problems, rows_in = read_rows(path, required=header)
    assert problems == [] and rows_in == len(records)
    assert frame[LINE].tolist() == starts
    assert frame[header].values.tolist() == [[v.strip() for v in r] for r in records]
    verbatim, _, _ = read_rows(path, required=header, verbatim=True)
    assert verbatim[header].values.tolist() == records


def test_operations_file_absent_means_none_and_the_project_file_loads(tmp_path: Path) -> None:
    assert load_operations(tmp_path / "absent.csv") == ()
    ops = {op.operation_id: op for op in load_operations()}
    assert ops["battle-of-mosul"].end == "2017-07-20" and ops["oir"].end == ""  # source_url, note ignored


def test_decisions_log_tolerates_added_columns_and_keeps_values_verbatim(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "source_a,id_a,source_b,id_b,decision,reviewer,decided_at,note,checked_by\n"
        'a, A1 ,b,B1,Accept ,ana,," two\nlines ",ben\n',
        encoding="utf-8",
    )
    got = load_decisions(path)
    assert got[["id_a", "decision", "note"]].values.tolist() == [[" A1 ", "accept", " two\nlines "]]


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
def test_undecodable_bytes_are_reported_on_their_physical_line(tmp_path: Path, eol: bytes) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(eol.join([b"a,b", b"1,2", b"", b"caf\xe9,3", b""]))
    _, problems, _ = read_rows(path, required=["a", "b"])
    assert [(p.line, p.field) for p in problems] == [(4, "(file)")]
