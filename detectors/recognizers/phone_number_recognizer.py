from __future__ import annotations

import re

import phonenumbers
from presidio_analyzer import Pattern, RecognizerResult

from detectors.recognizers.base import FastPatternRecognizer, context_window

_NOT_PHONE = re.compile(
    r"\d{3}[-. ]\d{2}[-. ]\d{4}"  # SSN shape
    r"|\d{4}(?:[ \-]\d{4}){2,4}"  # card shape
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"  # dates
)


class PhoneNumberRecognizer(FastPatternRecognizer):
    """Candidate shapes by regex, then libphonenumber validation of each candidate only
    (PhoneNumberMatcher over whole texts is what makes Presidio's recognizer slow)."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS = (
        Pattern(
            "pii.phone",
            r"(?<![\w+\-.])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,5}\)[\s.\-]?)?\d{1,5}(?:[\s.\-/]\d{1,6}){0,5}"
            r"(?![\w\-]|\.\d)",
            0.4,
        ),
    )
    CONTEXT = ("phone", "tel", "mobile", "cell", "call", "fax", "number", "whatsapp", "contact")
    NUMERIC = True
    REGIONS = ("US", "GB", "DE", "FR", "IL", "IN", "CA", "BR", "AU")

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        pattern, rx = self._compiled[0]
        out: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        for wstart, wend in spans if spans is not None else [(0, len(text))]:
            pos = wstart
            while (m := rx.search(text, pos, wend)) is not None:
                pos = m.end()
                span = self._longest_valid(text, m.start(), m.end())
                if span is None or span in seen:
                    continue
                # a shorter number leaves the rest of the run for the next search
                pos = span[1]
                seen.add(span)
                score = pattern.score
                if lower is None:
                    lower = text.lower()
                window = context_window(lower, span[0], self.CONTEXT_WINDOW)
                if any(word in window for word in self.CONTEXT):
                    score = min(1.0, score + self.CONTEXT_BOOST)
                out.append(self.result(span[0], span[1], score, pattern.name))
        return out

    def __init__(self) -> None:
        super().__init__()
        # libphonenumber loads region metadata lazily: load it now, not on a request
        for region in self.REGIONS:
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

    def _longest_valid(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """The longest valid prefix of the candidate (cut at spaces). Numbers without a
        +country code are tried as US numbers; in every region only with a phone context
        word before them or, for the whole candidate, with 10+ digits."""
        before = text[max(0, start - self.CONTEXT_WINDOW) : start].lower()
        lower = context_window(before, len(before), self.CONTEXT_WINDOW)
        cut_regions = self.REGIONS if any(w in lower for w in self.CONTEXT) else ("US",)
        cuts = [end] + [
            i for i in range(end - 1, start, -1) if text[i] == " " and text[i - 1].isdigit()
        ]
        for k, cut in enumerate(cuts[:6]):
            candidate = text[start:cut]
            digits = sum(c.isdigit() for c in candidate)
            if digits < 7:
                break
            # short numbers are valid somewhere in the world by chance: all regions only
            # with context or for the whole candidate of 10+ digits
            regions = self.REGIONS if k == 0 and digits >= 10 else cut_regions
            if (
                digits <= 15
                and not _NOT_PHONE.fullmatch(candidate)
                and self._valid(candidate, regions)
            ):
                return start, cut
        return None

    def _valid(self, candidate: str, regions: tuple[str, ...]) -> bool:
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
