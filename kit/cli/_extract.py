"""`kit extract FILE --published YYYY-MM-DD`: draft ledger rows from a text file.

Output is for a reviewer: a table by default (figure, claimant, missing fields),
`--csv` for a draft ledger file (the ledger's columns, ready for review) and
`--json` for drafts with spans and per-field confidence.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract(
        file: Annotated[Path, typer.Argument(help="UTF-8 text file (an article, press release, statement).")],
        published: Annotated[str, typer.Option(help="Publication date of the text: YYYY-MM-DD, YYYY-MM or YYYY.")],
        as_json: Annotated[
            bool, typer.Option("--json", help="Drafts with spans, confidence and missing fields.")
        ] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="Draft ledger CSV (ledger columns) on stdout.")] = False,
        publisher: Annotated[
            str | None, typer.Option(help="Outlet of the text itself (last hop of each relay chain).")
        ] = None,
        url: Annotated[str | None, typer.Option(help="URL of the text, if it should fill the url column.")] = None,
        link: Annotated[bool, typer.Option("--link", help="Fill `cites` from the ledger (same claimant and figure).")]
        = False,
    ) -> None:
        """Draft ledger rows for every casualty figure in FILE; fields the text does not give stay empty."""
        # here, not at module top: kit.extract loads pandas, dateparser and spaCy; `kit --help` must not
        from kit.extract import ExtractInputError, extract_file

        if as_json and as_csv:
            typer.echo("extract: choose one of --json and --csv", err=True)
            raise typer.Exit(2)
        try:
            drafts = extract_file(str(file), published, publisher=publisher, url=url)
        except ExtractInputError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
        if link:
            drafts.link()
        if as_json:
            typer.echo(drafts.to_json())
            return
        if as_csv:
            typer.echo(drafts.to_csv(), nl=False)
            return
        _table(file, drafts)


def _table(file: Path, drafts: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from kit.extract import DraftClaims

    assert isinstance(drafts, DraftClaims)
    # piped output is never wrapped at 80 columns; a terminal keeps its own width
    console = Console(width=None if sys.stdout.isatty() else 10_000)
    if not drafts:
        console.print(f"{file}: no casualty figures found")
        return
    table = Table(title=f"{file}: {len(drafts)} draft claim(s)")
    for col in ("figure", "claimant", "relay chain", "outcome / victims", "places", "period", "to fill"):
        table.add_column(col, overflow="fold")
    for d in drafts:
        r = d.row
        figure = r["low"] if r["low"] == r["high"] else f"{r['low']}–{r['high']}"
        if r["qualifier"] != "none":
            figure = f"{r['qualifier']} {figure}"
        period = r["period_start"] + ("–" + r["period_end"] if r["period_end"] else "–")
        table.add_row(figure, r["claimant"] or "?", r["relay_chain"], f"{r['outcome'] or '?'} / {r['victims'] or '?'}",
                      r["places"] or "?", period, ", ".join(d.missing))
    console.print(table)
    console.print("Fields under 'to fill' must be completed by the reviewer before the rows join the ledger.")
