"""One recognizer per file. `ALL` below is the one explicit registration list."""

from __future__ import annotations

from detectors.recognizers.anthropic_key_recognizer import AnthropicKeyRecognizer
from detectors.recognizers.aws_access_key_recognizer import AwsAccessKeyRecognizer
from detectors.recognizers.aws_secret_key_recognizer import AwsSecretKeyRecognizer
from detectors.recognizers.base import FastPatternRecognizer
from detectors.recognizers.connection_string_recognizer import ConnectionStringRecognizer
from detectors.recognizers.credit_card_recognizer import CreditCardRecognizer
from detectors.recognizers.email_recognizer import EmailRecognizer
from detectors.recognizers.generic_secret_recognizer import GenericSecretRecognizer
from detectors.recognizers.github_token_recognizer import GithubTokenRecognizer
from detectors.recognizers.google_api_key_recognizer import GoogleApiKeyRecognizer
from detectors.recognizers.iban_recognizer import IbanRecognizer
from detectors.recognizers.injection_delimiter_recognizer import InjectionDelimiterRecognizer
from detectors.recognizers.injection_exfiltration_recognizer import (
    InjectionExfiltrationRecognizer,
)
from detectors.recognizers.injection_indirect_recognizer import InjectionIndirectRecognizer
from detectors.recognizers.injection_override_recognizer import InjectionOverrideRecognizer
from detectors.recognizers.injection_persona_recognizer import InjectionPersonaRecognizer
from detectors.recognizers.ip_recognizer import IpRecognizer
from detectors.recognizers.jwt_recognizer import JwtRecognizer
from detectors.recognizers.openai_key_recognizer import OpenAiKeyRecognizer
from detectors.recognizers.phone_recognizer import PhoneRecognizer
from detectors.recognizers.private_key_recognizer import PrivateKeyRecognizer
from detectors.recognizers.slack_token_recognizer import SlackTokenRecognizer
from detectors.recognizers.stripe_key_recognizer import StripeKeyRecognizer
from detectors.recognizers.us_ssn_recognizer import UsSsnRecognizer

# PII and secrets, run on the raw text.
PII_AND_SECRETS: tuple[type[FastPatternRecognizer], ...] = (
    EmailRecognizer,
    PhoneRecognizer,
    CreditCardRecognizer,
    IbanRecognizer,
    IpRecognizer,
    UsSsnRecognizer,
    OpenAiKeyRecognizer,
    AnthropicKeyRecognizer,
    AwsAccessKeyRecognizer,
    AwsSecretKeyRecognizer,
    GithubTokenRecognizer,
    SlackTokenRecognizer,
    StripeKeyRecognizer,
    GoogleApiKeyRecognizer,
    PrivateKeyRecognizer,
    JwtRecognizer,
    ConnectionStringRecognizer,
    GenericSecretRecognizer,
)

# Prompt-injection rules, run on the normalized (folded) text.
INJECTION: tuple[type[FastPatternRecognizer], ...] = (
    InjectionOverrideRecognizer,
    InjectionExfiltrationRecognizer,
    InjectionPersonaRecognizer,
    InjectionDelimiterRecognizer,
    InjectionIndirectRecognizer,
)

ALL = PII_AND_SECRETS + INJECTION
