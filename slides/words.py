"""The few words the tool adds to a lecture itself, in the lecture's language.

Everything else on the slides is the lecturer's: these are the agenda's title, the section
slides' "Part 2 of 7", the default closing slide, the handout's labels and some alternative
text (the logo's, a picture's without any, the HTML deck's buttons). One table, looked up
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
    picture: str  # alt text of a picture without alt text or caption, with the slide's {title}
    diagram: str  # the same for a diagram
    logo: str  # alt text of the theme's logo
    logo_of: str  # the same in a lecture naming its institution, with its {name}
    # The HTML deck's buttons, as a screen reader names them (reveal.js writes them in English)
    previous_slide: str
    next_slide: str
    slide_above: str  # in a topic's stack of slides
    slide_below: str
    notes: str  # handout: the heading over the speaker notes
    own: str  # handout: the heading over the reader's lines
    handout: str  # handout: the cover's label

    def part_of(self, n: int, total: int) -> str:
        """The section label of topic `n` (1-based) of `total`."""
        return self.part.format(n=n, total=total)


NNBSP = "\u202f"  # French: a narrow no-break space before "?", ";" and "!"
NBSP = "\u00a0"  # French: a no-break space before ":"
ZWNJ = "\u200c"  # Persian: the zero-width non-joiner between a word and its plural ending

WORDS: dict[str, Words] = {
    "en": Words(
        agenda="Agenda",
        part="Part {n} of {total}",
        closing="Questions?",
        picture="Picture: {title}",
        diagram="Diagram: {title}",
        logo="Logo",
        logo_of="{name} logo",
        previous_slide="previous slide",
        next_slide="next slide",
        slide_above="above slide",
        slide_below="below slide",
        notes="Speaker notes",
        own="Your notes",
        handout="Handout",
    ),
    "de": Words(
        agenda="Agenda",
        part="Teil {n} von {total}",
        closing="Fragen?",
        picture="Bild: {title}",
        diagram="Diagramm: {title}",
        logo="Logo",
        logo_of="Logo: {name}",
        previous_slide="vorherige Folie",
        next_slide="nächste Folie",
        slide_above="Folie darüber",
        slide_below="Folie darunter",
        notes="Notizen des Vortragenden",
        own="Eigene Notizen",
        handout="Handout",
    ),
    "fr": Words(
        agenda="Plan",
        part="Partie {n} sur {total}",
        closing=f"Des questions{NNBSP}?",
        picture=f"Image{NBSP}: {{title}}",
        diagram=f"Schéma{NBSP}: {{title}}",
        logo="Logo",
        logo_of=f"Logo{NBSP}: {{name}}",
        previous_slide="diapositive précédente",
        next_slide="diapositive suivante",
        slide_above="diapositive au-dessus",
        slide_below="diapositive en dessous",
        notes="Notes de l’orateur",
        own="Vos notes",
        handout="Support de cours",
    ),
    "es": Words(
        agenda="Índice",
        part="Parte {n} de {total}",
        closing="¿Preguntas?",
        picture="Imagen: {title}",
        diagram="Diagrama: {title}",
        logo="Logotipo",
        logo_of="Logotipo: {name}",
        previous_slide="diapositiva anterior",
        next_slide="diapositiva siguiente",
        slide_above="diapositiva superior",
        slide_below="diapositiva inferior",
        notes="Notas del orador",
        own="Sus notas",
        handout="Material de apoyo",
    ),
    "nl": Words(
        agenda="Agenda",
        part="Deel {n} van {total}",
        closing="Vragen?",
        picture="Afbeelding: {title}",
        diagram="Diagram: {title}",
        logo="Logo",
        logo_of="Logo: {name}",
        previous_slide="vorige dia",
        next_slide="volgende dia",
        slide_above="dia erboven",
        slide_below="dia eronder",
        notes="Sprekersnotities",
        own="Eigen notities",
        handout="Hand-out",
    ),
    "it": Words(
        agenda="Sommario",
        part="Parte {n} di {total}",
        closing="Domande?",
        picture="Immagine: {title}",
        diagram="Diagramma: {title}",
        logo="Logo",
        logo_of="Logo: {name}",
        previous_slide="diapositiva precedente",
        next_slide="diapositiva successiva",
        slide_above="diapositiva sopra",
        slide_below="diapositiva sotto",
        notes="Note del relatore",
        own="I tuoi appunti",
        handout="Dispensa",
    ),
    "pt": Words(
        agenda="Sumário",
        part="Parte {n} de {total}",
        closing="Perguntas?",
        picture="Imagem: {title}",
        diagram="Diagrama: {title}",
        logo="Logotipo",
        logo_of="Logotipo: {name}",
        previous_slide="slide anterior",
        next_slide="próximo slide",
        slide_above="slide acima",
        slide_below="slide abaixo",
        notes="Notas do orador",
        own="Notas pessoais",
        handout="Material de apoio",
    ),
    "pl": Words(
        agenda="Plan",
        part="Część {n} z {total}",
        closing="Pytania?",
        picture="Obraz: {title}",
        diagram="Diagram: {title}",
        logo="Logo",
        logo_of="Logo: {name}",
        previous_slide="poprzedni slajd",
        next_slide="następny slajd",
        slide_above="slajd powyżej",
        slide_below="slajd poniżej",
        notes="Notatki prelegenta",
        own="Własne notatki",
        handout="Materiały",
    ),
    "sv": Words(
        agenda="Agenda",
        part="Del {n} av {total}",
        closing="Frågor?",
        picture="Bild: {title}",
        diagram="Diagram: {title}",
        logo="Logotyp",
        logo_of="Logotyp: {name}",
        previous_slide="föregående bild",
        next_slide="nästa bild",
        slide_above="bilden ovanför",
        slide_below="bilden nedanför",
        notes="Talaranteckningar",
        own="Egna anteckningar",
        handout="Åhörarkopia",
    ),
    "ru": Words(
        agenda="План",
        part="Часть {n} из {total}",
        closing="Вопросы?",
        picture="Изображение: {title}",
        diagram="Диаграмма: {title}",
        logo="Логотип",
        logo_of="Логотип: {name}",
        previous_slide="предыдущий слайд",
        next_slide="следующий слайд",
        slide_above="слайд выше",
        slide_below="слайд ниже",
        notes="Заметки докладчика",
        own="Ваши заметки",
        handout="Раздаточный материал",
    ),
    "tr": Words(
        agenda="Gündem",
        part="Bölüm {n} / {total}",
        closing="Sorular?",
        picture="Resim: {title}",
        diagram="Diyagram: {title}",
        logo="Logo",
        logo_of="Logo: {name}",
        previous_slide="önceki slayt",
        next_slide="sonraki slayt",
        slide_above="üstteki slayt",
        slide_below="alttaki slayt",
        notes="Konuşmacı notları",
        own="Notlarınız",
        handout="Ders notu",
    ),
    "ja": Words(
        agenda="目次",
        part="第{n}部（全{total}部）",
        closing="ご質問はありますか？",
        picture="画像：{title}",
        diagram="図：{title}",
        logo="ロゴ",
        logo_of="{name}のロゴ",
        previous_slide="前のスライド",
        next_slide="次のスライド",
        slide_above="上のスライド",
        slide_below="下のスライド",
        notes="発表者ノート",
        own="メモ",
        handout="配布資料",
    ),
    "zh": Words(
        agenda="目录",
        part="第{n}部分（共{total}部分）",
        closing="有问题吗？",
        picture="图片：{title}",
        diagram="图表：{title}",
        logo="徽标",
        logo_of="{name}的徽标",
        previous_slide="上一张幻灯片",
        next_slide="下一张幻灯片",
        slide_above="上方的幻灯片",
        slide_below="下方的幻灯片",
        notes="演讲者备注",
        own="笔记",
        handout="讲义",
    ),
    "zh-Hant": Words(
        agenda="目錄",
        part="第{n}部分（共{total}部分）",
        closing="有問題嗎？",
        picture="圖片：{title}",
        diagram="圖表：{title}",
        logo="標誌",
        logo_of="{name}的標誌",
        previous_slide="上一張投影片",
        next_slide="下一張投影片",
        slide_above="上方的投影片",
        slide_below="下方的投影片",
        notes="演講者備忘稿",
        own="筆記",
        handout="講義",
    ),
    "ko": Words(
        agenda="목차",
        part="{total}부 중 {n}부",
        closing="질문 있으신가요?",
        picture="그림: {title}",
        diagram="다이어그램: {title}",
        logo="로고",
        logo_of="{name} 로고",
        previous_slide="이전 슬라이드",
        next_slide="다음 슬라이드",
        slide_above="위 슬라이드",
        slide_below="아래 슬라이드",
        notes="발표자 노트",
        own="메모",
        handout="유인물",
    ),
    "ar": Words(
        agenda="المحتويات",
        part="الجزء {n} من {total}",
        closing="أسئلة؟",
        picture="صورة: {title}",
        diagram="مخطط: {title}",
        logo="شعار",
        logo_of="شعار {name}",
        previous_slide="الشريحة السابقة",
        next_slide="الشريحة التالية",
        slide_above="الشريحة أعلاه",
        slide_below="الشريحة أدناه",
        notes="ملاحظات المتحدث",
        own="ملاحظاتك",
        handout="نشرة",
    ),
    "he": Words(
        agenda="סדר היום",
        part="חלק {n} מתוך {total}",
        closing="שאלות?",
        picture="תמונה: {title}",
        diagram="תרשים: {title}",
        logo="לוגו",
        logo_of="הלוגו של {name}",
        previous_slide="השקופית הקודמת",
        next_slide="השקופית הבאה",
        slide_above="השקופית שמעל",
        slide_below="השקופית שמתחת",
        notes="הערות הדובר",
        own="ההערות שלך",
        handout="דף מידע",
    ),
    "fa": Words(
        agenda="فهرست",
        part="بخش {n} از {total}",
        closing="پرسشی دارید؟",
        picture="تصویر: {title}",
        diagram="نمودار: {title}",
        logo="لوگو",
        logo_of="لوگوی {name}",
        previous_slide="اسلاید قبلی",
        next_slide="اسلاید بعدی",
        slide_above="اسلاید بالا",
        slide_below="اسلاید پایین",
        notes=f"یادداشت{ZWNJ}های سخنران",
        own=f"یادداشت{ZWNJ}های شما",
        handout="جزوه",
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
