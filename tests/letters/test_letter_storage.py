"""Letters are rendered once, stored immutably with their SHA-256, audited, never
half-stored; the renderer fetches only the app's own static files."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from agreements.letters.models import Letter
from agreements.letters.render import ASSET_BASE, ASSET_ORIGIN, StaticOnlyFetcher, html_to_pdf
from agreements.letters.selectors import generic_letter, letter_html_name, letter_stored_body
from agreements.letters.storage import letter_generic_ensure
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent


def _files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_generic_letter_is_rendered_once_and_reused(version_factory, monkeypatch):
    version = version_factory(basis="a")
    first = letter_generic_ensure(version=version, language="nl")
    calls = []
    monkeypatch.setattr("agreements.letters.storage.render_letter", lambda ctx: calls.append(ctx) or None)
    again = letter_generic_ensure(version=version, language="nl")
    assert again.pk == first.pk and again.sha256 == first.sha256
    assert calls == []  # not rendered again
    assert Letter.objects.filter(version=version, language="nl").count() == 1


def test_hash_is_the_sha256_of_the_stored_pdf_and_html(version_factory):
    letter = letter_generic_ensure(version=version_factory(basis="e"), language="en")
    with letter.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == letter.sha256
    body = letter_stored_body(letter)
    assert hashlib.sha256(body.encode()).hexdigest() == letter.text_sha256
    assert "A task in the public interest" in body


def test_hash_is_stable_for_a_version_and_differs_for_a_new_version(world, version_factory):
    v1 = version_factory(basis="a")
    nl1 = letter_generic_ensure(version=v1, language="nl")
    en1 = letter_generic_ensure(version=v1, language="en")
    assert letter_generic_ensure(version=v1, language="nl").sha256 == nl1.sha256
    assert nl1.sha256 != en1.sha256
    v2 = version_factory(basis="a", agreement=v1.agreement)  # the amendment supersedes v1
    nl2 = letter_generic_ensure(version=v2, language="nl")
    assert nl2.pk != nl1.pk and nl2.sha256 != nl1.sha256 and nl2.text_sha256 != nl1.text_sha256
    assert nl2.public_token != nl1.public_token
    v1.refresh_from_db()
    assert v1.status == "superseded"
    # The old letter stays as it was: immutable, still provable.
    nl1_again = Letter.objects.get(pk=nl1.pk)
    assert nl1_again.sha256 == nl1.sha256
    with nl1_again.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == nl1.sha256


def test_generation_writes_an_audit_event_with_ids_only(world, version_factory):
    version = version_factory(basis="a")
    letter = letter_generic_ensure(version=version, language="nl", actor=world.user("director_school"))
    event = AuditEvent.objects.get(action="letter.generated", target_id=str(letter.pk))
    assert event.organisation == world.childcare  # the sending organisation's chain
    assert event.actor_id == world.user("director_school").pk
    payload = json.loads(event.payload)
    assert payload == {
        "version": version.pk,
        "language": "nl",
        "personal": False,
        "child": None,
        "guardian": None,
        "sha256": letter.sha256,
    }
    assert verify_chains().ok


@pytest.mark.parametrize("status", ["draft", "awaiting_approval"])
def test_no_stored_letter_for_a_version_that_is_not_active(version_factory, status, letter_storage):
    version = version_factory(basis="a", status=status)
    with pytest.raises(ValidationError, match="actieve afspraak"):
        letter_generic_ensure(version=version, language="nl")
    assert not Letter.objects.exists() and _files(letter_storage) == []


def test_unknown_language_is_refused(version_factory):
    with pytest.raises(ValidationError):
        letter_generic_ensure(version=version_factory(), language="de")


def test_never_half_stored_when_the_transaction_fails(version_factory, monkeypatch, letter_storage):
    version = version_factory(basis="a")

    def broken_audit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("agreements.letters.storage.audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        letter_generic_ensure(version=version, language="nl")
    assert not Letter.objects.exists()
    assert _files(letter_storage) == []  # the PDF and HTML were deleted again
    assert not AuditEvent.objects.filter(action="letter.generated").exists()


def test_a_concurrent_writer_wins_and_our_files_are_removed(version_factory, monkeypatch, letter_storage):
    """Two workers render the same letter; the unique constraint keeps one, the other
    returns the stored one and leaves no stray files."""
    version = version_factory(basis="a")
    winner = letter_generic_ensure(version=version, language="nl")
    winner_files = _files(letter_storage)
    real = generic_letter
    looks = []

    def first_look_misses(**kw):  # as if we looked before it existed; after the clash we find theirs
        looks.append(1)
        return None if len(looks) == 1 else real(**kw)

    monkeypatch.setattr("agreements.letters.storage.generic_letter", first_look_misses)
    loser = letter_generic_ensure(version=version, language="nl")
    assert loser.pk == winner.pk
    assert _files(letter_storage) == winner_files
    assert Letter.objects.count() == 1


def test_files_are_private_storage_paths(version_factory):
    letter = letter_generic_ensure(version=version_factory(), language="nl")
    assert letter.file.name.startswith(f"letters/v{letter.version_id}/")
    assert default_storage.exists(letter_html_name(letter))


# --- The fetcher --------------------------------------------------------------------------------


def test_fetcher_serves_the_apps_own_stylesheet():
    response = StaticOnlyFetcher().fetch(ASSET_BASE + "css/letter-print.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/evil.css",
        "http://127.0.0.1:8000/static/css/letter-print.css",
        "file:///etc/passwd",
        "data:text/css,body{color:red}",
        ASSET_BASE + "../../etc/passwd",
        ASSET_BASE + "css/../../settings.py",
        ASSET_BASE + "%2e%2e/%2e%2e/etc/passwd",
        ASSET_BASE + "css/letter-print.css?x=1",
        ASSET_BASE + "css/does-not-exist.css",
        ASSET_BASE + "js/anything.js",
        ASSET_ORIGIN + "/media/letters/v1/x.pdf",
    ],
)
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_a_remote_image_in_a_document_is_not_fetched(monkeypatch):
    """WeasyPrint goes through our fetcher; an external URL is refused, rendering goes on."""
    seen = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        seen.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    pdf = html_to_pdf('<p>x</p><img src="https://example.com/tracker.png"><img src="/etc/hostname">')
    assert pdf.startswith(b"%PDF")
    assert "https://example.com/tracker.png" in seen
