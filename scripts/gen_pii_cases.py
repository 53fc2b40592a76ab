"""Write the synthetic PII evaluation cases: tests/detectors/data/pii_cases_{dev,heldout}.jsonl.

    python scripts/gen_pii_cases.py [--seed 15] [--per-type 40]

Seeded and deterministic. Every identifier is made here, its check digit computed by
this script's own code (not the recognizers'), so a wrong validator cannot agree with a
wrong generator. Carrier sentences of every type are split by index: even ones go to
dev, odd ones to heldout, so the held-out split has wordings tuning never saw; the two
splits also draw their values and fillers from different random streams.

Each line: {"id", "split", "type", "group", "text", "spans": [[entity, start, end]]};
type "LOOKALIKE" lines have no spans and must not be flagged (order ids, versions,
timestamps, math, dates, codes, checksum failures).
"""

from __future__ import annotations

import argparse
import json
import random
import string
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "detectors" / "data"
R = random.Random  # type alias for brevity


def digits(rng: R, n: int, first: str = "0123456789") -> str:
    return rng.choice(first) + "".join(rng.choice(string.digits) for _ in range(n - 1))


def group(value: str, sizes: tuple[int, ...], sep: str) -> str:
    out, i = [], 0
    for s in sizes:
        out.append(value[i : i + s])
        i += s
    return sep.join(out)


# -- check digits, computed (the recognizers verify) -----------------------------------


def nhs(rng: R) -> str:
    while True:
        d = digits(rng, 9, "4679")
        r = 11 - sum(int(c) * w for c, w in zip(d, range(10, 1, -1))) % 11
        if r == 10:
            continue
        return d + str(0 if r == 11 else r)


def steuer_id(rng: R) -> str:
    while True:
        pool = rng.sample("0123456789", 9)
        if pool[0] == "0":
            continue
        dup = rng.choice(pool[1:])
        body = pool[:]
        body.insert(rng.randrange(1, 10), dup)
        d = "".join(body)
        if any(d[i] == d[i + 1] == d[i + 2] for i in range(8)):
            continue
        product = 10
        for ch in d:
            s = (int(ch) + product) % 10
            s = 10 if s == 0 else s
            product = (s * 2) % 11
        check = 11 - product
        return d + str(0 if check == 10 else check)


def icao(body: str) -> str:
    vals = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return str(sum(vals.index(c) * (7, 3, 1)[i % 3] for i, c in enumerate(body)) % 10)


def personalausweis(rng: R) -> str:
    alphabet = "CFGHJKLMNPRTVWXYZ0123456789"
    body = rng.choice("LMNPRTVWXY") + "".join(rng.choice(alphabet) for _ in range(8))
    return body + icao(body)


def nir(rng: R) -> str:
    sex = rng.choice("12")
    yy = f"{rng.randrange(100):02d}"
    mm = f"{rng.randrange(1, 13):02d}"
    dept = rng.choice(["75", "69", "13", "2A", "2B", "33", "59", "06", "44", "97"])
    commune = f"{rng.randrange(1, 990):03d}"
    order = f"{rng.randrange(1, 1000):03d}"
    body = sex + yy + mm + dept + commune + order
    numeric = body.replace("2A", "19").replace("2B", "18") if dept in ("2A", "2B") else body
    key = 97 - int(numeric) % 97
    return body + f"{key:02d}"


def dni(rng: R) -> str:
    n = digits(rng, 8)
    return n + "TRWAGMYFPDXBNJZSQVHLCKE"[int(n) % 23]


def nie(rng: R) -> str:
    lead = rng.choice("XYZ")
    n = digits(rng, 7)
    return lead + n + "TRWAGMYFPDXBNJZSQVHLCKE"[int(str("XYZ".index(lead)) + n) % 23]


def codice_fiscale(rng: R) -> str:
    up = string.ascii_uppercase
    odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22,
           25, 24, 23]  # fmt: skip
    body = (
        "".join(rng.choice("BCDFGLMNPRSTVZ") for _ in range(3))
        + "".join(rng.choice(up) for _ in range(3))
        + f"{rng.randrange(100):02d}"
        + rng.choice("ABCDEHLMPRST")
        + f"{rng.choice([rng.randrange(1, 32), rng.randrange(41, 72)]):02d}"
        + rng.choice("ABCDEFGHILMZ")
        + f"{rng.randrange(1, 1000):03d}"
    )
    total = 0
    for i, c in enumerate(body):
        v = int(c) if c.isdigit() else ord(c) - 65
        total += odd[v] if i % 2 == 0 else v
    return body + up[total % 26]


def bsn(rng: R) -> str:
    while True:
        d = digits(rng, 8, "1234567")
        s = sum(int(c) * w for c, w in zip(d, range(9, 1, -1)))
        last = s % 11
        if last <= 9:
            return d + str(last)


def pesel(rng: R) -> str:
    year = rng.randrange(1940, 2015)
    month = rng.randrange(1, 13) + (20 if year >= 2000 else 0)
    day = rng.randrange(1, 29)
    d = f"{year % 100:02d}{month:02d}{day:02d}" + digits(rng, 4)
    s = sum(int(c) * w for c, w in zip(d, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)))
    return d + str((10 - s % 10) % 10)


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def personnummer(rng: R) -> tuple[str, str]:
    year = rng.randrange(1940, 2010)
    body = f"{year % 100:02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}" + digits(rng, 3)
    full = body + luhn_digit(body)
    return full, f"{year // 100}"


def verhoeff_digit(body: str) -> str:
    d = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
         [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
         [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
         [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
         [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]  # fmt: skip
    p = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
         [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
         [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
         [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]  # fmt: skip
    inv = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]
    c = 0
    for i, ch in enumerate(reversed(body)):
        c = d[c][p[(i + 1) % 8][int(ch)]]
    return str(inv[c])


def aadhaar(rng: R) -> str:
    body = digits(rng, 11, "23456789")
    return body + verhoeff_digit(body)


def pan(rng: R) -> str:
    up = string.ascii_uppercase
    return (
        "".join(rng.choice(up) for _ in range(3))
        + rng.choice("PCHFATBLJG")
        + rng.choice(up)
        + digits(rng, 4)
        + rng.choice(up)
    )


def cpf(rng: R) -> str:
    d = digits(rng, 9)
    for n in (10, 11):
        r = sum(int(c) * w for c, w in zip(d, range(n, 1, -1))) % 11
        d += str(0 if r < 2 else 11 - r)
    return d


def cnpj(rng: R) -> str:
    d = digits(rng, 8) + "0001"
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        r = sum(int(c) * w for c, w in zip(d, weights)) % 11
        d += str(0 if r < 2 else 11 - r)
    return d


def sin(rng: R) -> str:
    body = digits(rng, 8, "1234567")
    return body + luhn_digit(body)


def tfn(rng: R) -> str:
    while True:
        d = digits(rng, 8, "123456789")
        w = (1, 4, 3, 7, 5, 8, 6, 9)
        s = sum(int(c) * x for c, x in zip(d, w))
        for last in range(10):
            if (s + last * 10) % 11 == 0:
                return d + str(last)


def medicare(rng: R) -> str:
    d = digits(rng, 8, "23456")
    check = sum(int(c) * w for c, w in zip(d, (1, 3, 7, 9, 1, 3, 7, 9))) % 10
    return d + str(check) + str(rng.randrange(1, 10))


def my_number(rng: R) -> str:
    d = digits(rng, 11)
    total = sum(int(ch) * (n + 1 if n <= 6 else n - 5) for n, ch in enumerate(reversed(d), 1))
    r = total % 11
    return d + str(0 if r <= 1 else 11 - r)


def rrn(rng: R) -> str:
    year = rng.randrange(1950, 2019)
    s = rng.choice("12") if year < 2000 else rng.choice("34")
    d = f"{year % 100:02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}" + s + digits(rng, 5)
    w = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    return d + str((11 - sum(int(c) * x for c, x in zip(d, w)) % 11) % 10)


def nric(rng: R) -> str:
    lead = rng.choice("STFG")
    d = digits(rng, 7)
    total = sum(int(c) * w for c, w in zip(d, (2, 7, 6, 5, 4, 3, 2))) + (4 if lead in "TG" else 0)
    table = "JZIHGFEDCBA" if lead in "ST" else "XWUTRQPNMLK"
    return lead + d + table[total % 11]


def itin(rng: R) -> str:
    return (
        "9"
        + digits(rng, 2)
        + "-"
        + str(rng.choice([*range(70, 89), *range(90, 93), *range(94, 100)]))
        + "-"
        + digits(rng, 4)
    )


def aba(rng: R) -> str:
    prefix = f"{rng.choice([*range(1, 13), *range(21, 33), *range(61, 73)]):02d}"
    d = prefix + digits(rng, 6)
    s = sum(int(c) * w for c, w in zip(d, (3, 7, 1, 3, 7, 1, 3, 7)))
    return d + str((10 - s % 10) % 10)


def vat(rng: R) -> str:
    kind = rng.choice(["DE", "FR", "IT", "NL", "BE", "AT", "PL", "ES"])
    if kind == "DE":
        while True:
            d = digits(rng, 8, "123456789")
            product = 10
            for ch in d:
                s = (int(ch) + product) % 10 or 10
                product = s * 2 % 11
            check = 11 - product
            return "DE" + d + str(0 if check == 10 else check)
    if kind == "FR":
        siren = digits(rng, 8, "123456789")
        siren += luhn_digit(siren)
        key = (12 + 3 * (int(siren) % 97)) % 97
        return f"FR{key:02d}{siren}"
    if kind == "IT":
        body = digits(rng, 10, "0123")
        return "IT" + body + luhn_digit(body)
    if kind == "NL":
        return "NL" + bsn(rng) + "B0" + str(rng.randrange(1, 10))
    if kind == "BE":
        body = "0" + digits(rng, 7, "123456789")
        return "BE" + body + f"{97 - int(body) % 97:02d}"
    if kind == "AT":
        while True:
            d = digits(rng, 7)
            total = 0
            for i, ch in enumerate(d):
                v = int(ch) * (1 if i % 2 == 0 else 2)
                total += v // 10 + v % 10
            return "ATU" + d + str((96 - total) % 10)
    if kind == "PL":
        while True:
            d = digits(rng, 9, "123456789")
            r = sum(int(c) * w for c, w in zip(d, (6, 5, 7, 2, 3, 4, 5, 6, 7))) % 11
            if r < 10:
                return "PL" + d + str(r)
    n = digits(rng, 8)
    return "ES" + n + "TRWAGMYFPDXBNJZSQVHLCKE"[int(n) % 23]


# -- people, places, dates ---------------------------------------------------------------

GIVEN = """Ana Maria José Luis Jürgen Sabine Lukas Anneke Pieter Sven Ingrid Astrid Matteo Giulia
Chiara Lorenzo Élodie Théo Camille Mathieu Hiroshi Yuki Min-jun Ji-woo Priya Arjun Ananya
Rohan Wei Mei Olumide Chiamaka Aleksandra Piotr Małgorzata Tomasz Sofía Diego Valentina
Mateo Fatima Omar Layla Youssef Emily James Olivia Noah Charlotte Liam Grace Henry Nadia
Bjørn Siobhán Declan Aoife Kateřina Jakub Zsófia Bence Dimitris Eleni Tariq Aisha Kwame
Ama Santiago Isabella Rafael Beatriz Thiago Larissa Hannah Ethan Chloe Daniel Sarah Michael
Jessica David Laura Robert Patricia Thomas Anne Peter Helen George Margaret""".split()
SURNAME = """Lima Schmidt Müller Becker de Vries van Dijk Jansen Rossi Bianchi Ferrari Dubois
Lefèvre Moreau García Fernández López Martínez Kowalski Nowak Wiśniewska Andersson Lindqvist
Nakamura Tanaka Kim Park Lee Sharma Patel Iyer Chen Wang Okafor Adeyemi Haddad Khalil
Smith Johnson Williams Brown Taylor Wilson O'Connor Murphy Novák Svoboda Nagy Papadopoulos
Mensah Oliveira Santos Pereira Costa Hoffmann Fischer Weber Wagner Karlsson Nilsen Kelly
Thompson Walker Robinson Clarke Hughes Edwards""".split()

STREETS = [
    ("{n} {s} Street", "US"), ("{n} {s} Avenue", "US"), ("{n} {s} Road", "GB"),
    ("{n} {s} Lane", "GB"), ("{n} {s} Drive", "US"), ("{n} {s} Blvd", "US"),
    ("{s}straße {n}", "DE"), ("{s}str. {n}", "DE"), ("{s}weg {n}", "DE"),
    ("{n} rue {fr}", "FR"), ("{n}, avenue {fr}", "FR"), ("Calle {es} {n}", "ES"),
    ("Avenida {es}, {n}", "ES"), ("Via {it} {n}", "IT"), ("Piazza {it} {n}", "IT"),
    ("{nl}straat {n}", "NL"), ("{nl}laan {n}", "NL"), ("ul. {pl} {n}", "PL"),
    ("Rua {pt}, {n}", "BR"), ("{s}gatan {n}", "SE"),
]  # fmt: skip
STREET_WORDS = "Oak Maple Cedar Elm Park Mill Church High Station King Queen Victoria Bahnhof Linden Garten Berg Sonnen Haupt".split()
FR_STREET = ["de la Paix", "Victor Hugo", "du Faubourg Saint-Honoré", "des Lilas", "Jean Jaurès"]
ES_STREET = ["Mayor", "de Alcalá", "Gran Vía", "del Sol", "de Serrano"]
IT_STREET = ["Roma", "Garibaldi", "dei Mille", "Mazzini", "del Corso"]
NL_STREET = ["Kerk", "Molen", "Dorps", "Prinsen", "Heren"]
PL_STREET = ["Marszałkowska", "Długa", "Kwiatowa", "Słoneczna"]
PT_STREET = ["das Flores", "Augusta", "XV de Novembro", "da Consolação"]
CITIES = {
    "US": ["Springfield, IL 62704", "Austin, TX 78701", "Portland, OR 97205", "Denver, CO 80202"],
    "GB": ["London NW1 6XE", "Manchester M1 2AB", "Leeds LS1 4DY", "Bristol BS1 5TR"],
    "DE": ["10115 Berlin", "80331 München", "50667 Köln", "20095 Hamburg"],
    "FR": ["75002 Paris", "69001 Lyon", "13001 Marseille", "31000 Toulouse"],
    "ES": ["28013 Madrid", "08001 Barcelona", "41001 Sevilla", "46001 Valencia"],
    "IT": ["00184 Roma", "20121 Milano", "50123 Firenze", "10121 Torino"],
    "NL": ["1012 AB Amsterdam", "3011 AD Rotterdam", "3511 LX Utrecht"],
    "PL": ["00-001 Warszawa", "30-001 Kraków", "80-001 Gdańsk"],
    "BR": ["01310-100 São Paulo", "20040-002 Rio de Janeiro"],
    "SE": ["111 52 Stockholm", "411 03 Göteborg"],
}
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
}


def person(rng: R) -> str:
    name = rng.choice(GIVEN) + " " + rng.choice(SURNAME)
    if rng.random() < 0.15:
        name = rng.choice(GIVEN) + " " + rng.choice(GIVEN)[0] + ". " + rng.choice(SURNAME)
    return name


def address(rng: R) -> str:
    fmt, country = rng.choice(STREETS)
    street = fmt.format(
        n=rng.randrange(1, 400), s=rng.choice(STREET_WORDS), fr=rng.choice(FR_STREET),
        es=rng.choice(ES_STREET), it=rng.choice(IT_STREET), nl=rng.choice(NL_STREET),
        pl=rng.choice(PL_STREET), pt=rng.choice(PT_STREET),
    )  # fmt: skip
    if "{n}" in fmt and rng.random() < 0.2 and country in ("US", "GB"):
        street = street.replace(" ", ", Apt " + str(rng.randrange(1, 30)) + " ", 0)
    return f"{street}, {rng.choice(CITIES[country])}"


def dob(rng: R, lang: str = "en") -> str:
    y, m, d = rng.randrange(1935, 2008), rng.randrange(1, 13), rng.randrange(1, 29)
    style = rng.randrange(5)
    if style == 0:
        return f"{d:02d}/{m:02d}/{y}"
    if style == 1:
        return f"{y}-{m:02d}-{d:02d}"
    if style == 2:
        return f"{d:02d}.{m:02d}.{y}"
    month = MONTHS[lang].split()[m - 1]
    if style == 3:
        return f"{d} {month} {y}" if lang != "en" or rng.random() < 0.5 else f"{month} {d}, {y}"
    return f"{m:02d}/{d:02d}/{y}"


# -- the cases ---------------------------------------------------------------------------

Gen = Callable[[R], str]


def fmt_choice(*variants: Callable[[str], str]) -> Callable[[R, str], str]:
    return lambda rng, v: rng.choice(variants)(v)


PLAIN = lambda v: v  # noqa: E731

# entity -> (value generator, display variants, carrier sentences)
TYPES: dict[str, tuple[Gen, Callable[[R, str], str], list[str]]] = {
    "UK_NINO": (
        lambda r: rng_nino(r),
        fmt_choice(PLAIN, lambda v: group(v, (2, 2, 2, 2, 1), " ")),
        [
            "My National Insurance number is {v}.",
            "NI number: {v}",
            "Please add my NINO {v} to the payroll form.",
            "National Insurance No. {v}, tax code 1257L.",
            "HMRC asked for your NI no ({v}) again.",
            "Employee NI: {v}",
            "the new starter's national insurance number: {v}",
            "{v} is my NI number",
        ],
    ),
    "UK_NHS": (
        nhs,
        fmt_choice(PLAIN, lambda v: group(v, (3, 3, 4), " "), lambda v: group(v, (3, 3, 4), "-")),
        [
            "NHS number: {v}",
            "Patient NHS No. {v}, referred by GP.",
            "Her NHS number is {v} and she is registered at the practice.",
            "nhs no {v}",
            "Please check NHS number {v} on the spine.",
            "NHS #: {v}",
            "the NHS number on the letter was {v}",
            "GP record for NHS {v}",
        ],
    ),
    "DE_TAX_ID": (
        steuer_id,
        fmt_choice(PLAIN, lambda v: group(v, (2, 3, 3, 3), " ")),
        [
            "Meine Steuer-ID lautet {v}.",
            "Steueridentifikationsnummer: {v}",
            "Tax ID (Germany): {v}",
            "Identifikationsnummer {v} laut Finanzamt",
            "Bitte trag meine Steuer-IdNr. {v} ein.",
            "steuerliche Identifikationsnummer {v}",
            "my German tax id is {v}",
            "IdNr: {v}",
        ],
    ),
    "DE_ID_CARD": (
        personalausweis,
        fmt_choice(PLAIN),
        [
            "Personalausweisnummer: {v}",
            "Ausweisnummer {v}",
            "Die Nummer meines Personalausweises ist {v}.",
            "German ID card number: {v}",
            "Personalausweis Nr. {v}",
            "Ausweis-Nr.: {v}",
        ],
    ),
    "FR_NIR": (
        nir,
        fmt_choice(PLAIN, lambda v: group(v, (1, 2, 2, 2, 3, 3, 2), " ")),
        [
            "Numéro de sécurité sociale : {v}",
            "N° INSEE {v}",
            "Mon numéro de sécu est le {v}.",
            "NIR: {v}",
            "numéro d'inscription au répertoire {v}",
            "French social security number {v}",
            "Carte Vitale : {v}",
            "sécurité sociale n° {v}",
        ],
    ),
    "ES_NIF": (
        dni,
        fmt_choice(PLAIN, lambda v: v[:8] + "-" + v[8]),
        [
            "Mi DNI es {v}.",
            "DNI: {v}",
            "NIF {v}",
            "Documento nacional de identidad {v}",
            "número de DNI {v}",
            "Spanish ID {v}",
            "con DNI {v} y domicilio en Madrid",
            "D.N.I. {v}",
        ],
    ),
    "ES_NIE": (
        nie,
        fmt_choice(PLAIN, lambda v: v[0] + "-" + v[1:8] + "-" + v[8]),
        [
            "Mi NIE es {v}.",
            "NIE: {v}",
            "número de identidad de extranjero {v}",
            "foreigner ID (NIE) {v}",
            "con NIE {v}",
            "N.I.E. {v}",
        ],
    ),
    "IT_FISCAL_CODE": (
        codice_fiscale,
        fmt_choice(PLAIN),
        [
            "Il mio codice fiscale è {v}.",
            "Codice fiscale: {v}",
            "C.F. {v}",
            "CF {v}",
            "Italian tax code {v}",
            "cod. fisc. {v}",
            "{v}",
            "Intestatario: codice {v}",
        ],
    ),
    "NL_BSN": (
        bsn,
        fmt_choice(PLAIN, lambda v: group(v, (4, 2, 3), ".")),
        [
            "Mijn BSN is {v}.",
            "Burgerservicenummer: {v}",
            "BSN-nummer {v}",
            "sofinummer {v}",
            "Dutch citizen service number {v}",
            "BSN: {v}",
        ],
    ),
    "PL_PESEL": (
        pesel,
        fmt_choice(PLAIN),
        [
            "Mój PESEL to {v}.",
            "PESEL: {v}",
            "numer PESEL {v}",
            "Polish national ID (PESEL) {v}",
            "nr PESEL {v}",
            "PESEL {v}",
        ],
    ),
    "SE_PERSONNUMMER": (
        lambda r: sweden(r),
        fmt_choice(PLAIN),
        [
            "Mitt personnummer är {v}.",
            "Personnummer: {v}",
            "pnr {v}",
            "Swedish personal identity number {v}",
            "personnr {v}",
            "personnummer {v}",
        ],
    ),
    "IN_AADHAAR": (
        aadhaar,
        fmt_choice(PLAIN, lambda v: group(v, (4, 4, 4), " "), lambda v: group(v, (4, 4, 4), "-")),
        [
            "My Aadhaar number is {v}.",
            "Aadhaar: {v}",
            "आधार संख्या {v}",
            "UID {v}",
            "aadhar card no {v}",
            "Aadhaar No. {v}",
        ],
    ),
    "IN_PAN": (
        pan,
        fmt_choice(PLAIN),
        [
            "My PAN is {v}.",
            "PAN: {v}",
            "PAN card number {v}",
            "Permanent Account Number {v}",
            "pan no {v}",
            "income tax PAN {v}",
        ],
    ),
    "BR_CPF": (
        cpf,
        fmt_choice(lambda v: f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}", PLAIN),
        [
            "Meu CPF é {v}.",
            "CPF: {v}",
            "CPF nº {v}",
            "Brazilian taxpayer ID {v}",
            "inscrito no CPF sob o nº {v}",
            "cpf {v}",
        ],
    ),
    "BR_CNPJ": (
        cnpj,
        fmt_choice(lambda v: f"{v[:2]}.{v[2:5]}.{v[5:8]}/{v[8:12]}-{v[12:]}", PLAIN),
        [
            "CNPJ: {v}",
            "inscrita no CNPJ sob o nº {v}",
            "CNPJ da empresa {v}",
            "company registry (CNPJ) {v}",
            "cnpj {v}",
            "CNPJ/MF {v}",
        ],
    ),
    "CA_SIN": (
        sin,
        fmt_choice(PLAIN, lambda v: group(v, (3, 3, 3), " "), lambda v: group(v, (3, 3, 3), "-")),
        [
            "My SIN is {v}.",
            "Social Insurance Number: {v}",
            "NAS (numéro d'assurance sociale) {v}",
            "SIN: {v}",
            "social insurance no. {v}",
            "numéro d'assurance sociale {v}",
        ],
    ),
    "AU_TFN": (
        tfn,
        fmt_choice(PLAIN, lambda v: group(v, (3, 3, 3), " ")),
        [
            "My TFN is {v}.",
            "Tax File Number: {v}",
            "TFN: {v}",
            "tax file no. {v}",
            "ATO tax file number {v}",
            "TFN {v}",
        ],
    ),
    "AU_MEDICARE": (
        medicare,
        fmt_choice(PLAIN, lambda v: group(v, (4, 5, 1), " ")),
        [
            "Medicare number: {v}",
            "Medicare card {v}",
            "my medicare no is {v}",
            "Medicare No. {v}",
            "medicare {v}",
            "Medicare card number {v}",
        ],
    ),
    "JP_MY_NUMBER": (
        my_number,
        fmt_choice(PLAIN, lambda v: group(v, (4, 4, 4), " "), lambda v: group(v, (4, 4, 4), "-")),
        [
            "マイナンバー：{v}",
            "個人番号 {v}",
            "My Number: {v}",
            "マイナンバーは{v}です。",
            "individual number (My Number) {v}",
            "個人番号カード {v}",
        ],
    ),
    "KR_RRN": (
        rrn,
        fmt_choice(lambda v: v[:6] + "-" + v[6:]),
        [
            "주민등록번호: {v}",
            "주민번호 {v}",
            "resident registration number {v}",
            "RRN: {v}",
            "{v}",
            "주민등록번호는 {v}입니다",
        ],
    ),
    "SG_NRIC_FIN": (
        nric,
        fmt_choice(PLAIN),
        [
            "My NRIC is {v}.",
            "NRIC: {v}",
            "FIN {v}",
            "{v}",
            "IC no. {v}",
            "NRIC/FIN {v}",
        ],
    ),
    "US_ITIN": (
        itin,
        fmt_choice(PLAIN, lambda v: v.replace("-", "")),
        [
            "ITIN: {v}",
            "my ITIN is {v}",
            "Individual Taxpayer Identification Number {v}",
            "ITIN {v}",
            "taxpayer id {v}",
            "itin no. {v}",
        ],
    ),
    "US_BANK_ROUTING": (
        aba,
        fmt_choice(PLAIN),
        [
            "Routing number: {v}",
            "ABA {v}",
            "routing # {v}",
            "RTN {v}",
            "bank routing number {v}",
            "ABA routing no. {v}",
        ],
    ),
    "EU_VAT": (
        vat,
        fmt_choice(PLAIN),
        [
            "VAT ID: {v}",
            "USt-IdNr. {v}",
            "N° TVA intracommunautaire {v}",
            "{v}",
            "Partita IVA {v}",
            "VAT number {v}",
            "btw-nummer {v}",
            "NIF-IVA {v}",
        ],
    ),
}


def rng_nino(rng: R) -> str:
    first = "ABCEGHJKLMNOPRSTWXYZ"
    second = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        p = rng.choice(first) + rng.choice(second)
        if p not in ("GB", "BG", "NK", "KN", "TN", "NT", "ZZ"):
            return p + digits(rng, 6) + rng.choice("ABCD")


def sweden(rng: R) -> str:
    body, century = personnummer(rng)
    style = rng.randrange(3)
    if style == 0:
        return body[:6] + "-" + body[6:]
    if style == 1:
        return century + body[:6] + "-" + body[6:]
    return century + body


# types whose value alone (no context word) is also written in the cases
BARE_OK = {"IT_FISCAL_CODE", "KR_RRN", "SG_NRIC_FIN", "EU_VAT", "ES_NIF", "BR_CPF", "FR_NIR"}

# context-only types with letters or free formats
PASSPORT_TEMPLATES = [
    "Passport number: {v}",
    "Reisepassnummer {v}",
    "numéro de passeport {v}",
    "pasaporte n.º {v}",
    "passport no. {v}",
    "numero di passaporto {v}",
    "paspoortnummer {v}",
    "旅券番号 {v}",
]
US_PASSPORT_TEMPLATES = [
    "US passport number {v}",
    "U.S. passport: {v}",
    "my American passport no is {v}",
    "passport # {v} (United States)",
]
DL_TEMPLATES = [
    "Driver's license number: {v}",
    "DL# {v}",
    "driver licence no. {v}",
    "driving license {v}",
    "CA DL {v}",
    "drivers lic {v}",
]
MRN_TEMPLATES = [
    "MRN: {v}",
    "Medical record number {v}",
    "Patient MRN {v}, admitted yesterday.",
    "med. record no. {v}",
    "chart number (MRN) {v}",
    "Hospital number: {v}",
    "MRN#{v}",
    "medical record #: {v}",
]
SORT_TEMPLATES = [
    "Sort code {s}, account number {a}",
    "sort code: {s} acc no: {a}",
    "Bank: Barclays, sort code {s}, account {a}",
    "please pay to {s} / {a} (sort code / account)",
]
PHONE_VALUES = [
    "+55 11 9{a}-{b}", "+7 (9{c}) {d}-{e}-{f}", "+1 {g} {h} {i}", "+44 20 7{j} {k}",
    "+49 30 {l}", "+33 6 {m}", "+34 6{n}", "+81 3-{o}-{p}", "+91 9{q} {r}",
    "+61 4{s} {t} {u}", "+86 138 {v} {w}", "+39 06 {x}", "+31 6 {y}", "+48 {z}",
    "+1-{g}-{h}-{i}", "({g}) {h}-{i}", "020 7{j} {k}", "+41 44 {t} {e} {f}",
]  # fmt: skip
PHONE_TEMPLATES = [
    "{v}",
    "Kontakt: {v}",
    "Rufen Sie mich unter {v} an.",
    "Llámame al {v}.",
    "WhatsApp {v}",
    "Appelez-moi au {v}",
    "numer: {v}",
    "reach the front desk on {v}",
    "Звоните {v}",
    "連絡先 {v}",
    "{v} (24h)",
    "Maria — {v}",
]
EMAIL_TEMPLATES = [
    "Send it to {v}.",
    "{v}",
    "cc: {v}",
    "Kontakt: {v}",
    "escríbeme a {v}",
    "From: {v}",
    "my work address is {v}",
    "forward to {v} please",
]
EMAIL_LOCAL = ["alice", "j.smith", "müller", "josé.garcía", "ops-team", "n.tanaka", "björn",
               "θεος", "иван", "li.wei", "admin+billing", "d_okafor"]  # fmt: skip
EMAIL_DOMAIN = ["corp.internal", "lab.local", "printer.lan", "hq.corp", "example", "mail.test",
                "bücher.de", "例え.jp", "пример.рф", "acme.co.uk", "intranet.home.arpa",
                "dev.invalid", "xn--bcher-kva.de", "mail.example.com", "cluster.localdomain",
                "eng.acme.io"]  # fmt: skip
ADDRESS_TEMPLATES = [
    "Ship to {v}.",
    "Address: {v}",
    "I live at {v}.",
    "Lieferadresse: {v}",
    "Adresse : {v}",
    "Dirección: {v}",
    "My new address is {v}",
    "Please send the contract to {v}.",
    "{v}",
    "Indirizzo: {v}",
]
DOB_TEMPLATES = [
    ("Date of birth: {v}", "en"),
    ("DOB {v}", "en"),
    ("geb. {v}", "de"),
    ("née le {v}", "fr"),
    ("born on {v}", "en"),
    ("Geburtsdatum: {v}", "de"),
    ("fecha de nacimiento: {v}", "es"),
    ("date de naissance : {v}", "fr"),
    ("He was born {v} in Leeds.", "en"),
    ("D.O.B.: {v}", "en"),
    ("birthdate {v}", "en"),
    ("nacido el {v}", "es"),
]
PERSON_TEMPLATES = [
    "My name is {v}.",
    "Patient: {v}",
    "Dear {v},",
    "{v} called about the invoice.",
    "Please forward this to {v} in accounting.",
    "Best regards,\n{v}",
    "Ich heiße {v}.",
    "Je m'appelle {v}.",
    "Me llamo {v}.",
    "Customer {v} asked for a refund.",
    "Meeting with {v} tomorrow at 10.",
    "Signed: {v}",
    "{v} lives in Lyon and works as a nurse.",
    "The account holder is {v}.",
]
AGE_TEMPLATES = [
    "A {v}-year-old male presented with chest pain.",
    "Patient, {v} years old, diabetic.",
    "Age: {v}",
    "{v} y/o female with a history of asthma",
    "aged {v}, admitted for observation",
    "Alter: {v} Jahre, Patientin mit Hypertonie",
    "patient âgé de {v} ans",
    "a {v}-year-old woman with pneumonia",
]
FILLERS = [
    "Here are the details for the form.",
    "Can you fill in the missing fields?",
    "Thanks for your help with this.",
    "Bitte prüfe die Angaben unten.",
    "Merci de vérifier ces informations.",
    "Por favor, revisa los datos.",
    "I need this translated into English.",
    "The meeting moved to Thursday.",
    "Summarize the following record.",
    "Quick question about my application:",
    "Per your request,",
    "Can you check if this is correct?",
    "Draft a reply to the customer.",
    "Please keep it short.",
    "Grazie mille per l'aiuto.",
    "Dank je wel alvast.",
]
LOOKALIKES = {
    "order_id": ["Order #{n9} shipped on Monday.", "Your order number is {n11}.", "Bestellnummer {n10}",
                 "order id {n12}", "Ticket {n8} was closed.", "Invoice INV-{n9} is overdue."],
    "version": ["Upgrade to version 12.4.1-rc2 first.", "numpy 2.1.3 and python 3.13.0", "build 2024.11.5.8812",
                "v4.18.220-1 kernel", "Chrome 131.0.6778.86 crashed"],
    "timestamp": ["at 2024-11-05T14:32:08Z the job failed", "epoch {n10} in the log", "ts=1731066728123",
                  "14:32:08.412 INFO started", "2024-11-05 14:32:08,412 WARN retry"],
    "math": ["2^31 - 1 = 2147483647", "sum = 123456789 + 987654321", "pi is 3.14159265358979",
             "3 * 7 = 21 and 12 * 12 = 144", "the factorial 10! = 3628800", "x = 1.602176634e-19"],
    "date": ["The project started on 12/03/2021.", "Deadline: 2025-01-31", "released 5 March 2019",
             "am 12.03.2024 um 10 Uhr", "between 01/01/2020 and 31/12/2020"],
    "code": ["SKU A12B-3344-XZ", "error 0x80070005", "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
             "uuid 123e4567-e89b-12d3-a456-426614174000", "ISBN 978-3-16-148410-0",
             "flight LH 2034 at gate B12", "part no. 4711-0815-22", "room 221B", "port 8080 and 8443",
             "postcode SW1A 1AA", "tracking 1Z999AA10123456784", "model XPS-9310",
             "icon@2x.png", "npm install lodash@4.17.21", "docker pull nginx@sha256:{n12}",
             "use @property and @staticmethod", "git clone git@github.com:acme/app.git"],
    "number": ["We sold 1,234,567 units in 2023.", "population 83 200 000", "the budget is €12.500.000",
               "latitude 48.858370, longitude 2.294481", "weights: 0.25 0.50 0.25", "ratio 16:9, 1920x1080",
               "score 98.7 out of 100", "call stack depth 123456"],
    "checksum_fail": ["NHS number: {bad_nhs}", "BSN: {bad_bsn}", "Mein Steuer-ID ist {bad_tax}",
                      "CPF: {bad_cpf}", "SIN: {bad_sin}", "Aadhaar {bad_aadhaar}", "DNI {bad_dni}",
                      "PESEL {bad_pesel}", "routing number {bad_aba}"],
    "people_words": ["The Baker Street station is closed.", "Ford and Toyota reported sales.",
                     "Use the Jordan curve theorem.", "Paris is lovely in May.",
                     "Washington approved the bill.", "Read Chapter 12, Section 4.",
                     "Born to Run is a great album.", "the date of the release is not set",
                     "Main Street Capital Corp filed its 10-K.", "He was born in a small town."],
}  # fmt: skip


def bad(rng: R, make: Callable[[R], str], position: int = -1) -> str:
    v = make(rng)
    d = int(v[position])
    return (
        v[:position]
        + str((d + rng.randrange(1, 10)) % 10)
        + (v[position + 1 :] if position != -1 else "")
    )


def fill(rng: R, template: str, value: str, entity: str) -> tuple[str, list[list]]:
    pre = rng.choice(FILLERS) + " " if rng.random() < 0.6 else ""
    post = " " + rng.choice(FILLERS) if rng.random() < 0.4 else ""
    head, _, tail = template.partition("{v}")
    text = pre + head + value + tail + post
    start = len(pre) + len(head)
    return text, [[entity, start, start + len(value)]]


def phone(rng: R) -> str:
    t = rng.choice(PHONE_VALUES)
    vals = {
        "a": digits(rng, 4), "b": digits(rng, 4), "c": digits(rng, 2), "d": digits(rng, 3),
        "e": digits(rng, 2), "f": digits(rng, 2), "g": rng.choice(["415", "212", "646", "303", "617"]),
        "h": digits(rng, 3, "23456789"), "i": digits(rng, 4), "j": digits(rng, 3), "k": digits(rng, 4),
        "l": digits(rng, 8, "123456789"), "m": " ".join(digits(rng, 2) for _ in range(4)),
        "n": digits(rng, 2) + " " + digits(rng, 3) + " " + digits(rng, 3),
        "o": digits(rng, 4, "3456"), "p": digits(rng, 4), "q": digits(rng, 4), "r": digits(rng, 5),
        "s": digits(rng, 2), "t": digits(rng, 3), "u": digits(rng, 3), "v": digits(rng, 4),
        "w": digits(rng, 4), "x": digits(rng, 4) + " " + digits(rng, 4), "y": digits(rng, 8),
        "z": digits(rng, 3, "56789") + " " + digits(rng, 3) + " " + digits(rng, 3),
    }  # fmt: skip
    return t.format(**vals)


def make_split(split: str, seed: int, per_type: int) -> list[dict]:
    rng = random.Random(f"{seed}-{split}")
    pick = 0 if split == "dev" else 1
    rows: list[dict] = []

    def add(kind: str, grp: str, text: str, spans: list[list]) -> None:
        rows.append({"id": f"{split}-{len(rows):05d}", "split": split, "type": kind,
                     "group": grp, "text": text, "spans": spans})  # fmt: skip

    def mine(templates: list) -> list:
        return [t for i, t in enumerate(templates) if i % 2 == pick]

    for entity, (make, display, templates) in TYPES.items():
        ts = mine(templates)
        if entity in BARE_OK and "{v}" not in ts:
            ts = [*ts, "{v}"]
        for _ in range(per_type):
            value = display(rng, make(rng))
            template = rng.choice(ts)
            text, spans = fill(rng, template, value, entity)
            add(entity, "bare" if template == "{v}" else "context", text, spans)
    simple = {
        "PASSPORT": (PASSPORT_TEMPLATES, lambda r: r.choice(string.ascii_uppercase) + digits(r, 8)
                     if r.random() < 0.5 else r.choice(string.ascii_uppercase) * 2 + digits(r, 7)),
        "US_PASSPORT": (US_PASSPORT_TEMPLATES, lambda r: digits(r, 9, "123456789")
                        if r.random() < 0.5 else r.choice("ABC") + digits(r, 8)),
        "US_DRIVER_LICENSE": (DL_TEMPLATES, lambda r: r.choice(string.ascii_uppercase) + digits(r, 7)
                              if r.random() < 0.6 else digits(r, 9)),
        "MEDICAL_RECORD_NUMBER": (MRN_TEMPLATES, lambda r: digits(r, r.randrange(6, 11))
                                  if r.random() < 0.7 else "MR" + digits(r, 7)),
        "EMAIL_ADDRESS": (EMAIL_TEMPLATES, lambda r: r.choice(EMAIL_LOCAL) + "@" + r.choice(EMAIL_DOMAIN)),
        "PHONE_NUMBER": (PHONE_TEMPLATES, phone),
        "STREET_ADDRESS": (ADDRESS_TEMPLATES, address),
        "PERSON": (PERSON_TEMPLATES, person),
        "AGE": (AGE_TEMPLATES, lambda r: str(r.randrange(18, 96))),
    }  # fmt: skip
    for entity, (templates, make) in simple.items():
        ts = mine(templates)
        for _ in range(per_type):
            text, spans = fill(rng, rng.choice(ts), make(rng), entity)
            add(entity, "context", text, spans)
    for _ in range(per_type):
        template, lang = rng.choice(mine(DOB_TEMPLATES))
        text, spans = fill(rng, template, dob(rng, lang), "DATE_OF_BIRTH")
        add("DATE_OF_BIRTH", "context", text, spans)
    for _ in range(per_type):
        s = f"{rng.randrange(10, 99)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}"
        a = digits(rng, 8)
        t = rng.choice(mine(SORT_TEMPLATES))
        text = t.format(s=s, a=a)
        i = text.index(s)
        j = text.index(a, i + len(s))
        add("UK_BANK_ACCOUNT", "context", text, [["UK_BANK_ACCOUNT", i, i + len(s)],
                                                  ["UK_BANK_ACCOUNT", j, j + len(a)]])  # fmt: skip
    # combined records: several kinds in one text
    for _ in range(per_type):
        name, addr, born = person(rng), address(rng), dob(rng)
        parts = [("Name: ", name, "PERSON"), ("\nAddress: ", addr, "STREET_ADDRESS"),
                 ("\nDOB: ", born, "DATE_OF_BIRTH")]  # fmt: skip
        if pick:
            parts = [("Patient ", name, "PERSON"), (", born ", born, "DATE_OF_BIRTH"),
                     (", resides at ", addr, "STREET_ADDRESS")]  # fmt: skip
        text, spans = "", []
        for head, value, entity in parts:
            text += head
            spans.append([entity, len(text), len(text) + len(value)])
            text += value
        add("RECORD", "record", text + ".", spans)
    # look-alikes
    bad_values = {
        "bad_nhs": lambda: bad(rng, nhs), "bad_bsn": lambda: bad(rng, bsn),
        "bad_tax": lambda: bad(rng, steuer_id), "bad_cpf": lambda: bad(rng, cpf),
        "bad_sin": lambda: bad(rng, sin), "bad_aadhaar": lambda: bad(rng, aadhaar),
        "bad_dni": lambda: dni(rng)[:8] + rng.choice("ABIOU"), "bad_pesel": lambda: bad(rng, pesel),
        "bad_aba": lambda: bad(rng, aba),
    }  # fmt: skip
    for grp, templates in LOOKALIKES.items():
        ts = mine(templates)
        for _ in range(per_type):
            t = rng.choice(ts)
            values = {f"n{k}": digits(rng, k, "123456789") for k in range(6, 13)}
            values.update({k: f() for k, f in bad_values.items() if "{" + k + "}" in t})
            text, _ = fill(rng, "{v}", t.format(**values), "-")
            add("LOOKALIKE", grp, text, [])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--per-type", type=int, default=40)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for split in ("dev", "heldout"):
        rows = make_split(split, args.seed, args.per_type)
        path = args.out / f"pii_cases_{split}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{path}: {len(rows)} cases")


if __name__ == "__main__":
    main()
