"""The date field that reads and shows dates in any of the three calendars."""

import datetime
import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from hamafza.core.calendars import hijri_table_invalidate
from hamafza.core.forms import LocalizedIntegerField, MultiCalendarDateField

AZAR_14_1404 = datetime.date(2025, 12, 5)


@pytest.fixture(autouse=True)
def fresh_tables():
    hijri_table_invalidate()
    yield
    hijri_table_invalidate()


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English; tests about other languages switch themselves."""
    with translation.override("en"):
        yield


class EventForm(forms.Form):
    starts = MultiCalendarDateField(label="Starts")
    ends = MultiCalendarDateField(label="Ends", required=False)

    def __init__(self, *args, calendar: str, region: str = "UQ", **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts", "ends"):
            self.fields[name].calendar = calendar
            self.fields[name].region = region


def rendered_text(form: forms.Form, name: str) -> str:
    html = str(form[name])
    match = re.search(rf'<input type="text" name="{name}"(?: value="([^"]*)")?', html)
    assert match, html
    return match.group(1) or ""


def rendered_calendar(form: forms.Form, name: str) -> str:
    html = str(form[name])
    select = re.search(rf'<select name="{name}_calendar".*?</select>', html, re.S)
    assert select, html
    selected = re.findall(r'<option value="(\w+)" selected>', select.group(0))
    assert len(selected) == 1, select.group(0)
    return selected[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("calendar", "language", "shown"),
    [
        ("solar", "fa", "۱۴۰۴/۰۹/۱۴"),
        ("lunar", "ar", "١٤٤٧/٠٦/١٤"),
        ("gregorian", "en", "2025/12/05"),
    ],
)
def test_round_trip_in_every_calendar(calendar, language, shown):
    with translation.override(language):
        # given a form showing an initial date in the visitor's calendar
        form = EventForm(initial={"starts": AZAR_14_1404}, calendar=calendar)
        text = rendered_text(form, "starts")
        assert text == shown
        assert rendered_calendar(form, "starts") == calendar
        # when the visitor submits what was shown
        bound = EventForm(
            {"starts": text, "starts_calendar": calendar, "ends": "", "ends_calendar": calendar},
            initial={"starts": AZAR_14_1404},
            calendar=calendar,
        )
        # then the same date comes back, and nothing changed
        assert bound.is_valid(), bound.errors
        assert bound.cleaned_data == {"starts": AZAR_14_1404, "ends": None}
        assert not bound.has_changed()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("calendar", "text"),
    [("solar", "1404/09/14"), ("lunar", "١٤٤٧/٦/١٤"), ("gregorian", "5/12/2025")],
)
def test_the_chosen_calendar_wins_over_the_default(calendar, text):
    # given a visitor whose default is solar, when choosing another calendar in the select
    form = EventForm({"starts": text, "starts_calendar": calendar}, calendar="solar")
    # then the text is read in the chosen calendar
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts"] == AZAR_14_1404


@pytest.mark.django_db
def test_missing_select_falls_back_to_the_default_calendar():
    # given a client that posts only the text
    form = EventForm({"starts": "۱۴۴۷/۰۶/۱۴"}, calendar="lunar")
    # then it is read in the field's calendar
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts"] == AZAR_14_1404


def test_select_defaults_to_the_visitors_calendar():
    form = EventForm(calendar="lunar")
    assert rendered_calendar(form, "starts") == "lunar"
    assert rendered_text(form, "starts") == ""


def test_field_without_a_calendar_follows_the_language():
    class Plain(forms.Form):
        day = MultiCalendarDateField()

    for language, calendar in (("fa", "solar"), ("ar", "lunar"), ("en", "gregorian")):
        with translation.override(language):
            assert rendered_calendar(Plain(), "day") == calendar


def test_label_points_at_the_text_box():
    html = EventForm(calendar="solar")["starts"].label_tag()
    assert 'for="id_starts_0"' in html
    assert 'id="id_starts_0"' in str(EventForm(calendar="solar")["starts"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tomorrow", "Enter a date as year/month/day."),
        ("1404/9", "Enter a date as year/month/day."),
        ("1404/12/30", "This day does not exist in that month."),
    ],
)
def test_invalid_dates_are_refused_with_a_message(text, message):
    form = EventForm({"starts": text, "starts_calendar": "solar"}, calendar="solar")
    assert not form.is_valid()
    assert form.errors["starts"] == [message]
    # and the visitor's text is shown again, in the calendar they chose
    assert rendered_text(form, "starts") == text
    assert rendered_calendar(form, "starts") == "solar"


def test_required_and_optional_empty_dates():
    # given the select always posts a calendar, an empty text box is an empty field
    form = EventForm(
        {"starts": "", "starts_calendar": "solar", "ends": "", "ends_calendar": "solar"},
        calendar="solar",
    )
    assert not form.is_valid()
    assert form.errors["starts"] == ["This field is required."]
    assert "ends" not in form.errors


def test_unknown_calendar_is_refused():
    form = EventForm({"starts": "1404/09/14", "starts_calendar": "mayan"}, calendar="solar")
    assert not form.is_valid()
    assert "starts" in form.errors


def test_a_different_date_in_other_digits_is_a_change():
    form = EventForm(
        {"starts": "۱۴۰۴/۰۹/۱۵", "starts_calendar": "solar"},
        initial={"starts": AZAR_14_1404},
        calendar="solar",
    )
    assert form.has_changed()
    same = EventForm(
        {"starts": "1404-9-14", "starts_calendar": "solar"},
        initial={"starts": AZAR_14_1404},
        calendar="solar",
    )
    assert not same.has_changed()


@pytest.mark.parametrize("typed", ["۱۲۵", "١٢٥", "125", " ۱۲۵ "])
def test_a_whole_number_is_read_in_any_digits(typed):
    assert LocalizedIntegerField(min_value=1).clean(typed) == 125


def test_a_whole_number_is_typed_in_a_text_box_with_a_numeric_keyboard():
    # Given the default widget: not a number box, which would refuse Persian digits
    html = LocalizedIntegerField().widget.render("n", None)
    assert 'type="text"' in html and 'inputmode="numeric"' in html
    # And a widget given by the form keeps its own attributes
    given = LocalizedIntegerField(widget=forms.TextInput(attrs={"size": 4})).widget.render("n", 1)
    assert 'size="4"' in given and 'inputmode="numeric"' in given


def test_a_whole_number_out_of_range_or_not_a_number_is_an_error():
    field = LocalizedIntegerField(min_value=1, max_value=100)
    for typed in ("۰", "۱۰۱", "ده", "1.5"):
        with pytest.raises(ValidationError):
            field.clean(typed)
