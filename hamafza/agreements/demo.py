"""Demo data: the agreements of the Hawza–State Communications Center (reports 001 and 004).

Report 001 gives the figures: 177 MoUs and agreements of the seminaries with
bodies of the state, provincial agreements signed under the national
("macro") MoUs on trips to Fars and Mazandaran (University of Medical
Sciences, Environment, Red Crescent, state broadcasting, Relief Committee,
Sports and Youth), more than 27 active cooperation headquarters, about 220
representative decrees, a review of 22 earlier MoUs and 45 new bodies being
assessed. Report 004 gives the planned MoU between the Passive Defense
Organization and the Islamic Propagation Organization.

Everything is written through the services as ``SYSTEM``. The set is
drawn from a seeded random generator, so it is the same on every run;
dates that decide a state (an expiry, a decree's end, a due date) are set
relative to the day of loading, so that what is shown as active, expiring
or overdue is true on that day. Loading is idempotent: agreements are known
by their registry code, decrees by their number, committees by their name,
people by their name; what exists already is left alone.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.agreements import services
from hamafza.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementState,
    Appointment,
    Committee,
    CommitteeStatus,
    PartyRole,
    Prospect,
    ProspectStatus,
    ReviewDecision,
    ReviewRound,
    Scope,
)
from hamafza.agreements.services import DecisionInput, PartyInput
from hamafza.core.calendars import solar_to_gregorian
from hamafza.core.models import City, Country, Language, Province
from hamafza.core.permissions import SYSTEM
from hamafza.core.text import normalize
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
from hamafza.followups.models import FollowUp, FollowUpStatus
from hamafza.followups.services import followup_create, followup_report

SEED = 1404
S = AgreementState
K = OrganizationKind
CENTER = "hawza-state-center"
HAWZA = "hawza"
AGREEMENTS_OF_THE_CENTER = 177
DECREES = 220
ACTIVE_COMMITTEES = 27
REVIEW_TITLE = "بازنگری ۲۲ تفاهم‌نامه قبلی"
REVIEW_SIZE = 22
PDO_IPO_CODE = "MOU-1404-PDO-IPO"


# --- the bodies ------------------------------------------------------------------------------
# National bodies with an MoU of the seminaries:
# (key, kind, strategic weight 1–5, fields of activity, Persian, English, Arabic), all in
# Tehran unless PLACES says otherwise; or (key, weight) for an organization of the
# directory demo, reused as it is.
PLACES = {
    "qom-governorate": ("IR-25", "Qom"),
    "astan-quds": ("IR-09", "Mashhad"),
    "jamkaran": ("IR-25", "Qom"),
}
SHORT_NAMES = {"irna": "IRNA"}
# fmt: off
NATIONAL_ROWS = [
    ("ministry-health", K.GOVERNMENT, 5, "medical family-counselling",
     "وزارت بهداشت، درمان و آموزش پزشکی", "Ministry of Health and Medical Education",
     "وزارة الصحة والعلاج والتعليم الطبي"),
    ("environment-doe", K.GOVERNMENT, 4, "cultural", "سازمان حفاظت محیط زیست",
     "Department of Environment", "منظمة حماية البيئة"),
    ("red-crescent", 4),
    ("irib", 5),
    ("relief-committee", 5),
    ("ministry-sports", K.GOVERNMENT, 4, "cultural training", "وزارت ورزش و جوانان",
     "Ministry of Sport and Youth", "وزارة الرياضة والشباب"),
    ("ipo", 5),
    ("passive-defense", 4),
    ("imam-order-hq", 3),
    ("bitha-hajj", 4),
    ("al-mustafa", 4),
    ("ahl-al-bayt-assembly", 3),
    ("masoumeh-shrine", 3),
    ("ministry-education", K.GOVERNMENT, 5, "training religious-knowledge", "وزارت آموزش و پرورش",
     "Ministry of Education", "وزارة التربية والتعليم"),
    ("ministry-science", K.GOVERNMENT, 5, "scientific-educational", "وزارت علوم، تحقیقات و فناوری",
     "Ministry of Science, Research and Technology", "وزارة العلوم والبحوث والتكنولوجيا"),
    ("ministry-culture", K.GOVERNMENT, 5, "cultural content-production",
     "وزارت فرهنگ و ارشاد اسلامی", "Ministry of Culture and Islamic Guidance",
     "وزارة الثقافة والإرشاد الإسلامي"),
    ("ministry-interior", K.GOVERNMENT, 4, "", "وزارت کشور", "Ministry of the Interior",
     "وزارة الداخلية"),
    ("ministry-justice", K.GOVERNMENT, 3, "", "وزارت دادگستری", "Ministry of Justice",
     "وزارة العدل"),
    ("ministry-welfare", K.GOVERNMENT, 4, "livelihood-aid", "وزارت تعاون، کار و رفاه اجتماعی",
     "Ministry of Cooperatives, Labour and Social Welfare",
     "وزارة التعاون والعمل والرفاه الاجتماعي"),
    ("ministry-agriculture", K.GOVERNMENT, 2, "agricultural", "وزارت جهاد کشاورزی",
     "Ministry of Agriculture Jihad", "وزارة الجهاد الزراعي"),
    ("ministry-ict", K.GOVERNMENT, 4, "cyberspace", "وزارت ارتباطات و فناوری اطلاعات",
     "Ministry of Information and Communications Technology",
     "وزارة الاتصالات وتكنولوجيا المعلومات"),
    ("ministry-defense", K.GOVERNMENT, 3, "", "وزارت دفاع و پشتیبانی نیروهای مسلح",
     "Ministry of Defence and Armed Forces Logistics", "وزارة الدفاع وإسناد القوات المسلحة"),
    ("ministry-foreign", K.GOVERNMENT, 3, "international-relations", "وزارت امور خارجه",
     "Ministry of Foreign Affairs", "وزارة الخارجية"),
    ("ministry-heritage", K.GOVERNMENT, 3, "cultural pilgrim-services",
     "وزارت میراث فرهنگی، گردشگری و صنایع‌دستی",
     "Ministry of Cultural Heritage, Tourism and Handicrafts",
     "وزارة التراث الثقافي والسياحة والصناعات اليدوية"),
    ("ministry-roads", K.GOVERNMENT, 2, "construction", "وزارت راه و شهرسازی",
     "Ministry of Roads and Urban Development", "وزارة الطرق والتنمية العمرانية"),
    ("ministry-economy", K.GOVERNMENT, 2, "", "وزارت امور اقتصادی و دارایی",
     "Ministry of Economic Affairs and Finance", "وزارة الشؤون الاقتصادية والمالية"),
    ("ministry-industry", K.GOVERNMENT, 2, "", "وزارت صنعت، معدن و تجارت",
     "Ministry of Industry, Mine and Trade", "وزارة الصناعة والمناجم والتجارة"),
    ("ministry-energy", K.GOVERNMENT, 1, "", "وزارت نیرو", "Ministry of Energy", "وزارة الطاقة"),
    ("endowment-org", K.GOVERNMENT, 5, "quran cultural", "سازمان اوقاف و امور خیریه",
     "Endowment and Charity Affairs Organization", "منظمة الأوقاف والشؤون الخيرية"),
    ("prisons-org", K.GOVERNMENT, 4, "family-counselling",
     "سازمان زندان‌ها و اقدامات تأمینی و تربیتی کشور", "Prisons Organization",
     "منظمة السجون والإجراءات الأمنية والتربوية"),
    ("judiciary", K.GOVERNMENT, 4, "", "قوه قضاییه", "Judiciary of the Islamic Republic of Iran",
     "السلطة القضائية"),
    ("police", K.GOVERNMENT, 3, "", "فرماندهی انتظامی جمهوری اسلامی ایران",
     "Law Enforcement Command of the Islamic Republic of Iran", "قيادة قوى الأمن الداخلي"),
    ("army", K.GOVERNMENT, 4, "", "ارتش جمهوری اسلامی ایران", "Islamic Republic of Iran Army",
     "جيش الجمهورية الإسلامية الإيرانية"),
    ("irgc", K.GOVERNMENT, 4, "", "سپاه پاسداران انقلاب اسلامی", "Islamic Revolution Guard Corps",
     "حرس الثورة الإسلامية"),
    ("basij-org", K.GOVERNMENT, 4, "construction cultural", "سازمان بسیج مستضعفین",
     "Basij Organization", "منظمة تعبئة المستضعفين"),
    ("welfare-org", K.GOVERNMENT, 4, "family-counselling livelihood-aid", "سازمان بهزیستی کشور",
     "State Welfare Organization", "منظمة الرعاية الاجتماعية"),
    ("hajj-org", K.GOVERNMENT, 4, "pilgrim-services arbaeen", "سازمان حج و زیارت",
     "Hajj and Pilgrimage Organization", "منظمة الحج والزيارة"),
    ("icro", K.GOVERNMENT, 4, "international-relations cultural", "سازمان فرهنگ و ارتباطات اسلامی",
     "Islamic Culture and Relations Organization", "منظمة الثقافة والاتصالات الإسلامية"),
    ("literacy-movement", K.GOVERNMENT, 2, "training", "سازمان نهضت سوادآموزی",
     "Literacy Movement Organization", "منظمة محو الأمية"),
    ("kanoon", K.INSTITUTE, 3, "cultural", "کانون پرورش فکری کودکان و نوجوانان",
     "Institute for the Intellectual Development of Children and Young Adults",
     "مؤسسة التنمية الفكرية للأطفال واليافعين"),
    ("mosques-center", K.GOVERNMENT, 5, "cultural religious-knowledge",
     "مرکز رسیدگی به امور مساجد", "Centre for Mosque Affairs", "مركز شؤون المساجد"),
    ("martyrs-foundation", K.INSTITUTE, 3, "", "بنیاد شهید و امور ایثارگران",
     "Foundation of Martyrs and Veterans Affairs", "مؤسسة الشهيد وشؤون المضحين"),
    ("mostazafan", K.INSTITUTE, 3, "livelihood-aid", "بنیاد مستضعفان انقلاب اسلامی",
     "Mostazafan Foundation", "مؤسسة المستضعفين"),
    ("social-security", K.GOVERNMENT, 2, "", "سازمان تأمین اجتماعی",
     "Social Security Organization", "منظمة الضمان الاجتماعي"),
    ("civil-registration", K.GOVERNMENT, 1, "", "سازمان ثبت احوال کشور",
     "National Organization for Civil Registration", "منظمة تسجيل الأحوال المدنية"),
    ("university-tehran", K.UNIVERSITY, 4, "scientific-educational", "دانشگاه تهران",
     "University of Tehran", "جامعة طهران"),
    ("azad-university", K.UNIVERSITY, 4, "scientific-educational", "دانشگاه آزاد اسلامی",
     "Islamic Azad University", "جامعة آزاد الإسلامية"),
    ("farhangian", K.UNIVERSITY, 3, "training", "دانشگاه فرهنگیان", "Farhangian University",
     "جامعة فرهنكيان"),
    ("payame-noor", K.UNIVERSITY, 2, "scientific-educational", "دانشگاه پیام نور",
     "Payame Noor University", "جامعة بيام نور"),
    ("imam-sadiq-university", K.UNIVERSITY, 3, "scientific-educational", "دانشگاه امام صادق (ع)",
     "Imam Sadiq University", "جامعة الإمام الصادق (ع)"),
    ("baqiyatallah", K.UNIVERSITY, 3, "medical", "دانشگاه علوم پزشکی بقیةالله (عج)",
     "Baqiyatallah University of Medical Sciences", "جامعة بقية الله للعلوم الطبية"),
    ("irna", K.MEDIA, 3, "content-production", "خبرگزاری جمهوری اسلامی",
     "Islamic Republic News Agency", "وكالة الجمهورية الإسلامية للأنباء"),
    ("cyberspace-center", K.GOVERNMENT, 4, "cyberspace", "مرکز ملی فضای مجازی",
     "National Center for Cyberspace", "المركز الوطني للفضاء الافتراضي"),
    ("crisis-management", K.GOVERNMENT, 3, "livelihood-aid", "سازمان مدیریت بحران کشور",
     "National Disaster Management Organization", "منظمة إدارة الأزمات"),
    ("tehran-municipality", K.GOVERNMENT, 3, "cultural", "شهرداری تهران", "Tehran Municipality",
     "بلدية طهران"),
    ("national-library", K.GOVERNMENT, 2, "scientific-educational",
     "سازمان اسناد و کتابخانه ملی ایران", "National Library and Archives of Iran",
     "منظمة الوثائق والمكتبة الوطنية الإيرانية"),
    ("army-ideological", K.GOVERNMENT, 3, "religious-knowledge", "سازمان عقیدتی سیاسی ارتش",
     "Ideological-Political Organization of the Army", "المنظمة العقائدية السياسية للجيش"),
    ("leader-universities", K.GOVERNMENT, 4, "religious-knowledge",
     "نهاد نمایندگی مقام معظم رهبری در دانشگاه‌ها",
     "Office of the Leader's Representative in Universities", "مكتب ممثل القائد في الجامعات"),
    ("qom-governorate", K.GOVERNMENT, 3, "", "استانداری قم", "Governorate of Qom", "محافظة قم"),
    ("women-family", K.GOVERNMENT, 4, "family-counselling",
     "معاونت امور زنان و خانواده ریاست جمهوری", "Vice Presidency for Women and Family Affairs",
     "معاونة رئيس الجمهورية لشؤون المرأة والأسرة"),
    ("vp-science", K.GOVERNMENT, 2, "scientific-educational",
     "معاونت علمی، فناوری و اقتصاد دانش‌بنیان ریاست جمهوری",
     "Vice Presidency for Science, Technology and Knowledge-based Economy",
     "معاونة رئيس الجمهورية للعلوم والتكنولوجيا"),
    ("plan-budget", K.GOVERNMENT, 3, "", "سازمان برنامه و بودجه کشور",
     "Plan and Budget Organization", "منظمة التخطيط والميزانية"),
    ("natural-resources", K.GOVERNMENT, 1, "agricultural", "سازمان منابع طبیعی و آبخیزداری کشور",
     "Forests, Range and Watershed Management Organization",
     "منظمة الموارد الطبيعية وإدارة مستجمعات المياه"),
    ("blood-transfusion", K.GOVERNMENT, 2, "medical", "سازمان انتقال خون ایران",
     "Iranian Blood Transfusion Organization", "منظمة نقل الدم الإيرانية"),
    ("drug-control", K.COMMITTEE, 3, "family-counselling", "ستاد مبارزه با مواد مخدر",
     "Drug Control Headquarters", "هيئة مكافحة المخدرات"),
    ("enjoining-good", K.COMMITTEE, 3, "religious-knowledge", "ستاد امر به معروف و نهی از منکر",
     "Headquarters for Enjoining Good and Forbidding Evil",
     "هيئة الأمر بالمعروف والنهي عن المنكر"),
    ("parliament-research", K.GOVERNMENT, 3, "scientific-educational",
     "مرکز پژوهش‌های مجلس شورای اسلامی", "Islamic Parliament Research Center",
     "مركز أبحاث مجلس الشورى الإسلامي"),
    ("cultural-revolution-council", K.GOVERNMENT, 5, "cultural",
     "دبیرخانه شورای عالی انقلاب فرهنگی",
     "Secretariat of the Supreme Council of the Cultural Revolution",
     "أمانة المجلس الأعلى للثورة الثقافية"),
    ("dar-al-quran", K.GOVERNMENT, 4, "quran", "سازمان دارالقرآن الکریم",
     "Dar al-Quran Organization", "منظمة دار القرآن الكريم"),
    ("astan-quds", K.SHRINE, 5, "pilgrim-services cultural", "آستان قدس رضوی", "Astan Quds Razavi",
     "العتبة الرضوية المقدسة"),
    ("jamkaran", K.MOSQUE, 3, "pilgrim-services", "مسجد مقدس جمکران", "Holy Mosque of Jamkaran",
     "مسجد جمكران المقدس"),
    ("art-bureau", K.INSTITUTE, 3, "content-production cultural", "حوزه هنری انقلاب اسلامی",
     "Art Bureau of the Islamic Revolution", "الحوزة الفنية للثورة الإسلامية"),
    ("railways", K.GOVERNMENT, 1, "pilgrim-services", "شرکت راه‌آهن جمهوری اسلامی ایران",
     "Railways of the Islamic Republic of Iran", "سكك حديد الجمهورية الإسلامية الإيرانية"),
    ("public-libraries", K.GOVERNMENT, 2, "cultural", "نهاد کتابخانه‌های عمومی کشور",
     "Iran Public Libraries Foundation", "مؤسسة المكتبات العامة في إيران"),
    ("acecr", K.GOVERNMENT, 3, "scientific-educational training", "سازمان جهاد دانشگاهی",
     "Academic Center for Education, Culture and Research", "منظمة الجهاد الجامعي"),
    ("sacred-defence-foundation", K.INSTITUTE, 2, "cultural",
     "بنیاد حفظ آثار و نشر ارزش‌های دفاع مقدس",
     "Foundation for the Preservation of Sacred Defence Works and Values",
     "مؤسسة حفظ آثار ونشر قيم الدفاع المقدس"),
]
# fmt: on


def _body(key, kind, fields, fa, en, ar) -> Org:
    province, city = PLACES.get(key, ("IR-23", "Tehran"))
    return Org(
        key,
        kind,
        en,
        fa,
        ar,
        "IR",
        province,
        city,
        fields=tuple(fields.split()),
        short=SHORT_NAMES.get(key, ""),
    )


NATIONAL_BODIES: list[tuple[Org | str, int]] = [
    (row[0], row[1]) if len(row) == 2 else (_body(*row[:2], *row[3:]), row[2])
    for row in NATIONAL_ROWS
]

# The national MoUs that provincial agreements were signed under, and those agreements:
# (national body, Fars body, Mazandaran body).
PROVINCIAL = [
    ("ministry-health", "sums", "mazums"),
    ("environment-doe", "environment-fars", "environment-mazandaran"),
    ("red-crescent", "red-crescent-fars", "red-crescent-mazandaran"),
    ("irib", "irib-fars", "irib-mazandaran"),
    ("relief-committee", "relief-committee-fars", "relief-committee-mazandaran"),
    ("ministry-sports", "sports-youth-fars", "sports-youth-mazandaran"),
]
FARS, MAZANDARAN = "IR-07", "IR-02"
PROVINCIAL_SEMINARY = {FARS: "hawza-fars", MAZANDARAN: "hawza-mazandaran"}
# The trips to Fars and Mazandaran (report 001, Azar 1404: "on the recent trips").
TRIP = {FARS: (1404, 7, 22), MAZANDARAN: (1404, 8, 18)}

PROVINCIAL_BODIES = [
    Org(
        "hawza-fars",
        K.SEMINARY_OFFICE,
        "Seminary Administration of Fars Province",
        "مدیریت حوزه علمیه استان فارس",
        "إدارة الحوزة العلمية في محافظة فارس",
        "IR",
        FARS,
        "Shiraz",
        parent=HAWZA,
        fields=("seminary-lessons",),
    ),
    Org(
        "hawza-mazandaran",
        K.SEMINARY_OFFICE,
        "Seminary Administration of Mazandaran Province",
        "مدیریت حوزه علمیه استان مازندران",
        "إدارة الحوزة العلمية في محافظة مازندران",
        "IR",
        MAZANDARAN,
        "Sari",
        parent=HAWZA,
        fields=("seminary-lessons",),
    ),
    Org(
        "environment-mazandaran",
        K.GOVERNMENT,
        "Department of Environment, Mazandaran Province",
        "اداره کل حفاظت محیط زیست استان مازندران",
        "دائرة حماية البيئة في محافظة مازندران",
        "IR",
        MAZANDARAN,
        "Sari",
        parent="environment-doe",
    ),
    Org(
        "red-crescent-mazandaran",
        K.NGO,
        "Red Crescent Society, Mazandaran Province",
        "جمعیت هلال‌احمر استان مازندران",
        "جمعية الهلال الأحمر في محافظة مازندران",
        "IR",
        MAZANDARAN,
        "Sari",
        parent="red-crescent",
        fields=("medical",),
    ),
    Org(
        "irib-mazandaran",
        K.MEDIA,
        "IRIB Mazandaran Provincial Center",
        "صدا و سیمای مرکز مازندران",
        "مركز مازندران للإذاعة والتلفزيون",
        "IR",
        MAZANDARAN,
        "Sari",
        parent="irib",
        fields=("broadcasting",),
    ),
    Org(
        "relief-committee-fars",
        K.NGO,
        "Imam Khomeini Relief Committee, Fars",
        "کمیته امداد امام خمینی (ره) استان فارس",
        "لجنة إمداد الإمام الخميني في فارس",
        "IR",
        FARS,
        "Shiraz",
        parent="relief-committee",
        fields=("livelihood-aid",),
    ),
    Org(
        "sports-youth-fars",
        K.GOVERNMENT,
        "Sports and Youth Department, Fars",
        "اداره کل ورزش و جوانان استان فارس",
        "دائرة الرياضة والشباب في فارس",
        "IR",
        FARS,
        "Shiraz",
    ),
]

# The 45 new bodies with which the need for an MoU is being assessed (as above, no weight).
# fmt: off
PROSPECT_ROWS = [
    ("standards-org", K.GOVERNMENT, "", "سازمان ملی استاندارد ایران",
     "Iranian National Standards Organization", "المنظمة الوطنية للمعايير"),
    ("medical-council", K.GOVERNMENT, "medical", "سازمان نظام پزشکی", "Medical Council of Iran",
     "منظمة النظام الطبي"),
    ("psychology-council", K.GOVERNMENT, "family-counselling", "سازمان نظام روان‌شناسی و مشاوره",
     "Psychology and Counselling Organization of Iran", "منظمة علم النفس والإرشاد"),
    ("talents-org", K.GOVERNMENT, "training", "سازمان ملی پرورش استعدادهای درخشان",
     "National Organization for Development of Exceptional Talents",
     "المنظمة الوطنية لتنمية المواهب"),
    ("educational-research", K.GOVERNMENT, "training", "سازمان پژوهش و برنامه‌ریزی آموزشی",
     "Organization for Educational Research and Planning", "منظمة البحث والتخطيط التربوي"),
    ("student-affairs", K.GOVERNMENT, "", "سازمان امور دانشجویان", "Students Affairs Organization",
     "منظمة شؤون الطلاب الجامعيين"),
    ("elites-foundation", K.GOVERNMENT, "scientific-educational", "بنیاد ملی نخبگان",
     "Iran's National Elites Foundation", "المؤسسة الوطنية للنخب"),
    ("cinema-org", K.GOVERNMENT, "content-production", "سازمان سینمایی",
     "Cinema Organization of Iran", "المنظمة السينمائية"),
    ("farabi-foundation", K.GOVERNMENT, "content-production", "بنیاد سینمایی فارابی",
     "Farabi Cinema Foundation", "مؤسسة الفارابي السينمائية"),
    ("book-house", K.GOVERNMENT, "cultural", "خانه کتاب و ادبیات ایران",
     "Iran Book and Literature House", "دار الكتاب والأدب الإيراني"),
    ("cra", K.GOVERNMENT, "cyberspace", "سازمان تنظیم مقررات و ارتباطات رادیویی",
     "Communications Regulatory Authority", "هيئة تنظيم الاتصالات"),
    ("fata-police", K.GOVERNMENT, "cyberspace", "پلیس فضای تولید و تبادل اطلاعات (فتا)",
     "Cyber Police (FATA)", "شرطة الفضاء الإلكتروني"),
    ("deeds-registration", K.GOVERNMENT, "", "سازمان ثبت اسناد و املاک کشور",
     "Deeds and Properties Registration Organization", "منظمة تسجيل الوثائق والأملاك"),
    ("legal-medicine", K.GOVERNMENT, "medical", "سازمان پزشکی قانونی کشور",
     "Legal Medicine Organization", "منظمة الطب الشرعي"),
    ("diyya-headquarters", K.GOVERNMENT, "livelihood-aid", "ستاد دیه کشور",
     "National Diyya Headquarters", "هيئة الدية الوطنية"),
    ("health-insurance", K.GOVERNMENT, "medical", "سازمان بیمه سلامت ایران",
     "Iran Health Insurance Organization", "منظمة التأمين الصحي الإيرانية"),
    ("discretionary-punishments", K.GOVERNMENT, "", "سازمان تعزیرات حکومتی",
     "Government Discretionary Punishments Organization", "منظمة التعزيرات الحكومية"),
    ("inspection-org", K.GOVERNMENT, "", "سازمان بازرسی کل کشور",
     "General Inspection Organization", "منظمة التفتيش العامة"),
    ("audit-court", K.GOVERNMENT, "", "دیوان محاسبات کشور", "Supreme Audit Court",
     "ديوان المحاسبات"),
    ("municipalities-org", K.GOVERNMENT, "", "سازمان شهرداری‌ها و دهیاری‌های کشور",
     "Municipalities and Rural Management Organization", "منظمة البلديات والإدارات القروية"),
    ("nomads-org", K.GOVERNMENT, "livelihood-aid", "سازمان امور عشایر ایران",
     "Organization for Nomadic Affairs", "منظمة شؤون العشائر"),
    ("housing-foundation", K.GOVERNMENT, "construction", "بنیاد مسکن انقلاب اسلامی",
     "Housing Foundation of the Islamic Revolution", "مؤسسة الإسكان للثورة الإسلامية"),
    ("vocational-training", K.GOVERNMENT, "training", "سازمان آموزش فنی و حرفه‌ای کشور",
     "Technical and Vocational Training Organization", "منظمة التدريب الفني والمهني"),
    ("migration-org", K.GOVERNMENT, "international-relations", "سازمان ملی مهاجرت",
     "National Organization for Migration", "المنظمة الوطنية للهجرة"),
    ("it-org", K.GOVERNMENT, "cyberspace", "سازمان فناوری اطلاعات ایران",
     "Information Technology Organization of Iran", "منظمة تكنولوجيا المعلومات الإيرانية"),
    ("telecom", K.GOVERNMENT, "cyberspace", "شرکت مخابرات ایران",
     "Telecommunication Company of Iran", "شركة الاتصالات الإيرانية"),
    ("civil-aviation", K.GOVERNMENT, "pilgrim-services", "سازمان هواپیمایی کشوری",
     "Civil Aviation Organization", "منظمة الطيران المدني"),
    ("ports-maritime", K.GOVERNMENT, "", "سازمان بنادر و دریانوردی",
     "Ports and Maritime Organization", "منظمة الموانئ والملاحة البحرية"),
    ("armed-forces-staff", K.GOVERNMENT, "", "ستاد کل نیروهای مسلح",
     "General Staff of the Armed Forces", "هيئة الأركان العامة للقوات المسلحة"),
    ("olympic-committee", K.COMMITTEE, "", "کمیته ملی المپیک",
     "National Olympic Committee of Iran", "اللجنة الأولمبية الوطنية"),
    ("public-sports", K.NGO, "", "فدراسیون ورزش‌های همگانی", "Public Sports Federation",
     "اتحاد الرياضة للجميع"),
    ("iranology", K.INSTITUTE, "scientific-educational", "بنیاد ایران‌شناسی",
     "Iranology Foundation", "مؤسسة الدراسات الإيرانية"),
    ("atomic-energy", K.GOVERNMENT, "", "سازمان انرژی اتمی ایران",
     "Atomic Energy Organization of Iran", "منظمة الطاقة الذرية الإيرانية"),
    ("space-agency", K.GOVERNMENT, "", "سازمان فضایی ایران", "Iranian Space Agency",
     "وكالة الفضاء الإيرانية"),
    ("consumer-protection", K.GOVERNMENT, "", "سازمان حمایت مصرف‌کنندگان و تولیدکنندگان",
     "Consumers and Producers Protection Organization", "منظمة حماية المستهلكين والمنتجين"),
    ("omid-fund", K.GOVERNMENT, "livelihood-aid", "صندوق کارآفرینی امید",
     "Omid Entrepreneurship Fund", "صندوق أميد لريادة الأعمال"),
    ("central-bank", K.GOVERNMENT, "", "بانک مرکزی جمهوری اسلامی ایران",
     "Central Bank of the Islamic Republic of Iran", "البنك المركزي الإيراني"),
    ("securities-org", K.GOVERNMENT, "", "سازمان بورس و اوراق بهادار",
     "Securities and Exchange Organization", "منظمة البورصة والأوراق المالية"),
    ("productivity-org", K.GOVERNMENT, "", "سازمان ملی بهره‌وری ایران",
     "National Iranian Productivity Organization", "المنظمة الوطنية الإيرانية للإنتاجية"),
    ("ghadir-foundation", K.INSTITUTE, "religious-knowledge", "بنیاد بین‌المللی غدیر",
     "International Ghadir Foundation", "مؤسسة الغدير الدولية"),
    ("propagation-council", K.COMMITTEE, "cultural", "شورای هماهنگی تبلیغات اسلامی",
     "Islamic Propagation Coordination Council", "مجلس تنسيق الإعلام الإسلامي"),
    ("food-drug", K.GOVERNMENT, "medical", "سازمان غذا و دارو",
     "Food and Drug Administration of Iran", "منظمة الغذاء والدواء"),
    ("tax-org", K.GOVERNMENT, "", "سازمان امور مالیاتی کشور",
     "Iranian National Tax Administration", "منظمة الشؤون الضريبية"),
    ("customs", K.GOVERNMENT, "", "گمرک جمهوری اسلامی ایران",
     "Customs Administration of the Islamic Republic of Iran",
     "جمارك الجمهورية الإسلامية الإيرانية"),
    ("post-company", K.GOVERNMENT, "", "شرکت ملی پست", "Iran Post Company",
     "شركة البريد الوطنية الإيرانية"),
]
# fmt: on
PROSPECT_BODIES = [_body(*row) for row in PROSPECT_ROWS]

# The bodies of report 004.
PDO, IPO = "passive-defense", "ipo"

# --- people ----------------------------------------------------------------------------------
# (Persian, English); Arabic is written from the Persian with Arabic letters.
FIRST_NAMES = [
    ("محمد", "Mohammad"), ("علی", "Ali"), ("حسین", "Hossein"), ("حسن", "Hassan"),
    ("مهدی", "Mahdi"), ("رضا", "Reza"), ("محمدرضا", "Mohammadreza"),
    ("محمدحسین", "Mohammadhossein"), ("محمدعلی", "Mohammadali"), ("جواد", "Javad"),
    ("مجتبی", "Mojtaba"), ("مصطفی", "Mostafa"), ("مرتضی", "Morteza"), ("احمد", "Ahmad"),
    ("محمود", "Mahmoud"), ("عباس", "Abbas"), ("قاسم", "Qasem"), ("هادی", "Hadi"),
    ("سعید", "Saeed"), ("حمید", "Hamid"), ("مسعود", "Masoud"), ("اکبر", "Akbar"),
    ("ابراهیم", "Ebrahim"), ("اسماعیل", "Esmaeil"), ("یوسف", "Yousef"), ("جعفر", "Jafar"),
    ("کاظم", "Kazem"), ("موسی", "Mousa"), ("صادق", "Sadegh"), ("باقر", "Bagher"),
    ("سجاد", "Sajjad"), ("روح‌الله", "Ruhollah"), ("عبدالله", "Abdollah"),
    ("حبیب‌الله", "Habibollah"), ("میثم", "Meysam"), ("امیر", "Amir"), ("وحید", "Vahid"),
    ("ناصر", "Naser"), ("یحیی", "Yahya"), ("جلال", "Jalal"), ("کمال", "Kamal"),
    ("منصور", "Mansour"), ("محسن", "Mohsen"), ("مجید", "Majid"), ("رسول", "Rasoul"),
    ("ابوالفضل", "Abolfazl"),
]  # fmt: skip
WOMEN_NAMES = [
    ("زهرا", "Zahra"), ("فاطمه", "Fatemeh"), ("مریم", "Maryam"), ("معصومه", "Masoumeh"),
    ("زینب", "Zeinab"), ("سمیه", "Somayeh"), ("طاهره", "Tahereh"), ("ریحانه", "Reyhaneh"),
]  # fmt: skip
SURNAMES = [
    ("رضایی", "Rezaei"), ("محمدی", "Mohammadi"), ("حسینی", "Hosseini"), ("موسوی", "Mousavi"),
    ("کریمی", "Karimi"), ("جعفری", "Jafari"), ("صادقی", "Sadeghi"), ("رحیمی", "Rahimi"),
    ("هاشمی", "Hashemi"), ("نوری", "Nouri"), ("طاهری", "Taheri"), ("قاسمی", "Ghasemi"),
    ("عباسی", "Abbasi"), ("حیدری", "Heydari"), ("مرادی", "Moradi"), ("کاظمی", "Kazemi"),
    ("یزدانی", "Yazdani"), ("شریفی", "Sharifi"), ("اکبری", "Akbari"), ("فاضلی", "Fazeli"),
    ("نجفی", "Najafi"), ("کرمانی", "Kermani"), ("شیرازی", "Shirazi"), ("اصفهانی", "Esfahani"),
    ("تهرانی", "Tehrani"), ("قمی", "Qomi"), ("خراسانی", "Khorasani"), ("مازندرانی", "Mazandarani"),
    ("طباطبایی", "Tabatabaei"), ("میرزایی", "Mirzaei"), ("ملکی", "Maleki"), ("بهرامی", "Bahrami"),
    ("امینی", "Amini"), ("فتحی", "Fathi"), ("زارعی", "Zarei"), ("سبحانی", "Sobhani"),
    ("باقری", "Bagheri"), ("رستمی", "Rostami"), ("منصوری", "Mansouri"), ("عسگری", "Asgari"),
    ("نظری", "Nazari"), ("اسدی", "Asadi"), ("جوادی", "Javadi"), ("مختاری", "Mokhtari"),
    ("ایزدی", "Izadi"), ("حسنی", "Hassani"), ("انصاری", "Ansari"), ("شاکری", "Shakeri"),
    ("ربانی", "Rabbani"), ("رحمانی", "Rahmani"), ("صالحی", "Salehi"), ("دهقان", "Dehghan"),
    ("وکیلی", "Vakili"), ("قربانی", "Ghorbani"), ("خلیلی", "Khalili"), ("سلطانی", "Soltani"),
    ("نیکخواه", "Nikkhah"), ("علوی", "Alavi"), ("توکلی", "Tavakoli"), ("کاشانی", "Kashani"),
    ("اردکانی", "Ardakani"), ("یزدی", "Yazdi"), ("شفیعی", "Shafiei"), ("کیانی", "Kiani"),
    ("عطایی", "Ataei"), ("نصیری", "Nasiri"), ("حقانی", "Haghani"), ("بابایی", "Babaei"),
    ("اسلامی", "Eslami"), ("فرجی", "Faraji"), ("لطفی", "Lotfi"), ("زمانی", "Zamani"),
    ("امیری", "Amiri"), ("طالبی", "Talebi"), ("معصومی", "Masoumi"), ("نادری", "Naderi"),
]  # fmt: skip
CLERIC = "حجت‌الاسلام والمسلمین"
DECREE_ROLES = [
    "نماینده حوزه‌های علمیه",
    "نماینده حوزه‌های علمیه و مشاور فرهنگی",
    "مشاور دینی و فرهنگی",
    "عضو شورای فرهنگی به نمایندگی از حوزه",
    "مسئول دفتر نمایندگی حوزه",
]
EXPERT_POSITION = (
    "کارشناس ارتباط با سازمان‌ها و نهادهای حاکمیتی",
    "خبير العلاقات مع المؤسسات الحكومية",
    "Expert in relations with governmental bodies",
)

# --- what agreements are about ----------------------------------------------------------------
# (Persian, English, Arabic, fields): "… with {body}".
THEMES = [
    (
        "اعزام مبلغ و مشاور دینی به",
        "Sending preachers and religious counsellors to",
        "إيفاد مبلغين ومستشارين دينيين إلى",
        ("cultural", "family-counselling"),
    ),
    (
        "برگزاری دوره‌های آموزشی مشترک با",
        "Joint training courses with",
        "دورات تدريبية مشتركة مع",
        ("training",),
    ),
    (
        "تولید محتوای فرهنگی و دینی با",
        "Cultural and religious content production with",
        "إنتاج المحتوى الثقافي والديني مع",
        ("content-production",),
    ),
    ("پژوهش‌های مشترک با", "Joint research with", "أبحاث مشتركة مع", ("scientific-educational",)),
    (
        "مشاوره خانواده و سلامت معنوی با",
        "Family counselling and spiritual health with",
        "الإرشاد الأسري والصحة الروحية مع",
        ("family-counselling",),
    ),
    (
        "حضور طلاب در سمن‌ها و نهادهای خدمت‌رسان",
        "Seminary students in the NGOs and services of",
        "حضور طلاب الحوزة في منظمات ومؤسسات",
        ("ngo-support",),
    ),
    (
        "سواد رسانه‌ای و فضای مجازی با",
        "Media literacy and cyberspace with",
        "محو الأمية الإعلامية والفضاء الافتراضي مع",
        ("cyberspace",),
    ),
]
OBLIGATIONS = [
    "تشکیل ستاد همکاری مشترک و تعیین دبیر آن",
    "معرفی نماینده تام‌الاختیار هر طرف برای پیگیری تفاهم‌نامه",
    "تدوین برنامه عملیاتی سالانه و ارسال به مرکز ارتباطات حوزه و نظام",
    "ارائه گزارش شش‌ماهه اجرای تعهدات",
    "تأمین فضا و پشتیبانی دوره‌های آموزشی مشترک",
    "اعزام طلاب و روحانیون مشاور دینی بر اساس نیاز اعلام‌شده",
    "تأمین سهم مالی هر طرف بر اساس مفاد تفاهم‌نامه",
    "ارزیابی میانه‌دوره اثربخشی تفاهم‌نامه",
]
DECISIONS = [
    "تهیه پیش‌نویس تقویم اجرایی سالانه همکاری و ارسال به دبیرخانه ستاد",
    "معرفی کارشناس رابط از سوی {body} به دبیرخانه ستاد",
    "برگزاری دوره آموزشی مشترک برای کارکنان {body} و طلاب",
    "اعزام مبلغ و مشاور دینی به واحدهای استانی {body}",
    "تهیه گزارش عملکرد شش‌ماهه تفاهم‌نامه برای جلسه بعد",
    "شناسایی تشکل‌های مردم‌نهاد وابسته به {body} برای بانک اطلاعات سمن‌ها",
    "تولید بسته محتوایی مشترک برای مناسبت‌های مذهبی",
    "ایجاد کانال ارتباطی در فضای مجازی با نمایندگان حوزه در {body}",
    "بررسی امکان انعقاد توافق‌نامه‌های تکمیلی استانی ذیل تفاهم‌نامه",
    "برگزاری نشست هم‌اندیشی با نمایندگان حوزوی در {body}",
]
REVIEW_DECISIONS = [
    (ReviewDecision.KEEP, "ستاد همکاری فعال است و تعهدات به موقع پیگیری می‌شود."),
    (ReviewDecision.RENEW, "همکاری اثربخش بوده و دستگاه خواستار ادامه آن است."),
    (ReviewDecision.DOWNGRADE, "دامنه همکاری محدود است؛ توافق‌نامه‌ای سبک‌تر کافی است."),
    (ReviewDecision.KEEP, "تفاهم‌نامه کلان است و توافق‌نامه‌های استانی ذیل آن فعال‌اند."),
    (ReviewDecision.RENEW, "مهلت تفاهم‌نامه رو به پایان است و محورهای آن همچنان لازم است."),
    (ReviewDecision.DOWNGRADE, "تعهدات کلی و غیرقابل پیگیری است؛ به توافق‌نامه تنزل یابد."),
    (ReviewDecision.TERMINATE, "در سه سال گذشته هیچ اقدام مشترکی انجام نشده است."),
    (ReviewDecision.KEEP, "همکاری جاری و گزارش‌های شش‌ماهه منظم است."),
    (ReviewDecision.RENEW, "نتایج دوره‌های مشترک مثبت بوده است."),
    (ReviewDecision.DOWNGRADE, "با تفاهم‌نامه کلان دیگری همپوشانی دارد."),
]
PROSPECT_STATUSES = (
    [ProspectStatus.SIGNED] * 2
    + [ProspectStatus.DRAFTING] * 7
    + [ProspectStatus.PRIORITIZED] * 9
    + [ProspectStatus.ASSESSED] * 10
    + [ProspectStatus.IDENTIFIED] * 13
    + [ProspectStatus.DROPPED] * 4
)
PROSPECT_PATH = [
    ProspectStatus.ASSESSED,
    ProspectStatus.PRIORITIZED,
    ProspectStatus.DRAFTING,
    ProspectStatus.SIGNED,
]

DEMO_USERS = [
    # username, description, coordinator?, role at the center, the person they are
    # (a name, or "expert": the center's first expert, secretary of several committees)
    ("panahi", _("coordinator of agreements (Hawza–State Communications Center)"), True,
     Role.OWNER, "مهدی پناهی"),
    ("office", _("editor at the Hawza–State Communications Center"), False, Role.EDITOR,
     "expert"),
]  # fmt: skip


# --- the plan --------------------------------------------------------------------------------


@dataclass
class AgreementPlan:
    """One agreement to register, and the state it is to end in."""

    code: str
    kind: str
    titles: dict
    body: str  # organization key of the other party
    lead: str  # organization key of the seminaries' side
    state: str  # see _dates: active, renewal_due, due_soon, expired, or a lifecycle move
    weight: int
    subjects: tuple
    signed: date | None = None
    years: int = 3  # the term
    offset: int = 0  # days, for the dates fixed relative to the day of loading
    notice: int = 90
    no_expiry: bool = False
    scope: str = Scope.NATIONAL
    province: str = ""
    parent: str = ""  # code
    moved_on: date | None = None  # renewed, downgraded or amended on


@dataclass
class DecreePlan:
    number: str
    person: int  # index into the people
    host: str
    role: str
    decree_date: date
    state: str  # active, ending, expired, revoked, pending
    years: int
    offset: int


@dataclass
class Plan:
    agreements: list[AgreementPlan] = field(default_factory=list)
    decrees: list[DecreePlan] = field(default_factory=list)
    people: list[tuple[str, str, str]] = field(default_factory=list)  # fa, en, honorific
    experts: list[tuple[str, str, str]] = field(default_factory=list)
    liaisons: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    committees: list[tuple[str, str, int]] = field(default_factory=list)  # code, status, meetings
    prospects: list[tuple[Org, str, int]] = field(default_factory=list)


def _solar(year: int, month: int, day: int) -> date:
    return solar_to_gregorian(year, month, day)


def _random_solar(rng: random.Random, first: int, last: int) -> tuple[int, date]:
    year = rng.randint(first, last)
    last_month = 9 if year == 1404 else 12  # the report is of Azar 1404
    return year, _solar(year, rng.randint(1, last_month), rng.randint(1, 29))


def _arabic(text: str) -> str:
    return text.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")


def _body_orgs() -> dict[str, Org]:
    """Every organization the demo names, by key (the directory demo's and its own)."""
    orgs = {org.key: org for org in directory_demo.ORGANIZATIONS}
    for body, _weight in NATIONAL_BODIES:
        if isinstance(body, Org):
            orgs[body.key] = body
    for org in PROVINCIAL_BODIES + PROSPECT_BODIES:
        orgs[org.key] = org
    return orgs


def plan_build(seed: int = SEED) -> Plan:
    """The whole demo set, drawn from ``seed``: the same every time."""
    rng = random.Random(seed)
    orgs = _body_orgs()
    plan = Plan()
    weights = {(b.key if isinstance(b, Org) else b): w for b, w in NATIONAL_BODIES}
    national = list(weights)
    parents = [row[0] for row in PROVINCIAL]

    # National MoUs: one with each body; the provincial agreements' parents stay active.
    moves = (
        ["renewed"] * 4
        + ["downgraded"] * 3
        + ["amended"]
        + ["terminated"] * 3
        + ["expired"] * 8
        + ["renewal_due"] * 8
        + ["due_soon"] * 5
    )
    others = [key for key in national if key not in parents]
    states = dict.fromkeys(national, "active")
    for key, state in zip(rng.sample(others, len(moves)), moves, strict=True):
        states[key] = state
    items: list[AgreementPlan] = []
    for key in national:
        # The national MoUs that provincial agreements fall under came first.
        years = (1398, 1402) if key in parents else None
        items.append(_mou_plan(rng, orgs[key], weights[key], states[key], years))
    # Provincial agreements under six national MoUs, signed on the trips to Fars and Mazandaran.
    provincial = []
    for parent_key, *bodies in PROVINCIAL:
        for province, body in zip((FARS, MAZANDARAN), bodies, strict=True):
            org = orgs[body]
            provincial.append(
                AgreementPlan(
                    code="",
                    kind="agreement",
                    titles={
                        "fa": f"توافق‌نامه استانی همکاری حوزه علمیه و {org.fa}",
                        "en": f"Provincial agreement of the seminary with the {org.en}",
                        "ar": f"اتفاقية تعاون إقليمية بين الحوزة العلمية و{org.ar}",
                    },
                    body=body,
                    lead=PROVINCIAL_SEMINARY[province],
                    state="active",
                    weight=max(2, weights[parent_key] - 1),
                    subjects=org.fields or orgs[parent_key].fields,
                    signed=_solar(*TRIP[province]),
                    years=3,
                    scope=Scope.PROVINCIAL,
                    province=province,
                    parent=parent_key,  # a body key until codes are given
                )
            )
    # Prospects: 45 new bodies; those in drafting have an MoU being prepared, two are signed.
    statuses = list(PROSPECT_STATUSES)
    rng.shuffle(statuses)
    pending = ["draft", "draft", "negotiation", "negotiation", "negotiation", "awaiting"]
    pending += ["awaiting"]
    for org, status in zip(PROSPECT_BODIES, statuses, strict=True):
        plan.prospects.append((org, status, rng.randint(1, 5)))
        if status == ProspectStatus.SIGNED:
            item = _mou_plan(rng, org, rng.randint(3, 5), "active")
            item.signed = _solar(1404, rng.randint(4, 8), rng.randint(1, 29))
            items.append(item)
        elif status == ProspectStatus.DRAFTING and pending:
            items.append(_mou_plan(rng, org, rng.randint(2, 5), pending.pop(0)))
    dropped = [org for org, status, _b in plan.prospects if status == ProspectStatus.DROPPED]
    for org in dropped[:2]:
        items.append(_mou_plan(rng, org, 2, "cancelled"))

    # Thematic agreements and protocols with the national bodies fill up to 177.
    successors = sum(1 for item in items if item.state in ("renewed", "downgraded", "amended"))
    extra = AGREEMENTS_OF_THE_CENTER - len(items) - len(provincial) - successors
    extra_states = ["expired"] * 8 + ["renewal_due"] * 4 + ["due_soon"] * 3
    extra_states += ["active"] * (extra - len(extra_states))
    rng.shuffle(extra_states)
    seen: set[tuple[str, int]] = set()
    for state in extra_states:
        while True:
            key = rng.choice(national)
            theme = rng.randrange(len(THEMES))
            if (key, theme) not in seen:
                seen.add((key, theme))
                break
        items.append(_theme_plan(rng, orgs[key], weights[key], theme, state))

    # Registry codes, in signing order within each prefix and year.
    everything = items + provincial
    _codes_assign(everything)
    by_body = {item.body: item.code for item in items if item.kind == "mou"}
    for item in provincial:
        item.parent = by_body[item.parent]
    plan.agreements = everything

    _people_plan(rng, plan)
    _decrees_plan(rng, plan, national + [b for _p, *bs in PROVINCIAL for b in bs])
    _committees_plan(rng, plan, parents)
    return plan


def _mou_plan(rng: random.Random, org: Org, weight: int, state: str, years=None) -> AgreementPlan:
    first, last = years or {
        "renewed": (1398, 1399),
        "downgraded": (1398, 1399),
        "amended": (1399, 1400),
        "terminated": (1398, 1401),
        "expired": (1398, 1400),
        "renewal_due": (1399, 1401),
        "due_soon": (1399, 1401),
    }.get(state, (1398, 1404))
    _year, signed = _random_solar(rng, first, last)
    pending = state in ("draft", "negotiation", "awaiting", "cancelled")
    item = AgreementPlan(
        code="",
        kind="mou",
        titles={
            "fa": f"تفاهم‌نامه همکاری حوزه‌های علمیه و {org.fa}",
            "en": f"MoU between the Seminaries and the {org.en}",
            "ar": f"مذكرة تفاهم بين الحوزات العلمية و{org.ar}",
        },
        body=org.key,
        lead=HAWZA,
        state=state,
        weight=weight,
        subjects=org.fields or ("cultural",),
        signed=None if pending else signed,
        years=rng.choice((3, 3, 4, 5)),
        offset=rng.randint(0, 900),
        notice=rng.choice((90, 90, 90, 60, 120, 180)) if state not in _DUE_STATES else 90,
        no_expiry=state == "active" and rng.random() < 0.1,
    )
    if state in ("renewed", "downgraded", "amended"):
        item.moved_on = signed + timedelta(days=365 * item.years - rng.randint(10, 60))
    return item


_DUE_STATES = ("renewal_due", "due_soon")


def _theme_plan(rng, org: Org, weight: int, theme: int, state: str) -> AgreementPlan:
    fa, en, ar, fields = THEMES[theme]
    kind = rng.choice(("agreement", "agreement", "protocol"))
    kind_fa = "توافق‌نامه" if kind == "agreement" else "پروتکل همکاری"
    kind_en = "Agreement" if kind == "agreement" else "Protocol"
    kind_ar = "اتفاقية" if kind == "agreement" else "بروتوكول تعاون"
    if state == "expired":
        first, last = 1398, 1400
    elif state in _DUE_STATES:
        first, last = 1399, 1401
    else:
        first, last = 1400, 1404
    _year, signed = _random_solar(rng, first, last)
    return AgreementPlan(
        code="",
        kind=kind,
        titles={
            "fa": f"{kind_fa} {fa} {org.fa}",
            "en": f"{kind_en}: {en} the {org.en}",
            "ar": f"{kind_ar}: {ar} {org.ar}",
        },
        body=org.key,
        lead=CENTER,
        state=state,
        weight=max(1, weight - rng.randint(0, 2)),
        subjects=fields,
        signed=signed,
        years=rng.choice((2, 3, 3)),
        offset=rng.randint(0, 700),
        notice=90 if state in _DUE_STATES else rng.choice((60, 90)),
        no_expiry=state == "active" and rng.random() < 0.08,
    )


def _codes_assign(items: list[AgreementPlan]) -> None:
    prefixes = {"mou": "MOU", "agreement": "AGR", "protocol": "PRT"}
    counters: dict[tuple[str, int], int] = {}
    registered = _solar(1404, 9, 1)
    order = sorted(range(len(items)), key=lambda i: (items[i].signed or registered, i))
    for index in order:
        item = items[index]
        year = _solar_year(item.signed or registered)
        prefix = prefixes[item.kind]
        counters[prefix, year] = counters.get((prefix, year), 0) + 1
        item.code = f"{prefix}-{year}-{counters[prefix, year]:03d}"


def _solar_year(value: date) -> int:
    from hamafza.core.calendars import gregorian_to_solar

    return gregorian_to_solar(value)[0]


def _name(rng: random.Random, used: set[str], *, women: float = 0.0) -> tuple[str, str]:
    while True:
        pool = WOMEN_NAMES if rng.random() < women else FIRST_NAMES
        first, last = rng.choice(pool), rng.choice(SURNAMES)
        fa = f"{first[0]} {last[0]}"
        if fa not in used:
            used.add(fa)
            return fa, f"{first[1]} {last[1]}"


def _people_plan(rng: random.Random, plan: Plan) -> None:
    used = {"مهدی پناهی"}
    for _number in range(9):
        fa, en = _name(rng, used, women=0.3)
        plan.experts.append((fa, en, ""))
    # Twenty representatives hold two decrees: an old one, then a new one.
    for _number in range(DECREES - 20):
        fa, en = _name(rng, used)
        plan.people.append((fa, en, CLERIC))
    plan.liaisons = {}
    for body, _weight in NATIONAL_BODIES:
        key = body.key if isinstance(body, Org) else body
        fa, en = _name(rng, used, women=0.25)
        plan.liaisons[key] = (fa, en, rng.choice(("دکتر", "دکتر", "مهندس", "")))


def _decrees_plan(rng: random.Random, plan: Plan, hosts: list[str]) -> None:
    people = len(plan.people)
    states = ["active"] * 106 + ["ending"] * 15 + ["expired"] * 62 + ["revoked"] * 13
    states += ["pending"] * (people - len(states))
    rng.shuffle(states)
    twice = set(rng.sample(range(people), DECREES - people))
    hosts_of = [rng.choice(hosts) for _index in range(people)]
    counters: dict[int, int] = {}
    # (person, host, state); the new decree of those appointed twice is in force.
    decrees = [
        (person, hosts_of[person], "active" if person in twice else states[person])
        for person in range(people)
    ]
    decrees += [(person, hosts_of[person], None) for person in sorted(twice)]
    for person, host, state in decrees:
        earlier = state is None
        state = "expired" if earlier else state
        first, last = {
            "active": (1401, 1404),
            "ending": (1400, 1402),
            "expired": (1398, 1400),
            "revoked": (1399, 1403),
            "pending": (1404, 1404),
        }[state]
        if earlier:
            first, last = 1398, 1398
        year, decree_date = _random_solar(rng, first, last)
        counters[year] = counters.get(year, 0) + 1
        plan.decrees.append(
            DecreePlan(
                number=f"{year}/{counters[year]:04d}",
                person=person,
                host=host,
                role=rng.choice(DECREE_ROLES),
                decree_date=decree_date,
                state=state,
                years=rng.choice((2, 3, 3, 4)),
                offset=rng.randint(1, 900),
            )
        )


def _committees_plan(rng: random.Random, plan: Plan, parents: list[str]) -> None:
    """27 active committees on active national MoUs (the provincial parents among them),
    a few dormant or proposed; meetings on most active ones."""
    candidates = [
        item
        for item in plan.agreements
        if item.kind == "mou" and item.scope == Scope.NATIONAL and item.lead == HAWZA
        and item.state in ("active", "renewal_due", "due_soon", "renewed", "downgraded")
        and item.body in plan.liaisons
    ]  # fmt: skip
    first = [item for item in candidates if item.body in parents]
    rest = sorted(
        (item for item in candidates if item.body not in parents),
        key=lambda item: (-item.weight, rng.random()),
    )
    chosen = first + rest
    for index, item in enumerate(chosen[: ACTIVE_COMMITTEES + 5]):
        if index < ACTIVE_COMMITTEES:
            status, meetings = CommitteeStatus.ACTIVE, rng.choice((0, 1, 1, 2, 2, 3))
        else:
            status = CommitteeStatus.DORMANT if index < ACTIVE_COMMITTEES + 3 else "proposed"
            meetings = 0
        plan.committees.append((item.code, status, meetings))


# --- loading ---------------------------------------------------------------------------------


class _Loader:
    def __init__(self, plan: Plan, today: date):
        self.plan = plan
        self.today = today
        self.orgs: dict[str, Organization] = {}
        self.kinds = {kind.code: kind for kind in AgreementKind.objects.all()}
        self.fields = {f.code: f for f in ActivityField.objects.all()}
        self.provinces = {p.code: p for p in Province.objects.filter(country__code="IR")}
        self.people: dict[str, Person] = {}
        self.agreements: dict[str, Agreement] = {}

    # organizations and people

    def organizations(self) -> None:
        specs = _body_orgs()
        needed = [specs[CENTER], specs[HAWZA]]
        needed += [specs[b.key if isinstance(b, Org) else b] for b, _w in NATIONAL_BODIES]
        needed += PROVINCIAL_BODIES
        needed += [specs[key] for _p, *bodies in PROVINCIAL for key in bodies]
        needed += PROSPECT_BODIES
        country = Country.objects.get(code="IR")
        existing = {
            (org.name_key, org.kind): org
            for org in Organization.objects.filter(
                country=country, name_key__in=[normalize(spec.fa) for spec in needed]
            )
        }
        cities = {c.name: c for c in City.objects.filter(country=country)}
        languages = {lang.code: lang for lang in Language.objects.filter(code__in=["fa", "ar"])}
        for spec in needed:
            if spec.key in self.orgs:
                continue
            found = existing.get((normalize(spec.fa), spec.kind))
            if found is None:
                city = cities.get(spec.city)
                values = {
                    "kind": spec.kind,
                    "name": spec.fa,
                    "names": {"fa": spec.fa, "ar": spec.ar, "en": spec.en},
                    "short_name": spec.short,
                    "description": spec.description,
                    "country": country,
                    "province": self.provinces.get(spec.province),
                    "city": city,
                    "parent": self.orgs.get(spec.parent) or self._find(spec.parent, specs),
                }
                if city is not None and city.latitude is not None:
                    values["latitude"], values["longitude"] = city.latitude, city.longitude
                found = directory_services.organization_create(
                    actor=SYSTEM,
                    languages=[languages[c] for c in spec.languages if c in languages],
                    fields=[self.fields[c] for c in spec.fields if c in self.fields],
                    **values,
                )
            self.orgs[spec.key] = found

    def _find(self, key: str, specs: dict[str, Org]) -> Organization | None:
        if not key:
            return None
        spec = specs[key]
        return Organization.objects.filter(name_key=normalize(spec.fa), kind=spec.kind).first()

    def person(self, fa: str, en: str, honorific: str, organization=None, position=None):
        person = self.people.get(fa)
        if person is None:
            person = Person.objects.filter(name=fa).first()
        if person is None:
            person = directory_services.person_create(
                actor=SYSTEM,
                name=fa,
                names={"fa": fa, "en": en, "ar": _arabic(fa)},
                honorific=honorific,
            )
        if (
            organization is not None
            and not Membership.objects.filter(person=person, organization=organization).exists()
        ):
            fa_position, ar_position, en_position = position or ("", "", "")
            directory_services.membership_add(
                actor=SYSTEM,
                organization=organization,
                person=person,
                position=fa_position,
                positions={"fa": fa_position, "ar": ar_position, "en": en_position}
                if fa_position
                else {},
            )
        self.people[fa] = person
        return person

    # agreements

    def _dates(self, item: AgreementPlan) -> dict:
        """Signing and expiry dates that make the planned state true today."""
        today = self.today
        if item.signed is None:
            return {"notice_days": item.notice}
        term = timedelta(days=round(365.25 * item.years))
        signed = item.signed
        expires = signed + term
        floor = today + timedelta(days=200 + item.offset)
        if item.state == "active":
            expires = None if item.no_expiry else max(expires, floor)
        elif item.state == "downgraded":
            expires = max(expires, floor)  # the lighter successor keeps the term
        elif item.state == "renewal_due":
            expires = today + timedelta(days=10 + item.offset % 75)
        elif item.state == "due_soon":
            expires = today + timedelta(days=item.notice + 5 + item.offset % 80)
        elif item.state == "expired":
            expires = min(expires, today - timedelta(days=15 + item.offset % 500))
        if expires is not None and expires <= signed:
            expires = signed + term
        return {
            "signed_on": signed,
            "effective_on": signed,
            "expires_on": expires,
            "notice_days": item.notice,
        }

    def agreements_load(self) -> None:
        codes = [item.code for item in self.plan.agreements]
        self.agreements = {a.code: a for a in Agreement.objects.filter(code__in=codes)}
        center = self.orgs[CENTER]
        for item in self.plan.agreements:
            if item.code in self.agreements:
                continue
            body = self.orgs[item.body]
            lead = self.orgs[item.lead]
            dates = self._dates(item)
            signed = dates.get("signed_on")
            state = S.DRAFT if signed is None else S.ACTIVE
            agreement = services.agreement_create(
                actor=SYSTEM,
                state=state,
                kind=self.kinds[item.kind],
                code=item.code,
                title=item.titles["fa"],
                titles={"en": item.titles["en"], "ar": item.titles["ar"]},
                summary=self._summary(item),
                scope=item.scope,
                province=self.provinces.get(item.province),
                parent=self.agreements.get(item.parent),
                owner=center,
                strategic_weight=item.weight,
                parties=[
                    PartyInput(lead, PartyRole.LEAD, _signatory(item.lead), signed),
                    PartyInput(body, PartyRole.PARTY, _signatory(item.body), signed),
                ],
                subjects=[self.fields[c] for c in item.subjects if c in self.fields],
                **dates,
            )
            self.agreements[item.code] = agreement
            self._move(item, agreement)
        # Moves changed states in the database: read them back.
        self.agreements = {a.code: a for a in Agreement.objects.filter(code__in=codes)}

    def _summary(self, item: AgreementPlan) -> str:
        fields = [self.fields[c] for c in item.subjects if c in self.fields]
        names = [f.names.get("fa") or f.name for f in fields]
        if not names:
            return ""
        return "محورهای همکاری: " + "، ".join(names) + "."

    def _move(self, item: AgreementPlan, agreement: Agreement) -> None:
        today = self.today
        if item.state == "expired":
            services.agreement_transition(
                actor=SYSTEM,
                agreement=agreement,
                to_state=S.EXPIRED,
                reason="مهلت اعتبار به پایان رسید و تمدید نشد.",
            )
        elif item.state == "terminated":
            services.agreement_transition(
                actor=SYSTEM,
                agreement=agreement,
                to_state=S.TERMINATED,
                reason="با توافق طرفین خاتمه یافت: تعهدات آن قابل پیگیری نبود.",
            )
        elif item.state in ("negotiation", "awaiting"):
            services.agreement_transition(
                actor=SYSTEM,
                agreement=agreement,
                to_state=S.NEGOTIATION,
                reason="متن اولیه برای دستگاه ارسال شد.",
            )
            if item.state == "awaiting":
                services.agreement_transition(
                    actor=SYSTEM,
                    agreement=agreement,
                    to_state=S.AWAITING_SIGNATURE,
                    reason="متن نهایی مورد توافق طرفین قرار گرفت.",
                )
        elif item.state == "cancelled":
            services.agreement_transition(
                actor=SYSTEM,
                agreement=agreement,
                to_state=S.CANCELLED,
                reason="منتفی شد: موضوع آن در تفاهم‌نامه کلان دیگری پوشش داده می‌شود.",
            )
        elif item.state in ("renewed", "downgraded", "amended"):
            moved = min(item.moved_on, today - timedelta(days=30))
            expires = max(
                moved + timedelta(days=round(365.25 * 3)),
                today + timedelta(days=200 + item.offset),
            )
            if item.state == "renewed":
                successor = services.agreement_renew(
                    actor=SYSTEM,
                    agreement=agreement,
                    expires_on=expires,
                    signed_on=moved,
                    reason="تمدید برای سه سال دیگر با همان محورها.",
                )
            elif item.state == "downgraded":
                successor = services.agreement_downgrade(
                    actor=SYSTEM,
                    agreement=agreement,
                    kind=self.kinds["agreement"],
                    reason="تعهدات کلی آن به توافق‌نامه‌ای قابل پیگیری تنزل یافت.",
                )
            else:
                successor = services.agreement_amend(
                    actor=SYSTEM,
                    agreement=agreement,
                    reason="اصلاح محورهای همکاری و افزودن تعهدات قابل سنجش.",
                    signed_on=moved,
                    effective_on=moved,
                    expires_on=expires,
                    summary=(agreement.summary + " اصلاحیه: تعهدات قابل سنجش افزوده شد.").strip(),
                )
            # The successor is dated from the move, not from the day of loading.
            services.agreement_update(
                actor=SYSTEM,
                agreement=successor,
                signed_on=moved,
                effective_on=moved,
                expires_on=expires,
            )

    def pdo_ipo(self) -> Agreement:
        """Report 004: the MoU the heads of the two organizations decided to sign."""
        agreement = Agreement.objects.filter(code=PDO_IPO_CODE).first()
        if agreement is not None:
            return agreement
        pdo, ipo = self.orgs[PDO], self.orgs[IPO]
        agreement = services.agreement_create(
            actor=SYSTEM,
            kind=self.kinds["mou"],
            code=PDO_IPO_CODE,
            title="تفاهم‌نامه همکاری سازمان پدافند غیرعامل کشور و سازمان تبلیغات اسلامی",
            titles={
                "en": "Cooperation MoU between the Passive Defense Organization and the "
                "Islamic Propagation Organization",
                "ar": "مذكرة تعاون بين منظمة الدفاع السلبي ومنظمة الإعلام الإسلامي",
            },
            summary=(
                "نقش مساجد در آگاهی‌بخشی درباره تهدیدات، مشاوره به خانواده‌ها درباره "
                "شبکه‌های اجتماعی و فضای مجازی، تولید محتوا برای مخاطبان خاص از جمله "
                "ائمه محترم جماعات، دوره‌های آموزشی مستمر در تولید محتوا و تهدیدات نوین، "
                "و طراحی مشترک چارچوب کلی «معماری جدید نظام اسلامی بر بستر فضای سایبری»."
            ),
            owner=ipo,
            strategic_weight=5,
            parties=[
                PartyInput(pdo, PartyRole.PARTY, "رئیس سازمان پدافند غیرعامل کشور"),
                PartyInput(ipo, PartyRole.PARTY, "رئیس سازمان تبلیغات اسلامی"),
            ],
            subjects=[
                self.fields[c]
                for c in ("passive-defense", "cyberspace", "content-production", "training")
                if c in self.fields
            ],
        )
        services.agreement_transition(
            actor=SYSTEM,
            agreement=agreement,
            to_state=S.NEGOTIATION,
            reason="دیدار رؤسای دو سازمان: مقرر شد تفاهم‌نامه همکاری منعقد شود.",
        )
        today = self.today
        items = [
            (
                "برگزاری جلسات کارشناسی مشترک برای تدوین متن تفاهم‌نامه و بررسی مباحث تخصصی",
                pdo,
                today + timedelta(days=30),
                FollowUpStatus.IN_PROGRESS,
            ),
            (
                "تولید محتوای پدافند غیرعامل متناسب با مخاطبان خاص، از جمله ائمه محترم جماعات",
                ipo,
                today + timedelta(days=90),
                None,
            ),
            (
                "برگزاری دوره‌های آموزشی مستمر در حوزه تولید محتوا و تهدیدات نوین",
                ipo,
                today + timedelta(days=120),
                None,
            ),
            (
                "طراحی مشترک چارچوب کلی «معماری جدید نظام اسلامی بر بستر فضای سایبری»",
                pdo,
                today + timedelta(days=180),
                None,
            ),
        ]
        for number, (text, owner, due_on, status) in enumerate(items, start=1):
            followup = followup_create(
                actor=SYSTEM,
                source=agreement,
                number=number,
                text=text,
                owner_organization=owner,
                due_on=due_on,
            )
            if status is not None:
                followup_report(
                    actor=SYSTEM,
                    followup=followup,
                    status=status,
                    progress=30,
                    text="نخستین جلسه کارشناسی برگزار شد.",
                )
        return agreement

    # what hangs from the agreements

    def obligations(self) -> None:
        """Obligations (follow-ups) on most active agreements that have none yet."""
        active = list(
            Agreement.objects.filter(owner=self.orgs[CENTER], state=S.ACTIVE)
            .select_related("replaces")
            .order_by("code")
        )
        with_items = set(
            FollowUp.objects.filter(
                source_type__app_label="agreements",
                source_type__model="agreement",
                source_id__in=[a.pk for a in active],
            ).values_list("source_id", flat=True)
        )
        center = self.orgs[CENTER]
        plan_by_code = {item.code: item for item in self.plan.agreements}
        rng = random.Random(SEED + 2)
        for agreement in active:
            draw = rng.random()
            count = rng.choice((1, 2, 2, 3, 4))
            texts = rng.sample(OBLIGATIONS, count)
            owners = [rng.random() < 0.5 for _ in texts]
            offsets = [rng.randint(-300, 240) for _ in texts]
            outcomes = [rng.random() for _ in texts]
            if draw > 0.6 or agreement.pk in with_items:
                continue
            body = self.orgs[_plan_body(plan_by_code, agreement)]
            for number, text in enumerate(texts, start=1):
                owner = center if owners[number - 1] else body
                due_on = self.today + timedelta(days=offsets[number - 1])
                followup = followup_create(
                    actor=SYSTEM,
                    source=agreement,
                    number=number,
                    text=text,
                    owner_organization=owner,
                    due_on=due_on,
                )
                self._outcome(followup, outcomes[number - 1])

    def _outcome(self, followup, draw: float) -> None:
        """Past due: about half done, some in progress, the rest left open (overdue)."""
        overdue = followup.due_on < self.today
        if (overdue and draw < 0.5) or (not overdue and draw < 0.15):
            followup_report(
                actor=SYSTEM,
                followup=followup,
                status=FollowUpStatus.DONE,
                text="انجام شد و مستندات آن به دبیرخانه ارسال شد.",
            )
        elif draw < (0.65 if overdue else 0.4):
            followup_report(
                actor=SYSTEM,
                followup=followup,
                status=FollowUpStatus.IN_PROGRESS,
                progress=int(draw * 100),
                text="در حال انجام است.",
            )

    def committees(self) -> None:
        center = self.orgs[CENTER]
        experts = [
            self.person(fa, en, honorific, center, EXPERT_POSITION)
            for fa, en, honorific in self.plan.experts
        ]
        plan_by_code = {item.code: item for item in self.plan.agreements}
        representatives = self._representatives()
        existing = {
            (c.agreement_id, c.name) for c in Committee.objects.filter(agreement__owner=center)
        }
        rng = random.Random(SEED + 3)
        for index, (code, status, meetings) in enumerate(self.plan.committees):
            agreement = self._current(self.agreements[code])
            body_key = _plan_body(plan_by_code, self.agreements[code])
            spec = _body_orgs()[body_key]
            name = f"ستاد همکاری حوزه و {spec.fa}"
            secretary = experts[index % len(experts)]
            offsets = sorted((rng.randint(5, 400) for _ in range(meetings)), reverse=True)
            picks = [rng.sample(DECISIONS, 3) for _ in range(meetings)]
            draws = [[rng.random() for _ in range(3)] for _ in range(meetings)]
            if (agreement.pk, name) in existing:
                continue
            established = (agreement.signed_on or self.today) + timedelta(days=60)
            committee = services.committee_create(
                actor=SYSTEM,
                agreement=agreement,
                name=name,
                names={
                    "fa": name,
                    "en": f"Hawza–{spec.en} cooperation headquarters",
                    "ar": f"مقر التعاون بين الحوزة و{spec.ar}",
                },
                secretary=secretary,
                status=status,
                established_on=min(established, self.today),
            )
            body = self.orgs[body_key]
            fa, en, honorific = self.plan.liaisons[body_key]
            liaison = self.person(fa, en, honorific, body)
            members = [(secretary, center, "دبیر ستاد"), (liaison, body, "نماینده دستگاه")]
            representative = representatives.get(body.pk)
            if representative is not None:
                members.append((representative, center, "نماینده حوزه در دستگاه"))
            for person, organization, role in members:
                services.committee_member_add(
                    actor=SYSTEM,
                    committee=committee,
                    person=person,
                    organization=organization,
                    role=role,
                )
            for number, offset in enumerate(offsets):
                held_on = self.today - timedelta(days=offset)
                decisions = []
                for text, draw in zip(picks[number], draws[number], strict=True):
                    owner = center if draw < 0.4 else body
                    decisions.append(
                        DecisionInput(
                            text=text.format(body=spec.fa),
                            owner_organization=owner,
                            owner_person=secretary if owner == center else liaison,
                            due_on=held_on + timedelta(days=30 + int(draw * 90)),
                        )
                    )
                meeting = services.meeting_record(
                    actor=SYSTEM,
                    committee=committee,
                    held_on=held_on,
                    place="قم، مرکز ارتباطات حوزه و نظام" if number % 2 else "تهران، محل دستگاه",
                    agenda="گزارش پیشرفت تعهدات تفاهم‌نامه و برنامه دوره بعد",
                    minutes="گزارش دبیرخانه ارائه و مصوبات زیر تعیین شد.",
                    attendees=[person for person, _org, _role in members],
                    decisions=decisions,
                )
                for followup, draw in zip(
                    FollowUp.objects.filter(
                        source_type__app_label="agreements",
                        source_type__model="meeting",
                        source_id=meeting.pk,
                    ).order_by("number"),
                    draws[number],
                    strict=True,
                ):
                    self._outcome(followup, draw)

    def _current(self, agreement: Agreement) -> Agreement:
        """An agreement that was renewed, amended or downgraded lives on in its successor."""
        while agreement.state in (S.RENEWED, S.AMENDED, S.DOWNGRADED):
            agreement = Agreement.objects.get(replaces=agreement)
        return agreement

    def _representatives(self) -> dict[int, Person]:
        """The seminary's representative in force in each host body (one per host)."""
        found: dict[int, Person] = {}
        for appointment in (
            Appointment.objects.filter(
                issuer=self.orgs[CENTER], revoked_on__isnull=True, valid_to__gte=self.today
            )
            .select_related("person")
            .order_by("decree_date", "id")
        ):
            found.setdefault(appointment.host_id, appointment.person)
        return found

    def decrees(self) -> None:
        center = self.orgs[CENTER]
        existing = set(
            Appointment.objects.filter(issuer=center).values_list("decree_number", flat=True)
        )
        today = self.today
        for decree in self.plan.decrees:
            if decree.number in existing:
                continue
            fa, en, honorific = self.plan.people[decree.person]
            person = self.person(fa, en, honorific)
            term = timedelta(days=round(365.25 * decree.years))
            valid_from = decree.decree_date
            valid_to = valid_from + term
            if decree.state == "active":
                valid_to = max(valid_to, today + timedelta(days=70 + decree.offset))
            elif decree.state == "ending":
                valid_to = today + timedelta(days=1 + decree.offset % 55)
            elif decree.state == "expired":
                valid_to = min(valid_to, today - timedelta(days=decree.offset % 600 + 1))
            elif decree.state == "revoked":
                valid_to = max(valid_to, today + timedelta(days=30 + decree.offset))
            elif decree.state == "pending":
                valid_from = today + timedelta(days=5 + decree.offset % 40)
                valid_to = valid_from + term
            if valid_to < valid_from:
                valid_to = valid_from + timedelta(days=180)
            appointment = services.appointment_create(
                actor=SYSTEM,
                person=person,
                issuer=center,
                host=self.orgs[decree.host],
                role=decree.role,
                decree_number=decree.number,
                decree_date=decree.decree_date,
                valid_from=valid_from,
                valid_to=valid_to,
            )
            if decree.state == "revoked":
                on = max(decree.decree_date + timedelta(days=200), today - timedelta(days=400))
                services.appointment_revoke(
                    actor=SYSTEM,
                    appointment=appointment,
                    on=min(on, today - timedelta(days=1)),
                    reason="تغییر مسئولیت نماینده و معرفی جایگزین.",
                )

    def review(self) -> None:
        center = self.orgs[CENTER]
        if ReviewRound.objects.filter(owner=center, title=REVIEW_TITLE).exists():
            return
        earlier = sorted(
            (
                self.agreements[item.code]
                for item in self.plan.agreements
                if item.kind == "mou" and item.scope == Scope.NATIONAL
            ),
            key=lambda a: (a.signed_on or self.today, a.code),
        )
        chosen = [a for a in earlier if a.state == S.ACTIVE and a.replaces_id is None]
        chosen = chosen[:REVIEW_SIZE]
        round_ = services.review_round_create(
            actor=SYSTEM,
            owner=center,
            title=REVIEW_TITLE,
            description=(
                "بررسی و بازنگری تفاهم‌نامه‌های پیشین حوزه با دستگاه‌ها: تمدید، تنزل به "
                "توافق‌نامه یا خاتمه، بر پایه سیاست «انعقاد تفاهم‌نامه‌های اثرگذار و قابل "
                "پیگیری»."
            ),
            agreements=chosen,
            due_on=self.today + timedelta(days=75),
        )
        reviews = list(round_.reviews.select_related("agreement__kind").order_by("id"))
        for review, (decision, reasoning) in zip(reviews, REVIEW_DECISIONS, strict=False):
            services.review_decide(
                actor=SYSTEM,
                review=review,
                decision=decision,
                reasoning=reasoning,
                new_kind=self.kinds["agreement"] if decision == ReviewDecision.DOWNGRADE else None,
                new_expires_on=self.today + timedelta(days=3 * 365)
                if decision == ReviewDecision.RENEW
                else None,
            )

    def prospects(self) -> None:
        center = self.orgs[CENTER]
        existing = set(
            Prospect.objects.filter(owner=center).values_list("organization_id", flat=True)
        )
        signed = {
            item.body: self.agreements[item.code]
            for item in self.plan.agreements
            if item.kind == "mou" and item.lead == HAWZA
        }
        for org, status, benefit in self.plan.prospects:
            organization = self.orgs[org.key]
            if organization.pk in existing:
                continue
            prospect = services.prospect_create(
                actor=SYSTEM,
                owner=center,
                organization=organization,
                expected_benefit=benefit,
                assessment=_assessment(org, benefit) if status != ProspectStatus.IDENTIFIED else "",
            )
            if status == ProspectStatus.DROPPED:
                services.prospect_move(
                    actor=SYSTEM,
                    prospect=prospect,
                    status=ProspectStatus.DROPPED,
                    assessment=_assessment(org, benefit)
                    + " نتیجه: نیازی به تفاهم‌نامه جداگانه نیست؛ ذیل تفاهم‌نامه‌های موجود "
                    "پیگیری می‌شود.",
                )
                continue
            for step in PROSPECT_PATH[: _prospect_rank(status)]:
                services.prospect_move(
                    actor=SYSTEM,
                    prospect=prospect,
                    status=step,
                    agreement=signed.get(org.key) if step == ProspectStatus.SIGNED else None,
                )

    def users(self) -> list[tuple[str, str, str]]:
        User = get_user_model()
        center = self.orgs[CENTER]
        logins = []
        for username, description, coordinator, role, person_name in DEMO_USERS:
            user, _created = User.objects.get_or_create(username=username)
            user.is_coordinator = coordinator
            user.is_staff = coordinator
            user.set_password(DEMO_PASSWORD)
            user.save()
            if person_name == "expert":
                person_name = self.plan.experts[0][0]
            person = Person.objects.filter(name=person_name).first()
            if (
                person is not None
                and person.user_id is None
                and not Person.objects.filter(user=user).exists()
            ):
                directory_services.person_update(actor=SYSTEM, person=person, user=user)
            held = Membership.objects.filter(person__user=user, organization=center).first()
            if held is None or held.role != role:
                directory_services.membership_grant(
                    actor=SYSTEM, organization=center, user=user, role=role
                )
            logins.append((username, DEMO_PASSWORD, str(description)))
        return logins


def _prospect_rank(status: str) -> int:
    order = [ProspectStatus.IDENTIFIED, *PROSPECT_PATH]
    return order.index(status)


def _assessment(org: Org, benefit: int) -> str:
    level = {1: "اندک", 2: "محدود", 3: "متوسط", 4: "زیاد", 5: "بسیار زیاد"}[benefit]
    return (
        f"ظرفیت همکاری {org.fa} با حوزه‌های علمیه بررسی شد؛ اثرگذاری مورد انتظار: {level}. "
        "امکان پیگیری تعهدات و همپوشانی با تفاهم‌نامه‌های موجود سنجیده شد."
    )


def _plan_body(plan_by_code: dict[str, AgreementPlan], agreement: Agreement) -> str:
    while agreement.code not in plan_by_code and agreement.replaces_id is not None:
        agreement = agreement.replaces
    return plan_by_code[agreement.code].body


def _signatory(key: str) -> str:
    if key == HAWZA:
        return "آیت‌الله علیرضا اعرافی، مدیر حوزه‌های علمیه"
    if key == CENTER:
        return "رئیس مرکز ارتباطات حوزه و نظام"
    if key in PROVINCIAL_SEMINARY.values():
        return "مدیر حوزه علمیه استان"
    if key.startswith("ministry-"):
        return "وزیر"
    if key.endswith(("-fars", "-mazandaran")) or key in ("sums", "mazums"):
        return "مدیرکل" if key not in ("sums", "mazums") else "رئیس دانشگاه"
    return "رئیس"


def load(stdout=None) -> list[tuple[str, str, str]]:
    """Load the demo agreements, committees, decrees, review and prospects. Returns logins."""
    plan = plan_build()
    loader = _Loader(plan, timezone.localdate())
    with transaction.atomic():
        loader.organizations()
        loader.decrees()
        loader.agreements_load()
        loader.pdo_ipo()
        loader.obligations()
        loader.committees()
        loader.review()
        loader.prospects()
        logins = loader.users()
        services.agreements_priority_refresh()
    return logins
