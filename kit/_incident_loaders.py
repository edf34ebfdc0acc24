"""One loader per incident format, each mapping its file into IncidentSchema.

Every loader reads with `read_table` (fast, line-numbered), parses with vectorised
checks that reject a row with `file:line: field: message` instead of failing the
file, resolves governorates through the gazetteer (unmapped names are reported
on `LoadedIncidents.unmapped`, never guessed) and finishes with `finish()`,
which validates the contract and keeps rows in = loaded + rejected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit._incident_places import GazetteerLike, PlaceResolver, default_gazetteer, resolve_governorates
from kit._incident_read import Checks, Table, display_name, finish, read_table
from kit._incident_schema import (
    EXTRA_COLUMNS,
    INCIDENT_COLUMNS,
    LOCATION_PRECISIONS,
    DATE_PRECISIONS,
    IncidentFileError,
    LoadedIncidents,
    Problem,
)

COALITION_PATTERN = r"coalition|united states|inherent resolve"
"""Actor names that put a row on the US-led coalition's side (case-insensitive regex; a loader parameter)."""

# --- shared helpers -------------------------------------------------------------------------


def _resolver(gazetteer: GazetteerLike | None) -> PlaceResolver:
    return PlaceResolver(gazetteer if gazetteer is not None else default_gazetteer())


def _blank_str(n: int) -> pd.Series:
    return pd.Series([""] * n, dtype=str)


def _na_float(n: int) -> pd.Series:
    return pd.Series(pd.array([pd.NA] * n, dtype="Float64"))


def _countries(
    resolver: PlaceResolver, names: pd.Series, table: Table, field: str
) -> tuple[pd.Series, list[Problem]]:
    """Country ids from country names; blank or unknown names stay empty and are reported (never inferred)."""
    codes, uniques = pd.factorize(names.astype(str))
    ids = np.array([resolver.country(u) or "" for u in uniques] + [""], dtype=object)[codes]
    vals = names.to_numpy(dtype=object)
    warn: list[Problem] = []
    for i in np.flatnonzero(ids == ""):
        if str(vals[i]).strip():
            msg = f"'{vals[i]}' is not a country in the gazetteer (iq, sy); country left empty"
        else:
            msg = "country is blank; left empty (not inferred from coordinates)"
        warn.append(Problem(table.file, int(table.lines[i]), field, msg))
    return pd.Series(ids, dtype=str), warn


def _coordinates(checks: Checks, table: Table, lat_col: str, lon_col: str, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    lat = checks.number(table.col(lat_col), lat_col, decimal=decimal, lo=-90, hi=90)
    lon = checks.number(table.col(lon_col), lon_col, decimal=decimal, lo=-180, hi=180)
    checks.reject((lat.isna() != lon.isna()).to_numpy(), lat_col, f"{lat_col} and {lon_col} must be given together")
    return lat.astype("float64"), lon.astype("float64")


def _coalition(actors: pd.Series, pattern: str) -> pd.Series:
    return actors.str.contains(pattern, case=False, regex=True).fillna(False).astype(bool)


def _actors(s: pd.Series, sep: str) -> pd.Series:
    """Actor lists joined with ';' as the schema wants, names untouched."""
    parts = s.str.split(sep, regex=False)
    return parts.map(lambda xs: ";".join(x.strip() for x in xs if x.strip())).astype(str)


def _window_end(start: pd.Series, end: pd.Series) -> pd.Series:
    return end.where(end.notna(), start)


# --- Airwars ------------------------------------------------------------------------------

AIRWARS_PRECISION: dict[str, str] = {
    "exact_location": "exact",
    "exact_location_other": "exact",
    "exact_location_coalition": "exact",
    "within_1m": "exact",
    "within_100m": "street",
    "street": "street",
    "nearby_landmark": "street",
    "neighbourhood_area": "neighbourhood",
    "village": "village",
    "town": "town",
    "city": "city",
    "subdistrict": "district",
    "district": "district",
    "province_governorate": "governorate",
    "country": "country",
}
"""Airwars `geolocation_precision` -> our location_precision (blank -> unknown)."""

_AIRWARS_REQUIRED = (
    "airwars_id", "incident_code", "airwars_url", "date", "date_end", "date_type", "country", "region",
    "governorate", "location_en", "latitude", "longitude", "geolocation_precision", "military_actor",
    "coalition_alleged", "strike_status", "grading", "civilians_killed_min", "civilians_killed_max",
    "civilians_injured_min", "civilians_injured_max",
)


def load_airwars(
    path: str | Path, gazetteer: GazetteerLike | None = None, *, coalition_pattern: str = COALITION_PATTERN
) -> LoadedIncidents:
    """Load an Airwars incident export (one row per incident; see ../shared/data/SOURCES.md).

    `source_id` is the numeric `airwars_id` (unique); the public `incident_code`
    (e.g. CS1076, duplicated on purpose for two cases) is kept in `source_code`.
    min/max -> low/high, best stays NA (Airwars publishes ranges). Governorate is
    resolved from `governorate`, then `region`. `coalition_alleged` is the export's
    own column. Rows with no date at all are kept with precision `unknown`.
    """
    t = read_table(path, required=_AIRWARS_REQUIRED)
    n = len(t)
    c = Checks(n)
    res = _resolver(gazetteer)
    out: dict[str, Any] = {"source": pd.Series(["airwars"] * n, dtype=str)}
    out["source_id"] = t.col("airwars_id")
    out["source_code"] = t.col("incident_code")
    url = t.col("airwars_url")
    c.reject(~url.str.match(r"^(https?://\S+)?$").to_numpy(), "airwars_url", "'" + url + "' is not an http(s) URL")
    out["url"] = url
    start = c.dates(t.col("date"), "date", ["%Y-%m-%d"], "YYYY-MM-DD")
    end = c.dates(t.col("date_end"), "date_end", ["%Y-%m-%d"], "YYYY-MM-DD")
    dtype_ = t.col("date_type")
    c.reject(~dtype_.isin(["date", "date_range", ""]).to_numpy(), "date_type", "unknown date_type '" + dtype_ + "' (expected date or date_range)")
    c.reject((start.isna() & end.notna()).to_numpy(), "date", "date_end is given but date is blank")
    end = _window_end(start, end)
    c.reject((end < start).fillna(False).to_numpy(), "date_end",
             "date_end " + t.col("date_end") + " is before date " + t.col("date"))
    precision = np.where(start.isna(), "unknown", np.where((dtype_ == "date_range") | (end > start).fillna(False), "range", "day"))
    out["date_start"], out["date_end"], out["date_precision"] = start, end, pd.Series(precision, dtype=str)
    out["lat"], out["lon"] = _coordinates(c, t, "latitude", "longitude")
    out["location_precision"] = c.vocabulary(t.col("geolocation_precision"), "geolocation_precision", AIRWARS_PRECISION, blank="unknown")
    out["place_name"] = t.col("location_en")
    actors = t.col("military_actor")
    out["perpetrators"] = _actors(actors, ",")
    ca = t.col("coalition_alleged").str.lower()
    c.reject(~ca.isin(["true", "false", ""]).to_numpy(), "coalition_alleged", "'" + t.col("coalition_alleged") + "' is not True or False")
    out["coalition_alleged"] = (ca == "true") | ((ca == "") & _coalition(actors, coalition_pattern))
    for ours, theirs in (("civilians_killed", "civilians_killed"), ("injured", "civilians_injured")):
        lo = c.number(t.col(f"{theirs}_min"), f"{theirs}_min", count=True)
        hi = c.number(t.col(f"{theirs}_max"), f"{theirs}_max", count=True)
        c.ordered(lo, hi, f"{theirs}_min", f"{theirs}_min", f"{theirs}_max")
        out[f"{ours}_low"], out[f"{ours}_high"] = lo, hi
    out["civilians_killed_best"] = _na_float(n)
    out["grade"] = t.col("grading")
    out["belligerent_verdict"] = _blank_str(n)
    out["strike_count"] = pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    out["strike_status"] = t.col("strike_status")
    out["country"], warn = _countries(res, t.col("country"), t, "country")
    out["governorate"], gwarn = resolve_governorates(
        res, [t.col("governorate"), t.col("region")], out["country"], file=t.file, lines=t.lines,
        field_names=["governorate", "region"],
    )
    return finish(t, out, c, unmapped=sorted(warn + gwarn), extras=("source_code", "strike_status"), id_field="airwars_id")
