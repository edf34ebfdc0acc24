"""The `kit` command line: a thin typer front end over the library.

Each area registers its own commands from `kit/_cli_<area>.py` so the CLI grows
without one file collecting every option.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    help="casualty-kit: cited casualty claims, scope-aware comparison, offline reports.",
    no_args_is_help=True,
    add_completion=False,
)



@app.callback()
def _root() -> None:
    """casualty-kit: cited casualty claims, scope-aware comparison, offline reports."""


_AREAS = ("ledger", "report", "incidents", "match", "estimate", "extract")

for _area in _AREAS:
    try:
        _module = importlib.import_module(f"kit._cli_{_area}")
    except ModuleNotFoundError as _exc:  # an area not built yet
        if _exc.name != f"kit._cli_{_area}":
            raise
        continue
    _module.register(app)


def main() -> None:
    """Entry point used by `python -m kit`."""
    app()


__all__ = ["app", "main"]
