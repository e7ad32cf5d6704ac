"""The bulk import's upload form: what to import and the file. The file's content is checked
by ``hamafza.core.imports``; here only its presence and size."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from hamafza.core.imports import Importer


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV file (UTF-8, with commas or semicolons) or an XLSX workbook."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.ms-excel"}
        ),
    )

    def __init__(self, *args, importers: list[Importer], **kwargs):
        super().__init__(*args, **kwargs)
        self.importers = {importer.kind: importer for importer in importers}
        self.fields["kind"].choices = [
            (importer.kind, importer.title) for importer in self.importers.values()
        ]
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"

    def clean_kind(self) -> Importer:
        return self.importers[self.cleaned_data["kind"]]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.HAMAFZA_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s; the largest accepted is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload
