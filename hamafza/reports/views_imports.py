"""Bulk import pages, under /reports/import/.

The visitor chooses what to import, downloads its template, and uploads a file: the page
answers with the dry run, every row's errors by row and column. When every row is valid the
file waits on the server (bound to the visitor, for a day at most) and a button confirms it;
the confirmation checks every row again and saves all of them or none.

Signed-in users only; each importer says who may use it, and each row is checked against the
policies again (``hamafza.reports.importers``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hamafza.core.imports import (
    import_run,
    import_template_response,
    import_upload_claim,
    import_upload_discard,
    import_upload_keep,
)
from hamafza.core.text import digits_localize
from hamafza.reports.forms_imports import ImportUploadForm
from hamafza.reports.importers import importer_get, importers_for

# The dry run's page lists this many rows with errors; the count says how many there are.
ERROR_ROWS_SHOWN = 500


def _importers(request) -> list:
    importers = importers_for(request.user)
    if not importers:
        raise PermissionDenied(_("You may not import anything."))
    return importers


def _importer(request, kind: str):
    importer = importer_get(kind)
    if importer is None:
        raise Http404(_("Nothing is imported by this name."))
    if not importer.may_use(request.user):
        raise PermissionDenied
    return importer


def _run(request, importer, file, *, commit: bool):
    return import_run(
        importer=importer,
        actor=request.user,
        file=file,
        commit=commit,
        calendar=getattr(request, "calendar", None),
        region=getattr(request, "lunar_region", None),
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    """Choose, download the template, upload: a POST answers with the dry run."""
    importers = _importers(request)
    asked = request.GET.get("kind", "")
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        importers=importers,
        initial={"kind": asked if asked in {i.kind for i in importers} else importers[0].kind},
    )
    if request.method == "POST" and form.is_valid():
        importer = form.cleaned_data["kind"]
        upload = form.cleaned_data["file"]
        report = _run(request, importer, upload, commit=False)
        token = None
        if report.ok:
            token = import_upload_keep(file=upload, user=request.user, kind=importer.kind)
        return _result(request, importer, report, token=token, name=upload.name)
    context = {
        "form": form,
        "importers": importers,
        "max_rows": settings.HAMAFZA_IMPORT_MAX_ROWS,
    }
    return render(request, "reports/import.html", context)


def _result(request, importer, report, *, token: str | None, name: str):
    rows = report.error_rows
    context = {
        "importer": importer,
        "report": report,
        "token": token,
        "name": name,
        "error_rows": rows[:ERROR_ROWS_SHOWN],
        "error_rows_hidden": max(0, len(rows) - ERROR_ROWS_SHOWN),
        "valid_count": len(report.rows) - len(rows),
    }
    return render(request, "reports/import_result.html", context)


@login_required
@require_GET
def import_template(request, kind: str, fmt: str):
    """The importer's template: the header and one example row."""
    return import_template_response(_importer(request, kind), fmt)


@login_required
@require_POST
def import_commit(request, token: str):
    """Import the file kept after a clean dry run: every row is checked again, and all of them
    are saved or none. The file is deleted either way."""
    upload = import_upload_claim(token=token, user=request.user)
    if upload is None:
        raise Http404(_("This upload is no longer kept; upload the file again."))
    try:
        importer = _importer(request, upload.kind)
        with upload.path.open("rb") as file:
            report = _run(request, importer, file, commit=True)
    finally:
        import_upload_discard(upload.token)
    if report.committed:
        count = len(report.rows)
        messages.success(
            request,
            ngettext(
                "%(count)s row of “%(name)s” was imported.",
                "%(count)s rows of “%(name)s” were imported.",
                count,
            )
            % {"count": digits_localize(str(count), get_language()), "name": upload.name},
        )
        return redirect(f"{reverse('reports:import')}?kind={importer.kind}")
    return _result(request, importer, report, token=None, name=upload.name)
