"""Nothing lost, nothing raw: records counted against the file, damaged records cost themselves alone.

Every reader of delimited text takes its record boundaries from `kit.core.split_records`:
an unclosed quote, an oversized field or a short row is one rejected record, and reading
resumes at the next line. Random damage to one record of a valid file never changes how
many records the summary says came in. (Damage to two records can make a legal CSV with
fewer records, e.g. two stray quotes enclosing a line break: no reader can tell.)
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.core import read_rows, split_records
from kit.incidents import load_airwars, load_mapped, load_nl_mod

FIX = Path(__file__).parent / "fixtures" / "incidents"
BIG = 131_072 + 10


def test_split_records_resynchronises_after_each_kind_of_damage() -> None:
    text = (
        'a,b,c\n1,"x\ny",3\n4,"oops,6\n7,8,9\n\n10,11,12\n'
        + "13," + "z" * BIG + ",14\n"
        + '15,"1"6,17\n18,19\n20,"21'
    )
    got = [(r.line, r.fields, r.problem.split(";")[0]) for r in split_records(text)]
    assert got == [
        (1, ["a", "b", "c"], ""),
        (2, ["1", "x\ny", "3"], ""),  # a quoted line break is part of the record
        (4, None, "a quote opened on this line is never closed"),
        (5, ["7", "8", "9"], ""),
        (7, ["10", "11", "12"], ""),
        (8, None, "a field is longer than 131,072 characters"),
        (9, ["15", "16", "17"], ""),  # within one line the csv module's reading stands
        (10, ["18", "19"], ""),  # short: the caller reports the field count
        (11, None, "a quote opened on this line is never closed"),
    ]


def _claims_like(rows: int) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["claim_id", "note"])
    for i in range(rows):
        w.writerow([f"c{i}", f"note {i}, with a comma"])
    return out.getvalue()


def test_ledger_read_counts_every_record_despite_an_unclosed_quote(tmp_path: Path) -> None:
    lines = _claims_like(48).splitlines()
    lines[5] = 'c4,"an unclosed note'  # the quote never closes: before, it swallowed the 44 rows after it
    p = tmp_path / "l.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame, problems, rows_in = read_rows(p, required=["claim_id", "note"])
    assert rows_in == 48 and len(frame) == 47
    assert [(q.line, q.field) for q in problems] == [(6, "(row)")]
    assert "never closed" in problems[0].message


def test_ledger_read_goes_on_after_an_oversized_field(tmp_path: Path) -> None:
    lines = _claims_like(5).splitlines()
    lines[2] = "c1," + "x" * BIG
    p = tmp_path / "l.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame, problems, rows_in = read_rows(p, required=["claim_id", "note"])
    assert (rows_in, len(frame)) == (5, 4)
    assert [(q.line, q.message) for q in problems] == [
        (3, "a field is longer than 131,072 characters; the row is rejected")
    ]
    assert frame["claim_id"].tolist() == ["c0", "c2", "c3", "c4"]


def test_nl_mod_unclosed_quote_costs_one_row(tmp_path: Path, shared_dir: Path) -> None:
    src = (shared_dir / "data/nl_mod_oir/nl_mod_oir_airstrikes_20230330.csv").read_text(encoding="utf-8-sig")
    lines = src.splitlines()[:31]
    lines[3] = lines[3].replace(";", ';"', 1)
    p = tmp_path / "nl.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = load_nl_mod(p)
    assert (r.rows_in, r.rows_loaded, r.rows_rejected) == (30, 29, 1)
    assert [(q.line, q.field) for q in r.problems] == [(4, "(row)")]


def test_airwars_row_with_only_optional_cells_is_counted(tmp_path: Path) -> None:
    lines = (FIX / "airwars_small.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = [""] * len(header)
    row[header.index("named_victims")] = "A. Name"
    p = tmp_path / "aw.csv"
    p.write_text("\n".join([*lines, ",".join(row)]) + "\n", encoding="utf-8")
    r = load_airwars(p)
    assert r.rows_in == len(lines)  # header excluded, the new row included
    assert [(q.line, q.field, q.message) for q in r.problems] == [(len(lines) + 1, "airwars_id", "missing source id")]


# --- random damage never changes the record count -------------------------------------------

_CELL = st.text(alphabet="abc ,;xyz019", min_size=1, max_size=8).filter(lambda c: bool(c.strip(" ,;")))
_DAMAGE = st.sampled_from(["quote", "short", "long", "huge", "nul-free-junk"])


def _valid_file(rows: list[list[str]], header: list[str], delimiter: str = ",") -> list[str]:
    """One line per record (fields quoted as needed; no quote inside a value)."""
    out = []
    for row in [header, *rows]:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator="").writerow(row)
        out.append(buf.getvalue())
    return out


def _damage(line: str, kind: str, at: int, delimiter: str = ",") -> str:
    at = at % (len(line) + 1)
    if kind == "quote":
        return line[:at] + '"' + line[at:]
    if kind == "short":
        return line.split(delimiter)[0] or "x"
    if kind == "long":
        return line + delimiter + "extra"
    if kind == "huge":
        return line[:at] + "h" * BIG + line[at:]
    return line[:at] + "#@!" + line[at:]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=12),
    hits=st.lists(st.tuples(st.integers(0, 11), _DAMAGE, st.integers(0, 40)), min_size=1, max_size=1),
)
def test_random_damage_never_changes_rows_in_small_files(tmp_path_factory, rows, hits) -> None:
    lines = _valid_file(rows, ["id", "x", "note"])
    for row, kind, at in hits:
        k = 1 + row % len(rows)
        lines[k] = _damage(lines[k], kind, at)
    p = tmp_path_factory.mktemp("d") / "f.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame, problems, rows_in = read_rows(p, required=["id", "x", "note"])
    assert rows_in == len(rows)
    assert len(frame) + len({q.line for q in problems}) == rows_in


_MAPPING = {
    "source": "fuzz",
    "columns": {"id": "source_id", "day": "date_start", "killed": "civilians_killed_low", "note": "notes"},
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(_CELL, min_size=1, max_size=12),
    hits=st.lists(st.tuples(st.integers(0, 11), _DAMAGE, st.integers(0, 40)), min_size=1, max_size=1),
)
def test_random_damage_never_changes_rows_in_incident_files(tmp_path_factory, rows, hits) -> None:
    body = [[f"e{i}", "2017-06-14", str(i), note] for i, note in enumerate(rows)]
    lines = _valid_file(body, ["id", "day", "killed", "note"])
    for row, kind, at in hits:
        k = 1 + row % len(body)
        lines[k] = _damage(lines[k], kind, at)
    p = tmp_path_factory.mktemp("d") / "f.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = load_mapped(p, _MAPPING)
    assert r.rows_in == len(body)
    assert r.rows_in == r.rows_loaded + r.rows_rejected


@pytest.mark.parametrize("kind", ["quote", "short"])
def test_each_damage_costs_exactly_its_own_row(tmp_path: Path, kind: str) -> None:
    """(pyarrow reads a field of any size, so an oversized note in an incident file is simply loaded.)"""
    body = [[f"e{i}", "2017-06-14", str(i), "a note"] for i in range(30)]
    lines = _valid_file(body, ["id", "day", "killed", "note"])
    lines[4] = _damage(lines[4], kind, len("e3,2017-06-14,3,"))
    p = tmp_path / "f.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = load_mapped(p, _MAPPING)
    assert (r.rows_in, r.rows_loaded, r.rows_rejected) == (30, 29, 1)
    assert r.problems[0].line == 5


# --- only the kit's own error escapes --------------------------------------------------------

_BASE_MAPPING = (FIX / "monitor.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "line, field, message",
    [
        ('delimiter: "\\\\x"', "delimiter", "delimiter must be one character other than a quote or a line break"),
        ("delimiter: '\"'", "delimiter", "delimiter must be one character"),
        ("thousands: 1", "thousands", "thousands must be one character in quotes"),
        ('coalition_pattern: "coalition("', "coalition_pattern", "not a valid regular expression: missing )"),
        ('date_format: "%d/%Q/%Y"', "date_format", "'%d/%Q/%Y' is not a usable strptime format"),
        ('actor_separator: ""', "actor_separator", "actor_separator must be a non-empty text value"),
    ],
)
def test_mapping_mistakes_are_one_clear_error(tmp_path: Path, line: str, field: str, message: str) -> None:
    from kit.incidents import IncidentFileError

    key = line.split(":")[0]
    kept = [x for x in _BASE_MAPPING.splitlines() if not x.startswith(key + ":")]
    mapping = tmp_path / "m.yaml"
    mapping.write_text("\n".join([*kept, line]) + "\n", encoding="utf-8")
    with pytest.raises(IncidentFileError) as err:
        load_mapped(FIX / "monitor.csv", mapping)
    assert err.value.problem.field == field and err.value.problem.line == 0
    assert err.value.problem.message.startswith(message)
    assert str(err.value).startswith(f"{tmp_path.name}/m.yaml:0: {field}: ") or str(err.value).startswith(
        f"{mapping}:0: {field}: "
    )


@pytest.mark.parametrize(
    "defaults, field",
    [({"governorate": "Atlantis"}, "defaults.governorate"), ({"governorate": "iq-atlantis"}, "defaults.governorate"),
     ({"country": "Narnia"}, "defaults.country")],
)
def test_mapping_default_place_must_be_in_the_gazetteer(defaults: dict, field: str) -> None:
    from kit.incidents import IncidentFileError

    mapping = {"source": "m", "columns": {"Ref": "source_id", "Date": "date_start"}, "delimiter": ";",
               "date_format": "%d/%m/%Y", "defaults": defaults}
    with pytest.raises(IncidentFileError) as err:
        load_mapped(FIX / "monitor.csv", mapping)
    assert err.value.problem.field == field
    ok = load_mapped(FIX / "monitor.csv", {**mapping, "defaults": {"governorate": "Nineveh", "country": "Iraq"}})
    assert set(ok.frame["governorate"]) == {"iq-ninewa"}


_LOADERS = ["airwars", "ucdp", "acled", "nl-mod", str(FIX / "monitor.yaml")]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.parametrize("fmt", _LOADERS)
def test_fuzzed_incident_files_raise_only_the_kits_error(tmp_path: Path, fmt: str, data: st.DataObject) -> None:
    """Whatever the bytes, a loader returns a result or raises IncidentFileError (an InputError), nothing else."""
    from kit.core import InputError
    from kit.incidents import load_incidents

    seed = {"airwars": "airwars_small.csv", "ucdp": "ucdp_ged_hdx.csv", "acled": "acled.csv",
            "nl-mod": None}.get(fmt, "monitor.csv")
    base = (FIX / seed).read_bytes() if seed else b"Employment date;Position LAT;Position LONG;Town;Province;Country\n"
    cut = data.draw(st.integers(0, len(base)))
    junk = data.draw(st.binary(max_size=40) | st.text(alphabet='",;\n\r\x1b\u202e 0123456789-.eE', max_size=40).map(
        lambda t: t.encode()))
    p = tmp_path / "f.csv"
    p.write_bytes(base[:cut] + junk + base[cut:])
    try:
        r = load_incidents(p, fmt)
    except InputError:
        return
    assert r.rows_in == r.rows_loaded + r.rows_rejected


# --- plausibility and safety ----------------------------------------------------------------


def _write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    """Rows back to a CSV file with their own header (LF line ends, as the fixtures)."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _claims_file(tmp_path: Path, **edits: str) -> Path:
    lines = (Path(__file__).parent / "fixtures" / "claims_small.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[:2]) + "\n")))
    rows[0].update(edits)
    return _write_rows(tmp_path / "c.csv", rows)


def test_a_400_digit_figure_is_rejected_not_infinite(tmp_path: Path) -> None:
    from kit.ledger import load_claims

    r = load_claims([_claims_file(tmp_path, low="9" * 400, high="9" * 400)])
    assert r.rows_rejected == 1 and r.claims.empty
    assert any(p.field == "low" and "too large a number" in p.message for p in r.problems)


@pytest.mark.parametrize(
    "url, safe",
    [("https:///nohost", False), ("http://", False), ("https://a.org/x", True),
     ("https://\u202eexe.evil.org/x", False), ("https://a.org/\u2066x", False)],
)
def test_urls_without_host_or_with_bidi_controls_are_not_links(url: str, safe: bool) -> None:
    import pandas as pd

    from kit.core import is_safe_url
    from kit.incidents._schema import http_or_empty

    assert is_safe_url(url) is safe
    assert bool(http_or_empty(pd.Series([url]))[0]) is safe  # the vectorised check agrees


def test_bidi_controls_are_stripped_from_report_text_and_links() -> None:
    from kit.present import escape_text, safe_link

    assert str(escape_text("fdp\u202e.exe")) == "fdp.exe"
    link = str(safe_link("https://a.org/\u202ex", "label\u2067"))
    assert "\u202e" not in link and "\u2067" not in link and "<a " not in link  # text, not a link


def test_cli_escapes_control_characters_from_input(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kit.cli import app

    lines = (FIX / "acled.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",1,Political", ",\x1b[2J\u202e9,Political", 1)
    p = tmp_path / "a.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["incidents", "validate", str(p), "-f", "acled"])
    assert out.exit_code == 1
    assert "\x1b" not in out.stdout and "\u202e" not in out.stdout
    assert "\\x1b[2J\\u202e9" in out.stdout


def test_validate_on_a_folder_without_csv_is_an_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kit.cli import app

    (tmp_path / "notes.txt").write_text("not a ledger", encoding="utf-8")
    out = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert out.exit_code == 1
    assert out.stdout.strip().endswith("(folder): no CSV files in this folder; nothing to check")


def test_two_digit_years_resolve_to_the_past() -> None:
    import datetime as dt

    import pandas as pd

    from kit.incidents import parse_dutch_dates

    next_year = f"{(dt.date.today().year + 1) % 100:02d}"
    dates, bad = parse_dutch_dates(pd.Series(["7-Oct-99", "7-okt-14", f"1-jan-{next_year}", "1-jan-2099"]))
    assert dates.tolist()[:3] == [pd.Timestamp("1999-10-07"), pd.Timestamp("2014-10-07"),
                                  pd.Timestamp(f"{dt.date.today().year - 99}-01-01")]
    assert dates.iloc[3] == pd.Timestamp("2099-01-01") and not bad.any()  # a four-digit year is as written
    mapped = load_mapped(
        _write_monitor_with_dates(["14/06/99", "14/06/17"]),
        {"source": "m", "columns": {"Ref": "source_id", "Date": "date_start"}, "date_format": "%d/%m/%y"},
    )
    assert mapped.frame["date_start"].dt.year.tolist() == [1999, 2017]


def _write_monitor_with_dates(dates: list[str]) -> Path:
    import tempfile

    d = Path(tempfile.mkdtemp())
    p = d / "m.csv"
    p.write_text("Ref,Date\n" + "".join(f"r{i},{x}\n" for i, x in enumerate(dates)), encoding="utf-8")
    return p


def test_incident_dates_outside_the_window_are_flagged(tmp_path: Path) -> None:
    import datetime as dt

    from kit.incidents import Plausibility

    p = _write_monitor_with_dates(["01/01/0001", "14/06/2017", "31/12/9999"])
    mapping = {"source": "m", "columns": {"Ref": "source_id", "Date": "date_start"}, "date_format": "%d/%m/%Y"}
    r = load_mapped(p, mapping)
    assert (r.rows_loaded, r.rows_flagged) == (3, 2)
    assert [q.line for q in r.flags] == [2, 4] and "outside the plausible window 1900-01-01" in r.flags[0].message
    wide = load_mapped(p, mapping, plausibility=Plausibility(earliest=dt.date(1, 1, 1), latest=dt.date(9999, 12, 31)))
    assert wide.rows_flagged == 0


def test_cites_loop_is_reported_on_every_claim_of_it(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kit.cli import app

    lines = (Path(__file__).parent / "fixtures" / "claims_small.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(io.StringIO("\n".join(lines) + "\n")))[:4]
    ids = [r["claim_id"] for r in rows]
    for r, target in zip(rows, [ids[1], ids[2], ids[0], ""], strict=True):
        r["cites"] = target  # a -> b -> c -> a; the fourth cites nothing
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (tmp_path / "c.csv").write_text(out.getvalue(), encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(tmp_path / "c.csv")])
    assert res.exit_code == 1
    loops = [x for x in res.stdout.splitlines() if "cites loop" in x]
    assert len(loops) == 3
    assert loops[0].endswith(f":2: cites: cites loop {ids[0]} -> {ids[1]} -> {ids[2]} -> {ids[0]}: "
                             "a chain of citations must end at a primary")


# --- the command line when piped ------------------------------------------------------------


def _kit(*args: str, env: dict[str, str] | None = None) -> str:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    full_env = {k: v for k, v in os.environ.items() if k != "TYPER_USE_RICH"}  # decided by the pipe, or by `env`
    full_env.update({"PYTHONPATH": str(root), **(env or {})})
    done = subprocess.run([sys.executable, "-m", "kit", *args], capture_output=True, text=True, env=full_env,
                          cwd=root, timeout=120)
    return done.stdout + done.stderr


def test_piped_help_is_never_wrapped_and_flags_show_no_bool() -> None:
    plain = _kit("incidents", "validate", "--help")
    assert "Load FILE; print counts, each rejected and each flagged row; exit 1 only if a row is rejected." in plain
    assert "╭" not in plain and "<bool>" not in plain
    boxed = _kit("incidents", "validate", "--help", env={"TYPER_USE_RICH": "1"})  # the terminal's rich help
    assert "╭" in boxed and "<bool>" not in boxed and "--help" in boxed


# --- victims as the sources record them ------------------------------------------------------


def _airwars_with_victims(tmp_path: Path, **cells: str) -> Path:
    rows = list(csv.DictReader(io.StringIO((FIX / "airwars_small.csv").read_text(encoding="utf-8"))))
    rows[0].update(cells)
    return _write_rows(tmp_path / "aw.csv", rows)


def test_airwars_victims_by_age_and_sex_named_and_cause_are_kept(tmp_path: Path) -> None:
    p = _airwars_with_victims(
        tmp_path, children_killed_min="2", children_killed_max="4", women_killed_min="1", women_killed_max="1",
        men_killed_min="3", men_killed_max="5", named_victims="6",
        cause_of_death="Heavy weapons and explosive munitions",
    )
    r = load_airwars(p)
    row = r.frame.set_index("source_id").loc["990001"]
    assert (row["children_killed_low"], row["children_killed_high"]) == (2, 4)
    assert (row["women_killed_low"], row["men_killed_high"], row["named_victims"]) == (1, 5, 6)
    assert row["cause_of_death"] == "Heavy weapons and explosive munitions"
    assert row["quality_flags"] == ""  # 2 + 1 + 3 = 6 <= 14 civilians killed
    other = r.frame.set_index("source_id").loc["990002"]
    assert pd_isna(other["children_killed_low"]) and other["cause_of_death"] == ""  # blank stays blank


def pd_isna(v: object) -> bool:
    import pandas as pd

    return bool(pd.isna(v))


def test_parts_above_the_total_are_flagged_not_dropped(tmp_path: Path) -> None:
    p = _airwars_with_victims(tmp_path, children_killed_min="9", children_killed_max="9", women_killed_min="6",
                              women_killed_max="4")
    r = load_airwars(p)
    assert (r.rows_loaded, r.rows_rejected) == (3, 0)
    assert [f"{q.field}: {q.message}" for q in r.flags] == [
        "women_killed_low: women_killed_low 6 is greater than women_killed_high 4 (as the source states them); "
        "range widened to cover both",
    ]  # after widening, 9 children + at least 4 women = 13 <= 14 civilians killed: no second flag
    p = _airwars_with_victims(tmp_path, children_killed_min="9", men_killed_min="7")
    over = load_airwars(p)
    assert [q.message for q in over.flags] == [
        "children, women and men killed add up to at least 16, more than the 14 civilians killed the source states; "
        "kept as stated"
    ]


def test_charts_say_whether_flagged_rows_count_and_show_victims(tmp_path: Path) -> None:
    from kit.present.charts import flagged_rows, incident_map, monthly_incidents_chart, victims_text

    p = _airwars_with_victims(tmp_path, children_killed_min="9", men_killed_min="7", named_victims="3",
                              cause_of_death="Small arms")
    frame = load_airwars(p).frame
    kept, note = flagged_rows(frame, "exclude")
    assert len(kept) == 2 and note == "1 record(s) with a quality flag excluded"
    assert flagged_rows(frame, "include")[1] == "1 record(s) with a quality flag included"
    spec = monthly_incidents_chart(frame, flagged="exclude").to_dict()
    assert spec["title"]["subtitle"] == "1 record(s) with a quality flag excluded"
    assert victims_text(frame)[0] == "children 9; men 7; 3 named; cause: Small arms"
    boundary = [{"type": "Feature", "properties": {"name": "x"},
                 "geometry": {"type": "Polygon", "coordinates": [[[38, 35], [40, 35], [40, 37], [38, 35]]]}}]
    m = incident_map(frame, boundary).to_dict()
    points = next(d for d in m["datasets"].values() if d and "victims" in d[0])
    assert points[0]["victims"].startswith("children 9") and "add up to" in points[0]["flags"]
    titles = [t.get("title") for layer in m["layer"] for t in layer.get("encoding", {}).get("tooltip", [])]
    assert "who was killed" in titles and "quality flags" in titles


def test_incident_explorer_tooltip_carries_victims_and_flag_counts(tmp_path: Path) -> None:
    from kit.ui import IncidentExplorer

    p = _airwars_with_victims(tmp_path, children_killed_min="9", men_killed_min="7", named_victims="3")
    frame = load_airwars(p).frame
    ex = IncidentExplorer(frame, filters=())
    june = [r for r in ex.records if r["month"] == "2017-06-01"]
    assert june and june[0]["victims"] == "children 9; men 7; 3 named" and june[0]["flagged"] == 1
    tips = [t["field"] for layer in ex.chart.to_dict()["layer"] for t in layer.get("encoding", {}).get("tooltip", [])]
    assert "victims" in tips and "flagged" in tips
    sel = ex.selection()
    import pandas as pd

    cols = ["month", "group", "children_killed_low", "men_killed_low", "named_victims", "flagged"]
    pd.testing.assert_frame_equal(ex.aggregate(sel)[cols], ex.aggregate_raw(sel)[cols], check_dtype=False)


# --- the commands this issue owns never print a traceback -------------------------------------

_ARG = st.one_of(
    st.sampled_from(["--format", "-f", "airwars", "ucdp", "nl-mod", "x.yaml", "--max-warnings", "-1", "--earliest",
                     "2017-13-01", "--latest", "--count-ceiling", "nan", "1e309", "--", "", "\x1b[2J", "\u202e"]),
    st.text(max_size=12),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=st.lists(_ARG, max_size=6), which=st.sampled_from(["validate", "incidents"]), data=st.data())
def test_fuzzed_cli_arguments_exit_cleanly(tmp_path: Path, args: list[str], which: str, data: st.DataObject) -> None:
    """`kit validate` and `kit incidents validate` with any arguments: an exit code and a message, never a traceback."""
    from typer.testing import CliRunner

    from kit.cli import app

    target = data.draw(st.sampled_from([str(FIX / "acled.csv"), str(tmp_path), str(tmp_path / "none.csv"),
                                        str(FIX / "monitor.yaml")]))
    argv = (["validate", target] if which == "validate" else ["incidents", "validate", target]) + args
    res = CliRunner().invoke(app, argv)
    assert res.exception is None or isinstance(res.exception, SystemExit), (argv, repr(res.exception))
    assert res.exit_code in (0, 1, 2)
    assert "Traceback" not in res.output


def test_ucdp_hdx_export_with_its_own_inconsistent_ranges_loads_every_event(tmp_path: Path) -> None:
    """As the real Iraq GED export (7,473 events, 69 with best > high or low > best): every event kept, flagged."""
    from typer.testing import CliRunner

    from kit.cli import app
    from kit.incidents import load_ucdp

    lines = (FIX / "ucdp_ged_hdx.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines))
    header = rows[0]
    b, h, lo = header.index("best"), header.index("high"), header.index("low")
    rows[2][b], rows[2][h] = "28", "27"  # UCDP's own best above its high
    rows[3][lo], rows[3][b] = "30", "28"  # and a low above its best
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    p = tmp_path / "ged.csv"
    p.write_text(out.getvalue(), encoding="utf-8")
    r = load_ucdp(p)
    assert (r.rows_in, r.rows_loaded, r.rows_flagged, r.rows_rejected) == (6, 6, 2, 0)
    assert r.frame.loc[r.frame["source_line"] == 3, ["deaths_best", "deaths_high"]].iloc[0].tolist() == [28, 28]
    res = CliRunner().invoke(app, ["incidents", "validate", str(p), "-f", "ucdp"])
    assert res.exit_code == 0  # the source's own inconsistencies do not fail the check
    assert res.stdout.splitlines()[0].endswith("6 row(s) in, 6 loaded, 2 flagged, 0 rejected (format ucdp)")
    narrow = CliRunner().invoke(app, ["incidents", "validate", str(p), "-f", "ucdp", "--latest", "2016-12-31"])
    assert narrow.exit_code == 0 and "lies outside the plausible window 1900-01-01 to 2016-12-31" in narrow.stdout
    bad = CliRunner().invoke(app, ["incidents", "validate", str(p), "-f", "ucdp", "--earliest", "1900-13-01"])
    assert bad.exit_code == 2 and bad.stderr.strip() == "--earliest: '1900-13-01' is not a date written YYYY-MM-DD"
