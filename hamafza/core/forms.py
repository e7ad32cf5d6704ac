"""Form fields shared by every app."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamafza.core.calendars import Calendar, date_numeric, date_parse
from hamafza.core.params import id_param
from hamafza.core.preferences import calendar_default, lunar_region_default
from hamafza.core.text import digits_to_ascii


class MultiCalendarDateWidget(forms.MultiWidget):
    """A text box for the date and a ``<select>`` naming the calendar it is in.

    The text box takes the field's own name and the select ``<name>_calendar``,
    so a client that posts only ``<name>=1404/09/14`` is understood too.
    """

    def __init__(self, attrs=None, *, calendar: str | None = None, region: str | None = None):
        widgets = {
            "": forms.TextInput(
                attrs={"placeholder": _("year/month/day"), "autocomplete": "off", "size": 12}
            ),
            "calendar": forms.Select(choices=Calendar.choices),
        }
        super().__init__(widgets, attrs)
        self.calendar = calendar
        self.region = region

    def calendar_chosen(self) -> str:
        return self.calendar or calendar_default()

    def region_chosen(self) -> str:
        return self.region or lunar_region_default()

    def decompress(self, value) -> list:
        calendar = self.calendar_chosen()
        if isinstance(value, str) and value:
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return [value, calendar]
        if isinstance(value, datetime.date):
            text = date_numeric(
                value, calendar=calendar, language=get_language(), region=self.region_chosen()
            )
            return [text, calendar]
        return ["", calendar]

    def get_context(self, name, value, attrs):
        # Redisplayed input posted without the select keeps the default calendar.
        if isinstance(value, list | tuple) and len(value) == 2 and not value[1]:
            value = [value[0], self.calendar_chosen()]
        return super().get_context(name, value, attrs)

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_


class MultiCalendarDateField(forms.MultiValueField):
    """A date typed in the visitor's calendar; ``clean`` returns a ``datetime.date``.

    ``calendar`` and ``region`` are the visitor's (``request.calendar``,
    ``request.lunar_region``); left out, they follow the active language.
    Set them per request with ``form.fields[name].calendar = request.calendar``.
    """

    widget = MultiCalendarDateWidget
    default_error_messages = {
        "invalid": _("Enter a valid date."),
        "incomplete": _("Enter a date."),
    }

    def __init__(self, *, calendar: str | None = None, region: str | None = None, **kwargs):
        fields = (
            forms.CharField(required=False, max_length=40),
            forms.ChoiceField(choices=Calendar.choices, required=False),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)
        self.calendar = calendar
        self.region = region

    @property
    def calendar(self) -> str | None:
        return self._calendar

    @calendar.setter
    def calendar(self, value: str | None) -> None:
        self._calendar = value
        self.widget.calendar = value

    @property
    def region(self) -> str | None:
        return self._region

    @region.setter
    def region(self, value: str | None) -> None:
        self._region = value
        self.widget.region = value

    def clean(self, value):
        # The select always posts a calendar; an empty text box is an empty field.
        if isinstance(value, list | tuple) and value and value[0] in self.empty_values:
            value = []
        return super().clean(value)

    def compress(self, data_list) -> datetime.date | None:
        if not data_list or data_list[0] in self.empty_values:
            return None
        text = data_list[0]
        calendar = (data_list[1] if len(data_list) > 1 else "") or self.widget.calendar_chosen()
        return date_parse(text, calendar=calendar, region=self.widget.region_chosen())

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        text = data[0] if isinstance(data, list | tuple) and data else data
        if not (text or "").strip():
            # An empty field left empty has not changed, required or not (an extra formset row).
            return initial not in (None, "")
        try:
            value = self.clean(data)
        except ValidationError:
            return True
        if isinstance(initial, datetime.datetime):
            initial = initial.date()
        return value != initial


class LocalizedIntegerField(forms.IntegerField):
    """A whole number typed in any digits (Persian, Arabic-Indic or ASCII).

    A text box with a numeric keyboard on phones: a number box would refuse Persian
    and Arabic-Indic digits before the form sees them.
    """

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value):
        if isinstance(value, str):
            value = digits_to_ascii(value).strip()
        return super().to_python(value)


class IdModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that treats an id out of the databases' range as invalid.

    Django asks the database with whatever number was typed, and SQLite
    refuses integers past 64 bits with an error instead of "no such row".
    """

    def to_python(self, value):
        typed_id = (
            value not in self.empty_values
            and self.to_field_name is None
            and not isinstance(value, self.queryset.model)
        )
        if typed_id and id_param(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """The many-valued counterpart of ``IdModelChoiceField``."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for item in value or ():
                if id_param(item) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    )
        return super()._check_values(value)


def form_errors_from(form, error: ValidationError, aliases: dict | None = None) -> None:
    """A service's refusal on the form: each message on the field it names (``aliases``
    maps a service's field name to the form's), else above the form."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = aliases.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PlainSelect(forms.Select):
    """A select rendered in Python. Django renders a template for every option, which costs
    milliseconds for a list of every country on a page that must answer quickly. Flat choices
    only (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(key), mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)
