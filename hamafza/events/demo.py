"""Demo data: the events of the five reports, yearly ceremonies, weekly gatherings, and the two
summer courses of report 002.

- 000: the gathering of over 100 foreign residents' hey'ats in Qom, at the Office of the
  Leader's Representative for Hajj and Pilgrimage. The report says only "Wednesday evening":
  the demo places it on the last Wednesday before the day of loading, as the broadcast demo
  archives the meeting's recording as a few days old.
- 001: the conference of the secretaries of the seminaries' steering headquarters in Mashhad on
  Friday 14 Azar 1404 (2025-12-05), where the MoU figures were announced, with the plans the
  Hawza–State Communications Center announced there as follow-ups.
- 002: the press conference of the director of the center for volunteer movements of Basij
  Sazandegi in Qom. The report gives no day: it speaks of summer 1401, before the Decade of
  Velayat (19–27 Tir 1401) and the congress of 9–11 Mordad 1401; the demo places it on
  Wednesday 8 Tir 1401 (2022-06-29). The yearly congress for volunteers who died in service
  is a series on fixed Solar dates (9–11 Mordad): the 1401 edition of the report, the last one
  and the coming one, in Qom at the shrine of Lady Masoumeh. The two summer courses
  "Rasm-e Khedmat" (the last summer's, finished, with certificates) and "Rasm-e Hejrat" (the
  coming summer's, enrolment open).
- 003: the 8th periodic conference of the public-relations departments of the holy shrines, the
  mazars and the Shia Endowment Office at the Great Mosque of Kufa, with its 7 numbered
  recommendations as follow-ups, and an earlier 7th edition with recommendations still open.
  The report gives no date: the demo places the 8th edition weeks before the day of loading,
  so that its recommendations are being followed up.
- 004: the meeting of the heads of the Passive Defense Organization and the Islamic Propagation
  Organization (undated in the report: three weeks before the day of loading), its decisions as
  outcomes, and the expert session it decided.
- Ceremonies of Ashura, Arbaeen and the nights of Qadr that repeat every Hijri year, and weekly
  gatherings, three of them online with the broadcast the broadcast demo scheduled.

Everything is written through the services as ``SYSTEM``. Loading is idempotent: events are
known by organizer and name, editions by series and number, courses by their event; what
exists is left alone. The people enrolled in the courses and the volunteer groups that send
them are illustrative: the report counts 780 registered groups but names none.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.broadcast.models import Broadcast, BroadcastStatus
from hamafza.core.calendars import gregorian_to_solar, solar_to_gregorian
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
    Person,
    Role,
)
from hamafza.events import services
from hamafza.events.models import (
    Audience,
    Course,
    Event,
    EventKind,
    EventSeries,
    Occasion,
    Recurrence,
)
from hamafza.events.services import OutcomeInput
from hamafza.events.services_courses import (
    attendance_record,
    course_close,
    course_create,
    course_update,
    enrolment_accept,
    enrolment_apply,
    enrolment_decline,
    enrolment_withdraw,
)
from hamafza.followups.models import FollowUpStatus
from hamafza.followups.selectors import followups_of
from hamafza.followups.services import followup_report

K = OrganizationKind
SEED = 1401
TEHRAN = "Asia/Tehran"
BAGHDAD = "Asia/Baghdad"
# The year whose ceremonies start the yearly Hijri events: last year's and the coming ones show.
FIRST_HIJRI_YEAR = 1447

# Bodies the earlier demos do not register.
# fmt: off
EXTRA_ORGS = [
    Org("basij-sazandegi", K.GOVERNMENT, "Basij Sazandegi Organization", "سازمان بسیج سازندگی",
        "منظمة تعبئة البناء", "IR", "IR-23", "Tehran",
        fields=("construction", "livelihood-aid"),
        description="Decides where the yearly congress for volunteers who died in service is "
        "held."),
    Org("alawi-shrine", K.SHRINE, "Holy Shrine of Imam Ali", "آستان مقدس علوی",
        "العتبة العلوية المقدسة", "IQ", "IQ-NA", "Najaf", languages=("ar", "fa", "en"),
        fields=("pilgrim-services", "public-relations"), native="ar"),
    Org("husseini-shrine", K.SHRINE, "Holy Shrine of Imam Hussein", "آستان مقدس حسینی",
        "العتبة الحسينية المقدسة", "IQ", "IQ-KA", "Karbala", languages=("ar", "fa", "en"),
        fields=("pilgrim-services", "public-relations", "arbaeen"), native="ar"),
    Org("abbasi-shrine", K.SHRINE, "Holy Shrine of Abbas", "آستان مقدس عباسی",
        "العتبة العباسية المقدسة", "IQ", "IQ-KA", "Karbala", languages=("ar", "fa", "en"),
        fields=("pilgrim-services", "public-relations", "arbaeen"), native="ar"),
    Org("askari-shrine", K.SHRINE, "Holy Shrine of the two Askari Imams", "آستان مقدس عسکریین",
        "العتبة العسكرية المقدسة", "IQ", "IQ-SD", "Samarra", languages=("ar",),
        fields=("pilgrim-services", "public-relations"), native="ar"),
]
# Volunteer groups of Qom that send people to the summer courses (illustrative names).
VOLUNTEER_GROUPS = [
    ("volunteers-pardisan", "گروه جهادی پردیسان", "Pardisan volunteer group",
     "مجموعة برديسان الجهادية"),
    ("volunteers-kahak", "گروه جهادی کهک", "Kahak volunteer group", "مجموعة كهك الجهادية"),
    ("volunteers-jafariyeh", "گروه جهادی جعفریه", "Jafariyeh volunteer group",
     "مجموعة الجعفرية الجهادية"),
    ("volunteers-salafchegan", "قرارگاه جهادی سلفچگان", "Salafchegan volunteer headquarters",
     "مقر سلفجكان الجهادي"),
    ("volunteers-niroogah", "گروه جهادی نیروگاه", "Niroogah volunteer group",
     "مجموعة نيروكاه الجهادية"),
    ("volunteers-medical", "گروه جهادی پزشکی قم", "Qom medical volunteer group",
     "المجموعة الجهادية الطبية في قم"),
]
for key, fa, en, ar in VOLUNTEER_GROUPS:
    EXTRA_ORGS.append(
        Org(key, K.VOLUNTEER_GROUP, en, fa, ar, "IR", "IR-25", "Qom",
            fields=("construction", "cultural"), parent="")
    )
# fmt: on

FOREIGN_HEYAT_KEYS = [f"heyat-{row[0].lower()}" for row in directory_demo.FOREIGN_HEYATS]

# Report 003's recommendations, as the conference worded them; the owner is the body of those
# present that the recommendation falls to.
KUFA_RECOMMENDATIONS = [
    # Raise the work of relations between the shrines, the mazars and the Shia Endowment Office
    # by scientific methods, and how to build bridges of cooperation.
    (
        "الارتقاء بعمل العلاقات بين العتبات المقدسة والمزارات الشريفة وديوان الوقف الشيعي عبر "
        "اتباع الأساليب العلمية في تطوير هذه العلاقات وكيفية مدّ جسور التعاون.",
        "shia-endowment",
        240,
        FollowUpStatus.IN_PROGRESS,
    ),
    # Exchange experience and learn from the practice of the shrines, the mazars and the office.
    (
        "تبادل الخبرات والاستفادة من التجارب لدى العتبات المقدسة والمزارات وديوان الوقف الشيعي.",
        "kadhimiya-shrine",
        120,
        FollowUpStatus.IN_PROGRESS,
    ),
    # Publish a unified quarterly guide on the shrines' public relations, with a summary of the
    # department's work, edited by a specialist committee.
    (
        "العمل على إصدار دليل فصلي موحّد حول العلاقات العامة الخاصة بالعتبات المقدسة والمزارات "
        "الشريفة، يُدرج فيه تعريف ملخص عن نشاطات وعمل هذا القسم الحيوي، على أن تتولى لجنة "
        "متخصصة إصدار هذا الدليل.",
        "shia-endowment",
        90,
        None,
    ),
    # Train the departments' staff in specialised courses inside and outside Iraq.
    (
        "تأهيل الملاكات العاملة في هذه الأقسام بإشراكهم بدورات متخصصة داخل وخارج العراق.",
        "kufa-mosque",
        180,
        None,
    ),
    # Strive to register the holy shrines in international and Islamic organizations.
    (
        "السعي الحثيث لتسجيل العتبات المقدسة في المنظمات الدولية والإسلامية.",
        "shia-endowment",
        365,
        None,
    ),
    # Open the shrines' and mazars' relations abroad, to exchange experience.
    (
        "تنشيط حالة انفتاح العلاقات في العتبات المقدسة والمزارات الشريفة خارج العراق من أجل "
        "تبادل الخبرات.",
        "kadhimiya-shrine",
        270,
        None,
    ),
    # Coordinate the shrines and mazars with the Shia Endowment Office to take part in
    # international forums.
    (
        "ضرورة التنسيق والتعاون بين العتبات والمزارات مع ديوان الوقف الشيعي للمشاركة في المحافل "
        "الدولية.",
        "shia-endowment",
        300,
        None,
    ),
]
# Edition 7's recommendations are illustrative (no report of that edition is among the
# sources): two were done, two are still open when the 8th edition meets.
KADHIMIYA_RECOMMENDATIONS = [
    # A common form for receiving official delegations.
    (
        "توحيد استمارة استقبال الوفود الرسمية بين أقسام العلاقات العامة في العتبات والمزارات.",
        "kadhimiya-shrine",
        60,
        FollowUpStatus.DONE,
    ),
    # A common directory of the heads of the relations departments.
    (
        "إعداد دليل موحّد بأسماء مسؤولي أقسام العلاقات العامة ووسائل الاتصال بهم.",
        "shia-endowment",
        90,
        None,
    ),
    # A joint workshop on receiving foreign pilgrims.
    (
        "إقامة ورشة مشتركة في فن التعامل مع الزائرين الأجانب وتقديم الخدمات لهم.",
        "kufa-mosque",
        150,
        FollowUpStatus.IN_PROGRESS,
    ),
    # Field visits between the departments to learn from each other's hospitality.
    (
        "تبادل الزيارات الميدانية بين أقسام العلاقات العامة للاطلاع على تجارب الضيافة.",
        "kadhimiya-shrine",
        120,
        FollowUpStatus.DONE,
    ),
]

# Report 004's decisions: text, owner, days after the meeting, status.
PDO_IPO_DECISIONS = [
    (
        "انعقاد تفاهم‌نامه همکاری بین سازمان پدافند غیرعامل کشور و سازمان تبلیغات اسلامی",
        "ipo",
        60,
        FollowUpStatus.IN_PROGRESS,
    ),
    (
        "همکاری مشترک در طراحی چارچوب کلی «معماری جدید نظام اسلامی بر بستر فضای سایبری»",
        "passive-defense",
        180,
        None,
    ),
    (
        "برگزاری جلسات کارشناسی و بررسی مباحث تخصصی همکاری دو سازمان",
        "passive-defense",
        30,
        FollowUpStatus.IN_PROGRESS,
    ),
    (
        "استفاده از ظرفیت‌های سازمان تبلیغات اسلامی در راستای تداوم کارکرد سیستم‌های "
        "اطلاع‌رسانی، شبکه‌های اجتماعی و فضای مجازی",
        "ipo",
        120,
        None,
    ),
    (
        "تولید محتوای پدافند غیرعامل متناسب با مخاطبان خاص، از جمله ائمه محترم جماعات، توسط "
        "سازمان تبلیغات اسلامی با همکاری و هماهنگی سازمان پدافند غیرعامل کشور",
        "ipo",
        90,
        None,
    ),
]

# Report 001: what the center announced it was working on.
MASHHAD_PLANS = [
    (
        "بررسی و بازنگری ۲۲ تفاهم‌نامه قبلی: تمدید، تنزل به توافق‌نامه یا خاتمه",
        180,
        FollowUpStatus.IN_PROGRESS,
    ),
    ("بررسی ضرورت انعقاد تفاهم‌نامه با ۴۵ دستگاه جدید", 270, FollowUpStatus.IN_PROGRESS),
    (
        "ایجاد کانال ارتباطی در فضای مجازی و برگزاری نشست با حدود ۲۲۰ نماینده حوزوی در دستگاه‌ها",
        90,
        FollowUpStatus.DONE,
    ),
    ("احصای بانک اطلاعاتی تشکل‌های مردم‌نهاد وابسته به دستگاه‌های دولتی", 365, None),
]

DEMO_USERS = [
    # username, description, the person they are, organization key, role
    (
        "ekhlasmand",
        _("editor at the Qom center for volunteer movements (runs the summer courses)"),
        "علی اخلاص‌مند",
        "volunteer-movements-center",
        Role.EDITOR,
    ),
]

# Names of the people enrolled in the courses (illustrative).
# fmt: off
FIRST_NAMES = [
    ("محمد", "Mohammad"), ("علی", "Ali"), ("حسین", "Hossein"), ("مهدی", "Mahdi"),
    ("رضا", "Reza"), ("جواد", "Javad"), ("مجتبی", "Mojtaba"), ("مصطفی", "Mostafa"),
    ("احمد", "Ahmad"), ("سجاد", "Sajjad"), ("میثم", "Meysam"), ("امیر", "Amir"),
    ("زهرا", "Zahra"), ("فاطمه", "Fatemeh"), ("مریم", "Maryam"), ("زینب", "Zeinab"),
    ("معصومه", "Masoumeh"), ("سمیه", "Somayeh"), ("ابوالفضل", "Abolfazl"), ("محسن", "Mohsen"),
]
SURNAMES = [
    ("رضایی", "Rezaei"), ("محمدی", "Mohammadi"), ("حسینی", "Hosseini"), ("موسوی", "Mousavi"),
    ("کریمی", "Karimi"), ("جعفری", "Jafari"), ("صادقی", "Sadeghi"), ("قمی", "Qomi"),
    ("نوری", "Nouri"), ("طاهری", "Taheri"), ("قاسمی", "Ghasemi"), ("حیدری", "Heydari"),
    ("کاظمی", "Kazemi"), ("اکبری", "Akbari"), ("فاضلی", "Fazeli"), ("نجفی", "Najafi"),
    ("باقری", "Bagheri"), ("اسدی", "Asadi"), ("زارعی", "Zarei"), ("سلطانی", "Soltani"),
]
# fmt: on


def _local(day: date, hour: int, minute: int = 0, zone: str = TEHRAN) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


def _own_name(org: Org) -> str:
    return {"fa": org.fa, "ar": org.ar, "en": org.en}[org.native]


@dataclass(frozen=True)
class CoursePlan:
    """Where a summer course's sessions fall: Solar (year, month, first day), days, hours."""

    year: int
    month: int
    first_day: int
    days: int
    starts: tuple[int, int]
    ends: tuple[int, int]

    def sessions(self) -> list[tuple[datetime, datetime]]:
        first = solar_to_gregorian(self.year, self.month, self.first_day)
        return [
            (
                _local(first + timedelta(days=n), *self.starts),
                _local(first + timedelta(days=n), *self.ends),
            )
            for n in range(self.days)
        ]


def congress_years(today: date) -> list[int]:
    """The Solar years of the congress editions the demo holds: report 002's (1401), the last
    one held and the coming one (9–11 Mordad)."""
    year = gregorian_to_solar(today)[0]
    coming = year if solar_to_gregorian(year, 5, 11) >= today else year + 1
    return sorted({1401, coming - 1, coming})


def khedmat_plan(today: date) -> CoursePlan:
    """Rasm-e Khedmat: four mornings in mid-Tir of the last summer that is over."""
    year = gregorian_to_solar(today)[0]
    if solar_to_gregorian(year, 4, 19) >= today:
        year -= 1
    return CoursePlan(year, 4, 15, 4, (8, 30), (12, 30))


def hejrat_plan(today: date) -> CoursePlan:
    """Rasm-e Hejrat: three days after the congress, in the coming summer (at least two weeks
    ahead, so that enrolment is open)."""
    year = gregorian_to_solar(today)[0]
    if solar_to_gregorian(year, 5, 20) < today + timedelta(days=14):
        year += 1
    return CoursePlan(year, 5, 20, 3, (9, 0), (13, 0))


# Notes reported on outcomes, in the language of the event.
NOTES = {
    "fa": {FollowUpStatus.DONE: "انجام شد.", FollowUpStatus.IN_PROGRESS: "در حال انجام است."},
    "ar": {FollowUpStatus.DONE: "أُنجز.", FollowUpStatus.IN_PROGRESS: "قيد التنفيذ."},
}


class _Loader:
    def __init__(self, today: date):
        self.today = today
        self.countries = {c.code: c for c in Country.objects.all()}
        self.cities = {(c.country_id, c.name): c for c in City.objects.all()}
        self.languages = {language.code: language for language in Language.objects.all()}
        self.occasions = {o.slug: o for o in Occasion.objects.all()}
        self.orgs: dict[str, Organization] = {}
        self.rng = random.Random(SEED)

    # organizations and people -------------------------------------------------------------

    def organizations(self) -> None:
        """The bodies of the directory demo, found by name; those missing are registered."""
        provinces = {p.code: p for p in Province.objects.all()}
        fields = {f.code: f for f in ActivityField.objects.all()}
        for spec in [*directory_demo.ORGANIZATIONS, *EXTRA_ORGS]:
            country = self.countries[spec.country]
            found = Organization.objects.filter(
                name_key=normalize(_own_name(spec)), kind=spec.kind, country=country
            ).first()
            if found is None:
                city = self.cities.get((country.pk, spec.city))
                values = {
                    "kind": spec.kind,
                    "name": _own_name(spec),
                    "names": {"fa": spec.fa, "ar": spec.ar, "en": spec.en},
                    "short_name": spec.short,
                    "description": spec.description,
                    "country": country,
                    "province": provinces.get(spec.province),
                    "city": city,
                    "parent": self.orgs.get(spec.parent),
                }
                if city is not None and city.latitude is not None:
                    values["latitude"], values["longitude"] = city.latitude, city.longitude
                found = directory_services.organization_create(
                    actor=SYSTEM,
                    languages=[self.languages[c] for c in spec.languages if c in self.languages],
                    fields=[fields[c] for c in spec.fields if c in fields],
                    **values,
                )
            self.orgs[spec.key] = found

    def person(self, name: str, *, names=None, honorific: str = "", organization=None) -> Person:
        """The person of this name (made if missing), a member of ``organization``."""
        person = Person.objects.filter(name=name).first()
        if person is None:
            person = directory_services.person_create(
                actor=SYSTEM, name=name, names=names or {}, honorific=honorific
            )
        if (
            organization is not None
            and not Membership.objects.filter(person=person, organization=organization).exists()
        ):
            directory_services.membership_add(
                actor=SYSTEM, organization=organization, person=person
            )
        return person

    def users(self) -> list[tuple[str, str, str]]:
        """Demo logins: an editor of the body that runs the summer courses."""
        User = get_user_model()
        logins = []
        for username, description, person_name, org_key, role in DEMO_USERS:
            user, _created = User.objects.get_or_create(username=username)
            user.set_password(DEMO_PASSWORD)
            user.save()
            person = Person.objects.filter(name=person_name).first()
            if (
                person is not None
                and person.user_id is None
                and not Person.objects.filter(user=user).exists()
            ):
                directory_services.person_update(actor=SYSTEM, person=person, user=user)
            organization = self.orgs[org_key]
            held = Membership.objects.filter(person__user=user, organization=organization).first()
            if held is None or held.role != role:
                directory_services.membership_grant(
                    actor=SYSTEM, organization=organization, user=user, role=role
                )
            logins.append((username, DEMO_PASSWORD, str(description)))
        return logins

    # events -------------------------------------------------------------------------------

    def event(self, *, organizer: str, name: str, place=None, **values) -> Event:
        """The organizer's event of this name (or the series' edition), else a new one through
        the service. ``place`` is (country code, city name): country, province, city and the
        city's point follow from it, and Iraq's time zone for a place in Iraq."""
        organization = self.orgs[organizer]
        if values.get("series") is not None:
            found = Event.objects.filter(series=values["series"], edition=values["edition"])
        else:
            found = Event.objects.filter(organizer=organization, name=name)
        existing = found.first()
        if existing is not None:
            return existing
        return services.event_create(
            actor=SYSTEM, organizer=organization, name=name, **self._values(place, values)
        )

    def _values(self, place, values: dict) -> dict:
        if place is not None:
            country = self.countries[place[0]]
            city = self.cities[country.pk, place[1]]
            values.setdefault("country", country)
            values.setdefault("province", city.province)
            values.setdefault("city", city)
            values.setdefault("latitude", city.latitude)
            values.setdefault("longitude", city.longitude)
            if place[0] == "IQ":
                values.setdefault("time_zone", BAGHDAD)
        if isinstance(values.get("language"), str):
            values["language"] = self.languages[values["language"]]
        if isinstance(values.get("occasion"), str):
            values["occasion"] = self.occasions.get(values["occasion"])
        if "partners" in values:
            values["partners"] = [self.orgs[key] for key in values["partners"]]
        if "countries" in values:
            values["countries"] = [self.countries[code] for code in values["countries"]]
        return values

    def series(self, *, organizer: str, name: str, names: dict, description: str) -> EventSeries:
        organization = self.orgs[organizer]
        found = EventSeries.objects.filter(organizer=organization, name=name).first()
        return found or services.series_create(
            actor=SYSTEM, organizer=organization, name=name, names=names, description=description
        )

    def outcomes(
        self, event: Event, items, *, language: str = "fa", people: dict | None = None
    ) -> None:
        """Record ``items`` (text, owner key, days after the event it is due, status) once;
        ``people`` names the person responsible in an owner (owner key → person)."""
        if followups_of(event).exists():
            return
        people = people or {}
        held_on = timezone.localtime(event.starts_at, ZoneInfo(event.time_zone)).date()
        created = services.event_outcomes_record(
            actor=SYSTEM,
            event=event,
            outcomes=[
                OutcomeInput(
                    text=text,
                    owner_organization=self.orgs[owner],
                    owner_person=people.get(owner),
                    due_on=held_on + timedelta(days=days),
                )
                for text, owner, days, _status in items
            ],
        )
        for followup, (_text, _owner, _days, status) in zip(created, items, strict=True):
            if status is None:
                continue
            followup_report(
                actor=SYSTEM,
                followup=followup,
                status=status,
                progress=None if status == FollowUpStatus.DONE else self.rng.choice((20, 40, 60)),
                text=NOTES[language][status],
            )

    # report 000 ---------------------------------------------------------------------------

    def heyats_gathering(self) -> None:
        wednesday = self.today - timedelta(days=(self.today.weekday() - 2) % 7 or 7)
        self.event(
            organizer="heyat-online",
            name="گردهمایی هیئت‌های مذهبی فعال خارجی‌های مقیم قم",
            names={
                "fa": "گردهمایی هیئت‌های مذهبی فعال خارجی‌های مقیم قم",
                "ar": "ملتقى الهيئات الدينية الناشطة للمقيمين الأجانب في قم",
                "en": "Gathering of the active religious hey'ats of foreign residents in Qom",
            },
            kind=EventKind.GATHERING,
            description=(
                "گردهمایی بیش از یکصد هیئت مذهبی فعال خارجی‌های مقیم، به دعوت کمیته فرهنگی و "
                "آموزشی اربعین و مؤسسه هیئت آنلاین و با مشارکت مجمع جهانی اهل‌بیت (ع)، مرکز "
                "ارتباطات و بین‌الملل حوزه‌های علمیه و جامعة المصطفی، برای بررسی راه‌های "
                "شبکه‌سازی در سطح ملی و بین‌المللی: هم‌افزایی، تبادل اطلاعات و ارائه خدمات با "
                "فناوری‌های نوین به هیئت‌ها، از جمله در ایام اربعین. هیئت آنلاین با بیش از "
                "۲۳۰۰ هیئت و ۲۸ میلیون کاربر، درگاه پخش رایگان داخل و خارج کشور و آرشیو "
                "محتوای خود را در اختیار هیئت‌های خارجی قرار می‌دهد."
            ),
            speakers=(
                "حجت‌الاسلام والمسلمین نواب، حجت‌الاسلام والمسلمین احمدی، مهندس جوانبخت، "
                "حجت‌الاسلام والمسلمین آل‌ایوب"
            ),
            language="fa",
            venue="بعثه مقام معظم رهبری در امور حج و زیارت، قم",
            place=("IR", "Qom"),
            starts_at=_local(wednesday, 18, 30),
            ends_at=_local(wednesday, 21, 0),
            partners=[
                "arbaeen-committee",
                "ahl-al-bayt-assembly",
                "hawza-international",
                "al-mustafa",
                "bitha-hajj",
                *FOREIGN_HEYAT_KEYS,
            ],
            countries=[row[0] for row in directory_demo.FOREIGN_HEYATS],
        )

    # report 001 ---------------------------------------------------------------------------

    def mashhad_conference(self) -> None:
        day = solar_to_gregorian(1404, 9, 14)  # Friday 14 Azar 1404, 2025-12-05
        event = self.event(
            organizer="hawza",
            name="همایش دبیران ستادهای راهبری حوزه‌های علمیه",
            names={
                "fa": "همایش دبیران ستادهای راهبری حوزه‌های علمیه",
                "ar": "مؤتمر أمناء مقرات التوجيه للحوزات العلمية",
                "en": "Conference of the secretaries of the seminaries' steering headquarters",
            },
            kind=EventKind.CONFERENCE,
            description=(
                "گزارش مدیر ارتباط با سازمان‌ها و نهادهای حاکمیتی مرکز ارتباطات حوزه و نظام: "
                "از حدود ۱۷۰ تفاهم‌نامه امضاشده، بیش از ۲۷ ستاد همکاری فعال شده است؛ حدود ۲۲۰ "
                "حکم نمایندگی حوزوی در دستگاه‌ها احصا شده است؛ تاکنون ۱۷۷ تفاهم‌نامه و "
                "توافق‌نامه منعقد شده که برخی نیازمند تمدید یا تنزل به توافق‌نامه‌اند؛ بازنگری "
                "۲۲ تفاهم‌نامه قبلی و بررسی ضرورت تفاهم‌نامه با ۴۵ دستگاه جدید در دستور کار است. "
                "در سفرهای استانی به فارس و مازندران توافق‌نامه‌های استانی ذیل تفاهم‌نامه‌های "
                "کلان منعقد شد. سیاست: ساماندهی و اولویت‌بندی تفاهم‌نامه‌های موجود و انعقاد "
                "تفاهم‌نامه‌های اثرگذار و قابل پیگیری."
            ),
            speakers="حجت‌الاسلام والمسلمین مهدی پناهی",
            language="fa",
            venue="سالن جلسات هتل ولایت، مشهد",
            place=("IR", "Mashhad"),
            starts_at=_local(day, 9, 0),
            ends_at=_local(day, 12, 30),
            partners=["hawza-state-center"],
        )
        panahi = Person.objects.filter(name="مهدی پناهی").first()
        self.outcomes(
            event,
            [(text, "hawza-state-center", days, status) for text, days, status in MASHHAD_PLANS],
            people={"hawza-state-center": panahi} if panahi else None,
        )

    # report 002 ---------------------------------------------------------------------------

    def press_conference(self) -> None:
        day = solar_to_gregorian(1401, 4, 8)  # see the module's docstring
        self.event(
            organizer="volunteer-movements-center",
            name="نشست خبری حرکت‌های جهادی استان قم",
            names={
                "fa": "نشست خبری حرکت‌های جهادی استان قم",
                "ar": "مؤتمر صحفي حول الحركات الجهادية في محافظة قم",
                "en": "Press conference on the volunteer movements of Qom province",
            },
            kind=EventKind.PRESS_CONFERENCE,
            description=(
                "هم‌افزایی دستگاه‌های پشتیبان حرکت‌های جهادی استان قم (حوزه علمیه، ستاد اجرایی "
                "فرمان امام و سپاه): ۷۸۰ گروه جهادی ثبت‌شده که نزدیک به ۴۰۰ گروه در طول سال "
                "فعالیت مستمر دارند؛ حدود ۱۰۰ گروه در تابستان ۱۴۰۱ در اردوهای یک تا چهارده روزه "
                "در ایلام، کرمانشاه، کرمان، لرستان، مازندران و قم؛ رزمایش مومنانه با حدود "
                "۱۷٬۰۰۰ بسته معیشتی؛ کنگره شهدای جهادگر از ۹ تا ۱۱ مرداد در حرم حضرت معصومه "
                "(س)؛ دوره‌های «رسم خدمت» و «رسم هجرت»؛ ستاد اربعین بسیج سازندگی با دو نقطه "
                "خدمت در مرز مهران و دو نقطه در مسیر راهپیمایی."
            ),
            speakers="علی اخلاص‌مند",
            language="fa",
            venue="خبرگزاری فارس، دفتر قم",
            place=("IR", "Qom"),
            starts_at=_local(day, 10, 0),
            ends_at=_local(day, 11, 30),
            partners=["basij-sazandegi-qom", "hawza", "imam-order-hq", "irgc-qom"],
        )

    def congress(self) -> None:
        series = self.series(
            organizer="basij-sazandegi",
            name="کنگره شهدای جهادگر",
            names={
                "fa": "کنگره شهدای جهادگر",
                "ar": "مؤتمر شهداء العمل الجهادي",
                "en": "Congress for the volunteers who died in service",
            },
            description=(
                "هر سال در یکی از استان‌ها، به تصمیم سازمان بسیج سازندگی، یادواره و کنگره "
                "شهدای جهادگر برگزار می‌شود."
            ),
        )
        for year in congress_years(self.today):
            first, after = solar_to_gregorian(year, 5, 9), solar_to_gregorian(year, 5, 12)
            self.event(
                organizer="basij-sazandegi-qom",
                # The report numbers no edition: the demo counts them from the 1400 congress in
                # Mashhad, the one before the report's.
                series=series,
                edition=year - 1399,
                name=f"کنگره شهدای جهادگر {digits_localize(year, 'fa')}",
                names={
                    "fa": f"کنگره شهدای جهادگر {digits_localize(year, 'fa')}",
                    "ar": f"مؤتمر شهداء العمل الجهادي {digits_localize(year, 'ar')}",
                    "en": f"Congress for the volunteers who died in service, {year}",
                },
                kind=EventKind.CONGRESS,
                description=(
                    "یادواره و کنگره شهدای جهادگر با حضور مسئولین کشوری و لشکری، نهم تا یازدهم "
                    "مرداد، در حرم مطهر حضرت معصومه (س)."
                ),
                language="fa",
                venue="حرم مطهر حضرت معصومه (س)",
                place=("IR", "Qom"),
                all_day=True,
                starts_at=_local(first, 0, 0),
                ends_at=_local(after, 0, 0),
                partners=["masoumeh-shrine", "basij-sazandegi"],
            )

    # report 003 ---------------------------------------------------------------------------

    def shrines_conference(self) -> None:
        series = self.series(
            organizer="shia-endowment",
            name="المؤتمر الدوري لأقسام العلاقات العامة في العتبات المقدسة والمزارات الشريفة "
            "وديوان الوقف الشيعي",
            names={
                "ar": "المؤتمر الدوري لأقسام العلاقات العامة في العتبات المقدسة والمزارات "
                "الشريفة وديوان الوقف الشيعي",
                "fa": "همایش دوره‌ای بخش‌های روابط عمومی عتبات مقدسه، مزارات شریف و دیوان وقف شیعی",
                "en": "Periodic conference of the public-relations departments of the holy "
                "shrines, the mazars and the Shia Endowment Office",
            },
            description=(
                "سلسلة المؤتمرات الدورية لأقسام العلاقات التي تساهم في تطوير الخدمة في مراقد "
                "أهل البيت (عليهم السلام) وتبادل الخبرات بين العتبات والمزارات."
            ),
        )
        held = self.today - timedelta(days=40)
        shrines = ["kadhimiya-shrine", "alawi-shrine", "husseini-shrine", "abbasi-shrine"]
        shrines += ["askari-shrine"]
        # Edition 7 is illustrative: no report of it is among the sources.
        seventh = self.event(
            organizer="kadhimiya-shrine",
            series=series,
            edition=7,
            name="المؤتمر الدوري السابع لأقسام العلاقات العامة",
            names={
                "ar": "المؤتمر الدوري السابع لأقسام العلاقات العامة",
                "fa": "هفتمین همایش دوره‌ای بخش‌های روابط عمومی عتبات مقدسه",
                "en": "7th periodic conference of the shrines' public-relations departments",
            },
            kind=EventKind.CONFERENCE,
            language="ar",
            venue="العتبة الكاظمية المقدسة",
            place=("IQ", "Kadhimiya"),
            starts_at=_local(held - timedelta(days=182), 9, 0, BAGHDAD),
            ends_at=_local(held - timedelta(days=182), 13, 0, BAGHDAD),
            partners=["shia-endowment", "kufa-mosque", *shrines[1:]],
        )
        self.outcomes(seventh, KADHIMIYA_RECOMMENDATIONS, language="ar")
        eighth = self.event(
            organizer="kufa-mosque",
            series=series,
            edition=8,
            name="المؤتمر الدوري الثامن لأقسام العلاقات العامة",
            names={
                "ar": "المؤتمر الدوري الثامن لأقسام العلاقات العامة",
                "fa": "هشتمین همایش دوره‌ای بخش‌های روابط عمومی عتبات مقدسه",
                "en": "8th periodic conference of the shrines' public-relations departments",
            },
            kind=EventKind.CONFERENCE,
            description=(
                "المؤتمر الدوري الثامن لأقسام العلاقات العامة في العتبات المقدسة والمزارات "
                "الشريفة وديوان الوقف الشيعي، في مزار مسجد الكوفة المعظم والمزارات الملحقة به: "
                "خدمة الزائر الكريم من مأكل ومشرب وأماكن استراحة وغيرها من المرافق الخدمية، "
                "وتبادل الخبرات بين العتبات. افتتح بتلاوة من الذكر الحكيم للقارئ السيد عادل "
                "الياسري، وتلتها كلمات ممثلي رؤساء الأقسام، ومنها كلمة وفد العتبة الكاظمية "
                "المقدسة. وخرج المؤتمر بسبع توصيات."
            ),
            speakers="الشيخ حسن هادي طه",
            language="ar",
            venue="مزار مسجد الكوفة المعظم والمزارات الملحقة به",
            place=("IQ", "Kufa"),
            starts_at=_local(held, 9, 0, BAGHDAD),
            ends_at=_local(held, 14, 0, BAGHDAD),
            partners=["shia-endowment", *shrines],
        )
        taha = Person.objects.filter(name="حسن هادی طه").first()
        self.outcomes(
            eighth,
            KUFA_RECOMMENDATIONS,
            language="ar",
            people={"kadhimiya-shrine": taha} if taha else None,
        )

    # report 004 ---------------------------------------------------------------------------

    def pdo_ipo(self) -> None:
        met = self.today - timedelta(days=21)
        meeting = self.event(
            organizer="passive-defense",
            name="دیدار رؤسای سازمان پدافند غیرعامل و سازمان تبلیغات اسلامی",
            names={
                "fa": "دیدار رؤسای سازمان پدافند غیرعامل و سازمان تبلیغات اسلامی",
                "ar": "لقاء رئيسي منظمة الدفاع السلبي ومنظمة الإعلام الإسلامي",
                "en": "Meeting of the heads of the Passive Defense Organization and the "
                "Islamic Propagation Organization",
            },
            kind=EventKind.MEETING,
            description=(
                "زمینه‌های همکاری: فعال کردن مساجد در آشنایی و مقابله با تهدیدات، مشاوره به "
                "خانواده‌ها در حوزه شبکه‌های اجتماعی و فضای مجازی، استفاده از ظرفیت ائمه "
                "جماعات در روشنگری، برگزاری دوره‌های آموزشی مستمر در تولید محتوا و آموزش "
                "دفاعی در حوزه تهدیدات نوین، و همکاری دو سازمان در شبکه‌های اجتماعی."
            ),
            language="fa",
            venue="سازمان پدافند غیرعامل کشور، تهران",
            place=("IR", "Tehran"),
            starts_at=_local(met, 10, 0),
            ends_at=_local(met, 12, 0),
            partners=["ipo"],
        )
        self.outcomes(meeting, PDO_IPO_DECISIONS)
        session_day = self.today + timedelta(days=10)
        self.event(
            organizer="passive-defense",
            name="نشست کارشناسی مشترک پدافند غیرعامل و تبلیغات اسلامی",
            names={
                "fa": "نشست کارشناسی مشترک پدافند غیرعامل و تبلیغات اسلامی",
                "ar": "جلسة خبراء مشتركة بين الدفاع السلبي والإعلام الإسلامي",
                "en": "Joint expert session of Passive Defense and Islamic Propagation",
            },
            kind=EventKind.EXPERT_SESSION,
            description=(
                "به تصمیم دیدار رؤسای دو سازمان: بررسی مباحث تخصصی، پیش‌نویس تفاهم‌نامه "
                "همکاری و تولید محتوای پدافند غیرعامل برای ائمه محترم جماعات."
            ),
            language="fa",
            venue="سازمان تبلیغات اسلامی، تهران",
            place=("IR", "Tehran"),
            starts_at=_local(session_day, 10, 0),
            ends_at=_local(session_day, 13, 0),
            partners=["ipo"],
        )

    # yearly ceremonies ---------------------------------------------------------------------

    def ceremonies(self) -> None:
        """Ceremonies that repeat every Hijri year on their occasion's date."""
        rows = [
            # organizer, occasion, region, (start, end) local hours, next day ends?, names,
            # venue, place, language
            (
                "kadhimiya-shrine",
                "ashura",
                LunarRegion.IRAQ,
                (8, 0),
                (13, 0),
                {
                    "ar": "مراسم عزاء يوم عاشوراء في العتبة الكاظمية المقدسة",
                    "fa": "مراسم عزاداری روز عاشورا در حرم کاظمین",
                    "en": "Ashura mourning ceremony at the Kadhimiya shrine",
                },
                "الصحن الكاظمي الشريف",
                ("IQ", "Kadhimiya"),
                "ar",
            ),
            (
                "heyat-in",
                "ashura",
                LunarRegion.IRAN,
                (9, 0),
                (12, 30),
                {
                    "fa": "مجلس عزای روز عاشورا به زبان اردو",
                    "ar": "مجلس عزاء يوم عاشوراء باللغة الأردية",
                    "en": "Ashura majlis in Urdu",
                },
                "حسینیه هیئت مقیمان هندی، قم",
                ("IR", "Qom"),
                "ur",
            ),
            (
                "masoumeh-shrine",
                "arbaeen",
                LunarRegion.IRAN,
                (16, 0),
                (20, 0),
                {
                    "fa": "مراسم عزاداری اربعین حسینی در حرم حضرت معصومه (س)",
                    "ar": "مراسم عزاء الأربعين الحسيني في حرم السيدة المعصومة (ع)",
                    "en": "Arbaeen mourning ceremony at the shrine of Lady Masoumeh",
                },
                "حرم مطهر حضرت معصومه (س)",
                ("IR", "Qom"),
                "fa",
            ),
        ]
        nights = [
            ("qadr-19", "نوزدهم", "التاسعة عشرة", "19th"),
            ("qadr-21", "بیست‌ویکم", "الحادية والعشرين", "21st"),
            ("qadr-23", "بیست‌وسوم", "الثالثة والعشرين", "23rd"),
        ]
        for slug, fa, ar, en in nights:
            rows.append(
                (
                    "masoumeh-shrine",
                    slug,
                    LunarRegion.IRAN,
                    (22, 30),
                    (3, 30),
                    {
                        "fa": f"مراسم احیای شب {fa} ماه مبارک رمضان",
                        "ar": f"إحياء الليلة {ar} من شهر رمضان المبارك",
                        "en": f"Vigil of the {en} night of Ramadan",
                    },
                    "حرم مطهر حضرت معصومه (س)",
                    ("IR", "Qom"),
                    "fa",
                )
            )
        for organizer, slug, region, start, end, names, venue, place, language in rows:
            occasion = self.occasions.get(slug)
            if occasion is None:
                continue
            zone = BAGHDAD if place[0] == "IQ" else TEHRAN
            day = services.occasion_day_in(occasion, year=FIRST_HIJRI_YEAR, region=region)
            ends_on = day + timedelta(days=1) if end < start else day
            self.event(
                organizer=organizer,
                name=names[language if language in names else "fa"],
                names=names,
                kind=EventKind.CEREMONY,
                occasion=slug,
                recurrence=Recurrence.YEARLY_HIJRI,
                lunar_region=region,
                language=language,
                venue=venue,
                place=place,
                time_zone=zone,
                starts_at=_local(day, *start, zone),
                ends_at=_local(ends_on, *end, zone),
            )

    # weekly gatherings ---------------------------------------------------------------------

    def weekly(self) -> None:
        """Weekly gatherings; those the broadcast demo scheduled a broadcast for are held
        online too, at the broadcast's time, with the broadcast linked."""
        rows = [
            # organizer, names, broadcast title, weekday and local time when no broadcast,
            # hours, venue (or "" online only), place, language, speaker
            (
                "heyat-online",
                {
                    "fa": "درس اخلاق هفتگی",
                    "ar": "درس الأخلاق الأسبوعي",
                    "en": "Weekly ethics lesson",
                },
                "درس اخلاق هفتگی",
                (1, 20, 30),
                1.5,
                "",
                None,
                "fa",
                "حجت‌الاسلام پناهی",
            ),
            (
                "heyat-pk",
                {
                    "fa": "مجلس عزای هفتگی به زبان اردو",
                    "ar": "مجلس العزاء الأسبوعي باللغة الأردية",
                    "en": "Weekly majlis in Urdu",
                },
                "مجلس عزای هفتگی به زبان اردو",
                (3, 20, 0),
                2,
                "حسینیه هیئت مقیمان پاکستانی، قم",
                ("IR", "Qom"),
                "ur",
                "مولانا نقوی",
            ),
            (
                "heyat-ng",
                {
                    "fa": "تفسیر قرآن به زبان انگلیسی",
                    "ar": "تفسير القرآن باللغة الإنجليزية",
                    "en": "Quran commentary in English",
                },
                "تفسیر قرآن به زبان انگلیسی",
                (4, 16, 0),
                1.5,
                "محل هیئت مقیمان نیجریه‌ای، قم",
                ("IR", "Qom"),
                "en",
                "Sheikh Abdullahi",
            ),
            (
                "kadhimiya-shrine",
                {
                    "ar": "دعاء كميل",
                    "fa": "دعای کمیل",
                    "en": "Supplication of Kumayl",
                },
                "",
                (3, 20, 0),
                1.5,
                "الصحن الكاظمي الشريف",
                ("IQ", "Kadhimiya"),
                "ar",
                "",
            ),
        ]
        for organizer, names, title, fallback, hours, venue, place, language, speaker in rows:
            organization = self.orgs[organizer]
            broadcast = None
            if title:
                broadcast = (
                    Broadcast.objects.filter(
                        channel__organization=organization,
                        title=title,
                        status=BroadcastStatus.SCHEDULED,
                        scheduled_start__isnull=False,
                    )
                    .order_by("scheduled_start")
                    .first()
                )
            zone = BAGHDAD if place and place[0] == "IQ" else TEHRAN
            if broadcast is not None:
                # Eight weeks of the rule already past, the broadcast the next one.
                starts_at = broadcast.scheduled_start - timedelta(weeks=8)
            else:
                weekday, hour, minute = fallback
                day = self.today - timedelta(weeks=8)
                day += timedelta(days=(weekday - day.weekday()) % 7)
                starts_at = _local(day, hour, minute, zone)
            values = {}
            if place is not None:
                values["place"] = place
            self.event(
                organizer=organizer,
                name=names[language if language in names else "fa"],
                names=names,
                kind=EventKind.GATHERING,
                recurrence=Recurrence.WEEKLY,
                language=language,
                speakers=speaker,
                venue=venue,
                online=broadcast is not None or not venue,
                broadcast=broadcast,
                time_zone=zone,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=hours),
                **values,
            )

    # report 002's courses -------------------------------------------------------------------

    def courses(self) -> None:
        groups = [self.orgs[key] for key, *_names in VOLUNTEER_GROUPS]
        people = self._trainees(groups, 44)
        self.khedmat(people[:22])
        self.hejrat(people[22:])

    def _trainees(self, groups, count: int) -> list[tuple[Person, Organization]]:
        """``count`` people, each a member of one of ``groups`` (the same every run)."""
        rng = random.Random(SEED + 1)
        pairs = [(first, last) for first in FIRST_NAMES for last in SURNAMES]
        rng.shuffle(pairs)
        trainees = []
        for number, ((first_fa, first_en), (last_fa, last_en)) in enumerate(pairs[:count]):
            group = groups[number % len(groups)]
            name = f"{first_fa} {last_fa}"
            person = self.person(
                name,
                names={"fa": name, "en": f"{first_en} {last_en}"},
                organization=group,
            )
            trainees.append((person, group))
        return trainees

    def _course(self, *, name: str, names: dict, plan: CoursePlan, topics, **values) -> Course:
        sessions = plan.sessions()
        return course_create(
            actor=SYSTEM,
            organizer=self.orgs["volunteer-movements-center"],
            name=name,
            names=names,
            language=self.languages["fa"],
            venue="مرکز مطالعات و هدایت حرکت‌های جهادی، قم",
            starts_at=sessions[0][0],
            sessions=[
                {"starts_at": start, "ends_at": end, "topic": topic}
                for (start, end), topic in zip(sessions, topics, strict=True)
            ],
            partners=[self.orgs["basij-sazandegi-qom"]],
            **self._values(("IR", "Qom"), values),
        )

    def khedmat(self, people) -> None:
        """The last summer's course, over: its enrolments were decided, attendance taken at each
        session and certificates issued when it was closed."""
        name = "دوره تخصصی رسم خدمت"
        organizer = self.orgs["volunteer-movements-center"]
        if Course.objects.filter(event__organizer=organizer, event__name=name).exists():
            return
        plan = khedmat_plan(self.today)
        sessions = plan.sessions()
        # Enrolment is replayed now, before the course is given its real end: the services
        # take applications only while enrolment is open.
        open_until = timezone.now() + timedelta(hours=1)
        course = self._course(
            name=name,
            names={
                "fa": name,
                "ar": "الدورة التخصصية «رسم الخدمة»",
                "en": "Rasm-e Khedmat specialised course",
            },
            plan=plan,
            topics=[
                "گفتمان‌سازی حرکت‌های جهادی",
                "مدیریت اردوهای جهادی یک تا چهارده روزه",
                "هم‌افزایی با دستگاه‌های پشتیبان: حوزه علمیه، ستاد اجرایی فرمان امام و سپاه",
                "ایمنی و پیشگیری از حوادث در اردوهای جهادی",
            ],
            description=(
                "دوره تخصصی برای مسئولین شوراهای جهادی و قرارگاه‌های جهادی، برگزارشده در تابستان."
            ),
            ends_at=open_until,
            capacity=25,
            audience=Audience.COUNCIL_LEADERS,
            enrolment_closes_on=timezone.localtime(open_until, ZoneInfo(TEHRAN)).date(),
            attendance_required=3,
        )
        enrolments = [
            enrolment_apply(actor=SYSTEM, course=course, person=person, organization=group)
            for person, group in people
        ]
        for enrolment in enrolments[:19]:
            enrolment_accept(actor=SYSTEM, enrolment=enrolment)
        for enrolment in enrolments[19:21]:
            enrolment_decline(
                actor=SYSTEM, enrolment=enrolment, note="ظرفیت برای مسئولین شوراها در اولویت است."
            )
        enrolment_withdraw(actor=SYSTEM, enrolment=enrolments[21])
        enrolment_withdraw(actor=SYSTEM, enrolment=enrolments[18])
        seated = enrolments[:18]
        # Fifteen came to every session or missed one; three came to fewer than required.
        rng = random.Random(SEED + 2)
        absent = {number: rng.randrange(len(sessions)) for number in range(0, 15, 2)}
        course_sessions = list(course.sessions.order_by("number"))
        for index, session in enumerate(course_sessions):
            present = [
                enrolment
                for number, enrolment in enumerate(seated)
                if (number < 15 and absent.get(number) != index) or (number >= 15 and index < 2)
            ]
            attendance_record(actor=SYSTEM, session=session, present=present)
        course = course_update(
            actor=SYSTEM,
            course=course,
            ends_at=sessions[-1][1],
            enrolment_closes_on=sessions[0][0].date() - timedelta(days=7),
        )
        course_close(actor=SYSTEM, course=course)

    def hejrat(self, people) -> None:
        """The coming summer's course, enrolment open: seats taken, a waiting list, people still
        waiting for a decision, one declined and one who withdrew."""
        name = "دوره رسم هجرت"
        organizer = self.orgs["volunteer-movements-center"]
        if Course.objects.filter(event__organizer=organizer, event__name=name).exists():
            return
        plan = hejrat_plan(self.today)
        sessions = plan.sessions()
        course = self._course(
            name=name,
            names={
                "fa": name,
                "ar": "دورة «رسم الهجرة»",
                "en": "Rasm-e Hejrat course",
            },
            plan=plan,
            topics=[
                "انعکاس هنرمندانه حرکت‌های جهادی",
                "عکاسی و مستندنگاری اردوهای جهادی",
                "تولید محتوا برای فضای مجازی و رابطه با رسانه‌ها",
            ],
            description=(
                "دوره آموزشی برای گروه‌های جهادی و رابطین رسانه‌ای آنها، در تابستان پیش رو."
            ),
            ends_at=sessions[-1][1],
            capacity=16,
            audience=Audience.MEDIA_LIAISONS,
            enrolment_closes_on=sessions[0][0].date() - timedelta(days=7),
            attendance_required=2,
        )
        enrolments = [
            enrolment_apply(actor=SYSTEM, course=course, person=person, organization=group)
            for person, group in people
        ]
        # Sixteen seats, three more accepted onto the waiting list; one declined, two waiting.
        for enrolment in enrolments[:19]:
            enrolment_accept(actor=SYSTEM, enrolment=enrolment)
        enrolment_decline(
            actor=SYSTEM, enrolment=enrolments[19], note="رابط رسانه‌ای گروه دیگری معرفی شد."
        )
        # One who had a seat withdraws: the first on the waiting list takes it.
        enrolment_withdraw(actor=SYSTEM, enrolment=enrolments[3])


def load(stdout=None) -> list[tuple[str, str, str]]:
    """Load the demo events, series, outcomes and courses. Returns the demo logins."""
    loader = _Loader(timezone.localdate())
    with transaction.atomic():
        loader.organizations()
        loader.heyats_gathering()
        loader.mashhad_conference()
        loader.press_conference()
        loader.congress()
        loader.shrines_conference()
        loader.pdo_ipo()
        loader.ceremonies()
        loader.weekly()
        loader.courses()
        logins = loader.users()
        # The occasions of the current and coming Hijri years, and every repetition inside
        # the horizon.
        services.occasion_dates_refresh()
        services.events_horizon_extend()
    return logins
