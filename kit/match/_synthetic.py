"""Known truth from real events: copies changed only within each record's stated precision.

Matching quality cannot be measured on two real lists alone (no one knows every
true link). Copying real records, moving each copy's date, position and death
range only as far as the record's own precision allows, dropping some copies
and duplicating others gives a second list whose every true link is known, with
the real data's density (many strikes on one day in one city) intact. Place
names change as they change between real sources (`REAL_NAME_RATES`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kit.match._engine import _KM_PER_DEG, LOCATION_RADIUS_KM, UNKNOWN_PRECISION_RADIUS_KM
from kit.match._splink import place_keys

#: How the place names of two records of one strike compare across real sources, measured on the 38
#: true pairs of the hand-labelled Airwars x Dutch-log sample (data/match_labels/): 14 agree once
#: spelling is folded (`place_key`), 23 name another place (the log names a reference town, "15 NM NW
#: of Abu Kamal", where Airwars names the struck village), 1 has no name (3.0% of the log's Syria rows
#: have a blank Town). `benchmarks/match.py` measures them again and passes them in.
REAL_NAME_RATES: dict[str, float] = {"other": 23 / 38, "missing": 1 / 38}


def perturbed_copies(
    frame: pd.DataFrame,
    *,
    seed: int = 0,
    keep_in_a: float = 0.8,
    drop: float = 0.15,
    duplicate: float = 0.05,
    day_shift: float = 0.0,
    names: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(A, B, truth) from one real list: A a random `keep_in_a` share of it, B copies of every record.

    Each copy: a day-precise date stays (or, with probability `day_shift`, moves
    one day: outside its precision, a harder test); a month/year/range date
    becomes a day inside its period; the position moves
    uniformly inside the radius of its location precision; the death range
    becomes a sub-range of the original. `drop` of the copies are removed and
    `duplicate` of them copied twice. truth: (id_a, id_b) for copies of A records.

    names: shares {"other", "missing"} of copies whose place name becomes the
    name of another place nearby or blank (`REAL_NAME_RATES` is what real
    sources show); every other copy gets a transliteration variant of its name.
    None keeps every name as it is (the benchmark before names were compared).
    Names draw from their own random stream, so dates, positions and deaths
    are the same with or without them.
    """
    rng = np.random.default_rng(seed)
    f = frame.reset_index(drop=True)
    in_a = rng.random(len(f)) < keep_in_a
    a = f[in_a].reset_index(drop=True)
    kept = np.flatnonzero(rng.random(len(f)) >= drop)
    twice = kept[rng.random(len(kept)) < duplicate]
    origin = np.sort(np.concatenate([kept, twice]))
    b = _copy(f.iloc[origin].reset_index(drop=True), rng, day_shift)
    if names is not None:
        b["place_name"] = _renamed(f, origin, np.random.default_rng(seed + 7919), names)
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


#: Spelling changes real Airwars records show for one place ("Al Bab"/"Al-Bab", "Hajin"/"Hajeen",
#: "Raqqa"/"Raqqah", "Soussa"/"Sousse", "Abu"/"Abou"), each applied to a copy's name with probability 1/2.
_RESPELLINGS = (
    (r"^(?:[Aa]l)[ -]", ("Al ", "Al-", "al-", "")),
    (r"ou", ("u",)),
    (r"(?<=[bcdfgjklmnprstvz])u(?=[bcdfgjklmnprstvz])", ("ou",)),
    (r"ee", ("i",)),
    (r"(?<=[bcdfgjklmnprstvz])i(?=[bcdfgjklmnprstvz])", ("ee",)),
    (r"([bdfklmnqrstz])\1", (r"\1",)),
    (r"a$", ("ah",)),
    (r"ah$", ("a",)),
)


def respell(name: str, rng: np.random.Generator) -> str:
    """A transliteration variant of a place name, as another source might write it."""
    out = name
    for pattern, choices in _RESPELLINGS:
        if rng.random() < 0.5 and re.search(pattern, out):
            out = re.sub(pattern, choices[int(rng.integers(len(choices)))], out, count=1)
    return out


def _renamed(f: pd.DataFrame, origin: np.ndarray, rng: np.random.Generator, rates: dict[str, float]) -> np.ndarray:
    """Each copy's place name: blank, the name of another place (a different key), or a respelling of its own.

    Another place is drawn from the whole list, not from the neighbourhood: in
    the hand-labelled sample a false candidate (always a nearby record) shares
    the Airwars name in 4 of 130 pairs; `benchmarks/match.py` prints the
    synthetic share beside it.
    """
    name = f["place_name"].astype("string").fillna("").to_numpy(dtype=object)
    key = place_keys(f).fillna("").to_numpy(dtype=object)
    draw = rng.random(len(origin))
    other = draw < rates.get("other", 0.0)
    missing = ~other & (draw < rates.get("other", 0.0) + rates.get("missing", 0.0))
    out = np.array([respell(str(name[i]), rng) if name[i] else "" for i in origin], dtype=object)
    out[missing] = ""
    named = np.flatnonzero(key != "")
    if len(named):
        pick = named[rng.integers(len(named), size=len(origin))]
        again = named[rng.integers(len(named), size=len(origin))]
        pick = np.where(key[pick] == key[origin], again, pick)  # a second draw when the first is the same place
        out[other] = name[pick[other]]
    return out
