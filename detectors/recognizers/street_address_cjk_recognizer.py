"""Street addresses of Japan, Korea and China, which are written largest unit first and
without spaces between the parts: a prefecture, province or metropolitan city, then
cities, wards and districts, then the block or road and its numbers.

- Japan: "東京都千代田区丸の内2-3-16", "京都府京都市中京区烏丸通4-1-28", "大阪市北区梅田1丁目2番3号"
  (a prefecture, or a label 住所 / 所在地, before a city, ward, town or village and a
  block number);
- Korea: "서울특별시 강남구 테헤란로 56", "경기도 성남시 분당구 판교역로 235" (a province or
  metropolitan city, districts, then a road name ending in 로 or 길 and its number);
- China: "北京市朝阳区建国路88号", "广东省深圳市南山区科技园路1号" (province or city, district, a
  road and 号).
Each form needs its last part (the numbers), so a place name alone is not an address.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\u3005\u30f6"  # ideographs, 々 and ヶ
_KANA = "\u3041-\u3096\u30a1-\u30fa\u30fc"
_DIGIT = "0-9０-９"
_PREFECTURES = [
    "北海道",
    "東京都",
    "大阪府",
    "京都府",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
]
_JP_LABELS = ("住所", "所在地", "現住所", "送付先", "お届け先")
# cities, wards, counties, towns, villages (one to three of them), then the block:
# numbers joined by - or ー, or written with 丁目 / 番地 / 番 / 号
_JP_REST = (
    rf"(?:[{_HAN}{_KANA}]{{1,8}}?[市区郡町村]){{1,3}}[{_HAN}{_KANA}]{{0,10}}?"
    rf"[{_DIGIT}]{{1,4}}(?:(?:[\-－ー‐−]|丁目|番地|番|の)[{_DIGIT}]{{1,4}}){{0,3}}(?:号|番地|丁目)?"
)
_KO_REGIONS = [
    "서울특별시",
    "부산광역시",
    "대구광역시",
    "인천광역시",
    "광주광역시",
    "대전광역시",
    "울산광역시",
    "세종특별자치시",
    "경기도",
    "강원특별자치도",
    "강원도",
    "충청북도",
    "충청남도",
    "전북특별자치도",
    "전라북도",
    "전라남도",
    "경상북도",
    "경상남도",
    "제주특별자치도",
    "서울시",
    "서울",
    "부산시",
    "인천시",
    "대구시",
    "대전시",
    "광주시",
    "울산시",
]
_KO_REST = (
    r"(?:[ \t]?[가-힣]{1,6}(?:시|군|구))*[ \t]?[가-힣0-9]{1,10}(?:로|길)"
    r"[ \t]?\d{1,4}(?:-\d{1,4})?(?:번길[ \t]?\d{1,4})?"
)
_CN_PROVINCES = [
    "北京市",
    "上海市",
    "天津市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港",
    "澳门",
]
_CN_REST = (
    rf"(?:[{_HAN}]{{1,6}}?[市区县镇])*[{_HAN}{_DIGIT}]{{1,12}}?(?:路|街|道|巷|大道)"
    rf"[{_DIGIT}]{{1,5}}号(?:[{_HAN}{_DIGIT}]{{0,10}}?(?:室|楼|栋|座))?"
)


def _any(words: list[str] | tuple[str, ...]) -> str:
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


class StreetAddressCjkRecognizer(FastPatternRecognizer):
    ENTITY = "STREET_ADDRESS"
    PATTERNS = (
        Pattern("pii.street_address_jp", rf"(?P<v>{_any(_PREFECTURES)}{_JP_REST})", 0.85),
        Pattern(
            "pii.street_address_jp_label",
            rf"{_any(_JP_LABELS)}[ \t\u3000]*[:：]?[ \t\u3000]*(?P<v>{_JP_REST})",
            0.85,
        ),
        Pattern("pii.street_address_kr", rf"(?P<v>{_any(_KO_REGIONS)}{_KO_REST})", 0.85),
        Pattern(
            "pii.street_address_kr_label",
            rf"주소[ \t]*[:：]?[ \t]*(?P<v>(?:[가-힣]{{1,6}}(?:시|도)[ \t]?)?{_KO_REST})",
            0.85,
        ),
        Pattern("pii.street_address_cn", rf"(?P<v>{_any(_CN_PROVINCES)}{_CN_REST})", 0.85),
    )
    ANCHORS = (*_PREFECTURES, *_JP_LABELS, *_KO_REGIONS, "주소", *_CN_PROVINCES)
    REACH = (16, 80)
