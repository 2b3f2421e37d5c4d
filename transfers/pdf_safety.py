"""Is an uploaded PDF only pages? A transfer's attachment is opened by the receiving
organisation's staff and by parents, so a PDF that can run or carry something else is
refused: JavaScript (a document, page or form-field action, or the names tree), an action
that launches a program or imports or submits data, embedded files, XFA forms, rich media,
and HTML inside the file (a PDF that is also a web page).

Two looks, so that hiding from one does not help: the raw bytes outside the streams (names
with their #xx escapes decoded, so /J#61vaScript is /JavaScript; earlier revisions that
the newest no longer points to are still read; stream data is skipped, where three random
bytes of a picture can spell /JS), and every object as pypdf reads it (including the
objects packed inside compressed object streams, which the raw bytes do not show). A PDF
that pypdf cannot read, or that needs a password, is refused too: then nobody can say what
is inside.
"""

from __future__ import annotations

import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Names (without the slash) that mean active or embedded content.
FORBIDDEN_NAMES = frozenset(
    {
        "JavaScript",
        "JS",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "XFA",
        "RichMedia",
        "ImportData",
        "SubmitForm",
        "GoToE",
    }
)
MAX_OBJECTS = 200_000  # more objects than a 10 MB document of pages has
MAX_DEPTH = 64

_NAME = re.compile(rb"/((?:[^\s/\[\]()<>{}%#]|#[0-9A-Fa-f]{2})+)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Anywhere in the file (an uncompressed stream can hold a web page too); five letters or more,
# so that compressed picture data does not spell one by chance.
_HTML = re.compile(rb"<\s*(?:html|head|body|script|iframe|object|embed|!doctype\s+html)\b", re.IGNORECASE)


def _refused() -> ValidationError:
    return ValidationError(
        _(
            "Deze PDF bevat meer dan alleen pagina's (scripts, HTML, ingesloten bestanden of een actie die een "
            "programma start). Zo'n PDF sturen we niet mee. Sla het document opnieuw op via 'Afdrukken als PDF' "
            "en voeg dat bestand toe."
        )
    )


def _unreadable() -> ValidationError:
    return ValidationError(
        _("Deze PDF kunnen we niet lezen. Sla het document opnieuw op via 'Afdrukken als PDF' en voeg dat bestand toe.")
    )


def _outside_streams(data: bytes) -> bytes:
    """The bytes with every stream's data left out (one pass: a "stream" without its
    "endstream" ends the search)."""
    kept, at = [], 0
    while (start := data.find(b"stream", at)) != -1:
        kept.append(data[at : start + 6])
        end = data.find(b"endstream", start + 6)
        if end == -1:
            return b"".join(kept)
        at = end + 9
    kept.append(data[at:])
    return b"".join(kept)


def _raw_names(data: bytes) -> set[str]:
    names = set()
    for match in _NAME.finditer(_outside_streams(data)):
        raw = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        names.add(raw.decode("latin-1"))
    return names


def _object_ids(reader: PdfReader) -> list[tuple[int, int]]:
    ids = {(num, gen) for gen, table in reader.xref.items() for num in table}
    ids |= {(num, 0) for num in reader.xref_objStm}
    return sorted(ids)


def _forbidden_in(obj, depth: int = 0) -> bool:
    """A name that means active content, as a key or a value, anywhere in this object (not
    following references: every object is visited on its own)."""
    if depth > MAX_DEPTH:
        return True  # nested deeper than any real document: refuse rather than guess
    if isinstance(obj, NameObject):
        return obj[1:] in FORBIDDEN_NAMES
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if str(key)[1:] in FORBIDDEN_NAMES or _forbidden_in(value, depth + 1):
                return True
    elif isinstance(obj, ArrayObject):
        return any(_forbidden_in(value, depth + 1) for value in obj)
    return False


def _objects_forbidden(data: bytes) -> bool:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(_("Deze PDF is beveiligd met een wachtwoord. Voeg een PDF zonder wachtwoord toe."))
        if _forbidden_in(reader.trailer):
            return True
        ids = _object_ids(reader)
        if len(ids) > MAX_OBJECTS:
            raise _unreadable()
        for num, gen in ids:
            obj = reader.get_object(IndirectObject(num, gen, reader))
            if obj is not None and _forbidden_in(obj):
                return True
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError, OSError):
        raise _unreadable() from None
    return False


def check(data: bytes) -> None:
    """Raise ValidationError (a sentence for the person uploading) unless the PDF is only pages."""
    if _HTML.search(data) or _raw_names(data) & FORBIDDEN_NAMES:
        raise _refused()
    if _objects_forbidden(data):
        raise _refused()
