"""Check-digit algorithms of national, tax, health and bank identifiers (not a recognizer).

Each function takes the identifier's characters with separators already removed and
returns True when its check digit or checksum holds. They look at the value only and
never log or return it.
"""

from __future__ import annotations

import datetime

from llmwall.detectors.recognizers.credit_card_number_recognizer import luhn_ok


def compact(value: str) -> str:
    """`value` without spaces, dots, hyphens and slashes, upper-cased."""
    return "".join(c for c in value if c.isalnum()).upper()


def weighted_mod(digits: str, weights: tuple[int, ...], mod: int) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % mod


def nhs_ok(d: str) -> bool:
    """UK NHS number: 10 digits, weights 10..2 mod 11; 10 is never a check digit."""
    if len(d) != 10 or not d.isdigit():
        return False
    check = 11 - weighted_mod(d[:9], (10, 9, 8, 7, 6, 5, 4, 3, 2), 11)
    check = 0 if check == 11 else check
    return check != 10 and check == int(d[9])


def iso7064_mod11_10(d: str) -> bool:
    """ISO 7064 MOD 11,10 over all but the last digit, which is the check digit."""
    product = 10
    for ch in d[:-1]:
        total = (int(ch) + product) % 10 or 10
        product = total * 2 % 11
    check = (11 - product) % 10
    return check == int(d[-1])


def de_tax_id_ok(d: str) -> bool:
    """German Steuer-ID: 11 digits, no leading 0; in the first ten, exactly one digit
    occurs two or three times (three only not in a row) and the others at most once;
    ISO 7064 MOD 11,10 check digit."""
    if len(d) != 11 or not d.isdigit() or d[0] == "0":
        return False
    counts = [d[:10].count(c) for c in set(d[:10])]
    repeated = [n for n in counts if n > 1]
    if len(repeated) != 1 or repeated[0] > 3:
        return False
    if repeated[0] == 3 and any(d[i] == d[i + 1] == d[i + 2] for i in range(8)):
        return False
    return iso7064_mod11_10(d)


_ICAO_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def icao_check_ok(value: str) -> bool:
    """ICAO 9303 7-3-1 check digit (passports, ID cards): the last character checks the
    others (letters count 10..35, '<' 0)."""
    if len(value) < 2 or not value[-1].isdigit():
        return False
    total = 0
    for i, c in enumerate(value[:-1]):
        v = 0 if c == "<" else _ICAO_VALUES.get(c)
        if v is None:
            return False
        total += v * (7, 3, 1)[i % 3]
    return total % 10 == int(value[-1])


def fr_nir_ok(value: str) -> bool:
    """French NIR (INSEE number): 13 characters + 2-digit key = 97 - (number mod 97);
    Corsica's departments 2A and 2B count as 19 and 18."""
    if len(value) != 15 or not value[13:].isdigit() or value[0] not in "1278":
        return False
    body = value[:13]
    if body[5:7] == "2A":
        body = body[:5] + "19" + body[7:]
    elif body[5:7] == "2B":
        body = body[:5] + "18" + body[7:]
    if not body.isdigit():
        return False
    month = int(body[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    return 97 - int(body) % 97 == int(value[13:])


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def es_dni_ok(value: str) -> bool:
    """Spanish DNI/NIF: 8 digits and the letter of their value mod 23."""
    return len(value) == 9 and value[:8].isdigit() and _DNI_LETTERS[int(value[:8]) % 23] == value[8]


def es_nie_ok(value: str) -> bool:
    """Spanish NIE: X, Y or Z (read as 0, 1, 2), 7 digits, and the DNI letter."""
    if len(value) != 9 or value[0] not in "XYZ" or not value[1:8].isdigit():
        return False
    return _DNI_LETTERS[int(str("XYZ".index(value[0])) + value[1:8]) % 23] == value[8]


# codice fiscale: the value of a character in an odd position (digits 0-9, then A-Z)
_CF_ODD_VALUES: tuple[int, ...] = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15)
_CF_ODD_VALUES += (17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23)
_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", _CF_ODD_VALUES, strict=True))


def it_fiscal_code_ok(value: str) -> bool:
    """Italian codice fiscale: 15 characters and a check letter (odd positions through
    the conversion table, even ones by value, sum mod 26)."""
    if len(value) != 16 or not value.isalnum():
        return False
    total = 0
    for i, c in enumerate(value[:15]):
        if i % 2 == 0:
            total += _CF_ODD[c]
        else:
            total += int(c) if c.isdigit() else ord(c) - 65
    return chr(65 + total % 26) == value[15]


def nl_bsn_ok(d: str) -> bool:
    """Dutch BSN: 9 digits, the 11-proof (weights 9..2 and -1)."""
    if len(d) != 9 or not d.isdigit() or d == "000000000":
        return False
    total = sum(int(c) * w for c, w in zip(d, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0


def _date_ok(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def pl_pesel_ok(d: str) -> bool:
    """Polish PESEL: a birth date (century in the month) and a weighted check digit."""
    if len(d) != 11 or not d.isdigit():
        return False
    yy, mm, dd = int(d[:2]), int(d[2:4]), int(d[4:6])
    century = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 1800}.get(mm // 20)
    if century is None or not _date_ok(century + yy, mm % 20, dd):
        return False
    check = (10 - weighted_mod(d[:10], (1, 3, 7, 9, 1, 3, 7, 9, 1, 3), 10)) % 10
    return check == int(d[10])


def se_personnummer_ok(d: str) -> bool:
    """Swedish personnummer (10 or 12 digits): a birth date (day + 60 for a
    samordningsnummer) and Luhn over the 10-digit form."""
    if len(d) == 12:
        year, d = int(d[:4]), d[2:]
    elif len(d) == 10:
        year = 1900 + int(d[:2])
    else:
        return False
    if not d.isdigit():
        return False
    day = int(d[4:6])
    day = day - 60 if day > 60 else day
    if not _date_ok(year if year >= 1000 else 2000, int(d[2:4]), day):
        return False
    return luhn_ok(d)


_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6), (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4), (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)  # fmt: skip
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2), (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)  # fmt: skip


def verhoeff_ok(d: str) -> bool:
    c = 0
    for i, ch in enumerate(reversed(d)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[i % 8][int(ch)]]
    return c == 0


def in_aadhaar_ok(d: str) -> bool:
    """Indian Aadhaar: 12 digits, not starting with 0 or 1, Verhoeff check digit."""
    return len(d) == 12 and d.isdigit() and d[0] not in "01" and verhoeff_ok(d)


def _cpf_digit(d: str, first_weight: int) -> int:
    r = sum(int(c) * w for c, w in zip(d, range(first_weight, 1, -1), strict=False)) % 11
    return 0 if r < 2 else 11 - r


def br_cpf_ok(d: str) -> bool:
    """Brazilian CPF: 9 digits and two mod-11 check digits; not one repeated digit."""
    if len(d) != 11 or not d.isdigit() or len(set(d)) == 1:
        return False
    return _cpf_digit(d[:9], 10) == int(d[9]) and _cpf_digit(d[:10], 11) == int(d[10])


def _cnpj_digit(d: str) -> int:
    weights = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)[13 - len(d) :]
    r = sum(int(c) * w for c, w in zip(d, weights, strict=True)) % 11
    return 0 if r < 2 else 11 - r


def br_cnpj_ok(d: str) -> bool:
    """Brazilian CNPJ: 12 digits and two mod-11 check digits."""
    if len(d) != 14 or not d.isdigit() or len(set(d)) == 1:
        return False
    return _cnpj_digit(d[:12]) == int(d[12]) and _cnpj_digit(d[:13]) == int(d[13])


def ca_sin_ok(d: str) -> bool:
    """Canadian SIN: 9 digits, Luhn; 0 and 8 are not issued as first digits."""
    return len(d) == 9 and d.isdigit() and d[0] not in "08" and luhn_ok(d)


def au_tfn_ok(d: str) -> bool:
    """Australian TFN: 8 or 9 digits, weighted sum mod 11 is 0."""
    if not d.isdigit():
        return False
    if len(d) == 9:
        weights: tuple[int, ...] = (1, 4, 3, 7, 5, 8, 6, 9, 10)
    elif len(d) == 8:
        weights = (10, 7, 8, 4, 6, 3, 5, 1)
    else:
        return False
    return weighted_mod(d, weights, 11) == 0 and len(set(d)) > 1


def au_medicare_ok(d: str) -> bool:
    """Australian Medicare card: 10 or 11 digits (issue number, IRN), first 2-6, the 9th
    checks the first eight (weights 1,3,7,9)."""
    if len(d) not in (10, 11) or not d.isdigit() or d[0] not in "23456":
        return False
    return weighted_mod(d[:8], (1, 3, 7, 9, 1, 3, 7, 9), 10) == int(d[8])


def jp_my_number_ok(d: str) -> bool:
    """Japanese My Number (individual number): 12 digits, mod-11 check digit."""
    if len(d) != 12 or not d.isdigit():
        return False
    total = 0
    for n, ch in enumerate(reversed(d[:11]), 1):
        total += int(ch) * (n + 1 if n <= 6 else n - 5)
    r = total % 11
    return (0 if r <= 1 else 11 - r) == int(d[11])


def kr_rrn_date_ok(d: str) -> bool:
    """Korean RRN: YYMMDD and a gender/century digit 1-8 (9 and 0: before 1900)."""
    if len(d) != 13 or not d.isdigit() or d[6] not in "12345678":
        return False
    century = {"1": 1900, "2": 1900, "3": 2000, "4": 2000, "5": 1900, "6": 1900}.get(d[6], 2000)
    return _date_ok(century + int(d[:2]), int(d[2:4]), int(d[4:6]))


def kr_rrn_check_ok(d: str) -> bool:
    """The check digit RRNs carried until October 2020 (newer ones are random)."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    return (11 - weighted_mod(d[:12], weights, 11)) % 10 == int(d[12])


_NRIC_TABLES = {
    "ST": "JZIHGFEDCBA",
    "FG": "XWUTRQPNMLK",
    "M": "KLJNPQRTUWX",
}


def sg_nric_ok(value: str) -> bool:
    """Singapore NRIC/FIN: S, T, F, G or M, 7 digits and a check letter."""
    if len(value) != 9 or value[0] not in "STFGM" or not value[1:8].isdigit():
        return False
    total = weighted_mod(value[1:8], (2, 7, 6, 5, 4, 3, 2), 10**6)
    if value[0] in "TG":
        total += 4
    elif value[0] == "M":
        total += 3
    r = total % 11
    if value[0] in "ST":
        return _NRIC_TABLES["ST"][r] == value[8]
    if value[0] in "FG":
        return _NRIC_TABLES["FG"][r] == value[8]
    return _NRIC_TABLES["M"][10 - r] == value[8]


def aba_routing_ok(d: str) -> bool:
    """US ABA routing number: 9 digits, a Federal Reserve prefix, 3-7-1 weights mod 10."""
    if len(d) != 9 or not d.isdigit():
        return False
    prefix = int(d[:2])
    if not (prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80):
        return False
    return weighted_mod(d, (3, 7, 1, 3, 7, 1, 3, 7, 1), 10) == 0 and d != "000000000"
