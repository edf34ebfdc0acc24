"""Benchmark: Fellegi–Sunter matching at 1,000,000 x 1,000,000 on DuckDB (target <= 60 s wall, <= 8 GB peak).

Printed beside today's in-memory path at 100,000 x 100,000, measured in the same run. Each size runs in a
fresh interpreter, so its peak memory (resident set of the process, DuckDB included: it runs in-process)
is its own. Incidents come from `benchmarks/match.py`'s generator: spread over Syria and the
September 2014 - 2019 period, 10% month precision, 8% without coordinates, mixed location precision,
60% of B echoing an A record. A 2,000 x 2,000 sample first checks that the large-run path gives exactly
the in-memory path's links. Wall time depends on the machine's load, which is printed with every run.
Exits 1 when a target is missed or the sample differs.

    .venv/bin/python benchmarks/match_scale.py [--n 100000] [--big 1000000] [--limit 60] [--memory 8]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from match import synthetic  # noqa: E402  (benchmarks/match.py: the one generator of benchmark incidents)

from kit.match import match_incidents  # noqa: E402


def one_run(n: int, large: bool) -> dict[str, float]:
    """Match n x n incidents once (in-memory or large-run path): wall, CPU, peak memory, pair counts."""
    a = synthetic(n, seed=1, source="A")
    b = synthetic(n, seed=2, source="B", base=a)
    inputs = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    load = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    res = match_incidents(a, b, scorer="fs", large=large)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    s = res.summary()
    big = res.params.get("large_run")
    blocked = big["candidates"] if isinstance(big, dict) else s["candidates"]
    return {"n": n, "wall_s": wall, "cpu_s": cpu, "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
            "inputs_gb": inputs, "load": load, "blocked": blocked, "listed": s["candidates"], "matched": s["matched"]}


def _in_child(n: int, large: bool) -> dict[str, float]:
    """one_run in a fresh interpreter, so each size's peak memory is measured alone."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(n), *(["--large"] if large else [])],
        capture_output=True, text=True, check=False,
    )
    if out.returncode:
        raise SystemExit(f"the {n:,} x {n:,} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def same_on_sample(n: int) -> bool:
    """The large-run path against the in-memory path on an n x n sample: the same links and listed pairs."""
    a = synthetic(n, seed=3, source="A")
    b = synthetic(n, seed=4, source="B", base=a)
    memory = match_incidents(a, b, scorer="fs", large=False)
    large = match_incidents(a, b, scorer="fs", large=True)
    listed = memory.candidates[memory.candidates["score"] >= memory.params["min_score"]].reset_index(drop=True)
    same = large.pairs.equals(memory.pairs) and large.candidates.equals(listed) and large.only_a.equals(memory.only_a)
    print(f"sample {n:,} x {n:,}: large-run path gives the in-memory links, probabilities and reasons: {same} "
          f"({len(large.pairs):,} links, {len(listed):,} listed pairs of {len(memory.candidates):,})")
    return same


def _line(label: str, r: dict[str, float]) -> str:
    n = int(r["n"])
    return (f"{label:<22} {n:>9,} x {n:<9,}: {r['wall_s']:6.1f} s wall, {r['cpu_s']:6.1f} s CPU, "
            f"peak {r['peak_gb']:.2f} GB (inputs {r['inputs_gb']:.2f} GB), load {r['load']:.1f}; "
            f"{int(r['blocked']):,} pairs from blocking, {int(r['listed']):,} listed, {int(r['matched']):,} linked")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="size of today's in-memory run")
    ap.add_argument("--big", type=int, default=1_000_000, help="size of the large run")
    ap.add_argument("--sample", type=int, default=2_000)
    ap.add_argument("--limit", type=float, default=60.0, help="target wall seconds for the large run")
    ap.add_argument("--memory", type=float, default=8.0, help="target peak GB for the large run")
    ap.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--large", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one, args.large)))
        return 0
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    same = same_on_sample(args.sample)
    today = _in_child(args.n, large=False)
    print(_line("in memory (today)", today))
    big = _in_child(args.big, large=True)
    print(_line("large run (DuckDB)", big))
    ok = same and big["wall_s"] <= args.limit and big["peak_gb"] <= args.memory
    print(f"{'PASS' if ok else 'FAIL'}: {args.big:,} x {args.big:,} in {big['wall_s']:.1f} s "
          f"(target {args.limit:.0f} s), "
          f"peak {big['peak_gb']:.2f} GB (target {args.memory:.0f} GB), sample identical: {same}; "
          f"today's path at {args.n:,} x {args.n:,}: {today['wall_s']:.1f} s, {today['peak_gb']:.2f} GB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
