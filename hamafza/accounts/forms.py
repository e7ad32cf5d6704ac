import zoneinfo

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from hamafza.accounts.models import User

COMMON_ZONES = [
    "Asia/Tehran",
    "Asia/Baghdad",
    "Asia/Kabul",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Baku",
    "Asia/Dushanbe",
    "Asia/Bangkok",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Lagos",
    "America/Argentina/Buenos_Aires",
    "Europe/London",
    "UTC",
]


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("time zone"),
        required=False,
        choices=[("", _("The site's default"))]
        + [(zone, zone) for zone in COMMON_ZONES]
        + [(zone, zone) for zone in sorted(zoneinfo.available_timezones() - set(COMMON_ZONES))],
    )

    class Meta:
        model = User
        fields = ["calendar", "lunar_region", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("calendar", "lunar_region"):
            self.fields[name].choices = [
                ("", _("Follow the language")),
                *list(self.fields[name].choices)[1:],
            ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control", "dir": "ltr"})
        self.fields["password"].widget.attrs.update({"class": "form-control", "dir": "ltr"})
