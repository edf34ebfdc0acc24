"""Benchmark: matching speed at scale, and matching quality against known truth.

Speed (default): 100,000 x 100,000 synthetic incidents with today's rules score
and with the Fellegi–Sunter scorer, then 1,000,000 x 1,000,000 with the
Fellegi–Sunter scorer (target <= 60 s, peak memory <= 8 GB), each in its own
process so its peak memory is its own; an all-pairs Python loop on a sample
shows what blocking saves and that it finds exactly the same candidates.

Quality (--quality): precision, recall and F1 of today's rules score, Splink
Fellegi–Sunter + Hungarian, Splink's single-best-link clustering and the
one-to-many mode, on (a) copies of the real Airwars Syria incidents moved
within each record's precision (known truth) and (b) the hand-labelled
Airwars x Dutch-log pairs in data/match_labels/. Needs ../shared.

Spark (--spark N): the same model on Splink's Spark backend (local[2]) against
DuckDB on an N x N sample of the synthetic set; same links or FAIL.

    .venv/bin/python benchmarks/match.py [--n 100000] [--big 1000000] [--quality]
    .venv-spark/bin/python benchmarks/match.py --spark 10000   # Spark has its own venv (see Makefile)
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.match import (  # noqa: E402
    DEFAULT_KM,
    DEFAULT_MIN_SCORE,
    LOCATION_RADIUS_KM,
    collapse_strikes,
    link_scores,
    match_incidents,
    perturbed_copies,
    place_keys,
    single_best_links,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


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


def one_run(n: int, scorer: str, days: int, km: float) -> dict[str, float]:
    """Match n x n synthetic incidents once; wall and CPU seconds, peak memory of this process."""
    a = synthetic(n, seed=1, source="A")
    b = synthetic(n, seed=2, source="B", base=a)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0, c0 = time.perf_counter(), time.process_time()
    res = match_incidents(a, b, days=days, km=km, scorer=scorer)  # type: ignore[arg-type]
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    s = res.summary()
    return {"n": n, "wall_s": wall, "cpu_s": cpu, "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
            "inputs_gb": base_rss / 1e6, "candidates": s["candidates"], "matched": s["matched"]}


def _in_child(n: int, scorer: str, days: int, km: float) -> dict[str, float]:
    """one_run in a fresh interpreter, so each size's peak memory is measured alone."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(n), "--scorer", scorer, "--days", str(days), "--km", str(km)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def speed(args: argparse.Namespace) -> bool:
    """100k with both scorers, then the big run with the FS scorer; the all-pairs check on a sample."""
    rows = [("rules", args.n), ("fs", args.n), ("fs", args.big)]
    results = {}
    for scorer, n in rows:
        r = _in_child(n, scorer, args.days, args.km)
        results[(scorer, n)] = r
        print(f"{scorer:>5} {n:>9,} x {n:<9,}: {r['wall_s']:7.1f} s wall, {r['cpu_s']:7.1f} s CPU, "
              f"peak {r['peak_gb']:.2f} GB (inputs {r['inputs_gb']:.2f} GB)  "
              f"candidates={int(r['candidates']):,} matched={int(r['matched']):,}")
    a = synthetic(args.sample, seed=1, source="A")
    b = synthetic(args.sample, seed=2, source="B", base=a)
    t0 = time.perf_counter()
    naive = _all_pairs(a, b, days=args.days, km=args.km)
    naive_s = time.perf_counter() - t0
    factor = (args.n / args.sample) ** 2
    print(f"all-pairs Python loop {args.sample:,} x {args.sample:,}: {naive_s:.2f} s "
          f"-> extrapolated {args.n:,} x {args.n:,}: {naive_s * factor:,.0f} s ({naive_s * factor / 3600:.1f} h)")
    small = match_incidents(a, b, days=args.days, km=args.km)
    got = set(zip(small.candidates["id_a"], small.candidates["id_b"], strict=True))
    same = got == naive
    print(f"blocking on the sample finds the same candidate pairs as all pairs: {same} ({len(got)} vs {len(naive)})")
    big = results[("fs", args.big)]
    ok = same and big["wall_s"] <= args.limit and big["peak_gb"] <= args.memory
    verdict = "PASS" if ok else "FAIL"
    print(f"{verdict}: fs {args.big:,} x {args.big:,} {big['wall_s']:.1f} s (limit {args.limit:.0f} s), "
          f"peak {big['peak_gb']:.2f} GB (limit {args.memory:.0f} GB)")
    return ok


def _row(name: str, score: dict[str, float]) -> str:
    return (f"  {name:<34} links={int(score['links']):>5}  precision={score['precision']:.3f}  "
            f"recall={score['recall']:.3f}  F1={score['f1']:.3f}  (per-incident recall {score['record_recall']:.3f})")


def _methods(a: pd.DataFrame, b: pd.DataFrame, truth: pd.DataFrame, *, closed: bool, days: int, km: float) -> dict:
    """Every method on one pair of lists, scored against the truth (each scorer at its default min_score)."""
    rules = match_incidents(a, b, days=days, km=km)
    fs = match_incidents(a, b, days=days, km=km, scorer="fs")
    at_half = match_incidents(a, b, days=days, km=km, scorer="fs", model=fs.model, min_score=0.5)
    blind = match_incidents(_no_names(a), _no_names(b), days=days, km=km, scorer="fs")
    out = {
        "today's rules score + Hungarian": link_scores(rules.pairs, truth, closed=closed),
        "Splink Fellegi–Sunter + Hungarian": link_scores(fs.pairs, truth, closed=closed),
        "  the same at min_score 0.5": link_scores(at_half.pairs, truth, closed=closed),
        "  the same without the name comparison": link_scores(blind.pairs, truth, closed=closed),
        "Splink single-best-link clustering": link_scores(single_best_links(fs), truth, closed=closed),
    }
    for name, scorer in (("rules", "rules"), ("Fellegi–Sunter", "fs")):
        many = match_incidents(
            a, b, days=days, km=km, scorer=scorer, model=fs.model, mode="one-to-many"  # type: ignore[arg-type]
        )
        out[f"{name}, one-to-many"] = link_scores(many.pairs, truth, closed=closed)
    out["_model"] = fs.model
    return out


def _no_names(frame: pd.DataFrame) -> pd.DataFrame:
    """The list with every place name blank: the Fellegi–Sunter model then has only date, place and deaths."""
    return frame.assign(place_name="")


def name_rates(labels: pd.DataFrame, alleged: pd.DataFrame, strikes: pd.DataFrame) -> dict[str, float]:
    """How the place names of the hand-labelled true pairs compare: shares naming another place, or none."""
    key_a = dict(zip(alleged["source_id"].astype(str), place_keys(alleged), strict=True))
    key_b = dict(zip(strikes["source_id"].astype(str), place_keys(strikes), strict=True))
    ka, kb = labels["id_a"].map(key_a), labels["id_b"].map(key_b)
    missing = ka.isna() | kb.isna()
    other = ~missing & (ka != kb)
    true = labels["label"] == 1
    false_agree = float((~missing & ~other)[~true].mean())
    return {"other": float(other[true].mean()), "missing": float(missing[true].mean()), "false_agree": false_agree}


def false_name_agreement(a: pd.DataFrame, b: pd.DataFrame, truth: pd.DataFrame, *, days: int, km: float) -> float:
    """Share of false candidate pairs whose place names agree (folded), to set beside the hand-labelled share."""
    cand = match_incidents(a, b, days=days, km=km).candidates
    true = set(zip(truth["id_a"].astype(str), truth["id_b"].astype(str), strict=True))
    false = cand[[p not in true for p in zip(cand["id_a"].astype(str), cand["id_b"].astype(str), strict=True)]]
    ka = dict(zip(a["source_id"].astype(str), place_keys(a), strict=True))
    kb = dict(zip(b["source_id"].astype(str), place_keys(b), strict=True))
    x, y = false["id_a"].map(ka), false["id_b"].map(kb)
    both = x.notna() & y.notna()
    return float((x[both] == y[both]).mean()) if both.any() else float("nan")


def tuned_threshold(a: pd.DataFrame, b: pd.DataFrame, truth: pd.DataFrame, model: object, *, days: int,
                    km: float, seed: int = 15) -> tuple[float, dict[str, float], dict[str, float]]:
    """min_score chosen on a random half of list A (tuning), F1 reported on the other half (evaluation)."""
    ids = a["source_id"].astype(str).to_numpy()
    tune = set(np.random.default_rng(seed).permutation(ids)[: len(ids) // 2].tolist())

    def half(frame: pd.DataFrame, keep: bool) -> pd.DataFrame:
        return frame[frame["id_a"].astype(str).isin(tune) == keep]

    best, best_f1, runs = 0.5, -1.0, {}
    for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        res = match_incidents(a, b, days=days, km=km, scorer="fs", model=model, min_score=t)  # type: ignore[arg-type]
        runs[t] = res.pairs
        f1 = link_scores(half(res.pairs, True), half(truth, True))["f1"]
        if f1 > best_f1:
            best, best_f1 = t, f1
    chosen = link_scores(half(runs[best], False), half(truth, False))
    default = link_scores(half(runs[0.5], False), half(truth, False))
    return best, chosen, default


def _synthetic_runs(real: pd.DataFrame, names_: dict[str, float], rates: dict[str, float],
                    args: argparse.Namespace) -> dict:
    """Both synthetic benchmarks (names kept as they were, names varied as real sources vary), two shifts each."""
    out = {}
    for label, names in (("old benchmark: names copied unchanged", None), ("new benchmark: names vary", names_)):
        for shift in (0.2, 0.0):
            a, b, truth = perturbed_copies(real, seed=0, day_shift=shift, names=names)
            print(f"(a) synthetic, {label}: {len(a):,} real Airwars Syria incidents x {len(b):,} copies moved "
                  f"within each record's precision ({len(truth):,} true pairs; 15% of copies dropped, 5% "
                  f"duplicated; {shift:.0%} of day-precise copies moved a day)")
            syn = _methods(a, b, truth, closed=True, days=args.days, km=args.km)
            for name, score in syn.items():
                if not name.startswith("_"):
                    print(_row(name, score))
            out[(names is not None, shift)] = (syn, a, b, truth)
        if names is not None:
            share = false_name_agreement(a, b, truth, days=args.days, km=args.km)
            print(f"  false candidate pairs whose place names agree: {share:.1%} synthetic, "
                  f"{rates['false_agree']:.1%} in the hand-labelled sample")
    return out


def quality(args: argparse.Namespace) -> bool:
    """Synthetic truth from real Airwars events, then the hand-labelled Airwars x Dutch-log sample."""
    from kit.incidents import load_airwars, load_nl_mod

    aw = load_airwars(SHARED / "airwars_syria/airwars_syria_incidents.csv").frame
    real = aw[aw["country"] == "sy"]
    nl = load_nl_mod(SHARED / "nl_mod_oir/nl_mod_oir_airstrikes_20230330.csv").frame
    alleged = aw[aw["coalition_alleged"] & (aw["country"] == "sy")]
    strikes = collapse_strikes(nl[nl["country"] == "sy"])
    labels = pd.read_csv(ROOT / "data/match_labels/airwars_nl_mod_syria.csv", dtype=str)
    labels["label"] = labels["label"].astype(int)
    rates = name_rates(labels, alleged, strikes)
    names = {k: rates[k] for k in ("other", "missing")}
    print(f"place names of the {int(labels['label'].sum())} hand-labelled true pairs: {rates['other']:.1%} name "
          f"another place, {rates['missing']:.1%} have none, the rest agree once spelling is folded")
    print(f"min_score: {DEFAULT_MIN_SCORE['rules']:g} for the rules score, {DEFAULT_MIN_SCORE['fs']:g} for "
          "Fellegi–Sunter (the defaults; 'at min_score 0.5' is the Fellegi–Sunter run at the old default)")
    runs = _synthetic_runs(real, names, rates, args)
    syn, a, b, truth = runs[(True, 0.0)]
    best, chosen, default = tuned_threshold(a, b, truth, syn["_model"], days=args.days, km=args.km)
    print(f"threshold chosen on a tuning half of list A: min_score {best}; on the evaluation half F1 "
          f"{chosen['f1']:.3f} (precision {chosen['precision']:.3f}, recall {chosen['recall']:.3f}) vs "
          f"{default['f1']:.3f} at 0.5")
    print(f"(b) hand-labelled: {len(labels)} Airwars x Dutch-log pairs ({int(labels['label'].sum())} labelled 1); "
          "only links among the labelled pairs are judged")
    lab = _methods(alleged, strikes, labels, closed=False, days=args.days, km=args.km)
    for name, score in lab.items():
        if not name.startswith("_"):
            print(_row(name, score))
    print("learned weights on the Airwars x Dutch-log lists:")
    table = lab["_model"].explain()
    for row in table[table["level"] >= 0].itertuples():
        print(f"  {row.comparison:>6} {row.level}: m={row.m_probability:.3g} u={row.u_probability:.3g} "
              f"weight {row.match_weight:+.2f}  {row.meaning}")
    fs_f1 = syn["Splink Fellegi–Sunter + Hungarian"]["f1"]
    better = lab["Splink Fellegi–Sunter + Hungarian"]["f1"] > lab["today's rules score + Hungarian"]["f1"]
    ok = fs_f1 >= 0.9 and better
    print(f"{'PASS' if ok else 'FAIL'}: synthetic F1 {fs_f1:.3f} (new benchmark, target 0.9); hand-labelled F1 "
          f"better than today's score: {better}")
    return ok


def spark_check(n: int, args: argparse.Namespace) -> bool:
    """The same model on Splink's Spark backend (local[2]) and on DuckDB: the same links?"""
    from pyspark.sql import SparkSession

    a = synthetic(n, seed=1, source="A")
    b = synthetic(n, seed=2, source="B", base=a)
    duck = match_incidents(a, b, days=args.days, km=args.km, scorer="fs")
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").config("spark.sql.shuffle.partitions", "8").getOrCreate())
    try:
        t0 = time.perf_counter()
        on_spark = match_incidents(a, b, days=args.days, km=args.km, scorer="fs", model=duck.model, spark=spark)
        spark_s = time.perf_counter() - t0
    finally:
        spark.stop()
    same = set(zip(duck.pairs["id_a"], duck.pairs["id_b"], strict=True)) == set(
        zip(on_spark.pairs["id_a"], on_spark.pairs["id_b"], strict=True))
    diff = float((duck.candidates["match_probability"] - on_spark.candidates["match_probability"]).abs().max())
    print(f"Spark local[2] {n:,} x {n:,}: {spark_s:.1f} s; links {len(on_spark.pairs):,} vs DuckDB "
          f"{len(duck.pairs):,}; same links: {same}; largest probability difference {diff:.2e}")
    return same


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=1_000)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--memory", type=float, default=8.0)
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--km", type=float, default=DEFAULT_KM)
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--spark", type=int, default=0)
    ap.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--scorer", default="fs", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one, args.scorer, args.days, args.km)))
        return 0
    if args.quality:
        return 0 if quality(args) else 1
    if args.spark:
        return 0 if spark_check(args.spark, args) else 1
    return 0 if speed(args) else 1


if __name__ == "__main__":
    sys.exit(main())
