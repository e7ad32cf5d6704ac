"""Forms parse and present; the rules live in models.clean() and services."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.core.forms import IdModelChoiceField, MultiCalendarDateField
from hamafza.core.models import Language
from hamafza.core.text import digits_to_ascii
from hamafza.directory.forms import CalendarAwareMixin, NamesFormMixin

from .models import Broadcast, BroadcastStatus, Channel
from .selectors import day_start


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget (the calendar field's two parts included)."""
    for field in form.fields.values():
        widgets = getattr(field.widget, "widgets", [field.widget])
        for widget in widgets:
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class ChannelForm(NamesFormMixin, forms.ModelForm):
    language = IdModelChoiceField(
        label=_("usual language"), queryset=Language.objects.all(), required=False
    )

    class Meta:
        model = Channel
        fields = ["name", "slug", "description", "visibility", "language", "is_active"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "slug": forms.TextInput(attrs={"dir": "ltr"}),
        }
        help_texts = {
            "slug": _("Latin letters, digits and hyphens, e.g. main-hall."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["is_active"]
        self._add_name_fields(self.instance.names if self.instance.pk else {})
        _style(self)

    def service_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        values["names"] = self.names_value()
        return values


class LocalizedTimeField(forms.TimeField):
    """A time of day; Persian and Arabic-Indic digits are accepted."""

    def to_python(self, value):
        if isinstance(value, str):
            value = digits_to_ascii(value).replace("٫", ":").strip()
        return super().to_python(value)


class BroadcastForm(CalendarAwareMixin, forms.Form):
    """Announce or edit a broadcast. The start is a date in any calendar and a time of day,
    read in the viewer's time zone."""

    title = forms.CharField(label=_("title"), max_length=300)
    speaker = forms.CharField(label=_("speaker or reciter"), max_length=200, required=False)
    occasion = forms.CharField(label=_("occasion"), max_length=200, required=False)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    language = IdModelChoiceField(
        label=_("language"), queryset=Language.objects.all(), required=False
    )
    start_date = MultiCalendarDateField(label=_("Start date"))
    start_time = LocalizedTimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={"type": "time", "dir": "ltr"}, format="%H:%M"),
        help_text=_("In your time zone."),
    )

    def __init__(self, *args, broadcast: Broadcast | None = None, **kwargs):
        self.broadcast = broadcast
        if broadcast is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_from(broadcast)
        super().__init__(*args, **kwargs)
        for code, label in settings.LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": label},
                max_length=300,
                required=False,
            )
        if broadcast is not None and broadcast.scheduled_start is None:
            del self.fields["start_date"], self.fields["start_time"]
        elif broadcast is not None and broadcast.status != BroadcastStatus.SCHEDULED:
            # Only a broadcast that has not started can be moved.
            self.fields["start_date"].disabled = True
            self.fields["start_time"].disabled = True
        _style(self)

    @staticmethod
    def _initial_from(broadcast: Broadcast) -> dict:
        initial = {
            "title": broadcast.title,
            "speaker": broadcast.speaker,
            "occasion": broadcast.occasion,
            "description": broadcast.description,
            "language": broadcast.language_id,
        }
        initial.update({f"title_{code}": text for code, text in broadcast.titles.items()})
        if broadcast.scheduled_start is not None:
            local = timezone.localtime(broadcast.scheduled_start)
            initial["start_date"] = local.date()
            initial["start_time"] = local.time().replace(second=0, microsecond=0)
        return initial

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {
            "title": data["title"],
            "titles": {
                code: data[f"title_{code}"].strip()
                for code, _label in settings.LANGUAGES
                if data.get(f"title_{code}", "").strip()
            },
            "speaker": data["speaker"],
            "occasion": data["occasion"],
            "description": data["description"],
            "language": data["language"],
        }
        if "start_date" in self.fields and not self.fields["start_date"].disabled:
            values["scheduled_start"] = timezone.make_aware(
                datetime.datetime.combine(data["start_date"], data["start_time"])
            )
        return values


class StreamKeyForm(CalendarAwareMixin, forms.Form):
    label = forms.CharField(
        label=_("label"),
        max_length=100,
        required=False,
        help_text=_("Which encoder or person uses it, e.g. OBS in the main hall."),
    )
    broadcast = IdModelChoiceField(
        label=_("only for the broadcast"),
        queryset=Broadcast.objects.none(),
        required=False,
        empty_label=_("Any broadcast of the channel"),
    )
    valid_until = MultiCalendarDateField(
        label=_("valid until"),
        required=False,
        help_text=_("The key stops working at the end of this day. Leave empty to keep it."),
    )

    def __init__(self, *args, broadcasts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if broadcasts is not None:
            self.fields["broadcast"].queryset = broadcasts
        _style(self)

    def expires_at(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("valid_until")
        return day_start(day + datetime.timedelta(days=1)) if day else None


class ArchiveDatesForm(CalendarAwareMixin, forms.Form):
    """The archive's date range, each end typed in any calendar."""

    date_from = MultiCalendarDateField(label=_("From"), required=False)
    date_to = MultiCalendarDateField(label=_("To"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise ValidationError({"date_to": _("The end date is before the start date.")})
        return data

    def dates(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The valid ends of the range; an end typed wrong is left out (and shown as an error)."""
        if not self.is_bound:
            return None, None
        self.is_valid()
        return self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
