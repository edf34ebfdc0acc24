"""Matching uncertainty carried into the estimate: draw plausible matchings, estimate on each, combine.

Capture histories from matched incidents treat every link as certain. A link
that is only 70% likely moves a unit between "seen by both" and "seen by one",
which moves the estimate of the unseen. Here plausible matchings are drawn from
the candidate links' probabilities, the histories are rebuilt from each, the
estimate is made again, and the estimates are combined: Rubin's rules (total
variance = mean within-matching variance + (1 + 1/m) x between-matching
variance) for the log-linear / Chapman figure, pooled posterior draws for
LCMCR.

How a matching is drawn: each candidate link is an independent Bernoulli with
its probability, conditioned on the result being a valid matching (no unit may
hold two records of one list). That distribution is sampled by Gibbs sweeps
over the links: a link is switched on with its probability when switching it
on keeps every unit valid, and off otherwise. Where links do not compete, each
is kept with exactly its probability; where two compete for one record, they
share it in proportion to their odds p / (1 - p), as in Sadinle's (2017)
Bayesian bipartite matching. (Drawing each link independently and then
dropping conflicts, as before, keeps competing links less often than their
probabilities say.)

Input: the records (one row per record and list) and a table of candidate
pairs, either `left`, `right`, `probability` (any matcher) or the table of
`kit.match.link_probabilities` (`source_a`, `id_a`, `source_b`, `id_b`,
`probability`, `linked`), whose own one-to-one links are then the baseline.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import sparse, stats
from scipy.sparse.csgraph import connected_components

from kit.core import InputError, Problem, Range
from kit.estimate._histories import CaptureHistories
from kit.estimate._lcmcr import lcmcr
from kit.estimate._models import estimate

_METHODS = ("loglinear", "lcmcr")
_MATCH_COLUMNS = ("source_a", "id_a", "source_b", "id_b")
_BURN_SWEEPS = 10


@dataclass(frozen=True)
class MatchingUncertainty:
    """The estimate with matching uncertainty, beside the estimate from one matching taken as certain."""

    method: str
    draws: int
    baseline: Range  # from the baseline matching (the matcher's links, or p >= threshold), taken as certain
    baseline_observed: int
    combined: Range
    observed: tuple[int, ...] = field(repr=False)  # documented units in each drawn matching
    estimates: tuple[float, ...] = field(repr=False)
    within_variance: float
    between_variance: float
    level: float
    baseline_rule: str = "links with probability >= 0.5"
    links_kept: tuple[int, ...] = field(default=(), repr=False)  # links in each drawn matching
    link_share: tuple[float, ...] = field(default=(), repr=False)  # per candidate pair: share of draws keeping it

    @property
    def widening(self) -> float:
        """Combined interval width / baseline interval width (1 = matching adds no uncertainty)."""
        base = self.baseline.high - self.baseline.low
        return math.inf if base <= 0 else (self.combined.high - self.combined.low) / base

    def describe(self) -> str:
        pct = f"{self.level * 100:g}%"
        lo, hi = min(self.observed), max(self.observed)
        return (
            f"Taking {self.baseline_rule} as certain: {self.baseline.best:,.0f} ({pct} {self.baseline.low:,.0f}–"
            f"{self.baseline.high:,.0f}). Over {self.draws} plausible matchings (each link kept with its "
            f"probability, one record per list per unit) the documented total runs from {lo:,} to {hi:,}, and the "
            f"estimate becomes {self.combined.best:,.0f} ({pct} {self.combined.low:,.0f}–"
            f"{self.combined.high:,.0f}): the interval is {self.widening:.2f} times as wide once matching "
            "uncertainty is counted."
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "draws": self.draws,
            "baseline": {"estimate": self.baseline.best, "low": self.baseline.low, "high": self.baseline.high,
                         "observed": self.baseline_observed, "rule": self.baseline_rule},
            "combined": {"estimate": self.combined.best, "low": self.combined.low, "high": self.combined.high},
            "observed": {"min": min(self.observed), "max": max(self.observed)},
            "widening": self.widening,
            "within_variance": self.within_variance,
            "between_variance": self.between_variance,
            "level": self.level,
        }


# -- input ------------------------------------------------------------------------------------


def _record_frame(records: pd.DataFrame | Mapping[str, pd.DataFrame], list_col: str) -> pd.DataFrame:
    """One frame from either a frame with a list column or {list name: that list's records}."""
    if isinstance(records, Mapping):
        parts = [frame.assign(**{list_col: str(name)}) for name, frame in records.items()]
        if not parts:
            raise InputError([Problem("<records>", 0, list_col, "no lists given")])
        return pd.concat(parts, ignore_index=True)
    return records


def _keys(frame: pd.DataFrame, id_col: str, where: str) -> list[Hashable]:
    """Record keys: `id_col` when present, else (source, source_id) as kit.match identifies records."""
    if id_col in frame.columns:
        return list(frame[id_col])
    if {"source", "source_id"} <= set(frame.columns):
        return list(zip(frame["source"].astype(str), frame["source_id"].astype(str), strict=True))
    raise InputError([Problem(where, 1, id_col, f"missing column {id_col!r} (or source and source_id)")])


def _pair_keys(pairs: pd.DataFrame, prob_col: str) -> tuple[list[Hashable], list[Hashable]]:
    problems = [Problem("<pairs>", 1, prob_col, f"missing column {prob_col!r}")] if prob_col not in pairs else []
    if {"left", "right"} <= set(pairs.columns):
        keys = list(pairs["left"]), list(pairs["right"])
    elif set(_MATCH_COLUMNS) <= set(pairs.columns):
        keys = (list(zip(pairs["source_a"].astype(str), pairs["id_a"].astype(str), strict=True)),
                list(zip(pairs["source_b"].astype(str), pairs["id_b"].astype(str), strict=True)))
    else:
        problems.append(Problem("<pairs>", 1, "left", "needs columns left and right, or source_a, id_a, "
                                "source_b and id_b (kit.match.link_probabilities)"))
        keys = [], []
    if problems:
        raise InputError(problems)
    return keys


def _check(keys: list[Hashable], lists: pd.Series, left: list[Hashable], right: list[Hashable],
           probs: np.ndarray, list_col: str, prob_col: str) -> None:
    problems: list[Problem] = []
    seen: set[Hashable] = set()
    for key in keys:
        if key in seen:
            problems.append(Problem("<records>", 0, "record", f"record id {key!r} appears more than once"))
            break
        seen.add(key)
    if lists.isna().any():
        problems.append(Problem("<records>", 0, list_col, "a record has no list"))
    for i, (lk, rk, p) in enumerate(zip(left, right, probs, strict=True)):
        line = i + 2
        for side, value in (("left", lk), ("right", rk)):
            if value not in seen:
                problems.append(Problem("<pairs>", line, side, f"unknown record id {value!r}"))
        if not (0 <= p <= 1):
            problems.append(Problem("<pairs>", line, prob_col, f"must be a probability in [0, 1], got {p!r}"))
    if problems:
        raise InputError(problems[:50])


# -- drawing matchings --------------------------------------------------------------------------


class _Matching:
    """Kept links as an adjacency, with the one-record-per-list-per-unit check."""

    def __init__(self, left: np.ndarray, right: np.ndarray, list_of: np.ndarray) -> None:
        self.left, self.right, self.list_of = left, right, list_of
        self.kept = np.zeros(len(left), dtype=bool)
        self.nbrs: list[dict[int, int]] = [{} for _ in range(len(list_of))]  # record -> {other record: link}

    def _unit(self, start: int) -> set[int]:
        seen, todo = {start}, [start]
        while todo:
            for other in self.nbrs[todo.pop()]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    def allowed(self, k: int) -> bool:
        """Would keeping link k leave every unit with at most one record per list?"""
        a, b = int(self.left[k]), int(self.right[k])
        if not self.nbrs[a] and not self.nbrs[b]:
            return bool(self.list_of[a] != self.list_of[b])
        unit_a = self._unit(a)
        if b in unit_a:
            return True
        lists_a = {int(self.list_of[r]) for r in unit_a}
        return not any(int(self.list_of[r]) in lists_a for r in self._unit(b))

    def set(self, k: int, on: bool) -> None:
        if on == self.kept[k]:
            return
        a, b = int(self.left[k]), int(self.right[k])
        if on:
            self.nbrs[a][b] = k
            self.nbrs[b][a] = k
        else:
            del self.nbrs[a][b]
            del self.nbrs[b][a]
        self.kept[k] = on

    def sweep(self, p: np.ndarray, rng: np.random.Generator) -> None:
        """One Gibbs sweep in random order: each link on with probability p if allowed, off otherwise."""
        u = rng.random(len(p))
        for k in rng.permutation(len(p)):
            self.set(int(k), False)
            if u[k] < p[k] and self.allowed(int(k)):
                self.set(int(k), True)


def _histories(m: _Matching, names: list[str]) -> CaptureHistories:
    """Units are connected components of the kept links; each unit's history is the lists of its records."""
    n = len(m.list_of)
    graph = sparse.coo_matrix((np.ones(int(m.kept.sum())), (m.left[m.kept], m.right[m.kept])), shape=(n, n))
    n_units, label = connected_components(graph, directed=False)
    member = np.zeros((n_units, len(names)), dtype=np.int64)
    np.add.at(member, (label, m.list_of), 1)
    patterns, counts = np.unique(np.minimum(member, 1), axis=0, return_counts=True)
    cells = {tuple(int(v) for v in pat): int(c) for pat, c in zip(patterns, counts, strict=True)}
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
        why = " ".join(f"{w.code}: {w.message}" for w in res.warnings[:2])
        raise ValueError(f"a plausible matching leaves nothing to estimate from ({h.n:,} units): {why}")
    return res.estimate, res.se**2, np.zeros(0)


def _baseline(m: _Matching, p: np.ndarray, pairs: pd.DataFrame, threshold: float) -> str:
    """Start from the matcher's own links (`linked`) or, without them, links with p >= threshold, likeliest first."""
    if "linked" in pairs.columns:  # bool from a frame, text ("True", "1") from a CSV read as strings
        linked = pairs["linked"].astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
        wanted, rule = linked.to_numpy(), "the matcher's own links"
    else:
        wanted, rule = p >= threshold, f"links with probability >= {threshold:g}"
    for k in np.argsort(-p, kind="stable"):
        if wanted[k] and m.allowed(int(k)):
            m.set(int(k), True)
    return rule


def estimate_with_matching(
    records: pd.DataFrame | Mapping[str, pd.DataFrame],
    pairs: pd.DataFrame,
    *,
    id_column: str = "record_id",
    list_column: str = "list",
    probability: str = "probability",
    draws: int = 50,
    method: str = "loglinear",
    threshold: float = 0.5,
    sweeps: int = 3,
    seed: int = 0,
    level: float = 0.95,
    lcmcr_options: Mapping[str, object] | None = None,
) -> MatchingUncertainty:
    """Estimate N over `draws` plausible matchings of `records` given candidate `pairs` with link probabilities.

    `records`: one row per record with its id (`id_column`, or `source` and
    `source_id` as in kit.match) and its list (`list_column`); or
    `{list name: that list's records}`, e.g. the two frames given to
    `kit.match.match_incidents`. `pairs`: `left`, `right` and `probability`, or
    the table of `kit.match.link_probabilities`. Records in no kept link are
    units of their own. `method`: "loglinear" (Chapman for two lists, else the
    chosen log-linear model; Rubin's rules) or "lcmcr" (posterior draws pooled).
    The baseline takes the matcher's `linked` pairs (or p >= `threshold`) as
    certain. `sweeps` Gibbs sweeps separate consecutive drawn matchings.
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    if draws < 2 or sweeps < 1:
        raise ValueError("draws must be at least 2 and sweeps at least 1")
    frame = _record_frame(records, list_column)
    keys = _keys(frame, id_column, "<records>")
    if list_column not in frame.columns:
        raise InputError([Problem("<records>", 1, list_column, f"missing column {list_column!r}")])
    left_keys, right_keys = _pair_keys(pairs, probability)
    p = pd.to_numeric(pairs[probability], errors="coerce").to_numpy(dtype=float)
    _check(keys, frame[list_column], left_keys, right_keys, p, list_column, probability)
    names = list(dict.fromkeys(frame[list_column].astype(str)))
    index = {key: i for i, key in enumerate(keys)}
    list_of = frame[list_column].astype(str).map({n: j for j, n in enumerate(names)}).to_numpy(dtype=np.int64)
    left = np.array([index[k] for k in left_keys], dtype=np.int64)
    right = np.array([index[k] for k in right_keys], dtype=np.int64)
    options = dict(lcmcr_options or {"burnin": 2_000, "samples": 500, "thin": 10, "chains": 2})
    m = _Matching(left, right, list_of)
    rule = _baseline(m, p, pairs, threshold)
    base_h = _histories(m, names)
    base_est, base_var, base_draws = _one(base_h, method, level, {**options, "seed": seed})
    rng = np.random.default_rng(seed)
    for _ in range(_BURN_SWEEPS):
        m.sweep(p, rng)
    ests: list[float] = []
    variances: list[float] = []
    observed: list[int] = []
    kept: list[int] = []
    pooled: list[np.ndarray] = []
    share = np.zeros(len(p))
    for d in range(draws):
        for _ in range(sweeps):
            m.sweep(p, rng)
        share += m.kept
        h = _histories(m, names)
        est, var, post = _one(h, method, level, {**options, "seed": seed + d + 1})
        ests.append(est)
        variances.append(var)
        observed.append(h.n)
        kept.append(int(m.kept.sum()))
        pooled.append(post)
    result = _combine(method, draws, level, rule, base_h, base_est, base_var, base_draws, ests, variances,
                      observed, kept, pooled)
    return replace(result, link_share=tuple(float(v) for v in share / draws))


def _combine(
    method: str, draws: int, level: float, rule: str, base_h: CaptureHistories, base_est: float, base_var: float,
    base_draws: np.ndarray, ests: list[float], variances: list[float], observed: list[int], kept: list[int],
    pooled: list[np.ndarray],
) -> MatchingUncertainty:
    """Rubin's rules (log-linear / Chapman) or pooled posterior draws (LCMCR), beside the baseline."""
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
                               between, level, rule, tuple(kept))
