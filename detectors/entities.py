"""Entity types: the one list of names findings, policies and placeholders use."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    PII = "pii"
    SECRET = "secret"
    INJECTION = "injection"


PROMPT_INJECTION = "PROMPT_INJECTION"
# a documentation or example value standing in for a secret (`AKIAIOSFODNN7EXAMPLE`,
# `sk-...`, `YOUR_API_KEY`, `<token>`, `changeme`): a secret by category, so the default
# `secret: redact` redacts it, but its own type lets a policy treat it differently
PLACEHOLDER_SECRET = "PLACEHOLDER_SECRET"

ENTITIES: dict[str, Category] = {
    # PII
    "EMAIL_ADDRESS": Category.PII,
    "PHONE_NUMBER": Category.PII,
    "CREDIT_CARD": Category.PII,
    "IBAN_CODE": Category.PII,
    "IP_ADDRESS": Category.PII,
    "US_SSN": Category.PII,
    "US_PASSPORT": Category.PII,
    "US_BANK_NUMBER": Category.PII,
    "US_ITIN": Category.PII,
    "UK_NHS": Category.PII,
    "PERSON": Category.PII,
    "LOCATION": Category.PII,
    "DATE_TIME": Category.PII,
    "MEDICAL_LICENSE": Category.PII,
    "CRYPTO": Category.PII,
    # national, tax, health, bank and travel identifiers (issue 15)
    "UK_NINO": Category.PII,
    "UK_BANK_ACCOUNT": Category.PII,
    "DE_TAX_ID": Category.PII,
    "DE_ID_CARD": Category.PII,
    "FR_NIR": Category.PII,
    "ES_NIF": Category.PII,
    "ES_NIE": Category.PII,
    "IT_FISCAL_CODE": Category.PII,
    "NL_BSN": Category.PII,
    "PL_PESEL": Category.PII,
    "SE_PERSONNUMMER": Category.PII,
    "IN_AADHAAR": Category.PII,
    "IN_PAN": Category.PII,
    "BR_CPF": Category.PII,
    "BR_CNPJ": Category.PII,
    "CA_SIN": Category.PII,
    "AU_TFN": Category.PII,
    "AU_MEDICARE": Category.PII,
    "JP_MY_NUMBER": Category.PII,
    "KR_RRN": Category.PII,
    "SG_NRIC_FIN": Category.PII,
    "US_DRIVER_LICENSE": Category.PII,
    "US_BANK_ROUTING": Category.PII,
    "EU_VAT": Category.PII,
    "PASSPORT": Category.PII,
    "MEDICAL_RECORD_NUMBER": Category.PII,
    # payment card data beyond the number (PCI DSS sensitive authentication data)
    "CARD_TRACK_DATA": Category.PII,
    "CARD_VERIFICATION_CODE": Category.PII,
    "CARD_PIN": Category.PII,
    # people and places (issue 15)
    "STREET_ADDRESS": Category.PII,
    "DATE_OF_BIRTH": Category.PII,
    "AGE": Category.PII,
    # Secrets
    "OPENAI_API_KEY": Category.SECRET,
    "ANTHROPIC_API_KEY": Category.SECRET,
    "AWS_ACCESS_KEY_ID": Category.SECRET,
    "AWS_SECRET_ACCESS_KEY": Category.SECRET,
    "GITHUB_TOKEN": Category.SECRET,
    "GITLAB_TOKEN": Category.SECRET,
    "HUGGINGFACE_TOKEN": Category.SECRET,
    "SLACK_TOKEN": Category.SECRET,
    "STRIPE_KEY": Category.SECRET,
    "GOOGLE_API_KEY": Category.SECRET,
    "PRIVATE_KEY": Category.SECRET,
    "JWT": Category.SECRET,
    "CONNECTION_STRING": Category.SECRET,
    "GENERIC_SECRET": Category.SECRET,
    "API_TOKEN": Category.SECRET,
    PLACEHOLDER_SECRET: Category.SECRET,
    # Prompt injection / jailbreak
    PROMPT_INJECTION: Category.INJECTION,
}


def category(entity: str) -> Category:
    try:
        return ENTITIES[entity]
    except KeyError:
        raise KeyError(f"unknown entity type {entity!r}") from None
