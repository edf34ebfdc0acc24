"""Benchmark: `kit --help` answers in at most 0.5 s wall (issue 10).

Runs each command as a fresh process (the way a user types it) and prints the
median wall time of `--repeat` runs next to two baselines measured the same way:
the interpreter alone (`python -c pass`, the floor of any command) and
`python -c "import pandas"` (what every command paid before the CLI imported
its libraries lazily). `kit validate data/claims data/places.csv` is shown with
its own floor, `import pandas, pandera.pandas`: the ledger contract is a pandera
schema, so validate cannot start faster than those two imports.

    .venv/bin/python benchmarks/cli.py [--repeat N] [--target SECONDS]

`kit` runs as `python -m kit` with this checkout first on PYTHONPATH, so the
figures are for this source tree whatever the venv's editable install points at.
Prints PASS/FAIL and exits 1 when `kit --help` misses the target.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

#: label → command line; the first two are the baselines every ratio is taken against.
COMMANDS: dict[str, list[str]] = {
    "python -c pass": [PY, "-c", "pass"],
    'python -c "import pandas"': [PY, "-c", "import pandas"],
    "kit --help": [PY, "-m", "kit", "--help"],
    "kit validate data/claims data/places.csv": [PY, "-m", "kit", "validate", "data/claims", "data/places.csv"],
    'floor of validate: "import pandas, pandera.pandas"': [PY, "-c", "import pandas, pandera.pandas"],
}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of `repeat` fresh runs after one warm-up (which fills the OS file cache).

    CPU time (user + system of the child) is printed too: on a machine shared
    with other jobs, wall time also counts the wait for a core, CPU time does not.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    walls, cpus = [], []
    for i in range(repeat + 1):
        t0, c0 = time.perf_counter(), _cpu()
        done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed, cpu = time.perf_counter() - t0, _cpu() - c0
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr.decode(errors='replace')}")
        if i:
            walls.append(elapsed)
            cpus.append(cpu)
    return walls, cpus


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs per command; the median is reported")
    ap.add_argument("--target", type=float, default=0.5, help="seconds allowed for `kit --help`")
    args = ap.parse_args()
    load_before = os.getloadavg()
    results = {label: run(cmd, args.repeat) for label, cmd in COMMANDS.items()}
    median = {label: statistics.median(walls) for label, (walls, _) in results.items()}
    base, pandas = median["python -c pass"], median['python -c "import pandas"']
    print(f"{'command (fresh process, median of ' + str(args.repeat) + ')':<52} {'wall s':>7} {'min s':>7} "
          f"{'cpu s':>7} {'/ python':>9} {'/ pandas':>9}")
    for label, (walls, cpus) in results.items():
        print(f"{label:<52} {median[label]:7.3f} {min(walls):7.3f} {statistics.median(cpus):7.3f} "
              f"{median[label] / base:8.1f}x {median[label] / pandas:8.2f}x")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in load_before)}; after: "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPU(s)")
    helped = median["kit --help"]
    ok = helped <= args.target
    print(f"{'PASS' if ok else 'FAIL'}: kit --help {helped:.3f} s {'<=' if ok else '>'} {args.target:.1f} s target")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
