"""The claims contract: every malformed row is reported exactly, none is lost."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.core import parse_partial_date
from kit.ledger import CLAIM_COLUMNS, load_claims, load_gazetteer, validate_claims_frame

GOOD = {
    "claim_id": "cjtf-oir-test", "claimant": "CJTF-OIR", "claimant_type": "belligerent",
    "relay_chain": "ABC News > WRTA", "source_status": "relayed", "published": "2017-04-30",
    "url": "http://wrta.com/example", "low": "352", "best": "", "high": "352", "qualifier": "at_least",
    "unit": "persons", "outcome": "killed", "victims": "civilians", "perpetrator": "us-led-coalition",
    "places": "iq;sy", "period_start": "2014-08", "period_end": "2017-03",
    "method": "acknowledged_after_investigation", "grade": "", "cites": "", "note": "test row",
}


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _write(
    tmp_path: Path, rows: list[dict[str, str]], name: str = "ledger.csv", header: list[str] | None = None
) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cols = header or CLAIM_COLUMNS
    w.writerow(cols)
    for r in rows:
        w.writerow([r.get(c, "") for c in cols])
    path = tmp_path / name
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_good_row_loads_with_derived_columns(tmp_path: Path, gaz) -> None:
    result = load_claims(_write(tmp_path, [GOOD]), gazetteer=gaz)
    assert result.problems == [] and (result.rows_in, result.rows_loaded) == (1, 1)
    row = result.claims.iloc[0]
    assert row["places_list"] == ("iq", "sy")
    assert row["relay_list"] == ("ABC News", "WRTA")
    assert row["period_start_date"] == pd.Timestamp("2014-08-01")
    assert row["period_end_date"] == pd.Timestamp("2017-03-31")  # last day of the month precision
    assert row["period_end_precision"] == "month" and row["published_precision"] == "day"
    assert row["known_from"] == pd.Timestamp("2017-04-30")
    assert pd.isna(row["best"]) and row["low"] == 352


def test_open_period_end_runs_to_publication(tmp_path: Path, gaz) -> None:
    result = load_claims(_write(tmp_path, [{**GOOD, "period_end": "", "published": "2017-05"}]), gazetteer=gaz)
    row = result.claims.iloc[0]
    assert row["period_end_date"] == pd.Timestamp("2017-05-31") and row["period_end_precision"] == "month"


MALFORMED = [
    ("empty claim_id", {"claim_id": ""}, "claim_id: required value is empty"),
    ("bad id", {"claim_id": "CJTF 352"}, "claim_id: 'CJTF 352' is not a lowercase id like 'cjtf-oir-2017-04-30'"),
    ("claimant type", {"claimant_type": "robot"},
     "claimant_type: 'robot' is not one of: belligerent, monitor, ngo, un_body, government, media_investigation, "
     "academic"),
    ("status", {"source_status": "hearsay"}, "source_status: 'hearsay' is not one of: primary, relayed, untraced"),
    ("relayed without chain", {"relay_chain": ""},
     "relay_chain: relay_chain is empty but source_status is 'relayed' (name the outlets)"),
    ("primary with chain", {"source_status": "primary"},
     "relay_chain: relay_chain is given but source_status is 'primary' (use 'relayed')"),
    ("untraced without note", {"source_status": "untraced", "note": ""},
     "note: note is empty but source_status is 'untraced' (say what could not be traced)"),
    ("date format", {"published": "30/04/2017"},
     "published: '30/04/2017' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"),
    ("impossible date", {"published": "2017-02-30"},
     "published: '2017-02-30' is not a calendar date (February 2017 has 28 days)"),
    ("month 13", {"period_end": "2017-13"}, "period_end: '2017-13' has no month 13"),
    ("javascript url", {"url": "javascript:alert(1)"},
     "url: 'javascript:alert(1)' is not an http:// or https:// URL (other schemes are refused)"),
    ("data url", {"url": "data:text/html,<b>x</b>"},
     "url: 'data:text/html,<b>x</b>' is not an http:// or https:// URL (other schemes are refused)"),
    ("empty url", {"url": ""}, "url: required value is empty"),
    ("thousands separator", {"low": "1,061", "high": "1061"},
     "low: '1,061' has a thousands separator; write plain digits (1061)"),
    ("not a number", {"high": "many"}, "high: 'many' is not a number"),
    ("negative", {"low": "-5"}, "low: -5 must not be negative"),
    ("low above high", {"low": "500", "high": "352"}, "low: low is greater than high"),
    ("best outside", {"low": "10", "best": "50", "high": "20"}, "best: best lies outside [low, high]"),
    ("qualifier", {"qualifier": "roughly"},
     "qualifier: 'roughly' is not one of: none, at_least, more_than, about, almost, up_to, fewer_than"),
    ("unit", {"unit": "people"}, "unit: 'people' is not one of: persons, incidents, reports, ratio"),
    ("outcome", {"outcome": "dead"}, "outcome: 'dead' is not one of: killed, injured, killed_or_injured"),
    ("victims", {"victims": "civilian"},
     "victims: 'civilian' is not one of: civilians, children, women, all, combatants"),
    ("perpetrator slug", {"perpetrator": "US-led Coalition"},
     "perpetrator: 'US-led Coalition' is not a lowercase slug like 'us-led-coalition'"),
    ("unknown place", {"places": "iq;raqqa"}, "places: unknown place id 'raqqa' (did you mean 'sy-raqqa'?)"),
    ("empty places", {"places": ""}, "places: required value is empty"),
    ("period order", {"period_start": "2018", "period_end": "2017"}, "period_start: period_start is after period_end"),
    ("period after publication", {"period_start": "2018-01", "period_end": ""},
     "period_start: period_start is after the publication date"),
    ("method", {"method": "guesswork"},
     "method: 'guesswork' is not one of: acknowledged_after_investigation, credible_allegations, "
     "graded_open_source_monitoring, field_investigation, statistical_estimate, official_statement, "
     "documented_enumeration"),
    ("cites unknown", {"cites": "nope"}, "cites: unknown claim id 'nope'"),
    ("cites itself", {"cites": "cjtf-oir-test"}, "cites: a claim cannot cite itself"),
    ("unknown date no note", {"published": "", "period_end": "2017-03", "note": ""},
     "note: note is empty but published is unknown (say why)"),
]


@pytest.mark.parametrize(("case", "change", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_row_is_rejected_with_exact_message(
    tmp_path: Path, gaz, case: str, change: dict[str, str], message: str
) -> None:
    good2 = {**GOOD, "claim_id": "other-row"}
    path = _write(tmp_path, [good2, {**GOOD, **change}])
    result = load_claims(path, gazetteer=gaz)
    assert f"{path}:3: {message}" in [str(p) for p in result.problems], [str(p) for p in result.problems]
    assert all(p.line == 3 for p in result.problems)
    assert result.rows_in == 2 and result.rows_loaded == 1 and result.rows_rejected == 1
    assert list(result.claims["claim_id"]) == ["other-row"]


def test_ragged_row_duplicate_id_and_header_problems(tmp_path: Path, gaz) -> None:
    path = _write(tmp_path, [GOOD, GOOD])
    with path.open("a", encoding="utf-8") as fh:
        fh.write("only,three,fields\n\n")
    result = load_claims(path, gazetteer=gaz)
    msgs = [str(p) for p in result.problems]
    assert f"{path}:3: claim_id: duplicate id 'cjtf-oir-test' (first at {path}:2)" in msgs
    assert f"{path}:4: (row): expected {len(CLAIM_COLUMNS)} fields, found 3 (an unquoted comma?)" in msgs
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (3, 1, 2)


def test_bad_header_rejects_every_row_and_says_so(tmp_path: Path, gaz) -> None:
    header = [("qualifer" if c == "qualifier" else c) for c in CLAIM_COLUMNS]
    path = _write(tmp_path, [GOOD, GOOD], header=header)
    result = load_claims(path, gazetteer=gaz)
    msgs = [str(p) for p in result.problems]
    assert f"{path}:1: qualifier: required column missing from the header" in msgs
    assert f"{path}:1: qualifer: unknown column (check the spelling against the contract)" in msgs
    assert f"{path}:1: (file): all 2 data row(s) rejected because the header is invalid" in msgs
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (2, 0, 2)


def test_encoding_empty_and_binary_files(tmp_path: Path, gaz) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(",".join(CLAIM_COLUMNS).encode() + b"\nx,Ninawa\xff\n")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\x00\x01\x02")
    result = load_claims([latin, empty, binary], gazetteer=gaz)
    msgs = [str(p) for p in result.problems]
    assert f"{latin}:2: (file): not valid UTF-8 text (save the file as UTF-8)" in msgs
    assert f"{empty}:0: (file): file is empty (no header row)" in msgs
    assert f"{binary}:0: (file): file contains NUL bytes; it is not a CSV text file" in msgs


def test_duplicate_ids_across_files_and_cross_file_cites(tmp_path: Path, gaz) -> None:
    a = _write(tmp_path, [GOOD], "a.csv")
    b = _write(tmp_path, [{**GOOD, "claim_id": "article-352", "cites": "cjtf-oir-test"}, GOOD], "b.csv")
    result = load_claims([a, b], gazetteer=gaz)
    assert [str(p) for p in result.problems] == [f"{b}:3: claim_id: duplicate id 'cjtf-oir-test' (first at {a}:2)"]
    assert sorted(result.claims["claim_id"]) == ["article-352", "cjtf-oir-test"]


def test_validate_claims_frame_numbers_drafts_like_a_csv(gaz) -> None:
    frame = pd.DataFrame([{**GOOD, "low": 352.0, "high": 352.0}, {**GOOD, "claim_id": "x2", "url": ""}])
    result = validate_claims_frame(frame, file="draft.csv", gazetteer=gaz, known_ids=["cjtf-oir-test"])
    assert [str(p) for p in result.problems] == ["draft.csv:3: url: required value is empty"]
    assert result.rows_loaded == 1


@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 31))
def test_partial_dates_round_trip(year: int, month: int, day: int) -> None:
    first, last, precision = parse_partial_date(f"{year:04d}-{month:02d}")
    assert (first.year, first.month, first.day, precision) == (year, month, 1, "month")
    assert last.month == month and (last + pd.Timedelta(days=1)).month != month
    text = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        expected = pd.Timestamp(year, month, day)
    except ValueError:
        with pytest.raises(ValueError, match="is not a calendar date"):
            parse_partial_date(text)
    else:
        assert parse_partial_date(text) == (expected, expected, "day")


@given(st.text(max_size=30))
def test_partial_date_parser_never_crashes(text: str) -> None:
    try:
        parse_partial_date(text)
    except ValueError as exc:
        assert repr(text) in str(exc) or "year" in str(exc)
