"""Document text that addresses the assistant, in the major European and Asian languages.

The two shapes of the English indirect rules that planted text takes most often: a note
headed for the AI ("Nota para la IA que lea esto:", "给AI助手的说明：", "AI 어시스턴트에게:")
and an order to set the user's request aside ("ignora la richiesta dell'utente",
"不要理会用户的请求", "사용자의 요청을 무시하고"). Run on indirect text only (a subclass of
the indirect recognizer), where text that talks to the assistant is out of place.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.normalize import normalize
from llmwall.detectors.recognizers.base import words
from llmwall.detectors.recognizers.injection_indirect_recognizer import InjectionIndirectRecognizer


def _folded(text: str) -> str:
    """Rules see normalized text (Cyrillic look-alikes folded to Latin, NFKC): write the
    words as they will appear."""
    return normalize(text).text


def _alt(group: str) -> str:
    return "(?:" + "|".join(sorted(group.split("|"), key=len, reverse=True)) + ")"


# --- languages written with spaces between words: token-gated ---
# "note / instructions / attention" headed for the reader
_NOTE = (
    "nota|notas|note|notes|notiz|hinweis|anweisung|anweisungen|istruzioni|istruzione|"
    "instrucciones|instrucción|instruções|instrucoes|instrução|atenção|atencao|atención|"
    "attention|attenzione|aviso|avviso|catatan|instruksi|perhatian|pesan|lưu ý|ghi chú|chú ý|"
    "hướng dẫn|uwaga|notitie|opmerking|"
    + _folded("примечание|инструкция|инструкции|внимание|сообщение|указание")
)
_AI = (
    "ia|ki|ai|assistente|asistente|assistant|assistenten|asisten|trợ lý|asystenta|asystent|"
    "modelo|modèle|modell|sprachmodell|chatbot|llm|ki-assistent|ki-assistenten|"
    + _folded("ии|ассистента|ассистент|ассистенту|нейросети|модели")
)
_NOTE_WORDS = (
    "nota notas note notes notiz hinweis anweisung anweisungen istruzioni istruzione "
    "instrucciones instrucción instruções instrucoes instrução atenção atencao atención "
    "attention attenzione aviso avviso catatan instruksi perhatian pesan lưu ghi chú hướng "
    "uwaga notitie opmerking "
    + _folded("примечание инструкция инструкции внимание сообщение указание")
)
_AI_WORDS = (
    "ia ki ai assistente asistente assistant assistenten asisten trợ asystenta asystent modelo "
    "modèle modell sprachmodell chatbot llm "
    + _folded("ии ассистента ассистент ассистенту нейросети модели")
)
# "ignore / do not follow / do not answer" ... "the user('s request)"
_IGNORE_USER = (
    "ignora|ignore|ignorez|ignorer|ignorar|ignoriere|ignorieren|desconsidere|desconsidera|"
    "abaikan|bỏ qua|phớt lờ|zignoruj|negeer|no hagas caso|no respondas|non rispondere|"
    "não responda|nao responda|ne réponds pas|antworte nicht|jangan jawab|jangan hiraukan|"
    + _folded("игнорируй|проигнорируй|не выполняй|не отвечай")
)
_USER = (
    "usuario|usuário|utente|utilisateur|nutzers|benutzers|nutzer|benutzer|pengguna|"
    "người dùng|użytkownika|gebruiker|kullanıcı|kullanıcının|" + _folded("пользователя")
)
_IGNORE_USER_WORDS = (
    "ignora ignore ignorez ignorer ignorar ignoriere ignorieren desconsidere desconsidera "
    "abaikan bỏ phớt zignoruj negeer caso respondas rispondere responda réponds antworte "
    "jawab hiraukan " + _folded("игнорируй проигнорируй выполняй отвечай")
)
_USER_WORDS = (
    "usuario usuário utente utilisateur nutzers benutzers nutzer benutzer "
    "pengguna dùng użytkownika gebruiker kullanıcı kullanıcının " + _folded("пользователя")
)

# --- Chinese, Japanese, Korean, Hindi, Arabic: substring-gated ---
_ZH_NOTE = (
    r"(?:给|致|对|給|對)(?:ai|人工智能|助手|模型|机器人|機器人)[^。！？\n]{0,8}?"
    r"(?:说明|說明|指令|指示|注意|提示|留言|的话|的話)"
)
_ZH_AI_HEAD = r"(?:ai|人工智能)(?:助手|模型)?(?:请注意|請注意)"
_JA_NOTE = (
    r"(?:ai|アシスタント|人工知能|言語モデル|チャットボット)(?:への|へ)"
    r"(?:注意|指示|お願い|メッセージ|メモ|伝言|連絡)"
)
_KO_NOTE = r"(?:ai|어시스턴트|인공지능|모델|챗봇)\s?(?:에게|께|님께|에\s?대한\s?지시)"
_HI_NOTE = _folded(r"(?:ai|एआई|सहायक|असिस्टेंट)[^।\n]{0,10}?के\s+लिए\s+(?:नोट|निर्देश|सूचना|संदेश)")
_AR_NOTE = _folded(
    r"(?:ملاحظة|تعليمات|تنبيه|رسالة)\s+(?:لل|إلى\s+ال|الى\s+ال)(?:مساعد|ذكاء|نموذج|روبوت)"
)
_ZH_IGNORE_USER = (
    r"(?:不要理会|不要理會|忽略|无视|無視|别理|別理|不要回答|不用理会)[^。！？\n]{0,6}?"
    r"(?:用户|用戶|使用者)"
)
_JA_IGNORE_USER = (
    r"(?:ユーザー|ユーザ|利用者)の?[^。！？\n]{0,6}?(?:質問|依頼|要求|指示|リクエスト)"
    r"[^。！？\n]{0,4}?(?:答えず|無視|従わず|応じず|回答せず)"
)
_KO_IGNORE_USER = (
    r"(?:사용자|유저|이용자)의?\s?(?:요청|질문|지시|명령)[^.!?\n]{0,4}?\s?(?:무시|답하지|따르지)"
)
_HI_IGNORE_USER = _folded(
    r"(?:उपयोगकर्ता|यूज़र|यूजर)[^।\n]{0,6}?(?:अनुरोध|प्रश्न|सवाल|निर्देश)[^।\n]{0,8}?"
    r"(?:अनदेखा|नज़रअंदाज़|नजरअंदाज)"
)
_AR_IGNORE_USER = _folded(r"(?:تجاهل|أهمل|اهمل)\s+(?:طلب|سؤال|تعليمات|أوامر|اوامر)\s+المستخدم")


class InjectionMultilingualIndirectRecognizer(InjectionIndirectRecognizer):
    """Notes to the AI and orders to ignore the user, in other languages (indirect
    text only)."""

    # (a subclass for the engine's indirect-only check; its rules replace the parent's)
    RULES = (  # type: ignore[assignment]
        (
            Pattern(
                "pi.xx_note_to_ai",
                # a heading that names the AI, then a colon or comma: "Nota para la IA
                # que lea esto:", "Hinweis an den KI-Assistenten:", "Atenção, assistente
                # de IA:"
                r"(?<!\w)" + _alt(_NOTE) + r"(?!\w)[^.\n:]{0,30}?(?<!\w)" + _alt(_AI) + r"(?!\w)"
                r"[^.\n:]{0,30}?[:,]",
                0.6,
            ),
            words(_NOTE_WORDS, _AI_WORDS),
        ),
        (
            Pattern(
                "pi.xx_ignore_user",
                r"(?<!\w)"
                + _alt(_IGNORE_USER)
                + r"(?!\w)[^.\n]{0,40}?(?<!\w)"
                + _alt(_USER)
                + r"(?!\w)",
                0.65,
            ),
            words(_IGNORE_USER_WORDS, _USER_WORDS),
        ),
        (
            Pattern(
                "pi.cjk_note_to_ai",
                "|".join((_ZH_NOTE, _ZH_AI_HEAD, _JA_NOTE, _KO_NOTE, _HI_NOTE, _AR_NOTE)),
                0.6,
            ),
            words(
                # non-ASCII only: these are substrings, and "ai" is in every English text
                "给 致 对 給 對 请注意 請注意 への アシスタントへ 에게 께 "
                + _folded("लिए ملاحظة تعليمات تنبيه رسالة")
            ),
        ),
        (
            Pattern(
                "pi.cjk_ignore_user",
                "|".join(
                    (
                        _ZH_IGNORE_USER,
                        _JA_IGNORE_USER,
                        _KO_IGNORE_USER,
                        _HI_IGNORE_USER,
                        _AR_IGNORE_USER,
                    )
                ),
                0.65,
            ),
            words(
                "用户 用戶 使用者 ユーザー ユーザ 利用者 사용자 유저 이용자 "
                + _folded("उपयोगकर्ता यूज़र यूजर المستخدم")
            ),
        ),
    )
    SUBSTRING_RULES = frozenset({"pi.cjk_note_to_ai", "pi.cjk_ignore_user"})
