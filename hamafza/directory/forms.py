"""Forms parse and present; the rules live in models.clean() and services."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamafza.core.forms import (
    IdModelChoiceField,
    IdModelMultipleChoiceField,
    MultiCalendarDateField,
)
from hamafza.core.models import City, Country, Language, Province
from hamafza.core.text import digits_localize, digits_to_ascii
from hamafza.directory.models import (
    ORGANIZATION_PROFILE_FIELDS,
    ActivityField,
    Organization,
    OrganizationRelation,
    Role,
)

LOGO_TYPES = {"image/png", "image/jpeg", "image/webp"}


def validate_logo(upload) -> None:
    if upload.size > settings.HAMAFZA_LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is too large: at most %(limit)s KB."),
            params={
                "limit": digits_localize(
                    str(settings.HAMAFZA_LOGO_MAX_BYTES // 1024), get_language()
                )
            },
        )
    content_type = getattr(upload, "content_type", None)
    image = getattr(upload, "image", None)
    kind = (getattr(image, "format", "") or "").lower()
    if (content_type and content_type not in LOGO_TYPES) or kind not in {"png", "jpeg", "webp"}:
        raise ValidationError(_("The logo must be a PNG, JPEG or WebP image."))


class OrganizationInput(forms.TextInput):
    """An organization's number, found by typing its name.

    As the visitor types, HTMX fetches matching organizations into a
    ``<datalist>``; choosing one fills in its number. Without JavaScript the
    number can be typed directly.
    """

    template_name = "directory/widgets/organization_input.html"

    def __init__(self, attrs=None):
        super().__init__({"dir": "auto", "class": "form-control", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["suggest_url"] = reverse("directory:suggest")
        return context


class LocalizedDecimalField(forms.DecimalField):
    """Accepts Persian and Arabic-Indic digits and the Arabic decimal separator."""

    def to_python(self, value):
        if isinstance(value, str):
            value = digits_to_ascii(value).replace("٫", ".").replace("،", ".").strip()
        return super().to_python(value)


class NamesFormMixin:
    """One text box per site language, folded into the ``names`` mapping."""

    def _add_name_fields(self, instance_names: dict) -> None:
        for code, label in settings.LANGUAGES:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": label},
                max_length=300,
                required=False,
                initial=instance_names.get(code, ""),
            )

    def names_value(self) -> dict[str, str]:
        names = {}
        for code, _label in settings.LANGUAGES:
            text = (self.cleaned_data.get(f"name_{code}") or "").strip()
            if text:
                names[code] = text
        return names


class CalendarAwareMixin:
    """Date fields follow the visitor's calendar and lunar region (set by the middleware)."""

    def calendars_follow(self, request) -> None:
        for field in self.fields.values():
            if isinstance(field, MultiCalendarDateField):
                field.calendar = getattr(request, "calendar", None)
                field.region = getattr(request, "lunar_region", None)


class OrganizationForm(CalendarAwareMixin, NamesFormMixin, forms.ModelForm):
    last_active_on = MultiCalendarDateField(label=_("Date of last activity"), required=False)
    website = forms.URLField(
        label=_("website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    latitude = LocalizedDecimalField(
        label=_("latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = LocalizedDecimalField(
        label=_("longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )

    class Meta:
        model = Organization
        fields = [name for name in ORGANIZATION_PROFILE_FIELDS if name != "names"]
        field_classes = {
            "country": IdModelChoiceField,
            "province": IdModelChoiceField,
            "city": IdModelChoiceField,
            "parent": IdModelChoiceField,
            "languages": IdModelMultipleChoiceField,
            "fields": IdModelMultipleChoiceField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "languages": forms.CheckboxSelectMultiple,
            "fields": forms.CheckboxSelectMultiple,
            "website": forms.URLInput(attrs={"dir": "ltr"}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "phone": forms.TextInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_name_fields(self.instance.names if self.instance.pk else {})
        self.fields["country"].queryset = Country.objects.order_by("name")
        self.fields["province"].queryset = Province.objects.select_related("country")
        self.fields["city"].queryset = City.objects.select_related("country")
        self.fields["languages"].queryset = Language.objects.all()
        self.fields["fields"].queryset = ActivityField.objects.all()
        self.fields["parent"].queryset = Organization.objects.only("id", "name", "names")
        self.fields["parent"].widget = OrganizationInput()
        self.fields["parent"].help_text = _(
            "Type part of its name and choose it from the list; its number fills in."
        )
        self.fields["logo"].validators.append(validate_logo)
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else (
                    "" if isinstance(field.widget, forms.CheckboxSelectMultiple) else "form-control"
                )
            )
            if isinstance(field.widget, forms.Select) and not isinstance(
                field.widget, forms.SelectMultiple
            ):
                css = "form-select"
            if css:
                field.widget.attrs.setdefault("class", css)

    def service_values(self) -> dict:
        data = {
            field: self.cleaned_data[field]
            for field in self.Meta.fields
            if field not in {"languages", "fields", "logo"}
        }
        data["names"] = self.names_value()
        if self.cleaned_data.get("logo"):
            data["logo"] = self.cleaned_data["logo"]
        return data


class RelationForm(CalendarAwareMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("relation"), choices=OrganizationRelation._meta.get_field("kind").choices
    )
    target = IdModelChoiceField(
        label=_("related organization"),
        queryset=Organization.objects.only("id", "name", "names"),
        widget=OrganizationInput(),
        help_text=_("Type part of its name and choose it from the list; its number fills in."),
    )
    starts_on = MultiCalendarDateField(label=_("Start date"), required=False)
    ends_on = MultiCalendarDateField(label=_("End date"), required=False)
    note = forms.CharField(
        label=_("note"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"


class MembershipForm(forms.Form):
    username = forms.CharField(
        label=_("user name"),
        max_length=150,
        widget=forms.TextInput(attrs={"dir": "ltr", "class": "form-control"}),
    )
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    position = forms.CharField(
        label=_("position"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].widget.attrs["class"] = "form-select"

    def clean_username(self):
        user = get_user_model().objects.filter(username=self.cleaned_data["username"]).first()
        if user is None:
            raise ValidationError(_("There is no user with this name."))
        return user
