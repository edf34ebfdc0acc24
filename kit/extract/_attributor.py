"""Which source a figure belongs to: a trained ranking over every source the text names, layered on the rules.

The rules (`_pipeline._choose_claimant`) pick one source by a fixed priority
(clause, sentence, quote, paragraph, ...). Real copy attributes in more ways
than a priority list covers, so each figure also gets its **candidates**: every
source named around it (the paragraphs before it up to CARRY_CHARS, its own
sentence and a little after), the publisher, and the rules' pick. Each
candidate is described by a few numbers (FEATURES: is it the rules' pick and
how sure the rules were, where it is named relative to the figure, how it is
named, what kind of source it is, how often the text names it) and scored with
a conditional logit: score = weights · features, probability = softmax over the
figure's candidates. The weights are learnt from the development articles only
(`scripts/train_attributor.py`, `kit/extract/attributor_weights.json`); docs/EXTRACT.md,
"Attributor", has the features, the training data and the scores.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from kit.extract._dates import DAYS, DAYS_AND_MONTHS
from kit.extract._parse import Speaker
from kit.extract._resolve import _is_person
from kit.extract._sources import (
    CONTROLLED_BY,
    COUNT_OPENS,
    KNOWN_NAMES,
    PERSON_TITLES,
    POSSESSED_BODY,
    ROLE_BEFORE_PERSON,
    SPEAKS_FOR,
    SPOKESPEOPLE,
    Attribution,
    Source,
    canonical_source,
    one_of,
)

#: the trained weights (a small reviewed data file; `scripts/train_attributor.py` rewrites it exactly)
WEIGHTS_FILE = Path(__file__).with_name("attributor_weights.json")

#: how far after the figure's sentence a source still counts as a candidate ("... 38 people. It is reported by X.")
AFTER_REACH = 300

#: every feature, in the order of the weight file; all are 0/1 or scaled to about 0..1
FEATURES: tuple[str, ...] = (
    "rules_pick",        # the rules chose this source
    "rules_conf",        # ... with this confidence (0 for other candidates)
    "rules_carried",     # ... by a carrying rule (confidence <= 0.5: paragraph, next sentence, earlier paragraph)
    "rules_same_figure", # the rules gave this source to the same figure stated elsewhere (headline, lead, body)
    "publisher",         # the publishing outlet's own statement (no source named)
    "same_clause",       # named in the figure's clause
    "same_sentence",     # named in the figure's sentence, another clause
    "same_paragraph",    # named in the figure's paragraph, another sentence
    "before",            # named before the figure
    "distance",          # log characters between name and figure, / log 3000
    "sentences_away",    # sentences between them, capped at 6, / 6
    "nearest_before",    # the nearest candidate named before the figure
    "nearest_after",     # the nearest candidate named after the figure
    "kind_verb",         # subject of a reporting verb ("X said")
    "kind_according",    # "according to X", "citing X"
    "kind_possessive",   # "X's count"
    "kind_passive",      # "said X", "reported by X", "data published by X"
    "kind_headline",     # "...: X" in a headline
    "cited",             # "..., citing X" / "quoting X": the source an outlet cites
    "citer",             # "X reported, citing Y": the outlet that cites (a relay)
    "background",        # the publisher, for a sentence that steps back in time ("Last September, ...")
    "unnamed",           # unnamed people as written ("local officials")
    "reference",         # "the network", "it": resolved to a source named earlier
    "registry",          # a source the registry knows
    "belligerent",       # the registry calls it a belligerent
    "person",            # a named person
    "outlet",            # a news outlet (may be a relay)
    "mentions",          # log(1 + times the text names it) / log 10
    "first_named",       # the first source the text names
    "in_headline",       # named in the headline
    "parse_speaker",     # the parse makes it the speaker of the figure's nearest reporting verb (kit/extract/_parse.py)
    "parse_outer",       # ... of a reporting verb further up ("X said that Y reported ...")
    "parse_only",        # named only by the parse (no attribution phrase found it)
    "parse_longer",      # ... as a longer name around a phrase's shorter one ("Interior Ministry official")
)

_KINDS = {"verb": "kind_verb", "according": "kind_according", "possessive": "kind_possessive",
          "said_by": "kind_passive", "data_by": "kind_passive", "finding": "kind_passive", "headline": "kind_headline"}


@dataclass
class Candidate:
    """A source a figure may belong to, the mention nearest the figure, and its features."""

    name: str
    mention: Attribution | None  # None: the publisher, or a rules' pick named nowhere near
    features: dict[str, float] = field(default_factory=dict)
    source: Source | None = None
    only_pick: bool = False  # named nowhere near the figure: the rules' pick or the source of the same figure elsewhere

    def vector(self) -> list[float]:
        return [self.features.get(f, 0.0) for f in FEATURES]


@dataclass(frozen=True)
class Where:
    """The figure's place in the text's structure (character spans)."""

    figure: tuple[int, int]
    clause: tuple[int, int]
    sentence: tuple[int, int]
    paragraph: tuple[int, int]
    background: bool = False  # the figure's sentence steps back to another time
    speakers: tuple[Speaker, ...] = ()  # who the parse says stated the figure (nearest reporting verb first)


@dataclass
class TextStats:
    """Per text, once: how often each source is named, which comes first, where the headline ends."""

    counts: dict[str, int]
    first: str
    headline_end: int
    headline_names: set[str]
    sentence_starts: list[int]
    text: str = ""


_CITING = re.compile(r"(?i:citing|quoting)\b")
_CITES_NEXT = re.compile(r"[ \t]*,?[ \t]*(?i:citing|quoting)\b")


def text_stats(attributions: Sequence[Attribution], headline_end: int, sentence_starts: list[int],
               text: str = "") -> TextStats:
    """Counts and order of the sources named in the whole text (claimants only, in text order)."""
    counts: dict[str, int] = {}
    for a in attributions:
        counts[a.name] = counts.get(a.name, 0) + 1
    first = next((a.name for a in attributions if not a.unnamed), "")
    heads = {a.name for a in attributions if a.name_start < headline_end}
    return TextStats(counts, first, headline_end, heads, sentence_starts, text)


def _distance(m: Attribution, fig: tuple[int, int]) -> int:
    return fig[0] - m.name_end if m.name_end <= fig[0] else max(0, m.name_start - fig[1])


def _mention_features(m: Attribution, w: Where, stats: TextStats) -> dict[str, float]:
    starts = stats.sentence_starts
    gap = abs(bisect_right(starts, w.figure[0]) - bisect_right(starts, m.name_start))
    f = {
        "same_clause": float(w.clause[0] <= m.name_start < w.clause[1]),
        "before": float(m.name_end <= w.figure[0]),
        "distance": math.log1p(_distance(m, w.figure)) / math.log(3000),
        "sentences_away": min(gap, 6) / 6,
        "unnamed": float(m.unnamed),
        "reference": float(m.via is not None),
        "registry": float(m.source is not None and not m.is_outlet),
        "belligerent": float(m.source is not None and m.source.claimant_type == "belligerent"),
        "person": float(_is_person(m)),
        "outlet": float(m.is_outlet),
        "mentions": math.log1p(stats.counts.get(m.name, 1)) / math.log(10),
        "first_named": float(m.name == stats.first),
        "in_headline": float(m.name in stats.headline_names),
        "cited": float(m.kind == "according" and _CITING.match(stats.text, m.start) is not None),
        "citer": float(_CITES_NEXT.match(stats.text, m.end) is not None),
    }
    f["same_sentence"] = float(not f["same_clause"] and w.sentence[0] <= m.name_start < w.sentence[1])
    f["same_paragraph"] = float(not f["same_clause"] and not f["same_sentence"]
                                and w.paragraph[0] <= m.name_start < w.paragraph[1])
    if m.kind in _KINDS:
        f[_KINDS[m.kind]] = 1.0
    for sp in w.speakers:
        if m.name_start < sp.end and sp.start < m.name_end:
            f["parse_speaker" if sp.depth == 0 else "parse_outer"] = 1.0
            break
    return f


#: "the ministry", "its spokesman": a definite description refers back; the reference rules (`_resolve`) read it
_DEFINITE = re.compile(r"(?i:the|this|that|these|its|their|his|her)\s")
#: the writer's own people ("our researchers", "my colleagues"): the publisher, not another source
_FIRST_PERSON = re.compile(r"(?i:our|my)\s")
#: a speaker's phrase without its article and trailing punctuation: the candidate's name
_SPEAKER_NAME = re.compile(r"^[^\w\"“'‘@]*"
                           # "On Wednesday, army and police officers ... said": when, then who
                           rf"(?:(?i:on|last|early|late)\s+)?(?:(?i:{'|'.join(DAYS)}|today|yesterday)\b[^,]{{0,20}},\s*)?"
                           r"(?:(?i:the|a|an|what)\s+)?(?P<name>.+?)[\s,;:]*$", re.S)
#: the features a parse-only mention carries, by its kind
_PARSE_KINDS = {"parse": {"parse_only": 1.0}, "parse_longer": {"parse_only": 1.0, "parse_longer": 1.0}}


#: where a body is based, before its name ("the Britain-based Observatory"), not "Saudi-led" (it says which body)
_MODIFIER = re.compile(r"^(?:[\w.]+-(?i:based)\s+)+")
#: words that qualify a title ("Deputy Governor", "Police Chief")
_TITLE_QUALIFIERS = r"Regional|Deputy|Police|Prime|Army|Provincial|State"
#: a capitalised title before a person's name ("Governor Andriy Raikovych", "Major-General Edmundo Pangilinan")
_TITLE = re.compile(rf"^(?:(?:{_TITLE_QUALIFIERS}|{PERSON_TITLES})\s+)+(?=(?:[A-Z][\w'’.-]+\s+)+[A-Z][\w'’-]+$)")
#: "In August rebel leaders put the toll at 50,000": the month is when, not who
_WHEN_FIRST = re.compile(rf"^(?:{DAYS_AND_MONTHS})\s+(?=[a-z])")
_COUNT_FIRST = re.compile(rf"(?!Some|Several|Many){COUNT_OPENS.pattern}")  # "Some tribesmen ... said" speak
#: a capitalised word just before or after a registry name inside a phrase: the name is part of another one
_NAME_GOES_ON = re.compile(r"(?-i:\b[A-Z][\w'’.]*)(?<!['’]s)\s+$")
_NAME_GOES_ON_AFTER = re.compile(r"\s+(?:(?:for|of|and)\s+)?(?-i:[A-Z][a-z])")
#: "UNICEF's Executive Director Catherine Russell": a person speaking for a body is the body
_FOR_BODY = re.compile(r"^(?P<body>(?-i:[A-Z])[^,;]{1,60}?)(?:['’]s?)?\s+(?:(?i:executive|deputy|chief|media)\s+)?"
                       rf"(?i:{one_of(('director', 'head', *SPOKESPEOPLE))})\b")


#: "(a) spokesman for (the) X": X speaks through them
_SPOKESPERSON_FOR = re.compile(rf"^(?:(?i:the|an?)\s+)?(?:[\w-]+\s+)?(?i:{one_of(SPOKESPEOPLE)})\s+(?i:for|of)\s+"
                               r"(?:(?i:the)\s+)?(?P<body>\S.*)$")


def _speaker_name(raw: str) -> tuple[int, int, str, Source | None]:
    """The name a speaker's phrase gives, as (start, end) in `raw`, name, registry entry.

    The labelling rules' form: a phrase the registry knows is that source. Else a registry name inside the
    phrase is the source ("the Syrian Observatory for Human Rights monitor", "Observatory director Rami Abdel
    Rahman"), and "X's director / spokesman / head Y" is X: a person speaking for a body is the body. Else the
    phrase without where the body is based ("UK-based") or a title before a person's name ("Governor").
    """
    name, src = canonical_source(raw)
    if src is not None:
        return 0, len(raw), name, src
    inner = max(KNOWN_NAMES.finditer(raw), key=lambda m: m.end() - m.start(), default=None)
    if inner is not None and not _NAME_GOES_ON.search(raw, 0, inner.start()) and not _NAME_GOES_ON_AFTER.match(
            raw, inner.end()) and not POSSESSED_BODY.match(raw, inner.end()):
        # "Iraqi Observatory for Human Rights" is another body, "the United Nations’ peacekeeping mission" a body of it
        name, src = canonical_source(inner.group(0))
        return inner.start(), inner.end(), name, src
    body = _FOR_BODY.match(raw)
    if body is not None:
        return 0, body.end("body"), *canonical_source(body.group("body"))
    body = _SPOKESPERSON_FOR.match(raw)
    if body is not None:  # "a spokesman for the rebel-controlled health ministry": the ministry
        return body.start("body"), len(raw), *canonical_source(body.group("body"))
    start = 0
    for pattern in (_WHEN_FIRST, _MODIFIER, _TITLE, ROLE_BEFORE_PERSON):
        m = pattern.match(raw, start)
        start = m.end() if m else start
    return start, len(raw), *canonical_source(raw[start:])


def _name_form(m: Attribution) -> Attribution:
    """A mention whose name holds a registry source in a longer form ("Britain-based Observatory") as that source.

    Only registry sources: a phrase's other names stay as the rules wrote them (the rules' pick is matched by name).
    """
    if m.source is not None or m.unnamed:
        return m
    _, _, name, src = _speaker_name(m.name)
    return m if src is None else replace(m, name=name, source=src)


#: a people's adjective ("Israeli", "Syrian", "Lebanese", "Turkish"): a name only with what follows it
_DEMONYM = re.compile(r"(?-i:[A-Z][a-z]+(?:i|ian|an|ese|ish))")


#: words that describe a name after them ("official Palestinian news agency"): lower case and peoples' adjectives
_DESCRIBED = re.compile(rf"(?:(?:(?-i:[a-z][\w'’-]*)|{_DEMONYM.pattern})\s+)+")
#: an owner before a name and what kind of body it is after it ("Hezbollah's| Al-Manar |television channel")
_OWNER = re.compile(r"(?-i:[A-Z][\w'’-]*)['’]s\s+")
_KIND_AFTER = re.compile(r"(?:\s+(?-i:[a-z][\w'’-]*))*")
#: people who speak for the body named after them ("an official from| Mayo Hospital", "researchers at the| ...")
_SPEAKS_AT = re.compile(r"(?:(?-i:[a-z][\w'’-]*)\s+){0,2}(?:officials?|sources?|researchers|spokes(?:man|woman|person))"
                        r"\s+(?:from|at|of)\s+(?:the\s+)?")


def _only_describes(raw: str, start: int, k: Attribution) -> bool:
    """The parse's phrase `raw` (at `start`) is the known mention `k` with words that only describe it: a registry
    name after lower-case words and peoples' adjectives ("official Palestinian news agency WAFA"), or a name with its
    owner before it and its kind after it ("Hezbollah's Al-Manar television channel"), or people who speak for it
    ("an official from Mayo Hospital")."""
    if k.name_start <= start and start + len(raw) <= k.name_end:  # the rules read this very phrase
        return _SPEAKS_AT.match(raw) is not None and raw.lower().endswith(k.name.lower())
    if not start < k.name_start <= k.name_end <= start + len(raw):
        return False
    before, after = raw[:k.name_start - start], raw[k.name_end - start:]
    return bool((k.source is not None and not after and _DESCRIBED.fullmatch(before))
                or (_OWNER.fullmatch(before) and _KIND_AFTER.fullmatch(after)))


def _parse_mentions(w: Where, known: Sequence[Attribution]) -> list[Attribution]:
    """The nearest speakers the parse found, as mentions of kind "parse", unless a known mention already names them.

    A known mention overlapping the speaker under another name ("Palestinian Ministry" inside "the Palestinian
    Ministry of Health") does not hide it: the ranker weighs both.
    """
    out = []
    for sp in w.speakers:
        m = _SPEAKER_NAME.match(sp.name)
        raw = m.group("name").strip() if m else sp.name
        if (sp.depth > 0 or sp.pronoun or not raw or len(raw.split()) > 6 or not any(ch.isalpha() for ch in raw)
                or _COUNT_FIRST.match(raw)):  # "12,001 individuals", "Seven ... victims": counts
            continue
        if _DEFINITE.match(sp.text) and raw == raw.lower() and " of " not in raw:
            continue  # "the ministry", "the group": a reference, not a name ("the ministries of health, ..." is one)
        if _FIRST_PERSON.match(sp.text):  # "Our researchers estimate": the publisher's own, read as such
            continue
        a, b, name, src = _speaker_name(raw)
        whole = " ".join(raw.split()).lower()
        if src is None and a > 0 and any(k.name.lower() == whole for k in known):
            a, b, name = 0, len(raw), raw  # "Major Abdikadir Hussein": one person, named as the text's rules name him
        if any(k.name_start < sp.end and sp.start < k.name_end and k.name.lower() == name.lower() for k in known):
            continue
        start = sp.end - len(sp.name) + (m.start("name") if m else 0)
        if any(_only_describes(raw, start, k) for k in known):
            continue  # "official Palestinian news agency WAFA", "Hezbollah's Al-Manar television channel"
        longer = any(start <= k.name_start and k.name_end <= start + len(raw) for k in known)
        name = " ".join(name.split())  # a name the text breaks over two lines
        out.append(Attribution(sp.start, sp.end, start + a, start + b, name, "parse_longer" if longer else "parse",
                               src))
    return out


def _nearness(m: Attribution, w: Where) -> tuple[bool, int]:
    """Which of a source's mentions describes it: one in the figure's sentence first, then the nearest.

    "... a security source said. Meanwhile, four were killed, the source added": the second names the figure's source.
    """
    return not (w.sentence[0] <= m.name_start < w.sentence[1]), _distance(m, w.figure)


def candidates_for(w: Where, mentions: Sequence[Attribution], stats: TextStats, publisher: str) -> list[Candidate]:
    """Every source named around the figure (its mention nearest the figure) and the publisher, unranked."""
    by_name: dict[str, Attribution] = {}
    for m in [*mentions, *_parse_mentions(w, mentions)]:
        if m.kind in ("self", "told") or not m.name:
            continue
        m = _name_form(m)
        kept = by_name.get(m.name)
        if kept is None or _nearness(m, w) < _nearness(kept, w):
            by_name[m.name] = m
    cands = [Candidate(name, m, _mention_features(m, w, stats) | _PARSE_KINDS.get(m.kind, {}), m.source)
             for name, m in by_name.items()]
    if publisher and publisher not in by_name:
        cands.append(Candidate(publisher, None, {"publisher": 1.0, "distance": 1.0, "sentences_away": 1.0,
                                                 "background": float(w.background)}))
    before = [c for c in cands if c.mention is not None and c.features["before"]]
    after = [c for c in cands if c.mention is not None and not c.features["before"]]
    if before:
        min(before, key=lambda c: _distance(c.mention, w.figure)).features["nearest_before"] = 1.0  # type: ignore[arg-type]
    if after:
        min(after, key=lambda c: _distance(c.mention, w.figure)).features["nearest_after"] = 1.0  # type: ignore[arg-type]
    return cands


#: words that put a person's role before the name the short mention holds ("spokesman Ashraf Al-Qudra")
_ROLE_BEFORE = re.compile(rf"(?:^|\s)(?:(?-i:[a-z][\w'’-]*)|{PERSON_TITLES})\s*$")
#: who controls or backs a body, before its name: a description, not part of the name
_DESCRIPTOR = re.compile(rf"-(?i:{CONTROLLED_BY}|led|based)\s+$")
#: a person speaking for a body, around the body's name: the body is the source (the labelling rules)
_SPEAKS_FOR = re.compile(rf"(?i:\b(?:{one_of(SPEAKS_FOR)})\b|\bfor\s+(?:the\s+)?$)")


def _fuller_name_ok(short: Candidate, full: str) -> bool:
    """Whether the parse's longer name is the short mention's own name, completed, not a role or a place around it.

    "Palestinian Ministry" → "Palestinian Ministry of Health", "official" → "Afghan official", "military" →
    "Mali's military" are completed; "spokesman Ashraf Al-Qudra", "spokesperson for Israel's foreign ministry",
    "Gen. Abdul-Karim al-Rubaie" put a role before a name, "security official in the Diyala province" adds where
    unnamed people are, and a registry name is already whole: those keep the short name.
    """
    at = full.find(short.name)
    if at < 0 or len(full) <= len(short.name) or short.source is not None or "," in full:
        return False
    left, right = full[:at], full[at + len(short.name):]
    if _SPEAKS_FOR.search(left) or _SPEAKS_FOR.search(right):
        return False
    if re.match(r"\s+(?:in|at|of|from|on|near)\b", right) and (
            short.features.get("unnamed") or short.features.get("person") or short.name.islower()):
        return False  # "officials in Diyala", "Vyacheslav Gladkov of the Belgorod Region": who and where
    if short.name[:1].isupper() and (re.fullmatch(r"(?:\s+(?-i:[a-z][\w'’-]*))+", right) or _DESCRIPTOR.search(left)):
        # "SABA news agency", "Rebel-controlled SABA": a description around a name; but "Israeli" alone, a people's
        # adjective, is no name: "Israeli emergency services"
        return bool(_DEMONYM.fullmatch(short.name)) and not left.strip()
    return not (short.name[:1].isupper() and left.strip() and _ROLE_BEFORE.search(left))


def fuller(cands: Sequence[Candidate]) -> list[int]:
    """For each candidate, the one to name it by: a parse speaker whose longer name completes its mention, else itself.

    The attribution phrases cut names short on text they were not written on ("Ministry official" inside "an
    Interior Ministry official said"); the parse reads the whole noun phrase. The ranker weighs the two as
    candidates; whichever it picks, the claimant is written in the completed form.
    """
    out = list(range(len(cands)))
    for k, c in enumerate(cands):
        m = c.mention
        if m is None or m.kind in ("parse", "parse_longer"):
            continue
        longer = [j for j, o in enumerate(cands) if o.mention is not None and o.mention.kind == "parse_longer"
                  and o.mention.name_start <= m.name_start and m.name_end <= o.mention.name_end
                  and _fuller_name_ok(c, o.name)]
        if longer:
            out[k] = max(longer, key=lambda j: len(cands[j].name))
    return out


def with_pick(cands: Sequence[Candidate], pick: str, conf: float, same_figure: Iterable[str] = ()) -> list[Candidate]:
    """The candidates marked with a rules' pick, the pick first so a tie keeps it.

    `same_figure`: the sources the rules gave the same figure stated elsewhere in
    the text (a headline's figure is the body's). A pick or such a source named
    nowhere near is added. Returns copies: the same candidates can be marked with
    another pick (the training marks them with the picks the rules made on their first run).
    """
    out = [Candidate(c.name, c.mention, {k: v for k, v in c.features.items() if not k.startswith("rules_")},
                     c.source, c.only_pick) for c in cands if not c.only_pick]
    for name in [pick, *same_figure]:
        if name and not any(c.name == name for c in out):
            out.append(Candidate(name, None, {"distance": 1.0, "sentences_away": 1.0}, only_pick=True))
    others = set(same_figure)
    for c in out:
        if c.name in others:
            c.features["rules_same_figure"] = 1.0
    for c in out:
        if c.name == pick:
            c.features.update(rules_pick=1.0, rules_conf=conf, rules_carried=float(conf <= 0.5))
    return sorted(out, key=lambda c: c.name != pick)


def same_figure_sources(keys: Sequence[tuple[str, str]], picks: Sequence[str], most: int = 5) -> list[list[str]]:
    """For each figure, the sources the rules gave *other* statements of the same figure (same low and high).

    Linear in the number of figures (an index per figure value; at most `most` names each).
    """
    by_key: dict[tuple[str, str], dict[str, int]] = {}
    for key, name in zip(keys, picks, strict=True):
        if name:
            counts = by_key.setdefault(key, {})
            counts[name] = counts.get(name, 0) + 1
    out = []
    for key, own in zip(keys, picks, strict=True):
        counts = by_key.get(key, {})
        out.append([n for n, k in counts.items() if k - (n == own) > 0][:most])
    return out


@lru_cache(maxsize=1)
def load_weights(path: str = str(WEIGHTS_FILE)) -> tuple[float, ...]:
    """The trained weights, in FEATURES order (a feature the file lacks weighs 0)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(float(data["weights"].get(f, 0.0)) for f in FEATURES)


def rank(cands: Sequence[Candidate], weights: Sequence[float]) -> list[float]:
    """Each candidate's probability (softmax of weights · features over the figure's candidates)."""
    scores = [sum(w * x for w, x in zip(weights, c.vector(), strict=True)) for c in cands]
    top = max(scores, default=0.0)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps) or 1.0
    return [e / total for e in exps]
