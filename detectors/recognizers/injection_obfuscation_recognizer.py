from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import InjectionRuleRecognizer, words

_SECRET = (
    r"(?:password|passcode|passphrase|secret(?:\s+(?:key|word|code|phrase))?|(?:system|hidden|"
    r"initial|original)\s+prompt|credentials)"
)
# every match of _SECRET holds one of these words (rare, so they gate and seed the rule)
_SECRET_WORDS = "password passcode passphrase secret prompt credentials"


class InjectionObfuscationRecognizer(InjectionRuleRecognizer):
    """Obfuscated payloads from the public technique lists (CyberSecEval, OWASP LLM01):
    token smuggling (decode this, then follow it), payload splitting (join the parts,
    then act on them), "repeat this word forever", indirect
    references to what the model must not say, and secrets requested in a disguising
    output format."""

    RULES = (
        (
            Pattern(
                "pi.decode_and_follow",
                r"\b(?:decode|decrypt|decipher|translate|convert|interpret|unscramble|reverse)\w*"
                r"\b[^.\n]{0,60}?\b(?:base-?64|b64|rot-?13|hex(?:adecimal)?|binary|morse|caesar|"
                r"cipher|ascii|unicode|reversed|backwards|leetspeak|pig\s+latin|encoded|encrypted|"
                r"scrambled)\b[^\n]{0,100}?\b(?:(?:and|then)\s+(?:then\s+)?(?:follow|execute|obey|"
                r"do|perform|carry\s+out|answer|respond|comply|act\s+on|run)|follow(?:ing)?\s+"
                r"(?:the|its|those|these|any)\s+(?:decoded\s+)?(?:instructions?|directions?|"
                r"commands?|orders?))\b",
                0.6,
            ),
            words(
                "decode decrypt decipher translate convert interpret unscramble reverse "
                "decoded decoding",
                "base64 b64 rot13 rot hex hexadecimal binary morse caesar cipher ascii unicode "
                "reversed backwards leetspeak pig encoded encrypted scrambled",
            ),
        ),
        (
            Pattern(
                "pi.concat_payload",
                r"\b(?:combine|concatenate|join|merge|put\s+together|assemble|stitch|glue)\w*"
                r"\b[^.\n]{0,50}?\b(?:strings|parts|pieces|fragments|segments|halves|variables|"
                r"words|letters|tokens|chunks|syllables|a\s*\+\s*b)\b[^\n]{0,100}?\b(?:and|then)"
                r"\s+(?:then\s+)?(?:follow|execute|obey|answer|respond\s+to|perform|act\s+on|"
                r"carry\s+out|comply\s+with|do\s+(?:what|as)|treat)\b",
                0.5,
            ),
            words(
                "combine combined concatenate join merge put assemble stitch glue",
                "strings parts pieces fragments segments halves variables words letters tokens "
                "chunks syllables b",
            ),
        ),
        (
            Pattern(
                "pi.repeat_forever",
                r"\b(?:repeat|say|write|output|print|type)\b[^.\n]{0,40}?\b(?:word|token|phrase|"
                r"letter|string|character|sentence)?\b[^.\n]{0,30}?\b(?:forever|infinitely|"
                r"endlessly|indefinitely|without\s+stopping|nonstop|(?:a|one)\s+(?:hundred|thousand|"
                r"million)\s+times)\b",
                0.5,
            ),
            words(
                "repeat say write output print type",
                "forever infinitely endlessly indefinitely stopping nonstop hundred thousand "
                "million",
            ),
        ),
        (
            # a reference to the forbidden thing instead of its name
            Pattern(
                "pi.indirect_reference",
                r"\b(?:you(?:'re|'ve|\s+(?:are|were|have|had|'ve))?\s+(?:been\s+)?|you're\s+)"
                r"(?:(?:told|instructed|asked|programmed|trained|supposed|meant)\s+not\s+to\s+"
                r"(?:say|share|reveal|disclose|mention|discuss|tell|give|repeat|output|talk)|"
                r"(?:not\s+(?:allowed|permitted)|forbidden|prohibited|banned)\s+to\s+(?:say|share|"
                r"reveal|disclose|mention|output)|(?:told|instructed|asked|programmed|supposed|"
                r"meant)\s+to\s+(?:keep|hide|protect|guard|withhold))\b",
                0.45,
            ),
            words(
                "told instructed asked programmed trained supposed meant allowed permitted "
                "forbidden prohibited banned",
                "you you're you've",
            ),
        ),
        (
            # output formatting manipulation: the secret wrapped in a disguising format
            Pattern(
                "pi.secret_in_format",
                r"\b(?:write|put|encode|format|output|spell|hide|embed|include|turn|express|"
                r"give|tell|share|reveal|present|render|convert)\w*\b[^.\n]{0,40}?\b"
                + _SECRET
                + r"\b[^.\n]{0,50}?\b(?:as|in|into|inside|within|using)\s+(?:a|an|the|some)?\s*"
                r"(?:poem|song|acrostic|story|riddle|haiku|limerick|rhyme|rap|json|yaml|xml|csv|"
                r"table|code\s+block|python|list|spreadsheet|emoji|emojis|first\s+letters|"
                r"reverse|backwards|base64|hex|morse|binary|spaces|dashes|dots|characters|"
                r"letters|nato|phonetic|pig\s+latin)\b"
                # the format first: "a poem where the first letter of each line spells out
                # the secret"
                r"|\b(?:poem|song|acrostic|story|riddle|list|sentences?|lines)\b[^.\n]{0,60}?\b"
                r"(?:spell|spells|spelling|spelled|contain|contains|hide|hides|encode|encodes)"
                r"(?:\s+out)?\s+(?:the|your|this)\s+" + _SECRET + r"\b",
                0.55,
            ),
            words(
                _SECRET_WORDS,
                "poem song acrostic story riddle haiku limerick rhyme rap json yaml xml csv "
                "table code python list spreadsheet emoji emojis letters reverse backwards "
                "base64 hex morse binary spaces dashes dots characters nato phonetic pig",
            ),
        ),
    )
    # the forbidden act always follows "to": a literal-prefixed gate skips most texts
    GATES: ClassVar[dict[str, str]] = {
        "pi.indirect_reference": r"to\s+(?:say|share|reveal|disclose|mention|discuss|tell|give|"
        r"repeat|output|talk|keep|hide|protect|guard|withhold)\b",
    }
