"""A 50-child paper batch through a real Celery worker.

Runs only with IKC_REAL_WORKER=1 on PostgreSQL (the `real_worker` fixture skips
otherwise and turns eager mode off). CI (.ci/run) starts a worker on Redis
(CELERY_BROKER_URL=redis://127.0.0.1:6379/15) against pytest's test database
(test_<name>), so this test commits its data (transaction=True) for the worker to see,
queues the batch with .delay() through the service, and polls the database until done.
The worker writes the files to its own PRIVATE_MEDIA_ROOT, so this test keeps the
default storage (see letter_storage in conftest.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from agreements.letters import services as letters_services
from agreements.letters.models import Letter, LetterBatch
from tests.builders import letter_version
from tests.conftest import wait_for
from tests.factories import ChildFactory, GuardianFactory, link_guardian

pytestmark = [pytest.mark.worker, pytest.mark.pdf, pytest.mark.django_db(transaction=True)]


def test_batch_of_50_children_on_a_real_worker(real_worker, world):
    for i in range(48):  # + Noah and Emma of the world = 50 children
        child = ChildFactory(
            location=world.daycare if i % 2 else world.bso,
            first_name=f"Kind{i:02d}",
            last_name="Batch",
            group_name=f"Groep {i % 4}",
        )
        link_guardian(guardian=GuardianFactory(organisation=world.childcare), child=child)
    version = letter_version(world, basis="a")
    batch = letters_services.letter_batch_start(version=version, language="nl", actor=world.user("director_childcare"))
    assert batch.total == 48 + 4  # one letter per guardian with parental authority

    finished = wait_for(
        lambda: LetterBatch.objects.filter(pk=batch.pk, status__in=["done", "failed"]).first(), timeout=300
    )
    assert finished.status == "done", finished.error
    assert finished.done == finished.total == 52
    assert Letter.objects.filter(version=version, guardian__isnull=False).count() == 52
    with finished.file.open("rb") as fh:
        names = zipfile.ZipFile(io.BytesIO(fh.read())).namelist()
    assert len(names) == 52
