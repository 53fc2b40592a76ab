from __future__ import annotations

from collections.abc import Callable

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.credit_card_number_recognizer import luhn_ok
from llmwall.detectors.recognizers.id_checks import es_dni_ok, iso7064_mod11_10, weighted_mod
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


def _at(d: str) -> bool:
    total = 0
    for i, c in enumerate(d[:7]):
        v = int(c) * (1 if i % 2 == 0 else 2)
        total += v // 10 + v % 10
    return (96 - total) % 10 == int(d[7])


def _fr(d: str) -> bool:
    return d[:2].isdigit() and int(d[:2]) == (12 + 3 * (int(d[2:]) % 97)) % 97


def _nl(d: str) -> bool:
    body = d[:9]
    mod11 = sum(int(c) * w for c, w in zip(body, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    if mod11 % 11 == 0:
        return True
    # since 2020: ISO 7064 mod 97 over "NL" + the whole number
    return int("".join(str(int(c, 36)) for c in "NL" + d)) % 97 == 1


def _pl(d: str) -> bool:
    return weighted_mod(d[:9], (6, 5, 7, 2, 3, 4, 5, 6, 7), 11) == int(d[9])


def _be(d: str) -> bool:
    return 97 - int(d[:8]) % 97 == int(d[8:])


def _gb(d: str) -> bool:
    total = sum(int(c) * w for c, w in zip(d[:7], range(8, 1, -1), strict=True)) + int(d[7:9])
    return total % 97 in (0, 42, 55)


def _es(d: str) -> bool:
    if d[0].isdigit():
        return es_dni_ok(d)
    return d[1:8].isdigit() and d[0] in "ABCDEFGHJKLMNPQRSUVWXYZ"


def _dk(d: str) -> bool:
    return weighted_mod(d, (2, 7, 6, 5, 4, 3, 2, 1), 11) == 0


def _fi(d: str) -> bool:
    r = weighted_mod(d[:7], (7, 9, 10, 5, 8, 4, 2), 11)
    return r != 1 and (0 if r == 0 else 11 - r) == int(d[7])


def _pt(d: str) -> bool:
    r = 11 - weighted_mod(d[:8], (9, 8, 7, 6, 5, 4, 3, 2), 11)
    return (0 if r >= 10 else r) == int(d[8])


# country prefix -> (the body's regex, its check or None when only the shape is known)
_COUNTRIES: dict[str, tuple[str, Callable[[str], bool] | None]] = {
    "AT": (r"U\d{8}", lambda d: _at(d[1:])),
    "BE": (r"[01]\d{9}", _be),
    "DE": (r"\d{9}", lambda d: d[0] != "0" and iso7064_mod11_10(d)),
    "DK": (r"\d{8}", _dk),
    "ES": (r"[A-Z0-9]\d{7}[A-Z0-9]", _es),
    "FI": (r"\d{8}", _fi),
    "FR": (r"[0-9A-HJ-NP-Z]{2}\d{9}", lambda d: _fr(d) if d[:2].isdigit() else luhn_ok(d[2:])),
    "GB": (r"\d{9}(?:\d{3})?", _gb),
    "IT": (r"\d{11}", luhn_ok),
    "NL": (r"\d{9}B\d{2}", _nl),
    "PL": (r"\d{10}", _pl),
    "PT": (r"\d{9}", _pt),
    "SE": (r"\d{10}01", lambda d: luhn_ok(d[:10])),
    "CZ": (r"\d{8,10}", None),
    "IE": (r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]", None),
    "LU": (r"\d{8}", lambda d: int(d[:6]) % 89 == int(d[6:])),
    "EL": (r"\d{9}", None),
    "HU": (r"\d{8}", None),
    "RO": (r"\d{2,10}", None),
    "SK": (r"\d{10}", lambda d: int(d) % 11 == 0),
    "SI": (r"\d{8}", None),
    "HR": (r"\d{11}", None),
    "BG": (r"\d{9,10}", None),
    "LT": (r"\d{9}|\d{12}", None),
    "LV": (r"\d{11}", None),
    "EE": (r"\d{9}", None),
    "CY": (r"\d{8}[A-Z]", None),
    "MT": (r"\d{8}", None),
    "CH": (r"E-?\d{3}\.?\d{3}\.?\d{3}", None),
}
_BODY = "|".join(f"{cc} ?(?:{body})" for cc, (body, _) in _COUNTRIES.items())


class EuVatRecognizer(IdentifierRecognizer):
    """EU VAT identification numbers (and the UK's and Switzerland's): a country prefix
    and that country's format, with its check digits where they are known (AT, BE, DE,
    DK, ES, FI, FR, GB, IT, LU, NL, PL, PT, SE, SK: the value alone is enough); the
    other countries' shapes need a word."""

    ENTITY = "EU_VAT"
    PATTERNS = (Pattern("pii.eu_vat", r"(?<![\w\-])(?:" + _BODY + r")(?![\w\-])", 0.3),)
    CONTEXT = (
        "vat", "ust-id", "ust-idnr", "ustid", "umsatzsteuer", "tva", "iva", "partita iva",
        "btw", "moms", "mwst", "nif-iva", "p.iva", "p. iva", "vat id", "vies", "uid",
    )  # fmt: skip
    STANDALONE = 0.9

    def check(self, value: str) -> bool:
        checker = _COUNTRIES[value[:2]][1]
        try:
            return checker is None or checker(value[2:])
        except (ValueError, IndexError):
            return False

    def standalone_score(self, value: str, rule: str) -> float:
        compact = "".join(c for c in value if c.isalnum()).upper()
        return self.STANDALONE if _COUNTRIES[compact[:2]][1] is not None else 0.3
