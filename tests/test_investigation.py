"""Kit and investigation apart: finding the investigation, its marker file, `kit new`, `kit places`,
and the whole walk-through of docs/START.md run with the built wheel in a virtualenv outside the repo.

The end-to-end test is one session fixture (build the wheel, make a venv that sees the shared
site-packages through a .pth so nothing downloads, run every command of docs/START.md); the
browser and leak checks then read what it rendered.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import offline_page
from typer.testing import CliRunner

from kit.cli import app
from kit.core import InputError, load_investigation, repo_root
from kit.ledger import add_places, geometry_centroid, load_gazetteer, places_from_geojson
from kit.report import check_parameters, notebook_parameters

REPO = Path(__file__).resolve().parents[1]
SCAFFOLD = REPO / "kit" / "cli" / "scaffold"
FIX = REPO / "tests" / "fixtures" / "investigation"
START = REPO / "docs" / "START.md"
FOUNDING_TEXT = ("CJTF-OIR", "Airwars", "Raqqa", "Mosul", "Inside Syria", "Iraq", "Syria", "coalition")
runner = CliRunner()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No investigation named by the environment: discovery from the working directory only."""
    monkeypatch.delenv("KIT_ROOT", raising=False)
    monkeypatch.delenv("KIT_INVESTIGATION", raising=False)


# -- finding the investigation ---------------------------------------------------------------------


def test_found_upward_from_cwd_never_from_the_package(tmp_path: Path, clean_env: None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "inv" / "notebooks").mkdir(parents=True)
    (tmp_path / "inv" / "investigation.toml").write_text('title = "t"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path / "inv" / "notebooks")
    assert repo_root() == (tmp_path / "inv").resolve()
    monkeypatch.chdir(tmp_path)  # above it: the kit's own checkout must not be found instead
    with pytest.raises(FileNotFoundError, match="investigation.toml.*kit new"):
        repo_root()


def test_environment_names_the_investigation_and_kit_root_is_an_alias(tmp_path: Path, clean_env: None,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("KIT_ROOT", str(tmp_path / "old"))
    assert repo_root() == (tmp_path / "old").resolve()
    monkeypatch.setenv("KIT_INVESTIGATION", str(tmp_path / "new"))
    assert repo_root() == (tmp_path / "new").resolve()  # the new name wins over the alias


def test_investigation_option_reaches_every_command(tmp_path: Path, clean_env: None) -> None:
    folder = tmp_path / "inv"
    assert runner.invoke(app, ["new", str(folder), "--title", "T"]).exit_code == 0
    result = runner.invoke(app, ["--investigation", str(folder), "places", "add", "zz", "--name", "Zedland",
                                 "--kind", "country"])
    assert result.exit_code == 0, result.output
    assert "zz,Zedland,country" in (folder / "data" / "places.csv").read_text(encoding="utf-8")
    assert runner.invoke(app, ["--investigation", str(tmp_path / "nope"), "places", "add", "a"]).exit_code == 2
    os.environ.pop("KIT_INVESTIGATION", None)  # the callback set it for this process


def test_marker_file_read_and_filled(tmp_path: Path) -> None:
    (tmp_path / "investigation.toml").write_text(
        'title = "T"\n[defaults]\nplace = "xa"\ndays = 2\n[files]\nhistories = "h.csv"\n', encoding="utf-8")
    inv = load_investigation(tmp_path)
    assert inv.title == "T" and inv.file("histories") == (tmp_path / "h.csv").resolve() and inv.file("x") is None
    assert inv.fill(place="", days=None, since="") == ("xa", 2, "")  # unknown names stay empty
    assert inv.fill(place="sy", days=5) == ("sy", 5)  # a value given wins
    (tmp_path / "investigation.toml").write_text("title = [1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="investigation.toml: not a valid TOML"):
        load_investigation(tmp_path)
    (tmp_path / "investigation.toml").write_text("[defaults]\nplace = [1, 2]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[defaults\]"):
        load_investigation(tmp_path)


def test_founding_marker_gives_the_notebooks_their_old_defaults(clean_env: None) -> None:
    """The founding reports stay byte-identical only if every effective default is what the cells used to say."""
    params = {k: p.default for k, p in notebook_parameters(REPO / "notebooks" / "02_explore_claims.ipynb").items()}
    assert params == {"anchor": "", "claimant_a": "Airwars", "claimant_b": "CJTF-OIR", "place": "iq;sy",
                      "since": "2014-08"}
    effective, _ = check_parameters(REPO / "notebooks" / "01_founding_article.ipynb", {"place": "sy"})
    assert effective == {"place": "sy", "until": "", "article_date": "2017-05-31"}
    founding = load_investigation(REPO)
    assert founding.file("incidents_a") == (REPO.parent / "shared" / "data" / "airwars_syria" /
                                            "airwars_syria_incidents.csv").resolve()


@pytest.mark.parametrize("name", ["01_founding_article", "02_explore_claims", "03_incidents"])
def test_founding_notebook_code_names_no_claimant(name: str) -> None:
    nb = json.loads((REPO / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert not [t for t in ("CJTF-OIR", "Airwars", "Inside Syria Media Center", "2014-08") if f'"{t}"' in code]


# -- the gazetteer from a boundary file --------------------------------------------------------------


def test_centroids_are_area_weighted_with_holes_and_either_winding() -> None:
    square = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]
    assert geometry_centroid({"type": "Polygon", "coordinates": [square]}) == (1.0, 1.0)
    assert geometry_centroid({"type": "Polygon", "coordinates": [square[::-1]]}) == (1.0, 1.0)
    hole = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    lat, lon = geometry_centroid({"type": "Polygon", "coordinates": [square, hole]}) or (0, 0)
    assert (lat, lon) == (pytest.approx(7 / 6, abs=1e-4), pytest.approx(7 / 6, abs=1e-4))  # 3 units of area left
    multi = {"type": "MultiPolygon", "coordinates": [[square], [[[4, 0], [5, 0], [5, 1], [4, 1], [4, 0]]]]}
    assert geometry_centroid(multi) == (pytest.approx(0.9, abs=1e-4), pytest.approx((4 * 1 + 1 * 4.5) / 5))
    assert geometry_centroid({"type": "Point", "coordinates": [1, 2]}) is None


def test_places_from_geojson_fixture() -> None:
    rows = places_from_geojson(FIX / "regions.geojson", id_field="code", name_field="name",
                               parent_field="country_code", parent_name_field="country_name",
                               variant_fields=["name_alt"])
    by_id = rows.set_index("place_id")
    assert list(rows["place_id"]) == ["xa", "xa01", "xa02", "xa03"]
    assert by_id.loc["xa", "name"] == "Xandria" and by_id.loc["xa", "kind"] == "country"
    assert by_id.loc["xa02", "variants"] == "Kestrin Province|XA02" and by_id.loc["xa02", "parent_id"] == "xa"
    assert (by_id.loc["xa02", "lat"], by_id.loc["xa02", "lon"]) == ("51.0167", "13.0167")  # square minus its hole


def test_places_from_geojson_real_boundaries_match_the_founding_gazetteer(shared_dir: Path) -> None:
    """The Iraqi governorates' centroids in data/places.csv were computed the same way (data/README.md)."""
    rows = places_from_geojson(shared_dir / "data" / "boundaries" / "irq_admbnda_adm1_cso_20190603.geojson",
                               id_field="ADM1_PCODE", name_field="ADM1_EN", parent_field="ADM0_PCODE")
    founding = load_gazetteer(REPO / "data" / "places.csv").frame.set_index("pcode")
    new = rows.set_index("pcode")
    pcodes = [p for p in new.index if p.startswith("IQG")]
    assert len(pcodes) == 18
    for p in pcodes:
        assert (float(new.loc[p, "lat"]), float(new.loc[p, "lon"])) == pytest.approx(
            (founding.loc[p, "lat"], founding.loc[p, "lon"]), abs=1e-4), p


def test_bad_boundary_files_are_named_not_tracebacks(tmp_path: Path) -> None:
    bad = tmp_path / "b.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"b.geojson:0: \(file\): not a readable GeoJSON"):
        places_from_geojson(bad, id_field="code", name_field="name")
    doc = json.loads((FIX / "regions.geojson").read_text(encoding="utf-8"))
    doc["features"][1]["properties"]["name"] = ""
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match=r"b.geojson:2: name: feature 2 has no 'name' property"):
        places_from_geojson(bad, id_field="code", name_field="name")


def test_add_places_appends_only_when_the_result_is_valid(tmp_path: Path) -> None:
    places = tmp_path / "places.csv"
    rows = places_from_geojson(FIX / "regions.geojson", id_field="code", name_field="name", parent_field="country_code")
    assert add_places(places, rows).empty
    before = places.read_text(encoding="utf-8")
    skipped = add_places(places, rows.iloc[:2])
    assert list(skipped["place_id"]) == ["xa", "xa01"] and places.read_text(encoding="utf-8") == before
    result = runner.invoke(app, ["places", "add", "xa01-town", "--name", "Town", "--parent", "nowhere",
                                 "--gazetteer", str(places)])
    assert result.exit_code == 1 and "parent_id: unknown parent id 'nowhere'" in result.output
    assert places.read_text(encoding="utf-8") == before and not list(tmp_path.glob(".*"))
    result = runner.invoke(app, ["places", "add", "xa01-town", "--name", "Town", "--parent", "xa01", "--variant",
                                 "Townsville", "--lat", "51.2", "--lon", "10.5", "--gazetteer", str(places)])
    assert result.exit_code == 0, result.output
    assert places.read_text(encoding="utf-8") == before + "xa01-town,Town,city,xa01,Townsville,51.2,10.5,,\n"
    assert load_gazetteer(places).resolve("Townsville") == "xa01-town"


def test_places_from_geojson_command_grows_an_empty_gazetteer(tmp_path: Path) -> None:
    folder = tmp_path / "inv"
    assert runner.invoke(app, ["new", str(folder), "--title", "T"]).exit_code == 0
    places = folder / "data" / "places.csv"
    assert places.read_text(encoding="utf-8").count("\n") == 1  # header only
    args = ["places", "from-geojson", str(FIX / "regions.geojson"), "--id-field", "code", "--name-field", "name",
            "--parent-field", "country_code", "--gazetteer", str(places)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0 and "added 4 place(s)" in first.output, first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "added 0 place(s), 4 already present" in again.output
    assert list(load_gazetteer(places).frame["place_id"]) == ["xa", "xa01", "xa02", "xa03"]
    missing = runner.invoke(app, [*args[:4], "nope", *args[5:]])  # --id-field nope
    assert missing.exit_code == 1 and "regions.geojson:1: nope: feature 1 has no 'nope' property" in missing.output


def _validate_list_a(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`kit incidents validate` of the made-up list A in an investigation made from the boundary file."""
    folder = tmp_path / "inv"
    new = ["new", str(folder), "--title", "T", "--places", str(FIX / "regions.geojson"), "--id-field", "code",
           "--name-field", "name", "--parent-field", "country_code", "--parent-name-field", "country_name",
           "--variant-field", "name_alt", "--source-url", "https://example.org/x"]
    assert runner.invoke(app, new).exit_code == 0
    monkeypatch.setenv("KIT_INVESTIGATION", str(folder))  # undone after the test (the option sets it too)
    for name in ("list_a.csv", "list_a.yaml"):
        shutil.copy(FIX / name, folder / "data" / name)
    return runner.invoke(app, ["--investigation", str(folder), "incidents", "validate",
                               str(folder / "data" / "list_a.csv"), "-f", str(folder / "data" / "list_a.yaml")])


def test_incident_list_loads_with_region_ids_from_a_boundary_file(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids from a boundary file's codes (`xa01`, not `sy-raqqa`) are ids like any other: rows load, no warning."""
    checked = _validate_list_a(tmp_path, monkeypatch)
    assert checked.exit_code == 0, checked.output
    assert "5 row(s) in, 5 loaded, 0 flagged, 0 rejected" in checked.output
    assert "warning" not in checked.output, checked.output


def test_kit_new_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["new", str(tmp_path / "x"), "--title", "T"])
    assert result.exit_code == 2 and (tmp_path / "x" / "keep.txt").read_text(encoding="utf-8") == "mine"
    result = runner.invoke(app, ["new", str(tmp_path / "y"), "--title", "T", "--places", str(FIX / "regions.geojson")])
    assert result.exit_code == 2 and "--id-field" in result.output and not (tmp_path / "y").exists()


def test_scaffold_notebooks_are_generic_and_share_the_founding_parameter_names() -> None:
    """The scaffold is the kit's own generic set; where it and the founding notebooks share a
    parameter name, the name means the same choice (both read it from the marker's [defaults])."""
    founding: dict[str, object] = {}
    for nb in sorted((REPO / "notebooks").glob("*.ipynb")):
        founding.update({k: p for k, p in notebook_parameters(nb).items()})
    for nb in sorted((SCAFFOLD / "notebooks").glob("*.ipynb")):
        text = nb.read_text(encoding="utf-8")
        assert not [t for t in FOUNDING_TEXT if t in text], nb.name
        declared = notebook_parameters(nb)
        assert declared, nb.name
        for name in set(declared) & set(founding):
            assert isinstance(declared[name].default, type(founding[name].default)) or declared[name].default in (
                "", None), (nb.name, name)
        assert json.loads(text)["metadata"]["kernelspec"]["name"] == "python3"
        assert all(not c.get("outputs") for c in json.loads(text)["cells"] if c["cell_type"] == "code")
    reports = (SCAFFOLD / "reports.yaml").read_text(encoding="utf-8")
    assert sorted(re.findall(r"notebook: (\S+)", reports)) == sorted(p.name for p in SCAFFOLD.glob("notebooks/*"))


# -- docs/START.md, end to end with the wheel in a clean virtualenv ---------------------------------


def _blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^```(sh|toml)\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def _apply_toml(marker: Path, block: str) -> None:
    """Set in the marker each `key = value` the doc's toml block shows, as a person editing it would."""
    text = marker.read_text(encoding="utf-8")
    for key, value in ((k, v) for table in tomllib.loads(block).values() for k, v in table.items()):
        text, n = re.subn(rf"^{key} = .*?(\s+#|$)", lambda m, k=key, v=value: f"{k} = {json.dumps(v)}{m.group(1)}",
                          text, count=1, flags=re.MULTILINE)
        assert n == 1, f"{key} is not in the scaffolded investigation.toml"
    marker.write_text(text, encoding="utf-8")
    assert tomllib.loads(text)["defaults"]["claimant_a"]


@dataclass
class Walkthrough:
    work: Path
    investigation: Path
    log: str


def _venv(path: Path) -> Path:
    """A virtualenv with its own pip that also sees the shared venv's packages, nothing copied or downloaded.

    The packages are linked into one folder named by a .pth file, all but the kit's own editable
    install: pip must see casualty-kit as not installed, and `import kit` must find the wheel.
    """
    venv.EnvBuilder(with_pip=True, symlinks=True).create(path)
    python = path / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    linked = path / "shared-packages"
    linked.mkdir()
    for folder in (Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()):
        for entry in folder.iterdir():
            skip = entry.name.startswith(("casualty_kit", "__editable__", "kit")) or entry.suffix == ".pth"
            if not skip and not (linked / entry.name).exists():
                (linked / entry.name).symlink_to(entry)
    Path(site, "shared_packages.pth").write_text(f"{linked}\n", encoding="utf-8")
    # the data files pip would have installed with the dependencies (nbconvert's templates...), but no
    # kernel spec: the shared one runs the shared python, so the venv's own ipykernel must start the kernel
    (path / "share" / "jupyter").mkdir(parents=True)
    for entry in (Path(sys.prefix) / "share" / "jupyter").iterdir():
        if entry.name != "kernels":
            (path / "share" / "jupyter" / entry.name).symlink_to(entry)
    return python


def _build_wheel(out: Path) -> Path:
    """The wheel from a copy of the package sources, built offline (setuptools from `make setup`'s wheel folder)."""
    src = out / "src"
    shutil.copytree(REPO / "kit", src / "kit", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    wheels = Path(sys.prefix) / "build-wheels"
    if not list(wheels.glob("setuptools-*.whl")):
        pytest.skip(f"no setuptools wheel in {wheels} to build offline (`make setup` downloads it)")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "--find-links", str(wheels),
                    "-q", "-w", str(out), str(src)], check=True, capture_output=True)
    return next(out.glob("casualty_kit-*.whl"))


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> Walkthrough:
    """Run every command of docs/START.md, in order, with the wheel installed in a clean venv outside the repo."""
    base = tmp_path_factory.mktemp("start")
    work = base / "work"
    work.mkdir()
    shutil.copy(_build_wheel(base), work)
    python = _venv(base / "venv")
    for name in ("regions.geojson", "claims.csv", "histories.csv"):
        shutil.copy(FIX / name, work / name)
    env = {k: v for k, v in os.environ.items() if k not in ("KIT_ROOT", "KIT_INVESTIGATION", "PYTHONPATH")}
    env.update(PATH=f"{python.parent}{os.pathsep}{env['PATH']}", PIP_NO_INDEX="1", SOURCE_DATE_EPOCH="1700000000",
               VIRTUAL_ENV=str(python.parent.parent))
    state = base / "cwd"
    state.write_text(str(work), encoding="utf-8")
    log = ""
    for kind, body in _blocks(START.read_text(encoding="utf-8")):
        cwd = Path(state.read_text(encoding="utf-8").strip())
        if kind == "toml":  # the doc asks the reader to edit the marker file: done here as they would
            _apply_toml(cwd / "investigation.toml", body)
            continue
        run = subprocess.run(["bash", "-c", f"set -ex\n{body}\npwd > '{state}'"], cwd=cwd, env=env,
                             capture_output=True, text=True, timeout=600)
        log += run.stdout + run.stderr
        assert run.returncode == 0, log[-4000:]
    where = subprocess.run([python, "-c", "import kit; print(kit.__file__)"], capture_output=True, text=True,
                           env=env, cwd=work, check=True).stdout
    assert where.startswith(str(base / "venv")), where  # the installed wheel ran, not the checkout
    return Walkthrough(work, work / "xandria", log)


def test_walkthrough_commands_all_ran(walkthrough: Walkthrough) -> None:
    commands = [line for kind, body in _blocks(START.read_text(encoding="utf-8")) if kind == "sh"
                for line in body.splitlines() if line.strip()]
    assert len(commands) >= 7 and any(c.startswith("kit new") for c in commands)
    assert "xandria: new investigation" in walkthrough.log
    assert "6 row(s) in, 6 loaded, 0 rejected" in walkthrough.log  # kit validate on the fixture claims
    assert "added 1 place(s)" in walkthrough.log
    reports = sorted(p.name for p in (walkthrough.investigation / "reports").glob("*.html"))
    assert reports == ["01_claims.html", "02_explore_claims.html", "03_incidents.html", "04_estimate.html",
                       "index.html"]


def test_walkthrough_reports_leak_nothing_of_the_founding_case(walkthrough: Walkthrough) -> None:
    for path in sorted((walkthrough.investigation / "reports").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert [t for t in FOUNDING_TEXT if t in text] == [], path.name
        if path.name != "index.html":  # each report says which investigation it belongs to
            assert "Made-up test conflict in Xandria" in text[text.rindex("<body"):], path.name


def test_walkthrough_reports_draw_every_chart_offline(walkthrough: Walkthrough, browser: Any) -> None:
    drawn = {}
    for path in sorted((walkthrough.investigation / "reports").glob("0*.html")):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page, blocked, errors = offline_page(context, path.as_uri())
            page.wait_for_function("""() => Array.from(document.querySelectorAll('.kit-chart')).every(
                c => c.querySelector('svg.marks') || c.classList.contains('kit-chart-error'))""", timeout=30_000)
            charts = page.locator(".kit-chart").count()
            assert blocked == [] and errors == [], (path.name, blocked, errors)
            assert page.locator(".kit-chart-error").count() == 0, path.name
            assert page.locator(".vega-embed svg.marks").count() == charts, path.name
            for i in range(charts):
                marks = page.locator(".kit-chart").nth(i).locator('svg.marks [role="graphics-symbol"]')
                assert marks.count() > 0, (path.name, i)
            drawn[path.stem] = charts
        finally:
            context.close()
    # claims side by side: ranges, comparability matrix, as-of series, gap; explorer: claims and gap; estimate: one
    assert drawn["01_claims"] >= 4 and drawn["02_explore_claims"] >= 2 and drawn["04_estimate"] >= 1, drawn


def _findings(text: str) -> tuple[int, str, list[str]]:
    """Where the findings panel starts in a rendered report, its text, and the section anchors it links to."""
    found = re.search(r'<section [^>]*class="kit-findings"', text)  # the export orders attributes its own way
    assert found, "no findings panel"
    start = found.start()
    panel = text[start:text.index("</section>", start)]
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", panel)).strip()
    return start, words, re.findall(r'href="#([a-z][a-z0-9-]*)"', panel)


def test_walkthrough_reports_open_with_findings_of_their_own_data(walkthrough: Walkthrough) -> None:
    """The scaffold's notebooks, executed by `kit render`, open with the findings panel the founding
    notebooks have: computed from this investigation's ledger and marker, each linked to a section."""
    reports = walkthrough.investigation / "reports"
    for name in ("01_claims", "02_explore_claims"):
        text = (reports / f"{name}.html").read_text(encoding="utf-8")
        start, words, links = _findings(text)
        assert start < text.find('id="sec-'), f"{name}: the panel comes before the first section"
        assert "Scope: Xandria, cumulative figures since 2023-10" in words, words
        # the anchor set in the marker, and a ratio as an interval against it
        assert "Xandria Ministry of Health's at least 2,100" in words, words
        assert "Open Casualty Monitor" in words and "×" in words, words
        assert len(links) >= 3, words
        for anchor in links:
            assert text.count(f'id="{anchor}"') == 1, f"{name}: a finding links to a missing section #{anchor}"
    # no incident files named in the walk-through: the panel says so in one line instead of numbers
    _, words, links = _findings((reports / "03_incidents.html").read_text(encoding="utf-8"))
    assert "no two incident files named in investigation.toml yet" in words and links == [], words


def test_a_loaded_value_outside_the_contract_is_a_clear_error(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A loaded value the contract refuses ends as file:line: field: reason with the values, never a traceback."""
    import kit.incidents._schema as schema

    monkeypatch.setattr(schema, "GOVERNORATE_ID", r"^([a-z]{2,3}-[a-z0-9-]+)?$")  # the old, narrower id rule
    checked = _validate_list_a(tmp_path, monkeypatch)
    assert checked.exit_code in (1, 2) and isinstance(checked.exception, SystemExit), checked.exception
    assert "list_a.csv:2: governorate: 5 value(s) break the incident contract (governorate_id): 'xa01'" \
        in checked.output, checked.output
