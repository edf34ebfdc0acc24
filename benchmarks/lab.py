"""Lab benchmark: control change → marks redrawn, measured in the browser, in a real JupyterLab.

Starts `jupyter lab` on 127.0.0.1 (tests/lab_session.py: own config dirs, a
temporary notebook folder), runs a notebook holding the three explorers
(ClaimExplorer on the ledger, GapExplorer, IncidentExplorer on 1,000,000
synthetic incidents), and for every control times ≥ 10 changes from the
moment the widget's DOM event fires to the last SVG mutation of its chart
(`lab_session.timed_change`). Also Run All → first chart drawn on
notebooks/02_explore_claims.ipynb (its explorers draw offline in
both trees), warm (the second of two fresh kernels).

The same measurements run against a baseline tree (default: `git archive main`)
in the same process, and are printed beside. Targets: median ≤ 200 ms per
control, Run All → first chart ≤ 10 s. Exits non-zero when a target is missed.

Run: .venv/bin/python benchmarks/lab.py [--baseline REF|none] [--changes N] [--rows N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import lab_session as L  # noqa: E402

TARGET_MS = 200.0
TARGET_FIRST_CHART_S = 10.0

SETUP = '''\
import numpy as np
import pandas as pd
import kit
from kit.ui import ClaimExplorer, GapExplorer, IncidentExplorer
gaz = kit.load_gazetteer()
claims = kit.load_claims().claims
anchor = claims[(claims["claimant"] == "CJTF-OIR") & (claims["low"] == 352)]["claim_id"].iloc[0]
rng = np.random.default_rng(7)
rows = {rows}
govs = gaz.frame.loc[gaz.frame["kind"] == "governorate", "place_id"].to_numpy()
low = rng.geometric(0.35, rows) - 1
incidents = pd.DataFrame({{
    "date_start": np.datetime64("2014-08-01") + rng.integers(0, 3650, rows).astype("timedelta64[D]"),
    "governorate": govs[rng.integers(0, len(govs), rows)],
    "source": np.array(["airwars", "cjtf-oir", "nl-mod", "snhr", "sohr"])[rng.integers(0, 5, rows)],
    "grade": np.array(["Confirmed", "Fair", "Weak", "Contested", "Discounted"])[rng.integers(0, 5, rows)],
    "civilians_killed_low": low,
    "civilians_killed_high": low + rng.integers(0, 4, rows),
}})
'''
CELLS = [
    "ClaimExplorer(claims, gaz, anchor=anchor)",
    "GapExplorer(claims, 'Airwars', 'CJTF-OIR', gazetteer=gaz, places=['iq', 'sy'], since='2014-08')",
    "IncidentExplorer(incidents, group='grade', filters=('governorate', 'source'))",
]


def bench_notebook(folder: Path, rows: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP.format(rows=rows)), *map(nbformat.v4.new_code_cell, CELLS)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "bench.ipynb")
    return folder


def measure_controls(pw: Any, work: Path, kit_root: Path, rows: int, changes: int) -> dict[str, list[float]]:
    lab = L.Lab(work / "controls", notebooks=bench_notebook(work / "bench", rows), kit_root=kit_root).start()
    try:
        browser = L.launch(pw)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        L.open_notebook(page, lab, "bench.ipynb")
        L.run_all(page)
        L.wait_idle(page, timeout=900_000)
        page.wait_for_timeout(2000)
        L.install_controls(page)
        out: dict[str, list[float]] = {}
        for name, chart, setup, change, back, teardown in L.CONTROLS:
            if setup:
                L.steps(page, chart, setup)
            times = []
            for i in range(changes):
                ms = L.timed_change(page, chart, change if i % 2 == 0 else back, quiet_ms=400)
                times.append(float("nan") if ms is None else ms)
            if changes % 2:
                L.steps(page, chart, back)
            if teardown:
                L.steps(page, chart, teardown)
            out[name] = times
            print(f"  {name:26s} median {statistics.median(times):8.0f} ms", flush=True)
        browser.close()
        return out
    finally:
        lab.stop()


def first_chart_seconds(pw: Any, work: Path, kit_root: Path, notebook: str = "02_explore_claims.ipynb") -> float:
    """Run All → first chart drawn, in a fresh kernel, twice; the second (warm caches) is returned."""
    lab = L.Lab(work / "first", notebooks=kit_root / "notebooks", kit_root=kit_root).start()
    try:
        browser = L.launch(pw)
        seconds = []
        for _ in range(2):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            L.open_notebook(page, lab, notebook)
            t0 = L.run_all(page)
            try:  # a tree whose charts need a CDN never draws one offline
                page.wait_for_selector(".jp-OutputArea-output .vega-embed svg", timeout=300_000)
                seconds.append((float(page.evaluate("performance.now()")) - t0) / 1000)
            except Exception:
                seconds.append(float("nan"))
            L.wait_idle(page, timeout=600_000)
            page.locator(".lm-MenuBar-itemLabel:text-is('Kernel')").click()
            page.locator(".lm-Menu-itemLabel:text-is('Shut Down Kernel')").click()
            page.wait_for_timeout(1000)
            context.close()
        browser.close()
        print(f"  Run All → first chart: cold {seconds[0]:.1f} s, warm {seconds[1]:.1f} s", flush=True)
        return seconds[1]
    finally:
        lab.stop()


def baseline_tree(ref: str, work: Path) -> Path:
    """`git archive REF` unpacked beside the benchmark's work files (the tree the figures are compared to)."""
    tree = work / f"baseline-{ref.replace('/', '_')}"
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git ref measured beside (none: skip)")
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    if not L.CHROMIUM.exists():
        print(f"needs Debian chromium at {L.CHROMIUM}")
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kit-lab-bench-") as tmp, sync_playwright() as pw:
        work = Path(tmp)
        trees = {"this tree": REPO}
        if args.baseline != "none":
            trees[args.baseline] = baseline_tree(args.baseline, work)
        results: dict[str, dict[str, list[float]]] = {}
        first: dict[str, float] = {}
        for label, tree in trees.items():
            print(f"== {label} ({tree})", flush=True)
            results[label] = measure_controls(pw, work / label.replace(" ", "_"), tree, args.rows, args.changes)
            first[label] = first_chart_seconds(pw, work / label.replace(" ", "_"), tree)
    labels = list(trees)
    print(f"\ncontrol change → marks redrawn, median of {args.changes} changes (ms); target ≤ {TARGET_MS:.0f}")
    print(f"{'control':26s}" + "".join(f"{label:>14s}" for label in labels))
    missed = []
    for name, *_ in L.CONTROLS:
        medians = [statistics.median(results[label][name]) for label in labels]
        print(f"{name:26s}" + "".join(f"{m:14.0f}" for m in medians))
        if not medians[0] <= TARGET_MS:
            missed.append(name)
    print(f"{'Run All → first chart (s)':26s}" + "".join(f"{first[label]:14.1f}" for label in labels)
          + f"   target ≤ {TARGET_FIRST_CHART_S:.0f} (nan: no chart drawn offline)")
    if not first["this tree"] <= TARGET_FIRST_CHART_S:
        missed.append("Run All → first chart")
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
