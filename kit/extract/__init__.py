"""Layer 4: published text → draft ledger rows, each field with its character span and a confidence.

Drafts go through the ledger's own contract; a person reviews them
(`kit.ui.ExtractReview`) before anything enters `data/`. See docs/EXTRACT.md.
"""

from kit.extract import training
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
from kit.extract._scoring import claimant_matches, label_agreement, match_drafts

__all__ = [
    "ATTRIBUTOR_WEIGHTS",
    "MAX_TEXT_CHARS",
    "REQUIRED_FIELDS",
    "DraftClaim",
    "DraftClaims",
    "ExtractInputError",
    "claimant_matches",
    "extract_claims",
    "extract_file",
    "known_sources",
    "label_agreement",
    "match_drafts",
    "parse_published",
    "training",
]
