"""Layer 6: ipywidgets for JupyterLab: explorers over claims, gaps and incidents; match and extraction review."""

from kit.core import is_rendering
from kit.ui._explorers import ClaimExplorer, GapExplorer, IncidentExplorer
from kit.ui._extract_review import ExtractReview
from kit.ui._match_review import MatchReview

__all__ = ["ClaimExplorer", "ExtractReview", "GapExplorer", "IncidentExplorer", "MatchReview", "is_rendering"]
