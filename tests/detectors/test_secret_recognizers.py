"""Secret rules added for line-level recall (CredSweeper-style samples): for every rule a
positive built at run time from a seeded random body (so the repo holds no scanner bait)
and a negative (placeholder, example, typed sequence or low entropy)."""

import base64
import random
import string
import uuid

import pytest

from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.entities import ENTITIES, Category
from llmwall.detectors.recognizers.secret_checks import bech32_valid, looks_random, looks_sequential

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "_-"


def rand(alphabet: str, n: int, seed: int = 1) -> str:
    rng = random.Random(f"{seed}-{n}-{alphabet[:4]}")
    while True:
        value = "".join(rng.choice(alphabet) for _ in range(n))
        if n < 8 or looks_random(value):  # too short to judge: any value will do
            return value


@pytest.fixture(scope="module")
def detector():
    return Detector(DetectorConfig(cache_size=0, disabled=frozenset({"PROMPT_INJECTION"})))


def rules(detector, text):
    """(rule, value) of the real secrets found: documentation stand-ins are
    PLACEHOLDER_SECRET and left out (see test_placeholder_secrets.py)."""
    return {
        (f.rule, text[f.start : f.end])
        for f in detector.scan(text)
        if ENTITIES.get(f.entity) is Category.SECRET and f.entity != "PLACEHOLDER_SECRET"
    }


def _age_key() -> str:
    # a syntactically valid bech32 string: compute the checksum for a random payload
    charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    hrp = "age-secret-key-"
    data = [charset.index(c) for c in rand(charset, 52, 3)]
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values + [0] * 6:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    chk ^= 1
    tail = "".join(charset[(chk >> 5 * (5 - i)) & 31] for i in range(6))
    return (hrp + "1" + "".join(charset[d] for d in data) + tail).upper()


VENDOR = [
    ("secret.groq_key", "gsk_" + rand(ALNUM, 52)),
    ("secret.npm_token", "npm_" + rand(ALNUM, 36)),
    ("secret.pypi_token", "pypi-" + "AgEIcHlwaS5vcmc" + rand(URLSAFE, 60)),
    ("secret.rubygems_key", "rubygems_" + rand(HEX, 48)),
    ("secret.docker_token", "dckr_" + "pat_" + rand(URLSAFE, 27)),
    ("secret.docker_swarm_token", "SWM" + "TKN-1-" + rand(ALNUM, 50)),
    ("secret.atlassian_token", "ATATT3" + rand(URLSAFE, 180)),
    ("secret.digitalocean_token", "dop" + "_v1_" + rand(HEX, 64)),
    ("secret.databricks_token", "dapi" + rand(HEX, 32)),
    ("secret.heroku_key", "HRKU-" + rand(URLSAFE, 60)),
    ("secret.postman_key", "PMAK-" + rand(HEX, 24) + "-" + rand(HEX, 34)),
    ("secret.perplexity_key", "pplx-" + rand(ALNUM, 48)),
    ("secret.xai_key", "xai-" + rand(ALNUM, 80)),
    ("secret.notion_token", "ntn_" + rand(ALNUM, 46)),
    ("secret.netlify_token", "nfp_" + rand(ALNUM, 36)),
    ("secret.newrelic_key", "NRAK-" + rand(string.ascii_uppercase + string.digits, 27)),
    ("secret.grafana_token", "glsa_" + rand(ALNUM, 32) + "_" + rand(HEX, 8)),
    ("secret.dropbox_token", "sl." + rand(URLSAFE, 130)),
    ("secret.instagram_token", "IGQV" + rand(URLSAFE, 120)),
    ("secret.jfrog_key", "AKCp" + rand(ALNUM, 69)),
    ("secret.bedrock_key", "ABSK" + rand(B64, 120)),
    ("secret.braintree_token", "access_token$production$" + rand(HEX, 16) + "$" + rand(HEX, 32)),
    ("secret.wundergraph_key", "cosmo_" + rand(HEX, 32)),
    ("secret.google_oauth_secret", "GOCSPX-" + rand(URLSAFE, 28)),
    ("secret.google_oauth_token", "ya29." + rand(URLSAFE, 80)),
    ("secret.google_refresh_token", "1//0" + rand(URLSAFE, 90)),
    ("secret.sendgrid_key", "SG." + rand(URLSAFE, 22) + "." + rand(URLSAFE, 43)),
    ("secret.mailgun_key", "key-" + rand(HEX, 32)),
    ("secret.shopify_token", "shp" + "at_" + rand(HEX, 32)),
    ("secret.square_token", "sq0" + "atp-" + rand(URLSAFE, 22)),
    ("secret.telegram_bot_token", "123456789:" + "AA" + rand(URLSAFE, 33)),
    (
        "secret.discord_webhook",
        "https://discord.com/api/webhooks/123456789012345678/" + rand(URLSAFE, 68),
    ),
    ("secret.linear_key", "lin_" + "api_" + rand(ALNUM, 40)),
    ("secret.doppler_token", "dp.pt." + rand(ALNUM, 43)),
    ("secret.pulumi_token", "pul-" + rand(HEX, 40)),
    ("secret.vault_token", "hvs." + rand(URLSAFE, 90)),
    ("secret.sentry_token", "sntrys_" + rand(B64, 120)),
    ("secret.replicate_token", "r8_" + rand(ALNUM, 37)),
    ("secret.tailscale_key", "tskey-" + "auth-" + rand(ALNUM, 12) + "-" + rand(ALNUM, 30)),
    ("secret.figma_token", "figd_" + rand(URLSAFE, 40)),
    ("secret.supabase_token", "sbp_" + rand(HEX, 40)),
    ("secret.planetscale_token", "pscale_" + "tkn_" + rand(URLSAFE, 43)),
    ("secret.mapbox_secret_token", "sk.eyJ" + rand(URLSAFE, 60) + "." + rand(URLSAFE, 22)),
    ("secret.onepassword_token", "ops_eyJ" + rand(URLSAFE, 300)),
    ("secret.azure_storage_key", "AccountKey=" + rand(B64, 86) + "=="),
    ("secret.azure_sas_key", "SharedAccessKey=" + rand(B64, 43) + "="),
    ("secret.gitlab_session", "_gitlab_session=" + rand(HEX, 32)),
    ("secret.ntlm_credentials", "TlRMTVNTUAAD" + rand(B64, 80)),
    ("secret.dropbox_long_lived", rand(ALNUM, 11) + "A" * 10 + rand(URLSAFE, 43)),
    ("secret.age_secret_key", _age_key()),
    ("secret.bitbucket_app_password", "ATBB" + rand(ALNUM, 24) + rand("0123456789ABCDEF", 8)),
    ("secret.bitbucket_access_token", "ATCTT3" + rand(URLSAFE, 120) + "=" + "9F3C2A71"),
    ("secret.bitbucket_http_token", "BBDC-" + rand(URLSAFE, 44)),
    ("secret.tavily_key", "tvly-" + rand(ALNUM, 32)),
    ("secret.together_key", "tgp_" + "v1_" + rand(URLSAFE, 43)),
    ("secret.llama_cloud_key", "llx-" + rand(ALNUM, 48)),
    ("secret.brevo_key", "xkeysib-" + rand(HEX, 64) + "-" + rand(ALNUM, 16)),
    ("secret.newrelic_license_key", rand(HEX, 36) + "NRAL"),
    ("secret.facebook_token", "EAAG" + rand(ALNUM, 120)),
    ("secret.square_access_token", "EAAA" + rand(URLSAFE, 60)),
    ("secret.mailchimp_key", rand(HEX, 32) + "-us" + "14"),
    ("secret.terraform_token", rand(ALNUM, 14) + ".atlasv1." + rand(URLSAFE, 67)),
    ("secret.supabase_secret_key", "sb_" + "secret_" + rand(URLSAFE, 32)),
    ("secret.azure_client_secret", rand(ALNUM, 3) + "8Q~" + rand(URLSAFE, 34)),
    ("secret.x_bearer_token", "A" * 22 + rand(ALNUM, 38) + "%3D" + rand(ALNUM, 50)),
    ("secret.akamai_token", "akab-" + rand(HEX, 16) + "-" + rand(HEX, 16, 2)),
    ("secret.alibaba_access_key_id", "LTAI" + rand(ALNUM, 20)),
    ("secret.tencent_secret_id", "AKID" + rand(ALNUM, 32)),
    ("secret.aws_mws_key", "amzn.mws." + "-".join(rand(HEX, n) for n in (8, 4, 4, 4, 12))),
    ("secret.aws_appsync_key", "da2-" + rand(HEX + "ghijklmnopqrstuvwxyz", 26)),
    (
        "secret.defined_networking_key",
        "dnkey-"
        + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 26)
        + "-"
        + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 52),
    ),
    (
        "secret.dynatrace_token",
        "dt0c01."
        + rand(string.ascii_uppercase + string.digits, 24)
        + "."
        + rand(string.ascii_uppercase + string.digits, 64),
    ),
    ("secret.clojars_token", "CLOJARS_" + rand(HEX, 60)),
    ("secret.nuget_key", "oy2" + rand(HEX + "ghijklmnopqrstuvwxyz", 43)),
    ("secret.cloudflare_token", "cfut_" + rand(ALNUM, 48)),
    ("secret.sonar_token", "sqp_" + rand(HEX, 40)),
    ("secret.vercel_token", "vcp_" + rand(ALNUM, 56)),
    ("secret.posthog_key", "phx_" + rand(ALNUM, 47)),
    ("secret.buildkite_token", "bkua_" + rand(HEX, 40)),
    ("secret.pinecone_key", "pcsk_" + rand(ALNUM, 6) + "_" + rand(ALNUM, 64)),
    ("secret.langsmith_key", "lsv2_" + "pt_" + rand(HEX, 32) + "_" + rand(HEX, 10)),
    ("secret.contentful_token", "CFPAT-" + rand(URLSAFE, 43)),
    ("secret.easypost_key", "EZAK" + rand(HEX, 54)),
    ("secret.flutterwave_key", "FLWSECK-" + rand(HEX, 32) + "-X"),
    ("secret.salesforce_token", "00D" + rand(ALNUM, 12) + "!" + rand(ALNUM + "._", 90)),
    ("secret.salesforce_consumer_key", "3MVG" + rand(ALNUM + "._", 80)),
    ("secret.openshift_token", "sha256~" + rand(URLSAFE, 43)),
    ("secret.prefect_token", "pnu_" + rand(ALNUM, 36)),
    ("secret.readme_token", "rdme_" + rand(HEX + "ghijklmnopqrstuvwxyz", 70)),
    ("secret.shippo_token", "shippo_" + "live_" + rand(HEX, 40)),
    ("secret.typeform_token", "tfp_" + rand(ALNUM + "_-", 59)),
    ("secret.infracost_token", "ico-" + rand(ALNUM, 32)),
    ("secret.intra42_secret", "s-s4t2ud-" + rand(HEX, 64)),
    ("secret.duffel_token", "duffel_" + "test_" + rand(URLSAFE, 43)),
    ("secret.frameio_token", "fio-u-" + rand(URLSAFE, 64)),
    ("secret.scalingo_token", "tk-us-" + rand(URLSAFE, 48)),
    ("secret.sourcegraph_token", "sgp_" + rand(HEX, 16) + "_" + rand(HEX, 40)),
    ("secret.flyio_token", "fo1_" + rand(URLSAFE, 43)),
    (
        "secret.harness_token",
        "pat." + rand(URLSAFE, 22) + "." + rand(ALNUM, 24) + "." + rand(ALNUM, 20),
    ),
    ("secret.clickhouse_secret", "4b1d" + rand(ALNUM, 38)),
    ("secret.maxmind_license_key", rand(ALNUM, 6) + "_" + rand(ALNUM, 29) + "_mmk"),
    ("secret.settlemint_token", "sm_" + "pat_" + rand(ALNUM, 16)),
    (
        "secret.teams_webhook",
        "https://acme.webhook.office.com/webhookb2/"
        + str(uuid.UUID(int=1234567, version=4))
        + "@"
        + str(uuid.UUID(int=7654321, version=4))
        + "/IncomingWebhook/"
        + rand(HEX, 32)
        + "/"
        + str(uuid.UUID(int=42424242, version=4)),
    ),
    ("secret.yandex_api_key", "AQVN" + rand(URLSAFE, 36)),
]


@pytest.mark.parametrize(("rule", "token"), VENDOR, ids=[r for r, _ in VENDOR])
def test_vendor_token_found_in_context(detector, rule, token):
    for text in (token, f"export VALUE='{token}' # ci", f'{{"id": "{token}"}}', f"x\n{token}\n"):
        assert (rule, token) in rules(detector, text), text


@pytest.mark.parametrize(
    "text",
    [
        "gsk_" + "EXAMPLE" * 7 + "abc",
        "npm_" + "x" * 36,
        "dckr_" + "pat_" + "EXAMPLE-EXAMPLE-EXAMPLE-123",
        "dapi" + "123456789abcdef" + "123456789abcdef00",
        "pplx-" + rand(ALNUM, 42) + "654321",
        "rubygems_" + "12345674dc42cb40d2c69cbb66e7a9b6c8d7820bb7c09b8e",
        "cosmo_" + "abcdef" + rand(HEX, 26),
        "GOCSPX-" + "your-client-secret-goes-here",
        "AGE-SECRET-KEY-1" + _age_key()[16:-1] + ("Q" if _age_key()[-1] != "Q" else "P"),
        "TlRMTVNTUAAD" + "ThisIsAnExample" + "A" * 40,
        "key-" + "0" * 32,
        "ATBB" + "EXAMPLE" * 4 + "12345678",
        "tvly-" + "x" * 32,
        "0123456789abcdef0123456789abcdef" + "-us" + "14",
        "EAAG" + "EXAMPLE" * 16,
        "abc" + "8Q~" + "a" * 34,
        "LTAI" + "EXAMPLEEXAMPLE",
        "CLOJARS_" + "0" * 60,
        "sqp_" + "1234567890" * 4,
        "3MVG" + "your_consumer_key_goes_here_please",
        "oy2" + "a" * 43,
    ],
)
def test_vendor_token_negatives(detector, text):
    assert not rules(detector, text)


PASSWORD = "Qw7#" + "mZ2p!x"
TOKEN = rand(ALNUM, 24, 9)
# HTTP Basic credentials are base64 of user:password
BASIC = base64.b64encode(f"svc-reports:{PASSWORD}".encode()).decode()

GENERIC = [
    ("secret.generic_assignment", f'password = "{PASSWORD}"', PASSWORD),
    ("secret.generic_assignment", f"DBPASSWORD={PASSWORD}", PASSWORD),
    ("secret.generic_assignment", f"Secret Key: {TOKEN}", TOKEN),
    ("secret.generic_argument", f'setopt(c, CURLOPT_PROXYPASSWORD, "{PASSWORD}");', PASSWORD),
    ("secret.generic_argument", f'setopt(c, CURLOPT_XOAUTH2_BEARER, "{TOKEN}");', TOKEN),
    ("secret.key_assignment", f"$key = '{TOKEN}';", TOKEN),
    ("secret.cli_flag", f"tool --db-password {PASSWORD} --verbose", PASSWORD),
    ("secret.cli_flag", f"app -token {TOKEN}", TOKEN),
    ("secret.xml_element", f"<db.password>{PASSWORD}</db.password>", PASSWORD),
    ("secret.config_key_value", f'<add key="SmtpPassword" value="{PASSWORD}" />', PASSWORD),
    ("secret.sql_role_password", f"CREATE USER app WITH PASSWORD '{PASSWORD}';", PASSWORD),
    ("secret.sql_role_password", "ALTER ROLE app LOGIN PASSWORD Zx81" + "kqLm;", "Zx81kqLm"),
    (
        "secret.sql_password_hash",
        "ALTER USER 'a'@'%' IDENTIFIED WITH 'mysql_native_password' AS '*" + rand(HEX, 40) + "';",
        None,
    ),
    ("secret.authorization_header", f"Authorization: Basic {BASIC}", BASIC),
    ("secret.mysql_password_option", f"mysql -h db -uroot -p{PASSWORD} shop", PASSWORD),
    ("secret.sshpass_password", f"sshpass -p '{PASSWORD}' ssh admin@host", PASSWORD),
    ("secret.curl_user_password", f"curl -u admin:{PASSWORD} https://api.local/", PASSWORD),
    ("secret.secure_string", f'ConvertTo-SecureString "{PASSWORD}" -AsPlainText -Force', PASSWORD),
    ("secret.net_user_password", f"net user alice {PASSWORD} /add", PASSWORD),
]


@pytest.mark.parametrize(
    ("rule", "text", "value"), GENERIC, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(GENERIC)]
)
def test_generic_positive(detector, rule, text, value):
    found = rules(detector, text)
    assert rule in {r for r, _ in found}, found
    if value is not None:
        assert (rule, value) in found


@pytest.mark.parametrize(
    "text",
    [
        'password = "changeme"',
        "password = get_password()",
        "password: ${DB_PASSWORD}",
        "the password is hunter2",
        "passed = 'cackle!'",
        '"key": "attached_file_0"',
        "page.action?spaceKey=LOGIC&title=QUANTUM",
        f"publicKey = '{TOKEN}'",
        "docker login --password-stdin",
        "tool --password $PASS",
        "tool --token <TOKEN>",
        "<password></password>",
        "ALTER USER 'u'@'%' PASSWORD EXPIRE INTERVAL 90 DAY;",
        "CREATE USER u WITH PASSWORD '$TEST_USER_PASS';",
        "Authorization: Basic <base64-credentials>",
        f"Authorization: Basic {TOKEN}",  # not base64 of user:password
        "mysql -h db -u root -p shop",
        "sshpass -p $SSHPASS ssh host",
        "curl -u admin:$TOKEN https://x",
        "ConvertTo-SecureString $plain -AsPlainText -Force",
        "#define CURLOPT_PROXYPASSWORD 1",
        "max_tokens = 4096",
    ],
)
def test_generic_negative(detector, text):
    assert not rules(detector, text), text


def test_github_checksum_validates_low_entropy_token(detector):
    import zlib

    body = "0" * 30
    n, digits = zlib.crc32(body.encode()), ""
    alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
    while n:
        n, r = divmod(n, 62)
        digits = alphabet[r] + digits
    token = "ghp_" + body + digits.rjust(6, "0")
    assert ("secret.github_token", token) in rules(detector, token)
    assert not rules(detector, "ghp_" + "10" * 20)


def test_gitlab_new_prefixes(detector):
    for prefix in ("glrtr-", "glffct-", "GR1348941"):
        token = prefix + rand(ALNUM, 24, 5)
        assert ("secret.gitlab_token", token) in rules(detector, token)


def test_checks():
    assert looks_sequential("ab123456cd") and looks_sequential("x987654")
    assert not looks_sequential(rand(ALNUM, 40))
    assert bech32_valid(_age_key().lower())
    assert not bech32_valid("age-secret-key-1qqqqqqqqqqqqqqqqqq")


def test_secret_values_never_in_errors(detector):
    # validators only return booleans; nothing is logged: a scan of a value that fails
    # validation raises nothing and returns nothing
    assert detector.scan("gsk_" + "A" * 52) == ()


@pytest.mark.parametrize(
    "key",
    [
        "sk-proj-QhWF7RJdXXxX0FTu9CAGyBqhUOewDZoYMybICr2KvBp6oZTL",  # a chance run of x's
        "sk-proj-cLkM1bI2F2cepqfbijklmTnq1sp04KU7VLSwLnSAXtzoxOXa",  # a chance run in the middle
        "AIzaSyDxXXx3kLp9vR3sN7wY1zB6cQ3kLp9vR3s",
    ],
)
def test_a_generated_key_with_a_chance_run_is_a_secret(key: str) -> None:
    from llmwall.detectors.engine import Detector, DetectorConfig

    det = Detector(DetectorConfig(cache_size=0, disabled=frozenset({"PROMPT_INJECTION"})))
    assert [f.entity for f in det.scan(f"key {key}")] not in ([], ["PLACEHOLDER_SECRET"])


@pytest.mark.parametrize(
    "key",
    [
        "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "sk-proj-abc123xxxxxxxxxxxxxxxxxxxxxxxxxx",
    ],
)
def test_a_key_made_of_xs_stays_a_placeholder(key: str) -> None:
    from llmwall.detectors.engine import Detector, DetectorConfig

    det = Detector(DetectorConfig(cache_size=0, disabled=frozenset({"PROMPT_INJECTION"})))
    assert [f.entity for f in det.scan(f"key {key}")] == ["PLACEHOLDER_SECRET"]
