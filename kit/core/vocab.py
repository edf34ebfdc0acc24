"""Every controlled vocabulary of the kit, with its reader labels, orders and colours.

The ledger contract, the scope rules, the review widgets, the tables and the
charts all name the same things (claimant types, methods, qualifiers, scope
verdicts, incident grades, match statuses). Each word, label and colour is
written here once, so a legend, a table and a validation message can never
disagree. Sources are described by the method behind their figures, never
by a motive.
"""

from __future__ import annotations

__all__ = [
    "CHOSEN_COLOR",
    "CLAIMANT_TYPES",
    "CLAIMANT_TYPE_ORDER",
    "CONSISTENCY_LABELS",
    "COUNTED_CLASS",
    "ESTIMATE_KIND_COLORS",
    "ESTIMATE_KIND_ORDER",
    "APPROX_QUALIFIERS",
    "CEILING_QUALIFIERS",
    "FLOOR_QUALIFIERS",
    "GRADE_ORDER",
    "MATCH_STATUS_COLORS",
    "MATCH_STATUS_ORDER",
    "METHODS",
    "METHOD_COLORS",
    "METHOD_FAMILY",
    "METHOD_LABELS",
    "METHOD_ORDER",
    "METHOD_WORDS",
    "OUTCOMES",
    "PERPETRATOR_LABELS",
    "perpetrator_label",
    "QUALIFIERS",
    "QUALIFIER_MARKS",
    "QUALIFIER_WORDS",
    "SOURCE_PALETTE",
    "SOURCE_STATUSES",
    "STALE_COLOR",
    "UNITS",
    "UNKNOWN_COLOR",
    "VERDICT_COLORS",
    "VERDICT_HEADS",
    "VERDICT_LABELS",
    "VERDICT_MARKS",
    "VERDICT_ORDER",
    "VICTIMS",
]

# --------------------------------------------------------------------------- the ledger's vocabularies
CLAIMANT_TYPES: tuple[str, ...] = (
    "belligerent", "monitor", "ngo", "un_body", "government", "media_investigation", "academic",
)
SOURCE_STATUSES: tuple[str, ...] = ("primary", "relayed", "untraced")
QUALIFIERS: tuple[str, ...] = ("none", "at_least", "more_than", "about", "almost", "up_to", "fewer_than")
UNITS: tuple[str, ...] = ("persons", "incidents", "reports", "ratio")
OUTCOMES: tuple[str, ...] = ("killed", "injured", "killed_or_injured")
VICTIMS: tuple[str, ...] = ("civilians", "children", "women", "all", "combatants")
METHODS: tuple[str, ...] = (
    "acknowledged_after_investigation",
    "credible_allegations",
    "graded_open_source_monitoring",
    "field_investigation",
    "statistical_estimate",
    "official_statement",
    "documented_enumeration",
)

# --------------------------------------------------------------------------- methods
#: Display order: from the claimant's own accounting to outside estimates.
METHOD_ORDER: tuple[str, ...] = (
    "acknowledged_after_investigation",
    "official_statement",
    "credible_allegations",
    "graded_open_source_monitoring",
    "documented_enumeration",
    "field_investigation",
    "statistical_estimate",
)
METHOD_LABELS: dict[str, str] = {
    "acknowledged_after_investigation": "acknowledged after investigation",
    "official_statement": "official statement",
    "credible_allegations": "credible allegations",
    "graded_open_source_monitoring": "graded open-source monitoring",
    "documented_enumeration": "documented enumeration",
    "field_investigation": "field investigation",
    "statistical_estimate": "statistical estimate",
}
#: Who caused the harm, in words for readers (the ledger stores a slug; an unlisted slug reads with spaces).
PERPETRATOR_LABELS: dict[str, str] = {
    "us-led-coalition": "the US-led coalition",
    "coalition-and-iraqi-forces": "the coalition and Iraqi forces",
    "iraqi-forces": "Iraqi forces",
    "syrian-government": "the Syrian government",
    "russia": "Russia",
    "isis": "ISIS",
    "all": "all parties",
}


def perpetrator_label(slug: str) -> str:
    """A perpetrator slug in words: its label, else the slug with spaces ("local-militia" → "local militia")."""
    return PERPETRATOR_LABELS.get(slug, slug.replace("-", " "))


#: What the figure is, in a scope reason ("different methods: X vs Y").
METHOD_WORDS: dict[str, str] = {
    "acknowledged_after_investigation": "deaths accepted after the claimant's own investigation",
    "credible_allegations": "allegations the claimant judged credible",
    "graded_open_source_monitoring": "graded open-source monitoring of local reports",
    "documented_enumeration": "enumeration of documented victims",
    "official_statement": "an official statement",
    "field_investigation": "field investigation of a sample of sites",
    "statistical_estimate": "a statistical estimate",
}
#: documented / sampled / estimated: numbers of different kinds.
METHOD_FAMILY: dict[str, str] = {
    "acknowledged_after_investigation": "documented",
    "credible_allegations": "documented",
    "graded_open_source_monitoring": "documented",
    "documented_enumeration": "documented",
    "official_statement": "documented",
    "field_investigation": "sampled",
    "statistical_estimate": "estimated",
}
# Colour-blind-safe (Okabe-Ito); fixed per method so every chart and legend agree.
METHOD_COLORS: dict[str, str] = {
    "acknowledged_after_investigation": "#0072B2",
    "official_statement": "#56B4E9",
    "credible_allegations": "#CC79A7",
    "graded_open_source_monitoring": "#E69F00",
    "documented_enumeration": "#009E73",
    "field_investigation": "#D55E00",
    "statistical_estimate": "#7F7F7F",
}
#: Colour of a value no vocabulary names (an unknown method, an unlisted group).
UNKNOWN_COLOR = "#999999"

CLAIMANT_TYPE_ORDER: tuple[str, ...] = (
    "belligerent", "government", "monitor", "ngo", "un_body", "media_investigation", "academic",
)

# --------------------------------------------------------------------------- qualifiers
QUALIFIER_WORDS: dict[str, str] = {
    "none": "",
    "at_least": "at least",
    "more_than": "more than",
    "about": "about",
    "almost": "almost",
    "up_to": "up to",
    "fewer_than": "fewer than",
}
# Drawn beside the mark, in words: an arrow shows the side on which the source leaves the figure open.
QUALIFIER_MARKS: dict[str, str] = {
    "none": "",
    "at_least": "at least →",
    "more_than": "more than →",
    "about": "about",
    "almost": "almost",
    "up_to": "← up to",
    "fewer_than": "← fewer than",
}
#: A claim's verdict against the anchor, as the label beside its mark.
VERDICT_MARKS: dict[str, str] = {
    "anchor": "anchor claim",
    "not_comparable": "not comparable to the anchor",
    "comparable_with_caveats": "comparable, with caveats",
}
#: Qualifiers that make a figure a floor: the true number may be higher.
FLOOR_QUALIFIERS: frozenset[str] = frozenset({"at_least", "more_than"})
#: Qualifiers that make a figure a ceiling: the true number may be lower ("almost 1,400" is below 1,400).
CEILING_QUALIFIERS: frozenset[str] = frozenset({"up_to", "fewer_than", "almost"})
#: Qualifiers that make a figure approximate: the stated number is rounded by the claimant.
APPROX_QUALIFIERS: frozenset[str] = frozenset({"about", "almost"})

# --------------------------------------------------------------------------- what a figure counts
#: A monitor's grade → what its figure counts. Alleged, likely and confirmed deaths are different
#: quantities (a monitor's likely deaths are a subset of the deaths alleged to it), so figures of
#: different classes are never set side by side as if they measured one thing; an alleged figure
#: is set beside no figure that is not itself alleged. A belligerent's "credible" names no class
#: on this scale: what an admission counts is told by its method.
COUNTED_CLASS: dict[str, str] = {
    "all alleged": "alleged",
    "alleged": "alleged",
    "likely": "likely",
    "fair;confirmed": "likely",
    "sufficient evidence of coalition responsibility": "likely",
    "confirmed": "confirmed",
}

# --------------------------------------------------------------------------- consistency of two figures
#: Can two comparable figures both be true? (see docs/MODEL.md for the measure).
CONSISTENCY_LABELS: dict[str, str] = {
    "compatible": "compatible",
    "far_apart": "far apart",
    "contradictory": "contradictory",
}
#: Stale spans (a figure carried forward past its age) are drawn in this colour.
STALE_COLOR = "#BDBDBD"

# --------------------------------------------------------------------------- scope verdicts
VERDICT_ORDER: tuple[str, ...] = ("comparable", "comparable_with_caveats", "not_comparable")
VERDICT_LABELS: dict[str, str] = {
    "comparable": "comparable",
    "comparable_with_caveats": "comparable with caveats",
    "not_comparable": "not comparable",
}
#: The label at the start of a sentence (`ScopeComparison.explain`).
VERDICT_HEADS: dict[str, str] = {v: label[0].upper() + label[1:] for v, label in VERDICT_LABELS.items()}
VERDICT_COLORS: dict[str, str] = {
    "comparable": "#1a9850",
    "comparable_with_caveats": "#fdae61",
    "not_comparable": "#d73027",
}

# --------------------------------------------------------------------------- incidents and matching
#: Airwars grades from strongest to weakest evidence, then the rest.
GRADE_ORDER: tuple[str, ...] = ("Confirmed", "Fair", "Weak", "Contested", "Discounted", "(no grade)")
MATCH_STATUS_ORDER: tuple[str, ...] = ("matched", "candidate, not matched", "no candidate")
MATCH_STATUS_COLORS: dict[str, str] = {
    "matched": "#0072B2",
    "candidate, not matched": "#E69F00",
    "no candidate": "#BBBBBB",
}
#: Colours for sources or groups no vocabulary names, in drawing order (Okabe-Ito).
SOURCE_PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F")

# --------------------------------------------------------------------------- estimates
#: What the estimate chart draws: documented lists and their union, then estimates.
ESTIMATE_KIND_ORDER: tuple[str, ...] = ("list", "union", "estimate", "lower bound")
ESTIMATE_KIND_COLORS: dict[str, str] = {
    "list": METHOD_COLORS["documented_enumeration"],
    "union": "#006D4F",
    "estimate": METHOD_COLORS["statistical_estimate"],
    "lower bound": "#56B4E9",
}
#: The estimate a model comparison picked.
CHOSEN_COLOR = "#D55E00"
