"""A throwaway JupyterLab for browser tests and benchmarks: loopback only, its own config, stopped after use.

Why a helper module: tests/test_lab.py and benchmarks/lab.py drive the same
lab the same way (start, open a notebook, Run All, wait for the kernel, read
the drawn charts), and nothing they do may leak into the user's ~/.jupyter or
the repo's notebooks/ (they run on a copy).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Lab:
    """`jupyter lab` on 127.0.0.1 with a random token over a copy of `notebooks/` in `work`.

    Config, runtime, workspace, settings and IPython dirs all live in `work`, so
    the user's home is never read or written. Every notebook cell is rendered
    (windowing off), so charts below the fold draw too.
    """

    def __init__(self, work: Path, notebooks: Path = REPO / "notebooks", kit_root: Path = REPO,
                 app: str = "lab") -> None:
        self.app = app  # "lab" (JupyterLab) or "notebook" (Notebook 7: same server, its own pages)
        self.work = work
        self.kit_root = kit_root
        self.root = work / "root"
        self.notebooks = self.root / "notebooks"
        shutil.copytree(notebooks, self.notebooks, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.py"))
        # the repo's pyproject.toml above the notebooks, as in the repo: jupytext reads its config from there
        shutil.copy(kit_root / "pyproject.toml", self.root / "pyproject.toml")
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = work / "jupyter.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, notebook: str) -> str:
        if self.app == "notebook":
            return f"{self.base}/notebooks/notebooks/{notebook}?token={self.token}"
        return f"{self.base}/lab/tree/notebooks/{notebook}?token={self.token}&reset"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "KIT_RENDER"))}
        dirs = {name: self.work / name.lower() for name in (
            "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_WORKSPACES_DIR", "JUPYTERLAB_SETTINGS_DIR",
            "IPYTHONDIR")}
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        # every cell rendered, so charts below the fold are drawn (and counted) too
        tracker = dirs["JUPYTERLAB_SETTINGS_DIR"] / "@jupyterlab" / "notebook-extension"
        tracker.mkdir(parents=True, exist_ok=True)
        (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}), "utf-8")
        # no "news" question and no update check: nothing asks to reach the internet (Notebook 7 has neither)
        if self.app == "lab":
            apputils = dirs["JUPYTERLAB_SETTINGS_DIR"] / "@jupyterlab" / "apputils-extension"
            apputils.mkdir(parents=True, exist_ok=True)
            (apputils / "notification.jupyterlab-settings").write_text(
                json.dumps({"fetchNews": "false", "checkForUpdates": False}), "utf-8")
        env.update({k: str(v) for k, v in dirs.items()})
        # the kernel imports kit from `kit_root` (this tree, or a baseline tree in benchmarks/lab.py)
        env.update({"KIT_ROOT": str(self.kit_root),
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(self.kit_root), env.get("PYTHONPATH")]))})
        return env

    def start(self, timeout: float = 90) -> Lab:
        cmd = [sys.executable, "-m", "jupyterlab" if self.app == "lab" else "notebook", "--no-browser",
               "--allow-root", "--ip", "127.0.0.1", "--port", str(self.port), f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}", "--ServerApp.port_retries=0"]
        if self.app == "lab":
            cmd += ["--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                         cwd=self.root, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: {self.log.read_text('utf-8')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"jupyter lab did not start in {timeout}s: {self.log.read_text('utf-8')[-2000:]}")

    def stop(self) -> None:
        """Shut the server (and its kernels) down: SIGINT twice is Jupyter's own clean stop."""
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig in (signal.SIGINT, signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=5)
                return
            except subprocess.TimeoutExpired:
                continue

    def files(self) -> set[str]:
        """Every file under the served root (relative paths), checkpoints included."""
        return {str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file()}


class Traffic:
    """Blocks every request a browser context makes to a host other than loopback; counts the lab's own.

    `blocked` holds what the lab pages asked for (must stay empty); `followed`
    what other tabs asked for (a source link the test clicked opens one).
    """

    def __init__(self) -> None:
        self.blocked: list[str] = []
        self.followed: list[str] = []
        self.console_errors: list[str] = []
        self.lab_pages: list[Any] = []

    def attach(self, context: Any) -> None:
        def route(r: Any) -> None:
            url = r.request.url
            host = url.split("//", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0] if "//" in url else ""
            if url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
                r.continue_()
                return
            try:
                page = r.request.frame.page
            except Exception:  # a new tab's first navigation has no frame yet; anything else counts
                page = None
            other_tab = page not in self.lab_pages if page is not None else r.request.is_navigation_request()
            (self.followed if other_tab else self.blocked).append(url)
            r.abort()

        context.route("**/*", route)

    def watch(self, page: Any, label: str = "") -> None:
        self.lab_pages.append(page)
        def on_console(msg: Any) -> None:
            if msg.type == "error":
                self.console_errors.append(f"{label}{msg.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"{label}page error: {exc}"))


def launch(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


KERNEL_CONNECTED_JS = """() => {
    const s = (document.querySelector('.jp-Notebook-ExecutionIndicator') || {getAttribute: () => null})
        .getAttribute('data-status');
    if (s && s !== 'idle') window.__kitKernelSeen = true;
    return !!window.__kitKernelSeen && s === 'idle';
}"""
"""Notebook 7's execution indicator reads "idle" before its kernel starts too: ready is idle after a busy state."""


def open_notebook(page: Any, lab: Lab, notebook: str, timeout: float = 120_000) -> None:
    page.goto(lab.url(notebook))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout)
    if lab.app == "notebook":  # Run All before the kernel is connected does nothing there
        page.wait_for_function(KERNEL_CONNECTED_JS, timeout=timeout, polling=100)
    wait_idle(page, timeout)


def wait_idle(page: Any, timeout: float = 300_000) -> None:
    """Until the kernel is idle and no cell is queued or running (``[*]``).

    JupyterLab says so in its status bar; Notebook 7, which has none, in the
    notebook toolbar's execution indicator.
    """
    page.wait_for_function(
        """() => {
            const status = document.querySelector('#jp-main-statusbar');
            const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
            const idle = status ? /\\|\\s*Idle/.test(status.textContent)
                : !!indicator && indicator.getAttribute('data-status') === 'idle';
            const busy = [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')]
                .some(p => p.textContent.includes('*'));
            return idle && !busy;
        }""",
        timeout=timeout, polling=250,
    )


def run_all(page: Any) -> float:
    """Run > Run All Cells; returns the browser's performance.now() at the click (ms)."""
    page.locator(".lm-MenuBar-itemLabel:text-is('Run')").click()
    item = page.locator(".lm-Menu-itemLabel:text-is('Run All Cells')")
    item.wait_for()
    t0 = float(page.evaluate("performance.now()"))
    item.click()
    return t0


EMBEDS_JS = ("[...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output .vega-embed')]"
             ".filter(e => e.offsetParent !== null)")
"""The charts a reader sees, in page order: an explorer's hidden chart widget (ClaimExplorer keeps figures and
ratios each in one, showing one) is left out, so chart indexes are one per explorer."""
VISIBLE_EMBED = ".jp-Notebook .jp-OutputArea-output .vega-embed:visible"
"""The same charts as a Playwright selector."""

CHARTS_JS = """() => """ + EMBEDS_JS + """.map(e => {
    const svg = e.querySelector('svg');
    const marks = svg ? svg.querySelectorAll('.mark-symbol path, .mark-rect path, .mark-rule line, .mark-line path,'
        + ' .mark-area path, .mark-shape path, .mark-text text, .mark-tick line, .mark-point path').length : 0;
    const labels = svg ? [...svg.querySelectorAll('.role-axis-title text, .role-axis-label text, .role-legend text,'
        + ' .role-title-text text, .role-title text')].map(t => t.textContent).filter(Boolean) : [];
    const error = e.closest('.jp-OutputArea-output').textContent.includes('Error') ? e.textContent.slice(0, 200) : '';
    return {marks, labels: labels.length, sample: labels.slice(0, 4), error};
})"""


def charts(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate(CHARTS_JS))


def save(page: Any, path: Path | None = None) -> None:
    """Save the notebook (Ctrl+S, or File > Save Notebook given `path`); wait until the tab is clean and `path` written.

    Notebook 7 has no tab to mark dirty, so there the file's own change is what
    tells the save is done; a save the shell dropped (seen once on a loaded
    machine) is asked for again, up to three times.
    """
    if path is None:
        page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
        page.keyboard.press("Control+s")
        page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
        return
    before = path.stat().st_mtime_ns
    for _ in range(3):  # File > Save Notebook: what has focus after Run All (a widget's control) cannot swallow it
        page.locator(".lm-MenuBar-itemLabel:text-is('File')").click()
        page.locator(".lm-Menu-itemLabel:text-is('Save Notebook')").click()
        if wait_for(lambda: path.stat().st_mtime_ns != before, timeout=20):
            page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
            return
        page.keyboard.press("Escape")
    raise TimeoutError(f"{path} was not saved")


def read_saved(path: Path, timeout: float = 20) -> dict[str, Any]:
    """The saved notebook at `path`, read whole.

    Jupyter writes a notebook in place (its "atomic" writing keeps a backup copy, not a
    temporary file), and an autosave can start right after a save: a read in between sees a
    truncated file. Read until it parses.
    """
    found: list[dict[str, Any]] = []

    def parsed() -> bool:
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return False
        return True

    if not wait_for(parsed, timeout=timeout):
        raise TimeoutError(f"{path} never held a whole notebook")
    return found[-1]


def timed_change(page: Any, chart_index: int, action_js: str, quiet_ms: int = 300,
                 timeout_ms: int = 10_000) -> float | None:
    """Run `action_js` (a JS statement) and return ms until the chart's SVG stopped changing, None if it never did.

    The clock starts right before the action, in the browser; the end is the
    last mutation in or of the chart's ``.vega-embed`` (within its output area,
    so a chart view rebuilt from scratch counts too) before `quiet_ms` of calm:
    control change → marks redrawn, as a user sees it.
    """
    return page.evaluate(
        """async ([index, action, quiet, timeout]) => {
            // the chart's whole output area: a widget that rebuilds its chart view replaces the .vega-embed
            const host = """ + EMBEDS_JS + """[index].closest('.jp-OutputArea-output');
            const inChart = n => n && n.nodeType === 1 && (n.closest('.vega-embed') || n.querySelector('.vega-embed'));
            let last = null;
            const obs = new MutationObserver(records => {
                if (records.some(r => inChart(r.target) || [...r.addedNodes, ...r.removedNodes].some(inChart))) {
                    last = performance.now();
                }
            });
            obs.observe(host, {subtree: true, childList: true, attributes: true, characterData: true});
            const t0 = performance.now();
            (new Function(action))();
            const end = t0 + timeout;
            while (performance.now() < end) {
                await new Promise(r => setTimeout(r, 25));
                if (last !== null && performance.now() - last > quiet) break;
            }
            obs.disconnect();
            return last === null ? null : last - t0;
        }""",
        [chart_index, action_js, quiet_ms, timeout_ms],
    )


CONTROLS_JS = """window.__kit = {
  host(i) { return """ + EMBEDS_JS + """[i]
              .closest('.jp-OutputArea-output'); },
  labelled(i, cls, label) {
    const w = [...this.host(i).querySelectorAll(cls)]
      .find(d => (d.querySelector('.widget-label') || {}).textContent === label);
    if (!w) throw new Error('no control ' + label);
    return w;
  },
  dropdown(i, label, index) {
    const s = this.labelled(i, '.widget-dropdown', label).querySelector('select');
    s.selectedIndex = index; s.dispatchEvent(new Event('change', {bubbles: true}));
  },
  multi(i, label, how) {  // how: 'first' keeps the first option only, 'all' selects every option
    const s = this.labelled(i, '.widget-select-multiple', label).querySelector('select');
    [...s.options].forEach((o, k) => { o.selected = how === 'all' || (how === 'first' && k === 0); });
    s.dispatchEvent(new Event('change', {bubbles: true}));
  },
  pick(i, label, text) {
    const s = this.labelled(i, '.widget-dropdown', label).querySelector('select');
    const k = [...s.options].findIndex(o => o.textContent.replace(/\u00a0/g, ' ') === text);  // nbsp: ipywidgets'
    if (k < 0) throw new Error(label + ' has no option ' + text);
    this.dropdown(i, label, k);
  },
  checkbox(i) { this.host(i).querySelector('.widget-checkbox input').click(); },
  toggle(i, label, index) {
    this.labelled(i, '.widget-toggle-buttons', label).querySelectorAll('button')[index].click();
  },
  key(i, label, handle, key) {  // a slider handle ('lower', 'upper' or '' for a single one) and a key
    const h = this.labelled(i, '.widget-slider', label).querySelector('.noUi-handle' + (handle ? '-' + handle : ''));
    h.dispatchEvent(new KeyboardEvent('keydown', {key: key, bubbles: true, cancelable: true}));
  },
  svg(i) { return """ + EMBEDS_JS + """[i]
             .querySelector('svg').innerHTML; },
};"""


Control = tuple[str, int, str, str, str, str]
"""(name, chart index, setup JS, change JS, change-back JS, teardown JS); `;;` separates steps that each
wait for the kernel's answer (a governorate list fills only after the country is set)."""

CLAIMS, GAP, INCIDENTS = 0, 1, 2
"""Chart order in notebooks/02_explore_claims.ipynb: ClaimExplorer, GapExplorer, IncidentExplorer."""


def _multi(i: int, label: str, how: str = "first") -> tuple[str, str]:
    return f"__kit.multi({i}, '{label}', '{how}')", f"__kit.multi({i}, '{label}', 'all')"


CONTROLS: list[Control] = [
    ("Claims: claimants", CLAIMS, "", *_multi(CLAIMS, "Claimants"), ""),
    ("Claims: methods", CLAIMS, "", *_multi(CLAIMS, "Methods"), ""),
    ("Claims: country", CLAIMS, "", "__kit.pick(0, 'Country', 'Iraq')", "__kit.dropdown(0, 'Country', 0)", ""),
    ("Claims: governorate", CLAIMS, "__kit.pick(0, 'Country', 'Iraq')", "__kit.pick(0, 'Governorate', 'Ninewa')",
     "__kit.dropdown(0, 'Governorate', 0)", "__kit.dropdown(0, 'Country', 0)"),
    ("Claims: city", CLAIMS, "__kit.pick(0, 'Country', 'Iraq');; __kit.pick(0, 'Governorate', 'Ninewa')",
     "__kit.pick(0, 'City / area', 'West Mosul')", "__kit.dropdown(0, 'City / area', 0)",
     "__kit.dropdown(0, 'Country', 0)"),
    ("Claims: wider area", CLAIMS, "__kit.pick(0, 'Country', 'Iraq')", "__kit.checkbox(0)", "__kit.checkbox(0)",
     "__kit.dropdown(0, 'Country', 0)"),
    ("Claims: outcome", CLAIMS, "", "__kit.dropdown(0, 'Outcome', 1)", "__kit.dropdown(0, 'Outcome', 0)", ""),
    ("Claims: victims", CLAIMS, "", "__kit.dropdown(0, 'Victims', 1)", "__kit.dropdown(0, 'Victims', 0)", ""),
    ("Claims: period", CLAIMS, "", "__kit.key(0, 'Period', 'upper', 'Home')",
     "__kit.key(0, 'Period', 'upper', 'End')", ""),
    ("Claims: anchor", CLAIMS, "", "__kit.dropdown(0, 'Anchor', 2)", "__kit.dropdown(0, 'Anchor', 3)", ""),
    ("Claims: ratio toggle", CLAIMS, "", "__kit.toggle(0, 'Show', 1)", "__kit.toggle(0, 'Show', 0)", ""),
    ("Gap: as-of date", GAP, "", "__kit.key(1, 'As of', '', 'Home')", "__kit.key(1, 'As of', '', 'End')", ""),
    ("Incidents: grade", INCIDENTS, "", *_multi(INCIDENTS, "Grade"), ""),
    ("Incidents: governorate", INCIDENTS, "", *_multi(INCIDENTS, "Governorate"), ""),
    ("Incidents: source", INCIDENTS, "", *_multi(INCIDENTS, "Source", "none"), ""),
    ("Incidents: period", INCIDENTS, "", "__kit.key(2, 'Period', 'upper', 'Home')",
     "__kit.key(2, 'Period', 'upper', 'End')", ""),
]
"""Every explorer control of notebook 02, each with a change that must redraw the marks and its undo."""


def steps(page: Any, chart: int, js: str) -> None:
    """Run the `;;`-separated steps of a control's setup or teardown, each until its chart settles."""
    for step in filter(None, (part.strip() for part in js.split(";;"))):
        timed_change(page, chart, step)
        page.wait_for_timeout(300)
        wait_idle(page, 30_000)  # every widget update the kernel sends for this step has arrived


def install_controls(page: Any) -> None:
    """`window.__kit`: set explorer controls the way a user's click does (events the widgets listen to)."""
    page.evaluate(CONTROLS_JS)


def wait_for(predicate: Callable[[], bool], timeout: float = 30, step: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
