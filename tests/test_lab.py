"""The kit in JupyterLab itself: each notebook, Run All, every chart drawn offline, every control live.

A real `jupyter lab` (127.0.0.1, random token, its own config dirs) serves a
copy of notebooks/; Debian Chromium opens each notebook and runs all cells
from the Run menu, as a user does. Every request to a host other than
loopback is blocked and counted. Screenshots land in tests/artifacts/lab/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lab_session as L
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = L.REPO / "tests" / "artifacts" / "lab"
NOTEBOOKS = sorted(p.name for p in (L.REPO / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[L.Lab]:
    """One lab for the module, over a temporary copy of notebooks/; stopped at the end."""
    repo_files = {p.name for p in (L.REPO / "notebooks").iterdir()}
    server = L.Lab(tmp_path_factory.mktemp("lab")).start()
    try:
        yield server
    finally:
        server.stop()
    assert server.proc is not None and server.proc.poll() is not None, "jupyter lab is still running"
    assert {p.name for p in (L.REPO / "notebooks").iterdir()} == repo_files  # nothing written beside the repo's


class Ran:
    """A notebook opened in the lab and run to the end: its page, traffic and charts."""

    def __init__(self, page: Any, traffic: L.Traffic, charts: list[dict[str, Any]], new_files: set[str],
                 saved: dict[str, Any]) -> None:
        self.page, self.traffic, self.charts, self.new_files, self.saved = page, traffic, charts, new_files, saved


# Notebook 7.6's own shell throws this while it loads its settings, before any cell runs (its shortcuts
# plugin reads the schema of a plugin it has not loaded); nothing a notebook or the kit does is involved.
NOTEBOOK7_STARTUP_ERRORS = ("page error: Cannot read properties of undefined (reading 'schema')",)


def _run(browser: Any, lab: L.Lab, notebook: str) -> tuple[Any, Ran]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    traffic = L.Traffic()
    traffic.attach(context)
    page = context.new_page()
    traffic.watch(page)
    L.open_notebook(page, lab, notebook)
    if lab.app == "notebook":  # only the shell's known load-time error is let through, and only before Run All
        traffic.console_errors = [e for e in traffic.console_errors if e not in NOTEBOOK7_STARTUP_ERRORS]
    L.run_all(page)
    L.wait_idle(page)
    page.wait_for_timeout(1500)  # widget views draw after the kernel is idle
    charts = L.charts(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = notebook if lab.app == "lab" else f"{notebook.removesuffix('.ipynb')}-notebook7.ipynb"
    page.screenshot(path=str(ARTIFACTS / f"{shot}.png"))
    embeds = page.locator(L.VISIBLE_EMBED)
    for i in range(min(embeds.count(), 4)):  # the first charts as drawn, for a person to look at
        embeds.nth(i).locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')]").screenshot(
            path=str(ARTIFACTS / f"{shot.removesuffix('.ipynb')}-chart{i}.png"))
    before = lab.files()
    L.save(page, lab.notebooks / notebook)
    new_files = lab.files() - before
    saved = L.read_saved(lab.notebooks / notebook)
    return context, Ran(page, traffic, charts, new_files, saved)


def _expected_charts(saved: dict[str, Any]) -> int:
    """Chart widgets the saved notebook displayed: a kit chart or an explorer each holds exactly one."""
    return sum("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for c in saved["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))


def _check(ran: Ran, notebook: str) -> None:
    errors = [o for c in ran.saved["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
              if o["output_type"] == "error"]
    assert errors == [], f"{notebook}: {[e['ename'] + ': ' + e['evalue'] for e in errors]}"
    assert len(ran.charts) == _expected_charts(ran.saved), f"{notebook}: {ran.charts}"
    for i, chart in enumerate(ran.charts):
        assert chart["marks"] > 0 and chart["labels"] > 0 and not chart["error"], f"{notebook} chart {i}: {chart}"
    assert ran.traffic.blocked == [], f"{notebook}: requests to other hosts {ran.traffic.blocked}"
    assert ran.page.get_by_text("Error displaying widget").count() == 0
    assert ran.traffic.console_errors == [], f"{notebook}: {ran.traffic.console_errors}"
    # saving writes the notebook only: no paired .py (checkpoints are Jupyter's own, gitignored)
    assert {f for f in ran.new_files if ".ipynb_checkpoints" not in f} == set(), ran.new_files


@pytest.mark.parametrize("notebook", [n for n in NOTEBOOKS if not n.startswith("02_")])
def test_notebook_draws_every_chart_offline(browser: Any, lab: L.Lab, notebook: str) -> None:
    context, ran = _run(browser, lab, notebook)
    try:
        _check(ran, notebook)
        if (L.REPO.parent / "shared" / "data").is_dir() or not notebook.startswith("03_"):
            assert ran.charts, f"{notebook} drew no chart"
    finally:
        context.close()


@pytest.fixture(scope="module")
def explorers(browser: Any, lab: L.Lab) -> Iterator[Ran]:
    context, ran = _run(browser, lab, "02_explore_claims.ipynb")
    L.install_controls(ran.page)
    try:
        yield ran
    finally:
        context.close()


def test_explorer_notebook_draws_offline(explorers: Ran) -> None:
    _check(explorers, "02_explore_claims.ipynb")
    assert len(explorers.charts) >= 2


def test_every_explorer_control_changes_the_marks(explorers: Ran) -> None:
    page = explorers.page
    unchanged = []
    for name, chart, setup, change, back, teardown in L.CONTROLS:
        if chart >= len(explorers.charts):
            continue  # the incident explorer needs ../shared
        if setup:
            L.steps(page, chart, setup)
        before = page.evaluate(f"__kit.svg({chart})")
        ms = L.timed_change(page, chart, change)
        after = page.evaluate(f"__kit.svg({chart})")
        if ms is None or after == before:
            unchanged.append(name)
        L.steps(page, chart, back)
        if teardown:
            L.steps(page, chart, teardown)
    page.screenshot(path=str(ARTIFACTS / "02_controls.png"))
    assert unchanged == []
    assert explorers.traffic.console_errors == [] and explorers.traffic.blocked == []


def test_clicking_a_claim_shows_a_readable_provenance_card(explorers: Ran) -> None:
    page = explorers.page
    host = page.locator(L.VISIBLE_EMBED).nth(L.CLAIMS)
    host.locator("svg .mark-symbol path").first.click(force=True)
    card = page.locator(".kit-provenance")
    card.wait_for(timeout=15_000)
    card.scroll_into_view_if_needed()
    box = card.bounding_box()
    assert box is not None and box["width"] >= 320, box
    chart_box = host.bounding_box()
    assert chart_box is not None and box["y"] + box["height"] <= chart_box["y"] + 1  # over the chart, not beside
    page.screenshot(path=str(ARTIFACTS / "02_provenance_card.png"))
    lab_url = page.url
    with page.context.expect_page() as opened:
        card.locator("a").first.click()
    tab = opened.value
    assert tab is not page and page.url == lab_url
    assert page.locator(".jp-Notebook").count() == 1  # the lab is still there
    tab.close()


def test_clicking_a_point_in_the_gap_chart_opens_a_new_tab(explorers: Ran) -> None:
    page = explorers.page
    host = page.locator(L.VISIBLE_EMBED).nth(L.GAP)
    host.scroll_into_view_if_needed()
    lab_url = page.url
    with page.context.expect_page() as opened:
        host.locator("svg .mark-symbol path").first.click(force=True)
    tab = opened.value
    assert page.url == lab_url and page.locator(".jp-Notebook").count() == 1
    tab.close()
    assert explorers.traffic.blocked == []


def test_no_paired_script_beside_the_notebooks(lab: L.Lab) -> None:
    """Saving in the lab (done by every test above) left no jupytext .py in the served notebooks."""
    assert not list(Path(lab.notebooks).glob("*.py"))


# --------------------------------------------------------------------------- Notebook 7
@pytest.fixture(scope="module")
def notebook7(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[L.Lab]:
    """`jupyter notebook` (Notebook 7) over its own copy of notebooks/, stopped at the end."""
    pytest.importorskip("notebook", minversion="7")
    server = L.Lab(tmp_path_factory.mktemp("notebook7"), app="notebook").start()
    try:
        yield server
    finally:
        server.stop()
    assert server.proc is not None and server.proc.poll() is not None, "jupyter notebook is still running"


def test_explorers_draw_offline_in_notebook7(browser: Any, notebook7: L.Lab) -> None:
    """The explorer notebook under Notebook 7 (/notebooks/... pages): the same offline checks, and a live control."""
    context, ran = _run(browser, notebook7, "02_explore_claims.ipynb")
    try:
        assert "/notebooks/notebooks/02_explore_claims.ipynb" in ran.page.url
        _check(ran, "02_explore_claims.ipynb (Notebook 7)")
        assert len(ran.charts) >= 2
        L.install_controls(ran.page)
        before = ran.page.evaluate(f"__kit.svg({L.CLAIMS})")
        assert L.timed_change(ran.page, L.CLAIMS, "__kit.dropdown(0, 'Outcome', 1)") is not None
        assert ran.page.evaluate(f"__kit.svg({L.CLAIMS})") != before
        assert ran.traffic.console_errors == [] and ran.traffic.blocked == []
    finally:
        context.close()
