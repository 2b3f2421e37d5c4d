"""The demo: transfers in each state, one received copy past its retention term that the
purge task removes; idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from ikc_share.audit_verify import verify_chains
from transfers import retention
from transfers.models import ReceivedTransfer, Transfer

pytestmark = pytest.mark.django_db


def test_demo_transfers(transfer_storage):
    call_command("seed_demo")
    count = Transfer.objects.count()
    call_command("seed_demo")
    assert Transfer.objects.count() == count
    states = set(Transfer.objects.values_list("state", flat=True))
    assert states == {s.value for s in Transfer.State}, states
    sent = Transfer.objects.filter(state="sent")
    assert ReceivedTransfer.objects.filter(
        transfer__in=sent, accesses__isnull=False, confirmed_at__isnull=False
    ).exists()
    due = ReceivedTransfer.objects.filter(removed_at__isnull=True, retention_until__lt=timezone.localdate())
    assert due.count() == 1
    assert retention.housekeeping()["purged"] == 1
    assert not due.exists()
    assert verify_chains().ok
