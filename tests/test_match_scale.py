"""The large-run path gives the in-memory path's links, probabilities and reasons; Spark gives DuckDB's links."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_match_fs import events

from kit.match import DECISION_COLUMNS, DEFAULT_MIN_SCORE, MatchResult, _scale, match_incidents, perturbed_copies

KEEP = 0.05


@pytest.fixture(scope="module")
def lists() -> tuple[pd.DataFrame, pd.DataFrame]:
    """About 2,000 x 2,200 incidents: real-looking density, month dates, records without coordinates or area."""
    a, b, _ = perturbed_copies(events(2500, seed=5), seed=2)
    rng = np.random.default_rng(0)
    for frame in (a, b):  # some records with neither coordinates nor governorate (the country fallback)
        lost = rng.random(len(frame)) < 0.03
        frame.loc[lost, ["lat", "lon"]] = np.nan
        frame.loc[lost, "governorate"] = ""
        frame.loc[lost, "location_precision"] = "country"
    return a, b


def _same(memory: MatchResult, large: MatchResult, keep: float) -> None:
    """Large = in-memory, except that the large run lists only candidates with probability ≥ keep."""
    listed = memory.candidates[memory.candidates["score"] >= keep].reset_index(drop=True)
    pd.testing.assert_frame_equal(large.candidates, listed)
    pd.testing.assert_frame_equal(large.pairs, memory.pairs)
    pd.testing.assert_frame_equal(large.only_a, memory.only_a)
    pd.testing.assert_frame_equal(large.only_b, memory.only_b)
    assert large.params["large_run"] == {"candidates": len(memory.candidates), "listed_from_probability": keep}
    assert large.model is not None and memory.model is not None
    assert large.model.prior == pytest.approx(memory.model.prior, rel=1e-9)
    def m_u(r: MatchResult) -> list[float]:
        levels = [lv for c in r.model.settings["comparisons"] for lv in c["comparison_levels"]]  # type: ignore[union-attr]
        return [float(lv[k]) for lv in levels for k in ("m_probability", "u_probability") if k in lv]

    assert m_u(large) == pytest.approx(m_u(memory), rel=1e-9)  # the same m and u (EM sums in any order)


@pytest.fixture(scope="module")
def in_memory(lists: tuple[pd.DataFrame, pd.DataFrame]) -> MatchResult:
    a, b = lists
    return match_incidents(a, b, scorer="fs", large=False)


def test_large_run_trains_and_links_as_the_in_memory_path(
    lists: tuple[pd.DataFrame, pd.DataFrame], in_memory: MatchResult
) -> None:
    """Same EM (same sample), the same prior from every pair's levels, the same links, probabilities and reasons."""
    a, b = lists
    large = match_incidents(a, b, scorer="fs", large=True, keep=KEEP)
    assert 0 < len(large.candidates) < len(in_memory.candidates), "the test must drop some pairs and keep some"
    _same(in_memory, large, KEEP)


@pytest.mark.parametrize(
    ("options", "keep"),
    [
        ({"fallback": "country", "mode": "one-to-many"}, KEEP),
        ({"fallback": "none", "days": 3, "km": 5.0, "require_range_overlap": True}, DEFAULT_MIN_SCORE["fs"]),
    ],
)
def test_large_run_equals_the_in_memory_path_under_other_options(
    lists: tuple[pd.DataFrame, pd.DataFrame], in_memory: MatchResult, options: dict[str, object], keep: float
) -> None:
    """Windows, fallbacks, modes and the range rule go through the same code (a trained model, to save time)."""
    a, b = lists
    model = in_memory.model
    memory = match_incidents(a, b, scorer="fs", large=False, model=model, **options)  # type: ignore[arg-type]
    large = match_incidents(a, b, scorer="fs", large=True, keep=keep, model=model, **options)  # type: ignore[arg-type]
    assert 0 < len(large.candidates) < len(memory.candidates)
    _same(memory, large, keep)


def test_large_run_reapplies_decisions_like_the_in_memory_path(
    lists: tuple[pd.DataFrame, pd.DataFrame], in_memory: MatchResult
) -> None:
    """A reviewer's acceptance of a pair the large run would not list still forces the link, and vice versa."""
    a, b = lists
    first = in_memory
    weak = first.candidates[first.candidates["score"] < KEEP].iloc[0]
    strong = first.pairs.iloc[0]
    decisions = pd.DataFrame(
        [
            [weak["source_a"], weak["id_a"], weak["source_b"], weak["id_b"], "accept", "t", "2024-01-01", "seen"],
            [strong["source_a"], strong["id_a"], strong["source_b"], strong["id_b"], "reject", "t", "2024-01-01", ""],
        ],
        columns=DECISION_COLUMNS,
    )
    memory = match_incidents(a, b, scorer="fs", large=False, decisions=decisions, model=first.model)
    large = match_incidents(a, b, scorer="fs", large=True, keep=KEEP, decisions=decisions, model=first.model)
    assert (weak["id_a"], weak["id_b"]) in set(zip(large.pairs["id_a"], large.pairs["id_b"], strict=True))
    assert "rejected" in set(large.candidates["status"])
    cand = memory.candidates
    touches = cand["id_a"].isin([weak["id_a"]]) | cand["id_b"].isin([weak["id_b"]])  # records a reviewer linked
    listed = cand[(cand["score"] >= KEEP) | (cand["decision"] != "") | touches]
    pd.testing.assert_frame_equal(large.candidates, listed.reset_index(drop=True))
    pd.testing.assert_frame_equal(large.pairs, memory.pairs)
    pd.testing.assert_frame_equal(large.only_a, memory.only_a)


def test_large_run_is_automatic_above_a_size_and_only_for_fs(
    lists: tuple[pd.DataFrame, pd.DataFrame], in_memory: MatchResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = lists
    monkeypatch.setattr("kit.match._engine.LARGE_RUN_PAIRS", len(a) * len(b))
    auto = match_incidents(a, b, scorer="fs", model=in_memory.model)
    assert "large_run" in auto.params and any(n.startswith("large run:") for n in auto.notes)
    assert "large_run" not in match_incidents(a, b).params  # the rules score always runs in memory
    with pytest.raises(ValueError, match="large-run path needs scorer='fs'"):
        match_incidents(a, b, scorer="rules", large=True)


def test_levels_sql_numbers_levels_as_splink_does() -> None:
    """Null level -1, then the others from the highest down: the numbering `level_weights` indexes by."""
    comparisons = [
        {
            "output_column_name": "x",
            "comparison_levels": [
                {"sql_condition": "x_l IS NULL", "is_null_level": True},
                {"sql_condition": "x_l = x_r"},
                {"sql_condition": "abs(x_l - x_r) < 2"},
                {"sql_condition": "ELSE"},
            ],
        }
    ]
    assert _scale._levels_sql(comparisons) == (
        "CASE WHEN x_l IS NULL THEN -1 WHEN x_l = x_r THEN 2 WHEN abs(x_l - x_r) < 2 THEN 1 ELSE 0 END AS gamma_x"
    )


# -- Spark: the same model, the same links -----------------------------------------------


def test_spark_backend_gives_the_same_links_as_duckdb(spark_python: Path) -> None:
    """10,000 x 10,000 synthetic incidents on Spark local[2] against DuckDB, with a model trained once on DuckDB.

    Runs in .venv-spark (see tests/spark_links.py for why Spark has a venv of its own)."""
    script = Path(__file__).with_name("spark_links.py")
    done = subprocess.run(
        [str(spark_python), str(script), "10000"], capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    duck, on_spark = out["duckdb"], out["spark"]
    assert len(duck["pairs"]) > 1000
    assert duck["candidates"] == on_spark["candidates"]
    assert duck["pairs"] == on_spark["pairs"]
    np.testing.assert_allclose(duck["probability"], on_spark["probability"], rtol=1e-9, atol=1e-12)


def test_cli_large_needs_the_fs_scorer(tmp_path: Path) -> None:
    from test_match_fs import _write_sources
    from typer.testing import CliRunner

    from kit.cli import app

    aw, nl = _write_sources(tmp_path)
    res = CliRunner().invoke(app, ["match", str(aw), str(nl), "--out", str(tmp_path / "o"), "--large"])
    assert res.exit_code == 2 and "--large: needs --scorer fs" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(app, ["match", str(aw), str(nl), "--out", str(tmp_path / "o"), "--in-memory"])
    assert res.exit_code == 0, res.output
