"""Matching uncertainty carried into the estimate: draw plausible matchings, estimate on each, combine.

Capture histories from matched incidents treat every link as certain. A link
that is only 70% likely moves a unit between "seen by both" and "seen by one",
which moves the estimate of the unseen. Here each candidate link is kept with
its probability (one record per list per unit: a link that would put two
records of one list into one unit is skipped), the histories are rebuilt, the
estimate is made again, and the estimates are combined: Rubin's rules (total
variance = mean within-matching variance + (1 + 1/m) x between-matching
variance) for the log-linear / Chapman figure, pooled posterior draws for
LCMCR. The input is a plain table of candidate pairs with a probability
column, so any matcher can feed it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from kit.core import InputError, Problem, Range
from kit.estimate._histories import CaptureHistories
from kit.estimate._lcmcr import lcmcr
from kit.estimate._models import estimate

_METHODS = ("loglinear", "lcmcr")


@dataclass(frozen=True)
class MatchingUncertainty:
    """The estimate with matching uncertainty, beside the estimate from the single most likely matching."""

    method: str
    draws: int
    baseline: Range  # from links with probability >= threshold, matching taken as certain
    baseline_observed: int
    combined: Range
    observed: tuple[int, ...] = field(repr=False)  # documented units in each drawn matching
    estimates: tuple[float, ...] = field(repr=False)
    within_variance: float
    between_variance: float
    level: float

    @property
    def widening(self) -> float:
        """Combined interval width / baseline interval width (1 = matching adds no uncertainty)."""
        base = self.baseline.high - self.baseline.low
        return math.inf if base <= 0 else (self.combined.high - self.combined.low) / base

    def describe(self) -> str:
        pct = f"{self.level * 100:g}%"
        lo, hi = min(self.observed), max(self.observed)
        return (
            f"Taking the most likely links as certain: {self.baseline.best:,.0f} ({pct} {self.baseline.low:,.0f}–"
            f"{self.baseline.high:,.0f}). Over {self.draws} plausible matchings (each link kept with its "
            f"probability) the documented total runs from {lo:,} to {hi:,}, and the estimate becomes "
            f"{self.combined.best:,.0f} ({pct} {self.combined.low:,.0f}–{self.combined.high:,.0f}): the interval is "
            f"{self.widening:.2f} times as wide once matching uncertainty is counted."
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "draws": self.draws,
            "baseline": {"estimate": self.baseline.best, "low": self.baseline.low, "high": self.baseline.high,
                         "observed": self.baseline_observed},
            "combined": {"estimate": self.combined.best, "low": self.combined.low, "high": self.combined.high},
            "widening": self.widening,
            "within_variance": self.within_variance,
            "between_variance": self.between_variance,
            "level": self.level,
        }


def _check(records: pd.DataFrame, pairs: pd.DataFrame, id_col: str, list_col: str, prob_col: str) -> None:
    problems: list[Problem] = []
    for col in (id_col, list_col):
        if col not in records.columns:
            problems.append(Problem("<records>", 1, col, f"missing column {col!r}"))
    for col in ("left", "right", prob_col):
        if col not in pairs.columns:
            problems.append(Problem("<pairs>", 1, col, f"missing column {col!r}"))
    if problems:
        raise InputError(problems)
    if records[id_col].duplicated().any():
        dup = records[id_col][records[id_col].duplicated()].iloc[0]
        problems.append(Problem("<records>", 0, id_col, f"record id {dup!r} appears more than once"))
    known = set(records[id_col])
    probs = pd.to_numeric(pairs[prob_col], errors="coerce")
    for i, (left, right, p) in enumerate(zip(pairs["left"], pairs["right"], probs, strict=True)):
        line = i + 2
        for side, value in (("left", left), ("right", right)):
            if value not in known:
                problems.append(Problem("<pairs>", line, side, f"unknown record id {value!r}"))
        if not (0 <= p <= 1):
            problems.append(Problem("<pairs>", line, prob_col, f"must be a probability in [0, 1], got {p!r}"))
    if problems:
        raise InputError(problems[:50])


def _histories(
    links: np.ndarray, left: np.ndarray, right: np.ndarray, list_of: np.ndarray, names: list[str], order: np.ndarray
) -> CaptureHistories:
    """Union-find over the kept links, in `order`; a link joining two records of one list is skipped."""
    parent = np.arange(len(list_of))
    lists_in = [{int(list_of[i])} for i in range(len(list_of))]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    for k in order:
        if not links[k]:
            continue
        a, b = find(int(left[k])), find(int(right[k]))
        if a == b or lists_in[a] & lists_in[b]:
            continue
        parent[b] = a
        lists_in[a] |= lists_in[b]
    roots = {find(i) for i in range(len(list_of))}
    cells: dict[tuple[int, ...], int] = {}
    for r in roots:
        pattern = tuple(int(j in lists_in[r]) for j in range(len(names)))
        cells[pattern] = cells.get(pattern, 0) + 1
    return CaptureHistories.from_mapping(names, cells, source="matched records")


def _one(
    h: CaptureHistories, method: str, level: float, options: Mapping[str, object]
) -> tuple[float, float, np.ndarray]:
    """(estimate, variance, posterior draws or empty) for one matching."""
    if method == "lcmcr":
        r = lcmcr(h, level=level, **dict(options))  # type: ignore[arg-type]
        return r.median, float(np.var(r.samples)), r.samples
    res = estimate(h, level=level, profile=False)
    if res.estimate is None or res.se is None:
        raise ValueError("a drawn matching gives no estimate: " + "; ".join(w.code for w in res.warnings))
    return res.estimate, res.se**2, np.zeros(0)


def estimate_with_matching(
    records: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    id_column: str = "record_id",
    list_column: str = "list",
    probability: str = "probability",
    draws: int = 50,
    method: str = "loglinear",
    threshold: float = 0.5,
    seed: int = 0,
    level: float = 0.95,
    lcmcr_options: Mapping[str, object] | None = None,
) -> MatchingUncertainty:
    """Estimate N over `draws` plausible matchings of `records` given candidate `pairs` with link probabilities.

    `records`: one row per record, its id and its list. `pairs`: `left`, `right`
    (record ids) and a probability that they are the same unit. Records in no
    kept link are units of their own. `method`: "loglinear" (the kit's chosen
    log-linear or Chapman estimate, combined by Rubin's rules) or "lcmcr"
    (posterior draws pooled over matchings). The baseline takes links with
    probability >= `threshold` as certain.
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    if draws < 2:
        raise ValueError("draws must be at least 2")
    _check(records, pairs, id_column, list_column, probability)
    names = list(dict.fromkeys(records[list_column].astype(str)))
    index = {rid: i for i, rid in enumerate(records[id_column])}
    list_of = records[list_column].astype(str).map({n: j for j, n in enumerate(names)}).to_numpy()
    left = pairs["left"].map(index).to_numpy()
    right = pairs["right"].map(index).to_numpy()
    p = pd.to_numeric(pairs[probability]).to_numpy(dtype=float)
    by_probability = np.argsort(-p, kind="stable")
    options = dict(lcmcr_options or {"burnin": 2_000, "samples": 500, "thin": 10, "chains": 2})
    base_h = _histories(p >= threshold, left, right, list_of, names, by_probability)
    base_est, base_var, base_draws = _one(base_h, method, level, {**options, "seed": seed})
    rng = np.random.default_rng(seed)
    ests: list[float] = []
    variances: list[float] = []
    observed: list[int] = []
    pooled: list[np.ndarray] = []
    for d in range(draws):
        kept = rng.random(len(p)) < p
        h = _histories(kept, left, right, list_of, names, rng.permutation(len(p)))
        est, var, post = _one(h, method, level, {**options, "seed": seed + d + 1})
        ests.append(est)
        variances.append(var)
        observed.append(h.n)
        pooled.append(post)
    within = float(np.mean(variances))
    between = float(np.var(ests, ddof=1))
    tail = (1 - level) / 2
    if method == "lcmcr":
        allp = np.concatenate(pooled)
        lo, hi = np.quantile(allp, [tail, 1 - tail])
        combined = Range(float(lo), float(hi), float(np.median(allp)))
        blo, bhi = np.quantile(base_draws, [tail, 1 - tail])
        baseline = Range(float(blo), float(bhi), base_est)
    else:
        z = float(stats.norm.ppf(1 - tail))
        total = within + (1 + 1 / draws) * between
        mean = float(np.mean(ests))
        combined = Range(max(mean - z * math.sqrt(total), min(observed)), mean + z * math.sqrt(total), mean)
        baseline = Range(max(base_est - z * math.sqrt(base_var), base_h.n), base_est + z * math.sqrt(base_var),
                         base_est)
    return MatchingUncertainty(method, draws, baseline, base_h.n, combined, tuple(observed), tuple(ests), within,
                               between, level)
