"""The claims contract, declared once: columns, vocabularies, formats and cross-field rules.

Declaring the contract apart from running it (as pandera intends) lets the
ledger loader, the extraction drafts and `kit validate` share one schema;
`_claims.py` parses rows and runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import pandera.pandas as pa

from kit.core import is_safe_url, parse_partial_date
from kit.core.vocab import CLAIMANT_TYPES, METHODS, OUTCOMES, QUALIFIERS, SOURCE_STATUSES, UNITS, VICTIMS

CLAIM_COLUMNS = [
    "claim_id", "claimant", "claimant_type", "relay_chain", "source_status", "published", "url",
    "low", "best", "high", "qualifier", "unit", "outcome", "victims", "perpetrator", "places",
    "period_start", "period_end", "method", "grade", "cites", "note", "quote", "retrieved",
]
OPTIONAL_COLUMNS = ("relay_chain", "published", "best", "period_end", "grade", "cites", "note", "quote", "retrieved")
REQUIRED_VALUES = [c for c in CLAIM_COLUMNS if c not in OPTIONAL_COLUMNS]

RELAY_SEPARATOR = " > "
_SLUG = r"^[a-z0-9][a-z0-9._-]*$"


def _empty_or_day(text: str) -> bool:
    """An empty cell, or a date at day precision (the day a text was read)."""
    if not text:
        return True
    try:
        return parse_partial_date(text)[2] == "day"
    except ValueError:
        return False


def _isin(values: Sequence[str]) -> pa.Check:
    return pa.Check.isin(list(values), error=f"is not one of: {', '.join(values)}")


def _text(*checks: pa.Check) -> pa.Column:
    return pa.Column(str, checks=list(checks), nullable=False)


def _wide(name: str, error: str, fn: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    return pa.Check(fn, error=error, name=name)


# One declared contract for a parsed ledger row. Parsing (numbers, partial
# dates) happens first so its messages can be exact; this schema then checks
# vocabularies, formats and the rules that tie fields together.
ClaimSchema = pa.DataFrameSchema(
    {
        "claim_id": _text(pa.Check.str_matches(_SLUG, error="is not a lowercase id like 'cjtf-oir-2017-04-30'")),
        "claimant": _text(pa.Check.str_length(1, 200, error="must be 1–200 characters")),
        "claimant_type": _text(_isin(CLAIMANT_TYPES)),
        "relay_chain": _text(pa.Check.str_length(0, 500, error="must be at most 500 characters")),
        "source_status": _text(_isin(SOURCE_STATUSES)),
        "url": _text(pa.Check(is_safe_url, element_wise=True,
                             error="is not an http:// or https:// URL (other schemes are refused)")),
        "low": pa.Column("Float64", pa.Check.ge(0, error="must not be negative"), nullable=False),
        "best": pa.Column("Float64", pa.Check.ge(0, error="must not be negative"), nullable=True),
        "high": pa.Column("Float64", pa.Check.ge(0, error="must not be negative"), nullable=False),
        "qualifier": _text(_isin(QUALIFIERS)),
        "unit": _text(_isin(UNITS)),
        "outcome": _text(_isin(OUTCOMES)),
        "victims": _text(_isin(VICTIMS)),
        "perpetrator": _text(pa.Check.str_matches(_SLUG, error="is not a lowercase slug like 'us-led-coalition'")),
        "method": _text(_isin(METHODS)),
        "note": _text(pa.Check.str_length(0, 4000, error="must be at most 4,000 characters")),
        "quote": _text(pa.Check.str_length(0, 2000, error="must be at most 2,000 characters")),
        "retrieved": _text(pa.Check(_empty_or_day, element_wise=True,
                                    error="is not a day like 2026-11-26 (when the text was read)")),
    },
    checks=[
        _wide("low_le_high", "low is greater than high", lambda d: d["low"] <= d["high"]),
        _wide(
            "best_in_range",
            "best lies outside [low, high]",
            lambda d: d["best"].isna() | ((d["low"] <= d["best"]) & (d["best"] <= d["high"])),
        ),
        _wide(
            "period_order",
            "period_start is after period_end",
            lambda d: d["period_end_date"].isna() | (d["period_start_first"] <= d["period_end_date"]),
        ),
        _wide(
            "period_before_publication",
            "period_start is after the publication date",
            lambda d: d["known_from"].isna() | (d["period_start_first"] <= d["known_from"]),
        ),
        _wide(
            "period_end_before_publication",
            "period_end runs past the publication date (write the end as a day, at most the publication date)",
            lambda d: d["known_from"].isna() | d["period_end_stated"].isna()
            | (d["period_end_stated"] <= d["known_from"]),
        ),
        _wide(
            "relayed_has_chain",
            "relay_chain is empty but source_status is 'relayed' (name the outlets)",
            lambda d: (d["source_status"] != "relayed") | (d["relay_chain"] != ""),
        ),
        _wide(
            "primary_has_no_chain",
            "relay_chain is given but source_status is 'primary' (use 'relayed')",
            lambda d: (d["source_status"] != "primary") | (d["relay_chain"] == ""),
        ),
        _wide(
            "untraced_has_note",
            "note is empty but source_status is 'untraced' (say what could not be traced)",
            lambda d: (d["source_status"] != "untraced") | (d["note"] != ""),
        ),
        _wide(
            "unknown_date_has_note",
            "note is empty but published is unknown (say why)",
            lambda d: d["published_precision"].ne("unknown") | (d["note"] != ""),
        ),
    ],
    strict=False,
    coerce=False,
    name="claims",
)

#: The column a failed cross-field rule is reported against.
WIDE_FIELD = {
    "low is greater than high": "low",
    "best lies outside [low, high]": "best",
    "period_start is after period_end": "period_start",
    "period_start is after the publication date": "period_start",
    "period_end runs past the publication date (write the end as a day, at most the publication date)": "period_end",
}
