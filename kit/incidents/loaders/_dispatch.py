"""`load_incidents`: one entry point that picks the loader by format name or mapping file."""

from __future__ import annotations

from pathlib import Path

from kit.core import display_name
from kit.incidents._places import GazetteerLike
from kit.incidents._plausible import Plausibility
from kit.incidents._schema import IncidentFileError, LoadedIncidents
from kit.incidents.loaders._acled import load_acled
from kit.incidents.loaders._airwars import load_airwars
from kit.incidents.loaders._mapped import load_mapped
from kit.incidents.loaders._nl_mod import load_nl_mod
from kit.incidents.loaders._ucdp import load_ucdp

FORMATS: tuple[str, ...] = ("airwars", "ucdp", "acled", "nl-mod")


def load_incidents(
    path: str | Path, format: str, gazetteer: GazetteerLike | None = None, *, plausibility: Plausibility | None = None
) -> LoadedIncidents:
    """Load `path` as `format` (`airwars`, `ucdp`, `acled`, `nl-mod`, or the path of a mapping YAML).

    `plausibility` sets the date window and count ceiling (default `DEFAULT_PLAUSIBILITY`).
    """
    loaders = {"airwars": load_airwars, "ucdp": load_ucdp, "acled": load_acled, "nl-mod": load_nl_mod}
    if format in loaders:
        return loaders[format](path, gazetteer, plausibility=plausibility)
    if format.endswith((".yaml", ".yml")):
        return load_mapped(path, format, gazetteer, plausibility=plausibility)
    raise IncidentFileError(
        display_name(Path(path)), 0, "format",
        f"unknown format {format!r} (expected {', '.join(FORMATS)} or a mapping .yaml file)",
    )
