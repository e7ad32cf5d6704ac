"""Build hamafza/core/data/countries.json from pycountry (ISO 3166-1).

Run from the project root with the development dependencies installed:

    .venv/bin/python scripts/places_countries_build.py

The English names come from pycountry (its common name where it has one);
the Persian and Arabic names from the ``iso3166-1`` gettext catalogues that
pycountry bundles. Those catalogues are uneven, so the names were reviewed by
hand and every correction lives in ``OVERRIDES`` below: regenerating the file
keeps the reviewed names. Persian text is written with Persian letters (ی ک),
Arabic text with Arabic letters (ي ك), without shadda and with the
conjunction و joined to the next word as Arabic writes it.

Nothing reads pycountry at run time: the application loads the JSON file.
"""

import gettext
import json
import re
import sys
from pathlib import Path

import pycountry

OUTPUT = Path(__file__).resolve().parent.parent / "hamafza" / "core" / "data" / "countries.json"

# Reviewed names, by alpha-2 code: the natural name in each language.
OVERRIDES: dict[str, dict[str, str]] = {
    "AI": {"fa": "آنگویلا"},
    "AQ": {"ar": "أنتاركتيكا"},
    "AZ": {"fa": "جمهوری آذربایجان"},
    "BF": {"ar": "بوركينا فاسو"},
    "BN": {"en": "Brunei", "fa": "برونئی", "ar": "بروناي"},
    "BO": {"fa": "بولیوی", "ar": "بوليفيا"},
    "BQ": {"fa": "بونیر، سینت اوستاتیوس و سابا"},
    "BY": {"ar": "بيلاروس"},
    "CD": {
        "en": "Democratic Republic of the Congo",
        "ar": "جمهورية الكونغو الديمقراطية",
    },
    "CG": {"en": "Republic of the Congo", "fa": "جمهوری کنگو", "ar": "جمهورية الكونغو"},
    "CW": {"ar": "كوراساو"},
    "CX": {"ar": "جزيرة عيد الميلاد"},
    "FK": {"en": "Falkland Islands", "fa": "جزایر فالکلند", "ar": "جزر فوكلاند"},
    "FM": {"en": "Micronesia", "fa": "میکرونزی", "ar": "ميكرونيزيا"},
    "GB": {"fa": "بریتانیا"},
    "GG": {"ar": "غيرنزي"},
    "GL": {"fa": "گرینلند"},
    "GP": {"ar": "غوادلوب"},
    "GU": {"ar": "غوام"},
    "HK": {"fa": "هنگ‌کنگ"},
    "HM": {"ar": "جزيرة هيرد وجزر ماكدونالد"},
    "HT": {"fa": "هائیتی"},
    "HU": {"ar": "المجر"},
    "IL": {"fa": "اسرائیل"},
    "IM": {"fa": "جزیره من", "ar": "جزيرة مان"},
    "IN": {"fa": "هند"},
    "IO": {"fa": "قلمرو بریتانیا در اقیانوس هند", "ar": "إقليم المحيط الهندي البريطاني"},
    "IR": {"en": "Iran", "fa": "ایران", "ar": "إيران"},
    "IQ": {"en": "Iraq", "fa": "عراق", "ar": "العراق"},
    "JM": {"fa": "جامائیکا"},
    "KP": {"en": "North Korea", "fa": "کره شمالی", "ar": "كوريا الشمالية"},
    "KR": {"en": "South Korea", "fa": "کره جنوبی", "ar": "كوريا الجنوبية"},
    "KY": {"fa": "جزایر کیمن", "ar": "جزر كايمان"},
    "LA": {"en": "Laos", "fa": "لائوس", "ar": "لاوس"},
    "LT": {"ar": "ليتوانيا"},
    "MD": {"en": "Moldova", "fa": "مولداوی", "ar": "مولدوفا"},
    "ME": {"fa": "مونته‌نگرو", "ar": "الجبل الأسود"},
    "MH": {"ar": "جزر مارشال"},
    "MO": {"ar": "ماكاو"},
    "MT": {"fa": "مالت"},
    "NC": {"ar": "كاليدونيا الجديدة"},
    "NI": {"ar": "نيكاراغوا"},
    "NZ": {"ar": "نيوزيلندا"},
    "PE": {"ar": "بيرو"},
    "PN": {"en": "Pitcairn Islands", "fa": "جزایر پیتکرن", "ar": "جزر بيتكيرن"},
    "PS": {"en": "Palestine", "fa": "فلسطین", "ar": "فلسطين"},
    "PY": {"ar": "باراغواي"},
    "RS": {"ar": "صربيا"},
    "RU": {"en": "Russia", "fa": "روسیه", "ar": "روسيا"},
    "SA": {"fa": "عربستان سعودی", "ar": "السعودية"},
    "SB": {"ar": "جزر سليمان"},
    "SH": {
        "fa": "سنت هلنا، اسنشن و تریستان دا کونا",
        "ar": "سانت هيلينا وأسينشين وتريستان دا كونا",
    },
    "SX": {"fa": "سینت مارتن (بخش هلندی)"},
    "SY": {"en": "Syria", "fa": "سوریه", "ar": "سوريا"},
    "SZ": {"fa": "اسواتینی"},
    "TC": {"ar": "جزر توركس وكايكوس"},
    "TF": {"fa": "سرزمین‌های جنوبی فرانسه", "ar": "الأقاليم الجنوبية الفرنسية"},
    "TK": {"ar": "توكيلاو"},
    "TL": {"ar": "تيمور الشرقية"},
    "TR": {"en": "Türkiye", "fa": "ترکیه", "ar": "تركيا"},
    "TT": {"fa": "ترینیداد و توباگو"},
    "TW": {"en": "Taiwan", "fa": "تایوان", "ar": "تايوان"},
    "TZ": {"en": "Tanzania", "fa": "تانزانیا", "ar": "تنزانيا"},
    "US": {"fa": "ایالات متحده آمریکا", "ar": "الولايات المتحدة الأمريكية"},
    "VA": {"en": "Vatican City", "fa": "واتیکان", "ar": "الفاتيكان"},
    "VE": {"en": "Venezuela", "fa": "ونزوئلا", "ar": "فنزويلا"},
    "VG": {
        "en": "British Virgin Islands",
        "fa": "جزایر ویرجین بریتانیا",
        "ar": "جزر العذراء البريطانية",
    },
    "VI": {
        "en": "United States Virgin Islands",
        "fa": "جزایر ویرجین ایالات متحده",
        "ar": "جزر العذراء الأمريكية",
    },
    "VN": {"en": "Vietnam", "fa": "ویتنام", "ar": "فيتنام"},
}

_ARABIC_MARKS = re.compile("[\u064b-\u0652]")  # tanwin, harakat, shadda, sukun


def persian_letters(text: str) -> str:
    """Arabic yeh, alef maksura and kaf written as Persian ی and ک."""
    return text.replace("\u064a", "\u06cc").replace("\u0649", "\u06cc").replace("\u0643", "\u06a9")


def arabic_letters(text: str) -> str:
    """Persian ی and ک written as Arabic ي and ك; no vowel marks; و joined."""
    text = text.replace("\u06cc", "\u064a").replace("\u06a9", "\u0643")
    text = _ARABIC_MARKS.sub("", text)
    return re.sub(r"(?<=\s)و\s+", "و", text)


def tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([،,)])", r"\1", text)


def build() -> list[dict]:
    fa = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fa"])
    ar = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    rows = []
    for country in pycountry.countries:
        code = country.alpha_2
        override = OVERRIDES.get(code, {})
        en = override.get("en") or getattr(country, "common_name", None) or country.name
        names = {
            "fa": persian_letters(tidy(override.get("fa") or fa.gettext(country.name))),
            "ar": arabic_letters(tidy(override.get("ar") or ar.gettext(country.name))),
            "en": tidy(en),
        }
        rows.append({"code": code, "code3": country.alpha_3, "name": names["en"], "names": names})
    rows.sort(key=lambda row: row["code"])
    return rows


def check(rows: list[dict]) -> list[str]:
    """Names that still look untranslated or in the wrong script."""
    problems = []
    latin = re.compile("[A-Za-z]")
    for row in rows:
        for language in ("fa", "ar"):
            text = row["names"][language]
            if not text or latin.search(text):
                problems.append(f"{row['code']} {language}: {text!r}")
        if re.search("[\u064a\u0643\u0649]", row["names"]["fa"]):
            problems.append(f"{row['code']} fa has Arabic letters")
        if re.search("[\u06cc\u06a9\u06af\u067e\u0686\u0698]", row["names"]["ar"]):
            problems.append(f"{row['code']} ar has Persian letters")
    return problems


def dump(rows: list[dict]) -> str:
    """One country a line, so that a review reads (and diffs) row by row."""
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def main() -> int:
    rows = build()
    problems = check(rows)
    for problem in problems:
        print(problem, file=sys.stderr)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(dump(rows), encoding="utf-8")
    print(f"{len(rows)} countries written to {OUTPUT}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
