"""Optional NER (PERSON, LOCATION) through Presidio's AnalyzerEngine, in a process pool.

The AnalyzerEngine is built with an explicit SpacyNlpEngine and a registry holding only
the SpacyRecognizer: Presidio's pattern recognizers are replaced by llmwall's fast path.
PERSON spans are then joined with PersonNameRecognizer's context cues and cleaned up by
`refine` (line breaks, possessives, surnames, coordinated names).
The model must be an installed package; nothing is ever downloaded.
"""

from __future__ import annotations

import multiprocessing
import re
from concurrent.futures import Future, ProcessPoolExecutor

NER_ENTITIES = ("PERSON", "LOCATION")
_ENGINE = None


def check_installed(model: str) -> bool:
    import spacy.util

    return bool(spacy.util.is_package(model))


def build_analyzer(model: str):  # type: ignore[no-untyped-def]
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    if not check_installed(model):  # SpacyNlpEngine.load would try to download it
        raise RuntimeError(f"spaCy model {model!r} is not installed")
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}])
    nlp_engine.load()
    registry = RecognizerRegistry(
        recognizers=[SpacyRecognizer(supported_entities=list(NER_ENTITIES))],
        supported_languages=["en"],
    )
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


_CUES: tuple = ()


def _init(model: str) -> None:
    global _ENGINE, _CUES
    from llmwall.detectors.recognizers.name_list_recognizer import NameListRecognizer
    from llmwall.detectors.recognizers.person_name_recognizer import PersonNameRecognizer

    _ENGINE = build_analyzer(model)
    # names announced by context ("my name is", "Mr.", "Name:") or starting with a listed
    # given name, that the small model misses; next to spaCy's cost (tens of ms) the
    # rules are free here
    _CUES = (PersonNameRecognizer(), NameListRecognizer())


def _analyze(text: str) -> list[tuple[str, int, int, float]]:
    assert _ENGINE is not None and _CUES
    results = _ENGINE.analyze(text, language="en", entities=list(NER_ENTITIES))
    found = [(r.entity_type, r.start, r.end, r.score) for r in results]
    for rec in _CUES:
        found += [(r.entity_type, r.start, r.end, r.score) for r in rec.find(text)]
    return refine(text, found)


_NAME_WORD = r"[^\W\d_][^\W\d_'’\-]*"
# "Anna, Derek and Andrew": the words coordinated with a PERSON are persons too
_NEXT = re.compile(
    rf"(?:[ \t]*,[ \t]*(?:and[ \t]+|&[ \t]*)?|[ \t]+(?:and|&|or)[ \t]+)({_NAME_WORD})"
)
_PREV = re.compile(rf"({_NAME_WORD})(?:[ \t]*,[ \t]*|[ \t]+(?:and|&|or)[ \t]+)$")
_SURNAME = re.compile(rf"[ \t]+({_NAME_WORD})")
_POSSESSIVE = re.compile(r"(?:['’]s?|\s)+$")
_NOT_NAME_WORDS = "The A An I He She They We You It This That My Your His Her Our Their And Or But"
_NOT_NAME = frozenset(_NOT_NAME_WORDS.split())


# words that a found name may share with ordinary text ("Van", "De", "Will")
_PERSON_STOP_WORDS = (
    "the and for van von der den des del della les las los mac will may mark bill grant rose "
    "hope joy faith june april rich young long king price white brown green black "
    "street road lane"
)
_PERSON_STOP = frozenset(_PERSON_STOP_WORDS.split())
_FUNCTION_WORDS = frozenset(w.lower() for w in _NOT_NAME) | {"is", "was", "are", "to", "of"}


def _is_name(word: str, lowercase_text: bool = False) -> bool:
    if lowercase_text:  # a text without capitals: any word but a function word
        return word.isalpha() and word not in _FUNCTION_WORDS
    return word[:1].isupper() and word not in _NOT_NAME and not (len(word) > 1 and word.isupper())


# "Hawkins, Richardson and Santana" after "at", "from", "The" or at a line start: a firm
# named after its partners (three surnames), not three people
_FIRM = re.compile(
    rf"(?:^|(?<=>)|\b(?:[Tt]he|at|from)[ \t]+)"
    rf"({_NAME_WORD}[ \t]*,[ \t]*{_NAME_WORD}[ \t]+(?:and|&)[ \t]+{_NAME_WORD})\b(?![ \t]*,)",
    re.MULTILINE,
)
# the last word of a street or box, not a name ("Crown St", "Mathias Pass", "Box 8144")
_STREET_WORD_LIST = """st street str strasse straße rd road ave avenue blvd boulevard lane
    ln way apt suite box pass bypass turnpike vej vei gade gasse weg platz plaza sq square
    court ct pl place"""
_STREET_WORDS = frozenset(_STREET_WORD_LIST.split())
_STREET_SUFFIXES = ("straat", "strasse", "straße", "vej", "gade", "gasse", "veien", "vägen")
_STREET_BEFORE = re.compile(r"\b(?:ul|via|rue|calle|av|avenida|rua|strada|viale)\.?[ \t]+$", re.I)
_NUMBER_AFTER = re.compile(r"[ \t]+\d{1,5}\b(?![.:/,]\d)")
_HOUSE_NUMBER = re.compile(r"(?<![\w.,:/])\d+[a-zA-Z]?[ \t]+$")
_YEAR = re.compile(r"(?:19|20)\d\d[ \t]+$")
# where a span stops being a name: 'tracy:"i'm' is the speaker "tracy"
_NOT_IN_NAME = re.compile(r"[^\w \t.'’\-]|\d|_")


def _not_a_person(text: str, start: int, end: int) -> bool:
    """An address part, a handle or a partner firm that the small model calls PERSON."""
    value = text[start:end]
    if "@" in value or text[end : end + 1] == "@" or _NUMBER_AFTER.match(text, end):
        return True  # "Hersnapvej 75", "MagdaLundberg@x.org"
    last = value.split()[-1].rstrip(".,").lower()
    if last in _STREET_WORDS or last.endswith(_STREET_SUFFIXES):
        return True
    if _STREET_BEFORE.search(text, max(0, start - 10), start):
        return True  # "ul. Jesionowa", "Via Franscini"
    # "at 159 Eleftheriou Venizelou": a house number before it, not a year
    before = text[max(0, start - 12) : start]
    return _HOUSE_NUMBER.search(before) is not None and _YEAR.search(before) is None


def _mentions(
    text: str, kept: list[tuple[int, int, float]], lowercase_text: bool
) -> list[tuple[int, int, float]]:
    """Other mentions of a found name or of one of its words ("directed by Maciej
    Borkowski and starring Borkowski")."""
    added: list[tuple[int, int, float]] = []
    seen: set[str] = set()
    for start, end, score in kept:
        for word in re.findall(_NAME_WORD, text[start:end]):
            if word in seen or len(word) < 3 or word.lower() in _PERSON_STOP:
                continue
            seen.add(word)
            if not (lowercase_text or (word[0].isupper() and not word.isupper())):
                continue
            for m in re.finditer(rf"(?<![\w'’\-]){re.escape(word)}(?![\w\-])", text):
                added.append((m.start(), m.end(), score))
    return added


def refine(
    text: str, found: list[tuple[str, int, int, float]]
) -> list[tuple[str, int, int, float]]:
    """Clean up spaCy's PERSON spans: cut at a line break and a trailing possessive, add the
    capitalised surname right after a one-word name, and add the capitalised words
    coordinated with a name ("Anna, Derek and Andrew"). Other entities pass unchanged."""
    out: list[tuple[str, int, int, float]] = []
    persons: list[tuple[int, int, float]] = []
    firms = [m.span(1) for m in _FIRM.finditer(text)]
    for entity, start, end, score in found:
        if entity != "PERSON":
            out.append((entity, start, end, score))
            continue
        value = text[start:end]
        if "\n" in value.strip():
            end = start + len(value) - len(value.lstrip()) + value.strip().index("\n")
            end = start + len(text[start:end].rstrip()) if end > start else end
        cut = _NOT_IN_NAME.search(text, start, end)
        if cut is not None:
            end = cut.start()
        tail = _POSSESSIVE.search(text, start, end)
        if tail is not None and tail.start() > start:
            end = tail.start()
        if end <= start or not any(c.isalpha() for c in text[start:end]):
            continue
        if _not_a_person(text, start, end) or any(f[0] <= start < f[1] for f in firms):
            continue
        if " " not in text[start:end].strip():
            more = _SURNAME.match(text, end)
            if (
                more is not None
                and _is_name(more.group(1))
                and (text[more.end() : more.end() + 1] in ("", " ", ",", ".", "\n", "'", "’"))
            ):
                end = more.end()
        persons.append((start, end, score))
    added: list[tuple[int, int, float]] = []
    lowercase_text = not any(c.isupper() for c in text)
    for start, end, score in persons:
        pos = end
        while (m := _NEXT.match(text, pos)) is not None and _is_name(m.group(1), lowercase_text):
            added.append((m.start(1), m.end(1), score))
            pos = m.end(1)
        pos = start
        while (m := _PREV.search(text, max(0, pos - 48), pos)) is not None and _is_name(
            m.group(1), lowercase_text
        ):
            added.append((m.start(1), m.end(1), score))
            pos = m.start(1)
    added = [
        a
        for a in added
        if not any(f[0] <= a[0] < f[1] for f in firms) and not _not_a_person(text, a[0], a[1])
    ]
    kept = _longest_first(persons + added)
    mentions = [m for m in _mentions(text, kept, lowercase_text) if not _not_a_person(text, *m[:2])]
    kept = _longest_first(kept + mentions)
    out.extend(("PERSON", s, e, sc) for s, e, sc in kept)
    return out


def _longest_first(spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    kept: list[tuple[int, int, float]] = []
    for start, end, score in sorted(set(spans)):
        if kept and start < kept[-1][1]:
            if end - start > kept[-1][1] - kept[-1][0]:
                kept[-1] = (start, end, score)
            continue
        kept.append((start, end, score))
    return kept


class NerPool:
    """A forkserver process pool whose workers each hold one AnalyzerEngine."""

    def __init__(self, model: str, workers: int) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_init,
            initargs=(model,),
        )
        # fail at start-up, not on the first request
        self._pool.submit(_analyze, "warm up").result()

    def submit(self, text: str) -> Future[list[tuple[str, int, int, float]]]:
        return self._pool.submit(_analyze, text)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
