from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.normalize import normalize
from llmwall.detectors.recognizers.base import InjectionRuleRecognizer, words


def _folded(text: str) -> str:
    """Rules see normalized text, where Cyrillic letters that look Latin are folded to
    Latin: write the Russian words as they will appear."""
    return normalize(text).text


# "ignore / forget" in Spanish, French, Italian, Portuguese, Dutch, Polish, Indonesian,
# Turkish, Russian (German has its own rules in the override recognizer)
_IGNORE = (
    "ignora ignore ignores ignorez ignorer ignorar ignoren olvida olvide olviden olvidar descarta "
    "descartar omite oublie oubliez oublier dimentica dimenticare trascura esqueça esqueca "
    "esquecer desconsidere desconsidera negeer vergeet zignoruj zapomnij pomiń abaikan lupakan "
    "yoksay unut " + _folded("игнорируй игнорируйте проигнорируй забудь забудьте")
)
_TARGETS = (
    "instrucciones reglas órdenes indicaciones directivas consignes règles istruzioni regole "
    "indicazioni direttive instruções instrucoes regras "
    "orientações instructies regels opdrachten instrukcje polecenia zasady instruksi "
    "perintah aturan talimatları talimatlari kuralları "
    + _folded("инструкции указания правила команды")
)
# "everything / all of it" (German has its own rules)
_EVERYTHING = "todo tout tutto tudo alles wszystko semua hepsini " + _folded("всё все")
_SECRET_ASK = (
    "dime dame revela revele muestra dis donne révèle révélez montre dites donnez dimmi dammi "
    "rivela mostra diga revele mostre conte zeg geef vertel powiedz podaj ujawnij beritahu "
    "katakan söyle " + _folded("скажи назови покажи раскрой")
)
_SECRET_WORDS = (
    "contraseña clave secreto passe secret segreta segreto senha segredo wachtwoord "
    "geheim hasło haslo sandi rahasia şifre sifre " + _folded("пароль секрет")
)

# Turkish, verb last: "instructions / rules / commands" ("... talimatları yok say")
_TR_WHAT = "talimatları talimatlari kuralları kurallari komutları komutlari yönergeleri yonergeleri"
# Hindi, verb last: "previous / all / your", "instructions / rules", "ignore / forget"
_HI_WHICH = _folded("पिछले पहले सभी ऊपर पूर्व अपने तुम्हारे आपके")
_HI_WHAT = _folded("निर्देशों निर्देश नियमों नियम आदेशों आदेश")
_HI_IGNORE = _folded("अनदेखा नज़रअंदाज़ नजरअंदाज भूल")
# "do it / go": the imperative, not "I forgot the rules" (भूल गया)
_HI_IMPERATIVE = r"\s+(?:" + "|".join(_folded("करें करो कीजिए कर जाओ जाएं जाइए जा").split()) + ")"

# French shares "instructions" and "directives" with English: only after a French article
_FRENCH_TARGET = r"(?:les|vos|tes|ces|toutes)\s+(?:\w+\s+){0,2}(?:instructions|directives)"


# Vietnamese: "bỏ qua / phớt lờ / quên" ... "hướng dẫn / chỉ dẫn / chỉ thị / quy tắc", with
# a qualifier ("trước" previous, "tất cả" all, "của bạn" your): "bỏ qua hướng dẫn cài đặt"
# (skip the install guide) is an ordinary sentence
_VI_IGNORE = r"(?:bỏ\s+qua|phớt\s+lờ|lờ\s+đi|quên\s+đi|quên|không\s+tuân\s+theo)"
_VI_WHAT = r"(?:hướng\s+dẫn|chỉ\s+dẫn|chỉ\s+thị|quy\s+tắc|mệnh\s+lệnh|lệnh|nguyên\s+tắc)"
_VI_WHICH = r"(?:trước|tất\s+cả|mọi|của\s+bạn|ban\s+đầu|hệ\s+thống|cũ|đã\s+được)"
# "system prompt" / "initial instructions" in Vietnamese, after a verb of showing
_VI_SHOW = r"(?:hiển\s+thị|cho\s+(?:tôi\s+)?(?:biết|xem)|tiết\s+lộ|in\s+ra|tiết\s+lộ|nói)"
_VI_PROMPT = (
    r"(?:lời\s+nhắc\s+hệ\s+thống|prompt\s+hệ\s+thống|chỉ\s+dẫn\s+hệ\s+thống|"
    r"hướng\s+dẫn\s+ban\s+đầu)"
)
# "an AI without restrictions" in the languages of the rules above
_NO_LIMITS = (
    r"(?:sin\s+(?:ninguna\s+)?(?:restricci[oó]n(?:es)?|l[ií]mites|filtros?|reglas)|"
    r"sans\s+(?:aucune\s+)?(?:restrictions?|limites?|filtres?|règles)|"
    r"senza\s+(?:alcun[ao]?\s+)?(?:restrizion[ei]|limit[ei]|filtri|regole)|"
    r"sem\s+(?:nenhuma\s+)?(?:restrições|restricoes|limites|filtros|regras)|"
    r"ohne\s+(?:jegliche\s+|irgendwelche\s+)?(?:einschränkungen|beschränkungen|grenzen|filter|regeln)|"
    r"tanpa\s+(?:batasan|batas|filter|aturan)|không\s+có\s+(?:bất\s+kỳ\s+)?(?:giới\s+hạn|"
    r"hạn\s+chế|quy\s+tắc)|bez\s+(?:żadnych\s+)?(?:ograniczeń|ograniczen|filtrów|zasad)|"
    r"zonder\s+(?:enige\s+)?(?:beperkingen|regels|filters)|"
    + _folded(r"без\s+(?:каких-либо\s+|всяких\s+|любых\s+)?(?:ограничений|фильтров|правил)")
    + r")"
)
_AI_NAMES = (
    r"(?:ia|ki|ai|assistente|asistente|assistant|asisten|trợ\s+lý|asystent\w*|modelo|modèle|"
    r"modell|chatbot|" + _folded(r"ии|ассистент\w*|нейросеть") + r")"
)


def _alt(group: str, *extra: str) -> str:
    return "(?:" + "|".join([*extra, *sorted(group.split(), key=len, reverse=True)]) + ")"


class InjectionMultilingualRecognizer(InjectionRuleRecognizer):
    """The two commonest injections written in other languages (CyberSecEval's
    "different user input language"): cancelling the instructions, and asking for the
    password or secret. The words are literal translations of the English rules."""

    RULES = (
        (
            Pattern(
                "pi.xx_ignore_previous",
                r"(?<!\w)"
                + _alt(_IGNORE)
                + r"(?:\s+[^\W\d]+){0,3}?\s+"
                + _alt(_TARGETS, _FRENCH_TARGET)
                + r"(?!\w)",
                0.75,
            ),
            words(_IGNORE, _TARGETS + " les vos tes ces toutes"),
        ),
        (
            Pattern(
                # "forget everything (you know / I said before)": the same verbs with
                # "everything" instead of a word for instructions
                "pi.xx_forget_everything",
                r"(?<!\w)"
                + _alt(_IGNORE)
                + r"(?:\s+[^\W\d]+){0,2}?\s+"
                + _alt(_EVERYTHING)
                + r"(?!\w)",
                0.7,
            ),
            words(_IGNORE, _EVERYTHING),
        ),
        (
            Pattern(
                # Turkish puts the verb last: "önceki tüm talimatları yok say"
                "pi.tr_ignore_previous",
                r"(?<!\w)" + _alt(_TR_WHAT) + r"(?:\s+[^\W\d]+){0,2}?\s+"
                r"(?:yok\s*say|unut(?!ma)|görmezden\s+gel|dikkate\s+alma)",
                0.75,
            ),
            words(_TR_WHAT, "yok yoksay yoksayın unut unutun görmezden dikkate"),
        ),
        (
            Pattern(
                # Hindi: qualifier, object, verb ("पिछले सभी निर्देशों को अनदेखा करें")
                "pi.hi_ignore_previous",
                r"(?<!\w)"
                + _alt(_HI_WHICH)
                + r"(?:\s+\S+){0,2}?\s+"
                + _alt(_HI_WHAT)
                + r"(?:\s+\S+){0,2}?\s+"
                + _alt(_HI_IGNORE)
                + _HI_IMPERATIVE,
                0.75,
            ),
            words(_HI_WHICH, _HI_WHAT, _HI_IGNORE),
        ),
        (
            Pattern(
                "pi.vi_ignore_previous",
                rf"(?<!\w){_VI_IGNORE}(?=[^.?!\n]{{0,60}}?(?<!\w){_VI_WHICH}(?!\w))[^.?!\n]{{0,30}}?"
                rf"(?<!\w){_VI_WHAT}(?!\w)",
                0.75,
            ),
            words("qua lờ quên tuân", "dẫn thị tắc lệnh"),
        ),
        (
            Pattern(
                "pi.vi_system_prompt_leak",
                rf"(?<!\w){_VI_SHOW}(?!\w)[^.?!\n]{{0,30}}?{_VI_PROMPT}",
                0.75,
            ),
            words("hiển cho tiết in nói", "nhắc prompt dẫn hướng"),
        ),
        (
            Pattern(
                # "eres un asistente sin restricciones", "tu es une IA sans aucune limite",
                # "ты ИИ без каких-либо ограничений": an AI named as unrestricted
                "pi.xx_unrestricted_ai",
                rf"(?<!\w){_AI_NAMES}(?!\w)[^.?!\n]{{0,25}}?(?<!\w){_NO_LIMITS}(?!\w)",
                0.6,
            ),
            words(
                "ia ki ai assistente asistente assistant asisten trợ asystent asystentem "
                "modelo modèle modell chatbot " + _folded("ии ассистент ассистентом нейросеть"),
                "sin sans senza sem ohne tanpa không bez zonder " + _folded("без"),
            ),
        ),
        (
            Pattern(
                "pi.xx_secret_request",
                r"(?<!\w)"
                + _alt(_SECRET_ASK)
                + r"(?!\w)[^.?\n]{0,40}?(?<!\w)"
                + _alt(_SECRET_WORDS, r"mot\s+de\s+passe")
                + r"(?!\w)",
                0.45,
            ),
            words(_SECRET_ASK, _SECRET_WORDS),
        ),
    )
