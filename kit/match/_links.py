"""What a match result hands on: link probabilities for estimation, Splink's clustering, scores against truth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.match._engine import MatchResult, _prepare
from kit.match._splink import FSModel, _linker, fs_tables, splink_connection

#: Columns of `link_probabilities`, in order.
LINK_COLUMNS = ["source_a", "id_a", "source_b", "id_b", "probability", "status", "linked"]


def link_probabilities(result: MatchResult) -> pd.DataFrame:
    """Every candidate pair with its match probability and whether the assignment linked it.

    This is the hand-off to estimation: an estimate can carry matching
    uncertainty by treating each pair as linked with `probability` rather than
    as a certain 0/1. Needs a result of the "fs" scorer (the rules score is not
    a probability). Reviewer decisions win: accepted pairs get probability 1,
    rejected pairs 0.
    """
    cand = result.candidates
    if result.model is None or cand["match_probability"].isna().all() and len(cand):
        raise ValueError("link probabilities need match_incidents(..., scorer='fs'); the rules score is not one")
    prob = cand["match_probability"].astype(float).fillna(0.0)
    prob = prob.mask(cand["status"] == "accepted", 1.0).mask(cand["status"] == "rejected", 0.0)
    out = cand[["source_a", "id_a", "source_b", "id_b", "status"]].copy()
    out["probability"] = prob.to_numpy()
    out["linked"] = cand["status"].isin(["matched", "accepted"]).to_numpy()
    return out[LINK_COLUMNS].reset_index(drop=True)


def explain_weights(model_or_result: FSModel | MatchResult) -> pd.DataFrame:
    """The learned weights in words, one row per comparison level (for the review widget and the report)."""
    model = model_or_result.model if isinstance(model_or_result, MatchResult) else model_or_result
    if model is None:
        raise ValueError("no Fellegi–Sunter model: run match_incidents(..., scorer='fs')")
    return model.explain()


def single_best_links(result: MatchResult, *, threshold: float = 0.5) -> pd.DataFrame:
    """Splink's own clustering (`cluster_using_single_best_links`) over the result's candidate pairs.

    Neither list may have two records in one cluster, so each cluster yields at
    most one A–B link; the comparison with the kit's Hungarian assignment is in
    benchmarks/match.py.
    """
    from splink import DuckDBAPI

    if result.model is None:
        raise ValueError("single-best-link clustering needs match_incidents(..., scorer='fs')")
    sa, sb = _prepare(result.a, "A"), _prepare(result.b, "B")
    ta, tb = fs_tables(sa, sb, km=result.model.km)
    pos_a = {k: n for n, k in enumerate(zip(sa.source, sa.sid, strict=True))}
    pos_b = {k: n for n, k in enumerate(zip(sb.source, sb.sid, strict=True))}
    cand = result.candidates
    ia = np.array([pos_a[k] for k in zip(cand["source_a"], cand["id_a"], strict=True)], dtype=np.int64)
    ib = np.array([pos_b[k] for k in zip(cand["source_b"], cand["id_b"], strict=True)], dtype=np.int64)
    db_api = DuckDBAPI(connection=splink_connection())
    linker = _linker(ta, tb, dict(result.model.settings), db_api)
    blocked = pd.DataFrame({"match_key": "0", "join_key_l": [f"a-__-{i}" for i in ia],
                            "join_key_r": [f"b-__-{j}" for j in ib]})
    linker.table_management.register_blocked_pairs_for_predict(db_api.register(blocked, table_name="kit_pairs"))
    pred = linker.inference.predict(warning_mode="never")
    clusters = linker.clustering.cluster_using_single_best_links(
        pred, duplicate_free_datasets=["a", "b"], threshold_match_probability=threshold
    ).as_pandas_dataframe()
    ca = clusters[clusters["source_dataset"] == "a"][["cluster_id", "uid"]]
    cb = clusters[clusters["source_dataset"] == "b"][["cluster_id", "uid"]]
    both = ca.merge(cb, on="cluster_id", suffixes=("_a", "_b"))
    ia2, ib2 = both["uid_a"].astype(np.int64).to_numpy(), both["uid_b"].astype(np.int64).to_numpy()
    return pd.DataFrame(
        {"source_a": sa.source[ia2], "id_a": sa.sid[ia2], "source_b": sb.source[ib2], "id_b": sb.sid[ib2]}
    )


def link_scores(links: pd.DataFrame, truth: pd.DataFrame, *, closed: bool = True) -> dict[str, float]:
    """Precision, recall and F1 of (id_a, id_b) links against known truth, pair by pair.

    truth: id_a, id_b and optionally label (1 true, 0 false; all 1 when absent).
    closed=True (synthetic truth): every link not in truth is false. closed=False
    (a labelled sample): only links among the labelled pairs are judged.
    precision = true links / judged links; recall = true pairs linked / true
    pairs; `record_recall` = A records with a true pair that got a true link /
    A records with a true pair (what a one-to-one matcher can reach when one
    incident truly spans several strikes).
    """
    got = set(zip(links["id_a"].astype(str), links["id_b"].astype(str), strict=True))
    label = truth["label"].astype(int) if "label" in truth.columns else pd.Series(1, index=truth.index)
    lab = dict(zip(zip(truth["id_a"].astype(str), truth["id_b"].astype(str), strict=True), label, strict=True))
    judged = got if closed else {p for p in got if p in lab}
    tp = sum(1 for p in judged if lab.get(p, 0) == 1)
    true_pairs = {p for p, v in lab.items() if v == 1}
    wanted = {a for a, _ in true_pairs}
    found = {a for a, b in judged if lab.get((a, b), 0) == 1}
    precision = tp / len(judged) if judged else 0.0
    recall = tp / len(true_pairs) if true_pairs else 0.0
    return {
        "links": len(judged),
        "tp": tp,
        "fp": len(judged) - tp,
        "fn": len(true_pairs) - tp,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "record_recall": len(found) / len(wanted) if wanted else 0.0,
    }
