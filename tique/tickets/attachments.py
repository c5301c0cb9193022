"""Upload limits and storage of attachments.

The file's type is decided here from its name against an allow-list, never from what
the client claims; raster images are checked by their first bytes, since only they are
ever shown inline.
"""

from __future__ import annotations

import hashlib
import mimetypes
import unicodedata
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ALLOWED_EXTENSIONS: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "txt": "text/plain",
    "log": "text/plain",
    "csv": "text/csv",
    "pcap": "application/vnd.tcpdump.pcap",
    "pcapng": "application/vnd.tcpdump.pcap",
    "zip": "application/zip",
    "eml": "message/rfc822",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_IMAGE_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files from one input; cleans to a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"multiple": True, "accept": ACCEPT_ATTRIBUTE})
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            files = [single(item, initial) for item in data]
        else:
            files = [single(data, initial)] if data or self.required else []
        files = [f for f in files if f]
        if len(files) > settings.TIQUE_ATTACHMENT_MAX_FILES:
            limit = settings.TIQUE_ATTACHMENT_MAX_FILES
            message = ngettext(
                "Attach at most %(max)d file.", "Attach at most %(max)d files.", limit
            )
            raise ValidationError(message % {"max": limit}, code="too_many_files")
        return files


def sanitize_filename(name: str) -> str:
    """The base name only, printable, at most 200 characters, never empty."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/|?*')
    cleaned = cleaned.strip(" .")
    if len(cleaned) > 200:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = f"{stem[: 190 - len(ext)]}.{ext}" if dot else cleaned[:200]
    return cleaned or "file"


def content_type_for(name: str) -> str | None:
    extension = PurePath(name).suffix.lower().lstrip(".")
    return ALLOWED_EXTENSIONS.get(extension)


def validate_upload(upload: UploadedFile) -> None:
    name = sanitize_filename(upload.name or "")
    content_type = content_type_for(name)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s”: this type of file is not accepted.") % {"name": name},
            code="file_type",
        )
    if upload.size is None or upload.size > settings.TIQUE_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(max)s.")
            % {"name": name, "max": filesizeformat(settings.TIQUE_ATTACHMENT_MAX_BYTES)},
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")
    if content_type in _IMAGE_MAGIC:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(_IMAGE_MAGIC[content_type]):
            raise ValidationError(
                _("“%(name)s” is not the image its name says.") % {"name": name},
                code="file_content",
            )


def checksum(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def guess_type(name: str) -> str:
    return content_type_for(name) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def check_reply(form: forms.Form, cleaned: dict[str, Any]) -> None:
    """A reply has a message or a file, and every file passes `validate_upload`; the
    errors go to the form's `body` and `attachments` fields."""
    empty = not (cleaned.get("body") or "").strip() and not cleaned.get("attachments")
    if empty and "body" not in form.errors:
        form.add_error("body", _("Write a message or attach a file."))
    for upload in cleaned.get("attachments") or []:
        try:
            validate_upload(upload)
        except ValidationError as error:
            form.add_error("attachments", error)
