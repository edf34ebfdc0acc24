"""UCDP GED event CSVs (codebook columns; HDX's HXL tag row is skipped by `read_table`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.incidents._places import GazetteerLike, resolve_governorates
from kit.incidents._plausible import Plausibility
from kit.incidents._read import Checks, finish, read_table
from kit.incidents._schema import LoadedIncidents
from kit.incidents.loaders._common import (
    COALITION_PATTERN,
    blank_str,
    col_or_blank,
    const_str,
    coordinates,
    country_ids,
    is_coalition,
    na_float,
    na_int,
    place_resolver,
    window,
)

UCDP_WHERE_PREC: dict[str, str] = {
    "1": "exact", "2": "city", "3": "district", "4": "governorate", "5": "country", "6": "country", "7": "unknown",
}
"""UCDP where_prec -> location_precision: 1 exact place; 2 within ~25 km of a known point (city);
3 ADM2 only (district); 4 ADM1 only (governorate); 5 a larger part of the country or a
linear feature (country, the next coarser level we have); 6 country; 7 waters/airspace (unknown)."""

UCDP_DATE_PREC: dict[str, str] = {"1": "day", "2": "week", "3": "month", "4": "year", "5": "range"}
"""UCDP date_prec -> date_precision: 1 exact day; 2 within 2-6 days; 3 within a month; 4 within a year;
5 more than a year. The window itself is UCDP's date_start..date_end."""

_UCDP_REQUIRED = (
    "id", "date_start", "date_end", "date_prec", "where_prec", "country", "latitude", "longitude",
    "deaths_civilians", "best", "low", "high",
)
_UCDP_OPTIONAL = ("where_coordinates", "adm_1", "adm_2", "side_a", "side_b", "type_of_violence", "event_clarity")
_UCDP_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def load_ucdp(
    path: str | Path,
    gazetteer: GazetteerLike | None = None,
    *,
    coalition_pattern: str = COALITION_PATTERN,
    plausibility: Plausibility | None = None,
) -> LoadedIncidents:
    """Load a UCDP GED CSV (codebook columns; an HDX HXL tag row under the header is skipped).

    `civilians_killed_best` = `deaths_civilians` (UCDP has no civilian low/high);
    UCDP's `low`/`best`/`high` count all deaths and go to `deaths_low/best/high`.
    Perpetrators: `side_a` for one-sided violence (type 3), else `side_a;side_b`.
    `url` is empty (UCDP cites articles by text, kept nowhere else in the schema).
    """
    t = read_table(path, required=_UCDP_REQUIRED, optional=_UCDP_OPTIONAL)
    n = len(t)
    c = Checks(n)
    res = place_resolver(gazetteer)
    out: dict[str, Any] = {"source": const_str(n, "ucdp")}
    out["source_id"] = t.col("id")
    out["url"] = blank_str(n)
    start = c.dates(t.col("date_start"), "date_start", _UCDP_DATE_FORMATS, "YYYY-MM-DD")
    end = c.dates(t.col("date_end"), "date_end", _UCDP_DATE_FORMATS, "YYYY-MM-DD")
    c.reject(start.isna().to_numpy(), "date_start", "date_start is blank")
    start, end, _ = window(c, start, end, "date_end", t.col("date_end"), t.col("date_start"))
    out["date_start"], out["date_end"] = start, end
    out["date_precision"] = c.vocabulary(t.col("date_prec"), "date_prec", UCDP_DATE_PREC)
    out["location_precision"] = c.vocabulary(t.col("where_prec"), "where_prec", UCDP_WHERE_PREC)
    out["lat"], out["lon"] = coordinates(c, t, "latitude", "longitude")
    place = col_or_blank(t, "where_coordinates")
    for alt in ("adm_2", "adm_1"):
        place = place.where(place != "", col_or_blank(t, alt))
    out["place_name"] = place
    side_a, side_b = col_or_blank(t, "side_a"), col_or_blank(t, "side_b")
    one_sided = col_or_blank(t, "type_of_violence") == "3"
    both = (side_a + ";" + side_b).str.strip(";")
    out["perpetrators"] = side_a.where(one_sided, both)
    out["coalition_alleged"] = is_coalition(out["perpetrators"], coalition_pattern)
    civ = c.number(t.col("deaths_civilians"), "deaths_civilians", count=True, keep=True)
    low = c.number(t.col("low"), "low", count=True, keep=True)
    best = c.number(t.col("best"), "best", count=True, keep=True)
    high = c.number(t.col("high"), "high", count=True, keep=True)
    low, best, high = c.widened([low, best, high], ["low", "best", "high"], ["low", "best", "high"])
    out["civilians_killed_low"], out["civilians_killed_best"] = na_float(n), civ
    out["civilians_killed_high"] = na_float(n)
    out["injured_low"], out["injured_high"] = na_float(n), na_float(n)
    out["deaths_low"], out["deaths_best"], out["deaths_high"] = low, best, high
    out["event_clarity"] = col_or_blank(t, "event_clarity")
    c.reject(~out["event_clarity"].isin(["", "1", "2"]).to_numpy(), "event_clarity",
             "unknown code '{0}' (expected 1 or 2)", out["event_clarity"])
    out["grade"] = blank_str(n)
    out["belligerent_verdict"] = blank_str(n)
    out["strike_count"] = na_int(n)
    out["country"], warn = country_ids(res, t.col("country"), t, "country")
    out["governorate"], gwarn = resolve_governorates(
        res, [col_or_blank(t, "adm_1")], out["country"], file=t.file, lines=t.lines, field_names=["adm_1"]
    )
    extras = ("deaths_low", "deaths_best", "deaths_high", "event_clarity")
    return finish(t, out, c, unmapped=sorted(warn + gwarn), extras=extras, id_field="id",
                  plausibility=plausibility, gazetteer=res.gazetteer)
