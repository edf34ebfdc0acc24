"""Every package the code imports is declared in pyproject.toml, and constraints.txt satisfies the declarations.

A package that arrives only as someone else's dependency (numpy via pandas,
traitlets via nbconvert) disappears the day that dependency stops needing it;
declaring it is what `pip install casualty-kit` relies on. The scan reads the
source (every `import`, also inside functions and `if TYPE_CHECKING:`), so a
lazy import for start-up speed is checked like any other.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _normalise(name: str) -> str:
    """PEP 503 name: `PyYAML`, `pyyaml` and `py_yaml` are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _label(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def imported_top_level(files: Iterable[Path]) -> dict[str, set[str]]:
    """Top-level module name of every absolute import → the files importing it."""
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], set()).add(_label(path))
    return found


def undeclared(
    imports: dict[str, set[str]],
    declared: Iterable[str],
    local: Iterable[str] = (),
    distributions: dict[str, list[str]] | None = None,
) -> dict[str, str]:
    """Third-party imports whose distribution is not declared: module → what to fix."""
    dists = importlib.metadata.packages_distributions() if distributions is None else distributions
    wanted = {_normalise(d) for d in declared}
    skip = {"__future__", "kit", *local, *sys.stdlib_module_names}
    missing: dict[str, str] = {}
    for module, files in sorted(imports.items()):
        if module in skip:
            continue
        names = dists.get(module)
        where = ", ".join(sorted(files))
        if not names and _normalise(module) in wanted:
            continue  # declared, installed elsewhere (pyspark lives in .venv-spark)
        if not names:
            missing[module] = f"imported in {where} but no installed distribution provides it"
        elif not {_normalise(n) for n in names} & wanted:
            missing[module] = f"imported in {where}; declare {' or '.join(sorted(set(names)))} in pyproject.toml"
    return missing


def _requirements(*groups: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    reqs = list(project["dependencies"])
    for group in groups:
        reqs += project["optional-dependencies"][group]
    return [Requirement(r) for r in reqs]


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep:
            pins[_normalise(name)] = Version(version)
    return pins


def test_scan_sees_lazy_and_type_checking_imports(tmp_path: Path) -> None:
    """The scanner must find imports inside functions and TYPE_CHECKING blocks, or the real test proves nothing."""
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import yaml\n"
        "def f():\n    from markupsafe import Markup\n    import vl_convert.x\n    from . import sibling\n",
        encoding="utf-8",
    )
    found = imported_top_level([module])
    assert set(found) == {"typing", "yaml", "markupsafe", "vl_convert"}
    dists = {"yaml": ["PyYAML"], "markupsafe": ["MarkupSafe"], "vl_convert": ["vl-convert-python"]}
    assert set(undeclared(found, ["pyyaml", "vl_convert_python"], distributions=dists)) == {"markupsafe"}
    assert undeclared(found, ["PyYAML", "markupsafe", "vl.convert.python"], distributions=dists) == {}
    assert set(undeclared({"nosuchmodule": {"m.py"}}, [], distributions=dists)) == {"nosuchmodule"}


def test_every_package_kit_imports_is_a_declared_dependency() -> None:
    imports = imported_top_level(sorted((ROOT / "kit").rglob("*.py")))
    assert {"pandas", "pandera", "typer", "numpy"} <= set(imports)  # the scan found the real imports
    declared = [r.name for r in _requirements()]
    assert undeclared(imports, declared) == {}


@pytest.mark.parametrize("folder", ["tests", "benchmarks", "scripts"])
def test_tests_and_tools_import_only_declared_packages(folder: str) -> None:
    """Tests, benchmarks and scripts may also use the `test` extra; their own helper modules (and the
    tests' helpers, which benchmarks reuse) are local."""
    files = sorted((ROOT / folder).rglob("*.py"))
    local = {p.stem for p in files} | {p.stem for p in (ROOT / "tests").glob("*.py")}
    declared = [r.name for r in _requirements("test", "spark")]  # spark: tests/spark_links.py in .venv-spark
    assert undeclared(imported_top_level(files), declared, local=local) == {}


def test_every_requirement_has_a_lower_bound_the_pins_satisfy() -> None:
    """`pip install -c constraints.txt -e '.[test]'` (make setup) must resolve to exactly the pinned versions."""
    pins = _pins()
    problems = []
    for req in _requirements(*PYPROJECT["project"]["optional-dependencies"]):
        name = _normalise(req.name)
        if not any(spec.operator in (">=", "==", "~=") for spec in req.specifier):
            problems.append(f"{req}: no lower bound")
        if name not in pins:
            problems.append(f"{req}: not pinned in constraints.txt (run `make constraints`)")
        elif pins[name] not in req.specifier:
            problems.append(f"{req}: constraints.txt pins {pins[name]}")
    assert problems == []


def test_constraints_name_versions_only() -> None:
    """No index URLs, hashes or local paths: the file must not name a registry host (`make constraints`)."""
    lines = [ln for ln in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert lines, "constraints.txt is empty"
    odd = [ln for ln in lines if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!-]+", ln)]
    assert odd == []
