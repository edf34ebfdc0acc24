"""Diagnostics in words: does any log-linear model fit, which lists depend on which, which estimate to read.

An estimate printed without these reads as settled when the data may reject
every model that produced it. Fit is the deviance of each model against the
saturated model (a chi-squared test on its residual degrees of freedom);
dependence is the odds ratio of two lists among units that a third list saw
(that 2x2 table is complete, unlike the pair's own, whose "on neither" cell
is what is being estimated).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from scipy import stats

from kit.core import Range
from kit.estimate._common import _r
from kit.estimate._histories import CaptureHistories
from kit.estimate._models import EstimateResult


@dataclass(frozen=True)
class PairDependence:
    """Odds ratio of two lists among units recorded by at least one other list."""

    lists: tuple[str, str]
    table: tuple[int, int, int, int]  # both, first only, second only, neither (of the pair)
    odds_ratio: float | None
    interval: Range | None

    @property
    def reading(self) -> str:
        a, b = self.lists
        if self.odds_ratio is None or self.interval is None:
            return f"{a} and {b}: too few shared units to tell whether they depend on each other."
        if self.interval.low > 1:
            return (
                f"{a} and {b} are positively dependent (odds ratio {self.odds_ratio:.2f}, 95% {self.interval.low:.2f}"
                f"–{self.interval.high:.2f}): a unit on one is more likely to be on the other, so a two-list estimate "
                "from this pair is too low."
            )
        if self.interval.high < 1:
            return (
                f"{a} and {b} are negatively dependent (odds ratio {self.odds_ratio:.2f}, 95% {self.interval.low:.2f}"
                f"–{self.interval.high:.2f}): they tend to record different units, so a two-list estimate from this "
                "pair is too high."
            )
        return (
            f"{a} and {b}: no clear dependence (odds ratio {self.odds_ratio:.2f}, 95% {self.interval.low:.2f}"
            f"–{self.interval.high:.2f})."
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "lists": list(self.lists),
            "table": list(self.table),
            "odds_ratio": _r(self.odds_ratio),
            "low": None if self.interval is None else _r(self.interval.low),
            "high": None if self.interval is None else _r(self.interval.high),
            "reading": self.reading,
        }


def pairwise_dependence(h: CaptureHistories) -> tuple[PairDependence, ...]:
    """For each pair of lists (three or more lists), the odds ratio among units some other list recorded.

    Woolf's interval on the log odds ratio; 0.5 is added to every cell when one is empty.
    """
    out = []
    if h.t < 3:
        return ()
    x, w = h.arrays()
    on = x.sum(axis=1)
    for i, j in itertools.combinations(range(h.t), 2):
        xi, xj = x[:, i], x[:, j]
        elsewhere = w * ((on - xi - xj) > 0)  # units some other list recorded
        table = (int(elsewhere @ (xi * xj)), int(elsewhere @ (xi * (1 - xj))), int(elsewhere @ ((1 - xi) * xj)),
                 int(elsewhere @ ((1 - xi) * (1 - xj))))
        both, first, second, _neither = table
        if sum(1 for v in table if v > 0) < 3 or both + first == 0 or both + second == 0:
            out.append(PairDependence((h.lists[i], h.lists[j]), table, None, None))
            continue
        adj = 0.5 if min(table) == 0 else 0.0
        a, b, c, d = (v + adj for v in table)
        log_or = math.log(a * d / (b * c))
        se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        z = float(stats.norm.ppf(0.975))
        out.append(
            PairDependence(
                (h.lists[i], h.lists[j]),
                table,
                math.exp(log_or),
                Range(math.exp(log_or - z * se), math.exp(log_or + z * se)),
            )
        )
    return tuple(out)


def verdict(result: EstimateResult, lcmcr_median: float | None = None, lcmcr_interval: Range | None = None,
            lcmcr_settled: bool = True) -> str:
    """Which estimate to read first, and why, in two or three sentences."""
    codes = {w.code for w in result.warnings}
    if "too_many_lists_for_loglinear" in codes and lcmcr_median is None:
        return (
            "Too many lists for the log-linear search: run the latent-class model (`--model lcmcr`, with settings "
            "that fit the time limit) or merge lists that record alike."
        )
    if result.estimate is None and lcmcr_median is None:
        return "No estimate can be read from these data (see the warnings)."
    if result.histories.t == 2:
        return (
            "Only two lists: Chapman's estimate assumes the lists are independent and every unit equally likely "
            "to be recorded; no model can check either. Read it as an order of magnitude, not a total."
        )
    if lcmcr_median is not None and not lcmcr_settled:
        return "The LCMCR chains have not settled (see its warnings); rerun it longer before comparing methods."
    if lcmcr_median is not None and "too_many_lists_for_loglinear" in codes:
        bound = result.chao.lower_bound
        chao = (f" Chao's lower bound ({bound:,.0f}) is above it: see that warning, the lists' dependence decides "
                "the answer." if bound is not None and bound > lcmcr_median else "")
        return (
            f"Read the LCMCR estimate ({lcmcr_median:,.0f}): with {result.histories.t} lists the log-linear search "
            "is not run, so it is the only model-based figure here. It assumes a closed population, perfect "
            "matching and lists that record independently within each latent class; on many sparse lists read it "
            "only from several long chains that agree." + chao
        )
    if lcmcr_median is not None and lcmcr_interval is not None:
        agree = result.interval is not None and not (
            result.interval.high < lcmcr_interval.low or lcmcr_interval.high < result.interval.low
        )
        if "no_loglinear_fit" in codes or "chosen_model_misfit" in codes:
            return (
                f"Read the LCMCR estimate ({lcmcr_median:,.0f}) first: the data reject the log-linear models, "
                "and the latent-class model allows capture probabilities that differ between units, which is "
                "the usual reason. It still assumes a closed population and perfect matching."
            )
        if agree:
            return (
                f"The log-linear model and LCMCR ({lcmcr_median:,.0f}) agree within their intervals: the figure "
                "does not hinge on how heterogeneity is modelled. The wider of the two intervals is the honest one."
            )
        return (
            f"The log-linear model fits, but LCMCR ({lcmcr_median:,.0f}) disagrees with it beyond both intervals: "
            "pairwise dependence and unequal catchability are two readings of the same overlaps, and these data "
            "cannot tell them apart. Report both, not one."
        )
    if "no_loglinear_fit" in codes:
        return (
            "No log-linear model fits: the chosen figure rests on a model the data reject. Run the latent-class "
            "model (`--model lcmcr`) before reading any number."
        )
    if "model_swing" in codes:
        return "Models that fit about equally well disagree widely: report the range across them, not one figure."
    return (
        "The chosen log-linear model fits the observed cells; its interval covers sampling error only. "
        "Compare it with the latent-class model (`--model lcmcr`) to see whether unequal catchability matters."
    )
