"""`kit render`: execute notebooks into offline HTML reports (one per scope) and an index."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console
    from rich.progress import Progress

    from kit import report as kr

# kit.report (altair, nbformat, papermill) and rich are imported inside the functions that
# use them: every `kit` command pays for this module's import, only `kit render` needs them.


def _size(n: int) -> str:
    return f"{n / 1_000_000:.2f} MB" if n >= 100_000 else f"{n / 1000:.0f} KB"


def _scope(parameters: dict[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in parameters.items()) or "defaults"


def register(app: typer.Typer) -> None:
    """Add the `render` command to the kit CLI."""

    @app.command("render")
    def render_command(
        notebook: Annotated[
            Path | None, typer.Argument(help="Notebook to render (.ipynb, or a jupytext .py/.md).", show_default=False)
        ] = None,
        param: Annotated[
            list[str] | None,
            typer.Option("-p", "--param", help="Parameter as key=value (repeatable); checked before executing."),
        ] = None,
        out: Annotated[Path, typer.Option("--out", help="Output folder for reports and index.html.")] = Path("reports"),
        name: Annotated[
            str | None,
            typer.Option(
                "--name",
                help="Report file name without .html (default: the notebook name, then each -p parameter and value).",
            ),
        ] = None,
        replace: Annotated[
            bool, typer.Option("--replace", help="Overwrite a report of another scope that has the same name.")
        ] = False,
        report_set: Annotated[
            Path | None,
            typer.Option("--set", help="Render every report of a report set YAML (e.g. notebooks/reports.yaml)."),
        ] = None,
        export_images: Annotated[
            bool, typer.Option("--export-images", help="Also write each chart as SVG and PNG next to the report.")
        ] = False,
        timeout: Annotated[
            int | None, typer.Option("--timeout", help="Seconds a single cell may run (default: no limit).")
        ] = None,
        show_parameters: Annotated[
            bool, typer.Option("--parameters", help="List the NOTEBOOK's parameters (defaults, help) and exit.")
        ] = False,
    ) -> None:
        """Execute notebooks and write self-contained offline HTML reports plus OUT/index.html.

        Exit codes: 0 all rendered; 1 a notebook failed (no partial report is
        left); 2 bad arguments, report set or parameters (nothing executed).
        """
        from rich.console import Console

        console = Console(stderr=True, highlight=False, soft_wrap=True)
        _check_arguments(console, notebook, report_set, param, name)
        if show_parameters:
            _show_parameters(console, notebook)
        specs = _checked_specs(console, notebook, report_set, param, name, out)
        results, failures = _render_with_progress(console, specs, report_set, out, export_images, timeout, replace)
        _summarize(console, results, failures, out)


def _check_arguments(
    console: Console, notebook: Path | None, report_set: Path | None, param: list[str] | None, name: str | None
) -> None:
    """Exit 2 on contradictory arguments: exactly one of NOTEBOOK and --set; -p/--name only with NOTEBOOK."""
    if (notebook is None) == (report_set is None):
        console.print("kit render: give either a NOTEBOOK or --set FILE (not both)", markup=False)
        raise typer.Exit(2)
    if report_set is not None and (param or name):
        console.print("kit render: -p and --name apply to a single NOTEBOOK, not to --set", markup=False)
        raise typer.Exit(2)


def _show_parameters(console: Console, notebook: Path | None) -> None:
    """`--parameters`: list the notebook's parameters (source and help) and exit without executing."""
    from kit import report as kr

    if notebook is None:
        console.print("kit render --parameters: give a NOTEBOOK", markup=False)
        raise typer.Exit(2)
    try:
        declared = kr.notebook_parameters(notebook)
    except kr.ReportError as exc:
        console.print(f"kit render: {exc}", markup=False)
        raise typer.Exit(2) from None
    if not declared:
        typer.echo(f"{notebook}: no parameters (no cell tagged 'parameters')")
    for p in declared.values():
        typer.echo(f"{p.name} = {p.source}" + (f"  # {p.help}" if p.help else ""))
    raise typer.Exit(0)


def _checked_specs(
    console: Console,
    notebook: Path | None,
    report_set: Path | None,
    param: list[str] | None,
    name: str | None,
    out: Path,
) -> list[kr.ReportSpec]:
    """The reports to render, everything that can be checked without a kernel checked; exit 2 otherwise.

    Checked here: the set or the notebook and its parameters, the output
    folder (a file, or not writable) and `SOURCE_DATE_EPOCH`.
    """
    from kit import report as kr

    try:
        if report_set is not None:
            specs = kr.load_report_set(report_set)
            kr.check_reports(specs)
            kr.check_output(out)
            return specs
        assert notebook is not None
        overrides = kr.parse_cli_parameters(param or [])
        if not notebook.is_file():
            raise kr.ReportError(f"{notebook}: notebook not found")
        _, coerced = kr.check_parameters(notebook, overrides)
        kr.check_output(out)
        chosen = name or kr.scoped_name(notebook.stem, coerced)
        return [kr.ReportSpec(notebook.resolve(), chosen, overrides, origin=str(notebook))]
    except kr.ReportError as exc:
        console.print(f"kit render: {exc}", markup=False)
        console.print("nothing was executed", markup=False)
        raise typer.Exit(2) from None


def _render_with_progress(
    console: Console,
    specs: list[kr.ReportSpec],
    report_set: Path | None,
    out: Path,
    export_images: bool,
    timeout: int | None,
    replace: bool = False,
) -> tuple[list[kr.RenderResult], list[tuple[kr.ReportSpec, kr.ReportError]]]:
    """Render the reports with one progress line each (status, then charts and size); exit 2 on a set error."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from kit import report as kr

    failures: list[tuple[kr.ReportSpec, kr.ReportError]] = []
    results: list[kr.RenderResult] = []
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        TextColumn("{task.fields[status]}", markup=False),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        status, on_result = _progress_callbacks(progress, specs)
        try:
            if report_set is not None:
                return kr.render_set(
                    report_set,
                    out_dir=out,
                    export_images=export_images,
                    timeout=timeout,
                    status=status,
                    on_result=on_result,
                )
            spec = specs[0]
            try:
                result = kr.render(
                    spec, out_dir=out, export_images=export_images, timeout=timeout,
                    status=lambda m: status(spec, m), replace=replace,
                )
                results.append(result)
                on_result(spec, result)
            except kr.ReportError as exc:
                failures.append((spec, exc))
                on_result(spec, exc)
        except kr.ReportError as exc:
            console.print(f"kit render: {exc}", markup=False)
            raise typer.Exit(2) from None
    return results, failures


def _progress_callbacks(
    progress: Progress, specs: list[kr.ReportSpec]
) -> tuple[Callable[[kr.ReportSpec, str], None], Callable[[kr.ReportSpec, kr.RenderResult | kr.ReportError], None]]:
    """One progress line per report: `status` shows its stage, `on_result` its charts and size, or FAILED."""
    from kit import report as kr

    tasks = {
        spec.name: progress.add_task(
            f"{spec.name} [{_scope(dict(spec.parameters))}]", total=1, status="waiting", start=False
        )
        for spec in specs
    }

    def status(spec: kr.ReportSpec, message: str) -> None:
        task = tasks[spec.name]
        progress.start_task(task)
        progress.update(task, status=message)

    def on_result(spec: kr.ReportSpec, outcome: kr.RenderResult | kr.ReportError) -> None:
        task = tasks[spec.name]
        if isinstance(outcome, kr.ReportError):
            progress.update(task, status="FAILED", completed=1)
        else:
            progress.update(task, status=f"done: {outcome.charts} chart(s), {_size(outcome.size)}", completed=1)

    return status, on_result


def _summarize(
    console: Console,
    results: list[kr.RenderResult],
    failures: list[tuple[kr.ReportSpec, kr.ReportError]],
    out: Path,
) -> None:
    """Print what was written (stdout) and what failed or wrote to stderr (stderr); exit 1 on any failure."""
    for result in results:
        line = f"wrote {result.path} ({result.charts} chart(s), {_size(result.size)}, {result.seconds:.1f} s)"
        typer.echo(line)
        for image in result.images:
            typer.echo(f"  {image}")
        for text in result.stderr:
            console.print(f"  note: {result.name} wrote to stderr (not in the report): {text[:300]}", markup=False)
    if results:
        typer.echo(f"wrote {out / 'index.html'}")
    for spec, exc in failures:
        console.print(f"FAILED {spec.name}: {exc}", markup=False)
    if failures:
        console.print(f"{len(failures)} report(s) failed; no partial report was written for them", markup=False)
        raise typer.Exit(1)
