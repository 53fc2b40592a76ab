from __future__ import annotations

import re
from typing import ClassVar

import ahocorasick
from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.name_list_recognizer import PARTICLES, _given_names

# One to four words after a cue; `_name_span` keeps the leading capitalised ones.
_WORDS = (
    r"(?P<v>[^\W\d_][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*\.?"
    r"(?:[ \t]+[^\W\d_][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*\.?){0,3})"
)
_TOKEN = re.compile(r"[^\W\d_][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*\.?")
# Capitalised words that follow the cues without being names.
_NOT_NAME_WORDS = """
    a an the this that these those my your his her our their its i you he she we they it
    me him us them who what which whom whose where when why how here there all any some no
    not yes and or but if so to of in on at by for from with as is am are was were be been
    sorry happy glad ready fine good okay ok sure back home new just also still very really
    going trying looking writing calling working done available interested afraid able
    unable here there everyone everybody team all sir madam guys folks friends customer
    user assistant admin support mr mrs ms dr prof miss mx monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september
    october november december today tomorrow yesterday morning evening afternoon night
    please thanks thank regards best hello hi hey dear name names first last full middle
    surname unknown none null n/a not i'm i’m i'd i'll i've"""
_NOT_NAME = frozenset(_NOT_NAME_WORDS.split())
LINE_REACH = 64
# words after which "Dr" is a title ("Dear Dr. Diallo"), not a street type ("Oak Dr.")
_BEFORE_TITLE_WORDS = "dear hi hello hey thanks thank to and with from contact call ask see"
_BEFORE_TITLE = frozenset(_BEFORE_TITLE_WORDS.split())
# brands named like a person with a title
_BRANDS = frozenset(["pepper", "martens", "oetker", "scholl", "scholl's"])
# occupations and relations written before a full name ("songwriter Jarmila Chloupková",
# "assistant to Asya Godina"): the name needs two words, none of an organisation's
_ROLE_WORDS = """
    player singer songwriter producer director author writer actor actress artist
    musician composer painter poet novelist journalist reporter photographer
    designer architect chef coach captain president senator minister mayor governor
    chairman chairwoman ceo cfo cto coo founder co-founder cofounder owner teacher
    professor student doctor nurse surgeon dentist therapist psychologist lawyer
    attorney judge officer detective inspector sergeant assistant secretary
    colleague coworker co-worker neighbour neighbor landlord landlady tenant client
    patient employee manager engineer developer consultant intern contractor
    accountant pastor priest rabbi imam bishop economist scientist researcher
    physicist historian filmmaker comedian dancer rapper drummer guitarist pianist
    violinist vocalist"""
# roles that are also ordinary modifiers ("Driver Assistance Package", "Customer Success
# Manager"): before a name only with a colon ("Guest: Su-ah Cho") or when the first word
# is a given name ("Caller MARY BROWN", "Cliente Tiago Rodrigues")
_LABEL_ROLE_WORDS = """
    caller guest traveler traveller passenger customer contact renter driver member
    insured policyholder cardholder payee cliente paciente kunde kundin klant patiente
    gast passagier"""
_LABEL_ROLES = frozenset(_LABEL_ROLE_WORDS.split())
_ROLES = [*_ROLE_WORDS.split(), *sorted(_LABEL_ROLES)]
_ORGANISATION_WORDS_TEXT = """
    team group inc ltd llc corp co company corporation cloud services service studio
    studios records pictures bros university college school institute center centre
    foundation labs lab systems solutions technologies software settings tools office
    department ministry council committee association club league united city county
    bank fund trust partners agency network media news press times post journal page app
    portal api sdk window menu screen button tab panel dashboard account"""
_ORGANISATION_WORDS = frozenset(_ORGANISATION_WORDS_TEXT.split())
_SUFFIX = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "md"])


def _is_name_word(word: str, caps_ok: bool = False) -> bool:
    if not word[:1].isupper() or word.lower().rstrip(".") in _NOT_NAME:
        return False
    core = word.rstrip(".")
    # an initial ("H." or "H"), or a capitalised word that is not all caps (acronyms)
    return len(core) == 1 or caps_ok or not core.isupper()


def _capital_after(text: str, pos: int) -> bool:
    """Is the first character after `pos`, past blanks and a colon, a capital letter?"""
    end = min(len(text), pos + 8)
    while pos < end and text[pos] in " \t:":
        pos += 1
    return pos < len(text) and text[pos].isupper()


def _is_given(word: str) -> bool:
    return word.lower() in _given_names()[0]


def _name_follows(text: str, pos: int, end: int) -> bool:
    """A capitalised word after the particle ending at `pos` (inside the match)."""
    nxt = _TOKEN.match(text, pos + 1) if text[pos : pos + 1] == " " else None
    return nxt is not None and nxt.end() <= end and _is_name_word(nxt.group())


class PersonNameRecognizer(FastPatternRecognizer):
    """Person names announced by context, without NER: "my name is Ana Lima", "Name: Ana
    Lima", "Mr. Lima", "Dear Ana", "Regards,\\nAna Lima", "Ana Lima <ana@x.org>". Only
    capitalised words after a cue count, so it finds names a reader is told are names
    and nothing else (recall is bounded by how often text says so)."""

    ENTITY = "PERSON"
    PATTERNS = (
        Pattern(
            "pii.person_title",
            r"(?<![\w.])(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Sir|Dame|Madam|Mme|Mlle|Herr|Frau|mr|mrs|ms|dr)"
            r"\.?[ \t]+" + _WORDS,
            0.85,
        ),
        Pattern(
            "pii.person_named",
            r"(?<!\w)(?i:my[ \t]+name[ \t]+is|my[ \t]+name['’]s|name[ \t]+is|"
            r"ich[ \t]+hei(?:ß|ss)e|mein[ \t]+name[ \t]+ist|je[ \t]+m['’]appelle|"
            r"me[ \t]+llamo|mi[ \t]+nombre[ \t]+es|mi[ \t]+chiamo|mijn[ \t]+naam[ \t]+is|"
            r"ik[ \t]+heet|nazywam[ \t]+si[ęe]|jag[ \t]+heter|meu[ \t]+nome[ \t]+[ée]|"
            r"меня[ \t]+зовут|"
            r"(?:first|last|full|sur)[ \t]*name[ \t]+is|call[ \t]+me|called|named|this[ \t]+is|"
            r"i['’]m|i[ \t]+am|name\?|said|says|asked|replied|told|"
            r"(?:my|our|your|his|her)[ \t]+(?:son|daughter|kid|child|wife|"
            r"husband|partner|mother|mom|mum|father|dad|brother|sister|friend|boss|manager|"
            r"colleague|grandmother|grandfather|uncle|aunt|cousin|nephew|niece|fianc[ée]e?))"
            r"[ \t]+(?:(?i:dr|mr|mrs|ms)\.?[ \t]+)?" + _WORDS,
            0.6,
        ),
        # the rules below are matched from the start of the line holding their cue
        Pattern(
            "pii.person_label",
            r"[ \t>*\-]*(?i:(?:full[ \t]+|first[ \t]+|last[ \t]+|customer[ \t]+|patient[ \t]+|"
            r"contact[ \t]+|account[ \t]+|user[ \t]+)?name|surname|attn|attention|signed|"
            r"author|from|directed[ \t]+by|written[ \t]+by|candidate|employee|applicant|"
            r"recipient|sender|beneficiary|guardian)[ \t]*[:=][ \t]*" + _WORDS,
            0.7,
        ),
        Pattern(
            "pii.person_role",  # "producer Gherardo Napolitani": a first and a last name
            r"(?i:" + "|".join(sorted(_ROLES, key=len, reverse=True)) + r")[ \t]*:?[ \t]+" + _WORDS,
            0.6,
        ),
        Pattern(
            "pii.person_speaker",  # a dialogue line: 'Ana: "Who are you?"'
            _WORDS + r"(?=:[ \t]*[\"“])",
            0.6,
        ),
        Pattern(
            "pii.person_greeting",
            r"[ \t]*(?i:dear|hi|hello|hey|good[ \t]+(?:morning|afternoon|evening))[ \t]+"
            + _WORDS
            + r"(?=[ \t]*[,!:\n])",
            0.6,
        ),
        Pattern(
            "pii.person_signature",
            r"[ \t]*(?i:regards|best[ \t]+regards|kind[ \t]+regards|warm[ \t]+regards|"
            r"best|cheers|thanks|thank[ \t]+you|sincerely|yours[ \t]+(?:truly|sincerely)|"
            r"respectfully|cordially)[ \t]*,?[ \t]*\n[ \t]*" + _WORDS + r"[ \t]*(?:\n|$)",
            0.7,
        ),
        Pattern(
            "pii.person_subject",  # "Jacob lives on ...": only people live or were born
            r"[ \t>*\-]*" + _WORDS + r"[ \t]+(?:(?:lives|lived|works|worked)[ \t]+(?:at|on|in|for)|"
            r"was[ \t]+born[ \t]+(?:at|on|in))\b",
            0.6,
        ),
        Pattern(
            "pii.person_email",  # matched from the line start or after [:,;]
            r"[ \t]*[\"']?" + _WORDS + r"[\"']?[ \t]*<[^<>\s@]+@[^<>\s@]+>",
            0.7,
        ),
    )
    # rule -> the lowercase cues that start it (title, named) or occur on its line
    CUES: ClassVar[dict[str, tuple[str, ...]]] = {
        "pii.person_title": (
            "mr", "mrs", "ms", "mx", "miss", "dr", "prof", "sir", "dame", "madam", "mme",
            "mlle", "herr", "frau",
        ),
        "pii.person_named": (
            "my", "name", "first", "last", "full", "sur", "call", "called", "named", "this",
            "i'm", "i’m", "i am", "said", "says", "asked", "replied", "told", "our", "your",
            "his", "her", "ich heiße", "ich heisse", "mein name", "je m", "me llamo",
            "mi nombre", "mi chiamo", "mijn naam", "ik heet", "nazywam", "jag heter", "meu nome",
            "меня зовут",
        ),
        "pii.person_label": (
            "name", "attn", "attention", "signed", "author", "from", "by", "candidate",
            "employee", "applicant", "recipient", "sender", "beneficiary", "guardian",
        ),
        "pii.person_speaker": (':"', ': "', ":“"),
        "pii.person_greeting": ("dear", "hi", "hello", "hey", "good"),
        "pii.person_signature": (
            "regards", "best", "cheers", "thank", "sincerely", "yours", "respectfully",
            "cordially",
        ),
        "pii.person_subject": ("lives", "lived", "works", "worked", "born"),
        "pii.person_role": tuple(_ROLES),
        "pii.person_email": ("@",),
    }  # fmt: skip
    ANCHORS = tuple(sorted({c for cues in CUES.values() for c in cues}))
    # at most this many words are kept after a cue
    MAX_WORDS: ClassVar[int] = 4
    _NAMED_AFTER = frozenset(["is", "was", "be", "been", "am", "he", "she", "him", "her", "it"])

    USES_ANCHOR_HITS = True

    def find(self, text, lower=None, spans=None, anchor_hits=None):  # type: ignore[no-untyped-def]
        """Each rule is tried only where one of its cues occurs (str.find), with `match`
        at the cue (title, named) or at the start of the cue's line: no regex scans the
        whole text, so the cost follows the number of cue words, not the text length.
        `anchor_hits`: every start of every cue in `lower`, from the engine's prefilter
        (its cues are this recognizer's ANCHORS), so the text is not searched again."""
        if lower is None or len(lower) != len(text):
            anchor_hits = None  # found in another lowercase text than the one used here
            lower = text.lower()
            if len(lower) != len(text):  # a character whose lowercase is longer
                lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        out: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        # a text without capitals ("my name is vitoria"): the cue alone says "name"
        lowercase_text = lower == text
        # every cue of every rule, found in one Aho-Corasick pass (the order in which
        # they are listed does not matter: each rule takes the set of their starts)
        found: dict[str, list[tuple[int, str]]] = {}
        if anchor_hits is not None:
            for cue, rules in self._rules_of_cue().items():
                positions = anchor_hits.get(cue)
                if positions:
                    for rule in rules:
                        found.setdefault(rule, []).extend((p, cue) for p in positions)
        else:
            for end, (rules, cue) in self._cues().iter(lower):
                for rule in rules:
                    found.setdefault(rule, []).append((end - len(cue) + 1, cue))
        for pattern, rx in self._compiled:
            starts: set[int] = set()
            line_mode = pattern.name not in (
                "pii.person_title",
                "pii.person_named",
                "pii.person_role",
            )
            for pos, cue in found.get(pattern.name, ()):
                if line_mode:
                    # the cue's line starts at most LINE_REACH characters before it
                    start = lower.rfind("\n", max(0, pos - LINE_REACH), pos) + 1
                    if start == 0 and pos > LINE_REACH:
                        start = -1
                    if pattern.name == "pii.person_email":
                        lt = text.rfind("<", max(0, pos - LINE_REACH), pos)
                        low = max(start, lt - LINE_REACH)
                        cut = max(text.rfind(c, low, lt) for c in ":,;") if lt > 0 else -1
                        start = cut + 1 if cut >= 0 else (start if lt > 0 else -1)
                    if start >= 0:
                        starts.add(start)
                elif (pos == 0 or not lower[pos - 1].isalnum()) and (
                    pos + len(cue) < len(lower) and not lower[pos + len(cue)].isalnum()
                ):
                    if pattern.name == "pii.person_role" and not _capital_after(
                        text, pos + len(cue)
                    ):
                        continue  # "customer feedback": no name follows, no match to try
                    starts.add(pos)
            for start in sorted(starts):
                m = rx.match(text, start)
                if m is None:
                    continue
                named = lower.startswith(("called", "named"), start)
                if pattern.name == "pii.person_named" and named:
                    # "is called Ana", "she named him Leo": not "a file named Report"
                    before = lower[max(0, start - 12) : start].split()
                    if not before or before[-1] not in self._NAMED_AFTER:
                        continue
                span = self._name_span(text, m, pattern.name, lowercase_text)
                if span is None or span in seen:
                    continue
                seen.add(span)
                out.append(self.result(span[0], span[1], pattern.score, pattern.name))
        return out

    _automaton: ClassVar[ahocorasick.Automaton | None] = None

    _cue_rules: ClassVar[dict[str, tuple[str, ...]] | None] = None

    @classmethod
    def _rules_of_cue(cls) -> dict[str, tuple[str, ...]]:
        """cue -> the rules it starts or sits on the line of."""
        if cls._cue_rules is None:
            rules: dict[str, list[str]] = {}
            for rule, cues in cls.CUES.items():
                for cue in cues:
                    rules.setdefault(cue, []).append(rule)
            cls._cue_rules = {cue: tuple(names) for cue, names in rules.items()}
        return cls._cue_rules

    @classmethod
    def _cues(cls) -> ahocorasick.Automaton:
        """One automaton over the cues of all rules: cue -> (its rules, the cue)."""
        if cls._automaton is None:
            automaton = ahocorasick.Automaton()
            for cue, names in cls._rules_of_cue().items():
                automaton.add_word(cue, (names, cue))
            automaton.make_automaton()
            cls._automaton = automaton
        return cls._automaton

    def _name_span(
        self, text: str, m: re.Match[str], rule: str, lowercase_text: bool = False
    ) -> tuple[int, int] | None:
        start, end = m.span("v")
        cue = text[m.start() : start].lower()
        lowercase_ok = lowercase_text and ("name" in cue or "call me" in cue)
        if (
            rule == "pii.person_title"
            and text[start : start + 12].split(" ", 1)[0].lower().strip(".,") in _BRANDS
        ):
            return None  # "a Dr. Pepper", "Dr. Martens boots"
        if rule == "pii.person_title" and m.start() > 0:
            # "Oak Dr. Springfield": a street type after a capitalised word, not a title
            before = text[max(0, m.start() - 24) : m.start()].rstrip(" \t")
            last = before.rsplit(None, 1)[-1] if before.split() else ""
            greeting = last.lower().strip(",") in _BEFORE_TITLE
            if last[:1].isupper() and text[m.start() : m.start() + 2] == "Dr" and not greeting:
                return None
        kept_end = None
        # "Caller MARY BROWN": an all-caps name, when its first word is a given name
        first = _TOKEN.match(text, start)
        caps_ok = first is not None and first.group().isupper() and _is_given(first.group())
        for count, tok in enumerate(_TOKEN.finditer(text, start, end), 1):
            word = tok.group()
            if lowercase_ok:
                if word.rstrip(".") in _NOT_NAME or not word.isalpha() or count > 2:
                    break
            elif not _is_name_word(word, caps_ok) and not (count and word.lower() in _SUFFIX):
                if not (count > 1 and word in PARTICLES and _name_follows(text, tok.end(), end)):
                    break
                continue  # a particle: kept only with the capitalised word after it
            count += 1
            kept_end = tok.end()
            if word.endswith(".") and len(word) > 2 and tok.end() < end:
                kept_end -= 1  # "Ana Lima. Thanks": the sentence ends the name
                break
            if word.endswith(("'s", "’s")):
                kept_end -= 2  # "Amanda's daughter": the possessive ends the name
                break
            if count == self.MAX_WORDS:
                break
        if kept_end is None:
            return None
        if rule == "pii.person_role":
            words = text[start:kept_end].split()
            if len(words) < 2 or any(w.lower().rstrip(".") in _ORGANISATION_WORDS for w in words):
                return None
            label = cue.strip(" \t:").lower()
            if label in _LABEL_ROLES and ":" not in cue and not _is_given(words[0]):
                return None
        if text[kept_end - 1] == "." and text[kept_end - 2 : kept_end - 1].islower():
            kept_end -= 1  # the sentence's full stop, not an initial's
        # a name is more than one initial, and not part of a model name ("Spirit II E-210")
        if (
            kept_end - start <= 2
            or text[kept_end : kept_end + 1] in ("-", "/")
            or (text[kept_end : kept_end + 2].strip()[:1].isdigit())
        ):
            return None
        if rule == "pii.person_email":
            # "Ana Lima <ana.lima@x.org>" but not "Mercury <hello@mercury.com>"
            local = m.group()[m.group().rfind("<") + 1 :].split("@")[0].lower()
            words = [w.rstrip(".").lower() for w in text[start:kept_end].split()]
            if not any(len(w) >= 3 and w in local for w in words):
                return None
        return start, kept_end
