"""The few words the tool adds to a lecture itself, in the lecture's language.

Everything else on the slides is the lecturer's: these are the agenda's title, the section
slides' "Part 2 of 7", the default closing slide and the handout's labels. One table, looked up
by the lecture's BCP 47 tag (RFC 4647 lookup, as the theme's font fallbacks are); a language not
in it gets English. Each language's own punctuation: French sets a narrow no-break space before
"?", Spanish opens a question with "¿", Arabic and Persian close it with "؟", Chinese and
Japanese with the full-width "？" (Korean uses "?").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, TypeVar

T = TypeVar("T")


class Words(NamedTuple):
    agenda: str  # the agenda slide's title
    part: str  # the section slide's label, with {n} and {total}
    closing: str  # the closing slide's title when the lecture sets no `closing:`
    notes: str  # handout: the heading over the speaker notes
    own: str  # handout: the heading over the reader's lines
    handout: str  # handout: the cover's label

    def part_of(self, n: int, total: int) -> str:
        """The section label of topic `n` (1-based) of `total`."""
        return self.part.format(n=n, total=total)


NNBSP = "\u202f"  # French: a narrow no-break space before "?", ";", "!" and ":"
ZWNJ = "\u200c"  # Persian: the zero-width non-joiner between a word and its plural ending

WORDS: dict[str, Words] = {
    "en": Words(
        "Agenda", "Part {n} of {total}", "Questions?", "Speaker notes", "Your notes", "Handout"
    ),
    "de": Words(
        "Agenda",
        "Teil {n} von {total}",
        "Fragen?",
        "Notizen des Vortragenden",
        "Eigene Notizen",
        "Handout",
    ),
    "fr": Words(
        "Plan",
        "Partie {n} sur {total}",
        f"Des questions{NNBSP}?",
        "Notes de l’orateur",
        "Vos notes",
        "Support de cours",
    ),
    "es": Words(
        "Índice",
        "Parte {n} de {total}",
        "¿Preguntas?",
        "Notas del orador",
        "Sus notas",
        "Material de apoyo",
    ),
    "nl": Words(
        "Agenda",
        "Deel {n} van {total}",
        "Vragen?",
        "Sprekersnotities",
        "Eigen notities",
        "Hand-out",
    ),
    "it": Words(
        "Sommario",
        "Parte {n} di {total}",
        "Domande?",
        "Note del relatore",
        "I tuoi appunti",
        "Dispensa",
    ),
    "pt": Words(
        "Sumário",
        "Parte {n} de {total}",
        "Perguntas?",
        "Notas do orador",
        "Notas pessoais",
        "Material de apoio",
    ),
    "pl": Words(
        "Plan",
        "Część {n} z {total}",
        "Pytania?",
        "Notatki prelegenta",
        "Własne notatki",
        "Materiały",
    ),
    "sv": Words(
        "Agenda",
        "Del {n} av {total}",
        "Frågor?",
        "Talaranteckningar",
        "Egna anteckningar",
        "Åhörarkopia",
    ),
    "ru": Words(
        "План",
        "Часть {n} из {total}",
        "Вопросы?",
        "Заметки докладчика",
        "Ваши заметки",
        "Раздаточный материал",
    ),
    "tr": Words(
        "Gündem",
        "Bölüm {n} / {total}",
        "Sorular?",
        "Konuşmacı notları",
        "Notlarınız",
        "Ders notu",
    ),
    "ja": Words(
        "目次", "第{n}部（全{total}部）", "ご質問はありますか？", "発表者ノート", "メモ", "配布資料"
    ),
    "zh": Words("目录", "第{n}部分（共{total}部分）", "有问题吗？", "演讲者备注", "笔记", "讲义"),
    "zh-Hant": Words(
        "目錄", "第{n}部分（共{total}部分）", "有問題嗎？", "演講者備忘稿", "筆記", "講義"
    ),
    "ko": Words("목차", "{total}부 중 {n}부", "질문 있으신가요?", "발표자 노트", "메모", "유인물"),
    "ar": Words(
        "المحتويات",
        "الجزء {n} من {total}",
        "أسئلة؟",
        "ملاحظات المتحدث",
        "ملاحظاتك",
        "نشرة",
    ),
    "he": Words(
        "סדר היום", "חלק {n} מתוך {total}", "שאלות?", "הערות הדובר", "ההערות שלך", "דף מידע"
    ),
    "fa": Words(
        "فهرست",
        "بخش {n} از {total}",
        "پرسشی دارید؟",
        f"یادداشت{ZWNJ}های سخنران",
        f"یادداشت{ZWNJ}های شما",
        "جزوه",
    ),
}
# Chinese is written in Traditional characters in Taiwan, Hong Kong and Macau: a tag naming
# only the region (zh-TW) means them as zh-Hant does; zh and zh-Hans are Simplified.
for _region in ("TW", "HK", "MO"):
    WORDS[f"zh-{_region}"] = WORDS["zh-Hant"]


def lookup(table: Mapping[str, T], language: str) -> T | None:
    """The entry for a BCP 47 tag: its longest prefix in `table`, case aside (RFC 4647 lookup:
    zh-Hant-TW, then zh-Hant, then zh), or None."""
    parts = language.lower().split("-")
    listed = {tag.lower(): value for tag, value in table.items()}
    for end in range(len(parts), 0, -1):
        found = listed.get("-".join(parts[:end]))
        if found is not None:
            return found
    return None


def words(language: str) -> Words:
    """The words for a lecture in `language`: its own, else English."""
    return lookup(WORDS, language) or WORDS["en"]
