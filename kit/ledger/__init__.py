"""Layer 1: the claims ledger, the gazetteer and named operations, each read through one declared contract.

A claim is one figure stated by one claimant, with provenance and scope; the
gazetteer resolves the places claims and incident files name; operations
resolve "since the operation began". The vocabularies the contract checks live
in `kit.core.vocab`.
"""

from kit.ledger._claims import LoadResult, claim_range, ledger_files, load_claims, validate_claims_frame
from kit.ledger._cycles import cites_cycles
from kit.ledger._gazetteer import (
    PLACE_COLUMNS,
    PLACE_KINDS,
    Gazetteer,
    PlaceRelation,
    add_places,
    geometry_centroid,
    load_gazetteer,
    normalise_name,
    place_slug,
    places_from_geojson,
    read_places,
)
from kit.ledger._operations import Operation, load_operations
from kit.ledger._reports import REPORT_COLUMNS, ReportsResult, load_monthly_reports, reconcile_reports
from kit.ledger._schema import CLAIM_COLUMNS, OPTIONAL_COLUMNS, RELAY_SEPARATOR, ClaimSchema

__all__ = [
    "CLAIM_COLUMNS",
    "OPTIONAL_COLUMNS",
    "PLACE_COLUMNS",
    "PLACE_KINDS",
    "RELAY_SEPARATOR",
    "REPORT_COLUMNS",
    "ClaimSchema",
    "Gazetteer",
    "LoadResult",
    "Operation",
    "PlaceRelation",
    "ReportsResult",
    "add_places",
    "cites_cycles",
    "claim_range",
    "geometry_centroid",
    "ledger_files",
    "load_claims",
    "load_gazetteer",
    "load_monthly_reports",
    "load_operations",
    "normalise_name",
    "place_slug",
    "places_from_geojson",
    "read_places",
    "reconcile_reports",
    "validate_claims_frame",
]
