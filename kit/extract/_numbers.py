"""Figures in running text: digits, number words, vague quantities, ranges, qualifiers.

Casualty copy writes one number in many ways ("1,213", "1.213" in European
copy, "1 213", "twelve", "dozens", "804 to 1,213"). This module finds every
such figure with its exact character span so a reviewer can see where a draft
claim came from. Conventions for vague words are documented in docs/EXTRACT.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import text2num

#: Figures with more digits than this are not casualty counts (a 40-digit
#: string is an identifier or junk); they are skipped, never parsed.
MAX_DIGITS = 10

#: Vague quantity words -> (low, high). Low follows ACLED's conservative coding
#: ("tens" = 10, "dozens" = 12, "hundreds" = 100) extended by analogy; high is
#: the largest number the word still describes (above it a writer would use
#: the next word). See docs/EXTRACT.md.
VAGUE_QUANTITIES: dict[str, tuple[int, int]] = {
    "tens of thousands": (10_000, 99_999),
    "hundreds of thousands": (100_000, 999_999),
    "several thousand": (2_000, 9_999),
    "several hundred": (200, 999),
    "several dozen": (24, 99),
    "a few dozen": (24, 99),
    "a few hundred": (200, 999),
    "a few thousand": (2_000, 9_999),
    "tens": (10, 99),
    "dozens": (12, 99),
    "scores": (20, 99),
    "hundreds": (100, 999),
    "thousands": (1_000, 9_999),
}

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ("hundred", "thousand", "million")
_SIMPLE_WORD = "|".join(sorted(_UNITS + _TENS + list(_SCALES), key=len, reverse=True))
_WORD = rf"(?:(?:{'|'.join(_TENS)})-(?:{'|'.join(_UNITS[1:10])})|{_SIMPLE_WORD})"
_WORD_RUN = rf"(?:an?\s+(?=(?:hundred|thousand|million|dozen)\b))?{_WORD}(?:(?:\s+and\s+|\s+|-){_WORD})*"

# digit groups: a consistent thousands separator (comma, dot, space, no-break
# space, thin space, apostrophe) or plain digits; a decimal only before a scale word.
_SEP_GROUPED = r"\d{1,3}(?P<sep@N@>[,.\u00a0\u202f\u2009 '’])\d{3}(?:(?P=sep@N@)\d{3})*"
_DIGITS = r"(?:@G@|\d+(?:[.,]\d+)?(?=\s+(?:million|thousand)\b|k\b)|\d+)"
#: "1.2 million", "3 thousand", "518k" (thousands, as estimates are written in charts and posts)
_SCALE = r"(?:(?:\s+|(?=k\b))(?P<scale@N@>million|thousand|k\b))?"


def _num(n: int) -> str:
    """Pattern of one number; digits follow a lower-case letter only as a grouped thousand, where a page lost the
    space ("military102,622", "a bit over102,000"), never as a code ("MH17", "COVID19")."""
    body = _DIGITS.replace("@G@", _SEP_GROUPED.replace("@N@", str(n)))
    scale = _SCALE.replace("@N@", str(n))
    dozen = (rf"(?P<dozen{n}>(?:half\s+a|an?|{'|'.join(_UNITS[1:13])})\s+dozen\b(?!s)"
             r"|half\s+an?\s+(?:hundred|thousand|million)\b(?!s)|(?:an?\s+)?half-(?:dozen|thousand|million)\b(?!s))")
    return (
        rf"(?:{dozen}|(?P<digits{n}>(?:(?<![\w.,/])|(?<=[a-z])(?=\d{{1,3}},\d{{3}}\b))(?<![A-Za-z]-){body}(?!(?!k\b)[\w]|[.,]\d)){scale}"
        rf"|(?P<words{n}>\b{_WORD_RUN}\b(?!-)))"
    )


_VAGUE = "|".join(re.escape(k) for k in sorted(VAGUE_QUANTITIES, key=len, reverse=True))
_RANGE_JOIN = r"\s*(?:-|–|—|‑)\s*|\s+to\s+|\s+and\s+"
_QUANTITY = re.compile(
    rf"(?P<vague>\b(?:{_VAGUE})\b)"
    rf"|(?P<between>\b(?:between|from)\s+)?{_num(1)}(?:(?P<join>{_RANGE_JOIN}){_num(2)})?",
    re.IGNORECASE,
)

_QUALIFIERS: list[tuple[str, str]] = [
    (r"at\s+least|a\s+minimum\s+of|no\s+fewer\s+than|no\s+less\s+than|not\s+less\s+than", "at_least"),
    (r"more\s+than|over|in\s+excess\s+of|upwards\s+of|above|exceeding|tops|topped|surpassed|surpasses", "more_than"),
    (r"up\s+to|as\s+many\s+as|a\s+maximum\s+of|at\s+most", "up_to"),
    (r"fewer\s+than|less\s+than|under|below|just\s+under", "fewer_than"),
    (r"almost|nearly|close\s+to|just\s+short\s+of", "almost"),
    (r"about|around|approximately|roughly|some|an\s+estimated|estimated|circa|c\.|an\s+approximate", "about"),
    (r"only|just|a\s+mere", "none"),
]
#: a qualifier just before a figure, with or without a space ("over102,000", as a page lost it)
_QUALIFIER_TAIL = re.compile(
    r"(?:^|(?<=[\s(\"“'‘]))(?P<q>" + "|".join(f"(?:{p})" for p, _ in _QUALIFIERS) + r")(?:\s+(?:(?:the|a|of)\s+)?)?$",
    re.IGNORECASE,
)
_QUALIFIER_KIND = [(re.compile(rf"^(?:{p})$", re.IGNORECASE), kind) for p, kind in _QUALIFIERS]


@dataclass(frozen=True, slots=True)
class Quantity:
    """One figure found in text, with where it came from and how it was read."""

    start: int
    end: int
    text: str
    low: float
    high: float
    best: float | None
    qualifier: str = "none"
    qualifier_text: str = ""
    qualifier_start: int | None = None
    vague: str | None = None
    is_range: bool = False
    is_word: bool = False
    plain_year_like: bool = False

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def phrase_start(self) -> int:
        """Where the figure's phrase begins, its qualifier included ("killed |at least one"): what a verb precedes."""
        return self.start if self.qualifier_start is None else self.qualifier_start


def _digits_value(raw: str, scale: str | None) -> float | None:
    """Value of a digit string; a 3-digit group after one separator is a thousands group."""
    raw = raw.strip()
    if scale:
        value = float(raw.replace(",", ".")) if re.fullmatch(r"\d+[.,]\d{1,2}", raw) else float(re.sub(r"\D", "", raw))
        out = value * (1_000_000 if scale.lower() == "million" else 1_000)
        return out if len(str(int(out))) <= MAX_DIGITS else None
    digits = re.sub(r"\D", "", raw)
    if not digits or len(digits.lstrip("0") or "0") > MAX_DIGITS:
        return None
    return float(int(digits))


def _words_value(raw: str) -> float | None:
    text = re.sub(r"\s+", " ", raw.strip().lower())
    text = re.sub(r"^an? (?=hundred|thousand|million)", "one ", text)
    try:
        return float(text2num(text, "en"))
    except ValueError:
        return None


def _dozen_value(raw: str) -> float:
    words = re.sub(r"^an?\s+(?=half)", "", raw.lower()).replace("-", " ").split()  # "a half-million"
    head = words[0]
    if head == "half":  # "half a dozen" = 6, "half a million" = 500,000
        return {"dozen": 6.0, "hundred": 50.0, "thousand": 500.0, "million": 500_000.0}[words[-1]]
    if head in ("a", "an"):
        return 12.0
    return 12.0 * _UNITS.index(head)


def _value(m: re.Match[str], n: int) -> tuple[float | None, bool]:
    if m.group(f"dozen{n}"):
        return _dozen_value(m.group(f"dozen{n}")), True
    if m.group(f"digits{n}"):
        return _digits_value(m.group(f"digits{n}"), m.group(f"scale{n}")), False
    if m.group(f"words{n}"):
        return _words_value(m.group(f"words{n}")), True
    return None, False


def parse_number(text: str) -> float:
    """Parse one figure written alone ("1,213", "1.213", "1 213", "twelve", "a dozen").

    Raises ValueError with the reason when `text` is not exactly one figure.
    """
    found = find_quantities(text)
    if len(found) != 1 or found[0].text.strip() != text.strip() or found[0].is_range or found[0].vague:
        raise ValueError(f"not a single figure: {text[:60]!r}")
    q = found[0]
    return q.low


def _qualifier_before(text: str, start: int) -> tuple[str, str, int | None]:
    window_start = max(0, start - 40)
    m = _QUALIFIER_TAIL.search(text[window_start:start])
    if not m:
        return "none", "", None
    phrase = re.sub(r"\s+", " ", m.group("q"))
    for pattern, kind in _QUALIFIER_KIND:
        if pattern.match(phrase):
            return kind, phrase, window_start + m.start("q")
    return "none", "", None  # pragma: no cover - every alternative has a kind


def _is_year(value: float, raw: str) -> bool:
    return raw.isdigit() and len(raw) == 4 and 1900 <= value <= 2099


def find_quantities(text: str) -> list[Quantity]:
    """Every figure in `text`, left to right, with spans, ranges and qualifiers.

    Numbers too long to be counts (more than MAX_DIGITS digits) are skipped.
    A "range" whose ends are in the wrong order is read as two figures.
    """
    out: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        if m.group("vague"):
            low, high = VAGUE_QUANTITIES[m.group("vague").lower()]
            qual, qtext, qstart = _qualifier_before(text, m.start())
            out.append(
                Quantity(m.start(), m.end(), m.group(0), float(low), float(high), None,
                         qual if qtext else "about", qtext, qstart, vague=m.group("vague").lower(), is_word=True)
            )
            continue
        v1, word1 = _value(m, 1)
        v2, word2 = _value(m, 2) if m.group("join") else (None, False)
        join = (m.group("join") or "").strip().lower()
        between = bool(m.group("between"))
        raw1 = m.group("digits1") or ""
        raw2 = m.group("digits2") or ""
        if (
            v1 is not None and v2 is not None and v1 < v2
            and (join != "and" or between)
            and not (join in ("-", "–", "—", "‑") and word1 != word2)
            and not (_is_year(v1, raw1) and _is_year(v2, raw2))  # "2014-2017" is a period, not a figure range
        ):
            start = m.start("between") if between else _first_start(m, 1)
            end = m.end()
            qual, qtext, qstart = _qualifier_before(text, start)
            out.append(
                Quantity(start, end, text[start:end], v1, v2, None, qual, qtext, qstart,
                         is_range=True, is_word=word1 or word2)
            )
            continue
        for n, value, word in ((1, v1, word1), (2, v2, word2)):
            if value is None:
                continue
            s, e = _span(m, n)
            raw = text[s:e]
            qual, qtext, qstart = _qualifier_before(text, s)
            out.append(
                Quantity(s, e, raw, value, value, value, qual, qtext, qstart, is_word=word,
                         plain_year_like=_is_year(value, raw))
            )
    return out


def _first_start(m: re.Match[str], n: int) -> int:
    return _span(m, n)[0]


def _span(m: re.Match[str], n: int) -> tuple[int, int]:
    for key in (f"dozen{n}", f"digits{n}", f"words{n}"):
        if m.group(key):
            end = m.end(f"scale{n}") if key == f"digits{n}" and m.group(f"scale{n}") else m.end(key)
            return m.start(key), end
    raise ValueError("no figure in match")  # pragma: no cover
