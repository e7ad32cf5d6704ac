"""Factories for field operations. Rows are written directly (no activity is logged and no
place is checked); tests of the rules call the services.

Places are real: camps and distributions in Qom, route points on the
Najaf–Karbala walk in Iraq (their point is their pole's), border points at
Mehran in Iran.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from hamafza.core.models import Country, Language, Province
from hamafza.directory.models import ActivityField, OrganizationKind
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.fieldops.models import (
    ActivitySource,
    BorderCrossing,
    Camp,
    Campaign,
    CampService,
    Distribution,
    GroupActivity,
    PackageKind,
    PointStatus,
    Route,
    ServicePoint,
    ServicePointKind,
    ServiceUnit,
    VolunteerGroup,
)
from hamafza.fieldops.routes import pole_point

# Qom, by the shrine of Lady Masoumeh.
QOM = (34.6416, 50.8746)
# Mehran, the border town in Ilam province.
MEHRAN = (33.1222, 46.1646)
# Najaf and Karbala, by the shrines.
NAJAF = (31.9960, 44.3150)
KARBALA = (32.6120, 44.0340)


def round_coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def province(code: str) -> Province:
    return Province.objects.get(code=code)


def field(code: str) -> ActivityField:
    return ActivityField.objects.get(code=code)


class SponsorFactory(OrganizationFactory):
    """A sponsoring body, e.g. the province's centre for volunteer movements."""

    kind = OrganizationKind.COMMITTEE
    name = factory.Sequence(lambda n: f"قرارگاه جهادی آزمایشی {n}")
    names = factory.LazyAttribute(
        lambda o: {"fa": o.name, "en": f"Test volunteer HQ {o.name.split()[-1]}"}
    )


class GroupOrganizationFactory(OrganizationFactory):
    """The directory organization of a volunteer group."""

    kind = OrganizationKind.VOLUNTEER_GROUP
    name = factory.Sequence(lambda n: f"گروه جهادی آزمایشی {n}")
    names = factory.LazyAttribute(
        lambda o: {"fa": o.name, "en": f"Test volunteer group {o.name.split()[-1]}"}
    )
    province = factory.LazyFunction(lambda: province("IR-25"))


class VolunteerGroupFactory(factory.django.DjangoModelFactory):
    """A registered group: its directory organization (kind volunteer group) and its sponsor.

    ``fields=["construction", "medical"]`` sets the organization's fields by code.
    """

    class Meta:
        model = VolunteerGroup
        skip_postgeneration_save = True

    organization = factory.SubFactory(GroupOrganizationFactory)
    sponsor = factory.SubFactory(SponsorFactory)
    registration_number = factory.Sequence(lambda n: f"QOM-{n:05d}")
    registered_on = factory.LazyFunction(lambda: days_ago(400))
    size = 25

    @factory.post_generation
    def fields(self, create, extracted, **kwargs):
        if create and extracted:
            self.organization.fields.set(ActivityField.objects.filter(code__in=extracted))


class GroupActivityFactory(factory.django.DjangoModelFactory):
    """A day of "other" activity (call ``groups_activity_refresh`` to derive the status)."""

    class Meta:
        model = GroupActivity

    group = factory.SubFactory(VolunteerGroupFactory)
    source = ActivitySource.OTHER
    on = factory.LazyFunction(lambda: days_ago(10))
    description = "کار جهادی"


class CampFactory(factory.django.DjangoModelFactory):
    """A week's camp in Qom, awaiting approval."""

    class Meta:
        model = Camp

    group = factory.SubFactory(VolunteerGroupFactory)
    field = factory.LazyFunction(lambda: field("construction"))
    starts_on = factory.LazyFunction(lambda: days_ago(30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=6))
    province = factory.LazyFunction(lambda: province("IR-25"))
    village = factory.Sequence(lambda n: f"روستای آزمایشی {n}")
    latitude = factory.LazyFunction(lambda: round_coordinate(QOM[0]))
    longitude = factory.LazyFunction(lambda: round_coordinate(QOM[1]))
    volunteers = 12
    beneficiaries = 200
    report = "ساخت حمام و سرویس بهداشتی"


class CampServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampService

    camp = factory.SubFactory(CampFactory)
    name = "ویزیت پزشکی"
    quantity = 120
    unit = ServiceUnit.VISITS


class CampaignFactory(factory.django.DjangoModelFactory):
    """A distribution campaign like the "faithful manoeuvre", begun two months ago."""

    class Meta:
        model = Campaign

    organizer = factory.SubFactory(SponsorFactory)
    name = factory.Sequence(lambda n: f"رزمایش کمک مؤمنانه {n}")
    names = factory.LazyAttribute(
        lambda o: {"fa": o.name, "en": f"Faithful manoeuvre {o.name.split()[-1]}"}
    )
    starts_on = factory.LazyFunction(lambda: days_ago(60))


class DistributionFactory(factory.django.DjangoModelFactory):
    """One delivery of livelihood packages in a Qom neighbourhood."""

    class Meta:
        model = Distribution

    campaign = factory.SubFactory(CampaignFactory)
    group = factory.SubFactory(VolunteerGroupFactory)
    package_kind = PackageKind.LIVELIHOOD
    quantity = 100
    households = 100
    distributed_on = factory.LazyAttribute(lambda o: o.campaign.starts_on)
    province = factory.LazyFunction(lambda: province("IR-25"))
    place = factory.Sequence(lambda n: f"محلهٔ آزمایشی {n}")


class ServicePointFactory(factory.django.DjangoModelFactory):
    """An open mawkib on the Najaf–Karbala walk at pole ``pole`` (its point is the pole's).

    ``ServicePointFactory(mehran=True)`` is a border post at Mehran, in Iran;
    ``languages=["fa", "ar"]`` sets the languages spoken by code.
    """

    class Meta:
        model = ServicePoint
        skip_postgeneration_save = True

    class Params:
        mehran = factory.Trait(
            kind=ServicePointKind.BORDER,
            country=factory.LazyFunction(lambda: Country.objects.get(code="IR")),
            province=factory.LazyFunction(lambda: province("IR-16")),
            route="",
            pole=None,
            border_crossing=BorderCrossing.MEHRAN,
            latitude=round_coordinate(MEHRAN[0]),
            longitude=round_coordinate(MEHRAN[1]),
            services=["water", "medical", "information"],
        )

    name = factory.Sequence(lambda n: f"موکب آزمایشی {n}")
    names = factory.LazyAttribute(
        lambda o: {"fa": o.name, "en": f"Test mawkib {o.name.split()[-1]}"}
    )
    kind = ServicePointKind.MAWKIB
    operator = factory.SubFactory(OrganizationFactory)
    country = factory.LazyFunction(lambda: Country.objects.get(code="IQ"))
    province = None
    route = Route.NAJAF_KARBALA
    pole = factory.Sequence(lambda n: (n * 37) % 1452 + 1)
    latitude = factory.LazyAttribute(
        lambda o: round_coordinate(pole_point(o.route, o.pole)[0]) if o.pole else None
    )
    longitude = factory.LazyAttribute(
        lambda o: round_coordinate(pole_point(o.route, o.pole)[1]) if o.pole else None
    )
    services = factory.LazyFunction(lambda: ["food", "water", "tea", "rest"])
    hours = "24"
    status = PointStatus.OPEN

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create and extracted:
            self.languages.set(Language.objects.filter(code__in=extracted))
