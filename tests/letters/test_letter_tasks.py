"""The Celery tasks (eager in tests): the generic letter, retries and failure reports,
and the personalised batch with its progress and ZIP."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError

from agreements import tasks
from agreements.letters import services as letters_services
from agreements.letters.covers import render_covers
from agreements.letters.models import Letter, LetterBatch
from agreements.letters.personal import letters_personal_make
from agreements.letters.render import html_to_pdf
from ikc_share.celery import app
from ikc_share.models import AuditEvent
from tests.factories import ChildFactory, GuardianFactory, link_guardian
from tests.letters.conftest import pdf_text


@pytest.fixture
def retries_like_a_worker():
    """Eager mode normally propagates the first exception (a Retry); without propagation
    Celery re-runs a retried task at once, as a worker would after the delay."""
    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


def test_task_renders_and_stores_the_generic_letter(world, version_factory):
    version = version_factory(basis="c")
    letter_id = tasks.letter_generate.delay(version.pk, "en", world.user("director_childcare").pk).get()
    letter = Letter.objects.get(pk=letter_id)
    assert (letter.version, letter.language, letter.guardian) == (version, "en", None)
    # Asking again returns the stored one.
    assert tasks.letter_generate.delay(version.pk, "en").get() == letter_id


def test_task_retries_a_failed_render_then_succeeds(version_factory, monkeypatch, retries_like_a_worker):
    version = version_factory(basis="a")
    real = html_to_pdf
    attempts = []

    def flaky(document):
        attempts.append(1)
        if len(attempts) < 3:
            raise OSError("font cache busy")
        return real(document)

    monkeypatch.setattr("agreements.letters.render.html_to_pdf", flaky)
    result = tasks.letter_generate.delay(version.pk, "nl")
    assert result.successful()
    assert len(attempts) == 3
    assert Letter.objects.filter(version=version, language="nl").count() == 1


def test_task_reports_a_render_that_keeps_failing(version_factory, monkeypatch, letter_storage, retries_like_a_worker):
    version = version_factory(basis="a")

    def broken(document):
        raise OSError("disk full")

    monkeypatch.setattr("agreements.letters.render.html_to_pdf", broken)
    result = tasks.letter_generate.delay(version.pk, "nl")
    assert isinstance(result.result, OSError)
    assert not Letter.objects.exists()
    assert not [p for p in letter_storage.rglob("*") if p.is_file()]
    event = AuditEvent.objects.get(action="letter.generation_failed")
    assert json.loads(event.payload)["error"] == "OSError"


def test_task_does_not_retry_a_draft(version_factory, monkeypatch):
    version = version_factory(status="draft")
    assert tasks.letter_generate.delay(version.pk, "nl").get() is None
    assert not Letter.objects.exists()


def test_letters_generate_queues_both_languages_on_commit(world, version_factory, django_capture_on_commit_callbacks):
    version = version_factory(basis="e")
    with django_capture_on_commit_callbacks(execute=True):
        queued = letters_services.letters_generate(version=version, actor=world.user("director_school"))
    assert queued == ["nl", "en"]
    assert set(Letter.objects.filter(version=version).values_list("language", flat=True)) == {"nl", "en"}
    assert letters_services.letters_generate(version=version) == []


def _start_batch(world, version, django_capture_on_commit_callbacks, language="nl"):
    with django_capture_on_commit_callbacks(execute=True):
        batch = letters_services.letter_batch_start(
            version=version, language=language, actor=world.user("director_childcare")
        )
    batch.refresh_from_db()
    return batch


def test_batch_makes_one_letter_per_guardian_with_authority(world, version_factory, django_capture_on_commit_callbacks):
    # A guardian without parental authority gets no letter of their own.
    no_authority = GuardianFactory(organisation=world.childcare, first_name="Erik", last_name="Hendriks")
    link_guardian(guardian=no_authority, child=world.child_bso, authority=False)
    version = version_factory(basis="a")
    batch = _start_batch(world, version, django_capture_on_commit_callbacks)
    # Noah (2 guardians) and Emma at the BSO (2 guardians with authority); the school's child is not ours.
    assert (batch.status, batch.done, batch.total) == ("done", 4, 4)
    assert batch.finished_at is not None
    personal = Letter.objects.filter(version=version, guardian__isnull=False)
    assert personal.count() == 4
    assert not personal.filter(guardian=no_authority).exists()
    with batch.file.open("rb") as fh:
        archive = zipfile.ZipFile(io.BytesIO(fh.read()))
    names = archive.namelist()
    assert len(names) == 4 and all(n.endswith(".pdf") for n in names)
    assert any(n.startswith("kdv-test-vlinders/") and "noah-jansen" in n for n in names)
    texts = [pdf_text(archive.read(n)) for n in names]
    assert sum("Beste Sanne de Boer," in t for t in texts) == 2
    assert sum("Deze brief gaat over uw kind Emma Jansen" in t for t in texts) == 2
    actions = list(AuditEvent.objects.filter(organisation=world.childcare).values_list("action", flat=True))
    assert actions.count("letter.generated") == 5  # the generic letter + 4 personal ones
    assert "letter_batch.started" in actions and "letter_batch.finished" in actions


def test_a_second_batch_reuses_the_stored_letters(world, version_factory, django_capture_on_commit_callbacks):
    version = version_factory(basis="a")
    first = _start_batch(world, version, django_capture_on_commit_callbacks)
    shas = set(Letter.objects.filter(version=version).values_list("sha256", flat=True))
    second = _start_batch(world, version, django_capture_on_commit_callbacks)
    assert second.pk != first.pk and second.status == "done"
    assert set(Letter.objects.filter(version=version).values_list("sha256", flat=True)) == shas


def test_batch_failure_is_reported_and_resumable(
    world, version_factory, monkeypatch, django_capture_on_commit_callbacks, retries_like_a_worker
):
    version = version_factory(basis="a")
    monkeypatch.setattr("agreements.letters.batches.COVER_CHUNK", 1)  # one cover per render, to fail half-way
    real = render_covers
    calls = []

    def failing_after_two(**kwargs):
        calls.append(1)
        if len(calls) > 2:
            raise OSError("out of memory")
        return real(**kwargs)

    monkeypatch.setattr("agreements.letters.personal.render_covers", failing_after_two)
    batch = letters_services.letter_batch_start(version=version, language="nl", actor=world.user("director_childcare"))
    result = tasks.letter_batch_run.delay(batch.pk)  # retried, then reported
    assert isinstance(result.result, OSError)
    assert len(calls) == 2 + 4  # two stored letters, then one failed attempt per try (1 + 3 retries)
    batch.refresh_from_db()
    assert batch.status == "failed" and "mislukt" in batch.error and not batch.file
    assert AuditEvent.objects.filter(action="letter_batch.failed").exists()
    # The generic letter and two personal letters were stored whole; nothing half.
    assert Letter.objects.filter(version=version, guardian__isnull=True).count() == 1
    assert Letter.objects.filter(version=version, guardian__isnull=False).count() == 2
    monkeypatch.setattr("agreements.letters.personal.render_covers", real)
    again = _start_batch(world, version, django_capture_on_commit_callbacks)
    assert again.status == "done" and again.done == 4
    assert Letter.objects.filter(version=version, guardian__isnull=False).count() == 4


def test_batch_rules(world, version_factory, django_capture_on_commit_callbacks):
    director = world.user("director_childcare")
    draft = version_factory(status="draft")
    with pytest.raises(ValidationError, match="actieve afspraak"):
        letters_services.letter_batch_start(version=draft, language="nl", actor=director)
    active = version_factory(basis="a")
    with pytest.raises(ValidationError, match="taal"):
        letters_services.letter_batch_start(version=active, language="fr", actor=director)
    letters_services.letter_batch_start(version=active, language="nl", actor=director)  # queued, not run
    with pytest.raises(ValidationError, match="al gemaakt"):
        letters_services.letter_batch_start(version=active, language="nl", actor=director)
    assert LetterBatch.objects.count() == 1


def test_batch_for_an_organisation_without_parents_is_refused(world, version_factory):
    version = version_factory(basis="a")
    world.childcare.children.update(left_on="2026-01-01")
    with pytest.raises(ValidationError, match="geen ouders met gezag"):
        letters_services.letter_batch_start(version=version, language="nl", actor=world.user("director_childcare"))


def test_batch_of_a_version_superseded_meanwhile_fails_with_a_message(world, version_factory):
    version = version_factory(basis="a")
    batch = LetterBatch.objects.create(version=version, language="nl", requested_by=world.user("director_childcare"))
    version_factory(basis="a", agreement=version.agreement)  # supersedes it before the worker starts
    tasks.letter_batch_run.delay(batch.pk)
    batch.refresh_from_db()
    assert batch.status == "failed" and "actieve afspraak" in batch.error


def test_batch_progress_counts_up(world, version_factory, monkeypatch):
    for i in range(3):
        child = ChildFactory(location=world.daycare, first_name=f"Kind{i}", last_name="Test")
        link_guardian(guardian=GuardianFactory(organisation=world.childcare), child=child)
    version = version_factory(basis="a")
    batch = LetterBatch.objects.create(version=version, language="en", requested_by=world.user("director_childcare"))
    monkeypatch.setattr("agreements.letters.batches.COVER_CHUNK", 2)
    seen = []
    real = letters_personal_make

    def spy(**kwargs):
        seen.append((LetterBatch.objects.get(pk=batch.pk).done, len(kwargs["recipients"])))
        return real(**kwargs)

    monkeypatch.setattr("agreements.letters.batches.letters_personal_make", spy)
    tasks.letter_batch_run.delay(batch.pk)
    assert seen == [(0, 2), (2, 2), (4, 2), (6, 1)]  # covers rendered two at a time, progress after each
    batch.refresh_from_db()
    assert (batch.done, batch.total, batch.status) == (7, 7, "done")
