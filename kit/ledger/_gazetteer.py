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

    @classmethod
    def from_rows(cls, frame: pd.DataFrame, source: str) -> Gazetteer:
        """A gazetteer from the rows `read_places` returned without problems (so a file is read once)."""
        rows = frame.drop(columns=[c for c in (LINE, FILE) if c in frame.columns]).copy()
        for col in ("lat", "lon"):
            rows[col] = pd.to_numeric(rows[col].replace("", None), errors="coerce")
        return cls(rows.reset_index(drop=True), source)

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
    return Gazetteer.from_rows(frame, str(p))


# -- building and growing a gazetteer -------------------------------------------------------------


def place_slug(text: str) -> str:
    """A place id from a code or name: "IQG01" → "iqg01", "Al-Hasakeh" → "al-hasakeh" (ASCII, lowercase)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _ring_moments(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and first moments (shoelace) of one closed lon/lat ring."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return area / 2, cx / 6, cy / 6


def geometry_centroid(geometry: dict[str, object]) -> tuple[float, float] | None:
    """(lat, lon) of a GeoJSON Polygon/MultiPolygon: the area-weighted planar centroid, holes subtracted.

    The same formula as shapely's `centroid` on the raw lon/lat coordinates
    (planar, not geodesic): accurate enough to place a marker inside a
    governorate-sized region, which is all the gazetteer uses it for. Each
    ring's orientation is normalised, so files in either winding agree.
    """
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else None
    if not isinstance(polygons, list):
        return None
    total = mx = my = 0.0
    for polygon in polygons:
        for i, ring in enumerate(polygon):
            area, moment_x, moment_y = _ring_moments([[float(x), float(y)] for x, y, *_ in ring])
            orient = 1 if area >= 0 else -1  # a clockwise ring has negative area and moments
            hole = 1 if i == 0 else -1  # the outer ring adds, holes subtract
            total += hole * abs(area)
            mx += hole * orient * moment_x
            my += hole * orient * moment_y
    if total == 0:
        return None
    return round(my / total, 4), round(mx / total, 4)


def _feature_rows(
    features: list[object],
    name: str,
    fields: tuple[str, str, str | None, str | None, tuple[str, ...]],
    kind: str,
    source_url: str,
) -> tuple[list[dict[str, str]], list[Problem], dict[str, str]]:
    """One gazetteer row per feature, a problem for each feature that lacks its id or name, and parents' names."""
    id_field, name_field, parent_field, parent_name_field, variant_fields = fields
    rows: list[dict[str, str]] = []
    problems: list[Problem] = []
    parent_names: dict[str, str] = {}
    for n, feature in enumerate(features, start=1):
        feature = feature if isinstance(feature, dict) else {}
        props = feature.get("properties")
        if not isinstance(props, dict):
            problems.append(Problem(name, n, "properties", f"feature {n} has no properties"))
            continue
        raw_id, label = str(props.get(id_field) or "").strip(), str(props.get(name_field) or "").strip()
        if not raw_id or not label:
            missing = id_field if not raw_id else name_field
            problems.append(Problem(name, n, missing, f"feature {n} has no {missing!r} property"))
            continue
        variants = [str(props[f]).strip() for f in variant_fields if props.get(f)]
        variants = [v for v in dict.fromkeys([*variants, raw_id]) if v and v != label]
        geometry = feature.get("geometry")
        centre = geometry_centroid(geometry) if isinstance(geometry, dict) else None
        parent = place_slug(str(props.get(parent_field) or "")) if parent_field else ""
        if parent and parent_name_field and props.get(parent_name_field):
            parent_names.setdefault(parent, str(props[parent_name_field]).strip())
        rows.append({
            "place_id": place_slug(raw_id), "name": label, "kind": kind, "parent_id": parent,
            "variants": "|".join(variants), "lat": f"{centre[0]:.4f}" if centre else "",
            "lon": f"{centre[1]:.4f}" if centre else "", "pcode": raw_id, "source_url": source_url,
        })
    return rows, problems, parent_names


def places_from_geojson(
    path: str | Path,
    *,
    id_field: str,
    name_field: str,
    parent_field: str | None = None,
    parent_name_field: str | None = None,
    variant_fields: Iterable[str] = (),
    kind: str = "governorate",
    source_url: str = "",
) -> pd.DataFrame:
    """Gazetteer rows (PLACE_COLUMNS, text) for every feature of a boundary file.

    Ids are slugs of `id_field` (kept verbatim as `pcode` and a variant); a
    parent named by `parent_field` that is not itself a feature becomes a
    `country` row (named from `parent_name_field`) placed at the mean of its
    children's centroids.
    Raises `InputError` naming the file and feature for anything unusable.
    """
    import json

    p = Path(path)
    name = p.name
    try:
        doc = json.loads(p.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(name, 0, "(file)", f"not a readable GeoJSON file: {exc}")]) from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise InputError([Problem(name, 0, "(file)", "no features (expected a GeoJSON FeatureCollection)")])
    fields = (id_field, name_field, parent_field, parent_name_field, tuple(variant_fields))
    rows, problems, parent_names = _feature_rows(features, name, fields, kind, source_url)
    if problems:
        raise InputError(problems)
    ids = {r["place_id"] for r in rows}
    for parent in dict.fromkeys(r["parent_id"] for r in rows if r["parent_id"] and r["parent_id"] not in ids):
        kids = [r for r in rows if r["parent_id"] == parent and r["lat"]]
        lat = sum(float(r["lat"]) for r in kids) / len(kids) if kids else None
        lon = sum(float(r["lon"]) for r in kids) / len(kids) if kids else None
        rows.insert(0, {"place_id": parent, "name": parent_names.get(parent, parent.upper()), "kind": "country",
                        "parent_id": "", "variants": "", "lat": f"{lat:.4f}" if lat is not None else "",
                        "lon": f"{lon:.4f}" if lon is not None else "", "pcode": parent.upper(),
                        "source_url": source_url})
    return pd.DataFrame(rows, columns=PLACE_COLUMNS, dtype="string")


def add_places(path: str | Path, rows: pd.DataFrame) -> pd.DataFrame:
    """Append `rows` (PLACE_COLUMNS) to the gazetteer at `path` (created when absent) if the result is valid.

    New rows are appended below the existing text, which is never rewritten;
    ids already present are left as they are (their rows are returned as
    skipped). Nothing is written when the combined gazetteer has a problem,
    which is raised as `InputError` naming the new rows' lines.
    """
    import csv
    import io

    p = Path(path)
    existing = read_places(p)[0] if p.is_file() else pd.DataFrame(columns=PLACE_COLUMNS, dtype="string")
    known = set(existing["place_id"])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    if not p.is_file():
        writer.writerow(PLACE_COLUMNS)
    writer.writerows(rows.loc[~rows["place_id"].isin(known), PLACE_COLUMNS].fillna("").astype(str).itertuples(
        index=False, name=None))
    before = p.read_text(encoding="utf-8-sig") if p.is_file() else ""
    if before and not before.endswith("\n"):
        before += "\n"
    staged = p.with_name(f".{p.name}.new")  # checked whole before it replaces the gazetteer
    staged.write_text(before + buffer.getvalue(), encoding="utf-8", newline="")
    try:
        _, problems, _ = read_places(staged)
        if problems:
            raise InputError([Problem(p.name, pr.line, pr.field, pr.message) for pr in problems])
        staged.replace(p)
    finally:
        staged.unlink(missing_ok=True)
    return rows[rows["place_id"].isin(known)]
