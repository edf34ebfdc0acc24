"""Layer 1: the claims ledger and the gazetteer, each read through one declared contract.

A claim is one figure stated by one claimant, with provenance and scope; the
gazetteer resolves the places claims and incident files name.
"""

from kit.ledger._claims import (
    CLAIM_COLUMNS,
    CLAIMANT_TYPES,
    METHODS,
    OUTCOMES,
    QUALIFIERS,
    SOURCE_STATUSES,
    UNITS,
    VICTIMS,
    ClaimSchema,
    LoadResult,
    claim_range,
    ledger_files,
    load_claims,
    parse_partial_date,
    validate_claims_frame,
)
from kit.ledger._gazetteer import PLACE_COLUMNS, PLACE_KINDS, Gazetteer, PlaceRelation, load_gazetteer, normalise_name, read_places
from kit.ledger._operations import Operation, load_operations

__all__ = [
    "CLAIMANT_TYPES",
    "CLAIM_COLUMNS",
    "METHODS",
    "OUTCOMES",
    "PLACE_COLUMNS",
    "PLACE_KINDS",
    "QUALIFIERS",
    "SOURCE_STATUSES",
    "UNITS",
    "VICTIMS",
    "ClaimSchema",
    "Gazetteer",
    "LoadResult",
    "Operation",
    "PlaceRelation",
    "claim_range",
    "ledger_files",
    "load_claims",
    "load_gazetteer",
    "load_operations",
    "normalise_name",
    "parse_partial_date",
    "read_places",
    "validate_claims_frame",
]
