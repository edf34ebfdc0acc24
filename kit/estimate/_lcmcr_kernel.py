"""The compiled Gibbs sampler of LCMCR (Manrique-Vallier 2016), on capture-pattern counts.

One chain's state lives in plain arrays so that Python can run the sampler in
chunks (for a progress bar) without the compiled code calling back. The
functions release the GIL so chains run in parallel threads; numba's generator
is per thread, and each chain seeds it when it starts, so a chain's draws do
not depend on which thread ran it. The conditionals follow the R package
LCMCR's C++ sampler (`CNPLCM_CR_Basic_Freq::Update`, version 0.4.14): class
counts per pattern, lambda, stick-breaking weights, the unseen count n0, the
classes of the unseen, then alpha; the start and the relabelling after the
warm-up are LCMCR's too. Beta and stick draws go through log-gamma variates,
as there, so a weight near 0 or 1 never becomes log(0).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# n0 is redrawn when it exceeds this multiple of the documented count, as in LCMCR (sam_n0)
N0_CAP = 20


@njit(cache=True, nogil=True)
def seed(value: int) -> None:
    """Seed numba's own generator (separate from numpy's) for the chain about to run."""
    np.random.seed(value)


@njit(cache=True, nogil=True)
def _log_gamma(shape: float) -> float:
    """log of a Gamma(shape, 1) draw, stable for shape < 1 (Gamma(a) = Gamma(a+1) U^(1/a))."""
    if shape >= 1.0:
        return math.log(np.random.gamma(shape, 1.0))
    return math.log(np.random.gamma(shape + 1.0, 1.0)) + math.log(1.0 - np.random.random()) / shape  # U in (0, 1]


@njit(cache=True, nogil=True)
def _log_sum(a: float, b: float) -> float:
    m = max(a, b)
    return m + math.log(math.exp(a - m) + math.exp(b - m))


@njit(cache=True, nogil=True)
def _multinomial(n: int, weights: np.ndarray, out: np.ndarray) -> None:
    """Counts of n draws over len(weights) classes (unnormalised weights), by successive binomials."""
    total = 0.0
    for k in range(weights.shape[0]):
        total += weights[k]
    left = n
    for k in range(weights.shape[0]):
        if left == 0 or total <= 0.0:
            out[k] = 0
            continue
        p = min(1.0, weights[k] / total)
        c = left if k == weights.shape[0] - 1 else np.random.binomial(left, p)
        out[k] = c
        left -= c
        total -= weights[k]


@njit(cache=True, nogil=True)
def _class_weights(log_nu: np.ndarray, log_lam: np.ndarray, cell: np.ndarray, out: np.ndarray) -> None:
    """Unnormalised P(class k | pattern) for one pattern (max-shifted before exp)."""
    top = -np.inf
    for k in range(log_nu.shape[0]):
        lp = log_nu[k]
        for j in range(cell.shape[0]):
            lp += log_lam[j, k, cell[j]]
        out[k] = lp
        top = max(top, lp)
    for k in range(log_nu.shape[0]):
        out[k] = math.exp(out[k] - top)


@njit(cache=True, nogil=True)
def _sweep(
    cells: np.ndarray,
    freq: np.ndarray,
    n: int,
    log_lam: np.ndarray,
    log_nu: np.ndarray,
    count_zk: np.ndarray,
    count0_k: np.ndarray,
    state: np.ndarray,
    a_alpha: float,
    b_alpha: float,
    with_alpha: bool,
    work: np.ndarray,
    buf: np.ndarray,
) -> None:
    """One Gibbs sweep. state = [alpha, n0, prob_zero]."""
    m_cells, n_lists = cells.shape
    k_max = log_nu.shape[0]
    # 1. classes of the observed, pattern by pattern
    for m in range(m_cells):
        _class_weights(log_nu, log_lam, cells[m], work)
        _multinomial(freq[m], work, buf)
        for k in range(k_max):
            count_zk[m, k] = buf[k]
    # 2. lambda | counts, Beta(1 + in list, 1 + not in list), the unseen counting as "not in list"
    for j in range(n_lists):
        for k in range(k_max):
            ones = 0
            zeros = count0_k[k]
            for m in range(m_cells):
                if cells[m, j] == 1:
                    ones += count_zk[m, k]
                else:
                    zeros += count_zk[m, k]
            ga = _log_gamma(1.0 + ones)
            gb = _log_gamma(1.0 + zeros)
            gs = _log_sum(ga, gb)
            log_lam[j, k, 1] = ga - gs
            log_lam[j, k, 0] = gb - gs
    # 3. stick-breaking weights
    alpha = state[0]
    n0 = int(state[1])
    for k in range(k_max):
        tot = count0_k[k]
        for m in range(m_cells):
            tot += count_zk[m, k]
        buf[k] = tot
    acc = 0
    log_rest = 0.0
    for k in range(k_max - 1):
        acc += buf[k]
        g1 = _log_gamma(1.0 + buf[k])
        g2 = _log_gamma(alpha + (n0 + n - acc))
        gs = _log_sum(g1, g2)
        log_nu[k] = g1 - gs + log_rest
        log_rest += g2 - gs
    log_nu[k_max - 1] = log_rest
    # 4. probability of being seen by no list, then n0 (prior p(N) proportional to 1/N)
    p0 = 0.0
    for k in range(k_max):
        lp = log_nu[k]
        for j in range(n_lists):
            lp += log_lam[j, k, 0]
        p0 += math.exp(lp)
    p0 = min(p0, 1.0 - 1e-12)
    while True:
        n0 = np.random.poisson(np.random.gamma(n, p0 / (1.0 - p0))) if p0 > 0.0 else 0
        if n0 <= N0_CAP * n:
            break
    state[1] = n0
    state[2] = p0
    # 5. classes of the unseen (their history is all zeros)
    if n0 == 0:
        for k in range(k_max):
            count0_k[k] = 0
    else:
        top = -np.inf
        for k in range(k_max):
            lp = log_nu[k]
            for j in range(n_lists):
                lp += log_lam[j, k, 0]
            work[k] = lp
            top = max(top, lp)
        for k in range(k_max):
            work[k] = math.exp(work[k] - top)
        _multinomial(n0, work, count0_k)
    # 6. concentration of the stick-breaking prior
    if with_alpha:
        state[0] = np.random.gamma(a_alpha + k_max - 1.0, 1.0 / (b_alpha - log_nu[k_max - 1]))


@njit(cache=True, nogil=True)
def initialise(
    cells: np.ndarray, freq: np.ndarray, log_lam: np.ndarray, log_nu: np.ndarray, state: np.ndarray
) -> None:
    """Start as LCMCR does (`CNPLCM_CR_Basic_Freq::Initializes`): class weights from one stick-breaking
    draw with V ~ Beta(1, 1), lambda at each list's share of the documented, alpha = 0.3 / K.

    (LCMCR also fills `nuK` with 0.9/4 on four classes, but the sampler reads `log_nuK`,
    which keeps the random draw, so that fill has no effect and is not copied.)
    """
    m_cells, n_lists = cells.shape
    k_max = log_nu.shape[0]
    log_rest = 0.0
    for k in range(k_max - 1):
        g1 = _log_gamma(1.0)
        g2 = _log_gamma(1.0)
        gs = _log_sum(g1, g2)
        log_nu[k] = g1 - gs + log_rest
        log_rest += g2 - gs
    log_nu[k_max - 1] = log_rest
    n = 0
    for m in range(m_cells):
        n += freq[m]
    for j in range(n_lists):
        seen = 0
        for m in range(m_cells):
            if cells[m, j] == 1:
                seen += freq[m]
        p = min(max(seen / n, 1e-6), 1.0 - 1e-6)
        for k in range(k_max):
            log_lam[j, k, 1] = math.log(p)
            log_lam[j, k, 0] = math.log1p(-p)
    state[0] = 0.3 / k_max
    state[1] = 0.0
    state[2] = 0.0


@njit(cache=True, nogil=True)
def order_by_weight(log_lam: np.ndarray, log_nu: np.ndarray, count_zk: np.ndarray, count0_k: np.ndarray) -> None:
    """Relabel the classes by decreasing weight, as LCMCR does once after its 500 warm-up sweeps
    (`permute_latent_classes_by_nu`). The stick-breaking prior is not exchangeable: the same
    classes in another order are another, less probable, state, and a chain that starts with a
    heavy class late in the order can stay in that ordering for a long time."""
    order = np.argsort(-log_nu, kind="mergesort")
    lam = log_lam.copy()
    nu = log_nu.copy()
    zk = count_zk.copy()
    c0 = count0_k.copy()
    for new in range(order.shape[0]):
        old = order[new]
        log_nu[new] = nu[old]
        count0_k[new] = c0[old]
        for j in range(lam.shape[0]):
            log_lam[j, new, 0] = lam[j, old, 0]
            log_lam[j, new, 1] = lam[j, old, 1]
        for m in range(zk.shape[0]):
            count_zk[m, new] = zk[m, old]


@njit(cache=True, nogil=True)
def run(
    cells: np.ndarray,
    freq: np.ndarray,
    log_lam: np.ndarray,
    log_nu: np.ndarray,
    count_zk: np.ndarray,
    count0_k: np.ndarray,
    state: np.ndarray,
    a_alpha: float,
    b_alpha: float,
    iterations: int,
    thin: int,
    with_alpha: bool,
    out_n0: np.ndarray,
    out_alpha: np.ndarray,
    out_kstar: np.ndarray,
) -> None:
    """`iterations` sweeps; every `thin`-th state is written to the out arrays (their length = iterations // thin)."""
    n = 0
    for m in range(freq.shape[0]):
        n += freq[m]
    k_max = log_nu.shape[0]
    work = np.empty(k_max)
    buf = np.empty(k_max, dtype=np.int64)
    slot = 0
    for it in range(iterations):
        _sweep(cells, freq, n, log_lam, log_nu, count_zk, count0_k, state, a_alpha, b_alpha, with_alpha, work, buf)
        if thin > 0 and (it + 1) % thin == 0 and slot < out_n0.shape[0]:
            out_n0[slot] = state[1]
            out_alpha[slot] = state[0]
            used = 0
            for k in range(k_max):
                tot = count0_k[k]
                for m in range(cells.shape[0]):
                    tot += count_zk[m, k]
                if tot > 0:
                    used += 1
            out_kstar[slot] = used
            slot += 1
