"""Layer 4: published text → draft ledger rows, each field with its character span and a confidence.

Drafts go through the ledger's own contract; a person reviews them
(`kit.ui.ExtractReview`) before anything enters `data/`. See docs/EXTRACT.md.
"""

from kit.extract._pipeline import (
    ATTRIBUTOR_WEIGHTS,
    MAX_TEXT_CHARS,
    REQUIRED_FIELDS,
    DraftClaim,
    DraftClaims,
    ExtractInputError,
    extract_claims,
    extract_file,
    known_sources,
    parse_published,
)
from kit.extract._scoring import claimant_matches, match_drafts
from kit.extract._training import (
    L2,
    L2_GRID,
    attributor_figures,
    cross_validate,
    fit_attributor,
    load_first_run_sources,
    load_first_runs,
    load_labelled_articles,
    pick_right,
    write_weights,
)

__all__ = [
    "ATTRIBUTOR_WEIGHTS",
    "L2",
    "L2_GRID",
    "MAX_TEXT_CHARS",
    "REQUIRED_FIELDS",
    "DraftClaim",
    "DraftClaims",
    "ExtractInputError",
    "attributor_figures",
    "claimant_matches",
    "cross_validate",
    "extract_claims",
    "extract_file",
    "fit_attributor",
    "known_sources",
    "load_first_run_sources",
    "load_first_runs",
    "load_labelled_articles",
    "match_drafts",
    "parse_published",
    "pick_right",
    "write_weights",
]
