"""The import pages and the import API: choose, download a template, upload, read the dry run's
errors by row and column, confirm — for anonymous visitors, users without a role, another
organization's editor and a coordinator; bad files never answer with a 500."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from hamafza.directory.models import Organization
from hamafza.fieldops.models import ServicePoint, VolunteerGroup
from hamafza.fieldops.tests.factories import VolunteerGroupFactory
from hamafza.reports.tests.imports_world import csv_file, world_make, xlsx_file

pytestmark = pytest.mark.django_db

IMPORT_URL = "/reports/import/"
ROUTE = "najaf_karbala"
POINT_HEADER = ["name", "kind", "operator", "country", "route", "pole"]
GROUP_HEADER = ["organization", "sponsor", "registration_number"]


@pytest.fixture
def world(db):
    return world_make()


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.HAMAFZA_IMPORT_DIR = tmp_path / "imports"
    return settings.HAMAFZA_IMPORT_DIR


def kept_files(import_dir) -> list[str]:
    return sorted(path.suffix for path in import_dir.iterdir()) if import_dir.exists() else []


def upload(client, kind: str, content: bytes, *, name: str = "rows.csv", language: str = "en"):
    return client.post(
        IMPORT_URL,
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def points_csv(operator, poles=(10, 20)) -> bytes:
    return csv_file(
        [POINT_HEADER]
        + [[f"موکب {pole}", "mawkib", operator.pk, "IQ", ROUTE, str(pole)] for pole in poles]
    )


# --- who may open the page ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for response in (
        client.get(IMPORT_URL),
        client.post(IMPORT_URL, {"kind": "points"}),
        client.get(reverse("reports:import-template", args=["points", "csv"])),
        client.post(reverse("reports:import-commit", args=["x" * 43])),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_without_a_role_may_not_import(client, world):
    client.force_login(world.nobody)
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, "points", points_csv(world.operator)).status_code == 403
    template = reverse("reports:import-template", args=["people", "csv"])
    assert client.get(template).status_code == 403


def test_an_editor_sees_what_they_may_import_and_its_templates(client, world):
    client.force_login(world.editor)
    page = client.get(IMPORT_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for kind in ("people", "groups", "points"):
        assert f'id="import-{kind}"' in page
        assert reverse("reports:import-template", args=[kind, "xlsx"]) in page
    # organizations are for coordinators and owners
    assert 'id="import-organizations"' not in page
    url = reverse("reports:import-template", args=["organizations", "csv"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_page_lists_every_column_in_the_visitors_language(client, world, language):
    client.force_login(world.coordinator)
    response = client.get(IMPORT_URL, HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in page
    with translation.override(language):
        title = str(ServicePoint._meta.get_field("operator").verbose_name)
    assert escape(title[0].upper() + title[1:]) in page
    assert '<code class="hz-ltr">registration_number</code>' in page


def test_templates_are_csv_and_xlsx_with_the_header_and_an_example(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("reports:import-template", args=["groups", "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["organization", "sponsor", "registration_number", "registered_on", "size"]
    assert rows[1][2] == "QOM-0101"
    response = client.get(reverse("reports:import-template", args=["points", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert next(sheet.iter_rows(values_only=True))[:3] == ("name", "name_fa", "name_ar")
    assert (
        client.get(reverse("reports:import-template", args=["castles", "csv"])).status_code == 404
    )
    assert client.get(reverse("reports:import-template", args=["points", "pdf"])).status_code == 404


# --- dry run and confirmation ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_file_with_one_bad_row_lists_it_and_imports_nothing(client, world, language, import_dir):
    # given a file of three points, the second with no kind
    client.force_login(world.operator_editor)
    content = csv_file(
        [
            POINT_HEADER,
            ["موکب یک", "mawkib", world.operator.pk, "IQ", ROUTE, "10"],
            ["موکب دو", "", world.operator.pk, "IQ", ROUTE, "20"],
            ["موکب سه", "mawkib", world.operator.pk, "IQ", ROUTE, "30"],
        ]
    )
    # when it is uploaded
    response = upload(client, "points", content, language=language)
    page = response.content.decode()
    # then the page lists row 3 (the header is row 1) and its column, in the visitor's language
    assert response.status_code == 200
    with translation.override(language):
        required = translation.gettext("This field is required.")
        title = str(ServicePoint._meta.get_field("kind").verbose_name)
    table = page.split('id="row-errors"', 1)[1].split("</table>", 1)[0]
    assert 'data-row="3" data-column="kind"' in table
    assert ("۳" if language == "fa" else ">3<") in table
    assert escape(required) in table and escape(title[0].upper() + title[1:]) in table
    # and nothing is imported, nothing kept, nothing to confirm
    assert not ServicePoint.objects.exists()
    assert kept_files(import_dir) == []
    assert 'id="import-confirm"' not in page


def test_a_good_file_is_checked_then_imported_on_confirmation(client, world, import_dir):
    # given a valid file
    client.force_login(world.operator_editor)
    # when it is uploaded, nothing is imported yet: the file waits for the confirmation
    response = upload(client, "points", points_csv(world.operator), name="mawkibs.csv")
    page = response.content.decode()
    assert 'id="import-ready"' in page and not ServicePoint.objects.exists()
    assert kept_files(import_dir) == [".data", ".json"]
    action = page.split('id="import-confirm"', 1)[0].rsplit('action="', 1)[1].split('"', 1)[0]
    # when it is confirmed, every row is imported and the file is gone
    response = client.post(action, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert sorted(ServicePoint.objects.values_list("pole", flat=True)) == [10, 20]
    assert kept_files(import_dir) == []
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 rows of “mawkibs.csv” were imported." in page
    # and the same confirmation cannot run twice
    assert client.post(action).status_code == 404


def test_the_confirmation_checks_every_row_again(client, world, import_dir):
    # given a dry run that passed
    client.force_login(world.sponsor_editor)
    content = csv_file(
        [GROUP_HEADER, [world.group_organization.name, world.sponsor.name, "QOM-0500"]]
    )
    page = upload(client, "groups", content).content.decode()
    action = page.split('id="import-confirm"', 1)[0].rsplit('action="', 1)[1].split('"', 1)[0]
    # when the registration number is taken before the confirmation
    VolunteerGroupFactory(registration_number="QOM-0500")
    response = client.post(action, HTTP_ACCEPT_LANGUAGE="en")
    # then nothing is imported, and the page names the row and column
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-row="2" data-column="registration_number"' in page
    assert VolunteerGroup.objects.filter(organization=world.group_organization).count() == 0
    assert kept_files(import_dir) == []


def test_a_kept_file_is_confirmed_only_by_its_uploader(client, world, import_dir):
    client.force_login(world.operator_editor)
    page = upload(client, "points", points_csv(world.operator)).content.decode()
    action = page.split('id="import-confirm"', 1)[0].rsplit('action="', 1)[1].split('"', 1)[0]
    client.force_login(world.coordinator)
    assert client.post(action).status_code == 404
    assert not ServicePoint.objects.exists()
    assert client.post("/reports/import/..%2F..%2Fetc/commit/").status_code == 404
    assert client.post(reverse("reports:import-commit", args=["a" * 43])).status_code == 404


def test_another_organizations_editor_gets_row_errors_for_points_and_groups(client, world):
    client.force_login(world.stranger_editor)
    page = upload(client, "points", points_csv(world.operator)).content.decode()
    assert 'data-row="2" data-column="operator"' in page
    assert 'data-row="3" data-column="operator"' in page
    content = csv_file([GROUP_HEADER, [world.group_organization.pk, world.sponsor.pk, "Q-1"]])
    page = upload(client, "groups", content).content.decode()
    assert 'data-row="2" data-column="sponsor"' in page
    assert not ServicePoint.objects.exists() and not VolunteerGroup.objects.exists()


def test_a_coordinator_imports_organizations_from_an_xlsx(client, world):
    client.force_login(world.coordinator)
    content = xlsx_file(
        [["name", "kind", "country", "parent"], ["هیئت نو", "heyat", "IR", world.heyat.pk]]
    )
    page = upload(client, "organizations", content, name="orgs.xlsx").content.decode()
    action = page.split('id="import-confirm"', 1)[0].rsplit('action="', 1)[1].split('"', 1)[0]
    assert client.post(action).status_code == 302
    assert Organization.objects.get(name="هیئت نو").parent == world.heyat


# --- bad files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff" * 50, "neither an XLSX workbook nor a CSV text"),
        (b"", "The file is empty."),
        (b"PK\x03\x04junk", "This XLSX workbook cannot be read."),
        (b"colour,size\nred,1\n", "The first row must name the columns; none of its cells does."),
        (b"name,kind,operator,country,colour\nx,mawkib,1,IQ,red\n", "Unknown columns: “colour”."),
        (b"name,kind\nx,mawkib\n", "Required columns missing:"),
        (b"name,name,kind\nx,y,mawkib\n", "Columns named more than once: “name”."),
    ],
)
def test_bad_files_are_explained_never_a_server_error(client, world, import_dir, content, message):
    client.force_login(world.operator_editor)
    response = upload(client, "points", content)
    if content == b"":
        # an empty upload is refused by the form itself
        assert response.status_code == 200 and "The submitted file is empty." in (
            response.content.decode()
        )
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert escape(message) in page.split('id="file-errors"', 1)[1]
    assert kept_files(import_dir) == []


def test_too_many_rows_and_a_file_too_large_are_refused(client, world, settings):
    client.force_login(world.operator_editor)
    settings.HAMAFZA_IMPORT_MAX_ROWS = 1
    page = upload(client, "points", points_csv(world.operator)).content.decode()
    assert "The file has more than 1 rows. Split it into smaller files." in page
    settings.HAMAFZA_IMPORT_MAX_BYTES = 10
    page = upload(client, "points", points_csv(world.operator)).content.decode()
    assert "the largest accepted is 10" in page
    assert not ServicePoint.objects.exists()


def test_an_xlsx_with_a_formula_names_its_cell(client, world):
    client.force_login(world.operator_editor)
    content = xlsx_file([POINT_HEADER, ["موکب", "mawkib", world.operator.pk, "IQ", ROUTE, "=5*2"]])
    page = upload(client, "points", content, name="points.xlsx").content.decode()
    assert 'data-row="2" data-column="pole"' in page
    assert "A formula is not accepted here; type the value itself." in page


def test_a_kind_not_offered_or_no_file_is_a_form_error(client, world):
    client.force_login(world.editor)
    response = upload(client, "organizations", b"name,kind,country\nx,heyat,IR\n")
    assert response.status_code == 200 and 'id="import-form"' in response.content.decode()
    response = client.post(IMPORT_URL, {"kind": "points"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This field is required." in response.content.decode()
    assert not Organization.objects.filter(name="x").exists()


# --- the API -----------------------------------------------------------------------------------


def api(client, kind: str, content: bytes, query: str = "", language: str = "en"):
    return client.post(
        f"/api/imports/{kind}/{query}",
        {"file": SimpleUploadedFile("rows.csv", content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_the_api_refuses_anonymous_callers_and_users_without_a_role(client, world):
    assert api(client, "points", points_csv(world.operator)).status_code in (401, 403)
    client.force_login(world.nobody)
    assert api(client, "points", points_csv(world.operator)).status_code == 403
    assert not ServicePoint.objects.exists()


def test_the_api_dry_run_reports_and_saves_nothing_then_commits(client, world):
    client.force_login(world.operator_editor)
    response = api(client, "points", points_csv(world.operator), "?dry_run=1")
    assert response.status_code == 200
    report = response.json()
    assert (report["ok"], report["committed"], report["rows_total"]) == (True, False, 2)
    assert [row["row"] for row in report["rows"]] == [2, 3]
    assert not ServicePoint.objects.exists()
    response = api(client, "points", points_csv(world.operator))
    assert response.status_code == 201 and response.json()["committed"]
    assert ServicePoint.objects.count() == 2


@pytest.mark.parametrize(
    ("language", "message"), [("en", "This field is required."), ("fa", "این مقدار لازم است.")]
)
def test_the_api_names_the_bad_row_and_column_in_the_callers_language(
    client, world, language, message
):
    client.force_login(world.operator_editor)
    content = csv_file(
        [
            POINT_HEADER,
            ["موکب", "mawkib", world.operator.pk, "IQ", ROUTE, "10"],
            ["", "mawkib", world.operator.pk, "IQ", ROUTE, "20"],
        ]
    )
    response = api(client, "points", content, language=language)
    assert response.status_code == 400
    report = response.json()
    assert not report["committed"] and not ServicePoint.objects.exists()
    [bad] = [row for row in report["rows"] if row["errors"]]
    assert bad["row"] == 3 and bad["errors"][0]["column"] == "name"
    assert bad["errors"][0]["message"] == message


def test_the_api_refuses_another_organizations_editor_row_by_row(client, world):
    client.force_login(world.stranger_editor)
    response = api(
        client,
        "groups",
        csv_file([GROUP_HEADER, [world.group_organization.pk, world.sponsor.pk, "Q-1"]]),
    )
    assert response.status_code == 400
    assert response.json()["rows"][0]["errors"][0]["column"] == "sponsor"


def test_the_api_answers_bad_input_with_400s_and_404s(client, world):
    client.force_login(world.coordinator)
    assert api(client, "castles", b"x").status_code == 404
    response = api(client, "points", points_csv(world.operator), "?dry_run=perhaps")
    assert response.status_code == 400 and "dry_run" in response.json()
    response = client.post("/api/imports/points/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "file" in response.json()
    response = api(client, "points", b"\x00\x01\x02 junk")
    assert response.status_code == 400
    assert response.json()["file_errors"][0].startswith("This file is neither an XLSX workbook")
