"""Train the claim extractor's dependency parser from a public treebank and write it to kit/extract/parser/.

    # a copy of https://github.com/UniversalDependencies/UD_English-EWT (git clone or a bare mirror)
    PYTHONPATH=. .venv/bin/python scripts/train_parser.py /path/to/UD_English-EWT
    PYTHONPATH=. .venv/bin/python scripts/train_parser.py /path/to/UD_English-EWT --steps 6000

No pretrained weights and no vectors: spaCy's own tagger + parser architecture
(the "efficiency" recipe of `spacy init config`), trained from zero on the
English Web Treebank's train split, its dev split for choosing the best
checkpoint and its test split scored once and written into the model's README.
The treebank's released train file is read from the per-document sources the
repository keeps (`not-to-release/sources`, ordered by `not-to-release/file-lists`),
so a mirror without large files works too. Nothing here runs at test time: the
model folder is committed (about 3 MB, no file over 2 MB) and `kit/extract/_parse.py` loads it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "kit" / "extract" / "parser"
SPLITS = ("train", "dev", "test")
#: the model's size: small enough that no weight file passes 2 MB (the efficiency recipe's 96 / 5000,1000,2500,2500
#: made a 6 MB token-vector file), and faster to run
WIDTH, ROWS, HIDDEN = 64, "2000,500,1000,1000", 64
LICENSE = ("The model is trained on the Universal Dependencies English Web Treebank, whose annotations are "
           "licensed CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/); the model files are shared "
           "under the same licence.")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def _split_text(repo: Path, split: str) -> str:
    """One split of a treebank as CoNLL-U, rebuilt from its per-document sources (a mirror may lack the big files)."""
    files = _git(repo, "show", f"HEAD:not-to-release/file-lists/files.{split}").split()
    stored = set(_git(repo, "ls-tree", "-r", "--name-only", "HEAD", "not-to-release/sources/").split())
    # GUM's file lists name documents without their suffix
    paths = [p if p in stored else p + ".conllu" for p in (f"not-to-release/sources/{f}" for f in files)]
    # GUM's Reddit documents are listed but not distributed (their text must be fetched from Reddit): left out
    return "".join(_git(repo, "show", f"HEAD:{p}").rstrip("\n") + "\n\n" for p in paths if p in stored)


def write_splits(repos: list[Path], folder: Path) -> tuple[list[str], dict[str, int]]:
    """The treebanks' train/dev/test CoNLL-U files, each split the treebanks' together, and each treebank's test
    split on its own (test-<k>.conllu); (commits, sentences per split)."""
    commits = [_git(repo, "rev-parse", "HEAD").strip() for repo in repos]
    counts = {}
    for split in SPLITS:
        texts = [_split_text(repo, split) for repo in repos]
        text = "".join(texts)
        (folder / f"{split}.conllu").write_text(text, encoding="utf-8")
        counts[split] = sum(line.startswith("# sent_id") for line in text.splitlines())
        if split == "test":
            for k, one in enumerate(texts):
                (folder / f"test-{k}.conllu").write_text(one, encoding="utf-8")
    return commits, counts


def _treebank_name(repo: Path) -> str:
    """UD_English-EWT from a clone's folder or a mirror's (owner+UD_English-EWT/repo)."""
    for part in reversed(repo.resolve().parts):
        if "UD_" in part:
            return part[part.index("UD_"):]
    return repo.name


def _spacy(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "spacy", *args], check=True, capture_output=True, text=True).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("treebanks", type=Path, nargs="+",
                        help="git copies of UniversalDependencies treebanks (UD_English-EWT, UD_English-GUM)")
    parser.add_argument("--steps", type=int, default=6000, help="training steps (default 6000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, help="keep the converted treebank and checkpoints here (default: temp)")
    parser.add_argument("--width", type=int, default=WIDTH, help=f"token vector width (default {WIDTH})")
    parser.add_argument("--rows", default=ROWS, help=f"hash rows of NORM,PREFIX,SUFFIX,SHAPE (default {ROWS})")
    parser.add_argument("--hidden", type=int, default=HIDDEN, help=f"parser hidden width (default {HIDDEN})")
    parser.add_argument("--out", type=Path, default=OUT, help="where the model goes (default kit/extract/parser)")
    args = parser.parse_args()
    out = args.out
    size = ["--components.tok2vec.model.encode.width", str(args.width),
            "--components.tok2vec.model.embed.rows", "[" + ",".join(str(int(r)) for r in args.rows.split(",")) + "]",
            "--components.parser.model.hidden_width", str(args.hidden)]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        commits, counts = write_splits(args.treebanks, work)
        for name in [*SPLITS, *(f"test-{k}" for k in range(len(args.treebanks)))]:
            _spacy("convert", str(work / f"{name}.conllu"), str(work), "--converter", "conllu", "-n", "10")
        _spacy("init", "config", str(work / "config.cfg"), "--lang", "en", "--pipeline", "tagger,parser",
               "--optimize", "efficiency")
        print(f"training on {counts['train']} sentences ({args.steps} steps); this takes about half an hour")
        _spacy("train", str(work / "config.cfg"), "--paths.train", str(work / "train.spacy"), "--paths.dev",
               str(work / "dev.spacy"), "--output", str(work / "out"), "--training.max_steps", str(args.steps),
               "--training.eval_frequency", "500", "--system.seed", str(args.seed), *size)
        best = work / "out" / "model-best"
        scores = []
        for k in range(len(args.treebanks)):
            _spacy("evaluate", str(best), str(work / f"test-{k}.spacy"), "--output", str(work / f"test-{k}.json"))
            scores.append(json.loads((work / f"test-{k}.json").read_text(encoding="utf-8")))
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
    config = (out / "config.cfg").read_text(encoding="utf-8")  # the temp paths of the training data: not kept
    (out / "config.cfg").write_text(re.sub(r'(?m)^(train|dev) = ".*"$', r"\1 = null", config), encoding="utf-8")
    names = [_treebank_name(repo) for repo in args.treebanks]
    sources = ", ".join(f"{name} (commit `{commit}` of https://github.com/UniversalDependencies/{name})"
                        for name, commit in zip(names, commits, strict=True))
    tests = [{k: round(float(s[k]), 4) for k in ("tag_acc", "dep_uas", "dep_las")} for s in scores]
    scored = "; ".join(f"{name}: tag accuracy {s['tag_acc']:.3f}, unlabelled attachment {s['dep_uas']:.3f}, "
                       f"labelled attachment {s['dep_las']:.3f}" for name, s in zip(names, tests, strict=True))
    (out / "README.md").write_text(
        "# The claim extractor's dependency parser\n\n"
        "Made by `scripts/train_parser.py` (spaCy tagger + parser, efficiency recipe, no vectors, no pretrained "
        f"weights, {args.steps} steps, seed {args.seed}; token vectors of width {args.width}, hash rows {args.rows}, "
        f"parser hidden width {args.hidden}) from the Universal Dependencies treebanks {sources}: "
        f"{counts['train']} training sentences, {counts['dev']} dev (best checkpoint), {counts['test']} test.\n\n"
        f"Scored once on each test split: {scored}.\n\n{LICENSE}\n", encoding="utf-8")
    print(f"wrote {out}: test {tests}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
