"""Helpers every incident loader shares: constant columns, countries, coordinates, actors.

Every loader reads with `read_table` (fast, line-numbered), parses with vectorised
checks that reject a row with `file:line: field: message` instead of failing the
file, resolves governorates through the gazetteer (unmapped names are reported
on `LoadedIncidents.unmapped`, never guessed) and finishes with `finish()`,
which validates the contract and keeps rows in = loaded + rejected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.core import Problem
from kit.incidents._places import GazetteerLike, PlaceResolver, default_gazetteer
from kit.incidents._read import Checks, Table, labels, per_unique

COALITION_PATTERN = r"coalition|united states|inherent resolve"
"""Actor names that put a row on the US-led coalition's side (case-insensitive regex; a loader parameter)."""


def place_resolver(gazetteer: GazetteerLike | None) -> PlaceResolver:
    return PlaceResolver(gazetteer if gazetteer is not None else default_gazetteer())


def blank_str(n: int) -> pd.Series:
    return labels(np.zeros(n, dtype=np.int64), [""])


def const_str(n: int, value: str) -> pd.Series:
    return labels(np.zeros(n, dtype=np.int64), [value])


def na_float(n: int) -> pd.Series:
    return pd.Series(pd.arrays.FloatingArray(np.zeros(n), np.ones(n, dtype=bool)))


def na_int(n: int) -> pd.Series:
    return pd.Series(pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)))


def country_ids(
    resolver: PlaceResolver, names: pd.Series, table: Table, field: str
) -> tuple[pd.Series, list[Problem]]:
    """Country ids from country names; blank or unknown names stay empty and are reported (never inferred)."""
    codes, uniques = pd.factorize(names.astype(str))
    ids = [resolver.country(u) or "" for u in uniques]
    warn: list[Problem] = []
    missing = [k for k, i in enumerate(ids) if not i]
    for i in np.flatnonzero(np.isin(codes, missing)) if missing else []:
        name = str(uniques[codes[i]])
        if name.strip():
            msg = f"'{name}' is not a country in the gazetteer; country left empty"
        else:
            msg = "country is blank; left empty (not inferred from coordinates)"
        warn.append(Problem(table.file, int(table.lines[i]), field, msg))
    return labels(codes, ids), warn


def coordinates(
    checks: Checks, table: Table, lat_col: str, lon_col: str, decimal: str = ".", thousands: str | None = None
) -> tuple[pd.Series, pd.Series]:
    """Latitude and longitude; an impossible or half-given pair is set aside (both NA) and the row flagged."""
    return coordinate_pair(checks, table.col(lat_col), table.col(lon_col), lat_col, lon_col, decimal, thousands)


def coordinate_pair(
    checks: Checks, lat_s: pd.Series, lon_s: pd.Series, lat_col: str, lon_col: str,
    decimal: str = ".", thousands: str | None = None,
) -> tuple[pd.Series, pd.Series]:
    """`coordinates` for values already taken from the file (the mapping loader renames columns)."""
    lat = checks.number(lat_s, lat_col, decimal=decimal, thousands=thousands, lo=-90, hi=90, keep=True)
    lon = checks.number(lon_s, lon_col, decimal=decimal, thousands=thousands, lo=-180, hi=180, keep=True)
    half = (lat.isna() != lon.isna()).to_numpy()  # one side missing or already set aside: the pair goes
    one_given = ((lat_s == "") != (lon_s == "")).to_numpy(dtype=bool)
    checks.flag(half & one_given, lat_col, f"{lat_col} and {lon_col} must be given together; coordinates set aside")
    lat = lat.where(~pd.Series(half, index=lat.index))
    lon = lon.where(~pd.Series(half, index=lon.index))
    return lat.astype("float64"), lon.astype("float64")


def window(
    checks: Checks, start: pd.Series, end: pd.Series, end_field: str, end_raw: pd.Series, start_raw: pd.Series,
    start_name: str = "date_start", end_name: str = "date_end",
) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """start..end as stated; an end before its start keeps the row, flagged, with the window widened to cover both."""
    end = window_end(start, end)
    back = (end < start).fillna(False).to_numpy(dtype=bool)
    checks.flag(back, end_field, f"{end_name} {{0}} is before {start_name} {{1}} (as the source states them); "
                "window widened to cover both", end_raw, start_raw)
    if back.any():
        m = pd.Series(back, index=start.index)
        start, end = start.where(~m, end), end.where(~m, start)
    return start, end, back


def is_coalition(actors: pd.Series, pattern: str) -> pd.Series:
    matches = per_unique(actors, lambda u: u.str.contains(pattern, case=False, regex=True).fillna(False).astype(bool))
    return matches.astype(bool)


def join_actors(s: pd.Series, sep: str) -> pd.Series:
    """Actor lists joined with ';' as the schema wants, names untouched."""

    def join(u: pd.Series) -> pd.Series:
        return u.str.split(sep, regex=False).map(lambda xs: ";".join(x.strip() for x in xs if x.strip())).astype(str)

    return per_unique(s, join)


def window_end(start: pd.Series, end: pd.Series) -> pd.Series:
    return end.where(end.notna(), start)


def col_or_blank(t: Table, name: str) -> pd.Series:
    return t.col(name) if name in t.data.columns else blank_str(len(t))
