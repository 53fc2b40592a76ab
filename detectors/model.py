"""The shipped prompt-injection classifier: binary word 1-2-gram logistic regression.

Inference sums a dict of weights (numpy for long texts): the features of a window are
the set of in-vocabulary unigrams and bigrams, divided by sqrt(max(count, NORM_FLOOR)),
exactly as sklearn's CountVectorizer(binary=True) + that scaling + LogisticRegression see
them in training (scripts/train_injection.py). Long texts are scored in overlapping windows and the
maximum is kept, so one injected paragraph in a long document is not diluted away.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from importlib import resources

import numpy as np

INDIRECT_FEATURE = "__indirect__"
# Document text gets every gram twice, plain and with this prefix, so the model can learn
# what is suspicious only inside documents (a request to the assistant) without
# unlearning that the same words are benign from a user ("augmented" domain features).
INDIRECT_PREFIX = "i:"
WINDOW = 256
LINE_MIN = 6
# In a text of two or three words one heavy word would carry full weight
# ("https://example.com" scored 0.97 under plain L2). Below this many words the model's
# evidence is also scaled down in proportion; short attacks are the rules' job.
MIN_WORDS = 8
# Feature vectors are divided by sqrt(max(grams, NORM_FLOOR)) rather than their L2 norm
# sqrt(grams), in training and here alike: a text with fewer in-vocabulary grams than
# this (about 12 words) is treated as carrying less evidence instead of each of its few
# grams weighing more. Plain L2 scored ordinary short requests ("Show me the system
# requirements for PostgreSQL 16.") at 0.9+.
NORM_FLOOR = 24
# up to this many tokens the pure-Python set path is faster than numpy's fixed costs
SMALL = 128


_WORD_BYTES = bytes(b if b >= 0x80 or chr(b).isalnum() or b == 0x5F else 0x20 for b in range(256))


def tokens(normalized_lower: str) -> list[str]:
    """Word tokens: ASCII letters, digits and `_` plus any non-ASCII character, split at
    everything else. bytes.translate + split keeps this at C speed (a `\\w+` regex is
    ten times slower on 20 KB); normalize() has already mapped typographic punctuation
    to ASCII. Training uses this same function."""
    raw = normalized_lower.encode("utf-8", "surrogatepass").translate(_WORD_BYTES)
    return raw.decode("utf-8", "surrogatepass").split()


# A web address is one token for the model: hosts and paths are topic, not intent, and
# the training attacks' "www.example.com" had taught it that "example com" and "com"
# mean injection ("Write a regex that matches URLs like https://www.example.com/" scored
# 0.69). Found by their scheme or a common top-level domain (literal-led regexes, so
# re skips ahead in C); the whole whitespace-delimited word is masked.
URL_TOKEN = "__url__"
_URL_HINT = re.compile(r"://|www\.|\.(?:com|org|net|io|dev|ai|app|co|xyz|info|biz|edu|gov)\b")
_WORD_AROUND = re.compile(r"\S+")


def mask_urls(normalized_lower: str) -> str:
    """The text with every word that holds a web address replaced by URL_TOKEN."""
    if _URL_HINT.search(normalized_lower) is None:
        return normalized_lower
    out: list[str] = []
    pos = 0
    for m in _URL_HINT.finditer(normalized_lower):
        if m.start() < pos:
            continue  # inside a word already masked
        start = m.start()  # back to the start of the word (a few characters)
        while start > pos and not normalized_lower[start - 1].isspace():
            start -= 1
        word = _WORD_AROUND.match(normalized_lower, m.end())
        end = word.end() if word is not None and word.start() == m.end() else m.end()
        out += [normalized_lower[pos:start], URL_TOKEN]
        pos = end
    out.append(normalized_lower[pos:])
    return "".join(out)


def features(toks: list[str], indirect: bool = False) -> set[str]:
    """The binary features of one window, as training sees them."""
    grams = set(toks)
    grams.update(a + " " + b for a, b in itertools.pairwise(toks))
    if indirect:
        grams.update([INDIRECT_PREFIX + g for g in grams])
        grams.add(INDIRECT_FEATURE)
    return grams


class InjectionModel:
    def __init__(self, weights: dict[str, float], bias: float, sha256: str) -> None:
        self.weights = weights
        self.bias = bias
        self.sha256 = sha256
        self._vocab = frozenset(weights)
        self._index(weights)

    def _index(self, weights: dict[str, float]) -> None:
        """Arrays for _score_spans: every feature is a base gram (its document-prefixed
        twin shares the id); a token maps to a word id with one dict lookup, a bigram to
        a feature by binary search over word-id pairs."""
        bases = sorted({g.removeprefix(INDIRECT_PREFIX) for g in weights})
        words = sorted({w for b in bases for w in b.split(" ")})
        self._wid = {w: k for k, w in enumerate(words)}
        nw = len(words)
        self._nw = nw
        uni = np.full(nw + 1, -1, dtype=np.int64)  # index nw: out-of-vocabulary words
        pairs: list[tuple[int, int]] = []
        for f, b in enumerate(bases):
            parts = b.split(" ")
            if len(parts) == 1:
                uni[self._wid[b]] = f
            else:
                a, c = parts
                pairs.append(((self._wid[a] * (nw + 1) + self._wid[c]), f))
        pairs.sort()
        self._uni = uni
        self._bkeys = np.array([k for k, _ in pairs], dtype=np.int64)
        self._bfeat = np.array([f for _, f in pairs], dtype=np.int64)
        plain = [weights.get(b) for b in bases]
        prefixed = [weights.get(INDIRECT_PREFIX + b) for b in bases]
        self._w_plain = np.array([0.0 if w is None else w for w in plain])
        self._has_plain = np.array([w is not None for w in plain])
        self._w_pref = np.array([0.0 if w is None else w for w in prefixed])
        self._has_pref = np.array([w is not None for w in prefixed])
        self._n_plain = self._has_plain.astype(np.float64)
        self._n_pref = self._has_pref.astype(np.float64)

    @classmethod
    def load(cls, path: str | None = None) -> InjectionModel:
        if path is None:
            raw = (
                resources.files("llmwall.detectors.models")
                .joinpath("injection_model.json")
                .read_bytes()
            )
        else:
            with open(path, "rb") as fh:
                raw = fh.read()
        data = json.loads(raw)
        return cls(data["weights"], float(data["bias"]), hashlib.sha256(raw).hexdigest())

    def score(self, normalized_lower: str, indirect: bool = False) -> float:
        masked = mask_urls(normalized_lower)
        return self.score_document(masked, tokens(masked), indirect)

    def score_document(self, normalized_lower: str, toks: list[str], indirect: bool) -> float:
        """Max over windows of WINDOW tokens of the window's probability, and for document
        text also over each line of LINE_MIN+ words: an injected instruction is usually a
        line of its own that a whole-window score would dilute among the document's
        ordinary lines. Windows and lines are scored together in one vectorised pass
        (_score_spans); score_tokens_reference is the definition and the test oracle."""
        n = len(toks)
        spans = _window_spans(n)
        if indirect and "\n" in normalized_lower:
            # tokens() splits at every line break, so a text's tokens are its lines'
            # tokens in order, and a line is a span of token positions
            pos = 0
            for line in normalized_lower.splitlines():
                k = len(tokens(line))
                if LINE_MIN <= k < n:
                    spans += [(pos + s, pos + e) for s, e in _window_spans(k)]
                pos += k
        if n <= SMALL:
            return max(self.score_tokens_reference(toks[s:e], indirect) for s, e in spans)
        return self._score_spans(toks, spans, indirect)

    def _score_spans(self, toks: list[str], spans: list[tuple[int, int]], indirect: bool) -> float:
        """Max over token spans of the span's probability, all spans at once: one dict
        lookup per token (its word id), bigram features by binary search over word-id
        pairs, then every (span, feature) pair made distinct by a single sort and the
        weights summed per span with np.bincount. Python-level work is per text, not per
        window or line."""
        n = len(toks)
        nw = self._nw
        nf = len(self._w_plain)
        ids = np.fromiter(map(self._wid.get, toks, itertools.repeat(nw)), np.int64, n)
        uni = self._uni[ids]
        keys = ids[:-1] * (nw + 1) + ids[1:]
        bi = np.full(max(0, n - 1), -1, dtype=np.int64)
        if len(self._bkeys) and n > 1:
            # searching sorted needles is cache-friendly (measured 1.4x with the argsort)
            order = np.argsort(keys)
            needles = keys[order]
            pos = np.searchsorted(self._bkeys, needles)
            np.minimum(pos, len(self._bkeys) - 1, out=pos)
            hit = self._bkeys[pos] == needles
            bi[order[hit]] = self._bfeat[pos[hit]]
        m = len(spans)
        lengths = np.array([e - s for s, e in spans], dtype=np.int64)
        if m <= 4:  # slicing beats index arithmetic for a few spans (the windows of 2 KB)
            feat = np.concatenate([uni[s:e] for s, e in spans] + [bi[s : e - 1] for s, e in spans])
            blen = np.maximum(lengths - 1, 0)
            win = np.repeat(np.arange(2 * m, dtype=np.int64) % m, np.concatenate((lengths, blen)))
        else:
            starts = np.array([s for s, _ in spans], dtype=np.int64)
            u_at, u_win = _ranges(starts, lengths)
            b_at, b_win = _ranges(starts, np.maximum(lengths - 1, 0))
            feat = np.concatenate((uni[u_at], bi[b_at]))
            win = np.concatenate((u_win, b_win))
        keep = feat >= 0
        pairs = np.sort(win[keep] * nf + feat[keep])  # distinct: np.unique is 5x slower
        if len(pairs) > 1:
            pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
        pw, pf = np.divmod(pairs, nf)
        sums = np.zeros(m)
        counts = np.zeros(m)
        if len(pairs):  # (bincount of nothing is an integer array)
            sums += np.bincount(pw, weights=self._w_plain[pf], minlength=m)
            counts += np.bincount(pw, weights=self._n_plain[pf], minlength=m)
            if indirect:
                sums += np.bincount(pw, weights=self._w_pref[pf], minlength=m)
                counts += np.bincount(pw, weights=self._n_pref[pf], minlength=m)
        if indirect and INDIRECT_FEATURE in self.weights:
            sums += self.weights[INDIRECT_FEATURE]
            counts += 1.0
        scale = np.minimum(1.0, lengths / MIN_WORDS)
        z = self.bias + scale * sums / np.sqrt(np.maximum(counts, NORM_FLOOR))
        top = max(-30.0, min(30.0, float(z.max())))
        return 1.0 / (1.0 + math.exp(-top))

    def score_tokens_reference(self, toks: list[str], indirect: bool = False) -> float:
        """Max over windows of WINDOW tokens of the window's probability. A window's
        binary features are the distinct in-vocabulary grams among its positions; set
        building, intersection and map() keep the loops in C (a one-pass numpy variant
        with previous-occurrence indices measured slower)."""
        w = self.weights
        bigrams = list(map(" ".join, itertools.pairwise(toks)))
        n = len(toks)
        best = 0.0
        for start, end in _window_spans(n):
            grams = set(toks[start:end])
            grams.update(bigrams[start : end - 1])
            if indirect:
                grams.update([INDIRECT_PREFIX + g for g in grams])
            scale = min(1.0, (end - start) / MIN_WORDS)
            hits = list(map(w.__getitem__, grams & self._vocab))
            best = max(best, self._prob(hits, indirect, scale))
        return best

    def _prob(self, hits: list[float], indirect: bool, scale: float = 1.0) -> float:
        if indirect and INDIRECT_FEATURE in self.weights:
            hits.append(self.weights[INDIRECT_FEATURE])
        z = self.bias + scale * math.fsum(hits) / math.sqrt(max(len(hits), NORM_FLOOR))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _window_spans(n: int) -> list[tuple[int, int]]:
    """Non-overlapping windows of WINDOW tokens; the last one is the final WINDOW tokens."""
    if n <= WINDOW:
        return [(0, n)]
    return [(s, s + WINDOW) for s in range(0, n - WINDOW, WINDOW)] + [(n - WINDOW, n)]


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The concatenated positions range(s, s + k) of every (s, k), and each one's index."""
    total = int(lengths.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    first = np.cumsum(lengths) - lengths
    at = np.arange(total, dtype=np.int64) + np.repeat(starts - first, lengths)
    return at, np.repeat(np.arange(len(starts), dtype=np.int64), lengths)
