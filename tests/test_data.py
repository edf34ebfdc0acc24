"""The project's own ledger and gazetteer: complete, cited, and loadable without loss."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from kit.compare import as_of, gap_over_time
from kit.ledger import load_claims, load_gazetteer
from kit.scope import compare_scopes


@pytest.fixture(scope="module")
def ledger():
    return load_claims()


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def test_ledger_loads_without_problems_and_is_cited(ledger) -> None:
    assert ledger.problems == [], "\n".join(map(str, ledger.problems))
    assert ledger.rows_in == ledger.rows_loaded >= 50
    claims = ledger.claims
    assert claims["url"].str.match(r"^https?://").all()
    assert (claims["note"].str.len() > 0).all(), "every claim says in our words what it counts"


def test_every_shared_figure_is_in_the_ledger(ledger, shared_dir: Path) -> None:
    with (shared_dir / "data" / "figures_ledger.csv").open(encoding="utf-8") as fh:
        figures = list(csv.DictReader(fh))
    have = {(float(r.low), float(r.high)) for r in ledger.claims.itertuples()}
    missing = [f for f in figures if (float(f["figure_low"]), float(f["figure_high"])) not in have]
    assert not missing, [f"{f['claimant']} {f['figure_low']}-{f['figure_high']}" for f in missing]
    urls = set(ledger.claims["url"])
    assert sum(f["url"] in urls for f in figures) >= len(figures) - 2


def test_founding_article_claims_have_relay_chains(ledger) -> None:
    claims = ledger.claims
    article = claims[claims["relay_chain"].str.contains("Inside Syria Media Center", regex=False)]
    figures = {(r.claimant, r.low, r.high) for r in article.itertuples()}
    assert {("CJTF-OIR", 352, 352), ("Airwars", 3164, 3164), ("Airwars", 1782, 1782),
            ("Amnesty International", 804, 1213)} <= figures
    guardian = article[article["low"] == 3164].iloc[0]
    assert guardian["relay_list"] == ("The Guardian", "Inside Syria Media Center")
    # traced to The Hill, which says the estimate also counts Libya
    assert guardian["source_status"] == "relayed" and guardian["cites"] == "airwars-2017-04-via-the-hill"
    assert guardian["places_list"] == ("iq", "sy", "ly") and "Libya" in guardian["note"]
    monthly = article[article["low"] == 1782].iloc[0]
    assert (monthly["grade"], monthly["qualifier"]) == ("all alleged", "at_least")


def test_founding_pairs_get_the_expected_verdicts(ledger, gaz) -> None:
    c = ledger.claims
    by = {(r.claimant, r.low): r._asdict() for r in c[c["relay_chain"].str.contains("Inside Syria")].itertuples()}
    coalition, airwars = pd.Series(by[("CJTF-OIR", 352)]), pd.Series(by[("Airwars", 3164)])
    monthly, amnesty = pd.Series(by[("Airwars", 1782)]), pd.Series(by[("Amnesty International", 804)])
    libya = compare_scopes(airwars, coalition, gaz)
    assert libya.verdict == "not_comparable" and libya.place_relation == "contains"
    assert any("Iraq + Libya + Syria vs Iraq + Syria" in r for r in libya.reasons)
    assert compare_scopes(amnesty, coalition, gaz).verdict == "not_comparable"
    alleged = compare_scopes(monthly, coalition, gaz)
    assert alleged.verdict == "not_comparable"
    assert any(r.startswith("different things counted: alleged deaths") for r in alleged.reasons)


def test_cjtf_admissions_only_grow_over_time(ledger) -> None:
    series = as_of(ledger.claims, "CJTF-OIR", places=["iq", "sy"], since="2014-08")
    assert len(series) >= 12
    assert series["low"].is_monotonic_increasing
    assert series.iloc[0]["low"] <= 188 and series["low"].max() >= 1300


def test_airwars_against_cjtf_gap_is_always_an_interval(ledger, gaz) -> None:
    gap = gap_over_time(ledger.claims, "Airwars", "CJTF-OIR", places=["iq", "sy"], since="2014-08", gazetteer=gaz)
    assert len(gap) >= 5
    compared = gap[gap["verdict"] != "not_comparable"]
    assert len(compared) >= 5 and gap["gap_low"].isna().eq(gap["verdict"] == "not_comparable").all()
    assert (compared["gap_low"] <= compared["gap_high"]).all()
    assert (compared["ratio_low"] <= compared["ratio_high"]).all()
    assert (compared["gap_low"] > 0).all()
