"""Incident records from monitors, event datasets and strike logs, in one schema.

Headline totals hide where sources part ways; the questions are incident-level
(which alleged incidents coincide with a declared strike, in which months and
governorates the gap opens). This module turns each source's export into one
frame (`INCIDENT_COLUMNS`, contract `IncidentSchema`) with every row's file and
line, and returns rejected rows with reasons instead of dropping them.

Conventions (see also each loader's docstring):
- counts are nullable: NA means the source gave no value, never 0;
- `date_start`/`date_end` bound the window the source allows; NaT only with
  `date_precision == "unknown"`;
- governorates are gazetteer ids; a name the gazetteer does not know (or that
  names several governorates) leaves the field empty and is listed on
  `LoadedIncidents.unmapped` as a warning (the row is kept, not rejected);
- `rows_in == len(frame) + len(rejected)` for every load;
- some loaders append documented extra columns after the schema
  (`EXTRA_COLUMNS`: e.g. all-deaths `deaths_low/best/high` for UCDP and ACLED,
  Airwars' `source_code` and `strike_status`).

Formats: `airwars`, `ucdp` (GED CSV, HDX's HXL tag row skipped), `acled`,
`nl-mod` (Dutch MoD strike log), or any CSV through a column-mapping YAML
(`read_mapping` documents the keys). `kit incidents validate FILE --format F`
prints the same accounting on the command line.
"""

from __future__ import annotations

from kit.incidents._plausible import COUNTRY_BOUNDS, DEFAULT_PLAUSIBILITY, Plausibility
from kit.incidents._read import parse_numbers
from kit.incidents._schema import (
    DATE_PRECISIONS,
    EXTRA_COLUMNS,
    INCIDENT_COLUMNS,
    LOCATION_PRECISIONS,
    REJECTED_COLUMNS,
    IncidentFileError,
    IncidentSchema,
    LoadedIncidents,
    empty_incidents,
    validate_incidents,
)
from kit.incidents.loaders import (
    FORMATS,
    load_acled,
    load_airwars,
    load_incidents,
    load_mapped,
    load_nl_mod,
    load_ucdp,
    parse_dutch_dates,
    read_mapping,
)

__all__ = [
    "COUNTRY_BOUNDS",
    "DEFAULT_PLAUSIBILITY",
    "FORMATS",
    "Plausibility",
    "DATE_PRECISIONS",
    "EXTRA_COLUMNS",
    "INCIDENT_COLUMNS",
    "LOCATION_PRECISIONS",
    "REJECTED_COLUMNS",
    "IncidentFileError",
    "IncidentSchema",
    "LoadedIncidents",
    "empty_incidents",
    "load_acled",
    "load_airwars",
    "load_incidents",
    "load_mapped",
    "load_nl_mod",
    "load_ucdp",
    "parse_dutch_dates",
    "parse_numbers",
    "read_mapping",
    "validate_incidents",
]
