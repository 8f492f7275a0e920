"""Uploads are judged by what they are, not what they are called.

Every upload path (application materials, window scans, the verification
page, list imports) calls `check_upload` in its service function.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    name: str
    mime: str
    extension: str


PDF = Kind("pdf", "application/pdf", "pdf")
JPEG = Kind("jpeg", "image/jpeg", "jpg")
PNG = Kind("png", "image/png", "png")
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
CSV = Kind("csv", "text/csv", "csv")
DOCUMENTS = (PDF, JPEG, PNG)


def sniff(head: bytes) -> Kind | None:
    """The kind of a file from its first bytes (magic numbers)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04") and (b"[Content_Types].xml" in head or b"xl/" in head):
        return XLSX  # an Office Open XML workbook is a zip naming these parts
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def check_upload(upload, *, allowed=DOCUMENTS, max_bytes: int | None = None) -> Kind:
    """Return the real kind of `upload` or raise a translated ValidationError.

    `upload` is a Django UploadedFile (or any file object with `size`).
    """
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = sniff(head)
    if kind is None and CSV in allowed and _looks_like_text(head):
        kind = CSV
    if kind not in allowed:
        names = ", ".join(k.extension.upper() for k in allowed)
        raise ValidationError(
            _("This file is not a real %(kinds)s file (its content was checked, not its name)."),
            code="wrong_type",
            params={"kinds": names},
        )
    return kind


class StorageUnavailable(ValidationError):
    """The private storage refused a file (a full disk, an object store that is down).

    Nothing is wrong with the file, so every channel shows it as it shows a problem with
    one (a form error, a window message, an API problem); the service's transaction rolls
    back, and what the person entered stays where it was.
    """

    def __init__(self):
        super().__init__(
            _("The file could not be stored just now. Nothing is wrong with it, and what you entered is kept: "
              "please try again in a few minutes."),
            code="storage_unavailable",
        )


@contextmanager
def _storing(name: str):
    try:
        yield
    except OSError as exc:
        logger.error("storage: could not store %s (%s: %s)", name, type(exc).__name__, exc)
        raise StorageUnavailable() from exc


def store_upload(field_file, name: str, content) -> None:
    """Save an upload into a FileField without saving its row; a storage failure is StorageUnavailable."""
    with _storing(name):
        field_file.save(name, content, save=False)


def store_file(name: str, content) -> str:
    """Save a file into the private storage and return its name; a storage failure is StorageUnavailable."""
    with _storing(name):
        return default_storage.save(name, content)
