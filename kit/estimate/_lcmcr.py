"""LCMCR: Bayesian non-parametric latent-class capture-recapture (Manrique-Vallier 2016).

Units differ in how likely each list is to record them; the model says the
population is a mixture of latent classes, within which lists record
independently, with a truncated stick-breaking (Dirichlet-process) prior on the
class weights so the data choose how many classes matter. The unseen count is
imputed at each Gibbs sweep, which gives a posterior for N. Defaults are the R
package's (K = 10, alpha ~ Gamma(0.25, 0.25), lambda ~ Beta(1, 1),
p(N) proportional to 1/N). Several chains from different seeds are run and
compared (split R-hat, effective sample size) because a single chain cannot
show that it has not settled in the wrong place.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from kit.core import Range
from kit.estimate import _lcmcr_kernel as kernel
from kit.estimate._common import EstimateWarning, _r
from kit.estimate._histories import CaptureHistories

_RHAT_OK = 1.05  # Gelman et al. (BDA3) use 1.1; 1.05 is stricter and still quiet on settled chains
_ESS_MIN = 200
_CHUNK = 5_000
_PROGRESS_FROM = 200_000  # total sweeps above which a progress bar is shown on a terminal
# CPU seconds per sweep = K x (lists + 1) x (_PER_CLASS_LIST + _PER_UNIT x distinct histories), fitted on
# Kosovo (4 lists, 15 histories: 17 us a sweep) and a 20-list table of 509 histories (0.37 ms), 2-core
# machine under load; a 34-list table of 922 histories measured 0.84 ms against 1.0 ms predicted
_PER_CLASS_LIST = 3e-7
_PER_UNIT = 3e-9
_WARMUP = 500


class TooSlow(ValueError):
    """Raised before any sampling when the predicted run time exceeds the caller's limit."""


@dataclass(frozen=True)
class LcmcrSettings:
    """Everything that fixes a run: same settings and data, same samples."""

    K: int = 10
    a_alpha: float = 0.25
    b_alpha: float = 0.25
    burnin: int = 10_000
    samples: int = 1_000
    thin: int = 100
    chains: int = 4
    seed: int = 0

    def check(self) -> None:
        for name in ("K", "burnin", "samples", "thin", "chains"):
            value = getattr(self, name)
            low = 0 if name == "burnin" else (2 if name == "K" else 1)
            if int(value) != value or value < low:
                raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
        if self.a_alpha <= 0 or self.b_alpha <= 0:
            raise ValueError("a_alpha and b_alpha must be > 0")


@dataclass(frozen=True)
class LcmcrResult:
    """The posterior of the population size N under LCMCR, with its convergence checks."""

    lists: tuple[str, ...]
    n: int
    draws: np.ndarray = field(repr=False)  # N per chain and kept sample, shape (chains, samples)
    alpha: np.ndarray = field(repr=False)
    classes_used: np.ndarray = field(repr=False)
    median: float
    mean: float
    interval: Range
    rhat: float
    ess: float
    chain_medians: tuple[float, ...]
    warnings: tuple[EstimateWarning, ...]
    settings: LcmcrSettings
    level: float
    predicted_seconds: float = 0.0  # the run time the kit predicted before starting (what `max_seconds` is checked on)

    @property
    def samples(self) -> np.ndarray:
        """All kept draws of N, chains one after another."""
        return self.draws.reshape(-1)

    @property
    def range(self) -> Range:
        return Range(self.interval.low, self.interval.high, self.median)

    def to_dict(self) -> dict[str, object]:
        s = self.settings
        return {
            "method": "lcmcr",
            "lists": list(self.lists),
            "observed": self.n,
            "median": _r(self.median),
            "mean": _r(self.mean),
            "low": _r(self.interval.low),
            "high": _r(self.interval.high),
            "level": self.level,
            "rhat": _r(self.rhat),
            "ess": _r(self.ess, 1),
            "chain_medians": [_r(m) for m in self.chain_medians],
            "classes_used_max": int(self.classes_used.max()) if self.classes_used.size else 0,
            "settings": {
                "K": s.K, "a_alpha": s.a_alpha, "b_alpha": s.b_alpha, "burnin": s.burnin,
                "samples": s.samples, "thin": s.thin, "chains": s.chains, "seed": s.seed,
            },
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def describe(self) -> str:
        pct = f"{self.level * 100:g}%"
        return (
            f"LCMCR (latent classes with a Dirichlet-process prior, Manrique-Vallier 2016): posterior median "
            f"{self.median:,.0f} ({pct} credible interval {self.interval.low:,.0f}–{self.interval.high:,.0f}), "
            f"of whom {self.median - self.n:,.0f} on no list; {self.settings.chains} chains, R-hat "
            f"{self.rhat:.3f}, effective sample size {self.ess:,.0f}."
        )


# -- convergence -----------------------------------------------------------


def _autocorr_ess(x: np.ndarray) -> float:
    """Effective sample size of chains (rows) from their autocorrelation, Geyer's initial monotone sequence.

    As in Vehtari et al. (2021) / Stan: the combined autocorrelation uses the
    within-chain variances and the split-chain variance of the means.
    """
    m, n = x.shape
    if n < 4:
        return float(m * n)
    centred = x - x.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(centred, size, axis=1)
    acov = np.fft.irfft(f * np.conj(f), size, axis=1)[:, :n] / n
    within = float(np.mean(acov[:, 0] * n / (n - 1)))
    var_plus = within * (n - 1) / n + (float(np.var(x.mean(axis=1), ddof=1)) if m > 1 else 0.0)
    if var_plus <= 0 or within <= 0:
        return float(m * n)
    rho = 1 - (within - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    total = 0.0
    prev = math.inf
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair < 0:
            break
        pair = min(pair, prev)
        total += pair
        prev = pair
    tau = max(-1.0 + 2.0 * total, 1.0 / math.log10(m * n + 10))
    return float(m * n / tau)


def _split(x: np.ndarray) -> np.ndarray:
    half = x.shape[1] // 2
    return np.vstack([x[:, :half], x[:, x.shape[1] - half:]])


def _rank_normal(x: np.ndarray) -> np.ndarray:
    ranks = stats.rankdata(x, method="average").reshape(x.shape)
    return np.asarray(stats.norm.ppf((ranks - 3 / 8) / (x.size + 1 / 4)))


def _basic_rhat(x: np.ndarray) -> float:
    m, n = x.shape
    means = x.mean(axis=1)
    within = float(np.mean(x.var(axis=1, ddof=1)))
    between = n * float(np.var(means, ddof=1))
    if within <= 0:
        return 1.0 if between <= 0 else math.inf
    return math.sqrt(((n - 1) / n * within + between / n) / within)


def rhat(x: np.ndarray) -> float:
    """Rank-normalised split R-hat (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021), bulk and tail."""
    s = _split(np.asarray(x, dtype=float))
    if s.shape[1] < 2:
        return math.nan
    bulk = _basic_rhat(_rank_normal(s))
    folded = np.abs(s - np.median(s))
    tail = _basic_rhat(_rank_normal(folded))
    return max(bulk, tail)


def ess(x: np.ndarray) -> float:
    """Bulk effective sample size on rank-normalised split chains."""
    s = _split(np.asarray(x, dtype=float))
    if s.shape[1] < 4:
        return float(s.size)
    return _autocorr_ess(_rank_normal(s))


# -- running ---------------------------------------------------------------


def _chain_seeds(seed: int, chains: int) -> list[int]:
    """Independent, reproducible integer seeds for numba's generator, one per chain."""
    children = np.random.SeedSequence(seed).spawn(chains)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def _run_chain(
    cells: np.ndarray, freq: np.ndarray, s: LcmcrSettings, chain_seed: int, tick: Callable[[int], None]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m, j = cells.shape
    log_lam = np.zeros((j, s.K, 2))
    log_nu = np.zeros(s.K)
    count_zk = np.zeros((m, s.K), dtype=np.int64)
    count0 = np.zeros(s.K, dtype=np.int64)
    state = np.zeros(3)
    empty_f = np.zeros(0)
    empty_i = np.zeros(0, dtype=np.int64)
    kernel.seed(chain_seed)
    kernel.initialise(cells, freq, log_lam, log_nu, state)
    args = (cells, freq, log_lam, log_nu, count_zk, count0, state, s.a_alpha, s.b_alpha)
    kernel.run(*args, _WARMUP, 0, False, empty_f, empty_f, empty_i)  # warm-up without alpha, as LCMCR
    kernel.order_by_weight(log_lam, log_nu, count_zk, count0)  # then heaviest class first, as LCMCR
    done = 0
    while done < s.burnin:
        step = min(_CHUNK, s.burnin - done)
        kernel.run(*args, step, 0, True, empty_f, empty_f, empty_i)
        done += step
        tick(step)
    n0 = np.zeros(s.samples)
    alpha = np.zeros(s.samples)
    kstar = np.zeros(s.samples, dtype=np.int64)
    kept = 0
    per_chunk = max(1, _CHUNK // s.thin)
    while kept < s.samples:
        take = min(per_chunk, s.samples - kept)
        kernel.run(*args, take * s.thin, s.thin, True, n0[kept:kept + take], alpha[kept:kept + take],
                   kstar[kept:kept + take])
        kept += take
        tick(take * s.thin)
    return n0, alpha, kstar


def _progress(total: int, show: bool | None) -> tuple[Callable[[int], None], Callable[[], None]]:
    """A rich progress bar on stderr for long runs (or when asked); silent otherwise."""
    if show is None:
        show = total >= _PROGRESS_FROM and sys.stderr.isatty()
    if not show:
        return (lambda _k: None), (lambda: None)
    from rich.progress import Progress

    bar = Progress(transient=True)
    bar.start()
    task = bar.add_task("LCMCR sampling", total=total)
    return (lambda k: bar.advance(task, k)), bar.stop


def _warnings(result_draws: np.ndarray, kstar: np.ndarray, n: int, r: float, e: float, s: LcmcrSettings,
              level: float) -> list[EstimateWarning]:
    out: list[EstimateWarning] = []
    medians = np.median(result_draws, axis=1)
    if s.chains > 1 and (not math.isfinite(r) or r > _RHAT_OK):
        out.append(
            EstimateWarning(
                "chains_disagree",
                f"The {s.chains} chains disagree (R-hat {r:.3f}, above {_RHAT_OK}): their medians run from "
                f"{medians.min():,.0f} to {medians.max():,.0f}. The sampler has not settled; run longer "
                "(--burnin, --samples) before reading this figure.",
            )
        )
    if e < _ESS_MIN:
        out.append(
            EstimateWarning(
                "low_ess",
                f"Only about {e:,.0f} effectively independent draws (under {_ESS_MIN}): the interval's ends are "
                "themselves uncertain; more samples or a larger thinning interval would steady them.",
            )
        )
    cap = kernel.N0_CAP * n
    if np.mean(result_draws - n >= 0.9 * cap) > 0.01:
        out.append(
            EstimateWarning(
                "n_at_cap",
                f"Over 1% of draws put the unseen near the sampler's cap ({kernel.N0_CAP} times the documented): "
                "the data barely bound the estimate from above.",
            )
        )
    if kstar.size and float(np.mean(kstar >= s.K)) > 0.5:
        out.append(
            EstimateWarning(
                "all_classes_used",
                f"Most draws use all K = {s.K} latent classes: the truncation may bind; rerun with a larger K.",
            )
        )
    return out


def predicted_seconds(h: CaptureHistories, settings: LcmcrSettings) -> float:
    """Rough run time: work grows with sweeps, observed histories, classes and lists."""
    patterns = sum(1 for c in h.counts if c > 0)
    sweeps = settings.chains * (_WARMUP + settings.burnin + settings.samples * settings.thin)
    return sweeps * settings.K * (h.t + 1) * (_PER_CLASS_LIST + _PER_UNIT * patterns)


def lcmcr(
    h: CaptureHistories,
    *,
    K: int = 10,
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
    burnin: int = 10_000,
    samples: int = 1_000,
    thin: int = 100,
    chains: int = 4,
    seed: int = 0,
    level: float = 0.95,
    progress: bool | None = None,
    max_seconds: float | None = None,
) -> LcmcrResult:
    """Posterior of N under LCMCR: `chains` chains of `burnin` + `samples` x `thin` sweeps each.

    Defaults follow the R package's documented example (K = 10,
    a_alpha = b_alpha = 0.25, 10,000 burn-in, 1,000 samples thinned by 100).
    Same data, settings and seed give the same draws. With `max_seconds`, a run
    predicted to take longer is refused before it starts (`TooSlow`, with the reason).
    """
    s = LcmcrSettings(K, a_alpha, b_alpha, burnin, samples, thin, chains, seed)
    s.check()
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    h = h.drop_empty_lists()
    if h.n == 0:
        raise ValueError("no records: nothing to estimate")
    if sum(c for p, c in zip(h.patterns, h.counts, strict=True) if sum(p) >= 2) == 0:
        raise ValueError("no unit is on more than one list: the overlap says nothing about what all lists missed")
    expected = predicted_seconds(h, s)
    if max_seconds is not None and expected > max_seconds:
        patterns = sum(1 for c in h.counts if c > 0)
        raise TooSlow(
            f"LCMCR on {h.t} lists with {patterns:,} distinct histories would take about {expected:,.0f} s with "
            f"these settings ({chains} chains x {burnin + samples * thin:,} sweeps, K={K}), over the limit of "
            f"{max_seconds:g} s; refused before starting. Fewer chains, samples or thinning, fewer lists "
            "(merge lists that record alike), or a higher time limit."
        )
    keep = [i for i, c in enumerate(h.counts) if c > 0]
    cells = np.array([h.patterns[i] for i in keep], dtype=np.int64)
    freq = np.array([h.counts[i] for i in keep], dtype=np.int64)
    tick, stop = _progress(chains * (burnin + samples * thin), progress)
    lock = threading.Lock()

    def locked_tick(k: int) -> None:
        with lock:
            tick(k)

    workers = max(1, min(chains, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            runs = list(pool.map(lambda cs: _run_chain(cells, freq, s, cs, locked_tick), _chain_seeds(seed, chains)))
    finally:
        stop()
    draws = np.vstack([r[0] for r in runs]) + h.n
    alpha = np.vstack([r[1] for r in runs])
    kstar = np.vstack([r[2] for r in runs])
    r_hat = rhat(draws) if chains > 1 else math.nan
    e = ess(draws)
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return LcmcrResult(
        lists=h.lists,
        n=h.n,
        draws=draws,
        alpha=alpha,
        classes_used=kstar,
        median=float(np.median(draws)),
        mean=float(draws.mean()),
        interval=Range(float(low), float(high)),
        rhat=r_hat,
        ess=e,
        chain_medians=tuple(float(v) for v in np.median(draws, axis=1)),
        warnings=tuple(_warnings(draws, kstar, h.n, r_hat, e, s, level)),
        settings=s,
        level=level,
        predicted_seconds=expected,
    )
