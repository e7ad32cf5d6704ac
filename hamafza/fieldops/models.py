"""Volunteer groups and their activity, camps, aid distributions and pilgrim service points.

A volunteer group is a directory organization of kind "volunteer group"
with a registration record here. Its activity status is never typed: it is
derived from ``GroupActivity`` rows, which the services write when a camp
is approved, a distribution is recorded or the group logs other work
(``fieldops.services.group_activity_refresh``).
"""

from __future__ import annotations

from django.conf import settings
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
    Province,
    SearchableMixin,
    TranslatedNameMixin,
)
from hamafza.directory.models import ActivityField, Organization

# The longest camp the network runs: 7–14 days in villages, one day in a city neighbourhood.
CAMP_MAX_DAYS = 14
# The Najaf–Karbala walk: poles about 50 m apart, numbered from Najaf.
ROUTE_POLES = 1452
POLE_SPACING_METRES = 50


# --- volunteer groups ------------------------------------------------------------------------


class ActivityStatus(models.TextChoices):
    ACTIVE = "active", _("Active all year")
    SEASONAL = "seasonal", _("Seasonal")
    DORMANT = "dormant", _("Dormant")


class VolunteerGroup(models.Model):
    """The registration of a volunteer group: the organization is in the directory."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        related_name="volunteer_group",
        verbose_name=_("organization"),
    )
    registration_number = models.CharField(_("registration number"), max_length=40, unique=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    sponsor = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="sponsored_groups",
        verbose_name=_("sponsoring body"),
    )
    size = models.PositiveIntegerField(
        _("members"), default=0, validators=[MaxValueValidator(100000)]
    )
    # Derived from GroupActivity by services.group_activity_refresh; never typed.
    activity_status = models.CharField(
        _("activity"),
        max_length=10,
        choices=ActivityStatus.choices,
        default=ActivityStatus.DORMANT,
        editable=False,
    )
    active_quarters = models.PositiveSmallIntegerField(default=0, editable=False)
    last_active_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["registration_number"]
        verbose_name = _("volunteer group")
        verbose_name_plural = _("volunteer groups")
        indexes = [models.Index(fields=["sponsor", "activity_status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(organization=F("sponsor")),
                name="fieldops_group_not_own_sponsor",
                violation_error_message=_("A group cannot sponsor itself."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)


class ActivitySource(models.TextChoices):
    CAMP = "camp", _("Camp")
    DISTRIBUTION = "distribution", _("Aid distribution")
    OTHER = "other", _("Other activity")


class GroupActivity(models.Model):
    """A day a group was active: the ground its activity status is derived from."""

    group = models.ForeignKey(
        VolunteerGroup, on_delete=models.CASCADE, related_name="activities", verbose_name=_("group")
    )
    source = models.CharField(_("kind"), max_length=12, choices=ActivitySource.choices)
    source_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    on = models.DateField(_("date"))
    field = models.ForeignKey(
        ActivityField,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("field"),
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("group activity")
        verbose_name_plural = _("group activities")
        indexes = [models.Index(fields=["group", "on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=Q(source_id__isnull=False),
                name="fieldops_activity_one_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.on.isoformat()}"


# --- camps -----------------------------------------------------------------------------------


class CampStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Camp(GeoPointMixin):
    """A deployment of a group: 1 to 14 days in a neighbourhood or village."""

    group = models.ForeignKey(
        VolunteerGroup, on_delete=models.PROTECT, related_name="camps", verbose_name=_("group")
    )
    field = models.ForeignKey(
        ActivityField, on_delete=models.PROTECT, related_name="+", verbose_name=_("field")
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="camps", verbose_name=_("province")
    )
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="camps",
        verbose_name=_("city"),
    )
    village = models.CharField(_("village"), max_length=200, blank=True)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=200, blank=True)
    volunteers = models.PositiveIntegerField(
        _("volunteers"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    beneficiaries = models.PositiveIntegerField(
        _("beneficiaries"), default=0, validators=[MaxValueValidator(10_000_000)]
    )
    report = models.TextField(_("short report"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CampStatus.choices, default=CampStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_note = models.CharField(_("note on the decision"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("camp")
        verbose_name_plural = _("camps")
        indexes = [
            models.Index(fields=["group", "starts_on"]),
            models.Index(fields=["status", "starts_on"]),
            models.Index(fields=["province", "starts_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="fieldops_camp_ends_after_start",
                violation_error_message=_("A camp cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} — {self.starts_on.isoformat()}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class ServiceUnit(models.TextChoices):
    PEOPLE = "people", pgettext_lazy("unit of quantity", "people")
    ITEMS = "items", _("items")
    HOUSEHOLDS = "households", _("households")
    HOURS = "hours", _("hours")
    SQUARE_METRES = "m2", _("square metres")
    VISITS = "visits", _("visits")


class CampService(models.Model):
    """A service a camp delivered, with its quantity (e.g. 120 medical visits)."""

    camp = models.ForeignKey(
        Camp, on_delete=models.CASCADE, related_name="services", verbose_name=_("camp")
    )
    name = models.CharField(_("service"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("unit"), max_length=12, choices=ServiceUnit.choices)

    class Meta:
        ordering = ["camp_id", "id"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="fieldops_campservice_quantity_not_negative",
                violation_error_message=_("A quantity cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.quantity} {self.unit}"


def camp_photo_upload_to(instance, filename: str) -> str:
    return f"camps/{instance.camp_id}/{filename}"


class CampPhoto(models.Model):
    camp = models.ForeignKey(
        Camp, on_delete=models.CASCADE, related_name="photos", verbose_name=_("camp")
    )
    image = models.ImageField(_("photo"), upload_to=camp_photo_upload_to)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["camp_id", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


# --- aid distributions -----------------------------------------------------------------------


class Campaign(TranslatedNameMixin, SearchableMixin):
    """A distribution campaign, e.g. the "faithful manoeuvre"."""

    search_fields = ("name", "names")
    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("organizer"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="fieldops_campaign_ends_after_start",
                violation_error_message=_("A campaign cannot end before it starts."),
            ),
        ]


class PackageKind(models.TextChoices):
    LIVELIHOOD = "livelihood", _("Livelihood package")
    FOOD = "food", _("Food package")
    HYGIENE = "hygiene", _("Hygiene package")
    STATIONERY = "stationery", _("School supplies")
    MEDICAL = "medical", _("Medical supplies")
    CLOTHING = "clothing", _("Clothing")
    OTHER = "other", _("Other")


class Distribution(GeoPointMixin):
    """One delivery of packages: one campaign, one place, one group, one day.

    Totals sum these rows, so each package is counted once; the unique
    constraint keeps the same delivery from being recorded twice.
    """

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="distributions",
        verbose_name=_("campaign"),
    )
    group = models.ForeignKey(
        VolunteerGroup,
        on_delete=models.PROTECT,
        related_name="distributions",
        verbose_name=_("distributing group"),
    )
    package_kind = models.CharField(
        _("kind of package"), max_length=12, choices=PackageKind.choices
    )
    quantity = models.PositiveIntegerField(
        _("packages"), validators=[MinValueValidator(1), MaxValueValidator(10_000_000)]
    )
    households = models.PositiveIntegerField(
        _("households reached"), validators=[MaxValueValidator(10_000_000)]
    )
    distributed_on = models.DateField(_("date"))
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="distributions", verbose_name=_("province")
    )
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distributions",
        verbose_name=_("city"),
    )
    place = models.CharField(_("village or neighbourhood"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-distributed_on", "-id"]
        verbose_name = _("aid distribution")
        verbose_name_plural = _("aid distributions")
        indexes = [
            models.Index(fields=["campaign", "distributed_on"]),
            models.Index(fields=["province", "distributed_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "group", "distributed_on", "province", "city", "place"],
                name="fieldops_distribution_once",
                violation_error_message=_(
                    "This group's delivery for this campaign, place and day is already recorded."
                ),
            ),
            # The same without a city: NULLs are distinct to a unique index.
            models.UniqueConstraint(
                fields=["campaign", "group", "distributed_on", "province", "place"],
                condition=Q(city__isnull=True),
                name="fieldops_distribution_once_no_city",
                violation_error_message=_(
                    "This group's delivery for this campaign, place and day is already recorded."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.quantity}"


# --- service points --------------------------------------------------------------------------


class ServicePointKind(models.TextChoices):
    MAWKIB = "mawkib", _("Mawkib")
    MEDICAL = "medical", _("Medical post")
    WATER = "water", _("Water")
    FOOD = "food", _("Food")
    REST = "rest", _("Rest")
    INFORMATION = "information", _("Information")
    BORDER = "border", _("Border post")


class Service(models.TextChoices):
    """What a point offers; a mawkib usually offers several."""

    FOOD = "food", _("Food")
    WATER = "water", _("Water")
    TEA = "tea", _("Tea and drinks")
    REST = "rest", _("Rest")
    SLEEP = "sleep", _("Overnight stay")
    MEDICAL = "medical", _("Medical care")
    FOOT_CARE = "foot_care", _("Foot care and massage")
    INFORMATION = "information", _("Information")
    LOST_AND_FOUND = "lost_found", _("Lost and found")
    CHARGING = "charging", _("Phone charging")
    SHOWER = "shower", _("Showers")
    PRAYER = "prayer", _("Prayer place")
    TRANSPORT = "transport", _("Transport")


class Route(models.TextChoices):
    NAJAF_KARBALA = "najaf_karbala", _("Najaf–Karbala walk")


class BorderCrossing(models.TextChoices):
    MEHRAN = "mehran", _("Mehran")
    SHALAMCHEH = "shalamcheh", _("Shalamcheh")
    KHOSRAVI = "khosravi", _("Khosravi")
    CHAZABEH = "chazabeh", _("Chazabeh")
    BASHMAQ = "bashmaq", _("Bashmaq")
    TAMARCHIN = "tamarchin", _("Tamarchin")


class PointStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULL = "full", _("Full")
    CLOSED = "closed", _("Closed")


class ServicePoint(TranslatedNameMixin, SearchableMixin):
    """A place that serves pilgrims, on the map; its operator updates its status from a phone."""

    search_fields = ("name", "names")

    kind = models.CharField(_("kind"), max_length=12, choices=ServicePointKind.choices)
    operator = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="service_points",
        verbose_name=_("operating organization"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="service_points", verbose_name=_("country")
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_points",
        verbose_name=_("province"),
    )
    # Required here (not GeoPointMixin's optional pair): every point is on the map.
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    route = models.CharField(
        _("route"), max_length=20, choices=Route.choices, blank=True, default=""
    )
    pole = models.PositiveSmallIntegerField(
        _("pole number"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(ROUTE_POLES)],
    )
    border_crossing = models.CharField(
        _("border crossing"), max_length=12, choices=BorderCrossing.choices, blank=True
    )
    services = models.JSONField(_("services offered"), default=list, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity (people at once)"), null=True, blank=True, validators=[MaxValueValidator(10**6)]
    )
    opens_on = models.DateField(_("open from"), null=True, blank=True)
    closes_on = models.DateField(_("open until"), null=True, blank=True)
    hours = models.CharField(
        _("opening hours"), max_length=100, blank=True, help_text=_("For example 24 hours, 6–22.")
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="service_points", verbose_name=_("languages spoken")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=PointStatus.choices, default=PointStatus.OPEN
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_changed_by = models.ForeignKey(
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
        ordering = ["route", "pole", "id"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        indexes = [
            # "Nearest open point of kind X": a latitude band of one kind and status.
            models.Index(fields=["kind", "status", "latitude"], name="fieldops_sp_kind_lat"),
            models.Index(fields=["status", "latitude"], name="fieldops_sp_status_lat"),
            models.Index(fields=["route", "pole"], name="fieldops_sp_route_pole"),
            models.Index(fields=["operator"], name="fieldops_sp_operator"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pole__isnull=True) | ~Q(route=""),
                name="fieldops_sp_pole_on_a_route",
                violation_error_message=_("A pole number belongs to a route."),
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True)
                | Q(opens_on__isnull=True)
                | Q(closes_on__gte=F("opens_on")),
                name="fieldops_sp_closes_after_opening",
                violation_error_message=_("A point cannot close before it opens."),
            ),
        ]

    @property
    def has_point(self) -> bool:
        return True
