"""The extractor's dependency parse (kit/extract/_parse.py): who a figure's sentence says stated it.

The parser is the committed one (kit/extract/parser/, trained here by
scripts/train_parser.py on the UD English Web Treebank). The sentences are
written for the tests, in the shapes the issue names: the subject of a reporting
verb, a reporting clause after the figure, "according to", a passive agent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kit.extract._parse as parse
from kit.extract import extract_claims
from kit.extract._attributor import Where, _speaker_name, candidates_for, text_stats

PARSER = parse.PARSER_DIR


def _speaker_texts(sentence: str, figure: str) -> list[str]:
    start = sentence.index(figure)
    found = parse.speakers(sentence, [(0, len(sentence), start, start + len(figure))])
    return [s.text for s in found.get(start, [])]


def test_the_parser_is_committed_with_its_licence_and_source() -> None:
    readme = (PARSER / "README.md").read_text(encoding="utf-8")
    assert parse.available()
    assert "CC BY-SA 4.0" in readme and "UD_English-EWT" in readme and "labelled attachment" in readme
    sizes = [f.stat().st_size for f in PARSER.rglob("*") if f.is_file()]
    assert max(sizes) < 2_000_000 and sum(sizes) < 4_000_000  # small enough to keep in git (see train_parser.py)


@pytest.mark.parametrize(("sentence", "figure", "speaker"), [
    ("The U.S. military says at least 352 civilians were killed in Iraq and Syria.", "352", "The U.S. military"),
    ("At least 12 people were killed in the strike, the ministry said on Monday.", "12", "the ministry"),
    ("Some 40 civilians died in the shelling, according to the Syrian Observatory for Human Rights.", "40",
     "the Syrian Observatory for Human Rights"),
])
def test_the_speaker_is_read_from_the_sentences_grammar(sentence: str, figure: str, speaker: str) -> None:
    assert speaker in _speaker_texts(sentence, figure)


def test_a_relative_subject_is_the_noun_its_clause_describes() -> None:
    sentence = "The Syrian Observatory for Human Rights, which said 12 people died, is based in Britain."
    assert _speaker_texts(sentence, "12") == ["The Syrian Observatory for Human Rights"]


def test_a_pronoun_subject_marks_the_source_the_reference_rules_resolved_it_to() -> None:
    text = "Airwars published its annual report on Monday. It said 10 civilians were killed in Mosul."
    start = text.index("10")
    said = parse.speakers(text, [(47, len(text), start, start + 2)])[start]
    assert [(s.text, s.pronoun) for s in said] == [("It", True)]
    drafts = extract_claims(text, "2020-01-01", publisher="Example News")
    (draft,) = drafts
    assert draft.row["claimant"] == "Airwars"
    marked = [c.name for c in draft.candidates if c.features.get("parse_speaker")]
    assert marked == ["Airwars"]  # the reference "It" (resolved to Airwars) is the speaker; "It" is no candidate


@pytest.mark.parametrize(("phrase", "name"), [
    ("Britain-based Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights (SOHR)"),
    ("Syrian Observatory for Human Rights monitor", "Syrian Observatory for Human Rights (SOHR)"),
    ("Observatory director Rami Abdel Rahman", "Syrian Observatory for Human Rights (SOHR)"),
    ("UNICEF's Executive Director Catherine Russell", "UNICEF"),
    ("Governor Andriy Raikovych", "Andriy Raikovych"),
    ("Al Jazeera TV channel", "Al Jazeera"),
    # another body that holds a registry word, or a modifier that says which body: kept as written
    ("Iraqi Observatory for Human Rights", "Iraqi Observatory for Human Rights"),
    ("Saudi-led coalition", "Saudi-led coalition"),
    ("Houthi-run Ministry of Health", "Houthi-run Ministry of Health"),
    ("Interior Ministry official", "Interior Ministry official"),
])
def test_a_speakers_phrase_names_the_source_as_the_labelling_rules_do(phrase: str, name: str) -> None:
    assert _speaker_name(phrase)[2] == name


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*"abcAUN SOHR'’s-.,", "Syrian Observatory for Human Rights", "Airwars",
                                  " director ", "UK-based ", "Governor ", " Ministry", "Jane Doe"]),
                max_size=12).map("".join))
def test_a_speakers_name_is_a_span_of_its_phrase_or_a_registry_name(phrase: str) -> None:
    a, b, name, src = _speaker_name(phrase)
    assert 0 <= a <= b <= len(phrase)
    if src is None:
        assert " ".join(name.split()) == " ".join(phrase[a:b].split())


def test_the_figure_is_never_its_own_speaker() -> None:
    sentence = "At least four other civilians were reported killed on Tuesday."
    assert not any("four" in s for s in _speaker_texts(sentence, "four"))


def test_a_speaker_no_phrase_rule_finds_becomes_a_candidate_the_ranker_sees() -> None:
    text = "Twelve villagers were killed in the raid, the Kolofata vigilance committee reported."
    start = text.index("Twelve")
    said = parse.speakers(text, [(0, len(text), start, start + 6)])[start]
    where = Where((start, start + 6), (0, len(text)), (0, len(text)), (0, len(text)), speakers=tuple(said))
    cands = candidates_for(where, [], text_stats([], 0, [0], text), "Example News")
    parsed = [c for c in cands if c.features.get("parse_only")]
    assert [c.name for c in parsed] == ["Kolofata vigilance committee"]
    assert parsed[0].features["parse_speaker"] == 1.0 and parsed[0].features["same_clause"] == 1.0


def test_without_the_parser_extraction_still_works(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(parse, "PARSER_DIR", tmp_path)
    parse._parser.cache_clear()
    try:
        assert not parse.available()
        assert parse.speakers("10 died, X said.", [(0, 16, 0, 2)]) == {}
        drafts = extract_claims("At least 10 people were killed, the health ministry said.", "2024-01-02")
        assert [d.row["claimant"] for d in drafts] == ["health ministry"]
    finally:
        parse._parser.cache_clear()


def test_a_claimant_the_parse_supplies_says_so_and_quotes_its_sentence(attributor_weights: Any) -> None:
    """Weights that favour a name only the parse gives: the longer name wins, and the note says where it came from."""
    attributor_weights({"parse_longer": 5.0})
    text = "Four attacks in Baghdad wounded 21 Iraqis on Sunday, an Interior Ministry official told CNN."
    (d,) = extract_claims(text, "2024-01-02", publisher="Example News")
    assert d.row["claimant"] == "Interior Ministry official"
    assert "dependency parse" in d.row["note"] and "over the rules' Interior Ministry" in d.row["note"]
    assert text[slice(*d.spans["claimant"][0])] == "Interior Ministry official"
    assert text[slice(*d.attribution_span)].strip() == text


@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(["10", "people", "were", "killed", ",", "the", "ministry", "said", "according",
                                       "to", "Airwars", "it", "citing", "by", "reported", ".", "X's", "\n", "—"]),
                      min_size=1, max_size=25), pick=st.integers(min_value=0, max_value=24))
def test_any_sentence_gives_speakers_inside_the_text_and_never_the_figure(words: list[str], pick: int) -> None:
    text = " ".join(words)
    start = sum(len(w) + 1 for w in words[:pick % len(words)])
    end = start + len(words[pick % len(words)])
    found = parse.speakers(text, [(0, len(text), start, end)])
    for sp in found.get(start, []):
        assert 0 <= sp.start < sp.end <= len(text) and text[sp.start:sp.end] == sp.text
        assert not (sp.start <= start < sp.end) and sp.name in sp.text


# -- round 17: text as published, names in full --------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "figure", "speaker"), [
    # a hard line break inside the sentence (real copy is stored as published)
    ('"The bodies of the missing\nsoldiers have been found, raising the death toll to eight," the security source '
     "said late on Tuesday.", "eight", "the security source"),
    # a headline has no full stop
    ("At least 12 people killed after government troops fire mortars into suburbs of Syrian capital, rebel "
     "activists say", "12", "rebel activists"),
    # an active reporting verb whose subject the parser labels passive
    ("Muhammad Shehu Dalijan, Commissioner of Police in the State, who confirmed the attack, disclosed that twelve "
     "villagers were also killed.", "twelve", "Muhammad Shehu Dalijan"),
    # "X was quoted as saying by Y": X speaks
    ("Youssef al-Hadrii, a spokesman for the health ministry, was quoted as saying by DPA that the attack left more "
     "than 39 people wounded.", "39", "Youssef al-Hadrii"),
])
def test_the_speaker_is_read_from_text_as_published(sentence: str, figure: str, speaker: str) -> None:
    assert speaker in _speaker_texts(sentence, figure)


def test_a_speakers_name_is_whole_words_and_not_how_it_was_said() -> None:
    sentence = "The civil defence agency in Hamas-run Gaza said Friday that about 60 bodies had been found."
    assert _speaker_texts(sentence, "60") == ["The civil defence agency in Hamas-run Gaza"]
    tweet = "Meanwhile, the Kashmir police in a tweet said that one militant had been killed in this gunfight."
    assert _speaker_texts(tweet, "one") == ["the Kashmir police"]


def test_a_day_or_a_month_is_never_a_speaker() -> None:
    assert _speaker_texts("On Friday 12 people were killed in the raid, police said.", "12") == ["police"]
    # the document's author, not its date ("a report from January"): the report's own words name the UN
    said = _speaker_texts("A UN report from January estimated 10,000 to 15,000 deaths in Geneina.", "10,000")
    assert said and "January" not in said
    for document, author in [("a report by Amnesty International", "Amnesty International"),
                             ("figures from the health ministry", "the health ministry"),
                             ("a statement from the Syrian Civil Defence", "the Syrian Civil Defence")]:
        assert _speaker_texts(f"Ten people died, according to {document}.", "Ten") == [author]


@given(st.lists(st.sampled_from(["Ten", "people", "died,", "the", "ministry", "said.", "\n", "  ", "\n\n", "\t"]),
                min_size=1, max_size=30))
@settings(max_examples=200, deadline=None)
def test_the_flattened_sentence_maps_back_to_the_text(words: list[str]) -> None:
    sentence = " ".join(words)
    flat, where = parse._one_line(sentence)
    assert len(flat) == len(where) and "\n" not in flat and "  " not in flat.replace(". ", ".")
    for ch, at in zip(flat, where, strict=True):  # every word character comes from the same character of the text
        assert ch in " ." or sentence[at] == ch


@pytest.mark.parametrize(("short", "full", "completed"), [
    ("Palestinian Ministry", "Palestinian Ministry of Health", True),
    ("official", "Afghan official", True),
    ("military", "Mali’s military", True),
    ("United Nations Force", "United Nations Force in Lebanon", True),
    ("activists", "opposition activists", True),
    ("Ashraf Al-Qudra", "spokesman Ashraf Al-Qudra", False),  # a role before a name
    ("Abdul-Karim al-Rubaie", "Gen. Abdul-Karim al-Rubaie", False),
    ("Israel's foreign ministry", "spokesperson for Israel's foreign ministry", False),  # a person for a body
    ("security official", "security official in the Diyala province", False),  # where unnamed people are
    ("SABA", "Rebel-controlled SABA news agency", False),  # a description around a name
    ("security sources", "northern Burkina Faso, security sources", False),
])
def test_a_mention_is_named_by_the_parses_longer_name_only_when_it_completes_it(
        short: str, full: str, completed: bool) -> None:
    from kit.extract._attributor import Candidate, _fuller_name_ok

    assert _fuller_name_ok(Candidate(short, None, {"unnamed": float(short.islower())}), full) is completed


def test_whichever_mention_the_ranker_picks_the_claimant_is_named_in_full() -> None:
    from kit.extract._attributor import Candidate, fuller
    from kit.extract._sources import Attribution

    short = Candidate("Palestinian Ministry", Attribution(60, 88, 68, 88, "Palestinian Ministry", "according", None))
    full = Candidate("Palestinian Ministry of Health",
                     Attribution(60, 98, 68, 98, "Palestinian Ministry of Health", "parse_longer", None))
    other = Candidate("WAFA", Attribution(0, 10, 0, 4, "WAFA", "verb", None))
    assert fuller([short, full, other]) == [1, 1, 2]
    role = Candidate("spokesman Ashraf Al-Qudra", Attribution(60, 98, 68, 98, "spokesman Ashraf Al-Qudra",
                                                            "parse_longer", None))
    person = Candidate("Ashraf Al-Qudra", Attribution(60, 98, 78, 98, "Ashraf Al-Qudra", "verb", None))
    assert fuller([person, role]) == [0, 1]  # a role before a name: the person's name stands
