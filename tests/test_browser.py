"""Rendered reports opened in headless Debian Chromium with every non-file request blocked.

One session fixture renders every report of notebooks/reports.yaml plus the
hostile fixture report once; each test opens one report. Checks: no request
leaves the file, no console or page error, every chart drawn with aria-labelled
marks, bound controls and legend clicks change the drawn marks, hostile text
shows literally and runs nothing; and, at 1280 and 390 px, what a reader sees: nothing wider than the
page outside a scroll box, no text under 10 px, a year on every time axis, the findings first, no console
warning. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import offline_page

import kit.report as kr
from kit.present.charts import NARROW_BELOW

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
REPORT_SET = REPO / "notebooks" / "reports.yaml"
HOSTILE_NB = REPO / "tests" / "fixtures" / "hostile" / "hostile_report.ipynb"
ARTIFACTS = REPO / "tests" / "artifacts"
HOSTILE = "hostile_report"
SCRIPT = "<script>window.__injected=1</script>"
_SPECS = kr.load_report_set(REPORT_SET)
REPORTS = [s.name for s in _SPECS] + [HOSTILE]
FOUNDING = [s.name for s in _SPECS if s.notebook.name == "01_founding_article.ipynb"]

# Every drawn mark item (points, rules, bars, areas...) carries role="graphics-symbol" and an aria-label.
_MARKS_JS = """el => Array.from(el.querySelectorAll('svg.marks [role="graphics-symbol"]')).map(m =>
  ['aria-label','transform','d','x','y','x2','y2','width','height','opacity','fill-opacity','stroke-opacity','fill',
   'stroke','stroke-width','stroke-dasharray','font-weight']
    .map(a => m.getAttribute(a)).join('|')).join('\\n')"""
_OPACITY_JS = """el => Array.from(
    el.querySelectorAll('svg.marks g.role-mark:not(.role-legend-symbol) [role="graphics-symbol"]'))
  .map(m => [m.getAttribute('opacity'), m.getAttribute('fill-opacity'), m.getAttribute('stroke-opacity')]
    .join('|')).join('\\n')"""
_SETTLED_JS = """() => {
  const charts = document.querySelectorAll('.kit-chart');
  return Array.from(charts).every(c => (c.classList.contains('kit-chart-ready') && c.querySelector('svg.marks'))
    || c.classList.contains('kit-chart-error'));
}"""


@dataclass
class Rendered:
    """The rendered report set: output folder, what rendered and what failed."""

    out: Path
    results: dict[str, kr.RenderResult] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Render notebooks/reports.yaml and the hostile fixture once for the whole session."""
    out = tmp_path_factory.mktemp("reports")
    state = Rendered(out)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        results, failures = kr.render_set(REPORT_SET, out_dir=out)
        state.results.update({r.name: r for r in results})
        state.failures.update({spec.name: str(exc) for spec, exc in failures})
        try:
            state.results[HOSTILE] = kr.render(HOSTILE_NB, out_dir=out)
        except kr.ReportError as exc:
            state.failures[HOSTILE] = str(exc)
    return state


@dataclass
class Opened:
    page: Any
    blocked: list[str]
    errors: list[str]
    charts: int


@pytest.fixture
def open_report(browser: Any, rendered: Rendered) -> Iterator[Any]:
    """Open a rendered report by name with every non-file:/data: request aborted and recorded."""
    contexts: list[Any] = []

    def _open(name: str) -> Opened:
        if name in rendered.failures:
            pytest.fail(f"report {name} did not render: {rendered.failures[name]}")
        path = rendered.results[name].path if name in rendered.results else rendered.out / f"{name}.html"
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page, blocked, errors = offline_page(context, path.as_uri())
        page.wait_for_function(_SETTLED_JS, timeout=30_000)
        return Opened(page, blocked, errors, page.locator(".kit-chart").count())

    yield _open
    for context in contexts:
        context.close()


def _marks(chart: Any) -> str:
    return str(chart.evaluate(_MARKS_JS))


def _wait_change(page: Any, chart: Any, before: str, js: str = _MARKS_JS, timeout: int = 3_000) -> bool:
    """Poll until the chart's marks differ from `before` (vega re-renders asynchronously)."""
    handle = chart.element_handle()
    try:
        page.wait_for_function(f"([el, before]) => ({js})(el) !== before", arg=[handle, before], timeout=timeout)
    except Exception:  # playwright TimeoutError: no change
        return False
    return True


def test_every_report_rendered(rendered: Rendered) -> None:
    assert rendered.failures == {}
    assert set(rendered.results) == set(REPORTS)


@pytest.mark.parametrize("name", REPORTS)
def test_report_draws_every_chart_offline(name: str, open_report: Any) -> None:
    opened = open_report(name)
    page = opened.page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert opened.blocked == []
    assert opened.errors == []
    assert page.locator(".kit-chart-error").count() == 0
    assert opened.charts >= 1
    assert page.locator(".vega-embed svg.marks").count() == opened.charts
    for i in range(opened.charts):
        chart = page.locator(".kit-chart").nth(i)
        assert chart.locator('svg.marks [role="graphics-symbol"][aria-label]').count() > 0, f"chart {i} has no marks"
    assert page.evaluate("(window.__kitViews || []).length") == opened.charts
    footer = page.inner_text("footer.kit-footer")
    assert "casualty-kit" in footer and "sha256" in footer and "2023-11-14T22:13:20Z" in footer


@pytest.mark.parametrize("name", REPORTS)
def test_bound_controls_change_drawn_marks(name: str, open_report: Any) -> None:
    opened = open_report(name)
    page = opened.page
    changed: list[str] = []
    unchanged: list[str] = []
    for i in range(opened.charts):
        chart = page.locator(".kit-chart").nth(i)
        for j in range(chart.locator(".vega-bind select").count()):
            select = chart.locator(".vega-bind select").nth(j)
            options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
            current = select.input_value()
            moved = False
            for value in [o for o in options if o != current]:
                before = _marks(chart)
                select.select_option(value)
                if _wait_change(page, chart, before):
                    moved = True
                    break
            (changed if moved else unchanged).append(f"chart {i} select {j}")
            select.select_option(current)
        for j in range(chart.locator(".vega-bind input[type=range]").count()):
            slider = chart.locator(".vega-bind input[type=range]").nth(j)
            moved = False
            for end in ("max", "min"):
                before = _marks(chart)
                slider.evaluate(
                    f"el => {{ el.value = el.{end}; el.dispatchEvent(new Event('input', {{bubbles: true}})); }}"
                )
                if _wait_change(page, chart, before):
                    moved = True
                    break
            (changed if moved else unchanged).append(f"chart {i} slider {j}")
    assert unchanged == [], f"controls that changed nothing: {unchanged}"
    if name in FOUNDING or name == HOSTILE:
        assert page.locator(".vega-bind select").count() >= 1, "expected at least one dropdown"
        assert page.locator(".vega-bind input[type=range]").count() >= 1, "expected at least one slider"
    assert opened.errors == [] and opened.blocked == []


@pytest.mark.parametrize("name", REPORTS)
def test_legend_click_isolates(name: str, open_report: Any) -> None:
    opened = open_report(name)
    page = opened.page
    legend_charts = page.evaluate(
        """() => Array.from(document.querySelectorAll('.kit-chart')).map((c, i) => {
             const s = c.nextElementSibling; return s && /"bind":"legend"/.test(s.textContent) ? i : -1;
           }).filter(i => i >= 0)"""
    )
    if name in FOUNDING or name == HOSTILE:
        assert legend_charts, "expected a chart with a legend-bound selection"
    if not legend_charts:
        return  # nothing to isolate in this report; every legend-bound selection elsewhere is clicked
    dead = []
    for i in legend_charts:
        chart = page.locator(".kit-chart").nth(i)
        symbols = chart.locator("g.role-legend-symbol path")
        assert symbols.count() > 0, f"chart {i}: no legend symbols"
        symbols.first.scroll_into_view_if_needed()
        before = str(chart.evaluate(_OPACITY_JS))
        symbols.first.click(force=True)  # line-shaped symbols have no area, so skip the visibility wait
        if not _wait_change(page, chart, before, _OPACITY_JS):
            title = (chart.locator(".role-title-text").first.text_content()
                     if chart.locator(".role-title-text").count() else "")
            dead.append(f"chart {i} ({title}): legend click changed no mark opacity")
    assert not dead, "\n".join(dead)
    assert opened.errors == [] and opened.blocked == []


@pytest.mark.parametrize("name", REPORTS)
def test_hover_highlight_changes_marks(name: str, open_report: Any) -> None:
    opened = open_report(name)
    page = opened.page
    hover_charts = page.evaluate(
        """() => Array.from(document.querySelectorAll('.kit-chart')).map((c, i) => {
             const s = c.nextElementSibling;
             return s && /"on":"(pointerover|mouseover)"/.test(s.textContent) ? i : -1;
           }).filter(i => i >= 0)"""
    )
    if not hover_charts:
        return  # no hover selection in this report; every one elsewhere is hovered
    dead = []
    for i in hover_charts:
        chart = page.locator(".kit-chart").nth(i)
        marks = chart.locator('svg.marks g.role-mark:not(.role-legend-symbol) [role="graphics-symbol"]')
        # marks that take the pointer, last drawn first (top layers); text labels usually ignore it
        hoverable = marks.evaluate_all("ms => ms.map((m, k) => getComputedStyle(m).pointerEvents === 'none' ? -1 : k)"
                                       ".filter(k => k >= 0)")
        step = max(1, len(hoverable) // 8)
        candidates = list(dict.fromkeys([*reversed(hoverable[-4:]), *hoverable[::step]]))[:12]
        changed = False
        for k in candidates:
            mark = marks.nth(k)
            mark.scroll_into_view_if_needed()
            before = _marks(chart)
            mark.hover(force=True)
            if _wait_change(page, chart, before, timeout=1_000):
                changed = True
                break
        if not changed:
            dead.append(f"chart {i}: hovering marks changed nothing")
    assert not dead, "\n".join(dead)
    assert opened.errors == [] and opened.blocked == []


def test_hostile_report_runs_nothing_and_shows_text_literally(open_report: Any) -> None:
    opened = open_report(HOSTILE)
    page = opened.page
    text = page.inner_text("body")
    assert SCRIPT in text
    assert '" onerror="window.__injected=1' in text
    assert "المرصد السوري لحقوق الإنسان" in text
    assert "javascript:window.__injected=1" in text  # shown, never linked
    assert page.locator('a[href^="javascript:" i], a[href^="data:" i], a[href^="vbscript:" i]').count() == 0
    hrefs = page.locator("a[href]").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert all(re.match(r"^(https?://|#)", h) for h in hrefs), hrefs
    assert page.locator("img").count() == 0
    # tooltips: hover every mark of the first chart; vega-tooltip must escape the hostile HTML
    chart = page.locator(".kit-chart").first
    marks = chart.locator('svg.marks g.role-mark:not(.role-legend-symbol) [role="graphics-symbol"]')
    seen = []
    for k in range(marks.count()):
        marks.nth(k).hover(force=True)
        page.wait_for_timeout(50)
        seen.append(page.evaluate("(document.getElementById('vg-tooltip-element') || {}).innerText || ''"))
    assert any(SCRIPT in t for t in seen), "hostile tooltip text should show literally"
    assert page.locator("#vg-tooltip-element script, #vg-tooltip-element img").count() == 0
    assert page.evaluate("typeof window.__injected") == "undefined"
    assert opened.errors == [] and opened.blocked == []


def test_index_links_every_report_offline(browser: Any, rendered: Rendered) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        blocked: list[str] = []
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                   else (blocked.append(r.request.url), r.abort()))
        page.goto((rendered.out / "index.html").as_uri())
        hrefs = page.locator("a[href]").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert sorted(hrefs) == sorted(f"{n}.html" for n in REPORTS)
        assert blocked == []
    finally:
        context.close()



def test_same_scope_rendered_twice_is_byte_identical(rendered: Rendered, tmp_path: Path) -> None:
    """A second render of a real scoped report (SOURCE_DATE_EPOCH set) matches the session render byte for byte."""
    spec = next((s for s in _SPECS if s.name in FOUNDING and s.parameters), _SPECS[0])
    if spec.name in rendered.failures:
        pytest.fail(f"report {spec.name} did not render: {rendered.failures[spec.name]}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        again = kr.render(spec, out_dir=tmp_path)
    assert again.path.read_bytes() == rendered.results[spec.name].path.read_bytes()


# --------------------------------------------------------------------------- read as a reader would, laptop and phone

WIDTHS = (1280, 390)
FINDINGS = [s.name for s in _SPECS if s.notebook.name.startswith(("01_", "02_", "03_"))]
#: What a reader sees, measured in the page: elements wider than the viewport outside a sideways scroll box,
#: visible text under 10 px (SVG text by its on-screen size), visible time-axis labels that name a month without
#: its year, where the findings panel starts, and the page height.
_READER_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      const box = s.overflowX === 'auto' || s.overflowX === 'scroll';
      if (box && p.getBoundingClientRect().right <= vw + 1) return true;
    } return false; };
  const wide = [], small = [], noyear = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || el.closest('details:not([open]) > :not(summary)')) continue;
    if ((r.right > vw + 1 || r.left < -1) && !scrolls(el)) wide.push(el.tagName + ' ' + Math.round(r.width));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const el = n.parentElement;
    if (!n.textContent.trim() || el.closest('details:not([open]) > :not(summary)')) continue;
    const st = getComputedStyle(el);
    if (st.display === 'none' || st.visibility === 'hidden' || el.getAttribute('opacity') === '0') continue;
    if (!el.getBoundingClientRect().width) continue;
    let size = parseFloat(st.fontSize);
    if (el.closest('svg')) { const m = el.getScreenCTM(); if (m) size *= Math.hypot(m.a, m.b); }
    if (size < 9.95) small.push(n.textContent.trim().slice(0, 30) + ' @' + size.toFixed(1));
  }
  const month = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/;
  for (const ax of document.querySelectorAll('.kit-chart g.role-axis')) {
    const labels = Array.from(ax.querySelectorAll('.role-axis-label text'))
      .filter(t => t.getAttribute('opacity') !== '0').map(t => t.textContent);
    const bare = labels.filter(t => month.test(t) && !/\\b(1[89]|20)\\d\\d\\b/.test(t));
    if (bare.length) noyear.push(bare.slice(0, 4).join(', '));
  }
  const f = document.querySelector('.kit-findings');
  return {wide, small, noyear, height: document.documentElement.scrollHeight,
          findings: f ? f.getBoundingClientRect().top + window.scrollY : null};
}"""


#: Every drawn chart as a reader sees it: its SVG box against the viewport (a chart that needs its scroll box
#: counts as too wide), its visible text that crosses the viewport's edges or was cut short ("…"), and for
#: range charts whether the y axis (the wide layout's label column) or the phone layout was drawn, how many
#: claims and words (labels, headings, notes) the phone layout wrote, and marks drawn on a row label; axis labels
#: that overlap each other.
_CHART_FIT_JS = """() => {
  const vw = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('.kit-chart')).map(c => {
    const svg = c.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const texts = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim()
      && t.getAttribute('opacity') !== '0' && t.getBoundingClientRect().width > 0);
    const across = texts.filter(t => {
      const r = t.getBoundingClientRect();
      return r.left < -0.5 || r.right > vw + 0.5;
    });
    const ranges = svg.querySelector('g.claims_ranges_marks, g.claims_points_marks') !== null;
    const yAxis = Array.from(svg.querySelectorAll('g.role-axis'))
      .some(a => /Y-axis/.test(a.getAttribute('aria-label') || ''));
    const written = Array.from(svg.querySelectorAll('g.mark-text.role-mark text')).filter(t => t.textContent.trim());
    const overlaps = [];  // an axis's shown labels running into each other
    for (const axis of svg.querySelectorAll('g.role-axis')) {
      const boxes = Array.from(axis.querySelectorAll('.role-axis-label text'))
        .filter(t => t.getAttribute('opacity') !== '0' && t.textContent.trim()
          && !/rotate\\((?!0\\)|-?90\\)|-?270\\))/.test(t.getAttribute('transform') || ''))  // slanted: boxes overlap
        .map(t => [t.textContent, t.getBoundingClientRect()]);
      boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
        const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w > 1 && h > 1) overlaps.push(a.slice(0, 20) + ' / ' + b.slice(0, 20));
      }));
    }
    const claims = svg.querySelectorAll('g.claims_ranges_marks line, g.claims_points_marks path').length;
    const touching = [];  // a range chart's drawn mark (stroke included) on a row label: the y axis's or, on a
    let labelled = 0;     // phone, the words written at the left edge (notes beside marks are not row labels)
    if (ranges) {
      const rowLabels = yAxis ? Array.from(svg.querySelectorAll('g.role-axis'))
          .filter(a => /Y-axis/.test(a.getAttribute('aria-label') || ''))
          .flatMap(a => Array.from(a.querySelectorAll('.role-axis-label text')))
          .filter(t => t.getAttribute('opacity') !== '0' && t.textContent.trim())
        : written.filter(t => /^translate\\(0,/.test(t.getAttribute('transform') || ''));
      const marks = Array.from(svg.querySelectorAll('g.role-mark:not(.mark-text) [role="graphics-symbol"]'))
        .filter(m => !m.closest('.role-legend')).map(m => {
          const r = m.getBoundingClientRect(), s = parseFloat(m.getAttribute('stroke-width') || '0') / 2;
          return [m.getAttribute('aria-label') || '', r.left - s, r.right + s, r.top - s, r.bottom + s];
        });
      labelled = rowLabels.length;
      for (const t of rowLabels) {
        const p = t.getBoundingClientRect();
        for (const [what, l, r, top, bottom] of marks) {
          if (Math.min(p.right, r) - Math.max(p.left, l) > 0 && Math.min(p.bottom, bottom) - Math.max(p.top, top) > 0)
            touching.push(t.textContent.slice(0, 40) + ' / ' + what.slice(0, 40));
        }
      }
    }
    return {chart: c.id.slice(0, 14), left: Math.round(box.left), right: Math.round(box.right), ranges, yAxis,
            claims, written: written.length, overlaps, touching, labelled,
            across: across.map(t => t.textContent.slice(0, 40)),
            cut: texts.filter(t => t.textContent.trim().endsWith('…')).map(t => t.textContent.slice(0, 40))};
  });
}"""


def _assert_charts_fit(page: Any, width: int) -> None:
    """No chart wider than the page, no text across its edges or cut short; range charts in their layout."""
    charts = page.evaluate(_CHART_FIT_JS)
    assert charts
    for c in charts:
        assert c["left"] >= -1 and c["right"] <= width + 1, f"chart wider than {width} px: {c}"
        assert c["across"] == [], f"text across the page edge at {width} px: {c}"
        assert c["cut"] == [], f"text cut short at {width} px: {c}"
        assert c["overlaps"] == [], f"axis labels run into each other at {width} px: {c}"
        assert c["touching"] == [], f"a mark on its row label at {width} px: {c['touching'][:5]}"
        if c["ranges"]:  # wide: labels in the y axis column; phone: written above the marks, no y axis
            assert c["yAxis"] == (width >= NARROW_BELOW), c
            assert c["labelled"] > 0, c  # the row labels were found
            if width < NARROW_BELOW:  # a label per claim at least (a claim may have a rule and a point)
                assert c["written"] >= c["claims"] // 2 > 0, c


def _open_at(browser: Any, path: Path, width: int) -> tuple[Any, Any, list[str]]:
    """A page at `width` px with every non-file request aborted and every console warning or error kept."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    said: list[str] = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
               else (said.append(f"blocked {r.request.url}"), r.abort()))
    page.on("console", lambda m: said.append(f"{m.type}: {m.text}") if m.type in ("warning", "error") else None)
    page.on("pageerror", lambda e: said.append(f"pageerror: {e}"))
    page.goto(path.as_uri())
    page.wait_for_function(_SETTLED_JS, timeout=60_000)
    return context, page, said


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", [s.name for s in _SPECS])
def test_reads_on_laptop_and_phone(name: str, width: int, browser: Any, rendered: Rendered) -> None:
    if name in rendered.failures:
        pytest.fail(f"report {name} did not render: {rendered.failures[name]}")
    context, page, said = _open_at(browser, rendered.results[name].path, width)
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        seen = page.evaluate(_READER_JS)
        assert seen["wide"] == [], f"wider than the page outside a scroll box: {seen['wide'][:5]}"
        assert seen["small"] == [], f"text under 10 px: {seen['small'][:5]}"
        assert seen["noyear"] == [], f"time axes without a year: {seen['noyear']}"
        assert said == [], said
        _assert_charts_fit(page, width)
        if name in FINDINGS:
            assert seen["findings"] is not None and seen["findings"] < 900, seen["findings"]
        if name in FOUNDING:
            assert seen["height"] < 15_000, f"{name} is {seen['height']} px tall at {width} px"
    finally:
        context.close()


def test_scoped_founding_report_says_what_it_leaves_out(open_report: Any) -> None:
    scoped = next(s for s in _SPECS if s.name in FOUNDING and s.parameters)
    default = next(s for s in _SPECS if s.name in FOUNDING and not s.parameters)
    texts = {}
    for spec in (scoped, default):
        page = open_report(spec.name).page
        texts[spec.name] = page.inner_text(".kit-findings")
    assert texts[scoped.name] != texts[default.name]  # the scope changes the findings
    page = open_report(scoped.name).page
    left_out = page.locator("text=is left out for this scope").all_inner_texts()
    assert left_out, "a section with nothing for this scope should say so in one line"
    for href in page.locator(".kit-findings a[href^='#']").evaluate_all("as => as.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, f"finding links to a missing section {href}"


#: Every visible reader table with a claimant column: its scroll box, the claimant cells' widths and line
#: counts, and where the figure column ends against the box (visible without scrolling sideways).
_CLAIMANT_TABLES_JS = """() => {
  const lines = el => { const r = document.createRange(); r.selectNodeContents(el);
    return new Set(Array.from(r.getClientRects()).filter(b => b.width > 0).map(b => Math.round(b.top))).size; };
  return Array.from(document.querySelectorAll('table.kit-table')).filter(t => t.offsetParent !== null).flatMap(t => {
    const heads = Array.from(t.querySelectorAll('thead th')).map(h => h.textContent.trim());
    const who = heads.indexOf('claimant'), fig = heads.indexOf('figure');
    if (who < 0) return [];
    const box = t.closest('.kit-table-wrap').getBoundingClientRect();
    const cells = Array.from(t.querySelectorAll(`tbody tr > :nth-child(${who + 1})`));
    const figHead = fig < 0 ? null : t.querySelectorAll('thead th')[fig].getBoundingClientRect();
    return [{boxRight: box.right, boxLeft: box.left, figRight: figHead ? figHead.right : null,
             widths: cells.map(c => c.getBoundingClientRect().width), lines: cells.map(lines),
             names: cells.map(c => c.textContent.trim())}];
  });
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_claimant_column_leaves_the_figure_in_view(width: int, browser: Any, rendered: Rendered) -> None:
    """At 390 px a claimant name wraps to a narrow column so the figure beside it shows without scrolling;
    at 1280 px names stay on one line. Names are written in full on every row (never "same as above")."""
    name = FOUNDING[0]
    if name in rendered.failures:
        pytest.fail(f"report {name} did not render: {rendered.failures[name]}")
    context, page, _ = _open_at(browser, rendered.results[name].path, width)
    try:
        ARTIFACTS.mkdir(exist_ok=True)  # as a reader first sees it, long notes folded
        page.locator("table.kit-table").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"{name}-claimants-{width}.png"))
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        tables = page.evaluate(_CLAIMANT_TABLES_JS)
        assert len(tables) >= 2, "the founding report has its claims and anchor tables"
        for t in tables:
            assert t["boxRight"] <= width + 1 and t["boxLeft"] >= -1, t  # the scroll box fits the page
            assert "same as above" not in t["names"] and all(t["names"]), t["names"]
            if width == 390:
                assert max(t["widths"]) <= 0.4 * width, f"claimant column {max(t['widths']):.0f} px wide"
                assert t["figRight"] is not None and t["figRight"] <= t["boxRight"], t
            else:
                assert set(t["lines"]) == {1}, list(zip(t["names"], t["lines"], strict=True))
    finally:
        context.close()


def test_a_browser_without_decompressionstream_says_why_each_chart_is_missing(browser: Any, rendered: Rendered) -> None:
    """The bundle is unpacked by DecompressionStream: a browser without it gets a sentence per chart, not a blank."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.add_init_script("delete window.DecompressionStream;")
        page = context.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
        page.goto(rendered.results["01_founding_article"].path.as_uri())
        page.wait_for_function(_SETTLED_JS, timeout=30_000)
        charts = page.locator(".kit-chart")
        assert charts.count() >= 6 and page.locator(".kit-chart-error").count() == charts.count()
        assert "Safari 16.4+" in charts.first.inner_text() and "DecompressionStream" in charts.first.inner_text()
    finally:
        context.close()
