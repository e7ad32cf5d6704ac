"""The bulk import framework: reading CSV and XLSX files, checking rows with a form, saving them
through a service all or none, and the files kept between a dry run and its confirmation.

The importer here registers languages (core's own model) through a small stand-in service, so
that the framework is tested without any app; the real importers are tested in reports."""

import io
import time

import openpyxl
import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from hamafza.core import imports
from hamafza.core.forms import MultiCalendarDateField
from hamafza.core.imports import (
    ImportColumn,
    Importer,
    RowStatus,
    import_run,
    import_template_response,
    import_upload_discard,
    import_upload_get,
    import_upload_keep,
    import_uploads_purge,
)
from hamafza.core.models import Language
from hamafza.core.permissions import SYSTEM

pytestmark = pytest.mark.django_db


class LanguageRowForm(forms.Form):
    code = forms.CharField(label="code", max_length=7)
    name = forms.CharField(label="name", max_length=300)
    since = MultiCalendarDateField(label="since", required=False)
    speakers = forms.IntegerField(label="speakers", required=False, min_value=0)


def language_register(*, actor, code: str, name: str) -> Language:
    """A stand-in service: validates the whole row and saves it."""
    language = Language(code=code, name=name)
    language.full_clean()
    language.save()
    return language


class LanguageImporter(Importer):
    kind = "languages"
    title = "Languages"
    row_form = LanguageRowForm
    duplicate_column = "code"
    columns = (
        ImportColumn("code", "Code", required=True, example="xq"),
        ImportColumn("name", "Name", required=True, example="Test language"),
        ImportColumn("since", "Since", date=True),
        ImportColumn("speakers", "Speakers"),
    )

    def __init__(self):
        self.saved: list[str] = []

    def may_use(self, actor) -> bool:
        return bool(getattr(actor, "is_authenticated", False))

    def row_key(self, cleaned) -> tuple:
        return (cleaned["code"].lower(),)

    def row_check_permission(self, actor, cleaned) -> None:
        if cleaned["code"].startswith("no"):
            raise ValidationError({"code": "You may not register this one."})

    def row_save(self, actor, cleaned) -> Language:
        if cleaned["name"] == "crash":
            raise RuntimeError("the service broke")
        self.saved.append(cleaned["code"])
        return language_register(actor=actor, code=cleaned["code"], name=cleaned["name"])


def run(content: bytes, *, commit: bool = False, importer=None, **kwargs):
    return import_run(
        importer=importer or LanguageImporter(), actor=SYSTEM, file=content, commit=commit, **kwargs
    )


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def codes() -> set[str]:
    return set(Language.objects.filter(code__startswith="x").values_list("code", flat=True))


# --- reading files ---------------------------------------------------------------------------


def test_a_good_csv_imports_every_row():
    # given a CSV with two valid rows
    content = b"code,name\nxa,Alpha\nxb,Beta\n"
    # when it is imported
    report = run(content, commit=True)
    # then both are saved, and the report lists them as imported with their sheet rows
    assert report.committed and report.ok
    assert [(row.number, row.status) for row in report.rows] == [
        (2, RowStatus.IMPORTED),
        (3, RowStatus.IMPORTED),
    ]
    assert codes() == {"xa", "xb"}


def test_a_dry_run_checks_every_row_and_saves_nothing():
    # given a valid file
    content = b"code,name\nxa,Alpha\nxb,Beta\n"
    # when it is checked only
    report = run(content, commit=False)
    # then every row passed through the service, and nothing was left behind
    assert report.ok and not report.committed and report.dry_run
    assert {row.status for row in report.rows} == {RowStatus.VALID}
    assert codes() == set()


def test_utf8_with_a_byte_order_mark_semicolons_and_persian_digits_are_read():
    # given a spreadsheet's CSV: a BOM, semicolons, Persian digits in a number and a Solar date
    content = "\ufeffcode;name;since;speakers\nxa;آلفا;۱۴۰۳/۰۱/۱۵;۱۲۰\n".encode()
    importer = LanguageImporter()
    # when it is checked by a visitor of the Solar calendar
    report = run(content, importer=importer, calendar="solar")
    # then the row is valid: the header was found and the values were understood
    assert report.ok, report.rows[0].errors
    assert report.rows[0].values == {
        "code": "xa",
        "name": "آلفا",
        "since": "۱۴۰۳/۰۱/۱۵",
        "speakers": "۱۲۰",
    }


def test_columns_may_come_in_any_order_and_be_named_by_their_title():
    # given the columns in another order, one named by its title
    content = b"Name,code\nAlpha,xa\n"
    # when it is imported
    report = run(content, commit=True)
    # then the row is read by its header
    assert report.committed
    assert Language.objects.get(code="xa").name == "Alpha"


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    content = b"code,name\n\nxa,Alpha\n,\nxb,\n"
    report = run(content)
    assert [row.number for row in report.rows] == [3, 5]
    assert report.rows[1].errors[0].column == "name"


def test_an_xlsx_workbook_is_read_with_its_numbers_and_dates():
    # given an XLSX with a number cell and a real date cell
    import datetime

    content = xlsx(
        [["code", "name", "since", "speakers"], ["xa", "Alpha", datetime.date(2024, 3, 1), 12]]
    )
    # when it is imported by a visitor of the Solar calendar
    report = run(content, commit=True, calendar="solar")
    # then the date cell is read as the date it is, and the row is saved
    assert report.committed, report.rows[0].errors
    assert report.rows[0].values["since"] == "2024-03-01"
    assert codes() == {"xa"}


# --- one bad row imports nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "This field is required."), ("fa", "این مقدار لازم است.")],
)
def test_one_bad_row_imports_nothing_and_names_its_row_and_column(language, message):
    # given three rows, the second without a name
    content = b"code,name\nxa,Alpha\nxb,\nxc,Gamma\n"
    # when it is imported in the visitor's language
    with translation.override(language):
        report = run(content, commit=True)
    # then nothing is saved, and the report names row 3 (the header is row 1) and its column
    assert not report.committed and codes() == set()
    assert [row.number for row in report.error_rows] == [3]
    error = report.error_rows[0].errors[0]
    assert (error.column, error.title, error.message) == ("name", "Name", message)
    assert [row.status for row in report.rows] == [
        RowStatus.VALID,
        RowStatus.INVALID,
        RowStatus.VALID,
    ]


def test_every_bad_row_is_listed_not_only_the_first():
    content = b"code,name,speakers\nxa,,1\nxb,Beta,-4\nxc,Gamma,many\n"
    with translation.override("en"):
        report = run(content)
    assert [(row.number, [error.column for error in row.errors]) for row in report.error_rows] == [
        (2, ["name"]),
        (3, ["speakers"]),
        (4, ["speakers"]),
    ]


def test_a_row_repeated_in_the_file_is_an_error_naming_the_first():
    content = b"code,name\nxa,Alpha\nXA,Again\n"
    with translation.override("en"):
        report = run(content, commit=True)
    assert not report.committed and codes() == set()
    assert report.error_rows[0].number == 3
    assert report.error_rows[0].errors[0].message == "This row repeats row 2 of the file."


def test_a_refused_row_is_reported_on_its_column():
    content = b"code,name\nxa,Alpha\nnop,Refused\n"
    report = run(content, commit=True)
    assert not report.committed and codes() == set()
    assert (report.error_rows[0].number, report.error_rows[0].errors[0].column) == (3, "code")


def test_what_the_service_refuses_is_found_by_the_dry_run():
    # given a row the form accepts but the model refuses (the code is taken)
    content = b"code,name\nxa,Alpha\nfa,Persian again\n"
    # when it is checked
    report = run(content)
    # then the service's refusal is on the row's column, and nothing was left behind
    assert [(row.number, row.errors[0].column) for row in report.error_rows] == [(3, "code")]
    assert codes() == set()


# --- all or nothing at commit time -------------------------------------------------------------


def test_a_service_failing_in_the_middle_of_the_commit_rolls_everything_back():
    # given four rows; the service breaks on the third
    content = b"code,name\nxa,Alpha\nxb,Beta\nxc,crash\nxd,Delta\n"
    importer = LanguageImporter()
    # when the file is committed
    report = run(content, commit=True, importer=importer)
    # then the first two rows went through the service, but nothing is saved
    assert importer.saved == ["xa", "xb"]
    assert not report.committed and codes() == set()
    # and the report names the row that failed; the rest were not checked
    assert report.failed_row == 4
    assert [(row.number, row.status) for row in report.rows] == [
        (2, RowStatus.VALID),
        (3, RowStatus.VALID),
        (4, RowStatus.INVALID),
        (5, RowStatus.UNCHECKED),
    ]


def test_the_import_may_be_used_only_by_whom_the_importer_allows():
    with pytest.raises(PermissionDenied):
        import_run(importer=LanguageImporter(), actor=None, file=b"code,name\n", commit=False)


# --- bad files ---------------------------------------------------------------------------------


def file_errors(content: bytes) -> list[str]:
    with translation.override("en"):
        report = run(content, commit=True)
    assert not report.committed and not report.rows and codes() == set()
    return report.file_errors


def test_binary_junk_is_refused_with_a_clear_message():
    errors = file_errors(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    assert errors == [
        "This file is neither an XLSX workbook nor a CSV text in UTF-8. Save the spreadsheet as "
        "XLSX, or as CSV with UTF-8 encoding, and upload it again."
    ]


def test_text_in_another_encoding_is_refused():
    errors = file_errors("code,name\nxa,آلفا\n".encode("cp1256"))
    assert errors[0].startswith("This file is neither an XLSX workbook nor a CSV text in UTF-8.")


def test_an_old_excel_file_is_refused_by_name():
    errors = file_errors(imports.XLS_MAGIC + b"\x00" * 100)
    assert errors == [
        "This is an old Excel file (.xls). Save it as XLSX or as CSV (UTF-8) and upload it."
    ]


def test_a_damaged_xlsx_is_refused():
    errors = file_errors(b"PK\x03\x04" + b"not really a zip" * 10)
    assert errors == [
        "This XLSX workbook cannot be read. Open it, save it again as XLSX and upload it."
    ]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n", b",,,\n,,\n"])
def test_an_empty_file_is_refused(content):
    assert file_errors(content) == ["The file is empty."]


def test_a_header_without_rows_is_refused():
    assert file_errors(b"code,name\n") == ["The file has a header but no rows below it."]


def test_a_file_without_a_header_is_refused():
    errors = file_errors(b"xa,Alpha\nxb,Beta\n")
    assert errors == [
        "The first row must name the columns; none of its cells does. The columns are: "
        "code, name, since, speakers."
    ]


def test_unknown_missing_and_repeated_columns_are_all_named():
    errors = file_errors(b"code,colour,code,size\nxa,red,xb,1\n")
    assert errors == [
        "Unknown columns: “colour”, “size”. The columns are: code, name, since, speakers.",
        "Columns named more than once: “code”.",
        "Required columns missing: “Name (name)”.",
    ]


def test_too_many_rows_are_refused(settings):
    settings.HAMAFZA_IMPORT_MAX_ROWS = 3
    content = b"code,name\n" + b"".join(f"x{n},N{n}\n".encode() for n in range(4))
    assert file_errors(content) == ["The file has more than 3 rows. Split it into smaller files."]


def test_a_file_too_large_is_refused(settings):
    settings.HAMAFZA_IMPORT_MAX_BYTES = 100
    content = b"code,name\n" + b"xa,Alpha\n" * 20
    assert file_errors(content) == [
        "The file is 190\xa0bytes; the largest accepted is 100\xa0bytes."
    ]


def test_a_csv_with_a_broken_quote_is_refused():
    content = b'code,name\nxa,"Alpha\n' + b"x" * 200_000
    errors = file_errors(content)
    assert errors == ["The CSV file cannot be read from row 2 on. Check its quotes there."]


def test_formulas_in_an_xlsx_are_refused_on_their_cells():
    # given an XLSX whose name is a formula
    content = xlsx([["code", "name"], ["xa", '=CONCAT("Al","pha")'], ["xb", "Beta"]])
    # when it is imported
    with translation.override("en"):
        report = run(content, commit=True)
    # then the formula's cell is the error; nothing is saved
    assert not report.committed and codes() == set()
    assert [
        (row.number, row.errors[0].column, row.errors[0].message) for row in report.error_rows
    ] == [(2, "name", "A formula is not accepted here; type the value itself.")]


def test_our_exports_guard_against_formulas_is_undone_on_import():
    content = b"code,name\nxa,'=not a formula\n"
    report = run(content, commit=True)
    assert report.committed
    assert Language.objects.get(code="xa").name == "=not a formula"


# --- templates ---------------------------------------------------------------------------------


def test_the_csv_template_has_the_header_and_an_example_row():
    import csv

    response = import_template_response(LanguageImporter(), "csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["code", "name", "since", "speakers"],
        ["xq", "Test language", "", ""],
    ]


def test_the_xlsx_template_is_read_back_by_the_import():
    response = import_template_response(LanguageImporter(), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["code", "name", "since", "speakers"],
        ["xq", "Test language", None, None],
    ]
    assert run(response.content).ok


# --- files kept between the dry run and the confirmation ---------------------------------------


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.HAMAFZA_IMPORT_DIR = tmp_path / "imports"
    return settings.HAMAFZA_IMPORT_DIR


def test_a_kept_file_is_found_by_its_user_only(import_dir, django_user_model):
    owner = django_user_model.objects.create(username="owner")
    other = django_user_model.objects.create(username="other")
    upload = SimpleUploadedFile("languages.csv", b"code,name\nxa,Alpha\n")
    token = import_upload_keep(file=upload, user=owner, kind="languages")
    kept = import_upload_get(token=token, user=owner)
    assert (kept.kind, kept.name, kept.path.read_bytes()) == (
        "languages",
        "languages.csv",
        b"code,name\nxa,Alpha\n",
    )
    assert import_upload_get(token=token, user=other) is None
    import_upload_discard(token)
    assert import_upload_get(token=token, user=owner) is None
    assert list(import_dir.iterdir()) == []


def test_a_kept_file_is_claimed_for_one_commit_only(import_dir, django_user_model):
    # Given a kept file
    owner = django_user_model.objects.create(username="owner")
    upload = SimpleUploadedFile("languages.csv", b"code,name\nxa,Alpha\n")
    token = import_upload_keep(file=upload, user=owner, kind="languages")
    # When two confirmations (a double click) claim it
    first = imports.import_upload_claim(token=token, user=owner)
    second = imports.import_upload_claim(token=token, user=owner)
    # Then only the first gets it, and discarding it leaves nothing behind
    assert first is not None and first.path.read_bytes() == b"code,name\nxa,Alpha\n"
    assert second is None
    import_upload_discard(token)
    assert list(import_dir.iterdir()) == []


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "a" * 20, "x" * 31 + "/"])
def test_a_token_that_could_not_be_ours_finds_nothing(import_dir, django_user_model, token):
    user = django_user_model.objects.create(username="owner")
    assert import_upload_get(token=token, user=user) is None


def test_kept_files_go_after_a_day(import_dir, django_user_model, monkeypatch):
    user = django_user_model.objects.create(username="owner")
    token = import_upload_keep(
        file=SimpleUploadedFile("a.csv", b"code,name\n"), user=user, kind="languages"
    )
    later = time.time() + imports.UPLOAD_MAX_AGE_SECONDS + 60
    monkeypatch.setattr(imports.time, "time", lambda: later)
    assert import_upload_get(token=token, user=user) is None
    token = import_upload_keep(
        file=SimpleUploadedFile("b.csv", b"code,name\n"), user=user, kind="languages"
    )
    assert import_uploads_purge(now=later + imports.UPLOAD_MAX_AGE_SECONDS + 60) == 1
    assert list(import_dir.iterdir()) == []


def test_a_workbook_that_claims_a_huge_sheet_is_read_quickly():
    # Given a small XLSX whose one far cell makes the sheet claim 200,000 rows × 16,000 columns
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["code", "name"])
    sheet.append(["xa", "Alpha"])
    sheet.cell(row=200_000, column=16_000, value="far")
    buffer = io.BytesIO()
    workbook.save(buffer)

    # When it is read
    started = time.monotonic()
    report = run(buffer.getvalue())

    # Then the reader stops where the data ends, in well under a second
    assert time.monotonic() - started < 5
    assert [row.number for row in report.rows] == [2]
