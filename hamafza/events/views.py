"""Event pages: what is coming up, the month calendar, the occasions of the Hijri year, one
event with its outcomes, the forms that schedule, change and cancel events and record their
outcomes, a periodic series, and an organization's events.

Each view parses input, calls a selector or service, and renders. Everyone reads; writes ask
for a signed-in user (anonymous visitors are sent to sign in) and the right the policies give
(a refused visitor gets the 403 page; the services refuse the same). Services' messages are
shown on the forms' fields. Anything typed in a URL that does not name a row is a 404.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hamafza.core.calendars import (
    LUNAR_REGIONS,
    Calendar,
    date_all_calendars,
    date_from_parts,
    date_numeric,
    gregorian_to_lunar,
    month_name,
)
from hamafza.core.exports import Column, export_response
from hamafza.core.forms import form_errors_from
from hamafza.core.models import LunarRegion
from hamafza.core.paging import capped_page, query_without_page
from hamafza.core.params import id_param
from hamafza.core.permissions import is_coordinator
from hamafza.core.selectors import places_index
from hamafza.core.text import digits_localize
from hamafza.directory.models import Organization, Person, Role
from hamafza.directory.policies import organization_ids_with_role
from hamafza.followups.selectors import followups_of

from . import selectors, services
from .calendar_grid import month_grid, number_param
from .forms import EventForm, OccurrenceFilterForm, OutcomeFormSet
from .models import Event, EventKind, EventSeries, EventStatus, OccasionKind, Recurrence
from .policies import event_policy

PAGE_SIZE = 25
UPCOMING_SIZE = 30
# A day's list (the calendar's "more" link): all of a busy day, within reason.
DAY_SIZE = 200
UPCOMING_OCCASIONS = 8
OCCASION_EVENTS = 20
NEXT_OCCURRENCES = 10


# --- helpers -------------------------------------------------------------------------------------


def _event_or_404(pk) -> Event:
    event_id = id_param(pk)
    try:
        if event_id is None:
            raise Event.DoesNotExist
        return selectors.event_get(pk=event_id)
    except Event.DoesNotExist as exc:
        raise Http404(_("No such event.")) from exc


def _series_or_404(pk) -> EventSeries:
    series_id = id_param(pk)
    try:
        if series_id is None:
            raise EventSeries.DoesNotExist
        return selectors.series_get(pk=series_id)
    except EventSeries.DoesNotExist as exc:
        raise Http404(_("No such series.")) from exc


def _organization(organization_id: int | None) -> Organization | None:
    if organization_id is None:
        return None
    return Organization.objects.only("id", "name", "names").filter(pk=organization_id).first()


def _organization_or_404(pk) -> Organization:
    organization = _organization(id_param(pk))
    if organization is None:
        raise Http404(_("No such organization."))
    return organization


def _region(request) -> str:
    """The lunar region asked for (``?region=IQ``), else the visitor's."""
    asked = (request.GET.get("region") or "").upper()
    return asked if asked in LUNAR_REGIONS else request.lunar_region


def _place(city_id, country_id, index, separator: str) -> str:
    parts = [index.cities.get(city_id), index.countries.get(country_id)]
    return separator.join(part.display_name() for part in parts if part is not None)


def _occurrence_rows(occurrences) -> list:
    """The occurrences with their organizer (one query) and their place's name (in memory)."""
    organizers = Organization.objects.only("id", "name", "names").in_bulk(
        {occurrence.event.organizer_id for occurrence in occurrences}
    )
    index = places_index()
    separator = pgettext("list separator", ", ")
    for occurrence in occurrences:
        occurrence.organizer_shown = organizers.get(occurrence.event.organizer_id)
        occurrence.place = _place(
            occurrence.event.city_id, occurrence.event.country_id, index, separator
        )
    return occurrences


def _occasion_rows(rows, *, region: str) -> list:
    language = get_language()
    for row in rows:
        row.calendars = date_all_calendars(row.starts_on, language=language, region=region)
    return rows


def _organizers(user) -> list[Organization] | None:
    """The organizations ``user`` may schedule events for; None for "any" (coordinators)."""
    if is_coordinator(user):
        return None
    ids = [
        organization_id
        for organization_id in organization_ids_with_role(user, Role.EDITOR)
        if event_policy.allows(user, "add", organization_id)
    ]
    return list(Organization.objects.only("id", "name", "names").filter(pk__in=ids))


def _may_schedule(user) -> bool:
    return is_coordinator(user) or bool(organization_ids_with_role(user, Role.EDITOR))


def _series_offered(user, organizers: list[Organization] | None):
    queryset = EventSeries.objects.only("id", "name", "names").order_by("name", "id")
    if organizers is None:
        return queryset
    return queryset.filter(organizer__in=organizers)


def _after(event: Event, anchor: str = ""):
    url = reverse("events:detail", args=[event.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- what is coming up ---------------------------------------------------------------------------


def _day_param(value) -> datetime.date | None:
    """A day given as YYYY-MM-DD within the calendars' range; None for anything else."""
    try:
        day = datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if datetime.date(1900, 1, 1) <= day <= datetime.date(2299, 12, 31) else None


def _upcoming_found(request, form: OccurrenceFilterForm, *, limit: int):
    """The next occurrences by the list's filters, or one day's (``?day=``) list."""
    filters = form.filters()
    near = form.near()
    day = _day_param(request.GET.get("day"))
    if day is not None:
        # One day's list, from the calendar's "more" link.
        begins = datetime.datetime.combine(day, datetime.time()).replace(
            tzinfo=timezone.get_current_timezone()
        )
        return selectors.occurrences_upcoming(
            now=begins, filters=filters, near=near, days=1, limit=DAY_SIZE
        )
    return selectors.occurrences_upcoming(filters=filters, near=near, limit=limit)


def upcoming(request):
    """The events home: the next occurrences (filtered, or near the visitor) and the next
    occasions of the visitor's lunar region."""
    form = OccurrenceFilterForm(request.GET or None)
    filters = form.filters()
    near = form.near()
    day = _day_param(request.GET.get("day"))
    occurrences = _occurrence_rows(_upcoming_found(request, form, limit=UPCOMING_SIZE))
    region = _region(request)
    occasions = _occasion_rows(
        selectors.occasions_upcoming(
            region=region, today=timezone.localdate(), limit=UPCOMING_OCCASIONS
        ),
        region=region,
    )
    context = {
        "form": form,
        "filters": filters,
        "near": near,
        "occurrences": occurrences,
        "day": day,
        "occasions": occasions,
        "region": region,
        "region_label": LunarRegion(region).label,
        "organization": _organization(filters.organizer_id),
        "time_zone": timezone.get_current_timezone_name(),
        "can_schedule": _may_schedule(request.user),
        "export_query": query_without_page(request),
        "tab": "upcoming",
    }
    return render(request, "events/upcoming.html", context)


# --- the month calendar --------------------------------------------------------------------------


def _calendar_query(request, **values) -> str:
    params = request.GET.copy()
    for name in ("page", "year", "month"):
        params.pop(name, None)
    for name, value in values.items():
        params[name] = value
    return params.urlencode()


def _cells_prepare(grid, *, language: str) -> None:
    """Each day's list (occasions, events, the "more" link) as HTML, built once in Python for
    both the table and the phone list: a busy month lists about 130 events, and rendering each
    through template tags twice was most of the page's time."""
    event_prefix = reverse("events:detail", args=[1])[: -len("1/")]
    occasion_prefix = reverse("events:occasion", args=["x"])[: -len("x/")]
    day_list = reverse("events:upcoming")
    zone = timezone.get_current_timezone()
    cancelled = _("cancelled")
    for day in grid.days:
        items = [
            format_html(
                '<a class="d-block hz-cell-item hz-cell-occasion" href="{}{}/"><bdi>{}</bdi></a>',
                occasion_prefix,
                row.occasion.slug,
                row.occasion.display_name(language),
            )
            for row in day.occasions
        ]
        for occurrence in day.occurrences:
            local = timezone.localtime(occurrence.starts_at, zone)
            time_html = ""
            if not occurrence.event.all_day and local.date() == day.date:
                time_html = format_html(
                    '<span class="hz-time">{}</span> ',
                    digits_localize(local.strftime("%H:%M"), language),
                )
            items.append(
                format_html(
                    '<a class="d-block hz-cell-item hz-cell-event{}" data-event="{}" href="{}{}/">'
                    "{}<bdi>{}</bdi>{}</a>",
                    " hz-cancelled" if occurrence.cancelled else "",
                    occurrence.event_id,
                    event_prefix,
                    occurrence.event_id,
                    time_html,
                    occurrence.event.display_name(language),
                    format_html(' <span class="visually-hidden">({})</span>', cancelled)
                    if occurrence.cancelled
                    else "",
                )
            )
        if day.more:
            items.append(
                format_html(
                    '<a class="d-block hz-cell-item hz-more" href="{}?day={}">{}</a>',
                    day_list,
                    day.date.isoformat(),
                    _("More…"),
                )
            )
        day.items_html = format_html_join("", "{}", ((item,) for item in items))


def calendar(request):
    form = OccurrenceFilterForm(request.GET or None, near=False, search=False)
    filters = form.filters()
    asked = request.GET.get("calendar")
    chosen = asked if asked in Calendar.values else request.calendar
    grid = month_grid(
        calendar=chosen,
        year=number_param(request.GET.get("year")),
        month=number_param(request.GET.get("month")),
        language=get_language(),
        region=request.lunar_region,
        filters=filters,
        today=timezone.localdate(),
    )
    _cells_prepare(grid, language=get_language())
    year, month = grid.previous
    previous_query = _calendar_query(request, calendar=chosen, year=year, month=month)
    year, month = grid.next
    next_query = _calendar_query(request, calendar=chosen, year=year, month=month)
    switch = [
        {
            "calendar": value,
            "label": label,
            "active": value == grid.calendar,
            "query": _calendar_query(
                request, calendar=value, year=grid.switch[value][0], month=grid.switch[value][1]
            ),
        }
        for value, label in Calendar.choices
    ]
    context = {
        "form": form,
        "filters": filters,
        "grid": grid,
        "switch": switch,
        "previous_query": previous_query,
        "next_query": next_query,
        "today_query": _calendar_query(request, calendar=chosen),
        "organization": _organization(filters.organizer_id),
        "time_zone": timezone.get_current_timezone_name(),
        "tab": "calendar",
    }
    return render(request, "events/calendar.html", context)


# --- occasions -----------------------------------------------------------------------------------


def _hijri_label(occasion, language: str) -> str:
    """When the occasion falls, in words: "10 Muharram", "the last day of Safar", "the eve of
    23 Ramadan", "1 Muharram, for 10 days"."""
    month = month_name(occasion.month, calendar=Calendar.LUNAR, language=language)
    if occasion.last_day:
        text = _("the last day of %(month)s") % {"month": month}
    else:
        text = digits_localize(f"{occasion.day} {month}", language)
    if occasion.eve:
        text = _("the eve of %(date)s") % {"date": text}
    if occasion.length_days > 1:
        text = _("%(date)s, for %(days)s days") % {
            "date": text,
            "days": digits_localize(str(occasion.length_days), language),
        }
    return text


def _occasion_table(request) -> tuple[list[dict], int, str]:
    """Every occasion with its date this Hijri year and next, in the visitor's region:
    (rows, this Hijri year, region)."""
    region = _region(request)
    today = timezone.localdate()
    year = gregorian_to_lunar(today, region).year
    # A little past both ends: an occasion kept from the eve begins the day before its date.
    start = date_from_parts(year, 1, 1, calendar=Calendar.LUNAR, region=region)
    end = date_from_parts(year + 2, 1, 1, calendar=Calendar.LUNAR, region=region)
    dates: dict[tuple[int, int], object] = {}
    for row in selectors.occasion_dates_between(
        start - datetime.timedelta(days=2), end + datetime.timedelta(days=1), region=region
    ):
        if row.hijri_year in (year, year + 1):
            dates[(row.occasion_id, row.hijri_year)] = row
    _occasion_rows(dates.values(), region=region)
    language = get_language()
    rows = [
        {
            "occasion": occasion,
            "when": _hijri_label(occasion, language),
            "this_year": dates.get((occasion.pk, year)),
            "next_year": dates.get((occasion.pk, year + 1)),
        }
        for occasion in selectors.occasion_list()
    ]
    return rows, year, region


def occasions(request):
    """Every occasion with its date this Hijri year and next, in the visitor's region."""
    rows, year, region = _occasion_table(request)
    context = {
        "rows": rows,
        "year": year,
        "next_year": year + 1,
        "region": region,
        "region_label": LunarRegion(region).label,
        "regions": LunarRegion.choices,
        "tab": "occasions",
    }
    return render(request, "events/occasions.html", context)


def occasion_detail(request, slug: str):
    occasion = selectors.occasion_list(active_only=False).filter(slug=slug[:60]).first()
    if occasion is None:
        raise Http404(_("No such occasion."))
    language = get_language()
    by_year: dict[int, dict] = {}
    for region in LUNAR_REGIONS:
        for row in selectors.occasion_dates_of(occasion, region=region):
            row.calendars = date_all_calendars(row.starts_on, language=language, region=region)
            by_year.setdefault(row.hijri_year, {})[region] = row
    years = [
        {"year": year, "cells": [by_year[year].get(region) for region in LUNAR_REGIONS]}
        for year in sorted(by_year)
    ]
    events = list(
        selectors.events_of_occasion(occasion).exclude(status=EventStatus.CANCELLED)[
            :OCCASION_EVENTS
        ]
    )
    context = {
        "occasion": occasion,
        "when": _hijri_label(occasion, language),
        "years": years,
        "regions": [LunarRegion(region).label for region in LUNAR_REGIONS],
        "events": events,
        "tab": "occasions",
    }
    return render(request, "events/occasion_detail.html", context)


# --- one event -----------------------------------------------------------------------------------


def _moment(value: datetime.datetime, zone, *, language: str, region: str) -> dict:
    local = timezone.localtime(value, zone)
    return {
        "date": local.date(),
        "time": local.time(),
        "calendars": date_all_calendars(local.date(), language=language, region=region),
    }


def _when(event: Event, zone, *, language: str, region: str) -> dict:
    return {
        "zone": str(zone),
        "starts": _moment(event.starts_at, zone, language=language, region=region),
        "ends": _moment(event.ends_at, zone, language=language, region=region),
    }


def detail(request, pk: int):
    event = _event_or_404(pk)
    user = request.user
    language = get_language()
    region = request.lunar_region
    viewer_zone = timezone.get_current_timezone()
    event_zone = ZoneInfo(event.time_zone)
    when = [_when(event, viewer_zone, language=language, region=region)]
    if event_zone.key != getattr(viewer_zone, "key", str(viewer_zone)):
        when.append(_when(event, event_zone, language=language, region=event.lunar_region))
    can_change = event_policy.allows(user, "change", event)
    earlier = []
    if event.has_outcomes and event.series_id and event.edition:
        earlier = selectors.series_open_outcomes(event.series, before_edition=event.edition)
    context = {
        "event": event,
        "when": when,
        "multi_day": when[0]["starts"]["date"] != when[0]["ends"]["date"],
        "occurrences": (
            selectors.event_occurrences(event, limit=NEXT_OCCURRENCES) if event.repeats else []
        ),
        "outcomes": list(followups_of(event)) if event.has_outcomes else [],
        "earlier_outcomes": earlier,
        "course": getattr(event, "course", None),
        "is_cancelled": event.status == EventStatus.CANCELLED,
        "can_change": can_change,
        "can_record": can_change and event.has_outcomes,
        "tab": "upcoming",
    }
    return render(request, "events/detail.html", context)


# --- scheduling and changing ---------------------------------------------------------------------


def _event_form(request, *, event: Event | None = None, initial=None) -> EventForm:
    organizers = _organizers(request.user)
    if organizers is not None and event is not None and event.organizer not in organizers:
        organizers = [event.organizer, *organizers]
    form = EventForm(
        request.POST or None,
        event=event,
        organizers=organizers,
        series=_series_offered(request.user, organizers),
        time_zone=timezone.get_current_timezone_name(),
        **({"initial": initial} if initial else {}),
    )
    form.calendars_follow(request)
    return form


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    """Schedule an event (``?organizer=<id>`` chooses the organizer)."""
    organizers = _organizers(request.user)
    if organizers is not None and not organizers:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    asked = id_param(source.get("organizer"))
    if asked is not None and not event_policy.allows(request.user, "add", asked):
        raise PermissionDenied
    form = _event_form(request, initial={"organizer": asked} if asked else None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.service_values())
        except ValidationError as error:
            form_errors_from(form, error, EventForm.ALIASES)
        else:
            messages.success(request, _("The event was scheduled."))
            return _after(event)
    return render(request, "events/form.html", {"form": form, "event": None, "tab": "upcoming"})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    event = _event_or_404(pk)
    event_policy.check(request.user, "change", event)
    form = _event_form(request, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **form.service_values())
        except ValidationError as error:
            form_errors_from(form, error, EventForm.ALIASES)
        else:
            messages.success(request, _("The changes were saved."))
            return _after(event)
    return render(request, "events/form.html", {"form": form, "event": event, "tab": "upcoming"})


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    """A confirmation page, then the cancellation (POST)."""
    event = _event_or_404(pk)
    event_policy.check(request.user, "change", event)
    if request.method == "POST":
        try:
            services.event_cancel(actor=request.user, event=event)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("The event was cancelled."))
        return _after(event)
    context = {
        "event": event,
        "is_cancelled": event.status == EventStatus.CANCELLED,
        "tab": "upcoming",
    }
    return render(request, "events/cancel.html", context)


# --- outcomes ------------------------------------------------------------------------------------


def _people_of(event: Event):
    """Members of the organizer and the partners, offered as responsible people."""
    organization_ids = [event.organizer_id, *(partner.pk for partner in event.partners.all())]
    return (
        Person.objects.filter(memberships__organization_id__in=organization_ids)
        .distinct()
        .only("id", "name", "names")
        .order_by("name", "id")
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcomes(request, pk: int):
    """Record numbered recommendations or decisions; each becomes a follow-up. All or nothing."""
    event = _event_or_404(pk)
    event_policy.check(request.user, "change", event)
    if not event.has_outcomes:
        messages.error(
            request,
            _("Only conferences, meetings, expert sessions and congresses record outcomes."),
        )
        return _after(event)
    formset = OutcomeFormSet(
        request.POST or None, prefix="outcomes", form_kwargs={"people": list(_people_of(event))}
    )
    formset.calendars_follow(request)
    service_errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        try:
            created = services.event_outcomes_record(
                actor=request.user, event=event, outcomes=formset.outcomes()
            )
        except ValidationError as error:
            service_errors = list(error.messages)
        else:
            messages.success(
                request,
                _("%(count)s outcomes were recorded and are followed up.")
                % {"count": len(created)},
            )
            return _after(event, "outcomes")
    context = {
        "event": event,
        "formset": formset,
        "service_errors": service_errors,
        "recorded": list(followups_of(event)),
        "tab": "upcoming",
    }
    return render(request, "events/outcomes.html", context)


# --- a series, an organization's events ----------------------------------------------------------


def series(request, pk: int):
    series = _series_or_404(pk)
    editions = list(selectors.series_editions(series))
    open_items = {edition.pk: items for edition, items in selectors.series_open_outcomes(series)}
    context = {
        "series": series,
        "editions": [
            {"event": edition, "open_items": open_items.get(edition.pk, [])} for edition in editions
        ],
        "open_total": sum(len(items) for items in open_items.values()),
        "can_add": event_policy.allows(request.user, "add", series.organizer),
        "tab": "upcoming",
    }
    return render(request, "events/series.html", context)


def organization(request, pk: int):
    organization = _organization_or_404(pk)
    page = capped_page(
        selectors.events_of_organization(organization.pk), request.GET.get("page"), PAGE_SIZE
    )
    context = {
        "organization": organization,
        "page": page,
        "query_without_page": query_without_page(request),
        "can_add": event_policy.allows(request.user, "add", organization),
        "tab": "upcoming",
    }
    return render(request, "events/organization.html", context)


# --- exports -------------------------------------------------------------------------------------
# Everyone reads the calendar, so the exports are public as their pages are. Labels, names and
# times are fixed when the columns are made, in the request's language and time zone: the rows
# are written after the view returns, while the response streams.

# The upcoming list's export: the page's filters and horizon, more rows than the page shows.
UPCOMING_EXPORT_LIMIT = 2000


def _local(value, zone):
    return timezone.localtime(value, zone).replace(tzinfo=None) if value else None


def _event_link(request):
    prefix = request.build_absolute_uri(reverse("events:detail", args=[1]))[: -len("1/")]
    return lambda event_id: f"{prefix}{event_id}/"


def _occurrence_columns(request) -> list[Column]:
    language = get_language()
    zone = timezone.get_current_timezone()
    kinds = {value: str(label) for value, label in EventKind.choices}
    link = _event_link(request)
    yes, no = _("yes"), _("no")
    return [
        Column(_("Starts"), lambda o: _local(o.starts_at, zone)),
        Column(_("Ends"), lambda o: _local(o.ends_at, zone)),
        Column(_("Event"), lambda o: o.event.display_name(language)),
        Column(_("Kind"), lambda o: kinds.get(o.event.kind, o.event.kind)),
        Column(
            _("Organizer"),
            lambda o: o.organizer_shown.display_name(language) if o.organizer_shown else "",
        ),
        Column(_("Place"), lambda o: o.place),
        Column(_("Venue"), lambda o: o.event.venue),
        Column(_("Online"), lambda o: yes if o.event.online else no),
        Column(_("Link"), lambda o: link(o.event_id)),
    ]


@require_GET
def upcoming_export(request, fmt: str):
    """The upcoming list as CSV or XLSX: the page's filters (or its day), every occurrence of
    the horizon up to ``UPCOMING_EXPORT_LIMIT``."""
    form = OccurrenceFilterForm(request.GET or None)
    rows = _occurrence_rows(_upcoming_found(request, form, limit=UPCOMING_EXPORT_LIMIT))
    return export_response(rows, _occurrence_columns(request), fmt=fmt, name="events-upcoming")


@require_GET
def organization_export(request, pk: int, fmt: str):
    """An organization's events as CSV or XLSX, every one (not one page), newest first."""
    organization = _organization_or_404(pk)
    language = get_language()
    zone = timezone.get_current_timezone()
    index = places_index()
    separator = pgettext("list separator", ", ")
    kinds = {value: str(label) for value, label in EventKind.choices}
    statuses = {value: str(label) for value, label in EventStatus.choices}
    repeats = {value: str(label) for value, label in Recurrence.choices}
    link = _event_link(request)
    yes, no = _("yes"), _("no")
    columns = [
        Column(_("Event"), lambda e: e.display_name(language)),
        Column(_("Kind"), lambda e: kinds.get(e.kind, e.kind)),
        Column(_("Status"), lambda e: statuses.get(e.status, e.status)),
        Column(_("Starts"), lambda e: _local(e.starts_at, zone)),
        Column(_("Ends"), lambda e: _local(e.ends_at, zone)),
        Column(_("Repeats"), lambda e: repeats.get(e.recurrence, e.recurrence)),
        Column(_("Place"), lambda e: _place(e.city_id, e.country_id, index, separator)),
        Column(_("Venue"), lambda e: e.venue),
        Column(_("Online"), lambda e: yes if e.online else no),
        Column(_("Language"), lambda e: e.language.display_name(language) if e.language else ""),
        Column(_("Link"), lambda e: link(e.pk)),
    ]
    rows = selectors.events_of_organization(organization.pk)
    return export_response(rows, columns, fmt=fmt, name=f"events-organization-{organization.pk}")


@require_GET
def occasions_export(request, fmt: str):
    """The occasions table as CSV or XLSX: each occasion's first day this Hijri year and next
    (Gregorian dates, and in the visitor's calendar)."""
    rows, year, region = _occasion_table(request)
    language = get_language()
    calendar = request.calendar
    kinds = {value: str(label) for value, label in OccasionKind.choices}
    calendar_label = str(Calendar(calendar).label)

    def first_day(key):
        return lambda row: row[key].starts_on if row[key] else None

    def in_calendar(key):
        def value(row) -> str:
            found = row[key]
            if found is None:
                return ""
            return date_numeric(
                found.starts_on, calendar=calendar, language=language, region=region
            )

        return value

    columns = [
        Column(_("Occasion"), lambda row: row["occasion"].display_name(language)),
        Column(_("Kind"), lambda row: kinds.get(row["occasion"].kind, row["occasion"].kind)),
        Column(_("Hijri date"), lambda row: row["when"]),
    ]
    for key, hijri_year in (("this_year", year), ("next_year", year + 1)):
        shown = digits_localize(str(hijri_year), language)
        columns.append(Column(_("In %(year)s") % {"year": shown}, first_day(key)))
        if calendar != Calendar.GREGORIAN:
            columns.append(
                Column(
                    _("In %(year)s (%(calendar)s)") % {"year": shown, "calendar": calendar_label},
                    in_calendar(key),
                )
            )
    return export_response(rows, columns, fmt=fmt, name=f"occasions-{region}")
