"""Claim charts: the range chart, the as-of timeline, the gap band, the comparability matrix.

Each builder is a pure function from a tidy frame (the claims ledger from
`kit.ledger.load_claims().claims`, or the frames of `kit.compare` and
`kit.scope`) to an altair chart. Interactivity is expressed as named Vega-Lite
params, so the very same spec works in JupyterLab and in an offline report.
Ranges stay ranges: a mark spans low..high, and no builder draws a point ratio
between two uncertain figures.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import altair as alt
import pandas as pd
from altair.typing import ChannelSize, ChannelStrokeWidth

from kit.compare import STALE_AFTER_DAYS, verdicts_against_anchor
from kit.core import partial_date_start
from kit.core.vocab import (
    METHOD_LABELS,
    QUALIFIER_MARKS,
    QUALIFIER_WORDS,
    VERDICT_COLORS,
    VERDICT_LABELS,
    VERDICT_MARKS,
    VERDICT_ORDER,
)
from kit.present._format import (
    bounded_text,
    consistency_text,
    format_range,
    perpetrator_text,
    short_text,
    stated_period_text,
    stated_text,
)
from kit.present._html import safe_url
from kit.present.charts._base import inline_data, layer_chart, method_color_scale

MAX_CHART_ROWS = 5_000
"""Rows a chart may inline; aggregate before charting when a frame is larger."""

ScopeLabels = Mapping[str, str] | pd.Series | str | Callable[[pd.Series], str] | None

_RULE_VIEW = "claims_ranges"
_POINT_VIEW = "claims_points"
_TOOLTIP_FIELDS: list[tuple[str, str]] = [
    ("claimant", "claimant"),
    ("claimant_type", "type"),
    ("figure_text", "figure"),
    ("qualifier_text", "qualifier"),
    ("what", "counts"),
    ("places_text", "places"),
    ("period_text", "period"),
    ("published", "published"),
    ("relay_text", "relay chain"),
    ("source_status", "source"),
    ("method_label", "method"),
    ("grade", "claimant's grade"),
    ("open_text", "open end"),
    ("comparability_text", "vs anchor"),
    ("url_text", "URL"),
    ("note", "note"),
    ("claim_id", "claim id"),
]


# --------------------------------------------------------------------------- helpers
def _check_rows(frame: pd.DataFrame, what: str) -> None:
    if len(frame) > MAX_CHART_ROWS:
        raise ValueError(
            f"{what}: {len(frame):,} rows is more than a chart should inline ({MAX_CHART_ROWS:,}); "
            "aggregate first (see kit.ui.IncidentExplorer for DuckDB pre-aggregation)"
        )


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}; got {', '.join(map(str, frame.columns))}")


def _partial_date(value: object) -> pd.Timestamp | None:
    """First day of a YYYY / YYYY-MM / YYYY-MM-DD string (ledger precision), else None; never raises."""
    if isinstance(value, pd.Timestamp):  # NaT is not a Timestamp: it takes the text path below
        return value
    return partial_date_start(short_text(value, 40))  # only the ledger's forms: no "today", no free text


def _col(frame: pd.DataFrame, name: str, default: object = "") -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _default_scope_label(row: pd.Series) -> str:
    """Outcome, victims, perpetrator and places: what must match for figures to be compared."""
    unit = short_text(row.get("unit"), 20)
    victims = short_text(row.get("victims"), 30) or "?"
    outcome = short_text(row.get("outcome"), 30).replace("_", " ") or "?"
    places = row.get("places_text") or "?"
    perp = perpetrator_text(row.get("perpetrator")) or "?"
    label = f"{victims} {outcome} · {places} · by {perp}"
    return label if unit in ("", "persons") else f"{label} ({unit})"


def _scope_labels(table: pd.DataFrame, claims: pd.DataFrame, scope_labels: ScopeLabels) -> pd.Series:
    if scope_labels is None:
        return table.apply(_default_scope_label, axis=1)
    if isinstance(scope_labels, str):
        _require(claims, [scope_labels], "scope_labels")
        return claims[scope_labels].map(lambda v: short_text(v, 120))
    if callable(scope_labels) and not isinstance(scope_labels, (Mapping, pd.Series)):
        return claims.apply(scope_labels, axis=1).map(lambda v: short_text(v, 120))
    mapping = dict(scope_labels.items())
    return table["claim_id"].map(lambda c: short_text(mapping.get(c, "other scope"), 120))


def claims_chart_frame(
    claims: pd.DataFrame,
    *,
    scope_labels: ScopeLabels = None,
    anchor: str | None = None,
    comparability: Mapping[str, tuple[str, str]] | None = None,
    gazetteer: Any = None,
    value_columns: tuple[str, str, str] = ("low", "best", "high"),
) -> pd.DataFrame:
    """The tidy, display-ready table the claims range chart inlines (one row per claim).

    Exposed so widgets and tests can see exactly what the chart receives.
    Comparability comes from (first found) the `comparability`/`comparability_reason`
    columns, the `comparability` mapping {claim_id: (verdict, reasons)}, or
    `kit.compare.verdicts_against_anchor` with `gazetteer`.
    """
    _require(claims, ["claim_id", "claimant", *[c for c in value_columns if c != value_columns[1]]], "claims")
    _check_rows(claims, "claims_range_chart")
    if anchor is not None and anchor not in set(claims["claim_id"]):
        raise ValueError(f"anchor claim {anchor!r} is not among the claims charted")
    t = _figure_columns(claims, value_columns)
    claims = claims.loc[t.index]
    _open_end_columns(t, claims, value_columns)
    pub = _provenance_columns(t, claims, gazetteer)
    verdicts = _anchor_verdicts(claims, anchor, comparability, gazetteer) if anchor is not None else {}
    _comparability_columns(t, anchor, verdicts)
    t["scope_label"] = _scope_labels(t, claims, scope_labels)
    return _order_rows(t, pub)


def _figure_columns(claims: pd.DataFrame, value_columns: tuple[str, str, str]) -> pd.DataFrame:
    """Who stated what: ids, the charted values, the kind of mark and the figure in words."""
    lo_col, best_col, hi_col = value_columns
    t = pd.DataFrame(index=claims.index)
    t["claim_id"] = claims["claim_id"].map(lambda v: short_text(v, 80))
    t["claimant"] = claims["claimant"].map(lambda v: short_text(v, 120))
    t["claimant_type"] = _col(claims, "claimant_type").map(lambda v: short_text(v, 40))
    t["low"] = pd.to_numeric(claims[lo_col], errors="coerce")
    t["high"] = pd.to_numeric(claims[hi_col], errors="coerce")
    t["best"] = pd.to_numeric(_col(claims, best_col, None), errors="coerce")
    t = t[t["low"].notna() & t["high"].notna()].copy()
    claims = claims.loc[t.index]
    t["kind"] = ["point" if lo == hi else "range" for lo, hi in zip(t["low"], t["high"], strict=True)]
    # the mark at the best figure, or the figure itself for a point claim
    t["mark_at"] = t["best"].where(t["best"].notna(), t["low"].where(t["kind"] == "point"))
    qual = _col(claims, "qualifier", "none").map(lambda v: short_text(v, 20) or "none")
    t["qualifier"] = qual
    t["qualifier_text"] = qual.map(lambda q: QUALIFIER_WORDS.get(q, q))
    t["qualifier_mark"] = qual.map(lambda q: QUALIFIER_MARKS.get(q, ""))
    fig_lo = pd.to_numeric(_col(claims, "low", None), errors="coerce")
    fig_hi = pd.to_numeric(_col(claims, "high", None), errors="coerce")
    fig_best = pd.to_numeric(_col(claims, "best", None), errors="coerce")
    t["figure_text"] = [
        (f"{qw} " if qw else "") + format_range(lo, hi, b)
        for qw, lo, hi, b in zip(t["qualifier_text"], fig_lo, fig_hi, fig_best, strict=True)
    ]
    if value_columns != ("low", "best", "high"):
        t["value_text"] = [
            format_range(lo, hi, b, digits=2) for lo, hi, b in zip(t["low"], t["high"], t["best"], strict=True)
        ]
    return t


#: Where a charted interval is open, in words: beside the mark (with its arrow) and in the tooltip.
_OPEN_MARKS = {"high": "may be higher →", "low": "← may be lower", "both": "← bounds neither way →"}
_OPEN_TEXT = {
    "high": "open at the top: the true {what} may be higher than drawn (▶ at the end)",
    "low": "open at the bottom: the true {what} may be lower than drawn (◀ at the end)",
    "both": "open at both ends: a {what} of stated minimums or maximums bounds neither way (◀ ▶ at the ends)",
}


def _open_end_columns(t: pd.DataFrame, claims: pd.DataFrame, value_columns: tuple[str, str, str]) -> None:
    """Which end of each charted interval is open ("high", "low", "both" or ""), and that in words.

    Figures: the qualifier's side ("at least" opens the top, "up to" the bottom). Computed values
    (a ratio to the anchor, `value_columns` like ``ratio_low``) take their own open ends from the
    matching ``*_open`` column (`kit.compare.open_label`), and the label beside the mark says so instead
    of the figure's qualifier, which is not the ratio's.
    """
    open_col = value_columns[0].removesuffix("_low") + "_open"
    computed = value_columns != ("low", "best", "high")
    if computed and open_col in claims.columns:
        raw = claims[open_col].map(lambda v: short_text(v, 20))
        t["open_end"] = raw.map(lambda v: "both" if v in ("both", "minimums", "maximums") else v
                                if v in ("high", "low") else "")
        t["qualifier_mark"] = t["open_end"].map(lambda v: _OPEN_MARKS.get(v, ""))
        t["value_text"] = [bounded_text(lo, hi, op) for lo, hi, op in zip(t["low"], t["high"], raw, strict=True)]
        what = "ratio"
    else:
        t["open_end"] = t["qualifier_mark"].map(lambda m: "high" if "→" in m else "low" if "←" in m else "")
        what = "number"
    t["open_text"] = t["open_end"].map(lambda v: _OPEN_TEXT[v].format(what=what) if v else "")


def _places_text(claims: pd.DataFrame, gazetteer: Any) -> pd.Series:
    """Each claim's places as names (gazetteer labels when one is given)."""
    if "places_list" in claims.columns:
        places = claims["places_list"].map(lambda p: tuple(p) if isinstance(p, (tuple, list)) else ())
    else:
        places = _col(claims, "places").map(lambda s: tuple(x.strip() for x in str(s or "").split(";") if x.strip()))
    if gazetteer is None:
        return places.map(lambda p: short_text(";".join(p), 120))

    def _label(ids: tuple[str, ...]) -> str:
        try:
            return gazetteer.label(ids)
        except (KeyError, AttributeError):
            return ";".join(ids)
    return places.map(lambda p: short_text(_label(p), 120))


def _provenance_columns(t: pd.DataFrame, claims: pd.DataFrame, gazetteer: Any) -> pd.Series:
    """Scope and provenance in words (what, where, when, through whom, how); returns the publication dates."""
    unit = _col(claims, "unit").map(lambda v: short_text(v, 20))
    t["unit"] = unit
    t["outcome"] = _col(claims, "outcome").map(lambda v: short_text(v, 40))
    t["victims"] = _col(claims, "victims").map(lambda v: short_text(v, 40))
    t["perpetrator"] = _col(claims, "perpetrator").map(lambda v: short_text(v, 60))
    t["what"] = [
        f"{v} {o.replace('_', ' ')} ({u})" if u and u != "persons" else f"{v} {o.replace('_', ' ')}"
        for v, o, u in zip(t["victims"], t["outcome"], unit, strict=True)
    ]
    t["places_text"] = _places_text(claims, gazetteer)
    t["period_text"] = claims.apply(stated_period_text, axis=1) if len(claims) else ""
    t["published"] = _col(claims, "published").map(lambda v: short_text(v, 20) or "unknown")
    if "published_date" in claims.columns:
        pub = pd.to_datetime(claims["published_date"], errors="coerce")
    else:
        pub = pd.to_datetime(_col(claims, "published").map(_partial_date), errors="coerce")
    t["year"] = pub.dt.year.astype("Float64")
    t["relay_text"] = _col(claims, "relay_chain").map(lambda v: short_text(v, 200) or "(claimant's own publication)")
    t["source_status"] = _col(claims, "source_status").map(lambda v: short_text(v, 20))
    t["method"] = _col(claims, "method").map(lambda v: short_text(v, 60))
    t["method_label"] = t["method"].map(lambda m: METHOD_LABELS.get(m, m))
    t["grade"] = _col(claims, "grade").map(lambda v: short_text(v, 60))
    t["note"] = _col(claims, "note").map(lambda v: short_text(v, 280))
    urls = [safe_url(v) for v in _col(claims, "url")]  # a list: string dtypes would turn None into NA
    t["url"] = pd.Series(urls, index=t.index, dtype=object)
    t["url_text"] = [u if u else "(no http/https link)" for u in urls]
    return pub


def _anchor_verdicts(
    claims: pd.DataFrame, anchor: str, comparability: Mapping[str, tuple[str, str]] | None, gazetteer: Any,
) -> dict[str, tuple[str, str]]:
    """{claim_id: (verdict, reasons)} against the anchor, from the frame, the mapping or the compare layer."""
    if "comparability" in claims.columns:
        reasons = _col(claims, "comparability_reason")
        return {
            c: (short_text(v, 40), short_text(r, 400))
            for c, v, r in zip(claims["claim_id"], claims["comparability"], reasons, strict=True)
        }
    if comparability is not None:
        return {str(k): (str(v[0]), short_text(v[1], 400)) for k, v in comparability.items()}
    if gazetteer is not None:
        return verdicts_against_anchor(claims, anchor, gazetteer)
    raise ValueError("an anchor needs comparability verdicts: pass `comparability=` or `gazetteer=`")


def _comparability_columns(t: pd.DataFrame, anchor: str | None, verdicts: Mapping[str, tuple[str, str]]) -> None:
    """The verdict against the anchor as data, as tooltip text and as the mark's annotation."""
    t["comparability"] = [
        "anchor" if c == anchor else (verdicts.get(c, ("", ""))[0] if anchor is not None else "")
        for c in t["claim_id"]
    ]
    t["comparability_reason"] = [verdicts.get(c, ("", ""))[1] if anchor is not None else "" for c in t["claim_id"]]
    t["comparability_text"] = [
        "anchor claim" if v == "anchor"
        else (VERDICT_LABELS.get(v, v) + (f": {r}" if r else "")) if v else ""
        for v, r in zip(t["comparability"], t["comparability_reason"], strict=True)
    ]
    t["flag"] = [VERDICT_MARKS.get(v, "") for v in t["comparability"]]
    t["annotation"] = [
        " · ".join(x for x in (q, f) if x) for q, f in zip(t["qualifier_mark"], t["flag"], strict=True)
    ]


def _order_rows(t: pd.DataFrame, pub: pd.Series) -> pd.DataFrame:
    """Row order, scope (facet) order and unique y labels."""
    # row order: scope, then publication date, then claim id: stable and chronological
    t["_pub"] = pub
    t = t.sort_values(["scope_label", "_pub", "claim_id"], na_position="last", kind="stable")
    t["order"] = range(len(t))
    # facet order: the anchor's scope first, then the scopes with most claims
    sizes = t["scope_label"].map(t["scope_label"].value_counts())
    anchor_scope = set(t.loc[t["comparability"] == "anchor", "scope_label"])
    rank_key = pd.DataFrame({"a": ~t["scope_label"].isin(anchor_scope), "n": -sizes, "s": t["scope_label"]})
    ordered = list(dict.fromkeys(rank_key.sort_values(["a", "n", "s"])["s"]))
    t["scope_rank"] = t["scope_label"].map({s_: i for i, s_ in enumerate(ordered)})
    t["label"] = _row_labels(t)
    return t.drop(columns=["_pub"]).reset_index(drop=True)


#: What tells two claims of one claimant and publication date apart, in the order a reader would ask:
#: what is counted, where, over what period, the figure itself, through whom it came, how it was counted.
_DISTINGUISHING = ("what", "places_text", "period_text", "figure_text", "relay_text", "method_label")


def _phrase(row: Mapping[str, Any], field: str) -> str:
    text = short_text(row.get(field), 60)
    if field == "relay_text":
        return "own publication" if text.startswith("(") else f"via {text}"
    if field == "period_text":  # "2017-02 – 2017-02" reads "2017-02"; an open end "since 2014-08"
        start, _, end = text.partition(" – ")
        return start if start == end else f"since {start}" if end == "publication" else text
    return text


def _row_labels(t: pd.DataFrame) -> list[str]:
    """Each claim's row label in words: claimant and publication date, plus, where two rows would read alike,
    the first phrase that tells them all apart (what is counted, place, period, figure, relay, method), or
    as few phrases as do.

    Claim ids stay out of labels (they are in the tooltip and the data, for linking); rows that no phrase
    separates are numbered ("1 of 2").
    """
    rows = cast(list[dict[str, Any]], t.to_dict("records"))  # string column labels
    labels = [f"{short_text(r.get('claimant'), 60)} · {short_text(r.get('published'), 20)}" for r in rows]
    groups: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(label, []).append(i)
    for base, members in groups.items():
        if len(members) < 2:
            continue
        # one phrase that separates every row keeps the label short (the axis cuts long ones); else several
        alone = [f for f in _DISTINGUISHING if len({_phrase(rows[i], f) for i in members}) == len(members)]
        chosen: list[str] = alone[:1]
        for field in _DISTINGUISHING if not alone else ():
            if len({_phrase(rows[i], field) for i in members}) > 1:
                chosen.append(field)
                if len({tuple(_phrase(rows[i], f) for f in chosen) for i in members}) == len(members):
                    break
        for i in members:
            extra = [p for p in (_phrase(rows[i], f) for f in chosen) if p]
            labels[i] = " · ".join([base, *extra])
    _shorten(labels, rows)
    return _numbered(labels)


#: Widest row label the wide layout's axis draws whole (80 characters of 11 px text); longer ones are cut.
_WIDE_LABEL_PX = 440
#: Labels longer than this make a wide label column (280 px of 11 px text): a claimant named "Long Name (ABBR)"
#: or "ABBR (Long name)" is then shown by its abbreviation there (the tooltip and the tables keep the full name).
_LABEL_CHARS = 44
#: Room between the wide layout's row labels and the marks (the y axis's labelPadding). A mark at the x axis's
#: minimum reaches left of it: an open end's arrowhead by 4 px offset + 4.5 (a 110 px² triangle), a hovered point
#: by 7.1 + 1 px of stroke (200 px²), a range's round cap by 5.5 (11 px wide); Vega's default 2 px let a point at
#: the minimum sit on the end of its label.
_LABEL_PAD_PX = 12
_ABBREVIATED = re.compile(r"^(?P<outer>.+?) \((?P<inner>[^()]+)\)$")


def _short_name(name: str) -> str:
    """"SOHR" for "Syrian Observatory for Human Rights (SOHR)", "UNAMI" for "UNAMI (UN Assistance ...)"."""
    m = _ABBREVIATED.match(name)
    if not m:
        return name
    short = [p for p in (m["inner"], m["outer"]) if " " not in p and any(c.isupper() for c in p[1:])]
    return short[0] if short else name


def _shorten(labels: list[str], rows: list[dict[str, Any]]) -> None:
    for i, (label, row) in enumerate(zip(labels, rows, strict=True)):
        if len(label) > _LABEL_CHARS:
            name = short_text(row.get("claimant"), 60)
            labels[i] = _short_name(name) + label[len(name):]


def _numbered(labels: list[str]) -> list[str]:
    """Labels still alike get "1 of n", "2 of n" so every row of the one y axis is its own."""
    counts = pd.Series(labels).value_counts()
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            label = f"{label} ({seen[label]} of {counts[label]})"
        out.append(label)
    return out


def _select_param(name: str, label: str, values: Sequence[str], labels: Sequence[str] | None = None) -> alt.Parameter:
    """A dropdown whose first option (null) means 'all'."""
    options: list[str | None] = [None, *values]
    return alt.param(
        name=name,
        value=None,
        bind=alt.binding_select(options=options, labels=["all", *(labels or values)], name=label),
    )


def _x_scale(values: pd.Series, log_scale: bool | None) -> alt.Scale:
    positive = values[values > 0]
    if log_scale is None:
        log_scale = bool(len(positive)) and positive.max() / max(positive.min(), 1e-9) > 50
    if not log_scale:
        return alt.Scale(zero=True, nice=True)
    return alt.Scale(type="symlog" if (values <= 0).any() else "log", nice=False)


# --------------------------------------------------------------------------- claims range chart
def claims_range_chart(
    claims: pd.DataFrame,
    *,
    scope_labels: ScopeLabels = None,
    anchor: str | None = None,
    comparability: Mapping[str, tuple[str, str]] | None = None,
    gazetteer: Any = None,
    interactive: bool = True,
    controls: bool | None = None,
    log_scale: bool | None = None,
    links: bool = True,
    value_columns: tuple[str, str, str] = ("low", "best", "high"),
    x_title: str | None = None,
    width: int = 520,
    title: str | None = None,
) -> alt.LayerChart:
    """Every claim as a point (low == high) or a low–high rule with its best as a tick.

    Rows are grouped by scope label (a bold heading row per scope), coloured by method; the
    qualifier is drawn at the open end ("at least →"). With an `anchor`
    claim, claims not comparable to it are drawn hollow and dashed and labelled.
    With `interactive`, the chart carries offline Vega-Lite controls: `claimant`
    and `method` dropdowns, an `until` publication-year slider, `legend_pick`
    legend isolation, `hover` highlighting and a `pick` click selection (read by
    `kit.ui.ClaimExplorer`). `controls=False` keeps the selections but drops
    the bound dropdowns/slider (live widgets replace them); it defaults to
    `interactive`. `links` adds an href to each claim's http(s) URL.
    `log_scale=None` picks a log axis when figures span more than 50×.
    """
    t = claims_chart_frame(
        claims, scope_labels=scope_labels, anchor=anchor, comparability=comparability,
        gazetteer=gazetteer, value_columns=value_columns,
    )
    return range_chart_from_frame(t, interactive=interactive, controls=controls, log_scale=log_scale, links=links,
                                  x_title=x_title, width=width, title=title)


def range_chart_rows(t: pd.DataFrame) -> list[dict[str, Any]]:
    """The records the range chart inlines for a `claims_chart_frame`: claims plus one heading row per scope."""
    # One view, not a facet: Vega keeps a stale y domain in independently scaled
    # facet cells when a param filters rows, leaving labels without marks. Scope
    # groups are heading rows instead, dropped when a filter empties their group.
    headers = (
        t.groupby("scope_label", sort=False)["scope_rank"].min().reset_index()
        .assign(kind="header", label=lambda h: "▸ " + h["scope_label"], heading=lambda h: h["scope_label"])
    )
    body = t.assign(heading="")
    rows = pd.concat([body, headers], ignore_index=True) if len(body) else body
    rows["row"] = [rank * 100_000 + (0 if kind == "header" else 1 + order)
                   for rank, kind, order in zip(rows["scope_rank"], rows["kind"], rows["order"].fillna(0), strict=True)]
    rows = rows.sort_values("row", kind="stable")
    columns = [c for c in body.columns if c not in ("kind",)] + ["kind", "row"]
    return inline_data(rows, columns)["values"]


def range_chart_layout(
    t: pd.DataFrame,
    *,
    interactive: bool = True,
    controls: bool | None = None,
    log_scale: bool | None = None,
    links: bool = True,
    x_title: str | None = None,
    width: int = 520,
    title: str | None = None,
    narrow: bool = False,
    for_phones: bool = True,
    methods: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Everything in the range chart's spec that is not its rows.

    Two frames with equal layouts give specs that differ only in their
    dataset, so a live widget can build the spec once and swap the rows.
    `narrow` lays the chart out for a phone (`NARROW_BELOW`); `for_phones`
    carries that layout inside the wide one for the report page to pick.
    `methods` fixes the colour domain (default: the methods `t` draws), so
    views of parts of one ledger share a layout.
    """
    x_scale = _x_scale(pd.concat([t["low"], t["high"]]), log_scale)
    if x_title is None:
        units = {u for u in t["unit"] if u} if "unit" in t.columns else set()
        unit = "people" if units <= {"persons"} else "each claim's unit"
        x_title = f"number as stated ({unit}" + (", log scale)" if x_scale.type in ("log", "symlog") else ")")
    controls = interactive if controls is None else controls
    layout: dict[str, Any] = {
        "x_scale": x_scale.to_dict(), "x_title": x_title, "value_text": "value_text" in t.columns,
        "methods": list(method_color_scale(t["method"] if methods is None else methods).domain),
        "interactive": interactive, "controls": controls, "links": links, "width": width, "title": title,
        "narrow": narrow, "for_phones": for_phones and not narrow,
    }
    if controls:
        years = t["year"].dropna()
        layout["claimants"] = sorted(set(t["claimant"]))
        layout["method_options"] = sorted(m for m in dict.fromkeys(t["method"]) if m)
        layout["years"] = (int(years.min()), int(years.max())) if len(years) else (2014, 2014)
    return layout


def range_chart_from_frame(
    t: pd.DataFrame,
    *,
    data_name: str | None = None,
    **options: Any,
) -> alt.LayerChart:
    """The range chart for a `claims_chart_frame` (see `claims_range_chart` for the options).

    `data_name` names the inline dataset (default: a hash of the rows), so a live
    widget can replace the rows of an already built spec.
    """
    lay = range_chart_layout(t, **options)
    records = range_chart_rows(t)
    if data_name is None:
        digest = hashlib.sha256(json.dumps(records, sort_keys=True, default=str).encode()).hexdigest()[:16]
        data_name = f"claims-{digest}"
    chart = _range_chart(lay, data_name).properties(datasets={data_name: records})
    if lay["for_phones"]:
        phone = _range_chart({**lay, "narrow": True, "for_phones": False}, data_name)
        chart = chart.properties(usermeta={"kit": {"narrow_below": NARROW_BELOW,
                                                   "narrow": phone.to_dict(validate=False)}})
    return chart


NARROW_BELOW = 600
"""Page widths (CSS px) under which a report draws the range chart's phone layout (`narrow=True`)."""
_NARROW_STEP = 30  # a row on a phone: its label line above its mark line
_NARROW_LIFT = 7  # the mark line sits this far below the middle of the row
_NARROW_WIDTH = 340  # the marks' width on a 375-390 px phone; a report page sets it to its own width


#: A row label longer than this breaks before its last " · " that fits, and its row takes two steps.
_NARROW_LABEL_CHARS = 52


def _narrow_slots(chart: alt.LayerChart) -> alt.LayerChart:
    """Phone rows: a claim whose label needs two lines takes two steps (label, then marks), each row its
    `label_lines`; the y axis orders `slot_key`s by `slot_at`, and marks are drawn on a claim's `last_slot`."""
    n = _NARROW_LABEL_CHARS
    cut = f"lastindexof(substring(datum.label, 0, {n}), ' · ')"
    two = f"datum.kind != 'header' && length(datum.label) > {n} && {cut} > 0"
    return chart.transform_calculate(
        last_slot=f"{two} ? 1 : 0",
        label_lines=f"{two} ? substring(datum.label, 0, {cut}) + '\\n' + substring(datum.label, {cut} + 3)"
                    " : datum.label",
        slots="datum.last_slot ? [0, 1] : [0]",
    ).transform_flatten(["slots"], as_=["slot"]).transform_calculate(
        slot_key="datum.label + ' #' + datum.slot", slot_at="datum.row + datum.slot / 2")


def _range_chart(lay: dict[str, Any], data_name: str) -> alt.LayerChart:
    """The range chart of one layout (wide: a label column; narrow: labels above the marks, page width)."""
    width, title = lay["width"], lay["title"]
    chart = layer_chart(*_range_layers(lay), data=alt.NamedData(name=data_name))
    if lay["narrow"]:
        # a number, not "container": Vega-Lite warns when a step height meets a fit autosize;
        # the report page sets it to the page's width (report.js)
        chart = _narrow_slots(chart.properties(width=_NARROW_WIDTH, height=alt.Step(_NARROW_STEP)))
    else:
        chart = chart.properties(width=width, height=alt.Step(20))
    if lay["controls"]:
        chart = _range_controls(chart, lay)
    if title:
        chart = chart.properties(title=alt.Title(short_text(title, 200), anchor="start"))
    return chart


_NOT_COMPARABLE = alt.datum.comparability == "not_comparable"


def _range_emphasis(legend_pick: alt.Parameter | None) -> tuple[Any, ChannelStrokeWidth, ChannelSize]:
    """Opacity, rule width and point size: hover, click and legend picks stand out when interactive."""
    not_comp = _NOT_COMPARABLE
    if legend_pick is None:
        return alt.when(not_comp).then(alt.value(0.45)).otherwise(alt.value(0.95)), alt.value(7), alt.value(80)
    opacity = (
        alt.when(legend_pick, ~not_comp).then(alt.value(0.95))
        .when(legend_pick).then(alt.value(0.45))
        .otherwise(alt.value(0.08))
    )
    # `empty=False` does not carry into an `or` of params (each empty selection
    # would select everything), so the test is spelled out per selection store
    focused = " || ".join(
        f"(length(data('{n}_store')) && vlSelectionTest('{n}_store', datum))"
        for n in ("hover", "pick", "hover_point", "pick_point")
    )
    width_enc: ChannelStrokeWidth = alt.when(focused).then(alt.value(11)).otherwise(alt.value(7))
    size_enc: ChannelSize = alt.when(focused).then(alt.value(200)).otherwise(alt.value(80))
    return opacity, width_enc, size_enc


def _range_layers(lay: dict[str, Any]) -> list[alt.Chart]:
    """Range rules, figure points, best ticks, notes and scope headings, sharing one y axis.

    Wide: the row labels are the y axis, left of the marks. Narrow (a phone): no y axis; each row's
    label is written above its marks, which sit lower in the row, so the marks get the page width.
    """
    x_scale = alt.Scale.from_dict(lay["x_scale"])
    x_title, width, narrow = lay["x_title"], lay["width"], lay["narrow"]
    interactive, links = lay["interactive"], lay["links"]
    lift: dict[str, Any] = {"yOffset": _NARROW_LIFT} if narrow else {}
    x_axis = alt.Axis(labelOverlap="greedy", labelSeparation=8, labelFlush=True) if narrow else alt.Undefined
    method_scale = alt.Scale(domain=lay["methods"], range=method_color_scale(lay["methods"]).range)
    color = alt.Color("method:N", scale=method_scale, title="method",
                      legend=alt.Legend(orient="bottom", columns=1 if narrow else 2, labelLimit=260,
                                        symbolType="stroke", labelExpr="replace(datum.label, /_/g, ' ')"))
    y = alt.Y("slot_key:N" if narrow else "label:N", title=None,
              sort=alt.EncodingSortField("slot_at" if narrow else "row", op="min"), axis=None if narrow else alt.Axis(
                  labelLimit=_WIDE_LABEL_PX, labelExpr="indexof(datum.label, '▸ ') == 0 ? '' : datum.label",
                  labelPadding=_LABEL_PAD_PX, domain=False, ticks=False))
    tooltip = [alt.Tooltip(f"{f}:N", title=name) for f, name in _TOOLTIP_FIELDS]
    if lay["value_text"]:
        tooltip.insert(3, alt.Tooltip("value_text:N", title=x_title))
    not_comp = _NOT_COMPARABLE
    legend_pick = alt.selection_point(name="legend_pick", fields=["method"], bind="legend") if interactive else None
    opacity, width_enc, size_enc = _range_emphasis(legend_pick)
    base = alt.Chart().encode(y=y)
    rule = base.mark_rule(strokeCap="round", cursor="pointer" if links else "default", **lift).encode(
        x=alt.X("low:Q", scale=x_scale, title=x_title, axis=x_axis),
        x2="high:Q",
        color=color,
        opacity=opacity,
        strokeWidth=width_enc,
        strokeDash=alt.when(not_comp).then(alt.value([4, 3])).otherwise(alt.value([1, 0])),
        tooltip=tooltip,
    ).transform_filter("datum.kind == 'range'").properties(name=_RULE_VIEW)
    # hollow circle = not comparable to the anchor; filled = comparable or no anchor
    marks = base.mark_point(shape="circle", size=80, strokeWidth=2, filled=False,
                            cursor="pointer" if links else "default", **lift).encode(
        x=alt.X("mark_at:Q", scale=x_scale, title=x_title, axis=x_axis),
        stroke=alt.Stroke("method:N", scale=method_scale, legend=None),
        fill=alt.when(not_comp).then(alt.value("white")).otherwise(
            alt.Fill("method:N", scale=method_scale, legend=None)),
        fillOpacity=alt.value(1),
        opacity=opacity,
        size=size_enc,
        tooltip=tooltip,
    ).transform_filter("isValid(datum.mark_at)").properties(name=_POINT_VIEW)
    if links:
        rule = rule.encode(href="url:N")
        marks = marks.encode(href="url:N")
    best_tick = base.mark_tick(color="black", thickness=2, size=14, **lift).encode(
        x=alt.X("best:Q", scale=x_scale), tooltip=tooltip,
    ).transform_filter("datum.kind == 'range' && isValid(datum.best)")
    if legend_pick is not None:
        rule, marks = _range_selections(rule, marks, legend_pick)
    ends = _open_end_marks(base, x_scale, method_scale, interactive, lift)
    if narrow:  # a claim's marks and notes on its last step (below a two-line label)
        drawn = [layer.transform_filter("datum.slot == datum.last_slot") for layer in (rule, *ends, marks, best_tick)]
        return [*drawn, *_narrow_texts(base, x_scale)]
    notes = base.mark_text(align="left", dx=9, fontSize=11, color="#333").encode(
        x=alt.X("high:Q", scale=x_scale), text="annotation:N",
    ).transform_filter("datum.annotation != ''")
    heads = base.mark_text(align="left", baseline="middle", fontWeight="bold", fontSize=11, color="#222",
                           limit=width + 260).encode(
        x=alt.value(-(min(280, width // 2))), text="heading:N",
    ).transform_filter("datum.kind == 'header'")
    return [rule, *ends, marks, best_tick, notes, heads]


#: A scope heading longer than this breaks before its last " · " that fits (two lines on a phone).
_NARROW_HEADING_CHARS = 44
_CHAR_PX = 5.8  # a generous width of one 11 px character, to judge whether a note fits beside its mark
#: Beside a mark on a phone the verdict is said in its short words (the tooltip keeps the reasons).
_NARROW_FLAGS = {"anchor": VERDICT_MARKS["anchor"],
                 **{v: VERDICT_LABELS[v] for v in VERDICT_MARKS if v in VERDICT_LABELS}}
_NARROW_NOTE = ("datum.qualifier_mark && datum.phone_flag ? datum.qualifier_mark + ' · ' + datum.phone_flag"
                " : datum.qualifier_mark + datum.phone_flag")


def _narrow_flag_expr() -> str:
    """Vega expression: the short verdict flag of a row ("" when it has none)."""
    flag = "''"
    for verdict, words in _NARROW_FLAGS.items():
        flag = f"datum.comparability === {json.dumps(verdict)} ? {json.dumps(words)} : ({flag})"
    return flag


def _narrow_texts(base: alt.Chart, x_scale: alt.Scale) -> list[alt.Chart]:
    """The phone layout's words: row labels above their marks, scope headings, notes beside the marks."""
    full = alt.ExprRef(expr="width")
    top = 2 - _NARROW_STEP // 2
    # a one-line label tops its row; a two-line one sits low in its first step, just above its marks
    labels = [base.mark_text(align="left", baseline="top", yOffset=offset, fontSize=11, color="#222",
                             lineBreak="\n", limit=full).encode(
        x=alt.value(0), text="label_lines:N",
    ).transform_filter(f"datum.kind != 'header' && datum.slot == 0 && datum.last_slot == {last}")
        for last, offset in ((0, top), (1, 0))]
    n = _NARROW_HEADING_CHARS
    cut = f"lastindexof(substring(datum.heading, 0, {n}), ' · ')"
    two = f"length(datum.heading) > {n} && {cut} > 0"
    split = f"substring(datum.heading, 0, {cut}) + '\\n' + substring(datum.heading, {cut} + 3)"
    # one line sits low in its row, next to the claims it heads; two lines fill the row
    heads = [base.mark_text(align="left", baseline="top", yOffset=top, fontWeight="bold", fontSize=11,
                            color="#222", lineBreak="\n", limit=full).encode(
        x=alt.value(0), text="heading_lines:N",
    ).transform_filter(f"datum.kind == 'header' && {two}").transform_calculate(heading_lines=split),
        base.mark_text(align="left", baseline="bottom", yOffset=-top, fontWeight="bold", fontSize=11,
                       color="#222", limit=full).encode(
        x=alt.value(0), text="heading:N",
    ).transform_filter(f"datum.kind == 'header' && !({two})")]
    return [*labels, *heads, *_narrow_notes(base, x_scale)]


def _narrow_notes(base: alt.Chart, x_scale: alt.Scale) -> list[alt.Chart]:
    """The note (qualifier, verdict) beside a mark on a phone: right of it where it fits, else left of it,
    else the qualifier alone on the roomier side (a qualifier travels with its figure)."""
    right, left = "(width - scale('x', datum.high) - 12)", "(scale('x', datum.low) - 12)"
    fits_r, fits_l = (f"{room} >= {_CHAR_PX} * length(datum.phone_note)" for room in (right, left))
    places = (
        (fits_r, "phone_note", "high"),
        (f"!({fits_r}) && {fits_l}", "phone_note", "low"),
        (f"!({fits_r}) && !({fits_l}) && {right} >= {left}", "qualifier_mark", "high"),
        (f"!({fits_r}) && !({fits_l}) && {right} < {left}", "qualifier_mark", "low"),
    )
    return [
        base.mark_text(align="left" if end == "high" else "right", dx=9 if end == "high" else -9,
                       yOffset=_NARROW_LIFT, fontSize=11, color="#333").encode(
            x=alt.X(f"{end}:Q", scale=x_scale),
            text=alt.when(test).then(alt.Text(f"{field}:N")).otherwise(alt.value("")),
        ).transform_filter("datum.slot == datum.last_slot").transform_calculate(
            phone_flag=_narrow_flag_expr()).transform_calculate(phone_note=_NARROW_NOTE).transform_filter(
            "datum.phone_note != ''")
        for test, field, end in places
    ]


def _open_end_marks(base: alt.Chart, x_scale: alt.Scale, methods: alt.Scale, interactive: bool,
                    lift: dict[str, Any]) -> list[alt.Chart]:
    """An arrowhead (▶ / ◀) at each open end of a range, in the range's colour: the interval goes on.

    A point's open end is the arrow in the words beside it ("at least →"), where an arrowhead would
    sit on the words.
    """
    picked = ("(!length(data('legend_pick_store')) || vlSelectionTest('legend_pick_store', datum))"
              if interactive else "true")
    # as the range it ends: faint when not comparable to the anchor, fainter when another method is picked
    opacity = (alt.when(f"{picked} && datum.comparability !== 'not_comparable'").then(alt.value(0.95))
               .when(picked).then(alt.value(0.45)).otherwise(alt.value(0.08)))
    heads = []
    for end, shape, offset in (("high", "triangle-right", 4), ("low", "triangle-left", -4)):
        heads.append(base.mark_point(shape=shape, filled=True, size=110, xOffset=offset, strokeWidth=0, **lift).encode(
            x=alt.X(f"{end}:Q", scale=x_scale),
            fill=alt.Fill("method:N", scale=methods, legend=None),
            opacity=opacity,
            tooltip=[alt.Tooltip("claimant:N", title="claimant"), alt.Tooltip("open_text:N", title="open end")],
        ).transform_filter(alt.FieldEqualPredicate(field="kind", equal="range")).transform_filter(
            alt.FieldOneOfPredicate(field="open_end", oneOf=[end, "both"])))  # static: empty layers are dropped
    return heads


def _range_selections(rule: alt.Chart, marks: alt.Chart, legend_pick: alt.Parameter) -> tuple[alt.Chart, alt.Chart]:
    """Hover and click selections on the rules and the points, and the legend pick on the rules.

    Vega-Lite cannot share one selection between two layers of a view, so the
    range rules and the point marks each carry their own hover/click selection.
    """
    hover = alt.selection_point(name="hover", on="pointerover", clear="pointerout", fields=["claim_id"], empty=False)
    pick = alt.selection_point(name="pick", fields=["claim_id"], on="click", empty=False)
    hover_point = alt.selection_point(name="hover_point", on="pointerover", clear="pointerout",
                                      fields=["claim_id"], empty=False)
    pick_point = alt.selection_point(name="pick_point", fields=["claim_id"], on="click", empty=False)
    return rule.add_params(hover, pick, legend_pick), marks.add_params(hover_point, pick_point)


def _range_controls(chart: alt.LayerChart, lay: dict[str, Any]) -> alt.LayerChart:
    """Claimant and method pickers and a 'published up to' slider, bound in the page (no kernel needed)."""
    claimants, methods = lay["claimants"], lay["method_options"]
    y_min, y_max = lay["years"]
    bound = [
        _select_param("claimant", "Claimant ", claimants),
        _select_param("method", "Method ", methods, [METHOD_LABELS.get(m, m) for m in methods]),
        alt.param(name="until", value=y_max,
                  bind=alt.binding_range(min=y_min, max=max(y_max, y_min + 1), step=1,
                                         name="Published up to (year) ")),
    ]
    chart = chart.transform_filter(
        "datum.kind == 'header' || ("
        "(claimant == null || datum.claimant == claimant)"
        " && (method == null || datum.method == method)"
        " && (!isValid(datum.year) || datum.year <= until))"
    ).transform_joinaggregate(
        shown="valid(claim_id)", groupby=["scope_label"],
    ).transform_filter("datum.kind != 'header' || datum.shown > 0")
    return chart.add_params(*bound)


# --------------------------------------------------------------------------- as-of timeline
_AS_OF_COLUMNS = ["date", "claimant", "claim_id", "low", "high"]


def _stale_steps(s: pd.DataFrame, stale_after_days: int) -> pd.DataFrame:
    """Mark where each carried-forward figure goes stale, and split each claimant's line there.

    A row is added at the day a figure's period ended `stale_after_days` ago
    (when that falls before the claimant's next figure); every run of fresh or
    stale steps is its own `segment`, closed at the next run's first date, so
    stale spans can be drawn apart and no line joins across them as a trend.
    """
    if s.empty or "period_end_date" not in s.columns:
        return s.assign(stale=False, segment=s["claimant"] + "#0" if len(s) else "")
    ends = pd.to_datetime(s["period_end_date"], errors="coerce")
    s = s.assign(stale=(s["date"] - ends).dt.days > stale_after_days)
    out = []
    for _, grp in s.groupby("claimant", sort=False):
        grp = grp.reset_index(drop=True)
        turns_at = pd.to_datetime(grp["period_end_date"], errors="coerce") + pd.Timedelta(days=stale_after_days + 1)
        dates = list(grp["date"])
        rows = [grp]
        for i, turns in enumerate(list(turns_at)[:-1]):  # the last row is the carried-forward tail
            if dates[i] < turns < dates[i + 1]:  # NaT compares False: no period end, no turn
                extra = grp.iloc[[i]].assign(date=turns, stale=True, new_claim=False)
                rows.append(extra)
        g = pd.concat(rows, ignore_index=True).sort_values("date", kind="stable").reset_index(drop=True)
        run = (g["stale"] != g["stale"].shift()).cumsum()
        g["segment"] = g["claimant"] + "#" + run.astype(str)
        closers = [g[run == k].tail(1).assign(date=g.loc[run == k + 1, "date"].iloc[0])
                   for k in run.unique() if (run == k + 1).any()]
        out.append(pd.concat([g, *closers], ignore_index=True).sort_values(["date", "segment"], kind="stable"))
    return pd.concat(out, ignore_index=True)


def _as_of_table(series: pd.DataFrame, stale_after_days: int = STALE_AFTER_DAYS) -> pd.DataFrame:
    _require(series, _AS_OF_COLUMNS, "as_of series")
    s = series.copy()
    s["date"] = pd.to_datetime(s["date"], errors="coerce")
    s["low"] = pd.to_numeric(s["low"], errors="coerce")
    s["high"] = pd.to_numeric(s["high"], errors="coerce")
    s["best"] = pd.to_numeric(_col(s, "best", None), errors="coerce")
    s = s[s["date"].notna() & s["low"].notna() & s["high"].notna()].copy()
    s = s.sort_values(["claimant", "date"], kind="stable")
    s["claimant"] = s["claimant"].map(lambda v: short_text(v, 120))
    s["claim_id"] = s["claim_id"].map(lambda v: short_text(v, 80))
    s["new_claim"] = s["claim_id"].ne(s.groupby("claimant")["claim_id"].shift())
    if len(s):
        # carry each claimant's last figure to the end, so the last step has a width
        end = s["date"].max() + max((s["date"].max() - s["date"].min()) * 0.03, pd.Timedelta(days=7))
        tails = s.groupby("claimant", sort=False).tail(1).copy()
        tails["date"] = end
        tails["new_claim"] = False
        s = pd.concat([s, tails], ignore_index=True).sort_values(["claimant", "date"], kind="stable")
    s = _stale_steps(s, stale_after_days)
    s["figure_text"] = [stated_text(lo, hi, q, b) for lo, hi, q, b in zip(
        s["low"], s["high"], _col(s, "qualifier", "none"), s["best"], strict=True)]
    s["stale_text"] = ["stale: carried forward past its age, not a trend" if x else "" for x in s["stale"]]
    s["published"] = _col(s, "published").map(lambda v: short_text(v, 20) or "unknown")
    s["relay_text"] = _col(s, "relay_chain").map(lambda v: short_text(v, 200) or "(claimant's own publication)")
    s["url"] = pd.Series([safe_url(v) for v in _col(s, "url")], index=s.index, dtype=object)
    s["url_text"] = [u if u else "(no http/https link)" for u in s["url"]]
    s["period_text"] = s.apply(stated_period_text, axis=1) if len(s) else ""
    return s


def at_year(when: pd.Timestamp | str) -> float:
    """A date as the decimal year the `at` param holds (2017-01-10 → 2017.0246…).

    A slider over epoch milliseconds would show readers 13-digit numbers; a
    decimal year reads as a date, and `_AT_DATE` turns it back into one.
    """
    ts = pd.Timestamp(when)
    return ts.year + (ts.day_of_year - 1) / 365.25


_AT_DATE = "utc(floor(at), 0, 1 + round((at - floor(at)) * 365.25))"
"""Vega expression: the `at` decimal year as a UTC date, as ISO dates in the data are (days overflow into months)."""


def as_of_param(dates: pd.Series, at: pd.Timestamp | str | None, bind: bool) -> alt.Parameter:
    """The `at` ('as of') date param timeline charts share: a slider in reports, set from Python live.

    Composed charts (`kit.ui.GapExplorer`) declare it once over all their panels.
    """
    lo, hi = pd.Timestamp(dates.min()), pd.Timestamp(dates.max())
    value = round(at_year(at if at is not None else hi), 4)
    if not bind:
        return alt.param(name="at", value=value)
    return alt.param(
        name="at", value=value,
        bind=alt.binding_range(min=math.floor(at_year(lo) * 100) / 100, max=math.ceil(at_year(hi) * 100) / 100,
                               step=0.01, name="As of "),
    )


def _at_marks(dates: pd.Series) -> list[alt.Chart]:
    """A dashed rule at the `at` date and its date written beside it (inside the plot)."""
    one = alt.InlineData(values=[{}])
    x = alt.X(datum=alt.ExprRef(expr=_AT_DATE), type="temporal")
    rule = alt.Chart(one).mark_rule(color="black", strokeDash=[2, 2]).encode(x=x)
    middle = round((at_year(dates.min()) + at_year(dates.max())) / 2, 4) if len(dates) else 0
    label = alt.Chart(one).mark_text(
        align=alt.ExprRef(expr=f"at > {middle} ? 'right' : 'left'"),
        dx=alt.ExprRef(expr=f"at > {middle} ? -4 : 4"),
        baseline="top", fontSize=11, color="#222",
        text=alt.ExprRef(expr=f"'as of ' + utcFormat({_AT_DATE}, '%d %b %Y')"),
    ).encode(x=x, y=alt.value(2))
    return [rule, label]


def as_of_chart(
    series: pd.DataFrame,
    *,
    interactive: bool = True,
    log_scale: bool = False,
    at: pd.Timestamp | str | None = None,
    bind_at: bool = True,
    declare_at: bool = True,
    width: int = 560,
    height: int = 260,
    title: str | None = None,
) -> alt.LayerChart:
    """What each claimant had said by each date: step lines with a low–high band.

    Input is `kit.compare.as_of` output (date, claimant, claim_id, low, best,
    high, published, url, relay_chain). A point marks each new publication,
    with its provenance in the tooltip and a link to its http(s) URL. With
    `at`, a vertical rule marks that date through the `at` param (a slider when
    `bind_at`, set from Python by `kit.ui.GapExplorer` otherwise);
    `declare_at=False` draws the rule but leaves declaring `at` to a composed chart.
    """
    s = _as_of_table(series)
    _check_rows(s, "as_of_chart")
    cols = ["date", "claimant", "claim_id", "low", "high", "best", "new_claim", "figure_text", "published",
            "relay_text", "url", "url_text", "period_text", "stale", "stale_text", "segment"]
    data = inline_data(s, cols)
    y_scale = alt.Scale(type="symlog") if log_scale else alt.Scale(zero=True)
    legend_pick = alt.selection_point(name="legend_pick", fields=["claimant"], bind="legend")
    hover = alt.selection_point(name="hover", on="pointerover", clear="pointerout", fields=["claim_id"], empty=False)
    opacity = alt.when(legend_pick).then(alt.value(1.0)).otherwise(alt.value(0.1)) if interactive else alt.value(1.0)
    band_opacity = (
        alt.when(legend_pick).then(alt.value(0.22)).otherwise(alt.value(0.03)) if interactive else alt.value(0.22)
    )
    x = alt.X("date:T", title="date")
    base = alt.Chart(data).encode(x=x, color=alt.Color("claimant:N", title="claimant",
                                                      legend=alt.Legend(orient="bottom", labelLimit=320)))
    tooltip = [
        alt.Tooltip("claimant:N"), alt.Tooltip("figure_text:N", title="figure"),
        alt.Tooltip("published:N"), alt.Tooltip("period_text:N", title="period"),
        alt.Tooltip("relay_text:N", title="relay chain"), alt.Tooltip("url_text:N", title="URL"),
        alt.Tooltip("claim_id:N", title="claim id"), alt.Tooltip("stale_text:N", title="age"),
    ]
    # each run of fresh or stale steps is its own path; stale runs (a figure carried forward
    # past its age) are drawn thin and dotted, so a reader does not take them for a trend
    stale = alt.datum.stale
    width_enc = alt.when(stale).then(alt.value(0.8)).otherwise(alt.value(1.5))
    band = base.mark_area(interpolate="step-after").encode(
        y=alt.Y("low:Q", scale=y_scale, title="figure known by date"), y2="high:Q", opacity=band_opacity,
        detail="segment:N",
    )
    low_line = base.mark_line(interpolate="step-after").encode(
        y=alt.Y("low:Q", scale=y_scale), opacity=opacity, detail="segment:N", strokeWidth=width_enc,
        strokeDash=alt.when(stale).then(alt.value([1, 3])).otherwise(alt.value([1, 0])),
    )
    high_line = base.mark_line(interpolate="step-after").encode(
        y=alt.Y("high:Q", scale=y_scale), opacity=opacity, detail="segment:N", strokeWidth=width_enc,
        strokeDash=alt.when(stale).then(alt.value([1, 3])).otherwise(alt.value([5, 2])),
    )
    points = base.mark_point(filled=True, size=60, cursor="pointer").encode(
        y=alt.Y("high:Q", scale=y_scale),
        opacity=opacity,
        size=(
            alt.when(hover, empty=False).then(alt.value(160)).otherwise(alt.value(60)) if interactive else alt.value(60)
        ),
        tooltip=tooltip,
        href="url:N",
    ).transform_filter("datum.new_claim")
    if interactive:
        # a legend-bound selection works only on the first layer (whose legend
        # is drawn); hover sits on the points it enlarges. In a concat, altair
        # lifts the two under each other's views (a duplicate signal), so
        # composite charts build this one with interactive=False.
        band = band.add_params(legend_pick)
        points = points.add_params(hover)
    layers: list[alt.Chart] = [band, low_line, high_line, points]
    if at is not None:
        layers.extend(_at_marks(s["date"]))
    # build the layer once: altair names the views of lifted selections when
    # layering, and a second layering of the same charts leaves stale names
    props: dict[str, Any] = {"width": width, "height": height}
    if title:
        props["title"] = alt.Title(short_text(title, 200), anchor="start")
    # every property in one call: a later .properties() changes the view's
    # content hash, and selections lifted into a concat then name a stale view
    chart = layer_chart(*layers).properties(**props)
    if at is not None and declare_at:
        chart = chart.add_params(as_of_param(s["date"], at, bind_at))
    return chart


# --------------------------------------------------------------------------- gap chart
_GAP_COLUMNS = ["date", "gap_low", "gap_high"]


def gap_chart(
    gap: pd.DataFrame,
    *,
    labels: tuple[str, str] | None = None,
    metric: Literal["gap", "ratio", "both"] = "both",
    show_mid: bool = False,
    at: pd.Timestamp | str | None = None,
    bind_at: bool = True,
    declare_at: bool = True,
    width: int = 560,
    height: int = 200,
) -> alt.LayerChart | alt.VConcatChart:
    """The gap (a − b) and/or ratio (a / b) between two as-of series as interval bands.

    Input is `kit.compare.gap_over_time` output. Only bands are drawn: a
    ratio of two ranges is itself a range. `show_mid` adds the band's midpoint
    as a thin dashed line beside it, for orientation only. `labels` names
    a and b (defaults to `gap.attrs['claimant_a'/'claimant_b']`).
    """
    _require(gap, _GAP_COLUMNS, "gap series")
    g = _gap_frame(gap)
    a_name, b_name = labels if labels is not None else _gap_labels(g, gap)
    has_ratio = {"ratio_low", "ratio_high"} <= set(g.columns)
    look = _GapLook(
        data=inline_data(g), tooltip=_gap_tooltip(a_name, b_name, "verdict_text" in g.columns),
        flagged="verdict" in g.columns, show_mid=show_mid, at_dates=g["date"] if at is not None else None,
        width=width, height=height,
    )
    panels: list[alt.LayerChart] = []
    if metric in ("gap", "both"):
        panels.append(_gap_panel(look, "gap_low", "gap_high", "gap_mid", 0.0,
                                 f"gap: {a_name} − {b_name} (interval)", "gap_hover"))
    if metric in ("ratio", "both"):
        if not has_ratio:
            raise ValueError("gap series: ratio_low/ratio_high columns are needed for metric='ratio'")
        panels.append(_gap_panel(look, "ratio_low", "ratio_high", "ratio_mid", 1.0,
                                 f"ratio: {a_name} / {b_name} (interval)", "ratio_hover"))
    chart: alt.LayerChart | alt.VConcatChart = (
        panels[0] if len(panels) == 1 else alt.vconcat(*panels).resolve_scale(x="shared"))
    notes = []
    if "verdict" in g.columns and g["verdict"].eq("not_comparable").any():
        notes.append("Grey: dates where the two latest figures are not comparable, so no gap is drawn (hover for why)")
    if g["stale"].any():
        notes.append("Pale, dashed: a side's latest figure is stale (carried forward past its age), not a trend")
    if g[["gap_low_open", "gap_high_open", "ratio_low_open", "ratio_high_open"]].any().any():
        notes.append("Dotted edge: no bound there (a floor such as 'at least' leaves that end open)")
    if notes:
        chart = chart.properties(title=alt.TitleParams(
            notes if len(notes) > 1 else notes[0], fontSize=11, fontWeight="normal", anchor="start"))
    if at is not None and declare_at:
        chart = chart.add_params(as_of_param(g["date"], at, bind_at))
    return chart


def _gap_frame(gap: pd.DataFrame) -> pd.DataFrame:
    """Dated, sorted rows with finite numbers, the last step carried a little forward, and texts for tooltips."""
    g = gap.copy()
    g["date"] = pd.to_datetime(g["date"], errors="coerce")
    num_cols = [c for c in ("a_low", "a_high", "b_low", "b_high", "gap_low", "gap_high", "ratio_low", "ratio_high")
                if c in g.columns]
    for c in num_cols:
        g[c] = pd.to_numeric(g[c], errors="coerce").where(lambda v: v.map(lambda x: not math.isinf(x)))
    g = g[g["date"].notna()].sort_values("date")
    _check_rows(g, "gap_chart")
    g = _gap_segments(g)
    g["a_text"] = [stated_text(lo, hi, q) for lo, hi, q in zip(_col(g, "a_low", None), _col(g, "a_high", None),
                                                                _col(g, "a_qualifier", "none"), strict=True)]
    g["b_text"] = [stated_text(lo, hi, q) for lo, hi, q in zip(_col(g, "b_low", None), _col(g, "b_high", None),
                                                                _col(g, "b_qualifier", "none"), strict=True)]
    not_comp = _col(g, "verdict").eq("not_comparable")
    g["gap_text"] = [
        "none: not comparable" if nc else bounded_text(lo, hi, op, kind="gap")
        for lo, hi, op, nc in zip(g["gap_low"], g["gap_high"], _col(g, "gap_open"), not_comp, strict=True)]
    has_ratio = {"ratio_low", "ratio_high"} <= set(g.columns)
    g["ratio_text"] = (
        ["none: not comparable" if nc else bounded_text(lo, hi, op) if pd.notna(lo)
         else "undefined (divisor range touches 0)"
         for lo, hi, op, nc in zip(g["ratio_low"], g["ratio_high"], _col(g, "ratio_open"), not_comp, strict=True)]
        if has_ratio else ""
    )
    for metric in ("gap", "ratio"):
        opened = _col(g, f"{metric}_open").fillna("").astype(str)
        g[f"{metric}_low_open"] = opened.isin(["low", "both", "minimums", "maximums"])
        g[f"{metric}_high_open"] = opened.isin(["high", "both", "minimums", "maximums"])
    g["consistency_text"] = [consistency_text(k, r) for k, r in zip(_col(g, "consistency", None),
                                                                     _col(g, "radius", None), strict=True)]
    g["stale_text"] = ["stale: a figure carried forward past its age, not a trend" if s_ else ""
                       for s_ in _col(g, "stale", False).fillna(False)]
    g["gap_mid"] = (g["gap_low"] + g["gap_high"]) / 2
    if has_ratio:
        g["ratio_mid"] = (g["ratio_low"] + g["ratio_high"]) / 2
    if "verdict" in g.columns:
        g["date_next"] = g["date"].shift(-1).fillna(g["date"])
        g["verdict_text"] = [
            short_text(f"{VERDICT_LABELS.get(str(v), v)}" + (f": {r}" if short_text(r) else ""), 400)
            for v, r in zip(g["verdict"], _col(g, "reasons"), strict=True)
        ]
    return g


def _gap_segments(g: pd.DataFrame) -> pd.DataFrame:
    """Rows grouped into runs a line may join: a new `segment` starts wherever the pair stops or starts
    being comparable or stale, and each run is closed at the next run's first date so its last step
    reaches it. Lines are drawn per segment, so they break across not comparable spans."""
    if g.empty:
        return g.assign(segment=pd.Series(dtype=int), stale=pd.Series(dtype=bool))
    g = g.reset_index(drop=True)
    g["stale"] = _col(g, "stale", False).fillna(False).astype(bool)
    state = list(zip(_col(g, "verdict").eq("not_comparable"), g["stale"], strict=True))
    g["segment"] = pd.Series([i == 0 or state[i] != state[i - 1] for i in range(len(g))]).cumsum()
    # carry the last interval forward a little so the last step is visible
    end = g["date"].max() + max((g["date"].max() - g["date"].min()) * 0.03, pd.Timedelta(days=7))
    closers = []
    for seg, rows in g.groupby("segment", sort=True):
        nxt = g.loc[g["segment"] > seg, "date"]
        closer = rows.tail(1).copy()
        closer["date"] = nxt.iloc[0] if len(nxt) else end
        closers.append(closer)
    return pd.concat([g, *closers], ignore_index=True).sort_values(["date", "segment"], kind="stable")


def _gap_labels(g: pd.DataFrame, gap: pd.DataFrame) -> tuple[str, str]:
    """Names of side a and side b: from the rows, else the frame's attrs, else 'A' and 'B'."""
    names = []
    for side in ("a", "b"):
        col = f"claimant_{side}"
        value = g[col].iloc[0] if col in g.columns and len(g) else gap.attrs.get(col, side.upper())
        names.append(short_text(value, 60))
    return names[0], names[1]


def _gap_tooltip(a_name: str, b_name: str, with_verdict: bool) -> list[alt.Tooltip]:
    tooltip = [
        alt.Tooltip("date:T", format="%Y-%m-%d"),
        alt.Tooltip("a_text:N", title=f"{a_name} (known)"),
        alt.Tooltip("b_text:N", title=f"{b_name} (known)"),
        alt.Tooltip("gap_text:N", title=f"gap {a_name} − {b_name}"),
        alt.Tooltip("ratio_text:N", title=f"ratio {a_name} / {b_name}"),
        alt.Tooltip("consistency_text:N", title="both can be true?"),
        alt.Tooltip("stale_text:N", title="age"),
    ]
    if with_verdict:
        tooltip.append(alt.Tooltip("verdict_text:N", title="scope"))
    return tooltip


@dataclass(frozen=True)
class _GapLook:
    """What every panel of one gap chart shares."""

    data: dict[str, list[dict[str, Any]]]  # inline rows (`inline_data`)
    tooltip: list[alt.Tooltip]
    flagged: bool  # the rows carry verdicts: grey out the not comparable dates
    show_mid: bool
    at_dates: pd.Series | None  # the dates, when an as-of rule is drawn
    width: int
    height: int


def _gap_panel(look: _GapLook, lo: str, hi: str, mid: str, ref: float, title: str, name: str) -> alt.LayerChart:
    """One interval band (gap or ratio) with its edges, reference line, hover marks and grey backdrops."""
    x = alt.X("date:T", title="date")
    base = alt.Chart(look.data).encode(x=x)
    # one path per segment: no line joins dates across a not comparable or stale span;
    # stale spans (a figure carried forward past its age) are paler and dashed
    stale = alt.datum.stale
    band = base.mark_area(interpolate="step-after", color="#5b6bb5").encode(
        y=alt.Y(f"{lo}:Q", title=title), y2=f"{hi}:Q", detail="segment:N",
        opacity=alt.when(stale).then(alt.value(0.12)).otherwise(alt.value(0.35)),
    ).transform_filter(f"isValid(datum.{lo}) && isValid(datum.{hi})")
    # an open end (a floor's "at least") is no bound: its edge is dotted, never drawn as a limit
    edges = [
        base.mark_line(interpolate="step-after", color="#33407a", strokeWidth=1).encode(
            y=f"{c}:Q", detail="segment:N",
            strokeDash=alt.when(f"datum.{c}_open").then(alt.value([1, 3]))
            .when(stale).then(alt.value([3, 3])).otherwise(alt.value([1, 0])),
        ).transform_filter(f"isValid(datum.{c})")
        for c in (lo, hi)
    ]
    ref_rule = alt.Chart(alt.InlineData(values=[{"ref": ref}])).mark_rule(color="#999").encode(y="ref:Q")
    near = alt.selection_point(name=name, on="pointerover", clear="pointerout", nearest=True, fields=["date"],
                               empty=False)
    # invisible until the pointer is near: then the interval at that date is marked
    hits = base.mark_point(size=120, filled=True, color="#33407a").encode(
        y=f"{hi}:Q", tooltip=look.tooltip,
        opacity=alt.when(near).then(alt.value(0.9)).otherwise(alt.value(0.0)),
    ).transform_filter(f"isValid(datum.{hi})").add_params(near)
    layers: list[alt.Chart] = [band, *edges, ref_rule, hits]
    if look.flagged:
        # dates where the two latest figures are not comparable get a grey
        # backdrop, so no one reads the band there as a like-for-like gap
        flagged = alt.Chart(look.data).mark_rect(color="#9e9e9e", opacity=0.25).encode(
            x=x, x2="date_next:T",
            tooltip=[alt.Tooltip("date:T", format="%Y-%m-%d"), alt.Tooltip("verdict_text:N", title="scope")],
        ).transform_filter("datum.verdict === 'not_comparable'")
        layers.insert(0, flagged)
    if look.show_mid:
        layers.append(base.mark_line(interpolate="step-after", strokeDash=[4, 4], color="#33407a",
                                     strokeWidth=1).encode(y=f"{mid}:Q", detail="segment:N")
                      .transform_filter(f"isValid(datum.{mid})"))
    if look.at_dates is not None:
        layers.extend(_at_marks(look.at_dates))
    return layer_chart(*layers).properties(width=look.width, height=look.height)


# --------------------------------------------------------------------------- comparability matrix
_PAIR_COLUMNS = (("claim_a", "claim_b"), ("a", "b"), ("claim_id_a", "claim_id_b"), ("left", "right"), ("row", "column"))


def _matrix_long(matrix: pd.DataFrame) -> pd.DataFrame:
    """Long (pair per row) or square (claims × claims) matrix → long frame."""
    if "verdict" in matrix.columns:
        for a, b in _PAIR_COLUMNS:
            if {a, b} <= set(matrix.columns):
                out = pd.DataFrame({"claim_a": matrix[a], "claim_b": matrix[b], "verdict": matrix["verdict"]})
                out["reasons"] = _col(matrix, "reasons", "")
                return out
        raise ValueError(f"comparability matrix: cannot find the pair columns among {list(matrix.columns)}")
    stacked = matrix.rename_axis(index="claim_a", columns="claim_b").stack(future_stack=True)
    assert isinstance(stacked, pd.Series), "a square matrix has one level of columns, so it stacks to a Series"
    long = stacked.rename("cell").reset_index()
    long["verdict"] = long["cell"].map(lambda c: getattr(c, "verdict", c))
    long["reasons"] = long["cell"].map(lambda c: getattr(c, "reasons", ""))
    return long.drop(columns=["cell"])


def comparability_matrix_chart(
    matrix: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    cell: int = 18,
) -> alt.Chart:
    """Heatmap of scope verdicts between claims; reasons in the tooltip.

    Accepts `kit.scope.comparability_matrix` output either long (claim_a,
    claim_b, verdict, reasons) or square (claims × claims of verdicts or
    ScopeComparison objects). The diagonal (a claim with itself) is dropped.
    """
    m = _matrix_long(matrix)
    m = m[m["claim_a"] != m["claim_b"]].copy()
    m = m[m["verdict"].notna()]
    _check_rows(m, "comparability_matrix_chart")
    lab = dict(labels or {})
    ids = list(dict.fromkeys([*m["claim_a"], *m["claim_b"]]))
    shown = {c: short_text(lab.get(c, c), 80) for c in ids}
    counts = pd.Series(list(shown.values()), dtype=object).value_counts()
    shown = {c: (v if counts[v] == 1 else f"{v} [{short_text(c, 60)}]") for c, v in shown.items()}
    m["a_label"] = m["claim_a"].map(shown)
    m["b_label"] = m["claim_b"].map(shown)
    m["verdict"] = m["verdict"].map(lambda v: short_text(v, 40))
    m["verdict_label"] = m["verdict"].map(lambda v: VERDICT_LABELS.get(v, v))
    m["reasons_text"] = m["reasons"].map(
        lambda r: short_text("; ".join(map(str, r)) if isinstance(r, (list, tuple)) else r, 600) or "(no differences)"
    )
    order = list(dict.fromkeys([*m["a_label"], *m["b_label"]]))
    data = inline_data(m, ["claim_a", "claim_b", "a_label", "b_label", "verdict", "verdict_label", "reasons_text"])
    pick = alt.selection_point(name="verdict_pick", fields=["verdict"], bind="legend")
    return alt.Chart(data).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("b_label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-50, labelLimit=200)),
        y=alt.Y("a_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
        color=alt.Color("verdict:N", title="scope verdict",
                        scale=alt.Scale(domain=list(VERDICT_ORDER), range=[VERDICT_COLORS[v] for v in VERDICT_ORDER]),
                        legend=alt.Legend(orient="bottom", labelExpr=(
                            "replace(datum.label, /_/g, ' ')"))),
        opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.15)),
        tooltip=[alt.Tooltip("a_label:N", title="claim"), alt.Tooltip("b_label:N", title="against"),
                 alt.Tooltip("verdict_label:N", title="verdict"), alt.Tooltip("reasons_text:N", title="reasons")],
    ).add_params(pick).properties(width=alt.Step(cell), height=alt.Step(cell))


# --------------------------------------------------------------------------- admissions against assessments
_REPORT_KINDS = (("credible", "found credible"), ("non_credible", "found not credible"), ("duplicates", "duplicates"))


def monthly_reports_chart(reports: pd.DataFrame, *, width: int = 560, title: str | None = None) -> alt.VConcatChart:
    """A belligerent's monthly reports over time: allegations it assessed (by outcome) and still open,
    above the deaths each month admitted.

    Input is `kit.ledger.load_monthly_reports().reports`. Months with no
    report have no bar (nothing is filled in); a count a report did not state
    is left out, not drawn as zero.
    """
    _require(reports, ["month_start", "report_id", "completed", "open", "deaths_added", "total"], "monthly reports")
    r = reports.drop(columns=["month"], errors="ignore").copy()
    r["month_start"] = pd.to_datetime(r["month_start"])
    long = []
    for row in r.to_dict("records"):
        for col, label in _REPORT_KINDS:
            value = pd.to_numeric(row[col], errors="coerce")
            if not pd.isna(value):
                done = pd.to_numeric(row["completed"], errors="coerce")
                long.append({"month": row["month_start"], "outcome": label, "reports": int(value),
                             "report_id": short_text(row["report_id"], 60),
                             "completed": None if pd.isna(done) else int(done)})
    bars = pd.DataFrame(long, columns=["month", "outcome", "reports", "report_id", "completed"])
    x = alt.X("month:T", title="month assessed", timeUnit="yearmonth")
    order = [label for _, label in _REPORT_KINDS]
    assessed = alt.Chart(alt.InlineData(values=inline_data(bars)["values"])).mark_bar().encode(
        x=x, y=alt.Y("reports:Q", title="allegations assessed that month", stack="zero"),
        color=alt.Color("outcome:N", scale=alt.Scale(domain=order, range=["#0072B2", "#BBBBBB", "#E69F00"]),
                        legend=alt.Legend(orient="bottom", title=None)),
        order=alt.Order("outcome:N"),
        tooltip=[alt.Tooltip("month:T", format="%b %Y"), "outcome:N", "reports:Q",
                 alt.Tooltip("completed:Q", title="completed (stated)"), alt.Tooltip("report_id:N", title="report")],
    )
    opened = r[r["open"].notna()].assign(open_reports=lambda d: d["open"].astype(float))
    # a line joins only reports of consecutive months: no trend is drawn across months with no report
    months = opened["month_start"].dt.year * 12 + opened["month_start"].dt.month
    opened = opened.assign(run=(months.diff() != 1).cumsum())
    open_line = alt.Chart(alt.InlineData(values=inline_data(
        opened.rename(columns={"month_start": "month"}), ["month", "open_reports", "report_id", "run"])["values"])
    ).mark_line(point=True, color="#333", strokeDash=[4, 2]).encode(
        x=x, y=alt.Y("open_reports:Q", title="allegations still open (dashed)"), detail="run:N",
        tooltip=[alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("open_reports:Q", title="still open"),
                 alt.Tooltip("report_id:N", title="report")],
    )
    top = layer_chart(assessed, open_line).resolve_scale(y="independent").properties(width=width, height=200)
    added = r[r["deaths_added"].notna()].rename(columns={"month_start": "month"}).assign(
        deaths=lambda d: d["deaths_added"].astype(float),
        total_text=lambda d: [format_figure_or_blank(t) for t in d["total"]])
    admitted = alt.Chart(alt.InlineData(values=inline_data(added, ["month", "deaths", "total_text", "report_id"])[
        "values"])).mark_bar(color="#0072B2").encode(
        x=x, y=alt.Y("deaths:Q", title="deaths admitted that month"),
        tooltip=[alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("deaths:Q", title="deaths added"),
                 alt.Tooltip("total_text:N", title="cumulative total stated"),
                 alt.Tooltip("report_id:N", title="report")],
    ).properties(width=width, height=140)
    chart = alt.vconcat(top, admitted).resolve_scale(x="shared")
    if title:
        chart = chart.properties(title=alt.Title(short_text(title, 200), anchor="start"))
    return chart


def format_figure_or_blank(value: object) -> str:
    """A stated total for a tooltip ("" when the report stated none)."""
    return format_range(value, value)
