"""Data shared by every app: languages, places and lunar Hijri month starts."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamafza.core.search import search_key_compute


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def validate_names(value) -> None:
    """Names are a mapping of language code to non-empty text."""
    if not isinstance(value, dict):
        raise ValidationError(_("Names must be a mapping from language code to text."))
    for code, text in value.items():
        if not isinstance(code, str) or not (2 <= len(code) <= 7):
            raise ValidationError(_("“%(code)s” is not a language code."), params={"code": code})
        if not isinstance(text, str) or len(text) > 300:
            raise ValidationError(
                _("The name in “%(code)s” must be text of at most 300 characters."),
                params={"code": code},
            )


class TranslatedNameMixin(models.Model):
    """A name in its own language plus translations keyed by language code.

    ``name`` is the name as the body itself writes it; ``names`` holds the
    translations shown to visitors of each language. Displayed text is never
    normalized; search uses the normalized key built from every name.
    """

    name = models.CharField(_("name"), max_length=300)
    names = models.JSONField(
        _("names in other languages"), default=dict, blank=True, validators=[validate_names]
    )

    class Meta:
        abstract = True

    def display_name(self, language: str | None = None) -> str:
        language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return self.names.get(language) or self.name

    def all_names(self) -> list[str]:
        return [self.name, *[text for text in self.names.values() if text]]

    def __str__(self) -> str:
        return self.display_name()


class SearchableMixin(models.Model):
    """A normalized search key, kept in step with the fields it is built from.

    Subclasses list ``search_fields``: attribute names whose text (or, for a
    mapping such as ``names``, whose values) make up the key. The key is a
    derived column, rebuilt on every save and by bulk loaders through
    ``search_key_build``; ``hamafza.core.search`` indexes and queries it.
    """

    search_fields: tuple[str, ...] = ()
    search_key = models.TextField(editable=False, default="", blank=True)

    class Meta:
        abstract = True

    def search_key_build(self) -> str:
        return search_key_compute(getattr(self, field, "") for field in self.search_fields)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.search_key = self.search_key_build()
        elif set(update_fields) & set(self.search_fields):
            # A save of some fields rewrites the key only when one it is built
            # from is among them: a status change leaves the search index alone.
            self.search_key = self.search_key_build()
            if "search_key" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "search_key"]
        super().save(*args, **kwargs)


class Language(TranslatedNameMixin):
    code = models.CharField(_("code"), max_length=7, unique=True)
    rtl = models.BooleanField(_("written right to left"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class Country(TranslatedNameMixin, SearchableMixin):
    search_fields = ("name", "names", "code", "code3")
    code = models.CharField(_("ISO 3166-1 code"), max_length=2, unique=True)
    code3 = models.CharField(_("ISO 3166-1 alpha-3 code"), max_length=3, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")


class Province(TranslatedNameMixin, SearchableMixin):
    """A first-level subdivision: a province of Iran, a governorate of Iraq."""

    search_fields = ("name", "names", "code")
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("country")
    )
    code = models.CharField(_("ISO 3166-2 code"), max_length=10, unique=True)

    class Meta:
        ordering = ["country__code", "name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


latitude_validators = [MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))]
longitude_validators = [MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))]


class GeoPointMixin(models.Model):
    """A WGS 84 point. Both coordinates are set or neither is."""

    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=latitude_validators,
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=longitude_validators,
    )

    class Meta:
        abstract = True

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))


class City(TranslatedNameMixin, SearchableMixin, GeoPointMixin):
    search_fields = ("name", "names")
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="cities", verbose_name=_("country")
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="cities",
        null=True,
        blank=True,
        verbose_name=_("province"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "province", "name"], name="core_city_unique_name"
            )
        ]

    def clean(self):
        super().clean()
        if self.province_id and self.country_id and self.province.country_id != self.country_id:
            raise ValidationError({"province": _("This province is not in the chosen country.")})


class LunarRegion(models.TextChoices):
    """Regions whose lunar Hijri months begin on their own observed dates."""

    IRAN = "IR", _("Iran")
    IRAQ = "IQ", _("Iraq")
    UMM_AL_QURA = "UQ", _("Umm al-Qura")


class HijriMonthStart(models.Model):
    """The Gregorian date on which a lunar Hijri month began in a region.

    Seeded from the Umm al-Qura tables; staff correct a row when the month
    was observed a day earlier or later, and every date that depends on it
    moves with it.
    """

    region = models.CharField(_("region"), max_length=2, choices=LunarRegion.choices)
    year = models.PositiveSmallIntegerField(
        _("Hijri year"), validators=[MinValueValidator(1300), MaxValueValidator(1600)]
    )
    month = models.PositiveSmallIntegerField(
        _("Hijri month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    starts_on = models.DateField(_("first day (Gregorian)"))
    corrected = models.BooleanField(
        _("corrected by staff"),
        default=False,
        help_text=_("Set when the date differs from the computed Umm al-Qura start."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["region", "year", "month"]
        verbose_name = _("lunar Hijri month start")
        verbose_name_plural = _("lunar Hijri month starts")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "month"], name="core_hijrimonthstart_unique"
            ),
            models.UniqueConstraint(
                fields=["region", "starts_on"], name="core_hijrimonthstart_unique_day"
            ),
        ]
        indexes = [models.Index(fields=["region", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.region} {self.year}-{self.month:02d}: {self.starts_on.isoformat()}"
