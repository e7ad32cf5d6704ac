"""Action items from any source, followed until they are done.

A follow-up belongs to a source (an agreement's obligation, a committee
meeting's decision, a conference's recommendation …) through a generic
relation, so that apps which produce commitments need nothing from each
other: they create follow-ups through ``followups.services``. "Overdue" is
never stored: it is an open item whose due date has passed.
"""

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hamafza.core.models import SearchableMixin
from hamafza.core.uploads import private_storage, validate_evidence
from hamafza.directory.models import Organization, Person


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    WAIVED = "waived", _("Waived")


OPEN_STATUSES = (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS)
CLOSED_STATUSES = (FollowUpStatus.DONE, FollowUpStatus.WAIVED)


def overdue_q(today: date | None = None) -> Q:
    """The filter for overdue items: still open, and due before today."""
    today = today or timezone.localdate()
    return Q(open_due_on__lt=today)


class FollowUp(SearchableMixin):
    search_fields = ("text",)

    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of source")
    )
    source_id = models.PositiveBigIntegerField(_("source"))
    source = GenericForeignKey("source_type", "source_id")
    number = models.PositiveIntegerField(
        _("number"), validators=[MinValueValidator(1)], help_text=_("Its number within its source.")
    )
    text = models.TextField(_("text"), max_length=4000)
    owner_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="followups",
        verbose_name=_("responsible organization"),
    )
    owner_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("responsible person"),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    # The due date while the item is open, else empty: "overdue" is one range on one
    # index, read in due order (the overdue lists stop after a page).
    open_due_on = models.DateField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_key", "updated_at", "open_due_on"])

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "number"], name="followup_number_in_source"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="followup_status_due"),
            models.Index(fields=["owner_organization", "status"], name="followup_owner_status"),
            models.Index(fields=["source_type", "source_id"], name="followup_source"),
            models.Index(fields=["open_due_on", "id"], name="followup_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"

    def save(self, *args, **kwargs):
        self.open_due_on = self.due_on if self.status in OPEN_STATUSES else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"status", "due_on"} & set(update_fields):
            kwargs["update_fields"] = [*set(update_fields) | {"open_due_on"}]
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_on is not None and self.due_on < today


def evidence_upload_to(instance, filename: str) -> str:
    return f"followups/evidence/{filename}"


class FollowUpNote(models.Model):
    """A step in an item's life: progress reported, evidence attached, status changed."""

    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="notes", verbose_name=_("follow-up")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"), max_length=4000, blank=True)
    evidence = models.FileField(
        _("evidence"),
        upload_to=evidence_upload_to,
        storage=private_storage,
        blank=True,
        validators=[validate_evidence],
        help_text=_("A PDF document or a PNG or JPEG picture."),
    )
    status_from = models.CharField(
        _("status before"), max_length=12, choices=FollowUpStatus.choices, blank=True
    )
    status_to = models.CharField(
        _("status after"), max_length=12, choices=FollowUpStatus.choices, blank=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["followup_id", "created_at", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return self.text[:80]
