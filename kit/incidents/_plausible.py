"""Plausibility checks every loader runs on its rows: dates, coordinates, counts.

A value can parse and still be wrong: a year 0001 or 9999, a latitude and
longitude written the other way round, a count of 1e300. These are flagged
(the row is kept, the value set aside where it cannot be used) with the reason,
never silently accepted. The thresholds live here, once, with their defaults;
the CLI, notebooks and reports all use `DEFAULT_PLAUSIBILITY` unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

COUNTRY_BOUNDS: dict[str, tuple[float, float, float, float]] = {
    "iq": (28.9, 37.5, 38.6, 48.8),
    "sy": (32.2, 37.5, 35.5, 42.5),
}
"""(lat min, lat max, lon min, lon max) per country id: the extent of the admin-1 boundaries
(Iraq CSO 2019, Syria OCHA v02; ../shared/data/boundaries) widened by about 0.15 degrees."""

Bounds = Mapping[str, tuple[float, float, float, float]]
#: A country the boxes above do not know gets the extent of its gazetteer places' coordinates (centroids),
#: widened on each axis by half that extent and at least this many degrees: centroids sit well inside the
#: borders (Iraq's lie up to 2.9 degrees inside its box, Anbar's far from the western border), and a box
#: this loose still catches swapped latitude/longitude and impossible values.
MIN_MARGIN_DEGREES = 1.5
#: Places with coordinates a country needs below it for a box: one centroid (Libya's, say) says nothing of
#: the country's extent, and a box drawn around it would flag real events.
MIN_PLACES = 3


def country_bounds(gazetteer: Any) -> dict[str, tuple[float, float, float, float]]:
    """`COUNTRY_BOUNDS` plus a box for every other country in `gazetteer`, from its places' coordinates.

    Why: an investigation of another conflict brings its own gazetteer (`kit new --places`), so its
    incidents get a bounds check too; Iraq and Syria keep their measured boxes. A gazetteer without a
    frame of places (any `GazetteerLike`) adds nothing.
    """
    bounds = dict(COUNTRY_BOUNDS)
    frame = getattr(gazetteer, "frame", None)
    if not isinstance(frame, pd.DataFrame) or frame.empty or not {"lat", "lon", "kind"} <= set(frame.columns):
        return bounds
    ids = frame["place_id"].astype(str)
    roots = [ancestors[-1] if (ancestors := gazetteer.ancestors(p)) else p for p in ids]
    kind = dict(zip(ids, frame["kind"].astype(str), strict=True))
    points = pd.DataFrame({"country": roots, "lat": pd.to_numeric(frame["lat"], errors="coerce").to_numpy(),
                           "lon": pd.to_numeric(frame["lon"], errors="coerce").to_numpy()}, index=ids).dropna()
    for country, pts in points.groupby("country", sort=True):
        spread = len(pts.drop(index=str(country), errors="ignore"))  # places below the country itself
        if country in bounds or kind.get(str(country)) != "country" or spread < MIN_PLACES:
            continue
        box = []
        for axis, limit in (("lat", 90.0), ("lon", 180.0)):
            lo, hi = float(pts[axis].min()), float(pts[axis].max())
            margin = max(MIN_MARGIN_DEGREES, (hi - lo) / 2)
            box += [max(-limit, lo - margin), min(limit, hi + margin)]
        bounds[str(country)] = (box[0], box[1], box[2], box[3])
    return bounds


@dataclass(frozen=True)
class Plausibility:
    """Where plausible values end; `latest=None` means today (when the load runs)."""

    earliest: date = date(1900, 1, 1)
    latest: date | None = None
    bounds: Bounds | None = None
    """(lat min, lat max, lon min, lon max) per country id; None: `COUNTRY_BOUNDS` and the loader's gazetteer."""
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


def _inside(lat: np.ndarray, lon: np.ndarray, country: np.ndarray, bounds: Bounds) -> np.ndarray:
    ok = np.ones(len(lat), dtype=bool)
    for cid, (la0, la1, lo0, lo1) in bounds.items():
        here = country == cid
        ok[here] = (lat[here] >= la0) & (lat[here] <= la1) & (lon[here] >= lo0) & (lon[here] <= lo1)
    return ok


def outside_country(
    lat: pd.Series, lon: pd.Series, country: pd.Series, bounds: Bounds = COUNTRY_BOUNDS,
) -> tuple[np.ndarray, np.ndarray]:
    """(outside, swapped): coordinates outside their country's box, and those that fit once swapped."""
    la = pd.to_numeric(lat, errors="coerce").to_numpy(dtype="float64")
    lo = pd.to_numeric(lon, errors="coerce").to_numpy(dtype="float64")
    codes, uniques = pd.factorize(country)  # a handful of country ids repeated on every row
    names = np.asarray([str(u) for u in uniques] + [""], dtype=object)  # code -1 (missing) -> ""
    known_code = np.isin(names, list(bounds))
    known = ~np.isnan(la) & ~np.isnan(lo) & known_code[codes]
    outside = np.zeros(len(la), dtype=bool)
    swapped = np.zeros(len(la), dtype=bool)
    idx = np.flatnonzero(known)  # only rows with both coordinates and a known country are judged
    if len(idx):
        cid = names[codes[idx]]
        out = ~_inside(la[idx], lo[idx], cid, bounds)
        outside[idx] = out
        swapped[idx] = out & _inside(lo[idx], la[idx], cid, bounds)
    return outside, swapped
