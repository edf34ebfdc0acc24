"""Every method on one table, side by side, with the diagnostics and a verdict in words; the CLI's JSON.

A reader handed one figure cannot see that another defensible model gives a
different one. Here the log-linear choice, LCMCR and (for 3-5 lists) model
averaging over decomposable graphs are computed on the same table and the
verdict says which to read first and why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from kit.estimate._common import EstimateWarning, _r
from kit.estimate._dga import BmaResult, bma
from kit.estimate._diagnostics import PairDependence, pairwise_dependence, verdict
from kit.estimate._histories import CaptureHistories, read_histories
from kit.estimate._lcmcr import LcmcrResult, lcmcr
from kit.estimate._models import EstimateResult, chao_warning, estimate, estimate_strata

JSON_SCHEMA = "casualty-kit.estimate/1"
MODELS = ("loglinear", "lcmcr", "all")


@dataclass(frozen=True)
class Comparison:
    """The log-linear result, the latent-class posterior, model averaging, dependence and the verdict."""

    result: EstimateResult
    lcmcr: LcmcrResult | None
    bma: BmaResult | None
    dependence: tuple[PairDependence, ...]
    verdict: str

    @property
    def warnings(self) -> tuple[EstimateWarning, ...]:
        return (
            self.result.warnings
            + (self.lcmcr.warnings if self.lcmcr is not None else ())
            + (self.bma.warnings if self.bma is not None else ())
        )

    def table(self) -> list[dict[str, object]]:
        """One row per method: estimate, interval and what it assumes (for a reader's table)."""
        rows: list[dict[str, object]] = []
        r = self.result
        if r.estimate is not None and r.interval is not None:
            rows.append({"method": f"log-linear, {r.criterion.upper()} choice ({r.model or r.method})",
                         "estimate": r.estimate, "low": r.interval.low, "high": r.interval.high,
                         "assumes": "dependence only between pairs of lists; every unit equally catchable"})
        if self.lcmcr is not None:
            m = self.lcmcr
            rows.append({"method": "LCMCR (latent classes, Dirichlet-process prior)", "estimate": m.median,
                         "low": m.interval.low, "high": m.interval.high,
                         "assumes": "lists independent within each latent class of units"})
        if self.bma is not None:
            b = self.bma
            rows.append({"method": "model averaging over decomposable graphs (Madigan & York)",
                         "estimate": b.median, "low": b.interval.low, "high": b.interval.high,
                         "assumes": "dependence as in the averaged graphs; every unit equally catchable"})
        if r.chao.lower_bound is not None:
            rows.append({"method": "Chao lower bound", "estimate": r.chao.lower_bound,
                         "low": None if r.chao.interval is None else r.chao.interval.low,
                         "high": None if r.chao.interval is None else r.chao.interval.high,
                         "assumes": "a floor under unequal catchability if lists are otherwise independent"})
        return rows

    def to_dict(self) -> dict[str, object]:
        return {
            "dependence": [d.to_dict() for d in self.dependence],
            "verdict": self.verdict,
            "lcmcr": None if self.lcmcr is None else self.lcmcr.to_dict(),
            "bma": None if self.bma is None else self.bma.to_dict(),
        }


def compare_methods(
    h: CaptureHistories,
    *,
    criterion: str = "aic",
    level: float = 0.95,
    profile: bool | str = "auto",
    lcmcr_options: Mapping[str, object] | None = None,
    run_lcmcr: bool = True,
    run_bma: bool | None = None,
) -> Comparison:
    """Log-linear choice, LCMCR (`lcmcr_options` as for `lcmcr`) and, for 3-5 lists, model averaging; a verdict.

    `run_bma=None` runs model averaging when there are 3 to 5 lists.
    """
    result = estimate(h, criterion=criterion, level=level, profile=profile)
    hh = result.histories
    usable = result.estimate is not None or not any(
        w.code in ("zero_overlap", "no_data", "list_contains_others") for w in result.warnings
    )
    latent = None
    if run_lcmcr and usable and hh.t >= 3:
        latent = lcmcr(hh, level=level, **dict(lcmcr_options or {}))  # type: ignore[arg-type]
        above = chao_warning(result.chao.lower_bound, latent.median) if result.estimate is None else None
        if above is not None:  # no log-linear figure (too many lists): Chao's bound is checked against LCMCR's
            latent = replace(latent, warnings=(*latent.warnings, above))
    averaged = None
    if (run_bma if run_bma is not None else 3 <= hh.t <= 5) and usable and 3 <= hh.t <= 5:
        averaged = bma(hh, level=level)
    settled = latent is None or not any(w.code == "chains_disagree" for w in latent.warnings)
    words = verdict(
        result,
        None if latent is None else latent.median,
        None if latent is None else latent.interval,
        settled,
    )
    return Comparison(result, latent, averaged, pairwise_dependence(hh), words)


def _sum_posteriors(parts: Sequence[LcmcrResult], level: float) -> dict[str, object]:
    """Strata are independent given the model: the total's draws are the sums of the strata's draws."""
    total = np.sum([p.samples for p in parts], axis=0)
    tail = (1 - level) / 2
    low, high = np.quantile(total, [tail, 1 - tail])
    return {"median": _r(float(np.median(total))), "mean": _r(float(total.mean())), "low": _r(float(low)),
            "high": _r(float(high)), "level": level, "method": "lcmcr, strata draws summed"}


def estimate_file(
    path: str | Path,
    *,
    count: str = "count",
    strata: Sequence[str] = (),
    criterion: str = "aic",
    level: float = 0.95,
    profile: bool | str = "auto",
    model: str = "loglinear",
    lcmcr_options: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Read, validate and estimate a capture-history CSV; the dict behind `kit estimate --json`.

    Shape (documented in docs/ESTIMATE.md, stable within schema version 1):
    `{"schema", "input": {"file", "sha256", "count_column", "strata_columns", "lists", "rows", "model"},
    "result": EstimateResult.to_dict() | None, "comparison": Comparison.to_dict() | None,
    "stratified": StratifiedResult.to_dict() | None}`. With `model="lcmcr"` (or "all") the comparison holds
    the LCMCR posterior, model averaging (3-5 lists), pairwise dependence and the verdict.
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    hf = read_histories(path, count=count, strata=strata)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    out: dict[str, object] = {
        "schema": JSON_SCHEMA,
        "input": {
            "file": str(path),
            "sha256": digest,
            "count_column": count,
            "strata_columns": list(strata),
            "lists": list(hf.lists),
            "rows": len(hf.frame),
            "model": model,
        },
        "result": None,
        "comparison": None,
        "stratified": None,
    }
    latent = model in ("lcmcr", "all")
    if strata:
        stratified = estimate_strata(hf, criterion=criterion, level=level, profile=profile).to_dict()
        if latent:
            parts = []
            for item, (_label, h) in zip(stratified["strata"], hf.by_stratum().items(), strict=True):  # type: ignore[call-overload]
                if h.n == 0:
                    item["comparison"] = None
                    continue
                c = compare_methods(h, criterion=criterion, level=level, profile=profile,
                                    lcmcr_options=lcmcr_options, run_bma=model == "all")
                item["comparison"] = c.to_dict()
                if c.lcmcr is not None:
                    parts.append(c.lcmcr)
            stratified["lcmcr_total"] = _sum_posteriors(parts, level) if parts else None
        out["stratified"] = stratified
        return out
    h = hf.histories()
    if latent:
        c = compare_methods(h, criterion=criterion, level=level, profile=profile, lcmcr_options=lcmcr_options,
                            run_bma=None if model == "all" else False)
        out["result"] = c.result.to_dict()
        out["comparison"] = c.to_dict()
    else:
        r = estimate(h, criterion=criterion, level=level, profile=profile)
        out["result"] = r.to_dict()
        out["comparison"] = {"dependence": [d.to_dict() for d in pairwise_dependence(r.histories)],
                             "verdict": verdict(r), "lcmcr": None, "bma": None}
    return out

