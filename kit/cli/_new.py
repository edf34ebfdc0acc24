"""`kit new DIR --title ...`: scaffold an investigation folder for any conflict.

An investigation has the same shape as the founding case: `data/` (claims,
places, operations), `notebooks/` with `reports.yaml`, and the marker file
`investigation.toml` that the kit finds by walking up from the working
directory. The notebooks come from the package (`kit/cli/scaffold/`), name no
claimant, place or file, and read every such choice from the marker file.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kit.core import InputError

if TYPE_CHECKING:
    import pandas as pd

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
"""The package's notebooks and report set copied into every new investigation."""

_OPERATIONS_HEADER = "operation_id,name,start,end,source_url,note\n"


def _toml_text(value: str) -> str:
    """A TOML basic string: the marker is written by hand-readable template, so quote here."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'


def marker_text(title: str, place: str) -> str:
    """The new investigation's `investigation.toml`: title, empty defaults with one comment each, files."""
    return f"""# Marks this folder as a casualty-kit investigation. The notebooks name no claimant, place or file:
# an empty notebook parameter takes its value from [defaults] below, and the files notebooks read
# are listed under [files] (paths relative to this folder).
title = {_toml_text(title)}

[defaults]
place = {_toml_text(place)}   # scope of the over-time comparisons: gazetteer ids separated by ';'
since = ""                    # cumulative figures counted from this date, YYYY[-MM[-DD]]
claimant_a = ""               # the two sides compared over time, as written in the ledger's claimant column
claimant_b = ""
anchor_claim = ""             # claim_id every other figure is set against
format_a = ""                 # incident file formats: airwars | ucdp | acled | nl-mod | path/to/mapping.yaml
format_b = ""
days = 1                      # incident matching: days allowed beyond each record's own date precision
km = 10.0                     # incident matching: base distance limit in km
min_score = 0.5               # incident matching: pairs scoring below this are listed for review, not matched

[files]
incidents_a = ""              # incident lists to match (notebook 03)
incidents_b = ""
histories = ""                # capture histories for estimation (notebook 04)
"""


def readme_text(title: str, places_note: str) -> str:
    """The new investigation's README: what is where, an example ledger row, and the next three commands."""
    from kit.ledger import CLAIM_COLUMNS

    example = (
        "example-2024-03-01,Ministry of Health,government,,primary,2024-03-01,https://example.org/report,"
        "120,,120,at_least,persons,killed,civilians,all,PLACE-ID,2024-01-01,2024-02-29,"
        "official_statement,,,\"our own words: what is counted, caveats\""
    )
    return f"""# {title}

A casualty-kit investigation: every figure a cited, scoped claim; only comparable scopes compared,
always as ranges; the result shared as offline HTML reports.

| path | what |
|---|---|
| `investigation.toml` | title, who to compare, the anchor claim, scope, dates, thresholds and files |
| `data/claims/*.csv` | the claims ledger, one row per figure stated by one claimant |
| `data/places.csv` | the gazetteer: place ids, names, spellings, parents, centroids. {places_note} |
| `data/operations.csv` | named operations ("since the operation began") with their dates and sources |
| `notebooks/` | the four notebooks and `reports.yaml`, the report set |

The ledger starts with its header only. A row looks like this (every figure needs its URL;
the column rules are in the kit's docs/ARCHITECTURE.md):

```csv
{",".join(CLAIM_COLUMNS)}
{example}
```

## Next three commands

```sh
kit places add my-town --name "My Town" --parent PARENT-ID --source-url https://...   # places your claims name
kit validate data/claims data/places.csv                                            # after adding claims
kit render --set notebooks/reports.yaml --out reports                               # reports/index.html
```

Then set `claimant_a`, `claimant_b` and `anchor_claim` in `investigation.toml`, and open the notebooks
live with `jupyter lab notebooks/`.
"""


def scaffold(folder: Path, title: str, rows: pd.DataFrame | None = None) -> list[Path]:
    """Write a new investigation into `folder` (which must be empty or absent); return the files written."""
    from kit.ledger import CLAIM_COLUMNS, PLACE_COLUMNS, add_places

    countries = [] if rows is None else list(rows.loc[rows["parent_id"].eq(""), "place_id"])
    (folder / "data" / "claims").mkdir(parents=True)  # parents: DIR itself may not exist yet
    (folder / "notebooks").mkdir()
    (folder / "investigation.toml").write_text(marker_text(title, ";".join(countries)), encoding="utf-8")
    (folder / "data" / "claims" / "claims.csv").write_text(",".join(CLAIM_COLUMNS) + "\n", encoding="utf-8")
    (folder / "data" / "operations.csv").write_text(_OPERATIONS_HEADER, encoding="utf-8")
    places = folder / "data" / "places.csv"
    if rows is None:
        places.write_text(",".join(PLACE_COLUMNS) + "\n", encoding="utf-8")
        note = "Empty: fill it with `kit places from-geojson` or `kit places add`."
    else:
        add_places(places, rows)
        note = f"Built from a boundary file: {len(rows)} places."
    for source in sorted(SCAFFOLD.glob("notebooks/*.ipynb")) + [SCAFFOLD / "reports.yaml"]:
        shutil.copyfile(source, folder / "notebooks" / source.name)
    (folder / "README.md").write_text(readme_text(title, note), encoding="utf-8")
    (folder / ".gitignore").write_text("reports/\n.ipynb_checkpoints/\n", encoding="utf-8")
    return sorted(p for p in folder.rglob("*") if p.is_file())


def register(app: typer.Typer) -> None:
    @app.command("new")
    def new(
        folder: Annotated[Path, typer.Argument(help="Folder to create (must be empty or absent).")],
        title: Annotated[str, typer.Option(help="The investigation's title, shown in its reports.")],
        places: Annotated[Path | None, typer.Option(help="Boundary GeoJSON to build the gazetteer from.")] = None,
        id_field: Annotated[str, typer.Option(help="Property holding each region's code.")] = "",
        name_field: Annotated[str, typer.Option(help="Property holding each region's name.")] = "",
        parent_field: Annotated[str | None, typer.Option(help="Property holding the parent's code.")] = None,
        parent_name_field: Annotated[str | None, typer.Option(help="Property holding the parent's name.")] = None,
        variant_field: Annotated[list[str] | None, typer.Option(help="Property with a spelling (repeat).")] = None,
        source_url: Annotated[str, typer.Option(help="Where the boundary file comes from (http/https).")] = "",
    ) -> None:
        """Create an investigation: empty ledger, gazetteer, operations, four notebooks, report set, README."""
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            typer.echo(f"{folder}: already exists and is not an empty folder", err=True)
            raise typer.Exit(2)
        rows = None
        if places is not None:
            if not id_field or not name_field:
                typer.echo("--places needs --id-field and --name-field", err=True)
                raise typer.Exit(2)
            from kit.ledger import places_from_geojson

            try:
                rows = places_from_geojson(places, id_field=id_field, name_field=name_field, parent_field=parent_field,
                                           parent_name_field=parent_name_field, variant_fields=variant_field or (),
                                           source_url=source_url)
            except InputError as exc:
                for problem in exc.problems:
                    typer.echo(str(problem), err=True)
                raise typer.Exit(1) from None
        try:
            written = scaffold(folder, title, rows)
        except InputError as exc:  # the boundary file's places do not make a valid gazetteer
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            shutil.rmtree(folder, ignore_errors=True)
            raise typer.Exit(1) from None
        typer.echo(f"{folder}: new investigation, {len(written)} files")
        typer.echo(f"next: cd {folder} && kit validate data/claims data/places.csv && "
                   "kit render --set notebooks/reports.yaml --out reports")
