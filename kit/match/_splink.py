"""Fellegi–Sunter match probabilities for candidate pairs, with weights Splink learns by EM.

The kit's precision-aware rules become Splink comparisons: dates agree on the
same day, overlap inside a week, overlap only at month/year precision, or fall
within the ±days window; places agree within a quarter, half or all of the
records' stated precision (`max(radius_a, radius_b)`), within half or all of the
allowed distance (`max(km, radius_a, radius_b)`, so a coarse location widens it)
or only on the governorate; death-count ranges are identical, one inside the
other, overlap or not; place names agree once transliteration is folded
(`place_key`), weighted by how rare the name is. Splink estimates u (how often
each level happens by chance) by random sampling and m (how often it happens
for true matches) by expectation–maximisation, so each pair's probability comes
from the data, not from hand-set weights.

Candidate pairs come from the kit's exact DuckDB blocking and are handed to
Splink as registered blocked pairs (`register_blocked_pairs_for_predict`), so
Splink scores exactly the pairs the rules allow. The same settings carry
blocking rules (grid cells, governorate) for backends that block on their own
(Spark), and a trained model is a plain settings dict that any backend loads.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

#: A list as `_engine._prepare` reduces it (arrays start/end/span/lat/lon/radius/gov/low/high/spatial/dated);
#: typed loosely here so this module does not import the engine that imports it.
Side = Any

_KM_PER_DEG = 6371.0088 * math.pi / 180

#: Names of the comparisons, as they appear in `gamma_*` / `mw_*` columns.
FS_COMPARISONS = ("date", "place", "deaths", "name")

_HAVERSINE = (
    "2 * 6371.0088 * asin(sqrt(power(sin(radians(lat_r - lat_l) / 2), 2) + "
    "cos(radians(lat_l)) * cos(radians(lat_r)) * power(sin(radians(lon_r - lon_l) / 2), 2)))"
)

#: Words for each comparison level (gamma value), used by `explain_model`.
LEVEL_WORDS: dict[str, dict[int, str]] = {
    "date": {
        4: "same single day",
        3: "date ranges overlap, coarser record spans up to a week",
        2: "date ranges overlap only at month or year precision",
        1: "dates within the ±days window but not overlapping",
        0: "dates further apart than the window",
        -1: "a date is missing",
    },
    "place": {
        6: "within a quarter of the stated location precision",
        5: "within half the stated location precision",
        4: "within the stated location precision",
        3: "within half the allowed distance",
        2: "within the allowed distance (km, widened by location precision)",
        1: "no usable coordinates on one side, same governorate",
        0: "further apart than the allowed distance",
        -1: "no coordinates and no shared governorate",
    },
    "deaths": {
        3: "civilian death ranges identical",
        2: "one civilian death range inside the other",
        1: "civilian death ranges overlap, neither inside the other",
        0: "civilian death ranges do not overlap",
        -1: "a death figure is missing (neither helps nor hurts)",
    },
    "name": {
        1: "same place name (spelling variants folded; a rarer name weighs more)",
        0: "place names differ",
        -1: "a place name is missing (neither helps nor hurts)",
    },
}


#: A true pair never falls outside the date window or the allowed distance (that is
#: what each record's precision promises), so m is fixed near zero there rather
#: than left to EM, which in dense places would take "same city, other day" for a match.
_IMPOSSIBLE: dict[str, Any] = {"m_probability": 1e-6, "fix_m_probability": True}


_SAME_GOV = "same governorate"


def fs_comparisons(days: int, km: float) -> list[dict[str, Any]]:
    """The four Splink comparisons as plain dicts (SQL both DuckDB and Spark run).

    `name` compares the place names folded by `place_key`, with Splink's
    term-frequency adjustment: two records agreeing on "Raqqa" (hundreds of
    incidents) is weak evidence, agreeing on a village named once is strong.
    """
    d, k = int(days), float(km)
    allowed = f"greatest({k!r}, coalesce(radius_l, 0), coalesce(radius_r, 0))"
    stated = "greatest(coalesce(radius_l, 0), coalesce(radius_r, 0))"
    overlap = "s_l <= e_r AND s_r <= e_l"
    date_levels = [
        {"sql_condition": "s_l IS NULL OR s_r IS NULL", "is_null_level": True, "label_for_charts": "missing"},
        {"sql_condition": "span_l = 1 AND span_r = 1 AND s_l = s_r", "label_for_charts": "same day"},
        {"sql_condition": f"{overlap} AND greatest(span_l, span_r) <= 7", "label_for_charts": "overlap, week"},
        {"sql_condition": overlap, "label_for_charts": "overlap, month or year"},
        {"sql_condition": f"s_r <= e_l + {d} AND s_l <= e_r + {d}", "label_for_charts": f"within ±{d} days"},
        {"sql_condition": "ELSE", "label_for_charts": "further apart", **_IMPOSSIBLE},
    ]
    no_xy = "(lat_l IS NULL OR lat_r IS NULL)"
    place_levels = [
        {
            "sql_condition": f"{no_xy} AND (gov_l IS NULL OR gov_r IS NULL OR gov_l <> gov_r)",
            "is_null_level": True,
            "label_for_charts": "no coordinates, no shared governorate",
        },
        *(
            {"sql_condition": f"NOT {no_xy} AND {_HAVERSINE} <= {share} * {limit}", "label_for_charts": label}
            for share, limit, label in (
                (0.25, stated, "within a quarter of the precision"),
                (0.5, stated, "within half the precision"),
                (1.0, stated, "within the precision"),
                (0.5, allowed, "within half the allowed"),
            )
        ),
        {"sql_condition": f"NOT {no_xy} AND {_HAVERSINE} <= {allowed}", "label_for_charts": "within allowed"},
        {"sql_condition": f"{no_xy} AND gov_l = gov_r", "label_for_charts": _SAME_GOV},
        {"sql_condition": "ELSE", "label_for_charts": "too far", **_IMPOSSIBLE},
    ]
    name_levels = [
        {"sql_condition": "name_l IS NULL OR name_r IS NULL", "is_null_level": True, "label_for_charts": "missing"},
        {"sql_condition": "name_l = name_r", "label_for_charts": "same name", "tf_adjustment_column": "name",
         "tf_adjustment_weight": 1.0},
        {"sql_condition": "ELSE", "label_for_charts": "names differ"},
    ]
    deaths_levels = [
        {"sql_condition": "low_l IS NULL OR low_r IS NULL", "is_null_level": True, "label_for_charts": "missing"},
        {"sql_condition": "low_l = low_r AND high_l = high_r", "label_for_charts": "ranges identical"},
        {"sql_condition": "(low_l >= low_r AND high_l <= high_r) OR (low_r >= low_l AND high_r <= high_l)",
         "label_for_charts": "one range inside the other"},
        {"sql_condition": "low_l <= high_r AND low_r <= high_l", "label_for_charts": "ranges overlap"},
        {"sql_condition": "ELSE", "label_for_charts": "ranges disjoint"},
    ]
    return [
        {"output_column_name": name, "comparison_levels": levels, "comparison_description": name}
        for name, levels in zip(FS_COMPARISONS, (date_levels, place_levels, deaths_levels, name_levels), strict=True)
    ]


def fs_blocking_rules(days: int) -> list[str]:
    """Blocking rules equivalent to the kit's blocking, for backends that block themselves (Spark).

    Records with coordinates sit in four grids of cells twice as wide as the
    largest reach, offset by half a cell in latitude, longitude or both: two
    points within reach share a cell in at least one of them (four equality
    joins); records without coordinates join on governorate. Pairs beyond the
    exact distance are dropped after prediction.
    """
    d = int(days)
    window = f"r.s <= l.e + {d} AND l.s <= r.e + {d}"
    rules = [f"l.gy{k} = r.gy{k} AND l.gx{k} = r.gx{k} AND {window}" for k in range(4)]
    rules.append(f"l.gov = r.gov AND (l.lat IS NULL OR r.lat IS NULL) AND {window}")
    return rules


def fs_settings(days: int, km: float, *, prior: float = 1e-4) -> dict[str, Any]:
    """An untrained Splink settings dict for linking list A to list B."""
    return {
        "link_type": "link_only",
        "unique_id_column_name": "uid",
        "source_dataset_column_name": "source_dataset",
        "comparisons": fs_comparisons(days, km),
        "blocking_rules_to_generate_predictions": fs_blocking_rules(days),
        "probability_two_random_records_match": prior,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "max_iterations": 25,
    }


def fs_tables(a: Side, b: Side, *, km: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-record columns the comparisons read: day numbers, coordinates, radius, governorate, deaths, cells."""
    reach = max(float(km), float(np.nanmax(np.concatenate([a.radius, b.radius, [0.0]]))))
    lat_all = np.concatenate([a.lat[a.spatial], b.lat[b.spatial]])
    max_lat = float(np.max(np.abs(lat_all))) if len(lat_all) else 0.0
    cell_lat = max(reach / _KM_PER_DEG, 0.05)
    cell_lon = cell_lat / max(math.cos(math.radians(min(max_lat + cell_lat, 89.0))), 0.01)
    return _table(a, "a", cell_lat, cell_lon), _table(b, "b", cell_lat, cell_lon)


def _table(side: Side, name: str, cell_lat: float, cell_lon: float) -> pd.DataFrame:
    sp, dated = side.spatial, side.dated
    lat = np.where(sp, side.lat, np.nan)
    lon = np.where(sp, side.lon, np.nan)
    gov = pd.Series(side.gov, dtype="string").replace("", pd.NA)
    grids = {}
    for k in range(4):  # cells 2x the reach, offset by half a cell (see fs_blocking_rules)
        grids[f"gy{k}"] = _ints(np.floor(np.nan_to_num(lat) / (2 * cell_lat) + 0.5 * (k // 2)), sp)
        grids[f"gx{k}"] = _ints(np.floor(np.nan_to_num(lon) / (2 * cell_lon) + 0.5 * (k % 2)), sp)
    return pd.DataFrame(
        {
            "uid": np.arange(len(side.sid), dtype=np.int64),
            "source_dataset": name,
            "s": _ints(side.start, dated),
            "e": _ints(side.end, dated),
            "span": side.span.astype(np.int64),
            "lat": lat,
            "lon": lon,
            "radius": np.where(sp, side.radius, np.nan),
            "gov": gov,
            "name": place_keys(side.frame),
            "low": side.low,
            "high": side.high,
            "cy": _ints(np.floor(np.nan_to_num(lat) / cell_lat), sp),
            "cx": _ints(np.floor(np.nan_to_num(lon) / cell_lon), sp),
            "wk": _ints(side.start // 7, dated),
            **grids,
        }
    )


# --------------------------------------------------------------------------
# Place names: one key per place however it is transliterated
# --------------------------------------------------------------------------

#: Words that say what kind of place or how near, not which place.
_NOT_A_NAME = frozenset(
    "village town city center centre near outskirts the district neighbourhood neighborhood area province "
    "countryside syria iraq vicinity camp".split()
)
#: Arabic articles as they are transliterated ("Al Bab", "al-Bab", "Ar Raqqah", "Ash Shaddadi").
_ARTICLES = frozenset("al el ar as ad ash at az an ath".split())
#: Spellings of one Arabic sound, folded to one letter (gh/g, kh/k, q/k, sh/s, ou/u, ee/i, w/u ...).
_FOLDS = (("gh", "g"), ("kh", "k"), ("q", "k"), ("dh", "d"), ("th", "t"), ("sh", "s"), ("ch", "s"),
          ("ou", "u"), ("ee", "i"), ("oo", "u"), ("ph", "f"), ("w", "u"))
#: "Approximately 15 NM NW of ABU KAMAL", "Eastside of the village of Shadadi": the named place follows "of".
_RELATIVE = re.compile(r"(?:\d|\bnm\b|\bkm\b|\bnorth|\bsouth|\beast|\bwest)[^:]*?\bof\s+"
                       r"(?:the\s+)?(?:village\s+(?:of\s+)?)?([a-z][a-z \-]*)")


def place_key(name: object) -> str | None:
    """A place name reduced to the consonant skeleton of its first named place (None when there is none).

    Sources transliterate Arabic names every way: Airwars alone spells one
    village "Abdin", "Abidin", "Abdeen" and "Vicinity of Abdin", and the Dutch
    log writes "Approximately 15 NM NW of ABU KAMAL". The key keeps the first
    place named (before ":", ",", "or", "and", "in"; after "N NM direction of" or "village of"),
    drops articles and words like "village", folds letter pairs that spell one
    sound, drops the vowels after the first letter and doubled letters:
    "Al-Bab", "Al Bab" -> "b"; "Hajin", "Hajeen" -> "hjn"; "Ar Raqqah", "Raqqa" -> "rk".
    """
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return None
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"['`\u2019]", "", s)
    rel = _RELATIVE.findall(s)
    if rel:
        s = rel[-1]
    s = re.sub(r"^(?:the\s+)?(?:village|town|city|vicinity|outskirts|countryside)\s+of\s+", "", s)
    s = re.split(r"[:,;(/]| or | and | in ", s)[0]
    words = [w for w in re.split(r"[\s\-]+", s) if w and w not in _NOT_A_NAME and not re.search(r"\d", w)]
    s = "".join([w for w in words if w not in _ARTICLES] or words)
    for spelled, letter in _FOLDS:
        s = s.replace(spelled, letter)
    s = re.sub(r"h$", "", s)
    if not s:
        return None
    skeleton = ("a" if s[0] in "aeiouy" else s[0]) + re.sub(r"[aeiouy]", "", s[1:])
    return re.sub(r"(.)\1+", r"\1", skeleton) or None


def place_keys(frame: pd.DataFrame) -> pd.Series:
    """`place_key` of every record's `place_name` (null when blank), computed once per distinct name."""
    if "place_name" not in frame.columns:
        return pd.Series(pd.NA, index=range(len(frame)), dtype="string")
    names = frame["place_name"].astype("string").fillna("").str.strip().reset_index(drop=True)
    codes, uniques = pd.factorize(names)
    keys = np.array([place_key(u) if u else None for u in uniques] + [None], dtype=object)
    return pd.Series(keys[np.where(codes < 0, len(uniques), codes)], dtype="string")


def name_frequencies(ta: pd.DataFrame, tb: pd.DataFrame) -> pd.Series:
    """Share of records (both lists, names present) carrying each place key, as Splink's term-frequency table."""
    both = pd.concat([ta["name"], tb["name"]], ignore_index=True).dropna()
    return both.value_counts() / max(len(both), 1)


def _ints(values: np.ndarray, keep: np.ndarray) -> pd.Series:
    """Integers, null where `keep` is false (Splink reads null as 'no information')."""
    return pd.Series(pd.arrays.IntegerArray(np.asarray(values).astype(np.int64), ~np.asarray(keep, dtype=bool)))


# --------------------------------------------------------------------------
# Model: train once, keep as a settings dict, score on any backend
# --------------------------------------------------------------------------


@dataclass
class FSModel:
    """A trained Fellegi–Sunter model: Splink's settings dict with m and u for every level."""

    settings: dict[str, Any]
    days: int
    km: float

    @property
    def prior(self) -> float:
        """Probability that two random records (one from each list) match."""
        return float(self.settings["probability_two_random_records_match"])

    def explain(self) -> pd.DataFrame:
        """Every comparison level: m, u, Bayes factor, match weight and a sentence saying what it means."""
        return explain_model(self)


#: DuckDB's own default is 80% of RAM, which its buffer pool fills during Splink's EM; past this it spills to disk.
DUCKDB_MEMORY_LIMIT = "3GB"


def splink_connection() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for Splink: two threads (shared machine) and a memory cap."""
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    return con


def _linker(ta: Any, tb: Any, settings: dict[str, Any], db_api: Any) -> Any:
    from splink import Linker

    sa = db_api.register(ta, dataset_display_name="a")
    sb = db_api.register(tb, dataset_display_name="b")
    return Linker([sa, sb], settings, log_level=logging.ERROR)


def train_model(
    ta: pd.DataFrame,
    tb: pd.DataFrame,
    *,
    days: int,
    km: float,
    n_candidates: int,
    seed: int = 1,
    max_pairs: float = 2e5,
) -> FSModel:
    """Estimate u by random sampling and m by EM in three sessions, each blocked on what the others learn.

    Splink learns m only for comparisons whose columns a session's blocking
    does not read, and EM finds matches best where the blocking makes them
    common. Session 1 takes pairs on the same dates with the same place name
    and learns place and deaths; session 2 takes pairs on the same dates in one
    grid cell with the same lowest death figure and learns place and name;
    session 3 takes pairs with the same place name in one grid cell with the
    same lowest death figure and learns date and place (Splink averages the
    estimates of place). Each falls back to a looser rule in lists without
    names or deaths (`_EM_SESSIONS`). With the two sessions before (same dates
    in one cell; same cell, week and lowest death figure) EM took "same town,
    same day" for a match: it learned that death ranges disagree for 35% of true
    pairs (none do, on copies moved within their precision) and a one-day gap
    for 22% (copies that keep their day have none); now 8% and 10%.

    The prior (probability two random records match) is set from the number of
    candidate pairs: the EM's share of matches among candidates times the
    candidates, over all |A|·|B| pairs.
    """
    n_a, n_b = len(ta), len(tb)
    ta, tb = _training_sample(ta, seed), _training_sample(tb, seed + 1)
    settings = fs_settings(days, km)
    _fix_governorate_level(settings, ta, tb)
    with _session(ta, tb, settings) as linker:
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
        sessions = _em_sessions(linker, max_pairs, ta, tb)
        trained = linker.misc.save_model_to_json(overwrite=True)
        lam_block = _em_lambda(sessions[-1])
    _fill_unestimated(trained)
    share = lam_block if lam_block is not None else 0.5
    pairs_total = max(n_a * n_b, 1)
    trained["probability_two_random_records_match"] = float(
        np.clip(share * max(n_candidates, 1) / pairs_total, 1e-12, 0.5)
    )
    return FSModel(settings=trained, days=int(days), km=float(km))


@contextmanager
def _session(ta: pd.DataFrame, tb: pd.DataFrame, settings: dict[str, Any]) -> Iterator[Any]:
    """A Splink linker on its own capped DuckDB connection, closed afterwards."""
    from splink import DuckDBAPI

    con = splink_connection()
    try:
        yield _linker(ta, tb, settings, DuckDBAPI(connection=con))
    finally:
        con.close()


_SAME_DATES = "l.s = r.s AND l.e = r.e"
_SAME_CELL = "l.cy = r.cy AND l.cx = r.cx"
#: EM blockings per session, each tried in turn until one finds `_EM_MIN_PAIRS` pairs: session 1 reads
#: dates and names (learns place, deaths), session 2 dates and deaths (learns place, name), session 3 names
#: and deaths (learns date, place). In lists without names or deaths (the Dutch log has no death figures)
#: sessions 1 and 3 fall back to the rules they replaced, ending in a rule that always runs; session 2,
#: ending in None, is then left out.
_EM_SESSIONS: tuple[tuple[str | None, ...], ...] = (
    (
        f"{_SAME_DATES} AND l.name = r.name",
        f"{_SAME_DATES} AND {_SAME_CELL}",
        f"{_SAME_CELL} AND l.wk = r.wk",
    ),
    (f"{_SAME_DATES} AND {_SAME_CELL} AND l.low = r.low", None),
    (
        f"l.name = r.name AND {_SAME_CELL} AND l.low = r.low",
        f"{_SAME_CELL} AND l.wk = r.wk AND l.low = r.low",
        f"{_SAME_CELL} AND l.wk = r.wk AND l.name = r.name",
        f"{_SAME_CELL} AND l.wk = r.wk",
    ),
)
#: Fewest pairs an EM session may run on (Splink asks for "at least a few hundred").
_EM_MIN_PAIRS = 200


def _em_rule(rules: tuple[str | None, ...], ta: pd.DataFrame, tb: pd.DataFrame) -> str | None:
    """The first blocking rule giving at least `_EM_MIN_PAIRS` pairs (else the last rule, None: no session)."""
    con = duckdb.connect()
    try:
        con.register("l_tab", ta)
        con.register("r_tab", tb)
        for rule in rules[:-1]:
            row = con.execute(f"SELECT count(*) FROM l_tab l JOIN r_tab r ON {rule}").fetchone()
            if rule is not None and row is not None and row[0] >= _EM_MIN_PAIRS:
                return rule
    finally:
        con.close()
    return rules[-1]


def _em_sessions(linker: Any, max_pairs: float, ta: pd.DataFrame, tb: pd.DataFrame) -> list[Any]:
    """One EM session per entry of `_EM_SESSIONS`; a rule an earlier session ran is not run again.

    In lists without names or deaths two sessions can fall back to one rule;
    running it twice would count one estimate twice in Splink's average.
    """
    train = linker.training.estimate_parameters_using_expectation_maximisation
    done: list[str] = []
    sessions = []
    for rules in _EM_SESSIONS:
        rule = _em_rule(rules, ta, tb)
        if rule is not None and rule not in done:
            done.append(rule)
            sessions.append(train(rule, max_pairs=max_pairs))
    return sessions


#: Records per list Splink trains on; m and u are shares, which a sample this size estimates well.
TRAINING_SAMPLE = 200_000


def _training_sample(table: pd.DataFrame, seed: int) -> pd.DataFrame:
    return table if len(table) <= TRAINING_SAMPLE else table.sample(n=TRAINING_SAMPLE, random_state=seed)


def _fill_unestimated(settings: dict[str, Any]) -> None:
    """Levels training never saw get explicit neutral values (weight 0), so every backend scores them alike.

    Splink marks a level absent from the sample as "level not observed" (m or u
    1e-6) or leaves it unset; unset would make the pair's weight NULL.
    """
    for comp in settings["comparisons"]:
        for level in comp["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = _prob(level.get("m_probability")), _prob(level.get("u_probability"))
            if m is None and u is None:
                m = u = 0.5
            level["m_probability"] = m if m is not None else u
            level["u_probability"] = u if u is not None else m


def _prob(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):  # Splink's "level not observed"
        return 1e-6
    return float(value)


def _fix_governorate_level(settings: dict[str, Any], ta: pd.DataFrame, tb: pd.DataFrame) -> None:
    """m of "no coordinates on one side, same governorate", from how often coordinates are missing.

    EM blocks on grid cells, which records without coordinates lack, so it never
    sees this level; a true pair shares its governorate, and lands here exactly
    when either record lacks coordinates: m = 1 - (1 - share_a)(1 - share_b).
    """
    fa, fb = float(ta["lat"].isna().mean()), float(tb["lat"].isna().mean())
    m = min(max(1 - (1 - fa) * (1 - fb), 1e-6), 1 - 1e-6)
    for comp in settings["comparisons"]:
        for level in comp["comparison_levels"]:
            if level.get("label_for_charts") == _SAME_GOV:
                level.update(m_probability=m, fix_m_probability=True)


def _em_lambda(session: Any) -> float | None:
    """The share of matches the EM session settled on among its blocked pairs, when it records one."""
    history = getattr(session, "_lambda_history_records", None) or []
    if not history:
        return None
    value = history[-1].get("probability_two_random_records_match")
    return None if value is None else float(value)


def level_weights(model: FSModel) -> dict[str, np.ndarray]:
    """Per comparison, log2(m/u) indexed by gamma + 1 (gamma -1, the null level, weighs 0), as Splink computes it."""
    out: dict[str, np.ndarray] = {}
    for comp in model.settings["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        weights = np.zeros(len(levels) + 1)
        for gamma, lv in zip(range(len(levels) - 1, -1, -1), levels, strict=True):
            m, u = _prob(lv.get("m_probability")), _prob(lv.get("u_probability"))
            weights[gamma + 1] = 0.0 if m is None or u is None else math.log2(max(m, 1e-300) / max(u, 1e-300))
        out[comp["output_column_name"]] = weights
    return out


def fs_gammas(
    a: Side, b: Side, ia: np.ndarray, ib: np.ndarray, *, days: int, gap: np.ndarray, dist: np.ndarray,
    allowed: np.ndarray, names: tuple[pd.Series, pd.Series] | None = None,
) -> dict[str, np.ndarray]:
    """Each pair's comparison levels, computed as the comparisons' SQL does (vectorised, no database).

    names: both lists' place keys when already computed (the `name` columns of `fs_tables`).
    """
    dated = a.dated[ia] & b.dated[ib]
    same_day = (a.span[ia] == 1) & (b.span[ib] == 1) & (a.start[ia] == b.start[ib])
    wide = np.maximum(a.span[ia], b.span[ib])
    date = np.select(
        [~dated, same_day, (gap == 0) & (wide <= 7), gap == 0, gap <= int(days)], [-1, 4, 3, 2, 1], 0
    )
    both_xy = a.spatial[ia] & b.spatial[ib]
    same_gov = (a.gov[ia] == b.gov[ib]) & (a.gov[ia] != "")
    stated = np.fmax(a.radius[ia], b.radius[ib])
    with np.errstate(invalid="ignore"):
        ratio, within = dist / allowed, dist / stated
    place = np.select(
        [~both_xy & same_gov, ~both_xy, within <= 0.25, within <= 0.5, within <= 1.0, ratio <= 0.5, ratio <= 1.0],
        [1, -1, 6, 5, 4, 3, 2],
        0,
    )
    have = ~np.isnan(a.low[ia]) & ~np.isnan(b.low[ib])
    same = (a.low[ia] == b.low[ib]) & (a.high[ia] == b.high[ib])
    nested = ((a.low[ia] >= b.low[ib]) & (a.high[ia] <= b.high[ib])) | (
        (b.low[ib] >= a.low[ia]) & (b.high[ib] <= a.high[ia])
    )
    overlap = (a.low[ia] <= b.high[ib]) & (b.low[ib] <= a.high[ia])
    deaths = np.select([~have, same, nested, overlap], [-1, 3, 2, 1], 0)
    keys_a, keys_b = names if names is not None else (place_keys(a.frame), place_keys(b.frame))
    ka, kb = keys_a.fillna("").to_numpy(dtype=object)[ia], keys_b.fillna("").to_numpy(dtype=object)[ib]
    known = (ka != "") & (kb != "")
    same_name = known & (ka == kb)
    name = np.select([~known, same_name], [-1, 1], 0)
    freq = name_frequencies(pd.DataFrame({"name": keys_a}), pd.DataFrame({"name": keys_b}))
    tf = np.full(len(ia), np.nan)
    tf[same_name] = pd.Series(ka[same_name]).map(freq).to_numpy(dtype=float, na_value=np.nan)
    return {"date": date, "place": place, "deaths": deaths, "name": name, "tf_name": tf}


def score_gammas(model: FSModel, gammas: dict[str, np.ndarray]) -> pd.DataFrame:
    """The Fellegi–Sunter sum: prior log-odds + each comparison's weight; probability = 2^w / (1 + 2^w).

    An agreeing place name weighs log2(m / tf) instead of log2(m / u), tf the
    share of records carrying that name (`gammas["tf_name"]`): Splink's
    term-frequency adjustment, log2(u) - log2(tf) added to the level's weight.
    """
    weights = level_weights(model)
    prior = math.log2(model.prior / (1 - model.prior))
    parts = {f"mw_{c}": weights[c][gammas[c] + 1] for c in FS_COMPARISONS}
    tf = gammas.get("tf_name")
    if tf is not None:
        u_same = _name_agreement_u(model)
        with np.errstate(invalid="ignore", divide="ignore"):
            adj = np.where(np.isnan(tf), 0.0, math.log2(u_same) - np.log2(np.where(np.isnan(tf), 1.0, tf)))
        parts["mw_name"] = parts["mw_name"] + np.where(gammas["name"] == 1, adj, 0.0)
    total = prior + sum(parts.values())
    prob = 1 / (1 + np.exp2(-np.asarray(total, dtype=float)))
    return pd.DataFrame({"match_weight": total, "match_probability": prob, **parts,
                         **{f"gamma_{c}": gammas[c] for c in FS_COMPARISONS}})


def _name_agreement_u(model: FSModel) -> float:
    """u of the "same place name" level, the base the term-frequency adjustment replaces."""
    for comp in model.settings["comparisons"]:
        for level in comp["comparison_levels"]:
            if level.get("tf_adjustment_column") == "name":
                return max(_prob(level.get("u_probability")) or 1.0, 1e-300)
    return 1.0


def predict_pairs(
    model: FSModel, ta: Any, tb: Any, ia: np.ndarray, ib: np.ndarray, *, db_api: Any | None = None
) -> pd.DataFrame:
    """Splink's match weight, probability and comparison levels for exactly the given (ia, ib) pairs."""
    from splink import DuckDBAPI

    con = None
    if db_api is None:
        con = splink_connection()
        db_api = DuckDBAPI(connection=con)
    try:
        linker = _linker(ta, tb, {**model.settings, "retain_intermediate_calculation_columns": True}, db_api)
        blocked = pd.DataFrame(
            {
                "match_key": np.zeros(len(ia), dtype=np.int64).astype(str),
                "join_key_l": pd.Series(ia.astype(np.int64)).map("a-__-{}".format),
                "join_key_r": pd.Series(ib.astype(np.int64)).map("b-__-{}".format),
            }
        )
        reg = db_api.register(blocked, table_name="kit_blocked_pairs")
        linker.table_management.register_blocked_pairs_for_predict(reg)
        out = linker.inference.predict(warning_mode="never").as_pandas_dataframe()
    finally:
        if con is not None:
            con.close()
    return _tidy_predictions(out, len(ia), ia, ib)


_SPARK_TYPES = {
    "uid": "long", "source_dataset": "string", "s": "long", "e": "long", "span": "long", "lat": "double",
    "lon": "double", "radius": "double", "gov": "string", "name": "string", "low": "double", "high": "double",
    "cy": "long", "cx": "long", "wk": "long", **{f"g{axis}{k}": "long" for k in range(4) for axis in "yx"},
}


def _spark_frame(spark: Any, table: pd.DataFrame) -> Any:
    """A Spark DataFrame with real nulls (pandas NaN would reach Spark as NaN, which is not NULL)."""
    cols = list(_SPARK_TYPES)
    rows = [
        tuple(
            None if pd.isna(v) else (int(v) if _SPARK_TYPES[c] == "long" else v)
            for c, v in zip(cols, r, strict=True)
        )
        for r in table[cols].itertuples(index=False, name=None)
    ]
    schema = ", ".join(f"{c} {t}" for c, t in _SPARK_TYPES.items())
    return spark.createDataFrame(rows, schema=schema)


def predict_spark(model: FSModel, ta: pd.DataFrame, tb: pd.DataFrame, ia: np.ndarray, ib: np.ndarray,
                  spark: Any) -> pd.DataFrame:
    """The model's predictions through Splink's Spark backend, blocked by Splink's own rules."""
    from splink import SparkAPI

    db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
    settings = {**model.settings, "retain_intermediate_calculation_columns": True}
    linker = _linker(_spark_frame(spark, ta), _spark_frame(spark, tb), settings, db_api)
    out = linker.inference.predict(warning_mode="never").as_pandas_dataframe()
    return _tidy_predictions(out, len(ia), ia, ib)


def _tidy_predictions(out: pd.DataFrame, n: int, ia: np.ndarray, ib: np.ndarray) -> pd.DataFrame:
    """Predictions back in the order of the input pairs (Splink returns them in its own order)."""
    cols = ["match_weight", "match_probability"] + [f"mw_{c}" for c in FS_COMPARISONS]
    flip = (out["source_dataset_l"].astype(str) == "b").to_numpy()
    left, right = out["uid_l"].astype(np.int64).to_numpy(), out["uid_r"].astype(np.int64).to_numpy()
    got = pd.DataFrame(
        {
            "ia": np.where(flip, right, left),
            "ib": np.where(flip, left, right),
            **{c: out[c].to_numpy() for c in cols},
        }
    )
    want = pd.DataFrame({"ia": ia.astype(np.int64), "ib": ib.astype(np.int64)})
    got = got.drop_duplicates(["ia", "ib"])
    merged = want.merge(got, on=["ia", "ib"], how="left")
    if len(merged) != n:
        raise RuntimeError("Splink returned duplicate pairs")
    return merged


def explain_model(model: FSModel) -> pd.DataFrame:
    """One row per comparison level: m, u, Bayes factor m/u, weight log2(m/u), and the level in words.

    The sentence says how much more often the level occurs among true matches
    than among random pairs, which is what the weight means.
    """
    rows = []
    for comp in model.settings["comparisons"]:
        name = comp["output_column_name"]
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        for gamma, lv in zip(range(len(levels) - 1, -1, -1), levels, strict=True):
            m, u = lv.get("m_probability"), lv.get("u_probability")
            bf = (m / u) if m is not None and u else float("nan")
            words = LEVEL_WORDS[name].get(gamma, lv.get("label_for_charts", ""))
            rows.append(
                {
                    "comparison": name,
                    "level": gamma,
                    "meaning": words,
                    "m_probability": m,
                    "u_probability": u,
                    "bayes_factor": bf,
                    "match_weight": math.log2(bf) if bf and bf > 0 and not math.isnan(bf) else float("nan"),
                    "in_words": _sentence(words, bf),
                }
            )
        rows.append(
            {
                "comparison": name,
                "level": -1,
                "meaning": LEVEL_WORDS[name][-1],
                "m_probability": None,
                "u_probability": None,
                "bayes_factor": 1.0,
                "match_weight": 0.0,
                "in_words": f"{LEVEL_WORDS[name][-1]}: no evidence either way (weight 0)",
            }
        )
    return pd.DataFrame(rows)


def _sentence(words: str, bf: float) -> str:
    if math.isnan(bf):
        return f"{words}: not estimated (no such pairs in the data)"
    if bf >= 1:
        return f"{words}: {bf:,.3g} times more common among true matches than among random pairs"
    return f"{words}: {1 / bf:,.3g} times less common among true matches than among random pairs"


def fs_score(
    a: Side, b: Side, ia: np.ndarray, ib: np.ndarray, *, days: int, km: float, n_candidates: int,
    gap: np.ndarray, dist: np.ndarray, allowed: np.ndarray, model: FSModel | None = None,
    spark: Any | None = None, through_splink: bool = False,
) -> tuple[FSModel, pd.DataFrame, np.ndarray]:
    """Train through Splink on DuckDB (unless given a model) and score the pairs; also their weights in words.

    The words come back as a separate object array of a few dozen shared
    strings (a DataFrame column would copy one string per pair).

    Scoring is the model's arithmetic (prior + the learned weight of each
    comparison level) over levels computed like the comparisons' SQL, which is
    what Splink's predict does, without a database round trip for millions of
    pairs; `through_splink=True` runs Splink's own DuckDB predict on the same
    pairs instead (the tests check both agree). With a Spark session, Splink
    predicts on Spark, blocking with its own rules (`fs_blocking_rules`).
    """
    ta, tb = fs_tables(a, b, km=km)
    gammas = fs_gammas(a, b, ia, ib, days=days, gap=gap, dist=dist, allowed=allowed, names=(ta["name"], tb["name"]))
    if model is None:
        model = train_model(ta, tb, days=days, km=km, n_candidates=n_candidates)
        evidence = score_gammas(model, gammas)[[f"mw_{c}" for c in FS_COMPARISONS]].sum(axis=1).to_numpy()
        model.settings["probability_two_random_records_match"] = prior_from_candidates(
            evidence, len(ta) * len(tb), start=model.prior
        )
    if spark is not None:
        pred = predict_spark(model, ta, tb, ia, ib, spark)
    elif through_splink:
        pred = predict_pairs(model, ta, tb, ia, ib)
    else:
        pred = score_gammas(model, gammas)
    return model, pred, pair_words(model, gammas)


def prior_from_candidates(
    evidence: np.ndarray, pairs_total: int, *, start: float, steps: int = 50, counts: np.ndarray | None = None
) -> float:
    """The prior as EM's own update would set it on the candidate pairs, m and u held fixed.

    Every true pair is a candidate (it lies inside both windows), and a pair
    outside them has m ≈ 0, so the expected number of matches is the sum of the
    candidates' probabilities: iterate prior = Σ p(prior) / (|A|·|B|).
    `counts`: how many pairs share each evidence value (the large-run path
    passes one value per level combination instead of one per pair).
    """
    lam = float(np.clip(start, 1e-12, 0.5))
    times = np.ones(len(evidence)) if counts is None else np.asarray(counts, dtype=float)
    for _ in range(steps):
        logit = math.log2(lam / (1 - lam))
        expected = float(np.sum(times / (1 + np.exp2(-(evidence + logit)))))
        new = float(np.clip(expected / max(pairs_total, 1), 1e-12, 0.5))
        if abs(new - lam) <= 1e-6 * lam:
            return new
        lam = new
    return lam


def pair_words(model: FSModel, gammas: dict[str, np.ndarray]) -> np.ndarray:
    """Each pair's Fellegi–Sunter arithmetic in words: each comparison's level and weight, the prior, the result.

    Written once per distinct combination of levels (a few dozen), then indexed.
    """
    n = len(gammas["date"])
    if not n:
        return np.empty(0, dtype=object)
    tf = gammas.get("tf_name", np.full(n, np.nan))
    codes = np.column_stack([*(gammas[c] for c in FS_COMPARISONS), np.nan_to_num(tf, nan=-1.0)])
    combos, inverse = np.unique(codes, axis=0, return_inverse=True)
    k_tf = len(FS_COMPARISONS)
    scored = score_gammas(model, {**{c: combos[:, k].astype(int) for k, c in enumerate(FS_COMPARISONS)},
                                  "tf_name": np.where(combos[:, k_tf] < 0, np.nan, combos[:, k_tf])})
    prior = math.log2(model.prior / (1 - model.prior))
    texts = []
    for row, combo in zip(scored.itertuples(index=False), combos, strict=True):
        parts = [
            f"{c} {getattr(row, f'mw_{c}'):+.1f} ({LEVEL_WORDS[c].get(int(g), '')})"
            for c, g in zip(FS_COMPARISONS, combo[:k_tf], strict=True)
        ]
        texts.append(
            "Fellegi–Sunter weights: " + ", ".join(parts)
            + f", prior {prior:+.1f} → total {row.match_weight:+.1f}, probability {row.match_probability:.2f}"
        )
    return np.asarray(texts, dtype=object)[inverse.reshape(-1)]
