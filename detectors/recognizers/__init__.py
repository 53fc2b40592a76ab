"""One recognizer per file. `ALL` below is the one explicit registration list."""

from __future__ import annotations

from llmwall.detectors.recognizers.anthropic_key_recognizer import AnthropicKeyRecognizer
from llmwall.detectors.recognizers.aws_access_key_recognizer import AwsAccessKeyRecognizer
from llmwall.detectors.recognizers.aws_secret_key_recognizer import AwsSecretKeyRecognizer
from llmwall.detectors.recognizers.base import FastPatternRecognizer, InjectionRuleRecognizer
from llmwall.detectors.recognizers.command_line_password_recognizer import (
    CommandLinePasswordRecognizer,
)
from llmwall.detectors.recognizers.connection_string_recognizer import ConnectionStringRecognizer
from llmwall.detectors.recognizers.credit_card_number_recognizer import CreditCardNumberRecognizer
from llmwall.detectors.recognizers.email_address_recognizer import EmailAddressRecognizer
from llmwall.detectors.recognizers.generic_secret_recognizer import GenericSecretRecognizer
from llmwall.detectors.recognizers.github_token_recognizer import GithubTokenRecognizer
from llmwall.detectors.recognizers.gitlab_token_recognizer import GitlabTokenRecognizer
from llmwall.detectors.recognizers.google_api_key_recognizer import GoogleApiKeyRecognizer
from llmwall.detectors.recognizers.huggingface_token_recognizer import HuggingfaceTokenRecognizer
from llmwall.detectors.recognizers.iban_code_recognizer import IbanCodeRecognizer
from llmwall.detectors.recognizers.injection_adversarial_suffix_recognizer import (
    InjectionAdversarialSuffixRecognizer,
)
from llmwall.detectors.recognizers.injection_cjk_arabic_recognizer import (
    InjectionCjkArabicRecognizer,
)
from llmwall.detectors.recognizers.injection_delimiter_recognizer import (
    InjectionDelimiterRecognizer,
)
from llmwall.detectors.recognizers.injection_exfiltration_recognizer import (
    InjectionExfiltrationRecognizer,
)
from llmwall.detectors.recognizers.injection_framing_recognizer import InjectionFramingRecognizer
from llmwall.detectors.recognizers.injection_indirect_recognizer import InjectionIndirectRecognizer
from llmwall.detectors.recognizers.injection_multilingual_indirect_recognizer import (
    InjectionMultilingualIndirectRecognizer,
)
from llmwall.detectors.recognizers.injection_multilingual_recognizer import (
    InjectionMultilingualRecognizer,
)
from llmwall.detectors.recognizers.injection_obfuscation_recognizer import (
    InjectionObfuscationRecognizer,
)
from llmwall.detectors.recognizers.injection_override_recognizer import InjectionOverrideRecognizer
from llmwall.detectors.recognizers.injection_persona_recognizer import InjectionPersonaRecognizer
from llmwall.detectors.recognizers.injection_repeated_token_recognizer import (
    InjectionRepeatedTokenRecognizer,
)
from llmwall.detectors.recognizers.injection_reply_directive_recognizer import (
    InjectionReplyDirectiveRecognizer,
)
from llmwall.detectors.recognizers.injection_technique_recognizer import (
    InjectionTechniqueRecognizer,
)
from llmwall.detectors.recognizers.injection_tool_poisoning_recognizer import (
    InjectionToolPoisoningRecognizer,
)
from llmwall.detectors.recognizers.ip_address_recognizer import IpAddressRecognizer
from llmwall.detectors.recognizers.jwt_recognizer import JwtRecognizer
from llmwall.detectors.recognizers.openai_key_recognizer import OpenAiKeyRecognizer
from llmwall.detectors.recognizers.phone_number_recognizer import PhoneNumberRecognizer
from llmwall.detectors.recognizers.private_key_recognizer import PrivateKeyRecognizer
from llmwall.detectors.recognizers.slack_token_recognizer import SlackTokenRecognizer
from llmwall.detectors.recognizers.stripe_key_recognizer import StripeKeyRecognizer
from llmwall.detectors.recognizers.us_social_security_recognizer import UsSocialSecurityRecognizer
from llmwall.detectors.recognizers.vendor_token_recognizer import VendorTokenRecognizer

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
    InjectionMultilingualIndirectRecognizer,
    InjectionReplyDirectiveRecognizer,
    InjectionToolPoisoningRecognizer,
)

ALL = PII_AND_SECRETS + INJECTION
