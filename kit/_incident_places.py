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

from kit._problems import Problem


class GazetteerLike(Protocol):
    """The part of kit.gazetteer.Gazetteer the loaders use."""

    def resolve(self, name: str, country: str | None = None, kind: str | None = None) -> str | None: ...
    def get(self, place_id: str) -> dict[str, object]: ...
    def ancestors(self, place_id: str) -> tuple[str, ...]: ...


_QUALIFIERS = re.compile(
    r"\b(on the border of|border(?: of)?|(?:north|south|east|west)(?:ern)?|central|countryside(?: of)?|"
    r"outskirts(?: of)?|province|governorate|gov\.?|region|area)\b",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*(?:&|\band\b|\bor\b|/|\s-\s|;)\s*", re.IGNORECASE)


def default_gazetteer() -> GazetteerLike:
    """The project's gazetteer (data/places.csv), loaded once."""
    from kit.gazetteer import load_gazetteer

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
        """Country id (iq/sy) for a country name, None if it is not one the gazetteer knows."""
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
    out = np.full(n, "", dtype=object)
    reason = np.full(n, "", dtype=object)
    reason_field = np.full(n, "", dtype=object)
    ctry = country.astype(str).to_numpy(dtype=object)
    for series, fname in zip(names, field_names, strict=True):
        todo = out == ""
        if not todo.any():
            break
        key = pd.Series(series.astype(str).to_numpy(dtype=object) + "\x1f" + ctry)
        codes, uniques = pd.factorize(key)
        resolved = [resolver.governorate(*(u.split("\x1f", 1)[0], u.split("\x1f", 1)[1] or None)) for u in uniques]
        govs = np.array([g for g, _ in resolved] + [""], dtype=object)[codes]
        whys = np.array([w for _, w in resolved] + [""], dtype=object)[codes]
        hit = todo & (govs != "")
        out[hit] = govs[hit]
        reason[hit] = ""
        note = todo & (govs == "") & (whys != "") & (reason == "")
        reason[note] = whys[note]
        reason_field[note] = fname
    warn = [
        Problem(file, int(lines[i]), str(reason_field[i]), str(reason[i]))
        for i in np.flatnonzero((out == "") & (reason != ""))
    ]
    return pd.Series(out, dtype=str), warn
