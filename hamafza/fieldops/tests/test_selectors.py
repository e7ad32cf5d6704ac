"""Field operations' reads: dashboard figures that never double count, the nearest service
point (from a position or a pole), the map's GeoJSON and the lists, in constant queries."""

import datetime
import math
import random
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import translation

from hamafza.core.models import Country, Language, Province
from hamafza.directory.models import Role
from hamafza.directory.tests.factories import OrganizationFactory, user_with_role
from hamafza.fieldops import selectors
from hamafza.fieldops.models import ActivityStatus, CampStatus, PointStatus, ServicePoint
from hamafza.fieldops.routes import distance_metres, pole_point
from hamafza.fieldops.selectors import (
    CampFilters,
    GroupFilters,
    ServicePointFilters,
    nearest_from_pole,
    nearest_service_points,
)
from hamafza.fieldops.tests.factories import (
    KARBALA,
    MEHRAN,
    NAJAF,
    CampaignFactory,
    CampFactory,
    DistributionFactory,
    ServicePointFactory,
    VolunteerGroupFactory,
    round_coordinate,
)

pytestmark = pytest.mark.django_db

ROUTE = "najaf_karbala"


def near_poles(found) -> list[int | None]:
    return [near.point.pole for near in found]


def points_at(poles, **values) -> dict[int, ServicePoint]:
    return {pole: ServicePointFactory(pole=pole, **values) for pole in poles}


# --- dashboard: totals without double counting -----------------------------------------------


@pytest.fixture
def distributions(db):
    """Two campaigns: the first delivered in two places (100 + 50 packages), the second in one
    of the same places (30), by two groups."""
    first, second = (
        CampaignFactory(name="رزمایش کمک مؤمنانه ۱"),
        CampaignFactory(name="رزمایش کمک مؤمنانه ۲"),
    )
    group_a, group_b = VolunteerGroupFactory(), VolunteerGroupFactory()
    for campaign, group, place, packages, households in (
        (first, group_a, "شهرک قدس", 100, 90),
        (first, group_b, "پردیسان", 50, 50),
        (second, group_a, "شهرک قدس", 30, 30),
    ):
        DistributionFactory(
            campaign=campaign, group=group, place=place, quantity=packages, households=households
        )
    return first, second


def test_packages_are_summed_once_by_campaign_and_in_total(distributions):
    first, second = distributions
    # When the figures are read
    by_campaign = {
        campaign.pk: (campaign.packages, campaign.households, campaign.distribution_count)
        for campaign in selectors.packages_by_campaign()
    }
    totals = selectors.fieldops_totals()
    # Then each campaign sums its own deliveries, and the total sums each delivery once
    assert by_campaign == {first.pk: (150, 140, 2), second.pk: (30, 30, 1)}
    assert (totals.packages, totals.households, totals.distributions) == (180, 170, 3)
    assert {c.pk: c.group_count for c in selectors.packages_by_campaign()} == {
        first.pk: 2,
        second.pk: 1,
    }


def test_a_group_with_several_fields_counts_once_in_each_and_once_in_total(db):
    # Given three groups: one in three fields, one in two, one in one; two active
    many = VolunteerGroupFactory(fields=["construction", "medical", "cultural"])
    two = VolunteerGroupFactory(fields=["construction", "medical"])
    one = VolunteerGroupFactory(fields=["construction"])
    for group in (many, two):
        group.activity_status = ActivityStatus.ACTIVE
        group.save(update_fields=["activity_status"])
    # When the figures are read in English
    with translation.override("en"):
        figures = selectors.groups_by_field_and_province()
    totals = selectors.fieldops_totals()
    by_field = {row.name: (row.registered, row.active, row.dormant) for row in figures.by_field}
    # Then each field counts its groups once; the rows add up to more than the groups
    assert by_field == {
        "Construction": (3, 2, 1),
        "Medical": (2, 2, 0),
        "Cultural": (1, 1, 0),
    }
    assert sum(row.registered for row in figures.by_field) == 6
    assert (totals.groups, totals.active, totals.seasonal, totals.dormant) == (3, 2, 0, 1)
    # And by province every group is counted once (all three are in Qom)
    assert [(row.name, row.registered, row.active) for row in figures.by_province] == [
        ("Qom", 3, 2)
    ]
    assert one.organization.province.code == "IR-25"


def test_groups_without_a_province_have_their_own_row(db):
    VolunteerGroupFactory(organization__province=None)
    VolunteerGroupFactory()
    figures = selectors.groups_by_field_and_province()
    assert [(row.id is None, row.registered) for row in figures.by_province] == [
        (False, 1),
        (True, 1),
    ]
    assert figures.by_field == []


def test_camp_figures_count_approved_camps_only(db):
    # Given approved camps in Qom (two in July, one in August), in Ilam, and a rejected one
    qom, ilam = Province.objects.get(code="IR-25"), Province.objects.get(code="IR-16")
    for day, province, status in (
        (datetime.date(2024, 7, 3), qom, CampStatus.APPROVED),
        (datetime.date(2024, 7, 20), qom, CampStatus.APPROVED),
        (datetime.date(2024, 8, 1), qom, CampStatus.APPROVED),
        (datetime.date(2024, 7, 5), ilam, CampStatus.APPROVED),
        (datetime.date(2024, 7, 9), qom, CampStatus.REJECTED),
        (datetime.date(2023, 7, 9), qom, CampStatus.APPROVED),
    ):
        CampFactory(starts_on=day, province=province, status=status, latitude=None, longitude=None)
    # When the camps of 2024 are read by province and month
    rows = selectors.camps_by_province_and_month(year=2024)
    totals = selectors.fieldops_totals()
    # Then the rejected camp is not there, and each month of each province is one row
    assert sorted((row.month, row.province, row.camps, row.volunteers) for row in rows) == [
        (datetime.date(2024, 7, 1), "ایلام", 1, 12),
        (datetime.date(2024, 7, 1), "قم", 2, 24),
        (datetime.date(2024, 8, 1), "قم", 1, 12),
    ]
    assert {row.province_id for row in rows} == {qom.pk, ilam.pk}
    assert (totals.camps, totals.volunteers, totals.beneficiaries) == (5, 60, 1000)
    assert len(selectors.camps_by_province_and_month()) == 4


def test_points_are_counted_by_route_segment(db):
    # Given points at poles 1, 100, 101, 1452 (one full, one closed) and one at Mehran
    ServicePointFactory(pole=1)
    ServicePointFactory(pole=100, status=PointStatus.FULL)
    ServicePointFactory(pole=101)
    ServicePointFactory(pole=1452, status=PointStatus.CLOSED)
    ServicePointFactory(mehran=True)
    # When the route is cut into stretches of 100 poles
    segments = selectors.service_points_by_route_segment(route=ROUTE, segment_poles=100)
    # Then there are 15 stretches, the last one short, empty ones included
    assert len(segments) == 15
    assert (segments[0].first_pole, segments[0].last_pole) == (1, 100)
    assert (segments[0].points, segments[0].open, segments[0].full) == (2, 1, 1)
    assert (segments[1].first_pole, segments[1].points) == (101, 1)
    assert (segments[-1].first_pole, segments[-1].last_pole, segments[-1].closed) == (1401, 1452, 1)
    assert sum(segment.points for segment in segments) == 4
    assert selectors.service_points_by_route_segment(route="nowhere") == []


@pytest.mark.parametrize("count", [2, 20])
def test_dashboard_figures_take_constant_queries(count, django_assert_num_queries):
    # Given some groups in several fields, approved camps, deliveries and points
    for number in range(count):
        group = VolunteerGroupFactory(fields=["construction", "medical"])
        CampFactory(group=group, status=CampStatus.APPROVED)
        DistributionFactory(group=group)
        ServicePointFactory(pole=number + 1)
    # When every figure of the dashboard is read, the same number of queries whatever the count
    with django_assert_num_queries(4):
        selectors.groups_by_field_and_province()
    with django_assert_num_queries(2):
        selectors.camps_by_province_and_month()
    with django_assert_num_queries(1):
        rows = list(selectors.packages_by_campaign())
        [str(row.organizer) for row in rows]
    with django_assert_num_queries(1):
        selectors.service_points_by_route_segment(route=ROUTE)
    with django_assert_num_queries(4):
        totals = selectors.fieldops_totals()
    assert totals.groups == count


# --- nearest service point -------------------------------------------------------------------


def test_the_nearest_points_come_nearest_first(db):
    # Given mawkibs at poles 100, 500, 520, 900 and 1400
    points_at([100, 500, 520, 900, 1400])
    # When a pilgrim at pole 510's point asks for the three nearest
    latitude, longitude = pole_point(ROUTE, 510)
    found = nearest_service_points(latitude=latitude, longitude=longitude, limit=3)
    # Then they are the points at 500 and 520 (about 500 m away), then 900
    assert sorted(near_poles(found)[:2]) == [500, 520]
    assert near_poles(found)[2] == 900
    assert [near.metres for near in found] == sorted(near.metres for near in found)
    assert 400 < found[0].metres < 600


def test_closed_and_full_points_are_left_out_unless_asked(db):
    # Given a closed point at the pilgrim's pole, a full one next to it and an open one further
    points_at([500], status=PointStatus.CLOSED)
    points_at([505], status=PointStatus.FULL)
    points_at([600])
    latitude, longitude = pole_point(ROUTE, 500)
    # When the nearest open point is asked (the default), or open or full ones
    open_only = nearest_service_points(latitude=latitude, longitude=longitude, limit=1)
    open_or_full = nearest_service_points(
        latitude=latitude,
        longitude=longitude,
        statuses=(PointStatus.OPEN, PointStatus.FULL),
        limit=1,
    )
    any_status = nearest_service_points(
        latitude=latitude, longitude=longitude, statuses=(), limit=1
    )
    # Then the closed and full ones are not offered by default
    assert near_poles(open_only) == [600]
    assert near_poles(open_or_full) == [505]
    assert near_poles(any_status) == [500]


def test_kind_service_and_language_narrow_the_search(db):
    # Given around pole 700: a mawkib (food, Persian), a medical post (medical, foot care,
    # Arabic and Urdu), a water point, and further off a mawkib offering food in Arabic
    points_at([700], services=["food", "tea"], languages=["fa"])
    points_at([705], kind="medical", services=["medical", "foot_care"], languages=["ar", "ur"])
    points_at([710], kind="water", services=["water"])
    points_at([900], services=["food"], languages=["ar"])
    latitude, longitude = pole_point(ROUTE, 700)

    def poles(**filters):
        return near_poles(
            nearest_service_points(latitude=latitude, longitude=longitude, limit=5, **filters)
        )

    # Then each filter keeps only the points that match it
    assert poles(kind="medical") == [705]
    assert poles(kind="water") == [710]
    assert poles(service="food") == [700, 900]
    # "foot_care" is not "food": a code matches the whole element only
    assert poles(service="foot_care") == [705]
    assert poles(language="ar") == [705, 900]
    assert poles(service="food", language="ar") == [900]
    assert poles(kind="medical", language="fa") == []
    assert poles(service="spa") == []
    assert poles() == [700, 705, 710, 900]


def test_the_search_widens_until_enough_are_found(db, django_assert_max_num_queries):
    # Given one mawkib at Karbala and a border post at Mehran, about 250 km away
    points_at([1452])
    ServicePointFactory(mehran=True, languages=["fa"])
    # When a pilgrim at Mehran asks for two, then ten points
    two = nearest_service_points(latitude=MEHRAN[0], longitude=MEHRAN[1], limit=2)
    ten = nearest_service_points(latitude=MEHRAN[0], longitude=MEHRAN[1], limit=10)
    # Then the box widened to Karbala; with fewer points than asked all of them come back
    assert [near.point.border_crossing or near.point.pole for near in two] == ["mehran", 1452]
    assert 200_000 < two[1].metres < 300_000
    assert len(ten) == 2
    # And from the other side of the earth the whole earth is searched, in a bounded number
    # of rounds
    with django_assert_max_num_queries(12):
        far = nearest_service_points(latitude=-33.9, longitude=-70.6, limit=1)
    assert [near.metres for near in far] == [
        pytest.approx(
            min(
                distance_metres(-33.9, -70.6, float(p.latitude), float(p.longitude))
                for p in ServicePoint.objects.all()
            ),
            abs=0.2,
        )
    ]


def test_nothing_near_and_nothing_at_all(db):
    assert nearest_service_points(latitude=NAJAF[0], longitude=NAJAF[1]) == []
    points_at([10])
    for latitude, longitude in ((91, 0), (0, 181), (float("nan"), 0), (0, float("inf"))):
        assert nearest_service_points(latitude=latitude, longitude=longitude) == []
    ServicePoint.objects.all().delete()
    points_at([10], status=PointStatus.CLOSED)
    assert nearest_service_points(latitude=NAJAF[0], longitude=NAJAF[1], kind="medical") == []


def test_from_a_pole_number_with_the_poles_between(db):
    # Given mawkibs at poles 690, 720, 1000 and a border post at Mehran
    points_at([690, 720, 1000])
    ServicePointFactory(mehran=True)
    # When a pilgrim at pole 700 asks for the four nearest
    found = nearest_from_pole(route=ROUTE, pole=700, limit=4)
    # Then they come nearest first; those on the route say how many poles away they are
    assert [(near.point.pole, near.poles) for near in found] == [
        (690, 10),
        (720, 20),
        (1000, 300),
        (None, None),
    ]
    assert 400 < found[0].metres < 600
    assert nearest_from_pole(route=ROUTE, pole=700, kind="medical") == []


@pytest.mark.parametrize("pole", [0, 1453, -1])
def test_a_pole_the_route_does_not_have_is_a_value_error(pole, db):
    with pytest.raises(ValueError):
        nearest_from_pole(route=ROUTE, pole=pole)
    with pytest.raises(ValueError):
        nearest_from_pole(route="nowhere", pole=10)


def test_the_common_case_reads_one_band_and_the_points(db, django_assert_num_queries):
    # Given a mawkib at every pole of the route, each with two languages
    fa = Language.objects.get(code="fa")
    operator = OrganizationFactory()
    iraq = Country.objects.get(code="IQ")
    points = []
    for pole in range(1, 1453):
        latitude, longitude = pole_point(ROUTE, pole)
        points.append(
            ServicePoint(
                name=f"موکب {pole}",
                kind="mawkib",
                operator=operator,
                country=iraq,
                route=ROUTE,
                pole=pole,
                latitude=round_coordinate(latitude),
                longitude=round_coordinate(longitude),
                services=["food", "water"],
            )
        )
    created = ServicePoint.objects.bulk_create(points)
    ServicePoint.languages.through.objects.bulk_create(
        ServicePoint.languages.through(servicepoint_id=point.pk, language_id=fa.pk)
        for point in created
    )
    latitude, longitude = pole_point(ROUTE, 700)
    # When the five nearest open mawkibs are asked: one band, the points, their languages
    with django_assert_num_queries(3):
        found = nearest_service_points(
            latitude=latitude, longitude=longitude, kind="mawkib", limit=5
        )
        [(near.point.operator.name, list(near.point.languages.all())) for near in found]
    # Then they are the pole itself and its neighbours
    assert sorted(near_poles(found)) == [698, 699, 700, 701, 702]
    assert found[0].point.pole == 700


@pytest.fixture
def scattered(db):
    """Points spread over the earth, some by the antimeridian and the poles."""
    rng = random.Random(6)
    operator = OrganizationFactory()
    country = Country.objects.get(code="IQ")
    places = [(rng.uniform(-89.9, 89.9), rng.uniform(-180, 180)) for _ in range(250)]
    places += [(10.0, 179.95), (10.0, -179.95), (89.95, 0.0), (89.95, 180.0), (-89.99, 45.0)]
    places += [(rng.uniform(31.95, 32.05), rng.uniform(44.15, 44.25)) for _ in range(40)]
    ServicePoint.objects.bulk_create(
        ServicePoint(
            name=f"نقطه {number}",
            kind=rng.choice(["mawkib", "medical", "water"]),
            operator=operator,
            country=country,
            latitude=round_coordinate(latitude),
            longitude=round_coordinate(longitude),
            status=rng.choice(["open", "open", "full"]),
        )
        for number, (latitude, longitude) in enumerate(places)
    )
    return list(ServicePoint.objects.values_list("pk", "kind", "status", "latitude", "longitude"))


def test_the_nearest_are_those_a_full_scan_finds(scattered):
    # Given points everywhere, and positions everywhere, by the antimeridian and the poles too
    rng = random.Random(60)
    positions = [(rng.uniform(-90, 90), rng.uniform(-180, 180)) for _ in range(40)]
    positions += [(10.0, 179.99), (10.0, -179.99), (89.99, 90.0), (-89.99, -90.0), (32.0, 44.2)]
    for latitude, longitude in positions:
        for kind in ("", "medical"):
            # When the nearest are asked
            found = nearest_service_points(
                latitude=latitude, longitude=longitude, kind=kind, limit=4
            )
            # Then they are the nearest by a scan of every point, in order
            expected = sorted(
                distance_metres(latitude, longitude, float(lat), float(lon))
                for _pk, point_kind, status, lat, lon in scattered
                if status == "open" and (not kind or point_kind == kind)
            )[:4]
            assert [near.metres for near in found] == pytest.approx(expected, abs=0.2)


def test_a_box_across_the_antimeridian_is_two_ranges():
    box = selectors._box(10.0, 179.99, 5_000)
    text = str(box)
    assert "OR" in text
    assert selectors._box(0.0, 0.0, selectors.HALF_EARTH_METRES) is None
    # A circle around a pole takes every longitude
    assert "longitude" not in str(selectors._box(89.99, 10.0, 5_000))
    # And the box holds the circle: a point 4.99 km due east is inside it
    east = 10.0 + math.degrees(4_990 / (6_371_000 * math.cos(math.radians(45.0))))
    south, north, west, eastern = _bounds(selectors._box(45.0, 10.0, 5_000))
    assert south < 45.0 < north and west < 10.0 < east < eastern


def _bounds(condition) -> tuple[float, float, float, float]:
    values = {name: float(value) for name, value in condition.children}
    return (
        values["latitude__gte"],
        values["latitude__lte"],
        values["longitude__gte"],
        values["longitude__lte"],
    )


# --- the map's GeoJSON -----------------------------------------------------------------------


def test_the_points_geojson_says_what_the_map_shows(db):
    # Given a mawkib at pole 700 speaking Persian and Arabic, and a border post at Mehran
    operator = OrganizationFactory(name="هیئت خدام", names={"fa": "هیئت خدام", "en": "Servants"})
    mawkib = ServicePointFactory(
        pole=700,
        operator=operator,
        names={"fa": "موکب", "en": "Mawkib of the servants"},
        capacity=300,
        languages=["fa", "ar"],
    )
    ServicePointFactory(mehran=True)
    # When the map asks for it in English
    with translation.override("en"):
        collection = selectors.service_points_geojson(route=ROUTE)
    # Then it is one feature with the point's longitude first and its properties
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["geometry"]["coordinates"] == [float(mawkib.longitude), float(mawkib.latitude)]
    properties = feature["properties"]
    assert properties == properties | {
        "id": mawkib.pk,
        "name": "Mawkib of the servants",
        "kind": "mawkib",
        "status": "open",
        "services": ["food", "water", "tea", "rest"],
        "languages": ["ar", "fa"],
        "pole": 700,
        "border_crossing": "",
        "operator": "Servants",
        "hours": "24",
        "capacity": 300,
    }
    assert "url" in properties


def test_the_points_geojson_filters(db):
    ServicePointFactory(pole=10, services=["food"], languages=["fa"])
    ServicePointFactory(pole=20, kind="medical", services=["medical"], languages=["ar"])
    ServicePointFactory(pole=30, status=PointStatus.CLOSED, services=["water"])
    border = ServicePointFactory(mehran=True)

    def poles(**filters):
        collection = selectors.service_points_geojson(**filters)
        return [feature["properties"]["pole"] for feature in collection["features"]]

    assert poles() == [None, 10, 20, 30]
    assert poles(kinds=["medical", "border"]) == [None, 20]
    assert poles(services=["food", "water"]) == [None, 10, 30]
    assert poles(services=["spa"]) == []
    assert poles(languages=["ar"]) == [20]
    assert poles(statuses=["closed"]) == [30]
    assert poles(operator_id=border.operator_id) == [None]


@pytest.mark.parametrize("count", [2, 20])
def test_the_points_geojson_takes_two_queries(count, django_assert_num_queries):
    for pole in range(1, count + 1):
        ServicePointFactory(pole=pole, languages=["fa", "ar"])
    with django_assert_num_queries(2):
        collection = selectors.service_points_geojson(services=["food"], languages=["fa"])
    assert len(collection["features"]) == count


def test_the_camps_geojson_has_approved_camps_with_a_point(db, django_assert_num_queries):
    # Given an approved camp with a point, one without, a submitted one and an old one
    shown = CampFactory(status=CampStatus.APPROVED)
    CampFactory(status=CampStatus.APPROVED, latitude=None, longitude=None)
    CampFactory(status=CampStatus.SUBMITTED)
    old = CampFactory(status=CampStatus.APPROVED, starts_on=datetime.date(2020, 7, 1))
    # When the map reads the camps (one query)
    with django_assert_num_queries(1):
        collection = selectors.camps_geojson()
    # Then the approved camps with a point are there, newest first
    assert [feature["id"] for feature in collection["features"]] == [shown.pk, old.pk]
    properties = collection["features"][0]["properties"]
    assert (properties["days"], properties["volunteers"], properties["starts_on"]) == (
        7,
        12,
        shown.starts_on.isoformat(),
    )
    since = selectors.camps_geojson(since=datetime.date(2021, 1, 1))
    assert [feature["id"] for feature in since["features"]] == [shown.pk]
    ilam = Province.objects.get(code="IR-16")
    assert selectors.camps_geojson(province_id=ilam.pk)["features"] == []


# --- lists -----------------------------------------------------------------------------------


def test_camps_not_yet_approved_are_seen_by_the_group_and_sponsor_only(group, actors):
    # Given an approved camp of the group, a submitted one, and a rejected one of another group
    approved = CampFactory(group=group, status=CampStatus.APPROVED)
    submitted = CampFactory(group=group, status=CampStatus.SUBMITTED)
    rejected = CampFactory(status=CampStatus.REJECTED)

    def seen(actor_name):
        return set(selectors.camp_list(user=actors[actor_name]).values_list("pk", flat=True))

    # Then everyone sees the approved one; the group and its sponsor also the submitted one
    assert seen("anonymous") == seen("stranger_owner") == {approved.pk}
    assert seen("group_editor") == seen("sponsor_editor") == {approved.pk, submitted.pk}
    assert seen("coordinator") == {approved.pk, submitted.pk, rejected.pk}
    viewer = user_with_role(group.organization, Role.VIEWER, username="group_viewer")
    assert selectors.camp_get(pk=submitted.pk, user=viewer) == submitted
    with pytest.raises(type(submitted).DoesNotExist):
        selectors.camp_get(pk=submitted.pk, user=actors["anonymous"])


@pytest.mark.parametrize("count", [2, 20])
def test_lists_take_constant_queries(count, django_assert_num_queries, actors):
    for number in range(count):
        group = VolunteerGroupFactory(fields=["medical"])
        CampFactory(group=group, status=CampStatus.APPROVED)
        DistributionFactory(group=group)
        ServicePointFactory(pole=number + 1, languages=["fa"])
    with django_assert_num_queries(1):
        [
            (g.organization.name, g.sponsor.name, g.organization.province.name)
            for g in selectors.group_list(filters=GroupFilters(field="medical"))
        ]
    with django_assert_num_queries(1):
        [
            (c.group.organization.name, c.field.name, c.province.name, c.group.sponsor.name)
            for c in selectors.camp_list(user=actors["anonymous"])
        ]
    with django_assert_num_queries(1):
        [
            (d.campaign.name, d.group.organization.name, d.province.name)
            for d in selectors.distribution_list()
        ]
    with django_assert_num_queries(2):
        [
            (p.operator.name, p.country.name, [language.code for language in p.languages.all()])
            for p in selectors.service_point_list()
        ]


def test_list_filters(group, actors):
    other = VolunteerGroupFactory(fields=["cultural"])
    group.activity_status = ActivityStatus.ACTIVE
    group.save(update_fields=["activity_status"])
    assert list(selectors.group_list(filters=GroupFilters(field="medical"))) == [group]
    assert list(selectors.group_list(filters=GroupFilters(activity_status="dormant"))) == [other]
    assert list(selectors.group_list(filters=GroupFilters(sponsor_id=other.sponsor_id))) == [other]
    assert list(selectors.group_list(filters=GroupFilters(q="QOM-0001"))) == [group]
    assert list(selectors.group_list(filters=GroupFilters(q="شهید آزمایشی"))) == [group]
    camp = CampFactory(group=group, status=CampStatus.APPROVED, starts_on=datetime.date(2024, 7, 1))
    CampFactory(group=other, status=CampStatus.APPROVED)
    assert list(selectors.camp_list(filters=CampFilters(group_id=group.pk))) == [camp]
    assert list(selectors.camp_list(filters=CampFilters(year=2024))) == [camp]
    assert list(selectors.camp_list(filters=CampFilters(sponsor_id=group.sponsor_id))) == [camp]
    point = ServicePointFactory(pole=5, services=["food"], languages=["ur"])
    ServicePointFactory(mehran=True)
    assert list(
        selectors.service_point_list(
            filters=ServicePointFilters(services=("food",), languages=("ur",), country="iq")
        )
    ) == [point]


def test_filters_from_a_query_string_ignore_what_they_do_not_know():
    # Given a query string with repeated, comma-separated, unknown and malformed values
    params = QueryDict(
        "kind=mawkib&kind=spa,medical&service=food,foot_care,x&status=open&route=moon"
        "&operator=abc&q=%20موکب&language=fa,ar"
    )
    filters = selectors.service_point_filters_from_query(params)
    assert filters.kinds == ("mawkib", "medical")
    assert filters.services == ("food", "foot_care")
    assert filters.statuses == ("open",)
    assert filters.languages == ("fa", "ar")
    assert (filters.route, filters.operator_id) == ("", None)
    camps = selectors.camp_filters_from_query(
        QueryDict("year=۲۰۲۴&status=x&since=2024-02-30&group=۱۲")
    )
    assert (camps.year, camps.status, camps.since, camps.group_id) == (2024, "", None, 12)
    groups = selectors.group_filters_from_query({"activity": "active", "sponsor": "0"})
    assert (groups.activity_status, groups.sponsor_id) == ("active", None)
    distributions = selectors.distribution_filters_from_query({"until": "2024-05-01"})
    assert distributions.until == datetime.date(2024, 5, 1)


def test_factories_put_points_in_the_right_country(db):
    from hamafza.core.boundaries import point_in_country

    route_point = ServicePointFactory(pole=1)
    border_point = ServicePointFactory(mehran=True)
    karbala = ServicePointFactory(pole=1452)
    assert point_in_country("IQ", route_point.latitude, route_point.longitude)
    assert point_in_country("IQ", karbala.latitude, karbala.longitude)
    assert point_in_country("IR", border_point.latitude, border_point.longitude)
    assert point_in_country("IQ", Decimal(str(KARBALA[0])), Decimal(str(KARBALA[1])))
