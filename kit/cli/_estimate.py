"""`kit estimate HISTORIES.csv`: multiple systems estimation from a capture-history table.

Prints the table of models and the chosen estimate with its caveats, or with
`--json` the documented, stable JSON of docs/ESTIMATE.md for scripts.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kit.core import InputError

if TYPE_CHECKING:
    from rich.console import Console


_MAX_PAIRS_SHOWN = 66  # pairs of 12 lists; beyond that the pairwise tables are left to --json


def _fmt(x: object, spec: str = ",.0f") -> str:
    if x is None:
        return "–"
    value = float(x)  # type: ignore[arg-type]
    if not math.isfinite(value):
        return "∞"
    return format(value, spec)


def _interval(d: dict[str, object]) -> str:
    if d.get("low") is None:
        return "–" if d.get("estimate") is None else f"{_fmt(d['low'])}–∞"
    high = d.get("high")
    return f"{_fmt(d['low'])}–{_fmt(high) if high is not None else '∞'}"


def _print_result(console: Console, result: dict[str, Any], title: str) -> None:
    """One estimate in the documented JSON shape of docs/ESTIMATE.md, as tables and sentences."""
    from rich.table import Table

    observed = result["observed"]
    assert isinstance(observed, dict)
    per_list = ", ".join(f"{k} {v:,}" for k, v in observed["per_list"].items())
    console.print(f"[bold]{title}[/bold]: {observed['union']:,} distinct units documented ({per_list})")
    loglin = result.get("loglinear")
    if isinstance(loglin, dict):
        table = Table(title=f"Log-linear models ({loglin['search']} search), best AIC first", show_lines=False)
        for col in ("model", "deviance", "df", "AIC", "BIC", "N̂", "interval", ""):
            table.add_column(col, justify="left" if col in ("model", "") else "right")
        for m in loglin["models"]:
            mark = []
            if m["model"] == loglin["chosen_aic"]:
                mark.append("AIC")
            if m["model"] == loglin["chosen_bic"]:
                mark.append("BIC")
            if not m["estimable"]:
                mark.append("not identified")
            table.add_row(
                m["model"],
                _fmt(m["deviance"], ".2f"),
                str(m["df"]),
                _fmt(m["aic"], ".2f"),
                _fmt(m["bic"], ".2f"),
                _fmt(m["estimate"]),
                _interval(m) + (" (profile)" if m["interval_method"] == "profile" else ""),
                " ".join(mark),
                style="bold" if mark and mark[0] in ("AIC", "BIC") else None,
            )
        console.print(table)
    two = result.get("two_list") or []
    if len(two) > _MAX_PAIRS_SHOWN:
        console.print(f"Two-list estimates: {len(two):,} pairs of lists, not shown (see --json).")
    elif two:
        table = Table(title="Two-list estimates" + (" (each pair, other lists ignored)" if loglin else ""))
        for col in ("method", "lists", "n_a", "n_b", "both", "N̂", "se", "interval"):
            table.add_column(col, justify="left" if col in ("method", "lists") else "right")
        for e in two:
            table.add_row(
                e["method"], " × ".join(e["lists"]), f"{e['n_a']:,}", f"{e['n_b']:,}", f"{e['m']:,}",
                _fmt(e["estimate"]), _fmt(e["se"]), _interval(e),
            )
        console.print(table)
    chao = result["chao"]
    assert isinstance(chao, dict)
    console.print(
        f"Chao lower bound: {_fmt(chao['lower_bound'])} (bias-corrected {_fmt(chao['bias_corrected'])}; "
        f"f1={chao['f1']:,}, f2={chao['f2']:,})"
    )
    chosen = result["chosen"]
    assert isinstance(chosen, dict)
    if chosen["defined"]:
        what = chosen["model"] or chosen["method"]
        console.print(
            f"[bold]Estimate: {_fmt(chosen['estimate'])}[/bold] ({_interval(chosen)}, "
            f"{int(round(float(result['level']) * 100))}% {chosen['interval_method']} interval) "
            f"from {chosen['method']} [{what}]; {_fmt(chosen['unobserved'])} estimated undocumented."
        )
    else:
        console.print("[bold]Estimate: undefined[/bold] (see warnings)")
    for w in result["warnings"]:
        console.print(f"[yellow]warning[/yellow] {w['code']}: {w['message']}")
    console.print("Assumptions:")
    for a in result["assumptions"]:
        console.print(f"  - {a}")


def _print_comparison(console: Console, comparison: dict[str, Any] | None, level: float) -> None:
    """LCMCR, model averaging, pairwise dependence and the verdict, from the JSON's `comparison`."""
    if not comparison:
        return
    pct = f"{int(round(level * 100))}%"
    latent = comparison.get("lcmcr")
    if isinstance(latent, dict):
        s = latent["settings"]
        console.print(
            f"[bold]LCMCR: {_fmt(latent['median'])}[/bold] (posterior median; mean {_fmt(latent['mean'])}; "
            f"{pct} credible interval {_interval(latent)}); {s['chains']} chains x {s['samples']:,} samples "
            f"(burn-in {s['burnin']:,}, thinned by {s['thin']}, K={s['K']}, seed {s['seed']}); "
            f"R-hat {_fmt(latent['rhat'], '.3f')}, effective sample size {_fmt(latent['ess'])}"
        )
        for w in latent["warnings"]:
            console.print(f"[yellow]warning[/yellow] {w['code']}: {w['message']}")
    averaged = comparison.get("bma")
    if isinstance(averaged, dict):
        top = "; ".join(f"{g['graph']} {g['probability']:.2f}" for g in averaged["top_graphs"][:3])
        console.print(
            f"Model averaging over decomposable graphs: {_fmt(averaged['median'])} ({pct} {_interval(averaged)}); "
            f"most probable graphs: {top}"
        )
        for w in averaged.get("warnings") or []:
            console.print(f"[yellow]warning[/yellow] {w['code']}: {w['message']}")
    dependence = comparison.get("dependence") or []
    if len(dependence) > _MAX_PAIRS_SHOWN:
        console.print(f"  dependence: {len(dependence):,} pairs of lists, not shown (see --json).")
    else:
        for d in dependence:
            console.print(f"  dependence: {d['reading']}")
    console.print(f"[bold]Which to read:[/bold] {comparison['verdict']}")


def _lcmcr_options(
    samples: int, burnin: int, thin: int, seed: int, chains: int, max_seconds: float
) -> dict[str, object]:
    for name, value, low in (("--samples", samples, 1), ("--burnin", burnin, 0), ("--thin", thin, 1),
                             ("--chains", chains, 1)):
        if value < low:
            typer.echo(f"{name} must be at least {low}, got {value}", err=True)
            raise typer.Exit(2)
    return {"samples": samples, "burnin": burnin, "thin": thin, "seed": seed, "chains": chains,
            "progress": None, "max_seconds": max_seconds}


def _estimate_with_links(records_path: Path, links_path: Path, draws: int, level: float, seed: int,
                         json_out: bool) -> None:
    """`--links`: the positional file holds records; estimate over plausible matchings (docs/ESTIMATE.md)."""
    from kit.core import FILE, LINE, read_rows
    from kit.estimate import estimate_with_matching

    frames = {}
    for path in (records_path, links_path):
        if not path.exists():
            typer.echo(f"{path}:0: (file): no such file", err=True)
            raise typer.Exit(2)
        frame, problems, _ = read_rows(path, extra=True, name=str(path))
        if problems:  # an unreadable or ragged row: named by line, and nothing estimated without it
            for problem in problems:
                typer.echo(str(problem), err=True)
            raise typer.Exit(1)
        frames[path] = frame.drop(columns=[LINE, FILE]).astype(str)
    try:
        result = estimate_with_matching(frames[records_path], frames[links_path], draws=draws, level=level,
                                        seed=seed)
    except InputError as exc:
        for problem in exc.problems:
            text = str(problem).replace("<records>", str(records_path)).replace("<pairs>", str(links_path))
            typer.echo(text, err=True)
        raise typer.Exit(1) from None
    except ValueError as exc:  # e.g. a drawn matching with no overlap: nothing to estimate
        typer.echo(f"{links_path}: {exc}", err=True)
        raise typer.Exit(1) from None
    if json_out:
        typer.echo(json.dumps({"matching": result.to_dict()}, indent=2, sort_keys=True))
        return
    _console().print(result.describe(), highlight=False)


def _check_arguments(histories: Path, criterion: str, level: float, model: str, draws: int) -> None:
    """Bad arguments: one clear line and exit code 2, before any work."""
    problems = [
        (not histories.exists(), f"{histories}:0: (file): no such file"),
        (criterion not in ("aic", "bic"), f"--criterion must be aic or bic, got {criterion!r}"),
        (not 0 < level < 1, f"--level must be between 0 and 1 (e.g. 0.95), got {level}"),
        (model not in ("loglinear", "lcmcr", "all"), f"--model must be loglinear, lcmcr or all, got {model!r}"),
        (draws < 2, f"--draws must be at least 2, got {draws}"),
    ]
    for bad, message in problems:
        if bad:
            typer.echo(message, err=True)
            raise typer.Exit(2)


def _console() -> Console:
    """Rich console at the terminal's own width; piped output is never wrapped (as `kit extract`)."""
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 10_000)


def register(app: typer.Typer) -> None:
    @app.command("estimate")
    def estimate_command(
        histories: Annotated[
            Path, typer.Argument(help="Capture-history CSV: one 0/1 column per list plus a count column "
                                 "(with --links: the records CSV).")
        ],
        json_out: Annotated[
            bool, typer.Option("--json", help="Print the documented, stable JSON (docs/ESTIMATE.md).")
        ] = False,
        strata: Annotated[
            list[str] | None,
            typer.Option(
                "--strata", help="Column(s) to estimate by, then sum: repeat the option or separate by commas."
            ),
        ] = None,
        count: Annotated[str, typer.Option("--count", help="Name of the count column.")] = "count",
        criterion: Annotated[str, typer.Option("--criterion", help="Model choice: aic or bic.")] = "aic",
        level: Annotated[float, typer.Option("--level", help="Confidence level of the intervals.")] = 0.95,
        model: Annotated[
            str,
            typer.Option("--model", help="loglinear (default); lcmcr: add the latent-class posterior and a verdict; "
                         "all: also model averaging over decomposable graphs (3-5 lists)."),
        ] = "loglinear",
        samples: Annotated[int, typer.Option("--samples", help="LCMCR: posterior samples kept per chain.")] = 1000,
        burnin: Annotated[int, typer.Option("--burnin", help="LCMCR: sweeps discarded first.")] = 10000,
        thin: Annotated[int, typer.Option("--thin", help="LCMCR: keep every THIN-th sweep.")] = 100,
        seed: Annotated[int, typer.Option("--seed", help="LCMCR: random seed (same seed, same draws).")] = 0,
        chains: Annotated[int, typer.Option("--chains", help="LCMCR: independent chains compared by R-hat.")] = 4,
        time_limit: Annotated[
            float, typer.Option("--time-limit", help="LCMCR: refuse up front a run predicted to take longer (s).")
        ] = 30.0,
        links: Annotated[
            Path | None,
            typer.Option("--links", help="Candidate links with probabilities (left,right,probability or "
                         "kit.match.link_probabilities); HISTORIES is then a records CSV (list plus record_id, "
                         "or list, source, source_id). Estimates over plausible matchings."),
        ] = None,
        draws: Annotated[int, typer.Option("--draws", help="--links: plausible matchings drawn.")] = 50,
    ) -> None:
        """Estimate how many units no list recorded (multiple systems estimation), with every model shown."""
        # here, not at module top: kit.estimate loads pandas and statsmodels; `kit --help` must not
        from kit.estimate import dumps, estimate_file

        _check_arguments(histories, criterion, level, model, draws)
        if links is not None:
            _estimate_with_links(histories, links, draws, level, seed, json_out)
            return
        options = _lcmcr_options(samples, burnin, thin, seed, chains, time_limit)
        try:
            columns = tuple(c.strip() for value in strata or () for c in value.split(",") if c.strip())
            data = estimate_file(histories, count=count, strata=columns, criterion=criterion, level=level,
                                 model=model, lcmcr_options=options)
        except InputError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            raise typer.Exit(1) from None
        except ValueError as exc:  # e.g. an LCMCR run refused up front as too slow, or no overlap to model
            typer.echo(f"{histories}: {exc}", err=True)
            raise typer.Exit(1) from None
        if json_out:
            typer.echo(dumps(data))
            return
        console = _console()
        if data["result"] is not None:
            _print_result(console, data["result"], str(histories))  # type: ignore[arg-type]
            _print_comparison(console, data["comparison"], level)  # type: ignore[arg-type]
            return
        stratified = data["stratified"]
        assert isinstance(stratified, dict)
        for item in stratified["strata"]:
            _print_result(console, item["result"], f"{histories} [{item['stratum']}]")
            _print_comparison(console, item.get("comparison"), level)
            console.print()
        total = stratified["total"]
        console.print(
            f"[bold]Total over strata: {_fmt(total['estimate'])}[/bold] from {total['observed']:,} documented; "
            f"interval (sum of stratum intervals) {_interval(total['interval_sum'])}, "
            f"interval (independent strata) {_interval(total['interval_independent'])}"
        )
        latent_total = stratified.get("lcmcr_total")
        if isinstance(latent_total, dict):
            console.print(
                f"[bold]LCMCR total over strata: {_fmt(latent_total['median'])}[/bold] "
                f"({_interval(latent_total)}; strata posteriors summed draw by draw)"
            )
        for w in stratified["warnings"]:
            console.print(f"[yellow]warning[/yellow] {w['code']}: {w['message']}")
