"""`kit places add` and `kit places from-geojson`: grow an investigation's gazetteer.

Claims name places by gazetteer id, so a new conflict starts with its boundary
file and keeps adding the towns its sources mention. Both commands append to
`data/places.csv` only after the whole file checks clean, and print each
problem as `file:line: field: message`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kit.core import InputError, data_dir

if TYPE_CHECKING:
    import pandas as pd

_GAZETTEER_HELP = "The gazetteer to extend (default: data/places.csv of the investigation)."


def _gazetteer_path(path: Path | None) -> Path:
    if path is not None:
        return path
    try:
        return data_dir() / "places.csv"
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _append(target: Path, rows: pd.DataFrame) -> None:
    """Append rows, print what was added and skipped; exit 1 with every problem when the result is invalid."""
    from kit.ledger import add_places  # pandas: loaded only when a command runs

    try:
        skipped = add_places(target, rows)
    except InputError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{target}: nothing written", err=True)
        raise typer.Exit(1) from None
    added = len(rows) - len(skipped)
    typer.echo(f"{target}: added {added} place(s)" + (f", {len(skipped)} already present" if len(skipped) else ""))
    for place_id in skipped["place_id"]:
        typer.echo(f"  kept existing {place_id}")


def register(app: typer.Typer) -> None:
    """Add the `places` sub-app (`kit places add`, `kit places from-geojson`)."""
    sub = typer.Typer(help="The gazetteer (data/places.csv): add places one by one or from a boundary file.",
                      no_args_is_help=True)

    @sub.command("add")
    def add(
        place_id: Annotated[str, typer.Argument(help="New id: lowercase letters, digits and '-', e.g. ua-kharkiv.")],
        name: Annotated[str, typer.Option(help="Common English name.")],
        kind: Annotated[str, typer.Option(help="country | governorate | district | city | area")] = "city",
        parent: Annotated[str, typer.Option(help="Id of the place it lies in (empty only for a country).")] = "",
        variant: Annotated[list[str] | None, typer.Option(help="Another spelling (repeat the option).")] = None,
        lat: Annotated[float | None, typer.Option(help="Latitude of the centre.")] = None,
        lon: Annotated[float | None, typer.Option(help="Longitude of the centre.")] = None,
        pcode: Annotated[str, typer.Option(help="Official code (P-code), if any.")] = "",
        source_url: Annotated[str, typer.Option(help="Where the name and position come from (http/https).")] = "",
        gazetteer: Annotated[Path | None, typer.Option(help=_GAZETTEER_HELP)] = None,
    ) -> None:
        """Add one place; exit 1 (writing nothing) if the gazetteer would then have a problem."""
        import pandas as pd

        from kit.ledger import PLACE_COLUMNS

        row = {"place_id": place_id, "name": name, "kind": kind, "parent_id": parent,
               "variants": "|".join(variant or []), "lat": "" if lat is None else f"{lat:g}",
               "lon": "" if lon is None else f"{lon:g}", "pcode": pcode, "source_url": source_url}
        _append(_gazetteer_path(gazetteer), pd.DataFrame([row], columns=PLACE_COLUMNS, dtype="string"))

    @sub.command("from-geojson")
    def from_geojson(
        file: Annotated[Path, typer.Argument(help="A GeoJSON FeatureCollection of (multi)polygons.")],
        id_field: Annotated[str, typer.Option(help="Property holding each region's code (becomes its id).")],
        name_field: Annotated[str, typer.Option(help="Property holding each region's name.")],
        parent_field: Annotated[str | None, typer.Option(help="Property holding the parent's code.")] = None,
        parent_name_field: Annotated[str | None, typer.Option(help="Property holding the parent's name.")] = None,
        variant_field: Annotated[list[str] | None, typer.Option(help="Property with a spelling (repeat).")] = None,
        kind: Annotated[str, typer.Option(help="Kind of every region in the file.")] = "governorate",
        source_url: Annotated[str, typer.Option(help="Where the boundary file comes from (http/https).")] = "",
        gazetteer: Annotated[Path | None, typer.Option(help=_GAZETTEER_HELP)] = None,
    ) -> None:
        """Add every region of a boundary file: ids, names, spellings, parents and computed centroids."""
        from kit.ledger import places_from_geojson

        try:
            rows = places_from_geojson(file, id_field=id_field, name_field=name_field, parent_field=parent_field,
                                       parent_name_field=parent_name_field, variant_fields=variant_field or (),
                                       kind=kind, source_url=source_url)
        except InputError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            raise typer.Exit(1) from None
        _append(_gazetteer_path(gazetteer), rows)

    app.add_typer(sub, name="places")
