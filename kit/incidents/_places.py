"""Place names in incident files -> gazetteer ids, reporting (never guessing) the rest.

Sources spell governorates every way ("Deir Ezzor", "Dayr Az Zawr ", "Ninawah",
"East Anbar", "on the border of Ninewa & Dahuk"). The gazetteer owns spellings;
here we only strip qualifiers that do not change which governorate is meant
(directions, "countryside", "province") and split lists. A name that resolves to
nothing, or to more than one governorate, leaves the field empty and is reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from kit.core import Problem
from kit.incidents._read import labels
from kit.ledger import load_gazetteer


class GazetteerLike(Protocol):
    """The part of kit.ledger.Gazetteer the loaders use."""

    def resolve(self, name: str, country: str | None = None, kind: str | None = None) -> str | None: ...
    def get(self, place_id: str) -> dict[str, object]: ...
    def ancestors(self, place_id: str) -> tuple[str, ...]: ...


_QUALIFIERS = re.compile(
    r"\b(on the border of|border(?: of)?|(?:north|south|east|west)(?:ern)?|central|countryside(?: of)?|"
    r"outskirts(?: of)?|province|governorate|gov\.?|region|area|sub-?district|district|city)\b",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*(?:&|\band\b|\bor\b|/|\s-\s|;)\s*", re.IGNORECASE)


def default_gazetteer() -> GazetteerLike:
    """The project's gazetteer (data/places.csv), loaded once."""
    return load_gazetteer()


@dataclass
class PlaceResolver:
    """Resolve names to governorate ids once per distinct name; remember why a name failed."""

    gazetteer: GazetteerLike
    _cache: dict[tuple[str, str | None], tuple[str, str]] = field(default_factory=dict)

    def _governorate_of(self, place_id: str) -> str | None:
        chain = (place_id, *self.gazetteer.ancestors(place_id))
        for p in chain:
            if self.gazetteer.get(p).get("kind") == "governorate":
                return p
        return None

    def _one(self, name: str, country: str | None) -> str | None:
        pid = self.gazetteer.resolve(name, country=country) if name.strip() else None
        if pid is None:
            return None
        return self._governorate_of(pid)

    def governorate(self, name: str, country: str | None) -> tuple[str, str]:
        """(governorate id or "", reason when empty). Blank input gives ("", "")."""
        key = (name, country)
        if key in self._cache:
            return self._cache[key]
        result = self._governorate(name.strip(), country)
        self._cache[key] = result
        return result

    def _governorate(self, name: str, country: str | None) -> tuple[str, str]:
        if not name:
            return "", ""
        pid = self.gazetteer.resolve(name, country=country)
        if pid is not None:
            gov = self._governorate_of(pid)
            if gov:
                return gov, ""
            return "", f"'{name}' names a country, not a governorate"
        parts = [p for p in _SEPARATORS.split(name.split(",")[0]) if p.strip()]
        found: set[str] = set()
        missing: list[str] = []
        for part in parts:
            cleaned = re.sub(r"\s+", " ", _QUALIFIERS.sub(" ", part)).strip(" -,.")
            gov = self._one(part, country) or (self._one(cleaned, country) if cleaned else None)
            if gov:
                found.add(gov)
            else:
                missing.append(part)
        if len(found) == 1 and not missing:
            return found.pop(), ""
        if len(found) > 1:
            return "", f"'{name}' names more than one governorate ({', '.join(sorted(found))}); governorate left empty"
        where = f" in {country}" if country else ""
        return "", f"'{name}' is not a governorate in the gazetteer{where}; governorate left empty"

    def country(self, name: str) -> str | None:
        """Country id (e.g. iq) for a country name, None if it is not one the gazetteer knows."""
        pid = self.gazetteer.resolve(name.strip()) if name.strip() else None
        if pid and self.gazetteer.get(pid).get("kind") == "country":
            return pid
        return None


def resolve_governorates(
    resolver: PlaceResolver,
    names: Sequence[pd.Series],
    country: pd.Series,
    *,
    file: str,
    lines: np.ndarray,
    field_names: Sequence[str],
) -> tuple[pd.Series, list[Problem]]:
    """Governorate ids from the first of `names` that resolves; warnings for rows left empty despite a name."""
    n = len(country)
    out = np.full(n, -1, dtype=np.int64)  # index into `found`
    found: list[str] = []
    why_code = np.full(n, -1, dtype=np.int64)  # index into `whys`
    whys: list[str] = []
    why_field = np.full(n, -1, dtype=np.int64)
    c_codes, c_uniques = pd.factorize(country.astype(str))
    for k, series in enumerate(names):
        todo = out < 0
        if not todo.any():
            break
        n_codes, n_uniques = pd.factorize(series.astype(str))
        combo = n_codes.astype(np.int64) * (len(c_uniques) + 1) + c_codes
        inverse, keys = pd.factorize(combo)  # hashing, not sorting: a few dozen distinct (name, country) pairs
        gov_of_key = np.full(len(keys), -1, dtype=np.int64)
        why_of_key = np.full(len(keys), -1, dtype=np.int64)
        for j, key in enumerate(keys):
            name = str(n_uniques[int(key) // (len(c_uniques) + 1)])
            ctry = str(c_uniques[int(key) % (len(c_uniques) + 1)])
            gov, why = resolver.governorate(name, ctry or None)
            if gov:
                if gov not in found:
                    found.append(gov)
                gov_of_key[j] = found.index(gov)
            elif why:
                whys.append(why)
                why_of_key[j] = len(whys) - 1
        govs = gov_of_key[inverse]
        wcodes = why_of_key[inverse]
        hit = todo & (govs >= 0)
        out[hit] = govs[hit]
        why_code[hit] = -1
        note = todo & (govs < 0) & (wcodes >= 0) & (why_code < 0)
        why_code[note] = wcodes[note]
        why_field[note] = k
    warn = [
        Problem(file, int(lines[i]), str(field_names[why_field[i]]), whys[why_code[i]])
        for i in np.flatnonzero((out < 0) & (why_code >= 0))
    ]
    result = labels(np.where(out < 0, len(found), out), [*found, ""])
    return result, warn
