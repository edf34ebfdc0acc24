"""One loader per incident format, and `load_incidents` choosing among them."""

from kit.incidents.loaders._acled import load_acled
from kit.incidents.loaders._airwars import load_airwars
from kit.incidents.loaders._dispatch import FORMATS, load_incidents
from kit.incidents.loaders._mapped import load_mapped, read_mapping
from kit.incidents.loaders._nl_mod import load_nl_mod, parse_dutch_dates
from kit.incidents.loaders._ucdp import load_ucdp

__all__ = [
    "FORMATS",
    "load_acled",
    "load_airwars",
    "load_incidents",
    "load_mapped",
    "load_nl_mod",
    "load_ucdp",
    "parse_dutch_dates",
    "read_mapping",
]
