"""kit.report: escaping helpers, the kit renderer, parameter checks, report sets and the render pipeline.

Browser checks of rendered reports live in tests/test_browser.py; here the HTML
is checked as text, and notebooks are tiny ones written into tmp_path so each
kernel run stays short.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import kit.report as kr
from kit import __version__
from kit.cli import app
from kit.core import INPUTS_ENV, RENDER_ENV
from kit.present._html import _BIDI
from kit.report import _pipeline, _templates
from kit.report._renderer import spec_json

REPO = Path(__file__).resolve().parents[1]
HOSTILE_NB = REPO / "tests" / "fixtures" / "hostile" / "hostile_report.ipynb"
HOSTILE_CSV = REPO / "tests" / "fixtures" / "hostile" / "hostile_ledger.csv"
SCRIPT = "<script>window.__injected=1</script>"


# --------------------------------------------------------------------------- helpers


class _Tags(HTMLParser):
    """Collects start tags and attributes, to check what a browser would actually build."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(markup)
    return parser.tags


def _notebook(path: Path, cells: list[tuple[str, str] | tuple[str, str, list[str]]]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    for i, spec in enumerate(cells):
        kind, source = spec[0], spec[1]
        tags = spec[2] if len(spec) > 2 else []
        cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        cell.id = f"c{i}"
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


_PARAMS = 'n = 3  # rows\nlabel = "demo"\nratio = 0.5\nshow = True\nuntil = ""\nplace = "sy"\n'


def _tiny(folder: Path, *, fail: bool = False, marker: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data.csv").write_text("x,y\n0,1\n1,3\n2,2\n", encoding="utf-8")
    body = (
        "import os, sys\nimport altair as alt\nimport pandas as pd\nimport kit.report as kr\n"
        "kr.enable()\n"
        "df = pd.read_csv(kr.record_input('data.csv')).head(n)\n"
        "open('cwd.txt', 'w').write(os.getcwd())\n"
        "print('stdout line', label)\nprint('stderr line', file=sys.stderr)\n"
    )
    if marker:
        body = "open('started.txt', 'w').write('1')\n" + body
    cells: list[tuple[str, str] | tuple[str, str, list[str]]] = [
        ("markdown", "# Tiny *report*"),
        ("code", _PARAMS, ["parameters"]),
        ("code", body),
        ("code", "alt.Chart(df, title=label).mark_bar().encode(x='x:O', y='y:Q')"),
        ("code", "kr.md('Label is **{label}**', label=label)"),
    ]
    if fail:
        cells.append(("code", "x = 1\n1 / 0"))
    cells.append(("code", "alt.Chart(df).mark_point().encode(x='x:Q', y='y:Q')"))
    return _notebook(folder / "tiny.ipynb", cells)


# --------------------------------------------------------------------------- safe_url / safe_link


@pytest.mark.parametrize(
    "url",
    [
        "javascript:window.__injected=1",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/x",
        "https:",
        "https:///nohost",
        "ftp://example.org/x",
        "file:///etc/passwd",
        "",
        None,
        float("nan"),
    ],
)
def test_safe_url_refuses_non_http(url: object) -> None:
    assert kr.safe_url(url) is None
    link = str(kr.safe_link(url, "source"))
    assert "<a" not in link
    assert link == "source"


@pytest.mark.parametrize("url", ["https://airwars.org/x?a=1&b=2", "http://example.org", "HTTPS://EXAMPLE.ORG/"])
def test_safe_link_links_http(url: str) -> None:
    link = str(kr.safe_link(url, 'A "quoted" <b>label</b>'))
    [(tag, attrs), *rest] = _tags(link)
    assert tag == "a" and not rest  # the <b> stayed text
    assert attrs["href"] == url
    assert attrs["rel"] == "noopener noreferrer nofollow"
    assert "&lt;b&gt;" in link


def test_safe_link_attribute_breakout_stays_text() -> None:
    url = 'https://example.org/x?"onmouseover="window.__injected=1'
    out = str(kr.safe_link(url))
    assert kr.safe_url("https://example.org/a b") is None  # raw whitespace: not a URL
    assert kr.safe_url(url) is None  # a raw quote: not a URL (kit.core's one rule)
    assert _tags(out) == [] and html.unescape(out) == url  # shown to the reader as text, escaped
    assert '"' not in out


@given(st.text())
def test_safe_url_only_ever_returns_http(url: str) -> None:
    out = kr.safe_url(url)
    assert out is None or re.match(r"(?i)^https?://[^\s]", out)


@given(st.text(), st.text())
def test_safe_link_never_builds_other_tags_or_schemes(url: str, text: str) -> None:
    tags = _tags(str(kr.safe_link(url, text)))
    assert all(tag == "a" for tag, _ in tags)
    for _, attrs in tags:
        assert re.match(r"(?i)^https?://", attrs["href"] or "")


@given(st.text())
def test_escape_text_never_emits_markup(text: str) -> None:
    out = str(kr.escape_text(text))
    assert "<" not in out and ">" not in out and '"' not in out
    # every character kept as text, but bidirectional controls, which are stripped from report text on purpose
    assert html.unescape(out) == _BIDI.sub("", text) and not _BIDI.search(out)


@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True), st.text())
def test_parse_cli_parameters_keeps_value_verbatim(key: str, value: str) -> None:
    assert kr.parse_cli_parameters([f"{key}={value}"]) == {key: value}


# --------------------------------------------------------------------------- html_table / md


def _hostile_frame() -> pd.DataFrame:
    return pd.read_csv(HOSTILE_CSV, dtype=str, keep_default_na=False)


def test_html_table_escapes_every_hostile_cell_and_links_only_http() -> None:
    df = _hostile_frame()
    out = str(kr.html_table(df, link_columns=["url"], max_chars=None))
    tags = _tags(out)
    allowed = {"style", "div", "table", "thead", "tbody", "tr", "th", "td", "a", "details", "summary", "span"}
    assert {t for t, _ in tags} <= allowed
    hrefs = [a["href"] for t, a in tags if t == "a"]
    assert hrefs == [u for u in df["url"] if kr.safe_url(u)]
    assert len(hrefs) == 4  # the javascript: and data: rows, and the one with a raw quote, get no link
    assert SCRIPT not in out
    assert "&lt;script&gt;window.__injected=1&lt;/script&gt;" in out
    assert 'onerror="window' not in out
    assert "المرصد السوري لحقوق الإنسان" in out
    assert out.count('dir="auto"') >= len(df) * len(df.columns)


def test_html_table_cuts_long_cells_but_keeps_full_text_in_title() -> None:
    df = _hostile_frame()
    long_note = df.loc[df["claim_id"] == "hostile-long", "note"].iloc[0]
    assert len(long_note) == 10_000
    out = str(kr.html_table(df[["claim_id", "note"]], max_chars=200))
    cells = [a for t, a in _tags(out) if t == "td" and "title" in a]
    assert [html.unescape(c["title"] or "") for c in cells] == [long_note]
    assert "\u2026" in out


def test_html_table_link_text_from_other_column_and_missing_columns() -> None:
    df = pd.DataFrame({"url": ["https://a.example/1", "javascript:x"], "claimant": ["<A>", "B"], "n": [1.0, None]})
    out = str(kr.html_table(df, link_columns={"url": "claimant"}))
    assert '>&lt;A&gt;</a>' in out
    assert ">B</td>" in out  # no link for the javascript: URL, but the text stays
    assert "<th dir=\"auto\">claimant</th>" not in out  # used as link text, not repeated
    assert ">1</td>" in out and "<td dir=\"auto\"></td>" in out  # 1.0 shown as 1, NaN as empty
    with pytest.raises(KeyError, match="nope"):
        kr.html_table(df, link_columns=["nope"])


class _Cells(HTMLParser):
    """The text of every body cell, row by row (what a reader sees in the table)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_html_table_names_claimants_in_full_on_every_row_no_ditto_marks() -> None:
    """Consecutive rows by one claimant each name it in full; only a repeated long note reads "same as above"."""
    sohr = "Syrian Observatory for Human Rights (SOHR)"  # longer than the ditto threshold
    note = "counted from the monitor's own daily lists, civilians and combatants apart"
    df = pd.DataFrame({
        "claimant": [sohr, sohr, "Airwars", "UNAMI (UN Assistance Mission for Iraq)"],
        "figure": ["66", "1,953", "at least 1,782", "12,282"],
        "by": ["Islamic State and other armed groups"] * 4,
        "note": [note, note, note, "the mission's own count"],
    })
    out = str(kr.html_table(df))
    parser = _Cells()
    parser.feed(out)
    assert parser.rows == [
        [sohr, "66", "Islamic State and other armed groups", note],
        [sohr, "1,953", "Islamic State and other armed groups", "same as above"],
        ["Airwars", "at least 1,782", "Islamic State and other armed groups", "same as above"],
        ["UNAMI (UN Assistance Mission for Iraq)", "12,282", "Islamic State and other armed groups",
         "the mission's own count"],
    ]
    # name cells carry the class the phone layout narrows; the figure cells never wrap
    assert out.count('<td dir="auto" class="kit-name">') == 8
    assert '<th dir="auto" class="kit-name">claimant</th>' in out
    assert out.count('class="kit-num"') == 4
    # another table may name its own name columns; the default ones are then dittoed like any long text
    assert "same as above" in str(kr.html_table(df[["claimant"]], name_columns=()))


@given(st.text(max_size=200))
@settings(max_examples=200)
def test_html_table_any_text_yields_only_table_tags(text: str) -> None:
    out = str(kr.html_table(pd.DataFrame({"a": [text]}), link_columns=[], caption=text))
    assert {t for t, _ in _tags(out)} <= {"style", "div", "table", "caption", "thead", "tbody", "tr", "th", "td",
                                          "details", "summary", "span"}


def test_md_escapes_values_not_template() -> None:
    out = kr.md("**{who}** reported {n:,} ({link})", who=SCRIPT + " *x* [a](javascript:y)", n=3164,
                link=kr.safe_link("https://airwars.org/", "source"))._repr_markdown_()
    assert out.startswith("**&lt;script&gt;")
    assert SCRIPT not in out
    assert r"\*x\*" in out and r"\[a\]\(javascript:y\)" in out
    assert "3,164" in out or r"3,164" in out.replace("\\", "")
    assert '<a href="https://airwars.org/"' in out


def test_md_keeps_one_line_so_data_cannot_open_blocks() -> None:
    out = kr.md("Note: {note}", note="first\n# heading\n- item")._repr_markdown_()
    assert "\n" not in out
    assert r"\# heading \- item" in out


def test_md_rendered_by_nbconvert_shows_text_literally() -> None:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(kr.md("{x}", x='<img src=x onerror="window.__injected=1"> & *y*').data)
    assert not [t for t, _ in _tags(rendered) if t not in {"p"}]
    assert html.unescape(re.sub(r"</?p>", "", rendered)).strip() == '<img src=x onerror="window.__injected=1"> & *y*'


# --------------------------------------------------------------------------- renderer


def test_spec_json_is_script_safe_and_round_trips() -> None:
    spec = {"title": "</script><script>alert(1)</script><!--", "text": "a & b > c", "sep": "\u2028"}
    out = spec_json(spec)
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == spec


@given(st.recursive(st.text() | st.integers() | st.booleans(),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(), c, max_size=3), max_leaves=10))
def test_spec_json_round_trips_anything(value: object) -> None:
    out = spec_json({"v": value})
    assert "</" not in out.lower()
    assert json.loads(out) == {"v": value}


def test_kit_renderer_emits_div_and_small_vegaembed_call() -> None:
    chart = alt.Chart(pd.DataFrame({"a": ["</script>"], "b": [1]}), title="t").mark_bar().encode(x="a", y="b")
    bundle, meta = kr.kit_renderer(chart.to_dict())
    page = bundle["text/html"]
    div_id = meta["kit"]["chart_id"]
    assert page.startswith(f'<div class="kit-chart" id="{div_id}"></div>')
    assert page.count("<script") == 1 and page.lower().count("</script") == 1
    assert '{"actions": false, "renderer": "svg", "mode": "vega-lite"}' in page
    assert "window.__kitViews.push" in page and "console.error" in page and "el.textContent" in page
    assert "cdn" not in page.lower() and "require" not in page
    assert bundle["application/vnd.vegalite.v6+json"] == chart.to_dict()
    assert len(page) < 5_000  # no bundle per chart
    _, meta2 = kr.kit_renderer(chart.to_dict())
    assert meta2["kit"]["chart_id"] != div_id


def test_kit_renderer_refuses_url_data_with_visible_error() -> None:
    spec = alt.Chart("https://example.org/data.csv").mark_bar().encode(x="a:Q").to_dict()
    bundle, _ = kr.kit_renderer(spec)
    assert "kit-chart-error" in bundle["text/html"] and "console.error" in bundle["text/html"]
    assert "vegaEmbed" not in bundle["text/html"]


def test_enable_switches_only_under_kit_render(monkeypatch: pytest.MonkeyPatch) -> None:
    before = alt.renderers.active
    try:
        monkeypatch.delenv(RENDER_ENV, raising=False)
        alt.renderers.enable("default")
        assert kr.enable() == "default"
        monkeypatch.setenv(RENDER_ENV, "1")
        assert kr.enable() == "kit"
        assert alt.renderers.active == "kit"
    finally:
        alt.renderers.enable(before)


def test_record_input_appends_path_and_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "d.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    sink = tmp_path / "inputs.jsonl"
    monkeypatch.setenv(INPUTS_ENV, str(sink))
    assert kr.record_input(data) == data.resolve()
    kr.record_input(data)  # same content: recorded once
    lines = [json.loads(x) for x in sink.read_text().splitlines()]
    assert lines == [{"path": str(data.resolve()), "sha256": hashlib.sha256(b"a\n1\n").hexdigest()}]
    with pytest.raises(FileNotFoundError):
        kr.record_input(tmp_path / "missing.csv")


# --------------------------------------------------------------------------- parameters


def test_parse_cli_parameters() -> None:
    assert kr.parse_cli_parameters(["place=iq;sy", "until=", "q=a=b"]) == {"place": "iq;sy", "until": "", "q": "a=b"}
    with pytest.raises(kr.ParameterError, match="expected key=value"):
        kr.parse_cli_parameters(["place"])
    with pytest.raises(kr.ParameterError, match="place: given twice"):
        kr.parse_cli_parameters(["place=sy", "place=iq"])


def test_notebook_parameters_read_from_tagged_cell(tmp_path: Path) -> None:
    params = kr.notebook_parameters(_tiny(tmp_path))
    assert list(params) == ["n", "label", "ratio", "show", "until", "place"]
    assert params["n"].default == 3 and params["n"].help == "rows"
    assert params["label"].kind is str


def test_check_parameters_coerces_to_default_types(tmp_path: Path) -> None:
    effective, coerced = kr.check_parameters(
        _tiny(tmp_path), {"n": "5", "ratio": "0.25", "show": "no", "until": "2017-05", "label": "x"}
    )
    assert coerced == {"n": 5, "ratio": 0.25, "show": False, "until": "2017-05", "label": "x"}
    assert effective["place"] == "sy" and effective["n"] == 5


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"plase": "sy"}, r"unknown parameter plase \(this notebook takes: n, label, ratio, show, until, place\)"),
        ({"n": "many"}, "parameter n: 'many' is not an integer"),
        ({"n": True}, "parameter n: True is not an integer"),
        ({"ratio": "half"}, "parameter ratio: 'half' is not a number"),
        ({"show": "maybe"}, "parameter show: 'maybe' is not true/false"),
        ({"label": None}, "parameter label: None is not text"),
        ({"until": "31/05/2017"}, r"parameter until: '31/05/2017' is not a date \(YYYY, YYYY-MM or YYYY-MM-DD\)"),
        ({"until": "2017-02-30"}, "parameter until: '2017-02-30' is not a real calendar date"),
        ({"place": "sy;"}, "parameter place: empty place"),
    ],
)
def test_check_parameters_names_the_bad_parameter(tmp_path: Path, overrides: dict[str, object], message: str) -> None:
    with pytest.raises(kr.ParameterError, match=message) as err:
        kr.check_parameters(_tiny(tmp_path), overrides)
    assert str(err.value).startswith(str(tmp_path / "tiny.ipynb"))


def test_check_parameters_reports_every_problem_at_once(tmp_path: Path) -> None:
    with pytest.raises(kr.ParameterError) as err:
        kr.check_parameters(_tiny(tmp_path), {"n": "x", "until": "May"})
    assert len(str(err.value).splitlines()) == 2


def test_check_parameters_place_must_resolve_in_gazetteer(tmp_path: Path) -> None:
    kr.check_parameters(_tiny(tmp_path), {"place": "iq;sy-raqqa"})
    with pytest.raises(kr.ParameterError, match="'atlantis' is not a gazetteer id or known place name"):
        kr.check_parameters(_tiny(tmp_path), {"place": "sy;atlantis"})


def test_notebook_without_parameters_cell_takes_none(tmp_path: Path) -> None:
    nb = _notebook(tmp_path / "plain.ipynb", [("code", "x = 1")])
    assert kr.check_parameters(nb, {}) == ({}, {})
    with pytest.raises(kr.ParameterError, match="has no cell tagged 'parameters'"):
        kr.check_parameters(nb, {"x": "2"})


def test_parameters_cell_must_hold_literals(tmp_path: Path) -> None:
    nb = _notebook(tmp_path / "expr.ipynb", [("code", "start = compute()", ["parameters"])])
    with pytest.raises(kr.ParameterError, match="start = compute\\(\\) is not a literal"):
        kr.notebook_parameters(nb)


def test_missing_or_broken_notebook_is_named(tmp_path: Path) -> None:
    with pytest.raises(kr.ReportError, match="nope.ipynb: notebook not found"):
        kr.check_parameters(tmp_path / "nope.ipynb", {})
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(kr.ReportError, match="bad.ipynb: cannot read notebook"):
        kr.check_parameters(bad, {})


# --------------------------------------------------------------------------- report sets


def _set(tmp_path: Path, text: str) -> Path:
    _tiny(tmp_path)
    path = tmp_path / "reports.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_report_set_reads_entries_with_defaults(tmp_path: Path) -> None:
    path = _set(tmp_path, "reports:\n  - notebook: tiny.ipynb\n  - notebook: tiny.ipynb\n    name: tiny-5\n"
                          "    title: Five\n    parameters: {n: 5}\n    inputs: [data/*.csv]\n")
    specs = kr.load_report_set(path)
    assert [(s.name, dict(s.parameters), s.title) for s in specs] == [("tiny", {}, None), ("tiny-5", {"n": 5}, "Five")]
    assert specs[0].notebook == (tmp_path / "tiny.ipynb").resolve()
    assert specs[1].inputs == ("data/*.csv",)
    assert specs[1].origin == f"{path}:3"
    assert kr.load_report_set(_set(tmp_path, "- notebook: tiny.ipynb\n"))[0].name == "tiny"  # a bare list


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reports:\n  - notebook: missing.ipynb\n", r"reports.yaml:2: notebook: missing.ipynb does not exist"),
        (
            "reports:\n  - notebook: tiny.ipynb\n  - notebook: tiny.ipynb\n",
            r"reports.yaml:3: name: 'tiny' already used at line 2",
        ),
        ("reports:\n  - notebook: tiny.ipynb\n    scope: {n: 1}\n", r"reports.yaml:2: scope: unknown key"),
        ("reports:\n  - notebook: tiny.ipynb\n    name: ../evil\n", r"reports.yaml:2: name: '../evil' must be"),
        ("reports:\n  - notebook: tiny.ipynb\n    name: index\n", r"reports.yaml:2: name: 'index' is reserved"),
        (
            "reports:\n  - notebook: tiny.ipynb\n    parameters: [1]\n",
            r"reports.yaml:2: parameters: expected a mapping",
        ),
        ("reports:\n  - name: x\n", r"reports.yaml:2: notebook: required"),
        ("reports:\n  - just a string\n", r"reports.yaml:2: entry: expected a mapping"),
        ("reports: []\n", r"reports.yaml:1: reports: expected a non-empty list"),
        ("reports:\n  - notebook: [unclosed\n", r"reports.yaml:\d+: not valid YAML"),
    ],
)
def test_load_report_set_errors_name_file_line_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(kr.ReportSetError, match=message):
        kr.load_report_set(_set(tmp_path, text))


def test_project_report_set_lists_existing_notebooks_and_valid_parameters() -> None:
    specs = kr.load_report_set(REPO / "notebooks" / "reports.yaml")
    names = [s.notebook.name for s in specs]
    assert "01_founding_article.ipynb" in names
    assert len({s.name for s in specs}) == len(specs)
    assert max(names.count(n) for n in set(names)) >= 2  # one notebook, several scopes
    for spec in specs:
        kr.check_parameters(spec.notebook, spec.parameters, label=spec.label)


# --------------------------------------------------------------------------- footer and index templates

HOSTILE = '"><script>alert(1)</script><b x="'
HOSTILE_FILE = "\"><img src=x onerror=alert(1)>'.html"  # no '/' in a file name
_FOOTER_TAGS = {"footer", "p", "code", "time", "h4", "table", "thead", "tbody", "tr", "th", "td"}


def test_footer_template_escapes_notebook_parameters_inputs_and_date() -> None:
    footer = str(_templates.footer_html(
        notebook=f"notebooks/{HOSTILE}.ipynb",
        parameters={HOSTILE: HOSTILE, "plain": "it's"},
        overrides={HOSTILE: HOSTILE},
        inputs=[(f"data/{HOSTILE}.csv", HOSTILE)],
        rendered=HOSTILE,
    ))
    tags = _tags(footer)
    assert {t for t, _ in tags} <= _FOOTER_TAGS, tags  # no script, no b: every value stayed text
    assert [a for t, a in tags if t == "time"] == [{"datetime": HOSTILE}]  # no attribute breakout
    assert all(a in ({}, {"class": "kit-footer"}, {"class": "kit-footer-table"}, {"dir": "auto"}, {"datetime": HOSTILE})
               for _, a in tags)
    assert footer.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 7  # notebook, name, value, file, hash, date x2
    assert "it&#x27;s" in footer and "set for this report" in footer and "notebook default" in footer


def test_index_template_escapes_title_scope_and_file_names(tmp_path: Path) -> None:
    (tmp_path / HOSTILE_FILE).write_text("report", encoding="utf-8")
    result = kr.RenderResult(
        name="hostile", path=tmp_path / HOSTILE_FILE, notebook=f"notebooks/{HOSTILE}.ipynb", title=HOSTILE,
        parameters={HOSTILE: HOSTILE, "plain": "x"}, overrides={HOSTILE: HOSTILE}, rendered=HOSTILE, charts=1,
        inputs=(), size=6, seconds=0.0,
    )
    _pipeline._update_manifest(tmp_path, [result])
    page = kr.write_index(tmp_path).read_text(encoding="utf-8")
    tags = _tags(page)
    assert [a for t, a in tags if t == "a"] == []  # a manifest file that is no plain file name is never linked
    assert '<div class="kit-report-title" dir="auto">hostile: ' in page  # its report name shows as text instead
    assert not [t for t, _ in tags if t in {"script", "img", "b"}]
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 4  # title, parameter set and its value, date
    assert "plain = x" not in page  # only what was set for this report: the rest is the notebook's default
    assert "onerror=alert(1)>" not in page


# --------------------------------------------------------------------------- rendering (executes notebooks)


@pytest.fixture(scope="module")
def tiny_renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The tiny notebook rendered twice for one scope with SOURCE_DATE_EPOCH (and images once)."""
    folder = tmp_path_factory.mktemp("tiny")
    nb = _tiny(folder / "nb")
    out: dict[str, object] = {"nb": nb}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        for key, images in (("a", True), ("b", False)):
            out[key] = kr.render(nb, {"n": "2", "label": '<b>"L"</b>'}, out_dir=folder / key, name="tiny_2",
                                 export_images=images)
    return out


@pytest.mark.slow
def test_render_writes_self_contained_report(tiny_renders: dict[str, object]) -> None:
    result = tiny_renders["a"]
    assert isinstance(result, kr.RenderResult)
    page = result.path.read_text(encoding="utf-8")
    assert result.path.name == "tiny_2.html" and result.charts == 2
    assert page.count("window.kitVegaReady = (function") == 1  # bundle inlined once, packed
    packed = re.search(r'\}\)\("([A-Za-z0-9+/=]+)"\);', page)
    assert packed is not None
    assert gzip.decompress(base64.b64decode(packed.group(1))).decode().count("window.vegaEmbed=") == 1
    assert len(packed.group(1)) < 0.5 * len(gzip.decompress(base64.b64decode(packed.group(1))))
    assert page.count('class="kit-chart"') == 2
    scripts = [a for t, a in _tags(page) if t == "script"]
    assert all("src" not in a for a in scripts)
    assert len(scripts) == 2 + result.charts  # the Vega bundle, the report's own script, one per chart
    assert "window.kitFit" in page
    for needle in ("require.js", "require.min.js", "mathjax", "MathJax", "mermaid", "unpkg", "cdnjs", "cdn.jsdelivr",
                   "@jupyter-widgets/html-manager"):
        assert needle not in page, needle
    assert 'href="http' not in page.split("<body", 1)[1].replace('href="https://example', "")
    assert "kr.enable()" not in page and "import altair" not in page  # code hidden
    assert "stdout line" in page and "stderr line" not in page
    assert "stderr line" in result.stderr[0]
    assert "vnd.vegalite" not in page


@pytest.mark.slow
def test_render_footer_records_version_inputs_parameters_date(tiny_renders: dict[str, object]) -> None:
    result = tiny_renders["a"]
    assert isinstance(result, kr.RenderResult)
    page = result.path.read_text(encoding="utf-8")
    footer = page[page.index('<footer class="kit-footer">'):page.index("</footer>")]
    assert f"casualty-kit {__version__}" in footer
    assert "2023-11-14T22:13:20Z" in footer  # SOURCE_DATE_EPOCH=1700000000
    digest = hashlib.sha256(Path(str(tiny_renders["nb"])).with_name("data.csv").read_bytes()).hexdigest()
    assert digest in footer and result.inputs[0][1] == digest
    assert '&lt;b&gt;"L"&lt;/b&gt;' in footer.replace("&quot;", '"') and '<b>"L"</b>' not in page
    assert "set for this report" in footer and "notebook default" in footer
    assert dict(result.parameters)["n"] == 2 and dict(result.overrides) == {"n": 2, "label": '<b>"L"</b>'}
    assert "<title>Tiny report</title>" in page


@pytest.mark.slow
def test_render_runs_in_the_notebook_folder(tiny_renders: dict[str, object]) -> None:
    nb = Path(str(tiny_renders["nb"]))
    assert (nb.parent / "cwd.txt").read_text() == str(nb.parent)


@pytest.mark.slow
def test_two_renders_with_source_date_epoch_are_byte_identical(tiny_renders: dict[str, object]) -> None:
    a, b = tiny_renders["a"], tiny_renders["b"]
    assert isinstance(a, kr.RenderResult) and isinstance(b, kr.RenderResult)
    assert a.path != b.path
    assert a.path.read_bytes() == b.path.read_bytes()
    assert (a.path.parent / "index.html").read_bytes() == (b.path.parent / "index.html").read_bytes()


@pytest.mark.slow
def test_export_images_writes_svg_and_png_per_chart(tiny_renders: dict[str, object]) -> None:
    result = tiny_renders["a"]
    assert isinstance(result, kr.RenderResult)
    names = [p.name for p in result.images]
    assert names == ["chart-01.png", "chart-01.svg", "chart-02.png", "chart-02.svg"]
    assert result.images[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert result.images[1].read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert result.images[1].parent == result.path.parent / "tiny_2_charts"


@pytest.mark.slow
def test_index_links_reports_with_scope_and_date_escaped(tiny_renders: dict[str, object]) -> None:
    result = tiny_renders["a"]
    assert isinstance(result, kr.RenderResult)
    index = (result.path.parent / "index.html").read_text(encoding="utf-8")
    assert '<a href="tiny_2.html">tiny_2</a>' in index
    assert 'label = &lt;b&gt;"L"&lt;/b&gt;' in index.replace("&quot;", '"') and '<b>"L"' not in index
    assert "2023-11-14T22:13:20Z" in index
    assert [t for t, _ in _tags(index) if t == "script"] == []


@pytest.mark.slow
def test_failing_cell_names_notebook_cell_exception_and_leaves_nothing(tmp_path: Path) -> None:
    nb = _tiny(tmp_path / "nb", fail=True)
    out = tmp_path / "reports"
    with pytest.raises(kr.CellError) as err:
        kr.render(nb, {"n": "2"}, out_dir=out)
    exc = err.value
    # cells: markdown 0, parameters 1, setup 2, chart 3, md 4, failing 5 (papermill's injected cell not counted)
    assert exc.cell_index == 5 and exc.ename == "ZeroDivisionError"
    assert "tiny.ipynb: cell 5" in str(exc) and "ZeroDivisionError: division by zero" in str(exc)
    assert "x = 1" in str(exc)
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_cli_bad_parameter_exits_2_before_any_execution(tmp_path: Path) -> None:
    nb = _tiny(tmp_path / "nb", marker=True)
    res = CliRunner().invoke(app, ["render", str(nb), "-p", "n=lots", "-p", "colour=red", "--out", str(tmp_path / "r")])
    assert res.exit_code == 2
    assert "unknown parameter colour" in res.output and "nothing was executed" in res.output
    assert not (nb.parent / "started.txt").exists()
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_cli_failing_cell_exits_1_and_names_it(tmp_path: Path) -> None:
    nb = _tiny(tmp_path / "nb", fail=True)
    out = tmp_path / "r"
    res = CliRunner().invoke(app, ["render", str(nb), "--out", str(out)])
    assert res.exit_code == 1
    assert "FAILED tiny:" in res.output and "cell 5" in res.output and "ZeroDivisionError" in res.output
    assert not list(out.glob("*.html"))


def test_cli_set_with_invalid_parameter_executes_nothing(tmp_path: Path) -> None:
    path = _set(tmp_path, "reports:\n  - notebook: tiny.ipynb\n  - notebook: tiny.ipynb\n    name: t2\n"
                          "    parameters: {until: soon}\n")
    res = CliRunner().invoke(app, ["render", "--set", str(path), "--out", str(tmp_path / "r")])
    assert res.exit_code == 2
    assert "reports.yaml:3: parameter until: 'soon' is not a date" in res.output
    assert not (tmp_path / "r").exists()


def test_cli_requires_notebook_or_set(tmp_path: Path) -> None:
    assert CliRunner().invoke(app, ["render"]).exit_code == 2
    path = _set(tmp_path, "- notebook: tiny.ipynb\n")
    res = CliRunner().invoke(app, ["render", "--set", str(path), "-p", "n=1"])
    assert res.exit_code == 2 and "-p and --name apply to a single NOTEBOOK" in res.output


@pytest.mark.slow
def test_hostile_report_html_escapes_every_string(tmp_path: Path) -> None:
    result = kr.render(HOSTILE_NB, out_dir=tmp_path)
    page = result.path.read_text(encoding="utf-8")
    assert result.charts == 2
    assert SCRIPT not in page
    tags = _tags(page)
    assert not [(t, a) for t, a in tags if any(k.startswith("on") for k in a)]  # no event-handler attribute
    assert not [a for t, a in tags if t == "a" and not re.match(r"^(https?://|#)", a.get("href") or "")]
    assert not [t for t, a in tags if t == "img"]
    assert len([t for t, _ in tags if t == "script"]) == 2 + result.charts  # bundle, report script, charts
    assert "&lt;script&gt;window.__injected=1&lt;/script&gt;" in page
    assert "المرصد السوري لحقوق الإنسان" in page
    assert "tests/fixtures/hostile/hostile_ledger.csv" in page  # footer lists the data file


@pytest.mark.slow
def test_notebook_without_enable_still_draws_through_kit_renderer(tmp_path: Path) -> None:
    nb = _notebook(tmp_path / "plain.ipynb", [
        ("code", "import altair as alt\nimport pandas as pd\n"
                 "alt.Chart(pd.DataFrame({'a': [1, 2]})).mark_point().encode(x='a:Q')"),
    ])
    result = kr.render(nb, out_dir=tmp_path / "out")
    page = result.path.read_text(encoding="utf-8")
    assert result.charts == 1 and page.count('class="kit-chart"') == 1
    assert "cdn.jsdelivr" not in page


@pytest.mark.slow
def test_output_loading_scripts_from_a_cdn_is_refused(tmp_path: Path) -> None:
    nb = _notebook(tmp_path / "cdn.ipynb", [
        ("code", "x = 1", ["parameters"]),
        ("code", "import altair as alt\nimport pandas as pd\nalt.renderers.enable('html')\n"
                 "alt.Chart(pd.DataFrame({'a': [1, 2]})).mark_point().encode(x='a:Q')"),
    ])
    out = tmp_path / "out"
    with pytest.raises(kr.ReportError, match=r"cdn.ipynb: cell 1 displays HTML that loads a script from the network"):
        kr.render(nb, {"x": "2"}, out_dir=out)
    assert not list(out.glob("*.html"))


def test_cli_lists_notebook_parameters_without_executing(tmp_path: Path) -> None:
    nb = _tiny(tmp_path / "nb", marker=True)
    res = CliRunner().invoke(app, ["render", str(nb), "--parameters"])
    assert res.exit_code == 0
    assert res.output.splitlines()[:2] == ["n = 3  # rows", 'label = "demo"']
    assert not (nb.parent / "started.txt").exists()


def test_safe_link_never_invisible() -> None:
    for empty in ("", None, float("nan")):
        assert str(kr.safe_link("https://a.example/x", empty)).endswith(">https://a.example/x</a>")


def test_missing_declared_input_is_named_before_executing(tmp_path: Path) -> None:
    nb = _tiny(tmp_path / "nb", marker=True)
    with pytest.raises(kr.ReportError, match=r"inputs: data/no_such_file_\*.csv matches no file"):
        kr.render(nb, out_dir=tmp_path / "out", inputs=["data/no_such_file_*.csv"])
    assert not (nb.parent / "started.txt").exists()
