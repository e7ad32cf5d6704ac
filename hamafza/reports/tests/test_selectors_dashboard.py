"""The figures equal the data: counted from each app's rows, public only, within the period."""

import datetime
import itertools

import pytest
from django.utils import timezone, translation

from hamafza.broadcast.models import BroadcastStatus, ViewerPresence, Visibility
from hamafza.broadcast.tests.factories import BroadcastFactory, ChannelFactory
from hamafza.core.calendars import Calendar
from hamafza.core.periods import month_spans, per_span, year_of, year_span, year_spans
from hamafza.directory.models import Organization
from hamafza.directory.selectors import organization_figures, organizations_new_per_span
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.fieldops.selectors import field_work_figures, fieldops_totals
from hamafza.reports import selectors_dashboard as selectors
from hamafza.reports.tests.conftest import network_make

pytestmark = pytest.mark.django_db


def _dashboard(year=None, calendar=Calendar.SOLAR):
    period = selectors.period_make(year=year, calendar=calendar, region="IR")
    return selectors.dashboard_compute(period=period)


def _values(report) -> dict[str, int]:
    return {figure.key: figure.value for section in report.sections for figure in section.figures}


def test_headline_figures_equal_the_data(network):
    # Given a network of each thing once (conftest.network_make)
    # When the dashboard is computed over all time
    with translation.override("en"):
        values = _values(_dashboard())

    # Then each headline figure is the count made, and nothing private or pending is counted
    for key, expected in network.expected.items():
        assert values[key] == expected, key
    assert values["heyats_broadcasting"] == 1  # the shrine broadcasts members-only
    assert values["events"] == 2
    assert values["outcome_events"] == 1
    assert values["countries"] == 2


def test_members_only_channels_are_left_out_of_the_public_dashboard_only(network):
    # Given a members-only channel whose broadcast had 999 viewers (conftest)
    shrine = Organization.objects.get(kind="shrine")

    # When the public dashboard and the shrine's own statistics are computed
    public = _values(_dashboard())
    period = selectors.period_make(year=None, calendar=Calendar.SOLAR, region="IR")
    own = selectors.organization_report(organization=shrine, period=period)

    # Then the public figures leave it out, and the shrine's staff see it
    assert public["viewers"] == 150
    assert public["viewers"] != 150 + 999
    assert _values(own.report)["viewers"] == 999
    assert _values(own.report)["broadcasts"] == 1
    assert [b.viewers_total for b in own.broadcasts] == [999]


def test_a_year_counts_flows_within_it_and_stocks_before_its_end(db):
    # Given one network registered and active this year, and an organization from ten years ago
    network_make(1)
    today = timezone.localdate()
    this_year = year_of(today, calendar=Calendar.SOLAR)
    old = Organization.objects.order_by("pk").first()
    Organization.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3650)
    )

    # When the dashboard is computed for this year, for last year, and for long ago
    now = _values(_dashboard(this_year))
    last = _values(_dashboard(this_year - 1))
    long_ago = _values(_dashboard(this_year - 10))

    # Then this year holds the new organizations, broadcasts and packages
    assert now["organizations"] == 7
    assert now["organizations_new"] == 6
    assert now["broadcasts"] == 2
    assert now["packages"] == 100
    # and a year before holds what existed by then and nothing that happened since
    assert last["organizations"] == 1
    assert last["organizations_new"] == 0
    assert last["broadcasts"] == 0
    assert last["packages"] == 0
    # and ten years ago the old organization was new
    assert long_ago["organizations_new"] == 1


def test_months_of_a_year_add_up_to_the_year(network):
    this_year = year_of(timezone.localdate(), calendar=Calendar.SOLAR)

    report = _dashboard(this_year)

    months = report.table("broadcasts").rows
    assert len(months) == 12
    assert sum(value for _label, value in months) == report.figure("broadcasts").value
    assert sum(v for _label, v in report.table("packages").rows) == 100


def test_over_all_time_the_charts_show_the_last_ten_years(network):
    with translation.override("fa"):
        report = _dashboard()

    years = report.table("organizations_new").rows
    assert len(years) == 10
    current = year_of(timezone.localdate(), calendar=Calendar.SOLAR)
    assert years[-1] == (str(current).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")), 7)


def test_provinces_of_iran_and_governorates_of_iraq_are_apart(network):
    with translation.override("en"):
        report = _dashboard()

    assert report.table("organizations_by_province_ir").rows == [("Qom", 3)]
    iraq = report.table("organizations_by_province_iq").rows
    assert [count for _name, count in iraq] == [2]


def test_export_rows_hold_every_figure_and_every_part(network):
    with translation.override("en"):
        rows = _dashboard().export_rows()

    assert ("Organizations", "Headline figures", "Organizations registered", "", 7) in rows
    groups = [row for row in rows if row[1] == "Volunteer groups by province, by activity"]
    assert [(row[3], row[4]) for row in groups] == [
        ("Active all year", 0),
        ("Seasonal", 0),
        ("Dormant", 1),
    ]


def test_the_dashboard_is_cached_per_language_and_period(network, django_assert_num_queries):
    with translation.override("fa"):
        first = selectors.dashboard_get(year=None, calendar=Calendar.SOLAR, region="IR")
        with django_assert_num_queries(0):
            again = selectors.dashboard_get(year=None, calendar=Calendar.SOLAR, region="IR")
    with translation.override("en"):
        english = selectors.dashboard_get(year=None, calendar=Calendar.SOLAR, region="IR")

    assert again.computed_at == first.computed_at
    assert english.sections[0].title == "Organizations"
    assert english.computed_at != first.computed_at


def test_an_organization_report_counts_its_broadcasts_viewers_plays_and_followups(network):
    # Given the hey'at with two broadcasts on air (conftest) and one viewer watching live now
    heyat = network.organizations[0]
    live = BroadcastFactory(
        channel=ChannelFactory(organization=heyat, visibility=Visibility.MEMBERS),
        status=BroadcastStatus.LIVE,
        started_at=timezone.now(),
        viewers_peak=5,
        viewers_total=5,
    )
    ViewerPresence.objects.create(broadcast=live, viewer="a" * 32)

    # When its statistics are computed over all time
    period = selectors.period_make(year=None, calendar=Calendar.SOLAR, region="IR")
    with translation.override("en"):
        data = selectors.organization_report(organization=heyat, period=period)
    values = _values(data.report)

    # Then they count its own broadcasts, members-only included
    assert values["broadcasts"] == 3
    assert values["watching"] == 1
    assert values["viewers"] == 155
    assert values["viewers_peak"] == 30
    assert values["archive_plays"] == 7
    assert values["events"] == 2
    assert values["followups"] == 2
    assert dict(data.report.table("followups_by_status").rows) == {
        "Done": 1,
        "In progress": 0,
        "Open": 1,
        "Waived": 0,
    }
    assert data.broadcasts[0].pk == live.pk  # the newest first


# --- the apps' figure functions ------------------------------------------------------------


def test_per_span_counts_each_solar_month(db):
    # Given organizations registered on the first and last day of Farvardin 1404 and in Ordibehesht
    months = month_spans(1404, calendar=Calendar.SOLAR, language="en")
    days = [months[0].start, months[0].end - datetime.timedelta(days=1), months[1].start]
    for day in days:
        organization = OrganizationFactory()
        Organization.objects.filter(pk=organization.pk).update(
            created_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        )

    # When they are counted per month of 1404
    counts = organizations_new_per_span(spans=[m.span for m in months])

    # Then Farvardin has two and Ordibehesht one
    assert months[0].label == "Farvardin"
    assert counts[:3] == [2, 1, 0]
    assert sum(counts) == 3


def test_per_span_makes_one_query_whatever_the_spans(db, django_assert_num_queries):
    spans = [s.span for s in year_spans(1390, 1404, calendar=Calendar.SOLAR, language="fa")]

    with django_assert_num_queries(1):
        counts = per_span(Organization.objects.all(), field="created_at", spans=spans, at=True)

    assert counts == [0] * 15
    assert per_span(Organization.objects.all(), field="created_at", spans=[]) == []


def test_year_spans_meet_end_to_end_in_every_calendar():
    for calendar in Calendar.values:
        spans = year_spans(
            1440 if calendar == "lunar" else 1400, 1442, calendar=calendar, language="en"
        )
        for before, after in itertools.pairwise(spans):
            assert before.end == after.start
    assert year_span(1404, calendar=Calendar.SOLAR) == (
        datetime.date(2025, 3, 21),
        datetime.date(2026, 3, 21),
    )


def test_field_work_without_a_period_equals_the_fieldops_totals(network):
    totals = fieldops_totals()

    work = field_work_figures()

    assert (work.camps, work.volunteers, work.packages, work.households) == (
        totals.camps,
        totals.volunteers,
        totals.packages,
        totals.households,
    )


def test_organization_figures_count_kinds_and_places(network, django_assert_num_queries):
    with django_assert_num_queries(4):
        figures = organization_figures()

    assert dict(figures.by_kind)["heyat"] == 3
    assert figures.total == sum(count for _kind, count in figures.by_kind)
    assert figures.active == figures.total - 1
