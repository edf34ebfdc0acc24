"""Training and cross-validating the attributor on labelled articles (development articles only).

One home for what `scripts/train_attributor.py`, `benchmarks/extract.py` and the
tests share: reading the labelled articles of chosen splits, turning each
labelled figure the extractor drafted into a ranking problem (its candidates'
features, which candidates are right), fitting the conditional logit, and
scoring it by leaving one batch of articles out at a time.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy.optimize import minimize

from kit.extract._attributor import (
    AFTER_REACH,
    FEATURES,
    Candidate,
    candidates_for,
    fuller,
    same_figure_sources,
    text_stats,
    with_pick,
)
from kit.extract._pipeline import CARRY_CHARS, DraftClaim, extract_claims
from kit.extract._scoring import claimant_matches, match_drafts
from kit.extract._sources import Attribution, Source

__all__ = [
    "L2",
    "L2_GRID",
    "attributor_figures",
    "cross_validate",
    "fit_attributor",
    "load_first_run_sources",
    "load_first_runs",
    "load_labelled_articles",
    "pick_right",
    "write_weights",
]


#: L2 penalty on the weights (chosen by leave-one-batch-out cross-validation on the development articles)
L2 = 0.3
#: the penalties the cross-validation compares
L2_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)


@dataclass(frozen=True)
class Figure:
    """One labelled figure the extractor drafted: its candidates' features and which of them are right."""

    article: str
    batch: str
    x: np.ndarray  # candidates × FEATURES
    right: np.ndarray  # bool per candidate
    rules: int  # index of the rules' pick (-1: none)
    decided: bool = False  # a convention decides the claimant (headline, lead, background): not ranked
    named_by: np.ndarray | None = None  # per candidate, the candidate whose name it is written with (`fuller`)


def article_batches(labels_text: str) -> dict[str, str]:
    """Article id → collection batch, from the `# batch N` comment lines of labels.yaml ("1-5" before the first)."""
    batch, out = "1-5", {}
    for line in labels_text.splitlines():
        if m := re.match(r"#\s*batch\s+(\d+)", line):
            batch = m.group(1)
        elif m := re.match(r"([\w-]+):\s*$", line):
            out[m.group(1)] = batch
    return out


def load_labelled_articles(folder: Path, splits: Iterable[str]) -> list[dict[str, Any]]:
    """The manifest rows of the given splits with their text, labels and batch, in id order."""
    wanted = set(splits)
    labels_text = (folder / "labels.yaml").read_text(encoding="utf-8")
    labels, batches = yaml.safe_load(labels_text), article_batches(labels_text)
    with open(folder / "manifest.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["split"] in wanted]
    for row in rows:
        row["text"] = (folder / row["split"] / f"{row['id']}.txt").read_text(encoding="utf-8")
        row["claims"], row["batch"] = labels[row["id"]], batches.get(row["id"], "")
    return rows


#: a rules' pick on its first run: (article id, figure start) → (claimant, confidence)
FirstRuns = dict[tuple[str, int], tuple[str, float]]


def load_first_runs(path: Path) -> FirstRuns:
    """The rules' first-run picks (tests/fixtures/articles/first_runs.csv: id, figure_start, claimant, confidence)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return {(r["id"], int(r["figure_start"])): (r["claimant"], float(r["confidence"])) for r in csv.DictReader(fh)}


def load_first_run_sources(path: Path) -> dict[str, list[Attribution]]:
    """The sources the first-run code named in each dev article (first_run_sources.json), as attributions."""
    out: dict[str, list[Attribution]] = {}
    for art, rows in json.loads(path.read_text(encoding="utf-8")).items():
        out[art] = [Attribution(r[0], r[1], r[2], r[3], r[4], r[5],
                                Source(r[6], r[7], r[8], bool(r[9])) if r[6] else None, r[10],
                                (r[11], r[12]) if r[11] is not None else None) for r in rows]
    return out


def _first_run_candidates(d: DraftClaim, found: list[Attribution], publisher: str) -> list[Candidate]:
    """The draft's candidates as the first-run code would have named them (same window, same features)."""
    w, stats = d.where, d.stats
    assert w is not None and stats is not None
    named = [a for a in found if a.kind not in ("self", "told")]
    old = text_stats(named, stats.headline_end, stats.sentence_starts, stats.text)
    window = [a for a in found if w.sentence[0] - CARRY_CHARS <= a.name_start < w.sentence[1] + AFTER_REACH]
    return candidates_for(w, window, old, publisher)


def attributor_figures(articles: Sequence[dict[str, Any]], first_runs: FirstRuns | None = None,
                       first_sources: dict[str, list[Attribution]] | None = None) -> list[Figure]:
    """Every labelled figure the extractor drafted, as a ranking problem over the draft's candidates.

    With `first_runs`, each figure's candidates are marked with the pick the rules
    made when they first met the article (before any rule was written for it),
    not the pick of today's rules, which were written on these articles. With
    `first_sources` too, the candidates themselves are the sources that code named.
    """
    out = []
    for art in articles:
        drafts = extract_claims(art["text"], art["published"], publisher=art["outlet"])
        by_row = {id(d.row): i for i, d in enumerate(drafts)}
        if first_runs is not None:
            picks = [first_runs.get((art["id"], d.figure_span[0]), ("", 0.0)) for d in drafts]
            same = same_figure_sources([(d.row["low"], d.row["high"]) for d in drafts], [p[0] for p in picks])
        for label, row in match_drafts(art["claims"], drafts):
            if row is None or not drafts[by_row[id(row)]].candidates:
                continue
            i = by_row[id(row)]
            cands = drafts[i].candidates
            if first_sources is not None:
                publisher = next((c.name for c in cands if c.features.get("publisher")), "")
                cands = _first_run_candidates(drafts[i], first_sources.get(art["id"], []), publisher)
            if first_runs is not None:
                cands = with_pick(cands, *picks[i], same[i])
            x = np.array([c.vector() for c in cands], dtype=float)
            right = np.array([claimant_matches(label, c.name) for c in cands], dtype=bool)
            rules = next((i for i, c in enumerate(cands) if c.features.get("rules_pick")), -1)
            out.append(Figure(art["id"], art["batch"], x, right, rules, drafts[i].decided, np.array(fuller(cands))))
    return out


def _loss(w: np.ndarray, figs: Sequence[Figure], l2: float, mask: np.ndarray) -> tuple[float, np.ndarray]:
    """Negative log-likelihood that a right candidate ranks first (any of the right names), plus the L2 penalty."""
    w = w * mask
    loss, grad = 0.5 * l2 * float(w @ w), l2 * w
    for f in figs:
        s = f.x @ w
        p = np.exp(s - s.max())
        p /= p.sum()
        q = np.where(f.right, p, 0.0)
        p_right = q.sum()
        loss -= float(np.log(p_right))
        grad = grad - (q / p_right - p) @ f.x
    return loss, grad * mask


def fit_attributor(figs: Sequence[Figure], l2: float = L2, features: Sequence[str] = FEATURES) -> dict[str, float]:
    """Weights of the conditional logit, trained on figures with a right candidate (others teach nothing).

    Deterministic (L-BFGS from zero, fixed tolerance) and rounded to 4 decimals,
    so retraining on the same articles gives the same file.
    """
    usable = [f for f in figs if f.right.any() and len(f.right) > 1 and not f.decided]
    mask = np.array([name in features for name in FEATURES], dtype=float)
    res = minimize(_loss, np.zeros(len(FEATURES)), args=(usable, l2, mask), jac=True, method="L-BFGS-B",
                   options={"maxiter": 500, "gtol": 1e-8})
    return {name: round(float(v), 4) for name, v in zip(FEATURES, res.x * mask, strict=True)}


def pick_right(figs: Sequence[Figure], weights: dict[str, float] | None) -> int:
    """How many figures get a right claimant: by the weights, or (None) by the rules' pick alone.

    The rules' pick stands for a figure a convention decides (as in the extractor).
    """
    if weights is None:
        return sum(int(f.rules >= 0 and f.right[f.rules]) for f in figs)
    w = np.array([weights.get(name, 0.0) for name in FEATURES])
    right = 0
    for f in figs:
        if f.decided:
            right += int(f.rules >= 0 and f.right[f.rules])
            continue
        s = f.x @ w
        best = int(np.flatnonzero(s == s.max())[0])
        right += int(f.right[best if f.named_by is None else int(f.named_by[best])])
    return right


def cross_validate(figs: Sequence[Figure], l2: float = L2, features: Sequence[str] = FEATURES,
                   scored: Sequence[Figure] | None = None) -> dict[str, tuple[int, int, int]]:
    """Leave one batch out: batch → (figures drafted, right by the rules, right by weights trained without it).

    `scored`: the same figures described another way (the first-run code's candidates) to score the left-out
    batch on, while training stays on `figs`.
    """
    out = {}
    test = figs if scored is None else scored
    for batch in sorted({f.batch for f in figs}, key=lambda b: (len(b), b)):
        held = [f for f in test if f.batch == batch]
        weights = fit_attributor([f for f in figs if f.batch != batch], l2, features)
        out[batch] = (len(held), pick_right(held, None), pick_right(held, weights))
    return out


def write_weights(weights: dict[str, float], path: Path, trained_on: str, l2: float) -> None:
    """The weight file: the weights in FEATURES order, what they were trained on, the penalty."""
    data = {"model": "conditional logit over each figure's candidate sources (kit/extract/_attributor.py)",
            "trained_on": trained_on, "l2": l2, "weights": weights}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
