"""Reader tables word figures, periods and intervals without losing the range."""

from __future__ import annotations

import pandas as pd

import kit


def test_figure_text_keeps_qualifier_range_and_best() -> None:
    assert kit.figure_text({"low": 352, "high": 352, "best": None, "qualifier": "at_least"}) == "at least 352"
    assert kit.figure_text({"low": 8106, "high": 12980, "best": None, "qualifier": "none"}) == "8,106–12,980"
    assert (
        kit.figure_text({"low": 9000, "high": 11000, "best": 10000, "qualifier": "none"})
        == "9,000–11,000 (best 10,000)"
    )
    assert (
        kit.figure_text({"low": 31, "high": 31, "best": None, "qualifier": "more_than", "unit": "ratio"})
        == "more than 31×"
    )


def test_claims_table_and_anchor_table_on_the_ledger() -> None:
    ledger = kit.load_claims()
    gaz = kit.load_gazetteer()
    claims = ledger.claims
    article = claims[claims["relay_chain"].str.contains("Inside Syria", regex=False)]
    table = kit.claims_table(article, gaz)
    assert set(table["place"]) == {"Iraq + Syria", "Iraq + Libya + Syria", "Syria"}
    amnesty = table[table["claimant"] == "Amnesty International"].iloc[0]
    assert (amnesty["figure"], amnesty["period"]) == ("804–1,213", "23 Sep 2014 – Aug 2016")
    anchor = article.loc[article["low"] == 352, "claim_id"].iloc[0]
    shown = kit.format_anchor_table(kit.against_anchor(claims, anchor, gaz, known_by="2017-05-31"))
    not_comp = shown[shown["verdict"] == "not comparable"]
    assert (not_comp["ratio to anchor"] == "—").all(), "no ratio is printed for an incomparable pair"
    comp = shown[shown["verdict"] != "not comparable"]
    assert comp["ratio to anchor"].str.contains("×").all()


def test_who_caused_the_harm_is_written_in_words() -> None:
    """Readers see "the US-led coalition", not the ledger's slug, in tables and range-chart headings."""
    from kit.present.charts import claims_range_chart

    claims = kit.load_claims().claims
    table = kit.claims_table(claims, kit.load_gazetteer())
    assert set(table["by"]) == {"the US-led coalition", "all parties", "the coalition and Iraqi forces"}
    spec = claims_range_chart(claims).to_dict()
    headings = {r["scope_label"] for rows in spec["datasets"].values() for r in rows}
    assert any(h.endswith("by the US-led coalition") for h in headings)
    assert not any("us-led-coalition" in h for h in headings)
    coalition = claims[claims["perpetrator"] == "us-led-coalition"].iloc[0]
    everyone = claims[claims["perpetrator"] == "all"].iloc[0]
    verdict = kit.compare_scopes(coalition, everyone, kit.load_gazetteer())
    assert "different perpetrator: the US-led coalition vs all parties" in " ".join(verdict.reasons)
    unknown = coalition.copy()
    unknown["perpetrator"] = ""
    reasons = " ".join(kit.compare_scopes(coalition, unknown, kit.load_gazetteer()).reasons)
    assert "different perpetrator: the US-led coalition vs (not given)" in reasons  # never "vs " and nothing


def test_a_long_perpetrator_slug_is_worded_before_it_is_cut() -> None:
    from kit.present._format import perpetrator_text

    slug = "an-unlisted-perpetrator-" + "x" * 60
    assert perpetrator_text(slug).startswith("an unlisted perpetrator ") and perpetrator_text(slug).endswith("…")
    assert perpetrator_text("us-led-coalition") == "the US-led coalition" and perpetrator_text(None) == ""


def test_published_until_uses_the_last_day_of_the_precision() -> None:
    claims = kit.load_claims().claims
    may = kit.published_until(claims, "2017-05")
    assert may["known_from"].max() <= pd.Timestamp("2017-05-31")
    assert kit.published_until(claims, "") is claims
