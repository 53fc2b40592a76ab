"""Case tables per recognizer: (text, expected [(entity, matched value)]), positives and
negatives side by side. Values are built so that no real credential is in the repo."""

import itertools

import pytest

from llmwall.detectors.entities import PROMPT_INJECTION

OPENAI = "sk-proj-" + "Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2dF4"
LEGACY_OPENAI = "sk-" + "Ab3dE5gH7jK9mN1pQ3sT" + "T3BlbkFJ" + "xY2zW4vU6tS8rQ0pO9nM"
ANTHROPIC = "sk-ant-api03-" + "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbA9z8y7x6w5v4u3t2s1r0q"
GITHUB = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)

PEM = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUx\n"
    "-----END OPENSSH PRIVATE KEY-----"
)

# Documentation stand-ins (`sk-...`, AWS's example key, `changeme`) are PLACEHOLDER_SECRET,
# a secret by category (redacted by default) with a type of its own.
CASES = [
    # email
    ("write to jane.roe@example.org today", [("EMAIL_ADDRESS", "jane.roe@example.org")]),
    ("user@localhost is not an address", []),
    ("a@b.notatld123 nope", []),
    # phone
    ("call me on +1 415-555-2671 tomorrow", [("PHONE_NUMBER", "+1 415-555-2671")]),
    ("UK office: +44 20 7946 0958", [("PHONE_NUMBER", "+44 20 7946 0958")]),
    ("version 3.14.15 released", []),
    ("the year 2024 and 1999", []),
    # credit card (Luhn)
    ("card 4111 1111 1111 1111 exp 12/29", [("CREDIT_CARD", "4111 1111 1111 1111")]),
    ("pay with 5500-0000-0000-0004", [("CREDIT_CARD", "5500-0000-0000-0004")]),
    ("order 4111 1111 1111 1112 is not a card", []),
    # an international phone number whose digits happen to pass Luhn is not a card
    ("my uk mobile is +447700677662", [("PHONE_NUMBER", "+447700677662")]),
    # IBAN (mod 97)
    ("IBAN DE89 3704 0044 0532 0130 00 please", [("IBAN_CODE", "DE89 3704 0044 0532 0130 00")]),
    ("GB82WEST12345698765432", [("IBAN_CODE", "GB82WEST12345698765432")]),
    ("GB82WEST12345698765433", []),
    # the IBAN ends at its country's length, not at the next short word
    ("my iban is ES9121000418450200051332 thanks", [("IBAN_CODE", "ES9121000418450200051332")]),
    ("to ES91 2100 0418 4502 0005 1332 then", [("IBAN_CODE", "ES91 2100 0418 4502 0005 1332")]),
    # IP
    ("server at 10.20.30.40 is up", [("IP_ADDRESS", "10.20.30.40")]),
    ("v6 2001:db8::8a2e:370:7334 host", [("IP_ADDRESS", "2001:db8::8a2e:370:7334")]),
    ("not an ip 999.1.1.1 nor 1.2.3", []),
    ("std::vector and 12:30:45", []),
    # SSN
    ("my SSN is 536-22-1234", [("US_SSN", "536-22-1234")]),
    ("ssn 666-22-1234 and 123-45-6789 and 536-00-1234", []),
    ("part 536-22.1234", []),
    # secrets
    (f"OPENAI_API_KEY={OPENAI}", [("OPENAI_API_KEY", OPENAI)]),
    (f"legacy {LEGACY_OPENAI}", [("OPENAI_API_KEY", LEGACY_OPENAI)]),
    (
        "sk-your-key-here-xxxxxxxxxxxxxxxx",
        [("PLACEHOLDER_SECRET", "sk-your-key-here-xxxxxxxxxxxxxxxx")],
    ),
    (f"key: {ANTHROPIC}", [("ANTHROPIC_API_KEY", ANTHROPIC)]),
    ("AKIAQ3EGRTV7WQBZ6DFS in config", [("AWS_ACCESS_KEY_ID", "AKIAQ3EGRTV7WQBZ6DFS")]),
    ("AKIAIOSFODNN7EXAMPLE is the doc example", [("PLACEHOLDER_SECRET", "AKIAIOSFODNN7EXAMPLE")]),
    (
        "aws_secret_access_key = Qm7vX2pL9kR4tW8zN3cF6hJ1sD5gA0yB/eU+iO2q",
        [("AWS_SECRET_ACCESS_KEY", "Qm7vX2pL9kR4tW8zN3cF6hJ1sD5gA0yB/eU+iO2q")],
    ),
    (f"token {GITHUB}", [("GITHUB_TOKEN", GITHUB)]),
    ("ghp_short", []),
    (
        "xoxb-" + "2849384756-Ab3dE5gH7jK9mN1p",
        [("SLACK_TOKEN", "xoxb-2849384756-Ab3dE5gH7jK9mN1p")],
    ),
    (
        "https://hooks.slack.com/services/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",
        [
            (
                "SLACK_TOKEN",
                "https://hooks.slack.com/services/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",
            )
        ],
    ),
    ("rk_" + "live_Ab3dE5gH7jK9mN1pQ3sT", [("STRIPE_KEY", "rk_live_Ab3dE5gH7jK9mN1pQ3sT")]),
    ("sk_live_xxxxxxxxxxxxxxxxxxxx", [("PLACEHOLDER_SECRET", "sk_live_xxxxxxxxxxxxxxxxxxxx")]),
    (
        "AIza" + "SyAb3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2dF4",
        [("GOOGLE_API_KEY", "AIzaSyAb3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2dF4")],
    ),
    (PEM, [("PRIVATE_KEY", PEM)]),
    ("-----BEGIN PUBLIC KEY-----", []),
    ("-----BEGIN PRIVATE KEY-----", []),  # a header alone
    ("-----BEGIN OPENSSH FAKE PRIVATE KEY-----\n" + "A" * 64, []),
    ("glpat-" + "8d5ri2n9g85LAnC9YW85xQ", [("GITLAB_TOKEN", "glpat-8d5ri2n9g85LAnC9YW85xQ")]),
    (
        "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh",
        [("HUGGINGFACE_TOKEN", "hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh")],
    ),
    ("CREATE USER app IDENTIFIED BY 'Qz7pLk2mXv';", [("GENERIC_SECRET", "Qz7pLk2mXv")]),
    (
        '"AwsSecretKey": "J38YmIgn7dH6cw4W+yqoRgjs"',
        [("GENERIC_SECRET", "J38YmIgn7dH6cw4W+yqoRgjs")],
    ),
    (
        'curl_setopt(c, CURLOPT_PASSWORD, "KiASRCRiGF9PDiIdZZ");',
        [("GENERIC_SECRET", "KiASRCRiGF9PDiIdZZ")],
    ),
    (f"Authorization: {JWT}", [("JWT", JWT)]),
    ("eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxIn0.abcdefghijkl", []),
    (
        "DATABASE_URL=postgres://app:Xk29vLq7Rt@db.internal:5432/prod",
        [("CONNECTION_STRING", "postgres://app:Xk29vLq7Rt@db.internal:5432")],
    ),
    ("mongodb+srv://u:<password>@cluster0.mongodb.net/db", [("PLACEHOLDER_SECRET", "<password>")]),
    ("redis://:${REDIS_PASSWORD}@cache:6379", []),
    ('db_password = "Vq8#kLm2pZ9x!"', [("GENERIC_SECRET", "Vq8#kLm2pZ9x!")]),
    ("password = changeme", [("PLACEHOLDER_SECRET", "changeme")]),
    ("api_key = os.environ['API_KEY']", []),
    ("the password is hunter2", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_case_table(detector, text, expected):
    found = [
        (f.entity, text[f.start : f.end])
        for f in detector.scan(text)
        if f.entity != PROMPT_INJECTION
    ]
    assert found == expected


def test_findings_sorted_and_non_overlapping(detector):
    text = f"a@b.com {OPENAI} 10.0.0.1 postgres://u:Pq7Rt9Xk2@h.example.com/x 536-22-1234"
    found = [f for f in detector.scan(text) if f.entity != PROMPT_INJECTION]
    assert [f.start for f in found] == sorted(f.start for f in found)
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start


def test_placeholders_are_never_findings(detector):
    text = (
        "Mail <EMAIL_ADDRESS>, call <PHONE_NUMBER>, key <OPENAI_API_KEY>, password=<GENERIC_SECRET>"
    )
    assert [f for f in detector.scan(text) if f.entity != PROMPT_INJECTION] == []
