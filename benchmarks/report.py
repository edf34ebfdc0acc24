"""Benchmark: the kit report pipeline against nbconvert's default export of the same notebook.

For the founding notebook (or --notebook), renders
  1. `kit.report.render` (kit template + kit altair renderer), and
  2. `jupyter nbconvert --execute --to html` (default lab template, altair's default renderer),
then opens both in headless Debian Chromium with every non-file request blocked and counts the
charts actually drawn. Prints size, render time and charts drawn for each, then PASS/FAIL for the
issue's budget: our report at most 1.5 MB with at least 6 charts, all drawn offline.

    .venv/bin/python benchmarks/report.py [--notebook PATH] [--min-charts 6] [--max-mb 1.5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import kit.report as kr
from kit.core import INPUTS_ENV, RENDER_ENV

REPO = Path(__file__).resolve().parents[1]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update"]
# A chart counts as drawn when its container holds Vega's rendered scene (SVG or canvas).
COUNT_JS = """() => {
  const kit = document.querySelectorAll('.kit-chart').length;
  const altair = document.querySelectorAll('div[id^="altair-viz-"]').length;
  const drawn = document.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks').length;
  return {charts: kit + altair, drawn: drawn};
}"""


def _drawn(path: Path, wait_ms: int = 4000) -> tuple[int, int, int, int]:
    """(charts in the file, charts drawn, requests blocked, console/page errors) in offline Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            blocked: list[str] = []
            errors: list[str] = []

            def route(r: object) -> None:
                request = r.request  # type: ignore[attr-defined]
                if request.url.startswith(("file:", "data:")):
                    r.continue_()  # type: ignore[attr-defined]
                else:
                    blocked.append(request.url)
                    r.abort()  # type: ignore[attr-defined]

            page.route("**/*", route)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri(), wait_until="load")
            deadline = time.monotonic() + wait_ms / 1000
            counts = page.evaluate(COUNT_JS)
            while counts["drawn"] < counts["charts"] and time.monotonic() < deadline:
                page.wait_for_timeout(200)
                counts = page.evaluate(COUNT_JS)
            return counts["charts"], counts["drawn"], len(blocked), len(errors)
        finally:
            browser.close()


def _nbconvert_default(notebook: Path, out: Path) -> tuple[Path, float]:
    """nbconvert's default export, executed in the notebook's folder with altair's default renderer."""
    env = {k: v for k, v in os.environ.items() if k not in (RENDER_ENV, INPUTS_ENV)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--execute", "--to", "html", "--output-dir", str(out),
         "--output", f"{notebook.stem}_nbconvert_default", str(notebook)],
        check=True, cwd=notebook.parent, env=env, capture_output=True,
    )
    return out / f"{notebook.stem}_nbconvert_default.html", time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", type=Path, default=REPO / "notebooks" / "01_founding_article.ipynb")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out")
    parser.add_argument("--min-charts", type=int, default=6)
    parser.add_argument("--max-mb", type=float, default=1.5)
    args = parser.parse_args(argv)
    notebook = args.notebook.resolve()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    try:
        result = kr.render(notebook, out_dir=out / "kit", name=notebook.stem)
    except kr.ReportError as exc:
        print(f"FAIL: kit render failed: {exc}")
        return 1
    kit_seconds = time.perf_counter() - started
    default_path, default_seconds = _nbconvert_default(notebook, out / "default")

    rows = []
    for label, path, seconds in (("kit render", result.path, kit_seconds),
                                 ("nbconvert default", default_path, default_seconds)):
        charts, drawn, blocked, errors = _drawn(path)
        rows.append((label, path.stat().st_size, seconds, charts, drawn, blocked, errors))

    print(f"notebook: {notebook.relative_to(REPO) if notebook.is_relative_to(REPO) else notebook}")
    print(f"{'export':<18} {'size':>10} {'render s':>9} {'charts':>7} "
          f"{'drawn offline':>14} {'blocked req':>12} {'errors':>7}")
    for label, size, seconds, charts, drawn, blocked, errors in rows:
        print(f"{label:<18} {size / 1e6:>8.2f}MB {seconds:>9.1f} {charts:>7} {drawn:>14} {blocked:>12} {errors:>7}")

    _, kit_size, _, kit_charts, kit_drawn, kit_blocked, kit_errors = rows[0]
    checks = [
        (f"size {kit_size / 1e6:.2f} MB <= {args.max_mb} MB", kit_size <= args.max_mb * 1e6),
        (f"charts drawn offline {kit_drawn} >= {args.min_charts}", kit_drawn >= args.min_charts),
        (f"every chart drawn ({kit_drawn}/{kit_charts})", kit_drawn == kit_charts),
        (f"no request attempted ({kit_blocked})", kit_blocked == 0),
        (f"no console/page error ({kit_errors})", kit_errors == 0),
    ]
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    passed = all(ok for _, ok in checks)
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
