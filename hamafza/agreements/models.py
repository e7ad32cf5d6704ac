"""Cooperation agreements and what keeps them alive.

An agreement (an MoU, an agreement, a protocol …) binds parties from the
directory. A provincial agreement sits under a national ("macro") MoU. Its
state moves only through ``agreements.services``, along ``TRANSITIONS``;
every move is kept with who made it and why. Committees ("cooperation
headquarters") meet and decide; their decisions, like an agreement's
obligations, are follow-ups. Representative appointments (decrees) name the
people who represent an organization inside another body.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hamafza.core.models import Province, SearchableMixin, TranslatedNameMixin, validate_names
from hamafza.core.uploads import private_storage, validate_pdf
from hamafza.directory.models import ActivityField, Organization, Person


class AgreementKind(TranslatedNameMixin):
    """MoU, agreement, protocol … ; a heavier kind binds more. Downgrading goes lighter."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=10,
        help_text=_("Heavier kinds bind more; an agreement is downgraded to a lighter kind."),
    )

    class Meta:
        ordering = ["-weight", "code"]
        verbose_name = _("kind of agreement")
        verbose_name_plural = _("kinds of agreement")

    def __str__(self) -> str:
        return self.display_name()


class Scope(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")


class AgreementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEGOTIATION = "negotiation", _("In negotiation")
    AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting signature")
    ACTIVE = "active", _("Active")
    RENEWED = "renewed", _("Renewed")
    AMENDED = "amended", _("Amended")
    DOWNGRADED = "downgraded", _("Downgraded")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")
    CANCELLED = "cancelled", _("Cancelled")


S = AgreementState
# Dates an agreement may carry (Solar Hijri 1278–1678): beyond them date arithmetic
# (renewal windows, new terms) would leave the calendar.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2299, 12, 31)
# The legal moves. Renewal, amendment and downgrading each make a successor
# agreement (active) and close the one it replaces; see services.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.NEGOTIATION, S.AWAITING_SIGNATURE, S.CANCELLED),
    S.NEGOTIATION: (S.DRAFT, S.AWAITING_SIGNATURE, S.CANCELLED),
    S.AWAITING_SIGNATURE: (S.NEGOTIATION, S.ACTIVE, S.CANCELLED),
    S.ACTIVE: (S.RENEWED, S.AMENDED, S.DOWNGRADED, S.EXPIRED, S.TERMINATED),
    S.RENEWED: (),
    S.AMENDED: (),
    S.DOWNGRADED: (),
    S.EXPIRED: (S.RENEWED,),
    S.TERMINATED: (),
    S.CANCELLED: (),
}
PENDING_STATES = (S.DRAFT, S.NEGOTIATION, S.AWAITING_SIGNATURE)
CLOSED_STATES = (S.RENEWED, S.AMENDED, S.DOWNGRADED, S.EXPIRED, S.TERMINATED, S.CANCELLED)
# States whose move makes a successor agreement.
SUCCESSOR_STATES = (S.RENEWED, S.AMENDED, S.DOWNGRADED)


def renewal_due_q(today: date | None = None) -> Q:
    """Active agreements that have entered their notice period (or passed expiry)."""
    today = today or timezone.localdate()
    return Q(state=S.ACTIVE, renewal_due_on__isnull=False, renewal_due_on__lte=today)


class Agreement(SearchableMixin):
    search_fields = ("code", "title", "titles")

    kind = models.ForeignKey(
        AgreementKind, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("kind")
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("The registry number, e.g. MOU-1404-017."),
    )
    title = models.CharField(_("title"), max_length=300)
    titles = models.JSONField(
        _("title in other languages"), default=dict, blank=True, validators=[validate_names]
    )
    summary = models.TextField(_("summary"), max_length=4000, blank=True)
    scope = models.CharField(
        _("scope"), max_length=12, choices=Scope.choices, default=Scope.NATIONAL
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("province"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("national agreement it falls under"),
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("replaces"),
        help_text=_("The agreement this one renewed, amended or downgraded."),
    )
    subjects = models.ManyToManyField(
        ActivityField, blank=True, related_name="agreements", verbose_name=_("subject areas")
    )
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="owned_agreements",
        verbose_name=_("responsible office"),
        help_text=_("The organization that keeps and follows up the agreement."),
    )
    owner_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_agreements",
        verbose_name=_("responsible person"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=AgreementState.choices, default=S.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(
        _("notice period (days)"),
        default=90,
        validators=[MaxValueValidator(3650)],
        help_text=_("Renewal is due this many days before expiry."),
    )
    renewal_due_on = models.DateField(
        _("renewal due from"), null=True, blank=True, editable=False, db_index=True
    )
    strategic_weight = models.PositiveSmallIntegerField(
        _("strategic weight"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (minor) to 5 (essential): the coordinators' judgement of its importance."),
    )
    # The priority score (selectors.with_priority), kept for sorting: rewritten by the
    # services whenever what it is made of changes, and hourly by the reminders (its
    # date-driven parts). Pages explain it from a live computation.
    priority = models.PositiveSmallIntegerField(_("priority"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["search_key", "updated_at", "renewal_due_on", "priority"]
    )

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(expires_on__gt=F("signed_on")),
                name="agreement_expires_after_signing",
                violation_error_message=_("The expiry date must come after the signing date."),
            ),
            models.CheckConstraint(
                condition=Q(scope="national", province__isnull=True)
                | Q(scope="provincial", province__isnull=False),
                name="agreement_province_matches_scope",
                violation_error_message=_(
                    "A provincial agreement needs its province; a national one has none."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "expires_on"], name="agreement_state_expiry"),
            models.Index(fields=["scope", "province"], name="agreement_scope_province"),
            models.Index(fields=["priority", "id"], name="agreement_priority"),
            models.Index(fields=["state", "strategic_weight", "id"], name="agreement_state_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.display_title()}"

    def display_title(self, language: str | None = None) -> str:
        from hamafza.core.preferences import language_base

        language = language_base(language)
        return self.titles.get(language) or self.title

    def renewal_due_compute(self) -> date | None:
        if self.expires_on is None:
            return None
        try:
            return self.expires_on - timedelta(days=self.notice_days)
        except OverflowError:
            return date.min

    def clean(self):
        errors = {}
        for name in ("signed_on", "effective_on", "expires_on"):
            value = getattr(self, name)
            if value is not None and not (DATE_MIN <= value <= DATE_MAX):
                errors[name] = _("Enter a date between %(start)s and %(end)s.") % {
                    "start": DATE_MIN.year,
                    "end": DATE_MAX.year,
                }
        if errors:
            raise ValidationError(errors)
        if self.signed_on and self.expires_on and self.expires_on <= self.signed_on:
            errors["expires_on"] = _("The expiry date must come after the signing date.")
        if self.effective_on and self.expires_on and self.expires_on <= self.effective_on:
            errors["expires_on"] = _("The expiry date must come after the date it takes effect.")
        if self.scope == Scope.PROVINCIAL and self.province_id is None:
            errors["province"] = _("A provincial agreement needs its province.")
        if self.scope == Scope.NATIONAL and self.province_id is not None:
            errors["province"] = _("A national agreement has no province.")
        if self.parent_id is not None:
            if self.pk is not None and self.parent_id == self.pk:
                errors["parent"] = _("An agreement cannot fall under itself.")
            elif self.scope != Scope.PROVINCIAL:
                errors["parent"] = _("Only a provincial agreement falls under a national one.")
            elif self.parent.scope != Scope.NATIONAL:
                errors["parent"] = _("The agreement it falls under must be a national one.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.renewal_due_on = self.renewal_due_compute()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"expires_on", "notice_days"} & set(update_fields):
            kwargs["update_fields"] = [*set(update_fields) | {"renewal_due_on"}]
        super().save(*args, **kwargs)

    def is_renewal_due(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.state == S.ACTIVE
            and self.renewal_due_on is not None
            and self.renewal_due_on <= today
        )

    def allowed_transitions(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.state, ())


class PartyRole(models.TextChoices):
    PARTY = "party", _("Party")
    LEAD = "lead", _("Lead party")
    EXECUTOR = "executor", _("Executing body")
    WITNESS = "witness", _("Witness")


class AgreementParty(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
        verbose_name=_("organization"),
    )
    role = models.CharField(
        _("role"), max_length=12, choices=PartyRole.choices, default=PartyRole.PARTY
    )
    signatory = models.CharField(_("signatory"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    class Meta:
        ordering = ["agreement_id", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organization"],
                name="agreement_party_once",
                violation_error_message=_("This organization is already a party."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)


def document_upload_to(instance, filename: str) -> str:
    return f"agreements/{instance.agreement_id}/{filename}"


class AgreementDocument(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=document_upload_to,
        storage=private_storage,
        validators=[validate_pdf],
        help_text=_("A scanned PDF."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["agreement_id", "uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class AgreementTransition(models.Model):
    """One move of an agreement's state: from, to, who, when and why."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("agreement")
    )
    from_state = models.CharField(_("from"), max_length=20, choices=AgreementState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=AgreementState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    successor = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("successor"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["agreement_id", "at", "id"]
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


# --- reviews ------------------------------------------------------------------------------


class ReviewRound(models.Model):
    """A review of many agreements at once, e.g. "review of 22 earlier MoUs"."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="agreement_reviews",
        verbose_name=_("responsible office"),
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    KEEP = "keep", _("Keep as it is")
    RENEW = "renew", _("Renew")
    DOWNGRADE = "downgrade", _("Downgrade to a lighter kind")
    TERMINATE = "terminate", _("Terminate")


class AgreementReview(models.Model):
    """One agreement in a review round: the decision, its reasoning, and whether it was applied."""

    round = models.ForeignKey(
        ReviewRound, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("round")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("agreement")
    )
    decision = models.CharField(
        _("decision"),
        max_length=12,
        choices=ReviewDecision.choices,
        default=ReviewDecision.PENDING,
    )
    reasoning = models.TextField(_("reasoning"), max_length=4000, blank=True)
    new_kind = models.ForeignKey(
        AgreementKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new kind"),
        help_text=_("For a downgrade: the lighter kind it becomes."),
    )
    new_expires_on = models.DateField(
        _("new expiry date"), null=True, blank=True, help_text=_("For a renewal.")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    result = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resulting agreement"),
    )

    class Meta:
        ordering = ["round_id", "id"]
        verbose_name = _("agreement under review")
        verbose_name_plural = _("agreements under review")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "agreement"],
                name="review_agreement_once",
                violation_error_message=_("This agreement is already in the round."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.agreement}"


# --- prospects ----------------------------------------------------------------------------


class ProspectStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    ASSESSED = "assessed", _("Assessed")
    PRIORITIZED = "prioritized", _("Prioritized")
    DRAFTING = "drafting", _("Drafting")
    SIGNED = "signed", _("Signed")
    DROPPED = "dropped", _("Dropped")


PROSPECT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProspectStatus.IDENTIFIED: (ProspectStatus.ASSESSED, ProspectStatus.DROPPED),
    ProspectStatus.ASSESSED: (ProspectStatus.PRIORITIZED, ProspectStatus.DROPPED),
    ProspectStatus.PRIORITIZED: (ProspectStatus.DRAFTING, ProspectStatus.DROPPED),
    ProspectStatus.DRAFTING: (ProspectStatus.SIGNED, ProspectStatus.DROPPED),
    ProspectStatus.SIGNED: (),
    ProspectStatus.DROPPED: (ProspectStatus.IDENTIFIED,),
}


class Prospect(models.Model):
    """A body with which an MoU is being considered, and the assessment of the need."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="agreement_prospects",
        verbose_name=_("body"),
    )
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible office"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProspectStatus.choices,
        default=ProspectStatus.IDENTIFIED,
    )
    assessment = models.TextField(_("assessment"), max_length=4000, blank=True)
    expected_benefit = models.PositiveSmallIntegerField(
        _("expected benefit"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (little) to 5 (great)."),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement signed"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-expected_benefit", "id"]
        verbose_name = _("prospective partner")
        verbose_name_plural = _("prospective partners")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "organization"],
                name="prospect_once_per_office",
                violation_error_message=_("This body is already a prospect of this office."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)


# --- committees ---------------------------------------------------------------------------


class CommitteeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")


class Committee(TranslatedNameMixin):
    """A cooperation committee ("cooperation headquarters") with a secretariat."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="committees", verbose_name=_("agreement")
    )
    secretary = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committees_as_secretary",
        verbose_name=_("secretary"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommitteeStatus.choices,
        default=CommitteeStatus.PROPOSED,
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement_id", "name", "id"]
        verbose_name = _("cooperation committee")
        verbose_name_plural = _("cooperation committees")

    def __str__(self) -> str:
        return self.display_name()


class CommitteeMember(models.Model):
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name=_("committee")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="committee_seats", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="committee_seats",
        verbose_name=_("on behalf of"),
    )
    role = models.CharField(_("role"), max_length=100, blank=True)

    class Meta:
        ordering = ["committee_id", "id"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person"],
                name="committee_member_once",
                violation_error_message=_("This person is already a member."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class Meeting(models.Model):
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("committee")
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), max_length=4000, blank=True)
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    attendees = models.ManyToManyField(
        Person, blank=True, related_name="meetings_attended", verbose_name=_("attendance")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee_id", "-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.committee} — {self.held_on.isoformat()}"


# --- representative appointments ------------------------------------------------------------


class AppointmentStatus(models.TextChoices):
    PENDING = "pending", _("Not yet in force")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Appointment(models.Model):
    """A representative decree: a person represents the issuing authority inside a host body."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("person")
    )
    issuer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="appointments_issued",
        verbose_name=_("issuing authority"),
    )
    host = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="appointments_hosted",
        verbose_name=_("host body"),
    )
    role = models.CharField(_("role"), max_length=200)
    decree_number = models.CharField(_("decree number"), max_length=60)
    decree_date = models.DateField(_("decree date"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_to", "id"]
        verbose_name = _("representative appointment")
        verbose_name_plural = _("representative appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "decree_number"],
                name="appointment_decree_once",
                violation_error_message=_("The issuer already has a decree with this number."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="appointment_valid_range",
                violation_error_message=_("The end of validity cannot come before its start."),
            ),
        ]
        indexes = [models.Index(fields=["valid_to"], name="appointment_valid_to")]

    def __str__(self) -> str:
        return f"{self.decree_number} — {self.person}"

    def clean(self):
        errors = {}
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end of validity cannot come before its start.")
        if self.decree_date and self.valid_from and self.valid_from < self.decree_date:
            errors["valid_from"] = _("Validity cannot start before the decree was issued.")
        if self.issuer_id is not None and self.issuer_id == self.host_id:
            errors["host"] = _("The host body must differ from the issuing authority.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, today: date | None = None) -> str:
        today = today or timezone.localdate()
        if self.revoked_on is not None and self.revoked_on <= today:
            return AppointmentStatus.REVOKED
        if self.valid_from > today:
            return AppointmentStatus.PENDING
        if self.valid_to is not None and self.valid_to < today:
            return AppointmentStatus.EXPIRED
        return AppointmentStatus.ACTIVE

    @property
    def status(self) -> str:
        return self.status_on()
