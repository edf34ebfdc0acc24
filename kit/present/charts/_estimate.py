"""Estimate charts: documented counts against the estimated total, and N across models.

A multiple systems estimate is read wrongly in two ways: as if it were a count
(so the documented figures must sit beside it, with the interval), and as if it
did not depend on the model (so every model's N and interval are drawn, the
chosen one highlighted). Builders are pure functions of tidy frames; the
`*_frame` helpers turn `kit.estimate` results into those frames.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import altair as alt
import pandas as pd

from kit.core.vocab import CHOSEN_COLOR, ESTIMATE_KIND_COLORS, ESTIMATE_KIND_ORDER
from kit.present._format import format_figure, format_range, short_text
from kit.present.charts._base import inline_data, layer_chart

if TYPE_CHECKING:
    from kit.estimate import EstimateResult, LoglinearResult, StratifiedResult

_DOC_COLOR = ESTIMATE_KIND_COLORS["list"]
_EST_COLOR = ESTIMATE_KIND_COLORS["estimate"]


def _finite(x: object) -> float | None:
    if x is None:
        return None
    value = float(x)  # type: ignore[arg-type]
    return value if math.isfinite(value) else None


def _bayes_rows(comparison: Any) -> list[dict[str, object]]:
    """LCMCR and model-averaging posteriors as chart rows (median and credible interval)."""
    rows: list[dict[str, object]] = []
    for label, post, detail, note in (
        ("LCMCR posterior median", comparison.lcmcr, "lcmcr",
         "latent classes of units with unequal catchability; lists independent within a class"),
        ("model averaging (graphs)", comparison.bma, "dga_bma",
         "averaged over decomposable graphs of list dependence; units equally catchable"),
    ):
        if post is None:
            continue
        iv = post.interval
        rows.append(dict(label=label, kind="estimate", value=post.median, low=_finite(iv.low), high=_finite(iv.high),
                         detail=detail, method=detail, interval=format_range(iv.low, iv.high) + " (credible)",
                         note=note))
    return rows


def estimate_chart_frame(data: EstimateResult | Any) -> pd.DataFrame:
    """Rows: each list's documented count, the union, the chosen estimate and Chao's lower bound.

    Given a comparison (`kit.estimate.compare_methods`), the LCMCR and model-averaging
    posteriors are added as estimates beside the log-linear one.
    """
    result = data.result if hasattr(data, "result") else data  # a comparison holds the EstimateResult
    rows: list[dict[str, object]] = []
    assumptions = " ".join(result.assumptions)
    for name, count in result.histories.list_totals().items():
        rows.append(dict(label=name, kind="list", value=count, low=None, high=None,
                         detail=f"documented on list {name}", method="documented", interval="", note=""))
    rows.append(dict(label="union of all lists", kind="union", value=result.n, low=None, high=None,
                     detail="distinct units on at least one list", method="documented", interval="", note=""))
    if result.estimate is not None:
        iv = result.interval
        rows.append(dict(
            label="estimated total", kind="estimate", value=result.estimate,
            low=None if iv is None else _finite(iv.low), high=None if iv is None else _finite(iv.high),
            detail=f"{result.method} {result.model or ''}".strip(),
            method=result.method or "", interval=(
                "" if iv is None else format_range(iv.low, iv.high) + f" ({result.interval_method})"
            ),
            note=short_text(assumptions, 600),
        ))
    chao = result.chao
    if chao.lower_bound is not None:
        iv = chao.interval
        rows.append(dict(
            label="Chao lower bound", kind="lower bound", value=chao.lower_bound,
            low=None if iv is None else _finite(iv.low), high=None if iv is None else _finite(iv.high),
            detail=f"f1={chao.f1:,}, f2={chao.f2:,}", method="chao",
            interval="" if iv is None else format_range(iv.low, iv.high) + " (log-normal)",
            note="a lower bound under unequal catchability; it ignores which lists saw a unit",
        ))
    if hasattr(data, "result"):
        rows.extend(_bayes_rows(data))
    frame = pd.DataFrame(rows)
    frame["value_text"] = frame["value"].map(lambda v: format_figure(round(float(v))))
    return frame


def documented_vs_estimate_chart(
    data: EstimateResult | Any,
    *,
    title: str = "Documented counts and the estimated total",
    width: int = 520,
    unit: str = "documented units",
) -> alt.LayerChart:
    """Bars for what each list and their union documented; a point and interval for the estimate(s).

    `unit` names what is counted on the axis (e.g. "people killed", "incidents").
    """
    frame = data if isinstance(data, pd.DataFrame) else estimate_chart_frame(data)
    order = list(frame["label"])
    tooltip = [
        alt.Tooltip("label:N", title="what"),
        alt.Tooltip("value_text:N", title="figure"),
        alt.Tooltip("interval:N", title="interval"),
        alt.Tooltip("detail:N", title="how"),
        alt.Tooltip("note:N", title="assumptions"),
    ]
    base = alt.Chart(inline_data(frame)).encode(
        y=alt.Y("label:N", sort=order, title=None),
        tooltip=tooltip,
    )
    color = alt.Color(
        "kind:N",
        scale=alt.Scale(domain=list(ESTIMATE_KIND_ORDER), range=[ESTIMATE_KIND_COLORS[k] for k in ESTIMATE_KIND_ORDER]),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    documented = base.transform_filter(alt.FieldOneOfPredicate(field="kind", oneOf=["list", "union"])).mark_bar(
        height=16
    ).encode(x=alt.X("value:Q", title=unit), color=color)
    estimated = base.transform_filter(alt.FieldOneOfPredicate(field="kind", oneOf=["estimate", "lower bound"]))
    rule = estimated.mark_rule(strokeWidth=3).encode(x="low:Q", x2="high:Q", color=color)
    point = estimated.mark_point(filled=True, size=90, shape="diamond").encode(x="value:Q", color=color)
    labels = base.mark_text(align="left", dx=6, fontSize=11).encode(x="value:Q", text="value_text:N")
    return layer_chart(documented, rule, point, labels).properties(title=title, width=width)


def model_chart_frame(loglinear: LoglinearResult, *, criterion: str = "aic") -> pd.DataFrame:
    """One row per log-linear model: N, its interval, fit statistics and whether it was chosen."""
    chosen = loglinear.chosen_aic if criterion == "aic" else loglinear.chosen_bic
    rows = []
    for m in loglinear.models:
        iv = m.interval
        rows.append(dict(
            model=m.name,
            estimate=_finite(m.estimate),
            low=None if iv is None else _finite(iv.low),
            high=None if iv is None else _finite(iv.high),
            open_high=bool(iv is not None and not math.isfinite(iv.high)),
            aic=m.aic, bic=m.bic, delta_aic=m.delta_aic, delta_bic=m.delta_bic,
            deviance=m.deviance, df=m.df, estimable=m.estimable,
            chosen=m.name == chosen,
            role=(
                "chosen by " + criterion.upper()
                if m.name == chosen
                else ("fitted" if m.estimable else "not identified")
            ),
            estimate_text=format_figure(m.estimate) if m.estimate is not None else "not identified",
            interval_text=(
                "" if iv is None else format_range(iv.low, iv.high) + f" ({m.interval_method})"
            ),
            fit_text=f"deviance {m.deviance:.2f} on {m.df} df; AIC {m.aic:.1f}; BIC {m.bic:.1f}",
        ))
    frame = pd.DataFrame(rows)
    return frame.sort_values(["aic", "model"], kind="stable").reset_index(drop=True)


def model_comparison_chart(
    data: LoglinearResult | pd.DataFrame,
    *,
    criterion: str = "aic",
    documented: int | None = None,
    title: str = "Estimated total under each log-linear model",
    width: int = 520,
) -> alt.LayerChart:
    """Each model's N (point) and interval (rule), best AIC at the top, the chosen model highlighted.

    A slider (param `estimate_max_delta_aic`) hides models that fit worse than
    the best by more than the chosen ΔAIC, so a reader can see how much of the
    spread comes from models the data support. A dashed line marks the
    documented union when `documented` is given.
    """
    if isinstance(data, pd.DataFrame):
        frame = data
    else:
        frame = model_chart_frame(data, criterion=criterion)
        documented = data.n if documented is None else documented
    frame = frame[frame["estimable"]].copy()
    finite_delta = [d for d in frame["delta_aic"] if d is not None and math.isfinite(d)]
    top = max([2.0, *finite_delta]) if finite_delta else 2.0
    max_delta = alt.param(
        name="estimate_max_delta_aic",
        value=round(top + 0.5, 1),
        bind=alt.binding_range(min=0, max=round(top + 0.5, 1), step=0.5, name="show models with ΔAIC up to "),
    )
    order = list(frame["model"])
    tooltip = [
        alt.Tooltip("model:N"),
        alt.Tooltip("estimate_text:N", title="N̂"),
        alt.Tooltip("interval_text:N", title="interval"),
        alt.Tooltip("fit_text:N", title="fit"),
        alt.Tooltip("delta_aic:Q", title="ΔAIC", format=".2f"),
        alt.Tooltip("role:N", title="role"),
    ]
    color = alt.condition("datum.chosen", alt.value(CHOSEN_COLOR), alt.value(_EST_COLOR))
    base = (
        alt.Chart(inline_data(frame))
        .transform_filter(alt.datum.delta_aic <= max_delta)
        .encode(y=alt.Y("model:N", sort=order, title=None, axis=alt.Axis(labelLimit=420)), tooltip=tooltip)
    )
    rule = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("low:Q", title="estimated total N̂ with interval", scale=alt.Scale(zero=False)), x2="high:Q",
        color=color,
    )
    point = base.mark_point(filled=True, size=70).encode(
        x="estimate:Q",
        color=color,
        size=alt.condition("datum.chosen", alt.value(160), alt.value(60)),
    )
    layers: list[alt.Chart] = [rule, point]
    if documented is not None:
        doc = pd.DataFrame([{"documented": documented, "text": f"documented: {format_figure(documented)}"}])
        layers.append(
            alt.Chart(inline_data(doc))
            .mark_rule(strokeDash=[4, 3], color=_DOC_COLOR)
            .encode(x="documented:Q", tooltip=[alt.Tooltip("text:N", title="union of lists")])
        )
    return layer_chart(*layers).add_params(max_delta).properties(title=title, width=width)


def strata_chart_frame(stratified: StratifiedResult) -> pd.DataFrame:
    """One row per stratum (documented, estimate, interval) plus the total."""
    rows = []
    for label, r in stratified.strata:
        iv = r.interval
        rows.append(dict(
            stratum=label, documented=r.n, estimate=_finite(r.estimate),
            low=None if iv is None else _finite(iv.low), high=None if iv is None else _finite(iv.high),
            model=r.model or r.method or "undefined",
            estimate_text=format_figure(r.estimate) if r.estimate is not None else "undefined",
            interval_text="" if iv is None else format_range(iv.low, iv.high),
            warnings="; ".join(w.code for w in r.warnings),
        ))
    return pd.DataFrame(rows)


def strata_chart(
    data: StratifiedResult | pd.DataFrame, *, title: str = "Documented and estimated, by stratum", width: int = 520
) -> alt.LayerChart:
    """Documented count (bar) and estimate with interval (point and rule) per stratum."""
    frame = data if isinstance(data, pd.DataFrame) else strata_chart_frame(data)
    tooltip = [
        alt.Tooltip("stratum:N"),
        alt.Tooltip("documented:Q", format=","),
        alt.Tooltip("estimate_text:N", title="N̂"),
        alt.Tooltip("interval_text:N", title="interval"),
        alt.Tooltip("model:N"),
        alt.Tooltip("warnings:N"),
    ]
    base = alt.Chart(inline_data(frame)).encode(y=alt.Y("stratum:N", title=None, sort=list(frame["stratum"])),
                                                tooltip=tooltip)
    bars = base.mark_bar(color=_DOC_COLOR, height=14).encode(x=alt.X("documented:Q", title="units"))
    rule = base.mark_rule(color=_EST_COLOR, strokeWidth=3).encode(x="low:Q", x2="high:Q")
    point = base.mark_point(color=_EST_COLOR, filled=True, shape="diamond", size=90).encode(x="estimate:Q")
    return layer_chart(bars, rule, point).properties(title=title, width=width)
