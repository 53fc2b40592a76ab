from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers
from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import FastPatternRecognizer, context_window

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
    r"|97[89][ \-]?\d{1,5}[ \-]\d+[ \-]\d+[ \-]?[\dX]?"  # ISBN-13
    r"|\d{1,4}[.,]\d{5,}"  # a decimal fraction
    r"|\((?:19|20)\d\d\).*"  # a year in parentheses first
)
# 1 000 000: a quantity with thousands separators, a phone only after a strong word
_THOUSANDS = re.compile(r"\d{1,3}(?:[ .,]\d{3})+")
# "(02) 9876-5432", "(555) 123-4567": an area code in parentheses and a hyphenated
# subscriber number, a shape that only phone numbers take
_AREA_CODE_SHAPE = re.compile(r"\(0?[1-9]\d{1,3}\)[ .]?\d{2,5}[-.]\d{2,5}")
# "28-64-66-98", "01.84.17.61.18": four or five pairs joined by one hyphen or dot, as
# Danish, Norwegian and French numbers are written (four dotted pairs are an IPv4 above)
_PAIRS_SHAPE = re.compile(r"\d{2}([-.])\d{2}(?:\1\d{2}){2,3}")


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Words before a number that say what it is, looked up as lowercase tokens walking back
# from the number (see `_context_before`).
# Phone nouns: the number may follow a few words later ("phone number for Ana Lima:").
_PHONE_NOUNS = _words(
    "phone phones telephone tel mobile mob cell cellphone cellular fax landline hotline "
    "whatsapp viber telegram sms switchboard tlf telefon telefono teléfono téléphone handy "
    "ph portable móvil movil celular celulare cellulare gsm puhelin telefoon mobiel "
    "telemóvel telefone 휴대폰 핸드폰 휴대전화 전화 전화번호 연락처 휴대폰번호 "
    "電話 電話番号 携帯 携帯電話 連絡先 手机 电话 手机号 联系电话 "
    "телефон тел моб мобильный"
)
# Phone verbs: the number follows closely ("call me on", "text Ana at").
_PHONE_VERBS = _words(
    "call called calling callback text texts texting dial dialed dialled answering message "
    "messages appeler appelez appelle rappeler rappelez joindre llamar llame llámame llamame "
    "anrufen zurückrufen chiamare chiamami richiamare bellen terugbellen ligar ligue ring ringa"
)
# Phone context too, but also said of counts ("reach 10 000 users").
_WEAK_WORDS = _words("reach reached reachable contact contacted registered ring")
# "number" counts after an owner or alone ("my number is", "Number:"), never after another
# kind of number's noun ("order number"), and needs a phone-like grouping.
_NUMBER_WORDS = frozenset(("number", "numbers"))
# Labels right before the number ("Office: ...", "M: ..."); one-letter ones need a colon.
_LABEL_WORDS = _words("office home work direct main extension ext private business")
_LETTER_LABELS = _words("p t m h w o f")
# Words that say the number is something else: these win when they are near.
_OTHER_WORDS = _words(
    """license licence passport account acct order invoice iban card ssn security
    routing tracking serial isbn ticket case ref reference transaction customer id
    zip postcode postal version build price total amount balance salary born dob
    date year policy claim member employee student patient record vin imei pin otp code
    line page row port step item chapter section room floor unit apt suite flight seat
    lot batch model sku part
    nhs bsn nino sin tfn aadhaar aadhar cpf cnpj pesel nir insee dni nie nif steuer
    steuernummer identifikationsnummer idnr mrn medicare routing aba rtn passport vat ust
    tva iva btw itin tin uid pan personnummer pnr"""
)
# a compound naming another kind of number ("Bestellnummer", "Kundennr"); phone ones
# ("Telefonnummer", "Handynummer") are phone nouns
_OTHER_SUFFIXES = ("nummer", "nr", "numero", "número", "numéro")
_PHONE_STEMS = ("telefon", "tel", "handy", "mobil", "fax", "ruf", "whatsapp", "notruf")
# how many words may stand between each kind of word and the number
_NOUN_REACH, _VERB_REACH, _NUMBER_REACH, _OTHER_REACH = 8, 4, 3, 2
_SENTENCE_END = re.compile(r"[.!?][ \t\n]|\n[ \t]*\n")
_STREET = re.compile(
    r"[ \t]+(?:[A-Z][\w'.\-]*[ \t]+){1,3}(?:St|Street|Rd|Road|Ave|Avenue|Blvd|Lane|Ln|Dr|"
    r"Drive|Way|Court|Ct|Place|Pl|Sq|Square|Str|Straße|Strasse|Weg|Gasse|Hwy|Highway)\b"
)
# a phone word after the number, or "is my number", "your new number"
_AFTER = re.compile(
    r"[ \t]*[-,:(/]?[ \t]*(?:(?:phone|tel|mobile|mob|cell|fax|office|home|work|landline)\b"
    r"|(?:(?:is|was|as)[ \t]+)?(?:my|your|his|her|their|our)[ \t]+"
    r"(?:(?:new|old|main|home|work|mobile|cell|contact|phone)[ \t]+)?number\b)",
    re.IGNORECASE,
)
# a national number written in groups the way phone numbers are: "020 7946 0958",
# "415-555-2671", "030 1234 5678" (not one run of digits, not many small groups)
# "06 35 16 21 75": the French national format, five pairs after a trunk 0
_GROUPED = re.compile(
    r"\(?0?\d{2,5}\)?(?:[ \-]\d{3,4}){1,2}|\d{3}[.\-]\d{3}[.\-]\d{4}|0[1-9](?: \d{2}){4}"
)
pattern_score = 0.4
_EXTENSION = re.compile(r"[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,5}\b", re.IGNORECASE)
_TRUNK = re.compile(r"\(0\)\s?")
_WORD = re.compile(r"\w+")
_CUT = re.compile(r"(?<=\d) ")  # where a shorter candidate may end
_DIGITS = str.maketrans("", "", "0123456789")  # translate() drops ASCII digits
# an international call prefix in place of "+": 00 (most countries), 011 (NANP)
_IDD = re.compile(r"(?:00|011)(?=[1-9])")


class PhoneNumberRecognizer(FastPatternRecognizer):
    """Candidate shapes by regex, then either libphonenumber validation (any context), a
    +country code with a possible length, an area-code shape, or a phone context word next
    to the number (any plausible national or international format). PhoneNumberMatcher
    over whole texts is what makes Presidio's recognizer slow.

    `regions` (default REGIONS) are the countries whose national formats libphonenumber
    validates numbers without a +country code in; a deployment may pass its own list,
    which also turns off the region-free shapes (area code, pairs) for numbers without
    a +country code or a phone word."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS = (
        Pattern(
            "pii.phone",
            # not inside a word, amount, version, IP or time; "Tel.0161..." and
            # "Phone:0161..." are fine (a letter before the dot or colon)
            # after "digit," only a number that cannot continue an amount ("1,234,567"):
            # a CSV row's "...1967,+61 471 530 566", "...,(02) 8482 6781", "...,0417 917 063"
            r"(?<![\w+\-/$€£¥#@])(?<![\d.:][.:])(?<!^[.:])(?:(?<!\d,)|(?=[+(]|0\d{1,4}[ \-]\d))"
            r"(?:\+\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?)?"
            r"(?:\(\d{1,5}\)[ .\-]?)?\d{1,14}"
            r"(?:[ .\-/]\(?\d{1,14}\)?|\)[ .\-]?\d{1,14}){0,6}"
            # a letter may follow only as an extension ("415-555-2671x204"), which
            # _EXTENSION then adds to the span
            r"(?!(?![xX]\d|[eE][xX][tT]\.?\d)\w|[.\-:/,]\d)",
            0.4,
        ),
    )
    CONTEXT = ("phone", "tel", "mobile", "cell", "call", "fax", "number", "whatsapp", "contact")
    NUMERIC = True
    REGIONS: tuple[str, ...] = (
        "US", "GB", "DE", "FR", "IL", "IN", "CA", "BR", "AU", "ES", "IT", "NL", "BE", "AT",
        "CH", "SE", "DK", "NO", "FI", "PL", "PT", "IE", "NZ", "ZA", "MX", "JP",
    )  # fmt: skip
    # characters before a number searched for a context word
    NEAR = 72
    # scores without a phone word, by what the format alone says: a +country code and a
    # number valid there; a +country code and a possible length; "(02) 9876-5432" or
    # "28-64-66-98"; a national number valid in `regions` written in groups
    INTERNATIONAL_VALID = 0.8
    INTERNATIONAL_POSSIBLE = 0.55
    AREA_CODE = 0.6
    NATIONAL_GROUPED = 0.55

    def __init__(self, regions: Iterable[str] | None = None) -> None:
        super().__init__()
        self.regions = tuple(regions) if regions is not None else self.REGIONS
        self.shapes = regions is None
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
                if pos - m.start() < 7:
                    continue  # fewer than 7 digits
                found = self._longest_valid(text, m.start(), m.end())
                if found is None:
                    continue
                span, near, score = found
                if span in seen:
                    continue
                # a shorter number leaves the rest of the run for the next search
                pos = span[1]
                seen.add(span)
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
        """What the words before `start` say the number is, walking back over the previous
        NEAR characters to the nearest word that tells, within its kind's reach and the
        same sentence: "phone", "weak" (a phone word also said of counts), "number" (the
        word "number" without another kind's noun before it), "other" (another kind of
        number's word), or None. A number between the word and `start` ends the walk."""
        before = context_window(text[max(0, start - self.NEAR) : start].lower(), self.NEAR, 999)
        words = list(_WORD.finditer(before))
        gap_end = len(before)
        for between, m in enumerate(reversed(words)):
            word = m.group()
            gap = before[m.end() : gap_end]
            gap_end = m.start()
            if between > _NOUN_REACH or word[0].isdigit() or word[-1].isdigit():
                # right before the number, a code ("1Z 999 AA1 0123 4567"): part of it
                code = between == 0 and len(word) <= 4 and not word.isdigit()
                return "other" if code else None
            if between and _SENTENCE_END.search(gap) and (len(word) > 3 or "." not in gap):
                return None  # the previous sentence ("Dr. Ana Lima": not a full stop)
            compound = len(word) > 6 and word.endswith(_OTHER_SUFFIXES)
            if word in _PHONE_NOUNS or (compound and word.startswith(_PHONE_STEMS)):
                return "phone"
            if compound and between <= _OTHER_REACH:
                return "other"
            if word in _PHONE_VERBS:
                return "phone" if between <= _VERB_REACH else None
            if word in _WEAK_WORDS:
                return "weak" if between <= _VERB_REACH else None
            if word in _NUMBER_WORDS and between <= _NUMBER_REACH:
                k = len(words) - between - 2
                owner = words[k].group() if k >= 0 else ""
                if owner in _OTHER_WORDS:
                    return "other"
                return "phone" if owner in _PHONE_NOUNS else "number"
            if between == 0 and (
                word in _LABEL_WORDS or (word in _LETTER_LABELS and gap.lstrip()[:1] == ":")
            ):
                return "phone"
            if word in _OTHER_WORDS and between <= _OTHER_REACH:
                return "other"
        return None

    def _longest_valid(
        self, text: str, start: int, end: int
    ) -> tuple[tuple[int, int], bool, float] | None:
        """The longest acceptable prefix of the candidate (cut at spaces), and whether a
        phone word is next to it. With a phone word before the number (or after the whole
        candidate), any plausible shape is accepted; otherwise the number must be valid
        for libphonenumber (as a US number, or for the whole candidate of 10+ digits in
        every region), have a +country code and a possible length, or an area-code shape."""
        whole = text[start:end]
        digits = len(whole) - len(whole.translate(_DIGITS))
        if digits < 7:
            return None  # most candidates: years, times, small numbers
        spaces = [start + m.start() for m in _CUT.finditer(whole)]
        cuts = []
        for k, cut in enumerate([end, *reversed(spaces[-5:])]):
            candidate = text[start:cut]
            if k:
                digits = len(candidate) - len(candidate.translate(_DIGITS))
                if digits < 7:
                    break
            if digits <= 15 and not _NOT_PHONE.fullmatch(candidate) and _plausible(candidate):
                cuts.append((k, cut, candidate, digits))
        if not cuts:
            return None  # most candidates: years, times, small numbers, dates, IPs, cards
        kind = self._context_before(text, start)
        if kind == "other":
            return None
        near = kind is not None
        for k, cut, candidate, digits in cuts:
            if _STREET.match(text, cut):
                continue
            context = kind == "phone" or (k == 0 and _AFTER.match(text, cut) is not None)
            if kind in ("weak", "number") and not _THOUSANDS.fullmatch(candidate):
                # "number" alone: a grouped number or a long one, not a bare ID
                context = kind == "weak" or digits >= 10 or not candidate.isdigit()
            if context:
                return (start, cut), True, pattern_score
            if candidate[0] == "+" or _IDD.match(candidate):
                if self._international(candidate):
                    valid = self._valid(_IDD.sub("+", candidate, count=1), ())
                    score = self.INTERNATIONAL_VALID if valid else self.INTERNATIONAL_POSSIBLE
                    return (start, cut), False, score
                continue
            if self.shapes and (
                _AREA_CODE_SHAPE.fullmatch(candidate) or _PAIRS_SHAPE.fullmatch(candidate)
            ):
                return (start, cut), False, self.AREA_CODE
            if digits > 11 and candidate.isdigit():
                continue  # a bare run this long is an ID or a timestamp without a word
            # a phone word lets national formats of every region count; "number" does not
            wide = (k == 0 and digits >= 10) or (near and kind != "number")
            regions = self.regions if wide else ("US",)
            if self._valid(candidate, regions):
                grouped = not candidate.isdigit() and _GROUPED.fullmatch(candidate) is not None
                return (start, cut), False, self.NATIONAL_GROUPED if grouped else pattern_score
        return None

    def _international(self, candidate: str) -> bool:
        """A +country code (or 00/011 prefix) and a length that country's numbers have:
        libphonenumber's validity tables lag real allocations and fictional ranges, the
        country code and length are what say "phone"."""
        candidate = _TRUNK.sub("", candidate)
        if candidate[0] != "+":
            candidate = "+" + _IDD.sub("", candidate, count=1)
        try:
            number = phonenumbers.parse(candidate, None)
        except phonenumbers.NumberParseException:
            return False
        return _uses_all_digits(number, candidate) and phonenumbers.is_possible_number(number)

    def _valid(self, candidate: str, regions: tuple[str, ...]) -> bool:
        if "(0)" in candidate:
            candidate = _TRUNK.sub("", candidate)
        regions = (None,) if candidate.startswith("+") else regions  # type: ignore[assignment]
        for region in regions:
            try:
                number = phonenumbers.parse(candidate, region)
            except phonenumbers.NumberParseException:
                continue
            if _uses_all_digits(number, candidate) and phonenumbers.is_valid_number(number):
                return True
        return False


def _uses_all_digits(number: phonenumbers.PhoneNumber, candidate: str) -> bool:
    """parse() ignores trailing digits it cannot use; a number must use them all (less the
    national trunk prefix)."""
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return len(e164) - 1 >= sum(c.isdigit() for c in candidate) - 1


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
