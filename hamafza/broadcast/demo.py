"""Demo data: channels of the report's organizations, their coming broadcasts, and an archive.

Hey'at Online (report 000) gives the network's hey'ats a broadcast portal and
an archive; the foreign residents' hey'ats in Qom broadcast in their own
languages; the Kadhimiya shrine broadcasts its ceremonies. Loading is
idempotent. Archived broadcasts get short real recordings made with ffmpeg
(a test pattern and a tone), turned into archive items by the same code that
archives a real broadcast; without ffmpeg they are skipped.
"""

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.core.models import Language
from hamafza.core.permissions import SYSTEM
from hamafza.directory.models import Organization

from . import services
from .models import (
    ArchiveItem,
    ArchiveStatus,
    Broadcast,
    BroadcastStatus,
    Channel,
    Recording,
    StreamKey,
    Visibility,
)

DEMO_KEY_LABEL = "OBS (demo)"

# organization (English name), slug, names fa/ar/en, visibility, language
CHANNELS = [
    (
        "Holy Shrine of Kadhimiya",
        "live",
        {"fa": "پخش زنده حرم کاظمین", "ar": "البث المباشر للعتبة الكاظمية", "en": "Kadhimiya live"},
        Visibility.PUBLIC,
        "ar",
    ),
    (
        "Holy Shrine of Kadhimiya",
        "staff",
        {"fa": "جلسات خادمان حرم", "ar": "لقاءات خدام العتبة", "en": "Shrine servants' meetings"},
        Visibility.MEMBERS,
        "ar",
    ),
    (
        "Hey'at Online Institute",
        "portal",
        {
            "fa": "درگاه پخش هیئت آنلاین",
            "ar": "بوابة بث هيئت أونلاين",
            "en": "Hey'at Online portal",
        },
        Visibility.PUBLIC,
        "fa",
    ),
    (
        "Hey'at of Pakistani residents in Qom",
        "majlis",
        {
            "fa": "مجالس مقیمان پاکستانی",
            "ar": "مجالس المقيمين الباكستانيين",
            "en": "Pakistani majlis",
        },
        Visibility.PUBLIC,
        "ur",
    ),
    (
        "Hey'at of Nigerian residents in Qom",
        "majlis",
        {"fa": "مجالس مقیمان نیجریه‌ای", "ar": "مجالس المقيمين النيجيريين", "en": "Nigerian majlis"},
        Visibility.PUBLIC,
        "en",
    ),
]

# channel (organization, slug), hours from now, titles fa/ar/en, speaker, occasion
SCHEDULED = [
    (
        ("Holy Shrine of Kadhimiya", "live"),
        26,
        {
            "fa": "مراسم شب شهادت امام کاظم (ع)",
            "ar": "مراسم ليلة شهادة الإمام الكاظم (ع)",
            "en": "Night of the martyrdom of Imam al-Kazim",
        },
        "",
        "شهادت امام کاظم (ع)",
    ),
    (
        ("Hey'at Online Institute", "portal"),
        50,
        {
            "fa": "درس اخلاق هفتگی",
            "ar": "درس الأخلاق الأسبوعي",
            "en": "Weekly ethics lesson",
        },
        "حجت‌الاسلام پناهی",
        "",
    ),
    (
        ("Hey'at of Pakistani residents in Qom", "majlis"),
        74,
        {
            "fa": "مجلس عزای هفتگی به زبان اردو",
            "ar": "مجلس العزاء الأسبوعي باللغة الأردية",
            "en": "Weekly majlis in Urdu",
        },
        "مولانا نقوی",
        "",
    ),
    (
        ("Hey'at of Nigerian residents in Qom", "majlis"),
        98,
        {
            "fa": "تفسیر قرآن به زبان انگلیسی",
            "ar": "تفسير القرآن باللغة الإنجليزية",
            "en": "Quran commentary in English",
        },
        "Sheikh Abdullahi",
        "",
    ),
]

# channel, days ago, titles, speaker, occasion, audio only?
ARCHIVED = [
    (
        ("Hey'at Online Institute", "portal"),
        3,
        {
            "fa": "نشست هیئت‌های مقیم خارجی در قم",
            "ar": "لقاء الهيئات الأجنبية المقيمة في قم",
            "en": "Meeting of foreign residents' hey'ats in Qom",
        },
        "",
        "",
        False,
    ),
    (
        ("Holy Shrine of Kadhimiya", "live"),
        7,
        {
            "fa": "دعای کمیل",
            "ar": "دعاء كميل",
            "en": "Supplication of Kumayl",
        },
        "",
        "شب جمعه",
        True,
    ),
]


def _organization(english_name: str) -> Organization | None:
    return Organization.objects.filter(names__en=english_name).first()


def load(stdout=None) -> list:
    languages = {language.code: language for language in Language.objects.all()}
    channels: dict[tuple[str, str], Channel] = {}
    with transaction.atomic():
        for org_name, slug, names, visibility, language in CHANNELS:
            organization = _organization(org_name)
            if organization is None:
                continue
            channel = Channel.objects.filter(organization=organization, slug=slug).first()
            values = {
                "name": names["fa"],
                "names": names,
                "visibility": visibility,
                "language": languages.get(language),
            }
            if channel is None:
                channel = services.channel_create(
                    actor=SYSTEM, organization=organization, slug=slug, **values
                )
            channels[org_name, slug] = channel
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        for where, hours, titles, speaker, occasion in SCHEDULED:
            channel = channels.get(where)
            if (
                channel is None
                or Broadcast.objects.filter(channel=channel, title=titles["fa"])
                .filter(status=BroadcastStatus.SCHEDULED)
                .exists()
            ):
                continue
            services.broadcast_schedule(
                actor=SYSTEM,
                channel=channel,
                title=titles["fa"],
                titles=titles,
                speaker=speaker,
                occasion=occasion,
                language=channel.language,
                scheduled_start=now + timedelta(hours=hours),
            )
    for where, days, titles, speaker, occasion, audio_only in ARCHIVED:
        channel = channels.get(where)
        if channel is not None:
            _archived_load(channel, days, titles, speaker, occasion, audio_only, stdout)
    main = channels.get(("Holy Shrine of Kadhimiya", "live"))
    if main is not None and stdout is not None:
        _demo_key_print(main, stdout)
    return []


def _archived_load(channel, days, titles, speaker, occasion, audio_only, stdout) -> None:
    """An ended broadcast with a real recording, archived by the archive's own code."""
    broadcast = Broadcast.objects.filter(channel=channel, title=titles["fa"]).first()
    if (
        broadcast is not None
        and ArchiveItem.objects.filter(broadcast=broadcast, status=ArchiveStatus.READY).exists()
    ):
        return
    if not shutil.which(settings.HAMAFZA_FFMPEG):
        if stdout is not None:
            stdout.write(_("ffmpeg is not installed: the demo archive is left empty."))
        return
    started = timezone.now() - timedelta(days=days)
    if broadcast is None:
        broadcast = Broadcast.objects.create(
            channel=channel,
            title=titles["fa"],
            titles=titles,
            speaker=speaker,
            occasion=occasion,
            language=channel.language,
            status=BroadcastStatus.ENDED,
            scheduled_start=started,
            started_at=started,
            ended_at=started + timedelta(seconds=12),
            has_video=not audio_only,
            viewers_peak=140 * (days + 1),
            viewers_total=410 * (days + 1),
        )
    directory = Path(settings.HAMAFZA_RECORDINGS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{broadcast.ingest_name}-demo.flv"
    if not _recording_make(path, audio_only=audio_only):
        return
    Recording.objects.get_or_create(path=str(path.resolve()), defaults={"broadcast": broadcast})
    ArchiveItem.objects.get_or_create(broadcast=broadcast)
    from .archive import archive_build

    archive_build(broadcast_id=broadcast.pk)


def _recording_make(path: Path, *, audio_only: bool) -> bool:
    """Twelve seconds of a test pattern (or nothing) with a tone, as nginx would record it."""
    command = [settings.HAMAFZA_FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    if not audio_only:
        command += ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=12"]
    command += ["-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000:duration=12"]
    if not audio_only:
        command += ["-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p"]
    command += ["-c:a", "aac", "-b:a", "96k", "-f", "flv", str(path)]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return False
    return True


def _demo_key_print(channel: Channel, stdout) -> None:
    """A fresh key for the demo channel each run (the secret is never kept, so it is replaced)."""
    for key in StreamKey.objects.filter(
        channel=channel, label=DEMO_KEY_LABEL, revoked_at__isnull=True
    ):
        services.stream_key_revoke(actor=SYSTEM, key=key)
    _key, secret = services.stream_key_create(actor=SYSTEM, channel=channel, label=DEMO_KEY_LABEL)
    server, stream = services.publish_address(channel)
    stdout.write(
        "\n"
        + _("Go live on the demo channel with OBS or ffmpeg: server %(server)s, stream key %(key)s")
        % {"server": server, "key": f"{stream}?key={secret}"}
    )
