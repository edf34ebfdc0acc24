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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kit.extract._sources import _VERBS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Token

#: the trained parser (spaCy pipeline folder, made by scripts/train_parser.py)
PARSER_DIR = Path(__file__).with_name("parser")

_REPORTING = re.compile(rf"(?i:{_VERBS}|according|citing|quoting|showed|shows|show)")
_REPORTING_IN_TEXT = re.compile(rf"\b(?:{_REPORTING.pattern})\b")
#: pronouns and relative words name no one: the reference rules (`_resolve`) read them
_PRONOUN = {"it", "he", "she", "they", "we", "i", "you", "this", "that", "who", "which", "these", "those", "one"}
#: a pronoun that refers back to a source named earlier: kept as a speaker, resolved by `_resolve`
PERSONAL = frozenset({"it", "he", "she", "they"})
#: a relative subject ("..., which said"): the speaker is the noun its clause describes
_RELATIVE = {"who", "which", "that"}
#: words that open a clause or a prepositional phrase, not a name ("whereas local media", "to the ministry")
_LEADING = {"according", "to", "whereas", "while", "however", "but", "and", "as", "since", "meanwhile", "also", ","}
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
    return tok.dep_ not in ("compound", "amod", "flat", "det") and _REPORTING.fullmatch(tok.text) is not None


def _phrase(tok: Token) -> tuple[int, int]:
    """First and last token of the noun phrase `tok` heads, cut before a comma, a relative clause or a parenthesis."""
    left, right = tok.left_edge.i, tok.i
    for t in tok.rights:
        if t.dep_ in ("acl:relcl", "appos", "punct", "parataxis", "acl", "cc", "conj"):
            break
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


def _named(tok: Token) -> bool:
    """A word that can name a source: not a pronoun, not punctuation."""
    return tok.lower_ not in _PRONOUN and (tok.is_alpha or tok.like_num or any(ch.isalpha() for ch in tok.text))


def _speakers_of_verb(verb: Token) -> list[Token]:
    """The subjects of a reporting verb, or the agent of a passive one ("was reported by X").

    A relative subject is its antecedent ("the Observatory, which said ..." → the Observatory); a personal
    pronoun is kept as written ("it said"): the reference rules (`_resolve`) say whom it refers to, and the
    attributor marks that reference as the speaker.
    """
    subs = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if not subs and any(c.dep_ == "aux:pass" for c in verb.children):
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
    out, spans = [], set()
    doc = figure.doc
    for tok, how, d in found:
        left, right = _phrase(tok)
        if left <= figure.i <= right or (left, right) in spans:  # the figure is no speaker ("four were reported")
            continue
        spans.add((left, right))
        start, end = doc[left].idx, doc[right].idx + len(doc[right])
        person = _person_after_role(tok, left)
        text = doc.text[start:end]
        out.append(Speaker(start, end, text, how, d, doc.text[person:end] if person is not None else text,
                           left == right and tok.lower_ in PERSONAL))
    return out


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
    docs = dict(zip(wanted, nlp.pipe((text[a:b] for a, b in wanted), batch_size=64), strict=True))
    out: dict[int, list[Speaker]] = {}
    for a, b, fs, fe in figures:
        doc = docs.get((a, b))
        span = doc.char_span(fs - a, fe - a, alignment_mode="expand") if doc is not None else None
        if span is None or not len(span):
            continue
        out[fs] = [Speaker(x.start + a, x.end + a, x.text, x.how, x.depth, x.name, x.pronoun)
                   for x in figure_speakers(span[0])]
    return out
