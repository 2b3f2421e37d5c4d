"""Reading an uploaded export: CSV (UTF-8 with or without BOM, UTF-16, Windows-1252;
separator ; , tab or | sniffed) or XLSX (first sheet).

Limits keep a hostile or broken file from costing the server minutes and gigabytes (and
the column mapping page megabytes of HTML): at most MAX_COLUMNS columns, a header of at
most MAX_HEADER_CHARS characters, a cell of at most MAX_CELL_CHARS, a record (one row,
perhaps over several lines) of at most MAX_RECORD_CHARS, MAX_ROWS rows, and a workbook of
at most MAX_XLSX_UNPACKED bytes unpacked. Such a file is refused with a message that says
which limit it passed and where.

The result keeps each row's number as the person sees it in Excel or a text editor
(the header is row 1), skips empty lines and drops BSN-like columns at once, so a BSN
is never stored. `normalised_csv` writes what is kept as a UTF-8 CSV with the row
numbers in front; `read_normalised` reads it back.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_BYTES = 40 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_HEADER_CHARS = 100
MAX_CELL_CHARS = 1_000
MAX_RECORD_CHARS = 1_000_000  # one row as read, before it is split: bounds the cells made of it
MAX_XLSX_UNPACKED = 300 * 1024 * 1024  # a workbook's parts unpacked (a "zip bomb" is refused unread)
MAX_SHEET_ROW = 1_048_576  # Excel's last row: a row number beyond it is not a real sheet
ROW_COLUMN = "__row"
CELLS_COLUMN = "__cells"
DELIMITERS = [";", ",", "\t", "|"]
DELIMITER_LABELS = {";": "puntkomma (;)", ",": "komma (,)", "\t": "tab", "|": "verticale streep (|)"}

# Header words that mean a citizen service number. Such a column is never read.
_BSN_TOKENS = {"bsn", "burgerservicenummer", "sofinummer", "sofinr", "sofi", "pgn", "persoonsgebondennummer"}
_BSN_PARTS = ("burgerservicenummer", "sofinummer", "sofinr", "persoonsgebondennummer")


class UnreadableFile(Exception):
    """The file cannot be read as a table; `message` says why, in plain Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells aligned with headers)
    file_format: str = "csv"
    encoding: str = ""
    delimiter: str = ""
    ignored: list[str] = field(default_factory=list)  # BSN-like headers, dropped
    long_rows: dict[int, int] = field(default_factory=dict)  # row number → cells found, when more than headers


def normalise_header(text: str) -> str:
    """'Verzorger 1 E-mail' → 'verzorger1email' (lower case, no accents, letters and digits)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]", "", text)


def is_bsn_header(header: str) -> bool:
    tokens = set(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", header).lower()))
    compact = normalise_header(header)
    return bool(
        tokens & _BSN_TOKENS
        or any(part in compact for part in _BSN_PARTS)
        or compact.startswith("bsn")
        or compact.endswith("bsn")
    )


def _clean_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Excel's way to keep leading zeros: ="0123"
    if len(text) >= 3 and text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()
    return text


def _unique_headers(raw: list[str]) -> list[str]:
    headers: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(raw, start=1):
        name = cell.strip() or _("Kolom %(n)s") % {"n": index}
        key = name.lower()
        if key in seen:
            seen[key] += 1
            name = f"{name} ({seen[key]})"
        else:
            seen[key] = 1
        headers.append(name)
    return headers


def _too_many_columns(row: int) -> UnreadableFile:
    return UnreadableFile(
        _(
            "De kopregel (rij %(row)s) heeft meer dan %(max)s kolommen. Haal de kolommen weg die u niet nodig "
            "heeft en upload het bestand opnieuw."
        )
        % {"row": row, "max": MAX_COLUMNS}
    )


def _check_header(cells: list[str], row: int) -> None:
    if len(cells) > MAX_COLUMNS:
        raise _too_many_columns(row)
    for index, cell in enumerate(cells, start=1):
        if len(cell) > MAX_HEADER_CHARS:
            raise UnreadableFile(
                _(
                    "De kolomnaam in kolom %(column)s van de kopregel (rij %(row)s) is langer dan %(max)s tekens. "
                    "Staat de kopregel wel bovenaan?"
                )
                % {"column": index, "row": row, "max": MAX_HEADER_CHARS}
            )


def _check_cells(cells: list[str], headers: list[str], row: int) -> None:
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            raise UnreadableFile(
                _(
                    "Rij %(row)s, kolom '%(column)s': de cel is langer dan %(max)s tekens. Zo lang is geen naam, "
                    "datum of e-mailadres; maak de cel korter of haal de kolom weg."
                )
                % {"row": row, "column": headers[index], "max": MAX_CELL_CHARS}
            )


def _build_table(records, *, file_format: str, encoding: str = "", delimiter: str = "") -> Table:
    """records: iterable of (row number, list of raw cells)."""
    header_cells: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[str]]] = []
    long_rows: dict[int, int] = {}
    keep: list[int] = []
    headers: list[str] = []
    ignored: list[str] = []
    for number, raw in records:
        cells = [_clean_cell(c) for c in raw]
        if not any(cells):
            continue  # empty line
        if header_cells is None:
            header_cells, header_row = cells, number
            while header_cells and not header_cells[-1]:
                header_cells.pop()
            _check_header(header_cells, number)
            all_headers = _unique_headers(header_cells)
            keep = [i for i, h in enumerate(all_headers) if not is_bsn_header(h)]
            ignored = [h for h in all_headers if is_bsn_header(h)]
            headers = [all_headers[i] for i in keep]
            continue
        width = len(header_cells)
        if len(cells) > width and any(cells[width:]):
            long_rows[number] = len(cells)
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        kept = [cells[i] for i in keep]
        _check_cells(kept, headers, number)
        rows.append((number, kept))
        if len(rows) > MAX_ROWS:
            raise UnreadableFile(
                _("Het bestand heeft meer dan %(max)s rijen. Splits het bestand, bijvoorbeeld per locatie.")
                % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
    if header_cells is None:
        raise UnreadableFile(_("Het bestand is leeg."))
    if len(header_cells) < 2:
        raise UnreadableFile(
            _(
                "In de eerste regel (rij %(row)s) vinden we maar één kolom. Is dit wel een CSV-bestand? "
                "Gebruik een puntkomma (;) of komma (,) tussen de kolommen, of upload een Excel-bestand (.xlsx)."
            )
            % {"row": header_row}
        )
    if not rows:
        raise UnreadableFile(_("Het bestand heeft een kopregel maar geen rijen met kinderen."))
    return Table(
        headers=headers,
        rows=rows,
        file_format=file_format,
        encoding=encoding,
        delimiter=delimiter,
        ignored=ignored,
        long_rows=long_rows,
    )


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "UTF-8 (met BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise UnreadableFile(_("Het bestand is beschadigd: de tekens zijn niet te lezen.")) from exc
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "ISO-8859-1"


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    if counts[best]:
        return best
    try:
        return csv.Sniffer().sniff(text[:20_000], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return ";"


class _RecordTooLong(Exception):
    pass


def _csv_records(text: str, delimiter: str):
    read = {"since_record": 0}  # characters the csv reader took since the last whole row

    def lines():
        for line in io.StringIO(text, newline=""):
            read["since_record"] += len(line)
            if read["since_record"] > MAX_RECORD_CHARS:
                raise _RecordTooLong
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    previous_end = 0
    try:
        for cells in reader:
            read["since_record"] = 0
            start = previous_end + 1
            previous_end = reader.line_num
            yield start, cells
    except _RecordTooLong:
        raise UnreadableFile(
            _(
                "Rij %(row)s is langer dan %(max)s tekens: te veel of te lange kolommen (of een aanhalingsteken "
                "dat niet gesloten wordt). We lezen hoogstens %(columns)s kolommen van elk hoogstens %(cell)s tekens."
            )
            % {
                "row": previous_end + 1,
                "max": f"{MAX_RECORD_CHARS:,}".replace(",", "."),
                "columns": MAX_COLUMNS,
                "cell": MAX_CELL_CHARS,
            }
        ) from None
    except csv.Error as exc:
        raise UnreadableFile(
            _("Rij %(row)s kunnen we niet lezen (%(reason)s). Controleer aanhalingstekens in die rij.")
            % {"row": previous_end + 1, "reason": str(exc)}
        ) from exc


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook  # imported here: web processes that read no workbook stay ~10 MB smaller

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a bad file
        raise UnreadableFile(_("Dit is een ZIP-bestand, maar geen Excel-werkmap (.xlsx) die we kunnen lezen.")) from exc
    try:
        sheet = workbook.worksheets[0]
        # Not the size the sheet claims (a crafted file claims a million columns and rows):
        # one column more than we read, to see that there are too many.
        sheet.reset_dimensions()
        return _build_table(_xlsx_records(sheet), file_format="xlsx", encoding="Excel (.xlsx)")
    finally:
        workbook.close()


def _xlsx_records(sheet):
    for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
        if number > MAX_SHEET_ROW:
            raise UnreadableFile(
                _("Het werkblad loopt door tot voorbij rij %(max)s; dat kan geen echte export zijn.")
                % {"max": f"{MAX_SHEET_ROW:,}".replace(",", ".")}
            )
        if values.count(None) != len(values):  # the rows a sheet skips come as empty ones: fast past them
            yield number, list(values)


def read_upload(data: bytes) -> Table:
    """Read the bytes of an upload as a table, or raise UnreadableFile with a clear message."""
    if not data:
        raise UnreadableFile(_("Het bestand is leeg."))
    if len(data) > MAX_BYTES:
        raise UnreadableFile(
            _("Het bestand is groter dan %(mb)s MB. Splits het bestand, bijvoorbeeld per locatie.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if data.startswith(b"PK\x03\x04"):
        if not _looks_like_xlsx(data):
            raise UnreadableFile(
                _("Dit is een ZIP-bestand, geen CSV- of Excel-bestand. Upload de export zelf (.csv of .xlsx).")
            )
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            _(
                "Dit is een oud Excel-bestand (.xls). Open het in Excel en kies 'Opslaan als' → "
                "'Excel-werkmap (.xlsx)' of 'CSV (gescheiden door lijstscheidingsteken)'."
            )
        )
    if data.startswith(b"%PDF"):
        raise UnreadableFile(_("Dit is een PDF-bestand. Upload een CSV- of Excel-bestand (.xlsx) met de export."))
    head = data[:4096]
    if b"\x00" in head and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(
            _("Dit is geen CSV-bestand (het bevat geen leesbare tekst). Upload een CSV- of Excel-bestand (.xlsx).")
        )
    text, encoding = _decode(data)
    if _control_ratio(text[:4096]) > 0.05:
        raise UnreadableFile(
            _("Dit is geen CSV-bestand (het bevat geen leesbare tekst). Upload een CSV- of Excel-bestand (.xlsx).")
        )
    delimiter = _sniff_delimiter(text)
    return _build_table(_csv_records(text, delimiter), file_format="csv", encoding=encoding, delimiter=delimiter)


def _looks_like_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED:
                raise UnreadableFile(
                    _(
                        "Deze Excel-werkmap is uitgepakt groter dan %(mb)s MB. Bewaar alleen het werkblad met de "
                        "kinderen, of sla het op als CSV."
                    )
                    % {"mb": MAX_XLSX_UNPACKED // (1024 * 1024)}
                )
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
    return bad / len(text)


def normalised_csv(table: Table) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([ROW_COLUMN, CELLS_COLUMN, *table.headers])
    for number, cells in table.rows:
        writer.writerow([number, table.long_rows.get(number, ""), *cells])
    return out.getvalue().encode("utf-8")


def read_normalised(data: bytes) -> Table:
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = next(reader)
    rows: list[tuple[int, list[str]]] = []
    long_rows: dict[int, int] = {}
    for record in reader:
        number = int(record[0])
        if record[1]:
            long_rows[number] = int(record[1])
        rows.append((number, record[2:]))
    return Table(headers=header[2:], rows=rows, long_rows=long_rows)


def normalised_sample(data: bytes) -> dict[str, str]:
    """The first data row of a normalised file (or its first bytes), as {header: value}."""
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="ignore"), newline=""))
    header = next(reader, [])
    first = next(reader, [])
    return dict(zip(header[2:], first[2:], strict=False))
