"""The agreements' services: the state machine, successors, reviews, prospects,
committees, decrees, and who may do each."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hamafza.agreements import services
from hamafza.agreements.models import (
    TRANSITIONS,
    Agreement,
    AgreementDocument,
    AgreementReview,
    AgreementState,
    AgreementTransition,
    AppointmentStatus,
    Committee,
    CommitteeStatus,
    Meeting,
    Prospect,
    ProspectStatus,
    ReviewDecision,
    Scope,
)
from hamafza.agreements.services import DecisionInput, PartyInput
from hamafza.agreements.tests.factories import (
    AgreementFactory,
    AppointmentFactory,
    CommitteeFactory,
    kind,
)
from hamafza.core.models import Province
from hamafza.core.permissions import SYSTEM
from hamafza.directory.tests.factories import OrganizationFactory, PersonFactory
from hamafza.followups.models import FollowUp

S = AgreementState
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
WRITERS = ("office_editor", "coordinator")
REFUSED = ("anonymous", "office_viewer", "partner_editor", "stranger_editor")


def pdf(name="scan.pdf", size=0):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size, content_type="application/pdf")


def create(actor, office, partner, **values):
    defaults = {
        "kind": kind("mou"),
        "code": "MOU-1404-001",
        "title": "تفاهم‌نامه همکاری فرهنگی",
        "owner": office,
        "signed_on": TODAY - 10 * DAY,
        "expires_on": TODAY + 700 * DAY,
    }
    defaults.update(values)
    return services.agreement_create(
        actor=actor,
        parties=[PartyInput(office), PartyInput(partner)],
        **defaults,
    )


@pytest.fixture
def active(office, partner):
    return AgreementFactory(owner=office, parties=[office, partner])


# --- creating --------------------------------------------------------------------------------


def test_a_draft_is_registered_with_its_parties_and_first_history(actors, office, partner):
    # When the office's editor registers an agreement
    agreement = create(actors["office_editor"], office, partner)
    # Then it is a draft with both parties and a recorded registration
    assert agreement.state == S.DRAFT
    assert set(agreement.parties.values_list("organization", flat=True)) == {office.pk, partner.pk}
    assert agreement.transitions.get().actor == actors["office_editor"]
    assert agreement.renewal_due_on == agreement.expires_on - 90 * DAY


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_office_and_coordinators_register(actors, office, partner, who):
    with pytest.raises(PermissionDenied):
        create(actors[who], office, partner)
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"expires_on": TODAY - 20 * DAY}, "expires_on"),
        ({"scope": Scope.PROVINCIAL}, "province"),
        ({"province": "fars"}, "province"),
    ],
)
def test_bad_dates_and_scopes_are_refused(actors, office, partner, values, field):
    if values.get("province") == "fars":
        values["province"] = Province.objects.get(code="IR-14")
    with pytest.raises(ValidationError) as error:
        create(actors["coordinator"], office, partner, **values)
    assert field in error.value.message_dict
    assert not Agreement.objects.exists()


def test_a_provincial_agreement_falls_under_a_national_one_only(actors, office, partner):
    fars = Province.objects.get(code="IR-14")
    national = AgreementFactory(owner=office)
    provincial = AgreementFactory(owner=office, scope=Scope.PROVINCIAL, province=fars)
    # A provincial agreement under a national MoU is fine
    child = create(
        actors["coordinator"], office, partner, code="FA-1", scope=Scope.PROVINCIAL,
        province=fars, parent=national,
    )  # fmt: skip
    assert child.parent == national
    # Under a provincial one it is refused, and nothing is saved
    with pytest.raises(ValidationError) as error:
        create(
            actors["coordinator"], office, partner, code="FA-2", scope=Scope.PROVINCIAL,
            province=fars, parent=provincial,
        )  # fmt: skip
    assert "parent" in error.value.message_dict
    assert not Agreement.objects.filter(code="FA-2").exists()


def test_a_party_named_twice_is_refused(actors, office, partner):
    with pytest.raises(ValidationError) as error:
        services.agreement_create(
            actor=actors["coordinator"],
            parties=[PartyInput(partner), PartyInput(partner)],
            kind=kind(),
            code="X-1",
            title="x",
            owner=office,
        )
    assert "parties" in error.value.message_dict
    assert not Agreement.objects.exists()


def test_a_duplicate_code_is_a_field_error(actors, office, partner, active):
    with pytest.raises(ValidationError) as error:
        create(actors["coordinator"], office, partner, code=active.code)
    assert "code" in error.value.message_dict


# --- the state machine -------------------------------------------------------------------------

EVERY_MOVE = list(itertools.product(S.values, S.values))


def agreement_in(state, office, partner):
    return AgreementFactory(owner=office, parties=[office, partner], state=state)


@pytest.mark.parametrize(("start", "target"), EVERY_MOVE)
def test_every_move_is_allowed_or_refused_as_the_table_says(actors, office, partner, start, target):
    agreement = agreement_in(start, office, partner)
    legal = target in TRANSITIONS[start]
    if target in ("renewed", "amended", "downgraded"):
        # These need a successor: only their own services make them
        with pytest.raises(ValidationError):
            services.agreement_transition(
                actor=actors["coordinator"], agreement=agreement, to_state=target, reason="r"
            )
    elif legal:
        moved = services.agreement_transition(
            actor=actors["coordinator"], agreement=agreement, to_state=target, reason="r"
        )
        assert moved.state == target
        last = moved.transitions.last()
        assert (last.from_state, last.to_state, last.reason) == (start, target, "r")
    else:
        with pytest.raises(ValidationError) as error:
            services.agreement_transition(
                actor=actors["coordinator"], agreement=agreement, to_state=target, reason="r"
            )
        assert "state" in error.value.message_dict
        agreement.refresh_from_db()
        assert agreement.state == start
        assert not agreement.transitions.exists()


def test_an_illegal_move_says_what_is_possible(actors, office, partner):
    agreement = agreement_in(S.DRAFT, office, partner)
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(
            actor=actors["coordinator"], agreement=agreement, to_state=S.EXPIRED
        )
    message = error.value.message_dict["state"][0]
    assert str(S.DRAFT.label) in message and str(S.NEGOTIATION.label) in message


def test_activation_needs_a_signing_date_and_two_parties(actors, office, partner):
    agreement = AgreementFactory(
        owner=office, parties=[office], state=S.AWAITING_SIGNATURE, signed_on=None
    )
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(
            actor=actors["coordinator"], agreement=agreement, to_state=S.ACTIVE
        )
    assert {"signed_on", "parties"} <= set(error.value.message_dict)
    agreement.refresh_from_db()
    assert agreement.state == S.AWAITING_SIGNATURE


def test_ending_needs_a_reason(actors, active):
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(
            actor=actors["coordinator"], agreement=active, to_state=S.TERMINATED
        )
    assert "reason" in error.value.message_dict


@pytest.mark.parametrize("who", REFUSED)
def test_others_cannot_move_an_agreement(actors, active, who):
    with pytest.raises(PermissionDenied):
        services.agreement_transition(
            actor=actors[who], agreement=active, to_state=S.TERMINATED, reason="r"
        )
    active.refresh_from_db()
    assert active.state == S.ACTIVE


# --- renewal, amendment, downgrading ---------------------------------------------------------


def test_renewal_makes_a_successor_and_moves_the_committees_and_children(
    actors, office, partner, active
):
    committee = CommitteeFactory(agreement=active)
    fars = Province.objects.get(code="IR-14")
    child = AgreementFactory(owner=office, scope=Scope.PROVINCIAL, province=fars, parent=active)
    new_expiry = TODAY + 1000 * DAY
    # When the office's editor renews it
    successor = services.agreement_renew(
        actor=actors["office_editor"], agreement=active, expires_on=new_expiry, reason="ادامه"
    )
    # Then the old one is renewed and points to the new one, which is active
    active.refresh_from_db()
    assert active.state == S.RENEWED
    assert successor.replaces == active
    assert (successor.state, successor.kind, successor.expires_on) == (
        S.ACTIVE,
        active.kind,
        new_expiry,
    )
    assert successor.code == f"{active.code}-2"
    assert successor.parties.count() == 2
    assert active.transitions.last().successor == successor
    # and the cooperation continues under it
    assert Committee.objects.get(pk=committee.pk).agreement == successor
    assert Agreement.objects.get(pk=child.pk).parent == successor


def test_renewal_without_a_date_keeps_the_term(actors, office, partner):
    agreement = AgreementFactory(
        owner=office,
        parties=[office, partner],
        signed_on=TODAY - 700 * DAY,
        effective_on=TODAY - 700 * DAY,
        expires_on=TODAY + 30 * DAY,
    )
    successor = services.agreement_renew(
        actor=actors["coordinator"], agreement=agreement, expires_on=None
    )
    assert successor.expires_on == TODAY + 730 * DAY


def test_an_expired_agreement_can_still_be_renewed(actors, office, partner):
    agreement = agreement_in(S.EXPIRED, office, partner)
    successor = services.agreement_renew(
        actor=actors["coordinator"], agreement=agreement, expires_on=TODAY + 400 * DAY
    )
    assert successor.state == S.ACTIVE


def test_downgrading_goes_only_to_a_lighter_kind(actors, active):
    with pytest.raises(ValidationError) as error:
        services.agreement_downgrade(
            actor=actors["coordinator"], agreement=active, kind=kind("mou")
        )
    assert "kind" in error.value.message_dict
    successor = services.agreement_downgrade(
        actor=actors["coordinator"], agreement=active, kind=kind("agreement"), reason="کم‌اثر"
    )
    active.refresh_from_db()
    assert (active.state, successor.kind.code, successor.replaces) == (
        S.DOWNGRADED,
        "agreement",
        active,
    )


def test_an_amendment_needs_its_reason_and_carries_the_changes(actors, active):
    with pytest.raises(ValidationError):
        services.agreement_amend(actor=actors["coordinator"], agreement=active, reason=" ")
    successor = services.agreement_amend(
        actor=actors["coordinator"], agreement=active, reason="بند ۳", title="عنوان تازه"
    )
    assert successor.title == "عنوان تازه"
    active.refresh_from_db()
    assert active.state == S.AMENDED


def test_a_failed_renewal_leaves_everything_as_it_was(actors, office, partner):
    agreement = AgreementFactory(owner=office, parties=[office, partner])
    before = Agreement.objects.count()
    with pytest.raises(ValidationError):
        services.agreement_renew(
            actor=actors["coordinator"],
            agreement=agreement,
            expires_on=TODAY - 5 * DAY,  # before its signing (today)
        )
    agreement.refresh_from_db()
    assert agreement.state == S.ACTIVE
    assert Agreement.objects.count() == before
    assert not AgreementTransition.objects.filter(agreement=agreement).exists()


def test_expiry_is_applied_to_agreements_past_their_date(office, partner):
    past = AgreementFactory(owner=office, expires_on=TODAY - DAY, signed_on=TODAY - 400 * DAY)
    current = AgreementFactory(owner=office)
    assert services.agreements_expire() == 1
    past.refresh_from_db(), current.refresh_from_db()
    assert (past.state, current.state) == (S.EXPIRED, S.ACTIVE)
    assert services.agreements_expire() == 0


# --- documents -------------------------------------------------------------------------------


def test_documents_must_be_pdfs_within_the_limit(actors, active, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.HAMAFZA_DOCUMENT_MAX_BYTES = 1000
    document = services.agreement_document_add(
        actor=actors["office_editor"], agreement=active, title="متن امضاشده", file=pdf()
    )
    assert document.file.name.endswith(".pdf")
    fake = SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    for bad in (fake, pdf(size=2000)):
        with pytest.raises(ValidationError) as error:
            services.agreement_document_add(
                actor=actors["office_editor"], agreement=active, title="x", file=bad
            )
        assert "file" in error.value.message_dict
    assert AgreementDocument.objects.count() == 1


@pytest.mark.parametrize("who", REFUSED)
def test_others_cannot_attach_documents(actors, active, who):
    with pytest.raises(PermissionDenied):
        services.agreement_document_add(actor=actors[who], agreement=active, title="x", file=pdf())


# --- reviews ---------------------------------------------------------------------------------


@pytest.fixture
def round_of_three(actors, office, partner):
    agreements = [AgreementFactory(owner=office, parties=[office, partner]) for _ in range(3)]
    round_ = services.review_round_create(
        actor=actors["coordinator"],
        owner=office,
        title="بازنگری ۲۲ تفاهم‌نامه قبلی",
        agreements=agreements,
    )
    return round_, agreements


def test_applying_decisions_performs_the_transitions(actors, round_of_three):
    round_, (kept, downgraded, ended) = round_of_three
    reviews = {r.agreement_id: r for r in round_.reviews.all()}
    coordinator = actors["coordinator"]
    services.review_decide(
        actor=coordinator, review=reviews[kept.pk], decision="keep", reasoning="فعال است"
    )
    services.review_decide(
        actor=coordinator,
        review=reviews[downgraded.pk],
        decision="downgrade",
        reasoning="کم‌اثر",
        new_kind=kind("agreement"),
    )
    services.review_decide(
        actor=coordinator, review=reviews[ended.pk], decision="terminate", reasoning="بی‌اثر"
    )
    for review in AgreementReview.objects.filter(round=round_):
        services.review_apply(actor=coordinator, review=review)
    for agreement in (kept, downgraded, ended):
        agreement.refresh_from_db()
    assert (kept.state, downgraded.state, ended.state) == (S.ACTIVE, S.DOWNGRADED, S.TERMINATED)
    applied = AgreementReview.objects.get(agreement=downgraded)
    assert applied.result.kind.code == "agreement"
    assert "بازنگری" in ended.transitions.last().reason
    # A decision applied once cannot be applied or changed again
    with pytest.raises(ValidationError):
        services.review_apply(actor=coordinator, review=applied)
    with pytest.raises(ValidationError):
        services.review_decide(actor=coordinator, review=applied, decision="keep", reasoning="x")
    assert services.review_round_close(actor=coordinator, round=round_).closed_on == TODAY


def test_decisions_need_reasoning_and_a_lighter_kind(actors, round_of_three):
    round_, _agreements = round_of_three
    review = round_.reviews.first()
    with pytest.raises(ValidationError) as error:
        services.review_decide(actor=actors["coordinator"], review=review, decision="terminate")
    assert "reasoning" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.review_decide(
            actor=actors["coordinator"],
            review=review,
            decision="downgrade",
            reasoning="x",
            new_kind=kind("mou"),
        )
    assert "new_kind" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.review_apply(actor=actors["coordinator"], review=review)  # still pending
    review.refresh_from_db()
    assert review.decision == ReviewDecision.PENDING


def test_a_round_cannot_close_with_decisions_not_applied(actors, round_of_three):
    round_, _agreements = round_of_three
    review = round_.reviews.first()
    services.review_decide(
        actor=actors["coordinator"], review=review, decision="terminate", reasoning="x"
    )
    with pytest.raises(ValidationError):
        services.review_round_close(actor=actors["coordinator"], round=round_)


def test_drafts_are_not_reviewed(actors, office, partner, round_of_three):
    round_, _agreements = round_of_three
    draft = agreement_in(S.DRAFT, office, partner)
    with pytest.raises(ValidationError):
        services.review_add(actor=actors["coordinator"], round=round_, agreement=draft)


@pytest.mark.parametrize("who", REFUSED)
def test_others_cannot_decide_or_apply(actors, round_of_three, who):
    round_, _agreements = round_of_three
    review = round_.reviews.first()
    with pytest.raises(PermissionDenied):
        services.review_decide(actor=actors[who], review=review, decision="keep", reasoning="x")
    with pytest.raises(PermissionDenied):
        services.review_apply(actor=actors[who], review=review)


# --- prospects -------------------------------------------------------------------------------


def test_a_prospect_moves_step_by_step_to_signed(actors, office, active):
    body = OrganizationFactory(name="هلال احمر")
    prospect = services.prospect_create(
        actor=actors["office_editor"], owner=office, organization=body
    )
    with pytest.raises(ValidationError):  # skipping steps
        services.prospect_move(actor=actors["office_editor"], prospect=prospect, status="drafting")
    with pytest.raises(ValidationError):  # assessed without an assessment
        services.prospect_move(actor=actors["office_editor"], prospect=prospect, status="assessed")
    for status, extra in (
        ("assessed", {"assessment": "ظرفیت خوب در امداد"}),
        ("prioritized", {"expected_benefit": 5}),
        ("drafting", {}),
        ("signed", {"agreement": active}),
    ):
        prospect = services.prospect_move(
            actor=actors["office_editor"], prospect=prospect, status=status, **extra
        )
    assert (prospect.status, prospect.agreement, prospect.expected_benefit) == (
        ProspectStatus.SIGNED,
        active,
        5,
    )
    with pytest.raises(ValidationError):
        services.prospect_create(actor=actors["coordinator"], owner=office, organization=body)
    assert Prospect.objects.count() == 1


@pytest.mark.parametrize("who", REFUSED)
def test_others_cannot_add_prospects(actors, office, who):
    with pytest.raises(PermissionDenied):
        services.prospect_create(
            actor=actors[who], owner=office, organization=OrganizationFactory()
        )


# --- committees and meetings ---------------------------------------------------------------------


def test_a_meeting_records_its_decisions_as_numbered_follow_ups(actors, office, partner, active):
    committee = services.committee_create(
        actor=actors["office_editor"],
        agreement=active,
        name="قرارگاه همکاری",
        status=CommitteeStatus.ACTIVE,
    )
    people = [PersonFactory(), PersonFactory()]
    meeting = services.meeting_record(
        actor=actors["office_editor"],
        committee=committee,
        held_on=TODAY - DAY,
        minutes="…",
        attendees=people,
        decisions=[
            DecisionInput("برگزاری نشست تخصصی", partner, due_on=TODAY + 30 * DAY),
            DecisionInput("تولید محتوا برای ائمه جماعات", office),
        ],
    )
    items = FollowUp.objects.filter(source_id=meeting.pk).order_by("number")
    assert [(i.number, i.owner_organization) for i in items] == [(1, partner), (2, office)]
    assert set(meeting.attendees.all()) == set(people)


def test_a_bad_decision_saves_no_meeting(actors, active):
    committee = CommitteeFactory(agreement=active)
    with pytest.raises(ValidationError):
        services.meeting_record(
            actor=actors["coordinator"],
            committee=committee,
            held_on=TODAY,
            decisions=[DecisionInput("", active.owner)],
        )
    assert not Meeting.objects.exists()
    assert not FollowUp.objects.exists()


def test_meetings_are_recorded_after_they_are_held(actors, active):
    committee = CommitteeFactory(agreement=active)
    with pytest.raises(ValidationError):
        services.meeting_record(
            actor=actors["coordinator"], committee=committee, held_on=TODAY + DAY
        )


def test_only_an_active_agreement_has_an_active_committee(actors, office, partner):
    draft = agreement_in(S.DRAFT, office, partner)
    with pytest.raises(ValidationError):
        services.committee_create(
            actor=actors["coordinator"], agreement=draft, name="x", status=CommitteeStatus.ACTIVE
        )
    assert services.committee_create(actor=actors["coordinator"], agreement=draft, name="x")


@pytest.mark.parametrize("who", REFUSED)
def test_others_cannot_form_committees_or_record_meetings(actors, active, who):
    with pytest.raises(PermissionDenied):
        services.committee_create(actor=actors[who], agreement=active, name="x")
    with pytest.raises(PermissionDenied):
        services.meeting_record(
            actor=actors[who], committee=CommitteeFactory(agreement=active), held_on=TODAY
        )


def test_the_secretary_records_meetings(office, active):
    from hamafza.directory.tests.factories import UserFactory

    user = UserFactory()
    secretary = PersonFactory(user=user)
    committee = CommitteeFactory(agreement=active, secretary=secretary)
    assert services.meeting_record(actor=user, committee=committee, held_on=TODAY)


# --- representative appointments -----------------------------------------------------------------


def test_a_decree_status_follows_its_dates(office):
    assert AppointmentFactory(issuer=office).status == AppointmentStatus.ACTIVE
    assert (
        AppointmentFactory(issuer=office, valid_to=TODAY - DAY).status == AppointmentStatus.EXPIRED
    )
    assert (
        AppointmentFactory(issuer=office, valid_from=TODAY + DAY, decree_date=TODAY).status
        == AppointmentStatus.PENDING
    )


def test_decrees_are_checked_and_revoked_with_a_reason(actors, office, partner):
    values = {
        "person": PersonFactory(),
        "issuer": office,
        "host": partner,
        "role": "نماینده",
        "decree_number": "1404/17",
        "decree_date": TODAY - 10 * DAY,
        "valid_from": TODAY - 10 * DAY,
    }
    with pytest.raises(ValidationError) as error:
        services.appointment_create(
            actor=actors["office_editor"], **values, valid_to=TODAY - 20 * DAY
        )
    assert "valid_to" in error.value.message_dict
    appointment = services.appointment_create(
        actor=actors["office_editor"], **values, valid_to=TODAY + 300 * DAY
    )
    with pytest.raises(ValidationError):
        services.appointment_revoke(actor=actors["office_editor"], appointment=appointment)
    services.appointment_revoke(
        actor=actors["office_editor"], appointment=appointment, reason="پایان مأموریت"
    )
    assert appointment.status == AppointmentStatus.REVOKED
    assert appointment.history.count() == 2
    with pytest.raises(ValidationError):
        services.appointment_create(actor=actors["coordinator"], **values)  # same number


@pytest.mark.parametrize("who", ("anonymous", "office_viewer", "stranger_editor"))
def test_others_cannot_issue_or_revoke_decrees(actors, office, partner, who):
    with pytest.raises(PermissionDenied):
        services.appointment_create(
            actor=actors[who],
            person=PersonFactory(),
            issuer=office,
            host=partner,
            role="x",
            decree_number="1",
            decree_date=TODAY,
            valid_from=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.appointment_revoke(
            actor=actors[who], appointment=AppointmentFactory(issuer=office), reason="x"
        )


def test_history_is_kept_on_agreements(actors, office, partner):
    agreement = create(actors["coordinator"], office, partner)
    services.agreement_update(actor=actors["coordinator"], agreement=agreement, title="تازه")
    assert agreement.history.count() == 2
    assert SYSTEM  # trusted code acts as SYSTEM


def test_a_renewal_signed_earlier_takes_effect_when_signed(actors, active):
    signed = TODAY - 30 * DAY
    successor = services.agreement_renew(
        actor=actors["coordinator"],
        agreement=active,
        expires_on=TODAY + 700 * DAY,
        signed_on=signed,
    )
    assert (successor.signed_on, successor.effective_on) == (signed, signed)
    assert set(successor.parties.values_list("signed_on", flat=True)) == {signed}


def test_a_downgrade_can_set_a_new_expiry(actors, office, partner):
    # Given an active MoU whose expiry passed before the reminders expired it
    agreement = AgreementFactory(
        owner=office, parties=[office, partner], signed_on=TODAY - 800 * DAY,
        expires_on=TODAY - DAY,
    )  # fmt: skip
    # Then downgrading needs a new expiry, and takes it
    with pytest.raises(ValidationError):
        services.agreement_downgrade(
            actor=actors["coordinator"], agreement=agreement, kind=kind("agreement")
        )
    successor = services.agreement_downgrade(
        actor=actors["coordinator"],
        agreement=agreement,
        kind=kind("agreement"),
        expires_on=TODAY + 365 * DAY,
    )
    assert successor.expires_on == TODAY + 365 * DAY


def test_an_expired_agreement_is_only_kept_or_renewed_in_a_review(actors, office, partner):
    expired = agreement_in(S.EXPIRED, office, partner)
    round_ = services.review_round_create(
        actor=actors["coordinator"], owner=office, title="r", agreements=[expired]
    )
    review = round_.reviews.get()
    for decision in ("downgrade", "terminate"):
        with pytest.raises(ValidationError) as error:
            services.review_decide(
                actor=actors["coordinator"],
                review=review,
                decision=decision,
                reasoning="x",
                new_kind=kind("agreement"),
            )
        assert "decision" in error.value.message_dict
    services.review_decide(
        actor=actors["coordinator"], review=review, decision="renew", reasoning="x"
    )
    applied = services.review_apply(actor=actors["coordinator"], review=review)
    assert applied.result.state == S.ACTIVE
