"""The quarterly guide: its quarters, the figures it reports, and its PDF.

A quarter is three months of the Solar Hijri calendar (the first is Farvardin to Khordad) or of
the Gregorian one (January to March); its days are local to the network's time zone
(``HAMAFZA_DEFAULT_TIME_ZONE``), so that an evening broadcast in Tehran counts in the day it
was seen.

``guide_data`` reads what the quarter held from each app's selectors (``# --- the quarterly
guide`` at the end of each ``selectors.py``): every figure is counted or summed by the
database and every list is cut at a few rows, so the guide takes the same few dozen queries
whatever the size of the network. ``guide_pdf`` lays it out with WeasyPrint from
``publishing/guide/pdf.html``, in Persian or Arabic (right to left, shaped by Pango with the
bundled Vazirmatn font) or English; the charts are ``core.charts``, whose words are HTML so
that they are shaped like the rest of the page. Nothing is fetched from the network: the only
files a guide may load are the fonts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hamafza.agreements.selectors import agreements_of_span
from hamafza.broadcast.selectors import archive_most_played, broadcasts_held
from hamafza.core.calendars import date_format, date_from_parts, date_parts, month_name
from hamafza.core.charts import bar_chart, column_chart, number_format, stacked_bar_chart
from hamafza.core.preferences import calendar_default, lunar_region_default
from hamafza.core.text import digits_localize
from hamafza.directory.models import OrganizationKind
from hamafza.directory.selectors import organizations_registered
from hamafza.events.models import EventKind
from hamafza.events.selectors import events_held
from hamafza.fieldops.models import PackageKind
from hamafza.fieldops.selectors import field_work_of_span
from hamafza.followups.selectors import followup_progress_by_source

from .models import Guide, GuideCalendar

GUIDE_LANGUAGES = ("fa", "ar", "en")
RTL_LANGUAGES = frozenset({"fa", "ar"})
QUARTER_MONTHS = 3
# The years a guide may be made for, by calendar: those whose every day can also be written in
# the lunar Hijri calendar of an Arabic guide (the month-start table runs from 1343 to 1500
# AH, 1924–2077).
YEARS = {GuideCalendar.SOLAR: (1304, 1455), GuideCalendar.GREGORIAN: (1925, 2076)}
# How long the lists of the guide run, and how far past the quarter "expiring soon" looks.
LIST_SIZE = 10
TOP_SIZE = 5
EXPIRING_AFTER_DAYS = 90
# The events a guide names one by one; the others are counted.
NOTABLE_KINDS = (
    EventKind.CONFERENCE,
    EventKind.CONGRESS,
    EventKind.EXPERT_SESSION,
    EventKind.COURSE,
)


# --- quarters ---------------------------------------------------------------------------------


def _calendar(calendar: str) -> GuideCalendar:
    try:
        return GuideCalendar(calendar)
    except ValueError:
        raise ValidationError(
            {"calendar": _("Choose the Solar Hijri or the Gregorian calendar.")},
            code="invalid_calendar",
        ) from None


def quarter_check(*, calendar: str, year, quarter) -> tuple[GuideCalendar, int, int]:
    """The calendar, year and quarter, or a ValidationError naming the field that is wrong."""
    calendar = _calendar(calendar)
    errors = {}
    first, last = YEARS[calendar]
    if isinstance(year, bool) or not isinstance(year, int) or not first <= year <= last:
        errors["year"] = _("Enter a year from %(first)s to %(last)s.") % {
            "first": first,
            "last": last,
        }
    if isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= 4:
        errors["quarter"] = _("Enter a quarter from 1 to 4.")
    if errors:
        raise ValidationError(errors, code="invalid_quarter")
    return calendar, year, quarter


def quarter_bounds(
    *, calendar: str, year: int, quarter: int
) -> tuple[datetime.date, datetime.date]:
    """The first and the last day (Gregorian dates, both included) of ``quarter`` (1–4) of
    ``year`` in ``calendar``. Solar Hijri quarter 1 runs from 1 Farvardin to 31 Khordad."""
    calendar, year, quarter = quarter_check(calendar=calendar, year=year, quarter=quarter)
    first_month = (quarter - 1) * QUARTER_MONTHS + 1
    starts_on = date_from_parts(year, first_month, 1, calendar=calendar)
    next_year, next_month = (year + 1, 1) if quarter == 4 else (year, first_month + QUARTER_MONTHS)
    ends_on = date_from_parts(next_year, next_month, 1, calendar=calendar) - datetime.timedelta(
        days=1
    )
    return starts_on, ends_on


def quarter_of(value: datetime.date, *, calendar: str) -> tuple[int, int]:
    """(year, quarter) of the day ``value`` in ``calendar``."""
    year, month, _day = date_parts(value, calendar=_calendar(calendar))
    return year, (month - 1) // QUARTER_MONTHS + 1


def quarter_previous(*, year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarter_title(*, calendar: str, year: int, quarter: int, language: str) -> str:
    """The quarter's months and year, such as "Farvardin–Khordad 1404", in ``language``'s
    words and digits."""
    first_month = (quarter - 1) * QUARTER_MONTHS + 1
    text = _("%(first_month)s–%(last_month)s %(year)s") % {
        "first_month": month_name(first_month, calendar=calendar, language=language),
        "last_month": month_name(
            first_month + QUARTER_MONTHS - 1, calendar=calendar, language=language
        ),
        "year": year,
    }
    return digits_localize(text, language)


def network_zone() -> ZoneInfo:
    try:
        return ZoneInfo(settings.HAMAFZA_DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Tehran")


def _instants(
    starts_on: datetime.date, ends_on: datetime.date, zone: ZoneInfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end): from the first day's midnight to the midnight after the last day."""
    start = datetime.datetime.combine(starts_on, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        ends_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def guide_language(language: str | None) -> str:
    base = (language or "").split("-")[0].split("_")[0].lower()
    return base if base in GUIDE_LANGUAGES else settings.LANGUAGE_CODE


# --- what the quarter held --------------------------------------------------------------------


@dataclass(frozen=True)
class NewOrganization:
    name: str
    kind: str
    place: str
    registered_on: datetime.date


@dataclass(frozen=True)
class OrganizationsPart:
    total: int
    network_total: int
    by_kind: list[tuple[str, int]]
    by_country: list[tuple[str, int]]
    latest: list[NewOrganization]


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    organization: str
    broadcasts: int
    hours: float


@dataclass(frozen=True)
class Highlight:
    title: str
    channel: str
    organization: str
    held_on: datetime.date
    minutes: int
    plays: int


@dataclass(frozen=True)
class BroadcastsPart:
    count: int
    hours: float
    viewers: int
    by_day: dict[datetime.date, int]
    channels: list[ChannelRow]
    highlights: list[Highlight]


@dataclass(frozen=True)
class NotableEvent:
    name: str
    kind: str
    organizer: str
    place: str
    held_on: datetime.date


@dataclass(frozen=True)
class Recommendations:
    source: str
    held_on: datetime.date | None
    total: int
    done: int
    in_progress: int
    open: int
    waived: int
    overdue: int


@dataclass(frozen=True)
class EventsPart:
    occurrences: int
    events: int
    by_kind: list[tuple[str, int]]
    notable: list[NotableEvent]
    recommendations_total: Recommendations
    recommendations_closed: int
    recommendations: list[Recommendations]


@dataclass(frozen=True)
class AgreementsPart:
    signed: int
    signed_by_kind: list[tuple[str, int]]
    renewed: int
    expiring: int
    expiring_until: datetime.date
    expiring_by_day: dict[datetime.date, int]


@dataclass(frozen=True)
class FieldWorkPart:
    camps: int
    camp_groups: int
    volunteers: int
    beneficiaries: int
    camps_by_province: list[tuple[str, int]]
    camps_by_field: list[tuple[str, int]]
    distributions: int
    packages: int
    households: int
    packages_by_kind: list[tuple[str, int]]
    campaigns: list[tuple[str, str, int, int]]  # (campaign, organizer, packages, households)


@dataclass(frozen=True)
class GuideData:
    starts_on: datetime.date
    ends_on: datetime.date
    language: str
    compiled_on: datetime.date
    organizations: OrganizationsPart
    broadcasts: BroadcastsPart
    events: EventsPart
    agreements: AgreementsPart
    field_work: FieldWorkPart
    sections_empty: dict[str, bool] = field(default_factory=dict)


def _local_date(value: datetime.datetime | None, zone: ZoneInfo) -> datetime.date | None:
    return timezone.localtime(value, zone).date() if value else None


def _organizations(start, end, zone, language: str) -> OrganizationsPart:
    found = organizations_registered(start=start, end=end, limit=LIST_SIZE)
    kinds = dict(OrganizationKind.choices)
    separator = "، " if language in RTL_LANGUAGES else ", "
    return OrganizationsPart(
        total=found.total,
        network_total=found.network_total,
        by_kind=[(str(kinds.get(kind, kind)), count) for kind, count in found.by_kind],
        by_country=[(country.display_name(language), count) for country, count in found.by_country],
        latest=[
            NewOrganization(
                name=organization.display_name(language),
                kind=str(kinds.get(organization.kind, organization.kind)),
                place=separator.join(
                    place.display_name(language)
                    for place in (organization.province, organization.country)
                    if place is not None
                ),
                registered_on=_local_date(organization.created_at, zone),
            )
            for organization in found.latest
        ],
    )


def _broadcasts(start, end, zone, language: str) -> BroadcastsPart:
    held = broadcasts_held(start=start, end=end, zone=zone, limit=TOP_SIZE)
    highlights = archive_most_played(start=start, end=end, limit=TOP_SIZE)
    return BroadcastsPart(
        count=held.count,
        hours=round(held.seconds / 3600, 1),
        viewers=held.viewers,
        by_day=held.by_day,
        channels=[
            ChannelRow(
                channel=channel.display_name(language),
                organization=channel.organization.display_name(language),
                broadcasts=count,
                hours=round(seconds / 3600, 1),
            )
            for channel, count, seconds in held.top_channels
        ],
        highlights=[
            Highlight(
                title=item.broadcast.display_title(language),
                channel=item.broadcast.channel.display_name(language),
                organization=item.broadcast.channel.organization.display_name(language),
                held_on=_local_date(item.broadcast.started_at, zone),
                minutes=round((item.duration_seconds or 0) / 60),
                plays=item.plays,
            )
            for item in highlights
        ],
    )


def _recommendations(progress, source: str, held_on) -> Recommendations:
    return Recommendations(
        source=source,
        held_on=held_on,
        total=progress.total,
        done=progress.done,
        in_progress=progress.in_progress,
        open=progress.open,
        waived=progress.waived,
        overdue=progress.overdue,
    )


def _events(start, end, zone, language: str, *, starts_on, ends_on, today) -> EventsPart:
    from hamafza.events.models import Event

    held = events_held(start=start, end=end, kinds=NOTABLE_KINDS, limit=LIST_SIZE)
    kinds = dict(EventKind.choices)
    progress = followup_progress_by_source(
        source_type=ContentType.objects.get_for_model(Event),
        closed_from=starts_on,
        closed_until=ends_on,
        today=today,
        limit=LIST_SIZE,
    )
    sources = Event.objects.only("id", "name", "names", "starts_at", "time_zone").in_bulk(
        [row.source_id for row in progress.sources]
    )
    rows = []
    for row in progress.sources:
        event = sources.get(row.source_id)
        if event is None:
            continue
        rows.append(
            _recommendations(row, event.display_name(language), _local_date(event.starts_at, zone))
        )
    return EventsPart(
        occurrences=held.occurrences,
        events=held.events,
        by_kind=[(str(kinds.get(kind, kind)), count) for kind, count in held.by_kind],
        notable=[
            NotableEvent(
                name=event.display_name(language),
                kind=str(kinds.get(event.kind, event.kind)),
                organizer=event.organizer.display_name(language),
                place=(
                    (event.city.display_name(language) if event.city else "")
                    or (event.country.display_name(language) if event.country else "")
                    or (_("Online") if event.online else "")
                ),
                held_on=_local_date(event.held_at, zone),
            )
            for event in held.notable
        ],
        recommendations_total=_recommendations(progress.total, "", None),
        recommendations_closed=progress.closed_in_span,
        recommendations=rows,
    )


def _agreements(start, end, language: str, *, starts_on, ends_on) -> AgreementsPart:
    until = ends_on + datetime.timedelta(days=EXPIRING_AFTER_DAYS)
    found = agreements_of_span(
        starts_on=starts_on,
        ends_on=ends_on,
        start=start,
        end=end,
        expiring_until=until,
    )
    return AgreementsPart(
        signed=found.signed,
        signed_by_kind=[
            (kind.display_name(language), count) for kind, count in found.signed_by_kind
        ],
        renewed=found.renewed,
        expiring=found.expiring,
        expiring_until=until,
        expiring_by_day=found.expiring_by_day,
    )


def _field_work(language: str, *, starts_on, ends_on) -> FieldWorkPart:
    found = field_work_of_span(starts_on=starts_on, ends_on=ends_on, limit=LIST_SIZE)
    kinds = dict(PackageKind.choices)
    return FieldWorkPart(
        camps=found.camps,
        camp_groups=found.camp_groups,
        volunteers=found.volunteers,
        beneficiaries=found.beneficiaries,
        camps_by_province=[
            (province.display_name(language), count) for province, count in found.camps_by_province
        ],
        camps_by_field=[
            (item.display_name(language), count) for item, count in found.camps_by_field
        ],
        distributions=found.distributions,
        packages=found.packages,
        households=found.households,
        packages_by_kind=[
            (str(kinds.get(kind, kind)), count) for kind, count in found.packages_by_kind
        ],
        campaigns=[
            (
                campaign.display_name(language),
                campaign.organizer.display_name(language),
                packages,
                households,
            )
            for campaign, packages, households in found.packages_by_campaign
        ],
    )


def guide_data(
    *, starts_on: datetime.date, ends_on: datetime.date, language: str, today=None
) -> GuideData:
    """What the network did from ``starts_on`` to ``ends_on`` (both included), with names in
    ``language``: new organizations, broadcasts and the archive's highlights, events and how
    the recommendations of conferences stand (on ``today``), agreements signed, renewed and
    expiring, volunteer camps and aid distributions. About forty queries, whatever the size
    of the network."""
    language = guide_language(language)
    zone = network_zone()
    today = today or timezone.localtime(timezone.now(), zone).date()
    start, end = _instants(starts_on, ends_on, zone)
    with translation.override(language):
        organizations = _organizations(start, end, zone, language)
        broadcasts = _broadcasts(start, end, zone, language)
        events = _events(
            start, end, zone, language, starts_on=starts_on, ends_on=ends_on, today=today
        )
        agreements = _agreements(start, end, language, starts_on=starts_on, ends_on=ends_on)
        field_work = _field_work(language, starts_on=starts_on, ends_on=ends_on)
    return GuideData(
        starts_on=starts_on,
        ends_on=ends_on,
        language=language,
        compiled_on=today,
        organizations=organizations,
        broadcasts=broadcasts,
        events=events,
        agreements=agreements,
        field_work=field_work,
        sections_empty={
            "organizations": organizations.total == 0,
            "broadcasts": broadcasts.count == 0 and not broadcasts.highlights,
            "events": events.occurrences == 0 and events.recommendations_total.total == 0,
            "agreements": not (agreements.signed or agreements.renewed or agreements.expiring),
            "field_work": not (field_work.camps or field_work.distributions),
        },
    )


# --- the PDF ----------------------------------------------------------------------------------


def fonts_dir() -> Path:
    """The static (non-variable) Vazirmatn TTF files shipped by npm."""
    return Path(settings.BASE_DIR) / "node_modules" / "vazirmatn" / "fonts" / "ttf"


def _fetcher(root: Path):
    from weasyprint.urls import URLFetcher

    class LocalFontFetcher(URLFetcher):
        """Fetches ``file://`` URLs inside the fonts' directory; refuses everything else."""

        def __init__(self):
            super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=5)
            self.root = root.resolve()

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused to fetch {url!r}: the guide loads local fonts only")
            path = Path(url2pathname(unquote(parts.path))).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                raise ValueError(f"refused to fetch {url!r}: not a bundled font")
            return super().fetch(path.as_uri(), headers)

    return LocalFontFetcher()


# A section of the PDF is a title and a list of blocks, each drawn by its own part of the
# template: figures (big numbers), a chart (core.charts' HTML), a table, a heading, a note.


def _figures(*pairs) -> dict:
    return {"type": "figures", "items": [(label, value) for label, value in pairs]}


def _table(caption: str, headers: list, rows: list[list], *, numeric: Iterable[int] = ()) -> dict:
    numeric = set(numeric)
    return {
        "type": "table",
        "caption": caption,
        "headers": [(header, index in numeric) for index, header in enumerate(headers)],
        "rows": [[(cell, index in numeric) for index, cell in enumerate(row)] for row in rows],
    }


def _chart(html) -> dict:
    return {"type": "chart", "html": html}


def _heading(text: str) -> dict:
    return {"type": "heading", "text": text}


def _note(text: str) -> dict:
    return {"type": "note", "text": text}


def _sentence(text: str, **values) -> str:
    """A translated sentence with HTML values (dates in ``<bdi>``), the rest escaped."""
    return mark_safe(
        conditional_escape(text) % {key: conditional_escape(value) for key, value in values.items()}
    )


class _Shown:
    """Dates and numbers as the guide's reader reads them: the language's calendar and
    digits, each date isolated (``<bdi>``) so that it reads whole inside either direction."""

    def __init__(self, language: str):
        self.language = language
        self.calendar = calendar_default(language)
        self.region = lunar_region_default(language)

    def date(self, value: datetime.date | None) -> str:
        if value is None:
            return ""
        text = date_format(
            value, calendar=self.calendar, language=self.language, region=self.region
        )
        return format_html("<bdi>{}</bdi>", text)

    def number(self, value) -> str:
        return number_format(value, self.language)


def _months(by_day: dict, *, calendar: str, starts_on, ends_on, language: str) -> list:
    """``by_day`` added up by the months of ``calendar`` from ``starts_on`` to ``ends_on``,
    every month present (0 when nothing happened): [(month's name, count)], oldest first."""
    totals: dict[tuple[int, int], int] = {}
    day = starts_on
    while day <= ends_on:
        year, month, _day = date_parts(day, calendar=calendar)
        totals.setdefault((year, month), 0)
        day += datetime.timedelta(days=1)
    for day, count in by_day.items():
        year, month, _day = date_parts(day, calendar=calendar)
        if (year, month) in totals:
            totals[(year, month)] += count
    several_years = len({year for year, _month in totals}) > 1
    rows = []
    for (year, month), count in totals.items():
        label = month_name(month, calendar=calendar, language=language)
        if several_years:
            label = digits_localize(f"{label} {year}", language)
        rows.append((label, count))
    return rows


def _section_organizations(data: GuideData, shown: _Shown, rtl: bool) -> list[dict]:
    part = data.organizations
    n = shown.number
    return [
        _figures(
            (_("Registered this quarter"), n(part.total)),
            (_("In the network at the end of the quarter"), n(part.network_total)),
        ),
        _chart(bar_chart(part.by_kind, title=_("New organizations by kind"), rtl=rtl)),
        _table(
            _("Countries with most new organizations"),
            [_("Country"), _("Organizations")],
            [[name, n(count)] for name, count in part.by_country],
            numeric=[1],
        ),
        _table(
            _("Latest registered"),
            [_("Name"), _("Kind"), _("Place"), _("Registered on")],
            [[row.name, row.kind, row.place, shown.date(row.registered_on)] for row in part.latest],
        ),
    ]


def _section_broadcasts(data: GuideData, shown: _Shown, rtl: bool, calendar: str) -> list[dict]:
    part = data.broadcasts
    n = shown.number
    blocks = [
        _figures(
            (_("Broadcasts held"), n(part.count)),
            (_("Hours on air"), n(part.hours)),
            (_("Viewers in all"), n(part.viewers)),
        ),
    ]
    if part.count:
        months = _months(
            part.by_day,
            calendar=calendar,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            language=data.language,
        )
        blocks += [
            _chart(column_chart(months, title=_("Broadcasts by month"), rtl=rtl)),
            _table(
                _("Channels with most broadcasts"),
                [_("Channel"), _("Organization"), _("Broadcasts"), _("Hours")],
                [
                    [row.channel, row.organization, n(row.broadcasts), n(row.hours)]
                    for row in part.channels
                ],
                numeric=[2, 3],
            ),
        ]
    blocks.append(_heading(_("Archive highlights")))
    if part.highlights:
        blocks.append(
            _table(
                _("The most played recordings of the quarter's public broadcasts"),
                [_("Title"), _("Channel"), _("Date"), pgettext("duration", "Minutes"), _("Plays")],
                [
                    [
                        row.title,
                        row.channel,
                        shown.date(row.held_on),
                        n(row.minutes),
                        n(row.plays),
                    ]
                    for row in part.highlights
                ],
                numeric=[3, 4],
            )
        )
    else:
        blocks.append(_note(_("No recording of this quarter is in the public archive.")))
    return blocks


def _section_events(data: GuideData, shown: _Shown, rtl: bool) -> list[dict]:
    part = data.events
    n = shown.number
    blocks = [
        _figures(
            (_("Times events were held"), n(part.occurrences)),
            (_("Different events"), n(part.events)),
        ),
    ]
    if part.occurrences:
        blocks.append(
            _chart(bar_chart(part.by_kind, title=_("Events held by kind"), rtl=rtl)),
        )
    if part.notable:
        blocks.append(
            _table(
                _("Conferences, expert sessions and courses"),
                [_("Event"), _("Kind"), _("Organizer"), _("Place"), _("Date")],
                [
                    [row.name, row.kind, row.organizer, row.place, shown.date(row.held_on)]
                    for row in part.notable
                ],
            )
        )
    blocks.append(_heading(_("Recommendations of conferences and meetings")))
    total = part.recommendations_total
    if not total.total:
        blocks.append(_note(_("No recommendation is being followed up.")))
        return blocks
    blocks += [
        _note(_sentence(_("How they stand on %(date)s."), date=shown.date(data.compiled_on))),
        _figures(
            (_("Recommendations"), n(total.total)),
            (_("Done"), n(total.done)),
            (_("Still open"), n(total.open + total.in_progress)),
            (_("Overdue"), n(total.overdue)),
            (_("Closed this quarter"), n(part.recommendations_closed)),
        ),
        _chart(
            stacked_bar_chart(
                [
                    (
                        row.source,
                        {
                            "done": row.done,
                            "in_progress": row.in_progress,
                            "open": row.open,
                            "waived": row.waived,
                        },
                    )
                    for row in part.recommendations
                ],
                series=[
                    ("done", _("Done")),
                    ("in_progress", _("In progress")),
                    ("open", _("Not started")),
                    ("waived", _("Waived")),
                ],
                title=_("Recommendations by status"),
                rtl=rtl,
            )
        ),
        _table(
            _("Where each conference's recommendations stand"),
            [
                _("Conference or meeting"),
                _("Held on"),
                _("Recommendations"),
                _("Done"),
                _("Still open"),
                _("Overdue"),
            ],
            [
                [
                    row.source,
                    shown.date(row.held_on),
                    n(row.total),
                    n(row.done),
                    n(row.open + row.in_progress),
                    n(row.overdue),
                ]
                for row in part.recommendations
            ],
            numeric=[2, 3, 4, 5],
        ),
    ]
    return blocks


def _section_agreements(data: GuideData, shown: _Shown, rtl: bool, calendar: str) -> list[dict]:
    part = data.agreements
    n = shown.number
    blocks = [
        _figures(
            (_("New agreements signed"), n(part.signed)),
            (_("Agreements renewed"), n(part.renewed)),
            (_("Expiring this quarter or in the 90 days after"), n(part.expiring)),
        ),
    ]
    # Counts only: agreements are not public (agreements.policies), and the guide is.
    if part.signed:
        blocks.append(
            _chart(bar_chart(part.signed_by_kind, title=_("Agreements signed by kind"), rtl=rtl))
        )
    if part.expiring:
        months = _months(
            part.expiring_by_day,
            calendar=calendar,
            starts_on=data.starts_on,
            ends_on=part.expiring_until,
            language=data.language,
        )
        blocks.append(
            _chart(column_chart(months, title=_("Agreements expiring by month"), rtl=rtl))
        )
    return blocks


def _section_field_work(data: GuideData, shown: _Shown, rtl: bool) -> list[dict]:
    part = data.field_work
    n = shown.number
    blocks = [_heading(_("Volunteer camps"))]
    if part.camps:
        blocks += [
            _figures(
                (_("Camps"), n(part.camps)),
                (_("Groups"), n(part.camp_groups)),
                (_("Volunteers"), n(part.volunteers)),
                (_("Beneficiaries"), n(part.beneficiaries)),
            ),
            _chart(bar_chart(part.camps_by_province, title=_("Camps by province"), rtl=rtl)),
            _table(
                _("Camps by field of activity"),
                [_("Field"), _("Camps")],
                [[name, n(count)] for name, count in part.camps_by_field],
                numeric=[1],
            ),
        ]
    else:
        blocks.append(_note(_("No camp this quarter.")))
    blocks.append(_heading(_("Aid distributions")))
    if part.distributions:
        blocks += [
            _figures(
                (_("Distributions"), n(part.distributions)),
                (_("Packages"), n(part.packages)),
                (_("Households reached"), n(part.households)),
            ),
            _chart(
                bar_chart(part.packages_by_kind, title=_("Packages distributed by kind"), rtl=rtl)
            ),
            _table(
                _("Campaigns"),
                [_("Campaign"), _("Organizer"), _("Packages"), _("Households reached")],
                [
                    [name, organizer, n(packages), n(households)]
                    for name, organizer, packages, households in part.campaigns
                ],
                numeric=[2, 3],
            ),
        ]
    else:
        blocks.append(_note(_("No aid distribution this quarter.")))
    return blocks


def _introduction(text: str) -> list[str]:
    """The committee's text as paragraphs: a blank line starts a new one."""
    blocks = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n\n")
    return [
        " ".join(line.strip() for line in block.split("\n") if line.strip()) for block in blocks
    ]


def guide_sections(*, guide: Guide, data: GuideData) -> list[dict]:
    """The guide's sections in order, each ``{"id", "title", "empty", "blocks"}``; call it
    with the guide's language active."""
    language = data.language
    rtl = language in RTL_LANGUAGES
    shown = _Shown(language)
    empty = data.sections_empty
    sections = []
    paragraphs = [paragraph for paragraph in _introduction(guide.introduction) if paragraph]
    if paragraphs:
        sections.append(
            {
                "id": "introduction",
                "title": _("From the editorial committee"),
                "empty": False,
                "paragraphs": paragraphs,
                "blocks": [],
            }
        )
    parts = [
        ("organizations", _("New organizations"), _section_organizations, ()),
        ("broadcasts", _("Broadcasts and the archive"), _section_broadcasts, (guide.calendar,)),
        ("events", _("Events and the recommendations of conferences"), _section_events, ()),
        ("agreements", _("Agreements"), _section_agreements, (guide.calendar,)),
        ("field_work", _("Volunteer camps and aid distributions"), _section_field_work, ()),
    ]
    for key, title, build, extra in parts:
        is_empty = empty.get(key, False)
        sections.append(
            {
                "id": key,
                "title": title,
                "empty": is_empty,
                "blocks": [] if is_empty else build(data, shown, rtl, *extra),
            }
        )
    return sections


def guide_context(*, guide: Guide, data: GuideData, final: bool) -> dict:
    """What ``publishing/guide/pdf.html`` shows; call it with the guide's language active."""
    language = data.language
    shown = _Shown(language)
    fonts = fonts_dir()
    return {
        "language": language,
        "direction": "rtl" if language in RTL_LANGUAGES else "ltr",
        "page_counter": {"fa": "persian", "ar": "arabic-indic"}.get(language, "decimal"),
        "font_regular": (fonts / "Vazirmatn-Regular.ttf").as_uri(),
        "font_bold": (fonts / "Vazirmatn-Bold.ttf").as_uri(),
        "final": final,
        "quarter_title": quarter_title(
            calendar=guide.calendar, year=guide.year, quarter=guide.quarter, language=language
        ),
        "quarter": digits_localize(str(guide.quarter), language),
        "year": digits_localize(str(guide.year), language),
        "calendar_name": GuideCalendar(guide.calendar).label,
        "starts": shown.date(data.starts_on),
        "ends": shown.date(data.ends_on),
        "compiled": shown.date(data.compiled_on),
        "sections": guide_sections(guide=guide, data=data),
    }


def guide_html(*, guide: Guide, final: bool = False, data: GuideData | None = None) -> str:
    """The HTML WeasyPrint lays out, in the guide's language."""
    language = guide_language(guide.language)
    with translation.override(language):
        if data is None:
            data = guide_data(starts_on=guide.starts_on, ends_on=guide.ends_on, language=language)
        context = guide_context(guide=guide, data=data, final=final)
        return render_to_string("publishing/guide/pdf.html", context)


def guide_pdf(*, guide: Guide, final: bool = False) -> bytes:
    """The guide as an A4 PDF in its language: a proof, marked as such on every page, unless
    ``final``."""
    from weasyprint import HTML

    html = guide_html(guide=guide, final=final)
    root = fonts_dir()
    document = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=_fetcher(root))
    return document.write_pdf()
