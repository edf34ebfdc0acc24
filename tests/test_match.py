"""Incident matching on constructed cases with known answers, decisions, CLI."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.match import (
    DECISION_COLUMNS,
    MATCH_COLUMNS,
    MatchInputError,
    append_decisions,
    collapse_strikes,
    load_decisions,
    match_incidents,
)

LAT0, LON0 = 35.95, 39.01  # Raqqa
KM_LAT = 180 / (math.pi * 6371.0088)  # degrees of latitude per km


def rec(
    sid: str,
    day: str,
    *,
    source: str = "a",
    prec: str = "day",
    end: str | None = None,
    north_km: float | None = 0.0,
    loc: str = "exact",
    gov: str = "sy-raqqa",
    low: float | None = None,
    high: float | None = None,
    grade: str = "",
) -> dict[str, object]:
    """One incident in the shared schema, placed `north_km` north of Raqqa (None = no coordinates)."""
    return {
        "source": source,
        "source_id": sid,
        "url": f"https://example.org/{sid}",
        "date_start": pd.Timestamp(day),
        "date_end": pd.Timestamp(end or day),
        "date_precision": prec,
        "country": "sy",
        "governorate": gov,
        "place_name": f"place {sid}",
        "lat": None if north_km is None else LAT0 + north_km * KM_LAT,
        "lon": None if north_km is None else LON0,
        "location_precision": loc if north_km is not None else "governorate",
        "civilians_killed_low": low,
        "civilians_killed_best": None,
        "civilians_killed_high": high,
        "grade": grade,
    }


def frame(*rows: dict[str, object]) -> pd.DataFrame:
    f = pd.DataFrame(list(rows))
    for col in ("civilians_killed_low", "civilians_killed_best", "civilians_killed_high"):
        f[col] = pd.array(f[col], dtype="Float64")
    f["lat"] = pd.to_numeric(f["lat"]).astype(float)
    f["lon"] = pd.to_numeric(f["lon"]).astype(float)
    return f


def B(sid: str, day: str, **kw: object) -> dict[str, object]:
    return rec(sid, day, source="b", **kw)  # type: ignore[arg-type]


def pairs_of(result) -> set[tuple[str, str]]:  # noqa: ANN001
    return set(zip(result.pairs["id_a"], result.pairs["id_b"], strict=True))


def reason(result, ida: str, idb: str) -> str:  # noqa: ANN001
    c = result.candidates
    row = c[(c["id_a"] == ida) & (c["id_b"] == idb)]
    assert len(row) == 1, f"no candidate {ida}-{idb}"
    return str(row["reasons"].iloc[0])


# -- basic shape and reasons -----------------------------------------------------


def test_same_day_nearby_overlapping_ranges_match_with_reasons() -> None:
    a = frame(rec("A1", "2016-03-04", low=4, high=6))
    b = frame(B("B1", "2016-03-04", north_km=2.3, loc="village", low=5, high=9))
    r = match_incidents(a, b, days=1, km=2)
    assert pairs_of(r) == {("A1", "B1")}
    assert list(r.candidates.columns) == MATCH_COLUMNS
    assert reason(r, "A1", "B1") == (
        "same day; 2.3 km apart (village precision allows 5 km); casualty ranges 4–6 and 5–9 overlap"
    )
    assert r.only_a.empty and r.only_b.empty
    row = r.pairs.iloc[0]
    assert row["status"] == "matched" and row["date_gap_days"] == 0
    assert row["killed_a"] == "4–6" and row["killed_b"] == "5–9"


def test_missing_ranges_neither_help_nor_hurt_and_say_so() -> None:
    a = frame(rec("A1", "2016-03-04", low=4, high=6), rec("A2", "2016-05-04"))
    b = frame(B("B1", "2016-03-04"), B("B2", "2016-05-04"))
    r = match_incidents(a, b)
    assert reason(r, "A1", "B1").endswith("no casualty figures in B (neither helps nor hurts)")
    assert reason(r, "A2", "B2").endswith("no casualty figures in A and B (neither helps nor hurts)")
    scores = r.candidates.set_index("id_a")["score"]
    assert scores["A1"] == scores["A2"]


# -- date precision --------------------------------------------------------------


def test_month_precision_matches_any_day_of_its_month_plus_window() -> None:
    a = frame(rec("A1", "2016-03-01", prec="month"))
    b = frame(B("B20", "2016-03-20"), B("Bnext", "2016-04-01"), B("Bfar", "2016-04-05"), B("Bbefore", "2016-02-29"))
    r = match_incidents(a, b, days=1, min_score=0)
    cands = set(r.candidates["id_b"])
    assert cands == {"B20", "Bnext", "Bbefore"}
    assert reason(r, "A1", "B20").startswith("2016-03-20 falls within 2016-03 (month precision)")
    assert reason(r, "A1", "Bnext").startswith("2016-03 and 2016-04-01 are 1 day apart (within the ±1-day window)")
    # with no window, only the day inside the month remains
    r0 = match_incidents(a, b, days=0, min_score=0)
    assert set(r0.candidates["id_b"]) == {"B20"}


def test_day_precision_beats_month_precision_for_the_same_strike() -> None:
    a = frame(rec("Aday", "2016-03-20"), rec("Amonth", "2016-03-01", prec="month"))
    b = frame(B("B1", "2016-03-20"))
    r = match_incidents(a, b, min_score=0)
    assert pairs_of(r) == {("Aday", "B1")}
    s = r.candidates.set_index("id_a")["score"]
    assert s["Aday"] > s["Amonth"]
    assert r.only_a.set_index("source_id").loc["Amonth", "unmatched_reason"].startswith(
        "candidates went to better-scoring"
    )


def test_day_gap_outside_window_is_not_a_candidate() -> None:
    a = frame(rec("A1", "2016-03-04"))
    b = frame(B("B1", "2016-03-06"))
    assert match_incidents(a, b, days=1).candidates.empty
    r = match_incidents(a, b, days=2, min_score=0)
    assert reason(r, "A1", "B1").startswith("2 days apart (within the ±2-day window)")


# -- location precision ----------------------------------------------------------


def test_city_precision_widens_the_distance_limit() -> None:
    a = frame(rec("Acity", "2016-03-04", loc="city"), rec("Aexact", "2016-03-10", loc="exact"))
    b = frame(B("B1", "2016-03-04", north_km=8.0), B("B2", "2016-03-10", north_km=8.0))
    r = match_incidents(a, b, km=2)
    assert pairs_of(r) == {("Acity", "B1")}
    assert "8.0 km apart (city precision allows 10 km)" in reason(r, "Acity", "B1")
    assert ("Aexact", "B2") not in set(zip(r.candidates["id_a"], r.candidates["id_b"], strict=True))
    why = r.only_a.set_index("source_id").loc["Aexact", "unmatched_reason"]
    assert why == "no candidate within the date window and distance"


def test_missing_coordinates_fall_back_to_same_governorate() -> None:
    a = frame(rec("Anone", "2016-03-04", north_km=None), rec("Aaleppo", "2016-03-08", north_km=None, gov="sy-aleppo"))
    b = frame(B("B1", "2016-03-04", north_km=30.0), B("B2", "2016-03-08"))
    r = match_incidents(a, b)
    assert pairs_of(r) == {("Anone", "B1")}
    assert "no usable coordinates for A: same governorate (sy-raqqa) only" in reason(r, "Anone", "B1")
    assert r.candidates.set_index("id_a").loc["Anone", "location_basis"] == "governorate"
    assert "Aaleppo" in set(r.only_a["source_id"])
    assert match_incidents(a, b, fallback="none").candidates.empty


# -- one-to-one ------------------------------------------------------------------


def test_two_a_candidates_for_one_b_the_better_wins() -> None:
    a = frame(rec("Anear", "2016-03-04", north_km=0.2), rec("Afar", "2016-03-04", north_km=3.0))
    b = frame(B("B1", "2016-03-04"))
    r = match_incidents(a, b, km=5)
    assert pairs_of(r) == {("Anear", "B1")}
    status = r.candidates.set_index("id_a")["status"]
    assert status["Afar"] == "outscored"
    assert len(r.pairs) + len(r.only_a) == len(a)


def test_assignment_is_optimal_not_greedy() -> None:
    # Greedy would take A1-B1 (closest) and leave A2 with nothing; the Hungarian
    # algorithm links A1-B2 and A2-B1 instead (two links, higher total score).
    a = frame(rec("A1", "2016-03-04", north_km=0.0), rec("A2", "2016-03-04", north_km=-0.9))
    b = frame(B("B1", "2016-03-04", north_km=0.0), B("B2", "2016-03-04", north_km=0.9))
    r = match_incidents(a, b, km=1.0)
    assert pairs_of(r) == {("A1", "B2"), ("A2", "B1")}


# -- casualty ranges ---------------------------------------------------------------


def test_non_overlapping_ranges_lower_the_score_or_exclude() -> None:
    a = frame(rec("A1", "2016-03-04", low=1, high=2), rec("A2", "2016-04-04", low=1, high=2))
    b = frame(B("B1", "2016-03-04", low=10, high=12), B("B2", "2016-04-04", low=2, high=3))
    r = match_incidents(a, b)
    assert "casualty ranges 1–2 and 10–12 do not overlap" in reason(r, "A1", "B1")
    s = r.candidates.set_index("id_a")["score"]
    assert s["A2"] - s["A1"] == pytest.approx(0.2)  # +0.1 overlap vs -0.1 disjoint
    assert pairs_of(r) == {("A1", "B1"), ("A2", "B2")}
    strict = match_incidents(a, b, require_range_overlap=True)
    assert pairs_of(strict) == {("A2", "B2")}
    assert strict.candidates.set_index("id_a").loc["A1", "status"] == "ranges_disjoint"
    assert strict.only_a.iloc[0]["unmatched_reason"] == "candidates' casualty ranges do not overlap"


def test_min_score_keeps_weak_pairs_for_review() -> None:
    a = frame(rec("A1", "2016-03-01", prec="month", north_km=None))
    b = frame(B("B1", "2016-03-10"))
    r = match_incidents(a, b, min_score=0.5)
    assert r.pairs.empty
    assert r.candidates.iloc[0]["status"] == "below_threshold"
    assert match_incidents(a, b, min_score=0.1).pairs.shape[0] == 1


# -- decisions ------------------------------------------------------------------------


def test_decisions_survive_a_rerun(tmp_path: Path) -> None:
    a = frame(rec("A1", "2016-03-04"), rec("A2", "2016-03-01", prec="month", north_km=None), rec("A3", "2017-01-01"))
    b = frame(B("B1", "2016-03-04"), B("B2", "2016-03-10"), B("B3", "2018-06-01", north_km=50))
    first = match_incidents(a, b)
    assert pairs_of(first) == {("A1", "B1")}
    path = tmp_path / "decisions.csv"
    append_decisions(
        path,
        [
            {"source_a": "a", "id_a": "A1", "source_b": "b", "id_b": "B1", "decision": "reject", "reviewer": "ana",
             "note": "different village"},
            {"source_a": "a", "id_a": "A2", "source_b": "b", "id_b": "B2", "decision": "accept", "reviewer": "ana"},
            # outside every window: a human may still link them
            {"source_a": "a", "id_a": "A3", "source_b": "b", "id_b": "B3", "decision": "accept", "reviewer": "ben"},
            {"source_a": "a", "id_a": "gone", "source_b": "b", "id_b": "B1", "decision": "accept", "reviewer": "ben"},
        ],
    )
    second = match_incidents(a, b, decisions=path)
    assert pairs_of(second) == {("A2", "B2"), ("A3", "B3")}
    assert set(second.pairs["status"]) == {"accepted"}
    assert reason(second, "A1", "B1").startswith("rejected by ana (different village); same day")
    assert reason(second, "A3", "B3").startswith("accepted by ben; ")
    assert second.unapplied_decisions["id_a"].tolist() == ["gone"]
    assert set(second.only_a["source_id"]) == {"A1"}
    # a third run with the same file gives the same answer; a later decision wins
    assert pairs_of(match_incidents(a, b, decisions=path)) == pairs_of(second)
    append_decisions(path, [{"source_a": "a", "id_a": "A1", "source_b": "b", "id_b": "B1", "decision": "accept",
                             "reviewer": "cy", "decided_at": "2999-01-01T00:00:00+00:00"}])
    assert ("A1", "B1") in pairs_of(match_incidents(a, b, decisions=path))
    log = pd.read_csv(path, dtype=str)
    assert list(log.columns) == DECISION_COLUMNS and len(log) == 5  # append-only history


def test_bad_decisions_file_names_file_line_field(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "source_a,id_a,source_b,id_b,decision,reviewer,decided_at,note\n"
        "a,A1,b,B1,accept,ana,,\n"
        "a,A1,b,B1,maybe,ana,,\n",
        encoding="utf-8",
    )
    with pytest.raises(MatchInputError) as err:
        load_decisions(path)
    assert f"{path}:3: decision: 'maybe' is not one of accept, reject" in str(err.value)
    path.write_text("source_a,id_a,decision\n", encoding="utf-8")
    with pytest.raises(MatchInputError, match="source_b: column missing"):
        load_decisions(path)
    assert load_decisions(tmp_path / "absent.csv").empty


def test_bad_input_frames_raise_clear_errors() -> None:
    a = frame(rec("A1", "2016-03-04"), rec("A1", "2016-03-05"))
    with pytest.raises(MatchInputError, match="'A1' is not unique"):
        match_incidents(a, frame(B("B1", "2016-03-04")))
    a_file = a.assign(source_file="incidents.csv", source_line=[2, 3])
    with pytest.raises(MatchInputError, match=r"incidents.csv:3: source_id: 'A1' is not unique within source 'a'"):
        match_incidents(a_file, frame(B("B1", "2016-03-04")))
    with pytest.raises(MatchInputError, match="lat: column missing"):
        match_incidents(a.drop(columns="lat"), frame(B("B1", "2016-03-04")))


# -- determinism, nothing lost, blocking == all pairs --------------------------------


_rows = st.lists(
    st.tuples(
        st.integers(0, 40),  # day offset
        st.sampled_from(["day", "day", "month"]),
        st.one_of(st.none(), st.floats(-15, 15)),  # km north
        st.sampled_from(["exact", "village", "city", "unknown"]),
        st.sampled_from(["sy-raqqa", "sy-aleppo", ""]),
        st.one_of(st.none(), st.integers(0, 6)),
    ),
    min_size=0,
    max_size=25,
)


def _random_frame(rows: list[tuple], source: str) -> pd.DataFrame:
    out = []
    for k, (off, prec, north, loc, gov, low) in enumerate(rows):
        day = (pd.Timestamp("2016-01-01") + pd.Timedelta(days=off)).strftime("%Y-%m-%d")
        r = rec(f"{source}{k}", day, source=source, prec=prec, north_km=north, loc=loc, gov=gov,
                low=low, high=None if low is None else low + 2)
        out.append(r)
    if not out:
        return frame(rec("x", "2016-01-01", source=source)).iloc[0:0]
    return frame(*out)


def _brute_force(
    a: pd.DataFrame, b: pd.DataFrame, days: int, km: float, ambiguous: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    from kit.match import LOCATION_RADIUS_KM, UNKNOWN_PRECISION_RADIUS_KM

    def window(r: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
        if r["date_precision"] == "month":
            p = r["date_start"].to_period("M")
            return p.start_time, p.end_time.normalize()
        return r["date_start"], r["date_end"]

    found = set()
    for _, x in a.iterrows():
        for _, y in b.iterrows():
            (s1, e1), (s2, e2) = window(x), window(y)
            gap = max(0, (s2 - e1).days, (s1 - e2).days)
            if gap > days:
                continue
            rx = (None if math.isnan(x["lat"])
                  else LOCATION_RADIUS_KM.get(x["location_precision"], UNKNOWN_PRECISION_RADIUS_KM))
            ry = (None if math.isnan(y["lat"])
                  else LOCATION_RADIUS_KM.get(y["location_precision"], UNKNOWN_PRECISION_RADIUS_KM))
            if rx is not None and ry is not None:
                d = math.radians(abs(x["lat"] - y["lat"])) * 6371.0088  # same longitude: along the meridian
                limit = max(km, rx, ry)
                if abs(d - limit) < 1e-6:  # on the boundary, float rounding decides: accept either answer
                    ambiguous.add((x["source_id"], y["source_id"]))
                elif d <= limit:
                    found.add((x["source_id"], y["source_id"]))
            elif x["governorate"] and x["governorate"] == y["governorate"]:
                found.add((x["source_id"], y["source_id"]))
    return found


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_rows, _rows, st.integers(0, 3), st.sampled_from([1.0, 5.0]))
def test_blocking_finds_exactly_the_all_pairs_candidates(ra: list, rb: list, days: int, km: float) -> None:
    a, b = _random_frame(ra, "a"), _random_frame(rb, "b")
    r = match_incidents(a, b, days=days, km=km, min_score=0)
    got = set(zip(r.candidates["id_a"], r.candidates["id_b"], strict=True))
    ambiguous: set[tuple[str, str]] = set()
    expected = _brute_force(a, b, days, km, ambiguous)
    assert got - ambiguous == expected
    # one to one, nothing lost
    assert not r.pairs["id_a"].duplicated().any() and not r.pairs["id_b"].duplicated().any()
    assert len(r.pairs) + len(r.only_a) == len(a)
    assert len(r.pairs) + len(r.only_b) == len(b)
    # a pair is left unmatched only when one of its records is matched elsewhere
    matched_a, matched_b = set(r.pairs["id_a"]), set(r.pairs["id_b"])
    for row in r.candidates[r.candidates["status"] == "outscored"].itertuples():
        assert row.id_a in matched_a or row.id_b in matched_b
    # deterministic
    again = match_incidents(a, b, days=days, km=km, min_score=0)
    pd.testing.assert_frame_equal(r.candidates, again.candidates)


def test_collapse_strikes_groups_munitions_of_one_strike() -> None:
    b = frame(
        B("m1", "2016-03-04"), B("m2", "2016-03-04", north_km=0.05), B("m3", "2016-03-04", north_km=0.02),
        B("m4", "2016-03-04", north_km=9.0), B("m5", "2016-03-05"),
    )
    out = collapse_strikes(b, km=1.0)
    assert len(out) == 3
    first = out.set_index("source_id").loc["m1"]
    assert first["strike_count"] == 3 and first["merged_ids"] == "m1;m2;m3"
    assert out["strike_count"].sum() == len(b)


def test_result_csvs_and_summary(tmp_path: Path) -> None:
    a = frame(rec("A1", "2016-03-04"), rec("A2", "2016-09-04"))
    b = frame(B("B1", "2016-03-04"))
    r = match_incidents(a, b)
    paths = r.to_csv(tmp_path)
    assert sorted(p.name for p in paths.values()) == ["candidates.csv", "matched.csv", "only_a.csv", "only_b.csv"]
    assert pd.read_csv(paths["only_a"])["source_id"].tolist() == ["A2"]
    assert r.summary() == {
        "records_a": 2, "records_b": 1, "candidates": 1, "matched": 1, "matched_by_reviewer": 0,
        "rejected_by_reviewer": 0, "only_a": 1, "only_b": 0,
    }


# -- real data --------------------------------------------------------------------------


def test_airwars_against_dutch_log(shared_dir: Path) -> None:
    from kit.incidents import load_airwars, load_nl_mod

    aw = load_airwars(shared_dir / "data/airwars_syria/airwars_syria_incidents.csv").frame
    nl = load_nl_mod(shared_dir / "data/nl_mod_oir/nl_mod_oir_airstrikes_20230330.csv").frame
    a = aw[aw["coalition_alleged"] & (aw["country"] == "sy")]
    b = collapse_strikes(nl[nl["country"] == "sy"])
    r = match_incidents(a, b, days=1, km=10)
    assert 10 < len(r.pairs) < len(b)
    assert (r.pairs["date_gap_days"] <= 1).all()
    assert r.pairs["reasons"].str.contains("no casualty figures in B").all()  # the Dutch log has none
    # the Dutch log has no 2017 Syria strikes, so no 2017 match
    assert not r.pairs["date_b"].str.startswith("2017").any()
    assert len(r.pairs) + len(r.only_a) == len(a)


def test_cli_match_writes_four_csvs(shared_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kit.cli import app

    res = CliRunner().invoke(
        app,
        [
            "match",
            str(shared_dir / "data/airwars_syria/airwars_syria_incidents.csv"),
            str(shared_dir / "data/nl_mod_oir/nl_mod_oir_airstrikes_20230330.csv"),
            "--format-a", "airwars", "--format-b", "nl-mod", "--out", str(tmp_path),
            "--coalition-only", "--country", "sy", "--collapse-b", "--km", "10",
        ],
    )
    assert res.exit_code == 0, res.output
    for name in ("matched", "only_a", "only_b", "candidates"):
        assert (tmp_path / f"{name}.csv").is_file()
    matched = pd.read_csv(tmp_path / "matched.csv")
    assert len(matched) > 10 and "reasons" in matched.columns
    assert "matched" in res.output


@pytest.mark.parametrize(("args", "expected"), [([], None), (["--min-score", "0.7"], 0.7)])
def test_cli_match_leaves_the_threshold_to_the_scorer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], expected: float | None
) -> None:
    """No --min-score passes None, so match_incidents applies DEFAULT_MIN_SCORE (fs 0.3, rules 0.5)."""
    from typer.testing import CliRunner

    import kit.match
    from kit.cli import app
    from kit.core import Problem

    seen: dict[str, object] = {}

    def fake(*_a: object, **kw: object) -> None:
        seen.update(kw)
        raise kit.match.MatchInputError([Problem("test", 0, "min_score", "stopped by the test")])

    monkeypatch.setattr(kit.match, "match_incidents", fake)
    f = Path(__file__).parent / "fixtures" / "incidents" / "airwars_small.csv"
    res = CliRunner().invoke(
        app, ["match", str(f), str(f), "--format-a", "airwars", "--format-b", "airwars", "--scorer", "fs",
              "--out", str(tmp_path), *args],
    )
    assert res.exit_code == 1 and "stopped by the test" in res.output
    assert seen["min_score"] == expected and seen["scorer"] == "fs"
    assert kit.match.DEFAULT_MIN_SCORE == {"rules": 0.5, "fs": 0.3}


def test_cli_match_reports_bad_format(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kit.cli import app

    f = tmp_path / "x.csv"
    f.write_text("a\n1\n", encoding="utf-8")
    res = CliRunner().invoke(
        app, ["match", str(f), str(f), "--format-a", "nope", "--format-b", "airwars", "--out", str(tmp_path / "o")]
    )
    assert res.exit_code != 0
    assert "format" in res.output and "Traceback" not in res.output
    assert np.all([not (tmp_path / "o" / n).exists() for n in ("matched.csv",)])


# -- review widget ---------------------------------------------------------------------


def test_review_widget_records_decisions_that_survive_a_rerun(tmp_path: Path) -> None:
    from kit.ui import MatchReview

    a = frame(rec("A1", "2016-03-04", low=1, high=3), rec("A2", "2016-03-01", prec="month", north_km=None))
    b = frame(B("B1", "2016-03-04"), B("B2", "2016-03-12"))
    first = match_incidents(a, b)
    assert pairs_of(first) == {("A1", "B1")}
    path = tmp_path / "decisions.csv"
    w = MatchReview(first, path, reviewer="ana", show="all")
    labels = [label for label, _ in w.pairs.options]
    assert len(labels) == len(first.candidates)
    # the matched pair: both records side by side with the reasons
    cands = first.candidates
    w.pairs.value = int(cands.index[(cands["id_a"] == "A1") & (cands["id_b"] == "B1")][0])
    assert "A1" in w.detail.value and "B1" in w.detail.value
    assert "<li>same day</li>" in w.detail.value and "https://example.org/A1" in w.detail.value
    w.note.value = "different strike"
    w.reject.click()
    assert "Saved: reject A1 ↔ B1" in w.message.value
    # the weak month-precision pair A2-B2 (below threshold): accept it
    k = int(first.candidates.index[(first.candidates["id_a"] == "A2") & (first.candidates["id_b"] == "B2")][0])
    assert first.candidates.loc[k, "status"] == "below_threshold"
    w.pairs.value = k
    w.accept.click()
    log = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert log[["id_a", "id_b", "decision", "reviewer"]].values.tolist() == [
        ["A1", "B1", "reject", "ana"], ["A2", "B2", "accept", "ana"],
    ]
    assert log["note"].tolist() == ["different strike", ""]
    # the widget's filter now hides decided pairs
    w.show.value = "undecided"
    assert all("[" not in label for label, _ in w.pairs.options)
    w.show.value = "decided"
    assert len(w.pairs.options) == 2
    # rerun: the human decisions are applied
    second = match_incidents(a, b, decisions=path)
    assert pairs_of(second) == {("A2", "B2")}
    assert reason(second, "A1", "B1").startswith("rejected by ana (different strike)")
    # a new widget on the rerun shows the earlier decisions
    w2 = MatchReview(second, path, show="decided")
    assert len(w2.pairs.options) == 2
    shown = []
    for _, value in w2.pairs.options:
        w2.pairs.value = value
        shown.append(w2.detail.value)
    assert any("Reviewer decision:</b> reject by ana" in text for text in shown)
    assert any("Reviewer decision:</b> accept by ana" in text for text in shown)


def test_review_widget_escapes_record_text(tmp_path: Path) -> None:
    from kit.ui import MatchReview

    a = frame(rec("A1", "2016-03-04"))
    a.loc[0, "place_name"] = "<script>alert(1)</script>"
    a.loc[0, "url"] = "javascript:alert(1)"
    b = frame(B("B1", "2016-03-04"))
    w = MatchReview(match_incidents(a, b), tmp_path / "d.csv", show="all")
    assert "<script>" not in w.detail.value and "&lt;script&gt;" in w.detail.value
    assert "javascript:" not in w.detail.value and "A: no link" in w.detail.value


def test_sensitivity_grid_moves_with_thresholds() -> None:
    from kit.match import sensitivity

    a = frame(rec("A1", "2016-03-04"), rec("A2", "2016-03-10"), rec("A3", "2016-03-20"))
    b = frame(
        B("B1", "2016-03-04", north_km=1.5), B("B2", "2016-03-12", north_km=0.2), B("B3", "2016-03-20", north_km=7.0)
    )
    t = sensitivity(a, b, days=(0, 2), km=(1.0, 10.0))
    assert list(t.columns) == ["days", "km", "candidates", "matched", "only_a", "only_b"]
    got = t.set_index(["days", "km"])["matched"].to_dict()
    # A1-B1 needs km >= 1.5, A2-B2 needs a 2-day window, A3-B3 needs km >= 7
    assert got == {(0, 1.0): 0, (0, 10.0): 2, (2, 1.0): 1, (2, 10.0): 3}
    assert (t["matched"] + t["only_a"] == len(a)).all()


_text_values = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), min_size=1, max_size=30
).filter(lambda s: s.strip() == s and s.strip() != "")


@settings(max_examples=50, deadline=None)
@given(st.lists(
    st.tuples(_text_values, _text_values, st.sampled_from(["accept", "reject"]), st.text(max_size=40)),
    min_size=1, max_size=8,
))
def test_decisions_round_trip_any_text(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str, str]]
) -> None:
    path = tmp_path_factory.mktemp("dec") / "d.csv"
    entries = [
        {"source_a": "airwars", "id_a": ia, "source_b": "nl-mod", "id_b": ib, "decision": d, "reviewer": "r",
         "decided_at": f"2026-01-01T00:00:{k:02d}+00:00", "note": note}
        for k, (ia, ib, d, note) in enumerate(rows)
    ]
    append_decisions(path, entries)
    got = load_decisions(path)
    # latest decision per pair, in file order, ids and notes unchanged (commas, quotes, newlines, Arabic...)
    latest: dict[tuple[str, str], dict[str, object]] = {}
    for e in entries:
        latest.pop((str(e["id_a"]), str(e["id_b"])), None)
        latest[(str(e["id_a"]), str(e["id_b"]))] = e
    expected = sorted(latest.values(), key=lambda e: entries.index(e))
    assert got["id_a"].tolist() == [e["id_a"] for e in expected]
    assert got["id_b"].tolist() == [e["id_b"] for e in expected]
    assert got["decision"].tolist() == [e["decision"] for e in expected]
    assert got["note"].tolist() == [e["note"] for e in expected]


def test_review_widget_limits_and_searches_long_lists(tmp_path: Path) -> None:
    from kit.ui import MatchReview

    a = frame(*(rec(f"A{k}", f"2016-03-{k + 1:02d}") for k in range(12)))
    b = frame(*(B(f"B{k}", f"2016-03-{k + 1:02d}") for k in range(12)))
    r = match_incidents(a, b, days=0)
    w = MatchReview(r, tmp_path / "d.csv", show="all", max_rows=5)
    assert len(w.pairs.options) == 5 and "12 pair(s), first 5 listed" in w.count.value
    w.search.value = "a11"
    assert [v for _, v in w.pairs.options] == r.candidates.index[r.candidates["id_a"] == "A11"].tolist()
    w.accept.click()
    assert load_decisions(tmp_path / "d.csv")["id_a"].tolist() == ["A11"]
