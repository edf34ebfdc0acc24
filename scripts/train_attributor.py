"""Train the claim extractor's attributor on the development articles and write its weights.

    PYTHONPATH=. .venv/bin/python scripts/train_attributor.py            # cross-validate, train, write the file
    PYTHONPATH=. .venv/bin/python scripts/train_attributor.py --check    # retrain; exit 1 if the file differs
    PYTHONPATH=. .venv/bin/python scripts/train_attributor.py --first-runs-from-git   # rebuild first_runs.csv
    PYTHONPATH=. .venv/bin/python scripts/train_attributor.py --coverage   # is a right source among the candidates?

Training data: the `dev` split of tests/fixtures/articles only (the held-out splits are
never read). Each labelled figure the extractor drafts is a ranking problem over its
candidate sources; the rules' pick in it is the one the rules made on their **first run**
on that article (first_runs.csv, rebuilt from the git history: for each commit that added
a batch of articles, the extractor of the commit before it), because today's rules were
written on these articles and are right far more often here than on a new text.
The L2 penalty is chosen by leave-one-batch-out cross-validation (printed);
kit.extract.training.L2 holds the choice. docs/EXTRACT.md, "Attributor".
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kit.extract import (  # noqa: E402
    ATTRIBUTOR_WEIGHTS,
)
from kit.extract.training import (  # noqa: E402
    L2,
    L2_GRID,
    attributor_figures,
    cross_validate,
    fit_attributor,
    load_first_run_sources,
    load_first_runs,
    load_labelled_articles,
    write_weights,
)

ARTICLES = ROOT / "tests" / "fixtures" / "articles"
FIRST_RUNS = ARTICLES / "first_runs.csv"
FIRST_SOURCES = ARTICLES / "first_run_sources.json"
#: the commits that added batches of development articles (each one's parent met them first), in order
BATCH_COMMITS = ("e82e715", "920e0ff", "7bd854c", "0bcb65e", "27bddcd", "b92866f", "c09c9e5", "bf3e04c",
                 "3da4467", "c02c6e9", "ffaa0d8", "1e67909", "412f018", "2f884ac", "44ed8b1",
                 "e94b4ea", "2e84095", "6bf4f1d", "85d5c01", "cc79d09",
                 "bf3a40a", "adf06a7", "c4e2d2a", "b350fd9", "57e06f3",
                 "289a308", "37770e6", "c94c26b", "534a1d1", "253a016", "33c853d",
                 "13c557e", "b71dbed", "c31bdb7", "ce90222")
_OLD_RUN = """
import csv, json, sys
from pathlib import Path
from typing import Any
from kit.extract import extract_claims
folder, ids, out = Path(sys.argv[1]), set(sys.argv[2].split(',')), []
with open(folder / 'manifest.csv', encoding='utf-8', newline='') as fh:
    for r in csv.DictReader(fh):
        if r['id'] in ids and r['split'] == 'dev':
            text = (folder / 'dev' / (r['id'] + '.txt')).read_text(encoding='utf-8')
            for d in extract_claims(text, r['published'], publisher=r['outlet']):
                out.append([r['id'], d.figure_span[0],
                            d.row['claimant'], d.confidence['claimant']])
json.dump(out, sys.stdout)
"""


_OLD_SOURCES = """
import csv, json, sys
from pathlib import Path
from typing import Any
from kit.extract._sources import find_attributions
try:
    from kit.extract._resolve import resolve_references
except ImportError:  # the first commits had no references
    def resolve_references(text, found):
        return found
folder, ids, out = Path(sys.argv[1]), set(sys.argv[2].split(',')), {}
with open(folder / 'manifest.csv', encoding='utf-8', newline='') as fh:
    for r in csv.DictReader(fh):
        if r['id'] in ids and r['split'] == 'dev':
            text = (folder / 'dev' / (r['id'] + '.txt')).read_text(encoding='utf-8')
            out[r['id']] = [[a.start, a.end, a.name_start, a.name_end, a.name, a.kind,
                             *((a.source.name, a.source.claimant_type, a.source.method, a.source.is_outlet)
                               if a.source else ("", "", "", False)), a.verb,
                             *(getattr(a, 'via', None) or (None, None))]
                            for a in resolve_references(text, find_attributions(text))]
json.dump(out, sys.stdout)
"""


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True).stdout


def _batch_runs(code: str) -> dict[str, Any]:
    """For each batch commit: `code` run on the dev articles it added, with the kit of the commit before it."""
    results = {}
    for commit in BATCH_COMMITS:
        before = {line.split(",")[0] for line in _git("show", f"{commit}^:tests/fixtures/articles/manifest.csv")
                  .splitlines()} if commit != BATCH_COMMITS[0] else set()
        ids = [r["id"] for r in csv.DictReader(_git("show", f"{commit}:tests/fixtures/articles/manifest.csv")
                                                .splitlines()) if r["split"] == "dev" and r["id"] not in before]
        with tempfile.TemporaryDirectory() as tmp:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", f"{commit}^", "kit", "data"], check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            env = {**os.environ, "PYTHONPATH": tmp, "KIT_ROOT": tmp}
            out = subprocess.run([sys.executable, "-c", code, str(ARTICLES), ",".join(ids)], cwd=tmp, env=env,
                                 check=True, capture_output=True, text=True).stdout
        results[commit] = json.loads(out)
        print(f"{commit}: {len(ids)} articles")
    return results


def first_runs_from_git() -> None:
    """first_runs.csv and first_run_sources.json: each batch's dev articles read by the code of the commit before
    the batch was added (its drafts' claimants, and every source its attribution phrases and references named)."""
    rows = []
    for commit, drafts in _batch_runs(_OLD_RUN).items():
        rows += [(*r, commit) for r in drafts]
    rows.sort(key=lambda r: (r[0], r[1]))
    with open(FIRST_RUNS, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", "figure_start", "claimant", "confidence", "batch_commit"])
        writer.writerows(rows)
    sources: dict[str, list[list[Any]]] = {}
    for found in _batch_runs(_OLD_SOURCES).values():
        sources.update(found)
    FIRST_SOURCES.write_text(json.dumps(dict(sorted(sources.items())), separators=(",", ":")).replace("]],", "]],\n")
                             + "\n", encoding="utf-8")


def coverage() -> None:
    """How often a right source is among a figure's candidates: today's, and those the first-run code named.

    A ranker over the candidates cannot be right more often than this.
    """
    dev, runs = load_labelled_articles(ARTICLES, ["dev"]), load_first_runs(FIRST_RUNS)
    now = attributor_figures(dev, runs)
    first = attributor_figures(dev, runs, load_first_run_sources(FIRST_SOURCES))
    per: dict[str, list[int]] = {}
    for a, b in zip(now, first, strict=True):
        counts = per.setdefault(a.batch, [0, 0, 0])
        counts[0] += 1
        counts[1] += bool(a.right.any())
        counts[2] += bool(b.right.any())
    for batch, (n, today, old) in [*per.items(), ("all", [sum(v[i] for v in per.values()) for i in range(3)])]:
        print(f"batch {batch:<4} {n:>4} drafted figures: a right candidate today {today} ({today / n:.2f}), "
              f"among the first-run code's sources {old} ({old / n:.2f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="retrain and compare with the stored weights")
    parser.add_argument("--first-runs-from-git", action="store_true", help="rebuild first_runs.csv, then train")
    parser.add_argument("--coverage", action="store_true", help="only print how often a right source is a candidate")
    args = parser.parse_args()
    if args.coverage:
        coverage()
        return 0
    if args.first_runs_from_git:
        first_runs_from_git()
    figs = attributor_figures(load_labelled_articles(ARTICLES, ["dev"]), load_first_runs(FIRST_RUNS))
    if not args.check:
        for l2 in L2_GRID:
            cv = cross_validate(figs, l2)
            n, rules, model = (sum(v[i] for v in cv.values()) for i in range(3))
            print(f"L2 {l2:>5}: leave-one-batch-out, of {n} drafted figures: first-run rules right {rules}, "
                  f"attributor right {model}" + ("  (chosen)" if l2 == L2 else ""))
    weights = fit_attributor(figs, L2)
    trained_on = f"tests/fixtures/articles dev split: {len({f.article for f in figs})} articles, {len(figs)} figures"
    if args.check:
        stored = json.loads(ATTRIBUTOR_WEIGHTS.read_text(encoding="utf-8"))["weights"]
        same = stored == weights
        print("weights reproduced" if same else f"weights differ: stored {stored}, retrained {weights}")
        return 0 if same else 1
    write_weights(weights, ATTRIBUTOR_WEIGHTS, trained_on, L2)
    print(f"wrote {ATTRIBUTOR_WEIGHTS.relative_to(ROOT)}: {trained_on}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
