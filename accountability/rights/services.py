"""Every state change of a rights request: filed in the portal or recorded by staff, its
status, an extension, the assignee, the access export, the erasure. Plain functions with
keyword-only arguments; each runs in one transaction, adds the step the parent sees and
writes its audit event as the last step (ids and codes only).

An objection request creates the consent app's Objection through consent.services
(`objection_file`), the one model that blocks transfers; the director decides it on the
objection's own page and the request follows that decision.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accountability import anonymise, tasks, transfer_facts
from accountability.deadlines import request_deadline
from accountability.models import PurgeRecord, RetentionRule
from accountability.permissions import can_handle
from accountability.rights import redaction, release
from accountability.rights import rules as rights_rules
from accountability.rights.models import RightsRequest, RightsRequestStep
from consent import services
from ikc_share import outbox
from ikc_share import selectors as core_selectors
from ikc_share.audit import audit_record

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian

Kind = RightsRequest.Kind
Status = RightsRequest.Status


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def _lock(request: RightsRequest) -> RightsRequest:
    return (
        RightsRequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "child", "guardian", "objection")
        .get(pk=request.pk)
    )


def _step(request: RightsRequest, *, actor, action: str, message: str = "") -> RightsRequestStep:
    return RightsRequestStep.objects.create(
        request=request, actor=actor, action=action, status=request.status, message=message.strip()
    )


def _audit(request: RightsRequest, *, actor, action: str, **extra) -> None:
    audit_record(
        organisation=request.organisation,
        actor=actor,
        action=action,
        target=request,
        payload={
            "child": request.child_id,
            "guardian": request.guardian_id,
            "kind": request.kind,
            "status": request.status,
            **extra,
        },
    )


@transaction.atomic
def rights_request_submit(
    *,
    child: Child,
    guardian: Guardian,
    kind: str,
    description: str,
    actor,
    channel: str = RightsRequest.Channel.PORTAL,
    received_on: datetime.date | None = None,
    version: AgreementVersion | None = None,
) -> RightsRequest:
    """A parent files a request in the portal, or staff record one received by letter,
    phone, e-mail or in person. The deadline is one calendar month from receipt."""
    today = timezone.localdate()
    received_on = received_on or today
    if kind not in Kind.values:
        raise ValidationError(_("Kies het soort verzoek."))
    if channel not in RightsRequest.Channel.values:
        raise ValidationError(_("Kies hoe het verzoek binnenkwam."))
    if received_on > today:
        raise ValidationError(_("De datum van ontvangst kan niet in de toekomst liggen."))
    if received_on < today - datetime.timedelta(days=366):
        raise ValidationError(_("Deze datum van ontvangst ligt meer dan een jaar terug."))
    if (
        guardian.organisation_id != child.organisation_id
        or not core_selectors.guardianships().filter(guardian=guardian, child=child).exists()
    ):
        raise ValidationError(_("Deze ouder of verzorger hoort niet bij dit kind."))
    if (
        channel == RightsRequest.Channel.PORTAL
        and not core_selectors.guardianships()
        .filter(guardian=guardian, child=child, has_parental_authority=True)
        .exists()
    ):
        raise ValidationError(
            _("Alleen een ouder met ouderlijk gezag kan dit verzoek hier indienen. Neem contact op met de organisatie.")
        )
    objection = None
    if kind == Kind.OBJECTION:
        if version is None:
            raise ValidationError(_("Kies de afspraak waartegen u bezwaar maakt."))
        objection = services.objection_file(
            child=child, guardian=guardian, version=version, explanation=description, actor=actor
        )
    request = RightsRequest.objects.create(
        organisation=child.organisation,
        child=child,
        guardian=guardian,
        kind=kind,
        channel=channel,
        description=description.strip()[:5000],
        objection=objection,
        received_on=received_on,
        due_on=request_deadline(received_on),
        created_by=actor,
    )
    _step(
        request,
        actor=actor,
        action="submitted" if channel == RightsRequest.Channel.PORTAL else "recorded",
        message=_("Uw verzoek is ontvangen op %(received)s. U krijgt uiterlijk %(due)s antwoord.")
        % {"received": _date(received_on), "due": _date(request.due_on)},
    )
    _audit(
        request,
        actor=actor,
        action="rights_request.submitted" if channel == RightsRequest.Channel.PORTAL else "rights_request.recorded",
        channel=channel,
        received_on=received_on.isoformat(),
        due_on=request.due_on.isoformat(),
        objection=objection.pk if objection else None,
    )
    outbox.enqueue(tasks.notify_rights_request_filed, request.pk)  # tell the handlers (issue 18)
    return request


@transaction.atomic
def rights_request_set_status(*, request: RightsRequest, status: str, message: str, actor) -> RightsRequest:
    request = _lock(request)
    problem = rights_rules.status_problem(request=request, status=status, message=message)
    if problem:
        raise ValidationError(problem)
    now = timezone.now()
    request.status = status
    request.answer = message.strip()[:5000] or request.answer
    if status in (Status.NEEDS_INFO, Status.REJECTED):
        request.answer = message.strip()[:5000]
    request.updated_at = now
    if status in (Status.FULFILLED, Status.REJECTED):
        request.closed_at = now
    request.save(update_fields=["status", "answer", "updated_at", "closed_at"])
    _step(request, actor=actor, action="status", message=message)
    # A refusal names the remedy (accountability/rights/rules.py); the event records which.
    remedy = {}
    if status == Status.REJECTED:
        remedy["remedy"] = rights_rules.remedy_route(organisation=request.organisation)
    _audit(request, actor=actor, action="rights_request.status_changed", **remedy)
    return request


@transaction.atomic
def rights_request_extend(
    *, request: RightsRequest, months: int, reason: str, actor, today: datetime.date | None = None
) -> RightsRequest:
    """Extend the deadline by one or two further months (art. 12(3)); the parent reads why."""
    request = _lock(request)
    today = today or timezone.localdate()
    problem = rights_rules.extension_problem(request=request, months=months, reason=reason, today=today)
    if problem:
        raise ValidationError(problem)
    request.extension_months = months
    request.extension_reason = reason.strip()[:5000]
    request.due_on = request_deadline(request.received_on, extension_months=months)
    request.updated_at = timezone.now()
    request.save(update_fields=["extension_months", "extension_reason", "due_on", "updated_at"])
    _step(
        request,
        actor=actor,
        action="extended",
        message=_("De termijn is verlengd tot %(due)s. Reden: %(reason)s")
        % {"due": _date(request.due_on), "reason": request.extension_reason},
    )
    _audit(
        request,
        actor=actor,
        action="rights_request.extended",
        extension_months=months,
        due_on=request.due_on.isoformat(),
    )
    return request


@transaction.atomic
def rights_request_assign(*, request: RightsRequest, assignee, actor) -> RightsRequest:
    request = _lock(request)
    if assignee is not None and not can_handle(assignee, request.organisation):
        raise ValidationError(_("Wijs het verzoek toe aan de directeur of een privacycontactpersoon."))
    request.assignee = assignee
    request.updated_at = timezone.now()
    request.save(update_fields=["assignee", "updated_at"])
    _audit(request, actor=actor, action="rights_request.assigned", assignee=assignee.pk if assignee else None)
    return request


@transaction.atomic
def rights_request_export_prepare(*, request: RightsRequest, actor) -> RightsRequest:
    """Queue the assembly of the access export (JSON + PDF)."""
    request = _lock(request)
    if request.kind not in rights_rules.EXPORT_KINDS:
        raise ValidationError(_("Alleen bij een verzoek om inzage of om gegevens mee te nemen."))
    if not request.is_open:
        raise ValidationError(_("Dit verzoek is al afgehandeld."))
    request.export_status = RightsRequest.ExportStatus.QUEUED
    request.updated_at = timezone.now()
    request.save(update_fields=["export_status", "updated_at"])
    if request.status == Status.RECEIVED:
        request.status = Status.IN_PROGRESS
        request.save(update_fields=["status"])
        _step(request, actor=actor, action="status", message=_("Wij verzamelen uw gegevens."))
    request_id = request.pk
    outbox.enqueue(tasks.build_access_export, request_id)
    _audit(request, actor=actor, action="rights_request.status_changed", export="queued")
    return request


@transaction.atomic
def rights_request_export_release(
    *, request: RightsRequest, sha256: str, answers: dict[str, str | None], actor
) -> RightsRequest:
    """The handler has read every free text of the prepared export and kept, edited or left
    out each one (art. 15(4)): `answers` maps each text's pointer to the text to release,
    or None to leave it out. The released export is built in Celery; the parent can download
    it once the request is fulfilled. Audited with counts, never with the texts."""
    request = _lock(request)
    problem = rights_rules.review_problem(request=request)
    if problem:
        raise ValidationError(problem)
    if sha256 != request.export_sha256:
        raise ValidationError(_("De gegevens zijn intussen opnieuw verzameld. Controleer de teksten opnieuw."))
    data = release.prepared_data(request)
    if data is None:
        raise ValidationError(_("De verzamelde gegevens zijn niet meer te lezen. Verzamel ze opnieuw."))
    texts = redaction.free_texts(data)
    if set(answers) != {t.pointer for t in texts}:
        raise ValidationError(_("Deze controle hoort niet bij de verzamelde gegevens. Open de pagina opnieuw."))
    review = redaction.review_from_answers(texts, answers)
    now = timezone.now()
    request.export_review = {"sha256": request.export_sha256, **review.as_json()}
    request.export_reviewed_by = actor
    request.export_reviewed_at = now
    request.export_status = RightsRequest.ExportStatus.RELEASING
    request.updated_at = now
    request.save(
        update_fields=["export_review", "export_reviewed_by", "export_reviewed_at", "export_status", "updated_at"]
    )
    outbox.enqueue(tasks.release_access_export, request.pk)
    _audit(
        request,
        actor=actor,
        action="rights_request.export_reviewed",
        texts=len(texts),
        sha256=request.export_sha256,
        **review.counts,
    )
    return request


@transaction.atomic
def rights_request_export_downloaded(*, request: RightsRequest, actor, fmt: str, by_parent: bool) -> None:
    _audit(request, actor=actor, action="rights_request.export_downloaded", format=fmt, by_parent=by_parent)


def _purged(request: RightsRequest, *, kind: str, object_type: str, pk: int) -> None:
    """Shown to the privacy officer next to what the retention schedule removed."""
    PurgeRecord.objects.create(
        organisation=request.organisation,
        kind=kind,
        object_type=object_type,
        object_id=str(pk),
        action=PurgeRecord.Action.ANONYMISED,
        reason="erasure",
    )


@transaction.atomic
def rights_request_erase(*, request: RightsRequest, actor, today: datetime.date | None = None) -> RightsRequest:
    """Carry out the erasure plan (accountability/rights/rules.erasure_plan): anonymise what may go,
    have the receiver erase copies shared with consent (art. 19), keep the rest with its
    reason. The audit chain is untouched and stays verifiable."""
    request = _lock(request)
    today = today or timezone.localdate()
    if request.kind != Kind.ERASURE:
        raise ValidationError(_("Dit is geen verzoek om verwijdering."))
    if not request.is_open:
        raise ValidationError(_("Dit verzoek is al afgehandeld."))
    if request.erasure_result:
        raise ValidationError(_("De verwijdering is al uitgevoerd."))
    plan = rights_rules.erasure_plan(request=request, today=today)
    done: list[dict] = []
    for item in plan:
        if not item.erase:
            continue
        if item.key == "child":
            anonymise.child_anonymise(child=request.child, actor=actor, reason="erasure", request_id=request.pk)
            _purged(request, kind=RetentionRule.Kind.CHILD_RECORDS, object_type="ikc_share.child", pk=request.child_id)
        elif item.key == "guardian":
            anonymise.guardian_anonymise(
                guardian=request.guardian, actor=actor, reason="erasure", request_id=request.pk, unlink_login=False
            )
            _purged(
                request,
                kind=RetentionRule.Kind.GUARDIAN_RECORDS,
                object_type="ikc_share.guardian",
                pk=request.guardian_id,
            )
        elif item.key == "transfers_sent":
            for t in transfer_facts.sent_for_erasure(child=request.child):
                if t.erasable:
                    transfer_facts.erase_sent(transfer=t.transfer, actor=actor)
        elif item.key == "transfers_received_consent":
            for r in transfer_facts.received_for_child(child=request.child):
                if transfer_facts.received_on_consent(r):
                    transfer_facts.erase_received(received=r, actor=actor)
        done.append({"key": item.key, "count": item.count})
    request.erasure_result = {
        "at": timezone.now().isoformat(),
        "erased": done,
        "kept": [{"key": i.key, "count": i.count, "reason": i.reason} for i in plan if not i.erase],
    }
    request.updated_at = timezone.now()
    if request.status == Status.RECEIVED:
        request.status = Status.IN_PROGRESS
    request.save(update_fields=["erasure_result", "updated_at", "status"])
    _step(
        request,
        actor=actor,
        action="erased",
        message=_("Verwijderd: %(erased)s. Bewaard (met reden): %(kept)s.")
        % {
            "erased": ", ".join(str(i.label) for i in plan if i.erase) or _("niets"),
            "kept": ", ".join(str(i.label) for i in plan if not i.erase) or _("niets"),
        },
    )
    _audit(
        request,
        actor=actor,
        action="rights_request.erasure_performed",
        erased=[d["key"] for d in done],
        kept=[i.key for i in plan if not i.erase],
    )
    return request
