"""`kit validate`: one line per problem, exit 1 on any, 0 on the project's own data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kit.cli import app
from kit.ledger import CLAIM_COLUMNS

runner = CliRunner()


def test_project_data_validates(repo_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(repo_dir / "data" / "claims"), str(repo_dir / "data" / "places.csv")])
    assert result.exit_code == 0, result.output
    assert "0 rejected" in result.output


def test_problems_print_one_line_each_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    row = ["x", "X", "monitor", "", "primary", "2017", "ftp://x", "5", "", "1", "none", "persons", "killed",
           "civilians", "all", "iq", "2014", "2015", "official_statement", "", "", "n", "", ""]
    bad.write_text(",".join(CLAIM_COLUMNS) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.startswith(str(bad))]
    assert lines == [
        f"{bad}:2: url: 'ftp://x' is not an http:// or https:// URL (other schemes are refused)",
        f"{bad}:2: low: low is greater than high",
    ]


def test_missing_path_is_named(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "nope.csv:0: (file): no such file or folder" in result.output


def test_validate_reads_the_gazetteer_once(repo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """places.csv is read once: its checked rows become the gazetteer the claims are checked against."""
    import kit.ledger

    reads: list[str] = []
    real = kit.ledger.read_places

    def counted(path: str | Path) -> object:
        reads.append(str(path))
        return real(path)

    def refused(path: object = None) -> object:
        raise AssertionError(f"load_gazetteer({path!r}) would read the places file again")

    monkeypatch.setattr(kit.ledger, "read_places", counted)
    monkeypatch.setattr(kit.ledger, "load_gazetteer", refused)
    places = repo_dir / "data" / "places.csv"
    result = runner.invoke(app, ["validate", str(repo_dir / "data" / "claims"), str(places)])
    assert result.exit_code == 0, result.output
    assert reads == [str(places)]
    assert "0 rejected" in result.output


def test_a_gazetteer_problem_is_reported_once(repo_dir: Path, tmp_path: Path) -> None:
    """A bad places file: its problem printed once (not again by a second read), claims left unchecked."""
    bad = tmp_path / "places.csv"
    lines = (repo_dir / "data" / "places.csv").read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([lines[0], lines[1], lines[1]]) + "\n", encoding="utf-8")  # a duplicate id
    result = runner.invoke(app, ["validate", str(repo_dir / "data" / "claims"), str(bad)])
    assert result.exit_code == 1
    problem_lines = [ln for ln in result.output.splitlines() if ln.startswith(f"{bad}:")]
    assert len(problem_lines) == len(set(problem_lines)) >= 1, result.output
    assert "claims not checked: the gazetteer has problems" in result.output


#: What a command may load when it runs, but `kit --help` (every command's help) must not: each costs
#: tenths of a second to import (benchmarks/cli.py).
HEAVY = {
    "IPython", "altair", "dateparser", "duckdb", "ipywidgets", "nbclient", "nbconvert", "nbformat", "numpy",
    "pandas", "pandera", "papermill", "pyarrow", "scipy", "spacy", "statsmodels", "vl_convert",
}


def test_help_of_every_command_imports_nothing_heavy(repo_dir: Path) -> None:
    commands = [[], ["validate"], ["render"], ["incidents", "validate"], ["match"], ["estimate"], ["extract"]]
    code = (
        "import sys\n"
        "from kit.cli import app\n"
        f"for args in {commands!r}:\n"
        "    try:\n"
        "        app([*args, '--help'], prog_name='kit')\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, (args, exc.code)\n"
        "print('LOADED', *sorted({m.partition('.')[0] for m in sys.modules}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(repo_dir)}
    done = subprocess.run([sys.executable, "-c", code], cwd=repo_dir, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Check ledger and gazetteer files" in done.stdout  # the help was really printed
    loaded = set(done.stdout.rsplit("LOADED", 1)[1].split())
    assert {"kit", "typer"} <= loaded
    assert sorted(HEAVY & loaded) == []
