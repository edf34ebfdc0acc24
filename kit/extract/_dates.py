"""Dates and periods in running text, resolved against the publication date.

A figure means little without its period: "since the operation began in 2014",
"between 23 September 2014 and August 2016", "in March this year". Each date
keeps the precision the text gave it (day, month or year), written as the
ledger's partial ISO form, so nothing is made more precise than stated.
Operation names resolve through `data/operations.csv`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import dateparser

from kit.ledger import Operation, load_operations

#: the days and months as written: one list for dates here, and for the words that never name a source
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DAYS_AND_MONTHS = "|".join(DAYS + MONTHS)
_MONTH = (
    "(?:" + "|".join(MONTHS) +
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_YEAR = r"(?:19|20)\d{2}(?!\d)"
_ORD = r"(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"(?P<iso>(?<!\d)(?:19|20)\d{{2}}-[01]\d(?:-[0-3]\d)?(?!\d))"
    rf"|(?P<dmy>(?<!\d)(?P<d1>[0-3]?\d){_ORD}\s+(?:of\s+)?(?P<m1>{_MONTH})(?:,?\s+(?P<y1>{_YEAR}))?)"
    rf"|(?P<mdy>(?P<m2>{_MONTH})\s+(?P<d2>[0-3]?\d){_ORD}(?!\d)(?:,?\s+(?P<y2>{_YEAR}))?)"
    rf"|(?P<my>(?:(?P<part>early|mid|late|the\s+end\s+of|end\s+of|the\s+beginning\s+of|beginning\s+of)[-\s]+)?"
    rf"(?P<m3>{_MONTH})(?:\s+(?:of\s+)?(?P<y3>{_YEAR}|this\s+year|last\s+year))?)"
    rf"|(?P<rel>(?P<rel_which>this|last|the\s+past|past)\s+(?P<rel_unit>year|month))"
    rf"|(?P<year>(?<![\d,.])(?<![A-Za-z]-){_YEAR}(?![,.]\d))"
)
_BARE_MONTH_OK = re.compile(
    r"(?:\b(?:in|since|until|till|by|from|to|and|of|through|during|between)\s+)$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date in text as a partial ISO string ("2014", "2016-08", "2014-09-23")."""

    start: int
    end: int
    text: str
    value: str
    precision: str  # day | month | year
    relative: bool = False  # resolved with the publication date


@dataclass(frozen=True, slots=True)
class PeriodMention:
    """A period statement: start/end as partial ISO strings ('' = open)."""

    start: int
    end: int
    text: str
    kind: str  # range | since | operation | in
    period_start: str
    period_end: str
    confidence: float
    note: str = ""
    operation_id: str = ""


@lru_cache(maxsize=4096)
def _parse(text: str, base: dt.date) -> dt.datetime | None:
    return dateparser.parse(
        text,
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
            "PREFER_DATES_FROM": "past",
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )


def _month_with_year(month: str, year: int) -> str | None:
    parsed = _parse(f"{month.rstrip('.')} {year}", dt.date(year, 12, 31))
    return f"{parsed.year:04d}-{parsed.month:02d}" if parsed else None


def _resolve(m: re.Match[str], text: str, base: dt.date) -> DateMention | None:
    s, e, raw = m.start(), m.end(), m.group(0)
    if m.group("iso"):
        parts = raw.split("-")
        return DateMention(s, e, raw, raw, "day" if len(parts) == 3 else "month")
    if m.group("dmy") or m.group("mdy"):
        day = m.group("d1") or m.group("d2")
        month = (m.group("m1") or m.group("m2")).rstrip(".")
        year = m.group("y1") or m.group("y2")
        parsed = _parse(f"{day} {month} {year}" if year else f"{day} {month}", base)
        if parsed is None:
            return None
        return DateMention(s, e, raw, parsed.date().isoformat(), "day", relative=not year)
    if m.group("my"):
        month = m.group("m3").rstrip(".")
        year_text = (m.group("y3") or "").lower()
        if not year_text and not _BARE_MONTH_OK.search(text[max(0, s - 12):s]):
            return None  # "May" as a verb, "March" as a noun
        relative = not year_text or not year_text[:1].isdigit()
        if year_text.startswith("this"):
            year = base.year
        elif year_text.startswith("last"):
            year = base.year - 1
        elif year_text:
            year = int(year_text)
        else:
            parsed = _parse(month, base)
            if parsed is None:
                return None
            year = parsed.year
        value = _month_with_year(month, year)
        return DateMention(s, e, raw, value, "month", relative=relative) if value else None
    if m.group("rel"):
        unit = m.group("rel_unit").lower()
        which = m.group("rel_which").lower()
        if unit == "year":
            year = base.year if which == "this" else base.year - 1
            return DateMention(s, e, raw, f"{year:04d}", "year", relative=True)
        first = base.replace(day=1)
        month = first if which == "this" else (first - dt.timedelta(days=1))
        return DateMention(s, e, raw, f"{month.year:04d}-{month.month:02d}", "month", relative=True)
    if m.group("year"):
        return DateMention(s, e, raw, raw, "year")
    return None  # pragma: no cover


def find_dates(text: str, published: dt.date) -> list[DateMention]:
    """Every date in `text`, resolved against the publication date when relative."""
    out: list[DateMention] = []
    for m in _DATE.finditer(text):
        found = _resolve(m, text, published)
        if found is not None:
            out.append(found)
    return out


_OPERATION_WORDS = (
    r"(?:operation|campaign|intervention|air\s+war|air\s+campaign|war|offensive|battle|siege|bombing|strikes)"
)
_SINCE_OPERATION = re.compile(
    r"\bsince\s+(?:the\s+(?:start|beginning|launch|outset)\s+of\s+)?(?:the\s+|its\s+)?"
    rf"(?P<what>(?:[\w'‘’\"“”.-]+\s+){{0,4}}?{_OPERATION_WORDS}s?\b"
    r"(?:\s+(?:for|of|on|in|against)\s+(?-i:[A-Z][\w-]*))?(?:\s+(?-i:[A-Z][\w-]*)){0,3})"
    r"(?:\s+(?:began|started|was\s+launched|commenced))?"
    r"(?:\s+(?:in|on)\s+(?P<date>(?:[0-3]?\d\s+)?(?:[A-Z][a-z]+\.?\s+)?(?:19|20)\d{2}))?",
    re.IGNORECASE,
)
_IN_OPERATION = re.compile(
    r"\b(?:in|during|throughout)\s+the\s+(?:[\w-]+\s+){0,2}?(?:battle|offensive|siege|campaign|operation)\s+"
    r"(?:for|to\s+(?:retake|recapture|liberate|take|capture)|of|on|in|against)\s+(?-i:[A-Z][\w-]+)",
    re.IGNORECASE,
)
_RANGE_BEFORE = re.compile(r"(?:\b(?:between|from)\s+)$", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"^\s*(?:and|to|until|till|through|-|–|—)\s*$", re.IGNORECASE)
_SINCE_BEFORE = re.compile(
    r"(?:\b(?:since|starting(?:\s+in)?|beginning(?:\s+in)?)\s+(?:the\s+(?:start|beginning|end)\s+of\s+)?)$",
    re.IGNORECASE,
)
_IN_BEFORE = re.compile(
    r"(?:\b(?:in|during|throughout|over|for|on)\s+(?:the\s+(?:month|year)\s+of\s+)?|^|\b(?:only|alone)\s+)$",
    re.IGNORECASE,
)


_KEY_WORDS = re.compile(r"\b(?!(?:Operation|Battle|Strikes|Offensive|Campaign|The|Of|In)\b)[A-Z][\w-]+")


def _names(op: Operation, text: str) -> bool:
    """True when every distinctive capitalised word of the operation's name is in `text`."""
    words = _KEY_WORDS.findall(op.name.split(":")[0])
    return bool(words) and all(re.search(rf"\b{re.escape(w)}\b", text) for w in words)


def _choose_operation(
    what: str, year: str | None, text: str, published: dt.date, ops: tuple[Operation, ...],
    default: Operation | None = None,
) -> tuple[Operation | None, float, str]:
    named = [o for o in ops if _names(o, text)]
    named_here = [o for o in named if _names(o, what)]
    if len(named_here) > 1:  # "Operation Inherent Resolve" also names its Iraq/Syria parts
        named_here.sort(key=lambda o: len(_KEY_WORDS.findall(o.name)))
    if named_here:
        return named_here[0], 0.9, f"named in the text: {named_here[0].name}"
    if default is not None and (not year or default.start[:4] == year):
        return default, 0.7, f"the operation is read as {default.name}, resolved earlier in the text"
    if year:
        candidates = [o for o in ops if o.start[:4] == year]
    else:  # "since X began" with no year: an operation still running at publication
        candidates = [o for o in ops if o.start <= published.isoformat() and not o.end]
    if named:
        within = [o for o in named if o in candidates] or named
        if len(within) == 1:
            return within[0], 0.75, f"the text names {within[0].name}"
    umbrella = [o for o in candidates if all(c.operation_id.startswith(o.operation_id) for c in candidates)]
    if len(candidates) == 1 or umbrella:
        op = candidates[0] if len(candidates) == 1 else umbrella[0]
        return op, (0.7 if year else 0.5), f"unnamed operation read as {op.name} (data/operations.csv)"
    return None, 0.0, ""


def find_periods(
    text: str,
    published: dt.date,
    *,
    operations: tuple[Operation, ...] | None = None,
    default_operation: Operation | None = None,
) -> list[PeriodMention]:
    """Period statements in one sentence or paragraph, left to right.

    `default_operation` is the operation an earlier sentence resolved, so a
    later "since the beginning of the operation" means the same one.
    """
    ops = load_operations() if operations is None else operations
    out: list[PeriodMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in _SINCE_OPERATION.finditer(text):
        date_text = m.group("date")
        year_match = re.search(r"(19|20)\d{2}", date_text) if date_text else None  # the date group ends in one
        year = year_match.group(0) if year_match else None
        op, conf, note = _choose_operation(m.group("what"), year, text, published, ops, default_operation)
        stated = find_dates(date_text, published)[-1] if date_text and find_dates(date_text, published) else None
        if op is not None and stated is not None and stated.precision != "year":
            # a stated day or month is more faithful than the operation's recorded start
            out.append(PeriodMention(m.start(), m.end(), m.group(0), "operation", stated.value, "", 0.9,
                                     "the start date stated in the text", op.operation_id))
        elif op is not None:
            start = op.start
            if date_text and not op.start.startswith(year or ""):
                start, conf, note = year or "", 0.6, "stated year; no operation in data/operations.csv starts then"
            out.append(
                PeriodMention(m.start(), m.end(), m.group(0), "operation", start, "", conf, note, op.operation_id)
            )
        elif date_text:
            dates = find_dates(date_text, published)
            value = dates[-1].value if dates else (year or "")
            out.append(PeriodMention(m.start(), m.end(), m.group(0), "operation", value, "", 0.6,
                                     "start of an operation not in data/operations.csv: stated date used"))
        else:
            continue
        taken.append((m.start(), m.end()))
    for m in _IN_OPERATION.finditer(text):
        if not free(m.start(), m.end()):
            continue
        named = [o for o in ops if _names(o, m.group(0)) and o.end]
        if named:
            op = min(named, key=lambda o: len(_KEY_WORDS.findall(o.name)))
            out.append(PeriodMention(m.start(), m.end(), m.group(0), "operation", op.start, op.end, 0.75,
                                     f"period of {op.name} (data/operations.csv)", op.operation_id))
            taken.append((m.start(), m.end()))
    dates = [d for d in find_dates(text, published) if free(d.start, d.end)]
    used: set[int] = set()
    for i, d in enumerate(dates[:-1]):
        nxt = dates[i + 1]
        before = text[max(0, d.start - 12):d.start]
        lead = _RANGE_BEFORE.search(before)
        if lead and _RANGE_JOIN.match(text[d.end:nxt.start]):
            first = d
            if d.precision != "year" and d.relative and not nxt.relative:
                # "from January to mid-May 2017": the first date takes the second's year
                fixed = find_dates(f"{d.text} {nxt.value[:4]}", published)
                first = fixed[0] if fixed else d
            s = d.start - len(lead.group(0))
            out.append(PeriodMention(s, nxt.end, text[s:nxt.end], "range", first.value, nxt.value, 0.9))
            used.update((i, i + 1))
            taken.append((s, nxt.end))
    for i, d in enumerate(dates):
        if i in used:
            continue
        before = text[max(0, d.start - 40):d.start]
        since = _SINCE_BEFORE.search(before)
        if since:
            s = d.start - len(since.group(0))
            out.append(PeriodMention(s, d.end, text[s:d.end], "since", d.value, "", 0.85))
            continue
        inside = _IN_BEFORE.search(before)
        if inside or d.relative:
            s = d.start - len(inside.group(0)) if inside else d.start
            conf = 0.8 if d.relative or d.precision != "year" else 0.65
            note = f"'{d.text}' resolved with the publication date" if d.relative else ""
            out.append(PeriodMention(s, d.end, text[s:d.end], "in", d.value, d.value, conf, note))
    return sorted(out, key=lambda p: p.start)
