"""`python -m kit`: the same command line as the `kit` script."""

from __future__ import annotations

from kit.cli import main

main()
