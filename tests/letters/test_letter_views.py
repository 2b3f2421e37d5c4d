"""The pages: a parent reads the letter and downloads the PDF; directors and privacy
officers preview drafts; a director runs a paper batch and downloads the ZIP."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from agreements.letters.models import Letter, LetterBatch
from agreements.letters.selectors import letter_html_name
from agreements.letters.storage import letter_generic_ensure
from tests.letters.conftest import pdf_text


def _no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert " style=" not in html, 'inline style="" attribute'
    assert "<style" not in html


def test_parent_reads_the_letter_without_logging_in(client, version_factory):
    letter = letter_generic_ensure(version=version_factory(basis="a"), language="nl")
    response = client.get(reverse("agreements:letter-public", kwargs={"token": letter.public_token}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Toestemming geven is vrijwillig" in html
    assert "Autoriteit Persoonsgegevens" in html
    assert letter.sha256 in html
    assert reverse("agreements:letter-public-pdf", kwargs={"token": letter.public_token}) in html
    assert "Read in English" in html
    assert response["X-Robots-Tag"].startswith("noindex")
    _no_inline_code(html)


def test_the_page_shows_exactly_the_stored_letter(client, version_factory):
    version = version_factory(basis="a")
    letter = letter_generic_ensure(version=version, language="nl")
    # The organisation renames itself later: the stored letter (and its page) do not change.
    version.agreement.sending_organisation.__class__.objects.filter(
        pk=version.agreement.sending_organisation_id
    ).update(name="Nieuwe Naam Opvang")
    html = client.get(reverse("agreements:letter-public", kwargs={"token": letter.public_token})).content.decode()
    assert "Kinderopvang Test" in html and "Nieuwe Naam Opvang" not in html


def test_pdf_download_is_one_tap_away(client, version_factory):
    letter = letter_generic_ensure(version=version_factory(basis="e"), language="en")
    response = client.get(reverse("agreements:letter-public-pdf", kwargs={"token": letter.public_token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert "You have the right to object" in pdf_text(data)


def test_language_switch_makes_and_opens_the_other_language(client, version_factory):
    version = version_factory(basis="c")
    nl = letter_generic_ensure(version=version, language="nl")
    url = reverse("agreements:letter-public-language", kwargs={"token": nl.public_token, "language": "en"})
    response = client.get(url)
    en = Letter.objects.get(version=version, language="en", guardian__isnull=True)
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:letter-public", kwargs={"token": en.public_token})
    page = client.get(response["Location"]).content.decode()
    assert "A legal duty" in page and "Lees in het Nederlands" in page
    assert client.get(url)["Location"] == response["Location"]  # made once
    bad = reverse("agreements:letter-public-language", kwargs={"token": nl.public_token, "language": "de"})
    assert client.get(bad).status_code == 404


def test_unknown_or_superseded_letter_is_not_found(client, version_factory):
    v1 = version_factory(basis="a")
    letter = letter_generic_ensure(version=v1, language="nl")
    assert client.get(reverse("agreements:letter-public", kwargs={"token": "x" * 43})).status_code == 404
    version_factory(basis="a", agreement=v1.agreement)  # v2 supersedes v1
    for name in ("agreements:letter-public", "agreements:letter-public-pdf"):
        assert client.get(reverse(name, kwargs={"token": letter.public_token})).status_code == 404


def test_public_pages_refuse_post(client, version_factory):
    letter = letter_generic_ensure(version=version_factory(), language="nl")
    assert client.post(reverse("agreements:letter-public", kwargs={"token": letter.public_token})).status_code == 405


def test_privacy_officer_previews_a_draft_with_watermark(world, login, version_factory):
    version = version_factory(basis="a", status="draft")
    client = login(world.user("po_school"))
    page = client.get(reverse("agreements:letter-preview", kwargs={"version_pk": version.pk, "language": "nl"}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "CONCEPT" in html and "Toestemming geven is vrijwillig" in html
    _no_inline_code(html)
    pdf = client.get(reverse("agreements:letter-preview-pdf", kwargs={"version_pk": version.pk, "language": "en"}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "DRAFT" in pdf_text(pdf.content)
    assert not Letter.objects.exists()  # previews are never stored


def test_version_letters_page_for_a_director(world, login, version_factory, django_capture_on_commit_callbacks):
    version = version_factory(basis="a")
    client = login(world.user("director_school"))
    url = reverse("agreements:version-letters", kwargs={"version_pk": version.pk})
    html = client.get(url).content.decode()
    assert "Nog niet gemaakt" in html
    assert "Brieven op papier" not in html  # the school does not send: no batch for them
    _no_inline_code(html)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("agreements:letter-generate", kwargs={"version_pk": version.pk}))
    assert response.status_code == 302
    html = client.get(url).content.decode()
    for letter in Letter.objects.filter(version=version):
        assert letter.sha256 in html and letter.public_token in html


def test_generate_for_a_draft_says_why_not(world, login, version_factory):
    version = version_factory(status="draft")
    client = login(world.user("director_childcare"))
    response = client.post(reverse("agreements:letter-generate", kwargs={"version_pk": version.pk}), follow=True)
    assert "Alleen voor een actieve afspraak" in response.content.decode()
    assert not Letter.objects.exists()


def test_director_runs_a_paper_batch_and_downloads_the_zip(
    world, login, version_factory, django_capture_on_commit_callbacks
):
    version = version_factory(basis="a")
    client = login(world.user("director_childcare"))
    page = client.get(reverse("agreements:version-letters", kwargs={"version_pk": version.pk})).content.decode()
    assert "Maak de brieven op papier" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agreements:letter-batch-start", kwargs={"version_pk": version.pk}), {"language": "en"}
        )
    batch = LetterBatch.objects.get()
    assert response["Location"] == reverse("agreements:letter-batch", kwargs={"pk": batch.pk})
    html = client.get(response["Location"]).content.decode()
    assert "4 van 4" in html and 'http-equiv="refresh"' not in html
    _no_inline_code(html)
    download = client.get(reverse("agreements:letter-batch-download", kwargs={"pk": batch.pk}))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 4
    assert any("Dear Sanne de Boer," in pdf_text(archive.read(n)) for n in archive.namelist())


def test_progress_page_refreshes_itself_while_running(world, login, version_factory):
    version = version_factory(basis="a")
    batch = LetterBatch.objects.create(
        version=version,
        requested_by=world.user("director_childcare"),
        status=LetterBatch.Status.RUNNING,
        total=10,
        done=3,
    )
    client = login(world.user("director_childcare"))
    html = client.get(reverse("agreements:letter-batch", kwargs={"pk": batch.pk})).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "3 van 10" in html and '<progress class="letter-progress" max="10" value="3">' in html
    response = client.get(reverse("agreements:letter-batch-download", kwargs={"pk": batch.pk}))
    assert response.status_code == 302  # not ready yet: back to the progress page


def test_failed_batch_shows_its_message(world, login, version_factory):
    version = version_factory(basis="a")
    batch = LetterBatch.objects.create(
        version=version,
        requested_by=world.user("director_childcare"),
        status=LetterBatch.Status.FAILED,
        error="Het maken is mislukt (OSError).",
    )
    html = (
        login(world.user("director_childcare"))
        .get(reverse("agreements:letter-batch", kwargs={"pk": batch.pk}))
        .content.decode()
    )
    assert "Het maken is mislukt (OSError)." in html


def test_batch_start_with_a_bad_language_says_so(world, login, version_factory):
    version = version_factory(basis="a")
    response = login(world.user("director_childcare")).post(
        reverse("agreements:letter-batch-start", kwargs={"version_pk": version.pk}), {"language": "xx"}, follow=True
    )
    assert "Kies de taal van de brieven" in response.content.decode()
    assert not LetterBatch.objects.exists()


@pytest.mark.parametrize("name", ["agreements:letter-generate", "agreements:letter-batch-start"])
def test_state_changes_refuse_get(world, login, version_factory, name):
    version = version_factory()
    client = login(world.user("director_childcare"))
    assert client.get(reverse(name, kwargs={"version_pk": version.pk})).status_code == 405


def _panel(user, version) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("agreements/letters/_version_panel.html", {"version": version}, request=request)


def test_letter_panel_for_the_agreement_pages(world, version_factory):
    """The panel the agreement pages include (agreements/views.py LETTERS_PANEL)."""
    version = version_factory(basis="a")
    letter = letter_generic_ensure(version=version, language="nl")
    public = reverse("agreements:letter-public", kwargs={"token": letter.public_token})
    manage = reverse("agreements:version-letters", kwargs={"version_pk": version.pk})
    html = _panel(world.user("po_school"), version)
    assert "Informatiebrief voor ouders" in html and public in html and manage in html
    html = _panel(world.user("staff_school"), version)
    assert public in html and manage not in html
    draft = version_factory(status="draft", agreement=None, title="Concept")
    assert "Bekijk een voorbeeld van de brief" in _panel(world.user("director_school"), draft)
    assert _panel(world.user("staff_school"), draft).strip() == ""


def test_agreement_detail_page_includes_the_panel(world, login, version_factory):
    version = version_factory(basis="a")
    letter = letter_generic_ensure(version=version, language="nl")
    html = (
        login(world.user("director_school"))
        .get(reverse("agreements:agreement-detail", kwargs={"pk": version.agreement_id}))
        .content.decode()
    )
    assert reverse("agreements:letter-public", kwargs={"token": letter.public_token}) in html
    assert reverse("agreements:version-letters", kwargs={"version_pk": version.pk}) in html


def test_page_offers_the_pdf_when_the_stored_html_is_gone(client, version_factory):
    from django.core.files.storage import default_storage

    letter = letter_generic_ensure(version=version_factory(), language="nl")
    default_storage.delete(letter_html_name(letter))
    response = client.get(reverse("agreements:letter-public", kwargs={"token": letter.public_token}))
    assert response.status_code == 200
    assert "Download de PDF" in response.content.decode()
