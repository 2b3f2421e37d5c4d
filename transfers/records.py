"""The shared steps of the transfer services (transfers/services/ and
retention.py): the canonical content and its hash, a new transfer with its verdict and
audit, recording a verdict and the parents' answer, destroying prepared content
(tombstone) and removing a received copy (tombstone).

The per-child lock is the core's `ikc_share.services.child_lock` (the child's row,
SELECT … FOR UPDATE): the same lock that a consent withdrawal or an objection takes
first, so a withdrawal and a share for one child queue.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from agreements import rules
from agreements.letters.render import html_to_pdf
from ikc_share.audit import audit_record
from transfers import attachments, selectors
from transfers.models import ReceivedTransfer, Transfer, TransferAttachment

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian, Location

State = Transfer.State
PENDING = (State.DRAFT, State.PARENTS_READING, State.PARENTS_TALK, State.CONFIRMED)
WITH_PARENTS = (State.PARENTS_READING, State.PARENTS_TALK, State.CONFIRMED)
PARENT_PDF_DAYS = 30


def canonical_content(*, codes: list[str], content: dict, parents_view: str, attachment_hashes: list[str]) -> str:
    """The exact text the content hash covers: JSON with sorted keys, no spaces."""
    return json.dumps(
        {
            "categories": list(codes),
            "content": {code: content.get(code, {}) for code in codes},
            "parents_view": parents_view or "",
            "attachments": sorted(attachment_hashes),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )


def content_hash(*, codes: list[str], content: dict, parents_view: str, attachment_hashes: list[str]) -> str:
    text = canonical_content(
        codes=codes, content=content, parents_view=parents_view, attachment_hashes=attachment_hashes
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rehash(transfer: Transfer) -> str:
    hashes = list(TransferAttachment.objects.filter(transfer=transfer).values_list("sha256", flat=True))
    return content_hash(
        codes=transfer.category_codes,
        content=transfer.content,
        parents_view=transfer.parents_view,
        attachment_hashes=hashes,
    )


def ordered_codes(version: AgreementVersion, codes) -> list[str]:
    order = [i.category.code for i in version.items.select_related("category").order_by("category__order")]
    chosen = set(codes)
    return [c for c in order if c in chosen] + sorted(chosen - set(order))


def new_transfer(
    *,
    child: Child,
    version: AgreementVersion,
    location: Location,
    codes: list[str],
    verdict: rules.Verdict,
    actor,
    at: datetime.datetime,
    hashed_content: dict,
    action: str,
    payload: dict,
    **fields,
) -> Transfer:
    """A new sender's record (saved) of a concept or a recorded meeting: the parties from
    the agreement, the verdict that allowed it, the hash of `hashed_content`; `fields` are
    the method, state and the kind's own fields. Audited as `action` in the sender's chain
    (child, version, location, categories, hash, and `payload`)."""
    agreement = version.agreement
    transfer = Transfer(
        version=version,
        sending_organisation_id=agreement.sending_organisation_id,
        receiving_organisation_id=agreement.receiving_organisation_id,
        receiving_location=location,
        child=child,
        category_codes=codes,
        created_by=actor,
        created_at=at,
        **fields,
    )
    record_verdict(transfer, verdict, at)
    transfer.content_sha256 = content_hash(codes=codes, content=hashed_content, parents_view="", attachment_hashes=[])
    transfer.save()
    audit_record(
        organisation=agreement.sending_organisation,
        actor=actor,
        action=action,
        target=transfer,
        payload={
            "child": child.pk,
            "version": version.pk,
            "location": location.pk,
            "categories": codes,
            "content_sha256": transfer.content_sha256,
            **payload,
        },
    )
    return transfer


def set_parents_answer(transfer: Transfer, *, answer: str, guardian: Guardian | None, at) -> None:
    """Who of the parents answered what, and when (unsaved); "" with None clears it."""
    transfer.parents_answer = answer
    transfer.parents_answer_by = guardian
    transfer.parents_answer_at = at


def lock(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("version__agreement", "child", "sending_organisation", "receiving_organisation")
        .get(pk=transfer.pk)
    )


def refusal_messages(verdict: rules.Verdict) -> list[str]:
    out = list(verdict.reasons)
    for _code, (ok, reasons) in verdict.per_category.items():
        if not ok:
            out += [r for r in reasons if r not in out]
    return [m for m in out if m != _("Niet alle gekozen gegevens mogen worden gedeeld; zie per categorie.")] or out


def allowed_verdict(
    *,
    child: Child,
    version: AgreementVersion,
    codes: list[str],
    at: datetime.datetime,
    actor,
    method: str,
    location: Location | None = None,
) -> rules.Verdict:
    """check_transfer's verdict when it allows these categories now (to `location`'s
    organisation, when given); ValidationError with its reasons otherwise."""
    verdict = rules.check_transfer(
        child=child,
        agreement_version=version,
        categories=codes,
        at=at,
        requester=actor,
        method=method,
        recipient_organisation=location.organisation if location is not None else None,
    )
    if not verdict.allowed:
        raise ValidationError(refusal_messages(verdict))
    return verdict


def record_verdict(transfer: Transfer, verdict: rules.Verdict, at: datetime.datetime) -> None:
    transfer.verdict_allowed = verdict.allowed
    transfer.verdict_reasons = verdict.reasons if verdict.allowed else refusal_messages(verdict)
    transfer.verdict_codes = list(verdict.codes)
    transfer.verdict_warnings = list(verdict.warnings)
    transfer.verdict_at = at


def check_location(version: AgreementVersion, location: Location) -> None:
    agreement = version.agreement
    allowed = list(version.receiving_locations.all())
    if location.organisation_id != agreement.receiving_organisation_id or (
        allowed and location.pk not in {loc.pk for loc in allowed}
    ):
        raise ValidationError(_("Onder deze afspraak kan niet naar deze locatie worden overgedragen."))


def check_contents(codes: list[str], contents: dict[str, dict]) -> None:
    if not codes:
        raise ValidationError(_("Kies ten minste één gegevenscategorie om te delen."))
    missing = [c for c in codes if not isinstance(contents.get(c), dict) or not contents.get(c)]
    if missing:
        raise ValidationError(_("Vul de gegevens in voor elke gekozen categorie."))


def audit_both(*, transfer: Transfer, actor, action: str, payload: dict, received: ReceivedTransfer | None) -> None:
    """One event in each organisation's chain, in organisation-id order (no lock cycles)."""
    parties = sorted(
        [(transfer.sending_organisation, transfer), (transfer.receiving_organisation, received or transfer)],
        key=lambda pair: pair[0].pk,
    )
    for organisation, target in parties:
        audit_record(organisation=organisation, actor=actor, action=action, target=target, payload=payload)


def parents_said_no(*, transfer: Transfer, at: datetime.datetime) -> str:
    """Why the prepared content must be destroyed now, or "": consent refused or withdrawn
    (or parents disagree) under basis a, an upheld objection under e or f. A consent that is
    merely not given yet, or a pending objection, keeps the content (it is not sent)."""
    said = rules.parents_said_no(child=transfer.child, version=transfer.version, at=at)
    return {
        rules.STOPPED_BY_CONSENT: Transfer.StopReason.CONSENT,
        rules.STOPPED_BY_OBJECTION: Transfer.StopReason.OBJECTION,
    }.get(said, "")


def destroy(*, transfer: Transfer, actor, reason: str, now: datetime.datetime, want_pdf: bool = False) -> Transfer:
    """Destroy the prepared content; a tombstone stays (categories, hash, when, why). When
    the parents asked for it, the content first becomes a PDF only they can download."""
    removed_hash = transfer.content_sha256 or rehash(transfer)
    pdf_name = ""
    if want_pdf:
        pdf_name = parent_pdf(transfer)
    files = list(TransferAttachment.objects.filter(transfer=transfer).values_list("file", flat=True))
    TransferAttachment.objects.filter(transfer=transfer).delete()
    transaction.on_commit(lambda: attachments.delete_files(files))
    remarks = list(transfer.remarks.values_list("pk", flat=True))
    transfer.remarks.all().delete()
    transfer.content = {}
    transfer.parents_view = ""
    transfer.state = State.STOPPED
    transfer.stop_reason = reason
    transfer.stopped_at = now
    transfer.stopped_by = actor if getattr(actor, "is_authenticated", False) else None
    transfer.removed_content_sha256 = removed_hash
    transfer.content_sha256 = ""
    if pdf_name:
        transfer.parent_pdf.name = pdf_name
        transfer.parent_pdf_until = now + datetime.timedelta(days=PARENT_PDF_DAYS)
    transfer.save()
    audit_record(
        organisation=transfer.sending_organisation,
        actor=actor,
        action="transfer.destroyed",
        target=transfer,
        payload={
            "child": transfer.child_id,
            "version": transfer.version_id,
            "reason": reason,
            "categories": list(transfer.category_codes),
            "removed_content_sha256": removed_hash,
            "attachments": len(files),
            "remarks": len(remarks),
            "parent_pdf": bool(pdf_name),
        },
    )
    return transfer


def parent_pdf(transfer: Transfer) -> str:
    """The prepared content as a PDF for the parents (rendered in Dutch; stored privately)."""
    with translation.override("nl"):
        html = render_to_string(
            "transfers/parent_copy_pdf.html",
            {
                "transfer": transfer,
                "sections": selectors.content_sections(transfer.category_codes, transfer.content),
                "attachments": list(TransferAttachment.objects.filter(transfer=transfer)),
            },
        )
    pdf = html_to_pdf(html)
    return default_storage.save(f"transfers/parent-copies/t{transfer.pk}.pdf", ContentFile(pdf))


def tombstone(received: ReceivedTransfer, *, removal: str, now: datetime.datetime) -> list[str]:
    """Remove content, envelope and attachments of a received copy; keep categories, when it
    arrived, the hash of what was removed and when. Returns the files to delete on commit."""
    files = list(TransferAttachment.objects.filter(received=received).values_list("file", flat=True))
    TransferAttachment.objects.filter(received=received).delete()
    received.removed_content_sha256 = received.content_sha256
    received.content = {}
    received.parents_view = ""
    received.child_name = ""
    received.child_date_of_birth = None
    received.removed_at = now
    received.removal = removal
    received.save()
    transaction.on_commit(lambda: attachments.delete_files(files))
    return files
