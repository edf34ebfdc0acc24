"""`kit incidents validate FILE --format ...`: load an incident file, print what was rejected and why.

A user checking a new export needs counts and every rejected row as
`file:line: field: message` (an editor can jump there), plus the place names the
gazetteer does not know yet; the exit code lets scripts stop on bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kit.cli._text import terminal_safe

if TYPE_CHECKING:
    from kit.incidents import LoadedIncidents, Plausibility

_LARGE = 5 * 1024 * 1024  # bytes; above this a spinner shows the load is running


def _plausibility(earliest: str | None, latest: str | None, ceiling: float | None) -> Plausibility:
    """The loaders' plausibility window from the options; unset ones keep `DEFAULT_PLAUSIBILITY` (one default)."""
    import dataclasses
    import datetime as dt
    import math

    from kit.incidents import DEFAULT_PLAUSIBILITY

    changes: dict[str, object] = {}
    for name, value in (("earliest", earliest), ("latest", latest)):
        if value is None:
            continue
        try:
            changes[name] = dt.date.fromisoformat(value)
        except ValueError:
            typer.echo(terminal_safe(f"--{name}: {value!r} is not a date written YYYY-MM-DD"), err=True)
            raise typer.Exit(2) from None
    if ceiling is not None:
        if not math.isfinite(ceiling) or ceiling < 0:
            typer.echo(f"--count-ceiling: {ceiling!r} must be a finite number of at least 0", err=True)
            raise typer.Exit(2)
        changes["count_ceiling"] = ceiling
    return dataclasses.replace(DEFAULT_PLAUSIBILITY, **changes)  # type: ignore[arg-type]


def _load(path: Path, fmt: str, plausibility: Plausibility | None = None) -> LoadedIncidents:
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from kit.incidents import load_incidents  # pandas and pyarrow: loaded only when a command runs

    if path.stat().st_size < _LARGE:
        return load_incidents(path, fmt, plausibility=plausibility)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as progress:
        progress.add_task(f"loading {path.name} ({path.stat().st_size / 1e6:.0f} MB) as {fmt}", total=None)
        return load_incidents(path, fmt, plausibility=plausibility)


def _warn_unmapped(result: LoadedIncidents, max_warnings: int) -> None:
    """The place names the gazetteer does not know, most frequent first (stderr: warnings, not failures)."""
    names = result.unmapped_names()
    if not len(names):
        return
    typer.echo(f"warning: {len(result.unmapped)} row(s) kept with an empty country/governorate "
               f"({len(names)} distinct name(s) not in the gazetteer or ambiguous):", err=True)
    for row in names.head(max_warnings).itertuples(index=False):
        typer.echo(terminal_safe(f"  {row.field}: {row.name!r} ({row.rows} row(s))"), err=True)
    if len(names) > max_warnings:
        typer.echo(f"  ... and {len(names) - max_warnings} more", err=True)


def register(app: typer.Typer) -> None:
    """Add the `incidents` sub-app (`kit incidents validate`)."""
    sub = typer.Typer(
        help="Incident files: Airwars, UCDP GED, ACLED, Dutch MoD strike log, or any CSV via a mapping YAML.",
        no_args_is_help=True,
    )

    @sub.command("validate")
    def validate(
        file: Annotated[Path, typer.Argument(help="The incident CSV to check.")],
        format: Annotated[
            str,
            typer.Option("--format", "-f", help="airwars | ucdp | acled | nl-mod | path/to/mapping.yaml"),
        ],
        max_warnings: Annotated[int, typer.Option(help="How many unmapped place names to list.")] = 30,
        earliest: Annotated[
            str | None, typer.Option(help="Dates before this (YYYY-MM-DD) are flagged. [default: 1900-01-01]")
        ] = None,
        latest: Annotated[
            str | None, typer.Option(help="Dates after this (YYYY-MM-DD) are flagged. [default: today]")
        ] = None,
        count_ceiling: Annotated[
            float | None, typer.Option(help="Counts above this in one record are set aside. [default: 100000]")
        ] = None,
    ) -> None:
        """Load FILE; print counts, each rejected and each flagged row; exit 1 only if a row is rejected.

        Rows kept with a quality flag (the source's own inconsistencies: a range whose
        bounds disagree, an impossible coordinate set aside) do not fail the check.
        """
        # here, not at module top: kit.incidents loads pandas and pyarrow; `kit --help` must not
        from kit.incidents import FORMATS, IncidentFileError

        if not file.exists():
            typer.echo(terminal_safe(f"{file}:0: (file): no such file"), err=True)
            raise typer.Exit(1)
        if file.is_dir():
            typer.echo(terminal_safe(f"{file}:0: (file): is a folder; give one incident CSV file"), err=True)
            raise typer.Exit(1)
        if format not in FORMATS and not format.endswith((".yaml", ".yml")):
            typer.echo(
                terminal_safe(
                    f"{file}:0: format: unknown format {format!r} (expected {', '.join(FORMATS)} or a mapping .yaml)"
                ),
                err=True,
            )
            raise typer.Exit(2)
        plausibility = _plausibility(earliest, latest, count_ceiling)
        try:
            result = _load(file, format, plausibility)
        except IncidentFileError as exc:
            typer.echo(terminal_safe(str(exc)), err=True)
            raise typer.Exit(1) from None
        where = result.frame["source_file"].iloc[0] if len(result.frame) else file
        typer.echo(terminal_safe(
            f"{where}: {result.rows_in} row(s) in, {result.rows_loaded} loaded, {result.rows_flagged} flagged, "
            f"{result.rows_rejected} rejected (format {format})"
        ))
        for problem in result.problems:
            typer.echo(terminal_safe(str(problem)))
        for problem in result.flags:
            typer.echo(terminal_safe(f"{problem} [row kept, flagged]"))
        _warn_unmapped(result, max_warnings)
        if result.rows_rejected:
            raise typer.Exit(1)

    app.add_typer(sub, name="incidents")


