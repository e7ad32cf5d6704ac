"""Forms of the quarterly guide's pages: they read what was typed; the services decide."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hamafza.core.text import digits_to_ascii

from .models import Guide, GuideCalendar

QUARTERS = [(1, _("First quarter")), (2, _("Second quarter")), (3, _("Third quarter")),
            (4, _("Fourth quarter"))]  # fmt: skip


class GuideCreateForm(forms.Form):
    calendar = forms.ChoiceField(
        label=_("Calendar"),
        choices=GuideCalendar.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = forms.CharField(
        label=_("Year"),
        max_length=6,
        help_text=_("In the chosen calendar, for example 1404 or 2025."),
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=QUARTERS,
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_year(self) -> int:
        text = digits_to_ascii(self.cleaned_data["year"]).strip()
        if not text.isdigit():
            raise forms.ValidationError(_("Enter the year as a number."), code="invalid")
        return int(text)


class GuideIntroductionForm(forms.Form):
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=Guide._meta.get_field("introduction").max_length,
        strip=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 10, "dir": "auto"}),
        help_text=_(
            "The editorial committee's words at the start of the guide. Leave a blank line "
            "between paragraphs. A change sends an approved guide back to draft."
        ),
    )
