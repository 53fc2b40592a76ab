from __future__ import annotations

import base64
import binascii
import json
import re
from typing import ClassVar

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer, looks_placeholder
from llmwall.detectors.recognizers.secret_checks import (
    bech32_valid,
    doc_placeholder,
    looks_random,
)

# (rule id, lowercase anchors, regex with the random part as group `b`). Formats from
# each vendor's documentation of its token prefixes; lengths are bounded so no repetition
# runs away. A rule's regex runs only in windows that hold one of its own anchors.
_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("secret.groq_key", ("gsk_",), r"gsk_(?P<b>[A-Za-z0-9]{48,56})"),
    ("secret.npm_token", ("npm_",), r"npm_(?P<b>[A-Za-z0-9]{36})"),
    (
        "secret.pypi_token",
        ("pypi-ageichlwas5vcmc",),
        r"pypi-AgEIcHlwaS5vcmc(?P<b>[A-Za-z0-9_\-]{40,300})",
    ),
    ("secret.rubygems_key", ("rubygems_",), r"rubygems_(?P<b>[a-f0-9]{48})"),
    ("secret.docker_token", ("dckr_",), r"dckr_(?:pat|oat)_(?P<b>[A-Za-z0-9_\-]{24,64})"),
    (
        "secret.docker_swarm_token",
        ("swmkey-1-", "swmtkn-1-"),
        r"SWM(?:KEY|TKN)-1-(?P<b>[A-Za-z0-9+/=_\-]{40,120})",
    ),
    ("secret.atlassian_token", ("atatt3",), r"ATATT3(?P<b>[A-Za-z0-9_\-=]{60,300})"),
    ("secret.bitbucket_app_password", ("atbb",), r"ATBB(?P<b>[A-Za-z0-9]{28,36})"),
    (
        "secret.bitbucket_access_token",
        ("atctt3",),
        r"ATCTT3(?P<b>[A-Za-z0-9_\-]{80,800}(?:=|%3[dD])?[A-F0-9]{8})",
    ),
    ("secret.bitbucket_http_token", ("bbdc-",), r"BBDC-(?P<b>[A-Za-z0-9_\-]{40,48})"),
    ("secret.digitalocean_token", ("_v1_",), r"do[opr]_v1_(?P<b>[a-f0-9]{64})"),
    ("secret.databricks_token", ("dapi",), r"dapi(?P<b>[a-f0-9]{32})(?:-\d)?"),
    ("secret.heroku_key", ("hrku-",), r"HRKU-(?P<b>[A-Za-z0-9_\-]{30,64})"),
    (
        "secret.postman_key",
        ("pmak-", "pmat-"),
        r"PMA[KT]-(?P<b>[A-Za-z0-9]{24,26}(?:-[a-f0-9]{34})?)",
    ),
    ("secret.perplexity_key", ("pplx-",), r"pplx-(?P<b>[A-Za-z0-9]{40,56})"),
    ("secret.xai_key", ("xai-",), r"xai-(?P<b>[A-Za-z0-9]{60,100})"),
    ("secret.tavily_key", ("tvly-",), r"tvly-(?:dev-|prod-)?(?P<b>[A-Za-z0-9_\-]{32,40})"),
    ("secret.together_key", ("tgp_v1_",), r"tgp_v1_(?P<b>[A-Za-z0-9_\-]{40,48})"),
    ("secret.llama_cloud_key", ("llx-",), r"llx-(?P<b>[A-Za-z0-9_\-]{40,56})"),
    ("secret.brevo_key", ("xkeysib-",), r"xkeysib-(?P<b>[a-f0-9]{64}-[A-Za-z0-9]{16})"),
    ("secret.notion_token", ("ntn_",), r"ntn_(?P<b>[A-Za-z0-9]{40,50})"),
    ("secret.netlify_token", ("nfp_",), r"nfp_(?P<b>[A-Za-z0-9]{36})"),
    (
        "secret.newrelic_key",
        ("nrak-", "nraa-", "nrii-", "nriq-", "nrjs-", "nrbr-"),
        r"NR(?:AK|AA|II|IQ|JS|BR)-(?P<b>[A-Za-z0-9_\-]{19,42})",
    ),
    # a license key: 36 hex characters and the suffix NRAL
    # region-prefixed ("eu01x...") as well
    ("secret.newrelic_license_key", ("nral",), r"(?P<b>[a-z0-9]{4,6}[a-f0-9]{30,32})NRAL"),
    (
        "secret.age_secret_key",
        ("age-secret-key-1",),
        r"AGE-SECRET-KEY-1(?P<b>[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})",
    ),
    ("secret.grafana_token", ("glc_", "glsa_"), r"gl(?:c|sa)_(?P<b>[A-Za-z0-9+/_]{32,400}={0,2})"),
    ("secret.dropbox_token", ("sl.",), r"sl\.(?:u\.)?(?P<b>[A-Za-z0-9_\-]{100,1000})"),
    ("secret.instagram_token", ("igqv", "igqw"), r"IGQ[VW](?P<b>[A-Za-z0-9_\-]{60,300})"),
    ("secret.facebook_token", ("eaa",), r"EAA[A-Z](?P<b>[A-Za-z0-9]{76,800})"),
    ("secret.square_access_token", ("eaaa",), r"EAAA(?P<b>[A-Za-z0-9_\-]{60})"),
    ("secret.jfrog_key", ("akcp",), r"AKCp(?P<b>[A-Za-z0-9]{69})"),
    ("secret.jfrog_reference_token", ("cmvmdgtu",), r"(?P<b>cmVmdGtu[A-Za-z0-9]{56})"),
    (
        "secret.bedrock_key",
        ("absk", "bedrock-api-key-"),
        r"(?:ABSK|bedrock-api-key-)(?P<b>[A-Za-z0-9+/]{28,300}={0,2})",
    ),
    (
        "secret.braintree_token",
        ("access_token$production$",),
        r"access_token\$production\$[0-9a-z]{16}\$(?P<b>[0-9a-f]{32})",
    ),
    ("secret.wundergraph_key", ("cosmo_",), r"cosmo_(?P<b>[a-f0-9]{32})"),
    ("secret.google_oauth_secret", ("gocspx-",), r"GOCSPX-(?P<b>[A-Za-z0-9_\-]{28})"),
    ("secret.google_oauth_token", ("ya29.",), r"ya29\.(?P<b>[A-Za-z0-9_\-]{30,2048})"),
    ("secret.google_refresh_token", ("1//0",), r"1//0(?P<b>[A-Za-z0-9_\-]{40,512})"),
    (
        "secret.sendgrid_key",
        ("sg.",),
        r"SG\.(?P<b>[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64})",
    ),
    ("secret.mailgun_key", ("key-",), r"key-(?P<b>[0-9a-f]{32})"),
    ("secret.mailchimp_key", ("-us",), r"(?P<b>[0-9a-f]{32})-us\d{1,2}"),
    (
        "secret.shopify_token",
        ("shpat_", "shpca_", "shppa_", "shpss_"),
        r"shp(?:at|ca|pa|ss)_(?P<b>[a-fA-F0-9]{32})",
    ),
    ("secret.square_token", ("sq0atp-", "sq0csp-"), r"sq0(?:atp|csp)-(?P<b>[A-Za-z0-9_\-]{22,43})"),
    ("secret.telegram_bot_token", (":aa",), r"\d{8,10}:(?P<b>AA[A-Za-z0-9_\-]{33})"),
    (
        "secret.discord_webhook",
        ("discord",),
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{5,20}/"
        r"(?P<b>[A-Za-z0-9_\-]{60,80})",
    ),
    ("secret.linear_key", ("lin_api_",), r"lin_api_(?P<b>[A-Za-z0-9]{40})"),
    (
        "secret.doppler_token",
        ("dp.",),
        r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?P<b>[A-Za-z0-9]{40,44})",
    ),
    ("secret.pulumi_token", ("pul-",), r"pul-(?P<b>[a-f0-9]{40})"),
    ("secret.vault_token", ("hvs.", "hvb."), r"hv[sb]\.(?P<b>[A-Za-z0-9_\-]{24,300})"),
    (
        "secret.terraform_token",
        (".atlasv1.",),
        r"(?P<b>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-]{60,70})",
    ),
    ("secret.sentry_token", ("sntrys_", "sntryu_"), r"sntry[su]_(?P<b>[A-Za-z0-9+/=_\-]{40,400})"),
    ("secret.replicate_token", ("r8_",), r"r8_(?P<b>[A-Za-z0-9]{37})"),
    (
        "secret.tailscale_key",
        ("tskey-",),
        r"tskey-(?:api|auth|client)-(?P<b>[A-Za-z0-9]{8,20}-[A-Za-z0-9]{20,40})",
    ),
    ("secret.figma_token", ("figd_",), r"figd_(?P<b>[A-Za-z0-9_\-]{38,44})"),
    ("secret.supabase_token", ("sbp_",), r"sbp_(?:v0_)?(?P<b>[a-f0-9]{40})"),
    ("secret.supabase_secret_key", ("sb_secret_",), r"sb_secret_(?P<b>[A-Za-z0-9_\-]{30,40})"),
    (
        "secret.planetscale_token",
        ("pscale_",),
        r"pscale_(?:tkn|pw|oauth)_(?P<b>[A-Za-z0-9_\-.=]{32,64})",
    ),
    (
        "secret.mapbox_secret_token",
        ("sk.eyj",),
        r"sk\.eyJ(?P<b>[A-Za-z0-9_\-]{40,120}\.[A-Za-z0-9_\-]{20,40})",
    ),
    ("secret.onepassword_token", ("ops_eyj",), r"ops_eyJ(?P<b>[A-Za-z0-9_\-]{200,2000})"),
    ("secret.azure_storage_key", ("accountkey=",), r"AccountKey=(?P<b>[A-Za-z0-9+/]{86}==)"),
    ("secret.azure_sas_key", ("sharedaccesskey=",), r"SharedAccessKey=(?P<b>[A-Za-z0-9+/]{43}=)"),
    # Entra ID (Azure AD) client secrets: 3 characters, a digit, "Q~", 31 to 34 more
    (
        "secret.azure_client_secret",
        ("q~",),
        r"(?P<b>[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})",
    ),
    (
        "secret.ntlm_credentials",
        ("tlrmtvntuaad",),
        r"TlRMTVNTUAAD(?P<b>[A-Za-z0-9+/]{40,2048}={0,2})",
    ),
    (
        "secret.dropbox_long_lived",
        ("aaaaaaaaaa",),
        r"(?P<b>[A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_\-]{43})",
    ),
    # X (Twitter) app-only bearer tokens: 21+ "A", then URL-encoded base64
    (
        "secret.x_bearer_token",
        ("aaaaaaaaaa",),
        r"A{21,24}(?P<b>[A-Za-z0-9%]{30,50}%3D[A-Za-z0-9]{40,60})",
    ),
    ("secret.grafana_api_key", ("eyjrijoi",), r"(?P<b>eyJrIjoi[A-Za-z0-9+/]{40,400}={0,2})"),
    ("secret.gitlab_session", ("_gitlab_session=",), r"_gitlab_session=(?P<b>[a-f0-9]{32})"),
    ("secret.akamai_token", ("akab-",), r"akab-(?P<b>[a-z0-9]{16}-[a-z0-9]{16})"),
    ("secret.alibaba_access_key_id", ("ltai",), r"LTAI(?P<b>[A-Za-z0-9]{12,20})"),
    ("secret.tencent_secret_id", ("akid",), r"AKID(?P<b>[A-Za-z0-9]{32,36})"),
    (
        "secret.aws_mws_key",
        ("amzn.mws.",),
        r"amzn\.mws\.(?P<b>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
    ),
    ("secret.aws_appsync_key", ("da2-",), r"da2-(?P<b>[a-z0-9]{26})"),
    ("secret.defined_networking_key", ("dnkey-",), r"dnkey-(?P<b>[A-Z2-7]{26}-[A-Z2-7]{52})"),
    (
        "secret.dynatrace_token",
        ("dt0c01.", "dt0s01.", "dt0s02.", "dt0s16."),
        r"dt0[a-z]\d\d\.(?P<b>[A-Z0-9]{24}\.[A-Z0-9]{64})",
    ),
    ("secret.clojars_token", ("clojars_",), r"CLOJARS_(?P<b>[a-f0-9]{60})"),
    ("secret.nuget_key", ("oy2",), r"oy2(?P<b>[a-z0-9]{43})"),
    (
        "secret.cloudflare_token",
        ("cfat_", "cfut_", "cfk_"),
        r"cf(?:at|ut|k)_(?P<b>[A-Za-z0-9]{40,53})",
    ),
    ("secret.sonar_token", ("sqa_", "sqp_", "squ_"), r"sq[apu]_(?P<b>[a-f0-9]{40})"),
    (
        "secret.vercel_token",
        ("vcp_", "vci_", "vca_", "vcr_", "vck_"),
        r"vc[pcakr]_(?P<b>[A-Za-z0-9]{40,60})",
    ),
    (
        "secret.posthog_key",
        ("phx_", "phs_", "phr_", "pha_"),
        r"ph[xsra]_(?P<b>[A-Za-z0-9]{40,60})",
    ),
    ("secret.buildkite_token", ("bkua_",), r"bkua_(?P<b>[a-f0-9]{40})"),
    ("secret.pinecone_key", ("pcsk_",), r"pcsk_(?P<b>[A-Za-z0-9]{5,8}_[A-Za-z0-9]{60,70})"),
    (
        "secret.langsmith_key",
        ("lsv2_pt_", "lsv2_sk_"),
        r"lsv2_(?:pt|sk)_(?P<b>[a-f0-9]{32})_[a-f0-9]{10}",
    ),
    ("secret.contentful_token", ("cfpat-",), r"CFPAT-(?P<b>[A-Za-z0-9_\-]{43})"),
    ("secret.easypost_key", ("ezak", "eztk"), r"EZ[AT]K(?P<b>[a-f0-9]{54})"),
    ("secret.flutterwave_key", ("flwseck-",), r"FLWSECK(?:_TEST)?-(?P<b>[a-f0-9]{32})-X"),
    # Salesforce: a session/access token is the 15-character org id, "!" and a secret
    (
        "secret.salesforce_token",
        ("00d",),
        r"00D[A-Za-z0-9]{9,15}!(?P<b>[A-Za-z0-9_.]{24,200})",
    ),
    ("secret.salesforce_consumer_key", ("3mvg",), r"3MVG(?P<b>[A-Za-z0-9_.]{24,200})"),
    # formats from the public secret-scanning rule sets (gitleaks' rule descriptions),
    # each with a prefix long or rare enough to be its own anchor
    ("secret.openshift_token", ("sha256~",), r"sha256~(?P<b>[\w\-]{43})"),
    ("secret.prefect_token", ("pnu_",), r"pnu_(?P<b>[A-Za-z0-9]{36})"),
    ("secret.readme_token", ("rdme_",), r"rdme_(?P<b>[a-z0-9]{70})"),
    ("secret.shippo_token", ("shippo_",), r"shippo_(?:live|test)_(?P<b>[a-fA-F0-9]{40})"),
    ("secret.typeform_token", ("tfp_",), r"tfp_(?P<b>[A-Za-z0-9\-_.=]{59})"),
    ("secret.infracost_token", ("ico-",), r"ico-(?P<b>[A-Za-z0-9]{32})"),
    ("secret.intra42_secret", ("s-s4t2",), r"s-s4t2(?:ud|af)-(?P<b>[a-f0-9]{64})"),
    ("secret.duffel_token", ("duffel_",), r"duffel_(?:test|live)_(?P<b>[A-Za-z0-9_\-=]{43})"),
    ("secret.frameio_token", ("fio-u-",), r"fio-u-(?P<b>[A-Za-z0-9\-_=]{64})"),
    ("secret.scalingo_token", ("tk-us-",), r"tk-us-(?P<b>[\w\-]{48})"),
    (
        "secret.sourcegraph_token",
        ("sgp_",),
        r"sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?(?P<b>[a-fA-F0-9]{40})",
    ),
    (
        "secret.flyio_token",
        ("fo1_", "fm1a_", "fm1r_", "fm2_"),
        r"(?:fo1_(?P<b>[\w\-]{43})|fm(?:1[ar]|2)_(?P<b2>[A-Za-z0-9+/]{100,2000}={0,3}))",
    ),
    (
        "secret.harness_token",
        ("pat.", "sat."),
        r"[ps]at\.(?P<b>[A-Za-z0-9_\-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20})",
    ),
    ("secret.clickhouse_secret", ("4b1d",), r"4b1d(?P<b>[A-Za-z0-9]{38})"),
    ("secret.maxmind_license_key", ("_mmk",), r"(?P<b>[A-Za-z0-9]{6}_[A-Za-z0-9]{29})_mmk"),
    (
        "secret.settlemint_token",
        ("sm_pat_", "sm_aat_", "sm_sat_"),
        r"sm_(?:pat|aat|sat)_(?P<b>[A-Za-z0-9]{16})",
    ),
    (
        "secret.teams_webhook",
        ("webhookb2",),
        r"https://[a-z0-9\-]+\.webhook\.office\.com/webhookb2/[a-z0-9\-]{36}@[a-z0-9\-]{36}"
        r"/IncomingWebhook/(?P<b>[a-z0-9]{32})/[a-z0-9\-]{36}",
    ),
    ("secret.yandex_api_key", ("aqvn",), r"AQVN(?P<b>[A-Za-z0-9_\-]{35,38})"),
)


def _literal_first(lookbehind: str, rx: str) -> str:
    """`lookbehind + rx` with the lookbehind moved behind rx's first character when that
    is a literal letter or digit (`gsk_...` -> `g(?<![...]g)sk_...`): the same condition,
    but `re` can then search for the literal prefix instead of trying every position."""
    first = rx[:1]
    if first.isalnum() and rx[1:2] not in ("?", "*", "+", "{"):
        return f"{first}{lookbehind[:-1]}{first}){rx[1:]}"
    return lookbehind + rx


_JFROG_REFERENCE = re.compile(rb"reftkn:\d\d:\d{10}:")


class VendorTokenRecognizer(FastPatternRecognizer):
    """API tokens whose vendor prefix makes them recognizable on their own (npm, PyPI,
    Docker, Atlassian, Groq, Google OAuth, SendGrid, ...): the prefix is the anchor and
    the random part must look random."""

    ENTITY = "API_TOKEN"
    PATTERNS = tuple(
        Pattern(name, _literal_first(r"(?<![\w\-.+/])", rx) + r"(?![\w\-])", 0.9)
        for name, _, rx in _RULES
    )
    ANCHORS = tuple(sorted({a for _, anchors, _ in _RULES for a in anchors}))
    PATTERN_GATES: ClassVar[dict[str, tuple[str, ...]]] = {
        name: anchors for name, anchors, _ in _RULES
    }
    REACH = (48, 1100)

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        body = match.group("b") or match.groupdict().get("b2") or ""
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

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return doc_placeholder(match.group("b") or match.groupdict().get("b2") or "")


def _grafana_key(body: str) -> bool:
    """A Grafana API key is base64 JSON {"k": key, "n": name, "id": org}."""
    try:
        data = json.loads(base64.b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(data, dict) and {"k", "n", "id"} <= data.keys()
