"""Any delimited incident file through a column-mapping YAML (`read_mapping` documents the keys)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit.core import Problem, display_name
from kit.incidents._places import GazetteerLike, PlaceResolver, resolve_governorates
from kit.incidents._plausible import Plausibility
from kit.incidents._read import (
    Checks,
    Table,
    finish,
    read_table,
)
from kit.incidents._schema import (
    DATE_PRECISIONS,
    EXTRA_COLUMNS,
    INCIDENT_COLUMNS,
    LOCATION_PRECISIONS,
    IncidentFileError,
    LoadedIncidents,
    http_or_empty,
)
from kit.incidents.loaders._common import (
    COALITION_PATTERN,
    const_str,
    coordinate_pair,
    country_ids,
    is_coalition,
    join_actors,
    na_float,
    na_int,
    place_resolver,
    window,
)

_MAPPABLE = (
    *(c for c in INCIDENT_COLUMNS if c not in ("source", "source_file", "source_line")),
    *(c for c in EXTRA_COLUMNS if c != "quality_flags"),  # flags are the kit's findings, never a file column
)
_MAPPING_KEYS = {
    "source", "delimiter", "decimal", "thousands", "encoding", "date_format", "columns", "values",
    "defaults", "coalition_pattern", "actor_separator", "description",
}
_NUMERIC = {"civilians_killed_low", "civilians_killed_best", "civilians_killed_high", "injured_low", "injured_high",
            "deaths_low", "deaths_best", "deaths_high", "strike_count", "named_victims",
            *(f"{who}_killed_{end}" for who in ("children", "women", "men") for end in ("low", "high"))}


def _mapping_error(file: str, field: str, message: str) -> IncidentFileError:
    return IncidentFileError(file, 0, field, message)


def read_mapping(path: str | Path) -> dict[str, Any]:
    """Read and check a column-mapping YAML; every mistake names the key and what is expected.

    Example::

        source: example-monitor          # slug written to the `source` column
        delimiter: ","                   # optional (default ,)
        decimal: "."                     # optional (default .)
        thousands: ""                    # optional thousands separator to strip
        encoding: utf-8                  # optional
        date_format: ["%d/%m/%Y"]        # strptime format(s) for date columns
        columns:                         # file column -> schema field
          Incident ID: source_id
          Date: date_start
          Killed (min): civilians_killed_low
        values:                          # per schema field: file value -> our value
          location_precision: {exact: exact, approximate: town}
        defaults:                        # constants for fields no column gives
          date_precision: day
          country: sy
    """
    import yaml

    p = Path(path)
    name = display_name(p)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise IncidentFileError(name, 0, "(file)", f"cannot read mapping: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise IncidentFileError(name, 0, "(file)", "mapping is not valid UTF-8 text") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise IncidentFileError(name, line, "(yaml)", f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    return check_mapping(doc, name)


def check_mapping(doc: object, name: str = "(mapping)") -> dict[str, Any]:
    """Validate a mapping given as a dict (the parsed YAML) and return it normalised for `load_mapped`."""
    if not isinstance(doc, dict):
        raise _mapping_error(name, "(mapping)", "expected a YAML mapping with keys source, columns, ...")
    unknown = sorted(set(doc) - _MAPPING_KEYS)
    if unknown:
        allowed = ", ".join(sorted(_MAPPING_KEYS))
        raise _mapping_error(name, ", ".join(map(str, unknown)), f"unknown key (allowed: {allowed})")
    source = doc.get("source")
    if not isinstance(source, str) or not re.match(r"^[a-z0-9][a-z0-9._-]*$", source):
        raise _mapping_error(name, "source", f"source must be a lowercase slug like 'my-monitor', got {source!r}")
    columns = doc.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise _mapping_error(name, "columns", "columns must map file column names to schema fields")
    bad = sorted(f"{k} -> {v}" for k, v in columns.items() if v not in _MAPPABLE)
    if bad:
        raise _mapping_error(name, "columns", f"not a schema field: {', '.join(bad)} (allowed: {', '.join(_MAPPABLE)})")
    targets = list(columns.values())
    twice = sorted({v for v in targets if targets.count(v) > 1})
    if twice:
        raise _mapping_error(name, "columns", f"schema field mapped from more than one column: {', '.join(twice)}")
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, dict) or any(k not in _MAPPABLE for k in defaults):
        raise _mapping_error(name, "defaults", "defaults must map schema fields to constant values")
    if "source_id" not in targets:
        raise _mapping_error(name, "columns", "no column is mapped to source_id")
    if "date_start" not in targets:
        raise _mapping_error(name, "columns", "no column is mapped to date_start")
    values = doc.get("values") or {}
    if not isinstance(values, dict) or any(k not in _MAPPABLE or not isinstance(v, dict) for k, v in values.items()):
        raise _mapping_error(name, "values", "values must map schema fields to {file value: our value} tables")
    fmts = doc.get("date_format", ["%Y-%m-%d"])
    fmts = [fmts] if isinstance(fmts, str) else fmts
    if not isinstance(fmts, list) or not fmts or not all(isinstance(f, str) and "%" in f for f in fmts):
        raise _mapping_error(
            name, "date_format", "date_format must be a strptime format or a list of them, e.g. '%d/%m/%Y'"
        )
    _check_date_formats(fmts, name)
    delimiter, decimal = (_one_char(doc, key, default, name) for key, default in (("delimiter", ","), ("decimal", ".")))
    return {
        "source": source,
        "delimiter": delimiter,
        "decimal": decimal,
        "thousands": _thousands(doc, name, delimiter, decimal),
        "encoding": _text_option(doc, "encoding", "utf-8", name),
        "date_format": fmts,
        "columns": {str(k): str(v) for k, v in columns.items()},
        "values": {k: {str(a).strip().lower(): b for a, b in v.items()} for k, v in values.items()},
        "defaults": defaults,
        "coalition_pattern": _pattern(doc, name),
        "actor_separator": _text_option(doc, "actor_separator", ";", name),
        "file": name,
    }


def _text_option(doc: Mapping[str, Any], key: str, default: str, name: str) -> str:
    """A non-empty string option (encoding, actor_separator)."""
    v = doc.get(key, default)
    if not isinstance(v, str) or not v:
        raise _mapping_error(name, key, f"{key} must be a non-empty text value, got {v!r}")
    return v


def _one_char(doc: Mapping[str, Any], key: str, default: str, name: str) -> str:
    """delimiter or decimal: one character (escapes such as "\\t" allowed), never a quote or a line break."""
    v = doc.get(key, default)
    try:
        ch = v.encode("utf-8").decode("unicode_escape") if isinstance(v, str) and "\\" in v else v
    except UnicodeDecodeError:
        ch = None
    if not isinstance(ch, str) or len(ch) != 1 or ch in "\"\r\n":
        raise _mapping_error(name, key, f"{key} must be one character other than a quote or a line break, got {v!r}")
    return ch


def _thousands(doc: Mapping[str, Any], name: str, delimiter: str, decimal: str) -> str | None:
    """The thousands separator to strip: one character, not the decimal mark (blank: none)."""
    v = doc.get("thousands")
    if v is None or v == "":
        return None
    if not isinstance(v, str) or len(v) != 1 or v == decimal:
        raise _mapping_error(
            name, "thousands", f"thousands must be one character in quotes, not the decimal mark {decimal!r}; got {v!r}"
        )
    return v


def _pattern(doc: Mapping[str, Any], name: str) -> str:
    """coalition_pattern: a regular expression (checked here, not when the first row is read)."""
    v = doc.get("coalition_pattern", COALITION_PATTERN)
    if not isinstance(v, str) or not v:
        raise _mapping_error(name, "coalition_pattern", f"coalition_pattern must be a regular expression, got {v!r}")
    try:
        re.compile(v)
    except re.error as exc:
        raise _mapping_error(name, "coalition_pattern", f"not a valid regular expression: {exc}") from None
    return v


def _check_date_formats(fmts: list[str], name: str) -> None:
    """Each strptime format must parse a date it formats (an unknown %-directive fails here, once)."""
    from datetime import datetime

    sample = datetime(2017, 6, 14, 9, 30, 5)
    for f in fmts:
        try:
            datetime.strptime(sample.strftime(f), f)
        except (ValueError, TypeError) as exc:
            raise _mapping_error(name, "date_format", f"{f!r} is not a usable strptime format: {exc}") from None


def load_mapped(
    path: str | Path,
    mapping: str | Path | Mapping[str, Any],
    gazetteer: GazetteerLike | None = None,
    *,
    plausibility: Plausibility | None = None,
) -> LoadedIncidents:
    """Load any delimited file through a column-mapping YAML (see `read_mapping` for the format).

    Mapped vocab fields (date_precision, location_precision, country, coalition_alleged)
    go through `values:` first; a value that is still not in our vocabulary rejects
    the row. `governorate` and `country` may hold names: they are resolved through
    the gazetteer like the other loaders (unmapped names are reported).
    """
    m = check_mapping(dict(mapping)) if isinstance(mapping, Mapping) else read_mapping(mapping)
    t = read_table(path, delimiter=m["delimiter"], encoding=m["encoding"], required=list(m["columns"]), optional=())
    n = len(t)
    c = Checks(n)
    res = place_resolver(gazetteer)
    _check_default_places(m, res)
    f = _Fields(t, m)
    # The checks run in this order: a row's first problem is the one reported.
    out: dict[str, Any] = {"source": const_str(n, m["source"])}
    out["source_id"] = f.get("source_id")
    url = f.get("url")
    c.reject(~http_or_empty(url), f.label("url"), "'{0}' is not an http(s) URL", url)
    out["url"] = url
    _dates(f, c, out)
    _location(f, c, out)
    out["place_name"] = f.get("place_name")
    actors = f.get("perpetrators")
    out["perpetrators"] = join_actors(actors, m["actor_separator"]) if m["actor_separator"] != ";" else actors
    out["coalition_alleged"] = _coalition_alleged(f, c, out["perpetrators"])
    extras = _counts(f, c, out)
    for fld in ("grade", "belligerent_verdict"):
        out[fld] = f.get(fld)
    for fld in ("source_code", "strike_status", "event_clarity", "notes", "cause_of_death"):
        if f.given(fld):
            out[fld] = f.get(fld)
            extras.append(fld)
    warn = _places(f, res, out)
    return finish(t, out, c, unmapped=sorted(warn), extras=tuple(extras), id_field=f.label("source_id"),
                  plausibility=plausibility, gazetteer=res.gazetteer)


def _check_default_places(m: Mapping[str, Any], res: PlaceResolver) -> None:
    """A default country or governorate must be one the gazetteer knows: it would stamp every row."""
    defaults = m["defaults"]
    country = str(defaults.get("country", "")).strip()
    if country and not _is_country_id(res, country) and res.country(country) is None:
        raise _mapping_error(m["file"], "defaults.country", f"'{country}' is not a country in the gazetteer")
    gov = str(defaults.get("governorate", "")).strip()
    if not gov:
        return
    cid = country.lower() if _is_country_id(res, country) else (res.country(country) if country else None)
    if _is_governorate_id(res, gov):
        known, why = True, ""
    else:
        found, why = res.governorate(gov, cid)
        known = bool(found)
    if not known:
        raise _mapping_error(m["file"], "defaults.governorate", why)


def _is_country_id(res: PlaceResolver, value: str) -> bool:
    """`value` is the id of a country in the investigation's gazetteer (any conflict's, not a fixed list)."""
    v = value.strip().lower()
    return bool(v) and _known_id(res, v) and res.gazetteer.get(v).get("kind") == "country"


def _is_governorate_id(res: PlaceResolver, value: str) -> bool:
    """`value` is the id of a governorate in the gazetteer, whatever form the investigation's ids take."""
    return _known_id(res, value) and res.gazetteer.get(value).get("kind") == "governorate"


def _known_id(res: PlaceResolver, place_id: str) -> bool:
    try:
        return bool(res.gazetteer.get(place_id))
    except (KeyError, LookupError):
        return False


class _Fields:
    """The file's columns by schema field: file values mapped under `values:`, blanks filled from `defaults:`."""

    def __init__(self, table: Table, mapping: dict[str, Any]) -> None:
        self.table, self.n = table, len(table)
        self.by_field = {v: k for k, v in mapping["columns"].items()}
        self.defaults: dict[str, Any] = mapping["defaults"]
        self.vmaps: dict[str, dict[str, Any]] = mapping["values"]
        self.decimal, self.thousands = mapping["decimal"], mapping["thousands"]
        self.date_format: list[str] = mapping["date_format"]
        self.coalition_pattern: str = mapping["coalition_pattern"]

    def mapped(self, fld: str) -> bool:
        """A file column gives this field."""
        return fld in self.by_field

    def given(self, fld: str) -> bool:
        """A file column or a default gives this field."""
        return fld in self.by_field or fld in self.defaults

    def get(self, fld: str, default: Any = "") -> pd.Series:
        if fld in self.by_field:
            s = self.table.col(self.by_field[fld])
            if fld in self.vmaps:
                mapped = s.str.lower().map(self.vmaps[fld])
                s = mapped.where(mapped.notna(), s).astype(str)
            if fld in self.defaults:
                s = s.where(s != "", str(self.defaults[fld]))
            return s
        return pd.Series([str(self.defaults.get(fld, default))] * self.n, dtype=str)

    def label(self, fld: str) -> str:
        """The file's column name for a field (what a rejection names), else the field itself."""
        return self.by_field.get(fld, fld)


def _dates(f: _Fields, c: Checks, out: dict[str, Any]) -> None:
    """date_start, date_end and date_precision (a window longer than a day is a range unless mapped)."""
    fmts = f.date_format
    expect = " or ".join(fmts)
    start = c.dates(f.get("date_start"), f.label("date_start"), fmts, expect)
    c.reject(start.isna().to_numpy(), f.label("date_start"), "date is blank")
    end = c.dates(f.get("date_end"), f.label("date_end"), fmts, expect) if f.mapped("date_end") else start
    start, end, _ = window(c, start, end, f.label("date_end"), f.get("date_end"), f.get("date_start"),
                           start_name="start date", end_name="end date")
    out["date_start"], out["date_end"] = start, end
    dp = f.get("date_precision", "").str.lower()
    dp = dp.where(dp != "", pd.Series(np.where((end > start).fillna(False), "range", "day"), dtype=str))
    c.reject(~dp.isin(DATE_PRECISIONS).to_numpy(), f.label("date_precision"),
             "'{0}' is not a date precision (" + ", ".join(DATE_PRECISIONS) + "); map it under values:", dp)
    out["date_precision"] = dp.where(dp.isin(DATE_PRECISIONS), "unknown")


def _location(f: _Fields, c: Checks, out: dict[str, Any]) -> None:
    """location_precision (blank -> unknown), then lat/lon (both or neither)."""
    lp = f.get("location_precision", "unknown").str.lower()
    lp = lp.where(lp != "", "unknown")
    c.reject(~lp.isin(LOCATION_PRECISIONS).to_numpy(), f.label("location_precision"),
             "'{0}' is not a location precision (" + ", ".join(LOCATION_PRECISIONS) + "); map it under values:", lp)
    out["location_precision"] = lp.where(lp.isin(LOCATION_PRECISIONS), "unknown")
    if f.mapped("lat") or f.mapped("lon"):
        out["lat"], out["lon"] = coordinate_pair(
            c, f.get("lat"), f.get("lon"), f.label("lat"), f.label("lon"), f.decimal, f.thousands
        )
    else:
        out["lat"] = out["lon"] = pd.Series(np.full(f.n, np.nan))


def _coalition_alleged(f: _Fields, c: Checks, perpetrators: pd.Series) -> pd.Series:
    """The file's own true/false when mapped, else read from the perpetrator names."""
    if f.given("coalition_alleged"):
        ca = f.get("coalition_alleged").str.lower()
        truthy, falsy = {"true", "1", "yes", "y"}, {"false", "0", "no", "n", ""}
        c.reject(~ca.isin(truthy | falsy).to_numpy(), f.label("coalition_alleged"),
                 "'{0}' is not true/false; map it under values:", ca)
        return ca.isin(truthy)
    return is_coalition(perpetrators, f.coalition_pattern)


def _counts(f: _Fields, c: Checks, out: dict[str, Any]) -> list[str]:
    """The casualty and strike counts (NA when not given) and their low <= best <= high checks; returns the extras."""
    extras: list[str] = []
    for fld in sorted(_NUMERIC):
        if f.given(fld):
            vals = c.number(f.get(fld), f.label(fld), decimal=f.decimal, thousands=f.thousands, count=True, keep=True)
            out[fld] = vals.astype("Int64") if fld == "strike_count" else vals
            if fld not in INCIDENT_COLUMNS:
                extras.append(fld)
        elif fld in INCIDENT_COLUMNS:
            out[fld] = na_int(f.n) if fld == "strike_count" else na_float(f.n)
    killed = ["civilians_killed_low", "civilians_killed_best", "civilians_killed_high"]
    labels = [f.label(k) for k in killed]
    for k, v in zip(killed, c.widened([out[k] for k in killed], ["low", "best", "high"], labels), strict=True):
        out[k] = v
    out["injured_low"], out["injured_high"] = c.widened(
        [out["injured_low"], out["injured_high"]], ["injured low", "injured high"],
        [f.label("injured_low"), f.label("injured_high")],
    )
    return extras


def _places(f: _Fields, res: PlaceResolver, out: dict[str, Any]) -> list[Problem]:
    """country and governorate: ids kept as given, names resolved through the gazetteer (unmapped ones reported)."""
    country_raw = f.get("country")
    lowered = country_raw.str.lower()
    known = lowered.isin({v for v in lowered.dropna().unique() if _is_country_id(res, str(v))})
    names, warn = country_ids(res, country_raw.where(~known, ""), f.table, f.label("country"))
    known_lines = set(f.table.lines[known.to_numpy()].tolist())  # given as ids: nothing to report
    warn = [w for w in warn if w.line not in known_lines]
    country = country_raw.str.lower().where(known, names)
    if not f.given("country"):
        warn = []
    out["country"] = country
    gov_raw = f.get("governorate")
    is_id = gov_raw.isin({v for v in gov_raw.dropna().unique() if _is_governorate_id(res, str(v))})
    gov, gwarn = resolve_governorates(res, [gov_raw.where(~is_id, "")], country, file=f.table.file, lines=f.table.lines,
                                      field_names=[f.label("governorate")])
    out["governorate"] = gov_raw.where(is_id, gov)
    return warn + gwarn
