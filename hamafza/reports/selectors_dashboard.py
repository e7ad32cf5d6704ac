"""The network dashboard and an organization's statistics, computed from the other apps' data.

Every number comes from a read function of the app that holds the data
(``# --- figures for reports`` at the end of each app's ``selectors.py``);
nothing here touches another app's tables, and no figure is ever typed.

What the reports' headline figures are counted from:

- "2,300 hey'ats": organizations of the kind *hey'at* in the directory
  (registered before the end of the period).
- "28 million users": the viewers of public broadcasts added up, each
  broadcast counting its distinct viewers (a player's random id, seen by
  heartbeats). One person who watches five broadcasts counts five times, as
  "views" do; nobody is counted twice within one broadcast.
- "177 MoUs": signed agreements of the kind *memorandum of understanding*;
  renewals and amendments are agreements of their own, as in the registry.
- "780 groups, 400 active": registered volunteer groups, and those whose
  activity over the last four quarters makes them "active all year".
- "17,000 packages": the quantity of every aid distribution recorded.

Periods: a year of the visitor's calendar, or all time. Stocks (registered
organizations, channels, signed agreements) count what existed before the
period's end; flows (new organizations, broadcasts, events, camps,
packages) what happened within it. Volunteer groups, agreements in force and
recommendations' statuses are as they are now: no history of them is kept.

The public dashboard shows aggregates only: members-only channels and
their broadcasts are left out, camps count only when approved, and
agreements only once signed.

The computed dashboard is kept in Django's cache for ``CACHE_TIMEOUT``
seconds (five minutes) per language, calendar, lunar region and period: a
figure may be up to five minutes old. An organization's statistics are
computed on each request (they are small and read by few).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from hamafza.agreements import selectors as agreement_selectors
from hamafza.agreements.models import AgreementState
from hamafza.broadcast import selectors as broadcast_selectors
from hamafza.core.charts import bar_chart, column_chart, number_format, stacked_bar_chart
from hamafza.core.periods import LabelledSpan, month_spans, year_of, year_span, year_spans
from hamafza.core.preferences import language_base
from hamafza.core.selectors import places_index
from hamafza.directory import selectors as directory_selectors
from hamafza.directory.models import OrganizationKind
from hamafza.events import selectors as event_selectors
from hamafza.events.models import EventKind
from hamafza.fieldops import selectors as fieldops_selectors
from hamafza.followups import selectors as followup_selectors
from hamafza.followups.models import FollowUpStatus

CACHE_TIMEOUT = 300
CACHE_PREFIX = "reports:dashboard:v1"
YEARS_SHOWN = 10  # over all time, the charts over time show this many years
BAR_ROWS = 15  # a bar chart shows this many rows at most; the export has them all
IRAN, IRAQ = "IR", "IQ"


@dataclass(frozen=True)
class Figure:
    """One headline number, and the list it summarizes when there is one."""

    key: str
    label: str
    value: int
    url: str = ""

    @property
    def text(self) -> str:
        """The number as the active language writes it (grouped, in its digits)."""
        return number_format(self.value)


@dataclass(frozen=True)
class Table:
    """The numbers behind one chart: drawn as ``chart``, exported row by row."""

    key: str
    title: str
    rows: list  # [(label, value)] or, with ``series``, [(label, {key: value})]
    series: list = field(default_factory=list)  # [(key, label)] for stacked bars
    chart: str = ""
    url: str = ""
    wide: bool = False  # a chart over time: a column per month needs the page's width


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: list[Figure]
    tables: list[Table]


@dataclass(frozen=True)
class Report:
    """A page of figures: the dashboard, or one organization's statistics."""

    year: int | None
    calendar: str
    sections: list[Section]
    computed_at: datetime.datetime

    def figure(self, key: str) -> Figure | None:
        for section in self.sections:
            for figure in section.figures:
                if figure.key == key:
                    return figure
        return None

    def table(self, key: str) -> Table | None:
        for section in self.sections:
            for table in section.tables:
                if table.key == key:
                    return table
        return None

    def export_rows(self) -> list[tuple[str, str, str, str, float]]:
        """Every figure and every table's row: (section, table, row, series, value)."""
        rows = []
        headline = _("Headline figures")
        for section in self.sections:
            for figure in section.figures:
                rows.append((section.title, headline, figure.label, "", figure.value))
            for table in section.tables:
                series = dict(table.series)
                for label, value in table.rows:
                    if isinstance(value, dict):
                        for key, part in value.items():
                            rows.append((section.title, table.title, label, series[key], part))
                    else:
                        rows.append((section.title, table.title, label, "", value))
        return rows


@dataclass(frozen=True)
class Period:
    """A year of ``calendar`` (or all time when ``year`` is None) and its spans over time."""

    year: int | None
    calendar: str
    region: str
    start: datetime.date | None
    end: datetime.date | None
    spans: list[LabelledSpan]


def period_make(*, year: int | None, calendar: str, region: str, today=None) -> Period:
    """The year's months, or the last ``YEARS_SHOWN`` years when no year is chosen."""
    language = get_language()
    today = today or timezone.localdate()
    if year is None:
        current = year_of(today, calendar=calendar, region=region)
        spans = year_spans(
            current - YEARS_SHOWN + 1, current, calendar=calendar, language=language, region=region
        )
        return Period(None, calendar, region, None, None, spans)
    start, end = year_span(year, calendar=calendar, region=region)
    spans = month_spans(year, calendar=calendar, language=language, region=region)
    return Period(year, calendar, region, start, end, spans)


def years_offered(*, calendar: str, region: str, today=None) -> list[int]:
    """The years the period filter offers: this year of the calendar and the nine before."""
    today = today or timezone.localdate()
    current = year_of(today, calendar=calendar, region=region)
    return list(range(current, current - YEARS_SHOWN, -1))


# --------------------------------------------------------------------------
# The network dashboard
# --------------------------------------------------------------------------


def _dashboard_key(*, year: int | None, calendar: str, region: str) -> str:
    """The cache key of a view: its language, calendar, region, period, and the time zone its
    days are cut in (a signed-in user's own zone makes other day boundaries)."""
    language = language_base()
    zone = timezone.get_current_timezone_name()
    return f"{CACHE_PREFIX}:{language}:{calendar}:{region}:{zone}:{year or 'all'}"


def dashboard_get(*, year: int | None, calendar: str, region: str) -> Report:
    """The dashboard for a period, from the cache when another request computed it lately."""
    report = cache.get(_dashboard_key(year=year, calendar=calendar, region=region))
    if report is None:
        report = dashboard_refresh(year=year, calendar=calendar, region=region)
    return report


def dashboard_refresh(*, year: int | None, calendar: str, region: str) -> Report:
    """Compute the dashboard for a period in the active language and keep it in the cache.

    The ``dashboard_refresh`` command calls this for each language's default view before
    the cached copy expires, so that no visitor of those pages waits for the computation.
    """
    report = dashboard_compute(period=period_make(year=year, calendar=calendar, region=region))
    cache.set(_dashboard_key(year=year, calendar=calendar, region=region), report, CACHE_TIMEOUT)
    return report


def dashboard_compute(*, period: Period) -> Report:
    """Every section of the dashboard: about forty queries, whatever the amount of data."""
    sections = [
        _organizations_section(period),
        _broadcasting_section(period),
        _agreements_section(period),
        _events_section(period),
        _field_section(period),
    ]
    return Report(
        year=period.year, calendar=period.calendar, sections=sections, computed_at=timezone.now()
    )


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    query = {key: value for key, value in query.items() if value not in ("", None)}
    return f"{url}?{urlencode(query)}" if query else url


# Each chart over time has a title for the months of a year and one for the last years.
OVER_TIME_TITLES = {
    "organizations_new": (
        gettext_lazy("New organizations per month"),
        gettext_lazy("New organizations per year, the last ten years"),
    ),
    "broadcasts": (
        gettext_lazy("Broadcasts per month"),
        gettext_lazy("Broadcasts per year, the last ten years"),
    ),
    "viewers": (
        gettext_lazy("Viewers per month"),
        gettext_lazy("Viewers per year, the last ten years"),
    ),
    "agreements_signed": (
        gettext_lazy("Agreements signed per month"),
        gettext_lazy("Agreements signed per year, the last ten years"),
    ),
    "events": (
        gettext_lazy("Events per month"),
        gettext_lazy("Events per year, the last ten years"),
    ),
    "camps": (
        gettext_lazy("Volunteer camps per month"),
        gettext_lazy("Volunteer camps per year, the last ten years"),
    ),
    "packages": (
        gettext_lazy("Packages distributed per month"),
        gettext_lazy("Packages distributed per year, the last ten years"),
    ),
}


def _over_time(period: Period, key: str, values: list, url: str = "") -> Table:
    per_month, per_year = OVER_TIME_TITLES[key]
    title = str(per_year if period.year is None else per_month)
    rows = [(span.label, value) for span, value in zip(period.spans, values, strict=True)]
    chart = column_chart(rows, title=title)
    return Table(key=key, title=title, rows=rows, chart=chart, url=url, wide=True)


def _bars(key: str, title: str, rows: list, url: str = "") -> Table:
    return Table(
        key=key, title=title, rows=rows, chart=bar_chart(rows[:BAR_ROWS], title=title), url=url
    )


def _stacked(key: str, title: str, rows: list, series: list, url: str = "") -> Table:
    return Table(
        key=key,
        title=title,
        rows=rows,
        series=series,
        chart=stacked_bar_chart(rows[:BAR_ROWS], series=series, title=title),
        url=url,
    )


def _named(rows, names: Callable[[object], str | None]) -> list[tuple[str, int]]:
    """(id, count) rows as (name, count), leaving out ids without a name."""
    named = []
    for pk, count in rows:
        name = names(pk)
        if name:
            named.append((name, count))
    return named


def _country_name(language: str):
    countries = places_index().countries

    def name(pk):
        country = countries.get(pk)
        return country.display_name(language) if country else None

    return name


def _organizations_section(period: Period) -> Section:
    language = get_language()
    figures = directory_selectors.organization_figures(start=period.start, end=period.end)
    new = directory_selectors.organizations_new_per_span(spans=[s.span for s in period.spans])
    places = places_index()
    codes = {country.pk: country.code for country in places.countries.values()}
    kinds = dict(OrganizationKind.choices)
    by_province: dict[str, list[tuple[str, int]]] = {IRAN: [], IRAQ: []}
    for pk, count in figures.by_province:
        province = places.provinces.get(pk)
        code = codes.get(province.country_id) if province else None
        if code in by_province:
            by_province[code].append((province.display_name(language), count))
    list_url = reverse("directory:list")
    items = [
        Figure("organizations", _("Organizations registered"), figures.total, list_url),
        Figure(
            "heyats",
            _("Hey'ats (religious gatherings)"),
            figures.heyats,
            _url("directory:list", kind=OrganizationKind.HEYAT),
        ),
        Figure(
            "organizations_active",
            _("Active organizations"),
            figures.active,
            _url("directory:list", active="1"),
        ),
        Figure("countries", _("Countries"), figures.countries, list_url),
    ]
    if period.year is not None:
        items.append(Figure("organizations_new", _("Registered this year"), figures.new))
    tables = [
        _over_time(period, "organizations_new", new),
        _bars(
            "organizations_by_kind",
            _("Organizations by kind"),
            [(str(kinds.get(kind, kind)), count) for kind, count in figures.by_kind],
            list_url,
        ),
        _bars(
            "organizations_by_country",
            _("Organizations by country"),
            _named(figures.by_country, _country_name(language)),
            list_url,
        ),
        _bars(
            "organizations_by_province_ir",
            _("Organizations by province of Iran"),
            by_province[IRAN],
            _url("directory:list", country=IRAN),
        ),
        _bars(
            "organizations_by_province_iq",
            _("Organizations by governorate of Iraq"),
            by_province[IRAQ],
            _url("directory:list", country=IRAQ),
        ),
    ]
    return Section("organizations", _("Organizations"), items, tables)


def _broadcasting_section(period: Period) -> Section:
    language = get_language()
    figures = broadcast_selectors.broadcast_figures(start=period.start, end=period.end)
    per_span = broadcast_selectors.broadcasts_per_span(spans=[s.span for s in period.spans])
    archive_url = reverse("broadcast:archive")
    items = [
        Figure("channels", _("Broadcast channels"), figures.channels, reverse("broadcast:live")),
        Figure("heyats_broadcasting", _("Hey'ats broadcasting"), figures.heyats),
        Figure(
            "organizations_broadcasting", _("Organizations broadcasting"), figures.organizations
        ),
        Figure("broadcasts", _("Broadcasts"), figures.broadcasts, archive_url),
        Figure("viewers", _("Viewers, added up over broadcasts"), figures.viewers),
        Figure("archive_items", _("Recordings in the archive"), figures.archive_items, archive_url),
        Figure("archive_plays", _("Plays of archive recordings"), figures.archive_plays),
    ]
    tables = [
        _over_time(period, "broadcasts", [n for n, _v in per_span], archive_url),
        _over_time(period, "viewers", [v for _n, v in per_span]),
        _bars(
            "broadcasts_by_country",
            _("Broadcasts by country"),
            _named(figures.by_country, _country_name(language)),
            archive_url,
        ),
    ]
    return Section("broadcasting", _("Broadcasting"), items, tables)


def _agreements_section(period: Period) -> Section:
    figures = agreement_selectors.agreement_figures(start=period.start, end=period.end)
    signed = agreement_selectors.agreements_signed_per_span(spans=[s.span for s in period.spans])
    states = dict(AgreementState.choices)
    list_url = reverse("agreements:list")
    items = [
        Figure("agreements_signed", _("Agreements signed"), figures.signed, list_url),
        Figure(
            "mous",
            _("Memoranda of understanding"),
            figures.mous,
            _url("agreements:list", kind=agreement_selectors.MOU_KIND),
        ),
        Figure(
            "agreements_in_force",
            _("Agreements in force today"),
            figures.in_force,
            _url("agreements:list", state=AgreementState.ACTIVE),
        ),
    ]
    if period.year is not None:
        items.append(
            Figure("agreements_signed_in_year", _("Signed this year"), figures.signed_in_span)
        )
    tables = [
        _over_time(period, "agreements_signed", signed, list_url),
        _bars(
            "agreements_by_kind",
            _("Signed agreements by kind"),
            [(name, count) for _code, name, count in figures.by_kind],
            list_url,
        ),
        _bars(
            "agreements_by_state",
            _("Signed agreements by state today"),
            [(str(states.get(state, state)), count) for state, count in figures.by_state],
            list_url,
        ),
    ]
    return Section("agreements", _("Agreements"), items, tables)


FOLLOWUP_SERIES_KEYS = (
    FollowUpStatus.DONE,
    FollowUpStatus.IN_PROGRESS,
    FollowUpStatus.OPEN,
    FollowUpStatus.WAIVED,
)


def _status_series() -> list[tuple[str, str]]:
    labels = dict(FollowUpStatus.choices)
    return [(status.value, str(labels[status])) for status in FOLLOWUP_SERIES_KEYS]


def _events_section(period: Period) -> Section:
    language = get_language()
    figures = event_selectors.event_figures(start=period.start, end=period.end)
    per_span = event_selectors.events_per_span(spans=[s.span for s in period.spans])
    kinds = dict(EventKind.choices)
    recommendations = figures.recommendations
    events_url = reverse("events:upcoming")
    items = [
        Figure("events", _("Events"), figures.events, events_url),
        Figure(
            "outcome_events",
            _("Conferences, meetings and expert sessions"),
            figures.outcome_events,
        ),
        Figure("recommendations", _("Recommendations and decisions"), recommendations["total"]),
        Figure("recommendations_done", _("Carried out"), recommendations[FollowUpStatus.DONE]),
        Figure("recommendations_overdue", _("Overdue"), recommendations["overdue"]),
    ]
    tables = [
        _over_time(period, "events", per_span, events_url),
        _bars(
            "events_by_kind",
            _("Events by kind"),
            [(str(kinds.get(kind, kind)), count) for kind, count in figures.by_kind],
            events_url,
        ),
        _bars(
            "events_by_country",
            _("Events by country"),
            _named(figures.by_country, _country_name(language)),
            events_url,
        ),
        _bars(
            "recommendations_by_status",
            _("Recommendations and decisions by status"),
            [(label, recommendations[key]) for key, label in _status_series()],
        ),
    ]
    return Section("events", _("Events and recommendations"), items, tables)


def _field_section(period: Period) -> Section:
    language = get_language()
    totals = fieldops_selectors.fieldops_totals()
    work = fieldops_selectors.field_work_figures(start=period.start, end=period.end)
    per_span = fieldops_selectors.field_work_per_span(spans=[s.span for s in period.spans])
    groups = fieldops_selectors.groups_by_field_and_province()
    provinces = places_index().provinces
    groups_url = reverse("fieldops:groups")
    items = [
        Figure("groups", _("Volunteer groups registered"), totals.groups, groups_url),
        Figure(
            "groups_active",
            _("Groups active all year"),
            totals.active,
            _url("fieldops:groups", activity="active"),
        ),
        Figure(
            "camps",
            _("Volunteer camps"),
            work.camps,
            _url("fieldops:camps", status="approved"),
        ),
        Figure("volunteers", _("Volunteers in camps"), work.volunteers),
        Figure(
            "packages",
            _("Packages distributed"),
            work.packages,
            reverse("fieldops:campaigns"),
        ),
        Figure("households", _("Households reached"), work.households),
    ]
    group_series = [
        ("active", _("Active all year")),
        ("seasonal", _("Seasonal")),
        ("dormant", _("Dormant")),
    ]
    tables = [
        _over_time(period, "camps", [c for c, _p in per_span]),
        _over_time(
            period,
            "packages",
            [p for _c, p in per_span],
            reverse("fieldops:campaigns"),
        ),
        _stacked(
            "groups_by_province",
            _("Volunteer groups by province, by activity"),
            [
                (
                    row.name or _("No province"),
                    {"active": row.active, "seasonal": row.seasonal, "dormant": row.dormant},
                )
                for row in groups.by_province
            ],
            group_series,
            groups_url,
        ),
        _bars(
            "packages_by_province",
            _("Packages distributed by province"),
            _named(
                work.packages_by_province,
                lambda pk: provinces[pk].display_name(language) if pk in provinces else None,
            ),
            reverse("fieldops:campaigns"),
        ),
    ]
    return Section("field", _("Volunteer work"), items, tables)


# --------------------------------------------------------------------------
# One organization's statistics
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationReport:
    report: Report
    broadcasts: list  # its broadcasts on air in the period, newest first (at most 100)
    watching: int  # viewers watching its live broadcasts now


def organization_report(*, organization, period: Period) -> OrganizationReport:
    """One organization's broadcasts, viewers, archive plays, events and follow-ups, members-only
    channels included (its staff read them): about fifteen queries, whatever its size."""
    pk = organization.pk
    broadcasting = broadcast_selectors.broadcast_figures(
        start=period.start, end=period.end, public_only=False, organization_id=pk
    )
    per_span = broadcast_selectors.broadcasts_per_span(
        spans=[s.span for s in period.spans], public_only=False, organization_id=pk
    )
    watching = broadcast_selectors.watching_now_count(organization_id=pk, public_only=False)
    events = event_selectors.event_figures(start=period.start, end=period.end, organization_id=pk)
    events_per_span = event_selectors.events_per_span(
        spans=[s.span for s in period.spans], organization_id=pk
    )
    followups = followup_selectors.followup_status_figures(organization_id=pk)
    kinds = dict(EventKind.choices)
    labels = dict(FollowUpStatus.choices)
    sections = [
        Section(
            "broadcasting",
            _("Broadcasting"),
            [
                Figure("channels", _("Channels"), broadcasting.channels),
                Figure("broadcasts", _("Broadcasts"), broadcasting.broadcasts),
                Figure("watching", _("Watching now"), watching),
                Figure("viewers_peak", _("Most viewers at once"), broadcasting.viewers_peak),
                Figure("viewers", _("Viewers, added up over broadcasts"), broadcasting.viewers),
                Figure("archive_items", _("Recordings in the archive"), broadcasting.archive_items),
                Figure(
                    "archive_plays", _("Plays of archive recordings"), broadcasting.archive_plays
                ),
            ],
            [
                _over_time(period, "broadcasts", [n for n, _v in per_span]),
                _over_time(period, "viewers", [v for _n, v in per_span]),
            ],
        ),
        Section(
            "events",
            _("Events"),
            [
                Figure(
                    "events",
                    _("Events organized"),
                    events.events,
                    reverse("events:organization", args=[pk]),
                ),
                Figure(
                    "recommendations",
                    _("Recommendations and decisions of its events"),
                    events.recommendations["total"],
                ),
            ],
            [
                _over_time(period, "events", events_per_span),
                _bars(
                    "events_by_kind",
                    _("Events by kind"),
                    [(str(kinds.get(kind, kind)), count) for kind, count in events.by_kind],
                ),
            ],
        ),
        Section(
            "followups",
            _("Follow-ups it is responsible for"),
            [
                Figure(
                    "followups",
                    _("Follow-ups"),
                    followups["total"],
                    _url("followups:mine", organization=pk),
                ),
                Figure("followups_overdue", _("Overdue"), followups["overdue"]),
            ],
            [
                _bars(
                    "followups_by_status",
                    _("Follow-ups by status"),
                    [(str(labels[status]), followups[status]) for status in FOLLOWUP_SERIES_KEYS],
                    _url("followups:mine", organization=pk),
                ),
            ],
        ),
    ]
    report = Report(
        year=period.year, calendar=period.calendar, sections=sections, computed_at=timezone.now()
    )
    broadcasts = broadcast_selectors.organization_broadcast_rows(
        organization_id=pk, start=period.start, end=period.end
    )
    return OrganizationReport(report=report, broadcasts=broadcasts, watching=watching)
