"""Persian/Arabic normalization for search, and digits for display."""

import re
import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hamafza.core.text import digits_localize, digits_to_ascii, normalize

PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
TATWEEL = "\u0640"
ZWNJ = "\u200c"

# What the output of normalize may never contain.
FORBIDDEN = re.compile(
    "["
    "\u0640"  # tatweel
    "\u064b-\u065f\u0670"  # diacritics
    "\u200c"  # ZWNJ
    "\u064a\u0649"  # Arabic yeh, alef maksura
    "\u0643"  # Arabic kaf
    "\u0629"  # teh marbuta
    "\u06f0-\u06f9\u0660-\u0669"  # Persian and Arabic-Indic digits
    "]"
)

persian_words = st.text(alphabet=PERSIAN_LETTERS, min_size=1, max_size=12)
any_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
arabic_script_text = st.text(
    alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
    | st.sampled_from(" \u200c\u200d\u0640ABCabc123"),
    max_size=40,
)


# --- properties --------------------------------------------------------------


@settings(max_examples=400)
@given(text=any_text | arabic_script_text)
@example(text="ﷺ")
@example(text="ﻻ")
@example(text="Ǆ")
def test_normalize_is_idempotent(text):
    # given any text, when normalized twice, then the second pass changes nothing
    once = normalize(text)
    assert normalize(once) == once


@given(text=st.text(alphabet=string.ascii_lowercase + string.digits + " \t\n", max_size=40))
def test_normalize_keeps_ascii_lowercase_digits_and_words(text):
    # given ASCII lowercase letters, digits and white space,
    # when normalized, then only the white space is collapsed
    assert normalize(text) == " ".join(text.split())


@settings(max_examples=400)
@given(text=any_text | arabic_script_text)
def test_normalize_output_has_no_folded_characters(text):
    # given any text, when normalized, then no variant that search folds remains
    assert not FORBIDDEN.search(normalize(text))


@given(
    word=persian_words,
    inserts=st.lists(
        st.tuples(st.integers(min_value=0), st.sampled_from(DIACRITICS + TATWEEL)), max_size=6
    ),
)
def test_diacritics_and_tatweel_anywhere_do_not_change_a_persian_word(word, inserts):
    # given a Persian word with diacritics or tatweel inserted anywhere
    decorated = word
    for position, mark in inserts:
        position %= len(decorated) + 1
        decorated = decorated[:position] + mark + decorated[position:]
    # when both are normalized, then they are the same
    assert normalize(decorated) == normalize(word)


# --- a table of real variants ------------------------------------------------

SAME = [
    ("هيئت", "هیئت"),  # Arabic yeh / Farsi yeh
    ("الكاظمية", "الکاظمیه"),  # kaf, yeh, teh marbuta
    ("فاطمة", "فاطمه"),  # teh marbuta / heh
    ("زينبية", "زینبیه"),
    ("أحمد", "احمد"),  # alef with hamza above
    ("إمام", "امام"),  # alef with hamza below
    ("آیت", "ایت"),  # alef with madda
    ("قرآن", "قران"),
    ("مؤسسه", "موسسه"),  # waw with hamza
    ("رئیس", "رییس"),  # yeh with hamza
    ("كربلاء", "کربلا"),  # hamza on the line
    ("عاشوراء", "عاشورا"),
    ("مُحَمَّد", "محمد"),  # harakat and shadda
    ("ذو الحجّة", "ذو الحجه"),
    ("مصلیٰ", "مصلی"),  # superscript alef
    ("حسـيـن", "حسین"),  # tatweel
    ("هیئت‌ها", "هیئتها"),  # ZWNJ
    ("نجف\u200f", "نجف"),  # right-to-left mark
    ("۲۳۰۰", "2300"),  # Persian digits
    ("٢٣٠٠", "2300"),  # Arabic-Indic digits
    ("۲۳۰۰", "٢٣٠٠"),
    ("QOM", "qom"),  # case
    ("Hey'at", "heyat"),  # apostrophe in a transliteration
    ("Shi‘a", "shia"),
    ("ﻻ", "لا"),  # presentation form of lam-alef
    ("ﺑﺴﻢ", "بسم"),  # presentation forms
    ("ＱＯＭ", "qom"),  # full-width Latin
    ("مسجد  جامع", "مسجد جامع"),  # doubled space
    ("امام‌زاده (ع)", "امامزاده ع"),  # punctuation
    ("۱۴۰۴/۰۹/۱۴", "1404 09 14"),
    ("إسلامي", "اسلامی"),
]

DIFFERENT = [
    ("حسن", "حسین"),
    ("ملک", "ملکه"),
    ("مسجد جامع", "مسجدجامع"),
    ("کرج", "کرخ"),
    ("2300", "230"),
    ("عباس", "عیاش"),
]


@pytest.mark.parametrize(("written", "typed"), SAME)
def test_variants_normalize_equal(written, typed):
    # given two spellings of the same name, when normalized, then they are equal
    assert normalize(written) == normalize(typed)
    assert normalize(written) != ""


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_words_stay_different(one, other):
    # given two different names, when normalized, then they still differ
    assert normalize(one) != normalize(other)


def test_normalize_empty_and_none():
    assert normalize("") == ""
    assert normalize(None) == ""
    assert normalize(" \u200c\u0640 ") == ""


# --- digits --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("۱۴۰۴/۰۹/۱۴", "1404/09/14"), ("١٤٤٧", "1447"), ("abc 12", "abc 12")],
)
def test_digits_to_ascii(text, expected):
    assert digits_to_ascii(text) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fa", "۱۴۰۴/۹"), ("ar", "١٤٠٤/٩"), ("en", "1404/9"), ("fa-ir", "۱۴۰۴/۹"), (None, "1404/9")],
)
def test_digits_localize(language, expected):
    assert digits_localize("1404/9", language) == expected


@given(number=st.integers(min_value=0), language=st.sampled_from(["fa", "ar", "en", "ur"]))
def test_digits_round_trip(number, language):
    # given a number shown in a language's digits, when read back, then it is the number
    assert digits_to_ascii(digits_localize(str(number), language)) == str(number)
