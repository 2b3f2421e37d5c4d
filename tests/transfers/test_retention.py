"""Retention: the hourly beat task removes a received copy's content and attachments once
its term has passed, keeps a tombstone, and audits it; nothing before the deadline."""

from __future__ import annotations

import datetime
import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent
from tests.builders import draft, png_bytes, sanne
from transfers import retention, services, tasks
from transfers.models import ReceivedTransfer, TransferAttachment

pytestmark = pytest.mark.django_db


def _sent_with_attachment(world):
    t = draft(world)
    a = services.transfer_attachment_add(
        transfer=t, upload=SimpleUploadedFile("foto.png", png_bytes()), actor=world.user("staff_childcare")
    )
    t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    services.transfer_parents_confirm(transfer=t, guardian=sanne(world), actor=world.user("parent_a"))
    t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    return ReceivedTransfer.objects.get(transfer=t), a


def test_the_purge_task_is_scheduled_by_celery_beat():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == tasks.housekeeping.name]
    assert len(entries) == 1


def test_a_copy_past_its_term_is_removed_with_a_tombstone(world, transfer_storage, django_capture_on_commit_callbacks):
    received, attachment = _sent_with_attachment(world)
    path = transfer_storage / attachment.file.name
    content_hash = received.content_sha256
    assert received.retention_until.year == timezone.localdate().year + 2  # the version's 24 months
    # The last day of the term still counts: nothing happens.
    on_last_day = timezone.make_aware(datetime.datetime.combine(received.retention_until, datetime.time(23, 0)))
    assert tasks.housekeeping.apply().get()["purged"] == 0
    assert retention.housekeeping(at=on_last_day)["purged"] == 0
    ReceivedTransfer.objects.filter(pk=received.pk).update(
        retention_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.housekeeping.apply().get()
    assert result["purged"] == 1
    received.refresh_from_db()
    assert received.is_removed and received.removal == "retention"
    assert received.content == {} and received.parents_view == "" and received.child_name == ""
    assert received.child_date_of_birth is None
    # The tombstone: categories, when it arrived, the hash of what was removed, when it was removed.
    assert received.category_codes and received.received_at and received.removed_at
    assert received.removed_content_sha256 == content_hash
    assert not TransferAttachment.objects.exists() and not path.exists()
    event = AuditEvent.objects.get(action="transfer.purged")
    assert event.organisation == world.school and event.actor_id is None
    payload = json.loads(event.payload)
    assert payload["removed_content_sha256"] == content_hash and payload["categories"] == received.category_codes
    assert "Noah" not in event.payload
    # Running again changes nothing.
    assert tasks.housekeeping.apply().get()["purged"] == 0
    assert verify_chains().ok


def test_the_sender_keeps_only_its_own_record(world):
    received, _attachment = _sent_with_attachment(world)
    t = received.transfer
    assert t.content == {} and t.content_sha256 == received.content_sha256 and t.category_codes
