"""Every change to a follow-up goes through here: pages, API, other apps and tasks alike."""

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from hamafza.directory.models import Organization, Person, Role
from hamafza.followups.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    FollowUp,
    FollowUpNote,
    FollowUpStatus,
    overdue_q,
)
from hamafza.followups.policies import followup_policy, source_items_changed

EDITABLE_FIELDS = frozenset({"text", "owner_organization", "owner_person", "due_on"})


def _source_lock(source_type: ContentType, source_id: int) -> None:
    """Serialize numbering within one source: lock its existing items (PostgreSQL)."""
    list(
        FollowUp.objects.select_for_update()
        .filter(source_type=source_type, source_id=source_id)
        .values_list("pk", flat=True)
    )


def followup_create(
    *,
    actor,
    source: Any,
    text: str,
    owner_organization: Organization,
    owner_person: Person | None = None,
    due_on: date | None = None,
    number: int | None = None,
) -> FollowUp:
    """Assign a new item from ``source``; numbered next within it unless ``number`` is given."""
    followup_policy.check(actor, "add", source)
    source_type = ContentType.objects.get_for_model(source)
    with transaction.atomic():
        _source_lock(source_type, source.pk)
        if number is None:
            highest = FollowUp.objects.filter(
                source_type=source_type, source_id=source.pk
            ).aggregate(highest=Max("number"))["highest"]
            number = (highest or 0) + 1
        followup = FollowUp(
            source_type=source_type,
            source_id=source.pk,
            number=number,
            text=(text or "").strip(),
            owner_organization=owner_organization,
            owner_person=owner_person,
            due_on=due_on,
        )
        followup.full_clean()
        followup.save()
        source_items_changed(source_type, source.pk)
    return followup


def followup_update(*, actor, followup: FollowUp, **values) -> FollowUp:
    """Change what is asked, of whom, by when (the source's managers)."""
    followup_policy.check(actor, "change", followup)
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
        for field, value in values.items():
            setattr(locked, field, value)
        locked.full_clean()
        locked.save()
        source_items_changed(locked.source_type, locked.source_id)
    return locked


def followup_status_moves(*, followup: FollowUp, manager: bool) -> list[str]:
    """The statuses a reporter may move ``followup`` to: the source's managers (``manager``)
    move it anywhere; the responsible organization moves an open item between open, in
    progress and done, and neither waives nor reopens. Forms offer these, and
    ``followup_report`` refuses any other."""
    if manager:
        targets = list(FollowUpStatus.values)
    elif followup.status in CLOSED_STATUSES:
        targets = []
    else:
        targets = [*OPEN_STATUSES, FollowUpStatus.DONE]
    return [status for status in targets if status != followup.status]


def followup_report(
    *,
    actor,
    followup: FollowUp,
    text: str = "",
    status: str | None = None,
    progress: int | None = None,
    evidence=None,
) -> FollowUpNote:
    """Report progress on an item: a note, evidence, a new status or percentage.

    The responsible organization's editors may move an item between open,
    in progress and done; waiving it, or reopening a closed one, is for the
    source's managers.
    """
    followup_policy.check(actor, "report", followup)
    text = (text or "").strip()
    if status is not None and status not in FollowUpStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    if progress is not None and not (0 <= progress <= 100):
        raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
    if not text and evidence is None and status is None and progress is None:
        raise ValidationError(_("Write a note, attach evidence or change the status."))
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
        previous = locked.status
        manager = followup_policy.allows(actor, "change", locked)
        if status not in (None, previous) and status not in followup_status_moves(
            followup=locked, manager=manager
        ):
            if previous in CLOSED_STATUSES:
                raise ValidationError(
                    {"status": _("Only those who assigned the item may reopen it.")}
                )
            raise ValidationError({"status": _("Only those who assigned the item may waive it.")})
        note = FollowUpNote(
            followup=locked,
            author=actor if getattr(actor, "pk", None) else None,
            text=text,
            status_from=previous if status not in (None, previous) else "",
            status_to=status if status not in (None, previous) else "",
            progress=progress,
        )
        if evidence is not None:
            note.evidence = evidence
        note.full_clean()
        changed = []
        if status is not None and status != previous:
            locked.status = status
            locked.closed_on = timezone.localdate() if status in CLOSED_STATUSES else None
            changed += ["status", "closed_on"]
            if status == FollowUpStatus.DONE:
                locked.progress = 100
                changed.append("progress")
        if progress is not None and "progress" not in changed:
            locked.progress = progress
            changed.append("progress")
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            source_items_changed(locked.source_type, locked.source_id)
        note.save()
    return note


def followup_delete(*, actor, followup: FollowUp) -> None:
    followup_policy.check(actor, "delete", followup)
    with transaction.atomic():
        followup.delete()
        source_items_changed(followup.source_type, followup.source_id)


def followups_overdue_remind(*, today: date | None = None) -> int:
    """Tell the responsible people of every overdue item, once per item and due date.

    The responsible person (if they sign in) and the editors and owners of
    the responsible organization are told. Returns the notifications made.
    """
    from hamafza.accounts.services import notification_send
    from hamafza.directory.selectors import organization_staff_users

    today = today or timezone.localdate()
    sent = 0
    overdue = (
        FollowUp.objects.filter(overdue_q(today))
        .select_related("owner_person__user", "owner_organization")
        .order_by("due_on", "id")
    )
    staff_by_org: dict[int, list] = {}
    for item in overdue.iterator(chunk_size=500):
        if item.owner_organization_id not in staff_by_org:
            staff_by_org[item.owner_organization_id] = organization_staff_users(
                organization_id=item.owner_organization_id, minimum=Role.EDITOR
            )
        users = list(staff_by_org[item.owner_organization_id])
        person_user = getattr(item.owner_person, "user", None) if item.owner_person else None
        if person_user is not None and person_user not in users:
            users.append(person_user)
        for user in users:
            with override(user.language or settings.LANGUAGE_CODE):
                title = _("Overdue follow-up: %(text)s") % {"text": item.text[:120]}
                body = _("It was due on %(date)s.") % {"date": item.due_on.isoformat()}
            sent += notification_send(
                user=user,
                key=f"followup-overdue:{item.pk}:{item.due_on.isoformat()}",
                title=title,
                body=body,
                url=reverse("followups:detail", args=[item.pk]),
            )
    return sent
