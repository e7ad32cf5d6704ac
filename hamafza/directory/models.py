"""Organizations of the network, the people in them, and how they relate."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hamafza.core.models import (
    City,
    Country,
    GeoPointMixin,
    Language,
    Province,
    SearchableMixin,
    TranslatedNameMixin,
)
from hamafza.core.text import normalize

PARENT_DEPTH_LIMIT = 32


class OrganizationKind(models.TextChoices):
    HEYAT = "heyat", _("Hey'at (religious gathering)")
    MOSQUE = "mosque", _("Mosque")
    SHRINE = "shrine", _("Shrine")
    SEMINARY_OFFICE = "seminary", _("Seminary office")
    VOLUNTEER_GROUP = "volunteer_group", _("Volunteer group")
    NGO = "ngo", _("Non-governmental organization")
    GOVERNMENT = "government", _("Government body")
    UNIVERSITY = "university", _("University")
    INTERNATIONAL = "international", _("International body")
    INSTITUTE = "institute", _("Institute or foundation")
    MEDIA = "media", _("Media organization")
    COMMITTEE = "committee", _("Committee or headquarters")
    OTHER = "other", _("Other")


class ActivityField(TranslatedNameMixin):
    """A field of activity: Arbaeen, Quran, construction, medical …"""

    code = models.SlugField(_("code"), max_length=50, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("field of activity")
        verbose_name_plural = _("fields of activity")


def logo_upload_to(instance, filename: str) -> str:
    return f"directory/logos/{filename}"


class Organization(TranslatedNameMixin, SearchableMixin, GeoPointMixin):
    search_fields = ("name", "names", "short_name")

    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    short_name = models.CharField(_("short name or acronym"), max_length=60, blank=True)
    name_key = models.CharField(max_length=300, editable=False, db_index=True, default="")
    description = models.TextField(_("description"), blank=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("country")
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="organizations",
        null=True,
        blank=True,
        verbose_name=_("province"),
    )
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        related_name="organizations",
        null=True,
        blank=True,
        verbose_name=_("city"),
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    languages = models.ManyToManyField(
        Language, related_name="organizations", blank=True, verbose_name=_("languages of activity")
    )
    fields = models.ManyToManyField(
        ActivityField,
        related_name="organizations",
        blank=True,
        verbose_name=_("fields of activity"),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_active_on = models.DateField(_("date of last activity"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("parent organization"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_key", "name_key", "updated_at"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [
            # The directory's order: pages walk this index instead of sorting.
            models.Index(fields=["name", "id"], name="directory_org_name_id"),
            # A broad search reads its first page in this order, matching in the index
            # (selectors._search_first). The included key is PostgreSQL's alone: SQLite
            # makes the index without it (models.W040 is silenced in settings).
            models.Index(
                fields=["name_key", "id"],
                include=["search_key"],
                name="directory_org_name_key_search",
            ),
            models.Index(fields=["country", "name"]),
            models.Index(fields=["kind", "name"]),
            models.Index(fields=["is_active", "name"]),
            models.Index(fields=["province", "name"]),
            # Registrations by date: the reports' counts over time and the quarterly guide.
            models.Index(fields=["created_at", "id"], name="directory_org_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
                name="directory_organization_not_own_parent",
            ),
        ]

    def save(self, *args, **kwargs):
        self.name_key = normalize(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name_key" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "name_key"]
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors: dict[str, str] = {}
        if self.province_id and self.country_id and self.province.country_id != self.country_id:
            errors["province"] = _("This province is not in the chosen country.")
        if self.city_id and self.country_id and self.city.country_id != self.country_id:
            errors["city"] = _("This city is not in the chosen country.")
        elif (
            self.city_id
            and self.province_id
            and self.city.province_id
            not in (
                None,
                self.province_id,
            )
        ):
            errors["city"] = _("This city is not in the chosen province.")
        if self.parent_id and self.pk and self.pk in self.ancestor_ids():
            errors["parent"] = _(
                "An organization cannot be placed under itself or its own descendants."
            )
        if self.name and self.country_id and self.kind:
            duplicate = Organization.objects.filter(
                name_key=normalize(self.name),
                kind=self.kind,
                country_id=self.country_id,
                province_id=self.province_id,
                city_id=self.city_id,
            ).exclude(pk=self.pk)
            if duplicate.exists():
                errors["name"] = _(
                    "An organization of this kind with this name is already registered "
                    "in this place."
                )
        if errors:
            raise ValidationError(errors)

    def ancestor_ids(self) -> list[int]:
        """Ids from the (new) parent upwards, stopping at a repeat or the depth limit.

        If the organization's own id is among them, the parent would make a cycle.
        """
        seen: list[int] = []
        current = self.parent_id
        for _step in range(PARENT_DEPTH_LIMIT):
            if current is None or current in seen:
                break
            seen.append(current)
            if current == self.pk:
                break
            current = (
                Organization.objects.filter(pk=current).values_list("parent_id", flat=True).first()
            )
        return seen


# What an organization's staff keep about it: the form, the API and the
# services all take their field lists from here.
ORGANIZATION_PROFILE_FIELDS = (
    "kind", "name", "names", "short_name", "description", "country", "province", "city",
    "address", "latitude", "longitude", "languages", "fields", "website", "email", "phone",
    "logo", "is_active", "last_active_on", "parent",
)  # fmt: skip


class RelationKind(models.TextChoices):
    MEMBER_OF = "member_of", _("is a member of")
    SUPPORTS = "supports", _("supports")
    PARTNER_OF = "partner_of", _("is a partner of")
    SPONSORS = "sponsors", _("sponsors")
    AFFILIATED_WITH = "affiliated_with", _("is affiliated with")
    COOPERATES_WITH = "cooperates_with", _("cooperates with")


# Each relation read as one whole sentence, so that every language can order it.
RELATION_SENTENCES = {
    RelationKind.MEMBER_OF: _("%(source)s is a member of %(target)s"),
    RelationKind.SUPPORTS: _("%(source)s supports %(target)s"),
    RelationKind.PARTNER_OF: _("%(source)s is a partner of %(target)s"),
    RelationKind.SPONSORS: _("%(source)s sponsors %(target)s"),
    RelationKind.AFFILIATED_WITH: _("%(source)s is affiliated with %(target)s"),
    RelationKind.COOPERATES_WITH: _("%(source)s cooperates with %(target)s"),
}


class OrganizationRelation(models.Model):
    """A typed, dated relation: "source <kind> target" (e.g. a hey'at is a member of a network)."""

    source = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="relations_out",
        verbose_name=_("organization"),
    )
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    target = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="relations_in",
        verbose_name=_("related organization"),
    )
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source_id", "kind", "starts_on"]
        verbose_name = _("relation between organizations")
        verbose_name_plural = _("relations between organizations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="directory_relation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="directory_relation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.get_kind_display()} — {self.target}"

    def clean(self):
        super().clean()
        errors: dict[str, str] = {}
        if self.source_id and self.source_id == self.target_id:
            errors["target"] = _("An organization cannot be related to itself.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date is before the start date.")
        if not errors and self.source_id and self.target_id and self.kind:
            overlapping = OrganizationRelation.objects.filter(
                source_id=self.source_id, target_id=self.target_id, kind=self.kind
            ).exclude(pk=self.pk)
            if self.starts_on:
                overlapping = overlapping.filter(
                    Q(ends_on__isnull=True) | Q(ends_on__gte=self.starts_on)
                )
            if self.ends_on:
                overlapping = overlapping.filter(
                    Q(starts_on__isnull=True) | Q(starts_on__lte=self.ends_on)
                )
            if overlapping.exists():
                errors["kind"] = _("This relation is already recorded for an overlapping period.")
        if errors:
            raise ValidationError(errors)


class Person(TranslatedNameMixin, SearchableMixin):
    """Someone the network knows: staff, representatives, signatories, speakers."""

    search_fields = ("name", "names", "honorific")
    honorific = models.CharField(
        _("honorific"),
        max_length=120,
        blank=True,
        help_text=_("For example Hojjat al-Islam wal-Muslimin, Sheikh, Dr."),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_key", "updated_at"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")


class Role(models.TextChoices):
    """Roles grant rights in one organization; each includes the ones below it."""

    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}


class Membership(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    position = models.CharField(_("position"), max_length=200, blank=True)
    positions = models.JSONField(_("position in other languages"), default=dict, blank=True)
    is_public = models.BooleanField(
        _("shown on the organization's page"),
        default=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization_id", "-role", "person__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization"], name="directory_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.organization} ({self.get_role_display()})"

    def display_position(self, language: str | None = None) -> str:
        language = (language or get_language() or "fa").split("-")[0]
        return self.positions.get(language) or self.position
