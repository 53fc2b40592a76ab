"""Pure metric code shared by `llmwall eval` and scripts/eval_all.py.

binary_metrics(pairs, classify)   -> BinaryReport  (pairs: iterable of (text, label))
span_metrics(docs, predict)       -> {entity: SpanCounts}  (span-labelled PII)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class BinaryReport:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def fpr(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else 0.0

    def latency(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, int(q * len(data)))]

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "tn": self.tn,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "fpr": round(self.fpr, 4),
            "accuracy": round(self.accuracy, 4),
            "latency_p50_ms": round(statistics.median(self.latencies_ms), 3)
            if self.latencies_ms
            else None,
            "latency_p99_ms": round(self.latency(0.99), 3),
        }


def binary_metrics(
    pairs: Iterable[tuple[str, int]], classify: Callable[[str], bool]
) -> BinaryReport:
    """Run `classify` (True = flagged) over (text, label) pairs, label 1 = should flag."""
    report = BinaryReport()
    for text, label in pairs:
        t0 = time.perf_counter()
        flagged = classify(text)
        report.latencies_ms.append((time.perf_counter() - t0) * 1000)
        if flagged and label:
            report.tp += 1
        elif flagged:
            report.fp += 1
        elif label:
            report.fn += 1
        else:
            report.tn += 1
    return report


@dataclass
class SpanCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter / max(1, min(a[1] - a[0], b[1] - b[0])) if inter > 0 else 0.0


def span_metrics(
    docs: Iterable[tuple[str, list[tuple[str, int, int]]]],
    predict: Callable[[str], list[tuple[str, int, int]]],
    min_overlap: float = 0.5,
) -> dict[str, SpanCounts]:
    """Per-entity span precision/recall. A predicted span matches a gold span of the same
    entity when they overlap by at least `min_overlap` of the shorter one (each gold span
    matches at most once)."""
    counts: dict[str, SpanCounts] = {}
    for text, gold in docs:
        pred = predict(text)
        used: set[int] = set()
        for entity, s, e in pred:
            c = counts.setdefault(entity, SpanCounts())
            match = next(
                (
                    i
                    for i, (ge, gs, gend) in enumerate(gold)
                    if i not in used
                    and ge == entity
                    and _overlap((s, e), (gs, gend)) >= min_overlap
                ),
                None,
            )
            if match is None:
                c.fp += 1
            else:
                used.add(match)
                c.tp += 1
        for i, (entity, _, _) in enumerate(gold):
            if i not in used:
                counts.setdefault(entity, SpanCounts()).fn += 1
    return counts
