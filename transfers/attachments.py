"""Attachments with a transfer: PDF or image only, checked by CONTENT (magic bytes), not
by the file's name or the browser's content type; size-limited; images re-encoded from
their pixels (Pillow), so EXIF data such as GPS location, camera and date never leave;
stored through Django's default storage under a random name (private: the storage has no
public URL) and served only by a permission-checked view as a download. A PDF is refused
when it can run or carry something besides its pages (pdf_safety.py: JavaScript, an
action that launches a program, embedded files, XFA forms, HTML).

`prepare()` validates and returns the bytes to store; nothing is written until
`store()`. The services write the file just before their transaction and remove it
again when the transaction does not commit (see services.transfer_attachment_add);
files of removed attachments are deleted only after the removal commits (on_commit).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from transfers import pdf_safety

MAX_BYTES = getattr(settings, "TRANSFER_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
MAX_PIXELS = 40_000_000  # a bigger picture is refused (decompression bombs)
MAX_PER_TRANSFER = 5
FOLDER = "transfers/attachments"

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}


@dataclass(frozen=True)
class Prepared:
    data: bytes
    content_type: str
    name: str  # sanitised, with the extension that fits the content
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def detect_type(head: bytes) -> str | None:
    """The type from the first bytes of the content (never from the name)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


def sanitise_name(name: str, content_type: str) -> str:
    """Only the last path component, no control or special characters, no leading dots,
    at most 80 characters, and the extension that fits the detected content."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._-")
    stem = re.sub(r"_+", "_", stem)[:80] or "bijlage"
    return f"{stem}.{EXTENSIONS[content_type]}"


def _reencode(data: bytes, content_type: str) -> bytes:
    """Decode the picture and write only its pixels into a new file: no EXIF (GPS, camera,
    time), no ICC profile, no text chunks. The EXIF orientation is applied first, so the
    picture still shows the right way up."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            expected = {JPEG: "JPEG", PNG: "PNG"}[content_type]
            if img.format != expected:
                raise ValidationError(_("Dit bestand is geen geldige afbeelding."))
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise ValidationError(_("Deze afbeelding is te groot (te veel pixels)."))
            img.load()
            img = ImageOps.exif_transpose(img)
            if content_type == JPEG:
                mode = "RGB" if img.mode not in ("RGB", "L") else img.mode
                fmt, options = "JPEG", {"quality": 90, "optimize": True}
            else:
                mode = img.mode if img.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
                fmt, options = "PNG", {"optimize": True}
            pixels = img.convert(mode)
            clean = Image.new(mode, pixels.size)
            clean.paste(pixels)
            out = io.BytesIO()
            clean.save(out, format=fmt, **options)
            return out.getvalue()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("Dit bestand is geen geldige afbeelding."))


def prepare(upload: UploadedFile) -> Prepared:
    """Validate an upload and return what will be stored. Raises ValidationError with a
    sentence the user understands."""
    if upload is None:
        raise ValidationError(_("Kies een bestand."))
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(_("Het bestand is te groot: maximaal %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Het bestand is te groot: maximaal %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if not data:
        raise ValidationError(_("Het bestand is leeg."))
    content_type = detect_type(data[:16])
    if content_type is None:
        raise ValidationError(_("Alleen een PDF of een afbeelding (JPEG of PNG) kan worden meegestuurd."))
    if content_type == PDF:
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("Dit bestand is geen volledige PDF."))
        pdf_safety.check(data)
    else:
        data = _reencode(data, content_type)
    return Prepared(
        data=data,
        content_type=content_type,
        name=sanitise_name(getattr(upload, "name", "") or "", content_type),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def store(prepared: Prepared) -> str:
    """Write the file under a random name; returns the storage name."""
    name = f"{FOLDER}/{uuid.uuid4().hex}.{EXTENSIONS[prepared.content_type]}"
    return default_storage.save(name, ContentFile(prepared.data))


def delete_files(names: list[str]) -> None:
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except OSError:  # already gone: nothing to remove
            pass
