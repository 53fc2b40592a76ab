"""Compliance presets through the proxy, with the real SDKs."""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import openai
import pytest

from tests.e2e.clients import anthropic_client, openai_client
from tests.e2e.conftest import Proxy, base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider

CARD = "4111 1111 1111 1111"


@pytest.fixture(scope="module")
def compliant(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple
) -> Iterator[Proxy]:
    policy = {"preset": ["pci-dss", "hipaa", "secrets-strict"]}
    p = start_proxy(
        tmp_path_factory.mktemp("presets"), base_config(fake, fake_tls[0], policy=policy)
    )
    yield p
    p.stop()


def test_pci_dss_redacts_the_card_number_and_blocks_its_cvv(
    compliant: Proxy, fake: FakeProvider
) -> None:
    client = openai_client(compliant, max_retries=0)
    client.chat.completions.create(
        model="gpt-x", messages=[{"role": "user", "content": f"refund card {CARD} today"}]
    )
    assert (
        CARD not in fake.received[-1].body.decode()
        and "<CREDIT_CARD>" in fake.received[-1].body.decode()
    )
    fake.reset()
    with pytest.raises(openai.PermissionDeniedError):
        client.chat.completions.create(
            model="gpt-x", messages=[{"role": "user", "content": f"card {CARD}, CVV 123"}]
        )
    assert fake.received == []


def test_hipaa_redacts_a_medical_record_number(compliant: Proxy, fake: FakeProvider) -> None:
    client = anthropic_client(compliant, max_retries=0)
    client.messages.create(
        model="claude-x",
        max_tokens=20,
        messages=[{"role": "user", "content": "Summarise the visit of MRN: 84736251 yesterday"}],
    )
    sent = fake.received[-1].body.decode()
    assert "84736251" not in sent and "<MEDICAL_RECORD_NUMBER>" in sent


def test_secrets_strict_blocks_instead_of_redacting(compliant: Proxy, fake: FakeProvider) -> None:
    key = "sk-proj-" + "Zq8Wm3Rt6Yp1Ks4Dv7Gh0Jn2Lc5Xb9Fe" * 2
    with pytest.raises(anthropic.PermissionDeniedError):
        anthropic_client(compliant, max_retries=0).messages.create(
            model="claude-x", max_tokens=20, messages=[{"role": "user", "content": f"key {key}"}]
        )
    assert fake.received == []
