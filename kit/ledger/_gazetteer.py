"""The gazetteer: place ids, their hierarchy and every spelling of their names.

Claims and incidents name places in many spellings (Ninewa / Nineveh / Nīnawá,
Deir Ezzor / Deir ez-Zor). Everything downstream compares place *ids*, so the
spelling problem is solved once, here, and an unknown or ambiguous name is
reported rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Literal, cast

import pandas as pd

from kit.core import FILE, LINE, InputError, Problem, data_dir, is_safe_url, read_rows

PLACE_COLUMNS = ["place_id", "name", "kind", "parent_id", "variants", "lat", "lon", "pcode", "source_url"]
_REQUIRED = ["place_id", "name", "kind", "parent_id"]
PLACE_KINDS = ("country", "governorate", "district", "city", "area")
_KIND_RANK = {k: i for i, k in enumerate(PLACE_KINDS)}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

PlaceRelation = Literal["same", "contains", "within", "overlaps", "disjoint"]

_ARTICLES = re.compile(r"^(al|ar|as|ad|ash|at|az|an|el|a)\s+")
_SUFFIXES = re.compile(r"\s+(governorate|province|muhafazat)$")


def normalise_name(name: str) -> str:
    """A spelling-insensitive key: no accents, case, punctuation or Arabic article.

    "Ar-Raqqah", "ar raqqah" and "Raqqah" share a key; so do "Nīnawá" and
    "Ninawa". Arabic script is kept (NFKC) so Arabic variants match exactly.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\u2018\u2019'`ʿʾ]", "", text)
    text = re.sub(r"[^\w]+", " ", text).strip()
    text = _SUFFIXES.sub("", text)
    text = _ARTICLES.sub("", text)
    return text.replace(" ", "")


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Places with parent links and name variants, indexed for lookup."""

    frame: pd.DataFrame
    source: str = "<memory>"
    _index: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, list[str]] = {}
        for row in self.frame.itertuples(index=False):
            place_id = str(row.place_id)  # the loader reads every column as text
            names = [place_id, str(row.name), *[v for v in str(row.variants).split("|") if v.strip()]]
            for n in names:
                key = normalise_name(n)
                if key and place_id not in index.setdefault(key, []):
                    index[key].append(place_id)
        object.__setattr__(self, "_index", {k: tuple(v) for k, v in index.items()})

    # -- lookup -------------------------------------------------------------
    @cached_property
    def _rows(self) -> dict[str, dict[str, object]]:
        return {str(r["place_id"]): r for r in _dicts(self.frame)}

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._rows

    def get(self, place_id: str) -> dict[str, object]:
        """The gazetteer row of a place id (KeyError names the unknown id)."""
        try:
            return self._rows[place_id]
        except KeyError:
            raise KeyError(f"unknown place id {place_id!r}") from None

    def name(self, place_id: str) -> str:
        return str(self.get(place_id)["name"])

    def candidates(self, name: str) -> tuple[str, ...]:
        """Every place id whose name or a variant matches `name`."""
        return self._index.get(normalise_name(name), ())

    def resolve(self, name: str, country: str | None = None, kind: str | None = None) -> str | None:
        """The one place id a name denotes, or None when unknown or ambiguous.

        `country` ("iq"/"sy") and `kind` narrow the candidates; when a city and
        its governorate share a name, the governorate wins only if `kind` asks
        for it, otherwise the broader unit is returned (the safer reading).
        """
        if not name or not name.strip():
            return None
        found = list(self.candidates(name))
        if country:
            found = [p for p in found if country in (p, *self.ancestors(p))]
        if kind:
            found = [p for p in found if self.get(p)["kind"] == kind]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            # a governorate and its own city named alike: take the broader one
            ranks = sorted(found, key=lambda p: _KIND_RANK.get(str(self.get(p)["kind"]), 99))
            top = ranks[0]
            if all(top in self.ancestors(p) for p in ranks[1:]):
                return top
        return None

    # -- hierarchy ----------------------------------------------------------
    def parent(self, place_id: str) -> str | None:
        parent = self.get(place_id)["parent_id"]
        return str(parent) if parent else None

    def ancestors(self, place_id: str) -> tuple[str, ...]:
        """Parents up to the country, nearest first."""
        out: list[str] = []
        current = self.parent(place_id)
        while current and current not in out:
            out.append(current)
            current = self.parent(current) if current in self else None
        return tuple(out)

    def children(self, place_id: str) -> tuple[str, ...]:
        return tuple(self.frame.loc[self.frame["parent_id"] == place_id, "place_id"])

    def descendants(self, place_id: str) -> tuple[str, ...]:
        out: list[str] = []
        stack = list(self.children(place_id))
        while stack:
            p = stack.pop(0)
            out.append(p)
            stack.extend(self.children(p))
        return tuple(out)

    def country_of(self, place_id: str) -> str:
        chain = (place_id, *self.ancestors(place_id))
        return chain[-1]

    def covers(self, a: str, b: str) -> bool:
        """True when place a is b or contains b."""
        return a == b or a in self.ancestors(b)

    def _reduce(self, ids: Iterable[str]) -> frozenset[str]:
        ids = {i for i in ids if i}
        for i in ids:
            self.get(i)
        return frozenset(i for i in ids if not any(o != i and self.covers(o, i) for o in ids))

    def relation(self, ids_a: Iterable[str], ids_b: Iterable[str]) -> PlaceRelation:
        """How two sets of places relate: same, contains, within, overlaps, disjoint.

        A set covers another when each of the other's places lies in one of
        its own; "Iraq;Syria" contains "Raqqa city", and "Syria" overlaps
        "Iraq;Syria" from within.
        """
        a, b = self._reduce(ids_a), self._reduce(ids_b)
        a_covers_b = all(any(self.covers(x, y) for x in a) for y in b)
        b_covers_a = all(any(self.covers(y, x) for y in b) for x in a)
        if a_covers_b and b_covers_a:
            return "same"
        if a_covers_b:
            return "contains"
        if b_covers_a:
            return "within"
        if any(self.covers(x, y) or self.covers(y, x) for x in a for y in b):
            return "overlaps"
        return "disjoint"

    def label(self, ids: Iterable[str]) -> str:
        """Readable names of a set of place ids, e.g. "Iraq + Syria"."""
        return " + ".join(self.name(i) for i in sorted(self._reduce(ids), key=lambda i: (self.country_of(i), i)))


def _dicts(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The rows as dicts; the stubs type labels as Hashable, ours are the contract's column names."""
    return cast("list[dict[str, object]]", frame.to_dict("records"))


def _records(frame: pd.DataFrame) -> list[SimpleNamespace]:
    return [SimpleNamespace(**r) for r in _dicts(frame.rename(columns={FILE: "file_", LINE: "line_"}))]


def _validate(frame: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    ids = set(frame["place_id"])
    seen: dict[str, int] = {}
    for row in _records(frame):
        f, line = row.file_, row.line_
        if not _ID.match(row.place_id):
            problems.append(Problem(f, line, "place_id", f"{row.place_id!r} is not a lowercase id like 'iq-ninewa'"))
        elif row.place_id in seen:
            problems.append(
                Problem(f, line, "place_id", f"duplicate id {row.place_id!r} (first on line {seen[row.place_id]})")
            )
        else:
            seen[row.place_id] = line
        if not row.name:
            problems.append(Problem(f, line, "name", "required value is empty"))
        if row.kind not in PLACE_KINDS:
            problems.append(Problem(f, line, "kind", f"{row.kind!r} is not one of {', '.join(PLACE_KINDS)}"))
        if row.parent_id and row.parent_id not in ids:
            problems.append(Problem(f, line, "parent_id", f"unknown parent id {row.parent_id!r}"))
        if not row.parent_id and row.kind != "country":
            problems.append(Problem(f, line, "parent_id", "only a country may have no parent"))
        for col, lo, hi in (("lat", -90, 90), ("lon", -180, 180)):
            value = getattr(row, col)
            if value:
                try:
                    number = float(value)
                except ValueError:
                    problems.append(Problem(f, line, col, f"{value!r} is not a number"))
                    continue
                if not lo <= number <= hi:
                    problems.append(Problem(f, line, col, f"{number} is outside [{lo}, {hi}]"))
        if row.source_url and not is_safe_url(row.source_url):
            problems.append(Problem(f, line, "source_url", "only http:// and https:// URLs are accepted"))
    return problems


def _check_variants(frame: pd.DataFrame) -> list[Problem]:
    """A spelling that maps to two places that are not parent and child is ambiguous."""
    problems: list[Problem] = []
    owner: dict[str, tuple[str, int, str]] = {}
    parents = dict(zip(frame["place_id"], frame["parent_id"], strict=True))
    for row in _records(frame):
        for variant in [v for v in row.variants.split("|") if v.strip()]:
            key = normalise_name(variant)
            if key in owner and owner[key][0] != row.place_id:
                other = owner[key][0]
                if parents.get(row.place_id) != other and parents.get(other) != row.place_id:
                    problems.append(
                        Problem(
                            row.file_,
                            row.line_,
                            "variants",
                            f"{variant!r} also names {other!r} (line {owner[key][1]}); "
                            "a spelling must denote one place",
                        )
                    )
            else:
                owner.setdefault(key, (row.place_id, row.line_, variant))
    return problems


def read_places(path: str | Path) -> tuple[pd.DataFrame, list[Problem], int]:
    """Parse and check a gazetteer file without raising."""
    frame, problems, rows_in = read_rows(path, required=_REQUIRED, optional=PLACE_COLUMNS[4:])
    if frame.empty:
        return frame, problems, rows_in
    problems += _validate(frame) + _check_variants(frame)
    return frame, problems, rows_in


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Load `data/places.csv` (or `path`); raise InputError listing every problem."""
    p = Path(path) if path else data_dir() / "places.csv"
    frame, problems, _ = read_places(p)
    if problems:
        raise InputError(problems)
    frame = frame.drop(columns=[LINE, FILE]).copy()
    for col in ("lat", "lon"):
        frame[col] = pd.to_numeric(frame[col].replace("", None), errors="coerce")
    return Gazetteer(frame.reset_index(drop=True), str(p))
