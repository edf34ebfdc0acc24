"""Run by tests/test_match_spark.py inside .venv-spark (the kit's venv plus pyspark): the same FS model on
DuckDB and on Spark local[2], 10,000 x 10,000 synthetic incidents; prints both link sets and probabilities as JSON.

The model is trained once on DuckDB and handed to both backends, so the comparison is of scoring and
blocking only. Spark lives in its own venv because pandera imports pyspark.pandas whenever pyspark is
importable, which costs every kit import ~0.4 s and prints a FutureWarning in every notebook.
"""

from __future__ import annotations

import json
import runpy
import sys
import time
from pathlib import Path

from pyspark.sql import SparkSession

from kit.match import match_incidents

#: benchmarks/match.py's generator (incidents over the real period and places), read from its one home
synthetic = runpy.run_path(str(Path(__file__).resolve().parents[1] / "benchmarks" / "match.py"))["synthetic"]


def main(n: int) -> None:
    a = synthetic(n, seed=1, source="A")
    b = synthetic(n, seed=2, source="B", base=a)
    t0 = time.perf_counter()
    duck = match_incidents(a, b, scorer="fs", large=False)
    duck_s = time.perf_counter() - t0
    spark = (
        SparkSession.builder.master("local[2]").appName("kit-test")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4").config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "2g").getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        t0 = time.perf_counter()
        on_spark = match_incidents(a, b, scorer="fs", model=duck.model, spark=spark)
        spark_s = time.perf_counter() - t0
    finally:
        spark.stop()
    out: dict[str, object] = {
        name: {
            "pairs": sorted(map(list, zip(r.pairs["id_a"], r.pairs["id_b"], strict=True))),
            "candidates": sorted(map(list, zip(r.candidates["id_a"], r.candidates["id_b"], strict=True))),
            "probability": [float(p) for p in r.candidates["match_probability"]],
        }
        for name, r in (("duckdb", duck), ("spark", on_spark))
    }
    out["seconds"] = {"duckdb": duck_s, "spark": spark_s}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
