"""Who a figure's sentence says stated it, read from a dependency parse: the structure, not the distance.

The attribution phrases (`_sources`) find sources by the words around a name;
they were written on the development articles and miss the shapes of a new
text. A dependency parse reads the sentence's grammar instead: the figure's
clause hangs under a reporting verb ("X said [10 were killed]"), or a reporting
clause hangs beside it ("10 were killed, X said"), or the clause carries
"according to X" / "citing X" / "reported by X". The subject or agent found that
way is the figure's **speaker**.

The parser is trained here, not downloaded: `scripts/train_parser.py` trains a
spaCy tagger and parser (no vectors, no pretrained weights) on the Universal
Dependencies English Web Treebank (CC BY-SA 4.0; the source commit and the
test-set scores are in `kit/extract/parser/README.md`). Only sentences that hold
a drafted figure and a reporting word are parsed, each once; the tagger is not run.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kit.extract._dates import DAYS, MONTHS
from kit.extract._sources import _VERBS, not_a_report

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Token

#: the trained parser (spaCy pipeline folder, made by scripts/train_parser.py)
PARSER_DIR = Path(__file__).with_name("parser")

_REPORTING = re.compile(rf"(?i:{_VERBS}|according|citing|quoting|quoted|showed|shows|show|reporting)")
_REPORTING_IN_TEXT = re.compile(rf"\b(?:{_REPORTING.pattern})\b")
#: pronouns and relative words name no one: the reference rules (`_resolve`) read them
_PRONOUN = {"it", "he", "she", "they", "we", "i", "you", "this", "that", "who", "which", "these", "those", "one",
            "another", "others", "some", "many", "none", "both", "all", "him", "her", "them", "us", "me"}
#: days, months and times: a parse that hangs "on Friday" as a subject names no one
_TIME = {w.lower() for w in DAYS + MONTHS} | {"today", "yesterday", "tonight", "morning", "evening", "night", "week",
                                             "month", "year", "weekend"}
#: words that make a phrase after a name say when ("at the time", "at that point"), not who
_WHEN = {"time", "moment", "point", "stage", "outset", "weekend", "hour", "day", "days"}
#: a pronoun that refers back to a source named earlier: kept as a speaker, resolved by `_resolve`
PERSONAL = frozenset({"it", "he", "she", "they"})
#: a relative subject ("..., which said"): the speaker is the noun its clause describes
_RELATIVE = {"who", "which", "that"}
#: words that open a clause or a prepositional phrase, not a name ("whereas local media", "to the ministry")
_LEADING = {"according", "to", "whereas", "while", "however", "but", "and", "as", "since", "meanwhile", "also", ","}
#: how a statement was made, after its speaker's name: not part of the name
_MEDIUM_AFTER = re.compile(r"\s+(?:in|on|via|through|during)\s+(?:(?:a|an|the|its|his|her|their)\s+)?(?:[\w-]+\s+){0,2}"
                           r"(?:statement|tweet|post|video|message|interview|report|release|briefing|conference|"
                           r"broadcast|text|address)s?$", re.IGNORECASE)
#: reporting verbs whose subject may follow them ("said the ministry") and that take no person as an object
_INVERTED = {"said", "says", "added", "adds"}
#: dependency labels that attach a reporting clause beside the figure's clause ("..., X said")
_BESIDE = {"parataxis", "advcl", "conj", "ccomp", "dep", "acl:relcl", "appos"}


@dataclass(frozen=True)
class Speaker:
    """A source the parse says stated the figure: its span (characters), how it was found, how near."""

    start: int
    end: int
    text: str
    how: str  # "subject" (X said ...), "beside" (..., X said), "according" (according to X / citing X / by X)
    depth: int  # reporting verbs between the figure and this one (0: the nearest)
    name: str  # a person's name after a role ("resident Jean Kamfuti" → "Jean Kamfuti"), else the phrase
    pronoun: bool = False  # the speaker is a personal pronoun ("it said"): the reference rules say whom it means


@lru_cache(maxsize=1)
def _parser() -> Language | None:
    """The trained parser, or None when its folder is absent (the phrase rules still work)."""
    if not (PARSER_DIR / "config.cfg").is_file():
        return None
    import spacy

    return spacy.load(PARSER_DIR, exclude=["tagger"])  # the parse alone: tags would cost a sixth more time


def available() -> bool:
    """Whether the trained parser is installed with the kit."""
    return _parser() is not None


def _is_reporting(tok: Token) -> bool:
    """A reporting word, by its form, that the parse does not read as part of a name or a modifier."""
    return (tok.dep_ not in ("compound", "amod", "flat", "det") and _REPORTING.fullmatch(tok.text) is not None
            and not not_a_report(tok.text, tok.doc.text, tok.idx + len(tok.text)))


def _phrase(tok: Token) -> tuple[int, int]:
    """First and last token of the noun phrase `tok` heads, cut before a comma, a relative clause or a parenthesis."""
    left, right = tok.left_edge.i, tok.i
    for t in tok.rights:
        if t.dep_ in ("acl:relcl", "appos", "punct", "parataxis", "acl", "cc", "conj"):
            break
        if t.dep_ in ("nmod", "obl", "nmod:tmod", "obl:tmod") and (t.lower_ in _TIME or t.lower_ in _WHEN):
            break  # "Haniyeh at the time said": when, not who
        right = t.right_edge.i
    doc = tok.doc
    while left < tok.i and (doc[left].dep_ in ("punct", "cc", "mark", "case", "advmod", "fixed")
                            or doc[left].lower_ in _LEADING):
        left += 1
    return left, right


def _person_after_role(tok: Token, left: int) -> int | None:
    """Where a person's name starts when a role word precedes it ("Observatory director Rami Abdel Rahman")."""
    if not tok.is_title:
        return None
    doc, i = tok.doc, tok.i
    while i - 1 >= left and doc[i - 1].is_title and doc[i - 1].dep_ in ("compound", "flat"):
        i -= 1
    if i - 1 >= left and doc[i - 1].is_lower and doc[i - 1].is_alpha and tok.i > i:
        return doc[i].idx
    return None


#: what happened, not who tells it: "Abu Warda's death raised to 220 the number ...", "the attack left 12 dead"
_EVENTS = {"death", "deaths", "attack", "attacks", "strike", "strikes", "airstrike", "airstrikes", "killing",
           "killings", "explosion", "explosions", "blast", "blasts", "bombing", "bombings", "shelling", "raid", "raids",
           "fighting", "violence", "clash", "clashes", "incident", "toll", "ambush", "assault", "fire", "crash",
           "collapse"}


def _named(tok: Token) -> bool:
    """A word that can name a source: not a pronoun, not punctuation, not a day, a month ("on Friday") or an event."""
    return tok.lower_ not in _PRONOUN and tok.lower_ not in _TIME and tok.lower_ not in _EVENTS and (
        tok.is_alpha or tok.like_num or any(ch.isalpha() for ch in tok.text))


def _speakers_of_verb(verb: Token) -> list[Token]:
    """The subjects of a reporting verb, or the agent of a passive one ("was reported by X").

    A relative subject is its antecedent ("the Observatory, which said ..." → the Observatory); a personal
    pronoun is kept as written ("it said"): the reference rules (`_resolve`) say whom it refers to, and the
    attributor marks that reference as the speaker.
    """
    passive = any(c.dep_ == "aux:pass" for c in verb.children)
    if passive and verb.lower_ == "quoted":  # "X was quoted as saying (by Y)": X speaks, Y relays
        return [c for c in verb.children if c.dep_ in ("nsubj:pass", "nsubj") and _named(c)]
    # an active reporting verb has no passive subject: the parse mislabelled its subject ("X, who ..., disclosed")
    subs = [c for c in verb.children if c.dep_ in ("nsubj", "csubj") or (c.dep_ == "nsubj:pass" and not passive)]
    if not subs and verb.lower_ in _INVERTED:  # "..., says UN": the parse made the inverted subject an object
        subs = [c for c in verb.children if c.dep_ in ("obj", "iobj") and c.i > verb.i]
    if not subs and passive:
        subs = [c for c in verb.children if c.dep_ == "obl:agent" or (c.dep_ == "obl" and any(
            g.lower_ == "by" and g.dep_ == "case" for g in c.children))]
    out = []
    for s in subs:
        if s.lower_ in _RELATIVE and verb.dep_ == "acl:relcl" and _named(verb.head):
            out.append(verb.head)
        elif _named(s) or s.lower_ in PERSONAL:
            out.append(s)
    return out


def _according(head: Token) -> list[Token]:
    """'citing X', 'quoting X', or an 'according' that heads X, attached to `head`: X."""
    out: list[Token] = []
    for c in head.children:
        if c.lower_ in ("citing", "quoting") and c.dep_ in ("advcl", "xcomp", "acl", "parataxis", "conj"):
            out.extend(g for g in c.children if g.dep_ in ("obj", "obl"))
        elif c.lower_ == "according":  # a parse that hangs the noun under "according"
            out.extend(g for g in c.children if g.dep_ in ("obl", "obj", "nmod"))
    return [x for x in out if _named(x)]


def _according_in_sentence(figure: Token) -> list[Token]:
    """'according to X' anywhere in the figure's sentence: X (the parser often hangs it under a nearby noun)."""
    sent = figure.sent
    return [t.head for t in sent if t.lower_ == "according" and t.dep_ == "case" and t.head is not figure
            and _named(t.head) and not (t.head.left_edge.i <= figure.i <= t.head.right_edge.i)]


#: what a figure is published in, not who published it: "a report in the daily X", "figures from the ministry"
_DOCUMENTS = {"report", "reports", "statement", "issue", "edition", "figures", "data", "tally", "count", "study",
              "survey", "article", "toll", "bulletin", "records", "statistics"}


def _author_of(tok: Token) -> Token:
    """The body behind a document named as the source ("a report in Wednesday's issue of the newssheet X" → X,
    "figures compiled by X" → X)."""
    seen = 0
    while tok.lower_ in _DOCUMENTS and seen < 4:
        inner = [c for c in tok.children if c.dep_ == "nmod" and _named(c)
                 and any(g.dep_ == "case" and g.lower_ in ("by", "from", "in", "of") for g in c.children)]
        # "Figures compiled by the ministries of health, interior and defence showed": the agent of the participle
        inner = inner or [c for a in tok.children if a.dep_ == "acl" for c in a.children if c.dep_.startswith("obl")
                          and any(g.dep_ == "case" and g.lower_ == "by" for g in c.children)]
        if not inner:
            break
        tok, seen = inner[0], seen + 1
    return tok


def figure_speakers(figure: Token) -> list[Speaker]:
    """Speakers of the figure at `figure` (a token of a parsed sentence), nearest reporting verb first."""
    found: list[tuple[Token, str, int]] = [(x, "according", 0) for x in _according_in_sentence(figure)]
    depth = 0
    node: Token | None = figure
    seen: set[int] = set()
    while node is not None and node.i not in seen:
        seen.add(node.i)
        for x in _according(node):
            found.append((x, "according", depth))
        if node is not figure and _is_reporting(node):
            subs = _speakers_of_verb(node)
            found.extend((s, "subject", depth) for s in subs)
            depth += bool(subs)
        for c in node.children:
            if c.dep_ in _BESIDE and _is_reporting(c) and c.i not in seen:
                found.extend((s, "beside", depth) for s in _speakers_of_verb(c))
                found.extend((x, "according", depth) for x in _according(c))
        node = node.head if node.head is not node else None
    out: list[Speaker] = []
    doc = figure.doc
    for tok, how, d in found:
        tok = _author_of(tok)
        left, right = _phrase(tok)
        if left <= figure.i <= right:  # the figure is no speaker ("four were reported")
            continue
        start, end = _whole_words(doc.text, doc[left].idx, doc[right].idx + len(doc[right]))
        if (medium := _MEDIUM_AFTER.search(doc.text, start, end)) is not None:
            end = medium.start()  # "the Kashmir police in a tweet": the police
        if any((x.start, x.end) == (start, end) for x in out):  # found twice ("according to X" read two ways)
            continue
        person = _person_after_role(tok, left)
        same = next((k for k, x in enumerate(out) if x.how == how and x.depth == d
                     and not doc.text[min(end, x.end):max(start, x.start)].strip()), None)
        if same is not None:  # one name the parse split in two ("agency in Hamas-" + "run Gaza"): joined
            was = out[same]
            start, end = min(start, was.start), max(end, was.end)
            out[same] = Speaker(start, end, doc.text[start:end], was.how, was.depth, doc.text[start:end], was.pronoun)
            continue
        text = doc.text[start:end]
        out.append(Speaker(start, end, text, how, d, doc.text[max(person, start):end] if person is not None else text,
                           left == right and tok.lower_ in PERSONAL))
    return out


#: characters a name may end in; a token boundary inside a word ("Hamas-" | "run") is not a name's end
_WORD_END = re.compile(r"[^\s,;:.!?()\[\]\"“”‘’']*")


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """`start`..`end` widened to whole words: the parse splits "Hamas-run" in three, a name never ends inside one."""
    while start > 0 and text[start - 1] in "-–":
        start -= 1
        while start > 0 and text[start - 1].isalnum():
            start -= 1
    if end < len(text) and (text[end - 1] in "-–" or text[end] in "-–"):
        word = _WORD_END.match(text, end)
        end = word.end() if word else end
    return start, end


def speakers(text: str, figures: Sequence[tuple[int, int, int, int]]) -> dict[int, list[Speaker]]:
    """Each figure's speakers: `figures` are (sentence start, sentence end, figure start, figure end) in `text`.

    Returns figure start → speakers, with character offsets in `text`; each
    sentence is parsed once. Empty when the parser is not installed.
    """
    nlp = _parser()
    if nlp is None or not figures:
        return {}
    # a sentence with no reporting word has no speaker to find: it is not parsed (the same answer, sooner)
    wanted = sorted({(a, b) for a, b, _, _ in figures if _REPORTING_IN_TEXT.search(text, a, b)})
    flat = {(a, b): _one_line(text[a:b]) for a, b in wanted}
    docs = dict(zip(wanted, nlp.pipe((flat[k][0] for k in wanted), batch_size=64), strict=True))
    out: dict[int, list[Speaker]] = {}
    for a, b, fs, fe in figures:
        doc = docs.get((a, b))
        if doc is None:
            continue
        where = flat[(a, b)][1]  # position in the flattened sentence → position in `text`, minus `a`
        span = doc.char_span(bisect_left(where, fs - a), bisect_left(where, fe - a), alignment_mode="expand")
        if span is None or not len(span):
            continue
        out[fs] = [_in_text(x, where, text, a) for x in figure_speakers(span[0])]
    return out


def _in_text(x: Speaker, where: list[int], text: str, a: int) -> Speaker:
    """A speaker found in the flattened sentence, with its offsets and words as they stand in `text`."""
    start, end, named = where[x.start] + a, where[x.end - 1] + 1 + a, where[x.end - len(x.name)] + a
    return Speaker(start, end, text[start:end], x.how, x.depth, text[named:end], x.pronoun)


def _one_line(sentence: str) -> tuple[str, list[int]]:
    """The sentence with each run of whitespace as one space, and where each of its characters came from.

    Real copy is stored as published, hard line breaks included ("the missing\nsoldiers"); the parser was
    trained on running text and reads a line break as a token of its own, which breaks the parse around it.
    A sentence with no closing mark (a headline: "..., activists say") gets a full stop, as the treebank's have,
    and so does a heading the sentence runs on from after a blank line.
    """
    chars: list[str] = []
    where: list[int] = []
    for m in re.finditer(r"(?<=\S)\s+(?=\S)|\S+", sentence):  # no space at either end: it would be a token
        piece = m.group()
        if piece.isspace():  # a blank line ends a heading the sentence runs on from: a full stop, as it reads
            piece = ". " if "\n" in piece.replace("\n", "", 1) and chars and chars[-1][-1] not in ".!?:;,\"”" else " "
            where.extend([m.start()] * len(piece))
        else:
            where.extend(range(m.start(), m.end()))
        chars.append(piece)
    if where and not re.search(r"[.!?\"'”’)]$", chars[-1]):  # a headline: the parser reads it as a sentence
        chars.append(".")
        where.append(where[-1])
    return "".join(chars), where
