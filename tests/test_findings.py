"""Reports for readers: the findings panel, sections left out, reader tables and charts, render names and locks.

Findings are checked against the results `kit.compare` returned for the same
scope (never against fixed prose), on the project ledger; the pipeline's
placement of the panel and of left-out sections on small notebook nodes; the
render checks through the CLI without starting any kernel.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from typer.testing import CliRunner

import kit
import kit.report as kr
from kit.cli import app
from kit.present import bounded_text, format_figure, format_lag_table, html_table
from kit.present.charts import for_readers
from kit.present.findings import (
    Finding,
    anchor_finding,
    coverage_finding,
    findings_panel,
    gap_finding,
    lag_finding,
    match_findings,
    traced_finding,
)
from kit.report import _pipeline

SCRIPT = "<script>window.__injected=1</script>"


@pytest.fixture(scope="module")
def ledger() -> tuple[pd.DataFrame, kit.Gazetteer, str]:
    claims = kit.load_claims().claims
    gaz = kit.load_gazetteer()
    article = claims[claims["relay_chain"].str.contains("Inside Syria Media Center", regex=False)]
    anchor = str(article.loc[article["claimant"].eq("CJTF-OIR"), "claim_id"].iloc[0])
    return claims, gaz, anchor


# --------------------------------------------------------------------------- findings


def test_gap_finding_quotes_kit_compare_and_follows_the_scope(ledger: tuple[pd.DataFrame, kit.Gazetteer, str]) -> None:
    claims, gaz, _ = ledger
    both = kit.gap_over_time(claims, "Airwars", "CJTF-OIR", places=["iq", "sy"], since="2014-08", gazetteer=gaz)
    finding = gap_finding(both, "sec-gap", scope="Iraq + Syria")
    assert finding is not None
    usable = both[both["trend"] & both["ratio_low"].notna()]  # stale dates are no current state
    row = usable.iloc[-1]
    assert bounded_text(row["ratio_low"], row["ratio_high"], row["ratio_open"]) in finding.text
    assert row["a_claim"] in finding.claims and "Iraq + Syria" in finding.text
    syria = kit.gap_over_time(claims, "Airwars", "CJTF-OIR", places=["sy"], since="2014-08", gazetteer=gaz)
    assert gap_finding(syria, "sec-gap", scope="Syria") is None  # nothing for this scope: left out, not invented


def test_gap_finding_without_a_ratio_says_why() -> None:
    gap = pd.DataFrame([{
        "date": pd.Timestamp("2020-01-01"), "claimant_a": "A", "claimant_b": "B", "a_claim": "a1", "b_claim": "b1",
        "a_low": 10.0, "a_high": 20.0, "b_low": 5.0, "b_high": 5.0, "gap_low": 5.0, "gap_high": 15.0,
        "ratio_low": None, "ratio_high": None, "stale_days": 400, "verdict": "not_comparable",
        "reasons": "periods end 400 days apart (Jan 2019 vs Feb 2020; detail); other",
    }])
    finding = gap_finding(gap, "sec-gap", scope="X")
    assert finding is not None
    assert "never comparable, so there is no ratio: periods end 400 days apart." in finding.text
    assert "×" not in finding.text


def test_lag_and_anchor_findings_name_no_internal_ids(ledger: tuple[pd.DataFrame, kit.Gazetteer, str]) -> None:
    claims, gaz, anchor = ledger
    lag = kit.admission_lag(claims, "CJTF-OIR", "Airwars", places=["iq", "sy"], since="2014-08")
    found = [
        lag_finding(lag, claims, "sec-lag"),
        anchor_finding(kit.against_anchor(claims, anchor, gaz, known_by="2017-05-31"), claims, anchor, "sec-day",
                       when="2017-05-31"),
        coverage_finding(claims, "sec-ledger", places=["sy"], scope="Syria"),
    ]
    assert all(f is not None for f in found)
    for f in found:
        assert f is not None
        assert not any(cid in f.text for cid in claims["claim_id"]), f.text
    assert f"a median of {format_figure(lag['lag_days'].median())} days" in str(found[0].text)
    assert "Syria" in str(found[2].text) and "Iraq" not in str(found[2].text)
    table = format_lag_table(lag, claims)
    assert not table.astype(str).apply(lambda c: c.isin(claims["claim_id"])).any().any()


def test_traced_finding_counts_untraced_figures(ledger: tuple[pd.DataFrame, kit.Gazetteer, str]) -> None:
    claims, _, _ = ledger
    article = claims[claims["relay_chain"].str.contains("Inside Syria Media Center", regex=False)]
    finding = traced_finding(article, "sec-claims")
    n = int((article["source_status"] == "untraced").sum())
    assert finding is not None and f"{n} could not be traced" in finding.text


def test_panel_escapes_links_sections_and_sources_only_and_keeps_six() -> None:
    hostile = Finding(SCRIPT, "sec-a", sources=(("<b>x</b>", "javascript:alert(1)"), ("ok", "https://a.example/")),
                      claims=('id"><script>',))
    out = str(findings_panel([hostile, None, *[Finding(f"f{i}", "sec-b") for i in range(8)]], scope=SCRIPT))
    assert SCRIPT not in out and "&lt;script&gt;" in out
    hrefs = re.findall(r'href="([^"]*)"', out)
    assert hrefs[:2] == ["#sec-a", "https://a.example/"]
    assert all(h.startswith(("#", "https://")) for h in hrefs)
    assert out.count("<li") == 6
    with pytest.raises(ValueError):
        findings_panel([Finding("x", 'a" onclick="x')])


def test_match_findings_report_range_over_thresholds() -> None:
    class Result:
        a = pd.DataFrame({"grade": ["Weak"] * 10 + ["Fair"] * 10 + [""] * 10})

        def summary(self) -> dict[str, int]:
            return {"records_a": 30, "records_b": 5, "matched": 3, "only_a": 27, "only_b": 2, "candidates": 9}

        def record_status(self, side: str) -> pd.Series:
            return pd.Series(["matched"] * 3 + ["no candidate"] * 27)

    grid = pd.DataFrame({"days": [0, 2], "km": [2.0, 20.0], "matched": [1, 7]})
    texts = [f.text for f in match_findings(Result(), grid, a_words="alleged incidents", b_words="strikes",
                                            sections={"matching": "sec-m"})]
    assert texts[0].startswith("3 of 30 alleged incidents coincide")
    assert "Linked, by grade: Fair 0 of 10; Weak 3 of 10; (no grade) 0 of 10." == texts[1]
    assert "from 1 to 7" in texts[2]


# --------------------------------------------------------------------------- the pipeline places and leaves out


def _cell(
    kind: str, source: str, tags: list[str] | None = None, outputs: list[dict] | None = None
) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = tags or []
    if outputs is not None:
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def _md_out(text: str) -> dict:
    return {"output_type": "display_data", "data": {"text/markdown": text}, "metadata": {}}


def test_findings_move_first_and_empty_sections_become_one_line() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _cell("md", "# Title\n\nWhat it answers."),
        _cell("md", '<a id="sec-gap"></a>\n\n## 4. The gap', ["optional-section"]),
        _cell("code", "x", outputs=[_md_out("No figures for Syria.")]),
        _cell("md", "### Lag"),
        _cell("code", "y", outputs=[_md_out("No admissions in this scope.")]),
        _cell("md", '<a id="sec-syria"></a>\n\n## 5. Syria', ["optional-section"]),
        _cell("code", "z", outputs=[{"output_type": "display_data", "data": {"text/html": "<table></table>"},
                                     "metadata": {}}]),
        _cell("code", "panel", ["findings"]),
    ]
    _pipeline._findings_first(nb)
    _pipeline._leave_out_empty_sections(nb)
    sources = [c.source for c in nb.cells]
    assert sources[1] == "panel"
    assert sources[2] == ('<a id="sec-gap"></a>*4. The gap* is left out for this scope: '
                          "No figures for Syria. No admissions in this scope.")
    assert "## 5. Syria" in sources[3] and sources[4] == "z"  # a section with a table stays
    assert _pipeline._lede_of(nb) == "What it answers."


# --------------------------------------------------------------------------- tables


def test_reader_table_numbers_never_wrap_long_text_folds_repeats_stated_once() -> None:
    note = "a long note that repeats on every row of the table, " * 4
    df = pd.DataFrame({"figure": ["17,049", "2.77–3.1×"], "note": [note, note], "short": ["x", "y"]})
    out = str(html_table(df, row_titles=["id-1", "id-2"]))
    assert out.count('class="kit-num"') == 2
    assert out.count("<details>") == 1 and "same as above" in out
    assert 'title="id-1"' in out and "id-1</td>" not in out
    assert '<div class="kit-table-wrap">' in out
    big = str(html_table(pd.DataFrame({"n": range(30)}), caption="the ledger"))
    assert big.startswith("<style>") and "<summary>Show the ledger: 30 rows</summary>" in big
    assert 'kit-sortable' in str(html_table(df, sortable=True))


# --------------------------------------------------------------------------- charts


def test_for_readers_years_fonts_empty_layers_and_legends() -> None:
    spec = {
        "datasets": {"d": [{"date": "2017-01-01", "best": None, "m": "a"}]},
        "data": {"name": "d"},
        "layer": [
            {"mark": "line", "encoding": {"x": {"field": "date", "type": "temporal"},
                                          "color": {"field": "m", "type": "nominal"}}},
            {"mark": "tick", "encoding": {"x": {"field": "best", "type": "quantitative"}},
             "transform": [{"filter": "isValid(datum.best)"}]},
            {"mark": {"type": "text", "fontSize": 4}, "encoding": {
                "x": {"field": "date", "type": "temporal", "axis": {"format": "%B"}},
                "stroke": {"field": "m", "type": "nominal", "legend": None}}},
        ],
    }
    out = for_readers(spec)
    assert len(out["layer"]) == 2  # the tick layer has no value to draw
    assert out["layer"][0]["encoding"]["x"]["axis"]["format"] == "%b %Y"
    assert out["layer"][1]["encoding"]["x"]["axis"]["format"] == "%b %Y"
    assert out["layer"][1]["mark"]["fontSize"] == 10
    assert "legend" not in out["layer"][1]["encoding"]["stroke"]
    assert spec["layer"][2]["mark"]["fontSize"] == 4  # the input is not changed
    spec["layer"][1] = {"mark": "bar", "encoding": {"x": {"field": "date", "type": "temporal"}},
                        "transform": [{"filter": {"field": "m", "oneOf": ["b"]}}]}
    assert len(for_readers(spec)["layer"]) == 2  # a static filter that keeps no row draws nothing
    spec["layer"][1]["transform"] = [{"filter": {"field": "m", "oneOf": ["a"]}}]
    assert len(for_readers(spec)["layer"]) == 3


def test_method_legend_lists_only_drawn_methods() -> None:
    from kit.present.charts._base import method_color_scale

    scale = method_color_scale(["field_investigation", "acknowledged_after_investigation"])
    assert list(scale.domain) == ["acknowledged_after_investigation", "field_investigation"]


# --------------------------------------------------------------------------- names, checks, lock


def test_scoped_name_keeps_scopes_apart() -> None:
    assert kr.scoped_name("01_founding_article", {}) == "01_founding_article"
    assert kr.scoped_name("01_founding_article", {"place": "sy"}) == "01_founding_article_place-sy"
    assert kr.scoped_name("nb", {"until": "", "place": "iq;sy"}) == "nb_place-iq-sy_until-empty"


def test_cli_out_at_a_file_or_bad_epoch_is_one_line_before_any_kernel(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    nb = Path(__file__).resolve().parents[1] / "notebooks" / "01_founding_article.ipynb"
    afile = tmp_path / "file.html"
    afile.write_text("x")
    res = CliRunner().invoke(app, ["render", str(nb), "--out", str(afile)])
    assert res.exit_code == 2 and "is a file, not a folder" in res.output and "Traceback" not in res.output
    assert "nothing was executed" in res.output
    res = CliRunner().invoke(app, ["render", str(nb), "--out", str(afile / "sub")])
    assert res.exit_code == 2 and "is a file, not a folder" in res.output
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    res = CliRunner().invoke(app, ["render", str(nb), "--out", str(tmp_path / "r")])
    assert res.exit_code == 2 and "SOURCE_DATE_EPOCH='abc'" in res.output and "nothing was executed" in res.output
    assert not (tmp_path / "r").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_check_output_unwritable_folder(tmp_path: Path) -> None:
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(kr.ReportError, match="not writable"):
            kr.check_output(locked / "reports")
    finally:
        locked.chmod(0o700)


def _result(out: Path, name: str, place: str) -> kr.RenderResult:
    (out / f"{name}.html").write_text("<html></html>", encoding="utf-8")
    return kr.RenderResult(name=name, path=out / f"{name}.html", notebook="notebooks/x.ipynb", title=name,
                           parameters={"place": place}, overrides={"place": place}, rendered="2023-11-14T22:13:20Z",
                           charts=0, inputs=(), size=1, seconds=0.0)


def test_another_scope_under_the_same_name_is_refused(tmp_path: Path) -> None:
    _pipeline._update_manifest(tmp_path, [_result(tmp_path, "r", "iq")])
    job = _pipeline._Job(Path("x.ipynb"), "r", "notebooks/x.ipynb", None, {"place": "sy"}, {"place": "sy"}, [])
    with pytest.raises(kr.ReportError, match="another scope"):
        _pipeline._check_not_other_scope(tmp_path, job)
    same = _pipeline._Job(Path("x.ipynb"), "r", "notebooks/x.ipynb", None, {"place": "iq"}, {"place": "iq"}, [])
    _pipeline._check_not_other_scope(tmp_path, same)  # re-rendering the same scope replaces it


def _add_many(args: tuple[str, str]) -> None:
    folder, prefix = args
    out = Path(folder)
    for i in range(15):
        with _pipeline._locked(out):
            _pipeline._update_manifest(out, [_result(out, f"{prefix}{i}", prefix)])
            kr.write_index(out)


def test_concurrent_renders_into_one_folder_keep_every_report_in_the_index(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        pool.map(_add_many, [(str(tmp_path), "a"), (str(tmp_path), "b")])
    manifest = json.loads((tmp_path / ".kit-reports.json").read_text(encoding="utf-8"))
    assert len(manifest) == 30
    index = html.unescape((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert all(f'href="{p}{i}.html"' in index for p in "ab" for i in range(15))


def test_report_script_stays_offline_and_text_only() -> None:
    script = (Path(kr.__file__).parent / "templates" / "kit" / "report.js").read_text(encoding="utf-8")
    for forbidden in ("fetch(", "XMLHttpRequest", "eval(", "innerHTML", "new Function", "import(", "src="):
        assert forbidden not in script, forbidden


def test_reader_tables_name_no_internal_ids(ledger: tuple[pd.DataFrame, kit.Gazetteer, str]) -> None:
    claims, gaz, anchor = ledger
    ids = set(claims["claim_id"])
    article = claims[claims["relay_chain"].str.contains("Inside Syria Media Center", regex=False)]
    for table in (kit.pair_verdicts(article, gaz),
                  kit.format_anchor_table(kit.against_anchor(claims, anchor, gaz, known_by="2017-05-31"))):
        text = " ".join(table.drop(columns=["url"], errors="ignore").astype(str).to_numpy().ravel())
        assert not [i for i in ids if f"({i})" in text or f" {i} " in f" {text} "]
    assert "Airwars reached us" in kit.present._tables.reader_text("Airwars (airwars-2017-08-05-via-cnn) reached us")


def test_render_of_a_scope_is_named_after_it_without_a_name() -> None:
    nb = Path(__file__).resolve().parents[1] / "notebooks" / "01_founding_article.ipynb"
    assert _pipeline._job(nb, {"place": "sy"}, None, (), lambda _m: None).name == "01_founding_article_place-sy"
    assert _pipeline._job(nb, {"place": "sy"}, "syria", (), lambda _m: None).name == "syria"
    assert _pipeline._job(nb, {}, None, (), lambda _m: None).name == "01_founding_article"
