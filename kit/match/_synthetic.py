"""Known truth from real events: copies changed only within each record's stated precision.

Matching quality cannot be measured on two real lists alone (no one knows every
true link). Copying real records, moving each copy's date, position and death
range only as far as the record's own precision allows, dropping some copies
and duplicating others gives a second list whose every true link is known, with
the real data's density (many strikes on one day in one city) intact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.match._engine import _KM_PER_DEG, LOCATION_RADIUS_KM, UNKNOWN_PRECISION_RADIUS_KM


def perturbed_copies(
    frame: pd.DataFrame,
    *,
    seed: int = 0,
    keep_in_a: float = 0.8,
    drop: float = 0.15,
    duplicate: float = 0.05,
    day_shift: float = 0.0,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(A, B, truth) from one real list: A a random `keep_in_a` share of it, B copies of every record.

    Each copy: a day-precise date stays (or, with probability `day_shift`, moves
    one day: outside its precision, a harder test); a month/year/range date
    becomes a day inside its period; the position moves
    uniformly inside the radius of its location precision; the death range
    becomes a sub-range of the original. `drop` of the copies are removed and
    `duplicate` of them copied twice. truth: (id_a, id_b) for copies of A records.
    """
    rng = np.random.default_rng(seed)
    f = frame.reset_index(drop=True)
    in_a = rng.random(len(f)) < keep_in_a
    a = f[in_a].reset_index(drop=True)
    kept = np.flatnonzero(rng.random(len(f)) >= drop)
    twice = kept[rng.random(len(kept)) < duplicate]
    origin = np.sort(np.concatenate([kept, twice]))
    b = _copy(f.iloc[origin].reset_index(drop=True), rng, day_shift)
    b["source"] = "copy"
    b["source_id"] = [f"c{k}" for k in range(len(b))]
    truth_rows = in_a[origin]
    ids = f["source_id"].astype(str).to_numpy()
    truth = pd.DataFrame({"id_a": ids[origin][truth_rows], "id_b": b["source_id"].to_numpy()[truth_rows]})
    return a, b, truth


def _copy(g: pd.DataFrame, rng: np.random.Generator, day_shift: float) -> pd.DataFrame:
    """Each record moved within its own precision (dates, position, death range)."""
    n = len(g)
    out = g.copy()
    start = pd.to_datetime(g["date_start"], errors="coerce")
    end = pd.to_datetime(g["date_end"], errors="coerce").fillna(start)
    prec = g["date_precision"].astype("string").fillna("").to_numpy()
    period_end = end.copy()
    for p, code in (("month", "M"), ("year", "Y")):
        sel = (prec == p) & start.notna().to_numpy()
        if sel.any():
            period_end[sel] = start[sel].dt.to_period(code).dt.end_time.dt.normalize()
    span = ((period_end - start).dt.days.fillna(0).clip(lower=0)).to_numpy()
    offset = np.floor(rng.random(n) * (span + 1)).astype(int)
    shift = np.where(rng.random(n) < day_shift, rng.choice([-1, 1], n), 0) * (span == 0)
    day = start + pd.to_timedelta(offset + shift, unit="D")
    out["date_start"], out["date_end"] = day, day
    out["date_precision"] = np.where(start.notna(), "day", prec)
    lprec = g["location_precision"].astype("string").fillna("").to_numpy()
    radius = np.array([LOCATION_RADIUS_KM.get(p, UNKNOWN_PRECISION_RADIUS_KM) for p in lprec])
    r = radius * np.sqrt(rng.random(n))
    theta = rng.random(n) * 2 * np.pi
    lat = pd.to_numeric(g["lat"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(g["lon"], errors="coerce").to_numpy(dtype=float)
    out["lat"] = lat + r * np.cos(theta) / _KM_PER_DEG
    out["lon"] = lon + r * np.sin(theta) / (_KM_PER_DEG * np.cos(np.radians(np.nan_to_num(lat))))
    low = pd.to_numeric(g["civilians_killed_low"], errors="coerce").to_numpy(dtype=float)
    high = pd.to_numeric(g["civilians_killed_high"], errors="coerce").to_numpy(dtype=float)
    high = np.where(np.isnan(high), low, high)
    lo2 = low + np.floor(rng.random(n) * (high - low + 1))
    hi2 = lo2 + np.floor(rng.random(n) * (high - lo2 + 1))
    out["civilians_killed_low"] = pd.array(lo2, dtype="Float64")
    out["civilians_killed_best"] = pd.array(np.full(n, np.nan), dtype="Float64")
    out["civilians_killed_high"] = pd.array(hi2, dtype="Float64")
    return out
