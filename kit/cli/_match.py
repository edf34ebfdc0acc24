"""`kit match A B --format-a ... --format-b ... --out DIR`: link two incident lists.

Writes matched.csv, only_a.csv, only_b.csv and candidates.csv (every candidate
pair with score, status and reasons) so a reader can check every link, and
re-applies a reviewer decisions file so a rerun never loses a human decision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the `match` command."""

    @app.command("match")
    def match(
        file_a: Annotated[Path, typer.Argument(help="First incident file (list A).")],
        file_b: Annotated[Path, typer.Argument(help="Second incident file (list B).")],
        format_a: Annotated[str, typer.Option("--format-a", help="airwars | ucdp | acled | nl-mod | mapping.yaml")],
        format_b: Annotated[str, typer.Option("--format-b", help="airwars | ucdp | acled | nl-mod | mapping.yaml")],
        out: Annotated[Path, typer.Option("--out", help="Folder for the four CSVs.")],
        days: Annotated[int, typer.Option(help="Days allowed beyond each record's date precision.")] = 1,
        km: Annotated[float, typer.Option(help="Base distance limit; coarser location precision widens it.")] = 5.0,
        min_score: Annotated[float, typer.Option(help="Pairs below this stay candidates for review.")] = 0.5,
        require_range_overlap: Annotated[
            bool, typer.Option(help="Exclude pairs whose casualty ranges do not overlap.")
        ] = False,
        fallback: Annotated[
            str, typer.Option(help="Records without coordinates: governorate | country | none.")
        ] = "governorate",
        decisions: Annotated[
            Path | None, typer.Option(help="Reviewer decisions CSV to re-apply (kit.ui.MatchReview writes it).")
        ] = None,
        coalition_only: Annotated[
            bool, typer.Option(help="Keep only list-A rows that allege the US-led coalition.")
        ] = False,
        country: Annotated[
            str | None, typer.Option(help="Keep only rows of this country id (e.g. sy) in both lists.")
        ] = None,
        collapse_b: Annotated[
            bool, typer.Option(help="Collapse list B's per-munition rows into strikes (Dutch MoD log).")
        ] = False,
    ) -> None:
        """Match list A against list B; print counts; write the CSVs to --out."""
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        # here, not at module top: these load pandas, pyarrow and scipy; `kit --help` must not
        from kit.incidents import FORMATS, IncidentFileError, load_incidents
        from kit.match import MatchInputError, collapse_strikes, match_incidents

        for path, fmt, flag in ((file_a, format_a, "--format-a"), (file_b, format_b, "--format-b")):
            if not path.exists():
                typer.echo(f"{path}:0: (file): no such file", err=True)
                raise typer.Exit(1)
            if fmt not in FORMATS and not fmt.endswith((".yaml", ".yml")):
                expected = f"{', '.join(FORMATS)} or a mapping .yaml"
                typer.echo(f"{path}:0: format: unknown {flag} {fmt!r} (expected {expected})")
                raise typer.Exit(2)
        if fallback not in ("governorate", "country", "none"):
            typer.echo(f"fallback: {fallback!r} is not one of governorate, country, none")
            raise typer.Exit(2)
        console = Console(stderr=True)
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
        ) as progress:
            task = progress.add_task("loading", total=None)
            try:
                progress.update(task, description=f"loading {file_a.name} as {format_a}")
                la = load_incidents(file_a, format_a)
                progress.update(task, description=f"loading {file_b.name} as {format_b}")
                lb = load_incidents(file_b, format_b)
            except IncidentFileError as exc:
                typer.echo(str(exc))
                raise typer.Exit(1) from None
            a, b = la.frame, lb.frame
            if coalition_only:
                a = a[a["coalition_alleged"].fillna(False).astype(bool)]
            if country:
                a, b = a[a["country"] == country], b[b["country"] == country]
            if collapse_b:
                b = collapse_strikes(b)
            try:
                result = match_incidents(
                    a, b, days=days, km=km, min_score=min_score, require_range_overlap=require_range_overlap,
                    fallback=fallback, decisions=decisions,  # type: ignore[arg-type]
                    progress=lambda msg: progress.update(task, description=msg),
                )
            except MatchInputError as exc:
                typer.echo(str(exc))
                raise typer.Exit(1) from None
            progress.update(task, description=f"writing CSVs to {out}")
            paths = result.to_csv(out)
        s = result.summary()
        typer.echo(
            f"A: {file_a.name} {la.rows_in} row(s) in, {la.rows_rejected} rejected, {s['records_a']} compared; "
            f"B: {file_b.name} {lb.rows_in} row(s) in, {lb.rows_rejected} rejected, {s['records_b']} compared"
        )
        typer.echo(
            f"{s['candidates']} candidate pair(s); {s['matched']} matched ({s['matched_by_reviewer']} by reviewer, "
            f"{s['rejected_by_reviewer']} rejected by reviewer); only A: {s['only_a']}; only B: {s['only_b']}"
        )
        if len(result.unapplied_decisions):
            unapplied = len(result.unapplied_decisions)
            typer.echo(f"{unapplied} decision(s) name records not in these lists (kept in the file)")
        for note in result.notes:
            typer.echo(f"note: {note}")
        for name, path in paths.items():
            typer.echo(f"{name}: {path}")
