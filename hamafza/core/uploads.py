"""Checks on uploaded documents: the type by its first bytes, and the size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF_MAGIC = b"%PDF-"
EVIDENCE_MAGIC = {
    PDF_MAGIC: "pdf",
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
}
PHOTO_MAGIC = {magic: kind for magic, kind in EVIDENCE_MAGIC.items() if kind != "pdf"}


def private_storage():
    """The storage of files only some users may read (``STORAGES["private"]``)."""
    return storages["private"]


def _size_check(file) -> None:
    limit = settings.HAMAFZA_DOCUMENT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )


def _head(file, length: int) -> bytes:
    """The file's first bytes, leaving its position where it was."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        return file.read(length)
    finally:
        file.seek(position)


def validate_pdf(file) -> None:
    """A PDF (by its first bytes, not its name) no larger than HAMAFZA_DOCUMENT_MAX_BYTES."""
    _size_check(file)
    if _head(file, len(PDF_MAGIC)) != PDF_MAGIC:
        raise ValidationError(_("The file is not a PDF document."), code="not_pdf")


def validate_evidence(file) -> None:
    """Evidence of progress: a PDF, PNG or JPEG file within the document size limit."""
    _size_check(file)
    head = _head(file, 8)
    if not any(head.startswith(magic) for magic in EVIDENCE_MAGIC):
        raise ValidationError(
            _("The file must be a PDF document or a PNG or JPEG picture."), code="bad_type"
        )


def validate_image(file) -> None:
    """A photo: a PNG or JPEG picture (by its first bytes) within the document size limit."""
    _size_check(file)
    head = _head(file, 8)
    if not any(head.startswith(magic) for magic in PHOTO_MAGIC):
        raise ValidationError(_("The file must be a PNG or JPEG picture."), code="bad_type")
