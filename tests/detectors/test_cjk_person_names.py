"""Names in Chinese characters, kana and Hangul, where a label or an honorific says so."""

from __future__ import annotations

import pytest

from llmwall.detectors.engine import Detector, DetectorConfig


@pytest.fixture(scope="module")
def det():
    d = Detector(DetectorConfig(cache_size=0, disabled=frozenset({"PROMPT_INJECTION"})))
    yield d
    d.close()


def names(det: Detector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in det.scan(text) if f.entity == "PERSON"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("社員情報\n氏名: 加藤 美咲\n生年月日: 1994年4月28日", "加藤 美咲"),
        ("患者: 佐藤 翔太（59歳）", "佐藤 翔太"),
        ("お客様: 鈴木美咲 様、電話番号 06-8375-9054", "鈴木美咲"),
        ("田中さんが来ました", "田中"),
        ("鈴木一郎様へのご連絡", "鈴木一郎"),
        ("姓名：王小明，电话 138 0000 0000", "王小明"),
        ("王小明先生好", "王小明"),
        ("회원정보 — 이름: 박하은, 주민등록번호", "박하은"),
        ("고객명: 김하은, 연락처: +82 10-5240-8811", "김하은"),
        ("김민준 님께 보내 주세요", "김민준"),
        ("이민호 씨가 왔어요", "이민호"),
    ],
)
def test_labelled_and_honoured_names(det: Detector, text: str, name: str) -> None:
    assert name in names(det, text)


@pytest.mark.parametrize(
    "text",
    [
        "担当者様へ",
        "皆様こんにちは",
        "お疲れ様です",
        "息子さんは元気ですか",
        "氏名欄に記入してください",
        "王先生您好",  # a family name alone
        "这位女士的订单",
        "고객님 안녕하세요",
        "선생님 감사합니다",
        "이름: 없음",
        "社長さんに聞いてください",
    ],
)
def test_words_that_take_an_honorific_are_not_names(det: Detector, text: str) -> None:
    assert names(det, text) == []
