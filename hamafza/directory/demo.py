"""Demo data: the organizations, people and relations of the source reports.

Every organization named here appears in the network's own reports (the
gathering of foreign hey'ats in Qom, the Hawza–State communications center's
MoU report, Basij Sazandegi of Qom's press conference, the shrines' PR
conference in Kufa, the meeting of the Passive Defense and Islamic
Propagation organizations). Loading is idempotent: run it again and nothing
is duplicated. ``generate`` adds synthetic organizations for scale tests.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hamafza.core.models import City, Country, Language, Province
from hamafza.core.permissions import SYSTEM
from hamafza.core.text import normalize
from hamafza.directory import services
from hamafza.directory.models import (
    ActivityField,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationRelation,
    Person,
    RelationKind,
    Role,
)

DEMO_PASSWORD = "hamafza-demo"


@dataclass
class Org:
    key: str
    kind: str
    en: str
    fa: str
    ar: str
    country: str
    province: str = ""
    city: str = ""
    languages: tuple[str, ...] = ("fa",)
    fields: tuple[str, ...] = ()
    parent: str = ""
    short: str = ""
    description: str = ""
    website: str = ""
    native: str = "fa"  # the language the body writes its own name in
    extra: dict = field(default_factory=dict)


K = OrganizationKind
FOREIGN_HEYATS = [
    # (country code, language codes, English demonym, Persian demonym, Arabic demonym)
    ("IN", ("ur", "hi", "fa"), "Indian", "هندی", "الهنود"),
    ("PK", ("ur", "fa"), "Pakistani", "پاکستانی", "الباكستانيين"),
    ("AF", ("prs", "ps", "fa"), "Afghan", "افغانستانی", "الأفغان"),
    ("BD", ("bn", "fa"), "Bangladeshi", "بنگلادشی", "البنغاليين"),
    ("TR", ("tr", "fa"), "Turkish", "ترکیه‌ای", "الأتراك"),
    ("AR", ("es", "fa"), "Argentine", "آرژانتینی", "الأرجنتينيين"),
    ("AZ", ("az", "fa"), "Azerbaijani", "آذربایجانی", "الأذربيجانيين"),
    ("RU", ("ru", "fa"), "Russian", "روسی", "الروس"),
    ("TJ", ("tg", "fa"), "Tajik", "تاجیکستانی", "الطاجيك"),
    ("NG", ("ha", "en", "fa"), "Nigerian", "نیجریه‌ای", "النيجيريين"),
    ("TH", ("th", "fa"), "Thai", "تایلندی", "التايلانديين"),
]

ORGANIZATIONS: list[Org] = [
    Org(
        "heyat-online",
        K.INSTITUTE,
        "Hey'at Online Institute",
        "مؤسسه هیئت آنلاین",
        "مؤسسة هيئت أونلاين",
        "IR",
        languages=("fa", "ar", "en"),
        fields=("broadcasting", "arbaeen", "quran", "religious-knowledge", "seminary-lessons"),
        short="هیئت آنلاین",
        description=(
            "A platform that gives over 2,300 hey'ats and 28 million users a free broadcast "
            "portal inside and outside the country, free traffic at home, information "
            "dissemination and an archive of their content."
        ),
    ),
    Org(
        "arbaeen-committee",
        K.COMMITTEE,
        "Arbaeen Cultural and Educational Committee",
        "کمیته فرهنگی و آموزشی اربعین",
        "اللجنة الثقافية والتعليمية للأربعين",
        "IR",
        languages=("fa", "ar"),
        fields=("arbaeen", "cultural", "training"),
    ),
    Org(
        "ahl-al-bayt-assembly",
        K.INTERNATIONAL,
        "Ahl al-Bayt World Assembly",
        "مجمع جهانی اهل‌بیت (ع)",
        "المجمع العالمي لأهل البيت (ع)",
        "IR",
        languages=("fa", "ar", "en", "ur"),
        fields=("international-relations", "cultural"),
    ),
    Org(
        "hawza",
        K.SEMINARY_OFFICE,
        "Seminaries of Iran (Hawza Ilmiyya)",
        "حوزه‌های علمیه",
        "الحوزات العلمية",
        "IR",
        "IR-25",
        "Qom",
        languages=("fa", "ar"),
        fields=("seminary-lessons", "religious-knowledge"),
    ),
    Org(
        "hawza-international",
        K.SEMINARY_OFFICE,
        "Hawza Center for Communications and International Affairs",
        "مرکز ارتباطات و بین‌الملل حوزه‌های علمیه",
        "مركز الاتصالات والشؤون الدولية للحوزات العلمية",
        "IR",
        "IR-25",
        "Qom",
        languages=("fa", "ar", "en"),
        parent="hawza",
        fields=("international-relations",),
    ),
    Org(
        "hawza-state-center",
        K.SEMINARY_OFFICE,
        "Hawza–State Communications Center",
        "مرکز ارتباطات حوزه و نظام",
        "مركز اتصالات الحوزة والدولة",
        "IR",
        "IR-25",
        "Qom",
        parent="hawza",
        fields=("public-relations", "ngo-support"),
        description="Manages the seminaries' memoranda of understanding with governmental "
        "bodies, their cooperation headquarters and the seminary's representatives.",
    ),
    Org(
        "al-mustafa",
        K.UNIVERSITY,
        "Al-Mustafa International University",
        "جامعة المصطفی العالمیة",
        "جامعة المصطفى العالمية",
        "IR",
        "IR-25",
        "Qom",
        languages=("fa", "ar", "en", "ur", "fr"),
        fields=("scientific-educational",),
        native="ar",
    ),
    Org(
        "bitha-hajj",
        K.GOVERNMENT,
        "Office of the Leader's Representative for Hajj and Pilgrimage",
        "بعثه مقام معظم رهبری در امور حج و زیارت",
        "بعثة قائد الثورة الإسلامية لشؤون الحج والزيارة",
        "IR",
        "IR-25",
        "Qom",
        fields=("pilgrim-services",),
    ),
    Org(
        "basij-sazandegi-qom",
        K.GOVERNMENT,
        "Basij Sazandegi of Qom Province",
        "بسیج سازندگی استان قم",
        "تعبئة البناء في محافظة قم",
        "IR",
        "IR-25",
        "Qom",
        fields=("construction", "medical", "cultural", "agricultural", "livelihood-aid"),
    ),
    Org(
        "volunteer-movements-center",
        K.GOVERNMENT,
        "Center for Studies and Guidance of Volunteer Movements, Qom",
        "مرکز مطالعات و هدایت حرکت‌های جهادی استان قم",
        "مركز دراسات وتوجيه الحركات الجهادية في قم",
        "IR",
        "IR-25",
        "Qom",
        parent="basij-sazandegi-qom",
        fields=("training",),
    ),
    Org(
        "imam-order-hq",
        K.GOVERNMENT,
        "Execution of Imam Khomeini's Order",
        "ستاد اجرایی فرمان امام",
        "هيئة تنفيذ أمر الإمام",
        "IR",
        fields=("livelihood-aid",),
    ),
    Org(
        "irgc-qom",
        K.GOVERNMENT,
        "Islamic Revolution Guard Corps, Qom Province",
        "سپاه استان قم",
        "حرس الثورة الإسلامية في محافظة قم",
        "IR",
        "IR-25",
        "Qom",
    ),
    Org(
        "masoumeh-shrine",
        K.SHRINE,
        "Holy Shrine of Lady Masoumeh",
        "آستان مقدس حضرت معصومه (س)",
        "العتبة المقدسة للسيدة المعصومة (ع)",
        "IR",
        "IR-25",
        "Qom",
        languages=("fa", "ar", "ur"),
        fields=("pilgrim-services", "mourning-ceremonies"),
    ),
    Org(
        "ipo",
        K.GOVERNMENT,
        "Islamic Propagation Organization",
        "سازمان تبلیغات اسلامی",
        "منظمة الإعلام الإسلامي",
        "IR",
        "IR-23",
        "Tehran",
        fields=("content-production", "cultural", "cyberspace"),
    ),
    Org(
        "passive-defense",
        K.GOVERNMENT,
        "Passive Defense Organization",
        "سازمان پدافند غیرعامل کشور",
        "منظمة الدفاع السلبي",
        "IR",
        "IR-23",
        "Tehran",
        fields=("passive-defense", "cyberspace"),
    ),
    Org(
        "shia-endowment",
        K.GOVERNMENT,
        "Shia Endowment Office",
        "دیوان وقف شیعی",
        "ديوان الوقف الشيعي",
        "IQ",
        "IQ-BG",
        "Baghdad",
        languages=("ar",),
        fields=("pilgrim-services", "public-relations"),
        native="ar",
    ),
    Org(
        "kadhimiya-shrine",
        K.SHRINE,
        "Holy Shrine of Kadhimiya",
        "آستان مقدس کاظمین",
        "العتبة الكاظمية المقدسة",
        "IQ",
        "IQ-BG",
        "Kadhimiya",
        languages=("ar", "fa", "en"),
        fields=("pilgrim-services", "public-relations", "mourning-ceremonies"),
        parent="shia-endowment",
        native="ar",
        description="Serves the pilgrim with food, drink, places of rest and other services.",
    ),
    Org(
        "kufa-mosque",
        K.MOSQUE,
        "Great Mosque of Kufa and its shrines",
        "مسجد اعظم کوفه",
        "مزار مسجد الكوفة المعظم والمزارات الملحقة به",
        "IQ",
        "IQ-NA",
        "Kufa",
        languages=("ar",),
        fields=("pilgrim-services",),
        parent="shia-endowment",
        native="ar",
    ),
    Org(
        "red-crescent",
        K.NGO,
        "Red Crescent Society of the Islamic Republic of Iran",
        "جمعیت هلال‌احمر جمهوری اسلامی ایران",
        "جمعية الهلال الأحمر الإيرانية",
        "IR",
        "IR-23",
        "Tehran",
        fields=("medical",),
    ),
    Org(
        "red-crescent-fars",
        K.NGO,
        "Red Crescent Society, Fars Province",
        "جمعیت هلال‌احمر استان فارس",
        "جمعية الهلال الأحمر في محافظة فارس",
        "IR",
        "IR-07",
        "Shiraz",
        parent="red-crescent",
        fields=("medical",),
    ),
    Org(
        "relief-committee",
        K.NGO,
        "Imam Khomeini Relief Committee",
        "کمیته امداد امام خمینی (ره)",
        "لجنة إمداد الإمام الخميني",
        "IR",
        "IR-23",
        "Tehran",
        fields=("livelihood-aid",),
    ),
    Org(
        "relief-committee-mazandaran",
        K.NGO,
        "Imam Khomeini Relief Committee, Mazandaran",
        "کمیته امداد امام خمینی (ره) استان مازندران",
        "لجنة إمداد الإمام الخميني في مازندران",
        "IR",
        "IR-02",
        "Sari",
        parent="relief-committee",
        fields=("livelihood-aid",),
    ),
    Org(
        "irib",
        K.MEDIA,
        "Islamic Republic of Iran Broadcasting",
        "صدا و سیمای جمهوری اسلامی ایران",
        "هيئة الإذاعة والتلفزيون الإيرانية",
        "IR",
        "IR-23",
        "Tehran",
        short="IRIB",
        fields=("broadcasting", "content-production"),
    ),
    Org(
        "irib-fars",
        K.MEDIA,
        "IRIB Fars Provincial Center",
        "صدا و سیمای مرکز فارس",
        "مركز فارس للإذاعة والتلفزيون",
        "IR",
        "IR-07",
        "Shiraz",
        parent="irib",
        fields=("broadcasting",),
    ),
    Org(
        "sums",
        K.UNIVERSITY,
        "Shiraz University of Medical Sciences",
        "دانشگاه علوم پزشکی شیراز",
        "جامعة شيراز للعلوم الطبية",
        "IR",
        "IR-07",
        "Shiraz",
        fields=("medical",),
    ),
    Org(
        "mazums",
        K.UNIVERSITY,
        "Mazandaran University of Medical Sciences",
        "دانشگاه علوم پزشکی مازندران",
        "جامعة مازندران للعلوم الطبية",
        "IR",
        "IR-02",
        "Sari",
        fields=("medical",),
    ),
    Org(
        "environment-fars",
        K.GOVERNMENT,
        "Department of Environment, Fars Province",
        "اداره کل حفاظت محیط زیست استان فارس",
        "دائرة حماية البيئة في محافظة فارس",
        "IR",
        "IR-07",
        "Shiraz",
    ),
    Org(
        "sports-youth-mazandaran",
        K.GOVERNMENT,
        "Sports and Youth Department, Mazandaran",
        "اداره کل ورزش و جوانان استان مازندران",
        "دائرة الرياضة والشباب في مازندران",
        "IR",
        "IR-02",
        "Sari",
    ),
]
for code, langs, en, fa, ar in FOREIGN_HEYATS:
    ORGANIZATIONS.append(
        Org(
            f"heyat-{code.lower()}",
            K.HEYAT,
            f"Hey'at of {en} residents in Qom",
            f"هیئت مذهبی مقیمان {fa} در قم",
            f"هيئة المقيمين {ar} في قم",
            "IR",
            "IR-25",
            "Qom",
            languages=langs,
            fields=("mourning-ceremonies", "arbaeen"),
            extra={"community": code},
        )
    )

RELATIONS = [
    ("heyat-online", RelationKind.COOPERATES_WITH, "arbaeen-committee"),
    ("ahl-al-bayt-assembly", RelationKind.COOPERATES_WITH, "heyat-online"),
    ("hawza-international", RelationKind.COOPERATES_WITH, "heyat-online"),
    ("al-mustafa", RelationKind.COOPERATES_WITH, "heyat-online"),
    ("hawza", RelationKind.SUPPORTS, "basij-sazandegi-qom"),
    ("imam-order-hq", RelationKind.SUPPORTS, "basij-sazandegi-qom"),
    ("irgc-qom", RelationKind.SUPPORTS, "basij-sazandegi-qom"),
    ("ipo", RelationKind.COOPERATES_WITH, "passive-defense"),
    ("kadhimiya-shrine", RelationKind.COOPERATES_WITH, "kufa-mosque"),
    *[
        ("heyat-online", RelationKind.SUPPORTS, f"heyat-{code.lower()}")
        for code, *_ in FOREIGN_HEYATS
    ],
    *[
        (f"heyat-{code.lower()}", RelationKind.COOPERATES_WITH, "arbaeen-committee")
        for code, *_ in FOREIGN_HEYATS
    ],
]

PEOPLE = [
    # key, honorific (fa), name in fa/ar/en, organization, position in fa/ar/en
    (
        "navvab",
        "حجت‌الاسلام والمسلمین",
        "نواب",
        "نواب",
        "Navvab",
        "bitha-hajj",
        "نماینده ولی‌فقیه در امور حج و زیارت",
        "ممثل الولي الفقيه لشؤون الحج والزيارة",
        "Representative of the Leader for Hajj and pilgrimage",
    ),
    (
        "ahmadi",
        "حجت‌الاسلام والمسلمین",
        "احمدی",
        "أحمدي",
        "Ahmadi",
        "arbaeen-committee",
        "رئیس کمیته فرهنگی و آموزشی اربعین",
        "رئيس اللجنة الثقافية والتعليمية للأربعين",
        "Head of the Arbaeen Cultural and Educational Committee",
    ),
    (
        "javanbakht",
        "مهندس",
        "جوانبخت",
        "جوانبخت",
        "Javanbakht",
        "heyat-online",
        "مدیرعامل",
        "المدير العام",
        "Chief executive",
    ),
    (
        "al-ayyub",
        "حجت‌الاسلام والمسلمین",
        "آل‌ایوب",
        "آل أيوب",
        "Al-Ayyub",
        "ahl-al-bayt-assembly",
        "مدیرکل فرهنگی",
        "المدير العام للشؤون الثقافية",
        "Director-general for culture",
    ),
    (
        "panahi",
        "حجت‌الاسلام والمسلمین",
        "مهدی پناهی",
        "مهدي بناهي",
        "Mahdi Panahi",
        "hawza-state-center",
        "مدیر ارتباط با سازمان‌ها و نهادهای حاکمیتی",
        "مدير العلاقات مع المؤسسات الحكومية",
        "Head of relations with governmental bodies",
    ),
    (
        "ekhlasmand",
        "",
        "علی اخلاص‌مند",
        "علي إخلاصمند",
        "Ali Ekhlasmand",
        "volunteer-movements-center",
        "مدیر مرکز",
        "مدير المركز",
        "Director",
    ),
    (
        "taha",
        "شیخ",
        "حسن هادی طه",
        "حسن هادي طه",
        "Hassan Hadi Taha",
        "kadhimiya-shrine",
        "رئیس بخش روابط عمومی",
        "رئيس قسم العلاقات العامة",
        "Head of the public-relations department",
    ),
]

DEMO_USERS = [
    # username, role description, coordinator?, organization key, role
    ("coordinator", _("network coordinator"), True, "", ""),
    ("owner", _("owner of Hey'at Online"), False, "heyat-online", Role.OWNER),
    ("editor", _("editor of the Kadhimiya shrine"), False, "kadhimiya-shrine", Role.EDITOR),
    ("viewer", _("viewer at Basij Sazandegi of Qom"), False, "basij-sazandegi-qom", Role.VIEWER),
]


def _names(org: Org) -> dict[str, str]:
    return {"fa": org.fa, "ar": org.ar, "en": org.en}


def _own_name(org: Org) -> str:
    return {"fa": org.fa, "ar": org.ar, "en": org.en}[org.native]


def load(stdout=None) -> list[tuple[str, str, str]]:
    """Load the demo organizations, people, relations and users. Returns the demo logins."""
    countries = {c.code: c for c in Country.objects.all()}
    provinces = {p.code: p for p in Province.objects.all()}
    cities = {(c.country_id, c.name): c for c in City.objects.all()}
    languages = {lang.code: lang for lang in Language.objects.all()}
    fields = {f.code: f for f in ActivityField.objects.all()}
    by_key: dict[str, Organization] = {}
    with transaction.atomic():
        for org in ORGANIZATIONS:
            country = countries[org.country]
            values = {
                "kind": org.kind,
                "name": _own_name(org),
                "names": _names(org),
                "short_name": org.short,
                "description": org.description,
                "country": country,
                "province": provinces.get(org.province),
                "city": cities.get((country.pk, org.city)) if org.city else None,
                "parent": by_key.get(org.parent),
            }
            city = values["city"]
            if city is not None and city.latitude is not None:
                values["latitude"], values["longitude"] = city.latitude, city.longitude
            existing = Organization.objects.filter(
                name_key=normalize(values["name"]), kind=org.kind, country=country
            ).first()
            org_languages = [languages[c] for c in org.languages if c in languages]
            org_fields = [fields[c] for c in org.fields]
            if existing is None:
                by_key[org.key] = services.organization_create(
                    actor=SYSTEM, languages=org_languages, fields=org_fields, **values
                )
            else:
                by_key[org.key] = services.organization_update(
                    actor=SYSTEM,
                    organization=existing,
                    languages=org_languages,
                    fields=org_fields,
                    **values,
                )
        for source, kind, target in RELATIONS:
            if not OrganizationRelation.objects.filter(
                source=by_key[source], target=by_key[target], kind=kind
            ).exists():
                services.relation_create(
                    actor=SYSTEM, source=by_key[source], target=by_key[target], kind=kind
                )
        for _key, honorific, fa, ar, en, org_key, pos_fa, pos_ar, pos_en in PEOPLE:
            person = Person.objects.filter(name=fa).first() or services.person_create(
                actor=SYSTEM, name=fa, names={"fa": fa, "ar": ar, "en": en}, honorific=honorific
            )
            if not Membership.objects.filter(person=person, organization=by_key[org_key]).exists():
                services.membership_add(
                    actor=SYSTEM,
                    organization=by_key[org_key],
                    person=person,
                    role=Role.VIEWER,
                    position=pos_fa,
                    positions={"fa": pos_fa, "ar": pos_ar, "en": pos_en},
                )
        logins = _users_load(by_key)
    return logins


def _users_load(by_key: dict[str, Organization]) -> list[tuple[str, str, str]]:
    User = get_user_model()
    logins = []
    for username, description, coordinator, org_key, role in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.is_coordinator = coordinator
        user.is_staff = coordinator
        user.set_password(DEMO_PASSWORD)
        user.save()
        if org_key:
            services.membership_grant(
                actor=SYSTEM, organization=by_key[org_key], user=user, role=role
            )
        logins.append((username, DEMO_PASSWORD, str(description)))
    admin, _created = User.objects.get_or_create(username="admin")
    admin.is_staff = admin.is_superuser = True
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    logins.append(("admin", DEMO_PASSWORD, str(_("operator (Django superuser)"))))
    return logins


# Synthetic organizations for scale tests -------------------------------------------------

_PREFIXES = {
    K.HEYAT: ("هیئت", "هیئت عزاداران", "هیئت محبان", "هیئت انصار", "هیئت رزمندگان"),
    K.MOSQUE: ("مسجد", "مسجد جامع"),
    K.VOLUNTEER_GROUP: ("گروه جهادی", "قرارگاه جهادی"),
    K.NGO: ("مؤسسه خیریه", "کانون"),
}
_HOLY_NAMES = (
    "حضرت ابوالفضل (ع)",
    "امام حسین (ع)",
    "حضرت زینب (س)",
    "امام رضا (ع)",
    "حضرت علی‌اکبر (ع)",
    "شهدای کربلا",
    "حضرت رقیه (س)",
    "امام سجاد (ع)",
    "حضرت قاسم (ع)",
    "فاطمة الزهراء (س)",
    "أنصار الحسين",
    "موکب الإمام الكاظم",
    "Imam Hussain Foundation",
    "Zainabiya Centre",
)
_WEIGHTED_COUNTRIES = (
    ["IR"] * 60 + ["IQ"] * 15 + ["PK", "IN", "AF", "LB", "BH", "AZ", "TR", "GB", "DE", "NG"] * 2
)


def generate(count: int, *, seed: int = 1404, batch: int = 5000) -> int:
    """Add ``count`` synthetic organizations in bulk (for scale tests and benchmarks)."""
    rng = random.Random(seed)
    countries = {c.code: c for c in Country.objects.filter(code__in=set(_WEIGHTED_COUNTRIES))}
    provinces: dict[int, list[Province]] = {}
    for province in Province.objects.all():
        provinces.setdefault(province.country_id, []).append(province)
    languages = list(Language.objects.filter(code__in=["fa", "ar", "en", "ur", "tr", "az"]))
    kinds = list(_PREFIXES)
    start = Organization.objects.count()
    made = 0
    through = Organization.languages.through
    while made < count:
        size = min(batch, count - made)
        rows = []
        for i in range(size):
            number = start + made + i + 1
            kind = rng.choice(kinds)
            country = countries[rng.choice(_WEIGHTED_COUNTRIES)]
            name = f"{rng.choice(_PREFIXES[kind])} {rng.choice(_HOLY_NAMES)} {number}"
            org = Organization(
                kind=kind,
                name=name,
                names={},
                country=country,
                province=rng.choice(provinces[country.pk]) if country.pk in provinces else None,
                is_active=rng.random() < 0.6,
            )
            org.name_key = normalize(name)
            org.search_key = org.search_key_build()
            rows.append(org)
        with transaction.atomic():
            created = Organization.objects.bulk_create(rows)
            links = [
                through(organization_id=org.pk, language_id=rng.choice(languages).pk)
                for org in created
            ]
            through.objects.bulk_create(links, ignore_conflicts=True)
        made += size
    services.facets_invalidate()
    return made
