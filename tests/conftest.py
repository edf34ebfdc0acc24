"""Shared fixtures: the ../shared data folder and a headless Chromium.

Under CI=true a skipped shared-data, browser or Spark test fails the run, so a
missing install can never pass as green.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from lab_session import CHROMIUM, CHROMIUM_ARGS  # one list of Chromium flags, for reports and the lab

# Property tests check what holds, not how fast: on a loaded 2-core machine a
# per-example deadline only produces flaky failures.
settings.register_profile("kit", deadline=None)
settings.load_profile("kit")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
_GUARDED_MARKERS = ("shared", "browser", "spark")
SPARK_PYTHON = REPO / ".venv-spark" / "bin" / "python"
_guarded_skips: list[str] = []


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir(request: pytest.FixtureRequest) -> Path:
    """The read-only ../shared folder; skip cleanly when it is absent."""
    if not (SHARED / "data").is_dir():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A session-wide headless Debian Chromium driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        pytest.skip("playwright not installed")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def spark_python() -> Path:
    """The interpreter of .venv-spark (the kit's venv plus pyspark, made by `make test`) and a Java runtime."""
    if not SPARK_PYTHON.exists():
        pytest.skip(f"no Spark venv at {SPARK_PYTHON} (make test creates it)")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (.ci/run installs default-jre-headless)")
    return SPARK_PYTHON


@pytest.fixture(scope="session")
def gazetteer() -> Any:
    """The project gazetteer, loaded once."""
    from kit.ledger import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="module")
def claims(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, gazetteer: Any) -> Any:
    """The requesting module's `CLAIMS_CSV` ledger text, loaded through the contract."""
    from kit.ledger import load_claims

    path = tmp_path_factory.mktemp("ledger") / "claims.csv"
    path.write_text(request.module.CLAIMS_CSV, encoding="utf-8")
    result = load_claims(path, gazetteer=gazetteer)
    assert result.ok, [str(p) for p in result.problems]
    return result.claims


def walk_spec(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict in a Vega-Lite spec, depth first: tests look for marks and params anywhere."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk_spec(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk_spec(v)


def offline_page(owner: Any, url: str, *, viewport: dict[str, int] | None = None) -> tuple[Any, list[str], list[str]]:
    """Open `url` with every request but file:/data: aborted and recorded, errors collected.

    `owner` is a Playwright browser or context. Returns (page, blocked, errors):
    a report passes only when both lists stay empty.
    """
    # a context already has its viewport; a browser gets one per page
    page = owner.new_page(viewport=viewport or {"width": 1280, "height": 900}) if hasattr(owner, "new_context") \
        else owner.new_page()
    blocked: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.goto(url)
    return page, blocked, errors


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that use the shared or browser fixture get the matching marker."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "shared_dir" in fixtures:
            item.add_marker(pytest.mark.shared)
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)
        if "spark_python" in fixtures:
            item.add_marker(pytest.mark.spark)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and any(m in report.keywords for m in _GUARDED_MARKERS):
        _guarded_skips.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI", "").lower() == "true" and _guarded_skips:
        print("\nCI=true: shared-data, browser or Spark tests were skipped:")
        for nodeid in _guarded_skips:
            print(f"  {nodeid}")
        session.exitstatus = 1


@pytest.fixture
def attributor_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`set(weights)`: the extractor ranks with these weights (`None`: no weight file, the rules alone)."""
    import json

    import kit.extract._pipeline as pipeline

    def set_weights(weights: dict[str, float] | None) -> None:
        path = tmp_path / "attributor_weights.json"
        if weights is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(json.dumps({"weights": weights}), encoding="utf-8")
        monkeypatch.setattr(pipeline, "ATTRIBUTOR_WEIGHTS", path)

    return set_weights
