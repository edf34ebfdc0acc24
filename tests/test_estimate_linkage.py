"""Matching uncertainty carried into the estimate, through the real kit.match on records whose true links are known.

kit.estimate does not import kit.match (same layer); the test imports both and
hands `kit.match.link_probabilities` to `kit.estimate.estimate_with_matching`,
as a user would.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kit.cli import app
from kit.core import InputError
from kit.estimate import CaptureHistories, chapman, estimate_with_matching
from kit.match import link_probabilities, match_incidents, perturbed_copies


def _events(n: int, seed: int = 3) -> pd.DataFrame:
    """n incidents in the kit's schema: 25 clustered towns over two years, mixed precision, death ranges."""
    rng = np.random.default_rng(seed)
    towns = rng.uniform([34.5, 38.0], [36.5, 41.0], size=(25, 2))
    town = rng.integers(0, len(towns), n)
    day = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    no_xy = rng.random(n) < 0.06
    low = rng.integers(0, 15, n).astype(float)
    return pd.DataFrame({
        "source": "a", "source_id": [f"e{k}" for k in range(n)], "url": "",
        "date_start": day, "date_end": day,
        "date_precision": np.where(rng.random(n) < 0.08, "month", "day"),
        "country": "sy", "governorate": [f"sy-g{t % 6}" for t in town], "place_name": "",
        "lat": np.where(no_xy, np.nan, towns[town, 0] + rng.normal(0, 0.03, n)),
        "lon": np.where(no_xy, np.nan, towns[town, 1] + rng.normal(0, 0.03, n)),
        "location_precision": np.where(
            no_xy, "governorate", rng.choice(["exact", "village", "neighbourhood", "city"], n, p=[0.3, 0.4, 0.2, 0.1])
        ),
        "civilians_killed_low": pd.array(low, dtype="Float64"),
        "civilians_killed_best": pd.array(np.full(n, np.nan), dtype="Float64"),
        "civilians_killed_high": pd.array(low + rng.integers(0, 4, n), dtype="Float64"),
        "grade": "",
    })


TRUE_N = 600


@pytest.fixture(scope="module")
def matched() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, object]:
    """600 real-shaped incidents; list A keeps half, list B copies half (moved within precision): truth known."""
    a, b, truth = perturbed_copies(_events(TRUE_N), seed=1, keep_in_a=0.5, drop=0.5, duplicate=0.0)
    return a, b, truth, match_incidents(a, b, scorer="fs")


def test_drawn_matchings_keep_each_link_with_its_probability() -> None:
    """Uncontested links are kept with their probability; two links competing for one record share it by odds."""
    n = 200
    alone = [f"a_alone{i}" for i in range(50)]  # A records no link reaches: every matching has units only on A
    records = pd.DataFrame({"record_id": [f"a{i}" for i in range(n)] + alone + [f"b{i}" for i in range(n)]
                            + ["b_extra"], "list": ["A"] * (n + 50) + ["B"] * (n + 1)})
    pairs = pd.DataFrame({"left": [f"a{i}" for i in range(n)] + ["a0"],
                          "right": [f"b{i}" for i in range(n)] + ["b_extra"],
                          "probability": [0.3] * n + [0.3]})
    r = estimate_with_matching(records, pairs, draws=300, seed=3, threshold=0.2)
    share = np.array(r.link_share)
    assert abs(share[1:n].mean() - 0.3) < 0.03
    # a0 may link to b0 or b_extra: odds 3/7 each against 1 for neither, so each is kept 3/13 of the time
    assert share[0] == pytest.approx(3 / 13, abs=0.06) and share[n] == pytest.approx(3 / 13, abs=0.06)
    assert all(2 * n + 51 - k == o for k, o in zip(r.links_kept, r.observed, strict=True))  # one link, one unit fewer


def test_kit_match_link_probabilities_carry_through_with_known_truth(matched) -> None:  # noqa: ANN001
    a, b, truth, result = matched
    links = link_probabilities(result)
    r = estimate_with_matching({"A": a, "B": b}, links, draws=40, seed=2)
    # the baseline is the matcher's own one-to-one assignment
    m = len(result.pairs)
    assert r.baseline_rule == "the matcher's own links" and r.baseline_observed == len(a) + len(b) - m
    assert r.baseline.best == pytest.approx(chapman(len(a), len(b), m).estimate)
    # every drawn matching is one-to-one
    assert all(max(len(a), len(b)) <= o <= len(a) + len(b) for o in r.observed)
    assert max(r.links_kept) <= min(len(a), len(b))
    # the draws follow the truth as far as the probabilities know it
    true_pairs = set(zip(truth["id_a"], truth["id_b"], strict=True))
    is_true = np.array([(x, y) in true_pairs for x, y in zip(links["id_a"], links["id_b"], strict=True)])
    share = np.array(r.link_share)
    assert share[is_true].mean() > 0.7 and share[~is_true].mean() < 0.2
    # the interval widens, never narrows, and stays near the known total
    assert r.widening >= 1.0 and r.between_variance > 0
    assert r.combined.low <= r.baseline.best <= r.combined.high
    assert abs(r.combined.best - TRUE_N) / TRUE_N < 0.2
    true_m = len(truth)
    truth_h = CaptureHistories.from_mapping(["A", "B"], {(1, 1): true_m, (1, 0): len(a) - true_m,
                                                         (0, 1): len(b) - true_m})
    assert truth_h.n >= min(r.observed) - 20  # the true documented total is within reach of the drawn ones


def test_estimate_cli_takes_a_links_file(matched, tmp_path: Path) -> None:  # noqa: ANN001
    a, b, _, result = matched
    records = pd.concat([a.assign(list="A"), b.assign(list="B")])[["list", "source", "source_id"]]
    records.to_csv(tmp_path / "records.csv", index=False)
    link_probabilities(result).to_csv(tmp_path / "links.csv", index=False)
    run = CliRunner().invoke(app, ["estimate", str(tmp_path / "records.csv"), "--links", str(tmp_path / "links.csv"),
                                   "--draws", "10", "--json"])
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert data["matching"]["draws"] == 10 and data["matching"]["widening"] >= 1
    assert data["matching"]["baseline"]["rule"] == "the matcher's own links"
    text = CliRunner().invoke(app, ["estimate", str(tmp_path / "records.csv"), "--links",
                                    str(tmp_path / "links.csv"), "--draws", "10"])
    assert text.exit_code == 0 and "times as wide" in text.output


def test_links_file_errors_are_reported_by_line(tmp_path: Path) -> None:
    (tmp_path / "records.csv").write_text("record_id,list\na,A\nb,B\n")
    (tmp_path / "links.csv").write_text("left,right,probability\na,zz,0.5\na,b,1.5\n")
    run = CliRunner().invoke(app, ["estimate", str(tmp_path / "records.csv"), "--links", str(tmp_path / "links.csv")])
    assert run.exit_code == 1
    assert "unknown record id 'zz'" in run.output and "probability in [0, 1]" in run.output
    with pytest.raises(InputError, match="source_a"):
        estimate_with_matching(pd.read_csv(tmp_path / "records.csv"), pd.DataFrame({"probability": [0.5]}))


def test_kit_match_writes_what_kit_estimate_reads(shared_dir: Path, tmp_path: Path) -> None:
    """Command line alone: `kit match --scorer fs` hands links.csv and records.csv to `kit estimate --links`."""
    aw = shared_dir / "data" / "airwars_syria" / "airwars_syria_incidents.csv"
    nl = shared_dir / "data" / "nl_mod_oir" / "nl_mod_oir_airstrikes_20230330.csv"
    out = tmp_path / "out"
    run = CliRunner().invoke(app, ["match", str(aw), str(nl), "--scorer", "fs", "--country", "sy",
                                   "--coalition-only", "--out", str(out)])
    assert run.exit_code == 0, run.output
    links = pd.read_csv(out / "links.csv")
    records = pd.read_csv(out / "records.csv", dtype=str)
    assert {"source_a", "id_a", "source_b", "id_b", "probability", "linked"} <= set(links.columns)
    assert links["probability"].between(0, 1).all() and links["linked"].any()
    assert set(records["list"]) == {"airwars", "nl-mod"}  # every compared record, on its own list
    est = CliRunner().invoke(app, ["estimate", str(out / "records.csv"), "--links", str(out / "links.csv"),
                                   "--draws", "10", "--json"])
    assert est.exit_code == 0, est.output
    matching = json.loads(est.output)["matching"]
    assert matching["draws"] == 10 and matching["widening"] >= 1
