"""The shipped prompt-injection classifier: binary word 1-2-gram logistic regression.

Inference is pure Python over a dict of weights (no numpy needed): the features of a
window are the set of in-vocabulary unigrams and bigrams, L2-normalised, which is exactly
sklearn's CountVectorizer(binary=True) + Normalizer + LogisticRegression used in training
(scripts/train_injection.py). Long texts are scored in overlapping windows and the
maximum is kept, so one injected paragraph in a long document is not diluted away.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from importlib import resources

TOKEN = re.compile(r"(?u)\b\w+\b")
INDIRECT_FEATURE = "__indirect__"
WINDOW = 192
STRIDE = 128


def tokens(normalized_lower: str) -> list[str]:
    return TOKEN.findall(normalized_lower)


def features(toks: list[str]) -> set[str]:
    grams = set(toks)
    grams.update(a + " " + b for a, b in zip(toks, toks[1:], strict=False))
    return grams


class InjectionModel:
    def __init__(self, weights: dict[str, float], bias: float, sha256: str) -> None:
        self.weights = weights
        self.bias = bias
        self.sha256 = sha256

    @classmethod
    def load(cls, path: str | None = None) -> InjectionModel:
        if path is None:
            raw = resources.files("detectors.models").joinpath("injection_model.json").read_bytes()
        else:
            with open(path, "rb") as fh:
                raw = fh.read()
        data = json.loads(raw)
        return cls(data["weights"], float(data["bias"]), hashlib.sha256(raw).hexdigest())

    def _window(self, grams: set[str], indirect: bool) -> float:
        w = self.weights
        hits = [w[g] for g in grams if g in w]
        if indirect and INDIRECT_FEATURE in w:
            hits.append(w[INDIRECT_FEATURE])
        if not hits:
            z = self.bias
        else:
            z = self.bias + math.fsum(hits) / math.sqrt(len(hits))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def score(self, normalized_lower: str, indirect: bool = False) -> float:
        toks = tokens(normalized_lower)
        if len(toks) <= WINDOW:
            return self._window(features(toks), indirect)
        best = 0.0
        for start in range(0, len(toks) - STRIDE, STRIDE):
            best = max(best, self._window(features(toks[start : start + WINDOW]), indirect))
        return best
