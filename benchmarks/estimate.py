"""Benchmark: LCMCR speed on the Kosovo table, and recovery of known N over simulated populations.

1. Speed: four lists, 4,400 records (Kosovo, LCMCR's `kosovo_aggregate`), 10,000 burn-in and 1,000
   samples thinned by 100, the R package's example settings; the time of one chain and of all
   chains, against a 30 s limit (the R package's C++ sampler takes about 20 s for one chain).
2. Many lists: simulated populations of 1,000 on 20 and 34 lists (sparse tables, only the histories
   seen), one chain of 2,000 burn-in + 200 x 10 sweeps: its CPU seconds beside the kit's own prediction
   (`LcmcrResult.predicted_seconds`, what --time-limit is checked against).
3. Verdata (opt-in, --verdata CHAINS,SAMPLES): HRDAG's published LCMCR stratum (men, 1999, replicate
   R1; tests/fixtures/estimate/verdata_1999_men_r1.csv), K = 15, 10,000 burn-in, SAMPLES thinned by
   500 per chain: the pooled median beside the published 2,068 (95% 1,396-3,062), chain by chain.
   Then replicate R2 (verdata_1999_men_r2.csv, published median 1,591, 95% 1,417-2,214): the same
   run, and the median of the chains in the published mode (chain median above 1,500; the low mode's
   chains sit near 1,410), which is what tests/test_estimate_lcmcr.py checks.
4. Recovery: `--replicates` latent-class populations (3-6 lists, N 1,000-20,000, heterogeneous
   capture); the share of 95% intervals that cover the true N (target >= 90%) and the median
   relative error, LCMCR beside the log-linear AIC choice on the same data.

    .venv/bin/python benchmarks/estimate.py [--replicates 50] [--chains 2] [--limit 30] [--skip-recovery] [--skip-many]
                                    [--verdata 4,1000] [--seed 0]

Exits non-zero on FAIL.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.estimate import lcmcr, loglinear, read_histories, simulate_histories  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "estimate"
KOSOVO = FIXTURES / "kosovo_2002_lcmcr.csv"
VERDATA = FIXTURES / "verdata_1999_men_r1.csv"
VERDATA_MEDIAN = 2_068  # verdata's estimates/57/5743e343....json: median 2,068, mean 2,066, 95% 1,396-3,062
VERDATA_R2 = FIXTURES / "verdata_1999_men_r2.csv"
VERDATA_R2_SPLIT = 1_500  # between R2's low mode (chain medians about 1,380-1,440) and 1,591, as in the test
VERDATA_R2_MEDIAN = 1_591  # verdata's estimates/a0/a069cdd0....json: median 1,591, mean 1,634, 95% 1,417-2,214


def speed(limit: float, chains: int) -> bool:
    h = read_histories(KOSOVO).histories()
    lcmcr(h, burnin=10, samples=2, thin=1, chains=1)  # compile once (numba caches it on disk after the first run)
    t0, c0 = time.perf_counter(), time.process_time()
    one = lcmcr(h, chains=1, seed=1)
    t_one, c_one = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    many = lcmcr(h, chains=chains, seed=1)
    t_many = time.perf_counter() - t0
    ok = t_many <= limit
    print(f"speed: Kosovo, {h.t} lists, {h.n:,} records, 10,000 burn-in + 1,000 x 100 sweeps per chain")
    print(f"  one chain: {t_one:.1f} s wall, {c_one:.1f} s CPU (the load-independent figure; median "
          f"{one.median:,.0f}); {chains} chains in parallel threads: {t_many:.1f} s wall "
          f"(median {many.median:,.0f}, 95% {many.interval.low:,.0f}-{many.interval.high:,.0f}, "
          f"R-hat {many.rhat:.3f}, ESS {many.ess:,.0f})")
    print(f"  limit {limit:g} s: {'PASS' if ok else 'FAIL'}")
    return ok


def many_lists() -> None:
    """Sweep cost on sparse tables of 20 and 34 lists (informative: no pass/fail)."""
    for t in (20, 34):
        rng = np.random.default_rng(t)
        capture = [list(rng.uniform(0.05, 0.15, t)), list(rng.uniform(0.1, 0.25, t))]
        sim = simulate_histories(1_000, t, seed=t, weights=[0.7, 0.3], capture=capture)
        h = sim.histories
        t0, c0 = time.perf_counter(), time.process_time()
        r = lcmcr(h, burnin=2_000, samples=200, thin=10, chains=1, seed=1)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        sweeps = 2_000 + 200 * 10
        print(f"many lists: {t} lists, N 1,000, {h.n:,} seen, {len(h.counts):,} distinct histories (sparse table); "
              f"one chain of {sweeps:,} sweeps after warm-up: {wall:.1f} s wall, {cpu:.1f} s CPU (the kit predicted "
              f"{r.predicted_seconds:.1f} s, what --time-limit is checked on; median {r.median:,.0f}, 95% "
              f"{r.interval.low:,.0f}-{r.interval.high:,.0f})")


def verdata(path: Path, published: int, chains: int, samples: int, seed: int, split: float = 0.0) -> bool:
    """The kit's posterior on one of HRDAG's published strata: PASS when the chains whose median is above `split`
    (the published run's mode; 0: every chain, pooled) give a median within 3% of the published one."""
    h = read_histories(path).histories()
    t0 = time.perf_counter()
    r = lcmcr(h, K=15, burnin=10_000, samples=samples, thin=500, chains=chains, seed=seed)
    main = r.draws[np.array(r.chain_medians) > split]
    gap = float(np.median(main)) / published - 1 if len(main) else float("nan")
    ok = abs(gap) <= 0.03
    print(f"verdata {path.stem}: {h.t} lists, {h.n:,} documented, {len(h.counts)} histories; {chains} chains x "
          f"{10_000 + samples * 500:,} sweeps (K 15, seed {seed}) in {time.perf_counter() - t0:.0f} s")
    print(f"  pooled median {r.median:,.0f} ({r.median / published - 1:+.1%} against the published {published:,}), "
          f"95% {r.interval.low:,.0f}-{r.interval.high:,.0f}; R-hat {r.rhat:.3f}, ESS {r.ess:,.0f}; chain medians "
          + ", ".join(f"{m:,.0f}" for m in r.chain_medians))
    if split:
        print(f"  {len(main)} chains in the published mode (median above {split:,.0f})")
    print(f"  median {gap:+.1%} against the published {published:,}: {'PASS' if ok else 'FAIL'}")
    return ok


def _chains_samples(value: str) -> tuple[int, int]:
    """--verdata CHAINS,SAMPLES, e.g. 4,200: a clear argparse error otherwise."""
    try:
        chains, samples = (int(v) for v in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected CHAINS,SAMPLES such as 4,200, got {value!r}") from None
    if chains < 1 or samples < 1:
        raise argparse.ArgumentTypeError(f"chains and samples must be at least 1, got {value!r}")
    return chains, samples


def recovery(replicates: int, chains: int) -> bool:
    covered = 0
    ll_covered = 0
    ll_defined = 0
    errors: list[float] = []
    ll_errors: list[float] = []
    t0 = time.perf_counter()
    for rep in range(replicates):
        rng = np.random.default_rng(10_000 + rep)
        t, n = int(rng.integers(3, 7)), int(rng.integers(1_000, 20_001))
        sim = simulate_histories(n, t, seed=10_000 + rep)
        r = lcmcr(sim.histories, chains=chains, seed=rep)
        hit = r.interval.low <= n <= r.interval.high
        covered += hit
        errors.append(abs(r.median - n) / n)
        chosen = loglinear(sim.histories, profile=False).chosen("aic")
        ll = "undefined"
        if chosen is not None and chosen.estimate is not None and chosen.interval is not None:
            ll_defined += 1
            ll_errors.append(abs(chosen.estimate - n) / n)
            ll_covered += chosen.interval.low <= n <= chosen.interval.high
            ll = f"{chosen.estimate:,.0f} ({chosen.interval.low:,.0f}-{chosen.interval.high:,.0f})"
        print(f"  {rep + 1:3d}: {t} lists, N {n:,}, seen {sim.histories.n:,}; LCMCR {r.median:,.0f} "
              f"({r.interval.low:,.0f}-{r.interval.high:,.0f}) {'covers' if hit else 'MISSES'}, R-hat {r.rhat:.3f}; "
              f"log-linear AIC {ll}", flush=True)
    share = covered / replicates
    ok = share >= 0.9
    print(f"recovery: {replicates} populations in {time.perf_counter() - t0:.0f} s")
    print(f"  LCMCR 95% interval covers N in {covered}/{replicates} ({share:.0%}); median relative error "
          f"{np.median(errors):.1%}")
    if ll_defined:
        print(f"  log-linear AIC: covers N in {ll_covered}/{ll_defined} ({ll_covered / ll_defined:.0%}); median "
              f"relative error {np.median(ll_errors):.1%}")
    print(f"  target >= 90% coverage: {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=50)
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--limit", type=float, default=30.0)
    parser.add_argument("--skip-recovery", action="store_true")
    parser.add_argument("--skip-many", action="store_true")
    parser.add_argument("--verdata", type=_chains_samples, help="CHAINS,SAMPLES: also run the published verdata strata")
    parser.add_argument("--seed", type=int, default=0, help="seed of the verdata run")
    args = parser.parse_args()
    ok = speed(args.limit, args.chains)
    if not args.skip_many:
        many_lists()
    if args.verdata:
        n_chains, n_samples = args.verdata
        ok = verdata(VERDATA, VERDATA_MEDIAN, n_chains, n_samples, args.seed) and ok
        ok = verdata(VERDATA_R2, VERDATA_R2_MEDIAN, n_chains, n_samples, args.seed, split=VERDATA_R2_SPLIT) and ok
    if not args.skip_recovery:
        ok = recovery(args.replicates, args.chains) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
