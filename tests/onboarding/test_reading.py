"""Reading uploads: encodings, separators, BOMs, empty lines, extra and BSN columns,
files that are not a table at all."""

from __future__ import annotations

import io
import zipfile

import pytest
import tablib
from openpyxl import Workbook

from onboarding.reading import UnreadableFile, is_bsn_header, normalised_csv, read_normalised, read_upload
from tests.onboarding.conftest import dob, fixture_bytes


def test_utf8_with_bom_and_semicolons():
    table = read_upload(fixture_bytes("childcare_utf8_bom.csv"))
    assert table.encoding == "UTF-8 (met BOM)"
    assert table.delimiter == ";"
    assert table.headers[0] == "nummer"  # the BOM is not part of the first header
    assert table.rows[0][1][1] == "Zoë"
    assert [number for number, _ in table.rows] == [2, 3, 4]


def test_windows_1252_is_recognised_and_decoded():
    data = fixture_bytes("pupils_windows1252.csv")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = read_upload(data)
    assert table.encoding == "Windows-1252"
    names = [cells[1] for _, cells in table.rows]
    assert names == ["Chloé", "Anaïs", "Sem"]
    assert table.rows[0][1][3] == "Çelik"


def test_commas_and_quoted_fields():
    table = read_upload(fixture_bytes("pupils_comma.csv"))
    assert table.delimiter == ","
    assert table.encoding == "UTF-8"
    group = table.headers.index("Groep")
    assert table.rows[0][1][group] == "Groep 3, lokaal 2"


def test_tabs_and_utf16_as_excel_writes_unicode_text():
    text = "nummer\tvoornaam\tachternaam\tgeboortedatum\r\n1\tÉva\tBos\t01-02-2020\r\n"
    table = read_upload(text.encode("utf-16"))
    assert table.delimiter == "\t"
    assert table.rows[0][1][1] == "Éva"


def test_empty_lines_are_skipped_and_row_numbers_are_those_of_the_file():
    table = read_upload(fixture_bytes("empty_lines_extra_columns.csv"))
    # Line 2, 4 (only separators), 5 and 7 are empty.
    assert [number for number, _ in table.rows] == [3, 6]


def test_bsn_columns_are_dropped_at_once():
    table = read_upload(fixture_bytes("empty_lines_extra_columns.csv"))
    assert table.ignored == ["BSN", "BSN verzorger 1"]
    assert "BSN" not in table.headers
    stored = normalised_csv(table).decode()
    assert "123456782" not in stored and "111222333" not in stored
    assert "opmerking" in table.headers  # extra columns stay available (and are ignored unless mapped)


@pytest.mark.parametrize(
    "header, is_bsn",
    [
        ("BSN", True),
        ("bsn leerling", True),
        ("Burgerservicenummer", True),
        ("BSN-verzorger", True),
        ("sofinummer", True),
        ("Sofi-nummer", True),
        ("leerling_bsn", True),
        ("PGN", True),
        ("leerlingnummer", False),
        ("roepnaam", False),
        ("basisgroep", False),
        ("absent", False),
    ],
)
def test_bsn_header_detection(header, is_bsn):
    assert is_bsn_header(header) is is_bsn


def test_normalised_copy_round_trips_with_row_numbers():
    table = read_upload(fixture_bytes("empty_lines_extra_columns.csv"))
    again = read_normalised(normalised_csv(table))
    assert again.headers == table.headers
    assert again.rows == table.rows


def test_xlsx_made_with_tablib():
    data = tablib.Dataset(headers=["leerlingnummer", "roepnaam", "achternaam", "geboortedatum", "BSN"])
    data.append([7001, "Noor", "Smit", dob(6), "123456782"])
    data.append(["", "", "", "", ""])
    data.append([7002, "Ties", "Dekker", dob(7).strftime("%d-%m-%Y"), ""])
    table = read_upload(data.export("xlsx"))
    assert table.file_format == "xlsx"
    assert table.ignored == ["BSN"]
    assert table.rows[0] == (2, ["7001", "Noor", "Smit", dob(6).isoformat()])  # a date cell becomes jjjj-mm-dd
    assert table.rows[1][0] == 4  # the empty row 3 is skipped


def test_xlsx_made_with_openpyxl_uses_the_first_sheet():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nummer", "voornaam", "achternaam", "geboortedatum"])
    sheet.append(["0012", "Lieke", "Vos", "01-03-2021"])
    workbook.create_sheet("Toelichting").append(["niet", "deze"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_upload(buffer.getvalue())
    assert table.rows == [(2, ["0012", "Lieke", "Vos", "01-03-2021"])]


@pytest.mark.parametrize(
    "name, message",
    [
        ("not_a_csv.pdf", "Dit is een PDF-bestand"),
        ("not_a_csv.png", "Dit is geen CSV-bestand"),
        ("old_excel.xls", "oud Excel-bestand (.xls)"),
        ("letter.txt", "maar één kolom"),
    ],
)
def test_files_that_are_not_a_table_get_a_clear_message(name, message):
    with pytest.raises(UnreadableFile) as exc:
        read_upload(fixture_bytes(name))
    assert message in exc.value.message


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("kinderen.csv", "a;b\n1;2\n")
    with pytest.raises(UnreadableFile) as exc:
        read_upload(buffer.getvalue())
    assert "ZIP-bestand" in exc.value.message


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "leeg"),
        (b"\n\n;;;\n", "leeg"),
        (b"nummer;voornaam;achternaam\n", "geen rijen"),
    ],
)
def test_empty_files(data, message):
    with pytest.raises(UnreadableFile) as exc:
        read_upload(data)
    assert message in exc.value.message


def test_a_row_with_more_cells_than_the_header_is_remembered():
    table = read_upload(b"nummer,voornaam,achternaam,geboortedatum\n1,Jan,de Vries, jr.,01-01-2020\n")
    assert table.long_rows == {2: 5}
