"""The PDFs people read are accessible and print well: a tagged PDF (a structure tree a
screen reader follows, marked content), the document's language and title; in the
information letters the parents' link stands whole on one line, and the sign-off (closing
words and both signatures) is on the same page as the last section."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from agreements.letters.links import letter_link
from agreements.letters.models import Letter
from agreements.letters.render import html_to_pdf
from agreements.letters.selectors import generic_letter
from agreements.letters.storage import letter_generic_ensure
from agreements.models import AgreementVersion

pytestmark = pytest.mark.pdf

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")


def _bytes(letter: Letter) -> bytes:
    with letter.file.open("rb") as fh:
        return fh.read()


def _catalog(data: bytes):
    return PdfReader(io.BytesIO(data)).trailer["/Root"]


def _pages_text(data: bytes) -> list[str]:
    """The text of each page (pdftotext, the reading layout), pages split at form feeds."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")


def _structure_roles(data: bytes) -> set[str]:
    """The structure types in a tagged PDF's structure tree (/H1, /P, /L, /Table …)."""
    roles: set[str] = set()
    stack = [_catalog(data).raw_get("/StructTreeRoot")]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if "/S" in node:
                roles.add(str(node["/S"]))
            if "/K" in node:
                stack.append(node.raw_get("/K"))
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return roles


def assert_tagged(data: bytes, *, lang: str, title: str) -> None:
    catalog = _catalog(data)
    assert "/StructTreeRoot" in catalog, "not a tagged PDF: no structure tree"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert str(catalog["/Lang"]) == lang
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert title in str(PdfReader(io.BytesIO(data)).metadata.title)
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()


@pytest.mark.parametrize("language,title", [("nl", "Informatiebrief"), ("en", "Information letter")])
def test_the_information_letter_is_a_tagged_pdf_in_its_language(world, version_factory, language, title):
    letter = letter_generic_ensure(version=version_factory(basis="a"), language=language)
    data = _bytes(letter)
    assert_tagged(data, lang=language, title=title)
    assert {"/H1", "/H2", "/P", "/L"} <= _structure_roles(data)


def test_every_other_pdf_is_tagged_too():
    """Records, reports and exports go through the same helper (html_to_pdf)."""
    data = html_to_pdf(
        '<!doctype html><html lang="nl"><head><title>Toestemmingsdossier</title></head>'
        "<body><h1>Noah</h1><table><tr><th>Wanneer</th><td>vandaag</td></tr></table></body></html>"
    )
    assert_tagged(data, lang="nl", title="Toestemmingsdossier")
    assert {"/H1", "/Table"} <= _structure_roles(data)


@needs_pdftotext
def test_demo_letters_keep_the_link_whole_and_the_sign_off_with_the_last_section(db):
    call_command("seed_demo")
    versions = AgreementVersion.objects.filter(status="active")
    assert versions.count() >= 4
    checked = 0
    for version in versions:
        for language, online, closing, signed in (
            ("nl", "Deze brief online lezen", "Met vriendelijke groet", "namens"),
            ("en", "Read this letter online", "Kind regards", "on behalf of"),
        ):
            letter = generic_letter(version=version, language=language)
            data = _bytes(letter)
            assert_tagged(data, lang=language, title="Informatiebrief" if language == "nl" else "Information letter")
            pages = _pages_text(data)
            link = letter_link(generic_token=letter.public_token)
            where = f"{version} ({language})"
            assert any(link in line for page in pages for line in page.splitlines()), f"{where}: link split"
            last = [i for i, page in enumerate(pages) if online in page]
            sign_off = [i for i, page in enumerate(pages) if closing in page]
            assert last and sign_off and last == sign_off, f"{where}: last section {last}, sign-off {sign_off}"
            assert signed in pages[sign_off[0]].split(closing, 1)[1], f"{where}: the signatures left the sign-off"
            checked += 1
    print(f"{checked} demo letters: tagged, link whole, sign-off with the last section")
