"""Regex pieces shared by the recognizers that find a value after a word naming it
(passport, driver's licence, medical record, date of birth). Not a recognizer."""

from __future__ import annotations

# what may stand between the naming word and the value: punctuation and the small words
# of "number: ", "no. ", "n° ", "is ", "ist ", "(MRN) " in several languages
FILLER = (
    r"(?:[ \t:#.\-=()°º/—–]+|(?i:number|numbers|num|nummer|numer|numero|número|numéro|no|"
    r"nr|n|id|is|ist|est|es|è|was|of|the|my|card|du|de|del|di|van|mrn|on|at|it[’']s|it|"
    r":)(?![^\W\d_]))"
    r"{0,8}?"
)
# a value token ends where a word character or a hyphenated continuation would follow
END = r"(?![\w\-]|[.,/]\d)"
START = r"(?<![\w\-])"
