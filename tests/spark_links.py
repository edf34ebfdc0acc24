"""Run by tests/test_match_fs.py inside .venv-spark (the kit's venv plus pyspark): the same FS model on
DuckDB and on Spark local[2]; prints both link sets and probabilities as JSON.

Spark lives in its own venv because pandera imports pyspark.pandas whenever pyspark is importable,
which costs every kit import ~0.4 s and prints a FutureWarning in every notebook.
"""

from __future__ import annotations

import json
import sys

from pyspark.sql import SparkSession
from test_match_fs import events

from kit.match import match_incidents, perturbed_copies


def main() -> None:
    a, b, _ = perturbed_copies(events(600), seed=1)
    fs = match_incidents(a, b, scorer="fs")
    a, b = a.head(60), b[b["source_id"].isin(fs.candidates["id_b"])].head(60)
    spark = (
        SparkSession.builder.master("local[2]").appName("kit-test")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1").config("spark.default.parallelism", "2").getOrCreate()
    )
    try:
        duck = match_incidents(a, b, scorer="fs", model=fs.model)
        on_spark = match_incidents(a, b, scorer="fs", model=fs.model, spark=spark)
    finally:
        spark.stop()
    out = {
        name: {
            "pairs": sorted(map(list, zip(r.pairs["id_a"], r.pairs["id_b"], strict=True))),
            "probability": [float(p) for p in r.candidates["match_probability"]],
        }
        for name, r in (("duckdb", duck), ("spark", on_spark))
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
