"""The field operations API: who may write, who sees what, bad input, the nearest service and
the map's GeoJSON, the dashboard, query costs and the schema."""

import datetime
import io
import json
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from PIL import Image
from rest_framework.exceptions import PermissionDenied
from rest_framework.test import APIClient

from hamafza.core.tests.clock import visitor_today
from hamafza.directory.models import Role
from hamafza.directory.policies import roles_forget
from hamafza.directory.tests.factories import OrganizationFactory, user_with_role
from hamafza.fieldops.models import (
    ActivityStatus,
    Camp,
    Campaign,
    CampPhoto,
    CampService,
    CampStatus,
    Distribution,
    GroupActivity,
    PointStatus,
    Route,
    ServicePoint,
    VolunteerGroup,
)
from hamafza.fieldops.routes import pole_point
from hamafza.fieldops.tests.factories import (
    QOM,
    CampaignFactory,
    CampFactory,
    CampServiceFactory,
    DistributionFactory,
    GroupOrganizationFactory,
    ServicePointFactory,
    VolunteerGroupFactory,
    days_ago,
    round_coordinate,
)
from hamafza.fieldops.tests.factories import field as activity_field
from hamafza.fieldops.tests.factories import province as province_of

pytestmark = pytest.mark.django_db

ROUTE = Route.NAJAF_KARBALA.value


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def days(n: int) -> str:
    return (visitor_today() + datetime.timedelta(days=n)).isoformat()


def png(name: str = "camp.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pole_coordinates(pole: int) -> tuple[str, str]:
    latitude, longitude = pole_point(ROUTE, pole)
    return str(round_coordinate(latitude)), str(round_coordinate(longitude))


def messages(response) -> list[str]:
    """Every message of a 400, whatever field it is under."""
    body = response.json()
    found = []
    for value in body.values() if isinstance(body, dict) else body:
        if isinstance(value, list):
            found.extend(str(item) for item in value)
        elif isinstance(value, dict):
            found.extend(str(item) for items in value.values() for item in items)
        else:
            found.append(str(value))
    return found


def db_state():
    """Every row a write endpoint could touch, to prove a refused write changed nothing."""
    return (
        list(
            VolunteerGroup.objects.order_by("pk").values_list(
                "pk", "registration_number", "sponsor", "size", "activity_status"
            )
        ),
        list(GroupActivity.objects.order_by("pk").values_list("pk", "on", "description")),
        list(
            Camp.objects.order_by("pk").values_list(
                "pk", "starts_on", "ends_on", "volunteers", "status", "decision_note"
            )
        ),
        list(CampService.objects.order_by("pk").values_list("pk", "name", "quantity")),
        list(CampPhoto.objects.order_by("pk").values_list("pk")),
        list(Campaign.objects.order_by("pk").values_list("pk", "name", "description")),
        list(
            Distribution.objects.order_by("pk").values_list(
                "pk", "quantity", "households", "distributed_on"
            )
        ),
        list(
            ServicePoint.objects.order_by("pk").values_list(
                "pk", "name", "hours", "status", "pole", "latitude"
            )
        ),
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(group, sponsor, operator, stranger):
    """A group with a camp awaiting approval, a campaign of its sponsor with one of its
    deliveries, and a mawkib of the operator on the walk."""
    camp = CampFactory(group=group)
    CampServiceFactory(camp=camp)
    campaign = CampaignFactory(organizer=sponsor, name="رزمایش کمک مؤمنانه ۱۴۰۴")
    return SimpleNamespace(
        group=group,
        sponsor=sponsor,
        operator=operator,
        stranger=stranger,
        newcomer=GroupOrganizationFactory(name="گروه جهادی تازه"),
        camp=camp,
        campaign=campaign,
        distribution=DistributionFactory(campaign=campaign, group=group, quantity=100),
        point=ServicePointFactory(operator=operator, pole=100, name="موکب آزمایشی صد"),
    )


def camp_body(group, **extra) -> dict:
    latitude, longitude = QOM
    body = {
        "group": group.pk,
        "field": "medical",
        "starts_on": days(-10),
        "ends_on": days(-4),
        "province": "IR-25",
        "village": "کهک",
        "latitude": f"{latitude:.6f}",
        "longitude": f"{longitude:.6f}",
        "volunteers": 14,
        "beneficiaries": 320,
        "report": "ویزیت رایگان و توزیع دارو",
        "services": [
            {"name": "ویزیت پزشکی", "quantity": "120", "unit": "visits"},
            {"name": "توزیع دارو", "quantity": "80", "unit": "items"},
        ],
    }
    body.update(extra)
    return body


def point_body(operator, **extra) -> dict:
    """A mawkib at pole 200, its point the pole's; ``extra`` changes what it says."""
    pole = 200
    latitude, longitude = pole_coordinates(pole)
    body = {
        "operator": operator.pk,
        "name": "موکب شهدای آزمایشی",
        "names": {"ar": "موكب الشهداء", "en": "Martyrs' mawkib"},
        "kind": "mawkib",
        "country": "IQ",
        "latitude": latitude,
        "longitude": longitude,
        "route": ROUTE,
        "pole": pole,
        "services": ["food", "tea", "rest"],
        "languages": ["fa", "ar"],
        "capacity": 200,
        "hours": "24",
    }
    body.update(extra)
    return body


WRITES = {
    "group-register": lambda w: (
        "post",
        "/api/volunteer-groups/",
        {
            "organization": w.newcomer.pk,
            "sponsor": w.sponsor.pk,
            "registration_number": "QOM-0999",
            "registered_on": days(-30),
            "size": 30,
        },
        201,
    ),
    "group-update": lambda w: (
        "patch",
        f"/api/volunteer-groups/{w.group.pk}/",
        {"size": 40},
        200,
    ),
    "group-activity": lambda w: (
        "post",
        f"/api/volunteer-groups/{w.group.pk}/activity/",
        {"on": days(-3), "field": "construction", "description": "ساخت دیوار مدرسه"},
        201,
    ),
    "camp-create": lambda w: ("post", "/api/camps/", camp_body(w.group), 201),
    "camp-update": lambda w: ("patch", f"/api/camps/{w.camp.pk}/", {"volunteers": 15}, 200),
    "camp-delete": lambda w: ("delete", f"/api/camps/{w.camp.pk}/", None, 204),
    "camp-photo": lambda w: (
        "post",
        f"/api/camps/{w.camp.pk}/photos/",
        {"image": png(), "caption": "ساخت حمام"},
        201,
    ),
    "camp-decide": lambda w: (
        "post",
        f"/api/camps/{w.camp.pk}/decide/",
        {"decision": "approve"},
        200,
    ),
    "campaign-create": lambda w: (
        "post",
        "/api/campaigns/",
        {"organizer": w.sponsor.pk, "name": "رزمایش تازه", "starts_on": days(-5)},
        201,
    ),
    "campaign-update": lambda w: (
        "patch",
        f"/api/campaigns/{w.campaign.pk}/",
        {"description": "بسته‌های معیشتی"},
        200,
    ),
    "distribution-record": lambda w: (
        "post",
        "/api/distributions/",
        {
            "campaign": w.campaign.pk,
            "group": w.group.pk,
            "package_kind": "livelihood",
            "quantity": 50,
            "households": 50,
            "distributed_on": days(-5),
            "province": "IR-25",
            "place": "محلهٔ نیروگاه",
        },
        201,
    ),
    "distribution-update": lambda w: (
        "patch",
        f"/api/distributions/{w.distribution.pk}/",
        {"quantity": 150},
        200,
    ),
    "distribution-delete": lambda w: (
        "delete",
        f"/api/distributions/{w.distribution.pk}/",
        None,
        204,
    ),
    "point-create": lambda w: ("post", "/api/service-points/", point_body(w.operator), 201),
    "point-update": lambda w: (
        "patch",
        f"/api/service-points/{w.point.pk}/",
        {"hours": "6–22"},
        200,
    ),
    "point-status": lambda w: (
        "post",
        f"/api/service-points/{w.point.pk}/status/",
        {"status": "full"},
        200,
    ),
    "point-delete": lambda w: ("delete", f"/api/service-points/{w.point.pk}/", None, 204),
}
# Who may make each write, besides coordinators.
ALLOWED = {
    "group-register": {"sponsor_editor"},
    "group-update": {"group_editor", "sponsor_editor"},
    "group-activity": {"group_editor"},
    "camp-create": {"group_editor"},
    "camp-update": {"group_editor"},
    "camp-delete": {"group_editor"},
    "camp-photo": {"group_editor"},
    "camp-decide": {"sponsor_editor"},
    "campaign-create": {"sponsor_editor"},
    "campaign-update": {"sponsor_editor"},
    "distribution-record": {"group_editor", "sponsor_editor"},
    "distribution-update": {"group_editor", "sponsor_editor"},
    "distribution-delete": {"group_editor", "sponsor_editor"},
    "point-create": {"operator_editor"},
    "point-update": {"operator_editor"},
    "point-status": {"operator_editor"},
    "point-delete": {"operator_editor"},
}
# A camp awaiting approval is not found by those who may not see it.
CAMP_ROWS = {"camp-update", "camp-delete", "camp-photo", "camp-decide"}
CAMP_STAFF = {"group_editor", "sponsor_editor"}
ACTORS = [
    "anonymous",
    "group_editor",
    "sponsor_editor",
    "operator_editor",
    "operator_viewer",
    "stranger_owner",
    "coordinator",
]


def _refusal(endpoint: str, actor: str) -> int:
    if actor == "anonymous":
        return 403
    if endpoint in CAMP_ROWS and actor not in CAMP_STAFF:
        return 404
    return 403


def _call(client, method, path, body, **extra):
    if body is not None and any(isinstance(v, SimpleUploadedFile) for v in body.values()):
        return getattr(client, method)(path, body, format="multipart", **extra)
    return getattr(client, method)(path, body, format="json", **extra)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_every_write_asks_the_policy(world, actors, endpoint, actor):
    # given a group, its camp, its sponsor's campaign and an operator's mawkib, and someone
    # who writes
    method, path, body, success = WRITES[endpoint](world)
    before = db_state()
    # when they call the endpoint
    response = _call(api(actors[actor]), method, path, body)
    # then those the policy allows succeed and change something; everyone else is refused
    # (not found where they may not even see the row) and nothing changes
    if actor == "coordinator" or actor in ALLOWED[endpoint]:
        assert response.status_code == success, response.content
        assert db_state() != before
    else:
        assert response.status_code == _refusal(endpoint, actor), response.content
        assert db_state() == before


def test_a_status_update_from_another_organizations_staff_is_refused_in_their_language(
    world, actors
):
    # given another organization's owner, and the operator's viewer
    path = f"/api/service-points/{world.point.pk}/status/"
    for actor in ("stranger_owner", "operator_viewer"):
        client = api(actors[actor])
        # when they set the operator's point's status, in English and in Persian
        english = client.post(path, {"status": "closed"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
        persian = client.post(path, {"status": "closed"}, format="json", HTTP_ACCEPT_LANGUAGE="fa")
        # then each is refused in the caller's language, and the point stays open
        assert english.status_code == persian.status_code == 403
        for response, language in ((english, "en"), (persian, "fa")):
            with translation.override(language):
                assert response.json()["detail"] == str(PermissionDenied.default_detail)
        assert english.json()["detail"] != persian.json()["detail"]
    world.point.refresh_from_db()
    assert (world.point.status, world.point.status_changed_by) == (PointStatus.OPEN, None)


def test_anonymous_callers_read_but_never_write(world):
    # given anyone at all
    client = api()
    # then they read the public lists and the map
    for path in (
        "/api/volunteer-groups/",
        "/api/camps/",
        "/api/campaigns/",
        "/api/distributions/",
        "/api/service-points/",
        "/api/service-points/geojson/",
        "/api/fieldops-dashboard/",
    ):
        assert client.get(path).status_code == 200, path
    # and even a body that names no parent is refused, not a 400
    assert client.post("/api/camps/", {}, format="json").status_code == 403
    assert client.post("/api/service-points/", {}, format="json").status_code == 403


# --- volunteer groups ---------------------------------------------------------------------


def test_a_group_is_registered_and_read_back(world, actors):
    # given an editor of the sponsoring body
    client = api(actors["sponsor_editor"])
    # when they register a volunteer group's organization
    response = client.post(
        "/api/volunteer-groups/",
        {
            "organization": world.newcomer.pk,
            "sponsor": world.sponsor.pk,
            "registration_number": "QOM-0780",
            "registered_on": days(-100),
            "size": 35,
        },
        format="json",
    )
    # then the group is registered, dormant until it logs activity
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == world.newcomer.display_name()
    assert body["sponsor"] == world.sponsor.pk
    assert body["registration_number"] == "QOM-0780"
    assert body["activity_status"] == ActivityStatus.DORMANT
    assert body["province"] == "IR-25"
    # and it is read back alike
    again = client.get(f"/api/volunteer-groups/{body['id']}/").json()
    assert again == body


def test_an_organization_of_another_kind_is_not_registered(world, actors, english):
    # given a mosque, not a volunteer group
    mosque = OrganizationFactory(kind="mosque")
    # when the sponsor's editor registers it
    response = api(actors["sponsor_editor"]).post(
        "/api/volunteer-groups/",
        {"organization": mosque.pk, "sponsor": world.sponsor.pk, "registration_number": "X-1"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then it is refused with the reason, and nothing is registered
    assert response.status_code == 400
    assert "organization" in response.json()
    assert VolunteerGroup.objects.count() == 1


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_activity_status_is_never_written(world, actors, language):
    # given the group's editor and a dormant group
    client = api(actors["group_editor"])
    before = db_state()
    # when they try to set the activity status by hand
    response = client.patch(
        f"/api/volunteer-groups/{world.group.pk}/",
        {"activity_status": "active", "size": 50},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # then it is a 400 naming the field, in their language, and nothing changes
    assert response.status_code == 400
    (message,) = response.json()["non_field_errors"]
    assert "activity_status" in message
    expected = {"en": "Unknown fields: activity_status", "fa": "فیلدهای ناشناخته: activity_status"}
    assert message == expected[language]
    assert db_state() == before


def test_logged_activity_moves_the_derived_status(world, actors):
    # given a dormant group
    client = api(actors["group_editor"])
    path = f"/api/volunteer-groups/{world.group.pk}/activity/"
    # when its editor logs work done three days ago
    response = client.post(path, {"on": days(-3), "description": "ساخت دیوار مدرسه"}, format="json")
    # then the day is listed and the group is seasonal (one quarter of the last four)
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "other"
    listed = client.get(path).json()
    assert [row["description"] for row in listed] == ["ساخت دیوار مدرسه"]
    group = client.get(f"/api/volunteer-groups/{world.group.pk}/").json()
    assert group["activity_status"] == ActivityStatus.SEASONAL
    assert group["last_active_on"] == days(-3)


def test_activity_in_the_future_is_refused(world, actors, english):
    # when the group's editor logs work for tomorrow
    response = api(actors["group_editor"]).post(
        f"/api/volunteer-groups/{world.group.pk}/activity/",
        {"on": days(1), "description": "اردو"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then it is refused, and nothing is logged
    assert response.status_code == 400
    assert response.json() == {"on": ["Activity is logged once it has happened."]}
    assert not GroupActivity.objects.exists()


def test_group_list_filters(world, actors):
    # given the group (construction and medical, in Qom) and another sponsor's dormant group
    other = VolunteerGroupFactory(registration_number="ILM-0001", fields=["cultural"])
    client = api()

    def ids(**params) -> list[int]:
        response = client.get("/api/volunteer-groups/", params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    # then each filter narrows the list
    assert ids() == [other.pk, world.group.pk]
    assert ids(sponsor=world.sponsor.pk) == [world.group.pk]
    assert ids(field="medical") == [world.group.pk]
    assert ids(province="IR-25") == [other.pk, world.group.pk]
    assert ids(activity_status="dormant") == [other.pk, world.group.pk]
    assert ids(activity_status="active") == []
    assert ids(q="QOM-0001") == [world.group.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sponsor": "abc"}, "sponsor"),
        ({"sponsor": "0"}, "sponsor"),
        ({"activity_status": "busy"}, "activity_status"),
        ({"field": "a b"}, "field"),
    ],
)
def test_a_bad_group_filter_is_a_400_naming_it(world, params, field):
    response = api().get("/api/volunteer-groups/", params)
    assert response.status_code == 400
    assert field in response.json()


# --- camps --------------------------------------------------------------------------------


def test_a_camp_is_logged_with_its_services_and_photos_and_approved(world, actors):
    # given the group's editor
    client = api(actors["group_editor"])
    # when they log a medical camp with the services it delivered
    response = client.post("/api/camps/", camp_body(world.group), format="json")
    # then it waits for approval, with its services
    assert response.status_code == 201, response.content
    camp = response.json()
    assert camp["status"] == CampStatus.SUBMITTED
    assert camp["days"] == 7
    assert camp["field"] == "medical"
    assert camp["province"] == "IR-25"
    assert [(s["name"], s["quantity"], s["unit"]) for s in camp["services"]] == [
        ("ویزیت پزشکی", "120.00", "visits"),
        ("توزیع دارو", "80.00", "items"),
    ]
    # and a photo is added to it
    photo = client.post(
        f"/api/camps/{camp['id']}/photos/",
        {"image": png(), "caption": "درمانگاه"},
        format="multipart",
    )
    assert photo.status_code == 201, photo.content
    detail = client.get(f"/api/camps/{camp['id']}/").json()
    assert [p["caption"] for p in detail["photos"]] == ["درمانگاه"]
    # and a change replaces the services
    changed = client.patch(
        f"/api/camps/{camp['id']}/",
        {"services": [{"name": "ویزیت دندانپزشکی", "quantity": "40", "unit": "visits"}]},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert [s["name"] for s in changed.json()["services"]] == ["ویزیت دندانپزشکی"]
    # when the sponsor's editor approves it
    decided = api(actors["sponsor_editor"]).post(
        f"/api/camps/{camp['id']}/decide/", {"decision": "approve"}, format="json"
    )
    # then it is approved, public, and counts as the group's activity
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == CampStatus.APPROVED
    assert api().get(f"/api/camps/{camp['id']}/").status_code == 200
    assert GroupActivity.objects.filter(group=world.group, source="camp").count() == 1
    # and the group's editor may no longer change it
    again = client.patch(f"/api/camps/{camp['id']}/", {"volunteers": 3}, format="json")
    assert again.status_code == 403


def test_a_rejection_needs_a_reason_and_a_camp_is_decided_once(world, actors, english):
    client = api(actors["sponsor_editor"])
    path = f"/api/camps/{world.camp.pk}/decide/"
    # when the sponsor rejects the camp without a reason
    response = client.post(path, {"decision": "reject"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    # then it is refused, naming the note, and the camp still waits
    assert response.status_code == 400
    assert response.json() == {"note": ["Say why the camp is rejected."]}
    world.camp.refresh_from_db()
    assert world.camp.status == CampStatus.SUBMITTED
    # when they give one, the camp is rejected; a second decision is refused
    rejected = client.post(path, {"decision": "reject", "note": "گزارش ناقص"}, format="json")
    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["status"] == CampStatus.REJECTED
    assert rejected.json()["decision_note"] == "گزارش ناقص"
    again = client.post(path, {"decision": "approve"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert messages(again) == ["This camp has already been decided."]
    # and a decision that is neither is a 400 naming it
    bad = client.post(path, {"decision": "maybe"}, format="json")
    assert bad.status_code == 400
    assert "decision" in bad.json()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_on": days(20)}, "ends_on", "A camp lasts from 1 to 14 days."),
        ({"ends_on": days(-12)}, None, "A camp cannot end before it starts."),
        (
            {"services": [{"name": "ویزیت", "quantity": "-5", "unit": "visits"}]},
            "services",
            "Service 1:",
        ),
        ({"latitude": "48.856600", "longitude": "2.352200"}, "latitude", "outside Iran"),
        ({"volunteers": 0}, "volunteers", "greater than or equal to 1"),
        ({"field": "astrology"}, "field", "does not exist"),
    ],
)
def test_a_bad_camp_is_refused_and_nothing_saved(world, actors, english, change, field, message):
    # given the group's editor, and a camp of ten days ago as the body
    before = db_state()
    # when they log a camp that breaks a rule
    response = api(actors["group_editor"]).post(
        "/api/camps/", camp_body(world.group, **change), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    # then it is refused with the reason in English, and nothing is saved
    assert response.status_code == 400, response.content
    if field is not None:
        assert field in response.json()
    assert any(message in text for text in messages(response)), response.json()
    assert db_state() == before


def test_a_camp_awaiting_approval_is_seen_by_its_group_and_sponsor_only(world, actors):
    # given an approved camp beside the one awaiting approval
    approved = CampFactory(group=world.group, status=CampStatus.APPROVED)

    def ids(user) -> list[int]:
        response = api(user).get("/api/camps/")
        assert response.status_code == 200
        return sorted(row["id"] for row in response.json()["results"])

    both = sorted([world.camp.pk, approved.pk])
    # then the group's and the sponsor's staff and coordinators see both
    assert ids(actors["group_editor"]) == both
    assert ids(actors["sponsor_editor"]) == both
    assert ids(actors["coordinator"]) == both
    viewer = user_with_role(world.sponsor, Role.VIEWER, username="sponsor_viewer")
    assert ids(viewer) == both
    # and anyone else the approved one only; the other is "not found"
    assert ids(None) == [approved.pk]
    assert ids(actors["stranger_owner"]) == [approved.pk]
    assert api().get(f"/api/camps/{world.camp.pk}/").status_code == 404
    assert api(actors["stranger_owner"]).get(f"/api/camps/{world.camp.pk}/").status_code == 404
    assert api(actors["group_editor"]).get(f"/api/camps/{world.camp.pk}/").status_code == 200


def test_camp_list_filters(world, actors):
    # given approved camps in two provinces, years and months, and fields
    this_year = timezone.localdate().year
    Camp.objects.filter(pk=world.camp.pk).update(
        starts_on=datetime.date(this_year - 2, 6, 1), ends_on=datetime.date(this_year - 2, 6, 5)
    )
    spring = CampFactory(
        group=world.group,
        status=CampStatus.APPROVED,
        starts_on=datetime.date(this_year - 1, 4, 10),
        ends_on=datetime.date(this_year - 1, 4, 16),
    )
    ilam = CampFactory(
        group=VolunteerGroupFactory(),
        status=CampStatus.APPROVED,
        province=province_of("IR-16"),
        field=activity_field("medical"),
        latitude=None,
        longitude=None,
        starts_on=datetime.date(this_year - 1, 8, 1),
        ends_on=datetime.date(this_year - 1, 8, 7),
    )
    client = api(actors["group_editor"])

    def ids(**params) -> list[int]:
        response = client.get("/api/camps/", params)
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    # then each filter narrows the list
    assert ids(group=world.group.pk) == sorted([world.camp.pk, spring.pk])
    assert ids(province="IR-16") == [ilam.pk]
    assert ids(status="submitted") == [world.camp.pk]
    assert ids(field="medical") == [ilam.pk]
    assert ids(year=this_year - 1) == sorted([spring.pk, ilam.pk])
    assert ids(year=this_year - 1, month=4) == [spring.pk]
    assert ids(month=8) == [ilam.pk]
    assert ids(sponsor=world.sponsor.pk) == sorted([world.camp.pk, spring.pk])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "13"}, "month"),
        ({"year": "abc"}, "year"),
        ({"status": "lost"}, "status"),
        ({"group": "-1"}, "group"),
        ({"since": "yesterday"}, "since"),
    ],
)
def test_a_bad_camp_filter_is_a_400_naming_it(world, params, field):
    response = api().get("/api/camps/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_photo_that_is_not_a_picture_is_refused(world, actors, english):
    # when the group's editor uploads a text file as a photo
    upload = SimpleUploadedFile("notes.png", b"not a picture", content_type="image/png")
    response = api(actors["group_editor"]).post(
        f"/api/camps/{world.camp.pk}/photos/",
        {"image": upload},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then it is refused naming the image, and nothing is kept
    assert response.status_code == 400
    assert response.json() == {"image": ["The file must be a PNG or JPEG picture."]}
    assert not CampPhoto.objects.exists()


# --- campaigns and distributions ----------------------------------------------------------


def test_campaign_totals_count_each_package_once(world, actors):
    # given a second delivery by another group in the campaign, and another campaign
    DistributionFactory(
        campaign=world.campaign, group=VolunteerGroupFactory(), quantity=250, households=240
    )
    DistributionFactory(quantity=999)
    # when the campaigns are read
    listed = api().get("/api/campaigns/").json()["results"]
    detail = api().get(f"/api/campaigns/{world.campaign.pk}/").json()
    # then the campaign's packages and households are summed once
    mine = next(row for row in listed if row["id"] == world.campaign.pk)
    assert (mine["packages"], mine["households"], mine["distributions"]) == (350, 340, 2)
    assert (detail["packages"], detail["groups"]) == (350, 2)


def test_a_campaign_is_started_and_changed(world, actors):
    client = api(actors["sponsor_editor"])
    # when the sponsor's editor starts a campaign
    response = client.post(
        "/api/campaigns/",
        {
            "organizer": world.sponsor.pk,
            "name": "رزمایش کمک مؤمنانه مرحله دوم",
            "names": {"en": "Faithful manoeuvre, second stage"},
            "starts_on": days(-10),
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then it is read back with empty totals, in the caller's language
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["display_name"] == "Faithful manoeuvre, second stage"
    assert (body["packages"], body["households"], body["distributions"]) == (0, 0, 0)
    # and a campaign ending before it starts is refused
    bad = client.patch(f"/api/campaigns/{body['id']}/", {"ends_on": days(-20)}, format="json")
    assert bad.status_code == 400
    assert Campaign.objects.get(pk=body["id"]).ends_on is None


def test_a_distribution_is_recorded_changed_and_deleted(world, actors):
    client = api(actors["group_editor"])
    # when the group's editor records a delivery
    response = client.post(
        "/api/distributions/",
        {
            "campaign": world.campaign.pk,
            "group": world.group.pk,
            "package_kind": "livelihood",
            "quantity": 80,
            "households": 75,
            "distributed_on": days(-2),
            "province": "IR-25",
            "place": "محلهٔ زنبیل‌آباد",
        },
        format="json",
    )
    # then it is read back and counts as the group's activity
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["quantity"], body["households"], body["province"]) == (80, 75, "IR-25")
    assert GroupActivity.objects.filter(source="distribution", source_id=body["id"]).exists()
    # and it is changed, then deleted with its activity
    changed = client.patch(f"/api/distributions/{body['id']}/", {"households": 90}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["households"] == 90
    assert client.delete(f"/api/distributions/{body['id']}/").status_code == 204
    assert not Distribution.objects.filter(pk=body["id"]).exists()
    assert not GroupActivity.objects.filter(source="distribution", source_id=body["id"]).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": -5}, "quantity"),
        ({"households": -1}, "households"),
        ({"distributed_on": days(5)}, "distributed_on"),
        ({"province": "XX-99"}, "province"),
        ({"latitude": "48.856600", "longitude": "2.352200"}, "latitude"),
    ],
)
def test_a_bad_distribution_is_refused_and_nothing_saved(world, actors, english, change, field):
    before = db_state()
    body = {
        "campaign": world.campaign.pk,
        "group": world.group.pk,
        "package_kind": "food",
        "quantity": 10,
        "households": 10,
        "distributed_on": days(-1),
        "province": "IR-25",
        "place": "محلهٔ آزمایشی",
        **change,
    }
    response = api(actors["group_editor"]).post(
        "/api/distributions/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert db_state() == before


def test_distribution_list_filters(world):
    # given deliveries of another campaign, group and province, on other days
    other = DistributionFactory(
        province=province_of("IR-16"),
        distributed_on=days_ago(5),
    )
    client = api()

    def ids(**params) -> list[int]:
        response = client.get("/api/distributions/", params)
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    mine = world.distribution.pk
    assert ids(campaign=world.campaign.pk) == [mine]
    assert ids(group=world.group.pk) == [mine]
    assert ids(province="IR-16") == [other.pk]
    assert ids(since=days(-10)) == [other.pk]
    assert ids(until=days(-10)) == [mine]
    assert ids(since=days(-70), until=days(-1)) == sorted([mine, other.pk])
    bad = client.get("/api/distributions/", {"since": days(-1), "until": days(-10)})
    assert bad.status_code == 400
    assert "until" in bad.json()
    assert client.get("/api/distributions/", {"campaign": "x"}).status_code == 400


# --- service points -----------------------------------------------------------------------


def test_a_point_is_put_on_the_map_changed_and_its_status_set(world, actors):
    client = api(actors["operator_editor"])
    # when the operator's editor puts a mawkib at pole 200
    body = point_body(world.operator)
    body["latitude"] += "4321"  # a phone's position: rounded to six decimals
    response = client.post("/api/service-points/", body, format="json")
    # then it is open, with its services and languages
    assert response.status_code == 201, response.content
    point = response.json()
    assert point["latitude"] == point_body(world.operator)["latitude"]
    assert (point["route"], point["pole"], point["status"]) == (ROUTE, 200, "open")
    assert point["languages"] == ["ar", "fa"]
    assert point["services"] == ["food", "tea", "rest"]
    # and a change keeps the rest
    changed = client.patch(
        f"/api/service-points/{point['id']}/", {"capacity": 350}, format="json"
    ).json()
    assert (changed["capacity"], changed["pole"]) == (350, 200)
    # and the operator says from a phone that it is full
    status = client.post(
        f"/api/service-points/{point['id']}/status/", {"status": "full"}, format="json"
    )
    assert status.status_code == 200, status.content
    assert status.json()["status"] == "full"
    assert ServicePoint.objects.get(pk=point["id"]).status_changed_by == actors["operator_editor"]
    # and the status is set there alone, as is the operator on creation
    assert (
        client.patch(
            f"/api/service-points/{point['id']}/", {"status": "open"}, format="json"
        ).status_code
        == 400
    )
    assert (
        client.patch(
            f"/api/service-points/{point['id']}/", {"operator": world.stranger.pk}, format="json"
        ).status_code
        == 400
    )
    # and a status that is none of open, full, closed is a 400
    bad = client.post(
        f"/api/service-points/{point['id']}/status/", {"status": "busy"}, format="json"
    )
    assert bad.status_code == 400
    assert "status" in bad.json()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"latitude": "34.641600", "longitude": "50.874600"}, "latitude", "outside Iraq"),
        ({"pole": 99999}, "pole", "1452"),
        ({"pole": 0}, "pole", "1"),
        ({"route": "", "pole": 10}, "route", "A pole number belongs to a route."),
        ({"services": ["teleport"]}, "services", "not a valid choice"),
        ({"kind": "spaceship"}, "kind", "valid choice"),
        ({"capacity": -3}, "capacity", "greater than or equal to 0"),
        ({"latitude": "abc"}, "latitude", "valid number"),
        ({"latitude": "1e30"}, "latitude", "digits"),
    ],
)
def test_a_bad_point_is_refused_and_nothing_saved(world, actors, english, change, field, message):
    # given the operator's editor
    before = db_state()
    # when they put a point on the map that breaks a rule
    response = api(actors["operator_editor"]).post(
        "/api/service-points/",
        point_body(world.operator, **change),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then it is refused naming the field, in English, and nothing is saved
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert any(message in text for text in messages(response)), response.json()
    assert db_state() == before


def test_a_point_moved_out_of_its_country_is_refused(world, actors, english):
    # when the operator's editor moves the Iraqi mawkib to Qom
    before = db_state()
    response = api(actors["operator_editor"]).patch(
        f"/api/service-points/{world.point.pk}/",
        {"latitude": f"{QOM[0]:.6f}", "longitude": f"{QOM[1]:.6f}"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then it stays where it was
    assert response.status_code == 400
    assert response.json()["latitude"] == ["This point is outside Iraq."]
    assert db_state() == before


@pytest.fixture
def points(world):
    """Points along the walk and at Mehran: open ones at poles 100 (the world's), 110 (a
    medical post speaking Urdu) and 500, a full one at 103, and a border post."""
    return SimpleNamespace(
        p100=world.point,
        p110=ServicePointFactory(
            pole=110, kind="medical", services=["medical", "water"], languages=["ur", "ar"]
        ),
        p103=ServicePointFactory(pole=103, status=PointStatus.FULL),
        p500=ServicePointFactory(pole=500, languages=["fa"]),
        mehran=ServicePointFactory(mehran=True, name="پایانه مرزی مهران"),
    )


def _nearest(params, **extra):
    response = api().get("/api/service-points/nearest/", params, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_nearest_open_points_come_nearest_first_from_a_pole(points):
    # when a pilgrim at pole 104 asks for the nearest open points
    found = _nearest({"route": ROUTE, "pole": 104})
    # then the open ones come nearest first, the full one left out, each with its distance
    assert [row["id"] for row in found] == [
        points.p100.pk,
        points.p110.pk,
        points.p500.pk,
        points.mehran.pk,
    ]
    assert [row["poles_away"] for row in found] == [4, 6, 396, None]
    distances = [row["distance_metres"] for row in found]
    assert distances == sorted(distances)
    assert 150 < distances[0] < 250


def test_the_nearest_from_a_position_with_filters(points):
    latitude, longitude = pole_coordinates(104)
    position = {"lat": latitude, "lon": longitude}
    # from a phone's position: the same order, without pole distances
    found = _nearest(position)
    assert [row["id"] for row in found][:3] == [points.p100.pk, points.p110.pk, points.p500.pk]
    assert {row["poles_away"] for row in found} == {None}
    # a kind, a service or a language narrows them; the limit cuts them
    assert [row["id"] for row in _nearest({**position, "kind": "medical"})] == [points.p110.pk]
    assert [row["id"] for row in _nearest({**position, "service": "medical"})] == [
        points.p110.pk,
        points.mehran.pk,
    ]
    assert [row["id"] for row in _nearest({**position, "language": "ur"})] == [points.p110.pk]
    assert [row["id"] for row in _nearest({**position, "limit": 1})] == [points.p100.pk]
    # and a phone's many decimals are welcome
    assert _nearest({"lat": "32.0611234567", "lon": "44.2867654321", "limit": 1})


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "abc", "lon": "44.3"}, "lat"),
        ({"lat": "nan", "lon": "44.3"}, "lat"),
        ({"lat": "91", "lon": "44.3"}, "lat"),
        ({"lat": "32.1"}, "lon"),
        ({"route": ROUTE, "pole": "99999"}, "pole"),
        ({"route": ROUTE, "pole": "0"}, "pole"),
        ({"route": ROUTE, "pole": "x"}, "pole"),
        ({"route": ROUTE}, "pole"),
        ({"pole": "12"}, "route"),
        ({"route": "mashhad_walk", "pole": "12"}, "route"),
        ({"route": ROUTE, "pole": "12", "limit": "-1"}, "limit"),
        ({"route": ROUTE, "pole": "12", "limit": "21"}, "limit"),
        ({"route": ROUTE, "pole": "12", "kind": "spaceship"}, "kind"),
        ({"route": ROUTE, "pole": "12", "service": "teleport"}, "service"),
        ({}, "non_field_errors"),
        ({"lat": "32.1", "lon": "44.3", "route": ROUTE, "pole": "12"}, "non_field_errors"),
    ],
)
def test_a_bad_nearest_query_is_a_400_naming_the_parameter(points, params, field):
    response = api().get("/api/service-points/nearest/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


def test_a_pole_the_route_does_not_have_is_named(points, english):
    response = api().get(
        "/api/service-points/nearest/",
        {"route": ROUTE, "pole": 1453},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {
        "pole": ["There is no pole 1453 on this route: its poles run from 1 to 1452."]
    }


def _geojson(params=None, **extra):
    response = api().get("/api/service-points/geojson/", params or {}, **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    return collection


def test_the_geojson_parses_and_filters(points):
    # when the map reads every point
    collection = _geojson(HTTP_ACCEPT_LANGUAGE="en")
    # then each is a feature with its point and what the map shows, in the caller's language
    by_id = {feature["id"]: feature for feature in collection["features"]}
    assert set(by_id) == {
        points.p100.pk,
        points.p103.pk,
        points.p110.pk,
        points.p500.pk,
        points.mehran.pk,
    }
    mawkib = by_id[points.p100.pk]
    assert mawkib["geometry"]["type"] == "Point"
    longitude, latitude = mawkib["geometry"]["coordinates"]
    assert (round(latitude, 4), round(longitude, 4)) == tuple(
        round(float(value), 4) for value in pole_coordinates(100)
    )
    assert mawkib["properties"]["name"] == points.p100.names["en"]
    assert mawkib["properties"]["pole"] == 100

    def ids(**params) -> set[int]:
        return {feature["id"] for feature in _geojson(params)["features"]}

    # and the filters narrow it
    assert ids(kind="border") == {points.mehran.pk}
    assert ids(kind="border,medical") == {points.mehran.pk, points.p110.pk}
    assert ids(status="full") == {points.p103.pk}
    assert ids(service="medical") == {points.p110.pk, points.mehran.pk}
    assert ids(language="ur") == {points.p110.pk}
    assert ids(route=ROUTE) == {points.p100.pk, points.p103.pk, points.p110.pk, points.p500.pk}
    assert ids(operator=points.p100.operator_id) == {points.p100.pk}
    # and a bad filter is a 400 naming it
    for params, field in (({"kind": "spaceship"}, "kind"), ({"operator": "x"}, "operator")):
        response = api().get("/api/service-points/geojson/", params)
        assert response.status_code == 400
        assert field in response.json()


def test_service_point_list_filters(points):
    client = api()

    def ids(**params) -> set[int]:
        response = client.get("/api/service-points/", params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(kind="medical") == {points.p110.pk}
    assert ids(status="full") == {points.p103.pk}
    assert ids(route=ROUTE) == {points.p100.pk, points.p103.pk, points.p110.pk, points.p500.pk}
    assert ids(border_crossing="mehran") == {points.mehran.pk}
    assert ids(operator=points.p100.operator_id) == {points.p100.pk}
    assert ids(language="fa") == {points.p500.pk}
    assert ids(service="medical") == {points.p110.pk, points.mehran.pk}
    assert ids(q="مهران") == {points.mehran.pk}
    for params, field in (
        ({"border_crossing": "narnia"}, "border_crossing"),
        ({"status": "open,busy"}, "status"),
        ({"route": "x"}, "route"),
    ):
        response = client.get("/api/service-points/", params)
        assert response.status_code == 400
        assert field in response.json()


def test_unknown_ids_are_not_found(world):
    client = api()
    for path in (
        "/api/service-points/99999999/",
        f"/api/service-points/{2**64}/",
        "/api/camps/0/",
        "/api/volunteer-groups/abc/",
        "/api/campaigns/99999999/",
        "/api/distributions/99999999/",
    ):
        assert client.get(path).status_code == 404, path


# --- the dashboard ------------------------------------------------------------------------


def test_the_dashboard_gives_the_figures(world, actors):
    # given the camp approved and the mawkib on the walk
    api(actors["sponsor_editor"]).post(
        f"/api/camps/{world.camp.pk}/decide/", {"decision": "approve"}, format="json"
    )
    # when anyone reads the dashboard
    response = api().get("/api/fieldops-dashboard/", {"segment_poles": 500})
    # then the figures are there, each total counted once
    assert response.status_code == 200, response.content
    figures = response.json()
    totals = figures["totals"]
    assert (totals["groups"], totals["camps"], totals["packages"]) == (1, 1, 100)
    assert (totals["service_points"], totals["seasonal"]) == (1, 1)
    assert {row["registered"] for row in figures["groups_by_field"]} == {1}
    assert [row["camps"] for row in figures["camps_by_province_and_month"]] == [1]
    assert [row["packages"] for row in figures["packages_by_campaign"]] == [100]
    segments = figures["service_points_by_route_segment"]
    assert [(s["first_pole"], s["points"]) for s in segments] == [
        (1, 1),
        (501, 0),
        (1001, 0),
    ]
    # and a bad parameter is a 400 naming it
    for params, field in (({"year": "abc"}, "year"), ({"segment_poles": "0"}, "segment_poles")):
        bad = api().get("/api/fieldops-dashboard/", params)
        assert bad.status_code == 400
        assert field in bad.json()


# --- what lists cost ----------------------------------------------------------------------


def _grow(w, start: int, count: int) -> None:
    for number in range(start, start + count):
        group = VolunteerGroupFactory(sponsor=w.sponsor, fields=["medical"])
        camp = CampFactory(group=group, status=CampStatus.APPROVED)
        CampServiceFactory(camp=camp)
        CampFactory(group=w.group)
        campaign = CampaignFactory(organizer=w.sponsor)
        DistributionFactory(campaign=campaign, group=group)
        ServicePointFactory(pole=number * 13 % 1400 + 1, languages=["fa", "ar"])


LISTS = [
    ("/api/volunteer-groups/", {}),
    ("/api/volunteer-groups/", {"field": "medical", "q": "QOM"}),
    ("/api/camps/", {}),
    ("/api/camps/", {"province": "IR-25", "month": "1"}),
    ("/api/campaigns/", {}),
    ("/api/distributions/", {}),
    ("/api/service-points/", {}),
    ("/api/service-points/", {"language": "fa", "service": "food"}),
    ("/api/service-points/geojson/", {}),
    ("/api/fieldops-dashboard/", {}),
]


def _queries(user, path: str, params: dict) -> int:
    roles_forget(user)
    with CaptureQueriesContext(connection) as captured:
        response = api(user).get(path, params)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


@pytest.mark.parametrize(("path", "params"), LISTS)
def test_lists_cost_the_same_whatever_their_length(world, actors, path, params):
    # given two of everything, then twenty
    user = actors["group_editor"]
    _grow(world, 0, 2)
    small = _queries(user, path, params)
    _grow(world, 2, 18)
    # then listing them costs the same number of queries
    assert _queries(user, path, params) == small


@pytest.mark.parametrize("count", [2, 20])
def test_the_nearest_points_cost_the_same_however_many_are_found(db, count):
    # given ``count`` open points within a few poles of pole 700 (inside the first search band)
    for number in range(count):
        ServicePointFactory(pole=700 + number % 9, languages=["fa", "ar"])
    # when as many are asked for, then one band, the points and their languages are read
    with CaptureQueriesContext(connection) as captured:
        found = _nearest({"route": ROUTE, "pole": 700, "limit": count})
    assert len(found) == count
    assert len(captured.captured_queries) == 3


# --- the schema ---------------------------------------------------------------------------


def test_the_schema_builds_without_warnings(tmp_path):
    # when the OpenAPI schema is built and validated, then no warning, and every endpoint
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    schema = (tmp_path / "schema.yaml").read_text()
    for path in (
        "/api/volunteer-groups/",
        "/api/volunteer-groups/{id}/",
        "/api/volunteer-groups/{id}/activity/",
        "/api/camps/",
        "/api/camps/{id}/",
        "/api/camps/{id}/photos/",
        "/api/camps/{id}/decide/",
        "/api/campaigns/{id}/",
        "/api/distributions/{id}/",
        "/api/service-points/{id}/",
        "/api/service-points/{id}/status/",
        "/api/service-points/nearest/",
        "/api/service-points/geojson/",
        "/api/fieldops-dashboard/",
    ):
        assert f"{path}:" in schema, path
    assert "application/geo+json" in schema
