"""Street address forms of Japan, Korea, China, Belgium, the Netherlands and Australia."""

from __future__ import annotations

import pytest

from llmwall.detectors.engine import Detector, DetectorConfig


@pytest.fixture(scope="module")
def det():
    d = Detector(DetectorConfig(cache_size=0, disabled=frozenset({"PROMPT_INJECTION"})))
    yield d
    d.close()


def streets(det: Detector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in det.scan(text) if f.entity == "STREET_ADDRESS"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("住所: 東京都千代田区丸の内2-3-16\n携帯: 090", "東京都千代田区丸の内2-3-16"),
        ("京都府京都市中京区烏丸通4-1-28 に送ってください", "京都府京都市中京区烏丸通4-1-28"),
        ("大阪府大阪市北区梅田1丁目2番3号", "大阪府大阪市北区梅田1丁目2番3号"),
        ("所在地：横浜市西区みなとみらい2-2-1", "横浜市西区みなとみらい2-2-1"),
        ("주소: 서울특별시 강남구 테헤란로 56, 휴대폰", "서울특별시 강남구 테헤란로 56"),
        ("경기도 성남시 분당구 판교역로 235", "경기도 성남시 분당구 판교역로 235"),
        ("地址：北京市朝阳区建国路88号", "北京市朝阳区建国路88号"),
        ("Kerkstraat 346-hs, 9711 LM Groningen", "Kerkstraat 346-hs, 9711 LM Groningen"),
        (
            "Laan van Meerdervoort 346, 3011 AB Rotterdam",
            "Laan van Meerdervoort 346, 3011 AB Rotterdam",
        ),
        ("Rue de la Loi 16, 1000 Bruxelles", "Rue de la Loi 16, 1000 Bruxelles"),
        ("298 Anzac Parade, Brisbane QLD 4000", "298 Anzac Parade, Brisbane QLD 4000"),
    ],
)
def test_address_forms(det: Detector, text: str, address: str) -> None:
    assert address in streets(det, text)


@pytest.mark.parametrize(
    "text",
    [
        "東京都は日本の首都です",
        "東京都内で3回目の会議",
        "서울특별시는 크다",
        "경기도 2곳에서",
        "北京市很大",
        "Place 2 is free",
        "I took Route 66 west",
        "12 Parade of champions",
        "version 3-rc2 of Laan",
    ],
)
def test_place_names_alone_are_not_addresses(det: Detector, text: str) -> None:
    assert streets(det, text) == []
