"""One recognizer per file. `ALL` below is the one explicit registration list."""

from __future__ import annotations

# PII of issue 15: national, tax, health, bank and travel identifiers; people and places
from llmwall.detectors.recognizers.age_recognizer import AgeRecognizer
from llmwall.detectors.recognizers.anthropic_key_recognizer import AnthropicKeyRecognizer
from llmwall.detectors.recognizers.au_medicare_recognizer import AuMedicareRecognizer
from llmwall.detectors.recognizers.au_tfn_recognizer import AuTfnRecognizer
from llmwall.detectors.recognizers.aws_access_key_recognizer import AwsAccessKeyRecognizer
from llmwall.detectors.recognizers.aws_secret_key_recognizer import AwsSecretKeyRecognizer
from llmwall.detectors.recognizers.base import FastPatternRecognizer, InjectionRuleRecognizer
from llmwall.detectors.recognizers.br_cnpj_recognizer import BrCnpjRecognizer
from llmwall.detectors.recognizers.br_cpf_recognizer import BrCpfRecognizer
from llmwall.detectors.recognizers.ca_sin_recognizer import CaSinRecognizer
from llmwall.detectors.recognizers.card_track_data_recognizer import CardTrackDataRecognizer
from llmwall.detectors.recognizers.card_verification_code_recognizer import (
    CardVerificationCodeRecognizer,
)
from llmwall.detectors.recognizers.command_line_password_recognizer import (
    CommandLinePasswordRecognizer,
)
from llmwall.detectors.recognizers.connection_string_recognizer import ConnectionStringRecognizer
from llmwall.detectors.recognizers.credit_card_number_recognizer import CreditCardNumberRecognizer
from llmwall.detectors.recognizers.date_of_birth_recognizer import DateOfBirthRecognizer
from llmwall.detectors.recognizers.de_id_card_recognizer import DeIdCardRecognizer
from llmwall.detectors.recognizers.de_tax_id_recognizer import DeTaxIdRecognizer
from llmwall.detectors.recognizers.email_address_recognizer import EmailAddressRecognizer
from llmwall.detectors.recognizers.encoded_credential_recognizer import (
    EncodedCredentialRecognizer,
)
from llmwall.detectors.recognizers.es_nie_recognizer import EsNieRecognizer
from llmwall.detectors.recognizers.es_nif_recognizer import EsNifRecognizer
from llmwall.detectors.recognizers.eu_vat_recognizer import EuVatRecognizer
from llmwall.detectors.recognizers.fr_nir_recognizer import FrNirRecognizer
from llmwall.detectors.recognizers.generic_secret_recognizer import GenericSecretRecognizer
from llmwall.detectors.recognizers.github_token_recognizer import GithubTokenRecognizer
from llmwall.detectors.recognizers.gitlab_token_recognizer import GitlabTokenRecognizer
from llmwall.detectors.recognizers.google_api_key_recognizer import GoogleApiKeyRecognizer
from llmwall.detectors.recognizers.huggingface_token_recognizer import HuggingfaceTokenRecognizer
from llmwall.detectors.recognizers.iban_code_recognizer import IbanCodeRecognizer
from llmwall.detectors.recognizers.in_aadhaar_recognizer import InAadhaarRecognizer
from llmwall.detectors.recognizers.in_pan_recognizer import InPanRecognizer
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
from llmwall.detectors.recognizers.it_fiscal_code_recognizer import ItFiscalCodeRecognizer
from llmwall.detectors.recognizers.jp_my_number_recognizer import JpMyNumberRecognizer
from llmwall.detectors.recognizers.jwt_recognizer import JwtRecognizer
from llmwall.detectors.recognizers.kr_rrn_recognizer import KrRrnRecognizer
from llmwall.detectors.recognizers.medical_record_number_recognizer import (
    MedicalRecordNumberRecognizer,
)
from llmwall.detectors.recognizers.nl_bsn_recognizer import NlBsnRecognizer
from llmwall.detectors.recognizers.openai_key_recognizer import OpenAiKeyRecognizer
from llmwall.detectors.recognizers.passport_recognizer import PassportRecognizer
from llmwall.detectors.recognizers.phone_number_recognizer import PhoneNumberRecognizer
from llmwall.detectors.recognizers.pin_block_recognizer import PinBlockRecognizer
from llmwall.detectors.recognizers.pl_pesel_recognizer import PlPeselRecognizer
from llmwall.detectors.recognizers.placeholder_secret_recognizer import (
    PlaceholderSecretRecognizer,
)
from llmwall.detectors.recognizers.private_key_recognizer import PrivateKeyRecognizer
from llmwall.detectors.recognizers.prose_password_recognizer import ProsePasswordRecognizer
from llmwall.detectors.recognizers.se_personnummer_recognizer import SePersonnummerRecognizer
from llmwall.detectors.recognizers.sg_nric_recognizer import SgNricRecognizer
from llmwall.detectors.recognizers.slack_token_recognizer import SlackTokenRecognizer
from llmwall.detectors.recognizers.street_address_cjk_recognizer import StreetAddressCjkRecognizer
from llmwall.detectors.recognizers.street_address_context_recognizer import (
    StreetAddressContextRecognizer,
)
from llmwall.detectors.recognizers.street_address_named_recognizer import (
    StreetAddressNamedRecognizer,
)
from llmwall.detectors.recognizers.street_address_recognizer import StreetAddressRecognizer
from llmwall.detectors.recognizers.stripe_key_recognizer import StripeKeyRecognizer
from llmwall.detectors.recognizers.uk_bank_account_recognizer import UkBankAccountRecognizer
from llmwall.detectors.recognizers.uk_nhs_number_recognizer import UkNhsNumberRecognizer
from llmwall.detectors.recognizers.uk_nino_recognizer import UkNinoRecognizer
from llmwall.detectors.recognizers.us_bank_routing_recognizer import UsBankRoutingRecognizer
from llmwall.detectors.recognizers.us_driver_license_recognizer import UsDriverLicenseRecognizer
from llmwall.detectors.recognizers.us_itin_recognizer import UsItinRecognizer
from llmwall.detectors.recognizers.us_passport_recognizer import UsPassportRecognizer
from llmwall.detectors.recognizers.us_social_security_recognizer import UsSocialSecurityRecognizer
from llmwall.detectors.recognizers.vendor_context_key_recognizer import (
    VendorContextKeyRecognizer,
)
from llmwall.detectors.recognizers.vendor_token_recognizer import VendorTokenRecognizer

# PII and secrets, run on the raw text.
PII_AND_SECRETS: tuple[type[FastPatternRecognizer], ...] = (
    EmailAddressRecognizer,
    PhoneNumberRecognizer,
    CreditCardNumberRecognizer,
    CardTrackDataRecognizer,
    CardVerificationCodeRecognizer,
    PinBlockRecognizer,
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
    *(
        AgeRecognizer,
        AuMedicareRecognizer,
        AuTfnRecognizer,
        BrCnpjRecognizer,
        BrCpfRecognizer,
        CaSinRecognizer,
        DateOfBirthRecognizer,
        DeIdCardRecognizer,
        DeTaxIdRecognizer,
        EsNieRecognizer,
        EsNifRecognizer,
        EuVatRecognizer,
        FrNirRecognizer,
        InAadhaarRecognizer,
        InPanRecognizer,
        ItFiscalCodeRecognizer,
        JpMyNumberRecognizer,
        KrRrnRecognizer,
        MedicalRecordNumberRecognizer,
        NlBsnRecognizer,
        PassportRecognizer,
        PlPeselRecognizer,
        SePersonnummerRecognizer,
        SgNricRecognizer,
        StreetAddressRecognizer,
        StreetAddressNamedRecognizer,
        StreetAddressContextRecognizer,
        StreetAddressCjkRecognizer,
        UkBankAccountRecognizer,
        UkNhsNumberRecognizer,
        UkNinoRecognizer,
        UsBankRoutingRecognizer,
        UsDriverLicenseRecognizer,
        UsItinRecognizer,
        UsPassportRecognizer,
    ),
    PlaceholderSecretRecognizer,
    ProsePasswordRecognizer,
    VendorContextKeyRecognizer,
    EncodedCredentialRecognizer,
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
