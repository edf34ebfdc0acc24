"""The `kit` command line: a thin typer front end over the library.

Each area registers its own commands from `kit/cli/_<area>.py` so the CLI grows
without one file collecting every option.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="casualty-kit: cited casualty claims, scope-aware comparison, offline reports.",
    no_args_is_help=True,
    add_completion=False,
)



@app.callback()
def _root() -> None:
    """casualty-kit: cited casualty claims, scope-aware comparison, offline reports."""


from kit.cli import _estimate, _extract, _incidents, _ledger, _match, _report  # noqa: E402

for _area in (_ledger, _report, _incidents, _match, _estimate, _extract):
    _area.register(app)


def main() -> None:
    """Entry point used by `python -m kit`."""
    app()


__all__ = ["app", "main"]
