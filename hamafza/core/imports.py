"""Bulk import: a spreadsheet read into rows, each row checked like a form and saved through
the app's service, every row or none.

We do not use django-import-export: its resources write rows through the model's ``save()``,
which would skip the services (the one write path of every action) and the policies
(docs/decisions/0011). An ``Importer`` here declares

- ``columns``: the spreadsheet's columns (key, translated title, required, help, example);
- ``row_form``: a Django form that validates one row, so that errors come out field by field
  in the visitor's language (apps' own forms, subclassed, wherever they exist);
- ``row_check_permission(actor, cleaned)``: the policy, asked for the row's organization;
- ``row_save(actor, cleaned)``: the app's service.

``import_run`` reads the file (CSV in UTF-8 with ``,`` or ``;``, or XLSX), checks every row and
saves the valid ones inside one ``transaction.atomic()``, each in a savepoint, so that the
services' own refusals (a duplicate already registered, a point outside its country) and rows
that name rows saved earlier in the same file are found by the dry run too. The transaction is
committed only when ``commit`` is set and no row failed; otherwise it is rolled back and
nothing is left behind. The report lists every row with its number as the spreadsheet shows
it (the header is row 1), its status and its errors per column.

Between the dry run and the confirmation the uploaded file waits on the server
(``HAMAFZA_IMPORT_DIR``), under a random token bound to the user, for a day at most.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import logging
import re
import secrets
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from hamafza.core.calendars import Calendar
from hamafza.core.exports import FORMULA_STARTS, Column, export_response
from hamafza.core.forms import MultiCalendarDateField
from hamafza.core.text import digits_localize, digits_to_ascii, normalize

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Excel format (OLE2)
# Several values in one cell ("fa, ar"): commas (Latin or Arabic), semicolons, bars, lines.
MANY_SEPARATORS = re.compile(r"[,،;|\n]+")
# A date cell whose year is this or later is Gregorian, whatever the visitor's calendar:
# Solar and lunar Hijri years are below 1500 for centuries to come.
GREGORIAN_YEARS_FROM = 1700
CSV_FIELD_LIMIT = 100_000


# --- columns and importers ---------------------------------------------------------------------


@dataclass(frozen=True)
class ImportColumn:
    """One column of an import's spreadsheet.

    ``key`` is what the template's header says (headers may also use the column's title in any
    of the site's languages). ``field`` names the row form's field when it is not the key.
    ``many``: several values in one cell, separated by commas. ``date``: a date typed in the
    visitor's calendar (or a Gregorian one, or a spreadsheet date). ``choices``: (value, label)
    pairs, or a function returning them; a cell may hold the value or the label in any site
    language.
    """

    key: str
    title: Any
    required: bool = False
    help: Any = ""
    example: Any = ""
    field: str = ""
    many: bool = False
    date: bool = False
    choices: Any = None

    @property
    def form_field(self) -> str:
        return self.field or self.key

    @property
    def choices_listed(self) -> list:
        """Fixed choices, to list beside the column; none for choices read from the database."""
        return [] if callable(self.choices) or not self.choices else list(self.choices)


class Importer:
    """What one kind of import reads and how it writes; subclasses fill it in.

    ``error_columns`` maps a form's or a service's field name to the column its errors go on,
    where the names differ; errors of no column are the row's.
    """

    kind: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    who: ClassVar[Any] = ""  # who may use it, said to the visitor
    columns: ClassVar[tuple[ImportColumn, ...]] = ()
    row_form: ClassVar[type[forms.BaseForm]] = forms.Form
    error_columns: ClassVar[dict[str, str]] = {}
    duplicate_column: ClassVar[str] = ""

    def may_use(self, actor) -> bool:
        """Whether ``actor`` may import this kind at all (each row is checked again)."""
        return False

    def form_for(self, data: dict, *, context: ImportContext) -> forms.BaseForm:
        return self.row_form(data=data)

    def row_cleaned(self, form: forms.BaseForm) -> dict:
        """What ``row_check_permission`` and ``row_save`` receive from a valid form."""
        return form.cleaned_data

    def row_key(self, cleaned: dict) -> tuple | None:
        """Two rows with the same key are the same record named twice in the file."""
        return None

    def row_check_permission(self, actor, cleaned: dict) -> None:
        """Raise ``PermissionDenied`` or a ``ValidationError`` naming the column."""
        raise PermissionDenied

    def row_save(self, actor, cleaned: dict) -> Any:
        raise NotImplementedError

    def column_of(self, name: str) -> str:
        """The column a form's or service's field name stands for; "" for the whole row."""
        if name in self.error_columns:
            return self.error_columns[name]
        for column in self.columns:
            if name in (column.form_field, column.key):
                return column.key
        return ""

    def column_title(self, key: str) -> str:
        for column in self.columns:
            if column.key == key:
                return str(column.title)
        return ""


@dataclass
class ImportContext:
    """What every row of one run shares: who imports, their calendar, and lookups made once."""

    actor: Any
    calendar: str | None = None
    region: str | None = None
    cache: dict = field(default_factory=dict)

    def remembered(self, key, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


# --- the report --------------------------------------------------------------------------------


class RowStatus(models.TextChoices):
    VALID = "valid", gettext_lazy("Ready")
    INVALID = "invalid", gettext_lazy("Has errors")
    IMPORTED = "imported", gettext_lazy("Imported")
    UNCHECKED = "unchecked", gettext_lazy("Not checked")


@dataclass
class RowError:
    column: str  # the column's key; "" for the whole row
    title: str  # the column's title in the visitor's language
    message: str


@dataclass
class ImportRow:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict[str, str]
    status: str = RowStatus.VALID
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def status_label(self) -> str:
        return str(RowStatus(self.status).label)


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    committed: bool = False
    failed_row: int | None = None  # the row whose save stopped the import, if one did

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def error_count(self) -> int:
        return len(self.error_rows)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "committed": self.committed,
            "ok": self.ok,
            "rows_total": len(self.rows),
            "rows_with_errors": self.error_count,
            "failed_row": self.failed_row,
            "file_errors": list(self.file_errors),
            "rows": [
                {
                    "row": row.number,
                    "status": row.status,
                    "errors": [
                        {"column": error.column, "title": error.title, "message": error.message}
                        for error in row.errors
                    ],
                }
                for row in self.rows
            ],
        }


class ImportFileError(Exception):
    """The file as a whole cannot be imported; ``messages`` say why, to the visitor."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


# --- reading the file --------------------------------------------------------------------------


@dataclass
class SheetRow:
    number: int
    cells: dict[str, Any]  # column key → text, or a date from a spreadsheet's date cell
    formulas: set[str] = field(default_factory=set)


def _listed(names) -> str:
    separator = pgettext("list separator", ", ")
    return separator.join(f"“{name}”" for name in names)


def _number(value: int) -> str:
    return digits_localize(str(value), get_language())


def _read_bytes(file, limit: int) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ImportFileError(_too_large(size, limit))
    if hasattr(file, "seek"):
        with contextlib.suppress(OSError, ValueError):
            file.seek(0)
    data = file if isinstance(file, bytes) else file.read(limit + 1)
    if len(data) > limit:
        raise ImportFileError(_too_large(len(data), limit))
    return data


def _too_large(size: int, limit: int) -> str:
    return _("The file is %(size)s; the largest accepted is %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def _not_a_table() -> str:
    return _(
        "This file is neither an XLSX workbook nor a CSV text in UTF-8. Save the spreadsheet as "
        "XLSX, or as CSV with UTF-8 encoding, and upload it again."
    )


RawRow = tuple[int, list, set]


def _csv_rows(data: bytes) -> Iterator[RawRow]:
    if b"\x00" in data:
        raise ImportFileError(_not_a_table())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(_not_a_table()) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    previous_limit = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        number = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ImportFileError(
                    _("The CSV file cannot be read from row %(row)s on. Check its quotes there.")
                    % {"row": _number(number + 1)}
                ) from error
            number += 1
            yield number, values, set()
    finally:
        csv.field_size_limit(previous_limit)


# Bounds on what a file may make the reader walk, whatever it claims: columns read from an
# XLSX row, blank rows in a row taken as the end of the data, and blank rows in all.
MAX_COLUMNS = 200
BLANK_ROWS_END = 1000
BLANK_ROWS_ALLOWED = 10_000


def _xlsx_unreadable() -> str:
    return _("This XLSX workbook cannot be read. Open it, save it again as XLSX and upload it.")


def _xlsx_rows(data: bytes) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # a damaged or foreign zip fails in many ways inside openpyxl
        raise ImportFileError(_xlsx_unreadable()) from error
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        # A sheet may claim any size: openpyxl pads every row to the widest one and yields
        # every empty row up to the claimed end. Columns are capped here, rows in _sheet_rows.
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            values, formulas = [], set()
            for index, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f":
                    formulas.add(index)
                values.append(cell.value)
            yield number, values, formulas
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(_xlsx_unreadable()) from error
    finally:
        workbook.close()


def _cell(value: Any) -> Any:
    """A cell as the forms read it: text, or a date kept as a date (a spreadsheet's date)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, datetime.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    # Our exports guard text that spreadsheets would run as a formula with an apostrophe.
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        text = text[1:]
    return text


def _blank(values: list) -> bool:
    return all(_cell(value) == "" for value in values)


def _header_lookup(columns: Sequence[ImportColumn]) -> dict[str, str]:
    """Header text (normalized) → column key: the key itself, or the title in any language."""
    lookup: dict[str, str] = {}
    for column in columns:
        lookup[normalize(column.key)] = column.key
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for column in columns:
                lookup.setdefault(normalize(str(column.title)), column.key)
    return lookup


def sheet_read(file, *, columns: Sequence[ImportColumn]) -> list[SheetRow]:
    """The rows of an uploaded CSV or XLSX file below its header, keyed by column.

    Raises ``ImportFileError`` for a file that cannot be imported at all: too large, empty,
    not CSV/XLSX, without a header naming the columns, with unknown, missing or repeated
    columns, or with more rows than ``HAMAFZA_IMPORT_MAX_ROWS``. Blank rows are skipped.
    """
    data = _read_bytes(file, settings.HAMAFZA_IMPORT_MAX_BYTES)
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise ImportFileError(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        raw = _xlsx_rows(data)
    elif data.startswith(XLS_MAGIC):
        raise ImportFileError(
            _("This is an old Excel file (.xls). Save it as XLSX or as CSV (UTF-8) and upload it.")
        )
    else:
        raw = _csv_rows(data)
    with contextlib.closing(raw):
        return _sheet_rows(raw, columns)


def _sheet_rows(raw: Iterator[RawRow], columns: Sequence[ImportColumn]) -> list[SheetRow]:
    limit = settings.HAMAFZA_IMPORT_MAX_ROWS
    header: dict[int, str] | None = None
    rows: list[SheetRow] = []
    blank_run = 0
    for number, values, formulas in raw:
        if _blank(values):
            blank_run += 1
            if blank_run >= BLANK_ROWS_END:
                break  # the data has ended; what follows is a sheet's claimed, empty size
            if number > limit + BLANK_ROWS_ALLOWED:
                raise ImportFileError(
                    _("The file has more than %(limit)s rows. Split it into smaller files.")
                    % {"limit": _number(limit)}
                )
            continue
        blank_run = 0
        if header is None:
            header = _header_read(values, columns)
            continue
        if len(rows) >= limit:
            raise ImportFileError(
                _("The file has more than %(limit)s rows. Split it into smaller files.")
                % {"limit": _number(limit)}
            )
        cells = {key: _cell(values[index]) for index, key in header.items() if index < len(values)}
        rows.append(
            SheetRow(
                number=number,
                cells=cells,
                formulas={header[index] for index in formulas if index in header},
            )
        )
    if header is None:
        raise ImportFileError(_("The file is empty."))
    if not rows:
        raise ImportFileError(_("The file has a header but no rows below it."))
    return rows


def _header_read(values: list, columns: Sequence[ImportColumn]) -> dict[int, str]:
    """Column index → key from the header row, or every problem with the header at once."""
    lookup = _header_lookup(columns)
    header: dict[int, str] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, value in enumerate(values):
        text = str(_cell(value)).strip()
        if not text:
            continue
        key = lookup.get(normalize(text))
        if key is None:
            unknown.append(text)
        elif key in header.values():
            repeated.append(text)
        else:
            header[index] = key
    keys = ", ".join(column.key for column in columns)
    if not header:
        raise ImportFileError(
            _(
                "The first row must name the columns; none of its cells does. The columns are: "
                "%(columns)s."
            )
            % {"columns": keys}
        )
    problems = []
    if unknown:
        problems.append(
            _("Unknown columns: %(names)s. The columns are: %(columns)s.")
            % {"names": _listed(unknown), "columns": keys}
        )
    if repeated:
        problems.append(
            _("Columns named more than once: %(names)s.") % {"names": _listed(repeated)}
        )
    missing = [
        f"{column.title} ({column.key})"
        for column in columns
        if column.required and column.key not in header.values()
    ]
    if missing:
        problems.append(_("Required columns missing: %(names)s.") % {"names": _listed(missing)})
    if problems:
        raise ImportFileError(*problems)
    return header


# --- checking and saving rows ------------------------------------------------------------------


def _choice_lookup(column: ImportColumn, context: ImportContext) -> dict[str, str]:
    def build() -> dict[str, str]:
        pairs = list(column.choices() if callable(column.choices) else column.choices)
        lookup = {normalize(str(value)): str(value) for value, _label in pairs}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for value, label in pairs:
                    lookup.setdefault(normalize(str(label)), str(value))
        return lookup

    return context.remembered(("choices", column.key), build)


def _date_input(value: Any) -> tuple[str, str]:
    """(text, calendar) for a date cell: a spreadsheet date or a Gregorian year is Gregorian;
    anything else is read in the visitor's calendar (an empty calendar)."""
    if isinstance(value, datetime.date):
        return value.isoformat(), Calendar.GREGORIAN
    text = str(value)
    year = re.search(r"\d{4}", digits_to_ascii(text))
    if year and int(year.group()) >= GREGORIAN_YEARS_FROM:
        return text, Calendar.GREGORIAN
    return text, ""


def _form_data(columns: Sequence[ImportColumn], cells: dict, context: ImportContext) -> dict:
    data: dict[str, Any] = {}
    for column in columns:
        value = cells.get(column.key, "")
        name = column.form_field
        if column.date:
            data[name], calendar = _date_input(value)
            if calendar:
                data[f"{name}_calendar"] = calendar
            continue
        text = str(value)
        lookup = _choice_lookup(column, context) if column.choices else None
        if column.many:
            parts = [part.strip() for part in MANY_SEPARATORS.split(text) if part.strip()]
            data[name] = [lookup.get(normalize(part), part) if lookup else part for part in parts]
        else:
            data[name] = lookup.get(normalize(text), text) if lookup and text else text
    return data


def _shown(cells: dict) -> dict[str, str]:
    return {
        key: (value.isoformat() if hasattr(value, "isoformat") else str(value))
        for key, value in cells.items()
    }


def _add(row: ImportRow, importer: Importer, name: str, message: str) -> None:
    column = "" if name in ("", None, NON_FIELD_ERRORS) else importer.column_of(name)
    row.errors.append(RowError(column, importer.column_title(column) if column else "", message))
    row.status = RowStatus.INVALID


def _add_error(row: ImportRow, importer: Importer, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for message in ValidationError(errors).messages:
                _add(row, importer, name, message)
    elif isinstance(error, ValidationError):
        for message in error.messages:
            _add(row, importer, "", message)
    else:
        _add(row, importer, "", str(error) or _("You do not have permission to do this."))


def _row_check(
    importer: Importer, sheet_row: SheetRow, row: ImportRow, context: ImportContext, seen: dict
) -> dict | None:
    """The row's cleaned values, or None with its errors on ``row``."""
    for key in sorted(sheet_row.formulas):
        _add(row, importer, key, _("A formula is not accepted here; type the value itself."))
    form = importer.form_for(
        _form_data(importer.columns, sheet_row.cells, context), context=context
    )
    for form_field in form.fields.values():
        if isinstance(form_field, MultiCalendarDateField):
            form_field.calendar = context.calendar
            form_field.region = context.region
    if not form.is_valid():
        for name, messages in form.errors.items():
            for message in messages:
                _add(row, importer, name, message)
    if not row.ok:
        return None
    cleaned = importer.row_cleaned(form)
    key = importer.row_key(cleaned)
    if key is not None:
        if key in seen:
            _add(
                row,
                importer,
                importer.duplicate_column,
                _("This row repeats row %(row)s of the file.") % {"row": _number(seen[key])},
            )
            return None
        seen[key] = row.number
    try:
        importer.row_check_permission(context.actor, cleaned)
    except (PermissionDenied, ValidationError) as error:
        _add_error(row, importer, error)
        return None
    return cleaned


def import_run(
    *,
    importer: Importer,
    actor,
    file,
    commit: bool,
    calendar: str | None = None,
    region: str | None = None,
) -> ImportReport:
    """Check every row of ``file`` and, with ``commit``, save them all or none.

    Rows are saved through the importer's service inside one transaction, each in a savepoint,
    for the dry run too (then rolled back), so that the dry run finds what the services refuse.
    Raises ``PermissionDenied`` when ``actor`` may not use the importer at all; anything wrong
    with the file or a row is in the report.
    """
    if not importer.may_use(actor):
        raise PermissionDenied(_("You do not have permission to do this."))
    report = ImportReport(kind=importer.kind, dry_run=not commit)
    try:
        sheet = sheet_read(file, columns=importer.columns)
    except ImportFileError as error:
        report.file_errors = error.messages
        return report
    context = ImportContext(actor=actor, calendar=calendar, region=region)
    keep = False
    try:
        with transaction.atomic():
            _rows_run(importer, sheet, report, context)
            keep = commit and report.ok
            if not keep:
                transaction.set_rollback(True)
    except DatabaseError:
        logger.exception("The import of %s could not be committed.", importer.kind)
        report.file_errors.append(_("The import could not be saved. Nothing was imported."))
        keep = False
    if keep:
        report.committed = True
        for row in report.rows:
            row.status = RowStatus.IMPORTED
    return report


def _rows_run(importer, sheet: list[SheetRow], report: ImportReport, context) -> None:
    seen: dict = {}
    for index, sheet_row in enumerate(sheet):
        row = ImportRow(number=sheet_row.number, values=_shown(sheet_row.cells))
        report.rows.append(row)
        cleaned = _row_check(importer, sheet_row, row, context, seen)
        if cleaned is None:
            continue
        try:
            with transaction.atomic():
                importer.row_save(context.actor, cleaned)
        except (ValidationError, PermissionDenied) as error:
            _add_error(row, importer, error)
        except DatabaseError:
            logger.exception("Row %s of an import of %s.", row.number, importer.kind)
            _add(row, importer, "", _("The database refused this row."))
        except Exception:
            # Whatever else a service raises stops the import: the rest is not checked and
            # the transaction is rolled back; the report names the row.
            logger.exception("Row %s of an import of %s.", row.number, importer.kind)
            _add(row, importer, "", _("This row could not be saved, so nothing was imported."))
            report.failed_row = row.number
            for rest in sheet[index + 1 :]:
                report.rows.append(
                    ImportRow(
                        number=rest.number, values=_shown(rest.cells), status=RowStatus.UNCHECKED
                    )
                )
            return


# --- templates ---------------------------------------------------------------------------------


def import_template_response(importer: Importer, fmt: str):
    """An empty spreadsheet for ``importer`` (CSV or XLSX): the header and one example row."""
    columns = [
        Column(column.key, lambda row, position=position: row[position])
        for position, column in enumerate(importer.columns)
    ]
    example = [str(column.example) for column in importer.columns]
    return export_response([example], columns, fmt=fmt, name=f"import-{importer.kind}")


# --- files kept between the dry run and the confirmation --------------------------------------

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
UPLOAD_MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class KeptUpload:
    token: str
    path: Path
    user_id: int
    kind: str
    name: str
    created: float


def _upload_dir() -> Path:
    directory = Path(settings.HAMAFZA_IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _paths(token: str) -> tuple[Path, Path]:
    directory = _upload_dir()
    return directory / f"{token}.data", directory / f"{token}.json"


def import_upload_keep(*, file, user, kind: str) -> str:
    """Keep an uploaded file for its user's confirmation; returns its token. Old files go."""
    import_uploads_purge()
    token = secrets.token_urlsafe(32)
    data_path, meta_path = _paths(token)
    limit = settings.HAMAFZA_IMPORT_MAX_BYTES
    written = 0
    with data_path.open("xb") as target:
        data_path.chmod(0o600)
        chunks = file.chunks() if hasattr(file, "chunks") else [file.read()]
        for chunk in chunks:
            written += len(chunk)
            if written > limit:
                break
            target.write(chunk)
    if written > limit:
        data_path.unlink(missing_ok=True)
        raise ImportFileError(_too_large(written, limit))
    meta = {
        "user": user.pk,
        "kind": kind,
        "name": str(getattr(file, "name", "") or "")[:200],
        "created": time.time(),
    }
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    meta_path.chmod(0o600)
    return token


def import_upload_get(*, token: str, user) -> KeptUpload | None:
    """The file kept under ``token`` for ``user``; None if unknown, expired or someone else's."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    data_path, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if time.time() - float(meta.get("created", 0)) > UPLOAD_MAX_AGE_SECONDS:
        import_upload_discard(token)
        return None
    if meta.get("user") != getattr(user, "pk", None) or not data_path.exists():
        return None
    return KeptUpload(
        token=token,
        path=data_path,
        user_id=meta["user"],
        kind=str(meta.get("kind", "")),
        name=str(meta.get("name", "")),
        created=float(meta["created"]),
    )


def import_upload_claim(*, token: str, user) -> KeptUpload | None:
    """The kept file, taken for one commit: a second request with the same token (a double
    click) gets None. The claim renames the file's record, which only one process can do."""
    upload = import_upload_get(token=token, user=user)
    if upload is None:
        return None
    _data_path, meta_path = _paths(token)
    try:
        meta_path.rename(meta_path.with_suffix(".claimed"))
    except FileNotFoundError:
        return None
    return upload


def import_upload_discard(token: str) -> None:
    if not TOKEN_PATTERN.match(token or ""):
        return
    data_path, meta_path = _paths(token)
    for path in (data_path, meta_path, meta_path.with_suffix(".claimed")):
        path.unlink(missing_ok=True)


def import_uploads_purge(*, now: float | None = None) -> int:
    """Delete kept files older than a day; returns how many uploads went."""
    now = time.time() if now is None else now
    gone = 0
    for path in _upload_dir().iterdir():
        try:
            old = now - path.stat().st_mtime > UPLOAD_MAX_AGE_SECONDS
        except OSError:
            continue
        if old and path.suffix in (".data", ".json", ".claimed"):
            path.unlink(missing_ok=True)
            gone += path.suffix == ".json"
    return gone
