"""A small network with a bit of everything the dashboard counts, made with the apps' factories."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from hamafza.agreements.models import AgreementState
from hamafza.agreements.tests.factories import AgreementFactory, kind
from hamafza.broadcast.models import ArchiveItem, ArchiveStatus, BroadcastStatus, Visibility
from hamafza.broadcast.tests.factories import BroadcastFactory, ChannelFactory
from hamafza.core.models import Country, Province
from hamafza.directory.models import OrganizationKind
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.events.models import EventKind
from hamafza.events.tests.factories import event_make
from hamafza.fieldops.models import CampStatus
from hamafza.fieldops.tests.factories import CampFactory, DistributionFactory, VolunteerGroupFactory
from hamafza.followups.models import FollowUpStatus
from hamafza.followups.tests.factories import FollowUpFactory


@dataclass
class Network:
    """What was made, and the figures the dashboard must show for it."""

    organizations: list = field(default_factory=list)
    expected: dict = field(default_factory=dict)


def network_make(size: int = 1, *, today: datetime.date | None = None) -> Network:
    """``size`` of each thing, in Iran and Iraq, this year and last; some private, some not.

    Per unit of size: three hey'ats (two in Qom, one in a governorate of Iraq) and a shrine;
    a public channel with two broadcasts on air (viewers 100 and 50, peaks 30
    and 20; the first archived with 7 plays) and one scheduled; a members-only
    channel with one broadcast (999 viewers, never counted in public); two
    signed MoUs and a draft; a conference with two recommendations (one done)
    and a gathering; a volunteer group (registered) with an approved camp
    (12 volunteers) and a rejected one, and a distribution of 100 packages.
    """
    now = timezone.now()
    iran = Country.objects.get(code="IR")
    iraq = Country.objects.get(code="IQ")
    qom = Province.objects.get(code="IR-25")
    iraq_province = Province.objects.filter(country=iraq).order_by("code").first()
    made = Network()
    for _unit in range(size):
        heyat = OrganizationFactory(kind=OrganizationKind.HEYAT, country=iran, province=qom)
        OrganizationFactory(kind=OrganizationKind.HEYAT, country=iran, province=qom)
        OrganizationFactory(kind=OrganizationKind.HEYAT, country=iraq, province=iraq_province)
        shrine = OrganizationFactory(
            kind=OrganizationKind.SHRINE, country=iraq, province=iraq_province, is_active=False
        )
        made.organizations.append(heyat)

        public = ChannelFactory(organization=heyat)
        for viewers, peak, plays in ((100, 30, 7), (50, 20, None)):
            broadcast = BroadcastFactory(
                channel=public,
                status=BroadcastStatus.ARCHIVED if plays else BroadcastStatus.ENDED,
                started_at=now - datetime.timedelta(days=2),
                ended_at=now - datetime.timedelta(days=2, hours=-1),
                viewers_total=viewers,
                viewers_peak=peak,
            )
            if plays:
                ArchiveItem.objects.create(
                    broadcast=broadcast, status=ArchiveStatus.READY, plays=plays
                )
        BroadcastFactory(channel=public)
        private = ChannelFactory(organization=shrine, visibility=Visibility.MEMBERS)
        BroadcastFactory(
            channel=private,
            status=BroadcastStatus.ENDED,
            started_at=now - datetime.timedelta(days=3),
            viewers_total=999,
            viewers_peak=999,
        )

        AgreementFactory(owner=heyat)
        AgreementFactory(owner=shrine, state=AgreementState.EXPIRED)
        AgreementFactory(
            owner=heyat, kind=kind("protocol"), state=AgreementState.DRAFT, signed_on=None
        )

        conference = event_make(
            organizer=heyat,
            kind=EventKind.CONFERENCE,
            starts_at=now.replace(microsecond=0) - datetime.timedelta(days=5),
            country=iran,
        )
        event_make(organizer=heyat, country=iraq)
        FollowUpFactory(source=conference, owner_organization=heyat, status=FollowUpStatus.DONE)
        FollowUpFactory(source=conference, owner_organization=heyat)

        group = VolunteerGroupFactory()
        CampFactory(group=group, status=CampStatus.APPROVED)
        CampFactory(group=group, status=CampStatus.REJECTED)
        DistributionFactory(group=group, quantity=100, households=40)
    made.expected = {
        # the group, its sponsor and the campaign's organizer are organizations too
        "organizations": 7 * size,
        "heyats": 3 * size,
        "broadcasts": 2 * size,
        "viewers": 150 * size,
        "archive_items": size,
        "archive_plays": 7 * size,
        "channels": size,
        "agreements_signed": 2 * size,
        "mous": 2 * size,
        "agreements_in_force": size,
        "recommendations": 2 * size,
        "recommendations_done": size,
        "groups": size,
        "camps": size,
        "volunteers": 12 * size,
        "packages": 100 * size,
        "households": 40 * size,
    }
    return made


@pytest.fixture
def network(db):
    return network_make(1)


def organization_activity_add(organization, count: int) -> None:
    """``count`` more broadcasts on air (each archived), events and follow-ups for one
    organization: what its statistics page reads grows, nothing else does."""
    now = timezone.now()
    channel = ChannelFactory(organization=organization)
    for number in range(count):
        broadcast = BroadcastFactory(
            channel=channel,
            status=BroadcastStatus.ARCHIVED,
            started_at=now - datetime.timedelta(days=number + 1),
            viewers_total=10,
            viewers_peak=5,
        )
        ArchiveItem.objects.create(broadcast=broadcast, status=ArchiveStatus.READY, plays=1)
        event = event_make(organizer=organization, kind=EventKind.CONFERENCE)
        FollowUpFactory(source=event, owner_organization=organization)
