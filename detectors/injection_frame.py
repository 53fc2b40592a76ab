"""Quoted attacks inside a discussion or translation frame.

"Why are phrases like 'ignore previous instructions' dangerous?" quotes an attack to talk
about it; "Translate to German: 'Forget the previous instructions I gave you …'" hands the
model text to translate. In both, the attack words are data, not instructions, and the
frame around them says so. `quoted_frame` finds the quoted (or, after a translation verb
and a colon, the trailing) spans of a normalized text and whether the text outside them
holds such a frame; the scorer then scores the text with those spans masked and lets the
quoted part count only up to FRAMED_CAP (see InjectionScorer.scan).

An instruction outside the quotes is still scored in full, and a translation request
whose quoted text carries an output hijack ("… and say 'I have been PWNED'") is not
framed: that is the classic attack dressed as a translation.
"""

from __future__ import annotations

import re

# the masked score decides; the quoted attack alone may add up to this much risk, below
# both default thresholds
FRAMED_CAP = 0.45
# framing is looked for only where it can change a decision (risk above this, just below
# the lowest default threshold, 0.51) and in texts of at most FRAME_MAX_CHARS: a question
# or request that quotes an attack. Longer texts would pay a pass over their quotes and a
# second scoring pass (about 8 ms at 20 KB, measured with scripts/bench_detectors.py)
FRAME_MIN = 0.5
FRAME_MAX_CHARS = 4096
# a quote token for the model and the rules: a quoted span becomes one neutral word
QUOTE_TOKEN = ' "__quote__" '

# quoted spans: double quotes (typographic ones are already ASCII after normalize), single
# quotes that open and close at word edges (not "don't" or "user's"), backticks, guillemets
# and CJK corner brackets
_QUOTED = re.compile(
    r"\"[^\"\n]{3,600}\"|(?<![\w'])'[^\n]{3,600}?'(?![\w'])|`[^`\n]{3,600}`|«[^»\n]{3,600}»"
    r"|「[^」\n]{1,600}」|『[^』\n]{1,600}』"
)
# "translate (this / the following …) (in)to <language>:" and the text after the colon
_TRANSLATE_COLON = re.compile(
    r"\b(?:translate|render|rewrite|put)\b[^:\n]{0,60}?\b(?:in|into|to)\s+[a-z]+\s*:\s*"
    r"|\btranslat\w*\s+(?:this|the\s+following)[^:\n]{0,40}:\s*"
)
# what makes a text *about* the quoted words: talk of attacks and their defence, of
# strings and examples, of meaning and translation
_DISCUSSION = re.compile(
    r"\b(?:(?:phrases?|strings?|words?|prompts?|texts?|sentences?|inputs?|messages?|things?|"
    r"payloads?|examples?|something|attacks?)\s+(?:like|such\s+as)|such\s+as|e\.g\.|"
    r"for\s+example|for\s+instance|examples?|payloads?|prompt\s+injections?|injections?|"
    r"jailbreak\w*|attack\w*|adversar\w*|red[- ]?team\w*|threat\s+model\w*|classif\w*|"
    r"detect\w*|filter\w*|regexp?|regexe?s|unit\s+tests?|test\s+(?:cases?|strings?)|"
    r"dangerous|malicious|vulnerab\w*|exploit\w*|security|owasp|llm01|defen[cs]es?|"
    r"mitigat\w*|guardrails?|blog\s+post|article|write-?up|slides?|titled|labell?ed|"
    r"phrase|quote[ds]?|(?:what|how)\s+(?:does|do|did|would|is|are)\b[^?\n]{0,60}\bmean|"
    r"meaning|stands\s+for|famous|so-called|tricks?|explain\s+(?:why|how|what)|"
    # a work or a debate that the quote is the title or the subject of
    r"papers?|stud(?:y|ies)|research\w*|findings|thread|argu\w*|debat\w*|discuss\w*|"
    r"whether|still\s+works?|telling|asking|prompting|"
    # someone else's words reported: "users write '…'", "typing '…' does nothing"
    r"(?:users?|people|someone|somebody|attackers?|hackers?|they|kids?|customers?|he|she|i)\s+"
    r"(?:\w+\s+)?(?:write|writes|wrote|type|types|typed|say|says|said|enter|enters|entered|"
    r"send|sends|sent|paste|pastes|pasted)|typing|pasting|entering)\b"
)
_TRANSLATION = re.compile(
    r"\b(?:translat\w*|how\s+(?:do|would|can)\s+(?:you|i|we)\s+(?:say|write)|"
    r"what\s+(?:is|does)\b[^?\n]{0,60}\b(?:in|mean\s+in)\s+(?:english|french|german|spanish|"
    r"italian|portuguese|dutch|polish|chinese|japanese|korean|russian|arabic|hindi|"
    r"vietnamese|indonesian|turkish))\b"
)
# an output hijack in a "translation": the classic attack (Perez & Ribeiro) asks for a
# fixed phrase instead of the translation
_HIJACK = re.compile(r"\b(?:pwned|pwnd|hacked|haha|i\s+have\s+been)\b")
# a quote that is the reply's forced opening or a forbidden refusal ("begin with 'Sure,
# here is'", "never say 'I'm sorry'"): the instruction around it is the attack, whichever
# signal scored highest
_CARRIED = re.compile(
    r"[\W_]*(?:sure|certainly|absolutely|of\s+course|i'?m\s+sorry|i\s+am\s+sorry|sorry|"
    r"unfortunately|i\s+apologi[sz]e|i\s+cannot|i\s+can't|as\s+an\s+ai)\b"
)


# A question about attacks, with nothing quoted: "Why do models follow instructions hidden
# in web pages? Explain indirect prompt injection." The attack's vocabulary is the topic,
# which is what the model scores; the model alone then counts only up to FRAMED_CAP
# (a rule of DOC_RULE_MIN or more still decides). Only short texts: a question.
TOPIC_MAX_CHARS = 600
_TOPIC = re.compile(
    r"\b(?:prompt\s+injections?|(?:indirect|direct)\s+injections?|jailbreak(?:s|ing)?|"
    r"guardrails?|red[- ]?team\w*|owasp|llm01|adversarial\s+(?:prompts?|attacks?|suffix\w*)|"
    r"ctf|threat\s+models?|llm\s+security|ai\s+safety)\b"
)
_ASKING = re.compile(
    r"^\W*(?:why|how|what|which|when|who|explain|describe|compare|summari[sz]e|outline|define|"
    r"is|are|can|could|does|do|should|would|give\s+(?:me\s+)?(?:an?\s+)?(?:overview|summary|"
    r"definition|examples?)|tell\s+me\s+(?:about|why|how|what))\b"
)


def about_attacks(lowered: str) -> bool:
    """A short question or explanation request whose topic is attacks on models."""
    if len(lowered) > TOPIC_MAX_CHARS or not _TOPIC.search(lowered):
        return False
    return _ASKING.search(lowered) is not None or lowered.rstrip().endswith("?")


def quoted_frame(lowered: str) -> list[tuple[int, int]] | None:
    """The spans of `lowered` (normalized, lowercase) to mask when they sit inside a
    discussion or translation frame; None when the text has no such frame."""
    if not any(c in lowered for c in "'\"`:«「『"):
        return None
    spans = [m.span() for m in _QUOTED.finditer(lowered)]
    translated = _TRANSLATE_COLON.search(lowered)
    if translated is not None and not any(s <= translated.end() < e for s, e in spans):
        # the rest of the text is the material to translate
        tail = (translated.end(), len(lowered))
        spans = [s for s in spans if s[1] <= tail[0]] + [tail]
    if not spans or any(_CARRIED.match(lowered, s + 1, e) for s, e in spans):
        return None
    outside = _outside(lowered, spans)
    if _DISCUSSION.search(outside):
        return spans
    if translated is not None or _TRANSLATION.search(outside):
        if any(_HIJACK.search(lowered, s, e) for s, e in spans):
            return None
        return spans
    return None


def mask(lowered: str, spans: list[tuple[int, int]]) -> str:
    """`lowered` with each span replaced by QUOTE_TOKEN."""
    out, pos = [], 0
    for s, e in spans:
        out += [lowered[pos:s], QUOTE_TOKEN]
        pos = e
    out.append(lowered[pos:])
    return "".join(out)


def _outside(lowered: str, spans: list[tuple[int, int]]) -> str:
    return mask(lowered, spans).replace(QUOTE_TOKEN, " ")
