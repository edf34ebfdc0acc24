"""The README's command-line examples run as written, on the shipped data.

Every line of the README's code blocks that starts with `kit ` is run in-process
(typer's CliRunner) from the repository root. Placeholders in the README
(FILE, A B, HISTORIES.csv, ...) stand for files a user brings; here they are the
test fixtures, and output folders are temporary. A command fails the test when
it raises anything but the kit's clean exit or exits with a code other than the
one the README promises for good input (0).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kit.cli import app

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"

#: README lines not run here, and where they are tested instead.
PENDING: dict[str, str] = {
    "render --set": "the whole report set (~5 min): rendered once per run by tests/test_browser.py",
}


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", text, flags=re.S)
    out = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("kit "):
                out.append(line)
    return out


def _concrete(line: str, tmp: Path) -> list[list[str]]:
    """The README line with placeholders filled; `a|b|c` alternatives and `[--x|--y]` options each run once."""
    line = line.replace("YYYY-MM-DD", "2017-06-14")
    variants = [line]
    m = re.search(r"\[([^\]]+)\]", line)
    if m:
        variants = [line.replace(m.group(0), ""), *(line.replace(m.group(0), o) for o in m.group(1).split("|"))]
    runs = []
    for v in variants:
        args = shlex.split(v)[1:]
        subs: list[list[str]] = [[]]
        for a in args:
            if "|" in a and not a.startswith("-"):
                subs = [s + [alt] for s in subs for alt in a.split("|")]
            else:
                subs = [s + [a] for s in subs]
        runs += subs
    fills = {
        "HISTORIES.csv": str(FIX / "estimate" / "seber_1982_p107.csv"),
        "DIR": str(tmp / "out"),
        "reports": str(tmp / "reports"),
        "A": str(FIX / "incidents" / "airwars_small.csv"),
        "B": str(FIX / "incidents" / "ucdp_ged.csv"),
        "mapping.yaml": str(FIX / "incidents" / "monitor.yaml"),
    }
    incident_files = {"airwars": "airwars_small.csv", "ucdp": "ucdp_ged_hdx.csv", "acled": "acled.csv",
                      "mapping.yaml": "monitor.csv"}
    out = []
    for args in runs:
        args = [fills.get(a, a) for a in args]
        if args[:2] == ["incidents", "validate"]:
            fmt = args[args.index("--format") + 1]
            key = "mapping.yaml" if fmt.endswith(".yaml") else fmt
            if key == "nl-mod":
                continue  # no Dutch MoD fixture here; the real log is tested in tests/test_incidents.py
            args = [fills.get(a, a) if a != "FILE" else str(FIX / "incidents" / incident_files[key]) for a in args]
        if args[0] == "extract":
            args = [str(FIX / "texts" / "ap_investigation.txt") if a == "FILE" else a for a in args]
        out.append(args)
    return out


COMMANDS = _readme_commands()


def test_the_readme_has_commands_to_run() -> None:
    assert {c.split()[1] for c in COMMANDS} >= {"validate", "incidents", "estimate", "extract", "render", "match"}


@pytest.mark.parametrize("line", COMMANDS)
def test_readme_command_runs_as_written(line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for prefix, why in PENDING.items():
        if line.startswith(f"kit {prefix}"):
            pytest.skip(why)
    monkeypatch.chdir(ROOT)
    for args in _concrete(line, tmp_path):
        res = CliRunner().invoke(app, args)
        assert res.exception is None or isinstance(res.exception, SystemExit), (args, res.exception)
        assert res.exit_code == 0, (args, res.output[-2000:])
