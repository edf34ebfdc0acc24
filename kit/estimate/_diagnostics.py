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
from typing import TYPE_CHECKING

from scipy import stats

from kit.core import Range
from kit.estimate._histories import CaptureHistories
from kit.estimate._common import EstimateWarning, _r

if TYPE_CHECKING:  # _models runs these checks inside estimate(); the types are only named here
    from kit.estimate._models import EstimateResult, LoglinearResult, ModelFit

_FIT_P = 0.05


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
    cells = list(zip(h.patterns, h.counts, strict=True))
    for i, j in itertools.combinations(range(h.t), 2):
        seen_elsewhere = [(p, c) for p, c in cells if any(v for k, v in enumerate(p) if k not in (i, j))]
        both = sum(c for p, c in seen_elsewhere if p[i] and p[j])
        first = sum(c for p, c in seen_elsewhere if p[i] and not p[j])
        second = sum(c for p, c in seen_elsewhere if p[j] and not p[i])
        neither = sum(c for p, c in seen_elsewhere if not p[i] and not p[j])
        table = (both, first, second, neither)
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


def fit_p_value(model: ModelFit) -> float | None:
    """P(chi2_df >= deviance): small values mean the model does not reproduce the observed cells."""
    if model.df <= 0:
        return None
    return float(stats.chi2.sf(model.deviance, model.df))


def fit_warnings(ll: LoglinearResult, criterion: str = "aic") -> list[EstimateWarning]:
    """'No log-linear model fits these data' when every estimable model with free df is rejected at 5%."""
    testable = [m for m in ll.models if m.estimable and m.df > 0]
    out: list[EstimateWarning] = []
    chosen = ll.chosen(criterion)
    if testable and all((fit_p_value(m) or 0.0) < _FIT_P for m in testable):
        best = max(testable, key=lambda m: fit_p_value(m) or 0.0)
        saturated = any(m.estimable and m.df == 0 for m in ll.models)
        out.append(
            EstimateWarning(
                "no_loglinear_fit",
                "No log-linear model fits these data: every model that can be tested against the saturated model "
                f"is rejected (the best, {best.name}, has deviance {best.deviance:.1f} on {best.df} degrees of "
                f"freedom, p = {fit_p_value(best):.2g})"
                + (" and the one that fits exactly has no degrees of freedom left to test it" if saturated else "")
                + ". Its interval describes sampling error under a model the data reject; the real uncertainty is "
                "larger. Capture probabilities probably differ between units (heterogeneity) in ways pairwise "
                "terms do not capture: read the latent-class (LCMCR) estimate beside it.",
            )
        )
    elif chosen is not None and chosen.df > 0 and (fit_p_value(chosen) or 1.0) < _FIT_P:
        out.append(
            EstimateWarning(
                "chosen_model_misfit",
                f"The chosen model {chosen.name} does not fit the observed cells (deviance {chosen.deviance:.1f} on "
                f"{chosen.df} degrees of freedom, p = {fit_p_value(chosen):.2g}); its interval understates the "
                "uncertainty.",
            )
        )
    return out


def chao_warning(lb: float | None, estimate: float | None) -> EstimateWarning | None:
    """Explain in words when Chao's 'lower bound' sits above the chosen estimate (it is not a hard floor)."""
    if lb is None or estimate is None or lb <= estimate:
        return None
    return EstimateWarning(
        "chao_above_estimate",
        f"Chao's lower bound ({lb:,.0f}) is above the estimate ({estimate:,.0f}). The bound is a floor only "
        "when lists record independently of each other once each unit's own catchability is allowed for; it "
        "compares units seen once with units seen twice. When lists tend to record different units (negative "
        "dependence, e.g. sources that divide the ground between them), more units are seen once than "
        "heterogeneity alone would produce, the bound overshoots, and a log-linear model with negative "
        "interaction terms gives a lower figure. Neither number is then a safe floor: the gap says the assumed "
        "dependence between lists decides the answer.",
    )


def verdict(result: EstimateResult, lcmcr_median: float | None = None, lcmcr_interval: Range | None = None,
            lcmcr_settled: bool = True) -> str:
    """Which estimate to read first, and why, in two or three sentences."""
    codes = {w.code for w in result.warnings}
    if result.estimate is None and lcmcr_median is None:
        return "No estimate can be read from these data (see the warnings)."
    if result.histories.t == 2:
        return (
            "Only two lists: Chapman's estimate assumes the lists are independent and every unit equally likely "
            "to be recorded; no model can check either. Read it as an order of magnitude, not a total."
        )
    if lcmcr_median is not None and not lcmcr_settled:
        return "The LCMCR chains have not settled (see its warnings); rerun it longer before comparing methods."
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
