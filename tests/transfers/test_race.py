"""Withdraw vs share, concurrently, on PostgreSQL: a withdrawal that commits first always
blocks the transfer; a transfer that commits first is recorded as shared before the
withdrawal. Never a transfer committed after a withdrawal for that child and agreement.

Both services lock the child's row first (the core's ikc_share.services.child_lock, which
both call: the same SELECT … FOR UPDATE) and take their time stamp after the lock,
so commit order = lock order = time order. The test checks that twice: by those time
stamps, and by the audit sequence numbers — both events land in the childcare
organisation's chain (the child's and the sender's), whose head is locked as the last step
of each transaction while the child lock is still held.
"""

from __future__ import annotations

import datetime
import json
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from consent import services as consent_services
from consent.models import ConsentDecision, ParentNotice
from ikc_share.models import AuditEvent, Child, Guardian, Guardianship
from tests.builders import DEV_CODES, content_for, decide, transfer_version
from transfers import services
from transfers.models import ReceivedTransfer, Transfer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CHILDREN = 10  # pairs running at the same moment
ROUNDS = 20  # 10 × 20 = 200 withdraw-vs-share pairs


def _children(world, v) -> list[tuple[Child, Guardian]]:
    out = []
    for i in range(CHILDREN):
        child = Child.objects.create(
            organisation=world.childcare,
            location=world.daycare,
            first_name=f"Race{i}",
            last_name="Kind",
            date_of_birth=datetime.date(2023, 1, 1),
        )
        guardian = Guardian.objects.create(
            organisation=world.childcare, first_name=f"Ouder{i}", last_name="Kind", email=f"race{i}@example.nl"
        )
        Guardianship.objects.create(guardian=guardian, child=child, has_parental_authority=True)
        ParentNotice.objects.create(
            version=v, guardian=guardian, child=child, how="email", at=timezone.now() - datetime.timedelta(days=30)
        )
        out.append((child, guardian))
    return out


def test_withdraw_vs_share_never_sends_after_a_withdrawal(world):
    started = time.monotonic()
    v = transfer_version(world, title="Race", read_first=False)
    pairs = _children(world, v)
    staff = world.user("staff_childcare")
    errors: list[BaseException] = []
    outcome = {"sent_first": 0, "withdrawn_first": 0}
    total = 0

    for _round in range(ROUNDS):
        drafts = {}
        for child, guardian in pairs:
            decide(v, child, guardian, "given", at=timezone.now())  # after last round's withdrawal
            drafts[child.pk] = services.transfer_create(
                child=child,
                version=v,
                location=world.school_location,
                contents=content_for(DEV_CODES, child),
                actor=staff,
            )
        barrier = threading.Barrier(2 * len(pairs))

        def withdraw(child, guardian, barrier=barrier):
            try:
                barrier.wait()
                consent_services.consent_withdraw(
                    child=child, guardian=guardian, version=v, channel="portal", actor=None, language="nl"
                )
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connection.close()

        def share(transfer, barrier=barrier):
            try:
                barrier.wait()
                services.transfer_share(transfer=transfer, actor=staff)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                connection.close()

        threads = []
        for child, guardian in pairs:
            threads.append(threading.Thread(target=withdraw, args=(child, guardian)))
            threads.append(threading.Thread(target=share, args=(drafts[child.pk],)))
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors

        for child, _guardian in pairs:
            transfer = Transfer.objects.get(pk=drafts[child.pk].pk)
            withdrawal = ConsentDecision.objects.filter(child=child, version=v, state="withdrawn").latest(
                "decided_at", "pk"
            )
            w_seq = AuditEvent.objects.get(
                organisation=world.childcare,
                action="consent.withdrawn",
                payload__contains=f'"decision":{withdrawal.pk},',
            ).seq
            if transfer.state == Transfer.State.SENT:
                # The transfer committed first: recorded as shared before the withdrawal.
                t_seq = AuditEvent.objects.get(
                    organisation=world.childcare, action="transfer.sent", target_id=str(transfer.pk)
                ).seq
                assert transfer.shared_at < withdrawal.decided_at
                assert t_seq < w_seq
                outcome["sent_first"] += 1
            else:
                # The withdrawal committed first: the transfer was refused and its content destroyed.
                assert transfer.state == Transfer.State.STOPPED and transfer.stop_reason == "consent"
                assert transfer.content == {}
                assert not ReceivedTransfer.objects.filter(transfer=transfer).exists()
                d_event = AuditEvent.objects.get(
                    organisation=world.childcare, action="transfer.destroyed", target_id=str(transfer.pk)
                )
                assert json.loads(d_event.payload)["reason"] == "consent"
                assert d_event.seq > w_seq
                assert transfer.verdict_at > withdrawal.decided_at
                outcome["withdrawn_first"] += 1
            total += 1

    # Nowhere a transfer committed after a withdrawal for that child and agreement.
    late = [
        t.pk
        for t in Transfer.objects.filter(version=v, state=Transfer.State.SENT)
        if ConsentDecision.objects.filter(
            child=t.child, version=v, state="withdrawn", decided_at__lt=t.shared_at, decided_at__gt=t.created_at
        ).exists()
    ]
    assert late == []
    assert total == CHILDREN * ROUNDS >= 200
    elapsed = time.monotonic() - started
    print(f"race: {total} withdraw-vs-share pairs; {outcome}; {elapsed:.1f}s")
    assert elapsed < 120
