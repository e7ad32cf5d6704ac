"""Field operations pages: the public map with its GeoJSON and "nearest service" endpoints, the
service points and the operator's status page, groups, camps, campaigns, the dashboard and the
exports — in Persian and English, for everyone who might use them."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from hamafza.core.calendars import date_numeric
from hamafza.core.models import Country, Language, Province
from hamafza.core.selectors import places_index_forget
from hamafza.fieldops.models import (
    Camp,
    CampService,
    CampStatus,
    Distribution,
    GroupActivity,
    PointStatus,
    ServicePoint,
)
from hamafza.fieldops.routes import pole_point
from hamafza.fieldops.tests.factories import (
    CampaignFactory,
    CampFactory,
    CampServiceFactory,
    DistributionFactory,
    ServicePointFactory,
    VolunteerGroupFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [("fa", "rtl"), ("en", "ltr")]
HUGE = "99999999999999999999"
ROUTE = "najaf_karbala"
POINT_NAMES = ("mawkib", "medical", "water", "border")  # the ``points`` fixture


def as_actor(client, actors, who):
    if actors[who] is not None:
        client.force_login(actors[who])
    return client


def message(text: str, language: str = "en", **params) -> str:
    """A message as the page shows it: translated and HTML-escaped."""
    with translation.override(language):
        translated = translation.gettext(text)
        return escape(translated % params if params else translated)


def queries(client, url, params=None) -> int:
    """Queries of one request with cold caches (a warm cache would hide growth)."""
    cache.clear()
    places_index_forget()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {}, HTTP_ACCEPT_LANGUAGE="fa")
        assert response.status_code == 200
    return len(captured)


def solar(day: datetime.date) -> str:
    """A date as a Persian visitor types it: Solar Hijri, Persian digits."""
    return date_numeric(day, calendar="solar", language="fa")


@pytest.fixture
def points(operator):
    """Three points of the operator on the walk and a border post at Mehran:
    an open mawkib at pole 100 (food, water; Persian and Arabic), a full medical post at
    pole 130, a closed water station at pole 400 and an open border post."""
    return {
        "mawkib": ServicePointFactory(
            operator=operator,
            name="موکب حضرت ابوالفضل",
            names={"en": "Abbas mawkib"},
            pole=100,
            services=["food", "water"],
            languages=["fa", "ar"],
            capacity=300,
        ),
        "medical": ServicePointFactory(
            operator=operator,
            name="ایستگاه پزشکی هلال",
            names={"en": "Red Crescent medical post"},
            kind="medical",
            pole=130,
            services=["medical", "foot_care"],
            status=PointStatus.FULL,
        ),
        "water": ServicePointFactory(
            operator=operator,
            name="ایستگاه آب",
            names={"en": "Water station"},
            kind="water",
            pole=400,
            services=["water"],
            status=PointStatus.CLOSED,
        ),
        "border": ServicePointFactory(
            operator=operator,
            mehran=True,
            name="پایانه مرزی مهران",
            names={"en": "Mehran border terminal"},
        ),
    }


@pytest.fixture
def camps(group):
    """An approved camp of the group in Qom with two services, and one awaiting approval."""
    approved = CampFactory(
        group=group,
        status=CampStatus.APPROVED,
        village="روستای نمونه",
        report="ساخت حمام",
    )
    CampServiceFactory(camp=approved, name="ویزیت پزشکی", quantity=120)
    CampServiceFactory(camp=approved, name="ساخت حمام", quantity=2, unit="items")
    waiting = CampFactory(group=group, village="روستای منتظر", starts_on=days_ago(10))
    return {"approved": approved, "waiting": waiting}


@pytest.fixture
def campaign(sponsor, group):
    """A campaign of the sponsor with two deliveries by the group (100 + 50 packages)."""
    campaign = CampaignFactory(
        organizer=sponsor, name="رزمایش کمک مؤمنانه", names={"en": "Faithful manoeuvre"}
    )
    DistributionFactory(campaign=campaign, group=group, quantity=100, households=100)
    DistributionFactory(campaign=campaign, group=group, quantity=50, households=40)
    return campaign


@pytest.fixture
def pages(points, camps, campaign, group):
    return {
        "map": reverse("fieldops:map"),
        "points": reverse("fieldops:points"),
        "point": reverse("fieldops:point", args=[points["mawkib"].pk]),
        "groups": reverse("fieldops:groups"),
        "group": reverse("fieldops:group", args=[group.pk]),
        "camps": reverse("fieldops:camps"),
        "camp": reverse("fieldops:camp", args=[camps["approved"].pk]),
        "campaigns": reverse("fieldops:campaigns"),
        "campaign": reverse("fieldops:campaign", args=[campaign.pk]),
        "dashboard": reverse("fieldops:dashboard"),
        "nearest": reverse("fieldops:nearest") + "?pole=110",
    }


# --- every page, in both directions ------------------------------------------------------------


@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
def test_every_page_speaks_the_language_in_its_direction(client, pages, language, direction):
    for name, url in pages.items():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, name
        assert f'lang="{language}" dir="{direction}"'.encode() in response.content, name


@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
def test_the_forms_speak_the_language_in_their_direction(
    client, actors, points, camps, campaign, group, language, direction
):
    for who, url in (
        ("coordinator", reverse("fieldops:point-create")),
        ("operator_editor", reverse("fieldops:point-edit", args=[points["mawkib"].pk])),
        ("operator_editor", reverse("fieldops:point-status", args=[points["mawkib"].pk])),
        ("group_editor", reverse("fieldops:camp-create", args=[group.pk])),
        ("group_editor", reverse("fieldops:distribution-create", args=[campaign.pk])),
        ("sponsor_editor", reverse("fieldops:camp", args=[camps["waiting"].pk])),
    ):
        client.force_login(actors[who])
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert f'lang="{language}" dir="{direction}"'.encode() in response.content, url


def test_the_map_page_holds_the_map_its_filters_and_a_list_for_readers_without_scripts(
    client, points, settings
):
    # Given no tile server
    settings.HAMAFZA_MAP_TILE_URL = ""
    # When a Persian visitor opens the map
    content = client.get(reverse("fieldops:map"), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    # Then the map box is left to right inside the right-to-left page, and knows its endpoints
    box = re.search(r'<div dir="ltr" class="hz-map[^>]*id="map"[^>]*>', content, re.S).group(0)
    assert 'data-mode="public"' in box
    assert f'data-points-url="{reverse("fieldops:points-geojson")}"' in box
    assert f'data-route-url="{reverse("fieldops:route-geojson", args=[ROUTE])}"' in box
    assert 'data-tile-url=""' in box
    # and Leaflet and the map script come from our own static files
    assert "/static/vendor/leaflet/leaflet.js" in content
    assert "/static/fieldops/map.js" in content
    assert "://unpkg" not in content and "cdn" not in content.lower()
    # and the legend names the three statuses, the script writes Persian digits
    legend = content.split('id="map-legend"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'data-status="(\w+)"', legend) == ["open", "full", "closed"]
    data = json.loads(content.split('id="map-i18n" type="application/json">', 1)[1].split("<")[0])
    assert data["digits"] == "۰۱۲۳۴۵۶۷۸۹"
    assert set(data["statuses"]) == {"open", "full", "closed"}
    # and the points are listed (four of them), the mawkib with its pole in Persian digits
    listed = re.findall(r'hz-point-row" data-point="(\d+)"', content)
    assert sorted(map(int, listed)) == sorted(point.pk for point in points.values())
    assert "موکب حضرت ابوالفضل" in content and "۱۰۰" in content


def test_the_map_uses_the_tile_server_when_one_is_set(client, settings):
    settings.HAMAFZA_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.HAMAFZA_MAP_TILE_ATTRIBUTION = "&copy; Example"
    content = client.get(reverse("fieldops:map"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in content
    assert 'data-tile-attribution="&amp;copy; Example"' in content


def test_the_map_filters_work_as_a_plain_form(client, points):
    url = reverse("fieldops:map")

    def listed(**params) -> set[int]:
        content = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        return {int(pk) for pk in re.findall(r'hz-point-row" data-point="(\d+)"', content)}

    assert listed(service="medical") == {points["medical"].pk, points["border"].pk}
    assert listed(kind="water") == {points["water"].pk}
    assert listed(status="open") == {points["mawkib"].pk, points["border"].pk}
    assert listed(language="ar") == {points["mawkib"].pk}
    assert listed(route=ROUTE, service="water") == {points["mawkib"].pk, points["water"].pk}


# --- GeoJSON -----------------------------------------------------------------------------------


def geojson(client, url, params=None, language="en") -> dict:
    response = client.get(url, params or {}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] in {"Point", "LineString"}
        coordinates = feature["geometry"]["coordinates"]
        if feature["geometry"]["type"] == "Point":
            longitude, latitude = coordinates
            assert -180 <= longitude <= 180 and -90 <= latitude <= 90
    return data


def test_the_points_geojson_has_every_point_with_its_properties(client, points):
    data = geojson(client, reverse("fieldops:points-geojson"))
    by_id = {feature["properties"]["id"]: feature for feature in data["features"]}
    assert set(by_id) == {point.pk for point in points.values()}
    mawkib = by_id[points["mawkib"].pk]
    latitude, longitude = pole_point(ROUTE, 100)
    assert mawkib["geometry"]["coordinates"] == pytest.approx([longitude, latitude], abs=1e-6)
    properties = mawkib["properties"]
    assert properties["name"] == "Abbas mawkib"
    assert properties["status"] == "open" and properties["kind"] == "mawkib"
    assert properties["pole"] == 100 and properties["services"] == ["food", "water"]
    assert set(properties["languages"]) == {"fa", "ar"}
    assert properties["url"] == reverse("fieldops:point", args=[points["mawkib"].pk])
    # and in Persian the names are Persian
    persian = geojson(client, reverse("fieldops:points-geojson"), language="fa")
    names = {feature["properties"]["name"] for feature in persian["features"]}
    assert "موکب حضرت ابوالفضل" in names


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"service": "medical"}, {"medical", "border"}),
        ({"service": "food,medical"}, {"mawkib", "medical", "border"}),
        ({"kind": "water"}, {"water"}),
        ({"status": "open"}, {"mawkib", "border"}),
        ({"status": ["full", "closed"]}, {"medical", "water"}),
        ({"language": "ar"}, {"mawkib"}),
        ({"route": ROUTE}, {"mawkib", "medical", "water"}),
        # values not understood are left out
        ({"kind": "nonsense", "service": "<script>", "route": "moon"}, set(POINT_NAMES)),
        ({"kind": "water,nonsense"}, {"water"}),
    ],
)
def test_the_points_geojson_filters(client, points, params, expected):
    data = geojson(client, reverse("fieldops:points-geojson"), params)
    found = {feature["properties"]["id"] for feature in data["features"]}
    names = {point.pk: name for name, point in points.items()}
    assert {names[pk] for pk in found} == expected


def test_the_camps_geojson_has_approved_camps_only(client, camps):
    data = geojson(client, reverse("fieldops:camps-geojson"))
    assert [feature["properties"]["id"] for feature in data["features"]] == [camps["approved"].pk]
    assert data["features"][0]["properties"]["days"] == 7
    # a bad "since" or province is ignored, a later "since" leaves the camp out
    assert len(geojson(client, reverse("fieldops:camps-geojson"), {"since": "x"})["features"]) == 1
    later = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert geojson(client, reverse("fieldops:camps-geojson"), {"since": later})["features"] == []
    assert (
        len(geojson(client, reverse("fieldops:camps-geojson"), {"province": HUGE})["features"]) == 1
    )


def test_the_route_geojson_is_the_line_and_its_poles(client):
    data = geojson(client, reverse("fieldops:route-geojson", args=[ROUTE]))
    kinds = [feature["geometry"]["type"] for feature in data["features"]]
    assert kinds[0] == "LineString" and set(kinds[1:]) == {"Point"}
    poles = [feature["properties"]["pole"] for feature in data["features"][1:]]
    assert poles[0] == 1 and poles[-1] == 1452
    assert client.get(reverse("fieldops:route-geojson", args=["moon"])).status_code == 404


# --- the nearest open service ------------------------------------------------------------------


def nearest_json(client, params, language="en"):
    return client.get(
        reverse("fieldops:nearest"),
        {**params, "format": "json"},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_nearest_from_a_pole_lists_open_points_nearest_first(client, points, operator):
    # Given one more open mawkib, at pole 300
    far = ServicePointFactory(operator=operator, pole=300, name="موکب دور")
    # When a pilgrim at pole 110 asks for the nearest open service
    response = nearest_json(client, {"pole": "110"})
    assert response.status_code == 200
    data = response.json()
    # Then the open points are listed nearest first: the mawkib at pole 100, then pole 300
    ids = [row["id"] for row in data["results"]]
    assert ids[:2] == [points["mawkib"].pk, far.pk]
    assert points["medical"].pk not in ids  # full
    assert points["water"].pk not in ids  # closed
    first = data["results"][0]
    assert first["poles_away"] == 10
    assert 400 <= first["metres"] <= 600
    assert first["distance"].endswith(" m")
    assert first["status"] == "open" and first["pole"] == 100
    assert first["service_labels"] == ["Food", "Water"]
    metres = [row["metres"] for row in data["results"]]
    assert metres == sorted(metres)
    assert data["origin"] == {"route": ROUTE, "pole": 110}
    assert data["origin_point"] == pytest.approx(list(pole_point(ROUTE, 110)))


def test_nearest_from_a_position_of_a_kind_and_in_persian_digits(client, points, operator):
    # Given an open medical post at pole 500
    open_medical = ServicePointFactory(operator=operator, kind="medical", pole=500)
    latitude, longitude = pole_point(ROUTE, 450)
    # When a Persian pilgrim near pole 450 shares their position and asks for a medical post
    response = nearest_json(
        client,
        {"lat": f"{latitude:.6f}", "lon": f"{longitude:.6f}", "kind": "medical"},
        language="fa",
    )
    data = response.json()
    # Then the open one is found (the full post at pole 130 is not), its distance in Persian
    assert [row["id"] for row in data["results"]] == [open_medical.pk]
    assert re.search("[۰-۹]", data["results"][0]["distance"])
    assert data["results"][0]["poles_away"] is None


def test_nearest_without_a_script_is_a_page_and_a_fragment(client, points):
    url = reverse("fieldops:nearest")
    content = client.get(url, {"pole": "۱۱۰"}, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert 'id="nearest-list"' in content
    listed = re.findall(r'hz-near-row" data-point="(\d+)"', content)
    assert int(listed[0]) == points["mawkib"].pk
    assert "<html" in content
    fragment = client.get(
        url, {"pole": "110"}, HTTP_ACCEPT_LANGUAGE="en", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment and 'id="nearest-list"' in fragment


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"pole": "0"},
        {"pole": "1453"},
        {"pole": HUGE},
        {"pole": "abc"},
        {"lat": "abc", "lon": "44"},
        {"lat": "100", "lon": "44"},
        {"lat": "32"},
        {"pole": "10", "route": "moon"},
        {"pole": "10", "kind": "spaceport"},
    ],
)
def test_nearest_with_bad_input_says_what_is_wrong_never_an_error(client, points, params):
    response = nearest_json(client, params)
    assert response.status_code == 400
    assert response.json()["errors"]
    page = client.get(reverse("fieldops:nearest"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200


def test_a_pole_out_of_range_is_refused_with_the_routes_range(client):
    data = nearest_json(client, {"pole": "2000"}).json()
    assert "1452" in data["errors"]["pole"][0]


# --- bad input in URLs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("fieldops:map", {"kind": "x", "service": "<b>", "language": "zz", "status": "?"}),
        ("fieldops:map", {"route": "moon", "page": HUGE}),
        (
            "fieldops:points",
            {"operator": HUGE, "page": "-1", "border_crossing": "x", "q": "x" * 500},
        ),
        ("fieldops:points", {"status": "maybe", "kind": "x", "page": "abc"}),
        ("fieldops:groups", {"sponsor": HUGE, "activity": "x", "province": "zz", "field": "x"}),
        ("fieldops:groups", {"q": "%", "page": "۲"}),
        ("fieldops:camps", {"year": "99999", "month": "13", "group": HUGE, "status": "x"}),
        ("fieldops:camps", {"year": "abc", "month": "x", "province": "<"}),
        ("fieldops:camps", {"month": "5"}),
        ("fieldops:campaigns", {"q": "x" * 500, "page": HUGE}),
        ("fieldops:dashboard", {"year": "abc"}),
        ("fieldops:dashboard", {"year": HUGE}),
        ("fieldops:points-geojson", {"operator": HUGE, "language": "x" * 300}),
        ("fieldops:camps-geojson", {"since": "2025-13-45", "province": "-1"}),
    ],
)
def test_bad_filters_are_ignored_never_an_error(client, points, camps, campaign, name, params):
    response = client.get(reverse(name), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/fieldops/points/99999999/",
        f"/fieldops/points/{HUGE}/",
        "/fieldops/groups/99999999/",
        f"/fieldops/camps/{HUGE}/",
        "/fieldops/campaigns/99999999/",
        "/fieldops/routes/moon.geojson",
        "/fieldops/export/people.csv/",
        "/fieldops/export/groups.pdf/",
    ],
)
def test_what_does_not_exist_is_a_404(client, path):
    assert client.get(path, HTTP_ACCEPT_LANGUAGE="en").status_code == 404


def test_a_camp_awaiting_approval_is_hidden_from_strangers(client, actors, camps):
    url = reverse("fieldops:camp", args=[camps["waiting"].pk])
    assert client.get(url).status_code == 404
    client.force_login(actors["stranger_owner"])
    assert client.get(url).status_code == 404
    client.force_login(actors["sponsor_editor"])
    assert client.get(url).status_code == 200
    listed = client.get(reverse("fieldops:camps")).content.decode()
    assert f'data-camp="{camps["waiting"].pk}"' in listed


# --- service points ----------------------------------------------------------------------------


def test_the_point_page_shows_its_services_languages_and_status_age(client, actors, points):
    point = points["mawkib"]
    ServicePoint.objects.filter(pk=point.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    url = reverse("fieldops:point", args=[point.pk])
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Abbas mawkib" in content
    services = content.split('id="point-services"', 1)[1].split("</dd>", 1)[0]
    assert "Food" in services and "Water" in services
    assert "Arabic" in content and "Persian" in content
    assert "updated 5\xa0minutes ago" in content
    assert 'data-mode="point"' in content
    assert 'id="point-status-link"' not in content  # for the operator's staff only
    client.force_login(actors["operator_editor"])
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="point-status-link"' in content and 'id="point-edit"' in content


def test_the_point_list_filters_and_pages(client, points, operator, stranger):
    other = ServicePointFactory(operator=stranger, pole=700, name="موکب دیگر")
    url = reverse("fieldops:points")

    def listed(**params) -> set[int]:
        content = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        return {int(pk) for pk in re.findall(r'<tr data-point="(\d+)"', content)}

    everyone = {point.pk for point in points.values()} | {other.pk}
    assert listed() == everyone
    assert listed(operator=str(stranger.pk)) == {other.pk}
    assert listed(border_crossing="mehran") == {points["border"].pk}
    assert listed(kind="medical") == {points["medical"].pk}
    assert listed(status="closed") == {points["water"].pk}
    assert listed(route=ROUTE) == everyone - {points["border"].pk}
    assert listed(q="Mehran border terminal") | listed(q="مهران") >= {points["border"].pk}
    # pages of 25
    for pole in range(800, 830):
        ServicePointFactory(operator=operator, pole=pole)
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(re.findall(r'<tr data-point="', first)) == 25
    assert 'rel="next"' in first


def test_an_editor_registers_a_point_by_its_pole(client, actors, operator):
    client.force_login(actors["operator_editor"])
    url = reverse("fieldops:point-create")
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Only the editor's own organization is offered as the operator
    operator_select = form.split('name="operator"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="(\d+)"', operator_select) == [str(operator.pk)]
    # When they register a mawkib at pole ۲۵۰ without coordinates
    response = client.post(
        url,
        {
            "kind": "mawkib",
            "name": "موکب تازه",
            "name_en": "New mawkib",
            "operator": operator.pk,
            "country": Country.objects.get(code="IQ").pk,
            "route": ROUTE,
            "pole": "۲۵۰",
            "services": ["food", "tea"],
            "languages": ["fa", "ur"],
            "capacity": "۱۲۰",
            "opens_on": solar(timezone.localdate()),
            "opens_on_calendar": "solar",
            "hours": "24",
            "status": "open",
        },
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    # Then it is saved at the pole's point, with its services and languages
    point = ServicePoint.objects.get(name="موکب تازه")
    assert response.status_code == 302
    assert response["Location"] == reverse("fieldops:point", args=[point.pk])
    latitude, longitude = pole_point(ROUTE, 250)
    assert float(point.latitude) == pytest.approx(latitude, abs=1e-6)
    assert float(point.longitude) == pytest.approx(longitude, abs=1e-6)
    assert point.pole == 250 and point.services == ["food", "tea"]
    assert point.names == {"en": "New mawkib"} and point.capacity == 120
    assert point.opens_on == timezone.localdate()
    assert {language.code for language in point.languages.all()} == {"fa", "ur"}
    assert point.operator == operator


@pytest.mark.parametrize(
    ("values", "field", "text", "params"),
    [
        ({"pole": "2000"}, "pole", None, {}),
        (
            {"route": "", "pole": "", "latitude": "35.7", "longitude": "51.4"},
            "latitude",
            "This point is outside %(country)s.",
            {"country": "Iraq"},
        ),
        (
            {"pole": "", "latitude": "", "longitude": ""},
            "latitude",
            "Give the point's latitude and longitude, or its pole number.",
            {},
        ),
        ({"services": ["spa"]}, "services", None, {}),
        ({"latitude": "32.1", "longitude": ""}, "longitude", None, {}),
    ],
)
def test_a_wrong_point_is_refused_beside_its_field_and_nothing_is_saved(
    client, actors, operator, values, field, text, params
):
    client.force_login(actors["operator_editor"])
    data = {
        "kind": "mawkib",
        "name": "موکب نادرست",
        "operator": operator.pk,
        "country": Country.objects.get(code="IQ").pk,
        "route": ROUTE,
        "pole": "100",
        "status": "open",
        **values,
    }
    response = client.post(reverse("fieldops:point-create"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert not ServicePoint.objects.filter(name="موکب نادرست").exists()
    content = response.content.decode()
    errors = content.split(f'id="field-{field}"', 1)[1].split('<div class="col-12', 1)[0]
    assert "invalid-feedback" in errors
    if text:
        assert message(text, **params) in errors


def test_an_editor_changes_a_point_and_its_languages(client, actors, points):
    point = points["medical"]
    client.force_login(actors["operator_editor"])
    url = reverse("fieldops:point-edit", args=[point.pk])
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="130"' in form  # the pole
    response = client.post(
        url,
        {
            "kind": "medical",
            "name": point.name,
            "country": point.country_id,
            "route": ROUTE,
            "pole": "130",
            "latitude": str(point.latitude),
            "longitude": str(point.longitude),
            "services": ["medical"],
            "languages": ["en"],
            "hours": "8–20",
            "status": "open",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.services == ["medical"] and point.hours == "8–20"
    assert point.status == "open" and point.status_changed_at is not None
    assert [language.code for language in point.languages.all()] == ["en"]


# --- the operator's status page ---------------------------------------------------------------


def test_the_operator_sets_the_status_from_the_phone_page(client, actors, points):
    point = points["mawkib"]
    url = reverse("fieldops:point-status", args=[point.pk])
    client.force_login(actors["operator_editor"])
    # The page shows the status now and three buttons, the current one pressed
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="current-status" data-status="open"' in content
    buttons = re.findall(r'name="status" value="(\w+)"[^>]*aria-pressed="(\w+)"', content)
    assert buttons == [("open", "true"), ("full", "false"), ("closed", "false")]
    # When the editor taps "Full"
    response = client.post(url, {"status": "full"}, HTTP_ACCEPT_LANGUAGE="en")
    # Then the point is full, changed by them just now, and the page says so
    assert response.status_code == 302 and response["Location"] == url
    point.refresh_from_db()
    assert point.status == "full" and point.status_changed_by == actors["operator_editor"]
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="current-status" data-status="full"' in content
    assert "Changed 0\xa0minutes ago" in content
    # and a status that does not exist is refused, nothing changes
    response = client.post(url, {"status": "party"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    point.refresh_from_db()
    assert point.status == "full"


# --- who may write -----------------------------------------------------------------------------


def _state(points, camps, group):
    return (
        list(ServicePoint.objects.order_by("pk").values_list("status", "hours", "name")),
        list(Camp.objects.order_by("pk").values_list("status", "decision_note")),
        GroupActivity.objects.count(),
        Camp.objects.count(),
        Distribution.objects.count(),
    )


@pytest.fixture
def writes(points, camps, campaign, group, operator):
    """Every write page with a request that would succeed for the right staff, and who they
    are."""
    point = points["mawkib"]
    today = solar(timezone.localdate())
    return [
        (
            reverse("fieldops:point-create"),
            {
                "kind": "water",
                "name": "ایستگاه آب تازه",
                "operator": operator.pk,
                "country": Country.objects.get(code="IQ").pk,
                "route": ROUTE,
                "pole": "600",
                "status": "open",
            },
            "operator_editor",
        ),
        (
            reverse("fieldops:point-edit", args=[point.pk]),
            {
                "kind": "mawkib",
                "name": point.name,
                "country": point.country_id,
                "route": ROUTE,
                "pole": "100",
                "hours": "6-22",
                "status": "open",
            },
            "operator_editor",
        ),
        (
            reverse("fieldops:point-status", args=[point.pk]),
            {"status": "closed"},
            "operator_editor",
        ),
        (
            reverse("fieldops:group", args=[group.pk]),
            {
                "activity-on": today,
                "activity-on_calendar": "solar",
                "activity-description": "کلاس قرآن",
            },
            "group_editor",
        ),
        (
            reverse("fieldops:camp-create", args=[group.pk]),
            {
                "field": camps["approved"].field_id,
                "starts_on": solar(days_ago(5)),
                "starts_on_calendar": "solar",
                "ends_on": solar(days_ago(2)),
                "ends_on_calendar": "solar",
                "province": Province.objects.get(code="IR-25").pk,
                "volunteers": "8",
                "services-TOTAL_FORMS": "1",
                "services-INITIAL_FORMS": "0",
                "services-0-name": "",
                "services-0-quantity": "",
                "services-0-unit": "people",
            },
            "group_editor",
        ),
        (
            reverse("fieldops:camp-decide", args=[camps["waiting"].pk]),
            {"decision": "approve"},
            "sponsor_editor",
        ),
        (
            reverse("fieldops:distribution-create", args=[campaign.pk]),
            {
                "group": group.pk,
                "package_kind": "food",
                "quantity": "20",
                "households": "20",
                "distributed_on": today,
                "distributed_on_calendar": "solar",
                "province": Province.objects.get(code="IR-25").pk,
                "place": "محله تازه",
            },
            "group_editor",
        ),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_changes(
    client, writes, points, camps, group
):
    before = _state(points, camps, group)
    for url, data, _who in writes:
        # (the group's page is public; only its form asks to sign in)
        asked = [client.post(url, data)]
        if "/groups/" not in url or "/camps/" in url:
            asked.append(client.get(url))
        for response in asked:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url
    assert _state(points, camps, group) == before


def test_another_organizations_staff_are_refused_and_nothing_changes(
    client, actors, writes, points, camps, group
):
    before = _state(points, camps, group)
    client.force_login(actors["stranger_owner"])
    for url, data, _who in writes:
        assert client.post(url, data, HTTP_ACCEPT_LANGUAGE="en").status_code == 403, url
    assert _state(points, camps, group) == before
    # the operator's viewer reads but may not set the status
    client.force_login(actors["operator_viewer"])
    status_url = reverse("fieldops:point-status", args=[points["mawkib"].pk])
    assert client.post(status_url, {"status": "full"}).status_code == 403
    assert _state(points, camps, group) == before


@pytest.mark.parametrize("index", range(7))
def test_the_right_staff_succeed(client, actors, writes, points, camps, group, index):
    url, data, who = writes[index]
    before = _state(points, camps, group)
    client.force_login(actors[who])
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _state(points, camps, group) != before


def test_coordinators_may_write_everywhere(client, actors, writes, points, camps, group):
    client.force_login(actors["coordinator"])
    for url, data, _who in writes:
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 302, (url, response.content.decode()[:2000])


# --- groups ------------------------------------------------------------------------------------


def test_the_group_list_filters_and_shows_the_derived_activity(client, group, sponsor):
    # Given the group active in three quarters, and another dormant group elsewhere
    for days in (10, 100, 200):
        GroupActivity.objects.create(group=group, source="other", on=days_ago(days))
    from hamafza.fieldops.services import groups_activity_refresh

    groups_activity_refresh()
    other = VolunteerGroupFactory(registration_number="KRM-0002", fields=["quran"])
    url = reverse("fieldops:groups")

    def listed(**params) -> set[int]:
        content = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        return {int(pk) for pk in re.findall(r'<tr data-group="(\d+)"', content)}

    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-activity="active"' in content and 'data-activity="dormant"' in content
    assert "Active all year" in content
    assert listed(activity="active") == {group.pk}
    assert listed(activity="dormant") == {other.pk}
    assert listed(sponsor=str(sponsor.pk)) == {group.pk}
    assert listed(field="construction") == {group.pk}
    assert listed(province="IR-25") == {group.pk, other.pk}
    assert listed(q="QOM-0001") == {group.pk}


def test_the_group_page_explains_its_activity_and_its_editors_log_work(client, actors, group):
    url = reverse("fieldops:group", args=[group.pk])
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Active in 0 of the last 4 quarters." in content
    assert 'id="activity-form"' not in content
    # the activity status is never a field of any form
    client.force_login(actors["group_editor"])
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="activity-form"' in content
    assert 'name="activity_status"' not in content and 'name="activity"' not in content
    response = client.post(
        url,
        {
            "activity-on": days_ago(3).isoformat().replace("-", "/"),
            "activity-on_calendar": "gregorian",
            "activity-description": "Quran class",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.activity_status == "seasonal" and group.active_quarters == 1
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Active in 1 of the last 4 quarters." in content and "Quran class" in content
    # a day in the future is refused beside its field
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat().replace("-", "/")
    response = client.post(
        url,
        {"activity-on": tomorrow, "activity-on_calendar": "gregorian", "activity-description": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message("Activity is logged once it has happened.") in response.content.decode()
    assert GroupActivity.objects.filter(group=group).count() == 1


# --- camps -------------------------------------------------------------------------------------


def test_the_camp_page_shows_services_and_the_sponsor_decides(client, actors, camps):
    approved = camps["approved"]
    content = client.get(
        reverse("fieldops:camp", args=[approved.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "ویزیت پزشکی" in content and ">120<" in content and "visits" in content
    assert 'id="decide-form"' not in content
    # the sponsor's editor sees the form on the waiting camp; a rejection needs a reason
    waiting = camps["waiting"]
    client.force_login(actors["sponsor_editor"])
    url = reverse("fieldops:camp", args=[waiting.pk])
    assert 'id="decide-form"' in client.get(url).content.decode()
    decide = reverse("fieldops:camp-decide", args=[waiting.pk])
    response = client.post(decide, {"decision": "reject"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message("Say why the camp is rejected.") in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == CampStatus.SUBMITTED
    response = client.post(
        decide, {"decision": "reject", "note": "No report"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == CampStatus.REJECTED and waiting.decision_note == "No report"
    # the group's editor may not decide its own camp
    client.force_login(actors["group_editor"])
    assert client.post(decide, {"decision": "approve"}).status_code == 403


def png_file(name="photo.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def camp_data(**values) -> dict:
    from hamafza.directory.models import ActivityField

    data = {
        "field": ActivityField.objects.get(code="medical").pk,
        "starts_on": solar(days_ago(8)),
        "starts_on_calendar": "solar",
        "ends_on": solar(days_ago(2)),
        "ends_on_calendar": "solar",
        "province": Province.objects.get(code="IR-25").pk,
        "village": "روستای قلعه",
        "latitude": "34.6416",
        "longitude": "50.8746",
        "volunteers": "۱۲",
        "beneficiaries": "300",
        "report": "ویزیت رایگان",
        "services-TOTAL_FORMS": "3",
        "services-INITIAL_FORMS": "0",
        "services-0-name": "ویزیت پزشکی",
        "services-0-quantity": "۱۲۰",
        "services-0-unit": "visits",
        "services-1-name": "دارو",
        "services-1-quantity": "40.5",
        "services-1-unit": "items",
        "services-2-name": "",
        "services-2-quantity": "",
        "services-2-unit": "people",
    }
    data.update(values)
    return data


def test_the_group_logs_a_camp_with_services_and_photos(client, actors, group, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(actors["group_editor"])
    url = reverse("fieldops:camp-create", args=[group.pk])
    data = camp_data(photos=[png_file("one.png"), png_file("two.png")])
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 302, response.content.decode()[:3000]
    camp = Camp.objects.get(village="روستای قلعه")
    assert camp.status == CampStatus.SUBMITTED and camp.volunteers == 12
    assert camp.days == 7 and camp.created_by == actors["group_editor"]
    rows = list(camp.services.values_list("name", "quantity", "unit"))
    assert rows == [("ویزیت پزشکی", Decimal("120"), "visits"), ("دارو", Decimal("40.5"), "items")]
    assert camp.photos.count() == 2


@pytest.mark.parametrize(
    ("values", "field", "text"),
    [
        (
            {"starts_on": "1404/01/01", "ends_on": "1404/01/20"},
            "ends_on",
            "A camp lasts from 1 to %(days)s days.",
        ),
        ({"services-0-quantity": "-5"}, None, None),
        ({"latitude": "40.7", "longitude": "-74.0"}, "latitude", None),
        ({"photos": "not a file"}, None, None),
    ],
)
def test_a_wrong_camp_is_refused_and_nothing_is_saved(
    client, actors, group, settings, tmp_path, values, field, text
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(actors["group_editor"])
    url = reverse("fieldops:camp-create", args=[group.pk])
    if values.get("photos") == "not a file":
        values = {"photos": SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")}
    response = client.post(url, camp_data(**values), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert not Camp.objects.filter(village="روستای قلعه").exists()
    assert CampService.objects.filter(name="دارو").count() == 0
    content = response.content.decode()
    assert "invalid-feedback" in content or 'id="form-errors"' in content
    if field:
        assert "invalid-feedback" in content.split(f'id="field-{field}"', 1)[1][:2000]
    if text:
        assert message(text, days=14) in content


def test_the_camp_list_filters_by_month_status_province_and_group(client, actors, group, camps):
    other = CampFactory(status=CampStatus.APPROVED, starts_on=days_ago(200))
    url = reverse("fieldops:camps")

    def listed(**params) -> set[int]:
        content = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        return {int(pk) for pk in re.findall(r'<tr data-camp="(\d+)"', content)}

    assert listed() == {camps["approved"].pk, other.pk}
    assert listed(group=str(group.pk)) == {camps["approved"].pk}
    day = camps["approved"].starts_on
    assert listed(year=str(day.year), month=str(day.month)) == {camps["approved"].pk}
    assert listed(year=str(day.year + 1)) == set()
    assert listed(province="IR-25") == {camps["approved"].pk, other.pk}
    assert listed(province="IQ-KA") == set()
    client.force_login(actors["sponsor_editor"])
    assert listed(status="submitted") == {camps["waiting"].pk}


# --- campaigns and distributions ---------------------------------------------------------------


def test_the_campaign_page_totals_its_distributions(client, campaign):
    content = client.get(
        reverse("fieldops:campaign", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Faithful manoeuvre" in content
    assert re.search(r'id="total-packages">150<', content)
    assert re.search(r'id="total-households">140<', content)
    assert len(re.findall(r'<tr data-distribution="', content)) == 2
    listed = client.get(reverse("fieldops:campaigns"), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "رزمایش کمک مؤمنانه" in listed and "۱۵۰" in listed


def test_a_wrong_distribution_is_refused_beside_its_field(client, actors, campaign, group):
    client.force_login(actors["group_editor"])
    url = reverse("fieldops:distribution-create", args=[campaign.pk])
    before = Distribution.objects.count()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat().replace("-", "/")
    response = client.post(
        url,
        {
            "group": group.pk,
            "package_kind": "food",
            "quantity": "10",
            "households": "500",
            "distributed_on": future,
            "distributed_on_calendar": "gregorian",
            "province": Province.objects.get(code="IR-25").pk,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert Distribution.objects.count() == before
    content = response.content.decode()
    assert "invalid-feedback" in content.split('id="field-distributed_on"', 1)[1][:1500]
    # a group the editor does not belong to is not offered and is refused
    other = VolunteerGroupFactory()
    form = client.get(url).content.decode()
    assert f'value="{other.pk}"' not in form.split('name="group"', 1)[1].split("</select>")[0]
    data = {
        "group": other.pk,
        "package_kind": "food",
        "quantity": "10",
        "households": "10",
        "distributed_on": timezone.localdate().isoformat().replace("-", "/"),
        "distributed_on_calendar": "gregorian",
        "province": Province.objects.get(code="IR-25").pk,
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and Distribution.objects.count() == before


# --- the dashboard -----------------------------------------------------------------------------


def test_the_dashboard_draws_its_figures_as_bars_in_the_pages_direction(
    client, group, camps, campaign, points
):
    url = reverse("fieldops:dashboard")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'id="total-packages"><div class="hz-figure" data-value="150">', english)
    assert re.search(r'id="total-camps"><div class="hz-figure" data-value="1">', english)
    assert re.search(r'id="total-points"><div class="hz-figure" data-value="4">', english)
    for chart in (
        "chart-groups-field",
        "chart-groups-province",
        "chart-camps-province",
        "chart-packages",
        "chart-segments",
    ):
        assert f'id="{chart}"' in english
    packages = english.split('id="chart-packages"', 1)[1].split("</table>", 1)[0]
    assert "Faithful manoeuvre" in packages and 'width="100.00"' in packages
    # bars start at the left in English and at the right in Persian
    assert '<rect x="0" y="0" width="100.00"' in packages
    persian = client.get(url, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    packages = persian.split('id="chart-packages"', 1)[1].split("</table>", 1)[0]
    assert '<rect x="0.00" y="0" width="100.00"' in packages and "۱۵۰" in packages
    segments = persian.split('id="chart-segments"', 1)[1].split("</table>", 1)[0]
    assert segments.split("<tbody>", 1)[1].count("<tr>") == 15  # 1,452 poles, stretches of 100
    # export links for every list
    for what in ("groups", "camps", "distributions", "points"):
        assert reverse("fieldops:export", args=[what, "csv"]) in english
        assert reverse("fieldops:export", args=[what, "xlsx"]) in english


# --- exports -----------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def read_xlsx(response) -> list[tuple]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


@pytest.mark.parametrize(
    ("what", "rows", "header"),
    [
        ("groups", 1, "Registration number"),
        ("camps", 1, "Group"),
        ("distributions", 2, "Campaign"),
        ("points", 4, "Name"),
    ],
)
def test_exports_open_with_the_right_rows_and_translated_headers(
    client, points, camps, campaign, group, what, rows, header
):
    url = reverse("fieldops:export", args=[what, "csv"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    table = read_csv(response)
    assert table[0][0] == header
    assert len(table) == rows + 1
    sheet = read_xlsx(client.get(reverse("fieldops:export", args=[what, "xlsx"])))
    assert len(sheet) == rows + 1
    # the headers are in the visitor's language
    persian = read_csv(client.get(url, HTTP_ACCEPT_LANGUAGE="fa"))
    with translation.override("fa"):
        assert persian[0][0] == translation.gettext(header)


def test_exports_follow_the_lists_filters(client, points, camps, campaign):
    table = read_csv(
        client.get(
            reverse("fieldops:export", args=["points", "csv"]),
            {"status": "open"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    )
    names = {row[0] for row in table[1:]}
    assert names == {"Abbas mawkib", "Mehran border terminal"}
    statuses = {row[table[0].index("Status")] for row in table[1:]}
    assert statuses == {"Open"}
    # camps: anonymous visitors export approved camps only
    camps_table = read_csv(client.get(reverse("fieldops:export", args=["camps", "csv"])))
    assert len(camps_table) == 2
    # distributions of one campaign
    other = CampaignFactory()
    DistributionFactory(campaign=other)
    table = read_csv(
        client.get(
            reverse("fieldops:export", args=["distributions", "csv"]),
            {"campaign": campaign.pk},
        )
    )
    assert len(table) == 3


# --- queries do not grow with the rows ---------------------------------------------------------


def _more_rows(count: int, operator, group, sponsor) -> None:
    for index in range(count):
        point = ServicePointFactory(operator=operator, pole=200 + index * 7, languages=["fa"])
        assert point.pk
        organization_group = VolunteerGroupFactory(sponsor=sponsor, fields=["quran", "medical"])
        CampFactory(group=organization_group, status=CampStatus.APPROVED)
        campaign = CampaignFactory(organizer=sponsor)
        DistributionFactory(campaign=campaign, group=group)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("fieldops:map", {}),
        ("fieldops:points-geojson", {}),
        ("fieldops:points-geojson", {"service": "food", "language": "fa"}),
        ("fieldops:camps-geojson", {}),
        ("fieldops:points", {}),
        ("fieldops:groups", {}),
        ("fieldops:camps", {}),
        ("fieldops:campaigns", {}),
        ("fieldops:dashboard", {}),
    ],
)
def test_queries_do_not_grow_with_the_rows(client, operator, group, sponsor, name, params):
    _more_rows(2, operator, group, sponsor)
    url = reverse(name)
    few = queries(client, url, params)
    _more_rows(18, operator, group, sponsor)
    many = queries(client, url, params)
    assert many == few, (name, few, many)


def test_the_campaign_and_group_pages_queries_do_not_grow(client, operator, group, sponsor):
    campaign = CampaignFactory(organizer=sponsor)
    for _index in range(2):
        DistributionFactory(campaign=campaign, group=group)
        CampFactory(group=group, status=CampStatus.APPROVED)
    campaign_url = reverse("fieldops:campaign", args=[campaign.pk])
    group_url = reverse("fieldops:group", args=[group.pk])
    few = queries(client, campaign_url), queries(client, group_url)
    for _index in range(18):
        DistributionFactory(campaign=campaign, group=group)
        CampFactory(group=group, status=CampStatus.APPROVED)
    assert (queries(client, campaign_url), queries(client, group_url)) == few


def test_the_languages_offered_come_from_the_reference_list(client):
    content = client.get(reverse("fieldops:map"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    select = content.split('id="id_language"', 1)[1].split("</select>", 1)[0]
    codes = set(re.findall(r'<option value="([a-z]+)"', select))
    assert codes == set(Language.objects.values_list("code", flat=True))
