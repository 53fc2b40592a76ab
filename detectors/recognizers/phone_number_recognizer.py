from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers
from presidio_analyzer import Pattern, RecognizerResult

from detectors.recognizers.base import FastPatternRecognizer, context_window

_NOT_PHONE = re.compile(
    r"\d{3}[-. ]\d{2}[-. ]\d{4}|\d{3}-\d{2}-\d{4,}"  # SSN shape, and more digits
    r"|\d{4}(?:[ \-]\d{4}){2,4}"  # card shape
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"  # dates
    r"|\d{1,3}(?:\.\d{1,3}){3}"  # IPv4
    r"|\d{1,2}/\d{1,2}/\d{2,4}[ /].*"  # date followed by more digits
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T].*"  # ISO date and time
    r"|\d{1,2}[.:]\d{2} ?[-/] ?\d{1,2}[.:]\d{2}"  # time range
    r"|(?:19|20)\d{2} ?[-/] ?(?:19|20)?\d{2}"  # year range
    r"|(?:(?:19|20)\d{2}[ ,/\-]+)+(?:19|20)\d{2}"  # list of years
)
# 1 000 000: a quantity with thousands separators, a phone only after a strong word
_THOUSANDS = re.compile(r"\d{1,3}(?:[ .,]\d{3})+")

# Words that say the next (or previous) number is a phone number, matched as whole words.
# A number that libphonenumber does not know (Fake Name Generator numbers, short local
# numbers, unusual groupings) is accepted only next to one of them.
_PHONE_WORDS = (
    r"phone|phones|telephone|tel|mobile|mob|cell|cellphone|cellular|fax|landline|"
    r"hotline|call|called|calling|callback|text|texts|texting|sms|whatsapp|viber|signal|"
    r"telegram|dial|answering|messages?|switchboard|tlf|telefon|telefono|teléfono|téléphone|"
    r"handy"
)
# Phone context too, but also said of counts ("reach 10 000 users").
_WEAK_WORDS = r"reach|reached|contact|registered|ring"
# Words that are phone context only as a label right before the number ("Office: ...").
_LABEL_WORDS = r"office|home|work|direct|main|extension|ext|private|business"
# Words that say the number is something else: these win when they are nearer.
_OTHER_WORDS = (
    r"license|licence|passport|account|acct|order|invoice|iban|card|ssn|social security|"
    r"routing|tracking|serial|isbn|ticket|case|ref|reference|transaction|customer|id|"
    r"zip|postcode|postal|version|build|price|total|amount|balance|salary|born|dob|"
    r"date|year|policy|claim|member|employee|student|patient|record|vin|imei|pin|otp|code|"
    r"line|page|row|port|step|item|chapter|section"
)
_BEFORE = re.compile(
    rf"\b(?:({_PHONE_WORDS})|({_OTHER_WORDS})|({_LABEL_WORDS})|({_WEAK_WORDS}))\b", re.IGNORECASE
)
_STREET = re.compile(
    r"[ \t]+(?:[A-Z][\w'.\-]*[ \t]+){1,3}(?:St|Street|Rd|Road|Ave|Avenue|Blvd|Lane|Ln|Dr|"
    r"Drive|Way|Court|Ct|Place|Pl|Sq|Square|Str|Straße|Strasse|Weg|Gasse|Hwy|Highway)\b"
)
_AFTER = re.compile(
    r"[ \t]*[-,:(/]?[ \t]*(?:phone|tel|mobile|mob|cell|fax|office|home|work|landline)\b",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,5}\b", re.IGNORECASE)
_TRUNK = re.compile(r"\(0\)\s?")
_WORD = re.compile(r"\w+")


class PhoneNumberRecognizer(FastPatternRecognizer):
    """Candidate shapes by regex, then either libphonenumber validation (any context) or a
    phone context word next to the number (any plausible national or international
    format). PhoneNumberMatcher over whole texts is what makes Presidio's recognizer slow.

    `regions` (default REGIONS) are the countries whose national formats libphonenumber
    validates numbers without a +country code in; a deployment may pass its own list."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS = (
        Pattern(
            "pii.phone",
            r"(?<![\w+\-.:/$€£¥#@])(?<!\d,)"
            r"(?:\+\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?)?"
            r"(?:\(\d{1,5}\)[ .\-]?)?\d{1,14}"
            r"(?:[ .\-/]\(?\d{1,14}\)?|\)[ .\-]?\d{1,14}){0,6}"
            r"(?!\w|[.\-:/,]\d)",
            0.4,
        ),
    )
    CONTEXT = ("phone", "tel", "mobile", "cell", "call", "fax", "number", "whatsapp", "contact")
    NUMERIC = True
    REGIONS: tuple[str, ...] = ("US", "GB", "DE", "FR", "IL", "IN", "CA", "BR", "AU")
    # characters before a number searched for a context word
    NEAR = 40

    def __init__(self, regions: Iterable[str] | None = None) -> None:
        super().__init__()
        self.regions = tuple(regions) if regions is not None else self.REGIONS
        # libphonenumber loads region metadata lazily: load it now, not on a request
        for region in self.regions:
            example = phonenumbers.example_number(region)
            if example is not None:
                phonenumbers.is_valid_number(
                    phonenumbers.parse(
                        phonenumbers.format_number(
                            example, phonenumbers.PhoneNumberFormat.NATIONAL
                        ),
                        region,
                    )
                )

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        pattern, rx = self._compiled[0]
        out: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        for wstart, wend in spans if spans is not None else [(0, len(text))]:
            pos = wstart
            while (m := rx.search(text, pos, wend)) is not None:
                pos = m.end()
                found = self._longest_valid(text, m.start(), m.end())
                if found is None:
                    continue
                span, near = found
                if span in seen:
                    continue
                # a shorter number leaves the rest of the run for the next search
                pos = span[1]
                seen.add(span)
                score = pattern.score
                if near:
                    # "+" and a phone word: a phone even where a card checksum matches
                    plus = text[span[0]] == "+"
                    score = 1.0 if plus else min(1.0, score + self.CONTEXT_BOOST)
                else:
                    if lower is None:
                        lower = text.lower()
                    window = context_window(lower, span[0], self.CONTEXT_WINDOW)
                    if any(word in window for word in self.CONTEXT):
                        score = min(1.0, score + self.CONTEXT_BOOST)
                ext = _EXTENSION.match(text, span[1])
                if ext is not None:
                    span = (span[0], ext.end())
                    pos = max(pos, ext.end())
                out.append(self.result(span[0], span[1], score, pattern.name))
        return out

    def _context_before(self, text: str, start: int) -> str | None:
        """The kind of the nearest context word before `start` (on the previous NEAR
        characters, with no digit between it and the number): "phone", "weak" (a phone
        word also said of counts), "other" (another kind of number's word), or None."""
        before = context_window(text[max(0, start - self.NEAR) : start], self.NEAR, self.NEAR)
        last = None
        for found in _BEFORE.finditer(before):
            last = found
        if last is None or any(c.isdigit() for c in before[last.end() :]):
            return None
        between = len(_WORD.findall(before[last.end() :]))
        if between > (0 if last.group(3) else 4):
            return None
        if last.group(2):
            return "other"
        return "weak" if last.group(4) else "phone"

    def _longest_valid(
        self, text: str, start: int, end: int
    ) -> tuple[tuple[int, int], bool] | None:
        """The longest acceptable prefix of the candidate (cut at spaces), and whether a
        phone word is next to it. With a phone word before the number (or after the whole
        candidate), any plausible shape is accepted; otherwise the number must be valid
        for libphonenumber, tried as a US number or, for the whole candidate of 10+ digits
        or a +country code, in every region."""
        if sum(c.isdigit() for c in text[start:end]) < 7:
            return None  # most candidates: years, times, small numbers
        kind = self._context_before(text, start)
        if kind == "other":
            return None
        near = kind is not None
        cuts = [end] + [
            i for i in range(end - 1, start, -1) if text[i] == " " and text[i - 1].isdigit()
        ]
        for k, cut in enumerate(cuts[:6]):
            candidate = text[start:cut]
            digits = sum(c.isdigit() for c in candidate)
            if digits < 7:
                break
            if digits > 16 or _NOT_PHONE.fullmatch(candidate) or _STREET.match(text, cut):
                continue
            context = bool(near) or (k == 0 and _AFTER.match(text, cut) is not None)
            if kind == "weak" and _THOUSANDS.fullmatch(candidate):
                context = False
            if context and digits <= 15 and _plausible(candidate):
                return (start, cut), True
            regions = self.regions if (k == 0 and digits >= 10) or near else ("US",)
            if digits <= 15 and _plausible(candidate) and self._valid(candidate, regions):
                return (start, cut), context
        return None

    def _valid(self, candidate: str, regions: tuple[str, ...]) -> bool:
        if "(0)" in candidate:
            candidate = _TRUNK.sub("", candidate)
        regions = (None,) if candidate.startswith("+") else regions  # type: ignore[assignment]
        for region in regions:
            try:
                number = phonenumbers.parse(candidate, region)
            except phonenumbers.NumberParseException:
                continue
            # parse() ignores trailing digits it cannot use; a number must use them all
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if len(e164) - 1 >= sum(c.isdigit() for c in candidate) - 1 and (
                phonenumbers.is_valid_number(number)
            ):
                return True
        return False


def _plausible(candidate: str) -> bool:
    """A number shape some country writes phone numbers in: groups of digits, at most
    one parenthesised area code, and no group of one digit except a trunk "(0)" or the
    one after a +country code ("+33 6 12 34 56 78")."""
    groups = re.findall(r"\d+", _TRUNK.sub("", candidate))
    first = 2 if candidate.startswith("+") else 1
    if any(len(g) == 1 for g in groups[first:]):
        return False
    if candidate.count("(") > 1:
        return False
    # a long run of one repeated digit is filler, not a number
    digits = "".join(groups)
    return len(set(digits)) > 2
