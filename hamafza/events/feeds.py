"""iCalendar feeds: the network's, an organization's, a country's, one event's, and the
occasions of a region, for calendar applications to subscribe to.

One VEVENT per occurrence (or occasion date). Its UID names the repetition
for good (the event and the occurrence's ``key``; the occasion, region and
Hijri year), so that when a sighting correction moves a date, subscribers
see the same item with a raised SEQUENCE and its new DTSTART, not a new
item beside the old one. A cancelled event's occurrences stay in the feed
with STATUS:CANCELLED.

Each feed reads its rows with a fixed number of queries, and holds at most
``FEED_MAX_ITEMS`` items: the coming ones first, then the most recent past
ones. Summaries and labels follow ``?language=`` (fa, ar, en), else the
active language.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar import Calendar
from icalendar import Event as VEvent

from hamafza.core.calendars import date_format
from hamafza.core.models import Country, LunarRegion
from hamafza.core.params import id_param
from hamafza.core.preferences import language_base
from hamafza.directory.models import Organization
from hamafza.events import selectors
from hamafza.events.models import Event, EventKind, OccasionKind

# What a feed covers: from this many days back to the end of the planning horizon.
FEED_DAYS_BEFORE = 90
FEED_DAYS_AFTER = 5 * 366  # beyond the furthest occurrence the services write
FEED_MAX_ITEMS = 5000
# How often subscribers are asked to fetch the feed again.
FEED_REFRESH = datetime.timedelta(hours=6)
FEED_MAX_AGE_SECONDS = 15 * 60
PRODID = "-//Hamafza//Hamafza events//EN"

# The fields a VEVENT shows: the selectors' display columns and the rest of the event.
FEED_FIELDS = (
    "key",
    "starts_at",
    "ends_at",
    "sequence",
    "cancelled",
    *selectors.OCCURRENCE_EVENT_FIELDS,
    "event__description",
    "event__speakers",
    "event__online_url",
    "event__latitude",
    "event__longitude",
    "event__updated_at",
    "event__city__name",
    "event__city__names",
    "event__country__code",
    "event__country__name",
    "event__country__names",
)

_COMMAS = {"fa": "، ", "ar": "، "}


# --- request ---------------------------------------------------------------------------------


def _language_named(request) -> str:
    """The language ``?language=`` names, if it is one of the site's; else ""."""
    chosen = (request.GET.get("language") or "").strip().lower()
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else ""


def _language(request) -> str:
    """``?language=`` when it names one of the site's languages, else the active one."""
    return _language_named(request) or language_base()


def _uid_domain(request) -> str:
    """The domain UIDs end with: ``HAMAFZA_ICAL_DOMAIN`` when set, else the request's host
    without its port."""
    configured = settings.HAMAFZA_ICAL_DOMAIN
    if configured:
        return configured
    host = request.get_host()
    domain, _port = split_domain_port(host)
    return domain or host


def _event_url(request, pk: int) -> str:
    return request.build_absolute_uri(reverse("events:detail", args=[pk]))


# --- reads -----------------------------------------------------------------------------------


def _window(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    return (
        now - datetime.timedelta(days=FEED_DAYS_BEFORE),
        now + datetime.timedelta(days=FEED_DAYS_AFTER),
    )


def _rows(queryset, now: datetime.datetime) -> list:
    """At most ``FEED_MAX_ITEMS`` occurrences of ``queryset``, the coming ones first, then the
    latest past ones; returned in time order. Two queries."""
    queryset = queryset.select_related("event__city", "event__country").only(*FEED_FIELDS)
    coming = list(queryset.filter(ends_at__gt=now).order_by("starts_at", "id")[:FEED_MAX_ITEMS])
    room = FEED_MAX_ITEMS - len(coming)
    past = list(queryset.filter(ends_at__lte=now).order_by("-starts_at", "-id")[:room])
    return [*reversed(past), *coming]


def _occurrences(*, filters=None, extra: Q | None = None) -> list:
    now = timezone.now()
    queryset = selectors.occurrences_between(*_window(now), filters=filters)
    if extra is not None:
        queryset = queryset.filter(extra)
    return _rows(queryset, now)


# --- rendering -------------------------------------------------------------------------------


def _calendar(name: str, *, language: str, time_zone: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", time_zone)
    calendar.add("x-wr-language", language)
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", FEED_REFRESH)
    return calendar


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC)


def _all_day_span(occurrence, zone: ZoneInfo) -> tuple[datetime.date, datetime.date]:
    """The local days an all-day occurrence covers, the end exclusive (as iCalendar wants)."""
    start = occurrence.starts_at.astimezone(zone)
    end = occurrence.ends_at.astimezone(zone)
    last = end.date()
    if end.time() != datetime.time(0) or last <= start.date():
        last += datetime.timedelta(days=1)
    return start.date(), last


def _joined(parts: list[str], language: str) -> str:
    return _COMMAS.get(language, ", ").join(part for part in parts if part)


def _location(event, language: str) -> str:
    parts = [
        event.venue,
        event.city.display_name(language) if event.city_id else "",
        event.country.display_name(language) if event.country_id else "",
    ]
    text = _joined(parts, language)
    if not text and event.online:
        return _("Online")
    return text


def _description(event) -> str:
    lines = [event.description.strip()] if event.description.strip() else []
    if event.speakers:
        lines.append(_("Speakers: %(speakers)s") % {"speakers": event.speakers})
    if event.online and event.online_url:
        lines.append(_("Online at %(address)s") % {"address": event.online_url})
    return "\n\n".join(lines)


def _vevent(occurrence, *, request, language: str, domain: str) -> VEvent:
    event = occurrence.event
    item = VEvent()
    item.add("uid", f"event-{event.pk}-{occurrence.key}@{domain}")
    item.add("sequence", occurrence.sequence)
    item.add("dtstamp", _utc(event.updated_at))
    item.add("last-modified", _utc(event.updated_at))
    if event.all_day:
        first, after = _all_day_span(occurrence, _zone(event.time_zone))
        item.add("dtstart", first)
        item.add("dtend", after)
        item.add("transp", "TRANSPARENT")
    else:
        item.add("dtstart", _utc(occurrence.starts_at))
        item.add("dtend", _utc(occurrence.ends_at))
    item.add("summary", event.display_name(language))
    description = _description(event)
    if description:
        item.add("description", description)
    location = _location(event, language)
    if location:
        item.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        item.add("geo", (float(event.latitude), float(event.longitude)))
    item.add("url", _event_url(request, event.pk))
    item.add("status", "CANCELLED" if occurrence.cancelled else "CONFIRMED")
    item.add("categories", [str(EventKind(event.kind).label)])
    return item


def _occasion_vevent(row, *, language: str, domain: str, stamp: datetime.datetime) -> VEvent:
    occasion = row.occasion
    item = VEvent()
    item.add("uid", f"occasion-{occasion.slug}-{row.region}-{row.hijri_year}@{domain}")
    item.add("sequence", row.sequence)
    item.add("dtstamp", stamp)
    item.add("dtstart", row.starts_on)
    item.add("dtend", row.ends_on + datetime.timedelta(days=1))
    item.add("summary", occasion.display_name(language))
    hijri = date_format(row.starts_on, calendar="lunar", language=language, region=row.region)
    lines = [hijri]
    if occasion.description.strip():
        lines.append(occasion.description.strip())
    item.add("description", "\n\n".join(lines))
    item.add("transp", "TRANSPARENT")
    item.add("status", "CONFIRMED")
    item.add("categories", [str(OccasionKind(occasion.kind).label)])
    return item


def _response(request, calendar: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Shared caches may keep a feed whose language the address names; one that follows the
    # visitor's language (cookie or header) is theirs alone.
    shared = bool(_language_named(request))
    patch_cache_control(response, public=shared, private=not shared, max_age=FEED_MAX_AGE_SECONDS)
    # The body depends only on the data (and the day, for occasions): an unchanged feed
    # is answered with 304 Not Modified.
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _events_feed(
    request, rows: list, *, name: Callable[[], str], filename: str, time_zone: str = ""
):
    """``name`` is called in the feed's language."""
    language = _language(request)
    with translation.override(language):
        domain = _uid_domain(request)
        calendar = _calendar(
            name(),
            language=language,
            time_zone=time_zone or settings.HAMAFZA_DEFAULT_TIME_ZONE,
        )
        for occurrence in rows:
            calendar.add_component(
                _vevent(occurrence, request=request, language=language, domain=domain)
            )
        return _response(request, calendar, filename)


# --- views -----------------------------------------------------------------------------------


@require_safe
def network(request):
    """Every event of the network, from three months back to the horizon."""
    rows = _occurrences()
    return _events_feed(
        request, rows, name=lambda: _("Hamafza: events of the network"), filename="network.ics"
    )


@require_safe
def organization(request, pk):
    """The events an organization holds, and those it takes part in."""
    organization = Organization.objects.filter(pk=id_param(pk) or 0).only("name", "names").first()
    if organization is None:
        raise Http404
    partner_of = Event.partners.through.objects.filter(organization_id=organization.pk).values(
        "event_id"
    )
    rows = _occurrences(extra=Q(organizer_id=organization.pk) | Q(event_id__in=partner_of))
    return _events_feed(
        request,
        rows,
        name=lambda: (
            _("Events of %(organization)s") % {"organization": organization.display_name()}
        ),
        filename=f"organization-{organization.pk}.ics",
    )


@require_safe
def country(request, code):
    """The events held in a country (ISO 3166-1 alpha-2 code)."""
    code = (code or "").strip().upper()
    place = Country.objects.filter(code=code).only("code", "name", "names").first()
    if place is None:
        raise Http404
    rows = _occurrences(filters=selectors.OccurrenceFilters(country_code=place.code))
    return _events_feed(
        request,
        rows,
        name=lambda: _("Events in %(country)s") % {"country": place.display_name()},
        filename=f"country-{place.code.lower()}.ics",
    )


@require_safe
def event(request, pk):
    """Every occurrence of one event."""
    try:
        item = selectors.event_get(pk=id_param(pk) or 0)
    except Event.DoesNotExist:
        raise Http404 from None
    now = timezone.now()
    last = max(now, item.starts_at) + datetime.timedelta(days=FEED_DAYS_AFTER)
    queryset = selectors.occurrences_between(item.starts_at - datetime.timedelta(days=1), last)
    rows = _rows(queryset.filter(event_id=item.pk), now)
    return _events_feed(
        request,
        rows,
        name=item.display_name,
        filename=f"event-{item.pk}.ics",
        time_zone=item.time_zone,
    )


@require_safe
def occasions(request, region):
    """The yearly occasions as observed in a region (IR, IQ or UQ), as all-day items."""
    region = (region or "").strip().upper()
    if region not in LunarRegion.values:
        raise Http404
    language = _language(request)
    today = timezone.localdate()
    rows = selectors.occasion_dates_between(
        today - datetime.timedelta(days=FEED_DAYS_BEFORE),
        today + datetime.timedelta(days=FEED_DAYS_AFTER),
        region=region,
    )[:FEED_MAX_ITEMS]
    # No row records when it was written: the feed is stamped with the day it was made.
    stamp = datetime.datetime.combine(today, datetime.time(0), tzinfo=datetime.UTC)
    with translation.override(language):
        domain = _uid_domain(request)
        calendar = _calendar(
            _("Occasions of the lunar Hijri year (%(region)s)")
            % {"region": LunarRegion(region).label},
            language=language,
            time_zone=settings.HAMAFZA_DEFAULT_TIME_ZONE,
        )
        for row in rows:
            calendar.add_component(
                _occasion_vevent(row, language=language, domain=domain, stamp=stamp)
            )
        return _response(request, calendar, f"occasions-{region.lower()}.ics")
