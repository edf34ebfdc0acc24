"""The large-run path: candidate pairs of two lists of a million incidents each, without a row per pair in memory.

At 1M × 1M the kit's blocking rules allow tens of millions of candidate pairs
(most of them records without coordinates sharing a governorate and a day);
the in-memory path scores each in numpy and writes it a row with reasons.
Here the pairs never leave DuckDB:

1. One pass joins the two lists exactly as the blocking rules say (dates
   within the window after widening each record to its precision; points
   within max(km, radius_a, radius_b), or the same governorate when a record
   has no coordinates), evaluates the model's own comparison SQL (the
   conditions in the Splink settings) on every pair and counts the pairs by
   level combination (6 × 7 × 4 at most).
2. The prior is set from those counts exactly as the in-memory path sets it
   from every pair (EM's update with m and u held), which fixes the
   probability of each level combination.
3. A second pass returns only the pairs whose probability reaches `keep`,
   running only the joins that can produce such a combination.

The engine then scores, assigns and explains the kept pairs only. DuckDB
runs with a memory limit and a spill folder, so its share of the peak is capped.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from kit.match._splink import (
    DUCKDB_MEMORY_LIMIT,
    FS_COMPARISONS,
    FSModel,
    fs_comparisons,
    fs_tables,
    name_frequencies,
    place_keys,
    prior_from_candidates,
    score_gammas,
    train_model,
)

#: |A|·|B| from which `match_incidents` takes this path on its own (about 140,000 × 140,000):
#: below it the in-memory path keeps every candidate pair, above it only the pairs worth reading.
LARGE_RUN_PAIRS = 2 * 10**10

#: Pairs below this probability are counted, not listed (the assignment never links them either,
#: as long as `min_score` is at least this).
KEEP_PROBABILITY = 0.05

_KM_PER_DEG = 6371.0088 * math.pi / 180

#: Date-span classes: a join per pair of classes keeps the date buckets as wide as the records in it.
_SPAN_CLASSES = ((1, 1), (2, 31), (32, None))


@dataclass
class LargeCandidates:
    """What the large pass hands the engine: the kept pairs, how many there were in all, and the model."""

    ia: np.ndarray
    ib: np.ndarray
    n_candidates: int
    #: per record: it has an unlisted candidate pair (probability below `keep`) whose death ranges
    #: overlap or are missing (`low_*`), or do not overlap (`disjoint_*`)
    low_a: np.ndarray
    low_b: np.ndarray
    disjoint_a: np.ndarray
    disjoint_b: np.ndarray
    model: FSModel
    #: pairs per level combination (gamma_date, gamma_place, gamma_deaths) -> count
    levels: pd.DataFrame


def large_connection(temp_directory: str) -> duckdb.DuckDBPyConnection:
    """DuckDB for the large pass: capped memory, a spill folder, no ordering it does not need."""
    con = duckdb.connect()
    con.execute(f"SET threads TO {max(1, min(os.cpu_count() or 2, 8))}")
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{temp_directory}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def large_candidates(
    a: Any, b: Any, *, days: int, km: float, fallback: str, model: FSModel | None, keep: float = KEEP_PROBABILITY,
    locked_a: np.ndarray | None = None, locked_b: np.ndarray | None = None,
) -> LargeCandidates:
    """The candidate pairs with probability ≥ `keep`, the count of all, and the model (trained here unless given).

    Pairs touching a record in `locked_a` / `locked_b` (records a reviewer
    linked) are kept whatever their probability, so their status says so.
    """
    gov_a, gov_b = _codes(a.gov, b.gov)
    cty_a, cty_b = _codes(a.country, b.country)
    keys_a, keys_b = place_keys(a.frame), place_keys(b.frame)
    names = _Names(keys_a, keys_b)
    ra, rb = _records(a, gov_a, cty_a, names.codes_a), _records(b, gov_b, cty_b, names.codes_b)
    joins = _joins(a, b, days=int(days), km=float(km), fallback=fallback)
    with tempfile.TemporaryDirectory(prefix="kit-match-") as tmp:
        con = large_connection(tmp)
        try:
            con.register("ra", ra)
            con.register("rb", rb)
            for name, ids in (("locked_a", locked_a), ("locked_b", locked_b)):
                con.register(name, pa.table({"i": pa.array(np.asarray([] if ids is None else ids, dtype=np.int64))}))
            levels_sql = _levels_sql(fs_comparisons(days, km))
            counts = _pass_one(con, joins, levels_sql)
            n_pass = int(counts["pairs"].sum())
            if model is None:
                model = _train(a, b, days=days, km=km, n_candidates=n_pass, counts=counts, names=names)
            con.register("kept_levels", _kept_levels(model, counts, keep, names))
            locked = locked_a is not None and len(locked_a) > 0 or locked_b is not None and len(locked_b) > 0
            ia, ib, flags = _kept_pairs(con, len(a.sid), len(b.sid), locked=locked)
        finally:
            con.close()
    return LargeCandidates(ia=ia, ib=ib, n_candidates=n_pass, model=model, levels=counts, **flags)


_GAMMAS = tuple(f"gamma_{c}" for c in FS_COMPARISONS)


class _Names:
    """Place keys of both lists as shared integer codes (-1 without a name), and each key's frequency."""

    def __init__(self, keys_a: pd.Series, keys_b: pd.Series) -> None:
        both = pd.concat([keys_a, keys_b], ignore_index=True)
        codes, uniques = pd.factorize(both)
        self.codes_a, self.codes_b = codes[: len(keys_a)].astype(np.int64), codes[len(keys_a) :].astype(np.int64)
        freq = name_frequencies(pd.DataFrame({"name": keys_a}), pd.DataFrame({"name": keys_b}))
        self.freq = pd.Series(np.asarray(uniques, dtype=object)).map(freq).to_numpy(dtype=float, na_value=np.nan)

    def tf(self, code: np.ndarray) -> np.ndarray:
        """The term frequency of each name code (NaN for -1: names differ or are missing)."""
        out = np.full(len(code), np.nan)
        out[code >= 0] = self.freq[code[code >= 0]]
        return out


def _codes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shared integer codes for the area names of both lists, -1 for blank (equality on ints is cheap)."""
    codes, uniques = pd.factorize(pd.Series(np.concatenate([a, b]), dtype=object))
    blank = np.flatnonzero(np.asarray(uniques, dtype=object) == "")
    codes = np.where(np.isin(codes, blank), -1, codes).astype(np.int64)
    return codes[: len(a)], codes[len(a) :]


def _span_class(span: np.ndarray) -> np.ndarray:
    out = np.zeros(len(span), dtype=np.int8)
    for k, (low, _high) in enumerate(_SPAN_CLASSES):
        out[span >= low] = k
    return out


def _records(side: Any, gov: np.ndarray, cty: np.ndarray, name: np.ndarray) -> pa.Table:
    """The columns the joins and the comparisons read, named as in `fs_tables`; null where a value is missing."""
    sp, dated = side.spatial, side.dated
    return pa.table(
        {
            "i": pa.array(np.arange(len(side.sid), dtype=np.int64)),
            "s": pa.array(side.start.astype(np.int64), mask=~dated),
            "e": pa.array(side.end.astype(np.int64), mask=~dated),
            "span": pa.array(side.span.astype(np.int64)),
            "cls": pa.array(_span_class(side.span)),
            "lat": pa.array(side.lat, mask=~sp),
            "lon": pa.array(side.lon, mask=~sp),
            "radius": pa.array(side.radius, mask=~sp),
            "gov": pa.array(gov, mask=gov < 0),
            "cty": pa.array(cty, mask=cty < 0),
            "name": pa.array(name, mask=name < 0),
            "low": pa.array(side.low, mask=np.isnan(side.low)),
            "high": pa.array(side.high, mask=np.isnan(side.high)),
            "sp": pa.array(sp),
            "dated": pa.array(dated),
        }
    )


_HAVERSINE = (
    "2 * 6371.0088 * asin(sqrt(power(sin(radians(r.lat - l.lat) / 2), 2) + "
    "cos(radians(l.lat)) * cos(radians(r.lat)) * power(sin(radians(r.lon - l.lon) / 2), 2)))"
)

#: Each pair's columns under the names the comparisons' SQL reads (`s_l`, `s_r`, ...).
_PAIR_COLUMNS = ", ".join(
    ["l.i AS ia", "r.i AS ib"]
    + [
        f"l.{c} AS {c}_l, r.{c} AS {c}_r"
        for c in ("s", "e", "span", "lat", "lon", "radius", "gov", "low", "high", "name")
    ]
)


def _max_span(side: Any, k: int) -> int:
    sel = side.dated & (_span_class(side.span) == k)
    return int(side.span[sel].max()) if sel.any() else 0


def _joins(a: Any, b: Any, *, days: int, km: float, fallback: str) -> list[str]:
    """One SQL join per kind (distance, governorate, country) and pair of date-span classes.

    Each B record has one key: its cell (or area) and the date bucket of its
    start; each A record is repeated for every cell its reach touches and
    every bucket a B start inside its window can fall in, so every candidate
    pair meets exactly once and the exact rules filter what the keys let through.
    """
    sa, sb = np.flatnonzero(a.spatial & a.dated), np.flatnonzero(b.spatial & b.dated)
    reach_b = max(float(np.nanmax(b.radius[sb])) if len(sb) else 0.0, km)
    reach = max(float(np.nanmax(a.radius[sa])) if len(sa) else 0.0, reach_b)
    cell = max(reach / _KM_PER_DEG, 0.05)
    out = []
    for ka in range(len(_SPAN_CLASSES)):
        for kb in range(len(_SPAN_CLASSES)):
            span_a, span_b = _max_span(a, ka), _max_span(b, kb)
            if not span_a or not span_b:
                continue
            width = max(span_a, span_b, 1)
            bucket = _Buckets(days=days, width=width, span_b=span_b)
            if len(sa) and len(sb):
                out.append(_distance_join(ka, kb, bucket, cell=cell, reach_b=reach_b, km=km))
            if fallback != "none":
                out.append(_area_join(ka, kb, bucket, "gov"))
            if fallback == "country":
                out.append(_area_join(ka, kb, bucket, "cty"))
    return out


@dataclass(frozen=True)
class _Buckets:
    """Date buckets of `width` days: B by its start, A over every bucket a B start in its window can fall in."""

    days: int
    width: int
    span_b: int

    def a(self) -> str:
        lo = f"floor((s - {self.days + self.span_b - 1}) / {self.width})::BIGINT"
        return f"unnest(range({lo}, floor((e + {self.days}) / {self.width})::BIGINT + 1))"

    def b(self) -> str:
        return f"floor(s / {self.width})::BIGINT"

    def window(self) -> str:
        return f"r.s <= l.e + {self.days} AND l.s <= r.e + {self.days}"


def _distance_join(ka: int, kb: int, bucket: _Buckets, *, cell: float, reach_b: float, km: float) -> str:
    """Both records with coordinates: same grid cell (A over every cell its reach touches), exact distance."""
    c = repr(cell)
    dlat = f"greatest(radius, {reach_b!r}) / {_KM_PER_DEG!r}"
    dlon = f"greatest(radius, {reach_b!r}) / ({_KM_PER_DEG!r} * greatest(cos(radians(abs(lat) + {dlat})), 0.01))"
    left = f"""(SELECT *, {bucket.a()} AS w FROM (
          SELECT *, unnest(range(floor((lon - {dlon}) / {c})::BIGINT, floor((lon + {dlon}) / {c})::BIGINT + 1)) AS cx
          FROM (SELECT *, unnest(range(floor((lat - {dlat}) / {c})::BIGINT,
                                       floor((lat + {dlat}) / {c})::BIGINT + 1)) AS cy
                FROM ra WHERE sp AND dated AND cls = {ka})))"""
    right = f"""(SELECT *, floor(lat / {c})::BIGINT AS cy, floor(lon / {c})::BIGINT AS cx, {bucket.b()} AS w
          FROM rb WHERE sp AND dated AND cls = {kb})"""
    return f"""SELECT {_PAIR_COLUMNS} FROM {left} l JOIN {right} r ON l.cy = r.cy AND l.cx = r.cx AND l.w = r.w
        WHERE {bucket.window()} AND {_HAVERSINE} <= greatest({km!r}, l.radius, r.radius)"""


def _area_join(ka: int, kb: int, bucket: _Buckets, area: str) -> str:
    """At least one record without coordinates: same governorate (or, for `cty`, same country without one)."""
    extra = " AND (l.gov IS NULL OR r.gov IS NULL)" if area == "cty" else ""
    parts = []
    for a_sp, b_sp in (("NOT sp", "TRUE"), ("sp", "NOT sp")):
        left = f"(SELECT *, {bucket.a()} AS w FROM ra WHERE dated AND {area} IS NOT NULL AND cls = {ka} AND {a_sp})"
        right = f"(SELECT *, {bucket.b()} AS w FROM rb WHERE dated AND {area} IS NOT NULL AND cls = {kb} AND {b_sp})"
        parts.append(
            f"SELECT {_PAIR_COLUMNS} FROM {left} l JOIN {right} r ON l.{area} = r.{area} AND l.w = r.w "
            f"WHERE {bucket.window()}{extra}"
        )
    return "\n        UNION ALL\n        ".join(parts)


def _levels_sql(comparisons: list[dict[str, Any]]) -> str:
    """The comparisons' own SQL as CASE expressions, levels numbered as Splink numbers them (null level -1)."""
    out = []
    for comp in comparisons:
        levels = comp["comparison_levels"]
        gamma = sum(1 for lv in levels if not lv.get("is_null_level")) - 1
        cases = []
        for lv in levels:
            cond = lv["sql_condition"]
            if lv.get("is_null_level"):
                cases.append(f"WHEN {cond} THEN -1")
                continue
            cases.append(f"ELSE {gamma}" if cond.strip().upper() == "ELSE" else f"WHEN {cond} THEN {gamma}")
            gamma -= 1
        out.append(f"CASE {' '.join(cases)} END AS gamma_{comp['output_column_name']}")
    return ", ".join(out)


_N = len(FS_COMPARISONS)
#: One integer per level combination (each level -1..8 is one decimal digit), in SQL.
_CODE_SQL = " + ".join(f"(gamma_{c} + 1) * {10 ** (_N - 1 - k)}" for k, c in enumerate(FS_COMPARISONS))
#: The death-range digit of the code is 1 (gamma 0) when the ranges are disjoint.
_DISJOINT_SQL = f"code // {10 ** (_N - 1 - FS_COMPARISONS.index('deaths'))} % 10 = 1"


def _pass_one(con: duckdb.DuckDBPyConnection, joins: list[str], levels_sql: str) -> pd.DataFrame:
    """Every candidate pair once, as (ia, ib, level combination, shared name) in DuckDB; pairs per group.

    The shared place name is kept (its code, -1 when names differ or are
    missing) because an agreeing name weighs by its frequency.
    """
    union = "\n UNION ALL \n".join(f"SELECT ia, ib, name_l, name_r, {levels_sql} FROM ({sql})" for sql in joins)
    if not joins:
        zeros = ", ".join(f"0 AS {g}" for g in _GAMMAS)
        union = f"SELECT NULL::BIGINT AS ia, NULL::BIGINT AS ib, -1 AS name_l, -1 AS name_r, {zeros} LIMIT 0"
    con.execute(
        f"CREATE TEMP TABLE kit_pairs AS SELECT ia::INTEGER AS ia, ib::INTEGER AS ib, "
        f"({_CODE_SQL})::SMALLINT AS code, coalesce(CASE WHEN name_l = name_r THEN name_l END, -1)::INTEGER AS nm "
        f"FROM ({union})"
    )
    got = con.execute("SELECT code, nm, count(*) AS pairs FROM kit_pairs GROUP BY code, nm ORDER BY code, nm").df()
    code = got["code"].to_numpy().astype(np.int64)
    levels = {g: code // 10 ** (_N - 1 - k) % 10 - 1 for k, g in enumerate(_GAMMAS)}
    return pd.DataFrame({**levels, "code": code, "nm": got["nm"].to_numpy().astype(np.int64),
                         "pairs": got["pairs"].to_numpy().astype(np.int64)})


def _train(
    a: Any, b: Any, *, days: int, km: float, n_candidates: int, counts: pd.DataFrame, names: _Names
) -> FSModel:
    """Splink's EM on a sample (as the in-memory path trains), then the prior from every pair's levels."""
    ta, tb = fs_tables(a, b, km=km)
    model = train_model(ta, tb, days=days, km=km, n_candidates=n_candidates)
    scored = _scored(model, counts, names)
    evidence = scored[[f"mw_{c}" for c in FS_COMPARISONS]].sum(axis=1).to_numpy()
    model.settings["probability_two_random_records_match"] = prior_from_candidates(
        evidence, len(ta) * len(tb), start=model.prior, counts=counts["pairs"].to_numpy()
    )
    return model


def _scored(model: FSModel, counts: pd.DataFrame, names: _Names) -> pd.DataFrame:
    """The model's arithmetic (`score_gammas`, term-frequency adjustment included) once per group of pairs."""
    gammas = {c: counts[f"gamma_{c}"].to_numpy() for c in FS_COMPARISONS}
    return score_gammas(model, {**gammas, "tf_name": names.tf(counts["nm"].to_numpy())})


def _kept_levels(model: FSModel, counts: pd.DataFrame, keep: float, names: _Names) -> pa.Table:
    """Groups (level combination, shared name) whose probability, rounded as `score` shows it, reaches `keep`."""
    prob = _scored(model, counts, names)["match_probability"].to_numpy()
    kept = counts[np.round(prob, 4) >= keep]
    return pa.table({"code": pa.array(kept["code"].to_numpy(), type=pa.int16()),
                     "nm": pa.array(kept["nm"].to_numpy(), type=pa.int32())})


def _kept_pairs(
    con: duckdb.DuckDBPyConnection, na: int, nb: int, *, locked: bool
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The kept pairs, sorted as the in-memory path sorts them, and which records have unlisted ones.

    Kept: a group in `kept_levels`, or (`locked`) a record a reviewer linked.
    Unlisted pairs are flagged per record by whether their death ranges are
    disjoint, which decides their status; the flags are set from Arrow batches.
    """
    where = "k.code IS NOT NULL"
    if locked:
        where += " OR p.ia IN (SELECT i FROM locked_a) OR p.ib IN (SELECT i FROM locked_b)"
    pairs = "kit_pairs p LEFT JOIN kept_levels k ON p.code = k.code AND p.nm = k.nm"
    got = con.execute(f"SELECT p.ia, p.ib FROM {pairs} WHERE {where}").fetchnumpy()
    ia, ib = np.asarray(got["ia"], dtype=np.int64), np.asarray(got["ib"], dtype=np.int64)
    order = np.lexsort((ib, ia))
    sizes = {"a": na, "b": nb}
    flags = {f"{name}_{side}": np.zeros(sizes[side], dtype=bool) for name in ("low", "disjoint") for side in "ab"}
    reader = con.sql(f"SELECT p.ia, p.ib, p.{_DISJOINT_SQL} AS disjoint FROM {pairs} WHERE NOT ({where})")
    for batch in reader.to_arrow_reader(1 << 20):
        dis = batch.column("disjoint").to_numpy(zero_copy_only=False)
        for side in ("a", "b"):
            rows = batch.column(f"i{side}").to_numpy()
            flags[f"disjoint_{side}"][rows[dis]] = True
            flags[f"low_{side}"][rows[~dis]] = True
    return ia[order], ib[order], flags
