"""Link the incidents of two sources: explainable candidates, one-to-one matches.

Automated event matching has gone badly wrong in published work (Spagat &
Dougherty: an algorithm found 1 match where hand-matching found two thirds of
the records), so every step here is visible: each candidate pair carries a score
*and* its reasons in words, thresholds are parameters, a human can accept or
reject any pair (`kit.ui.MatchReview`), and those decisions are re-applied on every run.

Pipeline (see docs/MATCHING.md):

1. Normalise both lists: date bounds widened to each record's date precision,
   a location radius from each record's location precision.
2. Blocking in DuckDB: pairs whose date windows overlap and which share a grid
   cell (records with coordinates) or a governorate (records without).
3. Score every candidate: date agreement, location agreement, casualty-range
   overlap (missing ranges neither help nor hurt).
4. One-to-one assignment per connected block with the Hungarian algorithm
   (`scipy.optimize.linear_sum_assignment` on the negated score), after forcing
   reviewer-accepted pairs and removing reviewer-rejected ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from kit.core import Problem
from kit.match._decisions import DECISION_COLUMNS, MatchInputError, load_decisions
from kit.match._scale import LARGE_RUN_PAIRS, LargeCandidates, large_candidates
from kit.match._splink import FSModel, fs_score

# --------------------------------------------------------------------------
# Documented constants
# --------------------------------------------------------------------------

#: How far (km) a point may lie from the true place, by the source's location
#: precision. Two records are close enough when their distance is at most
#: max(km, radius_a, radius_b). Levels absent here (governorate, country,
#: unknown without coordinates) fall back to the governorate test.
LOCATION_RADIUS_KM: dict[str, float] = {
    "exact": 0.5,
    "street": 1.0,
    "neighbourhood": 2.0,
    "village": 5.0,
    "town": 5.0,
    "city": 10.0,
    "district": 25.0,
}

#: The one default distance limit (km) of the CLI, notebooks and reports, and the
#: one default date window (days beyond each record's precision).
DEFAULT_KM = 10.0
DEFAULT_DAYS = 1

#: Default `min_score` of each scorer. The rules score keeps its documented 0.5. The Fellegi–Sunter
#: threshold was chosen by F1 on a random half of list A of the synthetic benchmark (benchmarks/match.py,
#: docs/MATCHING.md §7) and checked on the other half. Pair probabilities are computed before the
#: one-to-one assignment removes a pair's rivals: of the links it makes at 0.3–0.5, 62.5% were true copies.
DEFAULT_MIN_SCORE: dict[str, float] = {"rules": 0.5, "fs": 0.3}

#: Coordinates given with precision `unknown` (or blank) are treated like a
#: city-level point: usable, but only within this radius.
UNKNOWN_PRECISION_RADIUS_KM = 10.0

#: Length in days of each date precision; a record whose date_end is missing
#: or equal to date_start is widened to the whole period it stands for.
DATE_PRECISION_DAYS: dict[str, int] = {"day": 1, "week": 7, "month": 31, "year": 366}

#: Weights of the score components. date and location lie in [0, 1];
#: casualties is +1 (ranges overlap), 0 (a range is missing: neither helps nor
#: hurts) or -1 (ranges do not overlap). Score = sum of weight x component.
SCORE_WEIGHTS: dict[str, float] = {"date": 0.45, "location": 0.45, "casualties": 0.10}

#: Location component for the fallbacks used when coordinates are missing.
_GOVERNORATE_LOCATION_SCORE = 0.3
_COUNTRY_LOCATION_SCORE = 0.1

#: Date component scaled by how specific the less precise record is: agreeing
#: on a day is stronger evidence than agreeing on a month.
_DATE_SPECIFICITY = ((1, 1.0), (7, 0.6), (31, 0.4))
_DATE_SPECIFICITY_COARSE = 0.2

_REQUIRED = [
    "source",
    "source_id",
    "date_start",
    "date_end",
    "date_precision",
    "lat",
    "lon",
    "location_precision",
]
_OPTIONAL_TEXT = ["country", "governorate", "place_name", "grade", "url", "belligerent_verdict"]
_OPTIONAL_NUM = ["civilians_killed_low", "civilians_killed_best", "civilians_killed_high"]

#: Columns of `MatchResult.candidates` and `.pairs`, in order.
MATCH_COLUMNS = [
    "source_a",
    "id_a",
    "source_b",
    "id_b",
    "score",
    "status",
    "reasons",
    "date_gap_days",
    "distance_km",
    "allowed_km",
    "location_basis",
    "casualty_ranges",
    "date_a",
    "date_b",
    "place_a",
    "place_b",
    "governorate_a",
    "governorate_b",
    "killed_a",
    "killed_b",
    "grade_a",
    "grade_b",
    "url_a",
    "url_b",
    "decision",
    "reviewer",
    "decided_at",
    "note",
    "match_probability",
]

_EARTH_KM = 6371.0088  # mean Earth radius (IUGG)
_KM_PER_DEG = _EARTH_KM * np.pi / 180
Fallback = Literal["governorate", "country", "none"]
Scorer = Literal["rules", "fs"]
Mode = Literal["one-to-one", "one-to-many"]
Progress = Callable[[str], None]


# --------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------


@dataclass
class MatchResult:
    """Everything a run produced, so a reader can check every link.

    `candidates` holds every pair that passed blocking, with score, status and
    reasons; `pairs` the accepted one-to-one links; `only_a` / `only_b` the
    records left unlinked, each with `unmatched_reason`.
    """

    pairs: pd.DataFrame
    only_a: pd.DataFrame
    only_b: pd.DataFrame
    candidates: pd.DataFrame
    params: dict[str, object]
    a: pd.DataFrame
    b: pd.DataFrame
    decisions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DECISION_COLUMNS))
    unapplied_decisions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DECISION_COLUMNS))
    notes: list[str] = field(default_factory=list)
    model: FSModel | None = None

    def summary(self) -> dict[str, int]:
        """Counts a reader needs first: nothing lost, every record accounted for."""
        status = self.candidates["status"].value_counts()
        return {
            "records_a": len(self.a),
            "records_b": len(self.b),
            "candidates": len(self.candidates),
            "matched": len(self.pairs),
            "matched_by_reviewer": int((self.pairs["status"] == "accepted").sum()),
            "rejected_by_reviewer": int(status.get("rejected", 0)),
            "only_a": len(self.only_a),
            "only_b": len(self.only_b),
        }

    def record_status(self, side: Literal["a", "b"] = "a") -> pd.Series:
        """Per record of one list (aligned with `.a`/`.b`): matched / candidate, not matched / no candidate."""
        if side not in ("a", "b"):
            raise ValueError("side must be 'a' or 'b'")
        records = self.a if side == "a" else self.b
        keys = pd.MultiIndex.from_arrays([records["source"].astype(str), records["source_id"].astype(str)])
        cand = self.candidates
        seen = pd.MultiIndex.from_arrays([cand[f"source_{side}"].astype(str), cand[f"id_{side}"].astype(str)])
        linked = pd.MultiIndex.from_arrays(
            [self.pairs[f"source_{side}"].astype(str), self.pairs[f"id_{side}"].astype(str)]
        )
        status = np.where(
            keys.isin(linked), "matched", np.where(keys.isin(seen), "candidate, not matched", "no candidate")
        )
        return pd.Series(status, index=records.index, name="match_status", dtype="string")

    def to_csv(self, out_dir: str | Path) -> dict[str, Path]:
        """Write matched / only-A / only-B / candidates CSVs; returns their paths."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {
            "matched": out / "matched.csv",
            "only_a": out / "only_a.csv",
            "only_b": out / "only_b.csv",
            "candidates": out / "candidates.csv",
        }
        self.pairs.to_csv(paths["matched"], index=False)
        self.only_a.to_csv(paths["only_a"], index=False)
        self.only_b.to_csv(paths["only_b"], index=False)
        self.candidates.to_csv(paths["candidates"], index=False)
        return paths


def collapse_strikes(frame: pd.DataFrame, *, km: float = 1.0) -> pd.DataFrame:
    """One row per strike for logs that list one row per munition (the Dutch MoD log).

    Rows of the same source and dates whose coordinates fall in the same
    `km`-sized grid cell (or, without coordinates, the same place name and
    governorate) become one row: the first row's fields, `strike_count` summed
    (a blank count counts as 1) and `merged_ids` listing every source_id, so no
    row disappears from view. Matching munitions one-to-one against incidents
    would otherwise leave all but one munition of a strike "unmatched".
    """
    if frame.empty:
        out = frame.copy()
        out["merged_ids"] = pd.Series(dtype="string")
        return out
    f = frame.reset_index(drop=True)
    step = max(km, 1e-6) / _KM_PER_DEG
    lat = pd.to_numeric(f["lat"], errors="coerce")
    lon = pd.to_numeric(f["lon"], errors="coerce")
    cell = np.where(
        lat.notna() & lon.notna(),
        (np.floor(lat.fillna(0) / step)).astype(np.int64).astype(str)
        + ":"
        + (np.floor(lon.fillna(0) / step)).astype(np.int64).astype(str),
        "place:" + _text(f, "place_name") + "|" + _text(f, "governorate"),
    )
    key = pd.DataFrame(
        {
            "s": _text(f, "source"),
            "d0": f["date_start"].astype("string").fillna(""),
            "d1": f["date_end"].astype("string").fillna(""),
            "cell": cell,
        }
    )
    group = key.groupby(["s", "d0", "d1", "cell"], sort=False).ngroup().to_numpy()
    counts = (
        pd.to_numeric(f["strike_count"], errors="coerce").fillna(1)
        if "strike_count" in f.columns
        else pd.Series(np.ones(len(f)))
    )
    first = ~pd.Series(group).duplicated().to_numpy()
    out = f[first].reset_index(drop=True)
    out["strike_count"] = pd.array(counts.groupby(group, sort=False).sum().to_numpy().astype(np.int64), dtype="Int64")
    merged = f["source_id"].astype(str).groupby(group, sort=False).agg(";".join)
    out["merged_ids"] = pd.Series(merged.to_numpy(), dtype="string")
    return out


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------


@dataclass
class _Side:
    """A list reduced to numpy arrays the blocking, scoring and reasons need."""

    frame: pd.DataFrame
    source: np.ndarray
    sid: np.ndarray
    start: np.ndarray  # int days since 1970-01-01
    end: np.ndarray
    span: np.ndarray
    dprec: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    radius: np.ndarray  # nan when coordinates are unusable
    lprec: np.ndarray
    gov: np.ndarray
    country: np.ndarray
    low: np.ndarray
    high: np.ndarray
    dated: np.ndarray
    spatial: np.ndarray = field(init=False)
    period: np.ndarray = field(init=False)  # the date as the source states it
    killed: np.ndarray = field(init=False)  # "4–6", "" when absent

    def __post_init__(self) -> None:
        self.spatial = ~np.isnan(self.radius)
        self.period = _per_distinct(_periods, self.start, self.end, self.dprec, self.dated)
        self.killed = _per_distinct(_ranges_text, self.low, self.high)


def _per_distinct(fn: Callable[..., np.ndarray], *columns: np.ndarray) -> np.ndarray:
    """`fn` written once per distinct row of `columns` (a few thousand dates or ranges over a million records)."""
    frame = pd.DataFrame({str(k): c for k, c in enumerate(columns)})
    ids = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
    first = np.unique(ids, return_index=True)[1]
    return fn(*(c[first] for c in columns))[ids]


def _text(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return frame[col].astype("string").fillna("").str.strip().to_numpy(dtype=object)


def _float(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[col], errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _days(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    ts = pd.to_datetime(values, errors="coerce")
    ok = ts.notna().to_numpy()
    out = np.zeros(len(ts), dtype=np.int64)
    if ok.any():
        out[ok] = ts[ok].to_numpy().astype("datetime64[D]").astype(np.int64)
    return out, ok


def _origin(frame: pd.DataFrame, row: int, side: str) -> tuple[str, int]:
    """File and line of a row when the loader recorded them, else the list and row number."""
    if "source_file" in frame.columns and "source_line" in frame.columns:
        line = pd.to_numeric(pd.Series([frame["source_line"].iloc[row]]), errors="coerce").iloc[0]
        if pd.notna(line):
            return str(frame["source_file"].iloc[row]), int(line)
    return f"<list {side} row {row + 1}>", 0


def _prepare(frame: pd.DataFrame, side: str) -> _Side:
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise MatchInputError(
            [Problem(f"<list {side}>", 0, c, "column missing; see kit.incidents.INCIDENT_COLUMNS") for c in missing]
        )
    frame = frame.reset_index(drop=True)
    sid = _text(frame, "source_id")
    source = _text(frame, "source")
    keys = pd.DataFrame({"source": source, "sid": sid})
    dup = keys.duplicated(keep=False).to_numpy()
    if dup.any():
        problems = []
        for k in np.flatnonzero(dup & keys.duplicated(keep="first").to_numpy())[:20].tolist():
            where, line = _origin(frame, k, side)
            problems.append(
                Problem(where, line, "source_id", f"{sid[k]!r} is not unique within source {source[k]!r} (list {side})")
            )
        raise MatchInputError(problems)
    start, ok_s = _days(frame["date_start"])
    end, ok_e = _days(frame["date_end"])
    end = np.where(ok_e, end, start)
    end = np.maximum(end, start)
    dprec = _text(frame, "date_precision")
    # Widen a record that gives one date for a coarser period to that period.
    single = end == start
    if single.any():
        st = pd.to_datetime(frame["date_start"], errors="coerce")
        for prec in ("month", "year"):
            sel = single & (dprec == prec) & ok_s
            if sel.any():
                first_day = st[sel].dt.to_period(prec[0].upper()).dt.start_time
                last_day = st[sel].dt.to_period(prec[0].upper()).dt.end_time
                start[sel] = first_day.to_numpy().astype("datetime64[D]").astype(np.int64)
                end[sel] = last_day.to_numpy().astype("datetime64[D]").astype(np.int64)
        sel = single & (dprec == "week")
        end[sel] = start[sel] + 6
    lat = _float(frame, "lat")
    lon = _float(frame, "lon")
    lprec = _text(frame, "location_precision")
    radius = pd.Series(lprec, dtype=object).map(LOCATION_RADIUS_KM).to_numpy(dtype=float, na_value=np.nan)
    has_xy = ~np.isnan(lat) & ~np.isnan(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    unknown = np.isin(lprec, ["unknown", ""])
    radius = np.where(unknown & has_xy, UNKNOWN_PRECISION_RADIUS_KM, radius)
    radius = np.where(has_xy, radius, np.nan)
    low = _float(frame, "civilians_killed_low")
    best = _float(frame, "civilians_killed_best")
    high = _float(frame, "civilians_killed_high")
    low_f = np.where(np.isnan(low), np.where(np.isnan(best), high, best), low)
    high_f = np.where(np.isnan(high), np.where(np.isnan(best), low, best), high)
    return _Side(
        frame=frame,
        source=source,
        sid=sid,
        start=start,
        end=end,
        span=end - start + 1,
        dprec=dprec,
        lat=lat,
        lon=lon,
        radius=radius,
        lprec=lprec,
        gov=_text(frame, "governorate"),
        country=_text(frame, "country"),
        low=low_f,
        high=high_f,
        dated=ok_s,
    )


# --------------------------------------------------------------------------
# Blocking (DuckDB)
# --------------------------------------------------------------------------


def _cells(side: _Side, idx: np.ndarray, reach_km: np.ndarray, cell_deg: float) -> pa.Table:
    """Every grid cell a record's reach touches (one row per record x cell)."""
    lat, lon = side.lat[idx], side.lon[idx]
    dlat = reach_km / _KM_PER_DEG
    dlon = reach_km / (_KM_PER_DEG * np.clip(np.cos(np.radians(np.abs(lat) + dlat)), 0.01, None))
    y0 = np.floor((lat - dlat) / cell_deg).astype(np.int64)
    y1 = np.floor((lat + dlat) / cell_deg).astype(np.int64)
    x0 = np.floor((lon - dlon) / cell_deg).astype(np.int64)
    x1 = np.floor((lon + dlon) / cell_deg).astype(np.int64)
    ny, nx = y1 - y0 + 1, x1 - x0 + 1
    n = ny * nx
    rep = np.repeat(np.arange(len(idx)), n)
    k = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    return pa.table(
        {
            "i": idx[rep],
            "cy": y0[rep] + k // nx[rep],
            "cx": x0[rep] + k % nx[rep],
            "s": side.start[idx][rep],
            "e": side.end[idx][rep],
        }
    )


def _explode(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row, every integer in [lo, hi]: (row index, value) per output row."""
    n = hi - lo + 1
    rep = np.repeat(np.arange(len(lo)), n)
    k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    return rep, lo[rep] + k


def _buckets(side: _Side, idx: np.ndarray, gov: np.ndarray, country: np.ndarray, *, pad: int, width: int) -> pa.Table:
    """One row per record x date bucket its (padded) date range touches; areas as integer codes."""
    w0 = np.floor_divide(side.start[idx] - pad, width)
    w1 = np.floor_divide(side.end[idx] + pad, width)
    rep, w = _explode(w0, w1)
    sel = idx[rep]
    return pa.table(
        {
            "i": sel,
            "w": w,
            "s": side.start[sel],
            "e": side.end[sel],
            "sp": side.spatial[sel],
            "g": gov[sel],
            "c": country[sel],
        }
    )


def _area_codes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shared integer codes for area ids of both lists; -1 for blank (joins on ints are cheap)."""
    codes, uniques = pd.factorize(pd.Series(np.concatenate([a, b]), dtype=object))
    blank = np.flatnonzero(np.asarray(uniques, dtype=object) == "")
    codes = np.where(np.isin(codes, blank), -1, codes).astype(np.int64)
    return codes[: len(a)], codes[len(a) :]


def _block(a: _Side, b: _Side, *, days: int, km: float, fallback: Fallback) -> np.ndarray:
    """Candidate (ia, ib) pairs: overlapping date windows and a shared cell or area.

    The hash join on (cell) or (governorate) plus the date inequalities keep the
    work near-linear; no Python loop ever sees all pairs.
    """
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        parts: list[np.ndarray] = []
        sa = np.flatnonzero(a.spatial & a.dated)
        sb = np.flatnonzero(b.spatial & b.dated)
        if len(sa) and len(sb):
            rmax_b = float(np.nanmax(b.radius[sb]))
            reach = np.maximum(np.maximum(a.radius[sa], rmax_b), km)
            cell_deg = max(float(np.max(reach)) / _KM_PER_DEG, 0.05)
            cells_a = _cells(a, sa, reach, cell_deg)
            cells_b = _cells(b, sb, np.zeros(len(sb)), cell_deg)
            con.register("ca", cells_a)
            con.register("cb", cells_b)
            got = con.execute(
                f"""
                SELECT ca.i AS ia, cb.i AS ib
                FROM ca JOIN cb ON ca.cy = cb.cy AND ca.cx = cb.cx
                WHERE cb.s <= ca.e + {int(days)} AND ca.s <= cb.e + {int(days)}
                """
            ).fetchnumpy()
            parts.append(np.column_stack([got["ia"], got["ib"]]))
        if fallback != "none":
            # Records without usable coordinates: join on area and week bucket.
            width = max(7, 2 * int(days) + 1)
            ga, gb = _area_codes(a.gov, b.gov)
            ca, cb = _area_codes(a.country, b.country)
            fa = _buckets(a, np.flatnonzero(a.dated), ga, ca, pad=int(days), width=width)
            fb = _buckets(b, np.flatnonzero(b.dated), gb, cb, pad=0, width=width)
            con.register("fa", fa)
            con.register("fb", fb)
            date_ok = f"fb.s <= fa.e + {int(days)} AND fa.s <= fb.e + {int(days)} AND NOT (fa.sp AND fb.sp)"
            got = con.execute(
                f"""
                SELECT fa.i AS ia, fb.i AS ib FROM fa JOIN fb ON fa.g = fb.g AND fa.w = fb.w
                WHERE fa.g >= 0 AND {date_ok}
                """
            ).fetchnumpy()
            parts.append(np.column_stack([got["ia"], got["ib"]]))
            if fallback == "country":
                got = con.execute(
                    f"""
                    SELECT fa.i AS ia, fb.i AS ib FROM fa JOIN fb ON fa.c = fb.c AND fa.w = fb.w
                    WHERE fa.c >= 0 AND (fa.g < 0 OR fb.g < 0) AND {date_ok}
                    """
                ).fetchnumpy()
                parts.append(np.column_stack([got["ia"], got["ib"]]))
    finally:
        con.close()
    if not parts:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(parts).astype(np.int64)
    nb = max(len(b.sid), 1)
    code = np.unique(pairs[:, 0] * nb + pairs[:, 1])
    return np.column_stack([code // nb, code % nb])


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------


def _haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


@dataclass
class _Scored:
    ia: np.ndarray
    ib: np.ndarray
    gap: np.ndarray
    dist: np.ndarray
    allowed: np.ndarray
    basis: np.ndarray  # 'distance' | 'governorate' | 'country' | 'none'
    ranges: np.ndarray  # 'overlap' | 'disjoint' | 'missing'
    score: np.ndarray
    passes: np.ndarray  # inside date window and location limit
    prob: np.ndarray  # Fellegi–Sunter match probability (nan with the rules scorer)
    weight: np.ndarray  # what the assignment adds up: the score, or the probability
    fs_text: np.ndarray  # the Fellegi–Sunter weights of this pair in words ('' with the rules scorer)

    def take(self, mask: np.ndarray) -> _Scored:
        return _Scored(*(getattr(self, f)[mask] for f in _SCORED_FIELDS))

    def extend(self, other: _Scored) -> _Scored:
        return _Scored(*(np.concatenate([getattr(self, f), getattr(other, f)]) for f in _SCORED_FIELDS))


_SCORED_FIELDS = (
    "ia", "ib", "gap", "dist", "allowed", "basis", "ranges", "score", "passes", "prob", "weight", "fs_text",
)


def _score(a: _Side, b: _Side, ia: np.ndarray, ib: np.ndarray, *, days: int, km: float, fallback: Fallback) -> _Scored:
    gap = np.maximum(0, np.maximum(b.start[ib] - a.end[ia], a.start[ia] - b.end[ib]))
    dated = a.dated[ia] & b.dated[ib]
    span = np.maximum(a.span[ia], b.span[ib])
    spec = np.full(len(ia), _DATE_SPECIFICITY_COARSE)
    for limit, value in reversed(_DATE_SPECIFICITY):
        spec = np.where(span <= limit, value, spec)
    date_c = np.where(dated, (1 - gap / (days + 1)) * spec, 0.0)
    date_ok = dated & (gap <= days)

    both_xy = a.spatial[ia] & b.spatial[ib]
    dist = np.where(both_xy, _haversine(a.lat[ia], a.lon[ia], b.lat[ib], b.lon[ib]), np.nan)
    allowed = np.where(both_xy, np.fmax(np.fmax(a.radius[ia], b.radius[ib]), km), np.nan)
    same_gov = (a.gov[ia] == b.gov[ib]) & (a.gov[ia] != "")
    same_cty = (a.country[ia] == b.country[ib]) & (a.country[ia] != "")
    basis = np.where(
        both_xy,
        "distance",
        np.where(
            same_gov & (fallback != "none"),
            "governorate",
            np.where(same_cty & (fallback == "country"), "country", "none"),
        ),
    ).astype(object)
    with np.errstate(invalid="ignore", divide="ignore"):
        loc_dist = 1 - 0.5 * np.clip(dist / allowed, 0, 2)
    loc_c = np.select(
        [basis == "distance", basis == "governorate", basis == "country"],
        [loc_dist, _GOVERNORATE_LOCATION_SCORE, _COUNTRY_LOCATION_SCORE],
        0.0,
    )
    loc_ok = np.where(basis == "distance", dist <= allowed, basis != "none")

    have = ~np.isnan(a.low[ia]) & ~np.isnan(b.low[ib])
    overlap = (a.low[ia] <= b.high[ib]) & (b.low[ib] <= a.high[ia])
    ranges = np.where(~have, "missing", np.where(overlap, "overlap", "disjoint")).astype(object)
    cas_c = np.where(~have, 0.0, np.where(overlap, 1.0, -1.0))

    w = SCORE_WEIGHTS
    score = np.round(w["date"] * date_c + w["location"] * loc_c + w["casualties"] * cas_c, 4)
    n = len(ia)
    return _Scored(
        ia, ib, gap, dist, allowed, basis, ranges, score, date_ok & loc_ok, np.full(n, np.nan), score.copy(),
        np.full(n, "", dtype=object),
    )


# --------------------------------------------------------------------------
# Reasons in words
# --------------------------------------------------------------------------


def _obj(values: object, n: int | None = None) -> np.ndarray:
    """An object array of str, so `+` concatenates element-wise."""
    if n is not None and isinstance(values, str):
        return np.full(n, values, dtype=object)
    return np.asarray(values, dtype=object)


def _num_text(values: np.ndarray) -> np.ndarray:
    """Numbers as short text ("4", "2.5"); one format call per distinct value."""
    uniq, inv = np.unique(values, return_inverse=True)
    text = np.array([f"{v:g}" for v in uniq.tolist()], dtype=object)
    return text[inv.reshape(-1)] if len(values) else np.empty(0, dtype=object)


def _periods(start: np.ndarray, end: np.ndarray, prec: np.ndarray, dated: np.ndarray) -> np.ndarray:
    s = _obj(np.datetime_as_string(start.astype("datetime64[D]")))
    e = _obj(np.datetime_as_string(end.astype("datetime64[D]")))
    single = start == end
    month = np.array([x[:7] for x in s.tolist()], dtype=object)
    year = np.array([x[:4] for x in s.tolist()], dtype=object)
    out = np.select(
        [~dated, single, prec == "month", prec == "year"],
        [_obj("", len(s)), s, month, year],
        s + "–" + e,
    )
    return _obj(out)


def _ranges_text(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    have = ~np.isnan(low)
    lo = _num_text(np.where(have, low, 0.0))
    hi = _num_text(np.where(have, high, 0.0))
    return _obj(np.where(~have, "", np.where(low == high, lo, lo + "–" + hi)))


def _record_table(side: _Side, rows: np.ndarray) -> pa.Table:
    """Per-record columns the candidate table shows, for the records in `rows` (those in a pair), as Arrow."""
    text = lambda v: pa.array(np.asarray(v, dtype=object)[rows], type=pa.string(), from_pandas=True)  # noqa: E731
    frame = side.frame[[c for c in ("place_name", "grade", "url") if c in side.frame.columns]].iloc[rows]
    return pa.table(
        {
            "i": pa.array(rows.astype(np.int64)),
            "source": text(side.source),
            "sid": text(side.sid),
            "period": text(side.period),
            "dprec": text(side.dprec),
            "span": pa.array(side.span[rows]),
            "s": pa.array(side.start[rows]),
            "e": pa.array(side.end[rows]),
            "dated": pa.array(side.dated[rows]),
            "lprec": text(side.lprec),
            "radius": pa.array(np.nan_to_num(side.radius[rows])),
            "sp": pa.array(side.spatial[rows]),
            "gov": text(side.gov),
            "country": text(side.country),
            "killed": text(side.killed),
            "place": pa.array(_text(frame, "place_name"), type=pa.string(), from_pandas=True),
            "grade": pa.array(_text(frame, "grade"), type=pa.string(), from_pandas=True),
            "url": pa.array(_text(frame, "url"), type=pa.string(), from_pandas=True),
        }
    )


_BASIS = ("distance", "governorate", "country", "none")
_RANGES = ("overlap", "disjoint", "missing")
_STATUSES = (
    "matched",
    "accepted",
    "rejected",
    "outscored",
    "below_threshold",
    "ranges_disjoint",
    "partner_accepted",
    "superseded",
)


def _candidate_frame(
    a: _Side,
    b: _Side,
    sc: _Scored,
    status: np.ndarray,
    decided: dict[int, tuple[str, str, str, str]],
    *,
    days: int,
    km: float,
) -> pd.DataFrame:
    """Every scored pair with its reasons in words, built in DuckDB (no per-pair Python)."""
    pairs = _pairs_table(sc, status)
    dec = _decided_table(decided)
    names = pa.table({"code": pa.array(range(len(_STATUSES)), type=pa.int64()), "name": pa.array(_STATUSES)})
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.register("p", pairs)
        con.register("ra", _record_table(a, np.unique(sc.ia)))
        con.register("rb", _record_table(b, np.unique(sc.ib)))
        con.register("d", dec)
        con.register("st_names", names)
        table = con.sql(_reasons_query(days=days, km=km)).to_arrow_table()
    finally:
        con.close()
    return table.to_pandas()[MATCH_COLUMNS]


def _pairs_table(sc: _Scored, status: np.ndarray) -> pa.Table:
    """The scored pairs as Arrow, words coded as integers (cheap to join)."""
    return pa.table(
        {
            "n": pa.array(np.arange(len(sc.ia), dtype=np.int64)),
            "ia": pa.array(sc.ia.astype(np.int64)),
            "ib": pa.array(sc.ib.astype(np.int64)),
            "score": pa.array(sc.score),
            "st": pa.array(_codes(status, _STATUSES)),
            "gap": pa.array(sc.gap.astype(np.int64)),
            "dist": pa.array(sc.dist, from_pandas=True),
            "allowed": pa.array(sc.allowed, from_pandas=True),
            "basis": pa.array(_codes(sc.basis, _BASIS)),
            "ranges": pa.array(_codes(sc.ranges, _RANGES)),
            "prob": pa.array(sc.prob, from_pandas=True),
            "fs": _dictionary(sc.fs_text),
        }
    )


def _dictionary(text: np.ndarray) -> pa.DictionaryArray:
    """Few distinct texts over many pairs, as codes into one copy of each (millions of pairs, a few dozen texts)."""
    codes, uniques = pd.factorize(np.asarray(text, dtype=object))
    return pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array(np.asarray(uniques, dtype=object), type=pa.string())
    )


def _decided_table(decided: dict[int, tuple[str, str, str, str]]) -> pa.Table:
    """Reviewer decisions by pair number, as Arrow."""
    return pa.table(
        {
            "n": pa.array(list(decided), type=pa.int64()),
            "decision": pa.array([v[0] for v in decided.values()], type=pa.string()),
            "reviewer": pa.array([v[1] for v in decided.values()], type=pa.string()),
            "decided_at": pa.array([v[2] for v in decided.values()], type=pa.string()),
            "note": pa.array([v[3] for v in decided.values()], type=pa.string()),
        }
    )


def _reasons_query(*, days: int, km: float) -> str:
    """The SQL that writes each pair's reasons: joined records (x), comparison terms (y), sentences (z), columns."""
    return (
        "\n        WITH x AS (\n" + _SQL_PAIR_RECORDS
        + "        ), y AS (\n" + _sql_comparison_terms(int(days))
        + "        ), z AS (\n" + _sql_reason_sentences(km)
        + "        )\n" + _SQL_CANDIDATE_COLUMNS
    )


#: Each pair with both records' columns, its status name and any reviewer decision.
_SQL_PAIR_RECORDS = """          SELECT p.*, sn.name AS status,
            ra.source AS source_a, ra.sid AS id_a, rb.source AS source_b, rb.sid AS id_b,
            ra.period AS pa, rb.period AS pb, ra.span AS span_a, rb.span AS span_b,
            ra.s AS s_a, ra.e AS e_a, rb.s AS s_b, rb.e AS e_b, ra.dated AND rb.dated AS dated,
            ra.dprec AS dprec_a, rb.dprec AS dprec_b, ra.lprec AS lprec_a, rb.lprec AS lprec_b,
            ra.radius AS rad_a, rb.radius AS rad_b, ra.sp AS sp_a, rb.sp AS sp_b,
            ra.gov AS governorate_a, rb.gov AS governorate_b, ra.country AS country_a,
            ra.killed AS killed_a, rb.killed AS killed_b, ra.place AS place_a, rb.place AS place_b,
            ra.grade AS grade_a, rb.grade AS grade_b, ra.url AS url_a, rb.url AS url_b,
            coalesce(d.decision, '') AS decision, coalesce(d.reviewer, '') AS reviewer,
            coalesce(d.decided_at, '') AS decided_at, coalesce(d.note, '') AS note,
            ra.span >= rb.span AS a_coarse
          FROM p JOIN ra ON p.ia = ra.i JOIN rb ON p.ib = rb.i
          JOIN st_names sn ON p.st = sn.code
          LEFT JOIN d ON p.n = d.n
"""


def _sql_comparison_terms(d: int) -> str:
    """Terms the sentences share: days apart, the coarser precision, who lacks coordinates."""
    return f"""          SELECT *,
            gap::VARCHAR || CASE WHEN gap = 1 THEN ' day' ELSE ' days' END || ' apart ('
              || CASE WHEN gap <= {d} THEN 'within' ELSE 'outside' END || ' the ±{d}-day window)' AS apart,
            coalesce(nullif(CASE WHEN a_coarse THEN dprec_a ELSE dprec_b END, ''), 'range') AS prec,
            CASE WHEN a_coarse THEN s_a <= s_b AND e_b <= e_a ELSE s_b <= s_a AND e_a <= e_b END AS inside,
            coalesce(nullif(CASE WHEN rad_a >= rad_b THEN lprec_a ELSE lprec_b END, ''), 'unknown') AS lp,
            CASE WHEN NOT sp_a AND NOT sp_b THEN 'A and B' WHEN NOT sp_a THEN 'A'
                 WHEN NOT sp_b THEN 'B' ELSE 'a record' END AS who
          FROM x
"""


def _sql_reason_sentences(km: float) -> str:
    """One sentence each on dates, location and casualty ranges."""
    k = f"{km:g}"
    return f"""          SELECT *,
            CASE
              WHEN NOT dated THEN 'a date is missing, so dates cannot agree'
              WHEN span_a = 1 AND span_b = 1 AND gap = 0 THEN 'same day'
              WHEN span_a = 1 AND span_b = 1 THEN apart
              WHEN gap = 0 AND inside THEN CASE WHEN a_coarse THEN pb ELSE pa END || ' falls within '
                   || CASE WHEN a_coarse THEN pa ELSE pb END || ' (' || prec || ' precision)'
              WHEN gap = 0 THEN pa || ' and ' || pb || ' overlap (' || prec || ' precision)'
              ELSE pa || ' and ' || pb || ' are ' || apart
            END AS date_txt,
            CASE basis
              WHEN 0 THEN printf('%.1f', dist)
                || CASE WHEN dist <= allowed THEN ' km apart (' ELSE ' km apart, too far (' END
                || CASE WHEN allowed > {km!r} THEN lp || ' precision allows ' || printf('%g', allowed) || ' km'
                        WHEN dist <= allowed THEN 'within {k} km' ELSE 'limit {k} km' END || ')'
              WHEN 1 THEN 'no usable coordinates for ' || who || ': same governorate (' || governorate_a || ') only'
              WHEN 2 THEN 'no usable coordinates or governorate for ' || who || ': only the country ('
                   || country_a || ') agrees'
              ELSE 'no usable coordinates for ' || who || ' and no shared governorate'
            END AS loc_txt,
            CASE ranges
              WHEN 0 THEN 'casualty ranges ' || killed_a || ' and ' || killed_b || ' overlap'
              WHEN 1 THEN 'casualty ranges ' || killed_a || ' and ' || killed_b || ' do not overlap'
              ELSE 'no casualty figures in '
                   || CASE WHEN killed_a = '' AND killed_b = '' THEN 'A and B' WHEN killed_a = '' THEN 'A' ELSE 'B' END
                   || ' (neither helps nor hurts)'
            END AS cas_txt
          FROM y
"""


#: The candidate columns in MATCH_COLUMNS order, reviewer decisions first in `reasons`.
_SQL_CANDIDATE_COLUMNS = """        SELECT source_a, id_a, source_b, id_b, score, status,
          CASE WHEN status IN ('accepted', 'rejected')
               THEN status || ' by ' || coalesce(nullif(reviewer, ''), 'a reviewer')
                    || CASE WHEN note <> '' THEN ' (' || note || ')' ELSE '' END || '; '
               ELSE '' END || concat_ws('; ', date_txt, loc_txt, cas_txt, nullif(fs, '')) AS reasons,
          gap AS date_gap_days, round(dist, 2) AS distance_km, allowed AS allowed_km,
          ['distance', 'governorate', 'country', 'none'][basis + 1] AS location_basis,
          ['overlap', 'disjoint', 'missing'][ranges + 1] AS casualty_ranges,
          pa AS date_a, pb AS date_b, place_a, place_b, governorate_a, governorate_b,
          killed_a, killed_b, grade_a, grade_b, url_a, url_b, decision, reviewer, decided_at, note,
          round(prob, 4) AS match_probability
        FROM z
        ORDER BY ia, score DESC, ib
"""


def _codes(values: np.ndarray, vocabulary: tuple[str, ...]) -> np.ndarray:
    out = np.zeros(len(values), dtype=np.int64)
    for code, word in enumerate(vocabulary):
        out[values == word] = code
    return out


# --------------------------------------------------------------------------
# Assignment
# --------------------------------------------------------------------------


def _assign(
    ia: np.ndarray, ib: np.ndarray, score: np.ndarray, na: int, nb: int, mode: Mode = "one-to-one"
) -> np.ndarray:
    """Boolean mask of edges chosen by the assignment, block by block.

    One to one: the links maximise the sum of `score` over links (each record
    in at most one link); links of score <= 0 add nothing and are never made.
    Blocks are connected components of the candidate graph; a lone edge is
    taken as is, larger blocks go through the Hungarian algorithm.
    One to many: each B record goes to its best A record (ties to the lowest
    ids), which maximises the same sum when only B records are limited to one link.
    """
    chosen = np.zeros(len(ia), dtype=bool)
    if not len(ia):
        return chosen
    if mode == "one-to-many":
        order = np.lexsort((ia, -score, ib))
        first = np.ones(len(order), dtype=bool)
        first[1:] = ib[order][1:] != ib[order][:-1]
        chosen[order[first]] = True
        return chosen & (score > 0)
    # scipy's sparse graphs and optimizer cost ~1 s to import: a run that links pays it, not `import kit.ui`
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(ia)), (ia, na + ib)), shape=(na + nb, na + nb))
    _, label = connected_components(graph, directed=False)
    comp = label[ia].astype(np.int64)
    sizes = np.bincount(comp)
    single = sizes[comp] == 1
    chosen[single] = score[single] > 0
    rest = np.flatnonzero(~single)
    if not len(rest):
        return chosen
    # Star-shaped blocks (one A or one B record): the best edge wins, ties to the lowest ids.
    n_comp = len(sizes)
    a_first = np.unique(comp[rest] * (na + 1) + ia[rest])
    b_first = np.unique(comp[rest] * (nb + 1) + ib[rest])
    n_a = np.bincount(a_first // (na + 1), minlength=n_comp)
    n_b = np.bincount(b_first // (nb + 1), minlength=n_comp)
    star = (n_a[comp[rest]] == 1) | (n_b[comp[rest]] == 1)
    st = rest[star]
    if len(st):
        order = st[np.lexsort((ib[st], ia[st], -score[st], comp[st]))]
        first = np.ones(len(order), dtype=bool)
        first[1:] = comp[order][1:] != comp[order][:-1]
        chosen[order[first]] = score[order[first]] > 0
    rest = rest[~star]
    if not len(rest):
        return chosen
    order = rest[np.argsort(comp[rest], kind="stable")]
    # each edge's row and column inside its block (records in id order), computed once for all blocks
    row, n_rows = _local_index(comp[order], ia[order], na)
    col, n_cols = _local_index(comp[order], ib[order], nb)
    bounds = np.flatnonzero(np.diff(comp[order])) + 1
    for block, r, c in zip(np.split(order, bounds), np.split(row, bounds), np.split(col, bounds), strict=True):
        cost = np.zeros((n_rows[comp[block[0]]], n_cols[comp[block[0]]]))
        cost[r, c] = -score[block]  # no edge costs 0: a link is made only when it adds to the total
        rows, cols = linear_sum_assignment(cost)
        partner = np.full(cost.shape[0], -1)
        partner[rows] = cols
        chosen[block] = (partner[r] == c) & (cost[r, c] < 0)
    return chosen


def _local_index(comp: np.ndarray, ids: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rank of each edge's record among the distinct records of its block, and the count per block."""
    key = comp * (n + 1) + ids
    uniq, inverse = np.unique(key, return_inverse=True)
    block_of = uniq // (n + 1)
    first = np.searchsorted(block_of, block_of)
    counts = np.bincount(block_of, minlength=int(comp.max()) + 1 if len(comp) else 0)
    return (np.arange(len(uniq)) - first)[inverse.reshape(-1)], counts


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------


def match_incidents(
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    days: int = DEFAULT_DAYS,
    km: float = DEFAULT_KM,
    require_range_overlap: bool = False,
    min_score: float | None = None,
    fallback: Fallback = "governorate",
    decisions: str | Path | pd.DataFrame | None = None,
    progress: Progress | None = None,
    scorer: Scorer = "rules",
    model: FSModel | None = None,
    mode: Mode = "one-to-one",
    spark: object | None = None,
    large: bool | None = None,
    keep: float | None = None,
) -> MatchResult:
    """Link incidents of list `a` to list `b`, one to one, with reasons.

    days: dates may differ by this many days beyond each record's precision.
    km: base distance limit for records with coordinates; a coarser location
        precision widens it to `LOCATION_RADIUS_KM[precision]`.
    require_range_overlap: exclude pairs whose casualty ranges do not overlap
        (otherwise disjoint ranges only lower the score).
    min_score: below it pairs stay candidates, not matched (default `DEFAULT_MIN_SCORE[scorer]`).
    fallback: coarsest shared area for records without usable coordinates.
    decisions: reviewer decisions (CSV path or frame); accepted pairs are forced,
        rejected pairs excluded, so a rerun never loses a human decision.
    scorer: "rules" (the documented hand-set score) or "fs" (Fellegi–Sunter
        match probability, weights learned by EM through Splink; `score` is then
        the probability and `min_score` a probability threshold).
    model: a trained `FSModel` to score with (e.g. `result.model` of an earlier
        run on the full lists); without it the "fs" scorer trains on these lists.
    mode: "one-to-one" (Hungarian) or "one-to-many" (each B record to its best
        A record; one alleged incident may take several strikes).
    spark: a SparkSession: the "fs" model (trained on DuckDB unless given) then
        scores on Splink's Spark backend, blocking with Splink's own rules.
    large: the large-run path for the "fs" scorer (docs/MATCHING.md §8): candidate
        pairs stay in DuckDB and only those with probability ≥ `keep` (default
        `min_score`) are scored, assigned and listed with reasons; the links are
        the same. None: taken when |A|·|B| ≥ `LARGE_RUN_PAIRS` (about 140,000 × 140,000).
    """
    min_score = _check_options(days=days, km=km, fallback=fallback, scorer=scorer, mode=mode, min_score=min_score)
    say = progress or (lambda _msg: None)
    say("preparing records")
    sa, sb = _prepare(a, "A"), _prepare(b, "B")
    dec = load_decisions(decisions)
    applied_rows, unapplied_rows, dec_pairs = _locate_decisions(dec, sa, sb)
    found = None
    if _is_large(large, scorer=scorer, spark=spark, pairs=len(sa.sid) * len(sb.sid)):
        keep = min_score if keep is None else min(keep, min_score)
        say(f"candidate pairs in DuckDB (large run: pairs with probability ≥ {keep:g} are listed)")
        linked = [p for p, r in dec_pairs.items() if dec["decision"].iloc[r] == "accept"]
        found = large_candidates(sa, sb, days=days, km=km, fallback=fallback, model=model, keep=keep,
                                 locked_a=np.array([i for i, _ in linked]), locked_b=np.array([j for _, j in linked]))
        model, n_pass = found.model, found.n_candidates
        sc = _score(sa, sb, found.ia, found.ib, days=days, km=km, fallback=fallback)
    else:
        say("blocking candidate pairs (DuckDB)")
        blocked = _block(sa, sb, days=days, km=km, fallback=fallback)
        say(f"scoring {len(blocked):,} blocked pairs")
        sc = _score(sa, sb, blocked[:, 0], blocked[:, 1], days=days, km=km, fallback=fallback)
        n_pass = int(sc.passes.sum())
    sc = _with_decided_pairs(sc.take(sc.passes), dec_pairs, sa, sb, days=days, km=km, fallback=fallback)
    if scorer == "fs" and len(sc.ia):
        say(f"Fellegi–Sunter probabilities for {len(sc.ia):,} pairs (Splink, DuckDB)")
        model, pred, words = fs_score(
            sa, sb, sc.ia, sc.ib, days=days, km=km, n_candidates=n_pass, gap=sc.gap, dist=sc.dist,
            allowed=sc.allowed, model=model, spark=spark,
        )
        sc.prob = pred["match_probability"].fillna(0.0).to_numpy(dtype=float)
        sc.score = np.round(sc.prob, 4)
        # log2 odds over the threshold's (> 0 if eligible), rounded: no backend's summing order splits a tie
        floor = np.log2(max(min_score, 1e-9) / max(1 - min_score, 1e-9))
        sc.weight = np.round(pred["match_weight"].fillna(-np.inf).to_numpy(dtype=float), 9) - floor + 1e-6
        sc.fs_text = words
    edges = _EdgeDecisions.on(sc, dec, dec_pairs, len(sb.sid))

    say("one-to-one assignment")
    status, notes = _statuses(sc, edges, dec_pairs, sa, sb, require_range_overlap=require_range_overlap,
                              min_score=min_score, mode=mode)

    say("writing reasons")
    cand = _candidate_frame(sa, sb, sc, status, edges.decided(), days=days, km=km)
    params: dict[str, object] = {
        "days": days, "km": km, "require_range_overlap": require_range_overlap, "min_score": min_score,
        "fallback": fallback, "scorer": scorer, "mode": mode, "weights": dict(SCORE_WEIGHTS),
        "location_radius_km": dict(LOCATION_RADIUS_KM),
    }
    if found is not None:
        params["large_run"] = {"candidates": n_pass, "listed_from_probability": keep}
        notes.append(f"large run: {n_pass:,} candidate pairs passed the blocking rules; the {len(cand):,} "
                     f"with probability ≥ {keep:g} are listed")
    result = _result(sa, sb, sc, status, cand, params, decisions=dec.iloc[applied_rows].reset_index(drop=True),
                     unapplied=dec.iloc[unapplied_rows].reset_index(drop=True), notes=notes,
                     unlisted=None if found is None else _unlisted(found, require_range_overlap))
    result.model = model if scorer == "fs" else None
    say("done")
    return result


def _unlisted(found: LargeCandidates, require_range_overlap: bool) -> tuple[np.ndarray, ...]:
    """The statuses a large run's unlisted pairs would have had, one per record (they decide its unmatched reason)."""
    disjoint = "ranges_disjoint" if require_range_overlap else "below_threshold"
    out: list[np.ndarray] = []
    for low, dis in ((found.low_a, found.disjoint_a), (found.low_b, found.disjoint_b)):
        idx = np.concatenate([np.flatnonzero(low), np.flatnonzero(dis)])
        out += [idx, np.array(["below_threshold"] * int(low.sum()) + [disjoint] * int(dis.sum()), dtype=object)]
    return tuple(out)


def _is_large(large: bool | None, *, scorer: str, spark: object | None, pairs: int) -> bool:
    """The large-run path: asked for, or automatic for the "fs" scorer on big lists (never with Spark)."""
    if large and (scorer != "fs" or spark is not None):
        raise ValueError("the large-run path needs scorer='fs' and no Spark session")
    if large is None:
        return scorer == "fs" and spark is None and pairs >= LARGE_RUN_PAIRS
    return large


def _check_options(
    *, days: int, km: float, fallback: str, scorer: str = "rules", mode: str = "one-to-one",
    min_score: float | None = None,
) -> float:
    """Refuse thresholds that cannot mean anything before any work is done; the scorer's min_score."""
    if days < 0 or km < 0:
        raise ValueError("days and km must be non-negative")
    if fallback not in ("governorate", "country", "none"):
        raise ValueError("fallback must be 'governorate', 'country' or 'none'")
    if scorer not in ("rules", "fs"):
        raise ValueError("scorer must be 'rules' or 'fs'")
    if mode not in ("one-to-one", "one-to-many"):
        raise ValueError("mode must be 'one-to-one' or 'one-to-many'")
    return DEFAULT_MIN_SCORE[scorer] if min_score is None else float(min_score)


def _locate_decisions(
    dec: pd.DataFrame, sa: _Side, sb: _Side
) -> tuple[list[int], list[int], dict[tuple[int, int], int]]:
    """Decision rows whose two records are in these lists (applied) or not (unapplied), and row by record pair."""
    if dec.empty:
        return [], [], {}
    ka = {(s, i): n for n, (s, i) in enumerate(zip(sa.source, sa.sid, strict=True))}
    kb = {(s, i): n for n, (s, i) in enumerate(zip(sb.source, sb.sid, strict=True))}
    applied_rows: list[int] = []
    unapplied_rows: list[int] = []
    dec_pairs: dict[tuple[int, int], int] = {}
    for r, row in enumerate(dec.itertuples(index=False)):
        i = ka.get((row.source_a, row.id_a))
        j = kb.get((row.source_b, row.id_b))
        if i is None or j is None:
            unapplied_rows.append(r)
        else:
            applied_rows.append(r)
            dec_pairs[(i, j)] = r
    return applied_rows, unapplied_rows, dec_pairs


def _with_decided_pairs(
    sc: _Scored,
    dec_pairs: dict[tuple[int, int], int],
    sa: _Side,
    sb: _Side,
    *,
    days: int,
    km: float,
    fallback: Fallback,
) -> _Scored:
    """The candidates plus pairs decided by a reviewer but outside the automatic window (they still count)."""
    have = set((sc.ia * max(len(sb.sid), 1) + sc.ib).tolist()) if dec_pairs else set()
    extra = [p for p in dec_pairs if p[0] * max(len(sb.sid), 1) + p[1] not in have]
    if extra:
        ea = np.array([p[0] for p in extra], dtype=np.int64)
        eb = np.array([p[1] for p in extra], dtype=np.int64)
        sc = sc.extend(_score(sa, sb, ea, eb, days=days, km=km, fallback=fallback))
    return sc


@dataclass
class _EdgeDecisions:
    """The reviewer decision on each candidate edge ('' where none)."""

    decision: np.ndarray
    reviewer: np.ndarray
    decided_at: np.ndarray
    note: np.ndarray

    @classmethod
    def on(cls, sc: _Scored, dec: pd.DataFrame, dec_pairs: dict[tuple[int, int], int], nb: int) -> _EdgeDecisions:
        n = len(sc.ia)
        out = cls(*(np.full(n, "", dtype=object) for _ in range(4)))
        edge_of = {int(c): e for e, c in enumerate((sc.ia * max(nb, 1) + sc.ib).tolist())} if dec_pairs else {}
        for (i, j), r in dec_pairs.items():
            e = edge_of[i * max(nb, 1) + j]
            row = dec.iloc[r]
            out.decision[e], out.reviewer[e] = row["decision"], row["reviewer"]
            out.decided_at[e], out.note[e] = row["decided_at"], row["note"]
        return out

    def decided(self) -> dict[int, tuple[str, str, str, str]]:
        """Edge -> (decision, reviewer, decided_at, note), for the edges a reviewer decided."""
        return {
            int(e): (str(self.decision[e]), str(self.reviewer[e]), str(self.decided_at[e]), str(self.note[e]))
            for e in np.flatnonzero(self.decision != "").tolist()
        }


def _statuses(
    sc: _Scored,
    edges: _EdgeDecisions,
    dec_pairs: dict[tuple[int, int], int],
    sa: _Side,
    sb: _Side,
    *,
    require_range_overlap: bool,
    min_score: float,
    mode: Mode = "one-to-one",
) -> tuple[np.ndarray, list[str]]:
    """Each edge's status (the first that applies, in this order), and notes on superseded acceptances.

    Reviewer decisions first, then edges to records a reviewer linked elsewhere,
    disjoint ranges (when required), low scores; the one-to-one assignment
    decides among the rest (matched or outscored).
    """
    n = len(sc.ia)
    status = np.full(n, "", dtype=object)
    accepted = edges.decision == "accept"
    rejected = edges.decision == "reject"
    seen_a, seen_b, notes = _latest_acceptances(sc, accepted, status, edges.decided_at, dec_pairs, sa, sb, mode)
    status[accepted] = "accepted"
    status[rejected] = "rejected"
    locked = np.isin(sc.ib, list(seen_b))
    if mode == "one-to-one":
        locked |= np.isin(sc.ia, list(seen_a))
    partner = locked & (status == "")
    status[partner] = "partner_accepted"
    disjoint = (sc.ranges == "disjoint") & (status == "") if require_range_overlap else np.zeros(n, dtype=bool)
    status[disjoint] = "ranges_disjoint"
    low = (sc.score < min_score) & (status == "")
    status[low] = "below_threshold"
    eligible = np.flatnonzero(status == "")
    chosen = _assign(sc.ia[eligible], sc.ib[eligible], sc.weight[eligible], len(sa.sid), len(sb.sid), mode)
    status[eligible[chosen]] = "matched"
    status[eligible[~chosen]] = "outscored"
    return status, notes


def _latest_acceptances(
    sc: _Scored,
    accepted: np.ndarray,
    status: np.ndarray,
    decided_at: np.ndarray,
    dec_pairs: dict[tuple[int, int], int],
    sa: _Side,
    sb: _Side,
    mode: Mode = "one-to-one",
) -> tuple[dict[int, int], dict[int, int], list[str]]:
    """One record, two accepted partners: the latest decision wins, the other is marked superseded and noted.

    Updates `accepted` and `status` in place; returns the A and B records each kept acceptance locks.
    """
    notes: list[str] = []
    acc_idx = np.flatnonzero(accepted)
    acc_order = sorted(acc_idx.tolist(), key=lambda e: (decided_at[e], dec_pairs[(int(sc.ia[e]), int(sc.ib[e]))]))
    seen_a: dict[int, int] = {}
    seen_b: dict[int, int] = {}
    for e in reversed(acc_order):
        i, j = int(sc.ia[e]), int(sc.ib[e])
        if (mode == "one-to-one" and i in seen_a) or j in seen_b:
            accepted[e] = False
            status[e] = "superseded"
            notes.append(
                f"reviewer accepted {sa.source[i]}:{sa.sid[i]} ↔ {sb.source[j]}:{sb.sid[j]} but a later acceptance "
                "links one of these records elsewhere; the later one is used"
            )
            continue
        seen_a[i] = e
        seen_b[j] = e
    return seen_a, seen_b, notes


def _result(
    sa: _Side,
    sb: _Side,
    sc: _Scored,
    status: np.ndarray,
    cand: pd.DataFrame,
    params: dict[str, object],
    *,
    decisions: pd.DataFrame,
    unapplied: pd.DataFrame,
    notes: list[str],
    unlisted: tuple[np.ndarray, ...] | None = None,
) -> MatchResult:
    """Pairs (matched or accepted), the records left unlinked on each side with why, and the candidates.

    unlisted: (A records, their statuses, B records, their statuses) of the
    candidate pairs a large run counted but did not list.
    """
    pairs = cand[cand["status"].isin(["matched", "accepted"])].reset_index(drop=True)
    done = np.isin(status, ["matched", "accepted"])
    linked_a = np.bincount(sc.ia[done], minlength=len(sa.sid)) > 0
    linked_b = np.bincount(sc.ib[done], minlength=len(sb.sid)) > 0
    idx_a, idx_b, st_a, st_b = sc.ia, sc.ib, status, status
    if unlisted is not None:
        idx_a, st_a = np.concatenate([idx_a, unlisted[0]]), np.concatenate([status, unlisted[1]])
        idx_b, st_b = np.concatenate([idx_b, unlisted[2]]), np.concatenate([status, unlisted[3]])
    return MatchResult(
        pairs=pairs,
        only_a=_unmatched(sa, idx_a, st_a, linked_a),
        only_b=_unmatched(sb, idx_b, st_b, linked_b),
        candidates=cand,
        params=params,
        a=sa.frame,
        b=sb.frame,
        decisions=decisions,
        unapplied_decisions=unapplied,
        notes=notes,
    )


_UNMATCHED_WHY = (  # first status present decides the reason, in this order
    ("outscored", "candidates went to better-scoring partners (one-to-one)"),
    ("partner_accepted", "its candidates were linked elsewhere by a reviewer"),
    ("below_threshold", "candidates scored below min_score (see candidates for review)"),
    ("ranges_disjoint", "candidates' casualty ranges do not overlap"),
    ("rejected", "candidates rejected by a reviewer"),
    ("superseded", "a reviewer acceptance was superseded by a later one"),
)


def _unmatched(side: _Side, idx: np.ndarray, status: np.ndarray, linked: np.ndarray) -> pd.DataFrame:
    """Records without a link, each with the reason a reader can check."""
    n = len(side.sid)
    texts = np.array(
        [
            "no candidate within the date window and distance",
            "no candidate (no usable coordinates; none in the same area and date window)",
            *(text for _, text in reversed(_UNMATCHED_WHY)),
            "no date",
        ],
        dtype=object,
    )
    why = np.where(side.spatial, 0, 1)  # codes into `texts`: one string object per reason, not per record
    st_codes, st_names = pd.factorize(np.asarray(status, dtype=object))
    for k, (st, _) in enumerate(reversed(_UNMATCHED_WHY)):
        hit = np.flatnonzero(np.asarray(st_names, dtype=object) == st)
        has = np.bincount(idx[np.isin(st_codes, hit)], minlength=n) > 0
        why[has] = k + 2
    why[~side.dated] = len(texts) - 1
    out = side.frame[~linked].reset_index(drop=True)
    out["unmatched_reason"] = texts[why[~linked]]
    return out


def sensitivity(
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    days: Iterable[int] = (0, 1, 2, 3),
    km: Iterable[float] = (2.0, 5.0, 10.0, 20.0),
    **options: object,
) -> pd.DataFrame:
    """Match counts over a grid of date windows and distances.

    A matching result without its sensitivity is not a finding (Spagat &
    Dougherty): this table shows how the number of links moves with the two
    thresholds a reader is most likely to question. Other keyword options are
    passed to `match_incidents` unchanged (e.g. `min_score`, `decisions`).
    """
    rows = []
    for d in days:
        for k in km:
            s = match_incidents(a, b, days=int(d), km=float(k), **options).summary()  # type: ignore[arg-type]
            counts = {key: s[key] for key in ("candidates", "matched", "only_a", "only_b")}
            rows.append({"days": int(d), "km": float(k), **counts})
    return pd.DataFrame(rows, columns=["days", "km", "candidates", "matched", "only_a", "only_b"])
