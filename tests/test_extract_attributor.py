"""The trained attributor (kit/extract/_attributor.py): reproducible training, and what it does on short texts.

The texts here are written for the tests; the weights are the committed ones,
trained on the development articles only (scripts/train_attributor.py).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.extract import (
    ATTRIBUTOR_WEIGHTS,
    extract_claims,
)
from kit.extract._attributor import FEATURES, Candidate, rank, same_figure_sources, with_pick
from kit.extract.training import (
    L2,
    attributor_figures,
    fit_attributor,
    load_first_run_sources,
    load_first_runs,
    load_labelled_articles,
    pick_right,
)
from kit.ui import ExtractReview

ARTICLES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "articles"


@pytest.fixture(scope="module")
def dev_figures() -> list:
    articles = load_labelled_articles(ARTICLES, ["dev"])
    assert {a["split"] for a in articles} == {"dev"}  # the held-out splits are never read for training
    return attributor_figures(articles, load_first_runs(ARTICLES / "first_runs.csv"))


def test_retraining_on_the_dev_articles_gives_the_committed_weights(dev_figures: list) -> None:
    stored = json.loads(ATTRIBUTOR_WEIGHTS.read_text(encoding="utf-8"))
    assert stored["l2"] == L2 and list(stored["weights"]) == list(FEATURES)
    assert fit_attributor(dev_figures, L2) == stored["weights"]


def test_the_trained_weights_beat_the_rules_first_runs_on_their_training_data(dev_figures: list) -> None:
    weights = json.loads(ATTRIBUTOR_WEIGHTS.read_text(encoding="utf-8"))["weights"]
    first_run = pick_right(dev_figures, None)
    assert pick_right(dev_figures, weights) > first_run + 100  # 414 of 672 right on the rules' first runs
    # a model that knows nothing (all weights 0) keeps the rules' pick (ties go to it; with no pick, the first named)
    assert first_run <= pick_right(dev_figures, {f: 0.0 for f in FEATURES}) < pick_right(dev_figures, weights)


def test_every_first_run_pick_is_a_dev_figure_the_extractor_drafts() -> None:
    runs = load_first_runs(ARTICLES / "first_runs.csv")
    dev = {a["id"]: a for a in load_labelled_articles(ARTICLES, ["dev"])}
    # every dev article but three whose first run drafted no figure ("gunned down four people", "rose to (31) people",
    # "518k": not read then)
    assert set(dev) - {i for i, _s in runs} == {"efe_guasave_4", "sudanevents_fasher_31", "martinplaut_tigray_518k"}
    assert {i for i, _s in runs} <= set(dev)
    assert all(0 <= start < len(dev[i]["text"]) and dev[i]["text"][start].isalnum() for i, start in runs)
    sources = load_first_run_sources(ARTICLES / "first_run_sources.json")
    assert set(sources) <= set(dev) and len(sources) >= 120
    for i, found in sources.items():  # each name is where it says it is (the texts have not changed since)
        assert all(a.name_start < a.name_end <= len(dev[i]["text"]) for a in found)


def test_a_source_in_the_figures_clause_outranks_one_named_earlier() -> None:
    text = ("Airwars said on Monday that strikes had hit the city.\n\n"
            "Residents fled. Amnesty International said 12 civilians were killed in the strike.")
    (d,) = extract_claims(text, "2017", publisher="Outlet")
    names = [c.name for c in d.candidates]
    assert {"Airwars", "Outlet"} <= set(names) and d.row["claimant"] == "Amnesty International"
    assert names[0] == d.row["claimant"]  # the rules' pick comes first (a tie keeps it)


def test_the_attributor_overrides_the_rules_with_a_truthful_reason(attributor_weights: Any) -> None:
    """Weights that favour the source named first: the draft says so, quotes that sentence and gives the probability."""
    attributor_weights({"first_named": 5.0})
    text = "Airwars tracked the strikes. Later, Amnesty said 12 civilians were killed."
    (d,) = extract_claims(text, "2017", publisher="Outlet")
    assert d.row["claimant"] == "Airwars" and "trained attributor" in d.row["note"] and "over the rules' Amnesty" \
        in d.row["note"]  # "Amnesty International", as the registry names it
    assert text[slice(*d.attribution_span)].strip() == "Airwars tracked the strikes."
    assert d.spans["claimant"] == [(0, 7)] and 0.5 < d.confidence["claimant"] < 1.0
    assert f"probability {d.confidence['claimant']:.2f}" in d.row["note"]
    shown = ExtractReview(extract_claims(text, "2017", publisher="Outlet"), known_ids=[]).attribution.value
    assert '<b class="claimant">Airwars</b> tracked the strikes' in shown and "another sentence" in shown


def test_without_a_weight_file_the_rules_stand_alone(attributor_weights: Any) -> None:
    attributor_weights(None)
    (d,) = extract_claims("Airwars tracked the strikes. Later, Amnesty said 12 civilians were killed.", "2017")
    assert d.row["claimant"] == "Amnesty International" and "attributor" not in d.row["note"] and d.candidates


def test_the_publisher_is_chosen_with_no_sentence_as_its_reason(attributor_weights: Any) -> None:
    attributor_weights({"publisher": 5.0})
    (d,) = extract_claims("Amnesty said 12 civilians were killed.", "2017", publisher="Outlet")
    assert d.row["claimant"] == "Outlet" and d.attribution_span == (0, 0) and d.spans["claimant"] == []
    assert d.row["relay_chain"] == "" and d.row["source_status"] == "primary"


def test_a_headline_figure_keeps_the_bodys_source(attributor_weights: Any) -> None:
    """A labelling convention decides a headline's figure: not ranked itself, it follows the body's final claimant."""
    attributor_weights({"publisher": 5.0})
    drafts = extract_claims("Strikes kill 27 civilians\n\nAirwars said 27 civilians were killed in Raqqa.", "2017",
                            publisher="Outlet")
    assert [(d.row["claimant"], d.decided) for d in drafts] == [("Outlet", True), ("Outlet", False)]
    assert drafts[0].row["note"].count("claimant as the") == 1  # copied again, noted once
    attributor_weights(None)  # the rules alone: the body's source
    drafts = extract_claims("Strikes kill 27 civilians\n\nAirwars said 27 civilians were killed in Raqqa.", "2017",
                            publisher="Outlet")
    assert [(d.row["claimant"], d.decided) for d in drafts] == [("Airwars", True), ("Airwars", False)]


def test_same_figure_sources_are_the_other_statements_picks() -> None:
    keys = [("27", "27"), ("3", "3"), ("27", "27"), ("27", "27")]
    assert same_figure_sources(keys, ["", "police", "SOHR", "SOHR"]) == [["SOHR"], [], ["SOHR"], ["SOHR"]]
    assert same_figure_sources(keys, ["A", "B", "C", "A"]) == [["A", "C"], [], ["A"], ["A", "C"]]


def test_with_pick_marks_copies_and_adds_a_pick_named_nowhere_near() -> None:
    cands = [Candidate("Airwars", None, {"same_clause": 1.0}), Candidate("Outlet", None, {"publisher": 1.0})]
    marked = with_pick(cands, "SOHR", 0.4, ["Airwars"])
    assert [c.name for c in marked] == ["SOHR", "Airwars", "Outlet"] and marked[0].only_pick
    assert marked[0].features["rules_carried"] == 1.0 and marked[1].features["rules_same_figure"] == 1.0
    assert "rules_pick" not in cands[0].features  # the originals are untouched
    again = with_pick(marked, "Outlet", 0.3)
    assert [c.name for c in again] == ["Outlet", "Airwars"] and "rules_same_figure" not in again[1].features


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.floats(-5, 5), min_size=len(FEATURES), max_size=len(FEATURES)), min_size=1, max_size=6),
       st.lists(st.floats(-3, 3), min_size=len(FEATURES), max_size=len(FEATURES)))
def test_rank_is_a_probability_and_ignores_what_all_candidates_share(rows: list, weights: list) -> None:
    cands = [Candidate(f"s{i}", None, dict(zip(FEATURES, r, strict=True))) for i, r in enumerate(rows)]
    probs = rank(cands, weights)
    assert math.isclose(sum(probs), 1.0, rel_tol=1e-9) and all(0 <= p <= 1 for p in probs)
    shifted = [Candidate(c.name, None, {**c.features, "mentions": c.features["mentions"] + 1.0}) for c in cands]
    assert all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(rank(shifted, weights), probs, strict=True))
