"""Occasions of the lunar Hijri year, events, their occurrences, and courses.

An *occasion* is defined by its lunar Hijri month and day; its Gregorian
dates in each region are derived from the region's month-start table in
``core`` and kept in ``OccasionDate`` rows, so that a sighting correction
moves every dependent date and raises its iCalendar SEQUENCE.

An *event* happens once or repeats (weekly, or yearly on its lunar Hijri
date). Every repetition inside the planning horizon is an ``Occurrence``
row: calendars, "upcoming" lists and feeds read occurrences by date from one
index, whatever the rule that produced them. Occurrences and occasion dates
are derived data: ``events.services`` rebuilds them, nothing else writes them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.core.models import (
    City,
    Country,
    GeoPointMixin,
    Language,
    LunarRegion,
    Province,
    SearchableMixin,
    TranslatedNameMixin,
)
from hamafza.directory.models import Organization, Person

ONE_DAY = datetime.timedelta(days=1)

# --- occasions -------------------------------------------------------------------------------


class OccasionKind(models.TextChoices):
    MOURNING = "mourning", _("Mourning")
    CELEBRATION = "celebration", _("Celebration")
    DEVOTION = "devotion", _("Night or day of devotion")
    PILGRIMAGE = "pilgrimage", _("Pilgrimage")
    OTHER = "other", _("Other")


HIJRI_DAY_VALIDATORS = [MinValueValidator(1), MaxValueValidator(30)]


def hijri_day_check(day: int | None, *, field: str = "day") -> None:
    """A fixed day 30 does not exist in 29-day months: ask for "the last day" instead."""
    if day == 30:
        raise ValidationError(
            {
                field: _(
                    "Day 30 does not exist in a 29-day month. To keep the date every year, "
                    "choose “the last day of the month”."
                )
            },
            code="invalid_day",
        )


class Occasion(TranslatedNameMixin, SearchableMixin):
    """A yearly religious occasion on the lunar Hijri calendar (Ashura, Arbaeen …).

    ``day`` is the day of ``month``; with ``last_day`` set the occasion falls
    on the month's last day, whether it has 29 or 30 days. ``eve`` moves it to
    the evening before (the night that begins the day, as the nights of Qadr
    are kept). ``length_days`` covers periods such as the first ten days of
    Muharram.
    """

    search_fields = ("name", "names", "slug")

    slug = models.SlugField(_("short code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=OccasionKind.choices)
    month = models.PositiveSmallIntegerField(
        _("Hijri month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(
        _("day of the month"), null=True, blank=True, validators=HIJRI_DAY_VALIDATORS
    )
    last_day = models.BooleanField(_("the last day of the month"), default=False)
    eve = models.BooleanField(
        _("the eve before"),
        default=False,
        help_text=_("Kept from the evening before the day, as the nights of Qadr are."),
    )
    length_days = models.PositiveSmallIntegerField(
        _("length in days"), default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        ordering = ["month", "day", "id"]
        verbose_name = _("occasion")
        verbose_name_plural = _("occasions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(day__isnull=False) & Q(last_day=False))
                | (Q(day__isnull=True) & Q(last_day=True)),
                name="events_occasion_day_or_last_day",
            ),
        ]

    def clean(self):
        super().clean()
        if self.last_day and self.day is not None:
            raise ValidationError(
                {"day": _("Give a day of the month or “the last day”, not both.")}
            )
        if not self.last_day and self.day is None:
            raise ValidationError({"day": _("Give a day of the month or “the last day”.")})
        hijri_day_check(self.day)


class OccasionDate(models.Model):
    """When an occasion falls in one Hijri year in one region (derived, see the module)."""

    occasion = models.ForeignKey(
        Occasion, on_delete=models.CASCADE, related_name="dates", verbose_name=_("occasion")
    )
    region = models.CharField(_("region"), max_length=2, choices=LunarRegion.choices)
    hijri_year = models.PositiveSmallIntegerField(_("Hijri year"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, help_text=_("Raised each time a correction moves the date.")
    )

    class Meta:
        ordering = ["starts_on", "occasion_id"]
        verbose_name = _("occasion date")
        verbose_name_plural = _("occasion dates")
        constraints = [
            models.UniqueConstraint(
                fields=["occasion", "region", "hijri_year"], name="events_occasiondate_unique"
            ),
        ]
        indexes = [models.Index(fields=["region", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.occasion} {self.hijri_year} ({self.region}): {self.starts_on.isoformat()}"


# --- events ----------------------------------------------------------------------------------


class EventKind(models.TextChoices):
    GATHERING = "gathering", _("Gathering")
    CEREMONY = "ceremony", _("Ceremony")
    CONFERENCE = "conference", _("Conference")
    MEETING = "meeting", _("Meeting")
    EXPERT_SESSION = "expert_session", _("Expert session")
    PRESS_CONFERENCE = "press", _("Press conference")
    COURSE = "course", _("Training course")
    CONGRESS = "congress", _("Congress")
    OTHER = "other", _("Other")


# Kinds whose numbered outcomes (recommendations, decisions) become follow-ups.
OUTCOME_KINDS = frozenset(
    {EventKind.CONFERENCE, EventKind.MEETING, EventKind.EXPERT_SESSION, EventKind.CONGRESS}
)


class Recurrence(models.TextChoices):
    NONE = "none", _("Does not repeat")
    WEEKLY = "weekly", _("Every week")
    YEARLY_HIJRI = "yearly_hijri", _("Every year on the same lunar Hijri date")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class EventSeries(TranslatedNameMixin, SearchableMixin):
    """A periodic event whose editions are numbered (the "8th periodic conference")."""

    search_fields = ("name", "names")

    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="event_series",
        verbose_name=_("organizer"),
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("event series")
        verbose_name_plural = _("event series")


class Event(TranslatedNameMixin, SearchableMixin, GeoPointMixin):
    search_fields = ("name", "names", "venue", "speakers")

    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    organizer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="events", verbose_name=_("organizer")
    )
    partners = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="events_joined",
        verbose_name=_("participating organizations"),
    )
    countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="events_attended",
        verbose_name=_("participating countries"),
        help_text=_("Countries whose delegations take part."),
    )
    description = models.TextField(_("description"), blank=True, max_length=10000)
    speakers = models.CharField(_("speakers"), max_length=500, blank=True)
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language"),
    )
    occasion = models.ForeignKey(
        Occasion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("occasion"),
    )
    series = models.ForeignKey(
        EventSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="editions",
        verbose_name=_("series"),
    )
    edition = models.PositiveSmallIntegerField(
        _("edition"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    broadcast = models.ForeignKey(
        "broadcast.Broadcast",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("broadcast"),
    )

    # Where: a venue, or online, or both.
    online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(_("online address"), blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("country"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("province"),
    )
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("city"),
    )

    # When: stored in UTC; ``time_zone`` is where the event is held, so that
    # a weekly rule keeps its local hour across daylight-saving changes.
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    all_day = models.BooleanField(_("all day"), default=False)
    time_zone = models.CharField(_("time zone"), max_length=60, default="Asia/Tehran")
    recurrence = models.CharField(
        _("repeats"), max_length=12, choices=Recurrence.choices, default=Recurrence.NONE
    )
    repeat_until = models.DateField(_("repeats until"), null=True, blank=True)
    lunar_region = models.CharField(
        _("lunar calendar of"),
        max_length=2,
        choices=LunarRegion.choices,
        default=LunarRegion.IRAN,
        help_text=_("Whose observed month starts a yearly Hijri date follows."),
    )
    hijri_month = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, validators=[MinValueValidator(1)]
    )
    hijri_day = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, validators=HIJRI_DAY_VALIDATORS
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["organizer", "starts_at"]),
            models.Index(fields=["series", "edition"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")),
                name="events_event_ends_after_start",
                violation_error_message=_("The event cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["series", "edition"],
                condition=Q(series__isnull=False, edition__isnull=False),
                name="events_event_unique_edition",
                violation_error_message=_("This series already has an edition with this number."),
            ),
        ]

    @property
    def has_outcomes(self) -> bool:
        return self.kind in OUTCOME_KINDS

    @property
    def repeats(self) -> bool:
        return self.recurrence != Recurrence.NONE


class Occurrence(models.Model):
    """One time an event happens (derived, see the module docstring).

    ``key`` names the repetition for good — the date the rule gives it, or
    the Hijri year for a yearly rule — so that the iCalendar UID stays the
    same when a correction moves it; ``sequence`` is raised when it moves.
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="occurrences", verbose_name=_("event")
    )
    key = models.CharField(max_length=20)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    # Copied from the event so that calendars filter and order from this table alone.
    organizer = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", editable=False
    )
    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, null=True, related_name="+", editable=False
    )
    language = models.ForeignKey(
        Language, on_delete=models.CASCADE, null=True, related_name="+", editable=False
    )
    cancelled = models.BooleanField(default=False, editable=False)
    # Derived, for reads by date: longer than a day (few rows, read through their own index).
    multi_day = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        constraints = [
            models.UniqueConstraint(fields=["event", "key"], name="events_occurrence_unique_key"),
        ]
        indexes = [
            models.Index(fields=["starts_at", "id"], name="events_occ_start"),
            models.Index(fields=["organizer", "starts_at"], name="events_occ_org_start"),
            models.Index(fields=["country", "starts_at"], name="events_occ_country_start"),
            models.Index(fields=["language", "starts_at"], name="events_occ_lang_start"),
            models.Index(
                fields=["ends_at"], condition=Q(multi_day=True), name="events_occ_long_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} — {self.key}"

    def derived_set(self) -> None:
        """Fill the derived columns from the times."""
        self.multi_day = self.ends_at - self.starts_at > ONE_DAY


# --- courses ---------------------------------------------------------------------------------


class Audience(models.TextChoices):
    COUNCIL_LEADERS = "council_leaders", _("Leaders of volunteer councils and headquarters")
    MEDIA_LIAISONS = "media_liaisons", _("Volunteer groups and their media liaisons")
    PUBLIC_RELATIONS = "public_relations", _("Public-relations staff")
    IMAMS = "imams", _("Imams of mosques")
    CONTENT_PRODUCERS = "content_producers", _("Content producers")
    GENERAL = "general", _("Everyone")


class Course(models.Model):
    """A training course: an event of kind "course" with seats and enrolment."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="course", verbose_name=_("event")
    )
    capacity = models.PositiveIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.GENERAL
    )
    enrolment_closes_on = models.DateField(_("enrolment closes"), null=True, blank=True)
    attendance_required = models.PositiveSmallIntegerField(
        _("sessions to attend for a certificate"),
        default=1,
        validators=[MinValueValidator(1)],
    )
    # Kept as a counter, changed only under the course's row lock, so that
    # two acceptances cannot both take the last seat.
    seats_taken = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")),
                name="events_course_within_capacity",
                violation_error_message=_("There are more accepted people than seats."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.event)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)


class CourseSession(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("course")
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["course_id", "number"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "number"],
                name="events_session_unique",
                violation_error_message=_("This course already has a session with this number."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="events_session_ends_after_start",
                violation_error_message=_("A session ends after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} #{self.number}"


class EnrolmentStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("enrolment status", "Applied")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("On the waiting list")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ATTENDED = "attended", _("Attended")


# Statuses that hold a seat.
SEATED_STATUSES = (EnrolmentStatus.ACCEPTED, EnrolmentStatus.ATTENDED)


class Enrolment(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("course")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("sent by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.APPLIED
    )
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    sessions_attended = models.ManyToManyField(
        CourseSession, blank=True, related_name="attendees", verbose_name=_("sessions attended")
    )
    certificate_number = models.CharField(
        _("certificate number"), max_length=40, blank=True, editable=False
    )
    certificate_issued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["course_id", "applied_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"],
                name="events_enrolment_unique",
                violation_error_message=_("This person is already enrolled in this course."),
            ),
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number=""),
                name="events_enrolment_unique_certificate",
            ),
        ]
        indexes = [models.Index(fields=["course", "status", "applied_at"])]

    def __str__(self) -> str:
        return f"{self.person} — {self.course}"
