"""Each idea has one home: these tests fail when a second one appears.

Links, the URL rule, the vocabularies and the partial-date form drifted when
they were written in several modules (two `rel` values, a URL rule that
accepted `http:///x` in charts but not in reports, two spellings of a
verdict). The scans read every module under kit/ as source (AST string
constants, so docstrings and comments may mention `<a>` or `https://`) and
name the file and line of each second home.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kit
import kit.core.vocab as vocab
from kit.core import is_safe_url, safe_url
from kit.incidents._schema import http_or_empty

KIT = Path(kit.__file__).resolve().parent
MODULES = sorted(p for p in KIT.rglob("*.py") if "__pycache__" not in p.parts)

LINK_HOME = "present/_html.py"
URL_HOME = "core/_urls.py"
VOCAB_HOME = "core/vocab.py"
DATE_HOME = "core/_dates.py"

_A_TAG = re.compile(r"(?i)<a[\s>]")
# a regex or prefix that decides a scheme: "https?", "^http://", "[Hh][Tt][Tt][Pp]"
_SCHEME_REGEX = re.compile(r"(?i)https\?|\[hH\]\[tT\]")
_SCHEME_LITERALS = {"http", "https", "http:", "https:", "http://", "https://"}
_PARTIAL_DATE_REGEX = re.compile(r"\\d\{4\}.*-.*\\d\{2\}")
# Not a link decision: the renderer's offline check looks for <script src="http(s)://...">
# in a finished report, to refuse a report that would fetch code.
_NOT_A_LINK_RULE = ("<script",)


def _rel(path: Path) -> str:
    return path.relative_to(KIT).as_posix()


def _trees() -> Iterator[tuple[str, ast.Module]]:
    for path in MODULES:
        yield _rel(path), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _docstring_nodes(tree: ast.Module) -> set[int]:
    """String statements (docstrings, attribute docs): prose, not code."""
    return {
        id(node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }


def _strings(tree: ast.Module) -> Iterator[tuple[int, str]]:
    skip = _docstring_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def _vocabularies() -> dict[str, frozenset[str]]:
    """Each vocabulary in kit.core.vocab as the set of its words (tuple items or dict keys)."""
    out: dict[str, frozenset[str]] = {}
    # tuples first, so a finding names the vocabulary (VERDICT_ORDER), not one of its colour maps
    for name in sorted(vocab.__all__, key=lambda n: (not isinstance(getattr(vocab, n), tuple), n)):
        value = getattr(vocab, name)
        if isinstance(value, (tuple, frozenset, dict)):
            words = frozenset(w for w in value if isinstance(w, str))
            if len(words) >= 2:
                out[name] = words
    return out


def _subscript_slices(tree: ast.Module) -> set[int]:
    """Nodes inside `X[...]` (e.g. `Literal["comparable", ...]`): types, not definitions."""
    return {id(n) for node in ast.walk(tree) if isinstance(node, ast.Subscript) for n in ast.walk(node.slice)}


def _const_strings(nodes: list[ast.expr | None]) -> list[str] | None:
    if all(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in nodes):
        return [n.value for n in nodes]  # type: ignore[union-attr]
    return None


# --------------------------------------------------------------------------- scans
def find_link_builders() -> list[str]:
    return [
        f"{rel}:{line}: builds an <a> tag ({text.strip()[:60]!r}); use kit.present.safe_link"
        for rel, tree in _trees() if rel != LINK_HOME
        for line, text in _strings(tree) if _A_TAG.search(text)
    ]


def find_url_rules() -> list[str]:
    hits = []
    for rel, tree in _trees():
        if rel == URL_HOME:
            continue
        for line, text in _strings(tree):
            if any(marker in text for marker in _NOT_A_LINK_RULE):
                continue
            if _SCHEME_REGEX.search(text) or text.strip().lower() in _SCHEME_LITERALS:
                hits.append(f"{rel}:{line}: decides a URL scheme ({text[:60]!r}); use kit.core.safe_url / is_safe_url")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "scheme":
                hits.append(f"{rel}:{node.lineno}: reads a parsed URL's .scheme; use kit.core.safe_url / is_safe_url")
    return hits


def find_vocabulary_copies() -> list[str]:
    vocabularies = _vocabularies()
    names = set(vocab.__all__)
    hits = []
    for rel, tree in _trees():
        if rel == VOCAB_HOME:
            continue
        in_types = _subscript_slices(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Name) and t.id in names:
                        hits.append(f"{rel}:{node.lineno}: defines {t.id} again; import it from kit.core")
            if id(node) in in_types:
                continue
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                words, least = _const_strings(list(node.elts)), 3
            elif isinstance(node, ast.Dict) and all(isinstance(v, ast.Constant) for v in node.values):
                words, least = _const_strings(list(node.keys)), 2
            else:
                continue
            if words is None or len(set(words)) < least:
                continue
            for name, known in vocabularies.items():
                if set(words) <= known:
                    hits.append(f"{rel}:{node.lineno}: spells out the {name} vocabulary ({sorted(words)[:3]}...); "
                                "import it from kit.core")
                    break
    return hits


def find_partial_date_regexes() -> list[str]:
    return [
        f"{rel}:{line}: a second partial-date regex ({text[:40]!r}); use kit.core.PARTIAL_DATE / parse_partial_date"
        for rel, tree in _trees() if rel != DATE_HOME
        for line, text in _strings(tree) if _PARTIAL_DATE_REGEX.search(text)
    ]


@pytest.mark.parametrize(
    "scan",
    [find_link_builders, find_url_rules, find_vocabulary_copies, find_partial_date_regexes],
    ids=["links", "url-rule", "vocabulary", "partial-dates"],
)
def test_each_idea_has_one_home(scan) -> None:  # type: ignore[no-untyped-def]
    assert scan() == []


def test_the_homes_exist_and_the_scans_see_them() -> None:
    """A scan that finds nothing because it reads nothing cannot fail: check it reads the homes."""
    rels = {_rel(p) for p in MODULES}
    assert {LINK_HOME, URL_HOME, VOCAB_HOME, DATE_HOME} <= rels
    trees = dict(_trees())
    assert any(_A_TAG.search(t) for _, t in _strings(trees[LINK_HOME]))
    assert any(_SCHEME_REGEX.search(t) for _, t in _strings(trees[URL_HOME]))
    assert any(_PARTIAL_DATE_REGEX.search(t) for _, t in _strings(trees[DATE_HOME]))
    assert {"VERDICT_LABELS", "METHODS", "QUALIFIER_WORDS", "GRADE_ORDER"} <= set(_vocabularies())


def test_the_scans_catch_the_old_spellings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each scan flags the kind of code it exists to refuse (written to a scratch module)."""
    bad = tmp_path / "kit"
    (bad / "ui").mkdir(parents=True)
    (bad / "ui" / "_widget.py").write_text(
        'import re\nfrom typing import Literal\nfrom urllib.parse import urlsplit\n'
        'V = Literal["comparable", "comparable_with_caveats", "not_comparable"]\n'
        '_WORDS = {"comparable": "comparable", "comparable_with_caveats": "comparable, with caveats"}\n'
        '_CHOICES = ("primary", "relayed", "untraced")\n'
        '_SAFE = re.compile(r"^https?://[^\\s]+$")\n'
        '_DATE = re.compile(r"^\\d{4}(-\\d{2}(-\\d{2})?)?$")\n'
        'def link(u):\n'
        '    """Builds an <a> tag."""\n'
        '    ok = urlsplit(u).scheme in ("http", "https")\n'
        '    return f"<a href=\'{u}\' rel=\'noopener\'>x</a>" if ok else u\n',
        encoding="utf-8",
    )
    monkeypatch.setitem(globals(), "MODULES", [bad / "ui" / "_widget.py"])
    monkeypatch.setitem(globals(), "KIT", bad)
    assert [h.split(":")[1] for h in find_link_builders()] == ["12"]  # the f-string, not the docstring
    assert sorted(h.split(":")[1] for h in find_url_rules()) == ["11", "11", "11", "7"]
    assert [h.split(":")[1] for h in find_vocabulary_copies()] == ["5", "6"]  # not the Literal type
    assert [h.split(":")[1] for h in find_partial_date_regexes()] == ["8"]


# --------------------------------------------------------------------------- one URL rule, two speeds
_URL_PIECES = st.sampled_from([
    "http://", "https://", "HTTP://", "hTtPs://", "http:", "//", "/", "?", "#", ":", "@", "[", "]", "::1",
    "a", "b.org", "é", "80", " ", "\t", "\n", "\x00", "\x7f", '"', "'", "`", "<", ">", "\\", "%20", ".", "-",
])
_URLISH = st.lists(_URL_PIECES, max_size=7).map("".join)


@settings(max_examples=400, deadline=None)
@given(values=st.lists(_URLISH, min_size=1, max_size=8))
def test_vectorised_incident_url_check_is_the_scalar_rule(values: list[str]) -> None:
    """`http_or_empty` (Arrow fast path, RE2 fallback) answers exactly as `is_safe_url` for every value."""
    expected = [v == "" or is_safe_url(v) for v in values]
    assert http_or_empty(pd.Series(values, dtype="string[pyarrow]")).tolist() == expected
    assert http_or_empty(pd.Series(values, dtype=object)).tolist() == expected


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://airwars.org/civilian-casualties/?id=1#x", True),
        ("HTTPS://EXAMPLE.ORG/", True),
        ("http://user@host.org:8080/p", True),
        ("http:///x", False),  # no host: charts used to link it
        ("https://", False),
        ("http://:80/", False),
        ("http://@/", False),
        ("https://a.org/x y", False),
        ("https://a.org/\"onmouseover=", False),
        ("https://a.org\\@evil.org", False),
        ("https://[::1]/", False),
        ("javascript:alert(1)", False),
        ("ftp://a.org", False),
        ("https://a.org\n", False),  # as given; safe_url drops surrounding whitespace first
    ],
)
def test_the_url_rule(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe
    assert safe_url(f"  {url.strip()}  ") == (url.strip() if is_safe_url(url.strip()) else None)
