"""One recognizer per file. `ALL` below is the one explicit registration list."""

from __future__ import annotations

from detectors.recognizers.anthropic_key_recognizer import AnthropicKeyRecognizer
from detectors.recognizers.aws_access_key_recognizer import AwsAccessKeyRecognizer
from detectors.recognizers.aws_secret_key_recognizer import AwsSecretKeyRecognizer
from detectors.recognizers.base import FastPatternRecognizer, InjectionRuleRecognizer
from detectors.recognizers.command_line_password_recognizer import (
    CommandLinePasswordRecognizer,
)
from detectors.recognizers.connection_string_recognizer import ConnectionStringRecognizer
from detectors.recognizers.credit_card_number_recognizer import CreditCardNumberRecognizer
from detectors.recognizers.email_address_recognizer import EmailAddressRecognizer
from detectors.recognizers.generic_secret_recognizer import GenericSecretRecognizer
from detectors.recognizers.github_token_recognizer import GithubTokenRecognizer
from detectors.recognizers.gitlab_token_recognizer import GitlabTokenRecognizer
from detectors.recognizers.google_api_key_recognizer import GoogleApiKeyRecognizer
from detectors.recognizers.huggingface_token_recognizer import HuggingfaceTokenRecognizer
from detectors.recognizers.iban_code_recognizer import IbanCodeRecognizer
from detectors.recognizers.injection_adversarial_suffix_recognizer import (
    InjectionAdversarialSuffixRecognizer,
)
from detectors.recognizers.injection_cjk_arabic_recognizer import InjectionCjkArabicRecognizer
from detectors.recognizers.injection_delimiter_recognizer import InjectionDelimiterRecognizer
from detectors.recognizers.injection_exfiltration_recognizer import (
    InjectionExfiltrationRecognizer,
)
from detectors.recognizers.injection_framing_recognizer import InjectionFramingRecognizer
from detectors.recognizers.injection_indirect_recognizer import InjectionIndirectRecognizer
from detectors.recognizers.injection_multilingual_recognizer import (
    InjectionMultilingualRecognizer,
)
from detectors.recognizers.injection_obfuscation_recognizer import (
    InjectionObfuscationRecognizer,
)
from detectors.recognizers.injection_override_recognizer import InjectionOverrideRecognizer
from detectors.recognizers.injection_persona_recognizer import InjectionPersonaRecognizer
from detectors.recognizers.injection_repeated_token_recognizer import (
    InjectionRepeatedTokenRecognizer,
)
from detectors.recognizers.injection_technique_recognizer import InjectionTechniqueRecognizer
from detectors.recognizers.ip_address_recognizer import IpAddressRecognizer
from detectors.recognizers.jwt_recognizer import JwtRecognizer
from detectors.recognizers.openai_key_recognizer import OpenAiKeyRecognizer
from detectors.recognizers.phone_number_recognizer import PhoneNumberRecognizer
from detectors.recognizers.private_key_recognizer import PrivateKeyRecognizer
from detectors.recognizers.slack_token_recognizer import SlackTokenRecognizer
from detectors.recognizers.stripe_key_recognizer import StripeKeyRecognizer
from detectors.recognizers.us_social_security_recognizer import UsSocialSecurityRecognizer
from detectors.recognizers.vendor_token_recognizer import VendorTokenRecognizer

# PII and secrets, run on the raw text.
PII_AND_SECRETS: tuple[type[FastPatternRecognizer], ...] = (
    EmailAddressRecognizer,
    PhoneNumberRecognizer,
    CreditCardNumberRecognizer,
    IbanCodeRecognizer,
    IpAddressRecognizer,
    UsSocialSecurityRecognizer,
    OpenAiKeyRecognizer,
    AnthropicKeyRecognizer,
    AwsAccessKeyRecognizer,
    AwsSecretKeyRecognizer,
    GithubTokenRecognizer,
    GitlabTokenRecognizer,
    HuggingfaceTokenRecognizer,
    SlackTokenRecognizer,
    StripeKeyRecognizer,
    GoogleApiKeyRecognizer,
    PrivateKeyRecognizer,
    JwtRecognizer,
    ConnectionStringRecognizer,
    GenericSecretRecognizer,
    CommandLinePasswordRecognizer,
    VendorTokenRecognizer,
)

# Prompt-injection rules, run on the normalized (folded) text.
INJECTION: tuple[type[InjectionRuleRecognizer], ...] = (
    InjectionOverrideRecognizer,
    InjectionExfiltrationRecognizer,
    InjectionPersonaRecognizer,
    InjectionTechniqueRecognizer,
    InjectionDelimiterRecognizer,
    InjectionIndirectRecognizer,
    InjectionAdversarialSuffixRecognizer,
    InjectionFramingRecognizer,
    InjectionObfuscationRecognizer,
    InjectionRepeatedTokenRecognizer,
    InjectionMultilingualRecognizer,
    InjectionCjkArabicRecognizer,
)

ALL = PII_AND_SECRETS + INJECTION
