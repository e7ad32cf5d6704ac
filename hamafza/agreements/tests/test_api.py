"""The agreements API: who may write, who sees what, the state machine, bad input, costs."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from hamafza.agreements import services
from hamafza.agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    AgreementReview,
    AgreementState,
    Appointment,
    Committee,
    CommitteeMember,
    Meeting,
    Prospect,
    ProspectStatus,
    ReviewDecision,
    ReviewRound,
    Scope,
)
from hamafza.agreements.tests.factories import (
    AgreementFactory,
    AppointmentFactory,
    CommitteeFactory,
    MeetingFactory,
    ProspectFactory,
    ReviewRoundFactory,
    kind,
)
from hamafza.core.models import Province
from hamafza.directory.models import Role
from hamafza.directory.policies import roles_forget
from hamafza.directory.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)
from hamafza.followups.models import FollowUp
from hamafza.followups.tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def days(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def pdf(name: str = "scan.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def db_state():
    """Every row a write endpoint could touch, to prove a refused write changed nothing."""
    return (
        list(Agreement.objects.order_by("pk").values_list("pk", "code", "title", "state", "kind")),
        list(AgreementParty.objects.order_by("pk").values_list("pk", "organization")),
        list(AgreementDocument.objects.order_by("pk").values_list("pk")),
        list(ReviewRound.objects.order_by("pk").values_list("pk", "closed_on")),
        list(AgreementReview.objects.order_by("pk").values_list("pk", "decision", "applied_at")),
        list(Prospect.objects.order_by("pk").values_list("pk", "status", "assessment")),
        list(Committee.objects.order_by("pk").values_list("pk", "name", "status")),
        list(CommitteeMember.objects.order_by("pk").values_list("pk")),
        list(Meeting.objects.order_by("pk").values_list("pk")),
        list(FollowUp.objects.order_by("pk").values_list("pk")),
        list(Appointment.objects.order_by("pk").values_list("pk", "role", "revoked_on")),
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(office, partner):
    """An office's active MoU with a partner, and everything that hangs from it."""
    agreement = AgreementFactory(owner=office, parties=[office, partner], code="MOU-1404-001")
    extra = OrganizationFactory(name="سازمان اوقاف")
    AgreementParty.objects.create(agreement=agreement, organization=extra)
    draft = AgreementFactory(
        owner=office, parties=[office, partner], state=AgreementState.DRAFT, code="MOU-1404-002"
    )
    other = AgreementFactory(owner=office, parties=[office, partner], code="MOU-1404-003")
    review_round = ReviewRoundFactory(owner=office)
    decided = AgreementReview.objects.create(
        round=review_round,
        agreement=agreement,
        decision=ReviewDecision.KEEP,
        reasoning="فعال و مفید",
    )
    return SimpleNamespace(
        agreement=agreement,
        party_extra=agreement.parties.get(organization=extra),
        draft=draft,
        other=other,
        round=review_round,
        decided=decided,
        empty_round=ReviewRoundFactory(owner=office),
        prospect=ProspectFactory(owner=office, organization=OrganizationFactory()),
        committee=CommitteeFactory(agreement=agreement),
        appointment=AppointmentFactory(issuer=office, host=partner),
        person=PersonFactory(),
        newcomer=OrganizationFactory(name="سازمان بسیج"),
        office=office,
        partner=partner,
    )


WRITES = {
    "agreement-create": lambda w: (
        "post",
        "/api/agreements/",
        {
            "kind": "mou",
            "code": "MOU-1404-100",
            "title": "تفاهم‌نامه تازه",
            "owner": w.office.pk,
            "parties": [{"organization": w.office.pk}, {"organization": w.partner.pk}],
        },
        201,
    ),
    "agreement-update": lambda w: (
        "patch",
        f"/api/agreements/{w.agreement.pk}/",
        {"title": "عنوان تازه"},
        200,
    ),
    "agreement-transition": lambda w: (
        "post",
        f"/api/agreements/{w.draft.pk}/transition/",
        {"to_state": "negotiation", "reason": "آغاز گفتگو"},
        200,
    ),
    "agreement-renew": lambda w: ("post", f"/api/agreements/{w.agreement.pk}/renew/", {}, 201),
    "agreement-amend": lambda w: (
        "post",
        f"/api/agreements/{w.agreement.pk}/amend/",
        {"reason": "افزودن بند آموزش", "title": "تفاهم‌نامه اصلاح‌شده"},
        201,
    ),
    "agreement-downgrade": lambda w: (
        "post",
        f"/api/agreements/{w.agreement.pk}/downgrade/",
        {"kind": "agreement", "reason": "فعالیت کم"},
        201,
    ),
    "agreement-document": lambda w: (
        "post",
        f"/api/agreements/{w.agreement.pk}/documents/",
        {"title": "متن امضاشده", "file": pdf()},
        201,
    ),
    "agreement-party-add": lambda w: (
        "post",
        f"/api/agreements/{w.agreement.pk}/parties/",
        {"organization": w.newcomer.pk, "role": "executor"},
        201,
    ),
    "agreement-party-remove": lambda w: (
        "delete",
        f"/api/agreements/{w.agreement.pk}/parties/{w.party_extra.pk}/",
        None,
        204,
    ),
    "review-create": lambda w: (
        "post",
        "/api/review-rounds/",
        {"owner": w.office.pk, "title": "بازنگری ۱۴۰۴", "agreements": [w.other.pk]},
        201,
    ),
    "review-add": lambda w: (
        "post",
        f"/api/review-rounds/{w.round.pk}/add/",
        {"agreement": w.other.pk},
        201,
    ),
    "review-decide": lambda w: (
        "post",
        f"/api/review-rounds/{w.round.pk}/decide/",
        {"review": w.decided.pk, "decision": "terminate", "reasoning": "بی‌اثر"},
        200,
    ),
    "review-apply": lambda w: (
        "post",
        f"/api/review-rounds/{w.round.pk}/apply/",
        {"review": w.decided.pk},
        200,
    ),
    "review-close": lambda w: ("post", f"/api/review-rounds/{w.empty_round.pk}/close/", {}, 200),
    "prospect-create": lambda w: (
        "post",
        "/api/prospects/",
        {"owner": w.office.pk, "organization": w.newcomer.pk, "assessment": "ظرفیت خوب"},
        201,
    ),
    "prospect-move": lambda w: (
        "post",
        f"/api/prospects/{w.prospect.pk}/move/",
        {"status": "assessed", "assessment": "نیاز به همکاری آموزشی"},
        200,
    ),
    "committee-create": lambda w: (
        "post",
        "/api/committees/",
        {"agreement": w.agreement.pk, "name": "قرارگاه همکاری فرهنگی"},
        201,
    ),
    "committee-update": lambda w: (
        "patch",
        f"/api/committees/{w.committee.pk}/",
        {"name": "قرارگاه تازه"},
        200,
    ),
    "committee-member": lambda w: (
        "post",
        f"/api/committees/{w.committee.pk}/members/",
        {"person": w.person.pk, "organization": w.partner.pk, "role": "دبیر"},
        201,
    ),
    "committee-meeting": lambda w: (
        "post",
        f"/api/committees/{w.committee.pk}/meetings/",
        {
            "held_on": days(-1),
            "minutes": "صورت‌جلسه",
            "attendees": [w.person.pk],
            "decisions": [
                {
                    "text": "تهیه برنامه مشترک",
                    "owner_organization": w.partner.pk,
                    "due_on": days(30),
                }
            ],
        },
        201,
    ),
    "appointment-create": lambda w: (
        "post",
        "/api/appointments/",
        {
            "issuer": w.office.pk,
            "host": w.partner.pk,
            "person": w.person.pk,
            "role": "نماینده",
            "decree_number": "1404/999",
            "decree_date": days(-10),
            "valid_from": days(-10),
            "valid_to": days(300),
        },
        201,
    ),
    "appointment-update": lambda w: (
        "patch",
        f"/api/appointments/{w.appointment.pk}/",
        {"role": "نماینده ویژه"},
        200,
    ),
    "appointment-revoke": lambda w: (
        "post",
        f"/api/appointments/{w.appointment.pk}/revoke/",
        {"revocation_reason": "پایان مأموریت"},
        200,
    ),
}
CREATES = {"agreement-create", "review-create", "prospect-create", "committee-create"} | {
    "appointment-create"
}
# Rows the partner's staff cannot see at all (kept by the office alone): "not found".
HIDDEN_FROM_PARTNER = {"review-add", "review-decide", "review-apply", "review-close"} | {
    "prospect-move"
}


def _refusal(endpoint: str, actor: str) -> int:
    if actor == "anonymous" or endpoint in CREATES:
        return 403
    if actor == "stranger_editor":
        return 404
    if actor == "partner_editor" and endpoint in HIDDEN_FROM_PARTNER:
        return 404
    return 403


def _call(client, method, path, body):
    if body is not None and any(isinstance(v, SimpleUploadedFile) for v in body.values()):
        return getattr(client, method)(path, body, format="multipart")
    return getattr(client, method)(path, body, format="json")


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
    # given an office's agreement with everything that hangs from it, and someone who writes
    method, path, body, success = WRITES[endpoint](world)
    before = db_state()
    # when they call the endpoint
    response = _call(api(actors[actor]), method, path, body)
    # then the office's editors and coordinators succeed and change something; everyone else
    # is refused (not found where they may not even see the row) and nothing changes
    if actor in ("office_editor", "coordinator"):
        assert response.status_code == success, response.content
        assert db_state() != before
    else:
        assert response.status_code == _refusal(endpoint, actor), response.content
        assert db_state() == before


# --- who sees what ------------------------------------------------------------------------


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_agreements_are_seen_by_their_office_parties_and_coordinators(world, actors):
    # given the office's agreements and another office's agreement
    elsewhere = AgreementFactory(parties=[OrganizationFactory(), OrganizationFactory()])
    mine = {world.agreement.pk, world.draft.pk, world.other.pk}
    # when each lists agreements, then each sees what the selectors give them
    assert set(_ids(api(actors["office_viewer"]).get("/api/agreements/"))) == mine
    assert set(_ids(api(actors["partner_editor"]).get("/api/agreements/"))) == mine
    assert _ids(api(actors["stranger_editor"]).get("/api/agreements/")) == []
    assert set(_ids(api(actors["coordinator"]).get("/api/agreements/"))) == mine | {elsewhere.pk}
    # and anonymous callers, and users of no organization, are refused: nothing is public
    assert api().get("/api/agreements/").status_code == 403
    assert api(UserFactory()).get("/api/agreements/").status_code == 403
    assert api().get(f"/api/agreements/{world.agreement.pk}/").status_code == 403
    # and one agreement is "not found" to those who may not see it
    path = f"/api/agreements/{elsewhere.pk}/"
    assert api(actors["office_editor"]).get(path).status_code == 404
    assert api(actors["coordinator"]).get(path).status_code == 200


def test_the_other_lists_follow_the_selectors(world, actors):
    # given the office's rounds, prospects, committees and decrees
    partner = api(actors["partner_editor"])
    stranger = api(actors["stranger_editor"])
    office = api(actors["office_viewer"])
    # then the office's staff see all of them
    assert set(_ids(office.get("/api/review-rounds/"))) == {world.round.pk, world.empty_round.pk}
    assert _ids(office.get("/api/prospects/")) == [world.prospect.pk]
    assert _ids(office.get("/api/committees/")) == [world.committee.pk]
    assert _ids(office.get("/api/appointments/")) == [world.appointment.pk]
    # a party sees the committees of its agreements and the decrees it hosts, not the office's
    # own reviews and prospects
    assert _ids(partner.get("/api/review-rounds/")) == []
    assert _ids(partner.get("/api/prospects/")) == []
    assert _ids(partner.get("/api/committees/")) == [world.committee.pk]
    assert _ids(partner.get("/api/appointments/")) == [world.appointment.pk]
    assert partner.get(f"/api/committees/{world.committee.pk}/").status_code == 200
    # and a stranger sees none of it
    for path in ("review-rounds", "prospects", "committees", "appointments"):
        assert _ids(stranger.get(f"/api/{path}/")) == []
        assert api().get(f"/api/{path}/").status_code == 403
    assert stranger.get(f"/api/committees/{world.committee.pk}/").status_code == 404
    assert stranger.get(f"/api/appointments/{world.appointment.pk}/").status_code == 404


def test_the_kinds_are_reference_data(actors):
    # when anyone reads the kinds, then they come heaviest first with their names
    kinds = api().get("/api/agreement-kinds/").json()
    assert [k["code"] for k in kinds] == ["mou", "agreement", "protocol"]
    english = api().get("/api/agreement-kinds/mou/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["display_name"] == "Memorandum of understanding"


# --- agreements ---------------------------------------------------------------------------


def test_an_agreement_is_created_with_its_parties_and_read_back(office, partner, actors):
    # given an editor of the office
    client = api(actors["office_editor"])
    # when they register an agreement with its parties and subject areas
    response = client.post(
        "/api/agreements/",
        {
            "kind": "mou",
            "code": "MOU-1404-017",
            "title": "تفاهم‌نامه همکاری تبلیغی",
            "titles": {"en": "Cooperation in outreach"},
            "owner": office.pk,
            "subjects": ["training", "cultural"],
            "signed_on": days(-30),
            "expires_on": days(700),
            "strategic_weight": 5,
            "state": "active",
            "parties": [
                {"organization": office.pk, "role": "lead", "signatory": "رئیس مرکز"},
                {"organization": partner.pk, "signed_on": days(-30)},
            ],
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then it is made by the service, with its parties, subjects and first transition
    assert response.status_code == 201, response.content
    body = response.json()
    agreement = Agreement.objects.get(pk=body["id"])
    assert agreement.state == "active" and agreement.search_key
    assert body["display_title"] == "Cooperation in outreach"
    assert [(p["organization"], p["role"]) for p in body["parties"]] == [
        (office.pk, "lead"),
        (partner.pk, "party"),
    ]
    assert sorted(body["subjects"]) == ["cultural", "training"]
    assert [(t["from_state"], t["to_state"]) for t in body["transitions"]] == [("draft", "active")]
    assert body["transitions"][0]["actor"] == actors["office_editor"].pk
    assert body["state_label"] == "Active" and body["allowed_transitions"]
    assert body["renewal_due_on"] is not None and body["priority"] > 0
    assert {part["maximum"] for part in body["priority_parts"]} == {40, 20}


def test_the_detail_shows_parties_subjects_history_and_what_hangs_from_it(world, actors):
    # given an agreement with a committee, a provincial agreement under it and a document
    fars = Province.objects.get(code="IR-07")
    child = AgreementFactory(
        owner=world.office, parent=world.agreement, scope=Scope.PROVINCIAL, province=fars
    )
    AgreementDocument.objects.create(agreement=world.agreement, title="متن", file=pdf())
    # when its office reads it
    body = api(actors["office_viewer"]).get(f"/api/agreements/{world.agreement.pk}/").json()
    # then everything is there
    assert {p["organization"] for p in body["parties"]} >= {world.office.pk, world.partner.pk}
    assert [c["id"] for c in body["committees"]] == [world.committee.pk]
    assert [(c["id"], c["province"]) for c in body["children"]] == [(child.pk, "IR-07")]
    assert body["documents"][0]["title"] == "متن" and body["documents"][0]["file"]
    assert body["kind"] == "mou" and body["owner"] == world.office.pk


def test_list_filters_and_priority_order(office, partner, actors):
    # given agreements of different weight, state, scope and expiry
    today = timezone.localdate()
    heavy = AgreementFactory(owner=office, parties=[office, partner], strategic_weight=5)
    light = AgreementFactory(owner=office, parties=[office], strategic_weight=1)
    expiring = AgreementFactory(
        owner=office, strategic_weight=3, expires_on=today + timedelta(days=20)
    )
    draft = AgreementFactory(
        owner=office, state=AgreementState.DRAFT, code="PRT-9", kind=kind("protocol")
    )
    fars = Province.objects.get(code="IR-07")
    provincial = AgreementFactory(
        owner=office, scope=Scope.PROVINCIAL, province=fars, parent=heavy, strategic_weight=2
    )
    services.agreements_priority_refresh()  # factories write rows directly: store the scores
    client = api(actors["office_viewer"])
    # when listed without filters, then by priority, highest first, with its parts explained
    rows = client.get("/api/agreements/").json()["results"]
    priorities = [row["priority"] for row in rows]
    assert priorities == sorted(priorities, reverse=True)
    first = rows[0]
    assert first["priority"] == sum(part["points"] for part in first["priority_parts"])
    assert all(part["why"] for part in first["priority_parts"])
    # and each filter narrows the list
    assert _ids(client.get("/api/agreements/", {"state": "draft"})) == [draft.pk]
    assert _ids(client.get("/api/agreements/", {"kind": "protocol"})) == [draft.pk]
    assert _ids(client.get("/api/agreements/", {"scope": "provincial"})) == [provincial.pk]
    assert _ids(client.get("/api/agreements/", {"province": "IR-07"})) == [provincial.pk]
    assert _ids(client.get("/api/agreements/", {"parent": heavy.pk})) == [provincial.pk]
    assert set(_ids(client.get("/api/agreements/", {"party": partner.pk}))) == {heavy.pk}
    assert _ids(client.get("/api/agreements/", {"expires_within": 30})) == [expiring.pk]
    assert _ids(client.get("/api/agreements/", {"state": "renewal_due"})) == [expiring.pk]
    assert _ids(client.get("/api/agreements/", {"q": draft.code})) == [draft.pk]
    by_code = _ids(client.get("/api/agreements/", {"order": "code"}))
    codes = list(
        Agreement.objects.filter(pk__in=by_code).order_by("code").values_list("pk", flat=True)
    )
    assert by_code == codes
    assert light.pk in _ids(client.get("/api/agreements/", {"order": "expiry"}))


def test_the_state_machine_through_the_api(office, partner, actors):
    # given a draft agreement with two parties and a signing date
    agreement = AgreementFactory(
        owner=office, parties=[office, partner], state=AgreementState.DRAFT
    )
    client = api(actors["office_editor"])
    path = f"/api/agreements/{agreement.pk}/transition/"

    def move(to_state, reason=""):
        return client.post(
            path, {"to_state": to_state, "reason": reason}, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )

    # when it is moved along the legal path, then each move is kept with who and why
    assert move("negotiation", "گفتگو").json()["state"] == "negotiation"
    assert move("awaiting_signature").json()["state"] == "awaiting_signature"
    active = move("active")
    assert active.status_code == 200, active.content
    assert [t["to_state"] for t in active.json()["transitions"]][-3:] == [
        "negotiation",
        "awaiting_signature",
        "active",
    ]
    # and an illegal move is refused with its reason, naming the field the request named
    illegal = move("draft")
    assert illegal.status_code == 400
    assert "cannot become" in illegal.json()["to_state"][0]
    # and ending it needs a reason
    no_reason = move("terminated")
    assert no_reason.status_code == 400 and no_reason.json()["reason"][0]
    # and renewing is its own action, not a transition
    assert move("renewed").status_code == 400
    agreement.refresh_from_db()
    assert agreement.state == "active"


def test_renew_amend_and_downgrade_make_successors(office, partner, actors):
    # given three active MoUs
    client = api(actors["office_editor"])
    first, second, third = (
        AgreementFactory(owner=office, parties=[office, partner]) for _ in range(3)
    )
    # when one is renewed, one amended, one downgraded
    renewed = client.post(
        f"/api/agreements/{first.pk}/renew/", {"expires_on": days(1000)}, format="json"
    )
    amended = client.post(
        f"/api/agreements/{second.pk}/amend/",
        {"reason": "بند تازه", "summary": "با بند آموزش"},
        format="json",
    )
    downgraded = client.post(
        f"/api/agreements/{third.pk}/downgrade/",
        {"kind": "protocol", "reason": "فعالیت کم"},
        format="json",
    )
    # then each answers with the new agreement, which replaces the old, now closed
    for response, old, state in (
        (renewed, first, "renewed"),
        (amended, second, "amended"),
        (downgraded, third, "downgraded"),
    ):
        assert response.status_code == 201, response.content
        assert response.json()["replaces"] == old.pk
        assert response.json()["state"] == "active"
        old.refresh_from_db()
        assert old.state == state
    assert renewed.json()["expires_on"] == days(1000)
    assert amended.json()["summary"] == "با بند آموزش"
    assert downgraded.json()["kind"] == "protocol"
    # and downgrading to a kind that is not lighter is refused
    again = client.post(
        f"/api/agreements/{downgraded.json()['id']}/downgrade/", {"kind": "mou"}, format="json"
    )
    assert again.status_code == 400 and "kind" in again.json()


def test_parties_are_added_and_removed(world, actors):
    # given the office's editor
    client = api(actors["office_editor"])
    path = f"/api/agreements/{world.agreement.pk}/parties/"
    # when they add a party, then it is there; twice is a field error
    added = client.post(path, {"organization": world.newcomer.pk}, format="json")
    assert added.status_code == 201, added.content
    twice = client.post(path, {"organization": world.newcomer.pk}, format="json")
    assert twice.status_code == 400 and "organization" in twice.json()
    # and when they remove it, it is gone; a party of another agreement is not found
    assert client.delete(f"{path}{added.json()['id']}/").status_code == 204
    assert not world.agreement.parties.filter(organization=world.newcomer).exists()
    foreign = world.other.parties.first()
    assert client.delete(f"{path}{foreign.pk}/").status_code == 404
    assert client.delete(f"{path}99999999999999999999999/").status_code == 404


# --- documents ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
        SimpleUploadedFile("scan.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"),
    ],
)
def test_a_document_that_is_not_a_pdf_is_refused(world, actors, upload):
    # when an editor uploads something that is not a PDF, then a 400 on the file, nothing kept
    response = api(actors["office_editor"]).post(
        f"/api/agreements/{world.agreement.pk}/documents/",
        {"title": "متن", "file": upload},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert response.json()["file"][0]
    assert not AgreementDocument.objects.exists()


def test_a_document_too_large_is_refused(world, actors, settings):
    # given a small limit; when a larger PDF is uploaded, then a 400 that says so
    settings.HAMAFZA_DOCUMENT_MAX_BYTES = 20
    response = api(actors["office_editor"]).post(
        f"/api/agreements/{world.agreement.pk}/documents/",
        {"title": "متن", "file": pdf(content=PDF * 3)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "largest allowed" in response.json()["file"][0]
    assert not AgreementDocument.objects.exists()


def test_a_document_is_uploaded_and_listed(world, actors):
    # when an editor uploads a PDF, then it is kept and shown on the agreement
    response = api(actors["office_editor"]).post(
        f"/api/agreements/{world.agreement.pk}/documents/",
        {"title": "متن امضاشده", "file": pdf()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    document = AgreementDocument.objects.get()
    assert document.uploaded_by == actors["office_editor"]
    detail = api(actors["partner_editor"]).get(f"/api/agreements/{world.agreement.pk}/").json()
    assert [d["id"] for d in detail["documents"]] == [document.pk]


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"kind": "treaty"}, "kind"),
        ({"kind": None}, "kind"),
        ({"owner": "abc"}, "owner"),
        ({"owner": 987654321}, "owner"),
        ({"owner": 10**30}, "owner"),
        ({"code": ""}, "code"),
        ({"code": "x" * 41}, "code"),
        ({"code": "MOU-TAKEN"}, "code"),
        ({"title": None}, "title"),
        ({"titles": "not a mapping"}, "titles"),
        ({"titles": {"en": 5}}, "titles"),
        ({"signed_on": "yesterday"}, "signed_on"),
        ({"signed_on": "2024-13-45"}, "signed_on"),
        ({"expires_on": "0001-01-02"}, "expires_on"),
        ({"signed_on": "2025-05-01", "expires_on": "2025-01-01"}, "expires_on"),
        ({"scope": "provincial"}, "province"),
        ({"scope": "global"}, "scope"),
        ({"province": "IR-07"}, "province"),
        ({"province": "XX-99"}, "province"),
        ({"scope": "provincial", "province": "IR-07", "parent": "PROVINCIAL"}, "parent"),
        ({"parent": "HIDDEN"}, "parent"),
        ({"notice_days": 10**6}, "notice_days"),
        ({"notice_days": -1}, "notice_days"),
        ({"strategic_weight": 9}, "strategic_weight"),
        ({"subjects": ["astrology"]}, "subjects"),
        ({"parties": [{"organization": "PARTNER"}, {"organization": "PARTNER"}]}, "parties"),
        ({"parties": [{"organization": "PARTNER", "role": "boss"}]}, "parties"),
        ({"parties": [{"organization": 10**30}]}, "parties"),
        ({"parties": "everyone"}, "parties"),
        ({"state": "expired"}, "state"),
        ({"state": "active"}, "signed_on"),
        ({"renewal_due_on": "2030-01-01"}, "non_field_errors"),
        ({"colour": "green"}, "non_field_errors"),
    ],
)
def test_bad_agreements_are_field_errors(office, partner, actors, payload, field):
    # given an editor, a code already taken, a provincial agreement and one they cannot see
    AgreementFactory(owner=office, code="MOU-TAKEN")
    fars = Province.objects.get(code="IR-07")
    provincial = AgreementFactory(owner=office, scope=Scope.PROVINCIAL, province=fars)
    hidden = AgreementFactory()
    replacements = {"PARTNER": partner.pk, "PROVINCIAL": provincial.pk, "HIDDEN": hidden.pk}
    body = {"kind": "mou", "code": "MOU-NEW", "title": "تفاهم‌نامه", "owner": office.pk}
    for key, value in payload.items():
        if key == "parties" and isinstance(value, list):
            value = [
                {k: replacements.get(v, v) if isinstance(v, str) else v for k, v in p.items()}
                for p in value
            ]
        body[key] = replacements.get(value, value) if isinstance(value, str) else value
    before = db_state()
    # when they post it
    response = api(actors["office_editor"]).post("/api/agreements/", body, format="json")
    # then it is a 400 naming the field, and nothing is written
    assert response.status_code == 400, response.content
    assert response.json()[field], response.json()
    assert db_state() == before


@pytest.mark.parametrize(
    "language, expected",
    [("fa", "این مقدار لازم است"), ("ar", "هذا الحقل مطلوب"), ("en", "This field is required")],
)
def test_errors_are_in_the_callers_language(office, actors, language, expected):
    # when an editor posts an agreement without a title, then the error is in their language
    response = api(actors["office_editor"]).post(
        "/api/agreements/",
        {"kind": "mou", "code": "MOU-1", "owner": office.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert expected in response.json()["title"][0]


@pytest.mark.parametrize(
    "path, body",
    [
        ("transition/", {"to_state": "flying"}),
        ("transition/", {"to_state": None}),
        ("transition/", {"to_state": "cancelled", "reason": "x" * 2001}),
        ("transition/", {"to_state": "terminated", "why": "no"}),
        ("renew/", {"expires_on": "soon"}),
        ("renew/", {"expires_on": "9999-12-31"}),
        ("renew/", {"code": "MOU-1404-001"}),
        ("amend/", {}),
        ("amend/", {"reason": "بند تازه", "expires_on": "2000-01-01"}),
        ("amend/", {"reason": "بند تازه", "owner": 1}),
        ("downgrade/", {"kind": "treaty"}),
        ("downgrade/", {"kind": "mou"}),
        ("downgrade/", {}),
        ("parties/", {"organization": "abc"}),
        ("parties/", {"organization": 10**30}),
    ],
)
def test_bad_actions_are_400s_and_change_nothing(world, actors, path, body):
    # given an active MoU; when its editor sends junk to one of its actions
    before = db_state()
    response = api(actors["office_editor"]).post(
        f"/api/agreements/{world.agreement.pk}/{path}", body, format="json"
    )
    # then a 400 with a message, and nothing changes
    assert response.status_code == 400, response.content
    assert any(response.json().values())
    assert db_state() == before


def test_an_update_that_breaks_the_rules_changes_nothing(world, actors):
    # when an editor moves the agreement's expiry before its signing, or makes it provincial
    client = api(actors["office_editor"])
    path = f"/api/agreements/{world.agreement.pk}/"
    before = db_state()
    early = client.patch(path, {"expires_on": days(-400)}, format="json")
    provincial = client.patch(path, {"scope": "provincial"}, format="json")
    moved = client.patch(path, {"owner": world.partner.pk}, format="json")
    # then the service's field errors (or refusal), and nothing is saved
    assert early.status_code == 400 and "expires_on" in early.json()
    assert provincial.status_code == 400 and "province" in provincial.json()
    assert moved.status_code == 403
    assert db_state() == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/agreements/99999999999999999999999/",
        "/api/agreements/abc/",
        "/api/agreements/-1/",
        "/api/agreements/?page=99999999999999999999",
        "/api/committees/99999999999999999999999/",
        "/api/appointments/abc/",
        "/api/prospects/99999999999999999999999/",
        "/api/review-rounds/99999999999999999999999/",
        "/api/agreement-kinds/nothing/",
    ],
)
def test_huge_or_junk_ids_are_not_found(world, actors, path):
    assert api(actors["coordinator"]).get(path).status_code == 404


@pytest.mark.parametrize(
    "query, status",
    [
        ({"state": "flying"}, 400),
        ({"scope": "galactic"}, 400),
        ({"province": "XX-99"}, 400),
        ({"party": "abc"}, 400),
        ({"party": 10**30}, 400),
        ({"parent": "۱۲"}, 200),
        ({"expires_within": -1}, 400),
        ({"expires_within": 10**9}, 400),
        ({"order": "random"}, 400),
        ({"q": "x" * 500}, 400),
        ({"kind": "nothing"}, 200),
    ],
)
def test_bad_filters_are_400s_not_500s(world, actors, query, status):
    response = api(actors["coordinator"]).get("/api/agreements/", query)
    assert response.status_code == status, response.content
    if status == 400:
        assert set(response.json()) == set(query)


@pytest.mark.parametrize(
    "path, query",
    [
        ("/api/appointments/", {"status": "forever"}),
        ("/api/appointments/", {"host": "abc"}),
        ("/api/appointments/", {"host": 10**30}),
        ("/api/committees/", {"status": "sleepy"}),
        ("/api/prospects/", {"status": "maybe"}),
    ],
)
def test_bad_filters_of_the_other_lists_are_400s(world, actors, path, query):
    response = api(actors["coordinator"]).get(path, query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


# --- reviews, prospects, committees, appointments ------------------------------------------


def test_a_review_round_from_start_to_close(office, partner, actors):
    # given two active MoUs of the office
    client = api(actors["office_editor"])
    keep, renew = (AgreementFactory(owner=office, parties=[office, partner]) for _ in range(2))
    # when a round is opened with one of them, and the other added
    created = client.post(
        "/api/review-rounds/",
        {"owner": office.pk, "title": "بازنگری تفاهم‌نامه‌ها", "agreements": [keep.pk]},
        format="json",
    )
    assert created.status_code == 201, created.content
    path = f"/api/review-rounds/{created.json()['id']}/"
    added = client.post(f"{path}add/", {"agreement": renew.pk}, format="json")
    assert added.status_code == 201
    items = {row["agreement"]: row["id"] for row in added.json()["reviews"]}
    # and a decision is taken on each, and applied
    for agreement, decision in ((keep, "keep"), (renew, "renew")):
        decided = client.post(
            f"{path}decide/",
            {"review": items[agreement.pk], "decision": decision, "reasoning": "بررسی شد"},
            format="json",
        )
        assert decided.status_code == 200, decided.content
    closing_early = client.post(f"{path}close/")
    assert closing_early.status_code == 400
    for item in items.values():
        assert client.post(f"{path}apply/", {"review": item}, format="json").status_code == 200
    closed = client.post(f"{path}close/")
    # then the renewed MoU has a successor, the kept one is unchanged, and the round is closed
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    renew.refresh_from_db()
    keep.refresh_from_db()
    assert (renew.state, keep.state) == ("renewed", "active")
    listed = client.get("/api/review-rounds/").json()["results"][0]
    assert (listed["total"], listed["decided"], listed["applied"]) == (2, 2, 2)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"review": "OTHER_ROUND", "decision": "keep", "reasoning": "x"}, "review"),
        ({"review": 10**30, "decision": "keep", "reasoning": "x"}, "review"),
        ({"review": "ITEM", "decision": "abolish", "reasoning": "x"}, "decision"),
        ({"review": "ITEM", "decision": "downgrade", "reasoning": "x"}, "new_kind"),
        ({"review": "ITEM", "decision": "keep"}, "reasoning"),
        ({"review": "ITEM", "decision": "renew", "reasoning": "x", "new_expires_on": "2001-01-01"},
         "new_expires_on"),
    ],
)  # fmt: skip
def test_bad_decisions_are_field_errors(world, actors, body, field):
    # given an item of another round
    other_round = ReviewRoundFactory(owner=world.office)
    other_item = AgreementReview.objects.create(round=other_round, agreement=world.other)
    values = {"OTHER_ROUND": other_item.pk, "ITEM": world.decided.pk}
    body = {k: values.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = db_state()
    # when the office's editor sends the decision
    response = api(actors["office_editor"]).post(
        f"/api/review-rounds/{world.round.pk}/decide/", body, format="json"
    )
    # then a 400 on the field, and nothing changes
    assert response.status_code == 400, response.content
    assert response.json()[field]
    assert db_state() == before


def test_a_prospect_is_moved_along(world, actors):
    # given a prospect just identified
    client = api(actors["office_editor"])
    path = f"/api/prospects/{world.prospect.pk}/move/"
    # when it is moved without an assessment, or skips a step, or to a junk status
    missing = client.post(path, {"status": "assessed"}, format="json")
    skipped = client.post(path, {"status": "signed"}, format="json")
    junk = client.post(path, {"status": "married"}, format="json")
    # then each is a field error
    assert missing.status_code == 400 and "assessment" in missing.json()
    assert skipped.status_code == 400 and "status" in skipped.json()
    assert junk.status_code == 400 and "status" in junk.json()
    # and when moved properly, it moves
    moved = client.post(path, {"status": "assessed", "assessment": "ظرفیت خوب"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "assessed"
    world.prospect.refresh_from_db()
    assert world.prospect.status == ProspectStatus.ASSESSED
    # and the same body twice for one office is refused
    twice = client.post(
        "/api/prospects/",
        {"owner": world.office.pk, "organization": world.prospect.organization_id},
        format="json",
    )
    assert twice.status_code == 400


def test_a_meetings_decisions_become_followups(world, actors):
    # when the office's editor records a meeting with two decisions
    response = api(actors["office_editor"]).post(
        f"/api/committees/{world.committee.pk}/meetings/",
        {
            "held_on": days(-2),
            "agenda": "برنامه سال",
            "minutes": "تصمیم‌ها",
            "attendees": [world.person.pk],
            "decisions": [
                {
                    "text": "برگزاری دوره",
                    "owner_organization": world.partner.pk,
                    "due_on": days(30),
                },
                {"text": "گزارش فصلی", "owner_organization": world.office.pk},
            ],
        },
        format="json",
    )
    # then the meeting is kept with its attendance, and each decision is a numbered follow-up
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["attendees"] == [world.person.pk]
    assert [(d["number"], d["owner_organization"]) for d in body["decisions"]] == [
        (1, world.partner.pk),
        (2, world.office.pk),
    ]
    meeting = Meeting.objects.get(pk=body["id"])
    assert (
        FollowUp.objects.filter(
            source_type=ContentType.objects.get_for_model(Meeting), source_id=meeting.pk
        ).count()
        == 2
    )


def test_a_committees_secretary_records_its_meetings(world):
    # given a secretary who signs in but holds no role in the office
    secretary = PersonFactory(user=UserFactory())
    Committee.objects.filter(pk=world.committee.pk).update(secretary=secretary)
    # who is a member of the partner, and so sees the committee
    MembershipFactory(person=secretary, organization=world.partner, role=Role.VIEWER)
    # when they record a meeting, then it is recorded
    response = api(secretary.user).post(
        f"/api/committees/{world.committee.pk}/meetings/",
        {"held_on": days(-1), "minutes": "جلسه"},
        format="json",
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "body, field",
    [
        ({"held_on": "tomorrow"}, "held_on"),
        ({"held_on": "FUTURE"}, "held_on"),
        ({"attendees": [10**30]}, "attendees"),
        ({"attendees": "everyone"}, "attendees"),
        ({"decisions": [{"text": "x", "owner_organization": "abc"}]}, "decisions"),
        ({"decisions": [{"text": "", "owner_organization": "PARTNER"}]}, "decisions"),
        ({"decisions": [{"text": "x", "owner_organization": "PARTNER", "due_on": "junk"}]},
         "decisions"),
    ],
)  # fmt: skip
def test_bad_meetings_are_field_errors(world, actors, body, field):
    values = {"PARTNER": world.partner.pk, "FUTURE": days(3)}

    def fill(value):
        if isinstance(value, str):
            return values.get(value, value)
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return value

    before = db_state()
    response = api(actors["office_editor"]).post(
        f"/api/committees/{world.committee.pk}/meetings/",
        {"held_on": days(-1), **fill(body)},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()[field]
    assert db_state() == before


def test_a_committee_keeps_its_agreement(world, actors):
    # when an editor tries to move a committee to another agreement, then it is refused
    response = api(actors["office_editor"]).patch(
        f"/api/committees/{world.committee.pk}/", {"agreement": world.other.pk}, format="json"
    )
    assert response.status_code == 400
    world.committee.refresh_from_db()
    assert world.committee.agreement_id == world.agreement.pk


def test_only_an_active_agreement_has_an_active_committee(world, actors):
    response = api(actors["office_editor"]).post(
        "/api/committees/",
        {"agreement": world.draft.pk, "name": "قرارگاه", "status": "active"},
        format="json",
    )
    assert response.status_code == 400 and "status" in response.json()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"valid_to": "PAST"}, "valid_to"),
        ({"valid_from": "BEFORE_DECREE"}, "valid_from"),
        ({"host": "ISSUER"}, "host"),
        ({"decree_number": "TAKEN"}, "non_field_errors"),
        ({"decree_date": "1404-01-01x"}, "decree_date"),
        ({"person": None}, "person"),
        ({"status": "active"}, "non_field_errors"),
    ],
)
def test_bad_appointments_are_field_errors(world, actors, body, field):
    values = {
        "PAST": days(-100),
        "BEFORE_DECREE": days(-20),
        "ISSUER": world.office.pk,
        "TAKEN": world.appointment.decree_number,
    }
    payload = {
        "issuer": world.office.pk,
        "host": world.partner.pk,
        "person": world.person.pk,
        "role": "نماینده",
        "decree_number": "1404/777",
        "decree_date": days(-10),
        "valid_from": days(-10),
    }
    payload.update({k: values.get(v, v) if isinstance(v, str) else v for k, v in body.items()})
    before = db_state()
    response = api(actors["office_editor"]).post("/api/appointments/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()[field], response.json()
    assert db_state() == before


def test_appointments_by_status_and_revocation(world, actors):
    # given a decree ending soon and one already ended
    today = timezone.localdate()
    soon = AppointmentFactory(
        issuer=world.office, host=world.partner, valid_to=today + timedelta(days=10)
    )
    ended = AppointmentFactory(
        issuer=world.office,
        host=world.partner,
        decree_date=today - timedelta(days=800),
        valid_to=today - timedelta(days=5),
    )
    client = api(actors["office_editor"])
    # then the list filters by status, the derived status shown on each
    assert _ids(client.get("/api/appointments/", {"status": "expiring"})) == [soon.pk]
    assert _ids(client.get("/api/appointments/", {"status": "expired"})) == [ended.pk]
    row = client.get(f"/api/appointments/{ended.pk}/").json()
    assert row["status"] == "expired"
    # and a revocation needs a reason, and happens once
    path = f"/api/appointments/{soon.pk}/revoke/"
    assert client.post(path, {}, format="json").status_code == 400
    revoked = client.post(path, {"revocation_reason": "پایان"}, format="json")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert client.post(path, {"revocation_reason": "دوباره"}, format="json").status_code == 400
    early = client.post(
        f"/api/appointments/{world.appointment.pk}/revoke/",
        {"revocation_reason": "x", "revoked_on": days(-1000)},
        format="json",
    )
    assert early.status_code == 400 and "revoked_on" in early.json()


# --- costs --------------------------------------------------------------------------------


def _queries(user, path, params=None) -> int:
    if user is not None:
        roles_forget(user)
    with CaptureQueriesContext(connection) as captured:
        response = api(user).get(path, params or {})
    assert response.status_code == 200, response.content
    return len(captured)


def _grow(office, partner, n: int) -> None:
    """``n`` more agreements of the office, each with parties, a committee and its meeting,
    an obligation, a prospect, a decree and a review."""
    fars = Province.objects.get(code="IR-07")
    review_round = ReviewRoundFactory(owner=office)
    for i in range(n):
        agreement = AgreementFactory(
            owner=office,
            parties=[office, partner, OrganizationFactory()],
            strategic_weight=1 + i % 5,
        )
        AgreementFactory(
            owner=office, parties=[partner], scope=Scope.PROVINCIAL, province=fars, parent=agreement
        )
        committee = CommitteeFactory(agreement=agreement, secretary=PersonFactory())
        MeetingFactory(committee=committee)
        FollowUpFactory(source=agreement, owner_organization=partner)
        ProspectFactory(owner=office)
        AppointmentFactory(issuer=office, host=OrganizationFactory())
        AgreementReview.objects.create(round=review_round, agreement=agreement)


@pytest.mark.parametrize(
    "actor, path, params",
    [
        ("office_viewer", "/api/agreements/", {}),
        ("coordinator", "/api/agreements/", {"order": "expiry", "state": "active"}),
        ("partner_editor", "/api/agreements/", {"party": "PARTNER", "q": "تفاهم"}),
        ("office_viewer", "/api/committees/", {}),
        ("coordinator", "/api/appointments/", {"status": "active"}),
        ("office_viewer", "/api/prospects/", {}),
        ("office_viewer", "/api/review-rounds/", {}),
        ("anonymous", "/api/agreement-kinds/", {}),
    ],
)
def test_lists_cost_the_same_whatever_their_length(office, partner, actors, actor, path, params):
    # given a few agreements and all that hangs from them, then many more
    user = actors[actor]
    params = {k: partner.pk if v == "PARTNER" else v for k, v in params.items()}
    _grow(office, partner, 2)
    _queries(user, path, params)  # content types and the like, cached once
    small = _queries(user, path, params)
    _grow(office, partner, 10)
    # then listing them costs the same number of queries
    assert _queries(user, path, params) == small


# --- the schema ---------------------------------------------------------------------------


def test_the_schema_builds_without_warnings(tmp_path):
    # when the OpenAPI schema is built and validated, then no warning, and every endpoint
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    schema = (tmp_path / "schema.yaml").read_text()
    for path in (
        "/api/agreements/",
        "/api/agreements/{id}/transition/",
        "/api/agreements/{id}/renew/",
        "/api/agreements/{id}/amend/",
        "/api/agreements/{id}/downgrade/",
        "/api/agreements/{id}/documents/",
        "/api/agreements/{id}/parties/",
        "/api/agreements/{id}/parties/{party_pk}/",
        "/api/agreement-kinds/",
        "/api/review-rounds/{id}/decide/",
        "/api/review-rounds/{id}/apply/",
        "/api/review-rounds/{id}/close/",
        "/api/prospects/{id}/move/",
        "/api/committees/{id}/members/",
        "/api/committees/{id}/meetings/",
        "/api/appointments/{id}/revoke/",
    ):
        assert f"{path}:" in schema, path
