"""Multiple systems estimation (capture-recapture): what no list recorded, with its uncertainty.

Two lists that overlap say something about what both missed; three or more
lists let the dependence between lists be modelled. Every estimate here is
returned with its interval, the model it came from, the assumptions it rests on
(closed population, list dependence modelled or not, perfect matching) and
warnings in words, because an MSE figure without those is read as a count.

Methods (see docs/ESTIMATE.md):
- two lists: Lincoln-Petersen and Chapman (Chapman 1951; Seber 1982), log-normal
  interval of Chao (1987) so the lower bound never falls below what was seen;
- three or more lists: every hierarchical Poisson log-linear model with main
  effects and any set of two-way interactions (Fienberg 1972; Bishop, Fienberg &
  Holland 1975), fitted with statsmodels GLM, selection by AIC and BIC,
  N = n + exp(intercept), profile-likelihood interval as Rcapture's `closedpCI`
  (Cormack 1992);
- Chao's (1987) heterogeneity lower bound and its bias-corrected form;
- strata estimated one by one and summed.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings as _pywarnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, special, stats

from kit.core import Range
from kit.estimate._common import EstimateWarning, _r
from kit.estimate._histories import (
    CaptureHistories,
    HistoryFile,
)

ASSUMPTIONS: dict[str, str] = {
    "closed_population": (
        "Closed population: everything counted (deaths, or incidents, as the lists define them) could have been "
        "recorded by each list over the same period and place; what lies outside that scope is not estimated."
    ),
    "perfect_matching": (
        "Perfect matching: records of the same unit were linked across lists and different units were "
        "not merged; matching errors move the overlap and therefore the estimate."
    ),
    "independence_two_lists": (
        "Two lists: the lists are assumed independent and every unit equally likely to be recorded. Lists "
        "that draw on each other (e.g. one investigates what the other reports) are positively dependent, "
        "which biases the estimate low; read it as a sensitivity floor, not a total."
    ),
    "dependence_modelled": (
        "Three or more lists: pairwise dependence between lists is modelled by the chosen log-linear "
        "model; dependence involving three or more lists at once, and unequal catchability, are not."
    ),
    "chao_lower_bound": (
        "Chao's estimate is a lower bound under unequal catchability, from the units seen once and twice; "
        "it does not model which lists saw them."
    ),
}

_SWING_RATIO = 2.0
_SWING_DELTA_AIC = 2.0
_SPARSE = 5
_UNBOUNDED_FACTOR = 1000.0
_PROFILE_ALL_UP_TO = 64
_PROFILE_TOP = 12
_EXHAUSTIVE_UP_TO = 1024
_PROFILE_TOP_UP_TO_LISTS = 6
LOGLINEAR_MAX_LISTS = 8  # beyond this the forward search alone takes minutes (issue 16: 12 lists, 295 s)


# -- results ---------------------------------------------------------------


def _range_dict(r: Range | None) -> dict[str, float | None]:
    if r is None:
        return {"low": None, "high": None}
    return {"low": _r(r.low), "high": _r(r.high)}


@dataclass(frozen=True)
class TwoListEstimate:
    """Lincoln-Petersen or Chapman from two lists; `estimate` is None when undefined (no overlap)."""

    method: str
    lists: tuple[str, str]
    n_a: int
    n_b: int
    m: int
    n: int
    estimate: float | None
    se: float | None
    interval: Range | None
    level: float
    note: str = ""

    @property
    def defined(self) -> bool:
        return self.estimate is not None

    @property
    def unobserved(self) -> float | None:
        return None if self.estimate is None else self.estimate - self.n

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "lists": list(self.lists),
            "n_a": self.n_a,
            "n_b": self.n_b,
            "m": self.m,
            "union": self.n,
            "estimate": _r(self.estimate),
            "se": _r(self.se),
            **_range_dict(self.interval),
            "defined": self.defined,
            "note": self.note,
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.to_dict()])


@dataclass(frozen=True)
class ModelFit:
    """One Poisson log-linear model fitted to the observed cells."""

    name: str
    terms: tuple[str, ...]
    n_params: int
    deviance: float
    df: int
    aic: float
    bic: float
    estimate: float | None
    unobserved: float | None
    se: float | None
    interval: Range | None
    interval_method: str
    converged: bool
    estimable: bool
    notes: tuple[str, ...] = ()
    delta_aic: float = 0.0
    delta_bic: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "model": self.name,
            "terms": list(self.terms),
            "n_params": self.n_params,
            "deviance": _r(self.deviance),
            "df": self.df,
            "aic": _r(self.aic),
            "bic": _r(self.bic),
            "delta_aic": _r(self.delta_aic),
            "delta_bic": _r(self.delta_bic),
            "estimate": _r(self.estimate),
            "unobserved": _r(self.unobserved),
            "se": _r(self.se),
            **_range_dict(self.interval),
            "interval_method": self.interval_method,
            "converged": self.converged,
            "estimable": self.estimable,
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.to_dict()])


@dataclass(frozen=True)
class LoglinearResult:
    """All fitted hierarchical models, the ones chosen by AIC and by BIC, and the spread between them."""

    lists: tuple[str, ...]
    n: int
    models: tuple[ModelFit, ...]
    chosen_aic: str | None
    chosen_bic: str | None
    search: str
    level: float

    def model(self, name_or_terms: str | Sequence[str]) -> ModelFit:
        """A fitted model by name (`"A:B + B:C"`, `"independence"`) or by its terms in any order."""
        if isinstance(name_or_terms, str):
            for m in self.models:
                if m.name == name_or_terms:
                    return m
            wanted = frozenset(t.strip() for t in name_or_terms.split("+") if t.strip() != "independence")
        else:
            wanted = frozenset(name_or_terms)
        for m in self.models:
            if frozenset(m.terms) == frozenset(_canon(t, self.lists) for t in wanted):
                return m
        raise KeyError(f"no fitted model {name_or_terms!r}")

    def chosen(self, criterion: str = "aic") -> ModelFit | None:
        name = self.chosen_aic if criterion == "aic" else self.chosen_bic
        return None if name is None else self.model(name)

    @property
    def model_range(self) -> Range | None:
        """Smallest and largest N among estimable models: the sensitivity to the model."""
        values = [m.estimate for m in self.models if m.estimable and m.estimate is not None]
        return Range(min(values), max(values)) if values else None

    def to_frame(self) -> pd.DataFrame:
        """One row per model, best AIC first."""
        rows = [m.to_dict() for m in self.models]
        frame = pd.DataFrame(rows)
        frame["chosen_aic"] = frame["model"] == self.chosen_aic
        frame["chosen_bic"] = frame["model"] == self.chosen_bic
        frame["terms"] = frame["terms"].map(tuple)
        frame["notes"] = frame["notes"].map(lambda xs: "; ".join(xs))
        return frame.sort_values(["aic", "n_params"], kind="stable").reset_index(drop=True)

    def to_dict(self) -> dict[str, object]:
        return {
            "lists": list(self.lists),
            "search": self.search,
            "chosen_aic": self.chosen_aic,
            "chosen_bic": self.chosen_bic,
            "model_range": _range_dict(self.model_range),
            "models": [m.to_dict() for m in sorted(self.models, key=lambda m: (m.aic, m.n_params, m.name))],
        }


@dataclass(frozen=True)
class ChaoEstimate:
    """Chao's (1987) lower bound from f1 (seen once) and f2 (seen twice)."""

    n: int
    f1: int
    f2: int
    lower_bound: float | None
    bias_corrected: float
    se: float | None
    interval: Range | None
    level: float
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "f1": self.f1,
            "f2": self.f2,
            "lower_bound": _r(self.lower_bound),
            "bias_corrected": _r(self.bias_corrected),
            "se": _r(self.se),
            **_range_dict(self.interval),
            "note": self.note,
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.to_dict()])


@dataclass(frozen=True)
class EstimateResult:
    """Everything estimated from one capture-history table, ready for a table, a chart or JSON."""

    histories: CaptureHistories
    method: str | None
    model: str | None
    estimate: float | None
    interval: Range | None
    interval_method: str | None
    se: float | None
    two_list: tuple[TwoListEstimate, ...]
    loglinear: LoglinearResult | None
    chao: ChaoEstimate
    warnings: tuple[EstimateWarning, ...]
    assumptions: tuple[str, ...]
    criterion: str
    level: float

    @property
    def n(self) -> int:
        return self.histories.n

    @property
    def defined(self) -> bool:
        return self.estimate is not None

    @property
    def unobserved(self) -> float | None:
        return None if self.estimate is None else self.estimate - self.n

    @property
    def range(self) -> Range | None:
        """The chosen estimate as a `Range` (interval with the point estimate as best)."""
        if self.interval is None or self.estimate is None:
            return None
        return Range(self.interval.low, self.interval.high, self.estimate)

    def documented(self) -> pd.DataFrame:
        """Documented counts: one row per list, then the union of all lists."""
        rows = [{"what": name, "kind": "list", "count": c} for name, c in self.histories.list_totals().items()]
        rows.append({"what": "union of all lists", "kind": "union", "count": self.n})
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        """One row: the chosen estimate and what it rests on (missing numbers are NaN)."""
        frame = pd.DataFrame(
            [
                {
                    "stratum": self.histories.label or "all",
                    "lists": ", ".join(self.histories.lists),
                    "observed": self.n,
                    "method": self.method,
                    "model": self.model,
                    "estimate": self.estimate,
                    "low": None if self.interval is None else self.interval.low,
                    "high": None if self.interval is None else self.interval.high,
                    "interval_method": self.interval_method,
                    "se": self.se,
                    "warnings": len(self.warnings),
                }
            ]
        )
        for col in ("estimate", "low", "high", "se"):
            frame[col] = pd.to_numeric(frame[col]).astype(float)
        return frame

    def to_dict(self) -> dict[str, object]:
        return {
            "observed": self.histories.to_dict(),
            "dropped_lists": list(self.histories.dropped_lists),
            "criterion": self.criterion,
            "level": self.level,
            "chosen": {
                "method": self.method,
                "model": self.model,
                "estimate": _r(self.estimate),
                "unobserved": _r(self.unobserved),
                "se": _r(self.se),
                **_range_dict(self.interval),
                "interval_method": self.interval_method,
                "defined": self.defined,
            },
            "two_list": [e.to_dict() for e in self.two_list],
            "loglinear": None if self.loglinear is None else self.loglinear.to_dict(),
            "chao": self.chao.to_dict(),
            "warnings": [w.to_dict() for w in self.warnings],
            "assumptions": list(self.assumptions),
        }


@dataclass(frozen=True)
class StratifiedResult:
    """Per-stratum estimates and their sum.

    Two intervals for the total: `interval_sum` adds the per-stratum interval
    ends (interval arithmetic: it holds whatever the dependence between strata,
    and is wide); `interval_independent` is total ± z·sqrt(sum of variances),
    valid if strata are estimated independently, floored at the documented total.
    Strata whose estimate is undefined add their documented count only and are
    named in the warnings.
    """

    strata: tuple[tuple[str, EstimateResult], ...]
    observed: int
    estimate: float
    interval_sum: Range | None
    interval_independent: Range | None
    undefined_strata: tuple[str, ...]
    warnings: tuple[EstimateWarning, ...]
    level: float

    def to_frame(self) -> pd.DataFrame:
        frames = [r.to_frame().assign(stratum=label) for label, r in self.strata]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def to_dict(self) -> dict[str, object]:
        return {
            "strata": [{"stratum": label, "result": r.to_dict()} for label, r in self.strata],
            "total": {
                "observed": self.observed,
                "estimate": _r(self.estimate),
                "interval_sum": _range_dict(self.interval_sum),
                "interval_independent": _range_dict(self.interval_independent),
                "undefined_strata": list(self.undefined_strata),
                "combination": (
                    "estimate = sum of per-stratum chosen estimates (documented count for undefined strata); "
                    "interval_sum = sum of per-stratum interval ends; "
                    "interval_independent = estimate +/- z*sqrt(sum of per-stratum variances), floored at observed"
                ),
            },
            "warnings": [w.to_dict() for w in self.warnings],
            "level": self.level,
        }


# -- two lists -------------------------------------------------------------


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    return float(stats.norm.ppf(0.5 + level / 2))


def _log_normal_interval(n: int, estimate: float, variance: float | None, level: float) -> Range | None:
    """Chao (1987, eq. 12) interval: log-normal on the unseen part, so low >= documented n."""
    if variance is None or not math.isfinite(estimate):
        return None
    f0 = estimate - n
    if f0 <= 0 or variance <= 0:
        return Range(max(estimate, n), max(estimate, n), max(estimate, n))
    c = math.exp(_z(level) * math.sqrt(math.log1p(variance / f0**2)))
    return Range(n + f0 / c, n + f0 * c, estimate)


def _check_two(n_a: int, n_b: int, m: int) -> None:
    for name, v in (("n_a", n_a), ("n_b", n_b), ("m", m)):
        if int(v) != v or v < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {v!r}")
    if m > min(n_a, n_b):
        raise ValueError(f"overlap m={m} cannot exceed either list (n_a={n_a}, n_b={n_b})")


def lincoln_petersen(
    n_a: int, n_b: int, m: int, *, level: float = 0.95, lists: tuple[str, str] = ("A", "B")
) -> TwoListEstimate:
    """N = n_a n_b / m, Var = n_a n_b (n_a-m)(n_b-m) / m^3 (Seber 1982); undefined when m = 0."""
    _check_two(n_a, n_b, m)
    n = n_a + n_b - m
    if m == 0:
        return TwoListEstimate(
            "lincoln_petersen", lists, n_a, n_b, m, n, None, None, None, level,
            "undefined: no unit is on both lists, so the overlap says nothing about what both missed",
        )
    est = n_a * n_b / m
    var = n_a * n_b * (n_a - m) * (n_b - m) / m**3
    return TwoListEstimate(
        "lincoln_petersen", lists, n_a, n_b, m, n, est, math.sqrt(var), _log_normal_interval(n, est, var, level), level
    )


def chapman(
    n_a: int, n_b: int, m: int, *, level: float = 0.95, lists: tuple[str, str] = ("A", "B")
) -> TwoListEstimate:
    """N = (n_a+1)(n_b+1)/(m+1) - 1 with Chapman's (1951) variance; reported as undefined when m = 0.

    The formula returns a number at m = 0, but that number comes from the +1
    correction, not from the data; it is given in the note, never as an estimate.
    """
    _check_two(n_a, n_b, m)
    n = n_a + n_b - m
    est = (n_a + 1) * (n_b + 1) / (m + 1) - 1
    var = (n_a + 1) * (n_b + 1) * (n_a - m) * (n_b - m) / ((m + 1) ** 2 * (m + 2))
    if m == 0:
        return TwoListEstimate(
            "chapman", lists, n_a, n_b, m, n, None, None, None, level,
            f"undefined: no unit is on both lists; the formula's {est:,.0f} reflects its +1 correction, not evidence",
        )
    return TwoListEstimate(
        "chapman", lists, n_a, n_b, m, n, est, math.sqrt(var), _log_normal_interval(n, est, var, level), level
    )


def _pair_counts(h: CaptureHistories) -> np.ndarray:
    """Units on both lists of every pair (the diagonal: units on each list), in one product over the histories."""
    x, w = h.arrays()
    return (x * w[:, None]).T @ x


def pairwise_two_list(h: CaptureHistories, *, level: float = 0.95) -> tuple[TwoListEstimate, ...]:
    """Chapman for every pair of lists, ignoring the others: what a two-list analysis of each pair would say."""
    both = _pair_counts(h)
    return tuple(chapman(int(both[i, i]), int(both[j, j]), int(both[i, j]), level=level, lists=(h.lists[i], h.lists[j]))
                 for i, j in itertools.combinations(range(h.t), 2))


# -- Chao ---------------------------------------------------------------------


def chao_lower_bound(h: CaptureHistories, *, level: float = 0.95, finite_lists: bool = True) -> ChaoEstimate:
    """Chao's (1987) lower bound n + k f1^2/(2 f2) and bias-corrected n + k f1(f1-1)/(2(f2+1)).

    k = (t-1)/t for t lists (Chao 1987, as in CARE1 and Rcapture's "Mh Chao"),
    or 1 with `finite_lists=False` (the many-occasion form n + f1^2/(2 f2)).
    Variance from Chao (1987), interval log-normal on the unseen part.
    """
    f = h.frequencies()
    f1, f2, n = f.get(1, 0), f.get(2, 0), h.n
    k = (h.t - 1) / h.t if finite_lists else 1.0
    bc = n + k * f1 * (f1 - 1) / (2 * (f2 + 1))
    if f2 == 0:
        return ChaoEstimate(
            n, f1, f2, None, bc, None, None, level,
            "no unit is on exactly two lists (f2 = 0): the lower bound is undefined; "
            "only the bias-corrected form is given",
        )
    lb = n + k * f1**2 / (2 * f2)
    ratio = f1 / f2
    var = f2 * (k**2 * ratio**4 / 4 + k**2 * ratio**3 + k * ratio**2 / 2)
    return ChaoEstimate(n, f1, f2, lb, bc, math.sqrt(var), _log_normal_interval(n, lb, var, level), level)


# -- log-linear models ------------------------------------------------------------


def _term(a: str, b: str) -> str:
    return f"{a}:{b}"


def _canon(term: str, lists: Sequence[str]) -> str:
    a, _, b = term.partition(":")
    a, b = a.strip(), b.strip()
    if a not in lists or b not in lists:
        raise KeyError(f"term {term!r} does not name two of the lists {list(lists)}")
    return _term(*sorted((a, b), key=list(lists).index))


def _model_name(terms: Sequence[str]) -> str:
    return " + ".join(terms) if terms else "independence"


class _Design:
    """Design matrices for the observed cells and, for the profile, the unobserved cell."""

    def __init__(self, h: CaptureHistories) -> None:
        self.h = h
        self.hist = np.array(h.patterns, dtype=float)
        self.y = np.array(h.counts, dtype=float)
        self.pairs = list(itertools.combinations(range(h.t), 2))
        self.pair_names = [_term(h.lists[i], h.lists[j]) for i, j in self.pairs]

    def matrix(self, terms: Sequence[str]) -> np.ndarray:
        cols = [np.ones(len(self.y)), *self.hist.T]
        for name in terms:
            i, j = self.pairs[self.pair_names.index(name)]
            cols.append(self.hist[:, i] * self.hist[:, j])
        return np.column_stack(cols)


def _glm(y: np.ndarray, x: np.ndarray, start: np.ndarray | None = None) -> tuple[Any, list[str]]:
    """A Poisson GLM fit (statsmodels' untyped GLMResults) and the first line of each warning it raised."""
    caught: list[str] = []
    with _pywarnings.catch_warnings(record=True) as record:
        _pywarnings.simplefilter("always")
        res = sm.GLM(y, x, family=sm.families.Poisson()).fit(start_params=start, maxiter=100, tol=1e-12)
    for w in record:
        caught.append(str(w.message).splitlines()[0])
    return res, caught


def _profile_interval(
    design: _Design, x: np.ndarray, estimate: float, level: float
) -> tuple[Range | None, str]:
    """Profile multinomial likelihood interval for N (Cormack 1992), as Rcapture's closedpCI.

    For a candidate N the unobserved cell is set to N - n and the model refitted
    on all 2^t cells; the multinomial log-likelihood is -deviance/2 plus
    Cormack's term log(n0^n0 N! / (N^N n0!)). The interval holds the N whose
    log-likelihood is within chi2(1, level)/2 of the maximum.
    """
    n = design.h.n
    y_aug = np.append(design.y, 0.0)
    x_aug = np.vstack([x, np.eye(1, x.shape[1])])
    state: dict[str, np.ndarray | None] = {"start": None}

    def loglik(big_n: float) -> float:
        n0 = max(big_n - n, 0.0)
        y_aug[-1] = n0
        y_aug[-1] = max(n0, 1e-6)  # an exact zero puts the MLE on the boundary and IRLS fails
        res = None
        for start_params in (state["start"], None):
            try:
                with _pywarnings.catch_warnings():
                    _pywarnings.simplefilter("ignore")
                    res = sm.GLM(y_aug, x_aug, family=sm.families.Poisson()).fit(
                        start_params=start_params, maxiter=100, tol=1e-12
                    )
                break
            except (ValueError, np.linalg.LinAlgError):
                continue
        if res is None or not np.all(np.isfinite(res.params)):
            state["start"] = None
            return -math.inf
        state["start"] = res.params if res.converged else None
        total = n + n0
        ct = special.xlogy(n0, n0) + special.gammaln(total + 1) - special.xlogy(total, total) - special.gammaln(n0 + 1)
        return float(-res.deviance / 2 + ct)

    upper_search = 3 * estimate
    opt = optimize.minimize_scalar(lambda v: -loglik(v), bounds=(n, upper_search), method="bounded",
                                   options={"xatol": 1e-6 * max(estimate, 1.0)})
    n_max, l_max = float(opt.x), float(-opt.fun)
    target = l_max - stats.chi2.ppf(level, 1) / 2

    def gap(v: float) -> float:
        return loglik(v) - target

    def root(a: float, b: float) -> float | None:
        try:
            return float(optimize.brentq(gap, a, b, xtol=1e-10 * max(estimate, 1.0), rtol=1e-12))
        except ValueError:  # no sign change after all (a failed fit at an end)
            return None

    if gap(n_max) <= 0:  # the optimiser stopped at a failed fit; start from the Poisson estimate
        n_max = estimate
    low = float(n)
    if n_max - n > 1e-9 and gap(n) < 0:
        low = root(n, n_max) or float(n)
    high = math.inf
    lo_edge = n_max
    for factor in (3, 10, 100):
        hi_edge = factor * estimate
        if hi_edge <= lo_edge:
            continue
        if gap(hi_edge) < 0:
            high = root(lo_edge, hi_edge) or math.inf
            break
        lo_edge = hi_edge
    note = "" if math.isfinite(high) else "profile upper bound not reached below 100 times the estimate"
    best = estimate if low <= estimate <= high else None
    return Range(low, high, best), note


def _fit_model(
    design: _Design, terms: tuple[str, ...], *, level: float, log_n: float
) -> tuple[ModelFit, np.ndarray, np.ndarray]:
    h = design.h
    x = design.matrix(terms)
    res, caught = _glm(design.y, x)
    params = np.asarray(res.params)
    cov = np.asarray(res.cov_params())
    converged = bool(getattr(res, "converged", True))
    b0 = float(params[0])
    var_b0 = float(cov[0, 0])
    notes = [
        w for w in dict.fromkeys(caught)
        if not (res.df_resid < 0.5 and ("separation" in w or "divide by zero" in w))  # a saturated fit is exact
    ]
    unobserved = math.exp(b0) if b0 < 700 else math.inf
    estimable = converged and math.isfinite(unobserved)
    if estimable and (unobserved > _UNBOUNDED_FACTOR * max(h.n, 1) or np.max(np.abs(params[1:])) > 25):
        estimable = False
        notes.append(
            "not identified: a zero or near-zero cell pushes a parameter to the boundary, "
            "so the unobserved cell is effectively unbounded"
        )
    if estimable and unobserved < 1e-6 * max(h.n, 1) and min(h.counts) == 0:
        estimable = False
        notes.append(
            "not identified: a zero cell forces the unobserved cell to 0, which is a boundary, not an estimate"
        )
    if not converged:
        notes.append("the model did not converge")
    se = math.sqrt(unobserved + unobserved**2 * var_b0) if estimable and var_b0 >= 0 else None
    estimate = h.n + unobserved if estimable else None
    llf = float(res.llf)
    k = x.shape[1]
    fit = ModelFit(
        name=_model_name(terms),
        terms=terms,
        n_params=k,
        deviance=float(res.deviance),
        df=int(round(res.df_resid)),
        aic=-2 * llf + 2 * k,
        bic=-2 * llf + k * log_n,
        estimate=estimate,
        unobserved=unobserved if estimable else None,
        se=se,
        interval=_log_normal_interval(h.n, estimate, se**2, level) if estimate is not None and se is not None else None,
        interval_method="log-normal" if estimable else "none",
        converged=converged,
        estimable=estimable,
        notes=tuple(notes),
    )
    return fit, x, params


def _all_term_sets(pair_names: Sequence[str]) -> list[tuple[str, ...]]:
    return [combo for k in range(len(pair_names) + 1) for combo in itertools.combinations(pair_names, k)]


def _stepwise_term_sets(design: _Design, level: float, log_n: float) -> list[tuple[str, ...]]:
    """Forward selection by AIC from independence: used when exhaustive search is too large."""
    current: tuple[str, ...] = ()
    seen = [current]
    best = _fit_model(design, current, level=level, log_n=log_n)[0].aic
    while True:
        candidates = [current + (p,) for p in design.pair_names if p not in current]
        if not candidates:
            return seen
        scored = [(_fit_model(design, c, level=level, log_n=log_n)[0].aic, c) for c in candidates]
        seen.extend(c for _, c in scored)
        aic, choice = min(scored)
        if aic >= best:
            return seen
        best, current = aic, tuple(sorted(choice, key=design.pair_names.index))


def loglinear(
    h: CaptureHistories,
    *,
    level: float = 0.95,
    models: Sequence[Sequence[str]] | None = None,
    profile: bool | str = "auto",
) -> LoglinearResult:
    """Fit every hierarchical log-linear model up to two-way interactions and rank them by AIC and BIC.

    `models` restricts the fit to given term sets (e.g. `[["A:B"], ["A:B", "B:C"]]`).
    `profile`: True = profile-likelihood interval for every model, False = the
    log-normal interval only, "auto" = profile for all when there are at most
    64 models, else for the 12 best by AIC and the BIC choice.
    With more than 1,024 candidate models (6+ lists) the search is forward
    selection by AIC from independence; `search` says which was used.
    """
    if h.t < 3:
        raise ValueError("log-linear models need at least three lists; use chapman() for two")
    if h.sparse:
        raise ValueError(
            f"log-linear models need the full table of {2**h.t - 1:,} cells; with {h.t} lists only the histories "
            "seen are kept. Use lcmcr() (it works on those), or merge lists that record alike."
        )
    design = _Design(h)
    log_n = math.log(max(h.n, 1))
    if models is not None:
        term_sets = [tuple(sorted({_canon(t, h.lists) for t in m}, key=design.pair_names.index)) for m in models]
        search = "given"
    elif 2 ** len(design.pair_names) <= _EXHAUSTIVE_UP_TO:
        term_sets = _all_term_sets(design.pair_names)
        search = "exhaustive"
    else:
        term_sets = _stepwise_term_sets(design, level, log_n)
        search = "forward-aic"
    term_sets = list(dict.fromkeys(term_sets))
    fitted = [_fit_model(design, terms, level=level, log_n=log_n) for terms in term_sets]
    ok = [f for f, _, _ in fitted if f.estimable]
    min_aic = min((f.aic for f in ok), default=math.nan)
    min_bic = min((f.bic for f in ok), default=math.nan)
    chosen_aic = min(ok, key=lambda f: (f.aic, f.n_params)).name if ok else None
    chosen_bic = min(ok, key=lambda f: (f.bic, f.n_params)).name if ok else None
    if profile == "auto":
        if len(fitted) <= _PROFILE_ALL_UP_TO:
            wanted = {f.name for f in ok}
        elif h.t <= _PROFILE_TOP_UP_TO_LISTS:
            wanted = {f.name for f in sorted(ok, key=lambda f: f.aic)[:_PROFILE_TOP]}
            wanted |= {n for n in (chosen_bic,) if n}
        else:  # each profile refits on 2^t cells dozens of times: only the two chosen models
            wanted = {n for n in (chosen_aic, chosen_bic) if n}
    elif profile:
        wanted = {f.name for f in ok}
    else:
        wanted = set()
    out = []
    for fit, x, _params in fitted:
        changes: dict[str, object] = {
            "delta_aic": fit.aic - min_aic if ok else math.nan,
            "delta_bic": fit.bic - min_bic if ok else math.nan,
        }
        if fit.name in wanted and fit.estimate is not None:
            interval, note = _profile_interval(design, x, fit.estimate, level)
            changes.update(interval=interval, interval_method="profile")
            if note:
                changes["notes"] = fit.notes + (note,)
        out.append(_replace(fit, **changes))
    return LoglinearResult(h.lists, h.n, tuple(out), chosen_aic, chosen_bic, search, level)


def _replace(fit: ModelFit, **changes: object) -> ModelFit:
    return replace(fit, **changes)  # type: ignore[arg-type]


# -- warnings ------------------------------------------------------------------


def _some(items: Sequence[str], shown: int = 8) -> str:
    """The first few of a long list, then how many more (12 lists have 4,095 cells)."""
    more = len(items) - shown
    return "; ".join(items[:shown]) + (f"; and {more:,} more" if more > 0 else "")


def _data_warnings(h: CaptureHistories) -> list[EstimateWarning]:
    out: list[EstimateWarning] = []
    for name in h.dropped_lists:
        out.append(EstimateWarning("empty_list", f"List {name} holds no records in this table and was left out."))
    totals = h.list_totals()
    multi = sum(c for p, c in zip(h.patterns, h.counts, strict=True) if sum(p) >= 2)
    if h.n == 0:
        out.append(EstimateWarning("no_data", "No records in this table: nothing can be estimated."))
        return out
    if multi == 0:
        out.append(
            EstimateWarning(
                "zero_overlap",
                "No unit appears on more than one list: the lists share nothing, so the overlap gives no "
                "information about what all of them missed. The estimate is undefined (not infinite).",
            )
        )
    for i, name in enumerate(h.lists):
        others_only = sum(c for p, c in zip(h.patterns, h.counts, strict=True) if not p[i])
        if others_only == 0 and totals[name] > 0 and multi > 0:
            out.append(
                EstimateWarning(
                    "list_contains_others",
                    f"List {name} contains every unit seen on the other lists, so the other lists say nothing "
                    f"about what {name} missed. Formulas return the documented {h.n:,} (or nothing); that is a "
                    f"property of these data, not evidence that {name} is complete, so no estimate is given.",
                )
            )
    empty = [h.describe_cell(p) for p, c in zip(h.patterns, h.counts, strict=True) if c == 0]
    sparse = [f"{h.describe_cell(p)}: {c}" for p, c in zip(h.patterns, h.counts, strict=True) if 0 < c < _SPARSE]
    if empty and multi > 0:
        out.append(
            EstimateWarning(
                "empty_cell",
                "Empty cells (no unit with this history): " + _some(empty) + ". Models with an interaction "
                "between the lists involved may not be identified (Chan, Silverman & Vincent 2021).",
            )
        )
    if sparse:
        out.append(
            EstimateWarning(
                "sparse_cell",
                f"Sparse cells (fewer than {_SPARSE} units): " + _some(sparse) + ". Estimates that rest on "
                "these cells are unstable.",
            )
        )
    return out


def _model_warnings(ll: LoglinearResult) -> list[EstimateWarning]:
    out: list[EstimateWarning] = []
    bad = [m.name for m in ll.models if not m.converged]
    if bad:
        out.append(EstimateWarning("not_converged", "Models that did not converge: " + "; ".join(bad) + "."))
    unid = [m.name for m in ll.models if m.converged and not m.estimable]
    if unid:
        out.append(
            EstimateWarning(
                "not_identified",
                "Models whose unobserved cell is not identified (left out of the choice): " + "; ".join(unid) + ".",
            )
        )
    if not any(m.estimable for m in ll.models):
        out.append(EstimateWarning("no_model", "No log-linear model gives a usable estimate for this table."))
        return out
    near = [m for m in ll.models if m.estimable and m.delta_aic < _SWING_DELTA_AIC and m.estimate]
    if len(near) > 1:
        values = [m.estimate for m in near if m.estimate is not None]
        lo, hi = min(values), max(values)
        if lo > 0 and hi / lo > _SWING_RATIO:
            out.append(
                EstimateWarning(
                    "model_swing",
                    f"Models that fit about equally well (AIC within {_SWING_DELTA_AIC:g} of the best) give totals "
                    f"from {lo:,.0f} to {hi:,.0f} (ratio {hi / lo:.1f}): the data do not settle the dependence "
                    "between lists, so the choice of model drives the figure.",
                )
            )
    if ll.chosen_aic and ll.chosen_bic and ll.chosen_aic != ll.chosen_bic:
        a, b = ll.model(ll.chosen_aic), ll.model(ll.chosen_bic)
        out.append(
            EstimateWarning(
                "criteria_disagree",
                f"AIC chooses {a.name} (N = {a.estimate:,.0f}) and BIC chooses {b.name} (N = {b.estimate:,.0f}).",
            )
        )
    for m in ll.models:
        if m.estimable and m.interval is not None and not math.isfinite(m.interval.high):
            if m.name in (ll.chosen_aic, ll.chosen_bic):
                out.append(
                    EstimateWarning(
                        "open_interval",
                        f"The interval of {m.name} has no upper bound within 100 times the estimate.",
                    )
                )
    return out


# -- fit against the saturated model, and Chao above the estimate ------------------

_FIT_P = 0.05


def fit_p_value(model: ModelFit) -> float | None:
    """P(chi2_df >= deviance): small values mean the model does not reproduce the observed cells."""
    if model.df <= 0:
        return None
    return float(stats.chi2.sf(model.deviance, model.df))


def fit_warnings(ll: LoglinearResult, criterion: str = "aic") -> list[EstimateWarning]:
    """'No log-linear model fits these data' when every estimable model with free df is rejected at 5%."""
    testable = [m for m in ll.models if m.estimable and m.df > 0]
    out: list[EstimateWarning] = []
    chosen = ll.chosen(criterion)
    if testable and all((fit_p_value(m) or 0.0) < _FIT_P for m in testable):
        best = max(testable, key=lambda m: fit_p_value(m) or 0.0)
        saturated = any(m.estimable and m.df == 0 for m in ll.models)
        out.append(
            EstimateWarning(
                "no_loglinear_fit",
                "No log-linear model fits these data: every model that can be tested against the saturated model "
                f"is rejected (the best, {best.name}, has deviance {best.deviance:.1f} on {best.df} degrees of "
                f"freedom, p = {fit_p_value(best):.2g})"
                + (" and the one that fits exactly has no degrees of freedom left to test it" if saturated else "")
                + ". Its interval describes sampling error under a model the data reject; the real uncertainty is "
                "larger. Capture probabilities probably differ between units (heterogeneity) in ways pairwise "
                "terms do not capture: read the latent-class (LCMCR) estimate beside it.",
            )
        )
    elif chosen is not None and chosen.df > 0 and (fit_p_value(chosen) or 1.0) < _FIT_P:
        out.append(
            EstimateWarning(
                "chosen_model_misfit",
                f"The chosen model {chosen.name} does not fit the observed cells (deviance {chosen.deviance:.1f} on "
                f"{chosen.df} degrees of freedom, p = {fit_p_value(chosen):.2g}); its interval understates the "
                "uncertainty.",
            )
        )
    return out


def chao_warning(lb: float | None, estimate: float | None) -> EstimateWarning | None:
    """Explain in words when Chao's 'lower bound' sits above the chosen estimate (it is not a hard floor)."""
    if lb is None or estimate is None or lb <= estimate:
        return None
    return EstimateWarning(
        "chao_above_estimate",
        f"Chao's lower bound ({lb:,.0f}) is above the estimate ({estimate:,.0f}). The bound is a floor only "
        "when lists record independently of each other once each unit's own catchability is allowed for; it "
        "compares units seen once with units seen twice. When lists tend to record different units (negative "
        "dependence, e.g. sources that divide the ground between them), more units are seen once than "
        "heterogeneity alone would produce, the bound overshoots, and a log-linear model with negative "
        "interaction terms gives a lower figure. Neither number is then a safe floor: the gap says the assumed "
        "dependence between lists decides the answer.",
    )


# -- the whole estimate -------------------------------------------------------


def _too_many_lists(h: CaptureHistories) -> EstimateWarning:
    pairs = h.t * (h.t - 1) // 2
    if h.sparse:
        return EstimateWarning(
            "too_many_lists_for_loglinear",
            f"{h.t} lists make {2**h.t - 1:,} possible histories and {pairs} pairwise terms; only the "
            f"{len(h.counts):,} histories seen are kept, and log-linear models need every cell, so they were not "
            f"fitted (the kit fits them for up to {LOGLINEAR_MAX_LISTS} lists). The latent-class model (--model "
            "lcmcr) works on the histories seen; or merge lists that record in the same way.",
        )
    return EstimateWarning(
        "too_many_lists_for_loglinear",
        f"{h.t} lists make {2**h.t - 1:,} cells and {pairs} pairwise terms: the log-linear search would fit "
        f"hundreds of models on all those cells and take many minutes, so it was not run (the kit runs it for up "
        f"to {LOGLINEAR_MAX_LISTS} lists). The latent-class model (--model lcmcr) works on the histories actually "
        "seen; or merge lists that record in the same way.",
    )


def estimate(
    h: CaptureHistories,
    *,
    criterion: str = "aic",
    level: float = 0.95,
    profile: bool | str = "auto",
) -> EstimateResult:
    """The estimate a user should read first, with every alternative, caveat and assumption beside it.

    Two lists: Chapman (Lincoln-Petersen alongside). Three or more: the
    log-linear model chosen by `criterion` ("aic" or "bic"), pairwise Chapman
    estimates alongside. Chao's lower bound is always computed.
    """
    if criterion not in ("aic", "bic"):
        raise ValueError(f"criterion must be 'aic' or 'bic', got {criterion!r}")
    h = h.drop_empty_lists()
    warns = _data_warnings(h)
    chao_est = chao_lower_bound(h, level=level)
    ll: LoglinearResult | None = None
    two: tuple[TwoListEstimate, ...]
    method = model = interval_method = None
    est = se = None
    interval: Range | None = None
    zero = any(w.code in ("zero_overlap", "no_data") for w in warns)
    if h.t == 2:
        both = _pair_counts(h)
        n_a, n_b, m = int(both[0, 0]), int(both[1, 1]), int(both[0, 1])
        lists = (h.lists[0], h.lists[1])
        cp = chapman(n_a, n_b, m, level=level, lists=lists)
        two = (lincoln_petersen(n_a, n_b, m, level=level, lists=lists), cp)
        if cp.defined:
            method, est, se, interval, interval_method = "chapman", cp.estimate, cp.se, cp.interval, "log-normal"
        assumptions = ("closed_population", "perfect_matching", "independence_two_lists", "chao_lower_bound")
    else:
        two = pairwise_two_list(h, level=level)
        if h.t > LOGLINEAR_MAX_LISTS and not zero:
            warns.append(_too_many_lists(h))
        elif not zero:
            ll = loglinear(h, level=level, profile=profile)
            warns.extend(_model_warnings(ll))
            warns.extend(fit_warnings(ll, criterion))
            chosen = ll.chosen(criterion)
            if chosen is not None:
                method, model = "loglinear", chosen.name
                est, se, interval, interval_method = chosen.estimate, chosen.se, chosen.interval, chosen.interval_method
        modelled = ("dependence_modelled",) if ll is not None else ()  # no log-linear model fitted: none claimed
        assumptions = ("closed_population", "perfect_matching", *modelled, "chao_lower_bound")
    if any(w.code == "list_contains_others" for w in warns):
        # One list holds every unit: the overlap cannot show what it missed, whatever a formula returns.
        method = model = interval_method = None
        est = se = None
        interval = None
        chao_est = replace(
            chao_est,
            lower_bound=None,
            se=None,
            interval=None,
            note="lists are nested: units 'seen twice' are shared by construction, so Chao's bound is not meaningful",
        )
    above = chao_warning(chao_est.lower_bound, est)
    if above is not None:
        warns.append(above)
    settled = ("zero_overlap", "no_data", "no_model", "list_contains_others", "too_many_lists_for_loglinear")
    if est is None and not any(w.code in settled for w in warns):
        warns.append(EstimateWarning("undefined", "No estimate could be made from this table."))
    return EstimateResult(
        histories=h,
        method=method,
        model=model,
        estimate=est,
        interval=interval,
        interval_method=interval_method,
        se=se,
        two_list=two,
        loglinear=ll,
        chao=chao_est,
        warnings=tuple(warns),
        assumptions=tuple(ASSUMPTIONS[a] for a in assumptions),
        criterion=criterion,
        level=level,
    )


def estimate_strata(
    strata: Mapping[str, CaptureHistories] | HistoryFile,
    *,
    criterion: str = "aic",
    level: float = 0.95,
    profile: bool | str = "auto",
) -> StratifiedResult:
    """Estimate each stratum on its own (its own model choice), then sum; see `StratifiedResult` for intervals."""
    tables = strata.by_stratum() if isinstance(strata, HistoryFile) else dict(strata)
    results: list[tuple[str, EstimateResult]] = []
    warns: list[EstimateWarning] = []
    total = 0.0
    observed = 0
    lows: list[float] = []
    highs: list[float] = []
    variances: list[float] = []
    undefined: list[str] = []
    interval_ok = True
    for label, h in tables.items():
        r = estimate(h, criterion=criterion, level=level, profile=profile)
        results.append((label, r))
        observed += h.n
        if h.n == 0:
            warns.append(
                EstimateWarning(
                    "empty_stratum",
                    f"Stratum {label} has no records on any list: nothing can be estimated for it, and it adds 0 "
                    "to the total. Units there that no list recorded are not covered by this estimate.",
                )
            )
            continue
        if r.estimate is None:
            undefined.append(label)
            total += h.n
            lows.append(h.n)
            highs.append(math.inf)
            warns.append(
                EstimateWarning(
                    "undefined_stratum",
                    f"Stratum {label}: no estimate ({'; '.join(w.code for w in r.warnings) or 'undefined'}); "
                    f"only its {h.n:,} documented units enter the total, which is then a partial estimate.",
                )
            )
            continue
        total += r.estimate
        if r.interval is None or r.se is None:
            interval_ok = False
        else:
            lows.append(r.interval.low)
            highs.append(r.interval.high)
            variances.append(r.se**2)
    interval_sum = Range(sum(lows), sum(highs), total) if interval_ok and results else None
    interval_ind = None
    if interval_ok and results and not undefined:
        half = _z(level) * math.sqrt(sum(variances))
        interval_ind = Range(max(total - half, observed), total + half, total)
    return StratifiedResult(
        tuple(results), observed, total, interval_sum, interval_ind, tuple(undefined), tuple(warns), level
    )


# -- stable JSON -------------------------------------------------------------------


def dumps(data: dict[str, object]) -> str:
    """Stable JSON text: sorted keys, two-space indent, floats already rounded to 3 decimals, no NaN."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)


# -- reading aids for notebooks and reports ---------------------------------------


def describe(result: EstimateResult) -> str:
    """One plain-language paragraph: the number, its interval, how it was made and what it rests on.

    Notebooks print this next to every estimate so the figure never travels
    without its method and assumptions.
    """
    h = result.histories
    lists = ", ".join(f"{name} ({count:,})" for name, count in h.list_totals().items())
    head = f"{h.n:,} distinct units are documented on {h.t} lists: {lists}."
    if result.estimate is None or result.interval is None:
        main = ("zero_overlap", "list_contains_others", "no_data", "no_model", "too_many_lists_for_loglinear",
                "undefined")
        reason = next((w.message for w in result.warnings if w.code in main), "")
        return f"{head} No estimate of the undocumented can be made from these data. {reason}".strip()
    pct = f"{result.level * 100:g}%"
    how = (
        f"the log-linear model {result.model} (chosen by {result.criterion.upper()})"
        if result.method == "loglinear"
        else "Chapman's two-list estimator"
    )
    dependence = (
        "Dependence between pairs of lists is modelled by the terms of that model."
        if result.method == "loglinear"
        else "The two lists are assumed independent; positively dependent lists bias this low."
    )
    spread = ""
    if result.loglinear is not None and result.loglinear.model_range is not None:
        mr = result.loglinear.model_range
        k = len(result.loglinear.models)
        spread = f" Across all {k} fitted models the estimate runs from {mr.low:,.0f} to {mr.high:,.0f}."
    return (
        f"{head} Estimated total: {result.estimate:,.0f} ({pct} {result.interval_method} interval "
        f"{result.interval.low:,.0f}–{result.interval.high:,.0f}), from {how}, i.e. about "
        f"{result.estimate - h.n:,.0f} units no list recorded. {dependence} Assumes a closed population "
        f"(same period, place and definition for every list) and perfect matching across lists.{spread}"
    )


def _shown(value: float | None, spec: str, missing: str) -> str:
    """A table cell: `value` in `spec`, or `missing` where the frame holds None or NaN."""
    return missing if value is None or pd.isna(value) else format(value, spec)


def model_table(loglinear_result: LoglinearResult, *, criterion: str = "aic") -> pd.DataFrame:
    """The models as a reader's table, best AIC first: fit, N, interval and which criterion chose it."""
    frame = loglinear_result.to_frame()
    chosen = loglinear_result.chosen_aic if criterion == "aic" else loglinear_result.chosen_bic

    def interval(row: pd.Series) -> str:
        if row["low"] is None or pd.isna(row["low"]):
            return ""
        high = "∞" if row["high"] is None or pd.isna(row["high"]) else f"{row['high']:,.0f}"
        return f"{row['low']:,.0f}–{high} ({row['interval_method']})"

    out = pd.DataFrame(
        {
            "model": frame["model"],
            "deviance": frame["deviance"].map(lambda v: f"{v:.2f}"),
            "df": frame["df"],
            "AIC": frame["aic"].map(lambda v: f"{v:.2f}"),
            "ΔAIC": frame["delta_aic"].map(lambda v: _shown(v, ".2f", "")),
            "BIC": frame["bic"].map(lambda v: f"{v:.2f}"),
            "N̂": frame["estimate"].map(lambda v: _shown(v, ",.0f", "not identified")),
            "interval": frame.apply(interval, axis=1),
            "chosen": [
                " ".join(x for x, flag in (("AIC", a), ("BIC", b)) if flag)
                for a, b in zip(frame["chosen_aic"], frame["chosen_bic"], strict=True)
            ],
        }
    )
    out.attrs["chosen"] = chosen
    return out
