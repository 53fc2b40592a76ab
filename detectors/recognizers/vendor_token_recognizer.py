from __future__ import annotations

import base64
import binascii
import json
import re

from presidio_analyzer import Pattern

from detectors.recognizers.base import FastPatternRecognizer, looks_placeholder
from detectors.recognizers.secret_checks import bech32_valid, looks_random

# (rule id, regex with the random part as group `b`). Formats from each vendor's
# documentation of its token prefixes; lengths are bounded so no repetition runs away.
_RULES: tuple[tuple[str, str], ...] = (
    ("secret.groq_key", r"gsk_(?P<b>[A-Za-z0-9]{48,56})"),
    ("secret.npm_token", r"npm_(?P<b>[A-Za-z0-9]{36})"),
    ("secret.pypi_token", r"pypi-AgEIcHlwaS5vcmc(?P<b>[A-Za-z0-9_\-]{40,300})"),
    ("secret.rubygems_key", r"rubygems_(?P<b>[a-f0-9]{48})"),
    ("secret.docker_token", r"dckr_(?:pat|oat)_(?P<b>[A-Za-z0-9_\-]{24,64})"),
    ("secret.docker_swarm_token", r"SWM(?:KEY|TKN)-1-(?P<b>[A-Za-z0-9+/=_\-]{40,120})"),
    ("secret.atlassian_token", r"ATATT3(?P<b>[A-Za-z0-9_\-=]{60,300})"),
    ("secret.digitalocean_token", r"do[opr]_v1_(?P<b>[a-f0-9]{64})"),
    ("secret.databricks_token", r"dapi(?P<b>[a-f0-9]{32})(?:-\d)?"),
    ("secret.heroku_key", r"HRKU-(?P<b>[A-Za-z0-9_\-]{30,64})"),
    ("secret.postman_key", r"PMA[KT]-(?P<b>[A-Za-z0-9]{24,26}(?:-[a-f0-9]{34})?)"),
    ("secret.perplexity_key", r"pplx-(?P<b>[A-Za-z0-9]{40,56})"),
    ("secret.xai_key", r"xai-(?P<b>[A-Za-z0-9]{60,100})"),
    ("secret.notion_token", r"ntn_(?P<b>[A-Za-z0-9]{40,50})"),
    ("secret.netlify_token", r"nfp_(?P<b>[A-Za-z0-9]{36})"),
    ("secret.newrelic_key", r"NR(?:AK|AA|II|IQ|JS|BR)-(?P<b>[A-Za-z0-9_\-]{19,42})"),
    ("secret.age_secret_key", r"AGE-SECRET-KEY-1(?P<b>[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})"),
    ("secret.grafana_token", r"gl(?:c|sa)_(?P<b>[A-Za-z0-9+/_]{32,400}={0,2})"),
    ("secret.dropbox_token", r"sl\.(?:u\.)?(?P<b>[A-Za-z0-9_\-]{100,1000})"),
    ("secret.instagram_token", r"IGQ[VW](?P<b>[A-Za-z0-9_\-]{60,300})"),
    ("secret.jfrog_key", r"AKCp(?P<b>[A-Za-z0-9]{69})"),
    ("secret.jfrog_reference_token", r"(?P<b>cmVmdGtu[A-Za-z0-9]{56})"),
    ("secret.bedrock_key", r"(?:ABSK|bedrock-api-key-)(?P<b>[A-Za-z0-9+/]{28,300}={0,2})"),
    (
        "secret.braintree_token",
        r"access_token\$production\$[0-9a-z]{16}\$(?P<b>[0-9a-f]{32})",
    ),
    ("secret.wundergraph_key", r"cosmo_(?P<b>[a-f0-9]{32})"),
    ("secret.google_oauth_secret", r"GOCSPX-(?P<b>[A-Za-z0-9_\-]{28})"),
    ("secret.google_oauth_token", r"ya29\.(?P<b>[A-Za-z0-9_\-]{30,2048})"),
    ("secret.google_refresh_token", r"1//0(?P<b>[A-Za-z0-9_\-]{40,512})"),
    ("secret.sendgrid_key", r"SG\.(?P<b>[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})"),
    ("secret.mailgun_key", r"key-(?P<b>[0-9a-f]{32})"),
    ("secret.shopify_token", r"shp(?:at|ca|pa|ss)_(?P<b>[a-fA-F0-9]{32})"),
    ("secret.square_token", r"sq0(?:atp|csp)-(?P<b>[A-Za-z0-9_\-]{22,43})"),
    ("secret.telegram_bot_token", r"\d{8,10}:(?P<b>AA[A-Za-z0-9_\-]{33})"),
    (
        "secret.discord_webhook",
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{5,20}/"
        r"(?P<b>[A-Za-z0-9_\-]{60,80})",
    ),
    ("secret.linear_key", r"lin_api_(?P<b>[A-Za-z0-9]{40})"),
    ("secret.doppler_token", r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?P<b>[A-Za-z0-9]{40,44})"),
    ("secret.pulumi_token", r"pul-(?P<b>[a-f0-9]{40})"),
    ("secret.vault_token", r"hv[sb]\.(?P<b>[A-Za-z0-9_\-]{24,300})"),
    ("secret.sentry_token", r"sntry[su]_(?P<b>[A-Za-z0-9+/=_\-]{40,400})"),
    ("secret.replicate_token", r"r8_(?P<b>[A-Za-z0-9]{37})"),
    (
        "secret.tailscale_key",
        r"tskey-(?:api|auth|client)-(?P<b>[A-Za-z0-9]{8,20}-[A-Za-z0-9]{20,40})",
    ),
    ("secret.figma_token", r"figd_(?P<b>[A-Za-z0-9_\-]{38,44})"),
    ("secret.supabase_token", r"sbp_(?P<b>[a-f0-9]{40})"),
    ("secret.planetscale_token", r"pscale_(?:tkn|pw|oauth)_(?P<b>[A-Za-z0-9_\-.=]{32,64})"),
    ("secret.mapbox_secret_token", r"sk\.eyJ(?P<b>[A-Za-z0-9_\-]{40,120}\.[A-Za-z0-9_\-]{20,40})"),
    ("secret.onepassword_token", r"ops_eyJ(?P<b>[A-Za-z0-9_\-]{200,2000})"),
    ("secret.azure_storage_key", r"AccountKey=(?P<b>[A-Za-z0-9+/]{86}==)"),
    ("secret.azure_sas_key", r"SharedAccessKey=(?P<b>[A-Za-z0-9+/]{43}=)"),
    ("secret.ntlm_credentials", r"TlRMTVNTUAAD(?P<b>[A-Za-z0-9+/]{40,2048}={0,2})"),
    ("secret.dropbox_long_lived", r"(?P<b>[A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_\-]{43})"),
    ("secret.grafana_api_key", r"(?P<b>eyJrIjoi[A-Za-z0-9+/]{40,400}={0,2})"),
    ("secret.gitlab_session", r"_gitlab_session=(?P<b>[a-f0-9]{32})"),
)

_JFROG_REFERENCE = re.compile(rb"reftkn:\d\d:\d{10}:")


class VendorTokenRecognizer(FastPatternRecognizer):
    """API tokens whose vendor prefix makes them recognizable on their own (npm, PyPI,
    Docker, Atlassian, Groq, Google OAuth, SendGrid, ...): the prefix is the anchor and
    the random part must look random."""

    ENTITY = "API_TOKEN"
    PATTERNS = tuple(
        Pattern(name, r"(?<![\w\-.+/])" + rx + r"(?![\w\-])", 0.9) for name, rx in _RULES
    )
    ANCHORS = (
        "gsk_",
        "npm_",
        "pypi-ageichlwas5vcmc",
        "rubygems_",
        "dckr_",
        "swmkey-1-",
        "swmtkn-1-",
        "atatt3",
        "_v1_",
        "dapi",
        "hrku-",
        "pmak-",
        "pmat-",
        "pplx-",
        "xai-",
        "ntn_",
        "nfp_",
        "nrak-",
        "nraa-",
        "nrii-",
        "nriq-",
        "nrjs-",
        "nrbr-",
        "age-secret-key-1",
        "glc_",
        "glsa_",
        "sl.",
        "igqv",
        "igqw",
        "akcp",
        "cmvmdgtu",
        "absk",
        "bedrock-api-key-",
        "access_token$production$",
        "cosmo_",
        "gocspx-",
        "ya29.",
        "1//0",
        "sg.",
        "key-",
        "shpat_",
        "shpca_",
        "shppa_",
        "shpss_",
        "sq0atp-",
        "sq0csp-",
        ":aa",
        "discord",
        "lin_api_",
        "dp.",
        "pul-",
        "hvs.",
        "hvb.",
        "sntrys_",
        "sntryu_",
        "r8_",
        "tskey-",
        "figd_",
        "sbp_",
        "pscale_",
        "sk.eyj",
        "ops_eyj",
        "accountkey=",
        "sharedaccesskey=",
        "_gitlab_session=",
        "tlrmtvntuaad",
        "aaaaaaaaaa",
        "eyjrijoi",
    )
    REACH = (16, 1100)

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        body = match.group("b")
        if value.startswith("AGE-SECRET-KEY-1"):
            return bech32_valid(value)  # the checksum settles it either way
        if body.startswith("cmVmdGtu"):
            try:
                decoded = base64.b64decode(body + "=" * (-len(body) % 4))
            except (binascii.Error, ValueError):
                return False
            return _JFROG_REFERENCE.match(decoded) is not None
        if value.startswith("TlRMTVNTUAAD"):  # NTLM type 3: mostly length/offset fields
            return not looks_placeholder(body)
        if body.startswith("eyJrIjoi"):
            return _grafana_key(body)
        if not looks_random(body):
            return False
        return None


def _grafana_key(body: str) -> bool:
    """A Grafana API key is base64 JSON {"k": key, "n": name, "id": org}."""
    try:
        data = json.loads(base64.b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(data, dict) and {"k", "n", "id"} <= data.keys()
