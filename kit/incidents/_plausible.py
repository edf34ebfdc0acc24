"""Plausibility checks every loader runs on its rows: dates, coordinates, counts.

A value can parse and still be wrong: a year 0001 or 9999, a latitude and
longitude written the other way round, a count of 1e300. These are flagged
(the row is kept, the value set aside where it cannot be used) with the reason,
never silently accepted. The thresholds live here, once, with their defaults;
the CLI, notebooks and reports all use `DEFAULT_PLAUSIBILITY` unless told otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

COUNTRY_BOUNDS: dict[str, tuple[float, float, float, float]] = {
    "iq": (28.9, 37.5, 38.6, 48.8),
    "sy": (32.2, 37.5, 35.5, 42.5),
}
"""(lat min, lat max, lon min, lon max) per country id: the extent of the admin-1 boundaries
(Iraq CSO 2019, Syria OCHA v02; ../shared/data/boundaries) widened by about 0.15 degrees."""


@dataclass(frozen=True)
class Plausibility:
    """Where plausible values end; `latest=None` means today (when the load runs)."""

    earliest: date = date(1900, 1, 1)
    latest: date | None = None
    count_ceiling: float = 100_000.0
    """Deaths or injuries above this in one incident record are set aside and flagged (no single
    incident in the conflicts the kit covers comes near it; a typo or a unit error does)."""

    def last_day(self) -> date:
        return self.latest if self.latest is not None else date.today()


DEFAULT_PLAUSIBILITY = Plausibility()


def outside_window(start: pd.Series, end: pd.Series, p: Plausibility) -> np.ndarray:
    """Rows whose start or end date lies outside [earliest, latest]."""
    lo, hi = pd.Timestamp(p.earliest), pd.Timestamp(p.last_day()) + pd.Timedelta(days=1)
    out = np.zeros(len(start), dtype=bool)
    for s in (start, end):
        d = pd.to_datetime(s, errors="coerce")
        out |= ((d < lo) | (d >= hi)).fillna(False).to_numpy(dtype=bool)
    return out


def _inside(lat: np.ndarray, lon: np.ndarray, country: np.ndarray) -> np.ndarray:
    ok = np.ones(len(lat), dtype=bool)
    for cid, (la0, la1, lo0, lo1) in COUNTRY_BOUNDS.items():
        here = country == cid
        ok[here] = (lat[here] >= la0) & (lat[here] <= la1) & (lon[here] >= lo0) & (lon[here] <= lo1)
    return ok


def outside_country(lat: pd.Series, lon: pd.Series, country: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(outside, swapped): coordinates outside their country's box, and those that fit once swapped."""
    la = pd.to_numeric(lat, errors="coerce").to_numpy(dtype="float64")
    lo = pd.to_numeric(lon, errors="coerce").to_numpy(dtype="float64")
    codes, uniques = pd.factorize(country)  # a handful of country ids repeated on every row
    names = np.asarray([str(u) for u in uniques] + [""], dtype=object)  # code -1 (missing) -> ""
    known_code = np.isin(names, list(COUNTRY_BOUNDS))
    known = ~np.isnan(la) & ~np.isnan(lo) & known_code[codes]
    outside = np.zeros(len(la), dtype=bool)
    swapped = np.zeros(len(la), dtype=bool)
    idx = np.flatnonzero(known)  # only rows with both coordinates and a known country are judged
    if len(idx):
        cid = names[codes[idx]]
        out = ~_inside(la[idx], lo[idx], cid)
        outside[idx] = out
        swapped[idx] = out & _inside(lo[idx], la[idx], cid)
    return outside, swapped
