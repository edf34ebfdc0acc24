"""One shape for every input problem: file, line, field, message.

Loaders across the kit report problems this way so a user can open the file at
the line and fix it; nothing is dropped without a `Problem` saying why.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """A rejected row or a whole-file problem (line 0 means the file itself)."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class InputError(ValueError):
    """Raised when input cannot be used at all; carries the problems found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in input:\n{lines}{more}")
