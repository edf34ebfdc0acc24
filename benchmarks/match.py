"""Benchmark: match 100,000 x 100,000 synthetic incidents in at most 30 s.

Prints the blocked DuckDB run next to an all-pairs Python loop on a sample
(extrapolated to the full size), checks that blocking finds exactly the pairs the
all-pairs loop finds on that sample, and exits non-zero on FAIL.

    .venv/bin/python benchmarks/match.py [--n 100000] [--sample 1000] [--limit 30]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.match import LOCATION_RADIUS_KM, match_incidents  # noqa: E402

_GOVS = [f"sy-g{k:02d}" for k in range(14)]
_PRECISIONS = np.array(["exact", "village", "town", "city", "unknown"])


def synthetic(n: int, *, seed: int, source: str, base: pd.DataFrame | None = None, share: float = 0.6) -> pd.DataFrame:
    """n incidents over Syria 2014-2019; with `base`, `share` of them echo base records."""
    rng = np.random.default_rng(seed)
    day0 = np.datetime64("2014-09-01")
    days = rng.integers(0, 1800, n)
    lat = rng.uniform(32.5, 37.0, n)
    lon = rng.uniform(36.0, 42.0, n)
    lo = rng.integers(0, 12, n).astype(float)
    hi = lo + rng.integers(0, 6, n)
    if base is not None:
        k = int(n * share)
        pick = rng.choice(len(base), k, replace=False)
        days[:k] = (
            (base["date_start"].to_numpy()[pick] - day0).astype("timedelta64[D]").astype(int) + rng.integers(-1, 2, k)
        )
        lat[:k] = base["lat"].to_numpy()[pick] + rng.normal(0, 0.01, k)
        lon[:k] = base["lon"].to_numpy()[pick] + rng.normal(0, 0.01, k)
        lat[:k] = np.where(np.isnan(lat[:k]), rng.uniform(32.5, 37.0, k), lat[:k])
        lon[:k] = np.where(np.isnan(lon[:k]), rng.uniform(36.0, 42.0, k), lon[:k])
    start = day0 + days.astype("timedelta64[D]")
    prec = np.where(rng.random(n) < 0.9, "day", "month")
    lprec = _PRECISIONS[rng.integers(0, len(_PRECISIONS), n)]
    no_xy = rng.random(n) < 0.08
    lat = np.where(no_xy, np.nan, lat)
    lon = np.where(no_xy, np.nan, lon)
    lprec = np.where(no_xy, "governorate", lprec)
    no_cas = rng.random(n) < 0.3
    return pd.DataFrame(
        {
            "source": source,
            "source_id": [f"{source}-{k}" for k in range(n)],
            "url": "",
            "date_start": pd.to_datetime(start),
            "date_end": pd.to_datetime(start),
            "date_precision": prec,
            "country": "sy",
            "governorate": np.array(_GOVS)[rng.integers(0, len(_GOVS), n)],
            "place_name": "",
            "lat": lat,
            "lon": lon,
            "location_precision": lprec,
            "civilians_killed_low": pd.array(np.where(no_cas, np.nan, lo), dtype="Float64"),
            "civilians_killed_best": pd.array(np.full(n, np.nan), dtype="Float64"),
            "civilians_killed_high": pd.array(np.where(no_cas, np.nan, hi), dtype="Float64"),
            "grade": "",
        }
    )


def _all_pairs(a: pd.DataFrame, b: pd.DataFrame, *, days: int, km: float) -> set[tuple[str, str]]:
    """The naive approach: compare every record of A with every record of B in Python."""
    unknown = 10.0

    def rows(f: pd.DataFrame) -> list[tuple]:
        out = []
        for r in f.itertuples(index=False):
            s = r.date_start.to_period("M").start_time if r.date_precision == "month" else r.date_start
            e = r.date_start.to_period("M").end_time.normalize() if r.date_precision == "month" else r.date_start
            xy = not (math.isnan(r.lat) or math.isnan(r.lon))
            rad = LOCATION_RADIUS_KM.get(r.location_precision, unknown if r.location_precision == "unknown" else None)
            out.append((r.source_id, s.toordinal(), e.toordinal(), r.lat, r.lon, rad if xy else None, r.governorate))
        return out

    ra, rb = rows(a), rows(b)
    found = set()
    for ida, sa, ea, lata, lona, rada, ga in ra:
        for idb, sb, eb, latb, lonb, radb, gb in rb:
            if max(0, sb - ea, sa - eb) > days:
                continue
            if rada is not None and radb is not None:
                p1, p2 = math.radians(lata), math.radians(latb)
                h = (math.sin((p2 - p1) / 2) ** 2
                     + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lonb - lona) / 2) ** 2)
                if 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h))) <= max(km, rada, radb):
                    found.add((ida, idb))
            elif ga and ga == gb:
                found.add((ida, idb))
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--sample", type=int, default=1_000)
    ap.add_argument("--limit", type=float, default=30.0)
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--km", type=float, default=5.0)
    args = ap.parse_args()

    a = synthetic(args.n, seed=1, source="A")
    b = synthetic(args.n, seed=2, source="B", base=a)

    t0, c0 = time.perf_counter(), time.process_time()
    res = match_incidents(a, b, days=args.days, km=args.km)
    blocked_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    s = res.summary()
    print(f"blocked (DuckDB) {args.n:,} x {args.n:,}: {blocked_s:.2f} s wall, {cpu_s:.2f} s CPU  "
          f"candidates={s['candidates']:,} matched={s['matched']:,} only_a={s['only_a']:,} only_b={s['only_b']:,}")

    sa, sb = a.iloc[: args.sample], b.iloc[: args.sample]
    t0 = time.perf_counter()
    naive = _all_pairs(sa, sb, days=args.days, km=args.km)
    naive_s = time.perf_counter() - t0
    factor = (args.n / args.sample) ** 2
    print(f"all-pairs Python loop {args.sample:,} x {args.sample:,}: {naive_s:.2f} s "
          f"-> extrapolated {args.n:,} x {args.n:,}: {naive_s * factor:,.0f} s ({naive_s * factor / 3600:.1f} h)")
    small = match_incidents(sa, sb, days=args.days, km=args.km)
    got = set(zip(small.candidates["id_a"], small.candidates["id_b"], strict=True))
    same = got == naive
    print(f"blocking on the sample finds the same candidate pairs as all pairs: {same} ({len(got)} vs {len(naive)})")
    ok = blocked_s <= args.limit and same
    print(f"{'PASS' if ok else 'FAIL'}: {blocked_s:.2f} s (limit {args.limit:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
