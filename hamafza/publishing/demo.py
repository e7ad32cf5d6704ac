"""Demo news and announcements, from the facts of the source reports (seeds/FACTS.md).

Hey'at Online opens its free broadcast portal to hey'ats abroad and will carry the Arbaeen
ceremonies live; the Ahl al-Bayt World Assembly reports the gathering of foreign residents'
hey'ats in Qom; the Hawza–State Communications Center its 177 MoUs; Basij Sazandegi of Qom its
780 volunteer groups, the faithful manoeuvre, the Arbaeen HQ's service points and the yearly
congress; the Kadhimiya shrine (in Arabic) the 8th conference of the shrines' public-relations
departments in Kufa; the Islamic Propagation Organization its meeting with the Passive Defense
Organization; and the network itself the quarterly guide. Most are in Persian, some with
Arabic or English versions; two are scheduled a few days ahead.

Posts are written through ``services_posts`` as ``SYSTEM``, by the organizations the
directory's demo registers (looked up by their name; a post whose organization is missing is
left out). Loading is idempotent: a post is known by its organization, language and title, and
what exists is left alone (its publication time included).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from hamafza.core.permissions import SYSTEM
from hamafza.core.text import normalize
from hamafza.directory import demo as directory_demo
from hamafza.directory.models import Organization
from hamafza.publishing.models import Post, PostKind
from hamafza.publishing.services_posts import post_create

NEWS, ANNOUNCEMENT = PostKind.NEWS, PostKind.ANNOUNCEMENT


@dataclass(frozen=True)
class Version:
    language: str
    title: str
    summary: str
    body: str


@dataclass(frozen=True)
class DemoPost:
    organization: str  # a key of the directory demo's organizations; "" for the network
    kind: str
    days: float  # publication, in days from the time of loading (negative: in the past)
    original: Version
    translations: tuple[Version, ...] = field(default=())


POSTS: list[DemoPost] = [
    DemoPost(
        "heyat-online",
        ANNOUNCEMENT,
        -2,
        Version(
            "fa",
            "درگاه پخش هیئت آنلاین به روی هیئت‌های خارج از کشور باز شد",
            "هیئت‌های مقیم خارج از کشور از این پس می‌توانند مراسم خود را رایگان از درگاه "
            "هیئت آنلاین پخش کنند.",
            "<p>مؤسسهٔ <strong>هیئت آنلاین</strong> که در روزهای همه‌گیری کرونا برای ادامهٔ "
            "کار هیئت‌ها ساخته شد، امروز بیش از <strong>۲٬۳۰۰ هیئت</strong> و "
            "<strong>۲۸ میلیون کاربر</strong> دارد.</p>"
            "<p>این درگاه به هیئت‌ها می‌دهد:</p>"
            "<ul><li>اطلاع‌رسانی برنامه‌ها</li><li>ترافیک رایگان در داخل کشور</li>"
            "<li>درگاه پخش رایگان برای داخل و خارج از کشور</li>"
            "<li>آرشیو محتوای تولیدشده به دست خود هیئت‌ها</li></ul>"
            "<p>از این هفته خدمت پخش به روی هیئت‌های خارجی نیز باز است.</p>",
        ),
        (
            Version(
                "ar",
                "منصة هيئت أونلاين تفتح بوابة البث للهيئات خارج إيران",
                "يمكن للهيئات المقيمة خارج إيران أن تبث مجالسها مجاناً عبر منصة هيئت أونلاين.",
                "<p>تضم منصة <strong>هيئت أونلاين</strong> أكثر من <strong>٢٬٣٠٠ هيئة</strong> "
                "و<strong>٢٨ مليون مستخدم</strong>، وتقدّم للهيئات بوابة بث مجانية داخل "
                "البلاد وخارجها وأرشيفاً لمحتواها.</p>",
            ),
            Version(
                "en",
                "Hey'at Online opens its broadcast portal to hey'ats abroad",
                "Hey'ats outside the country can now broadcast their gatherings for free.",
                "<p><strong>Hey'at Online</strong>, built when COVID threatened to close the "
                "gatherings, now serves over <strong>2,300 hey'ats</strong> and "
                "<strong>28 million users</strong>: information dissemination, free traffic "
                "at home, a free broadcast portal inside and outside the country, and an "
                "archive of the hey'ats' own content.</p>",
            ),
        ),
    ),
    DemoPost(
        "heyat-online",
        ANNOUNCEMENT,
        3,
        Version(
            "fa",
            "پخش زندهٔ مراسم اربعین از کربلا و مسیر پیاده‌روی",
            "هیئت آنلاین مراسم اربعین را از حرم و مسیر پیاده‌روی نجف تا کربلا زنده پخش می‌کند.",
            "<p>پخش زنده از صبح روز اربعین آغاز می‌شود و نسخهٔ صوتی آن برای اینترنت‌های کم‌سرعت "
            "نیز در دسترس است. هیئت‌هایی که در مسیر موکب دارند می‌توانند پخش خود را به درگاه "
            "بپیوندند.</p>",
        ),
        (
            Version(
                "en",
                "Live coverage of the Arbaeen ceremonies from Karbala and the walk",
                "Hey'at Online carries the Arbaeen ceremonies live from the shrine and the "
                "Najaf–Karbala walk.",
                "<p>The live stream starts on the morning of Arbaeen, with an audio-only "
                "version for weak connections.</p>",
            ),
        ),
    ),
    DemoPost(
        "ahl-al-bayt-assembly",
        NEWS,
        -6,
        Version(
            "fa",
            "نشست بیش از ۱۰۰ هیئت مذهبی مقیمان خارجی در قم",
            "نمایندگان هیئت‌های مقیمان یازده کشور برای شبکه‌سازی در سطح ملی و بین‌المللی گرد "
            "هم آمدند.",
            "<p>بیش از <strong>۱۰۰ هیئت فعال</strong> مقیمان خارجی در قم با میزبانی کمیتهٔ "
            "فرهنگی و آموزشی اربعین، مؤسسهٔ هیئت آنلاین، مجمع جهانی اهل‌بیت (ع)، مرکز ارتباطات "
            "و بین‌الملل حوزه‌های علمیه و جامعة المصطفی العالمیة گرد هم آمدند.</p>"
            "<p>هیئت‌هایی از هند، پاکستان، افغانستان، بنگلادش، ترکیه، آرژانتین، آذربایجان، "
            "روسیه، تاجیکستان، نیجریه و تایلند حضور داشتند.</p>"
            "<blockquote>هدف نشست: هم‌افزایی، تبادل اطلاعات و خدمت‌رسانی به هیئت‌ها با "
            "فناوری‌های نو.</blockquote>",
        ),
        (
            Version(
                "ar",
                "لقاء أكثر من ١٠٠ هيئة دينية للمقيمين الأجانب في قم",
                "اجتمع ممثلو هيئات المقيمين من أحد عشر بلداً للتشبيك على المستويين الوطني والدولي.",
                "<p>اجتمع أكثر من <strong>١٠٠ هيئة</strong> للمقيمين الأجانب في قم بحضور المجمع "
                "العالمي لأهل البيت (ع) وجامعة المصطفى العالمية.</p>",
            ),
        ),
    ),
    DemoPost(
        "arbaeen-committee",
        NEWS,
        -5,
        Version(
            "fa",
            "محتوای اربعین، قرآن و دروس حوزه در درگاه هیئت‌ها",
            "کمیتهٔ فرهنگی و آموزشی اربعین با هیئت‌ها برای تولید محتوا همکاری می‌کند.",
            "<p>حوزه‌های محتوایی همکاری: <em>اربعین</em>، <em>قرآن</em>، <em>معارف دینی</em> "
            "و <em>دروس حوزه</em>. محتوا را خود هیئت‌ها تولید می‌کنند.</p>",
        ),
    ),
    DemoPost(
        "hawza-state-center",
        NEWS,
        -10,
        Version(
            "fa",
            "ساماندهی ۱۷۷ تفاهم‌نامه و توافق‌نامهٔ حوزه با دستگاه‌ها",
            "تفاهم‌نامه‌های موجود اولویت‌بندی می‌شوند و فقط تفاهم‌نامه‌های اثرگذار و "
            "پیگیری‌پذیر امضا خواهند شد.",
            "<p>رئیس روابط با دستگاه‌های حکومتی در مرکز ارتباطات حوزه و نظام، در همایش دبیران "
            "ستادهای راهبری حوزه‌ها در مشهد گفت:</p>"
            "<ul><li>حدود <strong>۱۷۰ تفاهم‌نامه</strong> امضا شده و بیش از "
            "<strong>۲۷ ستاد همکاری</strong> فعال است.</li>"
            "<li>حدود <strong>۲۲۰ حکم نمایندگی</strong> شناسایی شده است.</li>"
            "<li><strong>۲۲ تفاهم‌نامهٔ پیشین</strong> در دست بازبینی است و نیاز به تفاهم با "
            "<strong>۴۵ دستگاه تازه</strong> بررسی می‌شود.</li></ul>"
            "<p>توافق‌نامه‌های استانی زیر تفاهم‌نامه‌های کلان در سفر به فارس و مازندران امضا "
            "شد.</p>",
        ),
    ),
    DemoPost(
        "volunteer-movements-center",
        NEWS,
        -20,
        Version(
            "fa",
            "۷۸۰ گروه جهادی در استان قم ثبت شده‌اند",
            "حدود ۴۰۰ گروه در تمام سال فعال‌اند؛ ۱۰۰ گروه در تابستان اردوهای ۱ تا ۱۴ روزه "
            "برگزار کردند.",
            "<p>مدیر مرکز مطالعات و هدایت حرکت‌های جهادی بسیج سازندگی استان قم در نشست خبری "
            "گفت: <strong>۷۸۰ گروه جهادی</strong> ثبت شده‌اند که حدود <strong>۴۰۰</strong> "
            "گروه در تمام سال فعال‌اند.</p>"
            "<p>اردوهای یک‌روزه در محله‌های شهر و اردوهای ۷ تا ۱۴ روزه در روستاهای ایلام، "
            "کرمانشاه، کرمان، لرستان، مازندران و قم برگزار شد.</p>"
            "<table><thead><tr><th>زمینه</th><th>نمونه</th></tr></thead><tbody>"
            "<tr><td>عمرانی</td><td>ساخت و تعمیر</td></tr>"
            "<tr><td>پزشکی</td><td>ویزیت رایگان</td></tr>"
            "<tr><td>فرهنگی</td><td>کلاس‌های قرآن</td></tr></tbody></table>",
        ),
    ),
    DemoPost(
        "basij-sazandegi-qom",
        NEWS,
        -15,
        Version(
            "fa",
            "رزمایش مؤمنانه: ۱۷ هزار بستهٔ معیشتی توزیع شد",
            "بسته‌های معیشتی به خانواده‌های نیازمند روستاها و حاشیهٔ شهر قم رسید.",
            "<p>در رزمایش مؤمنانه حدود <strong>۱۷٬۰۰۰ بستهٔ معیشتی</strong> با همراهی حوزهٔ "
            "علمیه، ستاد اجرایی فرمان امام و سپاه استان قم توزیع شد.</p>",
        ),
    ),
    DemoPost(
        "volunteer-movements-center",
        ANNOUNCEMENT,
        -4,
        Version(
            "fa",
            "ثبت‌نام دوره‌های آموزشی «رسم خدمت» و «رسم هجرت»",
            "دو دورهٔ تابستانی برای سرپرستان شوراها و قرارگاه‌های جهادی و برای گروه‌ها و "
            "رابطان رسانه‌ای آن‌ها.",
            "<ol><li><strong>رسم خدمت</strong>: ویژهٔ سرپرستان شوراها و قرارگاه‌های "
            "جهادی</li><li><strong>رسم هجرت</strong>: ویژهٔ گروه‌های جهادی و رابطان "
            "رسانه‌ای</li></ol>",
        ),
    ),
    DemoPost(
        "basij-sazandegi-qom",
        ANNOUNCEMENT,
        -1,
        Version(
            "fa",
            "موکب‌های قرارگاه اربعین: دو موکب در مرز مهران و دو موکب در مسیر پیاده‌روی",
            "قرارگاه اربعین بسیج سازندگی قم آمادهٔ خدمت‌رسانی به زائران است.",
            "<p>دو ایستگاه خدمت در <strong>مرز مهران</strong> و دو ایستگاه در <strong>مسیر "
            "پیاده‌روی نجف تا کربلا</strong> برپا شده است. نشانی ایستگاه‌ها روی نقشهٔ زائران "
            "هم‌افزا آمده است.</p>",
        ),
    ),
    DemoPost(
        "basij-sazandegi-qom",
        ANNOUNCEMENT,
        10,
        Version(
            "fa",
            "کنگرهٔ سالانهٔ جهادگرانِ درگذشته در مسیر خدمت",
            "کنگره از ۹ تا ۱۱ مرداد در قم، در جوار حرم حضرت معصومه (س) برگزار می‌شود.",
            "<p>کنگرهٔ سالانهٔ یادبود جهادگرانی که در مسیر خدمت درگذشتند، از "
            "<strong>۹ تا ۱۱ مرداد</strong> در قم برگزار می‌شود.</p>",
        ),
    ),
    DemoPost(
        "kadhimiya-shrine",
        NEWS,
        -12,
        Version(
            "ar",
            "العتبة الكاظمية المقدسة تشارك في المؤتمر الدوري الثامن لأقسام العلاقات العامة",
            "شارك وفد العتبة برئاسة رئيس قسم العلاقات العامة في المؤتمر المنعقد في مسجد الكوفة "
            "المعظم.",
            "<p>شارك وفد من <strong>العتبة الكاظمية المقدسة</strong> في المؤتمر الدوري الثامن "
            "لأقسام العلاقات العامة في العتبات المقدسة والمزارات الشيعية وديوان الوقف الشيعي، "
            "الذي أقيم في مسجد الكوفة المعظم، بهدف خدمة الزائر وتبادل الخبرات.</p>"
            "<p>وخرج المؤتمر بسبع توصيات، منها:</p>"
            "<ol><li>اعتماد الأساليب العلمية في العلاقات بين العتبات</li>"
            "<li>تبادل الخبرات</li><li>إصدار دليل فصلي موحّد تحرره لجنة متخصصة</li>"
            "<li>إقامة دورات تدريبية للعاملين داخل العراق وخارجه</li></ol>",
        ),
        (
            Version(
                "fa",
                "حضور آستان مقدس کاظمین در هشتمین همایش ادارات روابط عمومی عتبات",
                "هیئت آستان به ریاست مدیر روابط عمومی در همایش مسجد اعظم کوفه شرکت کرد.",
                "<p>همایش با <strong>۷ توصیه</strong> به پایان رسید؛ از جمله انتشار "
                "<strong>راهنمای فصلی یکپارچه</strong> و برگزاری دوره‌های آموزشی برای "
                "کارکنان.</p>",
            ),
        ),
    ),
    DemoPost(
        "ipo",
        NEWS,
        -9,
        Version(
            "fa",
            "تفاهم همکاری سازمان تبلیغات اسلامی و سازمان پدافند غیرعامل",
            "دو سازمان بر تولید محتوا برای امامان مساجد و دوره‌های آموزشی مشترک توافق کردند.",
            "<p>رؤسای دو سازمان دربارهٔ نقش مساجد در آگاهی‌بخشی، مشاورهٔ خانواده دربارهٔ "
            "شبکه‌های اجتماعی و همکاری در فضای مجازی گفت‌وگو کردند و مقرر شد:</p>"
            "<ul><li>تفاهم‌نامهٔ همکاری امضا شود</li><li>نشست‌های تخصصی برگزار شود</li>"
            "<li>برای مخاطبان خاص محتوا تولید شود</li></ul>",
        ),
    ),
    DemoPost(
        "",
        ANNOUNCEMENT,
        -1,
        Version(
            "fa",
            "راهنمای فصلی یکپارچهٔ شبکه منتشر می‌شود",
            "کمیتهٔ ویراستاری شبکه هر فصل راهنمایی از تازه‌های سازمان‌ها، پخش‌ها، رویدادها و "
            "تفاهم‌نامه‌ها منتشر می‌کند.",
            "<p>به پیشنهاد هشتمین همایش روابط عمومی عتبات، <strong>راهنمای فصلی "
            "یکپارچه</strong> از داده‌های خود شبکه فراهم می‌شود و پس از تأیید کمیته منتشر "
            "خواهد شد.</p>",
        ),
        (
            Version(
                "en",
                "The network's unified quarterly guide",
                "Each quarter the network's editorial committee publishes a guide to its "
                "organizations, broadcasts, events and agreements.",
                "<p>As the 8th conference of the shrines' public-relations departments "
                "recommended, a <strong>unified quarterly guide</strong> is assembled from the "
                "network's own data and published once the committee approves it.</p>",
            ),
        ),
    ),
]


def _organizations() -> dict[str, Organization]:
    """The directory demo's organizations that exist, by their key."""
    found = {}
    for spec in directory_demo.ORGANIZATIONS:
        native = {"fa": spec.fa, "ar": spec.ar, "en": spec.en}[spec.native]
        organization = Organization.objects.filter(
            name_key=normalize(native), kind=spec.kind, country__code=spec.country
        ).first()
        if organization is not None:
            found[spec.key] = organization
    return found


def _post(organization, kind, publish_at, version: Version, original=None) -> Post:
    existing = Post.objects.filter(
        organization=organization, language=version.language, title=version.title
    ).first()
    if existing is not None:
        return existing
    return post_create(
        actor=SYSTEM,
        organization=organization,
        language=version.language,
        kind=kind,
        title=version.title,
        summary=version.summary,
        body=version.body,
        publish_at=publish_at,
        translation_of=original,
    )


def load(stdout=None) -> list:
    """Load the demo follows, posts and quarterly guide (no new logins).

    Follows come first, so that the posts' announcements have followers to tell.
    """
    from hamafza.publishing import demo_follows, demo_guides

    demo_follows.load(stdout)
    _posts_load()
    demo_guides.load(stdout)
    return []


def _posts_load() -> None:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    organizations = _organizations()
    with transaction.atomic():
        for item in POSTS:
            organization = organizations.get(item.organization) if item.organization else None
            if item.organization and organization is None:
                continue
            publish_at = now + datetime.timedelta(days=item.days)
            original = _post(organization, item.kind, publish_at, item.original)
            for version in item.translations:
                _post(organization, item.kind, publish_at, version, original)
