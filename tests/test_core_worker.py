"""A real Celery worker runs the audit verification (CI: Redis broker, PostgreSQL)."""

from __future__ import annotations

import pytest

from ikc_share.models import AuditVerification
from ikc_share.tasks import verify_audit_chains
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_verification_runs_on_a_real_worker(real_worker, world):
    run = AuditVerification.objects.create(trigger="manual")
    verify_audit_chains.delay("manual", run.pk)
    done = wait_for(lambda: AuditVerification.objects.filter(pk=run.pk, finished_at__isnull=False).first())
    assert done.ok is True and done.events > 0
