"""The Dutch Ministry of Defence OIR strike log: semicolons, decimal commas, Dutch month names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit.incidents._places import GazetteerLike, resolve_governorates
from kit.incidents._plausible import Plausibility
from kit.incidents._read import Checks, finish, in_the_past, read_table
from kit.incidents._schema import LoadedIncidents
from kit.incidents.loaders._common import (
    blank_str,
    const_str,
    coordinates,
    country_ids,
    na_float,
    place_resolver,
)

_NL_MONTHS: dict[str, int] = {
    "jan": 1, "feb": 2, "mrt": 3, "maa": 3, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}
"""Dutch and English month abbreviations as the MoD log mixes them (`7-Oct-14`, `2-nov-14`, `mei`, `okt`, `mrt`)."""

_NL_DATE = re.compile(r"^\s*(\d{1,2})[-/ .]([A-Za-z]{3,4})\.?[-/ .](\d{2}|\d{4})\s*$")


def parse_dutch_dates(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """`D-Mon-YY` dates with Dutch or English month abbreviations in any case -> (Timestamps, bad mask).

    Two-digit years are resolved to the past (`in_the_past`: 14 -> 2014, 99 -> 1999;
    the log covers 2014-2018). Blank -> NaT (not bad);
    impossible dates such as 31-feb-15 are bad.
    """
    t = s.astype(str)
    parts = t.str.extract(_NL_DATE)
    month = parts[1].str.lower().map(_NL_MONTHS)
    year = parts[2].where(parts[2].str.len() != 2, "20" + parts[2])
    ok = parts[0].notna() & month.notna()
    iso = year + "-" + month.astype("Int64").astype(str).str.zfill(2) + "-" + parts[0].str.zfill(2)
    dates = pd.to_datetime(iso.where(ok), format="%Y-%m-%d", errors="coerce").astype("datetime64[us]")
    short = (parts[2].str.len() == 2).fillna(False).to_numpy(dtype=bool)
    if short.any():
        dates = dates.where(~short, in_the_past(dates))
    blank = (t.str.strip() == "").to_numpy()
    bad = ~blank & dates.isna().to_numpy()
    return dates, bad


_UNCLASS = re.compile(r"\s*\((?:UN\w*CLASS|UNCLAS\w*)\)\s*$", re.IGNORECASE)
_NL_REQUIRED = ("Employment date", "Position LAT", "Position LONG", "Town", "Province", "Country")


def _nl_header(cell: str) -> str:
    """Drop the classification suffix (`(UNCLASS)`, misspelt `(UNDCLASS)`) from a header cell."""
    return _UNCLASS.sub("", cell).strip()


def _mgrs_precision(mgrs: pd.Series) -> pd.Series:
    """Location precision implied by MGRS digits.

    5+5 or 4+4 -> exact, 3+3 -> street (100 m), 2+2 -> neighbourhood (1 km), 1+1 -> town.
    """
    digits = mgrs.str.replace(r"^\s*\d{1,2}[A-Za-z]{3}", "", regex=True).str.replace(r"\D", "", regex=True).str.len()
    table = {10: "exact", 8: "exact", 6: "street", 4: "neighbourhood", 2: "town"}
    return digits.map(table).fillna("unknown").astype(str)


def load_nl_mod(
    path: str | Path, gazetteer: GazetteerLike | None = None, *, plausibility: Plausibility | None = None
) -> LoadedIncidents:
    """Load the Dutch MoD OIR strike log (semicolons, decimal commas, Dutch/English month names).

    One row per munition/employment, collapsed into nothing (a matcher can
    aggregate): `strike_count` 1, no casualty figures (all NA), perpetrators
    `Netherlands` and `coalition_alleged` True (a declared strike by a coalition
    member). `source_id` is `<file stem>:<line>` since the log has no id.
    Blank countries stay empty and are reported, never inferred from coordinates;
    `Province` free text gives a governorate only when it names exactly one.
    """
    p = Path(path)
    t = read_table(p, delimiter=";", required=_NL_REQUIRED, optional=("Position MGRS", "Comment"), rename=_nl_header)
    n = len(t)
    c = Checks(n)
    res = place_resolver(gazetteer)
    out: dict[str, Any] = {"source": const_str(n, "nl-mod")}
    out["source_id"] = pd.Series([f"{p.stem}:{line}" for line in t.lines], dtype=str)
    out["url"] = blank_str(n)
    raw_date = t.col("Employment date")
    start, bad = parse_dutch_dates(raw_date)
    c.reject(bad, "Employment date", "'{0}' is not a date (expected D-Mon-YY, e.g. 7-Oct-14 or 2-mei-15)", raw_date)
    c.reject((raw_date == "").to_numpy(), "Employment date", "date is blank")
    out["date_start"], out["date_end"] = start, start
    out["date_precision"] = pd.Series(np.where(start.isna(), "unknown", "day"), dtype=str)
    out["lat"], out["lon"] = coordinates(c, t, "Position LAT", "Position LONG", decimal=",")
    has_mgrs = "Position MGRS" in t.data.columns
    prec = _mgrs_precision(t.col("Position MGRS")) if has_mgrs else pd.Series(["unknown"] * n, dtype=str)
    prec = prec.where(out["lat"].notna() | (prec == "unknown"), "unknown")
    out["location_precision"] = prec
    out["place_name"] = t.col("Town")
    out["perpetrators"] = pd.Series(["Netherlands"] * n, dtype=str)
    out["coalition_alleged"] = pd.Series(np.ones(n, dtype=bool))
    counts = ("civilians_killed_low", "civilians_killed_best", "civilians_killed_high", "injured_low", "injured_high")
    for col in counts:
        out[col] = na_float(n)
    out["grade"] = blank_str(n)
    out["belligerent_verdict"] = blank_str(n)
    out["strike_count"] = pd.Series(pd.array(np.ones(n, dtype=int), dtype="Int64"))
    out["notes"] = t.col("Comment") if "Comment" in t.data.columns else blank_str(n)
    out["country"], warn = country_ids(res, t.col("Country"), t, "Country")
    out["governorate"], gwarn = resolve_governorates(
        res, [t.col("Province")], out["country"], file=t.file, lines=t.lines, field_names=["Province"]
    )
    return finish(t, out, c, unmapped=sorted(warn + gwarn), extras=("notes",), id_field="Employment date",
                  plausibility=plausibility, gazetteer=res.gazetteer)
