"""Airwars incident exports: one row per alleged incident, ranges, Airwars' own grading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit.incidents._places import GazetteerLike, resolve_governorates
from kit.incidents._plausible import Plausibility
from kit.incidents._read import Checks, Table, finish, labels, read_table
from kit.incidents._schema import LoadedIncidents, http_or_empty
from kit.incidents.loaders._common import (
    COALITION_PATTERN,
    blank_str,
    const_str,
    coordinates,
    country_ids,
    is_coalition,
    join_actors,
    na_float,
    na_int,
    place_resolver,
    window,
)

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
_AIRWARS_VICTIMS = (
    "children_killed_min", "children_killed_max", "women_killed_min", "women_killed_max",
    "men_killed_min", "men_killed_max", "named_victims", "cause_of_death",
)
"""Who was killed and how, where the export records it (older exports lack them: the columns stay blank)."""
_VICTIM_EXTRAS = (
    "children_killed_low", "children_killed_high", "women_killed_low", "women_killed_high",
    "men_killed_low", "men_killed_high", "named_victims", "cause_of_death",
)


def _victims(t: Table, c: Checks, out: dict[str, Any]) -> None:
    """Children, women and men killed (min/max -> low/high), how many victims are named, the cause of death.

    Only the columns the export has become columns of the frame (older exports have none of them).
    """
    present = set(t.data.columns)
    for who in ("children", "women", "men"):
        if f"{who}_killed_min" not in present and f"{who}_killed_max" not in present:
            continue
        for theirs, ours in (("min", "low"), ("max", "high")):
            col = f"{who}_killed_{theirs}"
            out[f"{who}_killed_{ours}"] = (
                c.number(t.col(col), col, count=True, keep=True) if col in present else na_float(len(t))
            )
    if "named_victims" in present:
        out["named_victims"] = c.number(t.col("named_victims"), "named_victims", count=True, keep=True)
    if "cause_of_death" in present:
        out["cause_of_death"] = t.col("cause_of_death")


def load_airwars(
    path: str | Path,
    gazetteer: GazetteerLike | None = None,
    *,
    coalition_pattern: str = COALITION_PATTERN,
    plausibility: Plausibility | None = None,
) -> LoadedIncidents:
    """Load an Airwars incident export (one row per incident; see ../shared/data/SOURCES.md).

    `source_id` is the numeric `airwars_id` (unique); the public `incident_code`
    (e.g. CS1076, duplicated on purpose for two cases) is kept in `source_code`.
    min/max -> low/high, best stays NA (Airwars publishes ranges). Governorate is
    resolved from `governorate`, then `region`. `coalition_alleged` is the export's
    own column. Rows with no date at all are kept with precision `unknown`.
    `belligerent_verdict` stays empty: the export carries Airwars' grade (where
    `Confirmed` means a belligerent accepted responsibility), not the belligerent's
    own assessment, and we do not derive one from the other. A row with an
    impossible coordinate keeps the row with the coordinates set aside, a window
    ending before it starts is widened to cover both dates, min above max widens
    the range; each such row carries a quality flag (the shared export has one of
    the first two).
    """
    t = read_table(path, required=_AIRWARS_REQUIRED, optional=_AIRWARS_VICTIMS)
    n = len(t)
    c = Checks(n)
    res = place_resolver(gazetteer)
    out: dict[str, Any] = {"source": const_str(n, "airwars")}
    out["source_id"] = t.col("airwars_id")
    out["source_code"] = t.col("incident_code")
    url = t.col("airwars_url")
    bad_url = ~http_or_empty(url)
    c.flag(bad_url, "airwars_url", "'{0}' is not an http(s) URL; link set aside", url)
    out["url"] = url.where(~pd.Series(bad_url, index=url.index), "") if bad_url.any() else url
    start = c.dates(t.col("date"), "date", ["%Y-%m-%d"], "YYYY-MM-DD", keep=True)
    end = c.dates(t.col("date_end"), "date_end", ["%Y-%m-%d"], "YYYY-MM-DD", keep=True)
    lost = start.isna().to_numpy() & (t.col("date") != "").to_numpy()  # a start set aside takes its end along
    end = end.where(~pd.Series(lost, index=end.index))
    dtype_ = t.col("date_type")
    c.reject(
        ~dtype_.isin(["date", "date_range", ""]).to_numpy(),
        "date_type",
        "unknown date_type '{0}' (expected date or date_range)",
        dtype_,
    )
    c.reject((start.isna() & end.notna()).to_numpy(), "date", "date_end is given but date is blank")
    start, end, _ = window(c, start, end, "date_end", t.col("date_end"), t.col("date"), start_name="date")
    ranged = ((dtype_ == "date_range") | (end > start).fillna(False)).to_numpy(dtype=bool)
    precision = labels(np.where(start.isna().to_numpy(), 2, ranged.astype(np.int64)), ["day", "range", "unknown"])
    out["date_start"], out["date_end"], out["date_precision"] = start, end, precision
    out["lat"], out["lon"] = coordinates(c, t, "latitude", "longitude")
    out["location_precision"] = c.vocabulary(
        t.col("geolocation_precision"), "geolocation_precision", AIRWARS_PRECISION, blank="unknown", keep=True
    )
    out["place_name"] = t.col("location_en")
    actors = t.col("military_actor")
    out["perpetrators"] = join_actors(actors, ",")
    ca = t.col("coalition_alleged").str.lower()
    unreadable = ~ca.isin(["true", "false", ""]).to_numpy()
    c.flag(unreadable, "coalition_alleged", "'{0}' is not True or False; read from military_actor instead",
           t.col("coalition_alleged"))
    alleged = (ca == "true").to_numpy(dtype=bool).copy()  # a view of Arrow memory is read-only
    blank_ca = (ca == "").to_numpy(dtype=bool) | unreadable
    if blank_ca.any():  # older exports without the column's value: fall back to the actor names
        alleged |= blank_ca & is_coalition(actors, coalition_pattern).to_numpy(dtype=bool)
    out["coalition_alleged"] = pd.Series(alleged)
    for ours, theirs in (("civilians_killed", "civilians_killed"), ("injured", "civilians_injured")):
        lo = c.number(t.col(f"{theirs}_min"), f"{theirs}_min", count=True, keep=True)
        hi = c.number(t.col(f"{theirs}_max"), f"{theirs}_max", count=True, keep=True)
        names = [f"{theirs}_min", f"{theirs}_max"]
        lo, hi = c.widened([lo, hi], names, names)
        out[f"{ours}_low"], out[f"{ours}_high"] = lo, hi
    out["civilians_killed_best"] = na_float(n)
    _victims(t, c, out)
    out["grade"] = t.col("grading")
    out["belligerent_verdict"] = blank_str(n)
    out["strike_count"] = na_int(n)
    out["strike_status"] = t.col("strike_status")
    out["country"], warn = country_ids(res, t.col("country"), t, "country")
    out["governorate"], gwarn = resolve_governorates(
        res, [t.col("governorate"), t.col("region")], out["country"], file=t.file, lines=t.lines,
        field_names=["governorate", "region"],
    )
    return finish(
        t, out, c, unmapped=sorted(warn + gwarn), extras=("source_code", "strike_status", *_VICTIM_EXTRAS),
        id_field="airwars_id",
        plausibility=plausibility,
        gazetteer=res.gazetteer,
    )
