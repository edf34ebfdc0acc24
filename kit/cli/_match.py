"""`kit match A B --out DIR`: link two incident lists (formats detected from the header, or --format-a/-b).

Writes matched.csv, only_a.csv, only_b.csv and candidates.csv (every candidate
pair with score, status and reasons) so a reader can check every link, and
re-applies a reviewer decisions file so a rerun never loses a human decision.
With the fs scorer it also writes links.csv (each pair's match probability) and
records.csv (each record and its list): `kit estimate records.csv --links
links.csv` then carries the matching's uncertainty into an estimate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

#: A header cell that only one source's export has, per format (checked in this order).
_HEADER_MARKS = (
    ("airwars", ("airwars_id", "incident_code")),
    ("nl-mod", ("employment date (unclass)",)),
    ("ucdp", ("where_prec", "#event+id")),
    ("acled", ("event_id_cnty", "geo_precision")),
)


_FORMAT_HELP = "airwars | ucdp | acled | nl-mod | mapping.yaml (default: detected from the header)"


def _detect_format(path: Path) -> str | None:
    """The format whose marker columns the file's first line names, or None."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            head = fh.readline().lower()
    except OSError:
        return None
    cells = {c.strip().strip('"') for c in head.replace(";", ",").split(",")}
    for fmt, marks in _HEADER_MARKS:
        if any(m in cells for m in marks):
            return fmt
    return None


def _bad_options(out: Path, days: int, km: float | None, scorer: str, mode: str) -> str | None:
    """One line saying which option cannot work, before anything is loaded."""
    if out.exists() and not out.is_dir():
        return f"--out: {out} is a file; give a folder for the four CSVs"
    if days < 0:
        return f"--days: must be 0 or more (got {days})"
    if km is not None and km < 0:
        return f"--km: must be 0 or more (got {km:g})"
    if scorer not in ("rules", "fs"):
        return f"--scorer: {scorer!r} is not one of rules, fs"
    if mode not in ("one-to-one", "one-to-many"):
        return f"--mode: {mode!r} is not one of one-to-one, one-to-many"
    return None


_MIN_SCORE_HELP = (
    "Pairs below this stay candidates for review (a probability with --scorer fs). "
    "Default: the scorer's own (DEFAULT_MIN_SCORE: rules 0.5, fs 0.3)."
)


def register(app: typer.Typer) -> None:
    """Add the `match` command."""

    @app.command("match")
    def match(
        file_a: Annotated[Path, typer.Argument(help="First incident file (list A).")],
        file_b: Annotated[Path, typer.Argument(help="Second incident file (list B).")],
        out: Annotated[Path, typer.Option("--out", help="Folder for the CSVs (four; six with --scorer fs).")],
        format_a: Annotated[str | None, typer.Option("--format-a", help=_FORMAT_HELP)] = None,
        format_b: Annotated[str | None, typer.Option("--format-b", help=_FORMAT_HELP)] = None,
        days: Annotated[int, typer.Option(help="Days allowed beyond each record's date precision.")] = 1,
        km: Annotated[
            float | None,
            typer.Option(help="Base distance limit, widened by coarse location precision (default: DEFAULT_KM)."),
        ] = None,
        min_score: Annotated[float | None, typer.Option(help=_MIN_SCORE_HELP)] = None,
        scorer: Annotated[
            str, typer.Option(help="rules (hand-set score) | fs (Fellegi–Sunter probability, weights learned by EM).")
        ] = "rules",
        mode: Annotated[
            str, typer.Option(help="one-to-one | one-to-many (one A incident may take several B strikes).")
        ] = "one-to-one",
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
        large: Annotated[
            bool | None,
            typer.Option(
                "--large/--in-memory",
                help="With --scorer fs: keep candidate pairs in DuckDB and list only those with probability ≥ "
                "min-score (default: automatic for lists of about 140,000 x 140,000 and more).",
            ),
        ] = None,
    ) -> None:
        """Match list A against list B; print counts; write the CSVs to --out."""
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        # here, not at module top: these load pandas, pyarrow and scipy; `kit --help` must not
        from kit.incidents import IncidentFileError, load_incidents
        from kit.match import DEFAULT_KM, MatchInputError, collapse_strikes, match_incidents

        formats = _check_inputs(file_a, file_b, format_a, format_b, out, days, km, scorer, mode)
        km = DEFAULT_KM if km is None else km
        if large and scorer != "fs":
            typer.echo("--large: needs --scorer fs (large runs list pairs by match probability)", err=True)
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
                progress.update(task, description=f"loading {file_a.name} as {formats[0]}")
                la = load_incidents(file_a, formats[0])
                progress.update(task, description=f"loading {file_b.name} as {formats[1]}")
                lb = load_incidents(file_b, formats[1])
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
                    fallback=fallback, decisions=decisions, scorer=scorer, mode=mode,  # type: ignore[arg-type]
                    progress=lambda msg: progress.update(task, description=msg), large=large,
                )
            except MatchInputError as exc:
                typer.echo(str(exc))
                raise typer.Exit(1) from None
            progress.update(task, description=f"writing CSVs to {out}")
            paths = {**result.to_csv(out), **(_write_estimate_inputs(result, a, b, out) if scorer == "fs" else {})}
        _print_summary(result, la, lb, file_a, file_b, paths)


def _write_estimate_inputs(result: Any, a: Any, b: Any, out: Path) -> dict[str, Path]:
    """links.csv and records.csv: the hand-off `kit estimate RECORDS --links LINKS` reads (docs/ESTIMATE.md)."""
    import pandas as pd

    from kit.match import link_probabilities

    records = pd.concat([f[["source", "source_id"]] for f in (a, b)], ignore_index=True)
    records["list"] = records["source"]
    paths = {"links": out / "links.csv", "records": out / "records.csv"}
    link_probabilities(result).to_csv(paths["links"], index=False)
    records.to_csv(paths["records"], index=False)
    return paths


def _check_inputs(
    file_a: Path, file_b: Path, format_a: str | None, format_b: str | None, out: Path, days: int,
    km: float | None, scorer: str, mode: str,
) -> list[str]:
    """The two formats (given or detected); exits with one clear line when an input or option cannot work."""
    from kit.incidents import FORMATS

    problem = _bad_options(out, days, km, scorer, mode)
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(2)
    formats = []
    for path, fmt, flag in ((file_a, format_a, "--format-a"), (file_b, format_b, "--format-b")):
        if not path.exists():
            typer.echo(f"{path}:0: (file): no such file", err=True)
            raise typer.Exit(1)
        fmt = fmt or _detect_format(path)
        if fmt is None:
            typer.echo(f"{path}:1: format: header matches no known format; give {flag} "
                       f"({', '.join(FORMATS)} or a mapping .yaml)", err=True)
            raise typer.Exit(2)
        formats.append(fmt)
        if fmt not in FORMATS and not fmt.endswith((".yaml", ".yml")):
            expected = f"{', '.join(FORMATS)} or a mapping .yaml"
            typer.echo(f"{path}:0: format: unknown {flag} {fmt!r} (expected {expected})")
            raise typer.Exit(2)
    return formats


def _print_summary(result: Any, la: Any, lb: Any, file_a: Path, file_b: Path, paths: dict[str, Path]) -> None:
    """What a reader checks first: rows in and compared on each side, links, decisions, where the CSVs are."""
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
