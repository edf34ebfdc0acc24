"""Text the CLI prints that came from a file: control and bidi characters escaped.

A value in an incident or ledger file may hold a terminal escape sequence or a
right-to-left override; echoed raw, it would recolour, move or reorder what the
user reads. Everything printed from input goes through `terminal_safe`.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` with C0/C1 control and bidirectional control characters shown as `\\xNN` / `\\uNNNN`."""

    def esc(m: re.Match[str]) -> str:
        code = ord(m.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNSAFE.sub(esc, text)
