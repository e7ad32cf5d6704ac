"""The follow-ups API: who sees and writes what, reporting progress, bad input, costs."""

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from hamafza.agreements.tests.factories import AgreementFactory, MeetingFactory
from hamafza.core.tests.clock import visitor_today
from hamafza.directory.policies import roles_forget
from hamafza.directory.tests.factories import OrganizationFactory, PersonFactory
from hamafza.followups.models import FollowUp, FollowUpNote, FollowUpStatus
from hamafza.followups.tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (15, 92, 77)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def db_state():
    return (
        list(
            FollowUp.objects.order_by("pk").values_list(
                "pk", "text", "status", "progress", "due_on", "owner_organization"
            )
        ),
        list(FollowUpNote.objects.order_by("pk").values_list("pk", "text", "status_to")),
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(office, partner):
    """The office's MoU with the partner, with an obligation the partner must carry out."""
    agreement = AgreementFactory(owner=office, parties=[office, partner])
    return SimpleNamespace(
        agreement=agreement,
        obligation=FollowUpFactory(
            source=agreement, owner_organization=partner, due_on=ago(-30), number=1
        ),
        office_item=FollowUpFactory(
            source=agreement, owner_organization=office, due_on=ago(5), number=2
        ),
        office=office,
        partner=partner,
    )


WRITES = {
    "update": lambda w: (
        "patch",
        f"/api/followups/{w.obligation.pk}/",
        {"text": "برگزاری دو دوره آموزشی", "due_on": ago(-60).isoformat()},
    ),
    "report-progress": lambda w: (
        "post",
        f"/api/followups/{w.obligation.pk}/report/",
        {"progress": 40, "text": "دوره نخست برگزار شد"},
    ),
    "report-done": lambda w: (
        "post",
        f"/api/followups/{w.obligation.pk}/report/",
        {"status": "done", "text": "انجام شد"},
    ),
    "waive": lambda w: (
        "post",
        f"/api/followups/{w.obligation.pk}/report/",
        {"status": "waived", "text": "دیگر لازم نیست"},
    ),
}
# Who may do what with an obligation the partner carries out under the office's MoU:
# the office's editors (who manage the MoU) and coordinators everything; the partner's
# editors report progress and mark it done, but neither edit nor waive it.
ALLOWED = {
    "office_editor": set(WRITES),
    "coordinator": set(WRITES),
    "partner_editor": {"report-progress", "report-done"},
}


def _refusal(endpoint: str, actor: str) -> int:
    if actor == "anonymous":
        return 403
    if actor == "stranger_editor":
        return 404  # they may not see an item the partner carries out
    if actor == "office_viewer":
        return 403  # they read their office's agreement and its items, but change nothing
    if endpoint == "waive":
        return 400  # the service says only those who assigned it may waive it
    return 403


ACTORS = [
    "anonymous",
    "office_viewer",
    "partner_editor",
    "stranger_editor",
    "office_editor",
    "coordinator",
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_every_write_asks_the_policy(world, actors, endpoint, actor):
    # given an obligation of the partner under the office's MoU, and someone who writes
    method, path, body = WRITES[endpoint](world)
    before = db_state()
    # when they call the endpoint
    response = getattr(api(actors[actor]), method)(path, body, format="json")
    # then those allowed change it; everyone else is refused and nothing changes
    if endpoint in ALLOWED.get(actor, ()):
        assert response.status_code == 200, response.content
        assert db_state() != before
    else:
        assert response.status_code == _refusal(endpoint, actor), response.content
        assert db_state() == before


def test_a_party_reports_progress_with_evidence_and_marks_it_done(world, actors):
    # given the partner's editor
    client = api(actors["partner_editor"])
    path = f"/api/followups/{world.obligation.pk}/report/"
    # when they report progress with a picture as evidence
    reported = client.post(
        path, {"progress": 60, "text": "گزارش تصویری", "evidence": png()}, format="multipart"
    )
    # then the note is kept with its evidence, and the item shows the progress
    assert reported.status_code == 200, reported.content
    body = reported.json()
    assert body["progress"] == 60 and body["status"] == "open"
    (note,) = body["notes"]
    assert note["text"] == "گزارش تصویری" and note["evidence"]
    assert note["author"] == actors["partner_editor"].pk
    # and when they mark it done, it is closed at 100%
    done = client.post(path, {"status": "done"}, format="json").json()
    assert (done["status"], done["progress"]) == ("done", 100)
    assert done["closed_on"] == visitor_today().isoformat()
    assert done["notes"][-1]["status_from"] == "open"
    assert done["notes"][-1]["status_to"] == "done"
    # but they may not reopen it
    reopened = client.post(path, {"status": "open"}, format="json")
    assert reopened.status_code == 400 and "status" in reopened.json()
    world.obligation.refresh_from_db()
    assert world.obligation.status == FollowUpStatus.DONE


@pytest.mark.parametrize(
    "body, field",
    [
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"progress": "half"}, "progress"),
        ({"status": "forgotten"}, "status"),
        ({"status": None}, "status"),
        ({"text": "x" * 4001}, "text"),
        ({}, "non_field_errors"),
        ({"text": ""}, "non_field_errors"),
        ({"closed_on": "2025-01-01"}, "non_field_errors"),
    ],
)
def test_bad_reports_are_field_errors(world, actors, body, field):
    before = db_state()
    response = api(actors["partner_editor"]).post(
        f"/api/followups/{world.obligation.pk}/report/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()[field]
    assert db_state() == before


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("notes.txt", b"just text", content_type="text/plain"),
        SimpleUploadedFile("photo.png", b"GIF89a....", content_type="image/png"),
    ],
)
def test_evidence_must_be_a_pdf_or_a_picture(world, actors, upload):
    before = db_state()
    response = api(actors["partner_editor"]).post(
        f"/api/followups/{world.obligation.pk}/report/",
        {"text": "مدرک", "evidence": upload},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.content
    assert "PDF" in response.json()["evidence"][0]
    assert db_state() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"text": ""}, "text"),
        ({"due_on": "next week"}, "due_on"),
        ({"owner_organization": 10**30}, "owner_organization"),
        ({"owner_organization": None}, "owner_organization"),
        ({"owner_person": "abc"}, "owner_person"),
        ({"status": "done"}, "non_field_errors"),
        ({"source_id": 1}, "non_field_errors"),
    ],
)
def test_bad_updates_are_field_errors(world, actors, body, field):
    before = db_state()
    response = api(actors["office_editor"]).patch(
        f"/api/followups/{world.obligation.pk}/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()[field]
    assert db_state() == before


def test_an_update_reassigns_the_item(world, actors):
    # when the office's editor gives the item to another person and date
    person = PersonFactory()
    response = api(actors["office_editor"]).patch(
        f"/api/followups/{world.obligation.pk}/",
        {"owner_person": person.pk, "due_on": ago(-90).isoformat()},
        format="json",
    )
    # then it is changed, and read back with its names
    assert response.status_code == 200, response.content
    assert response.json()["owner_person"] == person.pk
    assert response.json()["owner_person_name"] == person.display_name()
    assert response.json()["due_on"] == ago(-90).isoformat()


# --- who sees what ------------------------------------------------------------------------


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_sees_their_organizations_items(world, actors):
    # given an item of another organization altogether
    elsewhere = FollowUpFactory(due_on=ago(3))
    # then each sees what the selector gives them
    assert _ids(api(actors["partner_editor"]).get("/api/followups/")) == {world.obligation.pk}
    assert _ids(api(actors["office_viewer"]).get("/api/followups/")) == {world.office_item.pk}
    assert _ids(api(actors["stranger_editor"]).get("/api/followups/")) == set()
    everything = {world.obligation.pk, world.office_item.pk, elsewhere.pk}
    assert _ids(api(actors["coordinator"]).get("/api/followups/")) == everything
    assert api().get("/api/followups/").status_code == 403
    assert api().get(f"/api/followups/{world.obligation.pk}/").status_code == 403
    # and one item is read by its organization and by those who manage its source
    path = f"/api/followups/{world.obligation.pk}/"
    assert api(actors["partner_editor"]).get(path).status_code == 200
    assert api(actors["office_editor"]).get(path).status_code == 200
    assert api(actors["stranger_editor"]).get(path).status_code == 404
    # (the office's viewers read it with the agreement it comes from)
    assert api(actors["office_viewer"]).get(path).status_code == 200


def test_filters_overdue_and_mine(world, actors):
    # given a done item, and an item of a meeting
    done = FollowUpFactory(
        source=world.agreement, owner_organization=world.partner, status="done", number=3
    )
    decision = FollowUpFactory(source=MeetingFactory(), owner_organization=world.office)
    coordinator = api(actors["coordinator"])
    # then the coordinator filters the whole network
    overdue = coordinator.get("/api/followups/", {"status": "overdue"})
    assert _ids(overdue) == {world.office_item.pk}
    assert overdue.json()["results"][0]["overdue"] is True
    assert _ids(coordinator.get("/api/followups/", {"status": "done"})) == {done.pk}
    assert world.obligation.pk in _ids(coordinator.get("/api/followups/", {"status": "open"}))
    assert _ids(coordinator.get("/api/followups/", {"organization": world.partner.pk})) == {
        world.obligation.pk,
        done.pk,
    }
    assert _ids(coordinator.get("/api/followups/", {"source_type": "agreements.meeting"})) == {
        decision.pk
    }
    due_before = {"due_before": timezone.localdate().isoformat()}
    assert _ids(coordinator.get("/api/followups/", due_before)) == {world.office_item.pk}
    assert _ids(coordinator.get("/api/followups/", {"q": world.obligation.text})) == {
        world.obligation.pk
    }
    # and "mine" is what the caller's organizations must do (a coordinator holds no role)
    assert _ids(coordinator.get("/api/followups/", {"mine": "1"})) == set()
    partner = api(actors["partner_editor"])
    assert _ids(partner.get("/api/followups/", {"mine": "1", "status": "open"})) == {
        world.obligation.pk
    }


@pytest.mark.parametrize(
    "query",
    [
        {"status": "late"},
        {"organization": "abc"},
        {"organization": 10**30},
        {"due_before": "soon"},
        {"due_before": "2025-02-30"},
        {"mine": "perhaps"},
        {"q": "x" * 500},
    ],
)
def test_bad_filters_are_400s(world, actors, query):
    response = api(actors["coordinator"]).get("/api/followups/", query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.mark.parametrize(
    "path",
    [
        "/api/followups/99999999999999999999999/",
        "/api/followups/abc/",
        "/api/followups/?page=99999999999999999999",
    ],
)
def test_huge_or_junk_numbers_are_not_errors(world, actors, path):
    assert api(actors["coordinator"]).get(path).status_code in (200, 404)


# --- costs --------------------------------------------------------------------------------


def _queries(user, path, params=None) -> int:
    if user is not None:
        roles_forget(user)
    with CaptureQueriesContext(connection) as captured:
        response = api(user).get(path, params or {})
    assert response.status_code == 200, response.content
    return len(captured)


def _grow(world, n: int) -> None:
    for i in range(n):
        source = AgreementFactory(owner=world.office) if i % 2 else MeetingFactory()
        FollowUpFactory(
            source=source,
            owner_organization=world.partner if i % 3 else OrganizationFactory(),
            owner_person=PersonFactory(),
            due_on=ago(10 - i),
        )


@pytest.mark.parametrize(
    "actor, params",
    [
        ("partner_editor", {}),
        ("partner_editor", {"mine": "1", "status": "overdue"}),
        ("coordinator", {}),
        ("coordinator", {"status": "open", "q": "پیگیری"}),
    ],
)
def test_the_list_costs_the_same_whatever_its_length(world, actors, actor, params):
    user = actors[actor]
    _grow(world, 3)
    _queries(user, "/api/followups/", params)
    small = _queries(user, "/api/followups/", params)
    _grow(world, 15)
    assert _queries(user, "/api/followups/", params) == small
