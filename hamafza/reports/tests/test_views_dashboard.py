"""The dashboard and an organization's statistics as pages: who may read them, odd input,
exports, the cache, and query counts that do not grow with the data."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hamafza.core.calendars import Calendar
from hamafza.core.periods import year_of
from hamafza.directory.models import Organization, Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role
from hamafza.reports.tests.conftest import network_make, organization_activity_add

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports:dashboard")


def _figure(response, key: str) -> int:
    figure = response.context["report"].figure(key)
    return figure.value


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- the network dashboard -----------------------------------------------------------------


def test_anyone_reads_the_dashboard_in_persian(client, network):
    # When an anonymous visitor opens the dashboard
    response = client.get(DASHBOARD)

    # Then it is the Persian page with the data's figures, in Persian digits
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert _figure(response, "organizations") == 7
    assert 'data-figure="viewers" data-value="150"' in html
    assert "۱۵۰" in html
    # and the charts are inline SVG
    assert html.count('class="hz-chart-bar"') >= 5
    assert "<svg" in html


def test_the_public_dashboard_shows_nothing_private(client, network):
    # Given a members-only broadcast with 999 viewers (conftest), titled like no other
    from hamafza.broadcast.models import Broadcast

    private = Broadcast.objects.get(viewers_total=999)
    Broadcast.objects.filter(pk=private.pk).update(title="جلسه خصوصی اعضا")

    response = client.get(DASHBOARD)

    html = response.content.decode()
    assert "جلسه خصوصی اعضا" not in html
    assert "۱٬۱۴۹" not in html  # 150 + 999
    assert _figure(response, "viewers") == 150
    assert _figure(response, "agreements_signed") == 2  # the draft is not counted


@pytest.mark.parametrize(
    "year", ["abc", "-1", "99999999999999999999", "1403.5", "", "۱۲", "<script>"]
)
def test_an_odd_year_shows_all_time(client, network, year):
    response = client.get(DASHBOARD, {"year": year})

    assert response.status_code == 200
    assert response.context["report"].year is None
    assert response.context["period"]["year"] is None


def test_a_year_in_persian_digits_is_a_solar_year(client, network):
    this_year = year_of(timezone.localdate(), calendar=Calendar.SOLAR)
    persian = str(this_year).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    response = client.get(DASHBOARD, {"year": persian})

    assert response.context["report"].year == this_year
    assert _figure(response, "organizations_new") == 7
    assert len(response.context["report"].table("broadcasts").rows) == 12


def test_a_gregorian_visitor_chooses_a_gregorian_year(client, network, settings):
    client.cookies[settings.HAMAFZA_CALENDAR_COOKIE_NAME] = Calendar.GREGORIAN
    this_year = timezone.localdate().year

    response = client.get(DASHBOARD, {"year": str(this_year)}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["report"].calendar == Calendar.GREGORIAN
    assert response.context["report"].year == this_year
    labels = [label for label, _v in response.context["report"].table("broadcasts").rows]
    assert labels[0] in ("January", "ژانویه")


@pytest.mark.parametrize(("year", "chosen"), [("1499", 1499), ("1500", None), ("1600", None)])
def test_a_lunar_year_past_the_calendars_range_shows_all_time(
    client, network, settings, year, chosen
):
    # Given an Arabic visitor, whose calendar is the lunar Hijri one
    client.cookies[settings.HAMAFZA_CALENDAR_COOKIE_NAME] = Calendar.LUNAR

    response = client.get(DASHBOARD, {"year": year}, HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200
    assert response.context["report"].year == chosen
    assert response.context["report"].calendar == Calendar.LUNAR


def test_every_figure_with_a_list_links_to_it(client, network):
    response = client.get(DASHBOARD)

    report = response.context["report"]
    assert report.figure("heyats").url == f"{reverse('directory:list')}?kind=heyat"
    assert report.figure("mous").url == f"{reverse('agreements:list')}?kind=mou"
    assert report.figure("groups").url == reverse("fieldops:groups")
    html = response.content.decode()
    assert f'href="{reverse("directory:list")}?kind=heyat"' in html


def test_a_warm_dashboard_costs_no_query_for_its_figures(client, network):
    # Given a visitor who opened the dashboard once
    client.get(DASHBOARD)

    # When another opens it within the cache's time
    with CaptureQueriesContext(connection) as warm:
        response = client.get(DASHBOARD)

    # Then no figure is counted again
    assert response.status_code == 200
    assert len(warm) == 0, [q["sql"] for q in warm]


def _cold_queries(client, url) -> int:
    from django.core.cache import cache

    cache.clear()
    client.get(url)  # the first request also loads reference data held per process
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        response = client.get(url)
    assert response.status_code == 200
    return len(cold)


def test_the_dashboard_query_count_does_not_grow_with_the_data(client):
    # Given a small network, then one four times larger
    network_make(1)
    small = _cold_queries(client, DASHBOARD)
    network_make(3)
    large = _cold_queries(client, DASHBOARD)

    # Then computing the dashboard takes the same number of queries
    assert small == large, (small, large)
    assert large <= 40, large


def test_the_dashboard_exports_every_figure_as_csv_and_xlsx(client, network):
    response = client.get(
        reverse("reports:dashboard-export", args=["csv"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == ["Section", "Table", "Row", "Part", "Value"]
    assert ["Organizations", "Headline figures", "Organizations registered", "", "7"] in rows

    response = client.get(reverse("reports:dashboard-export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert any(row[-1] == 150 for row in values)
    assert sheet.sheet_view.rightToLeft


def test_an_unknown_export_format_is_not_found(client, network):
    assert client.get(reverse("reports:dashboard-export", args=["pdf"])).status_code == 404


# --- one organization's statistics ---------------------------------------------------------


def _statistics_url(organization) -> str:
    return reverse("reports:organization", args=[organization.pk])


@pytest.fixture
def heyat(network):
    return network.organizations[0]


def test_anonymous_visitors_are_sent_to_sign_in(client, heyat):
    response = client.get(_statistics_url(heyat))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_another_organizations_staff_are_refused(client, heyat):
    other = OrganizationFactory()
    client.force_login(user_with_role(other, Role.OWNER))

    assert client.get(_statistics_url(heyat)).status_code == 403
    export = reverse("reports:organization-export", args=[heyat.pk, "csv"])
    assert client.get(export).status_code == 403


def test_a_signed_in_stranger_is_refused(client, heyat):
    client.force_login(UserFactory())

    assert client.get(_statistics_url(heyat)).status_code == 403


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.OWNER])
def test_the_organizations_staff_read_its_statistics(client, heyat, role):
    client.force_login(user_with_role(heyat, role))

    response = client.get(_statistics_url(heyat))

    assert response.status_code == 200
    report = response.context["report"]
    assert report.figure("broadcasts").value == 2
    assert report.figure("viewers").value == 150
    assert report.figure("archive_plays").value == 7
    assert report.figure("followups").value == 2
    assert len(response.context["broadcasts"]) == 2


def test_a_coordinator_reads_any_organizations_statistics(client, network):
    shrine = Organization.objects.get(kind="shrine")
    client.force_login(UserFactory(is_coordinator=True))

    response = client.get(_statistics_url(shrine))

    assert response.status_code == 200
    assert response.context["report"].figure("viewers").value == 999


def test_an_unknown_organization_is_not_found(client, network):
    client.force_login(UserFactory(is_coordinator=True))

    assert client.get(reverse("reports:organization", args=[999999999])).status_code == 404
    assert client.get("/reports/organization/99999999999999999999999/").status_code == 404


def test_the_organizations_broadcasts_export_as_csv_and_xlsx(client, heyat):
    client.force_login(user_with_role(heyat, Role.VIEWER))
    url = reverse("reports:organization-export", args=[heyat.pk, "csv"])

    rows = _csv(client.get(url, {"table": "broadcasts"}, HTTP_ACCEPT_LANGUAGE="en"))

    assert rows[0][:2] == ["Broadcast", "Channel"]
    assert len(rows) == 3
    assert sorted(row[-2] for row in rows[1:]) == ["100", "50"]
    assert sorted(row[-1] for row in rows[1:]) == ["", "7"]
    xlsx = client.get(reverse("reports:organization-export", args=[heyat.pk, "xlsx"]))
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row > 5


def test_the_statistics_query_count_does_not_grow_with_the_data(client, heyat):
    # Given an organization with a little of everything, then with five times more
    client.force_login(UserFactory(is_coordinator=True))
    small = _cold_queries(client, _statistics_url(heyat))
    organization_activity_add(heyat, 4)
    large = _cold_queries(client, _statistics_url(heyat))

    # Then its statistics take the same number of queries
    assert small == large
    assert large <= 30
