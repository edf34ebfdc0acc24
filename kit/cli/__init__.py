"""The `kit` command line: a thin typer front end over the library.

Each area registers its own commands from `kit/cli/_<area>.py` so the CLI grows
without one file collecting every option. The area modules import only typer,
rich and `kit.core` at module level; pandas, pandera, altair, nbconvert, spaCy
and the rest load inside the command that needs them, so `kit --help` starts in
a fraction of a second (benchmarks/cli.py holds it to 0.5 s).
"""

from __future__ import annotations

import typer

from kit.cli import _estimate, _extract, _incidents, _ledger, _match, _report

app = typer.Typer(
    help="casualty-kit: cited casualty claims, scope-aware comparison, offline reports.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """casualty-kit: cited casualty claims, scope-aware comparison, offline reports."""


for _area in (_ledger, _report, _incidents, _match, _estimate, _extract):
    _area.register(app)


def main() -> None:
    """Entry point used by `python -m kit`."""
    app()


__all__ = ["app", "main"]
