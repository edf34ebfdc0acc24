"""Bayesian model averaging over decomposable graphical models (Madigan & York 1997), as the R package `dga`.

Each decomposable graph on the lists is a hypothesis about which lists depend
on which; instead of choosing one (as AIC does for log-linear models), every
graph gets its posterior probability and the posterior of N is their mixture.
Priors as in `dga::bma.cr`: a hyper-Dirichlet with `delta` per cell of the full
table (delta * 2^(p - |C|) per cell of a clique's margin), p(N) proportional to
1/N unless a log prior is given, equal weight on every graph. Graphs are
enumerated here (chordality by maximum cardinality search) rather than read
from the package's stored lists; for 3-5 lists both give the same set.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import special

from kit.core import Range
from kit.estimate._common import EstimateWarning, _r
from kit.estimate._histories import CaptureHistories

_MAX_LISTS = 5
_GRID_POINTS = 4_000


@dataclass(frozen=True)
class Graph:
    """A decomposable graph: its maximal cliques and its (non-empty) junction-tree separators."""

    cliques: tuple[frozenset[int], ...]
    separators: tuple[frozenset[int], ...]


def _is_chordal(p: int, adj: list[set[int]]) -> tuple[bool, list[int]]:
    """Maximum cardinality search (Tarjan & Yannakakis 1984): chordal iff the reverse order is a perfect elimination."""
    weight = [0] * p
    order: list[int] = []
    left = set(range(p))
    while left:
        v = max(sorted(left), key=lambda u: weight[u])
        order.append(v)
        left.remove(v)
        for u in adj[v] & left:
            weight[u] += 1
    position = {v: i for i, v in enumerate(order)}
    for v in order:
        earlier = [u for u in adj[v] if position[u] < position[v]]
        if earlier:
            parent = max(earlier, key=lambda u: position[u])
            if not set(earlier) - {parent} <= adj[parent]:
                return False, order
    return True, order


def _cliques_and_separators(p: int, adj: list[set[int]], order: list[int]) -> Graph:
    """Maximal cliques from the MCS order, separators from a maximum-weight spanning tree of the clique graph."""
    position = {v: i for i, v in enumerate(order)}
    candidates = [frozenset({v} | {u for u in adj[v] if position[u] < position[v]}) for v in order]
    cliques = [c for c in candidates if not any(c < other for other in candidates)]
    cliques = list(dict.fromkeys(cliques))
    # Kruskal on clique intersections: the non-empty edges of the junction tree are the separators
    edges = sorted(
        ((len(a & b), i, j) for (i, a), (j, b) in itertools.combinations(enumerate(cliques), 2)), reverse=True
    )
    parent = list(range(len(cliques)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    separators: list[frozenset[int]] = []
    for size, i, j in edges:
        if size == 0:
            break
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
            separators.append(cliques[i] & cliques[j])
    key = sorted(cliques, key=lambda c: (len(c), sorted(c)))
    return Graph(tuple(key), tuple(sorted(separators, key=lambda c: (len(c), sorted(c)))))


def decomposable_graphs(p: int) -> tuple[Graph, ...]:
    """Every decomposable (chordal) graph on p vertices: 8 for 3 lists, 61 for 4, 822 for 5."""
    pairs = list(itertools.combinations(range(p), 2))
    out = []
    for mask in range(1 << len(pairs)):
        adj: list[set[int]] = [set() for _ in range(p)]
        for bit, (a, b) in enumerate(pairs):
            if mask >> bit & 1:
                adj[a].add(b)
                adj[b].add(a)
        chordal, order = _is_chordal(p, adj)
        if chordal:
            out.append(_cliques_and_separators(p, adj, order))
    return tuple(out)


@dataclass(frozen=True)
class BmaResult:
    """Posterior over (graph, N): per-graph probabilities and the model-averaged posterior of N."""

    lists: tuple[str, ...]
    n: int
    graphs: tuple[Graph, ...] = field(repr=False)
    weights: np.ndarray = field(repr=False)  # (graphs, values of N), sums to 1
    N: np.ndarray = field(repr=False)
    delta: float
    level: float

    @property
    def posterior(self) -> np.ndarray:
        """P(N = N[i] | data), averaged over graphs."""
        return np.asarray(self.weights.sum(axis=0))

    @property
    def graph_probabilities(self) -> np.ndarray:
        return np.asarray(self.weights.sum(axis=1))

    def _quantile(self, q: float) -> float:
        cdf = np.cumsum(self.posterior)
        return float(self.N[min(int(np.searchsorted(cdf, q)), len(self.N) - 1)])

    @property
    def median(self) -> float:
        return self._quantile(0.5)

    @property
    def mean(self) -> float:
        return float(np.sum(self.posterior * self.N))

    @property
    def mode(self) -> float:
        return float(self.N[int(np.argmax(self.posterior))])

    @property
    def interval(self) -> Range:
        tail = (1 - self.level) / 2
        return Range(self._quantile(tail), self._quantile(1 - tail), self.median)

    def bayes_relative_squared(self, weights: np.ndarray | None = None) -> float:
        """The Bayes estimate under relative squared loss (N - est)^2 / N, the one Madigan & York report."""
        w = self.posterior if weights is None else weights
        return float(np.sum(w / self.N) / np.sum(w / self.N**2))

    def top_graphs(self, k: int = 5) -> list[tuple[str, float]]:
        probs = self.graph_probabilities
        idx = np.argsort(-probs)[:k]
        return [(graph_label(self.graphs[i], self.lists), float(probs[i])) for i in idx]

    @property
    def saturated_probability(self) -> float:
        """Posterior probability of the graph joining every list in one clique (nothing left to identify N)."""
        p = len(self.lists)
        return float(sum(w for g, w in zip(self.graphs, self.graph_probabilities, strict=True)
                         if len(g.cliques) == 1 and len(g.cliques[0]) == p))

    @property
    def warnings(self) -> tuple[EstimateWarning, ...]:
        sat = self.saturated_probability
        if sat <= 0.5:
            return ()
        return (
            EstimateWarning(
                "bma_saturated",
                f"Model averaging gives {sat:.0%} of its weight to the graph in which every list depends on every "
                "other. Under that graph the table says nothing about the unseen, and the prior (delta) decides "
                "the answer, which then sits near the documented count. Strong dependence everywhere is also "
                "what unequal catchability looks like: read the latent-class (LCMCR) estimate instead.",
            ),
        )

    def to_dict(self) -> dict[str, object]:
        mass_at_end = float(self.posterior[-1] * len(self.N))
        return {
            "method": "dga_bma",
            "lists": list(self.lists),
            "observed": self.n,
            "delta": self.delta,
            "median": _r(self.median),
            "mean": _r(self.mean),
            "low": _r(self.interval.low),
            "high": _r(self.interval.high),
            "level": self.level,
            "top_graphs": [{"graph": g, "probability": _r(p, 4)} for g, p in self.top_graphs()],
            "truncated_at": int(self.N[-1]),
            "tail_density_ratio": _r(mass_at_end),
            "warnings": [w.to_dict() for w in self.warnings],
        }


def graph_label(graph: Graph, lists: Sequence[str]) -> str:
    """A graph as its cliques, e.g. `[A,B] [C]` (lists in the same clique depend on each other)."""
    return " ".join("[" + ",".join(lists[i] for i in sorted(c)) + "]" for c in graph.cliques)


def _table(h: CaptureHistories) -> np.ndarray:
    """The 2^p table with axis i = list i (index 1 = on the list); the all-zero cell is 0."""
    y = np.zeros((2,) * h.t)
    for pattern, count in zip(h.patterns, h.counts, strict=True):
        y[pattern] = count
    return y


def _margin_loglik(y: np.ndarray, axes: frozenset[int], n_missing: np.ndarray, delta: float) -> np.ndarray:
    """dga's CompLogML: log marginal likelihood pieces of one margin, for every value of the unseen count."""
    drop = tuple(i for i in range(y.ndim) if i not in axes)
    d = y.sum(axis=drop).reshape(-1) if drop else y.reshape(-1)
    zero = d[0] + n_missing + delta
    return np.asarray(
        special.gammaln(zero) + float(np.sum(special.gammaln(d[1:] + delta))) - len(d) * special.gammaln(delta)
    )


def bma(
    h: CaptureHistories,
    *,
    delta: float | None = None,
    n_missing: Sequence[int] | np.ndarray | None = None,
    log_prior: np.ndarray | None = None,
    level: float = 0.95,
) -> BmaResult:
    """Model-averaged posterior of N over all decomposable graphs (3-5 lists), as `dga::bma.cr`.

    `delta` defaults to 2^-p (dga's suggested default); `log_prior` to -log(N);
    `n_missing` to 0..10 times the documented count, on a grid of at most
    about 4,000 points (every integer for small tables, evenly spaced beyond)
    so that 822 graphs x the grid stays small in memory.
    """
    h = h.drop_empty_lists()
    p = h.t
    if not 3 <= p <= _MAX_LISTS:
        raise ValueError(
            f"model averaging over decomposable graphs is implemented for 3 to 5 lists, got {p}; "
            "with more lists use lcmcr()"
        )
    delta = 2.0**-p if delta is None else float(delta)
    if n_missing is None:
        step = max(1, -(-10 * h.n // _GRID_POINTS))
        missing = np.arange(0, 10 * h.n + 1, step, dtype=float)
    else:
        missing = np.asarray(n_missing, dtype=float)
    y = _table(h)
    n = h.n
    total = missing + n
    cells = 2**p
    denominator = special.gammaln(cells * delta) - special.gammaln(total + cells * delta)
    multinomial = special.gammaln(total + 1) - float(np.sum(special.gammaln(y.reshape(-1)[1:] + 1))) - special.gammaln(
        missing + 1
    )
    prior = -np.log(total) if log_prior is None else np.asarray(log_prior, dtype=float)
    cache: dict[frozenset[int], np.ndarray] = {}

    def piece(axes: frozenset[int]) -> np.ndarray:
        if axes not in cache:
            cache[axes] = _margin_loglik(y, axes, missing, delta * 2 ** (p - len(axes)))
        return cache[axes]

    graphs = decomposable_graphs(p)
    logw = np.empty((len(graphs), len(missing)))
    for g, graph in enumerate(graphs):
        row = sum((piece(c) for c in graph.cliques), np.zeros(len(missing)))
        row = row - sum((piece(s) for s in graph.separators), np.zeros(len(missing)))
        logw[g] = row + (len(graph.cliques) - len(graph.separators)) * denominator
    logw += multinomial + prior
    logw -= logw.max()
    w = np.exp(logw)
    w /= w.sum()
    return BmaResult(h.lists, n, graphs, w, total.astype(float), delta, level)
