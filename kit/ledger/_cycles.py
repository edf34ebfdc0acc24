"""Cites chains that come back to where they started (a -> b -> c -> a).

`cites` says which claim a row relays; following it must end at a primary
publication. A loop has no primary and would send provenance tracing round for
ever, so each claim on one is a problem at its own line.
"""

from __future__ import annotations

import pandas as pd

from kit.core import FILE, LINE, Problem


def cites_cycles(claims: pd.DataFrame) -> list[Problem]:
    """One problem per claim on a cites loop of two or more claims (self-citation is checked by the loader).

    Takes the loaded claims (`LoadResult.claims`: `source_file`/`source_line`) or a raw frame (`__file__`/`__line__`).
    """
    if claims.empty or "cites" not in claims.columns:
        return []
    cites = {str(c): str(t) for c, t in zip(claims["claim_id"], claims["cites"], strict=True) if t and t != c}
    file_col, line_col = (FILE, LINE) if FILE in claims.columns else ("source_file", "source_line")
    where = {
        str(c): (str(f), int(line))
        for c, f, line in zip(claims["claim_id"], claims[file_col], claims[line_col], strict=True)
    }
    on_loop: dict[str, list[str]] = {}
    done: set[str] = set()
    for start in cites:
        path: list[str] = []
        seen: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = cites.get(node)
        if node is not None and node in seen:  # the walk came back onto itself: the tail from there is a loop
            loop = path[seen[node]:]
            for c in loop:
                on_loop[c] = loop
        done.update(path)
    problems = []
    for c, loop in on_loop.items():
        i = loop.index(c)
        ring = " -> ".join([*loop[i:], *loop[:i], c])
        f, line = where.get(c, ("(ledger)", 0))
        problems.append(Problem(f, line, "cites", f"cites loop {ring}: a chain of citations must end at a primary"))
    return sorted(problems, key=lambda p: (p.file, p.line))
