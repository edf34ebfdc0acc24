"""Claims from text: draft ledger rows with their spans and a confidence per field.

Investigations start from texts (press releases, wire copy, op-eds). The hard
part is not the number but what it is attached to: who produced it, through
whom it arrived, what period, place and victims it covers. `extract_claims`
finds every casualty figure in a text and drafts a ledger row for it. Each
filled field keeps the character span it came from and a confidence; a field
the text does not support stays empty with confidence 0 and is listed in
`missing`, for the reviewer to fill. Nothing is guessed silently.

Matching is rule-based: a blank spaCy English pipeline (sentencizer plus
`Matcher` cue lexicons; no model download), regular expressions for numbers and
attribution phrases, dateparser for dates, the gazetteer for places and
`data/operations.csv` for "since the operation began". Conventions (vague
quantities, qualifiers, confidence) are in docs/EXTRACT.md.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.core import PARTIAL_DATE, Problem
from kit.extract._attributor import (
    AFTER_REACH,
    WEIGHTS_FILE,
    Candidate,
    TextStats,
    Where,
    candidates_for,
    fuller,
    load_weights,
    rank,
    same_figure_sources,
    text_stats,
    with_pick,
)
from kit.extract._dates import DAYS_AND_MONTHS, MONTHS, DateMention, PeriodMention, find_dates, find_periods
from kit.extract._numbers import Quantity, find_quantities
from kit.extract._parse import speakers
from kit.extract._resolve import resolve_references
from kit.extract._sources import (
    KNOWN_NAMES,
    KNOWN_SOURCES,
    SOURCE_LINE,
    Attribution,
    Source,
    canonical_source,
    find_attributions,
)
from kit.ledger import (
    CLAIM_COLUMNS,
    OPTIONAL_COLUMNS,
    RELAY_SEPARATOR,
    Gazetteer,
    LoadResult,
    Operation,
    load_claims,
    load_gazetteer,
    load_operations,
    validate_claims_frame,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher


#: the attributor's trained weights; without the file the rules' attribution stands alone
ATTRIBUTOR_WEIGHTS = WEIGHTS_FILE

#: Largest text accepted, in characters (spaCy's own default `max_length`).
#: Longer inputs raise ExtractInputError: split them (e.g. one file per article).
MAX_TEXT_CHARS = 1_000_000

#: How far (characters) fields are carried within a paragraph; beyond it a figure's context is not read.
CARRY_CHARS = 3000
#: How many sentences back a period or place is carried within a paragraph.
CARRY_SENTENCES = 12

#: Ledger fields a draft must have before it can join the ledger.
REQUIRED_FIELDS = tuple(c for c in CLAIM_COLUMNS if c not in OPTIONAL_COLUMNS)


class ExtractInputError(ValueError):
    """Input that cannot be read as text: too large, binary, or a bad date."""

    def __init__(self, field: str, message: str, *, file: str = "<text>") -> None:
        self.file, self.field, self.message = file, field, message
        super().__init__(f"{file}:0: {field}: {message}")


# -- spaCy pipeline ---------------------------------------------------------
_OUTCOME_WORDS = {
    "killed": ["killed", "kill", "kills", "killing", "died", "die", "dies", "dead", "deaths", "death", "toll",
               "fatalities", "fatality", "perished", "slain", "lives", "bodies", "massacred", "murdered", "martyred",
               "martyrs", "executed", "killings", "lynched", "martyrdom", "gunned", "homicides", "murders",
               # "lost about 9,000 troops", "losing 4,200 of its own forces": an army's dead
               "lost", "losing"],
    "injured": ["injured", "injuring", "injuries", "injury", "wounded", "wounding", "wounds", "hurt", "maimed",
                "injures", "injure"],
    "killed_or_injured": ["casualties", "casualty", "victims", "harmed", "harm"],
}
_VICTIM_WORDS = {
    "civilians": ["civilians", "civilian", "non-combatants", "noncombatants", "residents", "villagers"],
    "children": ["children", "child", "minors", "kids", "boys", "girls", "infants"],
    "women": ["women", "woman"],
    "combatants": ["fighters", "militants", "combatants", "soldiers", "troops", "jihadists", "insurgents", "soldier",
                   "fighter", "militant", "guards"],
    "all": ["people", "persons", "individuals", "others", "men", "members", "relatives", "nationals", "citizens",
            "officer", "officers", "policemen", "policeman"],
}
#: Nouns after a number that make it something other than a casualty count.
_NOT_CASUALTY_UNITS = {
    "strikes", "strike", "airstrikes", "air", "raids", "raid", "incidents", "incident", "attacks", "attack",
    "reports", "report", "allegations", "sites", "site", "witnesses", "interviews", "munitions", "bombs",
    "sorties", "targets", "engagements", "days", "day", "weeks", "week", "months", "month", "years", "year",
    "decades", "decade", "centuries",
    "hours", "hour", "km", "kilometres", "kilometers", "miles", "metres", "meters", "percent", "per", "%",
    "times", "countries", "nations", "cases", "pages", "names", "buildings", "homes", "houses",
    "families", "villages", "towns", "locations", "events", "event", "aircraft", "jets", "planes", "vehicles",
    "shells", "rockets", "missiles", "dollars", "million", "billion", "tonnes", "tons", "o'clock", "am", "pm",
    "officials", "official", "sources", "experts", "investigators", "spokesmen", "hospitals", "facilities",
    "lines", "rows", "cars", "vans", "trucks", "convoys",
    "cities", "centers", "centres", "districts", "provinces", "governorates", "graves", "tombs",
    # weights, lengths and vehicles ("300 pounds of explosives", "four motorcycles", "two army autos destroyed");
    # a singular vehicle noun is left out: it is a modifier ("one truck driver", "15 bus passengers")
    "pounds", "pound", "lbs", "lb", "kg", "kgs", "kilograms", "kilogrammes", "kilos", "grams", "tonne", "ton",
    "mile", "feet", "foot", "ft", "inches", "metre", "meter", "kilometre", "kilometer", "litres", "liters", "gallons",
    "barrels", "autos", "automobiles", "motorcycles", "motorbikes", "bikes", "bicycles", "lorries", "pickups", "buses",
    "boats", "ships", "vessels", "tanks", "helicopters", "drones",
    # places, events, ammunition and units of an army ("attacked two camps", "two suicide car bombings",
    # "three mortar rounds", "680 kidnappings", "the 121 Battalion", "between the two sides")
    "camps", "bases", "checkpoints", "posts", "bombings", "blasts", "explosions", "ambushes", "rounds", "mortars",
    "grenades", "bullets", "battalion", "battalions", "brigade", "brigades", "regiment", "regiments", "kidnappings",
    "abductions", "sides", "encounters", "gunfights", "firefights", "shootouts", "operations", "skirmishes",
}


@lru_cache(maxsize=1)
def _pipeline() -> tuple[Language, Matcher]:
    """A blank English pipeline (tokenizer + sentencizer) and the cue matcher; no model weights."""
    import spacy
    from spacy.matcher import Matcher
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("en")
    # "injuring another 23.As per details": web copy that lost the space after a full stop ends a sentence there
    # too (the default rules split such a stop only after a letter)
    infixes = [*(nlp.Defaults.infixes or ()), r"(?<=[0-9])\.(?=[A-Z][a-z])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer  # type: ignore[union-attr]
    nlp.add_pipe("sentencizer")
    nlp.max_length = MAX_TEXT_CHARS + 1
    matcher = Matcher(nlp.vocab)
    for value, words in _OUTCOME_WORDS.items():
        matcher.add(f"OUTCOME|{value}", [[{"LOWER": {"IN": words}}]])
    matcher.add("OUTCOME|killed_or_injured", [
        [{"LOWER": {"IN": ["killed", "dead", "deaths", "died"]}}, {"LOWER": {"IN": ["or", "and"]}},
         {"LOWER": {"IN": ["injured", "wounded", "injuries"]}}],
    ])
    for value, words in _VICTIM_WORDS.items():
        matcher.add(f"VICTIM|{value}", [[{"LOWER": {"IN": words}}]])
    return nlp, matcher


class _SpanIndex:
    """Items sorted by a start offset, for range look-ups in long texts (keeps extraction linear)."""

    def __init__(self, items: Iterable[Any], start: Callable[[Any], int]) -> None:
        self.items = sorted(items, key=start)
        self.starts = [start(i) for i in self.items]

    def between(self, a: int, b: int) -> list[Any]:
        """Items starting in [a, b)."""
        return self.items[bisect_left(self.starts, a):bisect_left(self.starts, b)]

    def overlapping(self, a: int, b: int, end: Callable[[Any], int], reach: int = 400) -> list[Any]:
        """Items overlapping [a, b), assuming none is longer than `reach`."""
        return [i for i in self.between(a - reach, b) if end(i) > a]


@dataclass(frozen=True, slots=True)
class _Cue:
    kind: str  # OUTCOME | VICTIM
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    paragraph: int
    clauses: tuple[tuple[int, int], ...]


# -- results ----------------------------------------------------------------
@dataclass(frozen=True)
class VagueMention:
    """A vague quantity the text states ("dozens", "thousands"), with who it is attributed to.

    Not a draft: a word is not a range, so none is invented. It is kept as a
    qualifier on the attributed claim, for the reviewer.
    """

    text: str
    span: tuple[int, int]
    claimant: str
    sentence_span: tuple[int, int]


@dataclass
class DraftClaim:
    """One draft ledger row and where each of its fields came from.

    `row` has exactly the ledger columns (strings, '' when empty);
    `confidence[col]` is 0 for an empty field and up to 1 for a field read
    directly from the text; `spans[col]` lists (start, end) character offsets
    in the source text; `missing` lists required fields the reviewer must fill.
    """

    row: dict[str, str]
    confidence: dict[str, float]
    spans: dict[str, list[tuple[int, int]]]
    figure_span: tuple[int, int]
    sentence_span: tuple[int, int]
    missing: list[str] = field(default_factory=list)
    #: the sentence that supplied the claimant (often not the figure's own: "the network", a follow-on sentence)
    attribution_span: tuple[int, int] = (0, 0)
    #: the sources the figure may belong to, with the attributor's features (rules' pick first); docs/EXTRACT.md
    candidates: list[Candidate] = field(default_factory=list, repr=False, compare=False)
    #: the claimant follows a convention (a headline's or lead's figure is the body's; background is the publisher's)
    decided: bool = False
    #: where the figure sits and the text's source counts: what the candidates' features were computed from
    where: Where | None = field(default=None, repr=False, compare=False)
    stats: TextStats | None = field(default=None, repr=False, compare=False)

    @property
    def claim_id(self) -> str:
        return self.row["claim_id"]

    @classmethod
    def manual(cls, row: dict[str, str]) -> DraftClaim:
        """A draft typed in by a reviewer: every filled field is known (confidence 1), no spans."""
        draft = cls(dict(row), {c: (1.0 if row.get(c) else 0.0) for c in row}, {}, (0, 0), (0, 0))
        draft.missing = _missing(draft.row)
        return draft

    def set(self, column: str, value: str) -> None:
        """A reviewer's edit: the value is now known, so confidence is 1 (or 0 when cleared)."""
        if column not in self.row:
            raise KeyError(f"{column!r} is not a ledger column")
        self.row[column] = str(value).strip()
        self.confidence[column] = 1.0 if self.row[column] else 0.0
        self.missing = _missing(self.row)

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": dict(self.row),
            "confidence": dict(self.confidence),
            "spans": {k: [list(s) for s in v] for k, v in self.spans.items()},
            "figure_span": list(self.figure_span),
            "sentence_span": list(self.sentence_span),
            "attribution_span": list(self.attribution_span),
            "missing": list(self.missing),
        }


class DraftClaims(list[DraftClaim]):
    """The drafts from one text, in text order, plus the text they came from."""

    def __init__(self, drafts: Iterable[DraftClaim] = (), *, text: str = "", published: str = "",
                 publisher: str = "", vague: Iterable[VagueMention] = ()) -> None:
        super().__init__(drafts)
        self.text = text
        self.published = published
        self.publisher = publisher
        #: vague quantities the text states ("dozens"), with their claimant: qualifiers, not drafts
        self.vague = list(vague)

    def to_frame(self) -> pd.DataFrame:
        """Ledger columns only, in ledger order (strings; '' when empty)."""
        return pd.DataFrame([d.row for d in self], columns=CLAIM_COLUMNS, dtype="string").fillna("")

    def confidence_frame(self) -> pd.DataFrame:
        return pd.DataFrame([d.confidence for d in self], columns=CLAIM_COLUMNS).fillna(0.0)

    def to_csv(self, path: str | None = None) -> str:
        """The drafts as a ledger CSV (written to `path` when given)."""
        buf = io.StringIO()
        self.to_frame().to_csv(buf, index=False, lineterminator="\n")
        out = buf.getvalue()
        if path is not None:
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(out)
        return out

    def to_json(self) -> str:
        return json.dumps(
            {"published": self.published, "publisher": self.publisher, "claims": [d.to_dict() for d in self],
             "vague": [{"text": v.text, "span": list(v.span), "claimant": v.claimant} for v in self.vague]},
            ensure_ascii=False, indent=2,
        )

    def validate(self, *, gazetteer: Gazetteer | None = None, known_ids: Iterable[str] | None = None,
                 file: str = "<draft>") -> LoadResult:
        """Check the drafts with the ledger's own contract (kit.ledger.validate_claims_frame).

        `known_ids` defaults to the ids in data/claims, so a draft may cite a
        ledger claim and may not reuse a ledger claim's id.
        """
        from dataclasses import replace

        ids = set(known_ids) if known_ids is not None else _ledger_ids()
        result = validate_claims_frame(self.to_frame(), file=file, gazetteer=gazetteer, known_ids=ids)
        clashes = [Problem(file, i + 2, "claim_id", f"{d.claim_id!r} is already a ledger claim id")
                   for i, d in enumerate(self) if known_ids is None and d.claim_id in ids]
        return replace(result, problems=sorted(result.problems + clashes)) if clashes else result

    def link(self, claims: pd.DataFrame | None = None) -> int:
        """Fill `cites` with the ledger claim each draft repeats: same claimant and figure.

        Among matches the claimant's own publication (primary) and then the
        earliest wins. Returns how many drafts were linked. A ledger row with
        the same publication date and relay chain is the same statement: the
        draft's note flags it as a possible duplicate instead.
        """
        if claims is None:
            claims = _ledger_frame()
        if claims is None or claims.empty:
            return 0
        linked = 0
        for d in self:
            if not d.row["claimant"] or d.row["cites"]:
                continue
            low, high = float(d.row["low"]), float(d.row["high"])
            same = claims[(claims["claimant"] == d.row["claimant"]) & (claims["low"].astype(float) == low)
                          & (claims["high"].astype(float) == high) & (claims["claim_id"] != d.claim_id)]
            if d.row["outcome"]:
                same = same[same["outcome"] == d.row["outcome"]]
            if same.empty:
                continue
            dup = same[(same["published"] == d.row["published"]) & (same["relay_chain"] == d.row["relay_chain"])]
            if not dup.empty:  # this very statement is already in the ledger: a duplicate, not a citation
                d.row["note"] += f" Possibly already in the ledger as {dup.iloc[0]['claim_id']}."
                continue
            order = same.assign(_primary=same["source_status"] != "primary").sort_values(["_primary", "published"])
            best = order.iloc[0]
            d.row["cites"], d.confidence["cites"] = str(best["claim_id"]), 0.7
            d.spans.setdefault("cites", [])
            d.row["note"] += (
                f" Same claimant and figure as ledger claim {best['claim_id']} (published {best['published']})."
            )
            linked += 1
        return linked


def _ledger_frame() -> pd.DataFrame | None:
    """The current ledger as strings, or None when it cannot be read (drafts still work)."""
    try:
        frame = load_claims().claims
    except Exception:  # noqa: BLE001 - no ledger: nothing to link or clash with
        return None
    return frame


def _ledger_ids() -> set[str]:
    frame = _ledger_frame()
    return set(frame["claim_id"]) if frame is not None else set()


def _missing(row: dict[str, str]) -> list[str]:
    return [c for c in REQUIRED_FIELDS if not row.get(c)]


# -- input checks -----------------------------------------------------------
def parse_published(published: dt.date | dt.datetime | str) -> tuple[str, dt.date]:
    """The publication date as the ledger writes it (its precision kept) and a base date.

    Relative dates ("in March this year", "last month") resolve against the
    last day of the stated precision: a text published "2017-05" was public by
    the end of May.
    """
    if isinstance(published, dt.datetime):
        published = published.date()
    if isinstance(published, dt.date):
        return published.isoformat(), published
    text = str(published).strip()
    m = PARTIAL_DATE.match(text)
    if not m:
        raise ExtractInputError("published", f"{text[:40]!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    year, month, day = int(m[1]), int(m[2] or 12), int(m[3] or 0)
    try:
        dt.date(year, month, day or 1)
        if not day:
            nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
            base = nxt - dt.timedelta(days=1)
        else:
            base = dt.date(year, month, day)
    except ValueError as exc:
        raise ExtractInputError("published", f"{text!r} is not a calendar date ({exc})") from None
    return text, base


def _check_text(text: str | bytes, file: str) -> str:
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ExtractInputError("text", f"not UTF-8 text (invalid byte at offset {exc.start})", file=file) from None
    if not isinstance(text, str):
        raise ExtractInputError("text", f"expected text, got {type(text).__name__}", file=file)
    if len(text) > MAX_TEXT_CHARS:
        raise ExtractInputError(
            "text", f"{len(text):,} characters is over the limit of {MAX_TEXT_CHARS:,}; split the text", file=file
        )
    controls = [i for i, c in enumerate(text[:200_000]) if c not in "\n\r\t\f\v" and unicodedata.category(c) == "Cc"]
    if "\x00" in text or len(controls) > max(8, len(text[:200_000]) // 200):
        first = text.find("\x00") if "\x00" in text else controls[0]
        raise ExtractInputError(
            "text", f"looks binary: {len(controls)} control characters (first at offset {first})", file=file
        )
    return text


# -- structure: sentences, paragraphs, clauses ------------------------------
_CLAUSE_BREAK = re.compile(
    r";|\s—\s|,\s+as\s+(?!a\b|many\b|much\b|well\b)|\bwhile\b|\bwhereas\b|\bbut\b|\bcompared\s+(?:with|to)\b"
    r"|\bagainst\s+(?=\w+['’]s\b)",
    re.IGNORECASE,
)


_TITLE_LINE = re.compile(r"[ \t]*[^\n]{1,200}?(?<![.!?\"”:])[ \t]*\n\s*(?=\S)")


#: the share of line breaks that must follow a sentence's end for a text to be read as one paragraph per line
LINE_PARAGRAPHS = 0.6
_LINE_BREAK = re.compile(r"[ \t]*\n\s*(?=\S)")


def _paragraph_starts(text: str) -> list[int]:
    """Where paragraphs start: after blank lines; in a text with none, at each line that follows a sentence's end.

    Copy taken from a web page often has one paragraph per line and no blank lines; read as one paragraph, every
    figure would run on from any source the story names. A line break inside a sentence (a hard-wrapped text, "the
    missing\nsoldiers") starts no paragraph, and a text whose breaks mostly fall inside sentences is wrapped, not laid
    out by paragraph.
    """
    blank = [m.end() for m in re.finditer(r"\n[ \t]*\n\s*", text)]
    if blank:
        return [0, *blank]
    first = len(text) - len(text.lstrip())
    breaks = [m for m in _LINE_BREAK.finditer(text) if m.start() > first]
    ends = [m for m in breaks if text[m.start() - 1] in ".!?\"”’):" or not text[m.end()].islower()]
    if not breaks or len(ends) < LINE_PARAGRAPHS * len(breaks):
        return [0]
    return [0, *(m.end() for m in breaks if not text[m.end()].islower())]


def _structure(text: str) -> tuple[list[_Sentence], list[_Cue]]:
    nlp, matcher = _pipeline()
    doc = nlp(text)
    paragraph_starts = _paragraph_starts(text)
    title = _TITLE_LINE.match(text)
    if title:  # a first line without a full stop is a headline: its own paragraph even without a blank line
        paragraph_starts.append(title.end())
    # each list item is its own sentence (fact boxes have no full stops)
    item_starts = [m.start(1) for m in re.finditer(r"\n[ \t]*([-•*–][ \t]+|\d{1,2}[.)][ \t]+)", text)]
    paragraph_starts = sorted({*paragraph_starts, *item_starts})  # and its own paragraph: nothing carries over

    def paragraph_of(pos: int) -> int:
        return max(0, bisect_right(paragraph_starts, pos) - 1)

    sentences: list[_Sentence] = []
    for sent in doc.sents:
        # a blank line ends a sentence even without punctuation (headlines, lists)
        pieces = [sent.start_char]
        lo, hi = bisect_right(paragraph_starts, sent.start_char), bisect_left(paragraph_starts, sent.end_char)
        pieces += paragraph_starts[lo:hi]
        lo, hi = bisect_right(item_starts, sent.start_char), bisect_left(item_starts, sent.end_char)
        pieces = sorted({*pieces, *item_starts[lo:hi]})
        pieces.append(sent.end_char)
        for s, e in zip(pieces, pieces[1:], strict=False):
            if not text[s:e].strip():
                continue
            breaks = [s] + [m.start() for m in _CLAUSE_BREAK.finditer(text, s, e)] + [e]
            clauses = tuple((a, b) for a, b in zip(breaks, breaks[1:], strict=False) if b > a)
            sentences.append(_Sentence(s, e, paragraph_of(s), clauses))
    cues: list[_Cue] = []
    for match_id, start, end in matcher(doc):
        kind, value = nlp.vocab.strings[match_id].split("|")
        span = doc[start:end]
        cues.append(_Cue(kind, value, span.start_char, span.end_char))
    # a two-word "killed or injured" outranks its parts
    wide = [c for c in cues if c.value == "killed_or_injured" and " " in text[c.start:c.end]]
    cues = [c for c in cues if not any(w.start <= c.start and c.end <= w.end and w is not c for w in wide)]
    return sentences, sorted(cues, key=lambda c: c.start)


def _split_at_attributions(text: str, sentences: list[_Sentence], attributions: list[Attribution]) -> list[_Sentence]:
    """"X estimates 7,309 and SOHR has recorded 3,833": "and <source>" starts a new clause."""
    out: list[_Sentence] = []
    index = _SpanIndex(attributions, lambda a: a.start)
    for sent in sentences:
        cuts = sorted({a.start for a in index.between(sent.start + 1, sent.end)
                       if re.search(r"\band\s+(?:the\s+)?$", text[max(sent.start, a.start - 10):a.start])})
        if not cuts:
            out.append(sent)
            continue
        bounds = sorted({b for c in sent.clauses for b in c} | set(cuts))
        clauses = tuple((a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a)
        out.append(_Sentence(sent.start, sent.end, sent.paragraph, clauses))
    return out


def _clause_of(sentence: _Sentence, pos: int) -> tuple[int, int]:
    for a, b in sentence.clauses:
        if a <= pos < b:
            return a, b
    return sentence.start, sentence.end


# -- figures ----------------------------------------------------------------
#: (a figure in brackets, "rose to (31) people", is read past its closing bracket)
_AFTER_WORDS = re.compile(r"\)?[\s\-–]*([%\w'’]+)(?:\s+([\w'’]+))?(?:\s+([\w'’]+))?")
_ADJECTIVES = {"more", "other", "additional", "innocent", "unarmed", "local", "syrian", "iraqi", "further",
               "civilian", "total", "people", "of", "the", "whom", "them", "were", "have", "had", "been", "are",
               "our", "their", "his", "her", "its"}


def _words_after(text: str, end: int) -> list[str]:
    m = _AFTER_WORDS.match(text, end, min(len(text), end + 60))
    return [w.lower() for w in m.groups() if w] if m else []


_NP_STOP = {"of", "in", "on", "at", "by", "for", "from", "to", "with", "and", "or", "but", "were", "was", "have",
            "has", "had", "are", "is", "be", "been", "who", "which", "that", "including", "among", "during", "since",
            "as", "a", "the", "this", "these", "those", "it", "they", "their", "its", "against", "into", "near",
            "after", "before", "over", "under", "across", "about", "than", "while", "when", "where", "said", "says",
            "say", "told", "according", "last"}
_NP_WORDS = re.compile(r"[ \t\n]*([A-Za-z%][\w'’%.-]*)")


_PARTICIPLES = {"alleged", "reported", "suspected", "confirmed", "documented", "recorded", "verified", "registered",
                "unconfirmed", "unverified", "assessed", "claimed", "disputed", "contested", "investigated"}


def _head_noun(text: str, end: int) -> str:
    """The last word of the noun phrase right after a figure ("47 civilian casualty reports" -> "reports")."""
    head, pos = "", end + text.startswith(")", end)  # "rose to (31) people"
    for _ in range(5):
        m = _NP_WORDS.match(text, pos)
        if not m or ("\n" in text[pos:m.start(1)] and m.group(1)[:1].isupper()):
            break  # "... kill six\nIsraeli strikes killed": a headline ends at its line; "30\n\nothers" goes on
        word = m.group(1).lower().rstrip(".")
        if word in _NP_STOP or (word.endswith("ed") and word not in _NOT_CASUALTY_UNITS | _PARTICIPLES):
            break
        head, pos = word, m.end()
        if word in _NOT_CASUALTY_UNITS:
            break  # the noun itself: "13 Russian missiles hit ..." ends at "missiles"
    return head


#: a sub-count in apposition ("nine people, among them four children, were killed") owns no cue
_SUBCOUNT = re.compile(r"(?:including|among\s+them|among\s+whom|of\s+whom|of\s+them)\s+(?:at\s+least\s+|some\s+)?$",
                       re.IGNORECASE)
_STATE_BEFORE = re.compile(r"\b(?:displac|detain|abduct|arrest|evacuat|uproot|kidnapp?|rescu)(?:ed|ing|es|s)\s+"
                           r"(?:(?:a\s+further|another|some|more\s+than|at\s+least|over|nearly|almost|about|around|"
                           r"close\s+to|up\s+to|as\s+many\s+as|roughly|approximately|an\s+estimated|upwards\s+of|"
                           r"in\s+excess\s+of)\s+)?$", re.IGNORECASE)
_AGES = re.compile(r"\b(?:aged|ages|age\s+of|aged\s+between)\s+(?:\w+,?\s+(?:and\s+)?){0,3}$", re.IGNORECASE)
#: a count of people in another state than dead or injured ("4,000 people still missing")
_NOT_A_DEATH = re.compile(r"(?:\s+(?!(?:and|or|but|while)\b)[\w-]+){0,2}?\s+"
                          r"(?:(?:are|were|remain|remained|still|have\s+been|had\s+been|"
                          r"are\s+still|were\s+still|reported|believed|feared|now)\s+)*(?i:missing|displaced|detained|abducted|kidnapped|"
                          r"trapped|held\s+hostage|taken\s+hostage|arrested|homeless|unaccounted|captured|taken\s+prisoner|"
                          r"fled|to\s+flee)\b")
#: a sentence that continues the previous one's count ("The rest were soldiers", "Of these, ...")
_CONTINUES = re.compile(r"\s*(?i:the\s+rest|the\s+remainder|the\s+others|of\s+these|of\s+them|of\s+those|"
                        r"among\s+them|among\s+these|among\s+the\s+dead)\b")
_COUNT_NOUN = re.compile(r"\b(?:count|tally|toll|figures?)\b", re.IGNORECASE)
_CORRECTION = re.compile(
    r"\b(?:earlier\s+version|incorrectly|erroneously|mistakenly|misstated|was\s+wrong|has\s+been\s+corrected|"
    r"should\s+have\s+said|was\s+corrected)\b", re.IGNORECASE)
_CORRECT_FIGURE = re.compile(r"\b(?:correct|corrected|revised|updated|new|latest|final)\s+(?:figure|total|toll|number|"
                             r"count|tally)\b", re.IGNORECASE)


_OUTCOME_ALT = "|".join(sorted({w for ws in _OUTCOME_WORDS.values() for w in ws}, key=len, reverse=True))
#: "one" as a pronoun or in a phrase that is no count: "no one", "the one who", "one another", "one in five"
_ONE_PRONOUN_BEFORE = re.compile(r"\b(?:no|the|any|every|each|which|not\s+a|at)\s+$", re.IGNORECASE)
_ONE_PRONOUN_AFTER = re.compile(r"\s+(?:another|in\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b)",
                                re.IGNORECASE)
#: "one dead", "one was killed", "one more person was injured", "one other injured", "one seriously"
_ONE_OUTCOME_AFTER = re.compile(
    r"\s+(?:(?:more|other|further|additional|was|were|is|has|had|been|also|later|reportedly|seriously|critically|"
    r"badly|severely|gravely|slightly|lightly|fatally|person|man|civilian|soldier|officer|member|shot|stabbed|"
    r"beaten|hacked|burned|burnt)\s+){0,3}"
    rf"(?:{_OUTCOME_ALT})\b"
    # "one truck driver was killed", "one Palestinian has died" (not "one rocket killed five")
    r"|\s+(?:(?!(?:of|the|in|on|at|who|that|which|and|or|but|to|for|with|by|from)\b)[A-Za-z][\w'’-]*\s+){1,2}"
    r"(?:(?:was|were|is|has|had|got)\s+(?:been\s+)?(?:[a-z]+ly\s+)?"
    r"(?:killed|died|dead|injured|wounded|hurt|slain|martyred|murdered|executed|lynched|maimed|perished)|"
    r"died|perished|succumbed)\b",  # "One ranger died"
    re.IGNORECASE)
#: "one of those killed", "one of the dead", "one of them died" (not "one of the victims", "one of the heaviest tolls")
_ONE_OF_THE_OUTCOME = re.compile(
    r"\s+of\s+(?:(?:those|the)\s+(?:killed|dead|injured|wounded|slain|hurt|martyrs|fatalities)\b|"
    r"(?:them|whom)\s+(?:(?:was|were|is|has|had|been|later|also)\s+)*"
    r"(?:killed|died|dead|injured|wounded|hurt|slain|seriously|critically|an?\s+(?:child|boy|girl|woman|soldier|"
    r"officer|civilian|policeman|fighter|journalist|medic|paramedic)\b))", re.IGNORECASE)
#: what may stand between a verb and its figure ("kills another 8", "killed a further one")
_ANOTHER = r"(?:(?:another|a\s+further)\s+)?"
#: "killing one", "kill one, wound 17", "killed at least one person"
_ONE_AFTER_VERB = re.compile(r"\b(?:kill|kills|killed|killing|wound|wounds|wounded|wounding|injure|injures|injured|"
                             r"injuring|hurt|hurting|claimed|claiming)\s+" + _ANOTHER + "$", re.IGNORECASE)
_ONE_PREPOSITION_BEFORE = re.compile(r"\b(?:from|of|in|on|for|by|into|to|within|per)\s+$", re.IGNORECASE)
#: an elliptical list item: "three others in the custody of X, and one in the custody of Y"
_ONE_ELLIPSIS = re.compile(r"(?:,\s*|\s+)and\s+$", re.IGNORECASE)
_ONE_ELLIPSIS_AFTER = re.compile(r"\s*(?:in|at|on|from|by|under|inside|near|during|while|[,;.])(?:\s|$)",
                                 re.IGNORECASE)


def _one_counts(q: Quantity, text: str, sentence: _Sentence, cues: _SpanIndex) -> str:
    """How a written "one" counts a person killed or injured: "" when it does not ("no one", "one of the victims").

    "count": "one person killed", "one dead", "one was killed", "killing one", "one of those killed";
    "listed": an item of a list in a sentence with an outcome before it ("including one seriously",
    "three others in the custody of X, and one in the custody of Y").
    """
    before = text[max(0, q.start - 30):q.start]
    if q.text.lower() != "one" or _ONE_PRONOUN_BEFORE.search(before) or _ONE_PRONOUN_AFTER.match(text, q.end):
        return ""
    if _ONE_AFTER_VERB.search(text, max(0, q.phrase_start - 30), q.phrase_start):  # "killed at least one"
        return "count"
    if _ONE_PREPOSITION_BEFORE.search(before):
        return ""  # "five civilians from one family were killed"
    if _ONE_OUTCOME_AFTER.match(text, q.end) or _ONE_OF_THE_OUTCOME.match(text, q.end):
        return "count"
    if not (_SUBCOUNT.search(before) or (_ONE_ELLIPSIS.search(before) and _ONE_ELLIPSIS_AFTER.match(text, q.end))):
        return ""
    outcome_before = any(c.kind == "OUTCOME" and c.start < q.start for c in cues.between(sentence.start, sentence.end))
    return "listed" if outcome_before else ""


#: an age set off by commas after a person's name: "Osaid Abu Ali, 22, and Abd al-Rahman Abu Daghash, 32."
_NAME_BEFORE_AGE = re.compile(r"\b[A-Z][\w'’-]+(?:\s+(?:[A-Z][\w'’-]+|(?:al|el|bin|ibn|de|del|da|van|von)\b[\w'’-]*))*"
                              r"\s+[A-Z][\w'’-]+,\s*$")
_PLACE_PREPOSITIONS = {"in", "at", "of", "near", "from", "to", "across", "outside", "around", "inside", "into"}
#: a day or a month right before a number: the number is the day of the month
_DAY_OR_MONTH_BEFORE = re.compile(rf"\b(?:{DAYS_AND_MONTHS})\s+$")
_AGE_AFTER = re.compile(r"\s*(?:[,;)]|\.(?!\d)|$|\s+and\b)")


def _is_age_after_name(q: Quantity, text: str) -> bool:
    """A number right after a person's name and set off by commas is an age ("Osaid Abu Ali, 22,")."""
    if q.is_word or q.is_range or not 1 <= q.low <= 120 or not _AGE_AFTER.match(text, q.end):
        return False
    m = _NAME_BEFORE_AGE.search(text, max(0, q.start - 80), q.start)
    if not m:
        return False
    word_before = re.search(r"([\w'’-]+)\W*$", text[max(0, m.start() - 20):m.start()])
    return not (word_before and word_before.group(1).lower() in _PLACE_PREPOSITIONS)  # "in Deir Ezzor, 12"


#: a bracket that opens a list item or a reference: "[2]", "civilians.(1)", "\n(1) ", "killed: (1)"
_MARKER_BEFORE = re.compile(r"(?:\[|(?:^|[\n:;.])\s*\(|[^\s(]\()$")


def _is_casualty_figure(q: Quantity, text: str, sentence: _Sentence, cues: _SpanIndex,
                        previous: _Sentence | None = None, attributed: bool = False,
                        counted: bool = False) -> bool:
    if _head_noun(text, q.end) in _NOT_CASUALTY_UNITS:
        return False
    after = _words_after(text, q.end)
    first = after[0] if after else ""
    if first in ("%", "percent", "per"):
        return False
    if re.match(r"\s*%", text[q.end:q.end + 2]):
        return False
    victims_after = [w for w in after[:3] if any(w in ws for ws in _VICTIM_WORDS.values())]
    lead = [w for w in after[:3] if w not in _ADJECTIVES]
    if lead and lead[0] in _NOT_CASUALTY_UNITS and not victims_after[:1]:
        return False
    if q.plain_year_like and not (victims_after and after[0] in victims_after):
        return False
    one = _one_counts(q, text, sentence, cues) if q.is_word and q.low == 1 and not q.is_range else ""
    if q.is_word and q.low <= 1 and not (victims_after or one):
        return False  # "one of the", "a single", "no one"; but "one person killed", "killing one", "one dead"
    if q.is_word and q.low == 1 and _ONE_PRONOUN_BEFORE.search(text, max(0, q.start - 30), q.start):
        return False  # "no one was hurt", "the one civilian who"
    if _is_age_after_name(q, text):
        return False  # "identified as Osaid Abu Ali, 22, and ..."
    if re.search(r"[$£€#№]\s*$|\bNo\.\s*$|\bpage\s+$|\bResolution\s+$", text[max(0, q.start - 12):q.start]):
        return False
    if _STATE_BEFORE.search(text, max(0, q.start - 40), q.start):
        return False  # "displaced a further 2 million"
    if (not q.is_word and not q.is_range and q.low <= 31 and not victims_after
            and _DAY_OR_MONTH_BEFORE.search(text, max(0, q.start - 12), q.start)):
        return False  # "on Wednesday 19, Sudan Tribune has learned": a date ("on Monday 12 people were killed" is not)
    if _AGES.search(text, max(0, q.start - 40), q.start):
        return False  # "three children aged four, six, and 10": ages, not counts
    if (text[q.start - 1:q.start] in "([" and text[q.end:q.end + 1] in ")]" and q.start > 0 and not victims_after
            and _MARKER_BEFORE.search(text, max(0, q.start - 12), q.start)):
        return False  # list markers and references: "(1)", "[2]"; but "rose to (31) people", "reached (966) in X"
    clause = _clause_of(sentence, q.start)
    outcome_here = [c for c in cues.between(*clause) if c.kind == "OUTCOME"]
    outcome_sentence = [c for c in cues.between(sentence.start, sentence.end) if c.kind == "OUTCOME"]
    if outcome_here or one == "listed":
        return True
    if outcome_sentence and victims_after:
        return True
    if outcome_sentence and attributed:
        return True  # "..., while Airwars estimates between 7,309 and 11,691"
    if (previous and victims_after and q.start - sentence.start < 80 and _CONTINUES.match(text, sentence.start)
            and any(
            c.kind == "OUTCOME" for c in cues.between(previous.start, previous.end))):
        return True  # "The rest were from the military – 9,044 government soldiers"
    if counted and previous and any(c.kind == "OUTCOME" for c in cues.between(previous.start, previous.end)):
        return True  # "The coalition's own count ... stood at 1,302" after a sentence about deaths
    # "The correct figure is 817": a figure named in the previous sentence's terms
    return bool(previous and _CORRECT_FIGURE.search(text, sentence.start, sentence.end)
                and any(c.kind == "OUTCOME" for c in cues.between(previous.start, previous.end)))


def _nearest(items: list[Any], pos: tuple[int, int], key_start: str = "start", key_end: str = "end") -> Any:
    def dist(it: Any) -> int:
        s, e = getattr(it, key_start), getattr(it, key_end)
        if e <= pos[0]:
            return pos[0] - e
        if s >= pos[1]:
            return s - pos[1]
        return 0

    return min(items, key=dist) if items else None


# -- places -------------------------------------------------------------------
_PLACE_CANDIDATE = re.compile(
    r"(?-i:(?:\b(?:[Ww]est|[Ee]ast|[Nn]orth|[Ss]outh|[Ww]estern|[Ee]astern|[Nn]orthern|[Ss]outhern)\s+)?"
    r"[A-Z][\w'’]*(?:-[A-Za-z][\w'’]*)*(?:[ \t]+(?:al-|ar-|as-|ad-|el-|ez-|az-)?(?:al|el|ez|ad|as|ar|az|ash|city|"
    r"[A-Z][\w'’]*(?:-[A-Za-z][\w'’]*)*)){0,3})"
)
_DATELINE = re.compile(r"(?m)^\s*[A-Z][A-Z .'’-]+(?:,\s*[A-Z][\w .'’-]+)?\s*\([^()\n]{1,30}\)\s*[-–—]")
_ISIS_NAME = re.compile(r"Islamic State(?: of Iraq and (?:Syria|the Levant|al-Sham))?|ISIS|ISIL|IS\b")


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer | None:
    try:
        return load_gazetteer()
    except Exception:  # noqa: BLE001 - a missing gazetteer leaves places for the reviewer
        return None


def _find_places(text: str, start: int, end: int, gaz: Gazetteer | None,
                 blocked: _SpanIndex) -> list[tuple[str, int, int]]:
    if gaz is None:
        return []
    found: list[tuple[str, int, int]] = []
    for m in _PLACE_CANDIDATE.finditer(text, start, end):
        words = list(re.finditer(r"\S+", m.group(0)))
        i = 0
        while i < len(words):
            hit = None
            for j in range(len(words), i, -1):
                s = m.start() + words[i].start()
                e = m.start() + words[j - 1].end()
                name = text[s:e].rstrip("’'.,")
                e = s + len(name)
                if blocked.overlapping(s, e, lambda b: b[1]):
                    continue
                pid = gaz.resolve(name)
                if pid:
                    hit = (pid, s, e, j)
                    break
            if hit:
                found.append(hit[:3])
                i = hit[3]
            else:
                i += 1
    return found


_DEMONYMS = {"iraqi": "iq", "syrian": "sy"}
_DEMONYM = re.compile(r"\b(Iraqi|Syrian)\s+(?:civilian\s+)?(?:civilians|toll|death\s+toll|deaths|casualties|victims|"
                      r"children|women|people|dead)\b")


def _most_specific(ids: Iterable[str], gaz: Gazetteer | None) -> list[str]:
    ids = sorted(set(ids))
    if gaz is None:
        return ids
    try:
        return [i for i in ids if not any(o != i and i in gaz.ancestors(o) for o in ids)]
    except KeyError:
        return ids


# -- perpetrators ---------------------------------------------------------------
_PERPETRATORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("us-led-coalition", re.compile(
        r"\b(?:U\.?S\.?|American|Washington)\s*-\s*led\b|\bcoalition\b|\bCJTF[- ]OIR\b|\bCombined Joint Task Force\b",
        re.IGNORECASE)),
    ("iraqi-forces", re.compile(r"\bIraqi\s+(?:security\s+|government\s+)?(?:forces|army|troops|military)\b",
                                re.IGNORECASE)),
    ("russia", re.compile(r"\bRussian\s+(?:air\s*strikes|strikes|forces|jets|aircraft|warplanes|military|raids)\b",
                          re.IGNORECASE)),
    ("syrian-government", re.compile(r"\b(?:Syrian\s+(?:government|regime|army)|regime)\s*(?:forces|strikes|troops)?",
                                     re.IGNORECASE)),
    ("uk", re.compile(
        r"\b(?:RAF|British|UK|U\.K\.)\s+(?:air\s*strikes?|strikes?|aircraft|jets|forces|drones?|raids?)\b")),
    ("france", re.compile(r"\bFrench\s+(?:air\s*strikes?|strikes?|aircraft|jets|forces|raids?)\b")),
    ("isis", re.compile(r"\bby\s+(?:the\s+)?(?:ISIS|ISIL|IS|Daesh|Islamic State)\b")),
    ("all", re.compile(r"\ball\s+(?:sides|parties|actors|perpetrators)\b|\bacts\s+of\s+terrorism,\s+violence\s+and\s+"
                       r"armed\s+conflict\b", re.IGNORECASE)),
)


def _find_perpetrators(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for slug, pattern in _PERPETRATORS:
        for m in pattern.finditer(text, start, end):
            out.append((slug, m.start(), m.end()))
    return out


def _perpetrator_value(hits: list[tuple[str, int, int]]) -> str:
    slugs = {h[0] for h in hits}
    if {"us-led-coalition", "iraqi-forces"} <= slugs:
        return "coalition-and-iraqi-forces"
    if len(slugs) == 1:
        return next(iter(slugs))
    return ""


# -- attribution ----------------------------------------------------------------
_ACK_VERBS = {"acknowledged", "acknowledges", "acknowledge", "admitted", "admits", "admit", "conceded", "concedes",
              "concede", "assessed", "assesses", "assess", "accepted", "accepts", "confirmed", "confirms"}
_PUBLISHER_LINE = re.compile(
    r"(?m)^\s*[A-Z][\w.'’ -]{1,60}?\s+is\s+an?\s+(?:[\w-]+\s+){0,3}?(?:journalist|reporter|correspondent|writer|"
    r"editor|analyst|contributor|columnist)\s+(?:from|for|at|with)\s+(?:the\s+)?(?P<pub>[A-Z][\w&'’ .-]+?)\.?\s*$"
)


def _slug(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())
    return out.strip("-") or "unknown"


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass
class _Context:
    text: str
    published: str
    base: dt.date
    publisher: str
    url: str
    gaz: Gazetteer | None
    ops: tuple[Operation, ...]
    sentences: list[_Sentence]
    cues: _SpanIndex
    attributions: _SpanIndex  # by name_start
    blocked: _SpanIndex
    paragraph_spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    sole_source: Attribution | None = None
    publisher_source: Source | None = None
    figures: dict[int, list[Quantity]] = field(default_factory=dict)
    last_period: PeriodMention | None = None
    periods: dict[int, list[PeriodMention]] = field(default_factory=dict)
    places: dict[int, list[tuple[str, int, int]]] = field(default_factory=dict)
    vague: dict[int, list[Quantity]] = field(default_factory=dict)
    vague_mentions: list[VagueMention] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)
    perpetrators: _SpanIndex | None = None
    #: figures (start offsets) whose claimant a labelling convention decides (headline, lead, background)
    decided: set[int] = field(default_factory=set)
    #: (draft, body draft, reason) per claimant a convention copied: copied again if the attributor re-ranks the body
    copies: list[tuple[DraftClaim, DraftClaim, str]] = field(default_factory=list)
    paragraph_list: list[tuple[int, int]] = field(default_factory=list)  # paragraph spans in order, for bisect
    background: dict[int, bool] = field(default_factory=dict)  # sentence start → a background sentence?
    dates: _SpanIndex | None = None
    quotes: _SpanIndex | None = None

    def quote_at(self, pos: int) -> tuple[int, int, bool] | None:
        """The quotation holding `pos`: (opening, end, closed), from an index built once per text."""
        if self.quotes is None:
            spans = [q for a, b in sorted(self.paragraph_spans.values()) for q in _quotations(self.text, a, b)]
            self.quotes = _SpanIndex(spans, lambda q: q[0])
        inside = [q for q in self.quotes.between(max(0, pos - QUOTE_SPEAKER_REACH), pos + 1) if q[0] < pos < q[1]]
        return inside[-1] if inside else None

    def paragraphs(self) -> list[tuple[int, int]]:
        """The paragraph spans in text order (kept sorted once, for bisect)."""
        if len(self.paragraph_list) != len(self.paragraph_spans):
            self.paragraph_list = sorted(self.paragraph_spans.values())
        return self.paragraph_list

    def sentence_at(self, pos: int) -> int:
        """The index of the sentence that holds `pos`."""
        if not self.sentence_starts:
            self.sentence_starts = [x.start for x in self.sentences]
        return max(0, bisect_right(self.sentence_starts, pos) - 1)

    def date_index(self) -> _SpanIndex:
        """Every date in the text (`DateMention`s), indexed once per text (keeps extraction linear)."""
        if self.dates is None:
            self.dates = _SpanIndex(find_dates(self.text, self.base), lambda d: d.start)
        return self.dates

    def dates_in(self, start: int, end: int) -> list[DateMention]:
        """The dates inside [start, end)."""
        return [d for d in self.date_index().between(start, end) if d.end <= end]

    def perpetrators_in(self, start: int, end: int) -> list[tuple[str, int, int]]:
        """Perpetrator phrases inside [start, end), from the index built once per text (keeps extraction linear)."""
        if self.perpetrators is None:
            self.perpetrators = _SpanIndex(_find_perpetrators(self.text, 0, len(self.text)), lambda h: h[1])
        return [h for h in self.perpetrators.between(start, end) if h[2] <= end]

    def near_paragraph(self, sent: _Sentence) -> tuple[int, int]:
        """The sentence's paragraph, cut to CARRY_CHARS either side: a text with no paragraph breaks stays linear."""
        a, b = self.paragraph_spans[sent.paragraph]
        return max(a, sent.start - CARRY_CHARS), min(b, sent.end + CARRY_CHARS)


_QUOTE_MARK = re.compile("[\"“”«»]")
_QUOTE_MARKS = re.compile("[\"“”«»]+")
_QUOTE_CLOSE = re.compile("[\"”»],?")
_QUOTE_OPENS = re.compile("\\s*[\"“«]")


def _quotations(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """The quotations of one paragraph: (opening mark, after the closing mark, closed).

    Curly and angle marks say which way they face; a straight mark opens after a
    space or at the start and closes after a word or punctuation. A quote a
    paragraph opens and never closes runs to the paragraph's end (news copy
    leaves a quote that goes on in the next paragraph open).
    """
    out, opening = [], -1
    for m in _QUOTE_MARKS.finditer(text, start, end):
        k, mark = m.start(), m.group()[0]
        opens = mark in "“«" or (mark == '"' and (k == start or text[k - 1] in " \t([—–-") and opening < 0)
        if opens:
            opening = k
        elif opening >= 0:
            out.append((opening, m.end(), True))
            opening = -1
    if opening >= 0:
        out.append((opening, end, False))
    return out


def _publisher_as_outlet(attributions: list[Attribution], publisher: str) -> list[Attribution]:
    """The publisher named in its own text ("News.Az reports, citing foreign media") relays; it is not the claimant."""
    base = re.sub(r"\s*\(.*\)\s*$", "", publisher or "").strip().lower()
    if not base:
        return attributions
    return [replace(a, source=Source(a.name, "media_investigation", "", True))
            if a.source is None and a.name.lower() == base else a for a in attributions]


def _is_claimant(a: Attribution) -> bool:
    """A phrase naming who produced a figure (not an outlet relaying it, not "told <outlet>")."""
    return (not a.is_outlet or a.kind == "finding") and a.kind != "told"


_MONTHS = "|".join(MONTHS)
#: a sentence that steps back to another time: background the publisher gives, not the source's statement
_BACKGROUND = re.compile(r"\s*[\"“]?(?:In\s+other\s+(?:violence|news|developments|incidents)\b|Back\s+in|"
                         rf"Last\s+(?:year|month|week|{_MONTHS})|In\s+(?:\d{{4}}|{_MONTHS})\b|Since\s+\d{{4}}|"
                         r"Earlier\s+this\s+(?:year|month))")

#: a sentence that gives a conflict's toll so far or an earlier event as context ("the insurgency that has killed
#: some 30,000", "Nearly 190,000 have been killed since an uprising ... erupted", "comes two days after ... were
#: killed", "the deadliest ... since July, when 17 ... were killed"): with no source of its own, the publisher's own
_BACKGROUND_TOLL = re.compile(r"""(?ix)
    \b(?:war|conflict|insurgency|violence|uprising|fighting|unrest|crisis|rebellion|revolt|campaign|hostilities|clashes)\b
      [^.;]{0,80}?\b(?:that|which)\s+(?:has|have|had)\s+(?:so\s+far\s+)?(?:killed|left|claimed|cost|seen)\b
    | \b(?:have|has)\s+(?:been\s+)?(?:killed|died)\b[^.;]{0,80}?\bsince\s+(?:the|an?|its|their)\s+(?:start|beginning|
      outbreak|uprising|war|conflict|insurgency|revolution|protests?|crisis|fighting)\b
    | \bsince\s+(?:the|an?)\s+(?:war|conflict|insurgency|uprising|revolution|crisis|fighting)\b[^.;]{0,40}?
      \b(?:began|erupted|broke\s+out|started)\b
    | \b(?:in|over|during)\s+the\s+(?:past|last)\s+(?:year|decade|\w+\s+(?:years|decades))\b
    | \b(?:have|has)\s+(?:been\s+)?(?:killed|died)\s+in\s+(?:[\w'’-]+\s+){0,2}(?:war|conflict|insurgency|uprising|
      fighting)\b[^.;]{0,40}?\b(?:which|that)\s+(?:began|erupted|broke\s+out|started)\b
    | \bin\s+(?:\w+\s+)?(?:years|decades)\s+of\s+(?:fighting|war|conflict|violence|insurgency)\b
    | \bsince\s+(?:MONTHS|last\s+\w+|\d{4})\s*,\s+when\b
    | \b(?:comes?|came)\s+(?:just\s+|only\s+)?(?:(?:\w+\s+)?(?:days?|weeks?|months?)\s+)?after\b
    | \b(?:war|conflict|insurgency|violence|fighting|unrest|crisis|clashes|hostilities)\s+(?:has|have|had)\s+
      (?:so\s+far\s+|now\s+|already\s+)?(?:killed|left|claimed|cost)\b
    | \bsince\s+\d{4}\s*,\s+killing\b
    | \b(?:a|one|two|three|several|\d+)\s+(?:years?|decades?)\s+ago\b
    | \bin\s+(?:MONTHS)\s+last\s+year\b
    | \b(?:follows?|followed)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,3}(?:attack|ambush|strike|bombing|raid|assault|
      clash(?:es)?)\b[^.;]{0,80}?\b(?:(?:in|during)\s+which|that\s+(?:left|killed|claimed))\b
    | \bthe\s+(?:deadliest|worst|bloodiest)\b[^.;]{0,60}?\bsince\b
""".replace("MONTHS", _MONTHS))


def _is_background(ctx: _Context, sent: _Sentence) -> bool:
    """The sentence steps back to another time or gives a toll so far: context the publisher adds (read once)."""
    if sent.start not in ctx.background:
        ctx.background[sent.start] = bool(_BACKGROUND.match(ctx.text, sent.start)
                                          or _BACKGROUND_TOLL.search(ctx.text, sent.start, sent.end)
                                          or _dated_earlier(ctx, sent))
    return ctx.background[sent.start]


#: a calendar date more than this many days before the text's own date is another event than the one reported
EARLIER_EVENT_DAYS = 4


def _dated_earlier(ctx: _Context, sent: _Sentence) -> bool:
    """The sentence dates what it tells to a day or month well before the text's date ("On Oct. 5, six ...").

    Only when the text's date is known to the day; weekdays ("on Monday") are the reported event's own days.
    """
    if len(ctx.published) != 10:
        return False
    for d in ctx.dates_in(sent.start, sent.end):
        if d.precision == "year":
            continue
        _, last = parse_published(d.value)  # the last day the date can mean
        if (ctx.base - last).days > EARLIER_EVENT_DAYS:
            return True
    return False


#: how far after its opening mark a quote's closing mark (and its speaker) is looked for
QUOTE_SPEAKER_REACH = 1500


def _choose_claimant(ctx: _Context, si: int, q: Quantity) -> tuple[Attribution | None, float, list[Attribution]]:
    """The attribution for a figure and the outlets it came through (text order).

    Read in this order: the figure's clause (the source before it, else after
    it), its sentence (a named source before unnamed people), the speaker of
    the quote it is in, the paragraph before it, a next sentence that only
    attributes, the paragraphs before when its own paragraph names no source
    (follow-on paragraphs and lists), the only source named before it, an
    outlet reporting it. "The network", "it", "a monitor" arrive here already
    resolved to the source they refer to (`_resolve.py`). docs/EXTRACT.md,
    "Attribution", has the rules with examples.
    """
    sent = ctx.sentences[si]
    clause = _clause_of(sent, q.start)
    in_sentence = ctx.attributions.between(sent.start, sent.end)
    claimants = [a for a in in_sentence if _is_claimant(a)]
    outlets = [a for a in in_sentence if not _is_claimant(a)]
    same_clause = [a for a in claimants if clause[0] <= a.name_start < clause[1]]
    before = [a for a in same_clause if a.name_end <= q.start]
    after = [a for a in same_clause if a.name_start >= q.end]
    named_before = [a for a in before if not a.unnamed]
    named_after = [a for a in after if not a.unnamed]
    chosen, conf = None, 0.0
    if named_before or named_after:
        chosen, conf = (named_before[-1], 0.9) if named_before else (named_after[0], 0.8)
    elif before or after:
        chosen, conf = (before[-1], 0.9) if before else (after[0], 0.8)
    elif claimants:
        named = [a for a in claimants if not a.unnamed] or claimants
        chosen, conf = _nearest(named, q.span, "name_start", "name_end"), 0.6
    if chosen is not None and chosen.kind != "according":
        cited = [a for a in claimants if a.kind == "according" and 0 <= a.start - chosen.end <= 12
                 and ctx.text[a.start:a.start + 8].lower().startswith(("citing", "quoting"))]
        if cited:  # "the state news agency reported, citing the health ministry": the agency relays
            outlets = [*outlets, chosen]
            chosen = cited[0]
    if chosen is not None and chosen.kind == "self":
        speakers = [a for a in claimants if a.kind != "self" and not a.unnamed]
        if speakers and _QUOTE_MARK.search(ctx.text, sent.start, sent.end):
            chosen, conf = speakers[0], 0.7  # "«we have documented 439 ...», Observatory director X told AFP"
        elif not speakers and _QUOTE_OPENS.match(ctx.text, sent.start):
            spoke = [a for a in ctx.attributions.between(ctx.near_paragraph(sent)[0], sent.start)
                     if _is_claimant(a) and a.kind != "self" and not a.unnamed]
            if spoke:  # '"The operation is over," X told CNN. "We lost two ...": the quote goes on
                chosen, conf = spoke[-1], 0.6
    # outlets earlier in the paragraph relay the whole paragraph ("According to X, ...")
    para_start, _para_end = ctx.near_paragraph(sent)
    before_here = ctx.attributions.between(para_start, sent.start)
    earlier = [a for a in before_here if a.kind == "according" and a.is_outlet]
    quote = ctx.quote_at(q.start) if chosen is None else None
    if quote is not None:
        chosen, conf = _quote_speaker(ctx, quote), 0.6
    if chosen is None and _QUOTE_OPENS.match(ctx.text, sent.start):
        chosen, conf = _attributed_by_next_sentence(ctx, si) or _speaker_after_quote(ctx, sent), 0.6
    if chosen is None and quote is not None:
        chosen, conf = _quote_goes_on(ctx, quote), 0.5
    if chosen is None and _is_background(ctx, sent):
        ctx.decided.add(q.start)  # a convention decides it: the attributor leaves it alone
        return None, 0.0, []  # "Last September, at least 18 ... were killed": background, the publisher's own
    if chosen is None:
        previous = [a for a in before_here if _is_claimant(a)]
        if previous:
            chosen, conf = previous[-1], 0.5
        else:
            chosen, conf = _attributed_by_next_sentence(ctx, si), 0.45
            if chosen is None:
                chosen, conf = _carried_from_earlier_paragraphs(ctx, si), 0.4
                if chosen is not None and _introduces_list(ctx, chosen):
                    ctx.decided.add(q.start)  # a list after "According to X, ...:": X's, by convention
            sole = ctx.sole_source
            if (chosen is None and not outlets and sole is not None and sole.name_start < q.start
                    and ctx.publisher_source is None):
                chosen, conf = sole, 0.4  # the only source the whole text names (e.g. in its headline)
    relays = [a for a in [*earlier, *outlets] if chosen is None or a.name != chosen.name]
    if chosen is None and ctx.publisher_source is not None and not relays:
        return None, 0.0, []  # the publisher's own figure: filled by the caller
    if chosen is None and relays:
        # no other source named: the outlet's own reporting is the claimant
        chosen, conf = relays[-1], 0.6
        relays = relays[:-1]
    return chosen, conf, relays


#: how far after a quotation's closing mark its speaker is named (", a resident, Tukur Gödel, told Daily Trust")
SPEAKER_AFTER_QUOTE = 100


def _first_claimant(ctx: _Context, start: int, end: int) -> Attribution | None:
    """The first source (not an outlet that relays) named in [start, end): a quotation's speaker after it closes."""
    return next((a for a in ctx.attributions.between(start, end) if _is_claimant(a)), None)


def _quote_speaker(ctx: _Context, quote: tuple[int, int, bool]) -> Attribution | None:
    """'"... They killed six people ... We counted six dead bodies," he said': who a quotation is given to.

    The source named just after its closing mark in the same sentence (", a resident,
    Tukur Gödel, told Daily Trust"), else the one named before its opening mark in the
    sentence it opens in ("X said: "...").
    """
    opening, end, closed = quote
    if closed:
        sent = ctx.sentences[ctx.sentence_at(end - 1)]
        after = _first_claimant(ctx, end, min(sent.end, end + SPEAKER_AFTER_QUOTE))
        if after is not None:
            return after
    sent = ctx.sentences[ctx.sentence_at(opening)]
    before = [a for a in ctx.attributions.between(sent.start, opening) if _is_claimant(a) and a.name_end <= opening]
    return before[-1] if before else None


def _quote_goes_on(ctx: _Context, quote: tuple[int, int, bool]) -> Attribution | None:
    """'Muhammad Yusuf, a resident, told Daily Trust that ...' then a paragraph that is his quote.

    A quotation that opens its paragraph and is given to no one there goes on from
    the source named in the paragraph before.
    """
    opening = quote[0]
    para = ctx.paragraph_spans[ctx.sentences[ctx.sentence_at(opening)].paragraph]
    if ctx.text[para[0]:opening].strip():
        return None
    spans = ctx.paragraphs()
    i = bisect_left(spans, para)
    if i == 0:
        return None
    last = spans[i - 1]
    claimants = [a for a in ctx.attributions.between(max(last[0], para[0] - CARRY_CHARS), para[0])
                 if _is_claimant(a) and a.kind != "self"]
    return claimants[-1] if claimants else None


def _speaker_after_quote(ctx: _Context, sent: _Sentence) -> Attribution | None:
    """'"So far, 23 dead ...,\n\nand dozens wounded," said X': the speaker named where the quote closes.

    A quote may run over sentences and paragraphs; its speaker is the source named
    just after the closing mark (within QUOTE_SPEAKER_REACH characters of the opening).
    """
    opening = _QUOTE_OPENS.match(ctx.text, sent.start)
    if opening is None:
        return None
    close = _QUOTE_CLOSE.search(ctx.text, opening.end(), opening.end() + QUOTE_SPEAKER_REACH)
    if close is None:
        return None
    return _first_claimant(ctx, close.end(), close.end() + SPEAKER_AFTER_QUOTE)


#: a paragraph that only names the sources of the lead above it (Ukrainska Pravda's "Source: ...")
_SOURCE_LINE = re.compile(SOURCE_LINE)


def _attributed_by_next_sentence(ctx: _Context, si: int) -> Attribution | None:
    """"... killing at least 38 people. It is reported by Human Rights Watch.": a sentence that only attributes.

    The next sentence of the paragraph, when it states no figure of its own and
    names a source in its first words, attributes the figures before it.
    """
    if si + 1 >= len(ctx.sentences):
        return None
    nxt = ctx.sentences[si + 1]
    # "Two people were killed ...\n\nSource: Kharkiv Mayor Ihor Terekhov; ...": a source line under the lead
    if nxt.paragraph != ctx.sentences[si].paragraph and not (
            nxt.paragraph == ctx.sentences[si].paragraph + 1 and _SOURCE_LINE.match(ctx.text, nxt.start)):
        return None
    if _QUOTE_OPENS.match(ctx.text, ctx.sentences[si].start):  # inside a quote: the speaker after it
        close = _QUOTE_CLOSE.search(ctx.text, nxt.start, nxt.end)
        if close:
            return _first_claimant(ctx, close.end(), nxt.end)
    if find_quantities(ctx.text[nxt.start:nxt.end]):
        return None
    first = [a for a in ctx.attributions.between(nxt.start, min(nxt.end, nxt.start + 60)) if _is_claimant(a)]
    return first[0] if first and not first[0].unnamed else None


def _introduces_list(ctx: _Context, a: Attribution) -> bool:
    """The attribution's paragraph ends with a colon: what follows is its list ("... Central Command statement:")."""
    spans = ctx.paragraphs()
    i = bisect_right(spans, (a.name_start, len(ctx.text) + 1)) - 1
    start, end = spans[i] if i >= 0 else (0, 0)
    return start <= a.name_start < end and ctx.text[start:end].rstrip().endswith(":")


def _carried_from_earlier_paragraphs(ctx: _Context, si: int) -> Attribution | None:
    """The last source named in the paragraphs just before, when this figure's paragraph names none.

    Wire copy names its source once and runs on ("Seven children were among
    the dead", a list of strikes after "According to a Central Command
    statement"); up to CARRY_CHARS back, and never past a paragraph that
    names a source only through an outlet.
    """
    sent = ctx.sentences[si]
    para_start = ctx.paragraph_spans[sent.paragraph][0]
    own = [a for a in ctx.attributions.between(para_start, ctx.paragraph_spans[sent.paragraph][1]) if _is_claimant(a)]
    if own:
        return None
    window = ctx.attributions.between(max(0, para_start - CARRY_CHARS), para_start)
    claimants = [a for a in window if _is_claimant(a)]
    return claimants[-1] if claimants else None


_SAME_PERIOD = re.compile(r"\b(?:over|in|during|for|across)\s+the\s+same\s+(?:period|time|timeframe|months|years)\b",
                          re.IGNORECASE)


def _period_for(ctx: _Context, si: int, q: Quantity) -> tuple[PeriodMention | None, float]:
    sent = ctx.sentences[si]
    mentions = ctx.periods.get(si, [])
    clause = _clause_of(sent, q.start)
    here = [p for p in mentions if clause[0] <= p.start < clause[1]]
    if here:
        return _nearest(here, q.span), 1.0
    if mentions:
        return _nearest(mentions, q.span), 0.7
    if _SAME_PERIOD.search(ctx.text, sent.start, sent.end) and ctx.last_period is not None:
        return ctx.last_period, 0.7
    for sj in range(si - 1, max(-1, si - 1 - CARRY_SENTENCES), -1):
        if ctx.sentences[sj].paragraph != sent.paragraph:
            break
        carried = ctx.periods.get(sj, [])
        if carried:
            return carried[-1], 0.5 if carried[-1].kind in ("since", "operation") else 0.45
    return None, 0.0


def _places_for(ctx: _Context, si: int, q: Quantity) -> tuple[list[tuple[str, int, int]], float]:
    sent = ctx.sentences[si]
    found = ctx.places.get(si, [])
    clause = _clause_of(sent, q.start)
    here = [p for p in found if clause[0] <= p[1] < clause[1]]
    if here:
        return here, 0.85
    others = [f for f in ctx.figures.get(si, []) if f.start != q.start]
    free = [p for p in found if not any(_clause_of(sent, f.start) == _clause_of(sent, p[1]) for f in others)]
    if free:
        return free, 0.65
    if found:
        return [], 0.0  # places of another figure's clause are not this figure's
    for sj in range(si - 1, max(-1, si - 1 - CARRY_SENTENCES), -1):
        if ctx.sentences[sj].paragraph != sent.paragraph:
            break
        if ctx.places.get(sj):
            return ctx.places[sj], 0.5
    return [], 0.0


@dataclass
class _Fields:
    """A draft row being filled: values, confidences, spans, and notes for the reviewer (in the order added)."""

    row: dict[str, str] = field(default_factory=lambda: {c: "" for c in CLAIM_COLUMNS})
    conf: dict[str, float] = field(default_factory=lambda: {c: 0.0 for c in CLAIM_COLUMNS})
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    attribution: tuple[int, int] | None = None  # the phrase that named the claimant


def _draft(ctx: _Context, si: int, q: Quantity) -> DraftClaim:
    """One draft row for figure `q` of sentence `si`; each step fills its fields and notes, in this order."""
    sent = ctx.sentences[si]
    f = _Fields()
    _fill_figure(f, ctx, si, q)
    _fill_outcome_and_victims(f, ctx, si, q)
    src, claimant_name, relays = _fill_claimant(f, ctx, si, q)
    _fill_relay_chain(f, ctx, claimant_name, relays)
    _fill_perpetrator(f, ctx, si, q, src)
    _fill_places(f, ctx, si, q)
    _fill_period(f, ctx, si, q)
    _fill_publication(f, ctx, si, q)
    draft = DraftClaim(f.row, f.conf, f.spans, q.span, (sent.start, sent.end))
    draft.missing = _missing(f.row)
    if f.attribution is not None:
        draft.attribution_span = _sentence_around(ctx, f.attribution[0])
    return draft


def _sentence_around(ctx: _Context, pos: int) -> tuple[int, int]:
    """The span of the sentence that contains `pos` (the attribution's sentence, for the reviewer)."""
    sent = ctx.sentences[ctx.sentence_at(pos)]
    return sent.start, sent.end


def _fill_figure(f: _Fields, ctx: _Context, si: int, q: Quantity) -> None:
    """low/high/best, qualifier and unit; a figure the text says was wrong keeps a low confidence."""
    sent = ctx.sentences[si]
    row, conf, spans, notes = f.row, f.conf, f.spans, f.notes
    row["low"], row["high"] = _fmt(q.low), _fmt(q.high)
    row["best"] = _fmt(q.best) if q.qualifier == "none" and not q.vague and q.low == q.high else ""
    figure_conf = 0.5 if q.vague else (0.9 if q.is_word else 0.95)
    for col in ("low", "high"):
        conf[col] = figure_conf
        spans[col] = [q.span]
    if row["best"]:
        conf["best"], spans["best"] = figure_conf, [q.span]
    row["qualifier"] = q.qualifier
    conf["qualifier"] = 0.9 if q.qualifier_text else 0.7
    q_start = q.qualifier_start  # an offset exactly when there is qualifier text
    if q.qualifier_text and q_start is not None:
        spans["qualifier"] = [(q_start, q_start + len(q.qualifier_text))]
    else:
        spans["qualifier"] = []
    if q.vague:
        notes.append(f"'{q.text}' mapped by convention to {row['low']}-{row['high']} (docs/EXTRACT.md)")
    if q.qualifier_text.lower() in ("only", "just", "a mere"):
        notes.append(f"stated as '{q.qualifier_text} {q.text}'")
    row["unit"], conf["unit"], spans["unit"] = "persons", 0.8, [q.span]
    if _CORRECTION.search(ctx.text, sent.start, sent.end):
        notes.append("the text says this figure was stated in error (corrected or withdrawn): check before use")
        for col in ("low", "high", "best"):
            conf[col] = min(conf[col], 0.3)


#: what may stand between a verb and its figure or the figure's qualifier ("kills 8", "kills another 8")
_JUST_BEFORE = re.compile(r"\s+" + _ANOTHER, re.IGNORECASE)


def _fill_outcome_and_victims(f: _Fields, ctx: _Context, si: int, q: Quantity) -> None:
    """outcome and victims: the nearest cue in the clause, else the sentence.

    "The correct figure is 817" takes its cues from the previous sentence.
    """
    text = ctx.text
    sent = ctx.sentences[si]
    clause = _clause_of(sent, q.start)
    previous = ctx.sentences[si - 1] if si and ctx.sentences[si - 1].paragraph == sent.paragraph else None
    others = [g for g in ctx.figures.get(si, []) if g.start != q.start]
    for kind, col in (("OUTCOME", "outcome"), ("VICTIM", "victims")):
        pool = [c for c in ctx.cues.between(*clause) if c.kind == kind]
        c_conf = 0.85
        if not pool:
            pool = [c for c in ctx.cues.between(sent.start, sent.end) if c.kind == kind]
            c_conf = 0.6
        if not pool and previous is not None and _CORRECT_FIGURE.search(text, sent.start, sent.end):
            pool = [c for c in ctx.cues.between(previous.start, previous.end) if c.kind == kind]
            c_conf = 0.45
        pool = [c for c in pool if not _cue_owned_by_other(text, q, c, others)]
        # "1,090 were injured": a cue right after the figure (its own verb or noun) wins
        forward = [c for c in pool if c.start >= q.end and c.start - q.end <= 45
                   and not re.search(r"[\d;.]|\b(?:and|or|while|but)\b", text[q.end:c.start])]
        # "kills 8, injures 22": the verb just before the figure is its own, not the next clause's
        head = q.phrase_start  # "kills at least 8"
        backward = [c for c in pool if c.end <= head and _JUST_BEFORE.fullmatch(text, c.end, head)]
        if forward and backward and "," in text[q.end:forward[0].start]:
            forward = []
        cue = forward[0] if forward else backward[-1] if backward else _nearest(pool, q.span)
        if cue is not None:
            directly_after = cue.start >= q.end and not text[q.end:cue.start].strip(" \t\n-–")
            f.row[col] = cue.value
            f.conf[col] = 0.95 if directly_after else c_conf
            if cue.value == "killed_or_injured" and kind == "OUTCOME":
                f.conf[col] = min(f.conf[col], 0.6)
                f.notes.append(f"'{text[cue.start:cue.end]}' read as killed or injured")
            f.spans[col] = [(cue.start, cue.end)]


def _cue_owned_by_other(text: str, q: Quantity, c: _Cue, others: list[Quantity]) -> bool:
    """A cue after a later figure belongs to that figure ("3,048, including 925 children").

    A cue before both is shared ("deaths of 3,037 civilians, including 924 children").
    """
    for other in others:
        if not (c.start >= q.end and q.end <= other.start < c.start):
            continue
        closed = "," in text[other.end:c.start]  # "among them four children, were killed"
        if not (closed and _SUBCOUNT.search(text, max(0, other.start - 20), other.start)):
            return True
    return False


def _fill_claimant(
    f: _Fields, ctx: _Context, si: int, q: Quantity
) -> tuple[Source | None, str, list[Attribution]]:
    """claimant, claimant_type and method; returns the claimant's registry entry, name and the outlets it came through.

    "We" is the publisher; a figure no one is named for is the publisher's own.
    """
    row, conf = f.row, f.conf
    chosen, c_conf, relays = _choose_claimant(ctx, si, q)
    src: Source | None = None
    if chosen is not None:
        src = chosen.source
        row["claimant"], conf["claimant"] = chosen.name, c_conf
        f.spans["claimant"] = [(chosen.name_start, chosen.name_end)] + ([chosen.via] if chosen.via else [])
        f.attribution = (chosen.start, chosen.end)
        if chosen.via:
            f.notes.append(f"'{ctx.text[chosen.name_start:chosen.name_end]}' read as {chosen.name}, named earlier")
        if src and src.claimant_type:
            row["claimant_type"], conf["claimant_type"] = src.claimant_type, round(min(c_conf, 0.8), 2)
        method = ""
        if src and src.claimant_type == "belligerent":
            method = "acknowledged_after_investigation" if chosen.verb in _ACK_VERBS else src.method
        elif src:
            method = src.method
        if method:
            row["method"], conf["method"] = method, 0.6 if chosen.verb not in _ACK_VERBS else 0.75
    if chosen is not None and chosen.kind == "self":
        chosen = None  # "we estimate", "our researchers found": the publisher speaks
        if ctx.publisher_source is None:
            f.notes.append("first-person source ('we'): the publisher of the text")
            if ctx.publisher:
                row["claimant"], conf["claimant"] = ctx.publisher, 0.6
    if chosen is None and ctx.publisher_source is not None and not relays:
        src = ctx.publisher_source
        row["claimant"], conf["claimant"] = src.name, 0.6
        f.notes.append("no source named for this figure: read as the publisher's own")
        if src.claimant_type:
            row["claimant_type"], conf["claimant_type"] = src.claimant_type, 0.6
        if src.method:
            row["method"], conf["method"] = src.method, 0.5
        return src, src.name, relays
    if chosen is None and not row["claimant"] and ctx.publisher and not relays:
        row["claimant"], conf["claimant"] = ctx.publisher, 0.3
        f.notes.append("no source named in the text for this figure: the publishing outlet's own statement")
        return None, ctx.publisher, relays
    return src, (chosen.name if chosen is not None else row["claimant"]), relays


def _fill_relay_chain(f: _Fields, ctx: _Context, claimant_name: str, relays: list[Attribution]) -> None:
    """relay_chain (outlets nearest the claimant first, the publisher last) and source_status."""
    chain = [a.name for a in reversed(relays)]
    if ctx.publisher and ctx.publisher != claimant_name:
        chain.append(ctx.publisher)
    chain = list(dict.fromkeys(chain))
    if chain:
        f.row["relay_chain"] = RELAY_SEPARATOR.join(chain)
        f.conf["relay_chain"] = 0.8 if relays else 0.6
        f.spans["relay_chain"] = [(a.name_start, a.name_end) for a in relays]
        f.row["source_status"], f.conf["source_status"] = "relayed", 0.7
    elif ctx.publisher and claimant_name and ctx.publisher == claimant_name:
        f.row["source_status"], f.conf["source_status"] = "primary", 0.7


def _fill_perpetrator(f: _Fields, ctx: _Context, si: int, q: Quantity, src: Source | None) -> None:
    """perpetrator: in the clause, the sentence, the paragraph, else the claimant's own actions."""
    sent = ctx.sentences[si]
    clause = _clause_of(sent, q.start)
    hits = ctx.perpetrators_in(*clause)
    p_conf = 0.85
    if not _perpetrator_value(hits):
        hits, p_conf = ctx.perpetrators_in(sent.start, sent.end), 0.65
    if not _perpetrator_value(hits):
        hits, p_conf = ctx.perpetrators_in(*ctx.near_paragraph(sent)), 0.45
    value = _perpetrator_value(hits)
    if value:
        f.row["perpetrator"], f.conf["perpetrator"] = value, p_conf
        f.spans["perpetrator"] = [(h[1], h[2]) for h in hits][:3]
    elif src and src.name == "CJTF-OIR":
        f.row["perpetrator"], f.conf["perpetrator"] = "us-led-coalition", 0.5
        f.notes.append("perpetrator read from the claimant (the coalition reports its own actions)")


def _fill_places(f: _Fields, ctx: _Context, si: int, q: Quantity) -> None:
    """places: gazetteer names near the figure, else an adjective ("Iraqi civilians"); the most specific ids kept."""
    text = ctx.text
    clause = _clause_of(ctx.sentences[si], q.start)
    found, pl_conf = _places_for(ctx, si, q)
    if not found:
        demonyms = [(pid, m.start(), m.end()) for m in _DEMONYM.finditer(text, clause[0], clause[1])
                    for pid in [_DEMONYMS[m.group(1).lower()]] if ctx.gaz is None or pid in ctx.gaz]
        if demonyms:
            found, pl_conf = demonyms, 0.5
            f.notes.append("place read from an adjective ('" + text[demonyms[0][1]:demonyms[0][2]] + "')")
    ids = _most_specific((p[0] for p in found), ctx.gaz)
    if ids:
        f.row["places"], f.conf["places"] = ";".join(ids), pl_conf
        f.spans["places"] = [(p[1], p[2]) for p in found]


def _fill_period(f: _Fields, ctx: _Context, si: int, q: Quantity) -> None:
    """period_start/period_end; the period found becomes the one "the same period" refers to later."""
    period, per_conf = _period_for(ctx, si, q)
    if period is None:
        return
    f.row["period_start"] = period.period_start
    f.row["period_end"] = period.period_end
    f.conf["period_start"] = round(period.confidence * per_conf, 2) if period.period_start else 0.0
    f.conf["period_end"] = round(period.confidence * per_conf, 2)
    f.spans["period_start"] = f.spans["period_end"] = [(period.start, period.end)]
    if period.note:
        f.notes.append(period.note)
    if not period.period_end:
        f.notes.append("cumulative figure: period runs to the publication date")
    ctx.last_period = period


def _fill_publication(f: _Fields, ctx: _Context, si: int, q: Quantity) -> None:
    """published and url (from the caller, never from the text), then the note (quote + notes) and the claim id."""
    row, conf = f.row, f.conf
    sent = ctx.sentences[si]
    row["published"], conf["published"] = ctx.published, 0.6
    f.notes.append("published = the text's date; the claimant may have released the figure earlier")
    if ctx.url:
        row["url"], conf["url"] = ctx.url, 1.0
    quote = re.sub(r"\s+", " ", ctx.text[sent.start:sent.end]).strip()
    if len(quote) > 220:
        a = max(0, q.start - sent.start - 100)
        quote = "…" + re.sub(r"\s+", " ", ctx.text[sent.start + a:sent.start + a + 200]).strip() + "…"
    row["note"] = f'Draft extracted from text: "{quote}". ' + "; ".join(f.notes) + "."
    conf["note"] = 1.0
    row["claim_id"], conf["claim_id"] = _claim_id(row, ctx.published), 1.0


def _claim_id(row: dict[str, str], published: str) -> str:
    """`<claimant-slug>-<published>-<low>[-<high>]` (made unique within a text afterwards)."""
    return f"{_slug(row['claimant'] or 'unattributed')}-{published.replace('-', '')}-{row['low']}" + (
        f"-{row['high']}" if row["high"] != row["low"] else "")


def extract_claims(
    text: str | bytes,
    published: dt.date | dt.datetime | str,
    *,
    gazetteer: Gazetteer | None = None,
    publisher: str | None = None,
    url: str | None = None,
    operations: tuple[Operation, ...] | None = None,
    file: str = "<text>",
) -> DraftClaims:
    """Draft ledger rows for every casualty figure stated in `text`.

    `published` (date or `YYYY[-MM[-DD]]`) resolves relative dates and fills
    the `published` column. `publisher` is the outlet of the text itself (the
    last hop of every relay chain); when not given, a byline such as "X is a
    journalist from Y." supplies it. `url` fills the URL column; otherwise it
    stays missing for the reviewer. Raises ExtractInputError for text that is
    too large or binary, or a bad date; a text without figures gives no drafts.
    """
    text = _check_text(text, file)
    try:
        pub_text, base = parse_published(published)
    except ExtractInputError as exc:
        raise ExtractInputError(exc.field, exc.message, file=file) from None
    gaz = gazetteer if gazetteer is not None else _default_gazetteer()
    ops = load_operations() if operations is None else operations
    if publisher is None:
        m = _PUBLISHER_LINE.search(text)
        publisher = m.group("pub").strip() if m else ""
    if not text.strip():
        return DraftClaims(text=text, published=pub_text, publisher=publisher)
    ctx = _context(text, pub_text, base, publisher, url or "", gaz, ops)
    drafts = _draft_sentences(ctx)
    _number_repeated_ids(drafts)
    return DraftClaims(drafts, text=text, published=pub_text, publisher=ctx.publisher, vague=ctx.vague_mentions)


def _context(text: str, published: str, base: dt.date, publisher: str, url: str, gaz: Gazetteer | None,
             ops: tuple[Operation, ...]) -> _Context:
    """The text's structure: sentences split at attributions, cue and attribution indexes, paragraphs.

    Source names, "Islamic State", known sources and datelines are blocked as
    place names; a publisher the registry knows is written by its canonical name.
    """
    sentences, cues = _structure(text)
    attributions = resolve_references(text, find_attributions(text))
    blocked = [(a.name_start, a.name_end) for a in attributions]
    blocked += [(m.start(), m.end()) for m in _ISIS_NAME.finditer(text)]
    blocked += [(m.start(), m.end()) for m in KNOWN_NAMES.finditer(text)]
    blocked += [(m.start(), m.end()) for m in _DATELINE.finditer(text)]
    attributions = _publisher_as_outlet(attributions, publisher)
    publisher_name, publisher_source = canonical_source(publisher) if publisher else ("", None)
    if publisher_source is not None:
        publisher = publisher_name
    sentences = _split_at_attributions(text, sentences, attributions)
    cue_index = _SpanIndex(cues, lambda c: c.start)
    attr_index = _SpanIndex(attributions, lambda a: a.name_start)
    ctx = _Context(text, published, base, publisher, url, gaz, ops, sentences, cue_index, attr_index,
                   _SpanIndex(blocked, lambda b: b[0]),
                   publisher_source=publisher_source if publisher_source is not None and not publisher_source.is_outlet
                   else None)
    for sent in sentences:
        a, b = ctx.paragraph_spans.get(sent.paragraph, (sent.start, sent.end))
        ctx.paragraph_spans[sent.paragraph] = (min(a, sent.start), max(b, sent.end))
    named = {a.name for a in attributions if not a.is_outlet and a.kind != "told"}
    if len(named) == 1:
        ctx.sole_source = next(a for a in attributions if a.name in named)
    return ctx


def _draft_sentences(ctx: _Context) -> list[DraftClaim]:
    """Sentence by sentence: its periods and places, its casualty figures, a draft for each figure.

    The first operation a period names ("since the operation began") is the one
    later sentences refer to.
    """
    text, base, ops = ctx.text, ctx.base, ctx.ops
    doc_operation: Operation | None = None
    by_id = {o.operation_id: o for o in ops}
    quantities = find_quantities(text)
    date_index = ctx.date_index()  # figures inside a date are not figures
    drafts: list[DraftClaim] = []
    qi = 0
    for si, sent in enumerate(ctx.sentences):
        chunk = text[sent.start:sent.end]
        mentions = find_periods(chunk, base, operations=ops, default_operation=doc_operation)
        ctx.periods[si] = [
            PeriodMention(p.start + sent.start, p.end + sent.start, p.text, p.kind, p.period_start, p.period_end,
                          p.confidence, p.note, p.operation_id) for p in mentions
        ]
        for p in mentions:
            if p.operation_id and doc_operation is None:
                doc_operation = by_id.get(p.operation_id)
        ctx.places[si] = _find_places(text, sent.start, sent.end, ctx.gaz, ctx.blocked)
        figures, qi = _figures_in(ctx, si, quantities, qi, date_index)
        ctx.figures[si] = figures
        drafts.extend(_draft(ctx, si, q) for q in figures)
        _note_vague(ctx, si, drafts)
    _headline_claimants(ctx, drafts)
    _attribute(ctx, drafts)
    for d, b, why in ctx.copies:  # a headline's or lead's figure follows the body's final claimant
        if d.row["claimant"] != b.row["claimant"]:
            _copy_claimant(d, b, ctx, why)
    return drafts


def _note_vague(ctx: _Context, si: int, drafts: list[DraftClaim]) -> None:
    """A vague quantity ("dozens were injured") is kept as a qualifier on the claims of its sentence.

    It never becomes a draft with an invented range; the drafts of its sentence
    (else the last draft of its paragraph) say that the text also gives it, and
    `DraftClaims.vague` lists it with its claimant.
    """
    sent = ctx.sentences[si]
    for q in ctx.vague.get(si, []):
        chosen, _conf, relays = _choose_claimant(ctx, si, q)
        who = chosen.name if chosen is not None else (ctx.publisher_source.name if ctx.publisher_source else "")
        ctx.vague_mentions.append(VagueMention(q.text, q.span, who, (sent.start, sent.end)))
        own = [d for d in drafts if sent.start <= d.figure_span[0] < sent.end]
        para = ctx.paragraph_spans[sent.paragraph]
        near = own or [d for d in drafts if para[0] <= d.figure_span[0] < sent.start][-1:]
        for d in near:
            d.row["note"] = d.row["note"].rstrip(".") + (
                f"; the text also says '{q.text}' (vague: kept here as a qualifier, not drafted as a figure).")


def _is_headline(ctx: _Context, sent: _Sentence) -> bool:
    """The text's first line when it reads as a title: its own paragraph, short, no closing full stop."""
    line = ctx.text[sent.start:sent.end].strip()
    first = ctx.sentences[0] if ctx.sentences else None
    return (sent is first and sent.paragraph == 0 and "\n" not in line and len(line) <= 200
            and not line.endswith((".", "?", "!", "\u201d", '"')))


def _is_standfirst(ctx: _Context, si: int) -> bool:
    """The one-sentence paragraph under a headline that names no source: it sums up the story, as a headline does."""
    if si >= len(ctx.sentences):
        return False
    sent = ctx.sentences[si]
    alone = all(o.paragraph != sent.paragraph for o in ctx.sentences[si + 1:si + 2])
    return (sent.paragraph == ctx.sentences[0].paragraph + 1 and alone and sent.end - sent.start <= 200
            and not ctx.attributions.between(sent.start, sent.end))


def _lead_claimants(ctx: _Context, drafts: list[DraftClaim]) -> None:
    """A lead's figure no one is named for, stated again further on with a source, takes that source.

    "Twenty-four civilians have been killed ..." then '"The toll is 24 dead," mayor X said': the lead
    sums up what the body attributes. Only the first paragraphs, and only the same figure.
    """
    last = ctx.sentences[0].paragraph + 2
    lead_end = 0
    for sent in ctx.sentences:  # sentences are in text order: stop after the lead
        if sent.paragraph > last:
            break
        lead_end = sent.end
    for i, d in enumerate(drafts):
        if d.figure_span[0] >= lead_end:
            break  # drafts are in text order: only the lead's are looked at (linear time)
        if d.confidence["claimant"] > 0.3:
            continue
        same = [b for b in drafts[i + 1:] if (b.row["low"], b.row["high"]) == (d.row["low"], d.row["high"])
                and b.confidence["claimant"] > 0.4]
        if same:
            _copy_claimant(d, same[0], ctx, "lead figure stated again further on: claimant as the text gives it there")


def _standfirst_claimants(ctx: _Context, drafts: list[DraftClaim]) -> None:
    """A standfirst's figure the body states again with a source takes that source, as a headline's does."""
    if not _is_standfirst(ctx, 1):
        return
    start, end = ctx.sentences[1].start, ctx.sentences[1].end
    body = [b for b in drafts if b.figure_span[0] >= end and b.confidence["claimant"] > 0.3]
    for d in (d for d in drafts if start <= d.figure_span[0] < end and d.confidence["claimant"] <= 0.4):
        same = [b for b in body if (b.row["low"], b.row["high"]) == (d.row["low"], d.row["high"])]
        if same:
            _copy_claimant(d, same[0], ctx, "standfirst figure: claimant as the body of the text gives it")


def _headline_claimants(ctx: _Context, drafts: list[DraftClaim]) -> None:
    """A headline's figure is the story's figure: its claimant is the one the body gives it.

    "... Kill 27 Civilians in Raqqa: Monitor", "... nears 16,000 - Health
    Ministry": a headline names its source loosely or not at all. When the
    headline draft has no source of its own (or only unnamed people or the
    publisher), it takes the claimant of the body's draft with the same figure,
    else of the body's first attributed draft.
    """
    if not ctx.sentences or not _is_headline(ctx, ctx.sentences[0]):
        return
    head_end = ctx.sentences[0].end
    _standfirst_claimants(ctx, drafts)
    _lead_claimants(ctx, drafts)
    head = [d for d in drafts if d.figure_span[0] < head_end]
    body_all = [d for d in drafts if d.figure_span[0] >= head_end]
    body = [d for d in body_all if d.confidence["claimant"] > 0.3]
    for d in head:
        if d.confidence["claimant"] > 0.4 and d.row["claimant"][:1].isupper() and not _generic(d.row["claimant"]):
            continue
        same = [b for b in body_all if (b.row["low"], b.row["high"]) == (d.row["low"], d.row["high"])]
        source = (same or body)[:1]
        if not source:
            continue
        _copy_claimant(d, source[0], ctx, "headline figure: claimant as the body of the text gives it")


#: a headline's "Ministry says", "Iraqi Officials:", "Monitor": a kind of source, not a name
_GENERIC_HEAD = re.compile(r"(?i)^(?:[A-Z][a-z]+\s+)?(?:ministry|monitor|military|army|government|authorities|police|"
                           r"officials?|sources?|activists|medics|rescuers|residents|witnesses|media|group|rebels)$")


def _generic(name: str) -> bool:
    return bool(_GENERIC_HEAD.match(name.strip()))


def _copy_claimant(d: DraftClaim, b: DraftClaim, ctx: _Context, why: str) -> None:
    """`d` takes the claimant (and its type, method, relays) of the body's draft `b`, at most at confidence 0.5."""
    ctx.decided.add(d.figure_span[0])
    if not any(c[0] is d for c in ctx.copies):
        ctx.copies.append((d, b, why))
    for col in ("claimant", "claimant_type", "method", "relay_chain", "source_status"):
        d.row[col], d.confidence[col] = b.row[col], min(b.confidence[col], 0.5)
    d.spans["claimant"] = list(b.spans.get("claimant", []))
    d.attribution_span = b.attribution_span
    if why not in d.row["note"]:
        d.row["note"] = d.row["note"].rstrip(".") + f"; {why}."
    d.row["claim_id"] = _claim_id(d.row, ctx.published)
    d.missing = _missing(d.row)


def _attribute(ctx: _Context, drafts: list[DraftClaim]) -> None:
    """Each draft's candidate sources, ranked by the trained attributor; its pick replaces the rules' if they differ.

    The rules' pick keeps its confidence when the attributor agrees; otherwise
    the claimant is the attributor's, with its probability as the confidence and
    the sentence that named it as the reason shown to the reviewer.
    """
    if not drafts:
        return
    weights = load_weights(str(ATTRIBUTOR_WEIGHTS)) if ATTRIBUTOR_WEIGHTS.is_file() else None
    starts = ctx.sentence_starts or [x.start for x in ctx.sentences]
    ctx.sentence_starts = starts
    named = [a for a in ctx.attributions.items if a.kind not in ("self", "told")]
    head_end = ctx.sentences[0].end if _is_headline(ctx, ctx.sentences[0]) else 0
    stats = text_stats(named, head_end, starts, ctx.text)
    publisher = ctx.publisher_source.name if ctx.publisher_source is not None else ctx.publisher
    picks = [(d.row["claimant"], d.confidence["claimant"]) for d in drafts]
    sent_of = [max(0, bisect_right(starts, d.figure_span[0]) - 1) for d in drafts]
    said = speakers(ctx.text, [(ctx.sentences[si].start, ctx.sentences[si].end, *d.figure_span)
                               for si, d in zip(sent_of, drafts, strict=True)])
    same = same_figure_sources([(d.row["low"], d.row["high"]) for d in drafts], [p[0] for p in picks])
    for i, d in enumerate(drafts):
        sent = ctx.sentences[sent_of[i]]
        where = Where(d.figure_span, _clause_of(sent, d.figure_span[0]), (sent.start, sent.end),
                      ctx.paragraph_spans[sent.paragraph], _is_background(ctx, sent),
                      tuple(said.get(d.figure_span[0], ())))
        mentions = ctx.attributions.between(max(0, sent.start - CARRY_CHARS), sent.end + AFTER_REACH)
        d.candidates = with_pick(candidates_for(where, mentions, stats, publisher), *picks[i], same[i])
        d.where, d.stats = where, stats
        d.decided = d.figure_span[0] in ctx.decided
        if weights is None or not d.candidates or d.decided:
            continue
        probs = rank(d.candidates, weights)
        best = max(range(len(probs)), key=lambda k: (probs[k], -k))
        full = d.candidates[fuller(d.candidates)[best]]  # the chosen source, its name completed by the parse
        if full.name != d.row["claimant"]:
            _take_candidate(d, full, probs[best], ctx, publisher, completed=full is not d.candidates[best])


def _take_candidate(d: DraftClaim, c: Candidate, prob: float, ctx: _Context, publisher: str,
                    completed: bool = False) -> None:
    """The attributor's choice `c` becomes the draft's claimant (type, method, spans, relays, reason).

    `completed`: `c` is the parse's full name for the mention the attributor chose ("Interior Ministry official").
    """
    was = d.row["claimant"] or "no one"
    d.row["claimant"], d.confidence["claimant"] = c.name, round(prob, 2)
    own = c.mention is None and c.name == publisher  # the publisher's own statement
    src = c.source if c.mention is not None else ctx.publisher_source if own else canonical_source(c.name)[1]
    d.row["claimant_type"] = src.claimant_type if src is not None else ""
    d.confidence["claimant_type"] = round(min(prob, 0.8), 2) if d.row["claimant_type"] else 0.0
    d.row["method"] = src.method if src is not None else ""
    d.confidence["method"] = 0.5 if d.row["method"] else 0.0
    m = c.mention
    d.spans["claimant"] = [] if m is None else [(m.name_start, m.name_end)] + ([m.via] if m.via else [])
    d.attribution_span = _sentence_around(ctx, m.start) if m is not None else (0, 0)
    chain = [x for x in d.row["relay_chain"].split(RELAY_SEPARATOR) if x and x != c.name]
    if ctx.publisher and ctx.publisher not in chain and ctx.publisher != c.name:
        chain.append(ctx.publisher)
    d.row["relay_chain"] = RELAY_SEPARATOR.join(chain)
    d.confidence["relay_chain"] = min(d.confidence["relay_chain"] or 0.6, 0.6) if chain else 0.0
    status = "relayed" if chain else "primary" if c.name == ctx.publisher else ""
    d.row["source_status"], d.confidence["source_status"] = status, 0.6 if status else 0.0
    why = ("its name in full, as the sentence's grammar gives it (dependency parse)" if completed else
           "the publisher's own statement (no source named)" if own else
           "the source the text gives the same figure elsewhere" if m is None else
           "the speaker the sentence's grammar gives the figure (dependency parse)" if m.kind.startswith("parse") else
           "named in another sentence" if d.attribution_span != d.sentence_span else
           "named in the figure's own sentence")
    d.row["note"] = (d.row["note"].rstrip(".") + f"; claimant chosen by the trained attributor "
                     f"(probability {prob:.2f}; {why}) over the rules' {was}.")
    d.row["claim_id"] = _claim_id(d.row, ctx.published)
    d.missing = _missing(d.row)


#: "around 5:00pm", "at 10 a.m.": a time of day, not a count
_CLOCK_TIME = re.compile(r"(?::\d{2}\b|\s*(?i:a\.m\.|p\.m\.|am\b|pm\b|hrs\b|GMT\b))")


def _figures_in(ctx: _Context, si: int, quantities: list[Quantity], qi: int,
                date_index: _SpanIndex) -> tuple[list[Quantity], int]:
    """The casualty figures of sentence `si` among `quantities[qi:]`, and where the next sentence's start.

    A number inside a date or a period is not a figure; nor is one that
    `_is_casualty_figure` rejects (units, list markers, no casualty cue).
    """
    text = ctx.text
    sent = ctx.sentences[si]
    previous = ctx.sentences[si - 1] if si and ctx.sentences[si - 1].paragraph == sent.paragraph else None
    period_spans = [(p.start, p.end) for p in ctx.periods[si]]
    figures: list[Quantity] = []
    not_deaths: set[int] = set()
    while qi < len(quantities) and quantities[qi].start < sent.end:
        q = quantities[qi]
        qi += 1
        if q.start < sent.start:
            continue
        in_date = bool(date_index.overlapping(q.start, q.end, lambda d: d.end)) or any(
            p[0] < q.end and q.start < p[1] for p in period_spans)
        clause = _clause_of(sent, q.start)
        before = ctx.attributions.between(clause[0], q.start)
        attributed = any(a.kind in ("verb", "according") for a in before)
        counted = any(a.kind == "possessive" and _COUNT_NOUN.search(text, a.start, a.end) for a in before)
        if in_date or _CLOCK_TIME.match(text, q.end) or not _is_casualty_figure(
                q, text, sent, ctx.cues, previous, attributed, counted):
            continue  # a date, a period, a time of day ("around 5:00pm"), or not a count of casualties
        if q.vague:  # "dozens", "thousands": a qualifier on the sentence's claims, never a figure of its own
            ctx.vague.setdefault(si, []).append(q)
            continue
        if _NOT_A_DEATH.match(text, q.end) or (
                figures and figures[-1].end in not_deaths and _SUBCOUNT.search(text, max(0, q.start - 20), q.start)):
            not_deaths.add(q.end)  # "4,000 people still missing, including 2,000 children"
            figures.append(q)
            continue
        figures.append(q)
    return [f for f in figures if f.end not in not_deaths], qi


def _number_repeated_ids(drafts: list[DraftClaim]) -> None:
    """The same claimant, date and figure twice in one text: the second id gets "-2", the third "-3"."""
    seen: dict[str, int] = {}
    for d in drafts:
        base_id = d.row["claim_id"]
        seen[base_id] = seen.get(base_id, 0) + 1
        if seen[base_id] > 1:
            d.row["claim_id"] = f"{base_id}-{seen[base_id]}"


def extract_file(path: str, published: dt.date | str, **kwargs: Any) -> DraftClaims:
    """`extract_claims` on a UTF-8 file; errors name the file."""
    from pathlib import Path

    p = Path(path)
    if p.is_dir():
        raise ExtractInputError("file", "is a folder: give one text file (run once per file, e.g. "
                                "`for f in DIR/*.txt; do kit extract \"$f\" ...; done`)", file=str(path))
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ExtractInputError("file", f"cannot read: {exc.strerror}", file=str(path)) from None
    if size > MAX_TEXT_CHARS * 4:
        raise ExtractInputError("text", f"{size:,} bytes is over the limit of {MAX_TEXT_CHARS:,} characters",
                                file=str(path))
    return extract_claims(p.read_bytes(), published, file=str(path), **kwargs)


def known_sources() -> tuple[Source, ...]:
    """The claimant/outlet registry used for attribution (for docs and review)."""
    return KNOWN_SOURCES
