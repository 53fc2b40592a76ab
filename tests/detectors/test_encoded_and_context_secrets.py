"""Base64-wrapped credentials, vendor keys known by their context, and documentation
placeholders: case tables, positives and negatives side by side. Random bodies are built
at run time from a seed, so the repository holds no credential-shaped literal."""

import base64
import json
import random
import string
import uuid

import pytest

from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.entities import ENTITIES, PLACEHOLDER_SECRET, Category
from llmwall.detectors.recognizers.secret_checks import looks_random, looks_sequential

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"


def rand(alphabet: str, n: int, seed: str = "x") -> str:
    rng = random.Random(f"{seed}-{n}-{alphabet[:3]}")
    while True:
        value = "".join(rng.choice(alphabet) for _ in range(n))
        if looks_random(value) and not looks_sequential(value):
            return value


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


UUID = str(uuid.UUID(int=random.Random(5).getrandbits(128), version=4))
HEX32 = rand(HEX, 32, "hex32")
PASSWORD = rand(ALNUM, 18, "pw")
DISCORD = (
    base64.urlsafe_b64encode(b"812345678901234567").decode().rstrip("=")
    + "."
    + rand(URLSAFE, 6, "d2")
    + "."
    + rand(URLSAFE, 38, "d3")
)


@pytest.fixture(scope="module")
def detector():
    return Detector(DetectorConfig(cache_size=0, disabled=frozenset({"PROMPT_INJECTION"})))


def found(detector, text, placeholders=False):
    return [
        (f.rule, text[f.start : f.end])
        for f in detector.scan(text)
        if ENTITIES.get(f.entity) is Category.SECRET
        and (f.entity == PLACEHOLDER_SECRET) == placeholders
    ]


def dockerconfig(password: str) -> str:
    auth = b64(f"deploy:{password}")
    return b64(json.dumps({"auths": {"registry.example.com": {"auth": auth}}}))


ENCODED = [
    # (text, rule, value)
    (
        "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n"
        f"  .dockerconfigjson: {dockerconfig(PASSWORD)}\n",
        "secret.docker_config_blob",
        dockerconfig(PASSWORD),
    ),
    (
        f'{{"auths": {{"https://index.docker.io/v1/": {{"auth": "{b64("jane:" + PASSWORD)}"}}}}}}',
        "secret.docker_auth",
        b64("jane:" + PASSWORD),
    ),
    (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n"
        f"  username: {b64('app')}\n  password: {b64(PASSWORD)}\n",
        "secret.kubernetes_secret_data",
        b64(PASSWORD),
    ),
    (  # data before kind, and a URL with a password inside
        "apiVersion: v1\ndata:\n"
        f"  DATABASE_URL: {b64('postgresql://app:' + PASSWORD + '@pg/app')}\nkind: Secret\n",
        "secret.kubernetes_secret_data",
        b64("postgresql://app:" + PASSWORD + "@pg/app"),
    ),
    (
        "kind: Secret\napiVersion: v1\nstringData:\n  api-token: " + PASSWORD + "\n",
        "secret.kubernetes_secret_data",
        PASSWORD,
    ),
    (
        f"Authorization: Basic {b64('reporter:' + PASSWORD)}",
        "secret.authorization_header",
        b64("reporter:" + PASSWORD),
    ),
]
ENCODED_NEGATIVES = [
    # a ConfigMap is not a Secret
    f"kind: ConfigMap\ndata:\n  greeting: {b64('hello there')}\n  hash: {rand(HEX, 64)}\n",
    # settings about a password are not the password
    f"password_hint: {b64('ask the admin')}\npassword_min_length: 12\ntoken_url: https://x/t",
    # a certificate and user names in a Secret are not secrets
    "kind: Secret\ndata:\n"
    f"  ca.crt: {b64('-----BEGIN CERTIFICATE-----x')}\n  username: {b64('app')}\n",
    # a Secret with a template or an empty value
    'kind: Secret\ndata:\n  password: ""\n  token: {{ .Values.token }}\n',
    # an ExternalSecret only names where the secret lives
    "kind: ExternalSecret\nspec:\n  data:\n    - secretKey: api-key\n",
    # Basic credentials must decode to user:password
    f"Authorization: Basic {rand(ALNUM, 24, 'nb')}",
]


@pytest.mark.parametrize(("text", "rule", "value"), ENCODED, ids=[r for _, r, _ in ENCODED])
def test_encoded_credentials(detector, text, rule, value):
    assert (rule, value) in found(detector, text)


@pytest.mark.parametrize("text", ENCODED_NEGATIVES)
def test_encoded_negatives(detector, text):
    assert found(detector, text) == []


def test_encoded_placeholders(detector):
    text = "kind: Secret\ndata:\n  .dockerconfigjson: " + dockerconfig("<password>") + "\n"
    assert [r for r, _ in found(detector, text, placeholders=True)] == ["secret.docker_config_blob"]
    assert found(detector, text) == []


CONTEXT = [
    (f"TWILIO_ACCOUNT_SID=AC{HEX32}", "secret.twilio_account_sid", f"AC{HEX32}"),
    (f"twilio api key SK{HEX32.upper()}", "secret.twilio_api_key", f"SK{HEX32.upper()}"),
    (f"Twilio: account AC{rand(HEX, 32, 'a')}, token {HEX32}", "secret.twilio_auth_token", HEX32),
    (
        f"Our Azure OpenAI key is {HEX32}, endpoint contoso.openai.azure.com",
        "secret.azure_openai_key",
        HEX32,
    ),
    (
        f"azure ai services key: {rand(ALNUM, 84, 'az')}",
        "secret.azure_ai_key",
        rand(ALNUM, 84, "az"),
    ),
    (f"My heroku api key {UUID} is in CI", "secret.heroku_api_key", UUID),
    (f'client.run("{DISCORD}")', "secret.discord_bot_token", DISCORD),
    (f"DISCORD_BOT_TOKEN={DISCORD}", "secret.discord_bot_token", DISCORD),
]
CONTEXT_NEGATIVES = [
    f"Twilio request {HEX32} failed",  # no credential word before it
    f"azure subscription id {UUID}",
    f"heroku release {UUID} deployed",
    f"x-ms-request-id: {UUID} from azure",
    # a dotted token whose first part is not a base64 user id
    f"discord said {rand(ALNUM, 24, 'n1')}.{rand(URLSAFE, 6, 'n2')}.{rand(URLSAFE, 30, 'n3')}",
]


@pytest.mark.parametrize(("text", "rule", "value"), CONTEXT, ids=[r for _, r, _ in CONTEXT])
def test_vendor_context_keys(detector, text, rule, value):
    from llmwall.detectors.recognizers.vendor_context_key_recognizer import (
        VendorContextKeyRecognizer,
    )

    assert any(v == value for _, v in found(detector, text)), found(detector, text)
    # the vendor rule itself finds it (the engine may keep an equal generic finding)
    own = VendorContextKeyRecognizer().find(text)
    assert (rule, value) in {(r.recognition_metadata["rule"], text[r.start : r.end]) for r in own}


@pytest.mark.parametrize("text", CONTEXT_NEGATIVES)
def test_vendor_context_negatives(detector, text):
    assert found(detector, text) == []


PROSE_KEYS = [
    (f"the api key is {HEX32} for staging", HEX32),
    (f"api-key {HEX32}", HEX32),
    (f"use the bot token {DISCORD} please", DISCORD),
]
LOOKALIKES = [
    f"commit {rand(HEX, 40, 'c')} fixed it and {rand(HEX, 7, 'c2')} reverted it",
    f"git checkout {rand(HEX, 40, 'g')}",
    f"uses: actions/checkout@{rand(HEX, 40, 'a1')}",
    f"docker pull ghcr.io/acme/api@sha256:{rand(HEX, 64, 'd')}",
    f"the request id was {UUID} and trace {HEX32}",
    f"primary key {UUID}",
    f"public key is {rand(ALNUM, 44, 'pk')}",
    f"idempotency key {UUID}",
    f"const stripe = Stripe('pk_live_{rand(ALNUM, 24, 's')}');",
    f"STRIPE_PUBLISHABLE_KEY=pk_test_{rand(ALNUM, 24, 's2')}",
    f"next token {rand(ALNUM, 40, 'nt')}",
    "max_tokens = 4096 and the key point is brevity",
]


@pytest.mark.parametrize(("text", "value"), PROSE_KEYS)
def test_key_named_in_a_sentence(detector, text, value):
    assert any(v == value for _, v in found(detector, text)), found(detector, text)


@pytest.mark.parametrize("text", LOOKALIKES)
def test_lookalikes_are_not_secrets(detector, text):
    assert found(detector, text) == []
    assert found(detector, text, placeholders=True) == []


PLACEHOLDERS = [
    ("OPENAI_API_KEY=sk-...", "sk-..."),
    ('client = OpenAI(api_key="sk-proj-...")', "sk-proj-..."),
    ("export GITHUB_TOKEN=ghp_" + "x" * 36, "ghp_" + "x" * 36),
    ("A key looks like sk-xxxxxxxxxxxxxxxxxxxxxxxx.", "sk-xxxxxxxxxxxxxxxxxxxxxxxx"),
    ("SENDGRID_API_KEY=SG.your-key-here", "SG.your-key-here"),
    ('curl -H "X-Api-Key: YOUR_API_KEY" https://api.example.com', "YOUR_API_KEY"),
    ("ANTHROPIC_API_KEY=YOUR_ANTHROPIC_API_KEY", "YOUR_ANTHROPIC_API_KEY"),
    ("Authorization: Bearer <token>", "<token>"),
    ("tool --token <TOKEN>", "<TOKEN>"),
    ('"password": "<password>"', "<password>"),
    ("mongodb+srv://admin:<password>@cluster0.mongodb.net/", "<password>"),
    ("DB_PASSWORD=changeme", "changeme"),
    ('password: "********"', "********"),
    ("JWT_SECRET=replace_me", "replace_me"),
    ("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    (
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    (
        "the docs use wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    ("STRIPE_SECRET_KEY=sk_test_" + "x" * 24, "sk_test_" + "x" * 24),
]
NOT_PLACEHOLDERS = [
    "password: ${DB_PASSWORD}",  # a reference, not a stand-in
    "token: {{ .Values.token }}",
    "api_key = os.environ['API_KEY']",
    'curl -H "Authorization: Bearer $OPENAI_API_KEY" https://api.openai.com',
    "password=<GENERIC_SECRET> key=<OPENAI_API_KEY> <PLACEHOLDER_SECRET>",  # redaction tags
    "<password>Qz7pLk2mXv</password>",  # an XML element, whose value is the secret
    "Please enter your password below.",
    "Insert your API key in the settings page.",
]


@pytest.mark.parametrize(("text", "value"), PLACEHOLDERS, ids=[v for _, v in PLACEHOLDERS])
def test_placeholders(detector, text, value):
    assert any(v == value for _, v in found(detector, text, placeholders=True)), found(
        detector, text, placeholders=True
    )
    assert found(detector, text) == []


@pytest.mark.parametrize("text", NOT_PLACEHOLDERS)
def test_not_placeholders(detector, text):
    assert found(detector, text, placeholders=True) == []


def test_placeholders_redacted_by_default_policy(detector):
    """A newcomer's first test: `sk-...` in a prompt is redacted by the built-in policy,
    and a policy can treat placeholders apart from real secrets."""
    from llmwall.core.policy import load_policy, parse_policy
    from llmwall.decision import Decision
    from llmwall.routing.segment import Direction, Trust

    text = "OPENAI_API_KEY=sk-..."
    finding = next(f for f in detector.scan(text) if f.entity == PLACEHOLDER_SECRET)
    value = text[finding.start : finding.end]
    default = load_policy(None)
    assert default.action_for(finding, value, Trust.USER, Direction.REQUEST) is Decision.REDACT
    relaxed = parse_policy(
        {"version": 1, "actions": {"secret": "block", PLACEHOLDER_SECRET: "allow"}}, "test"
    )
    assert relaxed.action_for(finding, value, Trust.USER, Direction.REQUEST) is Decision.ALLOW
