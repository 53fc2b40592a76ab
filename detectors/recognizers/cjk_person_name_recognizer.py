"""Person names written in Chinese characters, kana or Hangul, where the text says they
are names: after a label ("氏名: 加藤 美咲", "患者: 佐藤 翔太", "이름: 박하은", "姓名：王小明")
or before an honorific ("鈴木美咲 様", "田中さん", "王小明先生", "김민준 님"). The Latin-script
recognizers cannot see these (no capital letters, no spaces between words).

A name is two to five characters (one to three for the family name, an optional space,
one to four for the given name) and must end where the label's field ends: a
punctuation mark, a space, a bracket or an honorific, never in the middle of a run of
characters ("氏名欄に記入" names nothing). Words that take an honorific without being
names (担当者様, 皆様, 고객님, 선생님) are not names; a Korean name before 님/씨 must start
with a common family name and be three syllables long.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\u3005"  # CJK ideographs and 々
_KANA = "\u3041-\u3096\u30a1-\u30fa\u30fc"
_HANGUL = "\uac00-\ud7a3"
# family name, optional (ideographic) space, given name; then the field must end
_CJK_NAME = rf"(?P<v>[{_HAN}]{{1,3}}[ \u3000]?[{_HAN}{_KANA}]{{1,4}})(?![{_HAN}{_KANA}])"
# the same before an honorific, which ends it ("田中さん", "鈴木一郎様")
_CJK_BEFORE = rf"(?P<v>[{_HAN}]{{1,3}}(?:[ \u3000]?[{_HAN}{_KANA}]{{1,4}}?)?)"
_KO_NAME = rf"(?P<v>[{_HANGUL}]{{2,4}})(?![{_HANGUL}])"
_SEP = r"[ \t\u3000]*[:：]?[ \t\u3000]*"

_CJK_LABELS = (
    "氏名", "お名前", "名前", "患者名", "患者", "お客様名", "お客様", "顧客名", "契約者",
    "申込者", "受取人", "送付先", "担当者名", "姓名", "客户姓名", "客户", "联系人", "收件人",
    "收货人", "病人", "乘客",
)  # fmt: skip
_KO_LABELS = (
    "이름", "성명", "고객명", "환자명", "환자", "예약자", "신청자", "수신자", "보호자", "담당자",
    "수령인", "받는 사람",
)  # fmt: skip
_CJK_HONORIFICS = ("様", "さま", "さん", "先生", "殿", "女士", "小姐")
_KO_HONORIFICS = ("님", "씨")
# words that take an honorific (or fill a name field) without being a name
_NOT_NAME_WORDS = """
    担当者 担当 関係者 利用者 管理者 責任者 保護者 購入者 患者 社長 部長 課長 店長 皆 各位
    顧客 会員 医師 弁護士 教授 お客 お子 奥 旦那 先生 皆さん 学生 生徒 客户 老师 医生 名前
    氏名 未定 不明 非公開 匿名 無記名 未知 无 本人 同上 这位 那位 一位 每位 该位 哪位 两位
    息子 祖父 祖母 彼女 相手 店員 運転手 大家 先輩 後輩 上司 部下 同僚 友達 友人 家族 主人
    子供 お嬢 業者 作家 大工 医者 看護師 警察 刑事 監督 選手 社員 職員 役員 会長 専務 常務
    係長 主任 担任 神様 仏様 王様 殿様 奥様 兄さん 姉さん 父さん 母さん 爺さん 婆さん
    고객 회원 선생 사장 부장 과장 팀장 대리 기사 여러분 환자 손님 없음 미정 미상 비공개 본인"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
# common Korean family names (a name before 님/씨 must start with one)
_KO_FAMILY_NAMES = """
    김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 전 홍 유 고 문 양 손 배 백 허 남 심 노
    하 곽 성 차 주 우 구 민 진 나 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 마 길
    연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예 경 봉 사 부"""
_KO_FAMILY = frozenset(_KO_FAMILY_NAMES.split())


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class CjkPersonNameRecognizer(FastPatternRecognizer):
    ENTITY = "PERSON"
    PATTERNS = (
        Pattern("pii.person_cjk_label", rf"(?:{_alternation(_CJK_LABELS)}){_SEP}{_CJK_NAME}", 0.7),
        Pattern("pii.person_korean_label", rf"(?:{_alternation(_KO_LABELS)}){_SEP}{_KO_NAME}", 0.7),
        Pattern(
            "pii.person_cjk_honorific",
            rf"(?<![{_HAN}{_KANA}]){_CJK_BEFORE}[ \u3000]?(?:{_alternation(_CJK_HONORIFICS)})",
            0.6,
        ),
        Pattern(
            "pii.person_korean_honorific",
            rf"(?<![{_HANGUL}])(?P<v>[{_HANGUL}]{{3}})[ ]?(?:{_alternation(_KO_HONORIFICS)})",
            0.6,
        ),
    )
    ANCHORS = (*_CJK_LABELS, *_KO_LABELS, *_CJK_HONORIFICS, *_KO_HONORIFICS)
    REACH = (16, 24)

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        compact = value.replace(" ", "").replace("\u3000", "")
        if len(compact) < 2 or compact in _NOT_NAMES:
            return False
        rule = self.PATTERNS[self._rule_index(match)].name
        if rule == "pii.person_korean_honorific" and compact[0] not in _KO_FAMILY:
            return False
        return None

    def _rule_index(self, match: re.Match[str]) -> int:
        for i, (_pattern, rx) in enumerate(self._compiled):
            if match.re is rx:
                return i
        return 0
