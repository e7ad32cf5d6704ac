"""Demo data: the volunteer groups of Qom and their field work, and the pilgrims' service points
(reports 002 and 003).

Report 002 (the press conference of Basij Sazandegi of Qom's center for volunteer movements)
gives the figures, and this set holds them together:

- 780 volunteer groups registered with Basij Sazandegi of Qom, the sponsoring body (supported
  by the seminary, the Executive HQ of Imam's Order and the IRGC), in construction, cultural,
  medical, scientific-educational, agricultural and other work, spread across Qom's
  neighbourhoods and towns. About 400 are active all year: they logged work in three or four
  of the last four quarters. About 150 worked only last summer (seasonal); the rest logged
  nothing in the last year (dormant). The statuses are derived by
  ``groups_activity_refresh`` from the activity, as always; the report names six groups (the
  events demo's) and counts the others, whose names follow the usual patterns.
- Summer 1401 (Tir–Shahrivar 1401, 2022-06-22 … 2022-09-22): about 100 camps, one-day camps in
  Qom's neighbourhoods and 7–14-day camps in villages of Ilam, Kermanshah, Kerman, Lorestan,
  Mazandaran and Qom, with the services each delivered; all approved by the sponsor. The
  last summer's camps of groups active all year, the latest still awaiting approval.
- The "faithful manoeuvre" (رزمایش مؤمنانه) of the Decade of Velayat 1401 (19–27 Tir): 17,000
  livelihood packages in villages and on the outskirts of Qom, as deliveries of one group, in
  one place, on one day.
- Basij Sazandegi of Qom's Arbaeen HQ: two service points at the Mehran border (Iran side) and
  two on the Najaf–Karbala walk (by pole number); with them about 220 mawkibs of Iraqi and
  Iranian hey'ats and tribes along the route, medical posts, water stations and information
  points, open for the coming Arbaeen.
- Report 003: the Kadhimiya shrine's services to the pilgrim (food, drink, places of rest and
  others) as service points around the shrine.

Everything except the 780 groups and their past activity is written through the services as
``SYSTEM``; the groups are written in bulk (see ``_Loader.groups``). The set is drawn from a
seeded random generator, so it is the same on every run; the activity that decides a group's
status is dated relative to the day of loading. Loading is idempotent: groups are known by
their registration number, organizations by their name, camps by group and first day,
distributions by their campaign, group, day and place, service points by operator and name;
what exists is left alone.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from hamafza.core.calendars import (
    gregorian_to_lunar,
    gregorian_to_solar,
    lunar_to_gregorian,
    solar_to_gregorian,
)
from hamafza.core.models import City, Country, Language, LunarRegion, Province
from hamafza.core.permissions import SYSTEM
from hamafza.core.text import digits_localize, normalize
from hamafza.directory import demo as directory_demo
from hamafza.directory import services as directory_services
from hamafza.directory.demo import DEMO_PASSWORD, Org
from hamafza.directory.models import (
    ActivityField,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationRelation,
    RelationKind,
    Role,
)
from hamafza.fieldops import services
from hamafza.fieldops.models import (
    ActivitySource,
    BorderCrossing,
    Camp,
    Campaign,
    Distribution,
    GroupActivity,
    PackageKind,
    PointStatus,
    Route,
    Service,
    ServicePoint,
    ServicePointKind,
    ServiceUnit,
    VolunteerGroup,
)
from hamafza.fieldops.routes import pole_point
from hamafza.fieldops.services import ServiceInput

K = OrganizationKind
SEED = 1401
SPONSOR = "basij-sazandegi-qom"
SUPPORTERS = ("hawza", "imam-order-hq", "irgc-qom")
HQ = "arbaeen-hq-qom"
KADHIMIYA = "kadhimiya-shrine"

GROUPS = 780
ACTIVE_GROUPS = 400
SEASONAL_GROUPS = 150
# Groups registered before the last year's activity; the newest ones are all dormant.
OLD_GROUPS = 700
FIRST_REGISTRATION = date(2012, 3, 20)  # 1 Farvardin 1391
LAST_OLD_REGISTRATION = date(2024, 3, 19)  # 29 Esfand 1402
LAST_REGISTRATION = date(2025, 9, 22)  # 31 Shahrivar 1404
QUARTER_DAYS = 90

SUMMER_1401 = (date(2022, 6, 22), date(2022, 9, 22))  # 1 Tir – 31 Shahrivar 1401
NEIGHBOURHOOD_CAMPS_1401 = 40
VILLAGE_CAMPS_1401 = {"IR-25": 14, "IR-16": 10, "IR-05": 10, "IR-08": 8, "IR-15": 10, "IR-02": 8}
NEIGHBOURHOOD_CAMPS_LAST = 8
VILLAGE_CAMPS_LAST = {"IR-25": 3, "IR-16": 3, "IR-05": 3, "IR-08": 2, "IR-15": 3, "IR-02": 2}
AWAITING_APPROVAL = 5

CAMPAIGN_NAME = "رزمایش مؤمنانه دهه ولایت ۱۴۰۱"
VELAYAT_DECADE_1401 = (date(2022, 7, 10), date(2022, 7, 18))  # 19–27 Tir 1401
PACKAGES = 17_000
DISTRIBUTING_GROUPS = 60

ROUTE_MAWKIBS = 220
ROUTE_MEDICAL = 24
ROUTE_WATER = 24
ROUTE_INFORMATION = 12

# --- organizations the earlier demos may not have ---------------------------------------------

# fmt: off
EXTRA_ORGS = [
    Org(HQ, K.COMMITTEE, "Arbaeen HQ of Basij Sazandegi of Qom",
        "ستاد اربعین بسیج سازندگی استان قم",
        "مقر الأربعين لتعبئة البناء في محافظة قم", "IR", "IR-25", "Qom", languages=("fa", "ar"),
        fields=("arbaeen", "pilgrim-services"), parent=SPONSOR,
        description="Volunteer groups of Qom serving the pilgrims of Imam Husayn: two service "
        "points at the Mehran border and two on the Arbaeen walk."),
    Org("alawi-shrine", K.SHRINE, "Holy Shrine of Imam Ali", "آستان مقدس علوی",
        "العتبة العلوية المقدسة", "IQ", "IQ-NA", "Najaf", languages=("ar", "fa", "en"),
        fields=("pilgrim-services", "public-relations"), native="ar"),
    Org("husseini-shrine", K.SHRINE, "Holy Shrine of Imam Hussein", "آستان مقدس حسینی",
        "العتبة الحسينية المقدسة", "IQ", "IQ-KA", "Karbala", languages=("ar", "fa", "en"),
        fields=("pilgrim-services", "public-relations", "arbaeen"), native="ar"),
    Org("abbasi-shrine", K.SHRINE, "Holy Shrine of Abbas", "آستان مقدس عباسی",
        "العتبة العباسية المقدسة", "IQ", "IQ-KA", "Karbala", languages=("ar", "fa", "en"),
        fields=("pilgrim-services", "public-relations", "arbaeen"), native="ar"),
    Org("iraqi-red-crescent", K.NGO, "Iraqi Red Crescent Society", "جمعیت هلال‌احمر عراق",
        "جمعية الهلال الأحمر العراقي", "IQ", "IQ-BG", "Baghdad", languages=("ar", "en"),
        fields=("medical",), native="ar"),
]
# The groups the events demo sends to the summer courses: registered here among the 780.
NAMED_GROUPS = [
    ("گروه جهادی پردیسان", "Pardisan volunteer group", "Pardisan", "construction"),
    ("گروه جهادی کهک", "Kahak volunteer group", "Kahak", "construction"),
    ("گروه جهادی جعفریه", "Jafariyeh volunteer group", "Jafariyeh", "cultural"),
    ("قرارگاه جهادی سلفچگان", "Salafchegan volunteer headquarters", "Salafchegan", "construction"),
    ("گروه جهادی نیروگاه", "Niroogah volunteer group", "Niroogah", "cultural"),
    ("گروه جهادی پزشکی قم", "Qom medical volunteer group", "Jomhouri", "medical"),
]

# --- the groups' names, fields and places ------------------------------------------------------

# (field code, share of the groups)
FIELD_SHARES = [
    ("cultural", 26), ("construction", 22), ("scientific-educational", 14), ("medical", 12),
    ("agricultural", 8), ("livelihood-aid", 10), ("quran", 4), ("family-counselling", 4),
]
# (Persian pattern, English pattern, fields it suits; empty: any)
NAME_PATTERNS = [
    ("گروه جهادی {}", "{} volunteer group", ()),
    ("گروه جهادی {}", "{} volunteer group", ()),
    ("قرارگاه جهادی {}", "{} volunteer headquarters", ()),
    ("گروه جهادی دانشجویی {}", "{} student volunteer group", ()),
    ("گروه جهادی طلاب {}", "{} seminary students' volunteer group", ("cultural", "quran")),
    ("گروه جهادی بانوان {}", "{} women's volunteer group", ()),
    ("کانون جهادی {}", "{} volunteer circle", ("cultural", "scientific-educational")),
    ("گروه جهادی پزشکی {}", "{} medical volunteer group", ("medical",)),
    ("گروه جهادی عمرانی {}", "{} construction volunteer group", ("construction",)),
]
NAMESAKES = [
    ("شهید چمران", "Martyr Chamran"), ("شهید همت", "Martyr Hemmat"),
    ("شهید باکری", "Martyr Bakeri"), ("شهید خرازی", "Martyr Kharrazi"),
    ("شهید کاظمی", "Martyr Kazemi"), ("شهید بروجردی", "Martyr Boroujerdi"),
    ("شهید زین‌الدین", "Martyr Zeinoddin"), ("شهید آوینی", "Martyr Avini"),
    ("شهید بهشتی", "Martyr Beheshti"), ("شهید مطهری", "Martyr Motahhari"),
    ("شهید رجایی", "Martyr Rajaei"), ("شهید باهنر", "Martyr Bahonar"),
    ("شهید صیاد شیرازی", "Martyr Sayyad Shirazi"), ("شهید حججی", "Martyr Hojaji"),
    ("شهید سلیمانی", "Martyr Soleimani"), ("شهید ابراهیم هادی", "Martyr Ebrahim Hadi"),
    ("شهید حسن باقری", "Martyr Hassan Bagheri"), ("شهید متوسلیان", "Martyr Motevaselian"),
    ("شهید دستواره", "Martyr Dastvareh"), ("شهید بابایی", "Martyr Babaei"),
    ("شهید فهمیده", "Martyr Fahmideh"), ("شهید طهرانی‌مقدم", "Martyr Tehrani-Moghaddam"),
    ("شهید همدانی", "Martyr Hamedani"), ("شهید علم‌الهدی", "Martyr Alam al-Hoda"),
    ("شهید صدوقی", "Martyr Sadoughi"), ("شهید اشرفی اصفهانی", "Martyr Ashrafi Esfahani"),
    ("شهید مدنی", "Martyr Madani"), ("شهید دقایقی", "Martyr Daghayeghi"),
    ("شهید شیرودی", "Martyr Shiroudi"), ("شهید کشوری", "Martyr Keshvari"),
    ("شهید برونسی", "Martyr Borunsi"), ("شهید نواب صفوی", "Martyr Navvab Safavi"),
    ("شهید مفتح", "Martyr Mofatteh"), ("شهید قدوسی", "Martyr Ghoddousi"),
    ("شهید جهان‌آرا", "Martyr Jahanara"), ("شهید کاظم‌زاده", "Martyr Kazemzadeh"),
    ("شهید منتظری", "Martyr Montazeri"), ("شهید لاجوردی", "Martyr Lajevardi"),
    ("شهید بهنام محمدی", "Martyr Behnam Mohammadi"), ("شهید رئیسی", "Martyr Raisi"),
    ("شهدای جهادگر", "Volunteer Martyrs"), ("شهدای گمنام", "Unknown Martyrs"),
    ("شهدای مدافع حرم", "Shrine Defender Martyrs"), ("شهدای محراب", "Martyrs of the Mihrab"),
    ("حضرت زینب (س)", "Lady Zaynab"), ("امام رضا (ع)", "Imam Reza"),
    ("حضرت ابوالفضل (ع)", "Abu al-Fadl al-Abbas"), ("امام حسن مجتبی (ع)", "Imam Hasan"),
    ("حضرت معصومه (س)", "Lady Masoumeh"), ("امیرالمؤمنین (ع)", "Imam Ali"),
    ("حضرت مهدی (عج)", "Imam Mahdi"), ("امام سجاد (ع)", "Imam Sajjad"),
    ("حضرت علی‌اکبر (ع)", "Ali Akbar"), ("حضرت فاطمه زهرا (س)", "Fatimah al-Zahra"),
    ("امام جواد (ع)", "Imam Javad"), ("امام کاظم (ع)", "Imam Kazim"),
    ("امام صادق (ع)", "Imam Sadiq"), ("امام باقر (ع)", "Imam Baqir"),
    ("امام هادی (ع)", "Imam Hadi"), ("حضرت رقیه (س)", "Lady Ruqayya"),
    ("منتظران ظهور", "Awaiters of the Return"), ("یاران ولایت", "Companions of Velayat"),
    ("خادمین محرومین", "Servants of the Deprived"), ("مالک اشتر", "Malik al-Ashtar"),
    ("میثم تمار", "Maytham al-Tammar"), ("عمار یاسر", "Ammar ibn Yasir"),
    ("سلمان فارسی", "Salman al-Farsi"), ("ابوذر", "Abu Dharr"), ("مقداد", "Miqdad"),
    ("حبیب بن مظاهر", "Habib ibn Muzahir"), ("بصیرت", "Basirat"),
    ("نسیم رحمت", "Breeze of Mercy"), ("امید", "Omid"), ("طلوع", "Tolou"),
    ("رهپویان", "Rahpouyan"), ("سفیران هدایت", "Envoys of Guidance"),
]
# Qom's neighbourhoods (in the city) and towns: (Persian, English, latitude, longitude, in the city)
QOM_AREAS = [
    ("پردیسان", "Pardisan", 34.5860, 50.8490, True),
    ("نیروگاه", "Niroogah", 34.6130, 50.9020, True),
    ("زنبیل‌آباد", "Zanbilabad", 34.6280, 50.8500, True),
    ("صفاشهر", "Safashahr", 34.5980, 50.8620, True),
    ("باجک", "Bajak", 34.6560, 50.8920, True),
    ("یزدان‌شهر", "Yazdanshahr", 34.6680, 50.8520, True),
    ("سالاریه", "Salarieh", 34.6210, 50.8990, True),
    ("شاه‌ابراهیم", "Shah Ebrahim", 34.6530, 50.8680, True),
    ("جمهوری", "Jomhouri", 34.6400, 50.8710, True),
    ("مهدیه", "Mahdieh", 34.6620, 50.9100, True),
    ("کلهری", "Kalhori", 34.6320, 50.9140, True),
    ("شهرک قدس", "Shahrak-e Qods", 34.6030, 50.8790, True),
    ("عمار یاسر", "Ammar Yasser", 34.6680, 50.8850, True),
    ("جمکران", "Jamkaran", 34.5930, 50.9300, True),
    ("کهک", "Kahak", 34.3930, 50.8650, False),
    ("جعفریه", "Jafariyeh", 34.7740, 50.5060, False),
    ("سلفچگان", "Salafchegan", 34.4790, 50.4580, False),
    ("دستجرد", "Dastjerd", 34.5530, 50.2450, False),
    ("قنوات", "Qanavat", 34.6120, 51.0100, False),
]
# Where the camps go: villages and small towns of the six provinces of report 002.
# Province code: (Persian name, city for the province's one-day camps, villages)
CAMP_PROVINCES = {
    "IR-25": ("قم", [
        ("وشنوه", 34.3300, 50.7700), ("فردو", 34.4000, 50.9700), ("ابرجس", 34.4100, 50.8700),
        ("طغرود", 34.3000, 51.0900), ("کوه‌سفید", 34.5300, 50.5800), ("قاهان", 34.5000, 50.2800),
        ("خلجستان", 34.5700, 50.3500), ("سیرو", 34.3600, 50.8100), ("دولت‌آباد", 34.7000, 50.6000),
        ("میم", 34.4500, 50.6600),
    ]),
    "IR-16": ("ایلام", [
        ("چوار", 33.6950, 46.2960), ("زرنه", 33.9280, 46.1830), ("سرابله", 33.7680, 46.5650),
        ("بدره", 33.3060, 47.0370), ("آسمان‌آباد", 33.8610, 46.4570), ("ارکواز", 33.4000, 46.6000),
        ("هلیلان", 33.7500, 46.9000), ("ماژین", 33.6300, 46.8700),
    ]),
    "IR-05": ("کرمانشاه", [
        ("گهواره", 34.3430, 46.4180), ("کوزران", 34.4900, 46.5980), ("بیستون", 34.3980, 47.4400),
        ("سنقر", 34.7830, 47.6000), ("هرسین", 34.2720, 47.5860), ("روانسر", 34.7150, 46.6550),
        ("ماهیدشت", 34.2720, 46.8050), ("کرند غرب", 34.2800, 46.2440),
    ]),
    "IR-08": ("کرمان", [
        ("راین", 29.5990, 57.4390), ("ماهان", 30.0610, 57.2880), ("جوپار", 30.0640, 57.1130),
        ("گلباف", 29.8850, 57.7310), ("شهداد", 30.4180, 57.7030), ("چترود", 30.6050, 56.9130),
        ("باغین", 30.1910, 56.8030), ("رابر", 29.2910, 56.9130),
    ]),
    "IR-15": ("لرستان", [
        ("زاغه", 33.4990, 48.7080), ("سپیددشت", 33.2180, 48.8810), ("معمولان", 33.3830, 47.9560),
        ("ویسیان", 33.4920, 48.0500), ("الشتر", 33.8640, 48.2630), ("کوهدشت", 33.5350, 47.6060),
        ("پلدختر", 33.1530, 47.7140), ("چغلوندی", 33.6600, 48.5600),
    ]),
    "IR-02": ("مازندران", [
        ("کیاسر", 36.2430, 53.5430), ("سنگده", 36.0620, 53.2240), ("پل سفید", 36.1170, 53.0560),
        ("زیرآب", 36.1730, 52.9930), ("گلوگاه", 36.7270, 53.8090), ("بلده", 36.2000, 51.8060),
        ("کجور", 36.3850, 51.7290), ("دودانگه", 36.1500, 53.3500),
    ]),
}
# The faithful manoeuvre's places: the outskirts of Qom (in the city) and villages of Qom.
OUTSKIRTS = ["شاه‌ابراهیم", "زنبیل‌آباد", "پردیسان", "نیروگاه", "یزدان‌شهر", "جمکران", "سالاریه"]

# Services a camp delivers, by field: (name, unit, range on a one-day camp, range in a village)
U = ServiceUnit
CATALOGUE = {
    "medical": [
        ("ویزیت پزشک عمومی", U.VISITS, (60, 200), (250, 900)),
        ("خدمات دندان‌پزشکی", U.VISITS, (20, 60), (80, 300)),
        ("معاینه چشم و سنجش بینایی", U.VISITS, (30, 120), (100, 400)),
        ("توزیع داروی رایگان", U.ITEMS, (100, 400), (400, 1500)),
    ],
    "construction": [
        ("مرمت منازل محرومین", U.SQUARE_METRES, (40, 150), (200, 1200)),
        ("ساخت سرویس بهداشتی و حمام", U.ITEMS, (1, 2), (2, 8)),
        ("بتن‌ریزی معابر", U.SQUARE_METRES, (100, 300), (300, 1500)),
        ("رنگ‌آمیزی و تعمیر مدرسه", U.SQUARE_METRES, (150, 400), (300, 1200)),
        ("مرمت مسجد و حسینیه", U.SQUARE_METRES, (50, 200), (100, 600)),
    ],
    "cultural": [
        ("کلاس قرآن و احکام", U.HOURS, (4, 10), (30, 120)),
        ("جشن و برنامه فرهنگی کودکان", U.PEOPLE, (60, 250), (100, 400)),
        ("نمایش فیلم و مسابقه", U.PEOPLE, (50, 200), (80, 300)),
        ("کتاب‌خوانی و اهدای کتاب", U.ITEMS, (50, 200), (100, 500)),
    ],
    "scientific-educational": [
        ("کلاس تقویتی درسی", U.HOURS, (6, 12), (40, 160)),
        ("مشاوره تحصیلی", U.PEOPLE, (20, 80), (30, 120)),
        ("آموزش مهارت‌های زندگی", U.HOURS, (3, 8), (10, 40)),
    ],
    "agricultural": [
        ("آموزش کشاورزان و دامداران", U.PEOPLE, (20, 60), (30, 120)),
        ("کاشت نهال", U.ITEMS, (100, 400), (300, 2000)),
        ("لایروبی قنات و جوی", U.HOURS, (10, 30), (40, 200)),
        ("واکسیناسیون و درمان دام", U.VISITS, (50, 200), (200, 1500)),
    ],
    "livelihood-aid": [
        ("توزیع بسته معیشتی", U.HOUSEHOLDS, (30, 120), (60, 250)),
        ("اهدای جهیزیه", U.HOUSEHOLDS, (1, 4), (2, 10)),
        ("توزیع لوازم‌التحریر", U.ITEMS, (50, 200), (100, 400)),
    ],
    "family-counselling": [
        ("مشاوره خانواده", U.PEOPLE, (15, 50), (30, 120)),
        ("کارگاه تربیت فرزند", U.HOURS, (2, 6), (8, 24)),
    ],
}
CATALOGUE["quran"] = CATALOGUE["cultural"]
UNIT_FA = {
    U.VISITS: "ویزیت", U.ITEMS: "قلم", U.SQUARE_METRES: "متر مربع", U.HOURS: "ساعت",
    U.PEOPLE: "نفر", U.HOUSEHOLDS: "خانوار",
}
# fmt: on

# --- the service points ------------------------------------------------------------------------

S = Service
# fmt: off
# Iraqi hey'ats that set up mawkibs: (Arabic, English, Persian)
IRAQI_HOLY = [
    ("أنصار الحسين", "Ansar al-Husayn", "انصار الحسین"),
    ("خدام أبي الفضل العباس", "Servants of Abu al-Fadl al-Abbas", "خادمان ابوالفضل العباس"),
    ("شباب علي الأكبر", "Youth of Ali al-Akbar", "جوانان علی‌اکبر"),
    ("محبي الزهراء", "Lovers of al-Zahra", "محبان حضرت زهرا"),
    ("باب الحوائج", "Bab al-Hawaij", "باب‌الحوائج"),
    ("خدمة زوار الأربعين", "Service of the Arbaeen pilgrims", "خدمت زائران اربعین"),
    ("عشاق الحسين", "Lovers of al-Husayn", "عاشقان حسین"),
    ("أنصار المهدي", "Ansar al-Mahdi", "انصار المهدی"),
    ("عبد الله الرضيع", "Abdullah the Infant", "عبدالله رضیع"),
    ("سيد الشهداء", "Master of Martyrs", "سیدالشهدا"),
    ("أم البنين", "Umm al-Banin", "ام‌البنین"),
    ("القاسم بن الحسن", "al-Qasim ibn al-Hasan", "قاسم بن الحسن"),
    ("حبيب بن مظاهر الأسدي", "Habib ibn Muzahir", "حبیب بن مظاهر"),
    ("مسلم بن عقيل", "Muslim ibn Aqil", "مسلم بن عقیل"),
    ("زينب الكبرى", "Zaynab al-Kubra", "زینب کبری"),
]
# (province, city name in the core places, Arabic, Persian)
IRAQI_CITIES = [
    ("IQ-BA", "Basra", "البصرة", "بصره"), ("IQ-DQ", "Nasiriyah", "الناصرية", "ناصریه"),
    ("IQ-MA", "Amarah", "العمارة", "عماره"), ("IQ-BB", "Hillah", "الحلة", "حله"),
    ("IQ-QA", "Diwaniyah", "الديوانية", "دیوانیه"), ("IQ-WA", "Kut", "الكوت", "کوت"),
    ("IQ-MU", "Samawah", "السماوة", "سماوه"), ("IQ-BG", "Baghdad", "بغداد", "بغداد"),
    ("IQ-NA", "Najaf", "النجف", "نجف"), ("IQ-KA", "Karbala", "كربلاء", "کربلا"),
    ("IQ-NA", "Kufa", "الكوفة", "کوفه"),
]
IRAQI_TRIBES = [
    ("عشيرة آل فتلة", "Al Fatla tribe", "عشیره آل‌فتله"),
    ("عشيرة الخزاعل", "Khaza'il tribe", "عشیره خزاعل"),
    ("عشيرة بني حسن", "Bani Hasan tribe", "عشیره بنی‌حسن"),
    ("عشيرة آل شبل", "Al Shibl tribe", "عشیره آل‌شبل"),
    ("عشيرة بني أسد", "Bani Asad tribe", "عشیره بنی‌اسد"),
    ("عشيرة الجبور", "Jubur tribe", "عشیره جبور"),
    ("عشيرة البو محمد", "Al Bu Muhammad tribe", "عشیره آلبومحمد"),
    ("عشيرة ربيعة", "Rabi'a tribe", "عشیره ربیعه"),
    ("عشيرة بني تميم", "Bani Tamim tribe", "عشیره بنی‌تمیم"),
    ("عشيرة آل إبراهيم", "Al Ibrahim tribe", "عشیره آل‌ابراهیم"),
]
# Iranian hey'ats: (Persian, English, Arabic)
IRANIAN_HOLY = [
    ("انصار الحسین (ع)", "Ansar al-Husayn", "أنصار الحسين"),
    ("محبان حضرت زهرا (س)", "Lovers of al-Zahra", "محبي الزهراء"),
    ("عاشقان اباعبدالله (ع)", "Lovers of Aba Abdillah", "عشاق أبي عبد الله"),
    ("خادمان زائران اربعین", "Servants of the Arbaeen pilgrims", "خدام زوار الأربعين"),
    ("قمر بنی‌هاشم (ع)", "Moon of Bani Hashim", "قمر بني هاشم"),
    ("حضرت علی‌اصغر (ع)", "Ali al-Asghar", "علي الأصغر"),
    ("شهدای گمنام", "Unknown Martyrs", "الشهداء المجهولين"),
    ("رزمندگان اسلام", "Fighters of Islam", "مجاهدي الإسلام"),
    ("ثارالله", "Tharallah", "ثار الله"),
    ("جوانان حسینی", "Husayni Youth", "الشباب الحسيني"),
    ("امام رضا (ع)", "Imam Reza", "الإمام الرضا"),
]
# (province, city name in the core places, Persian, Arabic)
IRANIAN_CITIES = [
    ("IR-25", "Qom", "قم", "قم"), ("IR-23", "Tehran", "تهران", "طهران"),
    ("IR-09", "Mashhad", "مشهد", "مشهد"), ("IR-10", "Isfahan", "اصفهان", "أصفهان"),
    ("IR-07", "Shiraz", "شیراز", "شيراز"), ("IR-03", "Tabriz", "تبریز", "تبريز"),
    ("IR-06", "Ahvaz", "اهواز", "الأهواز"), ("IR-05", "Kermanshah", "کرمانشاه", "كرمانشاه"),
    ("IR-16", "Ilam", "ایلام", "إيلام"), ("IR-21", "Yazd", "یزد", "يزد"),
    ("IR-00", "Arak", "اراک", "أراك"), ("IR-13", "Hamadan", "همدان", "همدان"),
    ("IR-02", "Sari", "ساری", "ساري"), ("IR-30", "Karaj", "کرج", "كرج"),
]
# The foreign residents' hey'ats of the directory demo that set up a mawkib, and the languages
# spoken there.
FOREIGN_MAWKIBS = {"heyat-pk": ("ur", "fa"), "heyat-in": ("ur", "en", "fa"),
                   "heyat-af": ("fa",), "heyat-tr": ("tr", "fa"), "heyat-az": ("az", "fa")}
MAWKIB_EXTRAS = [S.REST, S.SLEEP, S.FOOT_CARE, S.CHARGING, S.PRAYER, S.SHOWER, S.MEDICAL]
# The Kadhimiya shrine's services to the pilgrim (report 003: food, drink, places of rest and
# other services): (kind, services, capacity, hours, Arabic, Persian, English, metres north,
# metres east of the shrine)
KADHIMIYA_POINTS = [
    (ServicePointKind.FOOD, [S.FOOD, S.WATER, S.TEA], 3000, "24h",
     "مضيف العتبة الكاظمية المقدسة", "مهمان‌سرای آستان مقدس کاظمین",
     "Guest house of the Kadhimiya shrine", -180, 120),
    (ServicePointKind.FOOD, [S.FOOD, S.TEA], 800, "11–15, 19–23",
     "مضيف باب المراد", "مهمان‌سرای باب‌المراد", "Bab al-Murad guest house", 160, -60),
    (ServicePointKind.WATER, [S.WATER], None, "24h",
     "محطة ماء الشرب — باب القبلة", "ایستگاه آب آشامیدنی — باب القبله",
     "Drinking water station — Qibla gate", -90, 10),
    (ServicePointKind.WATER, [S.WATER, S.TEA], None, "24h",
     "محطة ماء الشرب — باب صاحب الزمان", "ایستگاه آب آشامیدنی — باب صاحب‌الزمان",
     "Drinking water station — Sahib al-Zaman gate", 95, 40),
    (ServicePointKind.REST, [S.REST, S.SLEEP, S.CHARGING, S.PRAYER], 1500, "24h",
     "قاعة استراحة الزائرين", "سالن استراحت زائران", "Pilgrims' rest hall", 260, 210),
    (ServicePointKind.REST, [S.REST, S.SLEEP, S.SHOWER], 600, "24h",
     "استراحة الزائرات", "استراحتگاه بانوان زائر", "Women pilgrims' rest house", -240, -190),
    (ServicePointKind.MEDICAL, [S.MEDICAL, S.WATER], 40, "24h",
     "المفرزة الطبية للعتبة الكاظمية المقدسة", "درمانگاه آستان مقدس کاظمین",
     "Medical post of the Kadhimiya shrine", 40, 170),
    (ServicePointKind.INFORMATION, [S.INFORMATION, S.LOST_AND_FOUND, S.CHARGING], None, "6–24",
     "مكتب الاستعلامات وإرشاد الزائرين", "دفتر اطلاعات و راهنمایی زائران",
     "Pilgrims' information and guidance office", -30, -110),
    (ServicePointKind.INFORMATION, [S.LOST_AND_FOUND, S.INFORMATION], None, "24h",
     "مكتب المفقودات", "دفتر اشیای گمشده", "Lost and found office", 70, -150),
]
KADHIMIYA_SHRINE = (33.3798, 44.3384)
# Basij Sazandegi of Qom's Arbaeen HQ, report 002: two points at the Mehran border (Iran side),
# two on the walk. (kind, services, capacity, Persian, English, Arabic, border, pole, point)
HQ_POINTS = [
    (ServicePointKind.MAWKIB, [S.FOOD, S.WATER, S.TEA, S.REST, S.SLEEP, S.CHARGING], 1200,
     "موکب بسیج سازندگی استان قم — پایانه مرزی مهران",
     "Basij Sazandegi of Qom mawkib — Mehran border terminal",
     "موكب تعبئة البناء في قم — منفذ مهران الحدودي", BorderCrossing.MEHRAN, None,
     (33.1290, 46.1390)),
    (ServicePointKind.MEDICAL, [S.MEDICAL, S.FOOT_CARE, S.WATER], 60,
     "ایستگاه سلامت گروه‌های جهادی قم — مهران", "Qom volunteer groups' health post — Mehran",
     "المحطة الصحية للمجموعات الجهادية في قم — مهران", BorderCrossing.MEHRAN, None,
     (33.1195, 46.1560)),
    (ServicePointKind.MAWKIB, [S.FOOD, S.WATER, S.TEA, S.REST, S.FOOT_CARE, S.PRAYER], 800,
     "موکب بسیج سازندگی استان قم", "Basij Sazandegi of Qom mawkib",
     "موكب تعبئة البناء في قم", "", 850, None),
    (ServicePointKind.MEDICAL, [S.MEDICAL, S.FOOT_CARE, S.WATER, S.REST], 80,
     "ایستگاه پزشکی جهادی قم", "Qom volunteer medical post", "المحطة الطبية الجهادية من قم",
     "", 1210, None),
]
# fmt: on
# Poles up to this one are in Najaf governorate, the rest in Karbala (the route's middle).
NAJAF_LAST_POLE = 700

DEMO_USERS = [
    # username, description, [(organization key, role)]; "first-iraqi-heyat" is the first of the
    # Iraqi hey'ats that set up mawkibs on the walk (see operators_plan)
    (
        "sazandegi",
        _("editor at Basij Sazandegi of Qom (approves camps, runs the Arbaeen HQ's points)"),
        [(SPONSOR, Role.EDITOR), (HQ, Role.EDITOR)],
    ),
    (
        "mawkib",
        _("editor of a mawkib's hey'at on the Najaf–Karbala walk (sets its status)"),
        [("first-iraqi-heyat", Role.EDITOR)],
    ),
]


# --- the plan: the same on every run ---------------------------------------------------------


@dataclass
class GroupPlan:
    number: int
    fa: str
    en: str
    area: tuple
    fields: list[str]
    size: int
    registered_on: date
    status: str = "dormant"  # what the activity below will make of it
    activity: list[date] = field(default_factory=list)

    @property
    def registration_number(self) -> str:
        return f"QOM-{gregorian_to_solar(self.registered_on)[0]}-{self.number:04d}"


@dataclass
class CampPlan:
    group: int  # the group's number
    field: str
    starts_on: date
    days: int
    province: str
    city: bool  # a one-day camp in a Qom neighbourhood
    place: str
    point: tuple[float, float]
    volunteers: int
    beneficiaries: int
    services: list[tuple[str, str, int]]
    season: tuple[date, date] = SUMMER_1401
    approved: bool = True


@dataclass
class DistributionPlan:
    group: int
    on: date
    place: str
    in_city: bool
    point: tuple[float, float]
    quantity: int = 0


@dataclass
class PointPlan:
    operator: str  # an organization key
    kind: str
    name: str
    names: dict[str, str]
    country: str
    province: str
    point: tuple[float, float]
    services: list[str]
    languages: tuple[str, ...]
    capacity: int | None
    hours: str
    status: str = PointStatus.OPEN
    route: str = ""
    pole: int | None = None
    border_crossing: str = ""
    seasonal: bool = True  # open for the Arbaeen walk only


def _coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _jitter(rng: random.Random, point: tuple[float, float], degrees: float) -> tuple[float, float]:
    return (
        point[0] + rng.uniform(-degrees, degrees),
        point[1] + rng.uniform(-degrees, degrees),
    )


def _fa(number: int) -> str:
    return digits_localize(str(number), "fa")


def groups_plan(today: date) -> list[GroupPlan]:
    """The 780 groups: names, fields, places, registration, and the activity that makes about
    400 of them active all year, 150 seasonal and the rest dormant on ``today``."""
    rng = random.Random(SEED)
    fields = [code for code, share in FIELD_SHARES for _n in range(share)]
    span = (LAST_OLD_REGISTRATION - FIRST_REGISTRATION).days
    old_dates = sorted(
        FIRST_REGISTRATION + timedelta(days=rng.randrange(span)) for _n in range(OLD_GROUPS)
    )
    recent_span = (LAST_REGISTRATION - LAST_OLD_REGISTRATION).days
    new_dates = sorted(
        LAST_OLD_REGISTRATION + timedelta(days=1 + rng.randrange(recent_span))
        for _n in range(GROUPS - OLD_GROUPS)
    )
    dates = old_dates + new_dates
    taken: set[str] = set()
    plans = []
    for number in range(1, GROUPS + 1):
        if number <= len(NAMED_GROUPS):
            fa, en, area_en, primary = NAMED_GROUPS[number - 1]
            area = next(area for area in QOM_AREAS if area[1] == area_en)
        else:
            primary = rng.choice(fields)
            area = rng.choice(QOM_AREAS)
            fa = en = ""
            while not fa or normalize(fa) in taken:
                pattern_fa, pattern_en, suits = rng.choice(NAME_PATTERNS)
                if suits and primary not in suits:
                    continue
                namesake_fa, namesake_en = rng.choice(NAMESAKES)
                fa, en = pattern_fa.format(namesake_fa), pattern_en.format(namesake_en)
                if normalize(fa) in taken:  # the same name in another area
                    fa, en = f"{fa} {area[0]}", f"{en}, {area[1]}"
        taken.add(normalize(fa))
        group_fields = [primary]
        if rng.random() < 0.35:
            second = rng.choice(fields)
            if second != primary:
                group_fields.append(second)
        size = rng.randint(8, 40) if primary != "medical" else rng.randint(15, 120)
        plans.append(GroupPlan(number, fa, en, area, group_fields, size, dates[number - 1]))

    # Who is active all year, who only last summer: among the groups registered a year ago.
    old = [plan for plan in plans if plan.number <= OLD_GROUPS]
    rng.shuffle(old)
    summer = _last_year_summer_days(today)
    for plan in old[:ACTIVE_GROUPS]:
        plan.status = "active"
        quarters = [0, 1, 2, 3] if rng.random() < 0.7 else rng.sample([0, 1, 2, 3], 3)
        for quarter in quarters:
            for _draw in range(rng.randint(1, 3)):
                age = quarter * QUARTER_DAYS + rng.randint(1, QUARTER_DAYS - 1)
                plan.activity.append(today - timedelta(days=age))
    for plan in old[ACTIVE_GROUPS : ACTIVE_GROUPS + SEASONAL_GROUPS]:
        plan.status = "seasonal"
        plan.activity = sorted(rng.sample(summer, min(len(summer), rng.randint(1, 3))))
    return plans


def _last_year_summer_days(today: date) -> list[date]:
    """Days of the latest summer (Tir–Shahrivar) within the last year, less than 60 days apart:
    a group active only on these days is active in one or two quarters, never three."""
    days = [
        today - timedelta(days=age)
        for age in range(1, QUARTER_DAYS * 4)
        if gregorian_to_solar(today - timedelta(days=age))[1] in (4, 5, 6)
    ]
    latest = max(days)
    return sorted(day for day in days if (latest - day).days < 60)


def _camp(rng: random.Random, group: GroupPlan, *, starts_on, days, province, city, place, point):
    primary = group.fields[0]
    catalogue = CATALOGUE.get(primary, CATALOGUE["cultural"])
    chosen = rng.sample(catalogue, min(len(catalogue), rng.randint(2, 3)))
    services = [
        (name, unit, rng.randint(*(day_range if days == 1 else village_range)))
        for name, unit, day_range, village_range in chosen
    ]
    volunteers = rng.randint(8, 30) if days == 1 else rng.randint(12, 45)
    beneficiaries = rng.randint(60, 400) if days == 1 else rng.randint(150, 1200)
    return CampPlan(
        group.number,
        primary,
        starts_on,
        days,
        province,
        city,
        place,
        point,
        volunteers,
        beneficiaries,
        services,
    )


def camps_plan(groups: list[GroupPlan], today: date) -> list[CampPlan]:
    """Summer 1401's camps (about 100 groups), and the last summer's of groups active all
    year, the latest of them still awaiting approval."""
    rng = random.Random(SEED + 1)
    city_areas = [area for area in QOM_AREAS if area[4]]
    first, last = SUMMER_1401
    eligible = [g for g in groups if g.registered_on < first]
    rng.shuffle(eligible)
    plans = []

    def camps(candidates, first: date, last: date, neighbourhoods: int, villages: dict):
        made = []
        pool = iter(candidates)
        for _number in range(neighbourhoods):
            group = next(pool)
            area = rng.choice(city_areas)
            starts_on = first + timedelta(days=rng.randint(0, (last - first).days))
            made.append(
                _camp(
                    rng,
                    group,
                    starts_on=starts_on,
                    days=1,
                    province="IR-25",
                    city=True,
                    place=area[0],
                    point=_jitter(rng, (area[2], area[3]), 0.004),
                )
            )
        for province, count in villages.items():
            places = CAMP_PROVINCES[province][1]
            for village, lat, lon in [rng.choice(places) for _n in range(count)]:
                group = next(pool)
                days = rng.randint(7, 14)
                starts_on = first + timedelta(days=rng.randint(0, (last - first).days - days + 1))
                made.append(
                    _camp(
                        rng,
                        group,
                        starts_on=starts_on,
                        days=days,
                        province=province,
                        city=False,
                        place=village,
                        point=_jitter(rng, (lat, lon), 0.005),
                    )
                )
        return made

    plans += camps(
        eligible, first, last, NEIGHBOURHOOD_CAMPS_1401, VILLAGE_CAMPS_1401
    )  # summer 1401
    first, last = _last_summer(today)
    active = [g for g in groups if g.status == "active"]
    rng.shuffle(active)
    recent = camps(active, first, last, NEIGHBOURHOOD_CAMPS_LAST, VILLAGE_CAMPS_LAST)
    for plan in recent:
        plan.season = (first, last)
    recent.sort(key=lambda plan: plan.starts_on + timedelta(days=plan.days))
    for plan in recent[-AWAITING_APPROVAL:]:
        plan.approved = False
    return plans + recent


def _last_summer(today: date) -> tuple[date, date]:
    """The first day and the last of the latest summer whose camps have ended by ``today``:
    this one if two weeks of it are over, else the one before."""
    year = gregorian_to_solar(today)[0]
    if solar_to_gregorian(year, 4, 1) + timedelta(days=15) > today:
        year -= 1
    first = solar_to_gregorian(year, 4, 1)
    last = min(solar_to_gregorian(year, 6, 31), today - timedelta(days=1))
    return first, last


def distributions_plan(groups: list[GroupPlan]) -> list[DistributionPlan]:
    """The faithful manoeuvre's deliveries: 60 groups, each on a few days of the Decade of
    Velayat in a few places; packages shared out so that they add up to exactly 17,000."""
    rng = random.Random(SEED + 2)
    first, last = VELAYAT_DECADE_1401
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    outskirts = [area for area in QOM_AREAS if area[0] in OUTSKIRTS]
    villages = CAMP_PROVINCES["IR-25"][1] + [
        (fa, lat, lon) for fa, _en, lat, lon, in_city in QOM_AREAS if not in_city
    ]
    eligible = [g for g in groups if g.registered_on < first]
    headquarters = [g for g in eligible if g.fa.startswith("قرارگاه")]
    others = [g for g in eligible if not g.fa.startswith("قرارگاه")]
    rng.shuffle(others)
    chosen = (headquarters + others)[:DISTRIBUTING_GROUPS]
    plans = []
    for group in chosen:
        seen = set()
        for _draw in range(rng.randint(2, 6)):
            day = rng.choice(days)
            if rng.random() < 0.55:
                fa, _en, lat, lon, _in_city = rng.choice(outskirts)
                key = (day, fa, True)
                point = _jitter(rng, (lat, lon), 0.004)
            else:
                fa, lat, lon = rng.choice(villages)
                key = (day, fa, False)
                point = _jitter(rng, (lat, lon), 0.004)
            if key in seen:
                continue
            seen.add(key)
            plans.append(DistributionPlan(group.number, day, fa, key[2], point))
    weights = [rng.uniform(30, 120) for _n in plans]
    total = sum(weights)
    shares = [PACKAGES * weight / total for weight in weights]
    quantities = [int(share) for share in shares]
    # Largest remainders: the whole packages left go to the largest fractions.
    order = sorted(range(len(plans)), key=lambda i: shares[i] - quantities[i], reverse=True)
    for index in order[: PACKAGES - sum(quantities)]:
        quantities[index] += 1
    for plan, quantity in zip(plans, quantities, strict=True):
        plan.quantity = quantity
    return plans


def _offset(point: tuple[float, float], north: float, east: float) -> tuple[float, float]:
    """The point ``north`` and ``east`` metres away (a local approximation)."""
    return (
        point[0] + north / 111_320,
        point[1] + east / (111_320 * math.cos(math.radians(point[0]))),
    )


@dataclass
class OperatorPlan:
    key: str
    spec: Org
    languages: tuple[str, ...]


def operators_plan() -> list[OperatorPlan]:
    """The hey'ats and tribes that set up mawkibs on the walk (besides the bodies the other
    demos register): Iraqi hey'ats of many cities, tribes, Iranian hey'ats."""
    rng = random.Random(SEED + 3)
    plans = []
    combos = [(holy, city) for holy in IRAQI_HOLY for city in IRAQI_CITIES]
    for index, ((ar, en, fa), (province, city, city_ar, city_fa)) in enumerate(
        rng.sample(combos, 60)
    ):
        key = "first-iraqi-heyat" if index == 0 else f"iraqi-heyat-{index}"
        spec = Org(
            key,
            K.HEYAT,
            f"{en} hey'at, {city}",
            f"هیئت {fa} {city_fa}",
            f"هيئة {ar} في {city_ar}",
            "IQ",
            province,
            city,
            languages=("ar",),
            fields=("arbaeen", "pilgrim-services"),
            native="ar",
        )
        languages = ("ar", "fa") if rng.random() < 0.4 else ("ar",)
        plans.append(OperatorPlan(key, spec, languages))
    for index, (ar, en, fa) in enumerate(IRAQI_TRIBES):
        province, city, _city_ar, _city_fa = rng.choice(IRAQI_CITIES)
        spec = Org(
            f"iraqi-tribe-{index}",
            K.OTHER,
            en,
            fa,
            ar,
            "IQ",
            province,
            city,
            languages=("ar",),
            fields=("arbaeen", "pilgrim-services"),
            native="ar",
        )
        plans.append(OperatorPlan(spec.key, spec, ("ar",)))
    combos = [(holy, city) for holy in IRANIAN_HOLY for city in IRANIAN_CITIES]
    for index, ((fa, en, ar), (province, city, city_fa, city_ar)) in enumerate(
        rng.sample(combos, 30)
    ):
        spec = Org(
            f"iranian-heyat-{index}",
            K.HEYAT,
            f"{en} hey'at, {city}",
            f"هیئت {fa} {city_fa}",
            f"هيئة {ar} في {city_ar}",
            "IR",
            province,
            city,
            languages=("fa",),
            fields=("arbaeen", "mourning-ceremonies"),
        )
        languages = ("fa", "ar") if rng.random() < 0.5 else ("fa",)
        if rng.random() < 0.15:
            languages += ("en",)
        plans.append(OperatorPlan(spec.key, spec, languages))
    return plans


def points_plan(operators: list[OperatorPlan], organizations: dict[str, Org]) -> list[PointPlan]:
    """The HQ's four points, mawkibs along the walk by pole, medical posts, water stations and
    information points, and the Kadhimiya shrine's services."""
    rng = random.Random(SEED + 4)
    plans = []
    for kind, offered, capacity, fa, en, ar, border, pole, point in HQ_POINTS:
        if pole is not None:
            point = pole_point(Route.NAJAF_KARBALA, pole)
            fa, ar = f"{fa} — عمود {_fa(pole)}", f"{ar} — عمود {digits_localize(pole, 'ar')}"
            en = f"{en} — pole {pole}"
        plans.append(
            PointPlan(
                HQ,
                kind,
                fa,
                {"fa": fa, "en": en, "ar": ar},
                "IQ" if pole else "IR",
                _route_province(pole) if pole else "IR-16",
                point,
                [str(s) for s in offered],
                ("fa", "ar"),
                capacity,
                "24h",
                route=Route.NAJAF_KARBALA if pole else "",
                pole=pole,
                border_crossing=border,
            )
        )
    # The Red Crescent of Iran at the Mehran crossing, beside the HQ's points.
    plans.append(
        PointPlan(
            "red-crescent",
            ServicePointKind.BORDER,
            "پایگاه امداد و نجات هلال‌احمر — پایانه مرزی مهران",
            {
                "fa": "پایگاه امداد و نجات هلال‌احمر — پایانه مرزی مهران",
                "en": "Red Crescent relief post — Mehran border terminal",
                "ar": "نقطة إغاثة الهلال الأحمر — منفذ مهران الحدودي",
            },
            "IR",
            "IR-16",
            (33.1265, 46.1430),
            [S.MEDICAL, S.WATER, S.INFORMATION, S.TRANSPORT],
            ("fa", "ar", "en"),
            100,
            "24h",
            border_crossing=BorderCrossing.MEHRAN,
        )
    )

    # Mawkibs: more near Karbala, where the walk is densest.
    mawkib_operators = [
        *operators,
        *[OperatorPlan(key, None, langs) for key, langs in FOREIGN_MAWKIBS.items()],
    ]
    counts = {op.key: 1 for op in mawkib_operators}
    for _number in range(ROUTE_MAWKIBS - len(mawkib_operators)):
        counts[rng.choice(mawkib_operators).key] += 1
    for operator in mawkib_operators:
        spec = operator.spec or organizations[operator.key]
        for _n in range(counts[operator.key]):
            pole = _pole(rng)
            offered = [S.FOOD, S.WATER, S.TEA, *rng.sample(MAWKIB_EXTRAS, rng.randint(1, 4))]
            sleeps = S.SLEEP in offered
            capacity = (
                rng.randint(300, 3000) if sleeps else rng.choice((None, rng.randint(50, 500)))
            )
            base_ar = _mawkib_name(spec.ar, "ar")
            base_fa = _mawkib_name(spec.fa, "fa")
            base_en = f"Mawkib of the {spec.en}"
            plans.append(
                PointPlan(
                    operator.key,
                    ServicePointKind.MAWKIB,
                    f"{base_ar if spec.country == 'IQ' else base_fa} — عمود "
                    f"{digits_localize(pole, 'ar' if spec.country == 'IQ' else 'fa')}",
                    {
                        "fa": f"{base_fa} — عمود {_fa(pole)}",
                        "ar": f"{base_ar} — عمود {digits_localize(pole, 'ar')}",
                        "en": f"{base_en} — pole {pole}",
                    },
                    "IQ",
                    _route_province(pole),
                    _beside_road(rng, pole),
                    [str(s) for s in offered],
                    operator.languages,
                    capacity,
                    "24h" if rng.random() < 0.8 else rng.choice(("5–24", "6–23", "4–1")),
                    status=_status(rng, capacity),
                    route=Route.NAJAF_KARBALA,
                    pole=pole,
                )
            )
    # Medical posts, water stations and information points of larger bodies.
    medical = ["iraqi-red-crescent", "red-crescent", "husseini-shrine", "abbasi-shrine"]
    iraqi = [op.key for op in operators if op.spec.country == "IQ"]
    water = ["husseini-shrine", "abbasi-shrine", "alawi-shrine", *iraqi[:10]]
    information = ["alawi-shrine", "husseini-shrine", "abbasi-shrine", "arbaeen-committee"]
    for count, kind, choices, offered, hours in (
        (
            ROUTE_MEDICAL,
            ServicePointKind.MEDICAL,
            medical,
            [S.MEDICAL, S.FOOT_CARE, S.WATER],
            "24h",
        ),
        (ROUTE_WATER, ServicePointKind.WATER, water, [S.WATER], "24h"),
        (
            ROUTE_INFORMATION,
            ServicePointKind.INFORMATION,
            information,
            [S.INFORMATION, S.LOST_AND_FOUND, S.CHARGING],
            "6–24",
        ),
    ):
        for number in range(count):
            key = choices[number % len(choices)]
            spec = _spec(key, operators, organizations)
            pole = _pole(rng)
            label = {
                ServicePointKind.MEDICAL: ("مفرزة طبية", "ایستگاه پزشکی", "Medical post"),
                ServicePointKind.WATER: ("محطة ماء", "ایستگاه آب", "Water station"),
                ServicePointKind.INFORMATION: (
                    "مكتب إرشاد الزائرين",
                    "دفتر راهنمایی زائران",
                    "Pilgrims' information point",
                ),
            }[kind]
            names = {
                "ar": f"{label[0]} — {spec.ar} — عمود {digits_localize(pole, 'ar')}",
                "fa": f"{label[1]} — {spec.fa} — عمود {_fa(pole)}",
                "en": f"{label[2]} — {spec.en} — pole {pole}",
            }
            languages = (
                ("ar", "fa", "en", "ur")
                if kind == ServicePointKind.INFORMATION
                else ("fa", "ar")
                if spec.country == "IR"
                else ("ar",)
            )
            capacity = rng.randint(10, 60) if kind == ServicePointKind.MEDICAL else None
            plans.append(
                PointPlan(
                    key,
                    kind,
                    names["ar" if spec.country == "IQ" else "fa"],
                    names,
                    "IQ",
                    _route_province(pole),
                    _beside_road(rng, pole),
                    [str(s) for s in offered],
                    languages,
                    capacity,
                    hours,
                    status=_status(rng, capacity),
                    route=Route.NAJAF_KARBALA,
                    pole=pole,
                )
            )
    # The Kadhimiya shrine's services, all year round.
    for kind, offered, capacity, hours, ar, fa, en, north, east in KADHIMIYA_POINTS:
        plans.append(
            PointPlan(
                KADHIMIYA,
                kind,
                ar,
                {"ar": ar, "fa": fa, "en": en},
                "IQ",
                "IQ-BG",
                _offset(KADHIMIYA_SHRINE, north, east),
                [str(s) for s in offered],
                ("ar", "fa", "en", "ur"),
                capacity,
                hours,
                status=PointStatus.FULL if capacity and rng.random() < 0.15 else PointStatus.OPEN,
                seasonal=False,
            )
        )
    return plans


def _spec(key: str, operators: list[OperatorPlan], organizations: dict[str, Org]) -> Org:
    for operator in operators:
        if operator.key == key:
            return operator.spec
    return organizations[key]


def _mawkib_name(name: str, language: str) -> str:
    """ "هيئة X في Y" → "موكب X في Y"; other names are prefixed."""
    for prefix in ("هيئة ", "هیئت مذهبی ", "هیئت "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return f"موكب {name}" if language == "ar" else f"موکب {name}"


def _pole(rng: random.Random) -> int:
    """A pole on the walk: three in five anywhere, two in five in the last third (Karbala)."""
    if rng.random() < 0.6:
        return rng.randint(1, 1452)
    return rng.randint(1000, 1452)


def _beside_road(rng: random.Random, pole: int) -> tuple[float, float]:
    """A point 15–60 m off the road at ``pole``, on either side."""
    point = pole_point(Route.NAJAF_KARBALA, pole)
    side = rng.choice((-1, 1))
    return _offset(point, rng.uniform(-20, 20), side * rng.uniform(15, 60))


def _route_province(pole: int | None) -> str:
    return "IQ-NA" if pole is not None and pole <= NAJAF_LAST_POLE else "IQ-KA"


def _status(rng: random.Random, capacity: int | None) -> str:
    draw = rng.random()
    if draw < 0.07:
        return PointStatus.CLOSED
    if capacity and draw < 0.20:
        return PointStatus.FULL
    return PointStatus.OPEN


def arbaeen_season(today: date) -> tuple[date, date]:
    """The walk's days around the coming Arbaeen (20 Safar, as observed in Iraq): from twelve
    days before to three after; this year's while it lasts."""
    year = gregorian_to_lunar(today, LunarRegion.IRAQ).year
    arbaeen = lunar_to_gregorian(year, 2, 20, LunarRegion.IRAQ)
    if arbaeen + timedelta(days=3) < today:
        arbaeen = lunar_to_gregorian(year + 1, 2, 20, LunarRegion.IRAQ)
    return arbaeen - timedelta(days=12), arbaeen + timedelta(days=3)


# --- loading ---------------------------------------------------------------------------------


class _Loader:
    def __init__(self, today: date):
        self.today = today
        self.countries = {c.code: c for c in Country.objects.all()}
        self.provinces = {p.code: p for p in Province.objects.all()}
        self.cities = {(c.country_id, c.name): c for c in City.objects.all()}
        self.languages = {language.code: language for language in Language.objects.all()}
        self.fields = {f.code: f for f in ActivityField.objects.all()}
        self.orgs: dict[str, Organization] = {}
        self.groups: dict[int, VolunteerGroup] = {}

    def organization(self, spec: Org) -> Organization:
        """The organization of this name, kind and country; registered when missing."""
        country = self.countries[spec.country]
        native = {"fa": spec.fa, "ar": spec.ar, "en": spec.en}[spec.native]
        found = Organization.objects.filter(
            name_key=normalize(native), kind=spec.kind, country=country
        ).first()
        if found is None:
            city = self.cities.get((country.pk, spec.city))
            values = {
                "kind": spec.kind,
                "name": native,
                "names": {"fa": spec.fa, "ar": spec.ar, "en": spec.en},
                "short_name": spec.short,
                "description": spec.description,
                "country": country,
                "province": self.provinces.get(spec.province),
                "city": city,
                "parent": self.orgs.get(spec.parent),
            }
            if city is not None and city.latitude is not None:
                values["latitude"], values["longitude"] = city.latitude, city.longitude
            found = directory_services.organization_create(
                actor=SYSTEM,
                languages=[self.languages[c] for c in spec.languages if c in self.languages],
                fields=[self.fields[c] for c in spec.fields if c in self.fields],
                **values,
            )
        self.orgs[spec.key] = found
        return found

    def bodies(self) -> dict[str, Org]:
        """The sponsor, its supporters, the shrines and the other bodies that run points."""
        specs = {spec.key: spec for spec in [*directory_demo.ORGANIZATIONS, *EXTRA_ORGS]}
        wanted = [SPONSOR, *SUPPORTERS, KADHIMIYA, "red-crescent", "arbaeen-committee"]
        wanted += [*FOREIGN_MAWKIBS, *(spec.key for spec in EXTRA_ORGS)]
        for key in wanted:
            self.organization(specs[key])
        sponsor = self.orgs[SPONSOR]
        for key in SUPPORTERS:
            if not OrganizationRelation.objects.filter(
                source=self.orgs[key], target=sponsor, kind=RelationKind.SUPPORTS
            ).exists():
                directory_services.relation_create(
                    actor=SYSTEM, source=self.orgs[key], target=sponsor, kind=RelationKind.SUPPORTS
                )
        return specs

    # groups ---------------------------------------------------------------------------------

    def groups_load(self, plans: list[GroupPlan]) -> None:
        """The 780 groups, in bulk.

        Registering 780 organizations and their groups one by one through the services takes
        tens of seconds; this writes them in a few statements with what the services would
        write: the organizations' name and search keys and history rows (the FTS tables follow
        by their triggers), the filter facets dropped, and the activity statuses left to
        ``groups_activity_refresh``, which derives them from the activity written here.
        """
        sponsor = self.orgs[SPONSOR]
        existing = dict(
            VolunteerGroup.objects.filter(sponsor=sponsor).values_list("registration_number", "pk")
        )
        missing = [plan for plan in plans if plan.registration_number not in existing]
        if missing:
            self._groups_create(missing, sponsor)
        by_number = {
            group.registration_number: group
            for group in VolunteerGroup.objects.filter(sponsor=sponsor).select_related(
                "organization"
            )
        }
        self.groups = {
            plan.number: by_number[plan.registration_number]
            for plan in plans
            if plan.registration_number in by_number
        }

    def _groups_create(self, plans: list[GroupPlan], sponsor: Organization) -> None:
        iran, qom = self.countries["IR"], self.provinces["IR-25"]
        qom_city = self.cities.get((iran.pk, "Qom"))
        keys = {normalize(plan.fa): plan for plan in plans}
        found = {
            org.name_key: org
            for org in Organization.objects.filter(
                kind=K.VOLUNTEER_GROUP, country=iran, name_key__in=list(keys)
            )
        }
        new = []
        for key, plan in keys.items():
            if key in found:
                continue
            area_fa, _area_en, lat, lon, in_city = plan.area
            rng = random.Random(plan.number)
            lat, lon = _jitter(rng, (lat, lon), 0.006)
            org = Organization(
                kind=K.VOLUNTEER_GROUP,
                name=plan.fa,
                names={"fa": plan.fa, "en": plan.en},
                country=iran,
                province=qom,
                city=qom_city if in_city else None,
                address=f"{area_fa}، قم" if in_city else f"{area_fa}، استان قم",
                latitude=_coordinate(lat),
                longitude=_coordinate(lon),
            )
            org.name_key = key
            org.search_key = org.search_key_build()
            new.append(org)
        created = bulk_create_with_history(new, Organization, batch_size=500)
        if any(org.pk is None for org in created):  # a database that returns no ids
            created = list(
                Organization.objects.filter(
                    kind=K.VOLUNTEER_GROUP, country=iran, name_key__in=[o.name_key for o in new]
                )
            )
        found.update({org.name_key: org for org in created})
        persian = self.languages.get("fa")
        field_links, language_links = [], []
        for org in created:
            plan = keys[org.name_key]
            field_links += [
                Organization.fields.through(
                    organization_id=org.pk, activityfield_id=self.fields[c].pk
                )
                for c in plan.fields
            ]
            if persian is not None:
                language_links.append(
                    Organization.languages.through(organization_id=org.pk, language_id=persian.pk)
                )
        Organization.fields.through.objects.bulk_create(field_links, ignore_conflicts=True)
        Organization.languages.through.objects.bulk_create(language_links, ignore_conflicts=True)
        transaction.on_commit(directory_services.facets_invalidate)

        taken = set(VolunteerGroup.objects.values_list("organization_id", flat=True))
        groups = [
            VolunteerGroup(
                organization=found[key],
                sponsor=sponsor,
                registration_number=plan.registration_number,
                registered_on=plan.registered_on,
                size=plan.size,
            )
            for key, plan in keys.items()
            if found[key].pk not in taken
        ]
        VolunteerGroup.objects.bulk_create(groups, batch_size=500)
        numbers = {plan.registration_number: plan for plan in plans}
        fields = self.fields
        activity = [
            GroupActivity(
                group=group,
                source=ActivitySource.OTHER,
                on=day,
                field=fields[numbers[group.registration_number].fields[0]],
                description=_activity_text(numbers[group.registration_number].fields[0], day),
            )
            for group in VolunteerGroup.objects.filter(registration_number__in=list(numbers))
            for day in numbers[group.registration_number].activity
        ]
        GroupActivity.objects.bulk_create(activity, batch_size=1000)

    # camps ------------------------------------------------------------------------------------

    def camps_load(self, plans: list[CampPlan]) -> None:
        """Each summer's camps, unless that summer already has the sponsor's camps (the last
        summer's plan moves with the day of loading while the summer lasts)."""
        sponsor = self.orgs[SPONSOR]
        loaded = {
            season
            for season in {plan.season for plan in plans}
            if Camp.objects.filter(group__sponsor=sponsor, starts_on__range=season).exists()
        }
        iran = self.countries["IR"]
        qom_city = self.cities.get((iran.pk, "Qom"))
        for plan in plans:
            group = self.groups.get(plan.group)
            if group is None or plan.season in loaded:
                continue
            province = self.provinces[plan.province]
            camp = services.camp_create(
                actor=SYSTEM,
                group=group,
                services=[
                    ServiceInput(name, quantity, unit) for name, unit, quantity in plan.services
                ],
                field=self.fields[plan.field],
                starts_on=plan.starts_on,
                ends_on=plan.starts_on + timedelta(days=plan.days - 1),
                province=province,
                city=qom_city if plan.city else None,
                village="" if plan.city else plan.place,
                neighbourhood=plan.place if plan.city else "",
                latitude=_coordinate(plan.point[0]),
                longitude=_coordinate(plan.point[1]),
                volunteers=plan.volunteers,
                beneficiaries=plan.beneficiaries,
                report=_camp_report(plan, group, CAMP_PROVINCES[plan.province][0]),
            )
            if plan.approved:
                services.camp_decide(actor=SYSTEM, camp=camp, approve=True)

    # the faithful manoeuvre -------------------------------------------------------------------

    def manoeuvre(self, plans: list[DistributionPlan]) -> None:
        sponsor = self.orgs[SPONSOR]
        campaign = Campaign.objects.filter(organizer=sponsor, name=CAMPAIGN_NAME).first()
        if campaign is None:
            campaign = services.campaign_create(
                actor=SYSTEM,
                organizer=sponsor,
                name=CAMPAIGN_NAME,
                names={
                    "fa": CAMPAIGN_NAME,
                    "en": "Faithful manoeuvre, Decade of Velayat 1401",
                    "ar": "مناورة المواساة المؤمنة — عشرة الولاية 1401",
                },
                starts_on=VELAYAT_DECADE_1401[0],
                ends_on=VELAYAT_DECADE_1401[1],
                description=(
                    "توزیع حدود هفده هزار بسته معیشتی با کمک قرارگاه‌ها و گروه‌های جهادی میان "
                    "نیازمندان و محرومان روستاها و حاشیه شهر قم در دهه ولایت ۱۴۰۱."
                ),
            )
        iran = self.countries["IR"]
        qom, qom_city = self.provinces["IR-25"], self.cities.get((iran.pk, "Qom"))
        existing = set(
            Distribution.objects.filter(campaign=campaign).values_list(
                "group_id", "distributed_on", "place"
            )
        )
        for plan in plans:
            group = self.groups.get(plan.group)
            if group is None or (group.pk, plan.on, plan.place) in existing:
                continue
            services.distribution_record(
                actor=SYSTEM,
                campaign=campaign,
                group=group,
                package_kind=PackageKind.LIVELIHOOD,
                quantity=plan.quantity,
                households=plan.quantity,
                distributed_on=plan.on,
                province=qom,
                city=qom_city if plan.in_city else None,
                place=plan.place,
                latitude=_coordinate(plan.point[0]),
                longitude=_coordinate(plan.point[1]),
            )

    # service points ---------------------------------------------------------------------------

    def operators(self, plans: list[OperatorPlan]) -> None:
        for plan in plans:
            self.organization(plan.spec)

    def points_load(self, plans: list[PointPlan]) -> None:
        existing = set(ServicePoint.objects.values_list("operator_id", "name"))
        opens_on, closes_on = arbaeen_season(self.today)
        for plan in plans:
            operator = self.orgs[plan.operator]
            if (operator.pk, plan.name) in existing:
                continue
            existing.add((operator.pk, plan.name))
            services.service_point_create(
                actor=SYSTEM,
                operator=operator,
                name=plan.name,
                names=plan.names,
                kind=plan.kind,
                country=self.countries[plan.country],
                province=self.provinces.get(plan.province),
                latitude=_coordinate(plan.point[0]),
                longitude=_coordinate(plan.point[1]),
                route=plan.route,
                pole=plan.pole,
                border_crossing=plan.border_crossing,
                services=plan.services,
                capacity=plan.capacity,
                opens_on=opens_on if plan.seasonal else None,
                closes_on=closes_on if plan.seasonal else None,
                hours=plan.hours,
                status=plan.status,
                languages=[self.languages[c] for c in plan.languages if c in self.languages],
            )

    # users ------------------------------------------------------------------------------------

    def users(self) -> list[tuple[str, str, str]]:
        """Demo logins: the sponsor's editor (approves camps, updates the HQ's points) and a
        mawkib's editor (updates its status from a phone)."""
        User = get_user_model()
        logins = []
        for username, description, roles in DEMO_USERS:
            user, _created = User.objects.get_or_create(username=username)
            user.set_password(DEMO_PASSWORD)
            user.save()
            for key, role in roles:
                organization = self.orgs[key]
                held = Membership.objects.filter(
                    person__user=user, organization=organization
                ).first()
                if held is None or held.role != role:
                    directory_services.membership_grant(
                        actor=SYSTEM, organization=organization, user=user, role=role
                    )
            logins.append((username, DEMO_PASSWORD, str(description)))
        return logins


def _activity_text(field_code: str, day: date) -> str:
    texts = {
        "medical": "ویزیت رایگان و پایگاه سلامت",
        "construction": "مرمت منزل نیازمندان",
        "cultural": "برنامه فرهنگی و کلاس قرآن",
        "scientific-educational": "کلاس تقویتی دانش‌آموزان",
        "agricultural": "همراهی کشاورزان و آموزش",
        "livelihood-aid": "توزیع بسته معیشتی",
        "quran": "کلاس قرآن",
        "family-counselling": "مشاوره خانواده",
    }
    month = gregorian_to_solar(day)[1]
    season = "اردوی تابستانی" if month in (4, 5, 6) else "فعالیت هفتگی"
    return f"{season}: {texts.get(field_code, 'کار جهادی')}"


def _camp_report(plan: CampPlan, group: VolunteerGroup, province_fa: str) -> str:
    name = group.organization.name
    delivered = "، ".join(
        f"{service} {_fa(quantity)} {UNIT_FA[unit]}" for service, unit, quantity in plan.services
    )
    if plan.city:
        opening = (
            f"اردوی یک‌روزه {name} در محله {plan.place} قم با حضور {_fa(plan.volunteers)} "
            "جهادگر برگزار شد."
        )
        people = f"{_fa(plan.beneficiaries)} نفر از اهالی محله"
    else:
        opening = (
            f"{name} به مدت {_fa(plan.days)} روز با {_fa(plan.volunteers)} جهادگر در روستای "
            f"{plan.place} استان {province_fa} مستقر شد."
        )
        people = f"{_fa(plan.beneficiaries)} نفر از اهالی روستا و روستاهای اطراف"
    return f"{opening} خدمات ارائه‌شده: {delivered}. {people} از خدمات اردو بهره‌مند شدند."


def load(stdout=None) -> list[tuple[str, str, str]]:
    """Load the volunteer groups, camps, the faithful manoeuvre and the service points.
    Returns the demo logins."""
    today = timezone.localdate()
    groups = groups_plan(today)
    camps = camps_plan(groups, today)
    distributions = distributions_plan(groups)
    operators = operators_plan()
    loader = _Loader(today)
    with transaction.atomic():
        specs = loader.bodies()
        loader.groups_load(groups)
        loader.camps_load(camps)
        loader.manoeuvre(distributions)
        loader.operators(operators)
        loader.points_load(points_plan(operators, specs))
        logins = loader.users()
        services.groups_activity_refresh(today=today)
    return logins
