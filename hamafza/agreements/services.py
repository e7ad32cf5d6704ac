"""Every change to agreements and what hangs from them goes through here.

Pages, the API, commands and tasks call these functions alike. Each checks
the actor's right through the model's policy, validates the whole change,
and writes it in one transaction: a refused or invalid change writes
nothing. An agreement's state moves only by ``agreement_transition`` (and
the renew/amend/downgrade functions built on it), along ``TRANSITIONS``.

Lock order, where several rows are locked: the agreement, then the one it
replaces or its successor (by id), then its review rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from hamafza.agreements.models import (
    PENDING_STATES,
    PROSPECT_TRANSITIONS,
    SUCCESSOR_STATES,
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementParty,
    AgreementReview,
    AgreementState,
    AgreementTransition,
    Appointment,
    Committee,
    CommitteeMember,
    CommitteeStatus,
    Meeting,
    PartyRole,
    Prospect,
    ProspectStatus,
    ReviewDecision,
    ReviewRound,
    Scope,
    renewal_due_q,
)
from hamafza.agreements.policies import (
    agreement_part_policy,
    agreement_policy,
    appointment_policy,
    meeting_policy,
    prospect_policy,
    review_policy,
)
from hamafza.core.writes import unknown_fields_refuse
from hamafza.directory.models import Organization, Person, Role

S = AgreementState

AGREEMENT_FIELDS = frozenset(
    {
        "kind",
        "code",
        "title",
        "titles",
        "summary",
        "scope",
        "province",
        "parent",
        "owner",
        "owner_person",
        "signed_on",
        "effective_on",
        "expires_on",
        "notice_days",
        "strategic_weight",
    }
)


@dataclass(frozen=True)
class PartyInput:
    organization: Organization
    role: str = PartyRole.PARTY
    signatory: str = ""
    signed_on: date | None = None


def _actor_user(actor):
    return actor if getattr(actor, "pk", None) is not None else None


def _parties_check(parties: list[PartyInput]) -> None:
    seen: set[int] = set()
    for party in parties:
        if party.organization.pk in seen:
            raise ValidationError(
                {"parties": _("%(name)s is named twice among the parties.")
                 % {"name": party.organization.display_name()}}
            )  # fmt: skip
        seen.add(party.organization.pk)
        if party.role not in PartyRole.values:
            raise ValidationError({"parties": _("Choose a valid role for each party.")})


def _parties_write(agreement: Agreement, parties: list[PartyInput]) -> None:
    for party in parties:
        row = AgreementParty(
            agreement=agreement,
            organization=party.organization,
            role=party.role,
            signatory=party.signatory,
            signed_on=party.signed_on,
        )
        row.full_clean(exclude=["agreement"])
        row.save()


def _full_clean(agreement: Agreement) -> None:
    """Validate the row; a unique code or constraint clash becomes a field error."""
    agreement.full_clean(exclude=["subjects"])


def agreement_create(
    *,
    actor,
    parties: Iterable[PartyInput] = (),
    subjects: Iterable[Any] = (),
    state: str = S.DRAFT,
    **values,
) -> Agreement:
    """Register an agreement with its parties and subject areas.

    ``state`` may be draft (the default) or, to record an agreement signed
    before it was registered, active: then it needs a signing date.
    """
    unknown_fields_refuse(values, AGREEMENT_FIELDS)
    owner = values.get("owner")
    agreement_policy.check(actor, "add", owner)
    if state not in (S.DRAFT, S.ACTIVE):
        raise ValidationError({"state": _("A new agreement is a draft, or active if signed.")})
    parties = list(parties)
    _parties_check(parties)
    agreement = Agreement(state=state, **values)
    if state == S.ACTIVE and agreement.signed_on is None:
        raise ValidationError({"signed_on": _("An active agreement needs its signing date.")})
    _full_clean(agreement)
    with transaction.atomic():
        agreement.save()
        _parties_write(agreement, parties)
        agreement.subjects.set(list(subjects))
        AgreementTransition.objects.create(
            agreement=agreement,
            from_state=S.DRAFT,
            to_state=state,
            actor=_actor_user(actor),
            reason=_("Registered."),
        )
        agreements_priority_refresh(ids=[agreement.pk])
    return agreement


def agreement_update(
    *, actor, agreement: Agreement, subjects: Iterable[Any] | None = None, **values
) -> Agreement:
    """Change an agreement's details (never its state: see ``agreement_transition``)."""
    unknown_fields_refuse(values, AGREEMENT_FIELDS)
    agreement_policy.check(actor, "change", agreement)
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if "owner" in values and values["owner"] != locked.owner:
            agreement_policy.check(actor, "add", values["owner"])
        for field, value in values.items():
            setattr(locked, field, value)
        _full_clean(locked)
        if locked.scope == Scope.PROVINCIAL and locked.children.exists():
            raise ValidationError(
                {"scope": _("Agreements fall under this one: it must stay national.")}
            )
        locked.save()
        if subjects is not None:
            locked.subjects.set(list(subjects))
        agreements_priority_refresh(ids=[locked.pk])
    return locked


def agreement_party_add(*, actor, agreement: Agreement, party: PartyInput) -> AgreementParty:
    agreement_part_policy.check(actor, "add", agreement)
    _parties_check([party])
    with transaction.atomic():
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
        if agreement.parties.filter(organization=party.organization).exists():
            raise ValidationError({"organization": _("This organization is already a party.")})
        row = AgreementParty(
            agreement=agreement,
            organization=party.organization,
            role=party.role,
            signatory=party.signatory,
            signed_on=party.signed_on,
        )
        row.full_clean()
        row.save()
    return row


def agreement_party_remove(*, actor, party: AgreementParty) -> None:
    """Remove a party; a signed agreement keeps at least two."""
    agreement_part_policy.check(actor, "change", party)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=party.agreement_id)
        if agreement.state not in PENDING_STATES and agreement.parties.count() <= 2:
            raise ValidationError({"parties": _("A signed agreement keeps at least two parties.")})
        party.delete()


def agreement_document_add(*, actor, agreement: Agreement, title: str, file) -> AgreementDocument:
    """Attach a scanned PDF (checked by its bytes and size)."""
    agreement_part_policy.check(actor, "add", agreement)
    document = AgreementDocument(
        agreement=agreement, title=(title or "").strip(), file=file, uploaded_by=_actor_user(actor)
    )
    document.full_clean()
    with transaction.atomic():
        document.save()
    return document


def agreement_document_delete(*, actor, document: AgreementDocument) -> None:
    agreement_part_policy.check(actor, "change", document)
    storage, name = document.file.storage, document.file.name
    with transaction.atomic():
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))


# --- priority --------------------------------------------------------------------------------


def agreements_priority_refresh(*, ids: Iterable[int] | None = None, today: date | None = None):
    """Store the priority score of some agreements (all, without ``ids``): one UPDATE.

    Called by every service that changes what the score is made of, and
    hourly by ``reminders_send`` for the parts that move with the date.
    """
    from hamafza.agreements.selectors import priority_expression

    queryset = Agreement.objects.all()
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(priority=priority_expression(today=today))


# --- the state machine -----------------------------------------------------------------------


def _transition_refuse(agreement: Agreement, to_state: str) -> ValidationError:
    allowed = ", ".join(str(S(state).label) for state in agreement.allowed_transitions())
    return ValidationError(
        {
            "state": _(
                "An agreement that is “%(current)s” cannot become “%(target)s”. "
                "It can become: %(allowed)s."
            )
            % {
                "current": S(agreement.state).label,
                "target": S(to_state).label,
                "allowed": allowed or _("nothing further"),
            }
        }
    )


def _activation_check(agreement: Agreement) -> None:
    errors = {}
    if agreement.signed_on is None:
        errors["signed_on"] = _("Enter the signing date before making it active.")
    if agreement.parties.count() < 2:
        errors["parties"] = _("An agreement needs at least two parties before it is active.")
    if agreement.expires_on is not None and agreement.expires_on <= timezone.localdate():
        errors["expires_on"] = _("The expiry date has passed: correct it before making it active.")
    if errors:
        raise ValidationError(errors)


def agreement_transition(
    *,
    actor,
    agreement: Agreement,
    to_state: str,
    reason: str = "",
    successor: Agreement | None = None,
) -> Agreement:
    """Move an agreement to ``to_state`` if ``TRANSITIONS`` allows it, and record the move.

    Renewed, amended and downgraded need the ``successor`` made by the
    functions below; use those rather than calling this for them.
    """
    agreement_policy.check(actor, "change", agreement)
    if to_state not in S.values:
        raise ValidationError({"state": _("Choose a valid state.")})
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if to_state not in locked.allowed_transitions():
            raise _transition_refuse(locked, to_state)
        if to_state in SUCCESSOR_STATES and successor is None:
            raise ValidationError(
                {"state": _("Renewing, amending or downgrading makes a new agreement.")}
            )
        if to_state == S.ACTIVE:
            _activation_check(locked)
        if to_state in (S.TERMINATED, S.CANCELLED) and not reason:
            raise ValidationError({"reason": _("Say why the agreement ends.")})
        AgreementTransition.objects.create(
            agreement=locked,
            from_state=locked.state,
            to_state=to_state,
            actor=_actor_user(actor),
            reason=reason,
            successor=successor,
        )
        locked.state = to_state
        locked.save(update_fields=["state", "updated_at"])
        agreements_priority_refresh(ids=[locked.pk])
    return locked


def _successor_code(agreement: Agreement) -> str:
    base = agreement.code
    for number in range(2, 1000):
        code = f"{base}-{number}"[:40]
        if not Agreement.objects.filter(code=code).exists():
            return code
    raise ValidationError({"code": _("Give the new agreement a code.")})


def _successor_make(
    *,
    actor,
    agreement: Agreement,
    to_state: str,
    reason: str,
    values: dict,
) -> Agreement:
    """The new agreement that renews, amends or downgrades ``agreement``; the old one closes.

    The new one copies the parties, subject areas and details, takes
    ``values`` on top, is active from now and replaces the old one. The
    committees and the provincial agreements under it move to it, so the
    cooperation goes on where it was.
    """
    agreement_policy.check(actor, "change", agreement)
    unknown_fields_refuse(values, AGREEMENT_FIELDS - {"owner", "scope", "province", "parent"})
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if to_state not in locked.allowed_transitions():
            raise _transition_refuse(locked, to_state)
        today = timezone.localdate()
        copy = {field: getattr(locked, field) for field in AGREEMENT_FIELDS}
        signed_on = values.pop("signed_on", None) or today
        copy.update(
            code=values.pop("code", None) or _successor_code(locked),
            signed_on=signed_on,
            effective_on=values.pop("effective_on", None) or signed_on,
        )
        copy.update(values)
        successor = Agreement(state=S.ACTIVE, replaces=locked, **copy)
        _full_clean(successor)
        successor.save()
        successor.subjects.set(list(locked.subjects.all()))
        _parties_write(
            successor,
            [
                PartyInput(p.organization, p.role, p.signatory, successor.signed_on)
                for p in locked.parties.select_related("organization")
            ],
        )
        if successor.parties.count() < 2:
            raise ValidationError(
                {"parties": _("An agreement needs at least two parties before it is active.")}
            )
        AgreementTransition.objects.create(
            agreement=successor,
            from_state=S.DRAFT,
            to_state=S.ACTIVE,
            actor=_actor_user(actor),
            reason=reason,
        )
        Committee.objects.filter(agreement=locked).update(agreement=successor)
        if successor.scope == Scope.NATIONAL:
            Agreement.objects.filter(parent=locked).update(parent=successor)
        agreement_transition(
            actor=actor, agreement=locked, to_state=to_state, reason=reason, successor=successor
        )
        agreements_priority_refresh(ids=[successor.pk])
        successor.refresh_from_db(fields=["priority"])
    return successor


def agreement_renew(
    *,
    actor,
    agreement: Agreement,
    expires_on: date | None,
    reason: str = "",
    code: str = "",
    signed_on: date | None = None,
) -> Agreement:
    """Renew: a new agreement of the same kind and parties with a new term.

    Without ``expires_on`` the new term is as long as the old one was (none
    if the old one had no expiry).
    """
    if expires_on is None and agreement.expires_on is not None:
        start = agreement.effective_on or agreement.signed_on
        if start is not None:
            expires_on = (signed_on or timezone.localdate()) + (agreement.expires_on - start)
    return _successor_make(
        actor=actor,
        agreement=agreement,
        to_state=S.RENEWED,
        reason=reason,
        values={"expires_on": expires_on, "code": code, "signed_on": signed_on},
    )


def agreement_amend(*, actor, agreement: Agreement, reason: str, **changes) -> Agreement:
    """Amend: a new agreement with ``changes`` (title, summary, dates …) in place of the old."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say what the amendment changes.")})
    return _successor_make(
        actor=actor, agreement=agreement, to_state=S.AMENDED, reason=reason, values=changes
    )


def agreement_downgrade(
    *,
    actor,
    agreement: Agreement,
    kind: AgreementKind,
    reason: str = "",
    code: str = "",
    expires_on: date | None = None,
) -> Agreement:
    """Downgrade: the same cooperation under a lighter kind (an MoU becomes an agreement).

    The new agreement keeps the old expiry unless ``expires_on`` is given (it
    must be, if the old expiry has passed)."""
    if kind.weight >= agreement.kind.weight:
        raise ValidationError(
            {"kind": _("Choose a lighter kind than “%(kind)s”.")
             % {"kind": agreement.kind.display_name()}}
        )  # fmt: skip
    return _successor_make(
        actor=actor,
        agreement=agreement,
        to_state=S.DOWNGRADED,
        reason=reason,
        values={"kind": kind, "code": code, "expires_on": expires_on or agreement.expires_on},
    )


def agreements_expire(*, today: date | None = None) -> int:
    """Active agreements past their expiry date become expired (run by the reminders)."""
    from hamafza.core.permissions import SYSTEM

    today = today or timezone.localdate()
    expired = 0
    for agreement in Agreement.objects.filter(state=S.ACTIVE, expires_on__lt=today).order_by("id"):
        agreement_transition(
            actor=SYSTEM,
            agreement=agreement,
            to_state=S.EXPIRED,
            reason=_("The expiry date passed."),
        )
        expired += 1
    return expired


# --- reviews ---------------------------------------------------------------------------------


def review_round_create(
    *,
    actor,
    owner: Organization,
    title: str,
    agreements: Iterable[Agreement] = (),
    description: str = "",
    due_on: date | None = None,
) -> ReviewRound:
    review_policy.check(actor, "add", owner)
    round_ = ReviewRound(
        owner=owner, title=(title or "").strip(), description=description, due_on=due_on
    )
    round_.full_clean()
    with transaction.atomic():
        round_.save()
        for agreement in agreements:
            _review_add(round_, agreement)
    return round_


def _review_add(round_: ReviewRound, agreement: Agreement) -> AgreementReview:
    if agreement.state not in (S.ACTIVE, S.EXPIRED):
        raise ValidationError(
            {"agreement": _("Only active or expired agreements are reviewed: %(code)s is not.")
             % {"code": agreement.code}}
        )  # fmt: skip
    if round_.reviews.filter(agreement=agreement).exists():
        raise ValidationError({"agreement": _("This agreement is already in the round.")})
    return AgreementReview.objects.create(round=round_, agreement=agreement)


def review_add(*, actor, round: ReviewRound, agreement: Agreement) -> AgreementReview:
    review_policy.check(actor, "change", round)
    if not round.is_open:
        raise ValidationError(_("The review round is closed."))
    with transaction.atomic():
        return _review_add(round, agreement)


def review_decide(
    *,
    actor,
    review: AgreementReview,
    decision: str,
    reasoning: str = "",
    new_kind: AgreementKind | None = None,
    new_expires_on: date | None = None,
) -> AgreementReview:
    """Record the decision on one agreement; it takes effect when applied."""
    review_policy.check(actor, "change", review.round)
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": _("Choose a valid decision.")})
    if not review.round.is_open:
        raise ValidationError(_("The review round is closed."))
    if review.applied_at is not None:
        raise ValidationError(_("This decision has been applied; it can no longer change."))
    errors = {}
    agreement = review.agreement
    if agreement.state == S.EXPIRED and decision in (
        ReviewDecision.DOWNGRADE,
        ReviewDecision.TERMINATE,
    ):
        errors["decision"] = _("An expired agreement can only be kept as it is or renewed.")
    if decision == ReviewDecision.DOWNGRADE:
        if new_kind is None:
            errors["new_kind"] = _("Choose the lighter kind it becomes.")
        elif new_kind.weight >= review.agreement.kind.weight:
            errors["new_kind"] = _("Choose a lighter kind than “%(kind)s”.") % {
                "kind": review.agreement.kind.display_name()
            }
    renew_date = decision == ReviewDecision.RENEW and new_expires_on is not None
    if renew_date and new_expires_on <= timezone.localdate():
        errors["new_expires_on"] = _("The new expiry date must be in the future.")
    if decision != ReviewDecision.PENDING and not (reasoning or "").strip():
        errors["reasoning"] = _("Give the reasoning for the decision.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = AgreementReview.objects.select_for_update().get(pk=review.pk)
        if locked.applied_at is not None:
            raise ValidationError(_("This decision has been applied; it can no longer change."))
        locked.decision = decision
        locked.reasoning = (reasoning or "").strip()
        locked.new_kind = new_kind if decision == ReviewDecision.DOWNGRADE else None
        locked.new_expires_on = new_expires_on if decision == ReviewDecision.RENEW else None
        locked.decided_by = _actor_user(actor)
        locked.decided_at = timezone.now() if decision != ReviewDecision.PENDING else None
        locked.save(
            update_fields=[
                "decision", "reasoning", "new_kind", "new_expires_on", "decided_by", "decided_at"
            ]
        )  # fmt: skip
    return locked


def review_apply(*, actor, review: AgreementReview) -> AgreementReview:
    """Carry out a decision: renew, downgrade or terminate the agreement (keep: nothing)."""
    review_policy.check(actor, "change", review.round)
    with transaction.atomic():
        locked = (
            AgreementReview.objects.select_for_update().select_related("round").get(pk=review.pk)
        )
        if not locked.round.is_open:
            raise ValidationError(_("The review round is closed."))
        if locked.applied_at is not None:
            raise ValidationError(_("This decision has already been applied."))
        if locked.decision == ReviewDecision.PENDING:
            raise ValidationError({"decision": _("Decide before applying.")})
        agreement = locked.agreement
        reason = _("Review “%(round)s”: %(reasoning)s") % {
            "round": locked.round.title,
            "reasoning": locked.reasoning,
        }
        result = agreement
        if locked.decision == ReviewDecision.RENEW:
            result = agreement_renew(
                actor=actor, agreement=agreement, expires_on=locked.new_expires_on, reason=reason
            )
        elif locked.decision == ReviewDecision.DOWNGRADE:
            result = agreement_downgrade(
                actor=actor, agreement=agreement, kind=locked.new_kind, reason=reason
            )
        elif locked.decision == ReviewDecision.TERMINATE:
            result = agreement_transition(
                actor=actor, agreement=agreement, to_state=S.TERMINATED, reason=reason
            )
        locked.applied_at = timezone.now()
        locked.result = result
        locked.save(update_fields=["applied_at", "result"])
    return locked


def review_round_close(*, actor, round: ReviewRound) -> ReviewRound:
    review_policy.check(actor, "change", round)
    if (
        round.reviews.filter(applied_at__isnull=True)
        .exclude(decision=ReviewDecision.PENDING)
        .exists()
    ):
        raise ValidationError(_("Apply every decision before closing the round."))
    round.closed_on = timezone.localdate()
    round.save(update_fields=["closed_on"])
    return round


# --- prospects -------------------------------------------------------------------------------


def prospect_create(
    *,
    actor,
    owner: Organization,
    organization: Organization,
    assessment: str = "",
    expected_benefit: int = 3,
) -> Prospect:
    prospect_policy.check(actor, "add", owner)
    prospect = Prospect(
        owner=owner,
        organization=organization,
        assessment=(assessment or "").strip(),
        expected_benefit=expected_benefit,
    )
    prospect.full_clean()
    try:
        with transaction.atomic():
            prospect.save()
    except IntegrityError as error:
        raise ValidationError(
            {"organization": _("This body is already a prospect of this office.")}
        ) from error
    return prospect


def prospect_move(
    *,
    actor,
    prospect: Prospect,
    status: str,
    assessment: str | None = None,
    expected_benefit: int | None = None,
    agreement: Agreement | None = None,
) -> Prospect:
    """Move a prospect on (identified → assessed → prioritized → drafting → signed, or dropped)."""
    prospect_policy.check(actor, "change", prospect)
    with transaction.atomic():
        locked = Prospect.objects.select_for_update().get(pk=prospect.pk)
        if status != locked.status and status not in PROSPECT_TRANSITIONS.get(locked.status, ()):
            raise ValidationError(
                {"status": _("A prospect that is “%(current)s” cannot become “%(target)s”.")
                 % {"current": ProspectStatus(locked.status).label,
                    "target": ProspectStatus(status).label if status in ProspectStatus.values
                    else status}}
            )  # fmt: skip
        if assessment is not None:
            locked.assessment = assessment.strip()
        if expected_benefit is not None:
            locked.expected_benefit = expected_benefit
        if (
            status in (ProspectStatus.ASSESSED, ProspectStatus.PRIORITIZED)
            and not locked.assessment
        ):
            raise ValidationError({"assessment": _("Write the assessment first.")})
        if status == ProspectStatus.SIGNED:
            if agreement is None:
                raise ValidationError({"agreement": _("Name the agreement that was signed.")})
            locked.agreement = agreement
        locked.status = status
        locked.full_clean()
        locked.save()
    return locked


# --- committees and meetings ------------------------------------------------------------------


def committee_create(
    *,
    actor,
    agreement: Agreement,
    name: str,
    names: dict | None = None,
    secretary: Person | None = None,
    status: str = CommitteeStatus.PROPOSED,
    established_on: date | None = None,
) -> Committee:
    agreement_part_policy.check(actor, "add", agreement)
    committee = Committee(
        agreement=agreement,
        name=(name or "").strip(),
        names=names or {},
        secretary=secretary,
        status=status,
        established_on=established_on,
    )
    committee.full_clean()
    if status == CommitteeStatus.ACTIVE and agreement.state != S.ACTIVE:
        raise ValidationError(
            {"status": _("Only an active agreement can have an active committee.")}
        )
    with transaction.atomic():
        committee.save()
        agreements_priority_refresh(ids=[agreement.pk])
    return committee


def committee_update(*, actor, committee: Committee, **values) -> Committee:
    agreement_part_policy.check(actor, "change", committee)
    unknown_fields_refuse(
        values, frozenset({"name", "names", "secretary", "status", "established_on"})
    )
    with transaction.atomic():
        locked = (
            Committee.objects.select_for_update().select_related("agreement").get(pk=committee.pk)
        )
        for field, value in values.items():
            setattr(locked, field, value)
        if locked.status == CommitteeStatus.ACTIVE and locked.agreement.state != S.ACTIVE:
            raise ValidationError(
                {"status": _("Only an active agreement can have an active committee.")}
            )
        locked.full_clean()
        locked.save()
        agreements_priority_refresh(ids=[locked.agreement_id])
    return locked


def committee_member_add(
    *, actor, committee: Committee, person: Person, organization: Organization, role: str = ""
) -> CommitteeMember:
    """Seat a person on a committee on behalf of a party (or the office keeping the agreement)."""
    agreement_part_policy.check(actor, "change", committee)
    agreement = committee.agreement
    sides = {agreement.owner_id, *agreement.parties.values_list("organization_id", flat=True)}
    if organization.pk not in sides:
        raise ValidationError(
            {"organization": _("Members sit on behalf of a party to the agreement.")}
        )
    member = CommitteeMember(
        committee=committee, person=person, organization=organization, role=role
    )
    member.full_clean()
    with transaction.atomic():
        member.save()
    return member


@dataclass(frozen=True)
class DecisionInput:
    text: str
    owner_organization: Organization
    owner_person: Person | None = None
    due_on: date | None = None


def meeting_record(
    *,
    actor,
    committee: Committee,
    held_on: date,
    place: str = "",
    agenda: str = "",
    minutes: str = "",
    attendees: Iterable[Person] = (),
    decisions: Iterable[DecisionInput] = (),
) -> Meeting:
    """Record a meeting with its attendance and minutes; each decision becomes a follow-up."""
    from hamafza.followups.services import followup_create

    meeting_policy.check(actor, "add", committee)
    meeting = Meeting(
        committee=committee, held_on=held_on, place=place, agenda=agenda, minutes=minutes
    )
    meeting.full_clean()
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A meeting is recorded after it is held.")})
    decisions = list(decisions)
    with transaction.atomic():
        meeting.save()
        meeting.attendees.set(list(attendees))
        for number, decision in enumerate(decisions, start=1):
            followup_create(
                actor=actor,
                source=meeting,
                number=number,
                text=decision.text,
                owner_organization=decision.owner_organization,
                owner_person=decision.owner_person,
                due_on=decision.due_on,
            )
        if committee.status == CommitteeStatus.DORMANT:
            Committee.objects.filter(pk=committee.pk).update(status=CommitteeStatus.ACTIVE)
        agreements_priority_refresh(ids=[committee.agreement_id])
    return meeting


# --- representative appointments --------------------------------------------------------------

APPOINTMENT_FIELDS = frozenset(
    {"person", "issuer", "host", "role", "decree_number", "decree_date", "valid_from", "valid_to"}
)


def appointment_create(*, actor, **values) -> Appointment:
    unknown_fields_refuse(values, APPOINTMENT_FIELDS)
    appointment_policy.check(actor, "add", values.get("issuer"))
    appointment = Appointment(**values)
    appointment.full_clean()
    with transaction.atomic():
        appointment.save()
    return appointment


def appointment_update(*, actor, appointment: Appointment, **values) -> Appointment:
    unknown_fields_refuse(values, APPOINTMENT_FIELDS - {"issuer"})
    appointment_policy.check(actor, "change", appointment)
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        for field, value in values.items():
            setattr(locked, field, value)
        locked.full_clean()
        locked.save()
    return locked


def appointment_revoke(
    *, actor, appointment: Appointment, on: date | None = None, reason: str = ""
) -> Appointment:
    appointment_policy.check(actor, "change", appointment)
    on = on or timezone.localdate()
    if not (reason or "").strip():
        raise ValidationError({"revocation_reason": _("Say why the decree is revoked.")})
    if appointment.revoked_on is not None:
        raise ValidationError(_("This decree has already been revoked."))
    if on < appointment.decree_date:
        raise ValidationError({"revoked_on": _("A decree cannot be revoked before it was issued.")})
    with transaction.atomic():
        appointment.revoked_on = on
        appointment.revocation_reason = reason.strip()
        appointment.save(update_fields=["revoked_on", "revocation_reason"])
    return appointment


# --- reminders -------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    expired: int = 0
    renewals: int = 0
    appointments: int = 0
    followups: int = 0


def _tell(users, *, key: str, title_of, body_of, url: str) -> int:
    from hamafza.accounts.services import notification_send

    sent = 0
    for user in users:
        with override(user.language or settings.LANGUAGE_CODE):
            title, body = str(title_of()), str(body_of())
        sent += notification_send(user=user, key=key, title=title, body=body, url=url)
    return sent


def _responsible_users(organization_id: int, person: Person | None) -> list:
    from hamafza.directory.selectors import organization_staff_users

    users = organization_staff_users(organization_id=organization_id, minimum=Role.EDITOR)
    person_user = getattr(person, "user", None) if person is not None else None
    if person_user is not None and person_user.is_active and person_user not in users:
        users.append(person_user)
    return users


def reminders_send(*, today: date | None = None) -> ReminderReport:
    """Expire what has passed, and tell owners of renewals due, decrees ending and
    overdue follow-ups: each event once (see ``notification_send``)."""
    from hamafza.followups.services import followups_overdue_remind

    today = today or timezone.localdate()
    report = ReminderReport(expired=agreements_expire(today=today))
    agreements_priority_refresh(today=today)
    due = (
        Agreement.objects.filter(renewal_due_q(today))
        .select_related("owner_person__user")
        .order_by("renewal_due_on", "id")
    )
    for agreement in due.iterator(chunk_size=500):
        report.renewals += _tell(
            _responsible_users(agreement.owner_id, agreement.owner_person),
            key=f"agreement-renewal:{agreement.pk}:{agreement.expires_on.isoformat()}",
            title_of=lambda a=agreement: _("Renewal due: %(title)s") % {"title": a.display_title()},
            body_of=lambda a=agreement: (
                _("%(code)s expires on %(date)s.")
                % {"code": a.code, "date": a.expires_on.isoformat()}
            ),
            url=reverse("agreements:detail", args=[agreement.pk]),
        )
    warning = settings.HAMAFZA_APPOINTMENT_EXPIRY_WARNING_DAYS
    ending = (
        Appointment.objects.filter(
            revoked_on__isnull=True,
            valid_to__gte=today,
            valid_to__lte=today + timedelta(days=warning),
        )
        .select_related("person__user")
        .order_by("valid_to", "id")
    )
    for appointment in ending.iterator(chunk_size=500):
        report.appointments += _tell(
            _responsible_users(appointment.issuer_id, appointment.person),
            key=f"appointment-expiry:{appointment.pk}:{appointment.valid_to.isoformat()}",
            title_of=lambda a=appointment: (
                _("Decree ending: %(person)s") % {"person": a.person.display_name()}
            ),
            body_of=lambda a=appointment: (
                _("Decree %(number)s is valid until %(date)s.")
                % {"number": a.decree_number, "date": a.valid_to.isoformat()}
            ),
            url=reverse("agreements:appointment-detail", args=[appointment.pk]),
        )
    report.followups = followups_overdue_remind(today=today)
    return report
