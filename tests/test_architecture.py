"""The layout is the architecture: layers point one way, facades stay small, users import public names.

These tests read the source (AST), so they fail on the commit that breaks a rule,
not later when someone trips over it.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KIT = ROOT / "kit"

#: Layer of each subpackage: a module may import from its own subpackage or a lower layer.
LAYERS: dict[str, int] = {
    "core": 0,
    "ledger": 1,
    "incidents": 2,
    "scope": 3,
    "compare": 4,
    "match": 4,
    "estimate": 4,
    "extract": 4,
    "present": 5,
    "ui": 6,
    "report": 6,
    "cli": 7,
}
#: Largest `__all__` a subpackage facade may have (the top-level `kit` is the one broad facade).
MAX_FACADE = 30


def _modules() -> Iterator[tuple[Path, str]]:
    for path in sorted(KIT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield path, name


def _package(module: str) -> str | None:
    """`kit.ledger._claims` → `ledger`; the top-level `kit` has none."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__main__" else None


def _kit_imports(tree: ast.AST) -> Iterator[tuple[ast.stmt, str, list[str], bool]]:
    """(node, imported module, imported names, at module level) for every import of kit."""
    top = set(map(id, getattr(tree, "body", [])))
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            guarded.update(id(n) for n in node.body)
    for node in ast.walk(tree):
        at_top = id(node) in top or id(node) in guarded
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "kit" or node.module.startswith("kit."):
                yield node, node.module, [a.name for a in node.names], at_top
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "kit" or alias.name.startswith("kit."):
                    yield node, alias.name, [], at_top


def _target(module: str, names: list[str]) -> list[str]:
    """`from kit import estimate` imports the module `kit.estimate`."""
    if module == "kit":
        return [f"kit.{n}" for n in names] if names else ["kit"]
    return [module]


def _layer_problems(module: str, source: str, where: str) -> list[str]:
    own = _package(module)
    if own is None:
        return []  # kit/__init__.py: the lazy facade over everything
    bad = []
    for node, imported, names, _ in _kit_imports(ast.parse(source)):
        for target in _target(imported, names):
            other = _package(target)
            if other is None or other == own:
                continue
            if other not in LAYERS:
                bad.append(f"{where}:{node.lineno}: imports {target}, which is no known layer")
            elif LAYERS[other] >= LAYERS[own]:
                bad.append(
                    f"{where}:{node.lineno}: {own} (layer {LAYERS[own]}) imports {other} (layer {LAYERS[other]})"
                )
    return bad


def _facade_problems(module: str, source: str, where: str) -> list[str]:
    own = _package(module)
    if module == "kit":
        return []  # the top-level facade re-exports from every subpackage
    bad = []
    for node, imported, names, _ in _kit_imports(ast.parse(source)):
        other = _package(imported)
        if other is not None and other == own:
            continue
        if any(part.startswith("_") for part in imported.split(".")[1:]):
            bad.append(f"{where}:{node.lineno}: imports the private module {imported}")
        private = [n for n in names if n.startswith("_") and n != "__version__"]
        if private:
            bad.append(f"{where}:{node.lineno}: imports private name(s) {private} from {imported}")
    return bad


def _local_import_problems(module: str, source: str, where: str) -> list[str]:
    """Function-local imports hide how modules depend on each other.

    Exceptions: the lazy top-level facade, and the command line, which imports a
    command's libraries only when that command runs (so `kit --help` is fast).
    """
    if module == "kit" or _package(module) == "cli":
        return []
    return [
        f"{where}:{node.lineno}: function-local import of {imported}"
        for node, imported, _, at_top in _kit_imports(ast.parse(source))
        if not at_top
    ]


@pytest.mark.parametrize("check", [_layer_problems, _facade_problems, _local_import_problems], ids=lambda f: f.__name__)
def test_every_module_follows_the_import_rules(check) -> None:
    bad = []
    for path, module in _modules():
        bad += check(module, path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("check", "module", "source"),
    [
        (_layer_problems, "kit.ledger._claims", "from kit.ui import ClaimExplorer\n"),
        (_layer_problems, "kit.match._engine", "from kit.estimate import estimate\n"),  # same layer
        (_layer_problems, "kit.scope._scopes", "from kit import compare\n"),
        (_facade_problems, "kit.present._tables", "from kit.ledger._claims import load_claims\n"),
        (_facade_problems, "kit.ui._explorers", "from kit.present.charts import _at_param\n"),
        (_local_import_problems, "kit.ui._explorers", "def f():\n    from kit.scope import compare_scopes\n"),
    ],
)
def test_the_rules_catch_a_planted_violation(check, module: str, source: str) -> None:
    assert check(module, source, "planted")


def test_the_rules_allow_what_is_allowed() -> None:
    assert not _layer_problems("kit.present._tables", "from kit.scope import compare_scopes\n", "x")
    assert not _facade_problems("kit.ledger._claims", "from kit.ledger._gazetteer import Gazetteer\n", "x")
    typed = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kit.match import MatchResult\n"
    assert not _local_import_problems("kit.present.charts._incidents", typed, "x")
    assert not _local_import_problems("kit.cli._ledger", "def f():\n    from kit.ledger import load_claims\n", "x")


def _module_graph() -> dict[str, set[str]]:
    known = {name for _, name in _modules()}
    graph: dict[str, set[str]] = {}
    for path, module in _modules():
        deps = set()
        for _, imported, names, at_top in _kit_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if not at_top:
                continue
            for target in _target(imported, names):
                if target in known and target != module:
                    deps.add(target)
        graph[module] = deps
    return graph


def test_no_import_cycles_between_modules() -> None:
    graph = _module_graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            # a package's own __init__ importing its submodules is how facades work, not a cycle
            if node.startswith(dep + ".") or dep.startswith(node + "."):
                continue
            if state.get(dep) == 1:
                cycles.append([*stack[stack.index(dep):], dep] if dep in stack else [node, dep])
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def _all_of(path: Path) -> list[str]:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = getattr(node, "value", None)
            if isinstance(value, ast.List | ast.Tuple):
                return [e.value for e in value.elts if isinstance(e, ast.Constant)]
    return []


def test_facades_are_small_and_every_name_exists() -> None:
    bad = []
    for path, module in _modules():
        if path.name != "__init__.py" or module == "kit":
            continue
        names = _all_of(path)
        if not names:
            bad.append(f"{module}: no __all__")
        if len(names) > MAX_FACADE:
            bad.append(f"{module}: __all__ has {len(names)} names (at most {MAX_FACADE})")
        loaded = importlib.import_module(module)
        bad += [f"{module}.__all__ names {n!r}, which does not exist" for n in names if not hasattr(loaded, n)]
    assert not bad, "\n".join(bad)


def test_top_level_names_resolve() -> None:
    import kit

    missing = [n for n in kit.__all__ if not hasattr(kit, n)]
    assert not missing
    assert "pandas" not in dir(kit)


# -- what users read and copy: notebooks, benchmarks, the docs' examples -------------------------

def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = []
    for cell in cells:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            code.append("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    return "\n\n".join(code)


_FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _user_code() -> Iterator[tuple[str, str]]:
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        yield str(nb.relative_to(ROOT)), _notebook_code(nb)
    for script in sorted((ROOT / "benchmarks").glob("*.py")):
        yield str(script.relative_to(ROOT)), script.read_text(encoding="utf-8")
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "data" / "README.md"]:
        for i, block in enumerate(_FENCE.findall(doc.read_text(encoding="utf-8"))):
            yield f"{doc.relative_to(ROOT)} (example {i + 1})", block


def _public_problems(where: str, code: str) -> list[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []  # prose-like snippets ("...") are not checked
    bad = []
    aliases: dict[str, str] = {}
    for node, imported, _names, _ in _kit_imports(tree):
        if any(part.startswith("_") for part in imported.split(".")):
            bad.append(f"{where}: imports the private module {imported}")
            continue
        module = importlib.import_module(imported)
        public = set(getattr(module, "__all__", ()))
        for alias in getattr(node, "names", []):
            if isinstance(node, ast.ImportFrom):
                if alias.name not in public:
                    bad.append(f"{where}: {alias.name} is not in {imported}.__all__")
                elif isinstance(getattr(module, alias.name, None), type(module)):
                    aliases[alias.asname or alias.name] = f"{imported}.{alias.name}"
            elif alias.name == imported:
                aliases[alias.asname or alias.name.split(".")[0]] = imported if alias.asname else "kit"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            module = importlib.import_module(aliases[node.value.id])
            if node.attr not in set(getattr(module, "__all__", ())):
                bad.append(f"{where}: {node.value.id}.{node.attr} is not in {module.__name__}.__all__")
    return bad


def test_notebooks_benchmarks_and_docs_import_only_public_names() -> None:
    bad = []
    for where, code in _user_code():
        bad += _public_problems(where, code)
    assert not bad, "\n".join(sorted(set(bad)))


def test_the_public_name_check_catches_reach_ins() -> None:
    assert _public_problems("x", "from kit.ui._explorers import _aggregate")
    assert _public_problems("x", "import kit.report as kr\nkr._pipeline")
    assert _public_problems("x", "from kit.match import _assign")
    assert not _public_problems("x", "import kit\nkit.load_claims()\nkit.charts.gap_chart")


# -- docs/ARCHITECTURE.md is true --------------------------------------------------------------

def _architecture_rows() -> list[tuple[str, str]]:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `(kit/[\w/]+/)` \| (.*) \|$", text, flags=re.MULTILINE)


def test_architecture_doc_names_only_modules_that_exist() -> None:
    rows = _architecture_rows()
    assert rows, "docs/ARCHITECTURE.md lost its folder table"
    missing = []
    for folder, job in rows:
        if not (ROOT / folder).is_dir():
            missing.append(folder)
        for name in re.findall(r"`([\w/]+(?:\.py|/))`", job):
            if not (ROOT / folder / name).exists():
                missing.append(f"{folder}{name}")
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for path in re.findall(r"`(kit/[\w/.]+)`", text):
        if not (ROOT / path).exists():
            missing.append(path)
    assert not missing, f"docs/ARCHITECTURE.md names what does not exist: {missing}"


def test_architecture_doc_lists_every_folder_and_module() -> None:
    rows = dict(_architecture_rows())
    folders = {f"{p.relative_to(ROOT)}/" for p in KIT.iterdir() if (p / "__init__.py").is_file()}
    assert folders == set(rows), "folders and docs/ARCHITECTURE.md disagree"
    unlisted = []
    for folder, job in rows.items():
        for path in sorted((ROOT / folder).glob("_*.py")):
            if path.name != "__init__.py" and f"`{path.name}`" not in job:
                unlisted.append(str(path.relative_to(ROOT)))
    assert not unlisted, f"modules missing from docs/ARCHITECTURE.md: {unlisted}"
    layers = set(re.findall(r"^ \d?\s+(\w+)\s+kit/(\w+)/", (ROOT / "docs" / "ARCHITECTURE.md").read_text(), re.M))
    assert {pkg for _, pkg in layers} == set(LAYERS), "the layer diagram and LAYERS disagree"


#: Longest function body allowed in kit/ (lines, decorators and docstring included).
MAX_FUNCTION_LINES = 100


def test_no_function_is_longer_than_a_screenful_or_two() -> None:
    """Functions past 100 lines hid several steps each; they were split along their own section comments."""
    long = []
    for path, _ in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - first + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.name} has {length} lines")
    assert not long, "\n".join(long)


def _resolve(dotted: str) -> bool:
    """Whether `kit.a.b.c` names a module or an attribute reachable from one."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for name in parts[i:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def test_every_kit_name_the_docs_mention_exists() -> None:
    """`kit.x.y` in README.md, docs/ and data/README.md resolves: docs move with the code."""
    bad = [
        f"{doc.relative_to(ROOT)}: {dotted}"
        for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "data" / "README.md"]
        for dotted in re.findall(r"`(kit(?:\.[A-Za-z_]\w*)+)", doc.read_text(encoding="utf-8"))
        if not _resolve(dotted)
    ]
    assert not bad, "\n".join(bad)
    assert not _resolve("kit.gazetteer.load_gazetteer") and _resolve("kit.ledger.load_gazetteer")
