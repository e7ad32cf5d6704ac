"""Persian and Arabic text normalization for search.

``normalize`` folds the spelling variants that Persian and Arabic writers use
interchangeably, so that a query finds a name however either was typed. It is
applied to stored text (to build search keys) and to queries alike; displayed
text is never changed.
"""

import re
import unicodedata

# Letters folded to one form. Persian forms win: the directory is Persian-first,
# and the choice is arbitrary as long as both sides are folded the same way.
_LETTERS = {
    "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
    "\u06d2": "\u06cc",  # YEH BARREE (Urdu) -> FARSI YEH
    "\u0626": "\u06cc",  # YEH WITH HAMZA ABOVE -> FARSI YEH
    "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
    "\u06aa": "\u06a9",  # SWASH KAF -> KEHEH
    "\u0629": "\u0647",  # TEH MARBUTA -> HEH
    "\u06c0": "\u0647",  # HEH WITH YEH ABOVE -> HEH
    "\u06c1": "\u0647",  # HEH GOAL (Urdu) -> HEH
    "\u06d5": "\u0647",  # AE -> HEH
    "\u0623": "\u0627",  # ALEF WITH HAMZA ABOVE -> ALEF
    "\u0625": "\u0627",  # ALEF WITH HAMZA BELOW -> ALEF
    "\u0622": "\u0627",  # ALEF WITH MADDA -> ALEF
    "\u0671": "\u0627",  # ALEF WASLA -> ALEF
    "\u0672": "\u0627",  # ALEF WITH WAVY HAMZA ABOVE -> ALEF
    "\u0673": "\u0627",  # ALEF WITH WAVY HAMZA BELOW -> ALEF
    "\u0624": "\u0648",  # WAW WITH HAMZA ABOVE -> WAW
    "\u0621": "",  # HAMZA on the line: written or left out at will
    "\u0674": "",  # HIGH HAMZA
}

_DIGITS = {}
for _i in range(10):
    _DIGITS[chr(0x06F0 + _i)] = str(_i)  # EXTENDED ARABIC-INDIC (Persian)
    _DIGITS[chr(0x0660 + _i)] = str(_i)  # ARABIC-INDIC

_TABLE = str.maketrans({**_LETTERS, **_DIGITS})

# Harakat, tanwin, shadda, sukun, superscript alef, Quranic annotation marks,
# small high letters, and the tatweel. Removed outright.
_MARKS = re.compile(
    "["
    "\u0610-\u061a"  # honorifics and small signs
    "\u064b-\u065f"  # harakat, tanwin, shadda, sukun, hamza marks
    "\u0670"  # superscript alef
    "\u06d6-\u06dc"  # Quranic small high ligatures
    "\u06df-\u06e8"  # Quranic marks
    "\u06ea-\u06ed"  # Quranic marks
    "\u08d3-\u08ff"  # extended Arabic marks
    "\u0640"  # tatweel
    "]"
)
# Zero-width and directional controls, removed. ZWNJ is removed too (below):
# "هیئت‌ها" and "هیئتها" are one word written two ways.
_INVISIBLE = re.compile("[\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_ZWNJ = "\u200c"
_SPACES = re.compile(r"\s+")
# Apostrophes inside transliterations ("Hey'at", "Shi‘a") are dropped, not spaced.
_APOSTROPHES = re.compile("['`\u2018\u2019\u02bc\u02bb\u02be\u02bf]")
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def normalize(text: str | None) -> str:
    """Return the search form of ``text``.

    Folds Arabic/Persian letter variants, removes diacritics, Quranic marks and
    tatweel, turns Persian and Arabic-Indic digits into ASCII, removes ZWNJ
    and other invisible characters, folds case, turns punctuation into spaces
    and collapses white space. ``normalize(normalize(x)) == normalize(x)``.
    """
    if not text:
        return ""
    # NFKC folds presentation forms (ﻼ, ﷲ, full-width Latin) into base letters.
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    # A ZWNJ joins the parts of one word: "هیئت‌ها" and "هیئتها" are the same word.
    text = text.replace(_ZWNJ, "")
    text = _MARKS.sub("", text)
    text = text.translate(_TABLE)
    text = text.casefold()
    text = _APOSTROPHES.sub("", text)
    text = _PUNCTUATION.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    # casefold and NFKC can reintroduce forms folded above; one more pass settles them.
    text = unicodedata.normalize("NFKC", text).translate(_TABLE)
    return _MARKS.sub("", text)


_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_TO_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_TO_ASCII = str.maketrans(_DIGITS)


def digits_to_ascii(text: str) -> str:
    """Persian and Arabic-Indic digits to ASCII; everything else unchanged."""
    return text.translate(_TO_ASCII)


def digits_localize(text: str, language: str | None) -> str:
    """ASCII digits in the digits the language expects (fa: ۱۲۳, ar: ١٢٣)."""
    language = (language or "").split("-")[0]
    if language in {"fa", "ur", "ps"}:
        return str(text).translate(_TO_PERSIAN)
    if language == "ar":
        return str(text).translate(_TO_ARABIC)
    return str(text)
