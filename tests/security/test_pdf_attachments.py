"""Issue 19.6: a transfer's PDF attachment is only pages. A PDF with JavaScript (also
hidden behind #xx escapes or in a compressed object stream), an action that launches a
program, an embedded file, or HTML inside is refused with a clear message; nothing is
stored. An ordinary PDF (also one the app makes itself) is still accepted."""

from __future__ import annotations

import html
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from agreements.letters.render import html_to_pdf
from ikc_share.models import AuditEvent
from tests.builders import draft
from transfers.models import TransferAttachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def transfer_storage(private_files, dutch):
    return private_files


REFUSED = (
    "Deze PDF bevat meer dan alleen pagina's (scripts, HTML, ingesloten bestanden of een actie die een programma "
    "start). Zo'n PDF sturen we niet mee. Sla het document opnieuw op via 'Afdrukken als PDF' en voeg dat bestand toe."
)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf(open_action: dict | None = None, attachment: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if open_action:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject(k): NameObject(v) if v.startswith("/") else TextStringObject(v) for k, v in open_action.items()}
        )
    if attachment:
        writer.add_attachment("script.html", b"<script>alert(1)</script>")
    return _written(writer)


def _js_in_object_stream() -> bytes:
    """The JavaScript action packed in a compressed object stream: the raw bytes never say
    /JavaScript."""
    parts = [b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"]
    offsets = {}

    def obj(num: int, body: bytes) -> None:
        offsets[num] = sum(len(p) for p in parts)
        parts.append(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    obj(1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>")
    obj(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    obj(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")
    header = b"5 0 "
    packed = zlib.compress(header + b"<< /S /JavaScript /JS (app.alert(1)) >>")
    obj(
        4,
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(header), len(packed))
        + packed
        + b"\nendstream",
    )
    xref_at = sum(len(p) for p in parts)
    rows = [(0, 0, 65535), *((1, offsets[n], 0) for n in (1, 2, 3, 4)), (2, 4, 0), (1, xref_at, 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    parts.append(
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
        + table
        + b"\nendstream\nendobj\n"
    )
    parts.append(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    data = b"".join(parts)
    assert b"JavaScript" not in data
    return data


def _escaped_javascript() -> bytes:
    return _pdf().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")


def _html_inside() -> bytes:
    data = _pdf()
    return data.replace(b"%%EOF", b"<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF")


HOSTILE = {
    "javascript open action": lambda: _pdf({"/S": "/JavaScript", "/JS": "app.alert(1)"}),
    "javascript behind #xx escapes": _escaped_javascript,
    "javascript in an object stream": _js_in_object_stream,
    "launch action": lambda: _pdf({"/S": "/Launch", "/F": "calc.exe"}),
    "embedded file": lambda: _pdf(attachment=True),
    "html inside": _html_inside,
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_pdf_with_active_content_is_refused_and_nothing_is_stored(world, login, transfer_storage, case):
    transfer = draft(world)
    client = login(world.user("staff_childcare"))
    upload = SimpleUploadedFile("verslag.pdf", HOSTILE[case](), content_type="application/pdf")
    response = client.post(
        reverse("transfers:attachment-add", kwargs={"pk": transfer.pk}), {"file": upload}, follow=True
    )
    assert REFUSED in html.unescape(response.content.decode())
    assert not TransferAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="transfer.attachment_added").exists()
    folder = transfer_storage / "transfers" / "attachments"
    assert not folder.exists() or not any(folder.iterdir())


def test_a_pdf_that_needs_a_password_is_refused(world, login, transfer_storage):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("geheim")
    client = login(world.user("staff_childcare"))
    upload = SimpleUploadedFile("verslag.pdf", _written(writer), content_type="application/pdf")
    response = client.post(
        reverse("transfers:attachment-add", kwargs={"pk": draft(world).pk}), {"file": upload}, follow=True
    )
    assert "Deze PDF is beveiligd met een wachtwoord." in html.unescape(response.content.decode())
    assert not TransferAttachment.objects.exists()


ORDINARY = {
    "blank page": _pdf,
    "link": lambda: _pdf({"/S": "/URI", "/URI": "https://www.example.nl/"}),
    "made by the app": lambda: html_to_pdf(
        "<html><body><h1>Verslag</h1><p>Noah speelt graag buiten.</p></body></html>"
    ),
}


@pytest.mark.parametrize("case", sorted(ORDINARY))
def test_an_ordinary_pdf_is_accepted(world, login, transfer_storage, case):
    transfer = draft(world)
    client = login(world.user("staff_childcare"))
    upload = SimpleUploadedFile("verslag.pdf", ORDINARY[case](), content_type="application/pdf")
    response = client.post(
        reverse("transfers:attachment-add", kwargs={"pk": transfer.pk}), {"file": upload}, follow=True
    )
    assert "De bijlage is toegevoegd." in response.content.decode()
    assert TransferAttachment.objects.get().content_type == "application/pdf"
