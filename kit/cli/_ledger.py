"""`kit validate`: check ledger and gazetteer files, one line per problem."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kit.cli._text import terminal_safe
from kit.core import InputError, Problem


def _is_gazetteer(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline()
    except OSError:
        return False
    return header.split(",", 1)[0].strip() == "place_id"


def validate_paths(paths: list[Path]) -> tuple[list[Problem], list[str]]:
    """Problems in the given files or folders, and a summary line per kind."""
    # here, not at module top: kit.ledger loads pandas and pandera, which `kit --help` must not pay for
    from kit.ledger import Gazetteer, cites_cycles, ledger_files, load_claims, load_gazetteer, read_places

    files: list[Path] = []
    problems: list[Problem] = []
    for p in paths:
        listed = ledger_files(p) if p.is_dir() else [p]
        if not listed:
            problems.append(Problem(str(p), 0, "(folder)", "no CSV files in this folder; nothing to check"))
        files += listed
    places = [f for f in files if _is_gazetteer(f)]
    claims = [f for f in files if f not in places]
    summary: list[str] = []
    gazetteer: Gazetteer | None = None
    first_ok = True
    for n, f in enumerate(places):  # each file read once: its rows make the claims' gazetteer too
        frame, found, rows_in = read_places(f)
        problems += found
        summary.append(f"{f}: {rows_in} place(s), {len(found)} problem(s)")
        if n == 0:
            first_ok = not found
            gazetteer = Gazetteer.from_rows(frame, str(f)) if first_ok else None
    if claims:
        if not first_ok:
            return problems, summary + ["claims not checked: the gazetteer has problems"]
        if gazetteer is None:  # no places file named: the investigation's own
            try:
                gazetteer = load_gazetteer()
            except InputError as exc:
                problems += exc.problems
                return problems, summary + ["claims not checked: the gazetteer has problems"]
        result = load_claims(claims, gazetteer=gazetteer)
        problems += result.problems + cites_cycles(result.claims)
        summary.append(result.summary())
    return problems, summary


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate(
        paths: Annotated[list[Path], typer.Argument(help="Ledger CSVs, folders of them, or a places.csv gazetteer.")],
    ) -> None:
        """Check ledger and gazetteer files; print file:line: field: message per problem; exit 1 on any."""
        missing = [p for p in paths if not p.exists()]
        if missing:
            for p in missing:
                typer.echo(f"{p}:0: (file): no such file or folder", err=True)
            raise typer.Exit(2)
        problems, summary = validate_paths(paths)
        for problem in problems:
            typer.echo(terminal_safe(str(problem)))
        for line in summary:
            typer.echo(terminal_safe(line), err=True)
        raise typer.Exit(1 if problems else 0)
