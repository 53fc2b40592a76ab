"""Entity types: the one list of names findings, policies and placeholders use."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    PII = "pii"
    SECRET = "secret"
    INJECTION = "injection"


PROMPT_INJECTION = "PROMPT_INJECTION"

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
    # Prompt injection / jailbreak
    PROMPT_INJECTION: Category.INJECTION,
}


def category(entity: str) -> Category:
    try:
        return ENTITIES[entity]
    except KeyError:
        raise KeyError(f"unknown entity type {entity!r}") from None
