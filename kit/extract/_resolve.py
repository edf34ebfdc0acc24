"""Who "the group", "it" and "a monitor" are: references to a source resolved to a named one.

News copy names a source once and then refers to it: "the network said", "it
documented", "the ministry added", "a war monitor said" (named in the next
paragraph). Read by proximity, every figure after the first loses its
claimant. Here each such reference becomes an attribution of the source it
refers to: a definite description or a pronoun takes the last compatible
source named before it (within REFERENCE_REACH characters; a description with
nothing named before it, the first named after it), an indefinite one ("a
monitor", "a watchdog") the first compatible source named after it (else the
last one before). A description that speaks but refers to nothing named ("the
army said") is kept as written. The reference keeps its own span (where the
attribution is stated) and the name's span (where the source was named), so a
reviewer sees both.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import replace

from kit.extract._sources import (
    _AUX,
    _VERBS,
    CLOSE_TO_BEFORE,
    KNOWN_NAMES,
    ORG_NOUNS,
    OTHER_COALITION,
    SERVES,
    SPEAKS_FOR,
    SPOKESPEOPLE,
    Attribution,
    canonical_source,
    one_of,
)

#: How far (characters) a reference looks for the source it refers to.
REFERENCE_REACH = 3000
#: How far after "a police officer", "a medical source" the person it introduces may be named.
PERSON_REACH = 400

_HEADS = (r"group|network|organi[sz]ation|NGO|monitor|watchdog|observatory|ministry|minister|agency|mission|office|"
          r"syndicate|union|committee|body|coalition|alliance|military|army|government|report|statement|study|survey|"
          rf"charity|governor|mayor|{one_of(SPOKESPEOPLE, SERVES)}|service|department|"
          r"directorate|authority|leader|commander|commissioner|chief|director|doctor|resident|witness|"
          r"administrator|lawmaker|wing")
#: people a description names by their role ("the youth leader said"): a person the text introduced in that role
_ROLE_HEADS = ("leader", "commander", "commissioner", "chief", "director", "doctor", "resident", "witness",
               "administrator", "lawmaker")
#: how far before a person's name their role is looked for ("regional governor Serhiy Lysak said")
ROLE_BEFORE_REACH = 30
#: how far after a person's name their role is looked for ("Shapi’i Sambo, a youth leader in Wase, said")
ROLE_REACH = 80
_ASIDE = r"(?:\s*,\s*[^,;\n]{1,80},)?"
_DESCRIPTION = (r"(?P<ref>\b(?P<det>[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Aa]n?|(?-i:[A-Z][a-z]+)['’]s)\s+"
                r"(?:(?i:[\w'’-]+)\s+){0,3}?"
                r"(?P<head>(?i:" + _HEADS + r"))\b)")
#: "the network said", "a monitor group reported": the description speaks
#: "an ethnic rebel group and local media said": the description is the first of coordinated speakers
_AND_OTHERS = r"(?:\s+and\s+(?:other\s+)?(?-i:[a-z][\w-]*\s+){0,2}(?-i:[a-z][\w-]*))?"
_REFERENCE = re.compile(_DESCRIPTION + _AND_OTHERS + _ASIDE + r"\s+" + _AUX + rf"(?P<verb>(?i:{_VERBS}))\b")
#: "according to the group", "said the UK-based watchdog group": the description is cited
_CITED = re.compile(r"\b(?P<verb>(?i:according\s+to)|(?<=[,\"”’]\s)(?i:said|says|reported|added|estimated|noted))\s+"
                    + _DESCRIPTION)  # "X says a ... coalition airstrike killed": not inverted, no comma or quote before
_PRONOUN = re.compile(r"(?P<ref>\b(?P<head>[Ii]t|[Tt]hey|[Hh]e|[Ss]he))\s+" + _AUX + rf"(?P<verb>(?i:{_VERBS}))\b")
#: "According to him, the three people ...": the person (or people) the pronoun refers to, as "he" would
_CITED_PRONOUN = re.compile(r"\b(?P<verb>(?i:according\s+to))\s+(?P<ref>(?P<head>him|her|them))\b")
_SUBJECT_FORM = {"him": "he", "her": "she", "them": "they"}
#: "the ministry's statement highlighted ...", "the group's latest tally": the description's document
_POSSESSIVE_REF = re.compile(_DESCRIPTION + r"['’]s\s+(?:(?i:latest|new|updated|own|daily|initial|final)\s+)?"
                             r"(?i:statement|report|figures|data|tally|count|toll|estimate|records|bulletin)\b")
#: words that make a registry name the object of the sentence, not its speaker ("US-led coalition strikes")
_NOT_SPEAKER_AFTER = re.compile(r"[\s-]*(?i:led|strikes?|air\s*strikes?|air|forces|aircraft|jets|warplanes|bombings?|"
                                r"raids?|troops|"
                                r"operations?|campaign|partners?|-backed|backed)\b")
#: a name at the start of its sentence (after "The", a few lower-case words, "In August,"): the sentence's subject
_SUBJECT_START = re.compile(r"(?:^|[.!?:\"”]\s+|\n\s*)(?:(?:In|On|But|And|Meanwhile|Earlier|Later)\b[^,.\n]{0,30},\s*)?"
                            r"(?:[Tt]he\s+)?(?:[a-z-]+\s+){0,3}$")
_NOT_SPEAKER_BEFORE = re.compile(r"\b(?i:by|against|on|with|from|of|to|at)\s+(?:the\s+)?$")
_ORG_WORDS = re.compile(rf"(?i:{ORG_NOUNS})|(?-i:\b[A-Z]{{2,}}\b)")


_TITLED = re.compile(rf"(?:[a-z-]+\s+)?(?:{one_of(SPEAKS_FOR, ('official', 'governor', 'minister', 'mayor'))})\b")


def _is_person(a: Attribution) -> bool:
    """A named person ("Rami Abdel Rahman", "Bachelet", "the director of X"), not a body or unnamed people."""
    if a.source is None and _TITLED.match(a.name):
        return True
    return (a.source is None and not _ORG_WORDS.search(a.name) and not a.unnamed and len(a.name.split()) <= 4
            and not a.name.isupper())


def _as_written(phrase: str) -> str:
    """A description kept as the text writes it: common words in lower case ("Civil defence agency" opening a
    sentence), names as they are ("Gaza government media office")."""
    words = re.sub(r"\s+", " ", phrase).strip().split(" ")
    return " ".join(w if w[:1].isupper() and not _COMMON.fullmatch(w.lower()) else w.lower() for w in words)


#: words a description is made of that are not names
_COMMON = re.compile(r"(?:" + _HEADS + r"|civil|defen[cs]e|local|state|health|military|provincial|federal|national|"
                     r"regional|interior|foreign|security|medical|emergency|rescue|media|government|news|press|"
                     r"information|public|war|rights|human|humanitarian|aid|relief|monitoring|the)")


def _introduced_as(role: str, a: Attribution, text: str) -> bool:
    """`a` is a person the text gives that role, after the name ("Shapi’i Sambo, a youth leader") or just before it
    ("police commander Joseph Tondop")."""
    before = re.split(r"[.!?]\s|\n", text[max(0, a.name_start - ROLE_BEFORE_REACH):a.name_start])[-1]
    around = " ".join((before, a.name, text[a.name_end:a.name_end + ROLE_REACH]))  # the role in the name's sentence
    return (not a.is_outlet and a.kind not in ("self", "told") and _is_person(a) and not a.unnamed
            and re.search(rf"\b{role}\b", around.lower()) is not None)


#: an unnamed speaker who is one person ("a police source", "an official in the camp"), not people ("residents")
_ONE_PERSON = re.compile(r"\b(?:source|official|officer|resident|witness|doctor|medic|spokes(?:man|woman|person)|"
                         r"commander|villager|survivor|activist|worker|nurse|employee|member|leader)\b")


#: an office named by whose it is ("the provincial governor's office")
_HOLDERS_OFFICE = re.compile(r"['’]s\s+office$")


def _compatible(head: str, a: Attribution, text: str = "") -> bool:
    head = head.lower()
    if head in _ROLE_HEADS:  # "the youth leader": the person introduced as one
        return _introduced_as(head, a, text)
    if a.is_outlet and head == "report" and a.kind not in ("self", "told"):
        return True  # "AP reported citing activists ... according to the report": the outlet's report
    if head == "news agency":  # "the news agency reported": an outlet named before, as the source it is here
        return a.is_outlet and a.kind not in ("self", "told")
    if a.is_outlet or a.kind in ("self", "told") or not a.name:
        return False
    if head in ("he", "she"):  # "A police source told NINA ... He added that": one unnamed person is "he" too
        return _is_person(a) or (a.unnamed and _ONE_PERSON.search(a.name) is not None)
    if head == "minister":  # "the interim health minister said" ... "Naji Barakat, the health minister, said"
        return "minister" in a.name.lower() or _introduced_as(head, a, text)
    if head in ("governor", "mayor", *SPOKESPEOPLE, *SERVES):
        return _is_person(a) or head in a.name.lower()
    if _is_person(a) or a.unnamed:
        return head == "they" and a.unnamed  # "officials said ... they counted"
    name = a.name.lower()
    if head in ("ministry", "agency", "coalition", "alliance", "army", "military", "government"):
        belligerent = bool(a.source and a.source.claimant_type in ("belligerent", "government"))
        return head in name or (head in ("coalition", "alliance", "military", "army", "government") and belligerent)
    return True


def _mentions(text: str, attributions: list[Attribution]) -> list[Attribution]:
    """Registry names mentioned as possible speakers (not "US-led", not "strikes by the coalition")."""
    taken = {(a.name_start, a.name_end) for a in attributions}
    out = []
    for m in KNOWN_NAMES.finditer(text):
        if (m.start(), m.end()) in taken or _NOT_SPEAKER_AFTER.match(text, m.end()):
            continue
        if _NOT_SPEAKER_BEFORE.search(text, max(0, m.start() - 14), m.start()):
            continue
        if OTHER_COALITION.search(text, max(0, m.start() - 30), m.start()):
            continue  # "a Saudi-led coalition airstrike": another coalition
        if not _SUBJECT_START.search(text, max(0, m.start() - 60), m.start()):
            continue  # named as the object of a clause ("which the coalition mounted"), not as a speaker
        name, src = canonical_source(m.group(0))
        if src is not None and not src.is_outlet:
            out.append(Attribution(m.start(), m.end(), m.start(), m.end(), name, "mention", src))
    return out


def _antecedent(head: str, pos: int, indefinite: bool, named: list[Attribution], text: str = "") -> Attribution | None:
    before = [a for a in named if pos - REFERENCE_REACH <= a.name_start < pos and _compatible(head, a, text)]
    after = [a for a in named if pos < a.name_start <= pos + REFERENCE_REACH and _compatible(head, a, text)
             and not (indefinite and a.unnamed)]  # "according to a police officer": the officer named later
    statement = head.lower() in ("statement", "report")
    if indefinite and statement:
        indefinite = False  # "an agency statement said": the body's statement, named before it
        if not before:
            return None
    people = ("source", "officer", "official", *_ROLE_HEADS)
    if indefinite and head.lower() in people:
        after = [a for a in after if a.name_start - pos <= PERSON_REACH]  # the person named next, not a body pages on
    if indefinite and after:
        return after[0]
    if indefinite and head.lower() in people:
        return None  # "a local source reported", nobody named after it: unnamed, as written
    if not before:  # "The report documented 45 attacks ... Amnesty International said": named just after
        return after[0] if after and head.lower() not in ("it", "they", "he", "she") else None
    # "a provincial security source said ... the source told Xinhua ... the source added": the source as first
    # described, not the bare "source" in between
    before = [a for a in before if not (a.unnamed and a.name.lower() in SERVES)] or before
    pronoun = head.lower() in ("it", "they", "he", "she")
    word = re.compile(rf"\b{re.escape(head.lower())}\b")
    # "the regional governor added": the person the text named with that role ("regional governor Serhiy Lysak")
    same_head = [] if pronoun else [a for a in before if word.search(a.name.lower()) or (_is_person(a) and word.search(
        text[max(0, a.name_start - ROLE_BEFORE_REACH):a.name_start].lower()))]
    return (same_head or before)[-1]


#: "its military operations spokesman Abdiasis Abu Musab said": the person speaks for the body "its" refers to
_ITS_SPOKESMAN = re.compile(r"(?P<ref>\b(?P<det>[Ii]ts|[Tt]heir)\s+(?:[\w-]+\s+){0,3}?"
                            rf"(?P<head>{one_of(SPEAKS_FOR, ('commander', 'official'))})\s+"
                            r"(?:(?-i:[A-Z][\w'’.-]+)\s+){0,4}"
                            r"(?-i:[A-Z][\w'’-]+))(?:\s*,[^,\n]{1,60},)?\s+" + _AUX + rf"(?P<verb>(?i:{_VERBS}))\b")


def _spokespeople(text: str, named: list[Attribution]) -> list[Attribution]:
    """A spokesperson introduced by "its"/"their" is the body named before it (a body, not a person or outlet)."""
    out = []
    for m in _ITS_SPOKESMAN.finditer(text):
        s, e = m.span("ref")
        # "its" is not a person: the last source named before (within reach) that is not this spokesperson
        before = [a for a in named if s - REFERENCE_REACH <= a.name_start < s and not a.is_outlet and not a.unnamed
                  and a.kind not in ("self", "told") and a.name and a.name not in m.group("ref")]
        ante = before[-1] if before else None
        if ante is not None:
            out.append(replace(ante, start=m.start(), end=m.end(), name_start=s, name_end=e, kind="verb",
                               verb=m.group("verb").lower(), via=(ante.name_start, ante.name_end)))
    return out


#: unnamed people coordinated before an indefinite description ("activists and a medical group said")
_AFTER_PEOPLE = re.compile(r"\b((?i:activists|residents|witnesses|officials|sources|locals|villagers|medics))"
                           r"\s+and\s+$")


#: bodies a text names by country or owner first ("Mali's government", "Somali police", "The Colombian military"),
#: then by kind alone ("the government said")
_KIND_WORDS = ("government", "army", "military", "police", "navy", "junta", "authorities", "presidency")
_NAMED_BODY = re.compile(r"(?<![\w'’-])(?P<name>(?!(?:The|A|An|In|On|At|But|And|Its|Their)\s)(?-i:[A-Z][\w'’-]*)"
                         r"(?:\s+(?-i:[A-Z][\w'’-]*)){0,2}\s+(?P<word>(?i:" + "|".join(_KIND_WORDS) + r")))\b"
                         r"(?!\s+(?i:stations?|headquarters|posts?|officers?|vehicles?|patrols?|chiefs?|commanders?|"
                         r"officials?|forces|units?|camps?|bases?|academy|checkpoints?|spokes\w+|sources?)\b)")
#: kind words that name the same body ("The Colombian military has said ... The army said")
_SAME_KIND = {"army": "military"}
#: "the" right before a name
_DEFINITE_BEFORE = re.compile(r"\b(?i:the)\s+$")


def _body_named_before(text: str, a: Attribution) -> Attribution | None:
    """`a`, a body named by its kind alone ("the government"), renamed as the text named it in full before ("Mali's
    government has halved its estimate"), even where that name attributed nothing; None when it did not."""
    if a.name.lower() not in _KIND_WORDS:
        return None
    kind = _SAME_KIND.get(a.name.lower(), a.name.lower())
    found = [m for m in _NAMED_BODY.finditer(text, max(0, a.name_start - REFERENCE_REACH), a.name_start)
             if _SAME_KIND.get(m.group("word").lower(), m.group("word").lower()) == kind]
    if not found:
        return None
    name, src = canonical_source(re.sub(r"\s+", " ", found[-1].group("name")))
    return replace(a, name=name, source=src, via=found[-1].span("name"))


def _named_in_full_before(text: str, attributions: list[Attribution], named: list[Attribution]) -> list[Attribution]:
    """A body named in lower case ("the health ministry said") after the text named it in full ("the Lebanese health
    ministry said"): the full name, as for "the ministry" (it replaces the lower-case name the phrase rules read).
    So are unnamed people met again ("a provincial security source said ... the source added")."""
    out = []
    starts = [b.name_start for b in named]  # `named` is in text order: look only within reach (linear in the text)
    for a in attributions:
        if a.source is not None or not a.name or a.name != a.name.lower() or a.kind in ("self", "told"):
            continue
        # "a provincial security source said ... the source added": unnamed people, named in full before
        again = a.unnamed and " " not in a.name and _DEFINITE_BEFORE.search(text, max(0, a.name_start - 5),
                                                                               a.name_start) is not None
        if a.unnamed and not again:
            continue
        window = named[bisect_left(starts, a.name_start - REFERENCE_REACH):bisect_left(starts, a.name_start)]
        full = [b for b in window if b.name.lower().endswith(" " + a.name) and (
            b.unnamed if again else b.name[:1].isupper())]
        if not full and (body := _body_named_before(text, a)) is not None:
            out.append(body)  # "Somali police ... police said"
            continue
        if full:
            b = full[-1]
            out.append(replace(b, start=a.start, end=a.end, name_start=a.name_start, name_end=a.name_end, kind=a.kind,
                               verb=a.verb, via=(b.name_start, b.name_end)))
    return out


def _office_holders(text: str, attributions: list[Attribution], named: list[Attribution]) -> list[Attribution]:
    """"the interim health minister said" ... "Naji Barakat, the health minister in the new Libyan leadership": a
    minister named by the office (a person, not the ministry) is the person the text gives that office ("health
    minister", not "foreign minister"), the last one before within reach, else the first one after."""
    out = []
    starts = [b.name_start for b in named]
    for a in attributions:
        if a.source is not None or a.name != a.name.lower() or not a.name.endswith("minister") or a.kind in (
                "self", "told"):
            continue
        window = named[bisect_left(starts, a.name_start - REFERENCE_REACH):bisect_left(starts,
                                                                                       a.name_start + REFERENCE_REACH)]
        holders = [b for b in window if b is not a and _introduced_as(re.escape(a.name), b, text)]  # that office
        before = [b for b in holders if b.name_start < a.name_start]
        after = [b for b in holders if b.name_start > a.name_end]
        b = before[-1] if before else after[0] if after else None
        if b is not None:
            out.append(replace(b, start=a.start, end=a.end, name_start=a.name_start, name_end=a.name_end, kind=a.kind,
                               verb=a.verb, via=(b.name_start, b.name_end)))
    return out


def resolve_references(text: str, attributions: list[Attribution]) -> list[Attribution]:
    """`attributions` plus one attribution for every description or pronoun that refers to a named source.

    A resolved reference is an attribution with the referent's name and
    registry entry; its name span is the reference ("the network"), its `via`
    the span where the source was named.
    """
    named = sorted([a for a in attributions if a.name and a.kind != "self"] + _mentions(text, attributions),
                   key=lambda a: a.name_start)
    taken = {(a.name_start, a.name_end) for a in attributions if not a.unnamed}
    resolved: list[Attribution] = []
    for pattern in (_REFERENCE, _CITED, _PRONOUN, _CITED_PRONOUN, _POSSESSIVE_REF):
        for m in pattern.finditer(text):
            according = m.group(0).lower().startswith("according")
            s, e = m.span("ref")
            if any(a_s <= s < a_e or s <= a_s < e for a_s, a_e in taken):
                continue  # already read as a name ("the Observatory", "the Coalition")
            if CLOSE_TO_BEFORE.search(text, max(0, s - 25), s):
                continue  # "a source close to the Defense Ministry says": the source speaks
            det = m.groupdict().get("det") or ""
            people = _AFTER_PEOPLE.search(text, max(0, s - 40), s) if det.lower() in ("a", "an") else None
            if people is not None and m.group("head").lower() in ("official", "officer", "source"):
                continue  # "security sources and a local official said": read where found (the first, all its words)
            if people is not None:  # "activists and a medical group said": the people named first speak
                resolved.append(Attribution(m.start(), m.end(), people.start(1), people.end(1), people.group(1).lower(),
                                            "verb", None, (m.groupdict().get("verb") or "").lower()))
                continue
            head = "news agency" if re.search(r"(?i:news\s+agency)$", text[s:e]) else m.group("head")
            head = _SUBJECT_FORM.get(head, head)  # "according to him": whom "he" would mean
            ante = _antecedent(head, s, det.lower() in ("a", "an"), named, text)
            if ante is not None and _HOLDERS_OFFICE.search(text, s, e) and "office" not in ante.name.lower():
                ante = None  # "the provincial governor's office said": that office, as written, not a body before
            definite = det.lower() in ("the", "this", "that") or det.endswith(("'s", "’s"))  # "Yemen's ... agency"
            # "a doctors' committee said" with nothing named near: kept as written too, for it says what kind of body
            # speaks ("the committee" after it is that committee); a bare "a monitor said" says nothing
            described = det.lower() in ("a", "an") and m.start("head") > m.end("det") + 1
            if ante is None and pattern is _REFERENCE and (definite or described):
                # "the army said" with no army named: the description as written, for the reviewer
                head = m.group("head").lower()
                if head not in ("report", "statement", "study", "survey"):
                    start = m.end("det") + 1  # "the civil defence agency said": kept as written, without "the"
                    written = Attribution(m.start(), m.end(), start, m.end("head"),
                                          _as_written(text[start:m.end("head")]), "verb", None,
                                          (m.groupdict().get("verb") or "").lower())
                    body = _body_named_before(text, written) if start == m.start("head") else None
                    resolved.append(written if body is None else body)
                    # "The Gaza civil defense agency said ... the agency said": a body named so is named
                    insort(named, resolved[-1], key=lambda a: a.name_start)
                continue
            if ante is None:
                continue
            kind = "according" if according else "possessive" if pattern is _POSSESSIVE_REF else "verb"
            verb = (m.groupdict().get("verb") or "").lower()
            resolved.append(replace(ante, start=m.start(), end=m.end(), name_start=s, name_end=e, kind=kind,
                                    verb=verb, via=(ante.name_start, ante.name_end)))
    in_full = _named_in_full_before(text, attributions, named) + _office_holders(text, attributions, named)
    spokespeople = _spokespeople(text, named)
    # "the governor said": the named governor replaces the unnamed one read at the same place; the body a
    # spokesperson speaks for replaces the person
    replaced = {(r.name_start, r.name_end) for r in in_full}
    out = [a for a in attributions if not (a.unnamed and any(
        r.name_start < a.name_end and a.name_start < r.name_end for r in resolved)) and not any(
        r.name_start < a.name_end and a.name_start < r.name_end for r in spokespeople)
        and (a.name_start, a.name_end) not in replaced] + resolved + spokespeople + in_full
    return sorted(out, key=lambda a: a.name_start)
