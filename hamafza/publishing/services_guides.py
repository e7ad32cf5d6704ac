"""Every write of the quarterly guide: create, edit, render a proof, approve, publish, delete.

The editorial committee (coordinators, ``GuidePolicy``) makes a draft for a quarter and a
language, writes its introduction, renders a proof, approves it and publishes it. Approval
needs a proof of the text as it stands: an edit clears the proof (``rendered_at``) and sends
an approved guide back to draft. Publishing renders the final PDF from the network's data
of that moment and keeps it; a published guide is frozen.

Rendering takes seconds, so pages and the API enqueue it (``guide_render_enqueue``,
``guide_publish_enqueue``) once their transaction commits, and the task calls
``guide_render`` or ``guide_publish``. A failed rendering is kept in ``render_error`` for
the committee to read, and raised again: the task is marked failed, nothing is hidden.
"""

from __future__ import annotations

import logging
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hamafza.core.writes import recorded_actor

from .guide import guide_pdf, quarter_bounds, quarter_check
from .models import Guide, GuideStatus
from .policies import GuidePolicy

logger = logging.getLogger(__name__)

guide_policy = GuidePolicy()
# The longest failure kept on the guide (the rest is in the task's log).
RENDER_ERROR_MAX = 4000


def _frozen_check(guide: Guide) -> None:
    if guide.status == GuideStatus.PUBLISHED:
        raise ValidationError(
            _("This guide is published and can no longer be changed."), code="published"
        )


def _approval_withdrawn(guide: Guide) -> list[str]:
    """An approved guide whose text or proof changes goes back to draft, for the committee
    to approve again; the fields that changed, for ``update_fields``."""
    if guide.status != GuideStatus.APPROVED:
        return []
    guide.status = GuideStatus.DRAFT
    guide.approved_by = None
    guide.approved_at = None
    return ["status", "approved_by", "approved_at"]


def _duplicate() -> ValidationError:
    return ValidationError(
        _("There is already a guide for this quarter in this language."), code="duplicate"
    )


def guide_create(*, actor, calendar: str, year: int, quarter: int, language: str) -> Guide:
    """A draft guide of one quarter (Solar Hijri or Gregorian) in one language."""
    guide_policy.check(actor, "add")
    calendar, year, quarter = quarter_check(calendar=calendar, year=year, quarter=quarter)
    if language not in dict(Guide._meta.get_field("language").choices):
        raise ValidationError({"language": _("Choose Persian, Arabic or English.")})
    starts_on, ends_on = quarter_bounds(calendar=calendar, year=year, quarter=quarter)
    guide = Guide(
        calendar=calendar,
        year=year,
        quarter=quarter,
        language=language,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=recorded_actor(actor),
    )
    if Guide.objects.filter(
        calendar=calendar, year=year, quarter=quarter, language=language
    ).exists():
        raise _duplicate()
    guide.full_clean(exclude=["created_by", "approved_by", "pdf"], validate_constraints=False)
    try:
        with transaction.atomic():
            guide.save()
    except IntegrityError:
        # Two coordinators made the same guide at once: the database kept the first.
        raise _duplicate() from None
    return guide


def guide_update(*, actor, guide: Guide, introduction: str) -> Guide:
    """The committee's introduction. Any change makes the proof out of date, and an approved
    guide goes back to draft to be approved again."""
    guide_policy.check(actor, "change", guide)
    introduction = (introduction or "").replace("\r\n", "\n").strip()
    max_length = Guide._meta.get_field("introduction").max_length
    if len(introduction) > max_length:
        raise ValidationError(
            {
                "introduction": _("Write at most %(count)s characters.")
                % {"count": f"{max_length:,}"}
            }
        )
    with transaction.atomic():
        locked = Guide.objects.select_for_update().get(pk=guide.pk)
        _frozen_check(locked)
        if locked.introduction == introduction:
            return locked
        locked.introduction = introduction
        locked.rendered_at = None
        fields = ["introduction", "rendered_at", "updated_at"]
        fields += _approval_withdrawn(locked)
        locked.save(update_fields=fields)
    return locked


def _render(guide: Guide, *, final: bool) -> bytes:
    """The PDF, or the failure recorded on the guide and raised again."""
    try:
        return guide_pdf(guide=guide, final=final)
    except Exception as error:
        # The committee reads a sentence in its language; the technical detail goes to the log.
        logger.exception("guide %s could not be rendered", guide.pk)
        with translation.override(guide.language):
            message = _("The PDF could not be made (%(reason)s). Try again, or tell the operator.")
            message = (message % {"reason": type(error).__name__})[:RENDER_ERROR_MAX]
        Guide.objects.filter(pk=guide.pk).update(render_error=message, updated_at=timezone.now())
        raise


def _save_with_pdf(locked: Guide, data: bytes, *, prefix: str, fields: list[str]) -> None:
    """The new PDF on the (locked) guide; the file it replaces goes once the change commits.
    The name carries a random part: PDFs are read through the download page, which asks the
    policy, and their names cannot be guessed."""
    storage = locked.pdf.storage
    previous = locked.pdf.name
    locked.pdf.save(f"{prefix}-{secrets.token_hex(8)}.pdf", ContentFile(data), save=False)
    stored = locked.pdf.name
    try:
        locked.save(update_fields=["pdf", *fields])
    except Exception:
        storage.delete(stored)
        raise
    if previous and previous != stored:
        transaction.on_commit(lambda: storage.delete(previous))


def guide_render(*, actor, guide: Guide) -> Guide:
    """Render a proof of the guide as it stands and keep it. If the introduction changed
    while the proof was being drawn, the proof is dropped: it would not show the text the
    committee approves."""
    guide_policy.check(actor, "change", guide)
    guide = Guide.objects.get(pk=guide.pk)
    _frozen_check(guide)
    data = _render(guide, final=False)
    with transaction.atomic():
        locked = Guide.objects.select_for_update().get(pk=guide.pk)
        if locked.status == GuideStatus.PUBLISHED or locked.introduction != guide.introduction:
            return locked
        locked.rendered_at = timezone.now()
        locked.render_error = ""
        fields = ["rendered_at", "render_error", "updated_at"]
        fields += _approval_withdrawn(locked)  # a new proof is not the one approved
        _save_with_pdf(locked, data, prefix="proof", fields=fields)
    return locked


def guide_render_enqueue(*, actor, guide: Guide) -> None:
    """Ask for a proof: the task renders it once the current transaction commits."""
    guide_policy.check(actor, "change", guide)
    _frozen_check(guide)
    from .tasks_guides import guide_render_task

    guide_id = guide.pk
    transaction.on_commit(lambda: guide_render_task.enqueue(guide_id=guide_id))


def guide_approve(*, actor, guide: Guide) -> Guide:
    """The committee approves the guide as its proof shows it."""
    guide_policy.check(actor, "approve", guide)
    with transaction.atomic():
        locked = Guide.objects.select_for_update().get(pk=guide.pk)
        _frozen_check(locked)
        if locked.status == GuideStatus.APPROVED:
            raise ValidationError(_("This guide is already approved."), code="approved")
        if locked.rendered_at is None or not locked.pdf:
            raise ValidationError(
                _("Render a proof of the current text and read it before approving the guide."),
                code="no_proof",
            )
        locked.status = GuideStatus.APPROVED
        locked.approved_by = recorded_actor(actor)
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return locked


def _publish_check(actor, guide: Guide) -> None:
    guide_policy.check(actor, "change", guide)
    _frozen_check(guide)
    if guide.status != GuideStatus.APPROVED:
        raise ValidationError(
            _("Only an approved guide can be published. Approve its proof first."),
            code="not_approved",
        )
    guide_policy.check(actor, "publish", guide)


def guide_publish(*, actor, guide: Guide) -> Guide:
    """Render the final PDF from the data of this moment, keep it, and publish the guide.
    Only an approved guide is published; from then on it is frozen."""
    guide = Guide.objects.get(pk=guide.pk)
    _publish_check(actor, guide)
    data = _render(guide, final=True)
    with transaction.atomic():
        locked = Guide.objects.select_for_update().get(pk=guide.pk)
        if locked.status == GuideStatus.PUBLISHED:
            return locked  # published by another task while this one drew: nothing more to do
        # Edited (back to draft) while the PDF was drawn.
        _publish_check(actor, locked)
        if locked.introduction != guide.introduction:
            raise ValidationError(
                _("The introduction changed while the guide was being published."),
                code="changed",
            )
        now = timezone.now()
        locked.status = GuideStatus.PUBLISHED
        locked.published_at = now
        locked.rendered_at = now
        locked.render_error = ""
        _save_with_pdf(
            locked,
            data,
            prefix="guide",
            fields=["status", "published_at", "rendered_at", "render_error", "updated_at"],
        )
    return locked


def guide_publish_enqueue(*, actor, guide: Guide) -> None:
    """Ask for publication: the task renders the final PDF and publishes the guide once the
    current transaction commits."""
    _publish_check(actor, guide)
    from .tasks_guides import guide_publish_task

    guide_id = guide.pk
    transaction.on_commit(lambda: guide_publish_task.enqueue(guide_id=guide_id))


def guide_delete(*, actor, guide: Guide) -> None:
    """A draft is deleted with its proof; an approved or published guide is kept."""
    guide_policy.check(actor, "delete", guide)
    with transaction.atomic():
        locked = Guide.objects.select_for_update().get(pk=guide.pk)
        if locked.status != GuideStatus.DRAFT:
            raise ValidationError(_("Only a draft guide can be deleted."), code="not_draft")
        storage, name = locked.pdf.storage, locked.pdf.name
        locked.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
