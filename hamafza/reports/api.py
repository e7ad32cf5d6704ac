"""The reports API: bulk import (``POST /api/imports/<kind>/``, multipart, ``?dry_run=1``).

The same run as the import page (``hamafza.core.imports.import_run``): the file is checked row
by row; without ``dry_run`` every row is saved, or none. The answer is the report: every row
with its number as the spreadsheet shows it (the header is row 1), its status and its errors
per column, in the language the request asks for.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from hamafza.core.api import StrictInputMixin
from hamafza.core.imports import RowStatus, import_run
from hamafza.reports.importers import IMPORTERS, importer_get

DRY_RUN_VALUES = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


class ImportInputSerializer(StrictInputMixin, serializers.Serializer):
    file = serializers.FileField(
        help_text="A CSV file (UTF-8, with commas or semicolons) or an XLSX workbook; its first "
        "row names the columns (see the templates on /reports/import/)."
    )


class ImportErrorSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="The column's key; empty for the whole row.")
    title = serializers.CharField(help_text="The column's title in the request's language.")
    message = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="As the spreadsheet shows it: the header is row 1.")
    status = serializers.ChoiceField(choices=RowStatus.choices)
    errors = ImportErrorSerializer(many=True)


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    dry_run = serializers.BooleanField()
    committed = serializers.BooleanField(help_text="Whether the rows were saved.")
    ok = serializers.BooleanField(help_text="Whether every row is valid.")
    rows_total = serializers.IntegerField()
    rows_with_errors = serializers.IntegerField()
    failed_row = serializers.IntegerField(
        allow_null=True, help_text="The row whose save stopped the import, if one did."
    )
    file_errors = serializers.ListField(child=serializers.CharField())
    rows = ImportRowSerializer(many=True)


def _dry_run(request) -> bool:
    value = str(request.query_params.get("dry_run", "0")).strip().lower()
    if value not in DRY_RUN_VALUES:
        raise exceptions.ValidationError({"dry_run": [_("Give 1 for a dry run, or 0.")]})
    return DRY_RUN_VALUES[value]


class ImportViewSet(viewsets.ViewSet):
    """Bulk import of organizations, people, volunteer groups or service points."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="imports_create",
        parameters=[
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(IMPORTERS),
                description="What the file holds.",
            ),
            OpenApiParameter(
                "dry_run",
                OpenApiTypes.BOOL,
                description="1: check every row and save nothing. 0 (the default): save every "
                "row, or none when one fails.",
            ),
        ],
        request={"multipart/form-data": ImportInputSerializer},
        responses={
            200: OpenApiResponse(ImportReportSerializer, description="A dry run found no error."),
            201: OpenApiResponse(ImportReportSerializer, description="Every row was saved."),
            400: OpenApiResponse(
                ImportReportSerializer, description="The file or some rows have errors."
            ),
        },
    )
    def create(self, request, kind: str = ""):
        importer = importer_get(kind)
        if importer is None:
            raise exceptions.NotFound(_("Nothing is imported by this name."))
        if not importer.may_use(request.user):
            raise exceptions.PermissionDenied()
        dry_run = _dry_run(request)
        serializer = ImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = import_run(
            importer=importer,
            actor=request.user,
            file=serializer.validated_data["file"],
            commit=not dry_run,
            calendar=getattr(request, "calendar", None),
            region=getattr(request, "lunar_region", None),
        )
        if report.committed:
            answer = status.HTTP_201_CREATED
        elif report.ok:
            answer = status.HTTP_200_OK
        else:
            answer = status.HTTP_400_BAD_REQUEST
        return Response(report.as_dict(), status=answer)


def register(router) -> None:
    router.register(r"imports/(?P<kind>[a-z]+)", ImportViewSet, basename="import")
