"""One loader per incident format, and `load_incidents` choosing among them."""

from kit.incidents.loaders._mapped import (
    ACLED_GEO_PREC,
    ACLED_TIME_PREC,
    AIRWARS_PRECISION,
    COALITION_PATTERN,
    FORMATS,
    UCDP_DATE_PREC,
    UCDP_WHERE_PREC,
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
    "ACLED_GEO_PREC",
    "ACLED_TIME_PREC",
    "AIRWARS_PRECISION",
    "COALITION_PATTERN",
    "FORMATS",
    "UCDP_DATE_PREC",
    "UCDP_WHERE_PREC",
    "load_acled",
    "load_airwars",
    "load_incidents",
    "load_mapped",
    "load_nl_mod",
    "load_ucdp",
    "parse_dutch_dates",
    "read_mapping",
]
