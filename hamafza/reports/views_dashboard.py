"""Pages of figures: the network dashboard (public) and one organization's statistics (its staff).

Each view reads the period from the query string (a year of the visitor's
calendar; anything else means all time, never an error), asks
``selectors_dashboard`` for the figures and renders them, or writes the
same tables as CSV or XLSX.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from hamafza.broadcast.models import BroadcastStatus
from hamafza.broadcast.selectors import archive_of
from hamafza.core.exports import Column, export_response
from hamafza.core.params import id_param
from hamafza.core.periods import year_span, year_valid
from hamafza.core.text import digits_to_ascii
from hamafza.directory import selectors as directory_selectors

from . import selectors_dashboard as selectors
from .policies_dashboard import organization_statistics_policy

# The context keeps these column titles apart from the same words elsewhere ("Series" is
# also an event series).
FIGURE_COLUMNS = [
    Column(pgettext_lazy("figures export", "Section"), lambda row: row[0]),
    Column(pgettext_lazy("figures export", "Table"), lambda row: row[1]),
    Column(pgettext_lazy("figures export", "Row"), lambda row: row[2]),
    Column(pgettext_lazy("figures export", "Part"), lambda row: row[3]),
    Column(pgettext_lazy("figures export", "Value"), lambda row: row[4]),
]

_STATUSES = dict(BroadcastStatus.choices)

BROADCAST_COLUMNS = [
    Column(gettext_lazy("Broadcast"), lambda b: b.display_title()),
    Column(gettext_lazy("Channel"), lambda b: b.channel.display_name()),
    Column(gettext_lazy("Started at"), lambda b: b.started_at),
    Column(gettext_lazy("Ended at"), lambda b: b.ended_at),
    Column(gettext_lazy("Status"), lambda b: str(_STATUSES.get(b.status, b.status))),
    Column(gettext_lazy("Most viewers at once"), lambda b: b.viewers_peak),
    Column(gettext_lazy("Viewers in all"), lambda b: b.viewers_total),
    Column(gettext_lazy("Plays of the recording"), lambda b: _plays(b)),
]


def _plays(broadcast) -> int | None:
    item = archive_of(broadcast)
    return item.plays if item is not None else None


def _year(request) -> int | None:
    """The year asked for, in the visitor's calendar: any digits; None when absent or odd."""
    text = digits_to_ascii(str(request.GET.get("year", ""))).strip()
    if not text.isdigit() or len(text) > 4:
        return None
    year = int(text)
    if not year_valid(year, calendar=request.calendar):
        return None
    try:
        year_span(year, calendar=request.calendar, region=request.lunar_region)
    except ValidationError:
        return None
    return year


def _period(request) -> selectors.Period:
    return selectors.period_make(
        year=_year(request), calendar=request.calendar, region=request.lunar_region
    )


def _period_context(request, year: int | None) -> dict:
    return {
        "year": year,
        "years": selectors.years_offered(calendar=request.calendar, region=request.lunar_region),
        "query": f"year={year}" if year else "",
    }


@require_GET
def dashboard(request):
    """The network's figures, charts and the lists they summarize: public, aggregates only."""
    year = _year(request)
    report = selectors.dashboard_get(
        year=year, calendar=request.calendar, region=request.lunar_region
    )
    context = {"report": report, "period": _period_context(request, year)}
    return render(request, "reports/dashboard.html", context)


@require_GET
def dashboard_export(request, fmt: str):
    """Every figure and every chart's numbers as one table (CSV or XLSX)."""
    report = selectors.dashboard_get(
        year=_year(request), calendar=request.calendar, region=request.lunar_region
    )
    return export_response(report.export_rows(), FIGURE_COLUMNS, fmt=fmt, name="dashboard")


def _organization(request, organization_id: int):
    """The organization, if the visitor may read its statistics (404 / 403 otherwise)."""
    pk = id_param(organization_id)
    organization = (
        directory_selectors.organization_list()
        .select_related(None)
        .prefetch_related(None)
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if organization is None:
        raise Http404
    organization_statistics_policy.check(request.user, "view", organization)
    return organization


@login_required
@require_GET
def organization(request, organization_id: int):
    """One organization's broadcasts, viewers, archive plays, events and follow-ups."""
    organization = _organization(request, organization_id)
    period = _period(request)
    data = selectors.organization_report(organization=organization, period=period)
    context = {
        "organization": organization,
        "report": data.report,
        "broadcasts": data.broadcasts,
        "period": _period_context(request, period.year),
    }
    return render(request, "reports/organization.html", context)


@login_required
@require_GET
def organization_export(request, organization_id: int, fmt: str):
    """The organization's figures (``?table=figures``, the default) or its broadcasts
    (``?table=broadcasts``) as CSV or XLSX."""
    organization = _organization(request, organization_id)
    data = selectors.organization_report(organization=organization, period=_period(request))
    name = f"organization-{organization.pk}"
    if request.GET.get("table") == "broadcasts":
        return export_response(
            data.broadcasts, BROADCAST_COLUMNS, fmt=fmt, name=f"{name}-broadcasts"
        )
    return export_response(data.report.export_rows(), FIGURE_COLUMNS, fmt=fmt, name=name)
