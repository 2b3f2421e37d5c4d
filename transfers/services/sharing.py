"""Sharing: the sender presses "Delen" (to the parents first, or straight to the receiver),
or records a three-way meeting instead. Both re-run check_transfer after the per-child
lock (see transfers/services/__init__.py)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agreements import rules
from agreements.rules import bases
from ikc_share import outbox
from ikc_share.audit import audit_record
from ikc_share.services import child_lock
from transfers import records, tasks
from transfers.choices import TransferMethod, TransferState
from transfers.models import ReceivedTransfer, Transfer, TransferAttachment
from transfers.records import PENDING
from transfers.services.preparing import new_checked_transfer

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Location


def _open_remarks(transfer: Transfer) -> bool:
    return transfer.remarks.filter(answered_at__isnull=True).exists()


@transaction.atomic
def transfer_share(*, transfer: Transfer, actor) -> Transfer:
    """The sender presses "Delen". With 'parents read first', a concept goes to the
    parents; otherwise, or once the parents agreed (or, when the basis is NOT consent,
    stayed silent for the agreed number of days), it is sent. check_transfer is re-run
    here, after the per-child lock, with the time taken after the lock.

    Returns the transfer in its new state. A refused verdict is recorded (verdict fields,
    audit) and returned, not raised; when it is refused because the parents refused or
    withdrew consent (or an objection was upheld), the prepared content is destroyed."""
    child = child_lock(child=transfer.child)
    transfer = records.lock(transfer)
    transfer.child = child
    if transfer.method != TransferMethod.IN_APP or transfer.state not in PENDING:
        raise ValidationError(_("Deze overdracht kan niet (meer) worden gedeeld."))
    if _open_remarks(transfer):
        raise ValidationError(_("Beantwoord eerst de opmerkingen van de ouders."))
    if transfer.state == TransferState.PARENTS_TALK:
        raise ValidationError(_("De ouders willen eerst met u praten. Leg vast dat het gesprek is gevoerd."))
    now = timezone.now()  # after the lock
    version = transfer.version
    if transfer.state == TransferState.PARENTS_READING:
        if bases.asks_consent(version):
            raise ValidationError(
                _(
                    "De ouders hebben nog niet gereageerd. Bij toestemming als grondslag telt stilte nooit als "
                    "ja: wacht op hun akkoord."
                )
            )
        if transfer.parents_read_until is None or now < transfer.parents_read_until:
            raise ValidationError(
                _("De ouders lezen nog mee tot %(date)s.")
                % {"date": formats.date_format(rules.local_date(transfer.parents_read_until or now), "j F Y")}
            )
    verdict = rules.check_transfer(
        child=child,
        agreement_version=version,
        categories=transfer.category_codes,
        at=now,
        requester=actor,
        method=rules.METHOD_IN_APP,
        recipient_organisation=transfer.receiving_organisation,
    )
    records.record_verdict(transfer, verdict, now)
    if not verdict.allowed:
        reason = records.parents_said_no(transfer=transfer, at=now)
        if reason:
            return records.destroy(transfer=transfer, actor=actor, reason=reason, now=now)
        transfer.save(
            update_fields=["verdict_allowed", "verdict_reasons", "verdict_codes", "verdict_warnings", "verdict_at"]
        )
        audit_record(
            organisation=transfer.sending_organisation,
            actor=actor,
            action="transfer.share_refused",
            target=transfer,
            payload={"codes": list(verdict.codes), "categories": list(transfer.category_codes)},
        )
        return transfer
    if transfer.state == TransferState.DRAFT and version.parents_read_first:
        return _to_parents(transfer=transfer, actor=actor, now=now)
    return _send(transfer=transfer, actor=actor, now=now)


def _to_parents(*, transfer: Transfer, actor, now: datetime.datetime) -> Transfer:
    transfer.state = TransferState.PARENTS_READING
    transfer.submitted_at = now
    transfer.parents_read_until = now + datetime.timedelta(days=transfer.version.parents_read_days)
    transfer.content_sha256 = records.rehash(transfer)
    transfer.save()
    transfer_id = transfer.pk
    outbox.enqueue(tasks.notify_parents, transfer_id)
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.to_parents",
        target=transfer,
        payload={
            "child": transfer.child_id,
            "version": transfer.version_id,
            "categories": list(transfer.category_codes),
            "content_sha256": transfer.content_sha256,
            "read_days": transfer.version.parents_read_days,
        },
    )
    return transfer


def _retention_until(version: AgreementVersion, now: datetime.datetime) -> datetime.date:
    return rules.local_date(now) + relativedelta(months=version.retention_months)


def _send(*, transfer: Transfer, actor, now: datetime.datetime) -> Transfer:
    """Hand the content to the receiver: its own copy, the attachments move along, the
    sender keeps the hash."""
    child = transfer.child
    transfer.content_sha256 = records.rehash(transfer)
    received = ReceivedTransfer.objects.create(
        transfer=transfer,
        organisation_id=transfer.receiving_organisation_id,
        location_id=transfer.receiving_location_id,
        child_name=child.full_name,
        # The date of birth goes along only when it is one of the agreed data (identification).
        child_date_of_birth=child.date_of_birth if "identification" in transfer.category_codes else None,
        category_codes=list(transfer.category_codes),
        content=transfer.content,
        parents_view=transfer.parents_view,
        content_sha256=transfer.content_sha256,
        received_at=now,
        retention_until=_retention_until(transfer.version, now),
    )
    moved = TransferAttachment.objects.filter(transfer=transfer).update(transfer=None, received=received)
    transfer.content = {}
    transfer.state = TransferState.SENT
    transfer.shared_at = now
    transfer.shared_by = actor
    transfer.save()
    received_id = received.pk
    outbox.enqueue(tasks.notify_receivers, received_id, "received")
    records.audit_both(
        transfer=transfer,
        actor=actor,
        action="transfer.sent",
        received=received,
        payload={
            "transfer": transfer.pk,
            "received": received.pk,
            "child": child.pk,
            "version": transfer.version_id,
            "location": transfer.receiving_location_id,
            "categories": list(transfer.category_codes),
            "content_sha256": transfer.content_sha256,
            "attachments": moved,
            "parents_view": bool(received.parents_view),
            "retention_until": received.retention_until.isoformat(),
        },
    )
    return transfer


@transaction.atomic
def meeting_record(
    *,
    child: Child,
    version: AgreementVersion,
    location: Location,
    meeting_date: datetime.date,
    parents_present: bool,
    codes: list[str],
    summary: str,
    actor,
) -> Transfer:
    """A three-way meeting (driegesprek) recorded instead of an in-app share: the same
    rules (checked now, after the per-child lock, with the method 'meeting') and audit."""
    child = child_lock(child=child)
    now = timezone.now()
    codes = records.ordered_codes(version, codes)
    if not codes:
        raise ValidationError(_("Kies ten minste één gegevenscategorie om te delen."))
    today = rules.local_date(now)
    if meeting_date > today:
        raise ValidationError(_("De datum van het driegesprek ligt in de toekomst."))
    if meeting_date < today - datetime.timedelta(days=60):
        raise ValidationError(_("Leg een driegesprek binnen twee maanden vast."))
    summary = (summary or "").strip()[:1000]
    if not summary:
        raise ValidationError(_("Schrijf een korte samenvatting."))
    return new_checked_transfer(
        child,
        version,
        location,
        codes,
        method=rules.METHOD_MEETING,
        actor=actor,
        at=now,
        hashed_content={"meeting": {"summary": summary}},
        action="transfer.meeting_recorded",
        payload={"meeting_date": meeting_date.isoformat(), "parents_present": parents_present},
        state=TransferState.RECORDED,
        meeting_date=meeting_date,
        meeting_parents_present=parents_present,
        meeting_summary=summary,
    )
