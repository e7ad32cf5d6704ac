"""The directory's export: the list's rows, with its filters, as CSV and XLSX, read back."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from hamafza.core.models import Country, Language
from hamafza.directory.models import ActivityField, OrganizationKind
from hamafza.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def read_xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    return list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )


@pytest.fixture
def directory(db):
    """A parent hey'at and two under it, a mosque in Iraq; languages and fields set."""
    parent = OrganizationFactory(name="هیئت بزرگ", languages=["fa", "ar"])
    parent.fields.set(ActivityField.objects.filter(code__in=["quran", "arbaeen"]))
    OrganizationFactory(name="هیئت الف", parent=parent, website="https://example.org")
    OrganizationFactory(name="هیئت ب", parent=parent, is_active=False)
    OrganizationFactory(
        name="مسجد الکوفه", kind=OrganizationKind.MOSQUE, country=Country.objects.get(code="IQ")
    )
    return parent


def page_names(client, params=None) -> list[str]:
    response = client.get(reverse("directory:list"), params or {}, HTTP_ACCEPT_LANGUAGE="en")
    return [row.display_name("en") for row in response.context["page"].rows]


def test_the_export_has_the_pages_rows_and_more_columns(client, directory):
    # when the whole directory is exported as CSV and as XLSX
    table = read_csv(
        client.get(reverse("directory:export", args=["csv"]), HTTP_ACCEPT_LANGUAGE="en")
    )
    sheet = read_xlsx(
        client.get(reverse("directory:export", args=["xlsx"]), HTTP_ACCEPT_LANGUAGE="en")
    )
    # then both hold the list's rows in its order
    header = table[0]
    assert header[:3] == ["Number", "Name", "Kind"]
    names = [row[header.index("Name")] for row in table[1:]]
    assert names == page_names(client)
    assert [row[1] for row in sheet[1:]] == names
    assert list(sheet[0]) == header
    # and the parent's row says what its page says
    row = dict(zip(header, table[1 + names.index(directory.display_name("en"))], strict=True))
    assert set(row["Languages"].split(", ")) == {
        Language.objects.get(code=code).display_name("en") for code in ("fa", "ar")
    }
    assert set(row["Fields of activity"].split(", ")) == {
        ActivityField.objects.get(code=code).display_name("en") for code in ("quran", "arbaeen")
    }
    assert (row["Country"], row["Active"], row["Number"]) == ("Iran", "yes", str(directory.pk))
    child = dict(zip(header, table[1 + names.index("Test hey'at الف")], strict=True))
    assert child["Parent organization"] == directory.display_name("en")
    assert child["Website"] == "https://example.org"


def test_the_export_follows_the_lists_filters(client, directory):
    for params in (
        {"kind": "mosque"},
        {"country": "IR", "active": "0"},
        {"q": "الف"},
        {"parent": directory.pk},
    ):
        table = read_csv(
            client.get(reverse("directory:export", args=["csv"]), params, HTTP_ACCEPT_LANGUAGE="en")
        )
        assert [row[1] for row in table[1:]] == page_names(client, params), params


def test_headers_and_values_are_in_the_visitors_language(client, directory):
    table = read_csv(
        client.get(reverse("directory:export", args=["csv"]), HTTP_ACCEPT_LANGUAGE="fa")
    )
    with translation.override("fa"):
        assert table[0][2] == translation.gettext("Kind")
        mosque = str(OrganizationKind.MOSQUE.label)
    assert mosque in {row[2] for row in table[1:]}
    assert "هیئت بزرگ" in {row[1] for row in table[1:]}
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            client.get(
                reverse("directory:export", args=["xlsx"]), HTTP_ACCEPT_LANGUAGE="fa"
            ).content
        )
    ).active
    assert sheet.sheet_view.rightToLeft


def test_text_a_spreadsheet_would_run_is_not_a_formula(client, db):
    OrganizationFactory(
        name='=HYPERLINK("http://evil.example","click")', names={}, phone="+98 25 1234"
    )
    table = read_csv(
        client.get(reverse("directory:export", args=["csv"]), HTTP_ACCEPT_LANGUAGE="en")
    )
    assert table[1][1] == '\'=HYPERLINK("http://evil.example","click")'
    assert table[1][table[0].index("Phone")] == "'+98 25 1234"
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("directory:export", args=["xlsx"])).content)
    )
    cell = workbook.active["B2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_the_export_costs_the_same_queries_at_any_size(client, db):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(reverse("directory:export", args=["csv"])).streaming_content)
        return len(captured.captured_queries)

    parent = OrganizationFactory()
    for _number in range(3):
        OrganizationFactory(languages=["fa"], parent=parent)
    few = queries()
    for _number in range(30):
        OrganizationFactory(languages=["fa", "ar"], parent=OrganizationFactory())
    assert queries() == few


def test_an_unknown_format_is_not_found(client, directory):
    assert client.get("/directory/export.pdf").status_code == 404
    assert client.post(reverse("directory:export", args=["csv"])).status_code == 405


def test_the_list_links_to_its_export_with_its_filters(client, directory):
    page = client.get(reverse("directory:list"), {"kind": "heyat", "page": "1"}).content.decode()
    assert f'href="{reverse("directory:export", args=["csv"])}?kind=heyat"' in page
    assert f'href="{reverse("directory:export", args=["xlsx"])}?kind=heyat"' in page
