from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import InjectionRuleRecognizer, words

_MODES = (
    r"(?:developer|dev|god|debug|sudo|admin|maintenance|system|diagnostic|test(?:ing)?|"
    r"unrestricted|root|super\s?user|override|jailbreak|unlocked|uncensored)"
)


class InjectionTechniqueRecognizer(InjectionRuleRecognizer):
    """Named injection techniques from the public taxonomies (mode switches, encoded
    exfiltration, authority and priority claims, payload splitting, fiction framing).
    Weights stay low where benign text uses the same words: the model must agree."""

    RULES = (
        (
            Pattern(
                # hiding the action from the person it concerns: "Do not tell the user",
                # "without informing the user", in poisoned tool descriptions and planted
                # text. Weak on its own (system prompts say it of internal details too),
                # so in capped text it never decides; elsewhere the model must agree
                "pi.conceal_from_user",
                r"\b(?:do\s+not|don't|never|without)\s+(?:\w+\s+)?(?:tell(?:ing)?|mention(?:ing)?|"
                r"inform(?:ing)?|notify(?:ing)?|alert(?:ing)?|warn(?:ing)?|let(?:ting)?)\s+"
                r"(?:it\s+to\s+)?(?:the|your|this)\s+(?:user|human|person)\b(?!['-]?s?\s*(?:agent|name))"
                r"|\bthis\s+(?:could|would|might|will)\s+(?:upset|worry|alarm|confuse)\s+the\s+user\b",
                0.45,
            ),
            words(
                "tell telling mention mentioning inform informing notify notifying alert "
                "alerting warn warning let letting upset worry alarm confuse",
                "user human person",
            ),
        ),
        (
            Pattern(
                "pi.mode_switch",
                r"\b(?:enter|entering|activate|activated|enable|enabled|"
                r"switch(?:ing)?\s+(?:to|into)|"
                r"now\s+in|you\s+are\s+(?:now\s+)?in|boot\s+into)\s+(?:the\s+)?"
                + _MODES
                + r"\s+mode\b"
                # a device's or an app's own developer mode is a how-to question
                r"(?!\s+(?:on|in|for|of)\s+(?:my\s+|the\s+|your\s+|an?\s+)?(?:android|iphone|ipad|"
                r"ios|phone|chrome|chromebook|browser|firefox|edge|windows|mac|macos|xbox|playstation|"
                r"ps5|switch|device|tablet|pixel|samsung|galaxy|kindle|tv|router|car|tesla|app|"
                r"extension|vs\s*code|discord|telegram|steam|roku|firestick|oculus|quest|watch)\b)",
                0.6,
            ),
            words("mode"),
        ),
        (
            Pattern(
                "pi.encoded_exfiltration",
                r"\b(?:encode|encrypt|spell|write|reverse|translate|convert|output|print|give|"
                r"tell)\b[^.\n]{0,40}\b(?:password|secret|key|system\s+prompt|instructions|"
                r"passcode)\b[^.\n]{0,40}\b(?:base64|hex(?:adecimal)?|binary|morse|rot13|backwards|"
                r"reversed?|leetspeak|one\s+letter|letter\s+by\s+letter|each\s+letter|"
                r"separated\s+by|acrostic|pig\s+latin|emoji)",
                0.6,
            ),
            words("password secret key prompt instructions passcode"),
        ),
        (
            Pattern(
                "pi.priority_claim",
                r"\b(?:this|these|my|the\s+following)\s+(?:instructions?|message|request|rules?|tool)\s+"
                r"(?:takes?|has|have|get|gets)\s+(?:precedence|priority)\b|\b(?:supersedes?|"
                # what a contract or a policy supersedes (agreements, versions, drafts,
                # instructions "given by the Client") is not the model's instructions
                r"overrides?)\s+(?:all|any|your|the)\s+(?:previous|prior|other|system|original)"
                r"\s+(?:\w+\s+)?(?:instructions?|prompts?|directives?|programming|rules|"
                r"guidelines|commands?)\b(?!\s+(?:given|issued|provided|sent|made)\s+by\b)"
                r"(?!\s+(?:for|on|regarding|about|concerning)\s+(?!(?:this|the)\s+(?:ai|model|"
                r"assistant|chat|conversation)))",
                0.6,
            ),
            words("precedence priority supersede supersedes override overrides"),
        ),
        (
            Pattern(
                "pi.authority_claim",
                r"\b(?:i\s+am|i'm|this\s+is)\s+(?:your|the|an?)\s+(?:developer|creator|admin|"
                r"administrator|owner|system\s+administrator|operator|programmer)\b",
                0.4,
            ),
            words("developer creator admin administrator owner operator programmer"),
        ),
        (
            Pattern(
                "pi.payload_splitting",
                r"\b[a-z]\w{0,2}\s*=\s*[\"'][^\"'\n]{1,30}[\"']\s*(?:[;,\n]|and\b)\s*[a-z]\w{0,2}\s*=\s*"
                r"[\"'][^\"'\n]{1,30}[\"'][\s\S]{0,120}?\b[a-z]\w{0,2}\s*\+\s*[a-z]\w{0,2}\b",
                0.45,
            ),
            words("=", "+"),
        ),
        (
            Pattern(
                "pi.fiction_unrestricted",
                r"\b(?:hypothetical(?:ly)?|imagine|pretend|role-?play|fictional|fiction|"
                r"in\s+a\s+world\s+where|let's\s+play\s+a\s+game|simulat\w+)\b[^.\n]{0,80}\b"
                r"(?:no\s+(?:rules|restrictions|limits|filters|guidelines|ethics)|"
                r"can\s+say\s+anything|anything\s+goes|without\s+(?:any\s+)?(?:rules|"
                r"restrictions|limits|filters|censorship)|not\s+bound\s+by)",
                0.45,
            ),
            words("rules restrictions limits filters guidelines ethics anything censorship bound"),
        ),
    )
    # payload splitting needs two quoted assignments in a row: `= "…"` then `;`/`,`/newline
    GATES: ClassVar[dict[str, str]] = {
        "pi.payload_splitting": r"=\s*[\"'][^\"'\n]{1,30}[\"']\s*(?:[;,\n]|and\b)"
    }
