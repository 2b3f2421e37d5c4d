"""Issue 19.2: an import file cannot cost the server minutes and gigabytes, nor its column
mapping page megabytes of HTML. A 1 MB CSV of 524,288 header columns once took 6.8
minutes and 4.9 GB; now it, and every other file past a limit, is refused at once with a
message that says which limit and where, and nothing is stored."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from ikc_share.models import AuditEvent
from onboarding import reading
from onboarding.models import ImportJob
from tests.onboarding.conftest import import_flow, import_storage  # noqa: F401 (fixtures)

HEADER = "nummer;voornaam;achternaam;geboortedatum;locatie;verzorger1_voornaam;verzorger1_achternaam;verzorger1_gezag"
ROW = "K-1;Zoë;Dijk;01-02-2022;KDV Test;Anouk;Dijk;ja"


def _refused(data: bytes) -> str:
    # How fast and small the refusal is, is measured by bench/measure/import_limits.py.
    with pytest.raises(reading.UnreadableFile) as exc:
        reading.read_upload(data)
    return exc.value.message


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_half_million_column_file_of_the_issue_is_refused_at_once():
    data = b"a;" * 524_288 + b"\n" + b"1;" * 10 + b"\n"
    assert len(data) > 1_000_000
    message = _refused(data)
    assert message.startswith("Rij 1 is langer dan 1.000.000 tekens")
    assert "hoogstens 200 kolommen" in message


def test_more_than_200_columns_are_refused():
    header = ";".join(f"kolom{i}" for i in range(201))
    message = _refused(f"{header}\n{';'.join('x' * 201)}\n".encode())
    assert message == (
        "De kopregel (rij 1) heeft meer dan 200 kolommen. Haal de kolommen weg die u niet nodig heeft en upload "
        "het bestand opnieuw."
    )
    exactly = ";".join(f"kolom{i}" for i in range(200))
    assert len(reading.read_upload(f"{exactly}\n{';'.join('x' * 200)}\n".encode()).headers) == 200


def test_a_long_header_is_refused():
    message = _refused(f"nummer;{'x' * 101}\n1;2\n".encode())
    assert message.startswith("De kolomnaam in kolom 2 van de kopregel (rij 1) is langer dan 100 tekens.")


def test_a_long_cell_is_refused_with_its_row_and_column():
    message = _refused(f"{HEADER}\n{ROW}\nK-2;{'Zoë' * 400};Dijk\n".encode())
    assert message.startswith("Rij 3, kolom 'voornaam': de cel is langer dan 1000 tekens.")


def test_a_quote_left_open_does_not_swallow_the_file():
    message = _refused(f'{HEADER}\nK-1;"Zoë\n'.encode() + b"x;" * 600_000)
    assert "Rij 2" in message


def test_a_workbook_with_too_many_columns_is_refused():
    message = _refused(_xlsx([[f"kolom{i}" for i in range(300)], ["x"] * 300]))
    assert message.startswith("De kopregel (rij 1) heeft meer dan 200 kolommen.")


def test_a_workbook_that_claims_a_huge_sheet_is_read_by_what_it_holds():
    data = _xlsx([HEADER.split(";"), ROW.split(";")])
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(packed, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[A-Z0-9:]+"', b'<dimension ref="A1:XFD1048576"', content)
                assert b"XFD1048576" in content
            target.writestr(item, content)
    table = reading.read_upload(packed.getvalue())
    assert len(table.headers) == 8 and len(table.rows) == 1


def test_a_workbook_row_beyond_excels_last_row_is_refused():
    data = _xlsx([HEADER.split(";"), ROW.split(";")])
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(packed, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<row r="2"', b'<row r="99999999"').replace(b'r="A2"', b'r="A99999999"')
            target.writestr(item, content)
    message = _refused(packed.getvalue())
    assert message == "Het werkblad loopt door tot voorbij rij 1.048.576; dat kan geen echte export zijn."


def test_a_workbook_that_unpacks_to_hundreds_of_megabytes_is_refused_unread():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w") as member:
            for _ in range(reading.MAX_XLSX_UNPACKED // 2**20 + 1):
                member.write(b"\0" * 2**20)
    assert len(packed.getvalue()) < 2_000_000
    message = _refused(packed.getvalue())
    assert message.startswith("Deze Excel-werkmap is uitgepakt groter dan 300 MB.")


@pytest.mark.django_db
def test_the_upload_page_says_why_and_stores_nothing(world, import_flow, import_storage):  # noqa: F811
    flow = import_flow()
    response = flow.upload("breed.csv", b"a;" * 524_288 + b"\n1;2\n")
    assert response.status_code == 400
    assert "hoogstens 200 kolommen" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not AuditEvent.objects.filter(action="import.uploaded").exists()
    assert not (import_storage / "imports").exists() or not any((import_storage / "imports").rglob("*"))


@pytest.mark.django_db
def test_the_mapping_page_of_a_200_column_file_stays_small(world, import_flow):  # noqa: F811
    headers = HEADER.split(";") + [f"extra kolom met een lange naam nummer {i:03d}"[:100] for i in range(192)]
    cells = ROW.split(";") + ["w" * 1000] * 192
    flow = import_flow()
    response = flow.upload("breed.csv", (";".join(headers) + "\n" + ";".join(cells) + "\n").encode())
    assert response.status_code == 302
    page = flow.client.get(reverse("ikc_share:import-mapping", kwargs={"pk": flow.job().pk}))
    assert page.status_code == 200
    assert len(page.content) < 2_000_000
