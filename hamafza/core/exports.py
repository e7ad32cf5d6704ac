"""Lists as files: CSV (UTF-8 with a byte-order mark, so spreadsheets read Persian and
Arabic right) and XLSX (right-to-left sheets for fa/ar). One call for every list.

    columns = [Column(_("Code"), lambda a: a.code), Column(_("Expires"), lambda a: a.expires_on)]
    return export_response(rows, columns, fmt="xlsx", name="agreements")

Rows are read in chunks from a queryset (``iterator``) or any iterable; values
are written as they are (dates stay dates in XLSX, ISO text in CSV).
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language_bidi

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Spreadsheet programs run text starting with these as formulas: such cells are
# written with a leading apostrophe (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    title: Any  # a (lazy) translated string
    value: Callable[[Any], Any]


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (date, int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _rows(rows: Iterable[Any], columns: list[Column]):
    if hasattr(rows, "iterator") and not getattr(rows, "_prefetch_related_lookups", ()):
        rows = rows.iterator(chunk_size=2000)
    for row in rows:
        yield [_plain(column.value(row)) for column in columns]


class _Echo:
    def write(self, value):
        return value


def _csv_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def export_response(rows: Iterable[Any], columns: list[Column], *, fmt: str, name: str):
    """An attachment response with ``rows`` as CSV or XLSX; an unknown format is a 404."""
    if fmt not in FORMATS:
        raise Http404
    stamp = timezone.localdate().isoformat()
    filename = f"{name}-{stamp}.{fmt}"
    titles = [str(column.title) for column in columns]
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff" + writer.writerow(titles)
            for values in _rows(rows, columns):
                yield writer.writerow([_csv_value(v) for v in values])

        response = StreamingHttpResponse(lines(), content_type=FORMATS["csv"])
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=name[:31])
        sheet.sheet_view.rightToLeft = bool(get_language_bidi())
        sheet.append(titles)
        for values in _rows(rows, columns):
            sheet.append(values)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
