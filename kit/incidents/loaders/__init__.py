"""One loader per incident format, and `load_incidents` choosing among them."""

from kit.incidents.loaders._acled import ACLED_GEO_PREC, ACLED_TIME_PREC, load_acled
from kit.incidents.loaders._airwars import AIRWARS_PRECISION, load_airwars
from kit.incidents.loaders._common import COALITION_PATTERN
from kit.incidents.loaders._dispatch import FORMATS, load_incidents
from kit.incidents.loaders._mapped import load_mapped, read_mapping
from kit.incidents.loaders._nl_mod import load_nl_mod, parse_dutch_dates
from kit.incidents.loaders._ucdp import UCDP_DATE_PREC, UCDP_WHERE_PREC, load_ucdp

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
