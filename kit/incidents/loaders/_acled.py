"""ACLED event exports: one conservative fatality count, civilian only when the event targets civilians."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

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
    join_actors,
    na_float,
    na_int,
    place_resolver,
)

ACLED_GEO_PREC: dict[str, str] = {"1": "town", "2": "district", "3": "governorate"}
"""ACLED geo_precision -> location_precision: 1 the named town; 2 near it / a part of a region; 3 a larger region."""

ACLED_TIME_PREC: dict[str, str] = {"1": "day", "2": "week", "3": "month"}
"""ACLED time_precision -> date_precision; week = event_date +/- 3 days, month = its calendar month."""

_ACLED_REQUIRED = (
    "event_id_cnty", "event_date", "time_precision", "actor1", "country", "admin1", "location",
    "latitude", "longitude", "geo_precision", "fatalities",
)
_ACLED_OPTIONAL = ("assoc_actor_1", "actor2", "civilian_targeting", "notes")
_ACLED_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%m-%Y")
"""API exports use ISO dates; older website exports '14 June 2017'; the codebook documents dd-mm-yyyy."""


def load_acled(
    path: str | Path,
    gazetteer: GazetteerLike | None = None,
    *,
    coalition_pattern: str = COALITION_PATTERN,
    plausibility: Plausibility | None = None,
) -> LoadedIncidents:
    """Load an ACLED CSV export (an HDX HXL tag row under the header is skipped).

    ACLED gives one conservative `fatalities` count for all deaths: it always goes to
    `deaths_best`, and to `civilians_killed_best` only when the event targets
    civilians (`civilian_targeting` says so, or actor2 is "Civilians ..."); otherwise
    the civilian columns stay NA. ACLED records no injuries (NA). Perpetrators are
    actor1 plus `assoc_actor_1` (split on ';').
    """
    t = read_table(path, required=_ACLED_REQUIRED, optional=_ACLED_OPTIONAL)
    n = len(t)
    c = Checks(n)
    res = place_resolver(gazetteer)
    out: dict[str, Any] = {"source": const_str(n, "acled")}
    out["source_id"] = t.col("event_id_cnty")
    out["url"] = blank_str(n)
    day = c.dates(t.col("event_date"), "event_date", _ACLED_DATE_FORMATS, "YYYY-MM-DD, DD-MM-YYYY or '14 June 2017'")
    c.reject(day.isna().to_numpy(), "event_date", "event_date is blank")
    prec = c.vocabulary(t.col("time_precision"), "time_precision", ACLED_TIME_PREC)
    week = prec == "week"
    month = prec == "month"
    start = day.where(~week, day - pd.Timedelta(days=3))
    start = start.where(~month, day.dt.to_period("M").dt.start_time.astype("datetime64[us]"))
    end = day.where(~week, day + pd.Timedelta(days=3))
    end = end.where(~month, day.dt.to_period("M").dt.end_time.dt.normalize().astype("datetime64[us]"))
    out["date_start"], out["date_end"], out["date_precision"] = start, end, prec
    out["location_precision"] = c.vocabulary(t.col("geo_precision"), "geo_precision", ACLED_GEO_PREC)
    out["lat"], out["lon"] = coordinates(c, t, "latitude", "longitude")
    out["place_name"] = t.col("location")
    actors = t.col("actor1")
    assoc = col_or_blank(t, "assoc_actor_1")
    out["perpetrators"] = (actors + ";" + join_actors(assoc, ";")).str.strip(";")
    out["coalition_alleged"] = is_coalition(out["perpetrators"], coalition_pattern)
    deaths = c.number(t.col("fatalities"), "fatalities", count=True, keep=True)
    targeting = col_or_blank(t, "civilian_targeting").str.lower().str.contains("civilian", regex=False)
    civilians = targeting | col_or_blank(t, "actor2").str.lower().str.startswith("civilians")
    out["civilians_killed_best"] = deaths.where(civilians.to_numpy(), pd.NA)
    out["civilians_killed_low"], out["civilians_killed_high"] = na_float(n), na_float(n)
    out["injured_low"], out["injured_high"] = na_float(n), na_float(n)
    out["deaths_best"] = deaths
    out["notes"] = col_or_blank(t, "notes")
    out["grade"] = blank_str(n)
    out["belligerent_verdict"] = blank_str(n)
    out["strike_count"] = na_int(n)
    out["country"], warn = country_ids(res, t.col("country"), t, "country")
    out["governorate"], gwarn = resolve_governorates(
        res, [t.col("admin1")], out["country"], file=t.file, lines=t.lines, field_names=["admin1"]
    )
    return finish(t, out, c, unmapped=sorted(warn + gwarn), extras=("deaths_best", "notes"), id_field="event_id_cnty",
                  plausibility=plausibility, gazetteer=res.gazetteer)
