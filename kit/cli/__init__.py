"""The `kit` command line: a thin typer front end over the library.

Each area registers its own commands from `kit/cli/_<area>.py` so the CLI grows
without one file collecting every option. The area modules import only typer,
rich and `kit.core` at module level; pandas, pandera, altair, nbconvert, spaCy
and the rest load inside the command that needs them, so `kit --help` starts in
a fraction of a second (benchmarks/cli.py holds it to 0.5 s).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

if not sys.stdout.isatty():
    # Piped output goes to files and other programs: plain click text, never boxed or wrapped at
    # 80 columns (typer reads this documented switch when it is imported). A user's own setting wins.
    os.environ.setdefault("TYPER_USE_RICH", "0")

import typer  # noqa: E402 - after the switch above
from typer.core import TyperOption  # noqa: E402

from kit.cli import _estimate, _extract, _incidents, _ledger, _match, _new, _places, _report  # noqa: E402
from kit.core import INVESTIGATION_ENV  # noqa: E402


def _flags_without_type(self: TyperOption, ctx: Any) -> str | None:  # ctx: click's Context
    """A flag takes no value, so its help shows no `<bool>` type."""
    if self.is_flag:
        return None
    return TyperOption.display_type(self, ctx) if self.metavar is None else self.metavar


TyperOption.display_type_rich = _flags_without_type  # type: ignore[method-assign]

app = typer.Typer(
    help="casualty-kit: cited casualty claims, scope-aware comparison, offline reports.",
    no_args_is_help=True,
    add_completion=False,
    # piped: one line per paragraph and per option, whatever the width (a terminal keeps its own width)
    context_settings={} if sys.stdout.isatty() else {"terminal_width": 10_000, "max_content_width": 10_000},
)


@app.callback()
def _root(
    investigation: Annotated[
        Path | None,
        typer.Option(
            "--investigation", metavar="DIR", file_okay=False,
            help=f"The investigation folder (default: the first folder upward holding investigation.toml, "
            f"or ${INVESTIGATION_ENV}).",
        ),
    ] = None,
) -> None:
    """casualty-kit: cited casualty claims, scope-aware comparison, offline reports."""
    if investigation is not None:  # through the environment, so notebook kernels `kit render` starts see it too
        if not investigation.is_dir():
            typer.echo(f"--investigation {investigation}: no such folder", err=True)
            raise typer.Exit(2)
        os.environ[INVESTIGATION_ENV] = str(investigation.resolve())


for _area in (_ledger, _report, _incidents, _match, _estimate, _extract, _new, _places):
    _area.register(app)


def main() -> None:
    """Entry point used by `python -m kit`."""
    app()


__all__ = ["app", "main"]
