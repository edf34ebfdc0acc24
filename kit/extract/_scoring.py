"""Scoring drafts against hand labels: one home for the pairing rule the tests and the benchmark share.

A labelled figure is found when a draft has the same low and high; labels and
drafts are paired in text order, each draft used once. A claimant is right when
the drafted name equals the label or one of the other names the article itself
uses for it (case, a leading article ("the", "a", "an"), curly quotes and extra spaces ignored; a name the source
registry knows compared in its canonical form).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kit.extract._pipeline import DraftClaims
from kit.extract._sources import canonical_source


def _norm(name: str) -> str:
    """Names compared without case, a leading article, curly quotes or extra spaces.

    The label "a village vigilante group member" is the extractor's "village vigilante group member", as a leading
    "the" always was.
    """
    name = re.sub(r"\s+", " ", name.replace("’", "'")).strip().lower()
    return re.sub(r"^(?:the|an?) ", "", name)


def _pair_in_order(expected: Sequence[Mapping[str, Any]], keys: Sequence[tuple[float, float]]) -> list[int | None]:
    """For each expected figure, the first unused candidate with the same (low, high), in text order."""
    free = list(range(len(keys)))
    hits: list[int | None] = []
    for e in expected:
        hit = next((i for i in free if keys[i] == (float(e["low"]), float(e["high"]))), None)
        if hit is not None:
            free.remove(hit)
        hits.append(hit)
    return hits


def match_drafts(expected: Sequence[Mapping[str, Any]],
                 drafts: DraftClaims) -> list[tuple[Mapping[str, Any], dict[str, str] | None]]:
    """Pair labelled and drafted figures by low/high, in text order (each draft used once)."""
    keys = [(float(d.row["low"]), float(d.row["high"])) for d in drafts]
    hits = _pair_in_order(expected, keys)
    return [(e, drafts[i].row if i is not None else None) for e, i in zip(expected, hits, strict=True)]


def _canonical(name: str) -> str:
    """A name the source registry knows ("U.S. military", "SOHR") compared as the registry writes it."""
    return _norm(canonical_source(name)[0])


def claimant_matches(label: Mapping[str, Any], extracted: str, also: Iterable[str] = ()) -> bool:
    """The drafted claimant is the labelled one, or another name the article uses for it.

    The extractor writes a registry source by its canonical name ("U.S. military" →
    "US Department of Defense"), so each side is also compared in that form.
    """
    written = [str(label["claimant"]), *(str(a) for a in [*(label.get("also") or []), *also])]
    names = {_norm(n) for n in written} | {_canonical(n) for n in written}
    return bool(extracted) and (_norm(extracted) in names or _canonical(extracted) in names)


def _pair_labels(first: Sequence[Mapping[str, Any]],
                 second: Sequence[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Two people's figures of one text paired as drafts are (by low/high, in text order)."""
    keys = [(float(b["low"]), float(b["high"])) for b in second]
    return [(a, second[i]) for a, i in zip(first, _pair_in_order(first, keys), strict=True) if i is not None]


def label_agreement(first: Mapping[str, Sequence[Mapping[str, Any]]],
                    second: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, int]:
    """How far two people labelling the same texts by the same rules agree: figures, then claimants.

    Figures are paired as drafts are; a claimant is agreed when either person's claimant
    is a name the other gives for it (label or `also`), compared as `claimant_matches` does.
    Counts, over the texts both labelled: `first`, `second` (figures each labelled),
    `paired`, `claimant_agreed`.
    """
    out = {"texts": 0, "first": 0, "second": 0, "paired": 0, "claimant_agreed": 0}
    for text_id in sorted(set(first) & set(second)):
        a, b = first[text_id], second[text_id]
        pairs = _pair_labels(a, b)
        out["texts"] += 1
        out["first"] += len(a)
        out["second"] += len(b)
        out["paired"] += len(pairs)
        out["claimant_agreed"] += sum(claimant_matches(x, str(y["claimant"])) or claimant_matches(y, str(x["claimant"]))
                                      for x, y in pairs)
    return out
