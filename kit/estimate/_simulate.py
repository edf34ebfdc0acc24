"""Populations of known size recorded by lists of unequal reach: the test bench for every estimator here.

A method that cannot recover N where N is known cannot be trusted where it is
not. Units fall into latent classes (e.g. deaths in remote places that few
sources reach, and deaths in cities that most do); within a class each list
records each unit independently with its own probability. That is the LCMCR
model's own assumption, and also what makes log-linear models with pairwise
terms fail: heterogeneity looks like dependence between every pair of lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kit.estimate._histories import CaptureHistories


@dataclass(frozen=True)
class Simulated:
    """A simulated population: its true size, the lists' histories, and the capture model that made them."""

    N: int
    histories: CaptureHistories
    weights: tuple[float, ...]
    capture: tuple[tuple[float, ...], ...]  # per class, per list
    membership: np.ndarray  # (N, lists) 0/1, every unit including the unseen

    @property
    def unseen(self) -> int:
        return self.N - self.histories.n

    def records_and_links(self, *, ambiguous: float = 0.3, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Each list's records and candidate links with calibrated probabilities, the true links known.

        Records: `record_id`, `list`, `unit` (the truth). A share `ambiguous` of
        the links of units seen by exactly two lists get p ~ Beta(2, 1); as many
        false links, between records of two units each seen by one list (on
        different lists), get p ~ Beta(1, 2). With equal numbers P(true | p) = p,
        which is what a calibrated matcher promises. All other true links have p = 1.
        Links: `left`, `right`, `probability`, `true`.
        """
        names = self.histories.lists
        rng = np.random.default_rng(seed)
        units, lists = np.nonzero(self.membership)
        records = pd.DataFrame(
            {"record_id": [f"{names[j]}-{u}" for u, j in zip(units, lists, strict=True)],
             "list": [names[j] for j in lists], "unit": units}
        )
        links: list[tuple[str, str, float, bool]] = []
        for _unit, ids in records.groupby("unit", sort=True)["record_id"]:
            members = list(ids)
            for i in range(len(members)):
                for k in range(i + 1, len(members)):
                    p = float(rng.beta(2, 1)) if len(members) == 2 and rng.random() < ambiguous else 1.0
                    links.append((members[i], members[k], p, True))
        wanted = sum(1 for link in links if link[2] < 1)
        alone = records[records.groupby("unit")["record_id"].transform("size") == 1]
        ids_, lists_ = alone["record_id"].to_numpy(), alone["list"].to_numpy()
        while wanted > 0 and len(set(lists_)) > 1:
            i, k = rng.integers(0, len(ids_), 2)
            if lists_[i] != lists_[k]:
                links.append((str(ids_[i]), str(ids_[k]), float(rng.beta(1, 2)), False))
                wanted -= 1
        return records, pd.DataFrame(links, columns=["left", "right", "probability", "true"])


def _capture_model(
    t: int, rng: np.random.Generator
) -> tuple[tuple[float, ...], tuple[tuple[float, ...], ...]]:
    """Two or three classes: most units hard to record, a minority that most lists reach."""
    k = int(rng.integers(2, 4))
    hard = float(rng.uniform(0.55, 0.8))
    rest = rng.dirichlet(np.ones(k - 1)) * (1 - hard)
    weights = (hard, *(float(w) for w in rest))
    capture = [tuple(float(v) for v in rng.uniform(0.08, 0.3, t))]
    for _ in range(k - 1):
        capture.append(tuple(float(v) for v in rng.uniform(0.35, 0.85, t)))
    return weights, tuple(capture)


def simulate_histories(
    N: int,
    lists: int | Sequence[str] = 4,
    *,
    seed: int = 0,
    weights: Sequence[float] | None = None,
    capture: Sequence[Sequence[float]] | None = None,
) -> Simulated:
    """Simulate a closed population of N units seen by latent-class lists.

    Without `weights`/`capture` a heterogeneous model is drawn from the seed
    (two or three classes, 55–80% of units in a class each list reaches with
    probability 0.08–0.3, the rest reached with 0.35–0.85).
    """
    names = [f"L{i + 1}" for i in range(lists)] if isinstance(lists, int) else [str(x) for x in lists]
    t = len(names)
    rng = np.random.default_rng(seed)
    if weights is None or capture is None:
        w, cap = _capture_model(t, rng)
    else:
        w = tuple(float(v) for v in weights)
        cap = tuple(tuple(float(v) for v in row) for row in capture)
        if len(cap) != len(w) or any(len(row) != t for row in cap) or abs(sum(w) - 1) > 1e-9:
            raise ValueError("capture must have one row per class weight, one value per list; weights sum to 1")
    classes = rng.choice(len(w), size=N, p=np.array(w))
    probs = np.array(cap)[classes]
    membership = (rng.random((N, t)) < probs).astype(np.int8)
    seen = membership[membership.any(axis=1)]
    keys, counts = np.unique(seen, axis=0, return_counts=True)
    cells = {tuple(int(v) for v in k): int(c) for k, c in zip(keys, counts, strict=True)}
    h = CaptureHistories.from_mapping(names, cells, source=f"simulated (N={N}, seed={seed})")
    return Simulated(N, h, w, cap, membership)
