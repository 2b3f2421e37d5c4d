"""Attachments: PDF or image only, by content; size limit; safe names; EXIF stripped;
private storage, served as a download to those who may see the transfer; the file is kept
only when the transaction commits."""

from __future__ import annotations

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter

from ikc_share.models import AuditEvent
from tests.builders import draft, png_bytes, sanne
from transfers import attachments, records, retention, services
from transfers.models import ReceivedTransfer, TransferAttachment
from transfers.services import preparing

pytestmark = pytest.mark.django_db


def _blank_pdf() -> bytes:
    """A real (one-page) PDF: a PDF that cannot be read is refused (transfers/pdf_safety.py)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (16, 12), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Telefoonmerk"  # Make
    exif[0x0132] = "2026:03:12 08:15:00"  # DateTime
    exif[0x8825] = {1: "N", 2: (52.0, 9.0, 12.5), 3: "E", 4: (5.0, 23.0, 1.0)}  # GPS IFD
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _add(world, t, upload):
    return services.transfer_attachment_add(transfer=t, upload=upload, actor=world.user("staff_childcare"))


def _stored_files(root) -> list[str]:
    folder = root / "transfers" / "attachments"
    return sorted(os.listdir(folder)) if folder.exists() else []


def test_a_pdf_is_stored_privately_under_a_random_name(world, transfer_storage):
    t = draft(world)
    a = _add(world, t, SimpleUploadedFile("verslag.pdf", PDF, content_type="application/pdf"))
    assert a.content_type == "application/pdf" and a.name == "verslag.pdf" and a.size == len(PDF)
    assert a.file.name.startswith("transfers/attachments/") and "verslag" not in a.file.name
    assert (transfer_storage / a.file.name).read_bytes() == PDF
    t.refresh_from_db()
    assert AuditEvent.objects.filter(action="transfer.attachment_added").count() == 1
    assert t.content_sha256 == records.rehash(t)


WRONG = [
    ("text named .pdf", "brief.pdf", b"Dit is geen PDF", "application/pdf"),
    ("html named .png", "foto.png", b"<html><script>alert(1)</script></html>", "image/png"),
    ("executable", "setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", "application/octet-stream"),
    ("svg", "plaatje.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "image/svg+xml"),
    ("gif", "plaatje.gif", b"GIF89a\x01\x00\x01\x00", "image/gif"),
]


@pytest.mark.parametrize(("case", "name", "data", "ctype"), WRONG, ids=[w[0] for w in WRONG])
def test_the_type_is_checked_by_content_not_by_name(world, transfer_storage, case, name, data, ctype):
    t = draft(world)
    with pytest.raises(ValidationError) as exc:
        _add(world, t, SimpleUploadedFile(name, data, content_type=ctype))
    assert exc.value.messages == ["Alleen een PDF of een afbeelding (JPEG of PNG) kan worden meegestuurd."]
    assert not TransferAttachment.objects.exists() and _stored_files(transfer_storage) == []


def test_a_png_named_pdf_is_stored_as_the_png_it_is(world):
    t = draft(world)
    a = _add(world, t, SimpleUploadedFile("rapport.pdf", png_bytes(), content_type="application/pdf"))
    assert a.content_type == "image/png" and a.name == "rapport.png"


def test_a_broken_image_is_refused(world):
    t = draft(world)
    with pytest.raises(ValidationError) as exc:
        _add(world, t, SimpleUploadedFile("kapot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40))
    assert exc.value.messages == ["Dit bestand is geen geldige afbeelding."]


def test_an_oversized_file_is_refused(world, monkeypatch, transfer_storage):
    monkeypatch.setattr(attachments, "MAX_BYTES", 1024 * 1024)
    t = draft(world)
    with pytest.raises(ValidationError) as exc:
        _add(world, t, SimpleUploadedFile("groot.pdf", PDF + b"x" * (1024 * 1024) + b"%%EOF"))
    assert exc.value.messages == ["Het bestand is te groot: maximaal 1 MB."]
    assert _stored_files(transfer_storage) == []


def test_the_default_limit_is_ten_megabytes(world, transfer_storage):
    t = draft(world)
    big = SimpleUploadedFile("groot.pdf", PDF[:-6] + b"0" * (10 * 1024 * 1024) + b"%%EOF\n")
    with pytest.raises(ValidationError) as exc:
        _add(world, t, big)
    assert exc.value.messages == ["Het bestand is te groot: maximaal 10 MB."]


NAMES = [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
    ("/absolute/path/report.pdf", "report.pdf"),
    ("verslag\x00.exe.pdf", "verslag.exe.pdf"),
    ("....pdf", "bijlage.pdf"),
    ("<script>alert(1)</script>.pdf", "script.pdf"),
    ("a<b>c|d?e*f.pdf", "a_b_c_d_e_f.pdf"),
    ("Overdracht Noah – juni.pdf", "Overdracht Noah _ juni.pdf"),
]


@pytest.mark.parametrize(("given", "expected"), NAMES)
def test_file_names_with_path_characters_are_sanitised(world, given, expected):
    t = draft(world)
    a = _add(world, t, SimpleUploadedFile(given, PDF))
    assert a.name == expected
    assert "/" not in a.name and "\\" not in a.name and ".." not in a.name.replace("....", "")
    assert a.file.name.count("/") == 2  # transfers/attachments/<random>.pdf


def test_exif_and_gps_are_stripped_from_photos(world, transfer_storage):
    original = _jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as img:
        assert img.getexif().get(0x010F) == "Telefoonmerk"  # the test photo does carry EXIF
    t = draft(world)
    a = _add(world, t, SimpleUploadedFile("IMG_0001.JPG", original, content_type="image/jpeg"))
    stored = (transfer_storage / a.file.name).read_bytes()
    assert a.content_type == "image/jpeg" and a.name == "IMG_0001.jpg"
    assert b"Exif" not in stored and b"Telefoonmerk" not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert not img.getexif() and "exif" not in img.info
        assert img.size == (16, 12)


def test_png_text_chunks_are_stripped(world, transfer_storage):
    img = Image.new("RGB", (4, 4))
    info = PngInfo()
    info.add_text("Author", "Fatima el Amrani")
    out = io.BytesIO()
    img.save(out, format="PNG", pnginfo=info)
    t = draft(world)
    a = _add(world, t, SimpleUploadedFile("scan.png", out.getvalue()))
    assert b"Fatima" not in (transfer_storage / a.file.name).read_bytes()


def test_at_most_five_attachments(world):
    t = draft(world)
    for i in range(5):
        _add(world, t, SimpleUploadedFile(f"{i}.pdf", PDF))
    with pytest.raises(ValidationError):
        _add(world, t, SimpleUploadedFile("6.pdf", PDF))


def test_a_failure_inside_the_transaction_leaves_no_file(world, transfer_storage, monkeypatch):
    t = draft(world)

    def boom(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(preparing, "audit_record", boom)
    with pytest.raises(RuntimeError):
        _add(world, t, SimpleUploadedFile("a.pdf", PDF))
    assert not TransferAttachment.objects.exists()
    assert _stored_files(transfer_storage) == []


def test_an_outer_rollback_leaves_an_orphan_that_the_sweep_removes(world, transfer_storage):
    t = draft(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        _add(world, t, SimpleUploadedFile("a.pdf", PDF))
        raise RuntimeError("the caller's transaction fails later")
    assert not TransferAttachment.objects.exists()
    [orphan] = _stored_files(transfer_storage)
    kept = _add(world, t, SimpleUploadedFile("b.pdf", PDF))
    assert retention.orphan_files_sweep(at=timezone.now()) == 0  # younger than an hour: kept for now
    assert retention.orphan_files_sweep(at=timezone.now() + timezone.timedelta(hours=2)) == 1
    assert _stored_files(transfer_storage) == [kept.file.name.rsplit("/", 1)[1]]
    assert orphan not in _stored_files(transfer_storage)


def test_only_a_concept_takes_attachments(world):
    t = draft(world)
    t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    with pytest.raises(ValidationError):
        _add(world, t, SimpleUploadedFile("laat.pdf", PDF))


def test_downloads_are_attachments_for_those_who_may_see_them(world, login, transfer_storage):
    t = draft(world)
    a = _add(world, t, SimpleUploadedFile("../verslag.pdf", PDF))
    url = reverse("transfers:attachment-download", kwargs={"pk": t.pk, "attachment_pk": a.pk})
    response = login(world.user("staff_childcare")).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="verslag.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF
    assert login(world.user("staff_school")).get(url).status_code == 404


def test_attachments_move_to_the_receiver_and_go_with_erasure(
    world, login, transfer_storage, django_capture_on_commit_callbacks
):
    t = draft(world)
    a = _add(world, t, SimpleUploadedFile("foto.png", png_bytes()))
    t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    services.transfer_parents_confirm(transfer=t, guardian=sanne(world), actor=world.user("parent_a"))
    t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    received = ReceivedTransfer.objects.get(transfer=t)
    a.refresh_from_db()
    assert a.transfer_id is None and a.received_id == received.pk
    assert received.content_sha256 == t.content_sha256  # the attachment's hash is part of it
    url = reverse("transfers:received-attachment", kwargs={"pk": received.pk, "attachment_pk": a.pk})
    response = login(world.user("staff_school")).get(url)
    assert response.status_code == 200 and response["Content-Disposition"] == 'attachment; filename="foto.png"'
    assert login(world.user("director_school")).get(url).status_code == 404  # no receiving role
    assert login(world.user("staff_childcare")).get(url).status_code == 404  # the sender keeps no copy
    path = transfer_storage / a.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_erase(transfer=t, reason="erasure_request", actor=world.user("director_childcare"))
    assert not TransferAttachment.objects.exists() and not path.exists()
