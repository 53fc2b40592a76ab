"""Labelled case files for detector evaluation: text with inline gold spans.

A case file is YAML, a list of `{id, split, kind, text}`. Inside `text`:

- `⟦s:VALUE⟧` marks a secret, `⟦p:VALUE⟧` a placeholder or documentation value that
  stands in for one, and `⟦i:VALUE⟧` an ambiguous value that is scored neither way.
- `⟪A36⟫` is replaced by a random body, seeded by the case id (so the repository holds no
  live-looking credential): `A` alphanumeric, `H` lowercase hex, `X` uppercase hex, `U`
  URL-safe base64 alphabet, `B` base64 alphabet, `L` lowercase alphanumeric, `D` digits,
  `C` uppercase alphanumeric; `⟪uuid⟫` a random UUID; `⟪b64:...⟫` the standard base64
  (unpadded for `⟪b64u:...⟫`) of its expanded content.

Markers nest (`⟦s:⟪b64:admin:⟪A12⟫⟫⟧`). `load_cases` returns the plain text and the spans;
`score_cases` scores a Detector on them (scripts/eval_secrets.py).
"""

from __future__ import annotations

import base64
import random
import string
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from llmwall.detectors.entities import ENTITIES, PLACEHOLDER_SECRET, Category
from llmwall.detectors.recognizers.secret_checks import looks_sequential

if TYPE_CHECKING:
    from llmwall.detectors.engine import Detector

ALPHABETS = {
    "A": string.ascii_letters + string.digits,
    "H": "0123456789abcdef",
    "X": "0123456789ABCDEF",
    "U": string.ascii_letters + string.digits + "_-",
    "B": string.ascii_letters + string.digits + "+/",
    "L": string.ascii_lowercase + string.digits,
    "D": string.digits,
    "C": string.ascii_uppercase + string.digits,
}
LABELS = {"s": "secret", "p": "placeholder", "i": "ignore"}
_OPEN = {"⟦": "⟧", "⟪": "⟫"}


@dataclass(frozen=True)
class Gold:
    label: str  # "secret", "placeholder" or "ignore"
    start: int
    end: int


@dataclass(frozen=True)
class Case:
    id: str
    split: str
    kind: str
    text: str
    gold: tuple[Gold, ...]


class _Expander:
    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)

    def random_body(self, spec: str) -> str:
        if spec == "uuid":
            return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        alphabet = ALPHABETS[spec[0]]
        n = int(spec[1:])
        while True:
            value = "".join(self.rng.choice(alphabet) for _ in range(n))
            # a body with a run of 5 ascending characters reads as typed, not random
            if not looks_sequential(value):
                return value

    def expand(self, src: str, pos: int, close: str | None) -> tuple[str, int, list[Gold]]:
        """Expand src[pos:] up to the `close` character; return (text, next pos, spans)."""
        out: list[str] = []
        spans: list[Gold] = []
        length = 0
        while pos < len(src):
            c = src[pos]
            if c == close:
                return "".join(out), pos + 1, spans
            if c in _OPEN:
                head_end = src.find(":", pos) if c == "⟦" else -1
                if c == "⟦":
                    label = LABELS[src[pos + 1 : head_end]]
                    inner, pos, inner_spans = self.expand(src, head_end + 1, "⟧")
                    spans.extend(
                        Gold(g.label, g.start + length, g.end + length) for g in inner_spans
                    )
                    spans.append(Gold(label, length, length + len(inner)))
                else:
                    inner, pos = self.generate(src, pos + 1)
                out.append(inner)
                length += len(inner)
                continue
            out.append(c)
            length += 1
            pos += 1
        if close is not None:
            raise ValueError(f"unclosed marker, expected {close!r}")
        return "".join(out), pos, spans

    def generate(self, src: str, pos: int) -> tuple[str, int]:
        for prefix, encode in (
            ("b64u:", lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")),
            ("b64:", base64.b64encode),
        ):
            if src.startswith(prefix, pos):
                inner, pos, spans = self.expand(src, pos + len(prefix), "⟫")
                if spans:
                    raise ValueError("a gold marker inside ⟪b64:...⟫ has no span in the text")
                return encode(inner.encode()).decode(), pos
        end = src.index("⟫", pos)
        return self.random_body(src[pos:end]), end + 1


def expand_case(case_id: str, raw: str) -> tuple[str, tuple[Gold, ...]]:
    text, _, spans = _Expander(case_id).expand(raw, 0, None)
    return text, tuple(sorted(spans, key=lambda g: g.start))


def load_cases(path: Path, split: str | None = None) -> list[Case]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    seen: set[str] = set()
    for row in rows:
        if row["id"] in seen:
            raise ValueError(f"{path}: duplicate case id {row['id']!r}")
        seen.add(row["id"])
        if split is not None and row["split"] != split:
            continue
        text, gold = expand_case(row["id"], row["text"])
        cases.append(Case(row["id"], row["split"], row["kind"], text, gold))
    return cases


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_cases(
    det: Detector, items: list[Case], explain: bool = False
) -> dict[str, dict[str, float | int]]:
    """Counts and P/R for real secrets, placeholders, and recall per case kind."""
    counts: dict[str, dict[str, int]] = {
        "secret": defaultdict(int),
        "placeholder": defaultdict(int),
    }
    per_kind: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in items:
        found = [f for f in det.scan(case.text) if ENTITIES.get(f.entity) is Category.SECRET]
        ignore = [(g.start, g.end) for g in case.gold if g.label == "ignore"]
        for label in ("secret", "placeholder"):
            gold = [(g.start, g.end) for g in case.gold if g.label == label]
            mine = [
                f for f in found if (f.entity == PLACEHOLDER_SECRET) == (label == "placeholder")
            ]
            c = counts[label]
            for span in gold:
                hit = any(_overlaps(span, (f.start, f.end)) for f in mine)
                c["tp" if hit else "fn"] += 1
                if label == "secret":
                    per_kind[case.kind]["tp" if hit else "fn"] += 1
                if explain and not hit:
                    print(f"FN {label} {case.id}: {case.text[span[0] : span[1]]!r}")
            for f in mine:
                span = (f.start, f.end)
                if any(_overlaps(span, g) for g in gold + ignore):
                    continue
                c["fp"] += 1
                if label == "secret":
                    per_kind[case.kind]["fp"] += 1
                if explain:
                    print(
                        f"FP {label} {case.id} {f.entity} {f.rule} {f.score}: "
                        f"{case.text[f.start : f.end][:80]!r}"
                    )
    out: dict[str, dict[str, float | int]] = {}
    for label, c in [*counts.items(), *sorted(per_kind.items())]:
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        out[label] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        }
    return out
