"""Putting a personal cover page in front of a stored generic letter, without laying the
generic letter out again and without re-writing it.

A personal paper letter is the generic letter's stored PDF, byte for byte, followed by
one PDF *incremental update* (ISO 32000-1, 7.5.6): the cover page's objects, a new page
tree whose first kid is the cover page and whose last kid is the generic letter's own
page tree, a new catalog (the generic one with that page tree and page labels:
"Voorblad", then 1, 2, 3 …) and a cross-reference stream that points back to the
generic letter's. So:

- the first `len(generic)` bytes of a personal letter ARE the generic letter: anyone can
  check which generic letter it contains by hashing that prefix (`contains_generic`);
- nothing of the generic letter is parsed or written per letter: its trailer is read
  once per batch (`GenericPdf`).

The cover itself is two layers, so that WeasyPrint lays out only a few lines per letter:

- the BACKGROUND (`CoverBackground`): everything that is the same on every cover of a
  batch (letterhead, explanation, instructions), rendered once, with empty slots where
  the personal parts go. Each cover page draws it first, as a Form XObject;
- the personal LAYER: the names, the link and its QR code, absolutely positioned in
  those slots, one transparent page per letter, rendered in chunks (`CoverPages`). Each
  object of a chunk is parsed and serialised once, numbered after the generic letter's
  (and the background's) objects; per letter only a few hundred bytes (page tree,
  catalog, cross-reference stream) are written, then the parts are concatenated.

Only PDFs made by WeasyPrint (our own renderer) go in. The personal pages of one chunk
share their font subsets; a page never refers to another page of the chunk (checked),
so a letter contains no other family's page.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject, StreamObject

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
BACKGROUND_NAME = "/IkcCoverBackground"


def _leaf(obj: PdfObject) -> bytes:
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


def _name(key: str) -> bytes:
    return _leaf(NameObject(key))


def serialise(obj: PdfObject, renumber: Callable[[int], int]) -> bytes:
    """PDF syntax for a parsed object with every indirect reference renumbered. A
    stream keeps its encoded data (and filters) as it was read."""
    if isinstance(obj, IndirectObject):
        return b"%d 0 R" % renumber(obj.idnum)
    if isinstance(obj, StreamObject):
        entries = _entries(obj, renumber, skip=("/Length",))
        data = obj._data  # the encoded bytes as read: copied, never decoded
        return b"<<%s /Length %d>>\nstream\n%s\nendstream" % (entries, len(data), data)
    if isinstance(obj, DictionaryObject):
        return b"<<" + _entries(obj, renumber) + b">>"
    if isinstance(obj, ArrayObject):
        return b"[" + b" ".join(serialise(v, renumber) for v in obj) + b"]"
    return _leaf(obj)


def _entries(obj: DictionaryObject, renumber: Callable[[int], int], skip: tuple[str, ...] = ()) -> bytes:
    return b" ".join(_name(k) + b" " + serialise(v, renumber) for k, v in obj.items() if k not in skip)


def _inherited(page: DictionaryObject, key: str) -> PdfObject | None:
    node: PdfObject | None = page
    while node is not None:
        if key in node:
            return node.raw_get(key)
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def _reachable(start: list[PdfObject], *, stop: set[int] = frozenset()) -> set[int]:
    """Object numbers reachable from `start`, not following /Parent. Reaching a number in
    `stop` (another letter's page) is an error."""
    seen: set[int] = set()
    stack = list(start)
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                continue
            if obj.idnum in stop:
                raise ValueError("a cover page refers to another letter's cover page")
            seen.add(obj.idnum)
            stack.append(obj.get_object())
        elif isinstance(obj, DictionaryObject):
            stack.extend(v for k, v in obj.items() if k != "/Parent")
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return seen


def _pdf_text(value: str) -> bytes:
    """A PDF literal string (ASCII labels only)."""
    escaped = value.encode("ascii").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped + b")"


@dataclass(frozen=True)
class GenericPdf:
    """What the update needs from the stored generic letter, read once per batch."""

    data: bytes
    sha256: str
    size: int  # first free object number
    startxref: int
    pages_id: int
    page_count: int
    pages_entries: bytes  # the generic page tree's entries except /Parent
    catalog_entries: bytes  # the catalog's entries except /Pages and /PageLabels
    info: bytes  # "/Info n 0 R" or b""
    first_id: bytes  # the file identifier's first half, as PDF syntax, or b""

    @classmethod
    def read(cls, data: bytes) -> GenericPdf:
        found = _STARTXREF.search(data[-1024:])
        if found is None:
            raise ValueError("not a complete PDF: no startxref at the end")
        reader = PdfReader(io.BytesIO(data))
        trailer = reader.trailer
        catalog = trailer.raw_get("/Root").get_object()
        pages_ref = catalog.raw_get("/Pages")
        pages = pages_ref.get_object()
        same = lambda n: n  # noqa: E731 - the generic letter keeps its own numbers
        info = trailer.raw_get("/Info") if "/Info" in trailer else None
        ids = trailer.get("/ID")
        return cls(
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            size=int(trailer["/Size"]),
            startxref=int(found.group(1)),
            pages_id=pages_ref.idnum,
            page_count=int(pages["/Count"]),
            pages_entries=_entries(pages, same, skip=("/Parent",)),
            catalog_entries=_entries(catalog, same, skip=("/Pages", "/PageLabels")),
            info=b"/Info %d 0 R" % info.idnum if info is not None else b"",
            first_id=serialise(ids[0], same) if ids else b"",
        )


class CoverBackground:
    """The one-page background of the covers of a batch (rendered once), to be drawn as
    a Form XObject under each personal layer. Its links, if any, are not kept."""

    def __init__(self, data: bytes):
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) != 1:
            raise ValueError(f"the cover background must be one page, not {len(reader.pages)}")
        page = reader.pages[0]
        self.size = int(reader.trailer["/Size"])
        self.resources = _inherited(page, "/Resources") or DictionaryObject()
        self.bbox = _inherited(page, "/MediaBox")
        contents = page.raw_get("/Contents")
        streams = contents.get_object() if isinstance(contents, IndirectObject) else contents
        if isinstance(streams, StreamObject):  # one stream: keep its filter and encoded bytes
            self.filters = _entries(streams, lambda n: n, skip=("/Length",))
            self.data = streams._data
        else:  # several: decoded and joined once
            self.filters = b""
            self.data = b"\n".join(part.get_object().get_data() for part in streams)
        self.reader = reader

    def objects(self, base: int) -> tuple[int, dict[int, bytes]]:
        """The Form XObject's number and every object it needs, numbered from `base`."""
        renumber = lambda n: base + n  # noqa: E731
        bodies = {base + n: serialise(self.reader.get_object(n), renumber) for n in _reachable([self.resources])}
        form_id = base + self.size
        entries = b"/Type /XObject /Subtype /Form /BBox %s /Resources %s %s" % (
            serialise(self.bbox, renumber),
            serialise(self.resources, renumber),
            self.filters,
        )
        bodies[form_id] = b"<<%s /Length %d>>\nstream\n%s\nendstream" % (entries, len(self.data), self.data)
        return form_id, bodies


class CoverPages:
    """The personal layers of several letters, rendered in one WeasyPrint document: page
    `i` is letter `i`'s cover. With a `background`, each page draws it first."""

    def __init__(self, data: bytes, *, generic: GenericPdf, background: CoverBackground | None = None):
        self.generic = generic
        self._shared: dict[int, bytes] = {}  # objects every letter of the chunk carries
        base = generic.size
        background_id = None
        if background is not None:
            background_id, self._shared = background.objects(base)
            prefix_id = background_id + 1
            self._shared[prefix_id] = b"<</Length %d>>\nstream\n%s\nendstream" % (
                len(b"q %s Do Q" % BACKGROUND_NAME.encode()),
                b"q %s Do Q" % BACKGROUND_NAME.encode(),
            )
            base = prefix_id + 1
        reader = PdfReader(io.BytesIO(data))
        self.root_id = base + int(reader.trailer["/Size"])  # the new page tree of each letter
        self.catalog_id = self.root_id + 1
        self.xref_id = self.root_id + 2
        renumber = lambda n: base + n  # noqa: E731
        pages = [page.indirect_reference for page in reader.pages]
        all_pages = {ref.idnum for ref in pages}
        self._bodies: dict[int, bytes] = {}
        self.letters: list[tuple[int, list[int]]] = []  # (page id, object ids) per letter
        for ref in pages:
            page = ref.get_object()
            inherited = {key: _inherited(page, key) for key in _INHERITABLE if key not in page}
            inherited = {key: value for key, value in inherited.items() if value is not None}
            objects = _reachable([ref, *inherited.values()], stop=all_pages - {ref.idnum})
            for idnum in objects - {ref.idnum}:
                if base + idnum not in self._bodies:
                    self._bodies[base + idnum] = serialise(reader.get_object(idnum), renumber)
            self._bodies[base + ref.idnum] = self._page(page, inherited, renumber, background_id)
            self.letters.append((base + ref.idnum, sorted(base + n for n in objects)))

    def _page(self, page: DictionaryObject, inherited: dict, renumber, background_id: int | None) -> bytes:
        entries = {**page, **inherited}
        parts = [b"/Parent %d 0 R" % self.root_id]
        for key, value in entries.items():
            if key == "/Parent":
                continue
            if background_id is not None and key == "/Contents":
                parts.append(b"/Contents [%d 0 R %s]" % (background_id + 1, _contents_refs(value, renumber)))
                continue
            if background_id is not None and key == "/Resources":
                parts.append(b"/Resources " + _with_background(value.get_object(), renumber, background_id))
                continue
            parts.append(_name(key) + b" " + serialise(value, renumber))
        if background_id is not None and "/Resources" not in entries:
            parts.append(b"/Resources " + _with_background(DictionaryObject(), renumber, background_id))
        return b"<<" + b" ".join(parts) + b">>"

    def __len__(self) -> int:
        return len(self.letters)

    def letter(self, index: int, *, cover_label: str) -> bytes:
        """The personal letter: the generic PDF + an update with cover `index` in front."""
        generic = self.generic
        page_id, object_ids = self.letters[index]
        out = bytearray(generic.data)
        if not out.endswith(b"\n"):
            out += b"\n"
        offsets: dict[int, int] = {}

        def put(idnum: int, body: bytes) -> None:
            offsets[idnum] = len(out)
            out.extend(b"%d 0 obj\n" % idnum)
            out.extend(body)
            out.extend(b"\nendobj\n")

        for idnum, body in self._shared.items():
            put(idnum, body)
        for idnum in object_ids:
            put(idnum, self._bodies[idnum])
        count = 1 + generic.page_count
        put(self.root_id, b"<</Type /Pages /Kids [%d 0 R %d 0 R] /Count %d>>" % (page_id, generic.pages_id, count))
        put(generic.pages_id, b"<<%s /Parent %d 0 R>>" % (generic.pages_entries, self.root_id))
        labels = b"/PageLabels <</Nums [0 <</P %s>> 1 <</S /D /St 1>>]>>" % _pdf_text(cover_label)
        put(self.catalog_id, b"<<%s /Pages %d 0 R %s>>" % (generic.catalog_entries, self.root_id, labels))
        # The cross-reference stream lists itself too; type-1 entries: offset (4 bytes), generation 0.
        offsets[self.xref_id] = len(out)
        ids = sorted(offsets)
        rows = b"".join(b"\x01" + offsets[i].to_bytes(4, "big") + b"\x00" for i in ids)
        index_pairs: list[int] = []
        for i in ids:
            if index_pairs and index_pairs[-2] + index_pairs[-1] == i:
                index_pairs[-1] += 1
            else:
                index_pairs += [i, 1]
        doc_id = hashlib.md5(bytes(out[len(generic.data) :]), usedforsecurity=False).hexdigest().encode()
        file_id = b"[%s <%s>]" % (generic.first_id or b"<%s>" % doc_id, doc_id)
        xref = b"<</Type /XRef /Size %d /Index [%s] /W [1 4 1] /Root %d 0 R %s /ID %s /Prev %d /Length %d>>" % (
            self.xref_id + 1,
            b" ".join(b"%d" % n for n in index_pairs),
            self.catalog_id,
            generic.info,
            file_id,
            generic.startxref,
            len(rows),
        )
        out.extend(b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (self.xref_id, xref, rows))
        out.extend(b"startxref\n%d\n%%%%EOF\n" % offsets[self.xref_id])
        return bytes(out)


def _contents_refs(value: PdfObject, renumber) -> bytes:
    """A page's /Contents (one stream or an array of streams) as references inside an array."""
    if isinstance(value, ArrayObject):
        return b" ".join(serialise(v, renumber) for v in value)
    return serialise(value, renumber)


def _with_background(resources: DictionaryObject, renumber, background_id: int) -> bytes:
    """The page's resources as a direct dictionary, with the background form added."""
    parts = []
    xobjects = b""
    for key, value in resources.items():
        if key == "/XObject":
            xobjects = _entries(value.get_object(), renumber)
        else:
            parts.append(_name(key) + b" " + serialise(value, renumber))
    parts.append(b"/XObject <<%s %s %d 0 R>>" % (xobjects, BACKGROUND_NAME.encode(), background_id))
    return b"<<" + b" ".join(parts) + b">>"


def contains_generic(personal: bytes, generic_sha256: str, generic_length: int) -> bool:
    """Whether a personal letter starts with exactly the generic letter of that hash."""
    return hashlib.sha256(personal[:generic_length]).hexdigest() == generic_sha256
