"""Every state change of a transfer. Plain functions with keyword-only arguments; each runs
in one transaction and writes its AuditEvent(s) as the last step (ids, codes and hashes
only, never names or content). E-mails are queued with transaction.on_commit.

Safety at the moment of sharing (`transfer_share`, `meeting_record`): the service first
locks the child's own row with `Child.objects.select_for_update().get(pk=child.pk)` — the
SAME statement and the same row as consent.services.child_lock, which a withdrawal or an
objection takes first (agreements may not import consent.services, so the statement is
repeated here) — then re-runs check_transfer INSIDE that transaction with `at` taken after
the lock. A withdrawal that committed first is therefore always seen and blocks the
transfer; a transfer that commits first is recorded as shared before the withdrawal.

Two controllers: the sender's Transfer keeps categories, hash, verdict, who/when and the
state; the receiver's ReceivedTransfer holds the content. Audit events of a transfer that
touches both organisations are written to both chains, always in organisation-id order,
so two transfers in opposite directions never wait for each other's chain head.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agreements import rules
from agreements.models import AgreementVersion, LegalBasis
from ikc_share.audit import audit_record
from ikc_share.models import Child, Guardian, Location
from transfers import attachments, records, tasks
from transfers.models import ReceivedTransfer, Transfer, TransferAccess, TransferAttachment, TransferRemark
from transfers.records import PENDING, WITH_PARENTS

State = Transfer.State
VIEW_MAX = 2000


# --- Preparing ------------------------------------------------------------------------------------------


@transaction.atomic
def transfer_create(
    *,
    child: Child,
    version: AgreementVersion,
    location: Location,
    contents: dict[str, dict],
    actor,
    at: datetime.datetime | None = None,
) -> Transfer:
    """Staff prepare a handover (a concept). Only categories check_transfer allows now."""
    codes = records.ordered_codes(version, contents.keys())
    records.check_contents(codes, contents)
    records.check_location(version, location)
    at = at or timezone.now()
    verdict = records.allowed_verdict(
        child=child, version=version, codes=codes, at=at, actor=actor, method=rules.METHOD_IN_APP
    )
    agreement = version.agreement
    transfer = Transfer(
        version=version,
        sending_organisation_id=agreement.sending_organisation_id,
        receiving_organisation_id=agreement.receiving_organisation_id,
        receiving_location=location,
        child=child,
        method=Transfer.Method.IN_APP,
        state=State.DRAFT,
        category_codes=codes,
        content={c: contents[c] for c in codes},
        created_by=actor,
        created_at=at,
    )
    records.record_verdict(transfer, verdict, at)
    transfer.content_sha256 = records.content_hash(
        codes=codes, content=transfer.content, parents_view="", attachment_hashes=[]
    )
    transfer.save()
    audit_record(
        organisation=agreement.sending_organisation,
        actor=actor,
        action="transfer.created",
        target=transfer,
        payload={
            "child": child.pk,
            "version": version.pk,
            "location": location.pk,
            "categories": codes,
            "content_sha256": transfer.content_sha256,
        },
    )
    return transfer


@transaction.atomic
def transfer_update(
    *, transfer: Transfer, contents: dict[str, dict], actor, location: Location | None = None
) -> Transfer:
    """Edit a concept, or correct the text while the parents read it (they then read the
    corrected text again: their earlier 'akkoord' no longer counts)."""
    transfer = records.lock(transfer)
    if transfer.state not in PENDING:
        raise ValidationError(_("Deze overdracht kan niet meer worden aangepast."))
    version = transfer.version
    codes = records.ordered_codes(version, contents.keys())
    records.check_contents(codes, contents)
    if transfer.state != State.DRAFT and set(codes) != set(transfer.category_codes):
        raise ValidationError(
            _("Terwijl de ouders meelezen, kunt u de tekst verbeteren maar geen gegevens toevoegen of weghalen.")
        )
    if location is not None and location.pk != transfer.receiving_location_id:
        if transfer.state != State.DRAFT:
            raise ValidationError(_("De ontvangende locatie ligt vast zodra de ouders meelezen."))
        records.check_location(version, location)
        transfer.receiving_location = location
    now = timezone.now()
    verdict = records.allowed_verdict(
        child=transfer.child, version=version, codes=codes, at=now, actor=actor, method=transfer.method
    )
    old_hash = transfer.content_sha256
    transfer.category_codes = codes
    transfer.content = {c: contents[c] for c in codes}
    records.record_verdict(transfer, verdict, now)
    reread = transfer.state in (State.CONFIRMED,)
    if reread:
        transfer.state = State.PARENTS_READING
        transfer.parents_answer = ""
        transfer.parents_answer_by = None
        transfer.parents_answer_at = None
    transfer.content_sha256 = records.rehash(transfer)
    transfer.save()
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.content_updated",
        target=transfer,
        payload={
            "categories": codes,
            "old_content_sha256": old_hash,
            "content_sha256": transfer.content_sha256,
            "parents_read_again": reread,
        },
    )
    return transfer


def transfer_attachment_add(*, transfer: Transfer, upload, actor) -> TransferAttachment:
    """Validate by content, re-encode images, store privately. The file is written before
    the transaction and removed again if the transaction does not commit (a failure inside
    it, or a failing COMMIT); a file left by an outer transaction that rolls back later is
    removed by the periodic sweep (`orphan_files_sweep`), as nothing refers to it."""
    prepared = attachments.prepare(upload)  # raises before anything is written
    name = attachments.store(prepared)
    try:
        with transaction.atomic():
            attachment = _attachment_add(transfer=transfer, prepared=prepared, name=name, actor=actor)
    except BaseException:
        attachments.delete_files([name])
        raise
    return attachment


def _attachment_add(*, transfer: Transfer, prepared: attachments.Prepared, name: str, actor) -> TransferAttachment:
    transfer = records.lock(transfer)
    if transfer.state != State.DRAFT:
        raise ValidationError(_("Bijlagen kunnen alleen bij een concept worden toegevoegd."))
    if TransferAttachment.objects.filter(transfer=transfer).count() >= attachments.MAX_PER_TRANSFER:
        raise ValidationError(_("Er kunnen hoogstens %(n)s bijlagen mee.") % {"n": attachments.MAX_PER_TRANSFER})
    attachment = TransferAttachment.objects.create(
        transfer=transfer,
        file=name,
        name=prepared.name,
        content_type=prepared.content_type,
        size=prepared.size,
        sha256=prepared.sha256,
        created_by=actor,
    )
    transfer.content_sha256 = records.rehash(transfer)
    transfer.save(update_fields=["content_sha256"])
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.attachment_added",
        target=transfer,
        payload={
            "attachment": attachment.pk,
            "content_type": prepared.content_type,
            "size": prepared.size,
            "sha256": prepared.sha256,
            "content_sha256": transfer.content_sha256,
        },
    )
    return attachment


@transaction.atomic
def transfer_attachment_remove(*, attachment: TransferAttachment, actor) -> None:
    transfer = records.lock(attachment.transfer)
    if transfer.state != State.DRAFT:
        raise ValidationError(_("Bijlagen kunnen alleen bij een concept worden verwijderd."))
    name, sha = attachment.file.name, attachment.sha256
    attachment_pk = attachment.pk
    attachment.delete()
    transaction.on_commit(lambda: attachments.delete_files([name]))
    transfer.content_sha256 = records.rehash(transfer)
    transfer.save(update_fields=["content_sha256"])
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.attachment_removed",
        target=transfer,
        payload={"attachment": attachment_pk, "sha256": sha, "content_sha256": transfer.content_sha256},
    )


@transaction.atomic
def transfer_cancel(*, transfer: Transfer, actor) -> Transfer:
    """The sender stops a prepared transfer: the content is destroyed (tombstone)."""
    transfer = records.lock(transfer)
    if transfer.state not in PENDING:
        raise ValidationError(_("Deze overdracht is al verzonden of gestopt."))
    return records.destroy(transfer=transfer, actor=actor, reason=Transfer.StopReason.CANCELLED, now=timezone.now())


# --- Sharing --------------------------------------------------------------------------------------------


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
    child = records.lock_child(transfer.child)
    transfer = records.lock(transfer)
    transfer.child = child
    if transfer.method != Transfer.Method.IN_APP or transfer.state not in PENDING:
        raise ValidationError(_("Deze overdracht kan niet (meer) worden gedeeld."))
    if _open_remarks(transfer):
        raise ValidationError(_("Beantwoord eerst de opmerkingen van de ouders."))
    if transfer.state == State.PARENTS_TALK:
        raise ValidationError(_("De ouders willen eerst met u praten. Leg vast dat het gesprek is gevoerd."))
    now = timezone.now()  # after the lock
    version = transfer.version
    if transfer.state == State.PARENTS_READING:
        if version.legal_basis == LegalBasis.CONSENT:
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
    )
    records.record_verdict(transfer, verdict, now)
    if not verdict.allowed:
        reason = records.parents_said_no(transfer=transfer, at=now)
        if reason:
            return records.destroy(transfer=transfer, actor=actor, reason=reason, now=now)
        transfer.save(update_fields=["verdict_allowed", "verdict_reasons", "verdict_codes", "verdict_at"])
        audit_record(
            organisation=transfer.sending_organisation,
            actor=actor,
            action="transfer.share_refused",
            target=transfer,
            payload={"codes": list(verdict.codes), "categories": list(transfer.category_codes)},
        )
        return transfer
    if transfer.state == State.DRAFT and version.parents_read_first:
        return _to_parents(transfer=transfer, actor=actor, now=now)
    return _send(transfer=transfer, actor=actor, now=now)


def _to_parents(*, transfer: Transfer, actor, now: datetime.datetime) -> Transfer:
    transfer.state = State.PARENTS_READING
    transfer.submitted_at = now
    transfer.parents_read_until = now + datetime.timedelta(days=transfer.version.parents_read_days)
    transfer.content_sha256 = records.rehash(transfer)
    transfer.save()
    transfer_id = transfer.pk
    transaction.on_commit(lambda: tasks.notify_parents.delay(transfer_id))
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
        child_date_of_birth=child.date_of_birth,
        category_codes=list(transfer.category_codes),
        content=transfer.content,
        parents_view=transfer.parents_view,
        content_sha256=transfer.content_sha256,
        received_at=now,
        retention_until=_retention_until(transfer.version, now),
    )
    moved = TransferAttachment.objects.filter(transfer=transfer).update(transfer=None, received=received)
    transfer.content = {}
    transfer.state = State.SENT
    transfer.shared_at = now
    transfer.shared_by = actor
    transfer.save()
    received_id = received.pk
    transaction.on_commit(lambda: tasks.notify_receivers.delay(received_id, "received"))
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
    child = records.lock_child(child)
    now = timezone.now()
    codes = records.ordered_codes(version, codes)
    if not codes:
        raise ValidationError(_("Kies ten minste één gegevenscategorie om te delen."))
    today = rules.local_date(now)
    if meeting_date > today:
        raise ValidationError(_("De datum van het driegesprek ligt in de toekomst."))
    if meeting_date < today - datetime.timedelta(days=60):
        raise ValidationError(_("Leg een driegesprek binnen twee maanden vast."))
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(_("Schrijf een korte samenvatting."))
    records.check_location(version, location)
    verdict = records.allowed_verdict(
        child=child, version=version, codes=codes, at=now, actor=actor, method=rules.METHOD_MEETING
    )
    agreement = version.agreement
    transfer = Transfer(
        version=version,
        sending_organisation_id=agreement.sending_organisation_id,
        receiving_organisation_id=agreement.receiving_organisation_id,
        receiving_location=location,
        child=child,
        method=Transfer.Method.MEETING,
        state=State.RECORDED,
        category_codes=codes,
        created_by=actor,
        created_at=now,
        meeting_date=meeting_date,
        meeting_parents_present=parents_present,
        meeting_summary=summary[:1000],
    )
    records.record_verdict(transfer, verdict, now)
    transfer.content_sha256 = records.content_hash(
        codes=codes, content={"meeting": {"summary": transfer.meeting_summary}}, parents_view="", attachment_hashes=[]
    )
    transfer.save()
    audit_record(
        organisation=agreement.sending_organisation,
        actor=actor,
        action="transfer.meeting_recorded",
        target=transfer,
        payload={
            "child": child.pk,
            "version": version.pk,
            "location": location.pk,
            "categories": codes,
            "meeting_date": meeting_date.isoformat(),
            "parents_present": parents_present,
            "content_sha256": transfer.content_sha256,
        },
    )
    return transfer


# --- Parents read first -------------------------------------------------------------------------------


def _parent_lock(transfer: Transfer, states=WITH_PARENTS) -> Transfer:
    transfer = records.lock(transfer)
    if transfer.state not in states:
        raise ValidationError(_("De ouders kunnen hier nu niet meer op reageren."))
    return transfer


def _parent_audit(transfer: Transfer, guardian: Guardian, actor, action: str, extra: dict | None = None) -> None:
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action=action,
        target=transfer,
        payload={"guardian": guardian.pk, "child": transfer.child_id, **(extra or {})},
    )


@transaction.atomic
def transfer_parents_view(*, transfer: Transfer, guardian: Guardian, text: str, actor) -> Transfer:
    """The parents' own view (zienswijze). It travels with the transfer; it never changes
    the sender's text. An empty text removes it."""
    transfer = _parent_lock(transfer, (State.PARENTS_READING, State.PARENTS_TALK))
    text = (text or "").strip()[:VIEW_MAX]
    transfer.parents_view = text
    transfer.parents_view_by = guardian if text else None
    transfer.parents_view_at = timezone.now() if text else None
    transfer.content_sha256 = records.rehash(transfer)
    transfer.save()
    _parent_audit(transfer, guardian, actor, "transfer.parents_view", {"present": bool(text)})
    return transfer


@transaction.atomic
def transfer_parents_remark(*, transfer: Transfer, guardian: Guardian, text: str, actor) -> TransferRemark:
    """A parent points out a factual error. The sender corrects or answers it before
    sending."""
    transfer = _parent_lock(transfer)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Schrijf op wat er niet klopt."))
    remark = TransferRemark.objects.create(transfer=transfer, guardian=guardian, text=text[:1000])
    if transfer.state == State.CONFIRMED:
        transfer.state = State.PARENTS_READING
        transfer.parents_answer = ""
        transfer.save(update_fields=["state", "parents_answer"])
    _parent_audit(transfer, guardian, actor, "transfer.parents_remark", {"remark": remark.pk})
    return remark


@transaction.atomic
def transfer_parents_confirm(*, transfer: Transfer, guardian: Guardian, actor) -> Transfer:
    transfer = _parent_lock(transfer, (State.PARENTS_READING, State.PARENTS_TALK))
    transfer.state = State.CONFIRMED
    transfer.parents_answer = Transfer.ParentsAnswer.CONFIRMED
    transfer.parents_answer_by = guardian
    transfer.parents_answer_at = timezone.now()
    transfer.save()
    _parent_audit(transfer, guardian, actor, "transfer.parents_confirmed", {"content_sha256": transfer.content_sha256})
    return transfer


@transaction.atomic
def transfer_parents_talk(*, transfer: Transfer, guardian: Guardian, actor) -> Transfer:
    transfer = _parent_lock(transfer)
    transfer.state = State.PARENTS_TALK
    transfer.parents_answer = Transfer.ParentsAnswer.TALK
    transfer.parents_answer_by = guardian
    transfer.parents_answer_at = timezone.now()
    transfer.save()
    _parent_audit(transfer, guardian, actor, "transfer.parents_talk")
    return transfer


@transaction.atomic
def transfer_parents_refuse(*, transfer: Transfer, guardian: Guardian, want_pdf: bool, actor) -> Transfer:
    """The parents do not want it sent: the content is destroyed, unless they asked to get
    it themselves as a PDF (then that PDF, for them only, is the one copy left)."""
    child = records.lock_child(transfer.child)
    transfer = _parent_lock(transfer)
    transfer.child = child
    now = timezone.now()
    transfer.parents_answer = Transfer.ParentsAnswer.REFUSED
    transfer.parents_answer_by = guardian
    transfer.parents_answer_at = now
    _parent_audit(transfer, guardian, actor, "transfer.parents_refused", {"want_pdf": want_pdf})
    return records.destroy(
        transfer=transfer, actor=actor, reason=Transfer.StopReason.PARENTS_REFUSED, now=now, want_pdf=want_pdf
    )


@transaction.atomic
def transfer_talked(*, transfer: Transfer, actor) -> Transfer:
    """Staff record that they talked with the parents; the parents read (and answer) again."""
    transfer = records.lock(transfer)
    if transfer.state != State.PARENTS_TALK:
        raise ValidationError(_("De ouders hebben niet om een gesprek gevraagd."))
    transfer.state = State.PARENTS_READING
    transfer.parents_answer = ""
    transfer.parents_answer_by = None
    transfer.parents_answer_at = None
    transfer.save()
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.parents_talked",
        target=transfer,
        payload={"child": transfer.child_id},
    )
    return transfer


@transaction.atomic
def transfer_remark_answer(*, remark: TransferRemark, answer: str, corrected: bool, actor) -> TransferRemark:
    transfer = records.lock(remark.transfer)
    if transfer.state not in WITH_PARENTS:
        raise ValidationError(_("Deze overdracht is niet meer ter inzage bij de ouders."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(_("Schrijf een antwoord voor de ouder."))
    remark = TransferRemark.objects.select_for_update().get(pk=remark.pk)
    remark.answer = answer[:1000]
    remark.corrected = corrected
    remark.answered_by = actor
    remark.answered_at = timezone.now()
    remark.save()
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.remark_answered",
        target=transfer,
        payload={"remark": remark.pk, "corrected": corrected},
    )
    return remark


# --- Receiving side -----------------------------------------------------------------------------------


@transaction.atomic
def received_open(*, received: ReceivedTransfer, actor, function_title: str) -> TransferAccess:
    """Every opening of a received copy is recorded (who, when, with which function)."""
    access = TransferAccess.objects.create(
        received=received, user=actor, organisation_id=received.organisation_id, function_title=function_title
    )
    audit_record(
        organisation=received.organisation,
        actor=actor,
        action="transfer.opened",
        target=received,
        payload={"transfer": received.transfer_id, "access": access.pk, "removed": received.is_removed},
    )
    return access


@transaction.atomic
def received_confirm(*, received: ReceivedTransfer, actor) -> ReceivedTransfer:
    received = ReceivedTransfer.objects.select_for_update().get(pk=received.pk)
    if received.confirmed_at is not None:
        raise ValidationError(_("De ontvangst is al bevestigd."))
    if received.is_removed:
        raise ValidationError(_("Deze overdracht is verwijderd."))
    received.confirmed_by = actor
    received.confirmed_at = timezone.now()
    received.save(update_fields=["confirmed_by", "confirmed_at"])
    audit_record(
        organisation=received.organisation,
        actor=actor,
        action="transfer.receipt_confirmed",
        target=received,
        payload={"transfer": received.transfer_id},
    )
    return received


@transaction.atomic
def received_link(*, received: ReceivedTransfer, child: Child, actor) -> ReceivedTransfer:
    """A person confirms which of the receiver's OWN child records this is about (suggested
    by name and date of birth; never by BSN)."""
    received = ReceivedTransfer.objects.select_for_update().get(pk=received.pk)
    if child.organisation_id != received.organisation_id:
        raise ValidationError(_("Kies een kind uit de eigen administratie van uw organisatie."))
    if received.is_removed:
        raise ValidationError(_("Deze overdracht is verwijderd."))
    received.child = child
    received.linked_by = actor
    received.linked_at = timezone.now()
    received.save(update_fields=["child", "linked_by", "linked_at"])
    audit_record(
        organisation=received.organisation,
        actor=actor,
        action="transfer.linked",
        target=received,
        payload={"transfer": received.transfer_id, "child": child.pk},
    )
    return received


@transaction.atomic
def received_child_create(*, received: ReceivedTransfer, actor, group_name: str = "") -> Child:
    """No record of this child yet at the receiver: create one from the envelope (name and
    date of birth only) at the addressed location, and link the copy to it."""
    received = ReceivedTransfer.objects.select_for_update().select_related("transfer__child").get(pk=received.pk)
    if received.is_removed or received.child_id:
        raise ValidationError(_("Deze overdracht is al gekoppeld of verwijderd."))
    source = received.transfer.child  # the sender's record: only the names are copied
    child = Child.objects.create(
        organisation_id=received.organisation_id,
        location_id=received.location_id,
        group_name=group_name[:60],
        first_name=source.first_name,
        name_prefix=source.name_prefix,
        last_name=source.last_name,
        date_of_birth=received.child_date_of_birth or source.date_of_birth,
    )
    received.child = child
    received.linked_by = actor
    received.linked_at = timezone.now()
    received.save(update_fields=["child", "linked_by", "linked_at"])
    audit_record(
        organisation=received.organisation,
        actor=actor,
        action="transfer.child_created",
        target=received,
        payload={"transfer": received.transfer_id, "child": child.pk},
    )
    return child


# --- After sending: rectification and erasure (GDPR art. 16, 17, 19) ----------------------------------


@transaction.atomic
def transfer_rectify(*, transfer: Transfer, contents: dict[str, dict], actor) -> Transfer:
    """The sender corrects what it sent; the receiver's copy is updated and the receiver is
    told (art. 19). Only the categories that were sent."""
    transfer = records.lock(transfer)
    if transfer.state != State.SENT:
        raise ValidationError(_("Alleen een verzonden overdracht kan worden gecorrigeerd."))
    received = ReceivedTransfer.objects.select_for_update().get(transfer=transfer)
    if received.is_removed:
        raise ValidationError(_("De ontvanger heeft deze overdracht al verwijderd."))
    codes = list(transfer.category_codes)
    if set(contents) - set(codes):
        raise ValidationError(_("U kunt alleen corrigeren wat is verzonden."))
    records.check_contents(list(contents), contents)
    old_hash = received.content_sha256
    content = dict(received.content)
    content.update({c: contents[c] for c in contents})
    hashes = list(TransferAttachment.objects.filter(received=received).values_list("sha256", flat=True))
    new_hash = records.content_hash(
        codes=codes, content=content, parents_view=received.parents_view, attachment_hashes=hashes
    )
    if new_hash == old_hash:
        raise ValidationError(_("Er is niets veranderd."))
    now = timezone.now()
    received.content = content
    received.content_sha256 = new_hash
    received.corrected_at = now
    received.corrections += 1
    received.save(update_fields=["content", "content_sha256", "corrected_at", "corrections"])
    transfer.content_sha256 = new_hash
    transfer.save(update_fields=["content_sha256"])
    received_id, event = received.pk, received.corrections
    transaction.on_commit(lambda: tasks.notify_receivers.delay(received_id, "corrected", event))
    records.audit_both(
        transfer=transfer,
        actor=actor,
        action="transfer.rectified",
        received=received,
        payload={
            "transfer": transfer.pk,
            "received": received.pk,
            "categories": sorted(contents),
            "old_content_sha256": old_hash,
            "content_sha256": new_hash,
        },
    )
    return transfer


@transaction.atomic
def transfer_erase(*, transfer: Transfer, reason: str, actor) -> Transfer:
    """Erasure at the sender (art. 17): the receiver's copy is removed too and the receiver
    is told (art. 19). A tombstone stays on both sides."""
    transfer = records.lock(transfer)
    if transfer.state != State.SENT:
        raise ValidationError(_("Alleen een verzonden overdracht kan worden gewist."))
    received = ReceivedTransfer.objects.select_for_update().get(transfer=transfer)
    now = timezone.now()
    already = received.is_removed
    files = [] if already else records.tombstone(received, removal=ReceivedTransfer.Removal.ERASURE, now=now)
    transfer.state = State.ERASED
    transfer.erased_at = now
    transfer.save(update_fields=["state", "erased_at"])
    received_id = received.pk
    if not already:
        transaction.on_commit(lambda: tasks.notify_receivers.delay(received_id, "erased"))
    records.audit_both(
        transfer=transfer,
        actor=actor,
        action="transfer.erased",
        received=received,
        payload={
            "transfer": transfer.pk,
            "received": received.pk,
            "reason": reason,
            "categories": list(received.category_codes),
            "removed_content_sha256": received.removed_content_sha256,
            "attachments": len(files),
        },
    )
    return transfer
