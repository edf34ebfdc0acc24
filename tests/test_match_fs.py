"""Fellegi–Sunter matching through Splink: learned weights, assignment modes, known truth, decisions, CLI."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kit.match import (
    DEFAULT_KM,
    DEFAULT_MIN_SCORE,
    LINK_COLUMNS,
    append_decisions,
    explain_weights,
    link_probabilities,
    link_scores,
    match_incidents,
    perturbed_copies,
    single_best_links,
)
from kit.match._engine import _assign
from kit.match._splink import place_key

KM_LAT = 180 / (math.pi * 6371.0088)


#: Place names for the test towns (a few repeat, as "Raqqa" does in the real lists).
TOWNS = ["Al Bab", "Hajin", "Raqqa", "Manbij", "Al Soussa", "Abu Kamal", "Tabqa", "Douma", "Ariha", "Saraqib",
         "Khan Sheikhoun", "Al Mayadin", "Raqqa", "Hajin", "Al Bab", "Kobani", "Al Shaafa", "Hraytan", "Arbeen",
         "Palmyra", "Idlib", "Raqqa", "Deir ez-Zor", "Al Kashma", "Baghouz"]


def events(n: int, *, seed: int = 3) -> pd.DataFrame:
    """n incidents in the schema: clustered towns, mixed date and location precision, death ranges."""
    rng = np.random.default_rng(seed)
    towns = rng.uniform([34.5, 38.0], [36.5, 41.0], size=(25, 2))
    town = rng.integers(0, len(towns), n)
    day = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    lprec = rng.choice(np.array(["exact", "village", "neighbourhood", "city"]), n, p=[0.3, 0.4, 0.2, 0.1])
    no_xy = rng.random(n) < 0.06
    lat = towns[town, 0] + rng.normal(0, 0.03, n)
    lon = towns[town, 1] + rng.normal(0, 0.03, n)
    low = rng.integers(0, 15, n).astype(float)
    month = rng.random(n) < 0.08
    return pd.DataFrame(
        {
            "source": "a",
            "source_id": [f"e{k}" for k in range(n)],
            "url": "",
            "date_start": day,
            "date_end": day,
            "date_precision": np.where(month, "month", "day"),
            "country": "sy",
            "governorate": [f"sy-g{t % 6}" for t in town],
            "place_name": [TOWNS[t % len(TOWNS)] for t in town],
            "lat": np.where(no_xy, np.nan, lat),
            "lon": np.where(no_xy, np.nan, lon),
            "location_precision": np.where(no_xy, "governorate", lprec),
            "civilians_killed_low": pd.array(low, dtype="Float64"),
            "civilians_killed_best": pd.array(np.full(n, np.nan), dtype="Float64"),
            "civilians_killed_high": pd.array(low + rng.integers(0, 4, n), dtype="Float64"),
            "grade": "",
        }
    )


@pytest.fixture(scope="module")
def known() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return perturbed_copies(events(600), seed=1)


@pytest.fixture(scope="module")
def fs_run(known: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]):  # noqa: ANN201
    a, b, _ = known
    return match_incidents(a, b, scorer="fs")


# -- known truth -----------------------------------------------------------------------


def test_copies_stay_within_each_records_precision(known: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    a, b, truth = known
    src = events(600).set_index("source_id")
    assert len(truth) and truth["id_b"].is_unique
    assert set(truth["id_a"]) <= set(a["source_id"])
    copies = b.set_index("source_id").loc[truth["id_b"]]
    orig = src.loc[truth["id_a"]]
    start = orig["date_start"].to_numpy()
    gap = (copies["date_start"].to_numpy() - start) / np.timedelta64(1, "D")
    day = (orig["date_precision"] == "day").to_numpy()
    assert (gap[day] == 0).all()  # a day-precise copy keeps its day (day_shift=0)
    assert (gap[~day] >= 0).all() and (gap[~day] <= 31).all()  # a month-precise copy stays in its month
    moved_km = np.hypot(copies["lat"].to_numpy() - orig["lat"].to_numpy(), 0) / KM_LAT
    radius = orig["location_precision"].map({"exact": 0.5, "village": 5, "neighbourhood": 2, "city": 10})
    ok = radius.notna().to_numpy()
    assert (moved_km[ok] <= radius.to_numpy()[ok] + 1e-6).all()
    assert (copies["civilians_killed_low"].to_numpy() >= orig["civilians_killed_low"].to_numpy()).all()
    assert (copies["civilians_killed_high"].to_numpy() <= orig["civilians_killed_high"].to_numpy()).all()
    assert len(b) > len(truth)  # copies of records not in A have no partner


def test_fs_hungarian_recovers_known_links(fs_run, known) -> None:  # noqa: ANN001
    _, _, truth = known
    score = link_scores(fs_run.pairs, truth)
    assert score["precision"] >= 0.9 and score["recall"] >= 0.85, score
    clustered = link_scores(single_best_links(fs_run), truth)
    assert clustered["f1"] >= 0.8, clustered


def test_link_scores_counts_by_hand() -> None:
    truth = pd.DataFrame({"id_a": ["1", "1", "2", "3"], "id_b": ["x", "y", "z", "w"], "label": [1, 1, 1, 0]})
    links = pd.DataFrame({"id_a": ["1", "2", "4"], "id_b": ["x", "w", "q"]})
    closed = link_scores(links, truth)
    assert (closed["tp"], closed["fp"], closed["fn"]) == (1, 2, 2)
    sample = link_scores(links, truth, closed=False)  # only labelled pairs are judged
    assert (sample["links"], sample["tp"]) == (1, 1)
    assert sample["precision"] == 1.0 and sample["recall"] == pytest.approx(1 / 3)
    assert sample["record_recall"] == pytest.approx(1 / 2)


# -- probabilities and their explanation ---------------------------------------------------


def test_every_candidate_gets_a_probability_and_reasons_say_the_weights(fs_run) -> None:  # noqa: ANN001
    cand = fs_run.candidates
    p = cand["match_probability"]
    assert p.notna().all() and ((p >= 0) & (p <= 1)).all()
    assert (cand["score"] == p.round(4)).all()
    assert cand["reasons"].str.contains("Fellegi–Sunter weights: date ").all()
    assert fs_run.params["min_score"] == DEFAULT_MIN_SCORE["fs"] < DEFAULT_MIN_SCORE["rules"]  # the fs default
    assert (fs_run.pairs["match_probability"] >= DEFAULT_MIN_SCORE["fs"]).all()
    assert fs_run.params["scorer"] == "fs"


def test_model_arithmetic_equals_splinks_own_predict(fs_run) -> None:  # noqa: ANN001
    from kit.match._engine import _block, _prepare, _score
    from kit.match._splink import fs_score

    sa, sb = _prepare(fs_run.a, "A"), _prepare(fs_run.b, "B")
    blocked = _block(sa, sb, days=1, km=DEFAULT_KM, fallback="governorate")
    sc = _score(sa, sb, blocked[:, 0], blocked[:, 1], days=1, km=DEFAULT_KM, fallback="governorate")
    kw = {"days": 1, "km": DEFAULT_KM, "n_candidates": len(sc.ia), "gap": sc.gap, "dist": sc.dist,
          "allowed": sc.allowed, "model": fs_run.model}
    _, ours, words = fs_score(sa, sb, sc.ia, sc.ib, **kw)
    _, splinks, _ = fs_score(sa, sb, sc.ia, sc.ib, through_splink=True, **kw)
    # one shared text per combination of levels (and name frequency), not one per pair
    combos = ours[[c for c in ours.columns if c.startswith("gamma_")] + ["mw_name"]].drop_duplicates()
    assert len(words) == len(sc.ia) and len(set(words)) <= len(combos) < len(words) / 2
    np.testing.assert_allclose(ours["match_weight"], splinks["match_weight"], atol=1e-9)
    np.testing.assert_allclose(ours["match_probability"], splinks["match_probability"], atol=1e-12)
    assert set(ours["gamma_place"]) >= {5, 2, 1} and set(ours["gamma_date"]) >= {4, 1}
    assert set(ours["gamma_name"]) >= {1, 0}  # the term-frequency adjustment is in both
    same = ours["gamma_name"] == 1
    assert ours.loc[same, "mw_name"].nunique() > 1  # a rarer name weighs more


def test_em_does_not_take_the_next_day_in_the_same_town_for_a_match(fs_run) -> None:  # noqa: ANN001
    # The copies keep their day; one EM session over "same cell and week" learned m(one day apart) close to
    # m(same day). Sessions blocked on what the others learn keep them apart (three since names and deaths).
    table = explain_weights(fs_run).set_index(["comparison", "level"])
    assert table.loc[("date", 4), "m_probability"] > 5 * table.loc[("date", 1), "m_probability"]
    assert table.loc[("deaths", 0), "m_probability"] < table.loc[("deaths", 0), "u_probability"]


@pytest.mark.parametrize(
    ("one", "other"),
    [("Al-Bab", "Al Bab"), ("Hajin", "Hajeen"), ("Ar Raqqah", "Raqqa"), ("Abdin", "Vicinity of Abdin"),
     ("Abdeen", "Abidin"), ("Hajin: House near Khalid bin Walid mosque", "HAJIN"),
     ("Approximately 15 NM NW of ABU KAMAL", "Abou Kamal"), ("Eastside of the village of Shadadi", "Al Shadadi"),
     ("near al-Khashmah, Syria", "Al Kashma")],
)
def test_place_key_folds_transliterations(one: str, other: str) -> None:
    assert place_key(one) is not None and place_key(one) == place_key(other)


def test_place_key_keeps_places_apart_and_blank_is_none() -> None:
    keys = [place_key(n) for n in ("Hajin", "Al Soussa", "Abu Kamal", "Manbij", "Douma", "Ariha")]
    assert len(set(keys)) == len(keys)
    assert place_key("") is None and place_key(None) is None and place_key("91AL5") is None


def test_copies_vary_place_names_at_the_given_rates() -> None:
    src = events(3000)
    plain = perturbed_copies(src, seed=2)[1]
    a, b, truth = perturbed_copies(src, seed=2, names={"other": 0.6, "missing": 0.05})
    # names draw from their own stream: dates, positions and deaths are the copies made without names
    pd.testing.assert_frame_equal(b.drop(columns="place_name"), plain.drop(columns="place_name"))
    origin = pd.Series(plain["place_name"].to_numpy()).map(place_key)
    got = pd.Series(b["place_name"].to_numpy()).map(place_key)
    missing = got.isna()
    assert abs(missing.mean() - 0.05) < 0.02
    assert abs((~missing & (got != origin)).mean() - 0.6) < 0.04
    assert (b["place_name"] != plain["place_name"]).sum() > (got != origin).sum()  # the rest are respelt


def test_learned_weights_are_explained_in_words(fs_run) -> None:  # noqa: ANN001
    table = explain_weights(fs_run)
    assert set(table["comparison"]) == {"date", "place", "deaths", "name"}
    same_day = table[(table["comparison"] == "date") & (table["level"] == 4)].iloc[0]
    far = table[(table["comparison"] == "place") & (table["level"] == 0)].iloc[0]
    assert same_day["m_probability"] > same_day["u_probability"] and same_day["match_weight"] > 5
    assert far["match_weight"] < -5
    assert "more common among true matches" in same_day["in_words"]
    assert "less common among true matches" in far["in_words"]
    with pytest.raises(ValueError, match="scorer='fs'"):
        explain_weights(match_incidents(fs_run.a.head(5), fs_run.b.head(5)))


def test_link_probabilities_for_estimation(fs_run, tmp_path: Path) -> None:  # noqa: ANN001
    links = link_probabilities(fs_run)
    assert list(links.columns) == LINK_COLUMNS and len(links) == len(fs_run.candidates)
    assert links["linked"].sum() == len(fs_run.pairs)
    first = links.iloc[0]
    dec = tmp_path / "d.csv"
    append_decisions(dec, [{"source_a": first.source_a, "id_a": first.id_a, "source_b": first.source_b,
                            "id_b": first.id_b, "decision": "reject", "reviewer": "t", "note": ""}])
    again = match_incidents(fs_run.a, fs_run.b, scorer="fs", model=fs_run.model, decisions=dec)
    row = link_probabilities(again).query("id_a == @first.id_a and id_b == @first.id_b").iloc[0]
    assert row["probability"] == 0.0 and not row["linked"]
    with pytest.raises(ValueError, match="scorer='fs'"):
        link_probabilities(match_incidents(fs_run.a.head(5), fs_run.b.head(5)))


# -- assignment --------------------------------------------------------------------------


def test_assignment_maximises_total_score_not_the_number_of_links() -> None:
    # A1-B1 0.95 alone beats A1-B2 + A2-B1 (0.3 + 0.3): the old "+10 per link" took the two weak links.
    ia, ib = np.array([0, 0, 1]), np.array([0, 1, 0])
    chosen = _assign(ia, ib, np.array([0.95, 0.3, 0.3]), 2, 2)
    assert chosen.tolist() == [True, False, False]
    chosen = _assign(ia, ib, np.array([0.95, 0.6, 0.6]), 2, 2)  # 1.2 > 0.95: two links
    assert chosen.tolist() == [False, True, True]


def test_one_to_many_links_several_strikes_to_one_incident() -> None:
    day = pd.Timestamp("2017-06-10")
    base = events(1).iloc[0].to_dict()
    inc = {**base, "source": "aw", "source_id": "A1", "date_start": day, "date_end": day, "date_precision": "day",
           "lat": 35.95, "lon": 39.01, "location_precision": "village"}
    strikes = [{**inc, "source": "log", "source_id": f"S{k}", "lat": 35.95 + k * 0.5 * KM_LAT,
                "location_precision": "exact"} for k in range(3)]
    a, b = pd.DataFrame([inc]), pd.DataFrame(strikes)
    assert len(match_incidents(a, b).pairs) == 1
    many = match_incidents(a, b, mode="one-to-many")
    assert sorted(many.pairs["id_b"]) == ["S0", "S1", "S2"] and set(many.pairs["id_a"]) == {"A1"}


# -- review decisions keep working -------------------------------------------------------


def test_decisions_logged_under_the_rules_score_are_reapplied_by_fs(fs_run, tmp_path: Path) -> None:  # noqa: ANN001
    a, b = fs_run.a, fs_run.b
    rules = match_incidents(a, b)
    matched = fs_run.pairs.iloc[0]
    other_b = next(i for i in b["source_id"] if i not in set(fs_run.pairs["id_b"]))
    dec = tmp_path / "decisions.csv"
    append_decisions(dec, [
        {"source_a": matched.source_a, "id_a": matched.id_a, "source_b": matched.source_b, "id_b": matched.id_b,
         "decision": "reject", "reviewer": "ana", "note": "different strike"},
        {"source_a": matched.source_a, "id_a": matched.id_a, "source_b": "copy", "id_b": other_b,
         "decision": "accept", "reviewer": "ana", "note": "checked by hand"},
        {"source_a": "aw", "id_a": "gone", "source_b": "copy", "id_b": "c0", "decision": "accept", "reviewer": "ana",
         "note": ""},
    ])
    assert len(rules.pairs)
    for scorer in ("rules", "fs"):
        r = match_incidents(a, b, scorer=scorer, model=fs_run.model, decisions=dec)  # type: ignore[arg-type]
        pairs = set(zip(r.pairs["id_a"], r.pairs["id_b"], strict=True))
        assert (matched.id_a, other_b) in pairs and (matched.id_a, matched.id_b) not in pairs
        cand = r.candidates.set_index(["id_a", "id_b"])
        assert cand.loc[(matched.id_a, matched.id_b), "status"] == "rejected"
        assert cand.loc[(matched.id_a, other_b), "status"] == "accepted"
        assert len(r.unapplied_decisions) == 1


# -- Spark: the same model, the same links: tests/test_match_scale.py (10,000 x 10,000 on local[2]) -----


# -- hand labels ---------------------------------------------------------------------------


def test_hand_labels_are_ids_labels_and_reasons_only() -> None:
    path = Path(__file__).resolve().parents[1] / "data/match_labels/airwars_nl_mod_syria.csv"
    labels = pd.read_csv(path, dtype=str)
    assert list(labels.columns) == ["pair_id", "source_a", "id_a", "source_b", "id_b", "label", "reason"]
    assert len(labels) >= 150 and labels["pair_id"].is_unique
    assert not labels.duplicated(["id_a", "id_b"]).any()
    assert set(labels["label"]) == {"0", "1"} and labels["reason"].str.len().gt(10).all()
    assert set(labels["source_a"]) == {"airwars"} and set(labels["source_b"]) == {"nl-mod"}


def test_default_radius_is_one_constant() -> None:
    import inspect

    assert inspect.signature(match_incidents).parameters["km"].default == DEFAULT_KM


def test_the_cli_help_names_the_scorers_own_default_thresholds() -> None:
    """The CLI imports kit.match lazily, so its --min-score help writes the defaults out: they must not drift."""
    from kit.cli._match import _MIN_SCORE_HELP

    assert all(f"{name} {value}" in _MIN_SCORE_HELP for name, value in DEFAULT_MIN_SCORE.items())


# -- command line ----------------------------------------------------------------------------


def _write_sources(tmp_path: Path) -> tuple[Path, Path]:
    """Two tiny files in the Airwars and Dutch-log layouts (headers as the real exports name them)."""
    aw = tmp_path / "aw.csv"
    aw.write_text(
        "legacy_sequence,incident_code,airwars_id,airwars_url,date,date_end,date_type,country,region,governorate,"
        "location_en,latitude,longitude,geolocation_precision,military_actor,coalition_alleged,strike_status,"
        "grading,civilians_killed_min,civilians_killed_max,civilians_injured_min,civilians_injured_max\n"
        "1,X1,1,https://example.org/1,2017-06-10,,date,Syria,Raqqa,,Raqqa,35.95,39.01,city,Coalition,True,"
        "Single source,Fair,1,2,,\n",
        encoding="utf-8",
    )
    nl = tmp_path / "nl.csv"
    nl.write_text(
        "Employment date (UNCLASS);Time begin (Z) (UNCLASS);Time end (Z) (UNCLASS);Position MGRS (UNCLASS);"
        "Position LAT (UNCLASS);Position LONG (UNCLASS);Mission (UNCLASS);Town (UNCLASS);Province (UNCLASS);"
        "Country (UNCLASS);Weather (UNCLASS);Terrain (UNCLASS);Possible CDE issue (UNDCLASS);Comment (UNCLASS)\n"
        "10-Jun-17;06:20;06:35;37SDA;35,951;39,012;CAS;Raqqa;Raqqa;Syria;Clear;urban;ND;\n",
        encoding="utf-8",
    )
    return aw, nl


def test_cli_match_detects_formats_as_the_readme_shows(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kit.cli import app

    aw, nl = _write_sources(tmp_path)
    res = CliRunner().invoke(app, ["match", str(aw), str(nl), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "1 matched" in res.output and (tmp_path / "out" / "matched.csv").is_file()
    odd = tmp_path / "odd.csv"
    odd.write_text("x,y\n1,2\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["match", str(odd), str(nl), "--out", str(tmp_path / "o2")])
    assert res.exit_code == 2 and "--format-a" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "FILE"], "--out: "),
        (["--days", "-5"], "--days: must be 0 or more (got -5)"),
        (["--km", "-1"], "--km: must be 0 or more"),
        (["--scorer", "magic"], "--scorer: 'magic'"),
    ],
)
def test_cli_match_bad_options_give_one_clear_line(tmp_path: Path, args: list[str], message: str) -> None:
    from typer.testing import CliRunner

    from kit.cli import app

    aw, nl = _write_sources(tmp_path)
    file_out = tmp_path / "a-file.txt"
    file_out.write_text("", encoding="utf-8")
    args = [str(file_out) if x == "FILE" else x for x in args]
    out = [] if "--out" in args else ["--out", str(tmp_path / "o")]
    res = CliRunner().invoke(app, ["match", str(aw), str(nl), *out, *args])
    assert res.exit_code == 2
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith(message), res.output


def test_review_widget_explains_the_learned_weights(fs_run, tmp_path: Path) -> None:  # noqa: ANN001
    from kit.ui import MatchReview

    review = MatchReview(fs_run, tmp_path / "d.csv", reviewer="t", show="matched")
    assert "more common among true matches" in review.weights.value and "log2(m/u)" in review.weights.value
    assert "match probability" in review.detail.value and "Fellegi–Sunter weights: date" in review.detail.value
    review.decide("reject")
    again = match_incidents(fs_run.a, fs_run.b, scorer="fs", model=fs_run.model, decisions=tmp_path / "d.csv")
    assert (again.candidates["status"] == "rejected").sum() == 1
    assert MatchReview(match_incidents(fs_run.a.head(20), fs_run.b.head(20)), tmp_path / "e.csv").weights.value == ""


def _gammas(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Every candidate pair of two small lists with its comparison levels, as the fs scorer computes them."""
    from kit.match._engine import _block, _prepare, _score
    from kit.match._splink import fs_gammas

    sa, sb = _prepare(a, "A"), _prepare(b, "B")
    blocked = _block(sa, sb, days=1, km=DEFAULT_KM, fallback="governorate")
    sc = _score(sa, sb, blocked[:, 0], blocked[:, 1], days=1, km=DEFAULT_KM, fallback="governorate")
    g = fs_gammas(sa, sb, sc.ia, sc.ib, days=1, gap=sc.gap, dist=sc.dist, allowed=sc.allowed)
    return pd.DataFrame({"id_b": sb.sid[sc.ib], **{c: g[c] for c in ("date", "place", "deaths")}})


def _one_place(n: int, *, north_km: list[float], precision: str, low: list[float], high: list[float],
               source: str) -> pd.DataFrame:
    """n records on one day, moved north of one point by the given distances, with the given death ranges."""
    frame = events(n).assign(
        source=source, source_id=[f"{source}{k}" for k in range(n)], date_start=pd.Timestamp("2017-06-01"),
        date_end=pd.Timestamp("2017-06-01"), date_precision="day", location_precision=precision, place_name="",
        lat=[35.0 + d / 111.195 for d in north_km], lon=39.0,
    )
    frame["civilians_killed_low"] = pd.array(low, dtype="Float64")
    frame["civilians_killed_high"] = pd.array(high, dtype="Float64")
    return frame


def test_deaths_levels_tell_a_range_inside_another_from_a_partial_overlap() -> None:
    a = _one_place(1, north_km=[0.0], precision="village", low=[2], high=[6], source="a")
    b = _one_place(5, north_km=[0.0] * 5, precision="village", low=[2, 3, 5, 8, np.nan],
                   high=[6, 4, 9, 9, np.nan], source="b")
    got = _gammas(a, b).set_index("id_b")["deaths"]
    # identical, 3–4 inside 2–6, 5–9 overlaps only partly, 8–9 disjoint, no figure
    assert got.to_dict() == {"b0": 3, "b1": 2, "b2": 1, "b3": 0, "b4": -1}


@pytest.mark.parametrize(
    ("precision", "north_km", "levels"),
    [
        # exact (0.5 km): a quarter, half, all of 0.5 km; then half of and all of the 10 km allowed
        ("exact", [0.1, 0.2, 0.45, 3.0, 8.0, 12.0], [6, 5, 4, 3, 2, 0]),
        # city (10 km): the stated precision is the allowed distance, so its fractions decide
        ("city", [2.0, 4.0, 8.0, 12.0], [6, 5, 4, 0]),
    ],
)
def test_place_levels_follow_each_records_stated_precision(precision: str, north_km: list[float],
                                                          levels: list[int]) -> None:
    n = len(north_km)
    a = _one_place(1, north_km=[0.0], precision=precision, low=[1], high=[1], source="a")
    b = _one_place(n, north_km=north_km, precision=precision, low=[1] * n, high=[1] * n, source="b")
    got = _gammas(a, b).set_index("id_b")["place"]  # 12 km shares a blocking cell but is too far (level 0)
    assert got.to_dict() == {f"b{k}": lv for k, lv in enumerate(levels)}


def test_em_sessions_fall_back_and_never_run_one_rule_twice() -> None:
    from kit.match._engine import _prepare
    from kit.match._splink import _EM_SESSIONS, _em_rule, _em_sessions, fs_tables

    a, b, _ = perturbed_copies(events(3000), seed=1)
    ta, tb = fs_tables(_prepare(a, "A"), _prepare(b, "B"), km=DEFAULT_KM)
    rules = [_em_rule(r, ta, tb) for r in _EM_SESSIONS]
    assert rules == [r[0] for r in _EM_SESSIONS]  # names and deaths on both sides: each session's own rule
    # no death figures (the Dutch log): the deaths-blocked session is left out, the others fall back
    tb_blank = tb.assign(low=np.nan, high=np.nan)
    rules = [_em_rule(r, ta, tb_blank) for r in _EM_SESSIONS]
    assert rules[1] is None and rules[0] == _EM_SESSIONS[0][0] and "l.low" not in str(rules[2])
    # lists too small for any narrower rule: sessions 1 and 3 both end at "same cell and week", which runs once
    calls: list[str] = []

    class Training:
        def estimate_parameters_using_expectation_maximisation(self, rule: str, max_pairs: float) -> str:
            calls.append(rule)
            return rule

    linker = type("Linker", (), {"training": Training()})()
    assert _em_sessions(linker, 1e5, ta.head(40), tb_blank.head(40)) == calls == [_EM_SESSIONS[0][-1]]


def test_a_tie_in_total_weight_is_not_split_by_the_last_bits_of_a_sum(fs_run, monkeypatch) -> None:  # noqa: ANN001
    # Spark sums the same weights in another order than numpy: the last bits differ, and in a 2 x 2 block whose
    # two assignments tie in total weight (additive weights make that common) they used to pick different links.
    import kit.match._engine as engine

    real = engine.fs_score

    def noisy(*args: object, **kw: object) -> tuple:
        model, pred, words = real(*args, **kw)  # type: ignore[arg-type]
        noise = np.random.default_rng(0).uniform(-1e-12, 1e-12, len(pred))
        return model, pred.assign(match_weight=pred["match_weight"] + noise), words

    a, b, _ = perturbed_copies(events(3000), seed=1)
    base = match_incidents(a, b, scorer="fs", model=fs_run.model)
    monkeypatch.setattr(engine, "fs_score", noisy)
    again = match_incidents(a, b, scorer="fs", model=fs_run.model)
    pd.testing.assert_frame_equal(base.pairs, again.pairs)
