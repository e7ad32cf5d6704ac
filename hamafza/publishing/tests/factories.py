"""Factories for publishing. Rows are written directly (the body is taken as given and nobody
is told); tests of the rules call the services."""

import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.publishing.models import Post, PostKind


def hours_from_now(hours: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def png_upload(name: str = "poster.png") -> SimpleUploadedFile:
    """A real (tiny) PNG picture, as a browser uploads it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (15, 92, 77)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class PostFactory(factory.django.DjangoModelFactory):
    """A public post of a hey'at, in Persian, published an hour ago."""

    class Meta:
        model = Post

    organization = factory.SubFactory(OrganizationFactory)
    kind = PostKind.NEWS
    language = "fa"
    title = factory.Sequence(lambda n: f"خبر آزمایشی شماره {n}")
    summary = "خلاصهٔ خبر برای فهرست‌ها و خوراک‌ها."
    body = "<p>متن خبر با <strong>واژه‌های پررنگ</strong>.</p>"
    publish_at = factory.LazyFunction(lambda: hours_from_now(-1))


# --- the quarterly guide -------------------------------------------------------------------------


class GuideFactory(factory.django.DjangoModelFactory):
    """A draft Persian guide of Solar Hijri 1404, quarter 1 (21 March – 21 June 2025).
    Its dates follow the quarter it is given."""

    class Meta:
        model = "publishing.Guide"

    calendar = "solar"
    year = 1404
    quarter = 1
    language = "fa"
    introduction = "به نام خدا. این راهنمای فصلی شبکه است."
    starts_on = factory.LazyAttribute(
        lambda o: _quarter_bounds(calendar=o.calendar, year=o.year, quarter=o.quarter)[0]
    )
    ends_on = factory.LazyAttribute(
        lambda o: _quarter_bounds(calendar=o.calendar, year=o.year, quarter=o.quarter)[1]
    )


def _quarter_bounds(**kwargs):
    from hamafza.publishing.guide import quarter_bounds

    return quarter_bounds(**kwargs)


# --- following and messengers --------------------------------------------------------------------


class FollowFactory(factory.django.DjangoModelFactory):
    """A user following a hey'at."""

    class Meta:
        model = "publishing.Follow"

    user = factory.SubFactory("hamafza.directory.tests.factories.UserFactory")
    organization = factory.SubFactory(OrganizationFactory)


class MessengerAccountFactory(factory.django.DjangoModelFactory):
    """A user's Telegram chat (a private chat's id is the user's numeric id)."""

    class Meta:
        model = "publishing.MessengerAccount"

    user = factory.SubFactory("hamafza.directory.tests.factories.UserFactory")
    messenger = "telegram"
    chat_id = factory.Sequence(lambda n: str(100_000_000 + n))


# --- the quarterly guide: a quarter's data ------------------------------------------------------

# Names the guide's tests look for in the PDF, as typed.
GUIDE_ORGANIZATION = "هیئت محبان حضرت زهرا"
GUIDE_CONFERENCE = "همایش دوره‌ای روابط عمومی عتبات"
GUIDE_BROADCAST = "مراسم دعای کمیل"
GUIDE_CAMPAIGN = "رزمایش کمک مؤمنانه بهار"


def guide_quarter_fill(*, starts_on: datetime.date, copies: int = 1) -> dict:
    """Something of every kind the guide reports, inside the quarter that begins on
    ``starts_on`` (a week or more in), ``copies`` times over: an organization registered, an
    archived broadcast with its archive item, a conference with four recommendations, an
    agreement signed, one renewed and one expiring, an approved camp and a distribution."""
    from django.contrib.contenttypes.models import ContentType

    from hamafza.agreements.models import AgreementState, AgreementTransition
    from hamafza.agreements.tests.factories import AgreementFactory
    from hamafza.broadcast.models import ArchiveItem, ArchiveStatus, BroadcastStatus
    from hamafza.broadcast.tests.factories import BroadcastFactory
    from hamafza.directory.models import Organization
    from hamafza.events.models import EventKind
    from hamafza.events.tests.factories import event_make
    from hamafza.fieldops.models import CampStatus
    from hamafza.fieldops.tests.factories import CampaignFactory, CampFactory, DistributionFactory
    from hamafza.followups.models import FollowUpStatus
    from hamafza.followups.tests.factories import FollowUpFactory

    zone = datetime.timezone(datetime.timedelta(hours=3, minutes=30))
    day = starts_on + datetime.timedelta(days=10)
    at = datetime.datetime.combine(day, datetime.time(20, 0), tzinfo=zone)
    made: dict[str, list] = {"organizations": [], "broadcasts": [], "events": []}
    for copy in range(copies):
        suffix = f" {copy + 1}" if copies > 1 else ""
        organization = OrganizationFactory(
            name=GUIDE_ORGANIZATION + suffix,
            names={"en": f"Hey'at of the Lovers of Lady Zahra{suffix}"},
        )
        Organization.objects.filter(pk=organization.pk).update(created_at=at)
        made["organizations"].append(organization)
        broadcast = BroadcastFactory(
            title=GUIDE_BROADCAST + suffix,
            titles={"en": f"Kumayl prayer{suffix}"},
            status=BroadcastStatus.ARCHIVED,
            scheduled_start=at,
            started_at=at,
            ended_at=at + datetime.timedelta(hours=2),
            viewers_total=1500,
        )
        ArchiveItem.objects.create(
            broadcast=broadcast,
            status=ArchiveStatus.READY,
            duration_seconds=7200,
            plays=300 + copy,
        )
        made["broadcasts"].append(broadcast)
        conference = event_make(
            name=GUIDE_CONFERENCE + suffix,
            names={"en": f"Periodic conference of shrine public relations{suffix}"},
            kind=EventKind.CONFERENCE,
            starts_at=at - datetime.timedelta(hours=10),
            ends_at=at - datetime.timedelta(hours=4),
        )
        made["events"].append(conference)
        source_type = ContentType.objects.get_for_model(conference)
        for number, status in enumerate(
            (
                FollowUpStatus.DONE,
                FollowUpStatus.IN_PROGRESS,
                FollowUpStatus.OPEN,
                FollowUpStatus.OPEN,
            ),
            start=1,
        ):
            FollowUpFactory(
                source_type=source_type,
                source_id=conference.pk,
                number=number,
                status=status,
                due_on=day + datetime.timedelta(days=30),
                closed_on=day + datetime.timedelta(days=5)
                if status == FollowUpStatus.DONE
                else None,
            )
        AgreementFactory(
            signed_on=day, effective_on=day, expires_on=day + datetime.timedelta(days=1000)
        )
        renewed = AgreementFactory(
            signed_on=day - datetime.timedelta(days=1200),
            effective_on=day - datetime.timedelta(days=1200),
            expires_on=day,
            state=AgreementState.RENEWED,
        )
        successor = AgreementFactory(
            signed_on=day,
            effective_on=day,
            expires_on=day + datetime.timedelta(days=1095),
            replaces=renewed,
        )
        AgreementTransition.objects.create(
            agreement=renewed,
            from_state=AgreementState.ACTIVE,
            to_state=AgreementState.RENEWED,
            successor=successor,
            at=at,
        )
        AgreementFactory(
            signed_on=day - datetime.timedelta(days=700),
            effective_on=day - datetime.timedelta(days=700),
            expires_on=day + datetime.timedelta(days=20),
        )
        CampFactory(
            status=CampStatus.APPROVED,
            starts_on=day,
            ends_on=day + datetime.timedelta(days=6),
            volunteers=12,
            beneficiaries=200,
        )
        campaign = CampaignFactory(
            name=GUIDE_CAMPAIGN + suffix,
            names={"en": f"Spring faithful manoeuvre{suffix}"},
            starts_on=day,
        )
        DistributionFactory(campaign=campaign, distributed_on=day, quantity=500, households=450)
    return made
