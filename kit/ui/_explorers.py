"""Live explorers: ipywidgets controls driving altair charts, the same call rendering statically.

An investigator in JupyterLab picks sources, place, period and an anchor claim
and sees at once what is comparable to it; clicking a mark shows where the
number came from. Under `kit render` (``KIT_RENDER`` set) the same explorer
displays the chart builders' static charts whose Vega-Lite params run in the
browser, because widgets need a kernel that an offline report does not have.

All filtering and aggregation happens here in pandas/DuckDB, so a chart never
receives more than a bounded number of rows (`kit.present.charts.MAX_CHART_ROWS`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any, Literal

import altair as alt
import ipywidgets as W
import pandas as pd

from kit.compare import admission_lag, as_of, gap_over_time, open_label, ratio_range
from kit.core import JupyterChartCompat, RangeError, is_rendering
from kit.core.vocab import VERDICT_LABELS
from kit.ledger import claim_range, load_gazetteer
from kit.present import (
    bounded_text,
    consistency_text,
    escape_text,
    format_figure,
    format_range,
    lag_text,
    live_chart,
    safe_link,
    safe_url,
    short_text,
    stated_text,
)
from kit.present.charts import (
    MAX_CHART_ROWS,
    as_of_chart,
    as_of_param,
    at_year,
    claims_chart_frame,
    claims_range_chart,
    gap_chart,
    layer_chart,
    range_chart_from_frame,
    range_chart_layout,
    range_chart_rows,
)
from kit.scope import compare_scopes

_LIVE_DATA = "kit_claims"
_ALL = "(all)"


class _Explorer:
    """Shared display logic: widgets live, the static chart under `kit render`."""

    widget: W.Widget

    def static_chart(self) -> alt.TopLevelMixin:  # pragma: no cover - abstract
        raise NotImplementedError

    def display(self) -> None:
        """Show the explorer: widgets live, the equivalent static chart in a report."""
        from IPython.display import display

        display(self.static_chart() if is_rendering() else self.widget)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if is_rendering():
            return self.static_chart()._repr_mimebundle_(**kwargs)
        return self.widget._repr_mimebundle_(**kwargs)


def _claim_row(rows: pd.DataFrame, claim_id: str) -> pd.Series:
    """One claim of a frame indexed by claim id; ids are unique in a loaded ledger, so `.loc` gives a Series."""
    row = rows.loc[claim_id]
    assert isinstance(row, pd.Series), f"claim id {claim_id!r} is not unique"
    return row


def _e(value: object) -> str:
    """HTML-escaped display text, bounded (quotes too: values may land in attributes)."""
    return str(escape_text(short_text(value, 2000)))


def _link(url: object) -> str:
    ok = safe_url(url)
    if not ok:
        return f"{_e(url)} <i>(not an http/https link)</i>" if short_text(url) else "<i>none</i>"
    return str(safe_link(ok, short_text(ok, 2000)))


def _claims_frame(claims: Any) -> pd.DataFrame:
    frame = getattr(claims, "claims", claims)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected the claims DataFrame or a LoadResult, got {type(claims).__name__}")
    missing = [c for c in ("claim_id", "claimant", "low", "high") if c not in frame.columns]
    if missing:
        raise ValueError(f"claims frame lacks column(s) {', '.join(missing)}")
    return frame.reset_index(drop=True)


def _period_bounds(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each claim's period as timestamps; an open end runs to the publication date."""
    start = pd.to_datetime(frame.get("period_start_date", pd.Series(pd.NaT, index=frame.index)), errors="coerce")
    end = pd.to_datetime(frame.get("period_end_date", pd.Series(pd.NaT, index=frame.index)), errors="coerce")
    known = pd.to_datetime(frame.get("known_from", pd.Series(pd.NaT, index=frame.index)), errors="coerce")
    return start, end.fillna(known)


# =========================================================================== ClaimExplorer
class ClaimExplorer(_Explorer):
    """Filter claims, anchor on one, see what compares to it and where each figure came from.

    Attributes for code and tests: `frame` (the filtered claims with
    `comparability`, `comparability_reason` and, in ratio mode, `ratio_low/high`),
    `chart_frame` (the display table the chart is drawn from), `spec` (the
    Vega-Lite dict the live widget receives: one template per anchor and
    metric, laid out for the whole ledger, only its rows swapped), `chart`
    (the filtered rows as an altair chart laid out for them),
    `jchart` (the `alt.JupyterChart`, created on first use), `card` (the
    provenance card), `status`, and the control widgets (`claimants`, `country`,
    `governorate`, `city`, `wider`, `period`, `outcome`, `victims`, `methods`,
    `anchor`, `metric`).
    """

    def __init__(
        self,
        claims: Any,
        gazetteer: Any = None,
        *,
        anchor: str | None = None,
        title: str | None = None,
    ) -> None:
        self.claims = _claims_frame(claims)
        if gazetteer is None:
            gazetteer = load_gazetteer()
        self.gazetteer = gazetteer
        self.title = title
        self._verdicts: dict[tuple[str, str], tuple[str, str]] = {}
        self._records: dict[str, dict[str, Any]] | None = None
        self._jchart: alt.JupyterChart | None = None  # the chart widget shown
        self._widgets: dict[str, alt.JupyterChart] = {}  # a chart widget per layout drawn (figures, ratios)
        self._templates: dict[str, tuple[dict[str, Any], alt.LayerChart]] = {}
        self._key: str | None = None
        self._methods = sorted(self.claims["method"].dropna().unique()) if "method" in self.claims else None
        self._views: dict[tuple[str, bool], tuple[pd.DataFrame, list[dict[str, Any]], str | None]] = {}
        self._last_pick: dict[str, tuple[str, ...]] = {}
        c = self.claims
        self._start, self._end = _period_bounds(c)

        claimants = sorted(c["claimant"].dropna().unique())
        self.claimants = W.SelectMultiple(options=claimants, value=tuple(claimants), description="Claimants",
                                          rows=min(8, max(3, len(claimants))))
        countries = [(self.gazetteer.name(p), p) for p in self._kind_children(None)]
        self.country = W.Dropdown(options=[(_ALL, "")] + countries, value="", description="Country")
        self.governorate = W.Dropdown(options=[(_ALL, "")], value="", description="Governorate")
        self.city = W.Dropdown(options=[(_ALL, "")], value="", description="City / area")
        self.wider = W.Checkbox(value=False, description="include claims about a wider area")
        months = self._months()
        self.period = W.SelectionRangeSlider(options=[(m.strftime("%Y-%m"), m) for m in months],
                                             index=(0, len(months) - 1), description="Period",
                                             layout=W.Layout(width="520px"))
        self.outcome = W.Dropdown(options=[_ALL, *sorted(c.get("outcome", pd.Series(dtype=str)).dropna().unique())],
                                  value=_ALL, description="Outcome")
        self.victims = W.Dropdown(options=[_ALL, *sorted(c.get("victims", pd.Series(dtype=str)).dropna().unique())],
                                  value=_ALL, description="Victims")
        methods = sorted(c.get("method", pd.Series(dtype=str)).dropna().unique())
        self.methods = W.SelectMultiple(options=methods, value=tuple(methods), description="Methods",
                                        rows=min(7, max(3, len(methods))))
        self.anchor = W.Dropdown(options=[("(no anchor)", "")] + self._anchor_options(), value=anchor or "",
                                 description="Anchor")
        self.metric = W.ToggleButtons(options=[("figures", "absolute"), ("ratio to anchor", "ratio")],
                                      value="absolute", description="Show")
        self.card = W.HTML(value=self._card_html(None))
        self.status = W.HTML()
        self._box = W.VBox()

        self.country.observe(self._on_country, names="value")
        self.governorate.observe(self._on_governorate, names="value")
        for w in (self.claimants, self.city, self.wider, self.period, self.outcome, self.victims,
                  self.methods, self.anchor, self.metric):
            w.observe(self._refresh, names="value")
        self._refresh()

    # -- building blocks ------------------------------------------------------
    def _kind_children(self, parent: str | None) -> list[str]:
        f = self.gazetteer.frame
        if parent is None:
            return list(f.loc[f["kind"] == "country", "place_id"])
        return list(self.gazetteer.children(parent))

    def _months(self) -> list[pd.Timestamp]:
        dates = pd.concat([self._start, self._end]).dropna()
        if dates.empty:
            return [pd.Timestamp("2014-01-01"), pd.Timestamp("2014-02-01")]
        months = list(pd.date_range(dates.min().to_period("M").to_timestamp(),
                                    dates.max().to_period("M").to_timestamp(), freq="MS"))
        return months if len(months) > 1 else [months[0], months[0] + pd.offsets.MonthBegin()]

    def _anchor_options(self) -> list[tuple[str, str]]:
        c = self.claims
        return [
            (short_text(f"{r.claimant} · {format_range(r.low, r.high)} · {r.claim_id}", 90), str(r.claim_id))
            for r in c.sort_values("claimant").itertuples(index=False)
        ]

    def _on_country(self, change: dict[str, Any]) -> None:
        country = change["new"]
        options = [(_ALL, "")]
        if country:
            options += sorted((self.gazetteer.name(p), p) for p in self._kind_children(country))
        with self.governorate.hold_trait_notifications():
            self.governorate.options = options
            self.governorate.value = ""
        self._refresh()

    def _on_governorate(self, change: dict[str, Any]) -> None:
        gov = change["new"]
        options = [(_ALL, "")]
        if gov:
            options += sorted((self.gazetteer.name(p), p) for p in self.gazetteer.descendants(gov))
        with self.city.hold_trait_notifications():
            self.city.options = options
            self.city.value = ""
        self._refresh()

    @property
    def place(self) -> str | None:
        """The most specific place picked, or None for all places."""
        return self.city.value or self.governorate.value or self.country.value or None

    # -- filtering ------------------------------------------------------------
    def _filtered(self) -> pd.DataFrame:
        c = self.claims
        keep = c["claimant"].isin(self.claimants.value)
        if "method" in c:
            keep &= c["method"].isin(self.methods.value)
        if self.outcome.value != _ALL:
            keep &= c["outcome"] == self.outcome.value
        if self.victims.value != _ALL:
            keep &= c["victims"] == self.victims.value
        lo, hi = self.period.value
        hi_end = hi + pd.offsets.MonthEnd(0)
        overlaps = (self._start.isna() | (self._start <= hi_end)) & (self._end.isna() | (self._end >= lo))
        keep &= overlaps
        place = self.place
        if place:
            wanted = {"same", "within", "overlaps"} | ({"contains"} if self.wider.value else set())
            places = c["places_list"] if "places_list" in c else c["places"].map(lambda s: tuple(str(s).split(";")))
            rel = [self._relation(tuple(p), place) in wanted for p in places]
            keep &= pd.Series(rel, index=c.index)
        out = c[keep].copy()
        anchor = self.anchor.value
        if anchor and anchor not in set(out["claim_id"]):
            out = pd.concat([c[c["claim_id"] == anchor], out])  # the anchor stays visible
        return out

    def _relation(self, places: tuple[str, ...], place: str) -> str:
        try:
            return str(self.gazetteer.relation(places, (place,)))
        except KeyError:
            return "unknown"

    def _verdict(self, anchor_id: str, claim_id: str) -> tuple[str, str]:
        key = (anchor_id, claim_id)
        if key not in self._verdicts:
            if self._records is None:  # plain dicts: a Series row per comparison cost most of an anchor change
                rows = self.claims.to_dict("records")
                self._records = {str(r["claim_id"]): {str(k): v for k, v in r.items()} for r in rows}
            result = compare_scopes(self._records[anchor_id], self._records[claim_id], self.gazetteer)
            self._verdicts[key] = (str(result.verdict), "; ".join(map(str, result.reasons)))
        return self._verdicts[key]

    def _with_anchor(self, frame: pd.DataFrame, anchor: str | None = None,
                     metric: str | None = None) -> tuple[pd.DataFrame, list[str]]:
        """Verdicts against the anchor (and ratios to it in the ratio view); the controls' choice by default."""
        notes: list[str] = []
        anchor = self.anchor.value if anchor is None else anchor
        metric = metric or self.metric.value
        frame = frame.copy()
        if not anchor:
            frame["comparability"] = ""
            frame["comparability_reason"] = ""
            if metric == "ratio":
                notes.append("pick an anchor claim to see ratios; showing figures")
            return frame, notes
        verdicts = [("anchor", "") if cid == anchor else self._verdict(anchor, cid) for cid in frame["claim_id"]]
        frame["comparability"] = [v for v, _ in verdicts]
        frame["comparability_reason"] = [r for _, r in verdicts]
        if metric == "ratio":
            a_row = _claim_row(self.claims.set_index("claim_id", drop=False), anchor)
            dropped = frame["comparability"] == "not_comparable"
            if dropped.any():
                notes.append(
                    f"{int(dropped.sum())} claim(s) not comparable to the anchor are left out of the ratio view"
                )
            frame = frame[~dropped].copy()
            lows: list[float | None] = []
            highs: list[float | None] = []
            opens: list[str] = []
            for _, row in frame.iterrows():
                if row["claim_id"] == anchor:
                    lows.append(1.0)
                    highs.append(1.0)
                    opens.append("")
                    continue
                try:
                    r = ratio_range(row, a_row)
                    lows.append(r.low)
                    highs.append(r.high)
                    opens.append(open_label(claim_range(row), claim_range(a_row), r))
                except (RangeError, ZeroDivisionError) as exc:
                    lows.append(None)
                    highs.append(None)
                    opens.append("")
                    notes.append(f"no ratio for {row['claim_id']}: {exc}")
            frame["ratio_open"] = opens
            frame["ratio_low"] = pd.array(lows, dtype="Float64")
            frame["ratio_high"] = pd.array(highs, dtype="Float64")
            frame["ratio_best"] = pd.array([None] * len(frame), dtype="Float64")
        return frame, notes

    def _refresh(self, _change: object = None) -> None:
        frame, notes = self._with_anchor(self._filtered())
        self.frame = frame
        ratio = self.metric.value == "ratio" and bool(self.anchor.value)
        self._chart_kwargs = {**self._frame_kwargs(frame, self.anchor.value, ratio),
                              **({"x_title": _RATIO_TITLE, "log_scale": True} if ratio else {})}
        chart_input = frame.drop(columns=["comparability", "comparability_reason"])
        self._options = self._view_options(ratio)
        # the display rows of the whole ledger, built once per anchor and metric, then picked
        full_frame, full_rows, key = self._full_view(self.anchor.value, ratio)
        ids = set(frame["claim_id"])
        self.chart_frame = full_frame[full_frame["claim_id"].isin(ids)].reset_index(drop=True)
        records = _pick_rows(full_rows, ids) if ids else []
        # the live spec: one per anchor and metric, laid out for the whole ledger; a filter changes its rows only
        self.spec = None if key is None else {**self._templates[key][0], "datasets": {_LIVE_DATA: records}}
        self._key = key
        self._chart_input = chart_input
        n = len(frame)
        msg = f"<b>{n}</b> of {len(self.claims)} claims shown"
        if self.anchor.value:
            counts = frame["comparability"].value_counts()
            msg += " · vs anchor: " + ", ".join(
                f"{VERDICT_LABELS.get(str(k), str(k))} {int(v)}" for k, v in counts.items() if k != "anchor")
        self.status.value = msg + "".join(f"<br><i>{_e(n_)}</i>" for n_ in notes)
        self._push(records)

    def _push(self, records: list[dict[str, Any]]) -> None:
        """Update the live chart: only its rows while a widget shows the layout, the whole spec when none does.

        Why: a new spec makes the browser compile and embed the chart again
        (the slow path); new rows only re-run Vega's dataflow in the drawn view.
        Figures and ratios each keep a widget of their own (`_preload`), so the
        ratio toggle shows the other one and sends it rows.
        """
        if self._jchart is None or self.spec is None or self._key is None:
            return
        widget = self._widgets.get(self._key)
        if widget is None:  # a layout no widget draws: the shown one takes it
            widget = self._jchart
            JupyterChartCompat.push_data(widget, _LIVE_DATA, records, spec=self.spec)
            self._widgets = {k: w for k, w in self._widgets.items() if w is not widget}
            self._widgets[self._key] = widget
        else:
            JupyterChartCompat.push_data(widget, _LIVE_DATA, records)
        self._show(widget)

    def _show(self, widget: alt.JupyterChart) -> None:
        """Show `widget` and hide the other chart widgets (all stay in the box: none is drawn again)."""
        self._jchart = widget
        for other in self._widgets.values():
            other.layout.display = "" if other is widget else "none"

    def _view_options(self, ratio: bool) -> dict[str, Any]:
        """Layout options of the live view: one colour domain (the ledger's methods) for every anchor."""
        options: dict[str, Any] = dict(controls=False, links=False, title=self.title, methods=self._methods,
                                       for_phones=False)
        if ratio:
            options.update(x_title=_RATIO_TITLE, log_scale=True)
        return options

    def _frame_kwargs(self, frame: pd.DataFrame, anchor: str, ratio: bool) -> dict[str, Any]:
        """What the chart frame of `frame` is built with: the anchor, each claim's verdict, the ratio columns."""
        kwargs: dict[str, Any] = dict(anchor=anchor or None, gazetteer=self.gazetteer)
        if anchor:
            kwargs["comparability"] = dict(zip(frame["claim_id"], zip(frame["comparability"],
                                               frame["comparability_reason"], strict=True), strict=True))
        if ratio:
            kwargs["value_columns"] = ("ratio_low", "ratio_best", "ratio_high")
        return kwargs

    def _full_view(self, anchor: str, ratio: bool) -> tuple[pd.DataFrame, list[dict[str, Any]], str | None]:
        """The chart frame, chart rows and layout key of every claim for one anchor and metric, cached.

        Why: building the display table is the slow part of an update (hundreds
        of ms); a filter then only picks rows. Scope order and labels stay those
        of the whole ledger, so groups keep their place while filtering. The
        layout (axis scale and title, colour domain) is the whole ledger's too:
        Vega fits the axis domain and the chart height (a step per row) to the
        rows it gets, so a filter never sends a new spec, which the browser
        would compile and embed again (150-300 ms); only rows travel.
        """
        key = (anchor, ratio)
        if key not in self._views:
            full, _ = self._with_anchor(self.claims, anchor, "ratio" if ratio else "absolute")
            t = claims_chart_frame(full.drop(columns=["comparability", "comparability_reason"]),
                                   **self._frame_kwargs(full, anchor, ratio))
            self._views[key] = (t, range_chart_rows(t) if len(t) else [], self._template(t, self._view_options(ratio)))
        return self._views[key]

    def _template(self, t: pd.DataFrame, options: dict[str, Any]) -> str | None:
        """Key of the live spec laid out for chart frame `t`, built once per layout.

        Views with equal layouts (absolute figures against any anchor) share
        one key, so changing the anchor sends rows, not a spec. altair
        validates a spec when it is made into a dict; the chart widget does so
        itself when it is created from a template, so before that the template
        skips it (a second validation cost up to a second of the first chart).
        """
        if t.empty:
            return None
        key = json.dumps(range_chart_layout(t, **options), sort_keys=True, default=str)
        if key not in self._templates:
            chart = range_chart_from_frame(t, data_name=_LIVE_DATA, **options)
            self._templates[key] = (chart.to_dict(validate=self._jchart is not None), chart)
        return key

    @property
    def chart(self) -> alt.LayerChart | alt.Chart:
        """The live view as an altair chart (built on demand; the widget itself receives `spec`)."""
        if self.chart_frame.empty:
            return alt.Chart(alt.InlineData(values=[{"m": "no claims match these filters"}])).mark_text(
                size=14).encode(text="m:N").properties(width=520, height=60)
        return range_chart_from_frame(self.chart_frame, data_name=_LIVE_DATA, **self._options)

    # -- live chart and provenance card ----------------------------------------
    @property
    def jchart(self) -> alt.JupyterChart:
        """The live chart widget; created on first use so reports never carry widget state."""
        if self._jchart is None:
            if self._key is None or self.spec is None:  # an empty ledger: the "no claims" chart
                self._jchart = live_chart(chart=self.chart)
                JupyterChartCompat.observe_selections(self._jchart, self._on_selection)
            else:  # the view's chart (its selections), showing the filtered rows
                self._jchart = self._widget(self._key, self.spec)
                self._preload()
        return self._jchart

    def _widget(self, key: str, spec: dict[str, Any]) -> alt.JupyterChart:
        """A chart widget drawing the template `key` with the rows of `spec`."""
        widget = live_chart(chart=self._templates[key][1])
        JupyterChartCompat.push_data(widget, _LIVE_DATA, [], spec=spec)
        JupyterChartCompat.observe_selections(widget, self._on_selection)
        self._widgets[key] = widget
        return widget

    def _preload(self) -> None:
        """Lay out the other metric's view in a hidden widget of its own, so the ratio toggle sends rows only.

        Ratios need an anchor: without one, the first claim's ratio view gives
        the layout (every anchor's is the same: log axis, the ledger's methods).
        """
        anchor = self.anchor.value or next((v for _, v in self.anchor.options if v), "")
        ratio = not (self.metric.value == "ratio" and bool(self.anchor.value))
        if not anchor:
            return
        _, _, key = self._full_view(anchor, ratio)
        if key is not None and key not in self._widgets:
            self._widget(key, {**self._templates[key][0], "datasets": {_LIVE_DATA: []}})
        if self._jchart is not None:
            self._show(self._jchart)

    @property
    def widget(self) -> W.VBox:
        self.jchart  # noqa: B018 - ensure the chart widget exists
        self._render_box()
        return self._box

    def _render_box(self) -> None:
        """Lay the widgets out once: rebuilding the boxes would make the browser redraw the chart view.

        The provenance card sits over the chart, full width (a column beside a
        wide chart squeezed it to a few words per line).
        """
        if self._jchart is None or self._box.children:
            return
        charts = list(self._widgets.values()) or [self._jchart]
        place = W.VBox([self.country, self.governorate, self.city, self.wider])
        filters = W.HBox([W.VBox([self.claimants, self.methods]), W.VBox([place, self.outcome, self.victims])])
        self.card.layout = W.Layout(min_width="320px", max_width="760px")
        self._box.children = [filters, self.period, W.HBox([self.anchor, self.metric]), self.status,
                              self.card, *charts]

    def _on_selection(self, change: dict[str, Any]) -> None:
        """A click in the chart (pick on ranges, pick_point on points) fills the card."""
        picked: str | None = None
        for name in ("pick", "pick_point"):
            sel = (change["new"] or {}).get(name) or {}
            value = sel.get("value") or {}
            points = value.get("vlPoint", {}).get("or", []) if isinstance(value, dict) else []
            ids = tuple(str(p.get("claim_id")) for p in points if p.get("claim_id") is not None)
            if ids and ids != self._last_pick.get(name):
                picked = ids[-1]
            self._last_pick[name] = ids
        if picked is not None:
            self.show_claim(picked)

    def show_claim(self, claim_id: str) -> None:
        """Fill the provenance card with one claim (also what a chart click does)."""
        self.card.value = self._card_html(claim_id)

    def _card_html(self, claim_id: str | None) -> str:
        if claim_id is None:
            return "<div style='max-width:340px'><i>Click a claim in the chart to see where it came from.</i></div>"
        rows = self.claims[self.claims["claim_id"] == claim_id]
        if rows.empty:
            return f"<div><i>unknown claim {_e(claim_id)}</i></div>"
        r = rows.iloc[0]
        relay = short_text(r.get("relay_chain")) or "(read at the claimant's own publication)"
        period = f"{short_text(r.get('period_start')) or '?'} – {short_text(r.get('period_end')) or 'publication'}"
        qual = short_text(r.get("qualifier"))
        figure = stated_text(r["low"], r["high"], qual or "none", r.get("best"))
        items = [
            ("Claimant", f"{_e(r['claimant'])} ({_e(r.get('claimant_type'))})"),
            ("Figure", f"{_e(figure)} {_e(r.get('unit'))}: {_e(r.get('victims'))} {_e(r.get('outcome'))}"),
            ("Relay chain", _e(relay)),
            ("Source status", _e(r.get("source_status"))),
            ("Published", _e(r.get("published") or "unknown")),
            ("Period", _e(period)),
            ("Places", _e(self._place_label(r))),
            ("Method", _e(short_text(r.get("method")).replace("_", " "))),
            ("Grade", _e(r.get("grade") or "–")),
            ("URL", _link(r.get("url"))),
            ("Note", _e(r.get("note") or "–")),
        ]
        anchor = self.anchor.value
        if anchor:
            if anchor == claim_id:
                items.append(("Vs anchor", "this is the anchor claim"))
            else:
                verdict, reason = self._verdict(anchor, claim_id)
                text = f"<b>{_e(VERDICT_LABELS.get(verdict, verdict))}</b>" + (f": {_e(reason)}" if reason else "")
                hit = self.frame[self.frame["claim_id"] == claim_id]
                if "ratio_low" in hit and len(hit) and pd.notna(hit["ratio_low"].iloc[0]):
                    ratio = bounded_text(hit["ratio_low"].iloc[0], hit["ratio_high"].iloc[0],
                                         hit["ratio_open"].iloc[0] if "ratio_open" in hit else "")
                    text += f"<br>ratio to anchor: {_e(ratio)}"
                items.append(("Vs anchor", text))
        body = "".join(f"<tr><th style='text-align:left;vertical-align:top;padding-right:8px'>{k}</th>"
                       f"<td style='overflow-wrap:break-word'>{v}</td></tr>" for k, v in items)
        return (f"<div class='kit-provenance' style='min-width:320px;max-width:760px'><b>{_e(claim_id)}</b>"
                f"<table>{body}</table></div>")

    def _place_label(self, row: pd.Series) -> str:
        places = row.get("places_list") or tuple(str(row.get("places") or "").split(";"))
        try:
            return self.gazetteer.label(places)
        except (KeyError, AttributeError):
            return ";".join(places)

    def static_chart(self) -> alt.LayerChart | alt.Chart:
        """The current view with offline Vega-Lite controls and links (for reports)."""
        if self.frame.empty:
            return self.chart
        return claims_range_chart(self._chart_input, controls=True, links=True, title=self.title,
                                  **self._chart_kwargs)


_RATIO_TITLE = "ratio to the anchor claim (interval, ×)"


def _pick_rows(rows: list[dict[str, Any]], ids: set[str]) -> list[dict[str, Any]]:
    """The chart rows of the claims in `ids`, with the heading row of each scope that keeps a claim."""
    scopes = {r.get("scope_label") for r in rows if r.get("kind") != "header" and r.get("claim_id") in ids}
    return [r for r in rows
            if (r.get("claim_id") in ids if r.get("kind") != "header" else r.get("scope_label") in scopes)]


# =========================================================================== GapExplorer
class GapExplorer(_Explorer):
    """Two claimants in one scope: their as-of series, the gap over time, and a date slider.

    The slider says what each side had said by that date and, when one side is
    a belligerent, the admission lag (how long before an admission the other
    side had already documented as many). Attributes: `series`, `gap`, `lag`,
    `chart`, `jchart`, `date` (slider), `summary` (HTML), `lines` (the same as
    plain text, for reports), `said` (each side's latest as-of row), `at`.
    """

    def __init__(
        self,
        claims: Any,
        claimant_a: str,
        claimant_b: str,
        *,
        gazetteer: Any = None,
        metric: Literal["gap", "ratio", "both"] = "both",
        **scope: Any,
    ) -> None:
        self.claims = _claims_frame(claims)
        self.claimant_a, self.claimant_b = claimant_a, claimant_b
        self.scope = scope
        self.metric = metric
        parts = [as_of(self.claims, name, **scope) for name in (claimant_a, claimant_b)]
        parts = [p for p in parts if not p.empty]
        if not parts:
            raise ValueError(f"neither {claimant_a!r} nor {claimant_b!r} has a dated claim in this scope ({scope})")
        self.series = pd.concat(parts, ignore_index=True)
        self.gap = gap_over_time(self.claims, claimant_a, claimant_b, gazetteer=gazetteer, **scope)
        types = self.claims.drop_duplicates("claimant").set_index("claimant").get("claimant_type", pd.Series(dtype=str))
        self.belligerent = next((n for n in (claimant_b, claimant_a) if types.get(n) == "belligerent"), None)
        other = claimant_a if self.belligerent == claimant_b else claimant_b
        self.lag = (admission_lag(self.claims, self.belligerent, other, **scope)
                    if self.belligerent else pd.DataFrame())
        dates = sorted(set(pd.to_datetime(self.series["date"])))
        weekly = pd.date_range(dates[0], dates[-1], freq="7D")
        options = sorted(set(dates) | set(weekly))
        self.date = W.SelectionSlider(options=[(d.strftime("%Y-%m-%d"), d) for d in options], value=options[-1],
                                      description="As of", layout=W.Layout(width="560px"))
        self.summary = W.HTML()
        self._jchart: alt.JupyterChart | None = None
        self.chart = self._build(options[-1], bind=False)
        self.date.observe(self._on_date, names="value")
        self._on_date({"new": self.date.value})

    @property
    def at(self) -> pd.Timestamp:
        return pd.Timestamp(self.date.value)

    def _build(self, at: pd.Timestamp, *, bind: bool) -> alt.VConcatChart:
        top = as_of_chart(self.series, at=at, bind_at=bind, declare_at=False, interactive=False,
                          title=f"What {self.claimant_a} and {self.claimant_b} had said by each date")
        panels: list[Any] = [top]
        if not self.gap.empty:
            panels.append(gap_chart(self.gap, labels=(self.claimant_a, self.claimant_b), metric=self.metric,
                                    at=at, bind_at=bind, declare_at=False))
        # one time axis for the timeline and the gap panels, so the dates line up
        return alt.vconcat(*panels).resolve_scale(x="shared").add_params(
            as_of_param(pd.to_datetime(self.series["date"]), at, bind))

    def _said_by(self, claimant: str, at: pd.Timestamp) -> pd.Series | None:
        s = self.series[(self.series["claimant"] == claimant) & (pd.to_datetime(self.series["date"]) <= at)]
        return None if s.empty else s.sort_values("date").iloc[-1]

    def _on_date(self, change: dict[str, Any]) -> None:
        at = pd.Timestamp(change["new"])
        lines = [f"As of {at:%Y-%m-%d}"]
        said = {}
        for name in (self.claimant_a, self.claimant_b):
            row = self._said_by(name, at)
            said[name] = row
            if row is None:
                lines.append(f"{name}: no figure published yet in this scope")
            else:
                lines.append(f"{name}: {stated_text(row['low'], row['high'], row.get('qualifier'), row.get('best'))} "
                             f"({row['claim_id']}, published {short_text(row.get('published'))}; "
                             f"via {short_text(row.get('relay_chain')) or 'own publication'})")
        g = self.gap[pd.to_datetime(self.gap["date"]) <= at] if not self.gap.empty else self.gap
        if len(g):
            last = g.iloc[-1]
            if last.get("verdict") == "not_comparable":
                text = "no gap or ratio: the two latest figures are not comparable"
            else:
                text = f"gap {bounded_text(last['gap_low'], last['gap_high'], last.get('gap_open'), kind='gap')}"
                if pd.notna(last.get("ratio_low")):
                    text += f"; ratio {bounded_text(last['ratio_low'], last['ratio_high'], last.get('ratio_open'))}"
                text += f"; {consistency_text(last.get('consistency'), last.get('radius'))}"
            if bool(last.get("stale", False)):
                text += " · stale: a figure carried forward past its age (no trend)"
            if "verdict" in last and str(last["verdict"]) not in ("", "not checked"):
                text += f" · scope: {VERDICT_LABELS.get(str(last['verdict']), last['verdict'])}"
            lines.append(text)
        if self.belligerent and not self.lag.empty:
            done = self.lag[pd.to_datetime(self.lag["admitted_on"]) <= at]
            if len(done):
                r = done.iloc[-1]
                lo, hi, other = r["lag_low_days"], r["lag_high_days"], r["monitor_claim"]
                if pd.isna(lo):
                    lag = "the other side had not published as many in this scope"
                elif lo >= 0:
                    lag = f"{lag_text(lo, hi)} after {other} had documented as many"
                elif hi <= 0:
                    lag = f"{lag_text(-hi, -lo)} before {other} documented as many"
                else:
                    lag = f"between {lag_text(0, -lo)} before and {lag_text(0, hi)} after {other} documented as many"
                lines.append(f"admission lag: {self.belligerent} admitted {format_figure(r['admitted_low'])} "
                             f"on {pd.Timestamp(r['admitted_on']):%Y-%m-%d}, {lag}")
        elif not self.belligerent:
            lines.append("admission lag: neither side is a belligerent in the ledger")
        self.lines = lines
        self.said = said
        self.summary.value = f"<b>{_e(lines[0])}</b><br>" + "<br>".join(_e(line) for line in lines[1:])
        if self._jchart is not None:
            self._jchart.params.set_trait("at", at_year(at))  # `at`: a trait JupyterChart adds at run time

    @property
    def jchart(self) -> alt.JupyterChart:
        if self._jchart is None:
            self._jchart = live_chart(chart=self.chart)
            self._jchart.params.set_trait("at", at_year(self.at))
        return self._jchart

    @property
    def widget(self) -> W.VBox:
        return W.VBox([self.date, self.summary, self.jchart])

    def static_chart(self) -> alt.VConcatChart:
        """Both charts with the date as an offline Vega-Lite slider (`at`)."""
        return self._build(self.at, bind=True)


# =========================================================================== IncidentExplorer
_INCIDENT_DEFAULTS = {
    "date": "date_start",
    "low": "civilians_killed_low",
    "high": "civilians_killed_high",
    "group": "source",
}


class IncidentExplorer(_Explorer):
    """Monthly civilian-death ranges per source from up to millions of incident rows.

    The constructor builds one pre-aggregated cube (month × group × filter
    columns, summed low/high and counts) with DuckDB; each control change
    filters and re-groups that cube, so an update touches thousands of rows,
    not millions, and the chart inlines at most `MAX_CHART_ROWS`.
    """

    def __init__(
        self,
        incidents: pd.DataFrame,
        *,
        filters: Sequence[str] = ("governorate", "grade"),
        date: str = _INCIDENT_DEFAULTS["date"],
        low: str = _INCIDENT_DEFAULTS["low"],
        high: str = _INCIDENT_DEFAULTS["high"],
        group: str = _INCIDENT_DEFAULTS["group"],
        title: str | None = None,
        gazetteer: Any = None,
    ) -> None:
        missing = [c for c in (date, low, high, group, *filters) if c not in incidents.columns]
        if missing:
            raise ValueError(f"incident frame lacks column(s) {', '.join(missing)}")
        self.incidents = incidents
        self.cols = {"date": date, "low": low, "high": high, "group": group}
        self.filter_cols = list(filters)
        self.title = title
        self.cube = self._cube(incidents)
        self.undated = int(pd.to_datetime(incidents[date], errors="coerce").isna().sum())
        groups = sorted(self.cube["group"].dropna().unique())
        self.groups = W.SelectMultiple(options=groups, value=tuple(groups), description=group.title(),
                                       rows=min(6, max(2, len(groups))))
        self.filter_widgets: dict[str, W.SelectMultiple] = {}
        for col in self.filter_cols:
            values = sorted(self.cube[col].dropna().astype(str).unique())
            options = _place_options(values, gazetteer)
            self.filter_widgets[col] = W.SelectMultiple(options=options, value=tuple(values),
                                                        description=col.replace("_", " ").title(),
                                                        style={"description_width": "initial"},
                                                        rows=min(6, max(2, len(values))))
        months = sorted(self.cube["month"].dropna().unique())
        self.period = W.SelectionRangeSlider(options=[(pd.Timestamp(m).strftime("%Y-%m"), pd.Timestamp(m))
                                                      for m in months],
                                             index=(0, len(months) - 1), description="Period",
                                             layout=W.Layout(width="520px"))
        self.status = W.HTML()
        self._jchart: alt.JupyterChart | None = None
        self._template: dict[str, Any] | None = None
        self.last_update_ms = 0.0
        for w in (self.groups, self.period, *self.filter_widgets.values()):
            w.observe(self._refresh, names="value")
        self._refresh()

    def _cube(self, incidents: pd.DataFrame) -> pd.DataFrame:
        """month × group × filters with summed ranges: computed once, in DuckDB."""
        import duckdb

        c = self.cols
        dims = ", ".join(f"{_sql_label(f)} AS \"{f}\"" for f in self.filter_cols)
        tips = "".join(f', SUM("{v}")::DOUBLE AS "{v}"' for v in _VICTIM_SUMS if v in incidents.columns)
        if "quality_flags" in incidents.columns:
            tips += ", SUM(CASE WHEN COALESCE(\"quality_flags\", '') <> '' THEN 1 ELSE 0 END)::BIGINT AS flagged"
        sql = f"""
            SELECT date_trunc('month', CAST("{c['date']}" AS TIMESTAMP)) AS month,
                   {_sql_label(c['group'])} AS "group"{', ' + dims if dims else ''},
                   SUM(COALESCE("{c['low']}", 0))::DOUBLE AS low,
                   SUM(COALESCE("{c['high']}", "{c['low']}", 0))::DOUBLE AS high,
                   COUNT(*)::BIGINT AS incidents{tips}
            FROM incidents
            WHERE "{c['date']}" IS NOT NULL
            GROUP BY ALL
        """
        con = duckdb.connect()
        try:
            con.register("incidents", incidents)
            cube = con.execute(sql).df()
        finally:
            con.close()
        for f in self.filter_cols:
            cube[f] = cube[f].astype("category")
        cube["group"] = cube["group"].astype("category")
        return cube

    def selection(self) -> dict[str, Any]:
        """The current control values, in the form `aggregate_raw` also accepts."""
        lo, hi = self.period.value
        return {"groups": tuple(self.groups.value), "period": (lo, hi),
                "filters": {k: tuple(w.value) for k, w in self.filter_widgets.items()}}

    def aggregate(self, selection: dict[str, Any] | None = None) -> pd.DataFrame:
        """Monthly totals per group for a selection, from the pre-aggregated cube."""
        return _aggregate(self.cube, "month", "group", self.selection() if selection is None else selection)

    def aggregate_raw(self, selection: dict[str, Any] | None = None) -> pd.DataFrame:
        """The same totals straight from the incident rows: the benchmark's baseline."""
        c = self.cols
        raw = self.incidents
        low = pd.to_numeric(raw[c["low"]], errors="coerce")
        frame = pd.DataFrame({
            "month": pd.to_datetime(raw[c["date"]], errors="coerce").dt.to_period("M").dt.to_timestamp(),
            "group": _labels(raw[c["group"]]),
            "low": low.fillna(0),
            # a blank high counts as its low, as in the cube (COALESCE(high, low, 0)) and the monthly chart
            "high": pd.to_numeric(raw[c["high"]], errors="coerce").fillna(low).fillna(0),
            **{f: _labels(raw[f]) for f in self.filter_cols},
            **{v: pd.to_numeric(raw[v], errors="coerce") for v in _VICTIM_SUMS if v in raw.columns},
        })
        if "quality_flags" in raw.columns:
            frame["flagged"] = (raw["quality_flags"].astype("string").fillna("") != "").astype("int64")
        frame["incidents"] = 1
        return _aggregate(frame, "month", "group", self.selection() if selection is None else selection)

    def _refresh(self, _change: object = None) -> None:
        """Re-aggregate and push only the new rows: the spec's structure never changes.

        The chart is built and validated once (`_template`); an update swaps the
        named dataset in a copy of that spec and assigns it to the live widget,
        so no altair validation runs per control change.
        """
        t0 = time.perf_counter()
        self.frame = self.aggregate()
        self.records = _monthly_records(self.frame)
        self.spec = self._spec(self.records)
        if self._jchart is not None:
            JupyterChartCompat.push_data(self._jchart, _MONTHLY_DATA, self.records)  # the drawn view keeps its spec
        self.last_update_ms = (time.perf_counter() - t0) * 1000
        selected = int(self.frame["incidents"].sum()) if len(self.frame) else 0
        undated = f"; {self.undated:,} without a date cannot be placed on the chart" if self.undated else ""
        self.status.value = (f"{len(self.incidents):,} incidents → {len(self.frame):,} chart rows "
                             f"({selected:,} incidents selected{undated})")

    def _spec(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        if self._template is None:
            self._template = _monthly_range_chart(records, self.cols["group"], self.title).to_dict()
        return {**self._template, "datasets": {_MONTHLY_DATA: records}}

    def spec_for(self, monthly: pd.DataFrame) -> dict[str, Any]:
        """The chart spec for monthly rows shaped as `aggregate` returns them, built without re-validation."""
        return self._spec(_monthly_records(monthly))

    @property
    def chart(self) -> alt.LayerChart:
        """The current view as an altair chart (built on demand; the live path uses `spec`)."""
        return _monthly_range_chart(self.records, self.cols["group"], self.title)

    @property
    def jchart(self) -> alt.JupyterChart:
        if self._jchart is None:
            self._jchart = live_chart(chart=self.chart)
        return self._jchart

    @property
    def widget(self) -> W.VBox:
        return W.VBox([W.HBox([self.groups, *self.filter_widgets.values()]), self.period, self.status, self.jchart])

    def static_chart(self) -> alt.LayerChart:
        return self.chart


_UNKNOWN = "(unknown)"


def _place_options(values: list[str], gazetteer: Any) -> list[tuple[str, str]]:
    """Filter options as (label, value): a column of gazetteer ids is listed by place name, sorted by name.

    Other columns (and ids the gazetteer lacks) keep their values as labels.
    `gazetteer` None loads the project's.
    """
    known = [v for v in values if v != _UNKNOWN]
    if known:
        gazetteer = load_gazetteer() if gazetteer is None else gazetteer
    if not known or not all(v in gazetteer for v in known):
        return [(v, v) for v in values]
    names = {v: gazetteer.name(v) for v in known}
    clashes = {n for n in names.values() if list(names.values()).count(n) > 1}
    labels = {v: f"{n} ({v})" if n in clashes else n for v, n in names.items()}
    return sorted(((labels.get(v, v), v) for v in values), key=lambda o: (o[1] == _UNKNOWN, o[0]))


def _sql_label(column: str) -> str:
    """A filter value as text; missing and empty become "(unknown)" so no row drops out of a filter."""
    return f"COALESCE(NULLIF(CAST(\"{column}\" AS VARCHAR), ''), '{_UNKNOWN}')"


def _labels(values: pd.Series) -> pd.Series:
    """The pandas twin of `_sql_label` (the raw-rows baseline must match the cube)."""
    text = values.astype("string").fillna("")
    return text.where(text != "", _UNKNOWN).astype(str)


def _aggregate(frame: pd.DataFrame, month: str, group: str, selection: dict[str, Any]) -> pd.DataFrame:
    keep = frame[group].isin(selection["groups"])
    lo, hi = selection["period"]
    keep &= (frame[month] >= pd.Timestamp(lo)) & (frame[month] <= pd.Timestamp(hi))
    for col, values in selection["filters"].items():
        keep &= frame[col].isin(values)
    values = ["low", "high", "incidents", *(v for v in (*_VICTIM_SUMS, "flagged") if v in frame.columns)]
    out = (frame.loc[keep, [month, group, *values]]
           .groupby([month, group], observed=True, sort=True).sum().reset_index())
    out[group] = out[group].astype(str)
    if len(out) > MAX_CHART_ROWS:
        raise ValueError(f"aggregation produced {len(out):,} rows (> {MAX_CHART_ROWS:,}); narrow the selection")
    return out


_MONTHLY_DATA = "kit_monthly"


_VICTIM_SUMS = ("children_killed_low", "children_killed_high", "women_killed_low", "women_killed_high",
                "men_killed_low", "men_killed_high", "named_victims")
"""Victim columns (kit.incidents.EXTRA_COLUMNS) summed per month for the tooltip, where the incidents have them."""


def _victims_tip(row: dict[Any, Any]) -> str:
    """"children 2–4; women 1; 6 named" from a month's sums (blank when the source gave none)."""
    parts = []
    for who in ("children", "women", "men"):
        lo, hi = row.get(f"{who}_killed_low", 0) or 0, row.get(f"{who}_killed_high", 0) or 0
        if lo or hi:
            parts.append(f"{who} {format_range(lo, max(lo, hi))}")  # a blank max is at least the min
    if row.get("named_victims"):
        parts.append(f"{row['named_victims']:,.0f} named")
    return "; ".join(parts)


def _monthly_records(monthly: pd.DataFrame) -> list[dict[str, Any]]:
    """Pre-aggregated rows as the JSON records the chart's named dataset holds."""
    rows = monthly.to_dict("records")
    return [
        {"month": pd.Timestamp(r["month"]).strftime("%Y-%m-%d"), "group": str(r["group"]), "low": float(r["low"]),
         "high": float(r["high"]), "incidents": int(r["incidents"]), "range_text": format_range(r["low"], r["high"]),
         "victims": _victims_tip(r), "flagged": int(r.get("flagged", 0))}
        for r in rows
    ]


def _monthly_range_chart(records: list[dict[str, Any]], group_title: str, title: str | None) -> alt.LayerChart:
    """Monthly low–high bands per group over a named inline dataset (swappable live)."""
    pick = alt.selection_point(name="legend_pick", fields=["group"], bind="legend")
    base = alt.Chart(alt.NamedData(name=_MONTHLY_DATA)).encode(
        x=alt.X("month:T", title="month"), color=alt.Color("group:N", title=group_title))
    band = base.mark_area(interpolate="step-after").encode(
        y=alt.Y("low:Q", title="civilians killed per month (summed min–max)"), y2="high:Q",
        opacity=alt.when(pick).then(alt.value(0.3)).otherwise(alt.value(0.03)),
    ).add_params(pick)  # on the first layer: its legend is the one drawn and clicked
    line = base.mark_line(interpolate="step-after").encode(
        y="high:Q", opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.1)),
        tooltip=[alt.Tooltip("month:T", format="%Y-%m"), alt.Tooltip("group:N", title=group_title),
                 alt.Tooltip("range_text:N", title="killed (min–max)"), alt.Tooltip("incidents:Q", format=","),
                 alt.Tooltip("victims:N", title="of whom (summed)"),
                 alt.Tooltip("flagged:Q", title="incidents with a quality flag (included)")],
    )
    chart = layer_chart(band, line).properties(width=560, height=240, datasets={_MONTHLY_DATA: records})
    return chart.properties(title=short_text(title, 200)) if title else chart
