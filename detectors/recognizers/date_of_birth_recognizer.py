from __future__ import annotations

import datetime
import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.cue_words import START
from llmwall.detectors.recognizers.table_columns import Columns

# month names and abbreviations: English, German, French, Spanish, Italian, Dutch, Portuguese
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "januar",
    "februar",
    "märz",
    "maerz",
    "mai",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "jänner",
    "janvier",
    "février",
    "fevrier",
    "mars",
    "avril",
    "juin",
    "juillet",
    "août",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "decembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "januari",
    "februari",
    "maart",
    "juni",
    "juli",
    "augustus",
    "oktober",
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
]
_MONTH = "(?:" + "|".join(sorted(set(_MONTHS), key=len, reverse=True)) + r")\.?"
_DATE = (
    r"(?P<v>\d{1,2}[./\-]\d{1,2}[./\-](?:\d{4}|\d{2})"
    r"|\d{4}[./\-]\d{1,2}[./\-]\d{1,2}"
    r"|\d{1,2}(?:st|nd|rd|th|er|\.|º)?[ \t]+(?:de[ \t]+)?(?i:"
    + _MONTH
    + r")[ \t,]+(?:de[ \t]+)?\d{4}"
    # "4-Jul-1966", "06/Apr/1942", "4.Jul.66": a month name between hyphens or slashes
    r"|\d{1,2}(?P<sep>[\-/.])(?i:" + _MONTH + r")(?<![.])(?P=sep)(?:\d{4}|\d{2})"
    r"|(?i:" + _MONTH + r")[ \t]+\d{1,2}(?:st|nd|rd|th)?,?[ \t]+\d{4}"
    r"|\d{4}[ \t]?年[ \t]?\d{1,2}[ \t]?月[ \t]?\d{1,2}[ \t]?日"
    r"|\d{4}년[ \t]?\d{1,2}월[ \t]?\d{1,2}일|\d{4}\.[ \t]?\d{1,2}\.[ \t]?\d{1,2}\.?)"
    r"(?![\w\-]|[./]\d)"
)
# words that say the next date is a birth date, in the languages above and a few more
CUES = (
    "born", "birth", "dob", "d.o.b", "b.", "geb.", "geboren", "geburtsdatum", "geburtstag",
    "né ", "née ", "né le", "née le", "naissance", "nacido", "nacida", "nacimiento", "nato",
    "nasc.", "nasc ", "f. nac", "fec. nac", "fødselsdato", "født", "syntymäaika", "doğum",
    "nata", "nascita", "geboortedatum", "geb ", "nascido", "nascida", "nascimento",
    "data urodzenia", "urodzony", "urodzona", "födelsedatum", "född", "生年月日", "생년월일",
    "출생", "出生",
)  # fmt: skip
_CUE = (
    r"(?:(?i:date[ \t]+of[ \t]+birth|birth[ \t]*date|birthday|born|d\.?o\.?b\b\.?|\bb\.|"
    r"\bgeb\.?|geboren|geburtsdatum|geburtstag|n[ée]e?(?:[ \t]+le)?\b|date[ \t]+de[ \t]+naissance|"
    r"nacid[oa](?:[ \t]+el)?|(?:fecha[ \t]+de[ \t]+)?nacimiento|f(?:ec)?\.[ \t]?nac\b\.?|"
    r"\bnasc\b\.?|fødselsdato|født|syntymäaika|doğum[ \t]+tarihi|"
    r"nat[oa][ \t]+il|data[ \t]+di[ \t]+nascita|"
    r"geboortedatum|nascid[oa](?:[ \t]+em)?|data[ \t]+de[ \t]+nascimento|data[ \t]+urodzenia|"
    r"urodzon[ya]|födelsedatum|född)|生年月日|생년월일|출생|出生)"
)
_FILLER = r"[^\n\d]{0,24}?"
_CELL = re.compile(_DATE)
# header cells (see table_columns.normalize_name) of a column of birth dates
COLUMNS = frozenset(
    (
        "dob", "d_o_b", "d_o_b_", "date_of_birth", "dateofbirth", "birth_date", "birthdate",
        "birthday", "born", "geburtsdatum", "geb_datum", "geburtstag", "fecha_nacimiento",
        "fecha_de_nacimiento", "f_nac", "nacimiento", "date_naissance", "date_de_naissance",
        "data_nascita", "data_di_nascita", "data_nascimento", "data_de_nascimento",
        "geboortedatum", "födelsedatum", "fødselsdato", "data_urodzenia", "生年月日", "생년월일",
    )
)  # fmt: skip
_COLUMNS = Columns(COLUMNS)


class DateOfBirthRecognizer(FastPatternRecognizer):
    """Dates of birth: a full date (numeric, ISO, or with a month name in seven
    languages; Japanese and Korean forms) within a few words after a word that says
    birth ("born", "DOB", "geb.", "née le", "fecha de nacimiento", "生年月日", ...). A date
    without such a word is just a date, and a year alone is not reported."""

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = (Pattern("pii.date_of_birth", _CUE + _FILLER + START + _DATE, 0.85),)
    WORD_ANCHORS = True
    ANCHORS = CUES
    REACH = (24, 72)

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        found = super().find(text, lower, spans)
        if lower is None or len(lower) != len(text):
            lower = text.lower()
        seen = {(r.start, r.end) for r in found}
        # a table whose header names a birth-date column: its dates are birth dates (the
        # header's word is one of the anchors, so it is inside the windows)
        for start, end in _COLUMNS.cells(text, lower, spans):
            m = _CELL.fullmatch(text, start, end)
            if m is None or (start, end) in seen or self.validate_match(m, m["v"]) is False:
                continue
            found.append(self.result(start, end, 0.85, "pii.date_of_birth_column"))
        return found

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        nums = [int(n) for n in re.findall(r"\d+", value)]
        years = [n for n in nums if n > 31]
        if len(nums) == 3 and years:
            year = years[0] if years[0] >= 1000 else 1900 + years[0]
            if not 1880 <= year <= datetime.date.today().year:
                return False
        return None
