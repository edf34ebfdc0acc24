"""The one rule for which URLs the kit treats as links.

Ledger rows and incident files come from outside, and reports are opened by
readers who must be able to trust that clicking runs nothing: a URL is a
link only if it is http or https (any case), names a host, and holds no
whitespace, control character, bidirectional control, quote, backtick, angle bracket or backslash
(the characters that break out of attributes or that browsers and Python
split differently). Contracts (ledger, incidents) and every display path
(tables, charts, widgets) decide with this module and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Bidirectional controls: they make a link read differently from where it goes (`moc.live` shown as `evil.com`).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Characters never allowed anywhere in a URL the kit links to (as a regex class body; the bidi
#: controls are written as themselves, which Python `re` and RE2 both read).
URL_UNSAFE_CHARACTERS = r"\x00-\x20\x7f\"'<>`\\" + BIDI_CONTROLS
_C = rf"[^{URL_UNSAFE_CHARACTERS}]"  # any allowed character
_AUTH = rf"[^/?#{URL_UNSAFE_CHARACTERS}]"  # allowed inside the authority
_HOST = rf"[^/?#@:\[\]{URL_UNSAFE_CHARACTERS}]"  # allowed in a host name (no IPv6 literals)
#: The rule as a regex, written for both Python `re` (use `fullmatch`) and RE2 (pyarrow):
#: scheme, `//`, optional `userinfo@`, a non-empty host, optional `:port`, then path/query/fragment.
URL_PATTERN = (
    rf"^[Hh][Tt][Tt][Pp][Ss]?://(?:{_AUTH}*@)?{_HOST}+(?::[^/?#@{URL_UNSAFE_CHARACTERS}]*)?(?:[/?#]{_C}*)?$"
)
_URL = re.compile(URL_PATTERN)


@dataclass(frozen=True)
class UrlFastPath:
    """The rule restated for vectorised checks (`kit.incidents.http_or_empty`).

    For a value holding none of the `unjudged` characters, the rule says: safe
    exactly when the value starts with one of `prefixes` and the next
    character exists and is not one of `not_host_start`. Values with such a
    character need the full `URL_PATTERN`.
    """

    prefixes: tuple[str, ...]
    unjudged: str
    not_host_start: tuple[str, ...]
    pattern: str
    """The full rule (`URL_PATTERN`) for the values the fast path cannot judge."""
    unjudged_bytes: bytes = b""
    """UTF-8 lead bytes of the non-ASCII unsafe characters (bidi controls): values with them take the full rule."""


URL_FAST_PATH = UrlFastPath(
    prefixes=("https://", "http://"),  # lower case; upper-case schemes take the full rule
    unjudged="".join(map(chr, range(0x21))) + "\x7f\"'<>`\\@[]",  # the unsafe characters, userinfo, IPv6 brackets
    not_host_start=("/", "?", "#", ":"),
    pattern=URL_PATTERN,
    unjudged_bytes=bytes(sorted({c.encode("utf-8")[0] for c in BIDI_CONTROLS})),
)


def is_safe_url(text: object) -> bool:
    """Whether `text`, exactly as given, is a URL the kit may link to."""
    return isinstance(text, str) and _URL.fullmatch(text) is not None  # fullmatch: `$` alone allows a final newline


def safe_url(value: object) -> str | None:
    """The URL (surrounding whitespace dropped) if it passes the rule, else None.

    Why: ``javascript:`` and ``data:`` URLs run code when clicked, and a URL
    without a host (``http:///x``) is not a place a reader can check.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    return url if is_safe_url(url) else None
