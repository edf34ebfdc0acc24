"""Widget benchmark: control change → new chart data on 1,000,000 synthetic incidents.

Builds a million incidents (10 years × 5 sources × 32 governorates × 5 grades),
opens a `kit.widgets.IncidentExplorer`, changes its controls 24 times and
prints the median time from a control change to the new chart (data
aggregated, chart rebuilt, spec serialised as JupyterChart would send it).
The same updates recomputed from the raw rows, without the pre-aggregated
cube, are timed in the same process as the baseline (and checked to give the
same totals). Target: median ≤ 150 ms.

Run: .venv/bin/python benchmarks/widgets.py [--rows N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.ui import IncidentExplorer  # noqa: E402

TARGET_MS = 150.0
SOURCES = ["airwars", "cjtf-oir", "nl-mod", "snhr", "sohr"]
GRADES = ["Confirmed", "Fair", "Weak", "Contested", "Discounted"]


def synthetic_incidents(rows: int, seed: int = 7) -> pd.DataFrame:
    """Incidents shaped like kit.incidents output, with skewed casualty counts."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2014-08-01")
    days = rng.integers(0, 3650, rows)
    low = rng.geometric(0.35, rows) - 1
    govs = np.array([f"gov-{i:02d}" for i in range(32)])
    return pd.DataFrame({
        "incident_id": np.arange(rows),
        "date_start": start + days.astype("timedelta64[D]"),
        "governorate": govs[rng.integers(0, len(govs), rows)],
        "source": np.array(SOURCES)[rng.integers(0, len(SOURCES), rows)],
        "grade": np.array(GRADES)[rng.integers(0, len(GRADES), rows)],
        "civilians_killed_low": low,
        "civilians_killed_high": low + rng.integers(0, 4, rows),
    })


def _changes(ex: IncidentExplorer, n: int) -> list[callable]:  # type: ignore[valid-type]
    """n control changes cycling through sources, grades, governorates and the period."""
    sources = list(ex.groups.options)
    grades = list(ex.filter_widgets["grade"].options)
    govs = list(ex.filter_widgets["governorate"].options)
    months = len(ex.period.options)
    steps = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            steps.append(lambda i=i: setattr(ex.groups, "value", tuple(sources[: 1 + i % len(sources)])))
        elif kind == 1:
            steps.append(lambda i=i: setattr(ex.filter_widgets["grade"], "value", tuple(grades[i % 3:])))
        elif kind == 2:
            steps.append(lambda i=i: setattr(ex.filter_widgets["governorate"], "value",
                                             tuple(govs[i % 7: i % 7 + 12])))
        else:
            steps.append(lambda i=i: setattr(ex.period, "index", (i % 24, months - 1 - i % 12)))
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=24)
    args = parser.parse_args()

    t0 = time.perf_counter()
    incidents = synthetic_incidents(args.rows)
    t1 = time.perf_counter()
    ex = IncidentExplorer(incidents, filters=("governorate", "grade"))
    t2 = time.perf_counter()
    jchart = ex.jchart  # live widget: each update re-sends the spec
    print(f"rows: {len(incidents):,}  synthetic data: {t1 - t0:.2f} s  cube build (DuckDB): {t2 - t1:.2f} s "
          f"({len(ex.cube):,} cube rows)")

    with_cube: list[float] = []
    max_rows = 0
    for step in _changes(ex, args.changes):
        start = time.perf_counter()
        step()
        assert jchart.spec is not None
        with_cube.append((time.perf_counter() - start) * 1000)
        max_rows = max(max_rows, len(ex.frame))

    # baseline: the same selections recomputed from the raw rows, pushed the same way
    selections = []
    for step in _changes(ex, args.changes):
        step()
        selections.append(ex.selection())
    baseline: list[float] = []
    for sel in selections:
        start = time.perf_counter()
        frame = ex.aggregate_raw(sel)
        jchart.spec = ex.spec_for(frame)
        baseline.append((time.perf_counter() - start) * 1000)
        check = ex.aggregate(sel)
        assert len(check) == len(frame) and abs(check["high"].sum() - frame["high"].sum()) < 1e-6, "cube ≠ raw"

    med, base = statistics.median(with_cube), statistics.median(baseline)
    print(f"control changes: {len(with_cube)}  chart rows sent: ≤ {max_rows:,}")
    print(f"median control change → new chart data: {med:.1f} ms (pre-aggregated cube)  "
          f"vs {base:.1f} ms (same update from raw rows)  p90 {np.percentile(with_cube, 90):.1f} ms")
    ok = med <= TARGET_MS
    print(f"{'PASS' if ok else 'FAIL'}: median {med:.1f} ms {'≤' if ok else '>'} target {TARGET_MS:.0f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
