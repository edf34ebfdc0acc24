"""Layer 6: ipywidgets for JupyterLab: explorers over claims, gaps and incidents; match and extraction review."""

import importlib
from typing import TYPE_CHECKING, Any

from kit.core import is_rendering
from kit.ui._explorers import ClaimExplorer, GapExplorer, IncidentExplorer
from kit.ui._match_review import MatchReview

if TYPE_CHECKING:
    from kit.ui._extract_review import ExtractReview


def __getattr__(name: str) -> Any:
    """`ExtractReview` loads on first use: it brings kit.extract (and spaCy behind it), which an explorer
    notebook never needs (PEP 562, as `kit` itself does)."""
    if name != "ExtractReview":
        raise AttributeError(f"module 'kit.ui' has no attribute {name!r}")
    value = importlib.import_module("kit.ui._extract_review").ExtractReview
    globals()[name] = value
    return value


__all__ = ["ClaimExplorer", "ExtractReview", "GapExplorer", "IncidentExplorer", "MatchReview", "is_rendering"]
