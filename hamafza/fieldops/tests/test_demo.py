"""The field operations demo built from reports 002 and 003: its figures hold together, every
point lies in its country, the demo logins can do their work, and loading it twice adds nothing.

The demo is loaded once for the module (inside a transaction rolled back at the end), after the
directory's demo it builds on; each test reads it.
"""

import datetime
import importlib.util
import time
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from hamafza.core.boundaries import point_in_country
from hamafza.core.calendars import gregorian_to_solar
from hamafza.core.models import City, Country
from hamafza.core.permissions import SYSTEM
from hamafza.core.search import search_filter
from hamafza.directory import demo as directory_demo
from hamafza.directory import services as directory_services
from hamafza.directory.models import (
    ActivityField,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationRelation,
    RelationKind,
)
from hamafza.fieldops import demo, services
from hamafza.fieldops.models import (
    CAMP_MAX_DAYS,
    ROUTE_POLES,
    ActivityStatus,
    BorderCrossing,
    Camp,
    Campaign,
    CampService,
    CampStatus,
    Distribution,
    GroupActivity,
    PointStatus,
    Route,
    ServicePoint,
    ServicePointKind,
    VolunteerGroup,
)
from hamafza.fieldops.policies import camp_policy, service_point_policy

SPONSOR_EN = "Basij Sazandegi of Qom Province"
HQ_EN = "Arbaeen HQ of Basij Sazandegi of Qom"
KADHIMIYA_EN = "Holy Shrine of Kadhimiya"
SIX_PROVINCES = {"IR-16", "IR-05", "IR-08", "IR-15", "IR-02", "IR-25"}
FIRST_DAY_1401, LAST_DAY_1401 = datetime.date(2022, 6, 22), datetime.date(2022, 9, 22)
# Two of the groups the events demo registers in the directory when it loads first.
EVENTS_GROUPS = {
    "گروه جهادی پردیسان": "Pardisan volunteer group",
    "قرارگاه جهادی سلفچگان": "Salafchegan volunteer headquarters",
}


def _reference_data_ensure() -> None:
    from hamafza.core.calendars import hijri_month_starts_seed
    from hamafza.core.models import HijriMonthStart
    from hamafza.core.places import places_load, places_loaded
    from hamafza.directory.reference import activity_fields_load

    if not places_loaded():
        places_load()
    if not ActivityField.objects.exists():
        activity_fields_load()
    if not HijriMonthStart.objects.exists():
        hijri_month_starts_seed()


def _events_groups_register() -> None:
    """What the events demo does before this one in ``demo_load``: it registers a few of the
    volunteer groups in the directory, without a registration here."""
    iran = Country.objects.get(code="IR")
    qom = City.objects.get(country=iran, name="Qom")
    fields = ActivityField.objects.filter(code__in=["construction", "cultural"])
    for name, english in EVENTS_GROUPS.items():
        directory_services.organization_create(
            actor=SYSTEM,
            fields=fields,
            kind=OrganizationKind.VOLUNTEER_GROUP,
            name=name,
            names={"fa": name, "en": english},
            country=iran,
            province=qom.province,
            city=qom,
            latitude=qom.latitude,
            longitude=qom.longitude,
        )


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The directory's demo, then this one; rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        _reference_data_ensure()
        directory_demo.load()
        _events_groups_register()
        started = time.perf_counter()
        logins = demo.load()
        seconds = time.perf_counter() - started
        yield SimpleNamespace(
            logins=logins,
            seconds=seconds,
            today=timezone.localdate(),
            sponsor=Organization.objects.get(names__en=SPONSOR_EN),
            hq=Organization.objects.get(names__en=HQ_EN),
            kadhimiya=Organization.objects.get(names__en=KADHIMIYA_EN),
        )
        transaction.set_rollback(True)


@pytest.fixture
def data(loaded, db):
    return loaded


COUNTED = [
    Organization,
    Organization.history.model,
    OrganizationRelation,
    Membership,
    get_user_model(),
    VolunteerGroup,
    GroupActivity,
    Camp,
    CampService,
    Campaign,
    Distribution,
    ServicePoint,
    ServicePoint.languages.through,
]


def test_it_is_found_by_demo_load_after_the_directory():
    # given the command that loads every app's ``demo`` module in app order
    names = [config.name for config in apps.get_app_configs()]
    # then this module is found, after the directory and the events (whose groups it registers)
    assert importlib.util.find_spec("hamafza.fieldops.demo") is not None
    assert names.index("hamafza.directory") < names.index("hamafza.fieldops")
    assert names.index("hamafza.events") < names.index("hamafza.fieldops")
    assert not hasattr(demo, "generate")


def test_the_plan_is_the_same_every_time():
    # when the set is drawn twice for the same day
    today = timezone.localdate()
    first, second = demo.groups_plan(today), demo.groups_plan(today)
    # then it is the same group for group, with 780 distinct names and registration numbers
    assert [(g.registration_number, g.fa, g.fields, g.activity) for g in first] == [
        (g.registration_number, g.fa, g.fields, g.activity) for g in second
    ]
    assert len({g.fa for g in first}) == len({g.registration_number for g in first}) == 780
    assert [(c.group, c.starts_on, c.place) for c in demo.camps_plan(first, today)] == [
        (c.group, c.starts_on, c.place) for c in demo.camps_plan(second, today)
    ]


def test_it_loads_in_a_few_seconds(data):
    print(f"the demo loaded in {data.seconds:.1f} s")
    assert data.seconds < 30


def test_the_sponsor_and_the_bodies_that_support_it(data):
    # Basij Sazandegi of Qom, with its center for volunteer movements under it
    assert data.sponsor.kind == OrganizationKind.GOVERNMENT
    assert data.sponsor.province.code == "IR-25"
    # supported by the seminary, the Executive HQ of Imam's Order and the IRGC (report 002)
    supporters = set(
        OrganizationRelation.objects.filter(
            target=data.sponsor, kind=RelationKind.SUPPORTS
        ).values_list("source__names__en", flat=True)
    )
    assert {
        "Seminaries of Iran (Hawza Ilmiyya)",
        "Execution of Imam Khomeini's Order",
        "Islamic Revolution Guard Corps, Qom Province",
    } <= supporters
    # its Arbaeen HQ is a body under it
    assert data.hq.parent_id == data.sponsor.pk


def test_780_groups_of_which_about_400_are_active_all_year(data):
    # given the groups Basij Sazandegi of Qom sponsors
    groups = VolunteerGroup.objects.filter(sponsor=data.sponsor)
    # then 780 are registered, with distinct registration numbers
    assert groups.count() == 780
    statuses = dict(groups.values_list("activity_status").annotate(n=Count("pk")).order_by())
    # about 400 active all year, about 150 seasonal (summer only), the rest dormant
    assert 380 <= statuses[ActivityStatus.ACTIVE] <= 420
    assert 130 <= statuses[ActivityStatus.SEASONAL] <= 170
    assert statuses[ActivityStatus.DORMANT] == 780 - (
        statuses[ActivityStatus.ACTIVE] + statuses[ActivityStatus.SEASONAL]
    )
    # and the statuses are derived from the logged activity: recomputing changes nothing
    assert services.groups_activity_refresh(today=data.today) == 0
    for group in groups.filter(activity_status=ActivityStatus.ACTIVE)[:20]:
        assert group.active_quarters >= 3
    # a seasonal group worked only in summer (Tir–Shahrivar) during the last year
    since = data.today - datetime.timedelta(days=359)
    seasonal_days = GroupActivity.objects.filter(
        group__in=groups.filter(activity_status=ActivityStatus.SEASONAL), on__gte=since
    ).values_list("on", flat=True)
    assert seasonal_days and {gregorian_to_solar(day)[1] for day in seasonal_days} <= {4, 5, 6}
    # a dormant group logged nothing in the last year
    dormant = groups.filter(activity_status=ActivityStatus.DORMANT)
    assert not GroupActivity.objects.filter(group__in=dormant, on__gte=since).exists()


def test_the_groups_are_directory_organizations_in_qom_in_the_reports_fields(data):
    groups = VolunteerGroup.objects.filter(sponsor=data.sponsor)
    organizations = Organization.objects.filter(volunteer_group__in=groups)
    # every group is a directory organization of kind "volunteer group" in Qom province
    assert organizations.count() == 780
    assert set(organizations.values_list("kind", flat=True)) == {OrganizationKind.VOLUNTEER_GROUP}
    assert set(organizations.values_list("province__code", flat=True)) == {"IR-25"}
    assert not organizations.filter(latitude__isnull=True).exists()
    # in the report's fields, among others of the directory
    fields = dict(
        organizations.values_list("fields__code").annotate(n=Count("pk", distinct=True)).order_by()
    )
    for code in ("construction", "cultural", "medical", "scientific-educational", "agricultural"):
        assert fields.get(code, 0) >= 30, code
    assert None not in fields
    # written in bulk, with what the services write: search keys (found by search) and history
    assert not organizations.filter(search_key="").exists()
    found = search_filter(Organization.objects.all(), "گروه جهادی شهید چمران")
    assert found.filter(volunteer_group__sponsor=data.sponsor).exists()
    assert Organization.history.filter(id__in=organizations.values("pk")).count() >= 770
    # names follow the usual patterns, in Persian with an English translation
    names = list(organizations.values_list("name", "names"))
    assert all(name.startswith(("گروه جهادی", "قرارگاه جهادی", "کانون جهادی")) for name, _ in names)
    assert all(translations.get("en") for _name, translations in names)
    # the events demo's groups, already in the directory, are registered, not duplicated
    for name in EVENTS_GROUPS:
        assert Organization.objects.filter(name=name).count() == 1
        assert groups.filter(organization__name=name).exists()


def test_about_100_camps_in_summer_1401_in_the_six_provinces(data):
    camps = Camp.objects.filter(group__sponsor=data.sponsor)
    summer = camps.filter(starts_on__gte=FIRST_DAY_1401, ends_on__lte=LAST_DAY_1401)
    # about 100 groups in camps in summer 1401, each once, all approved by the sponsor
    assert 90 <= summer.count() <= 110
    assert summer.values("group").distinct().count() == summer.count()
    assert set(summer.values_list("status", flat=True)) == {CampStatus.APPROVED}
    # in exactly the six provinces of the report (every camp of the demo)
    assert set(summer.values_list("province__code", flat=True)) == SIX_PROVINCES
    assert set(camps.values_list("province__code", flat=True)) == SIX_PROVINCES
    for camp in camps.select_related("province__country", "group__organization"):
        # one-day camps in Qom's neighbourhoods, 7–14 days in villages
        if camp.days == 1:
            assert camp.neighbourhood and camp.city.name == "Qom" and not camp.village
        else:
            assert 7 <= camp.days <= CAMP_MAX_DAYS and camp.village and not camp.neighbourhood
        # a point inside Iran, volunteers, beneficiaries, a report in Persian
        assert point_in_country("IR", camp.latitude, camp.longitude)
        assert camp.volunteers > 0 and camp.beneficiaries > 0
        assert camp.group.organization.name in camp.report
        assert camp.group.registered_on < camp.starts_on
    assert summer.filter(neighbourhood__gt="").count() >= 30
    # with the services each delivered, in quantities
    assert not summer.filter(services__isnull=True).exists()
    units = set(CampService.objects.filter(camp__in=summer).values_list("unit", flat=True))
    assert {"visits", "m2", "hours"} <= units


def test_the_last_summers_camps_some_awaiting_the_sponsors_approval(data):
    camps = Camp.objects.filter(group__sponsor=data.sponsor, starts_on__gt=LAST_DAY_1401)
    # camps of groups active all year, most approved, a few (the latest) awaiting approval
    assert camps.count() >= 15
    assert set(camps.values_list("group__activity_status", flat=True)) == {ActivityStatus.ACTIVE}
    awaiting = camps.filter(status=CampStatus.SUBMITTED)
    assert 1 <= awaiting.count() <= 6
    assert camps.filter(status=CampStatus.APPROVED).count() > awaiting.count()
    assert all(camp.ends_on < data.today for camp in camps)
    assert all(gregorian_to_solar(camp.starts_on)[1] in (4, 5, 6) for camp in camps)


def test_the_faithful_manoeuvre_distributes_exactly_17000_packages(data):
    campaign = Campaign.objects.get(organizer=data.sponsor, names__en__startswith="Faithful")
    distributions = Distribution.objects.filter(campaign=campaign)
    # the packages of all its deliveries add up to exactly 17,000, to as many households
    totals = distributions.aggregate(packages=Sum("quantity"), households=Sum("households"))
    assert totals == {"packages": 17_000, "households": 17_000}
    # each delivery: one group, one place in Qom (a village or the city's outskirts), one day
    # of the Decade of Velayat 1401 (19–27 Tir)
    assert distributions.count() >= 100
    assert distributions.values("group").distinct().count() >= 40
    for distribution in distributions.select_related("province", "city"):
        assert distribution.province.code == "IR-25"
        assert distribution.place
        assert campaign.starts_on <= distribution.distributed_on <= campaign.ends_on
        assert point_in_country("IR", distribution.latitude, distribution.longitude)
    assert distributions.filter(city__isnull=True).exists()  # villages
    assert distributions.filter(city__name="Qom").exists()  # the city's outskirts
    assert gregorian_to_solar(campaign.starts_on) == (1401, 4, 19)
    assert gregorian_to_solar(campaign.ends_on) == (1401, 4, 27)


def test_the_arbaeen_hqs_four_points_two_at_mehran_two_on_the_walk(data):
    points = ServicePoint.objects.filter(operator=data.hq).select_related("country", "province")
    assert points.count() == 4
    # two at the Mehran border, on the Iranian side (Ilam province)
    mehran = [p for p in points if p.border_crossing == BorderCrossing.MEHRAN]
    assert len(mehran) == 2
    for point in mehran:
        assert point.country.code == "IR" and point.province.code == "IR-16"
        assert point.pole is None and not point.route
    # two on the Najaf–Karbala walk, by their pole numbers, in Iraq
    walk = [p for p in points if p.route == Route.NAJAF_KARBALA]
    assert len(walk) == 2
    for point in walk:
        assert point.country.code == "IQ" and 1 <= point.pole <= ROUTE_POLES
        assert str(point.pole) in point.names["en"]
    # open for the coming Arbaeen, with services and languages
    for point in points:
        assert point.opens_on <= point.closes_on and point.closes_on >= data.today
        assert point.services and point.languages.filter(code="fa").exists()


def test_mawkibs_and_other_points_spread_along_the_walk(data):
    route = ServicePoint.objects.filter(route=Route.NAJAF_KARBALA)
    mawkibs = route.filter(kind=ServicePointKind.MAWKIB)
    # 150–300 mawkibs, by pole number, from many hey'ats and tribes of Iraq and Iran
    assert 150 <= mawkibs.count() <= 300
    assert not route.filter(pole__isnull=True).exists()
    assert mawkibs.values("operator").distinct().count() >= 80
    assert set(mawkibs.values_list("operator__country__code", flat=True)) == {"IQ", "IR"}
    poles = sorted(mawkibs.values_list("pole", flat=True))
    assert poles[0] < 150 and poles[-1] > 1300
    assert mawkibs.filter(pole__gte=1000).count() > mawkibs.filter(pole__lt=300).count()
    # medical posts, water stations and information points too
    kinds = dict(route.values_list("kind").annotate(n=Count("pk")).order_by())
    for kind in (ServicePointKind.MEDICAL, ServicePointKind.WATER, ServicePointKind.INFORMATION):
        assert kinds.get(kind, 0) >= 10, kind
    # varied services, some full or closed, languages of pilgrims from many countries
    offered = {
        service for services_ in mawkibs.values_list("services", flat=True) for service in services_
    }
    assert {"food", "water", "tea", "sleep", "foot_care", "charging"} <= offered
    statuses = set(route.values_list("status", flat=True))
    assert statuses == {PointStatus.OPEN, PointStatus.FULL, PointStatus.CLOSED}
    assert route.filter(status=PointStatus.OPEN).count() > route.count() * 0.7
    spoken = set(route.values_list("languages__code", flat=True))
    assert {"fa", "ar", "ur", "en", "tr", "az"} <= spoken


def test_the_kadhimiya_shrines_services_to_the_pilgrim(data):
    points = ServicePoint.objects.filter(operator=data.kadhimiya)
    # food, drink, places of rest and other services (report 003), around the shrine in Baghdad
    kinds = set(points.values_list("kind", flat=True))
    assert {ServicePointKind.FOOD, ServicePointKind.WATER, ServicePointKind.REST} <= kinds
    assert len(kinds) >= 4
    for point in points.select_related("country", "province"):
        assert point.country.code == "IQ" and point.province.code == "IQ-BG"
        assert abs(float(point.latitude) - 33.38) < 0.01
        assert abs(float(point.longitude) - 44.338) < 0.01
        # all year round, named in Arabic with Persian and English
        assert point.opens_on is None and point.closes_on is None
        assert point.names["fa"] and point.names["en"]


def test_every_point_lies_inside_its_country(data):
    points = ServicePoint.objects.select_related("country")
    assert points.count() >= 250
    for point in points:
        assert point_in_country(point.country.code, point.latitude, point.longitude), point.name


def test_the_demo_logins_approve_a_camp_and_update_a_points_status(data):
    User = get_user_model()
    usernames = [username for username, _password, _description in data.logins]
    assert usernames == ["sazandegi", "mawkib"]
    sazandegi, mawkib = User.objects.get(username="sazandegi"), User.objects.get(username="mawkib")
    assert sazandegi.check_password(directory_demo.DEMO_PASSWORD)
    # the sponsor's editor approves a camp awaiting approval
    camp = Camp.objects.filter(group__sponsor=data.sponsor, status=CampStatus.SUBMITTED).first()
    assert camp_policy.allows(sazandegi, "decide", camp)
    decided = services.camp_decide(actor=sazandegi, camp=camp, approve=True)
    assert decided.status == CampStatus.APPROVED and decided.decided_by == sazandegi
    # and sets the status of the HQ's points; the mawkib's editor, only its own hey'at's
    hq_point = ServicePoint.objects.filter(operator=data.hq).first()
    assert service_point_policy.allows(sazandegi, "status", hq_point)
    services.service_point_status_set(actor=sazandegi, point=hq_point, status=PointStatus.FULL)
    assert ServicePoint.objects.get(pk=hq_point.pk).status_changed_by == sazandegi
    own = ServicePoint.objects.filter(operator__memberships__person__user=mawkib)
    assert own.exists()
    assert all(service_point_policy.allows(mawkib, "status", point) for point in own)
    assert not service_point_policy.allows(mawkib, "status", hq_point)
    # the directory's "editor" of the Kadhimiya shrine keeps the shrine's points
    editor = User.objects.get(username="editor")
    for point in ServicePoint.objects.filter(operator=data.kadhimiya):
        assert service_point_policy.allows(editor, "status", point)


def test_loading_again_adds_nothing(data):
    # given the demo loaded once, and the directory's part of demo_load run again (it updates
    # its own organizations, each update a history row of its own)
    directory_demo.load()
    before = {model.__name__: model.objects.count() for model in COUNTED}
    statuses = list(VolunteerGroup.objects.values_list("pk", "activity_status").order_by("pk"))
    # when this part runs again
    demo.load()
    # then nothing is duplicated and nothing changes
    assert {model.__name__: model.objects.count() for model in COUNTED} == before
    assert list(VolunteerGroup.objects.values_list("pk", "activity_status").order_by("pk")) == (
        statuses
    )
