"""Every state change of the accountability pages: incidents, advice notes, the register's
security text, retention periods, and the verification and report jobs. Plain functions
with keyword-only arguments; each runs in one transaction, writes its audit event as the
last step (ids and codes only) and queues Celery work on commit.

Who may call which service is checked by the views (permissions.py); the services check
what must hold whoever calls them (e.g. a child belongs to the organisation).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import tasks
from accountability.deadlines import breach_delay_needs_reason
from accountability.models import (
    AdviceNote,
    AuditReport,
    Incident,
    IncidentNotice,
    NoticeChannel,
    RegisterText,
    RetentionRule,
    VerificationJob,
)
from accountability.schedule import DEFAULTS
from ikc_share import outbox
from ikc_share import selectors as core_selectors
from ikc_share.audit import audit_record
from ikc_share.choices import MembershipRole

if TYPE_CHECKING:
    from ikc_share.models import Child, Organisation

MAX_REPORT_DAYS = 366
INCIDENT_FIELDS = [
    "title",
    "discovered_at",
    "description",
    "affected_count",
    "data_categories",
    "other_data",
    "touches_exchange",
    "risk",
    "risk_assessment",
    "measures",
    "ap_reported",
    "ap_reported_at",
    "ap_reference",
    "delay_reason",
]


# --- Incidents ----------------------------------------------------------------------------------


def _check_children(organisation: Organisation, children: Iterable[Child]) -> list[Child]:
    children = list(children)
    if any(c.organisation_id != organisation.pk for c in children):
        raise ValidationError(_("Een gekozen kind hoort niet bij deze organisatie."))
    return children


def _check_discovered(discovered_at: datetime.datetime) -> None:
    if discovered_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError(_("Het moment van ontdekken kan niet in de toekomst liggen."))


def _stamp_flags(incident: Incident, now: datetime.datetime) -> None:
    """The moment of the report (given, or now; the 72-hour clock stops at the report), and
    the reason for a late one (art. 33(1)). The parents' information is recorded with its
    notice (`incident_parents_notice_record`)."""
    if incident.ap_reported and incident.ap_reported_at is None:
        incident.ap_reported_at = now
    if not incident.ap_reported:
        incident.ap_reported_at = None
    if incident.ap_reported_at is not None and not (
        incident.discovered_at <= incident.ap_reported_at <= now + datetime.timedelta(minutes=5)
    ):
        raise ValidationError(_("De melding bij de AP ligt tussen het moment van ontdekken en nu."))
    if not incident.delay_reason and breach_delay_needs_reason(
        discovered_at=incident.discovered_at,
        recorded_at=incident.recorded_at,
        reported_at=incident.ap_reported_at,
        risk=incident.risk,
    ):
        raise ValidationError(
            _(
                "Meer dan 72 uur na ontdekking: schrijf de reden van de vertraging op; die hoort bij de melding aan "
                "de Autoriteit Persoonsgegevens (art. 33 lid 1 AVG)."
            )
        )


def _other_organisations(organisation: Organisation) -> list[Organisation]:
    return list(core_selectors.other_organisations_in_ikc(organisation=organisation))


def _share(incident: Incident, actor) -> int:
    """In-app notices to the director(s) and privacy officer(s) of the other organisation(s)
    of the IKC. Each person is told once per incident."""
    created = 0
    for other in _other_organisations(incident.organisation):
        recipients = (
            core_selectors.memberships()
            .filter(
                organisation=other,
                is_active=True,
                role__in=[MembershipRole.DIRECTOR, MembershipRole.PRIVACY_OFFICER],
            )
            .values_list("user_id", flat=True)
        )
        for user_id in recipients:
            _notice, made = IncidentNotice.objects.get_or_create(
                incident=incident, recipient_id=user_id, defaults={"organisation": other}
            )
            created += made
    return created


@transaction.atomic
def incident_record(
    *,
    organisation: Organisation,
    actor,
    title: str,
    discovered_at: datetime.datetime,
    description: str,
    children: Iterable[Child] = (),
    affected_count: int | None = None,
    data_categories: list[str] | None = None,
    other_data: str = "",
    touches_exchange: bool = False,
    risk: str = Incident.Risk.UNKNOWN,
    risk_assessment: str = "",
    measures: str = "",
    ap_reported: bool = False,
    ap_reported_at: datetime.datetime | None = None,
    ap_reference: str = "",
    delay_reason: str = "",
) -> Incident:
    children = _check_children(organisation, children)
    _check_discovered(discovered_at)
    # Numbered per organisation; the organisation row is locked so two recorders queue.
    core_selectors.organisations().select_for_update().filter(pk=organisation.pk).first()
    number = (Incident.objects.filter(organisation=organisation).aggregate(n=Max("number"))["n"] or 0) + 1
    now = timezone.now()
    incident = Incident(
        organisation=organisation,
        number=number,
        title=title.strip(),
        discovered_at=discovered_at,
        description=description.strip(),
        affected_count=affected_count,
        data_categories=sorted(set(data_categories or [])),
        other_data=other_data.strip(),
        touches_exchange=touches_exchange,
        risk=risk,
        risk_assessment=risk_assessment.strip(),
        measures=measures.strip(),
        ap_reported=ap_reported,
        ap_reported_at=ap_reported_at if ap_reported else None,
        ap_reference=ap_reference.strip(),
        delay_reason=delay_reason.strip(),
        recorded_by=actor,
        recorded_at=now,
        updated_at=now,
    )
    _stamp_flags(incident, now)
    incident.save()
    incident.children.set(children)
    shared = _share(incident, actor) if touches_exchange else 0
    audit_record(
        organisation=organisation,
        actor=actor,
        action="incident.recorded",
        target=incident,
        payload={
            "number": number,
            "children": sorted(c.pk for c in children),
            "categories": incident.data_categories,
            "risk": risk,
            "ap_reported": ap_reported,
            "delay_reason": bool(incident.delay_reason),
            "touches_exchange": touches_exchange,
            "notices": shared,
        },
    )
    return incident


@transaction.atomic
def incident_update(*, incident: Incident, actor, children: Iterable[Child] | None = None, **fields) -> Incident:
    unknown = set(fields) - set(INCIDENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown incident fields: {sorted(unknown)}")
    incident = Incident.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=incident.pk)
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError(_("Dit incident is afgesloten en kan niet meer worden gewijzigd."))
    if "discovered_at" in fields:
        _check_discovered(fields["discovered_at"])
    was_shared = incident.touches_exchange
    changed = []
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if name == "data_categories":
            value = sorted(set(value or []))
        if getattr(incident, name) != value:
            setattr(incident, name, value)
            changed.append(name)
    if children is not None:
        children = _check_children(incident.organisation, children)
        if {c.pk for c in children} != set(incident.children.values_list("pk", flat=True)):
            incident.children.set(children)
            changed.append("children")
    now = timezone.now()
    _stamp_flags(incident, now)
    incident.updated_at = now
    incident.save()
    shared = _share(incident, actor) if incident.touches_exchange and not was_shared else 0
    audit_record(
        organisation=incident.organisation,
        actor=actor,
        action="incident.updated",
        target=incident,
        payload={
            "fields": sorted(changed),
            "risk": incident.risk,
            "ap_reported": incident.ap_reported,
            "delay_reason": bool(incident.delay_reason),
            "parents_informed": incident.parents_informed,
            "notices": shared,
        },
    )
    return incident


@transaction.atomic
def incident_close(*, incident: Incident, actor) -> Incident:
    incident = Incident.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=incident.pk)
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError(_("Dit incident is al afgesloten."))
    if incident.risk == Incident.Risk.UNKNOWN:
        raise ValidationError(_("Beoordeel eerst het risico voordat u het incident afsluit."))
    if incident.risk in (Incident.Risk.RISK, Incident.Risk.HIGH) and not incident.ap_reported:
        raise ValidationError(
            _("Bij dit risico moet het datalek bij de Autoriteit Persoonsgegevens zijn gemeld voordat u afsluit.")
        )
    if incident.risk == Incident.Risk.HIGH and not (incident.parents_informed and incident.parents_notice_text):
        raise ValidationError(
            _(
                "Bij een hoog risico moeten de ouders zijn geïnformeerd voordat u afsluit: leg het bericht vast "
                "(art. 34)."
            )
        )
    now = timezone.now()
    incident.status = Incident.Status.CLOSED
    incident.closed_at = now
    incident.updated_at = now
    incident.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(organisation=incident.organisation, actor=actor, action="incident.closed", target=incident)
    return incident


@transaction.atomic
def incident_parents_notice_record(
    *, incident: Incident, actor, text: str, channel: str, sent_at: datetime.datetime
) -> Incident:
    """Record the notice to the parents (art. 34): its text, how and when it was sent. Art.
    34(2): in clear language the nature of the breach, the contact point, the likely
    consequences and the measures. Recorded once; the audit event holds no text."""
    incident = Incident.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=incident.pk)
    text = text.strip()
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError(_("Dit incident is afgesloten en kan niet meer worden gewijzigd."))
    if incident.parents_notice_text:
        raise ValidationError(_("Het bericht aan de ouders is al vastgelegd."))
    if not text:
        raise ValidationError(_("Neem de tekst op van het bericht dat de ouders kregen."))
    if channel not in NoticeChannel.values:
        raise ValidationError(_("Kies hoe het bericht is verstuurd."))
    if not incident.discovered_at <= sent_at <= timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError(_("Het bericht is verstuurd tussen het moment van ontdekken en nu."))
    incident.parents_informed = True
    incident.parents_informed_at = sent_at
    incident.parents_notice_text = text
    incident.parents_notice_channel = channel
    incident.updated_at = timezone.now()
    incident.save(
        update_fields=[
            "parents_informed", "parents_informed_at", "parents_notice_text", "parents_notice_channel", "updated_at",
        ]
    )  # fmt: skip
    audit_record(
        organisation=incident.organisation,
        actor=actor,
        action="incident.parents_notified",
        target=incident,
        payload={"number": incident.number, "channel": channel, "sent_at": sent_at.isoformat()},
    )
    return incident


@transaction.atomic
def incident_notice_read(*, notice: IncidentNotice) -> None:
    if notice.read_at is None:
        IncidentNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())


# --- Advice, register, retention ----------------------------------------------------------------


@transaction.atomic
def advice_add(*, organisation: Organisation, actor, subject: str, subject_id: int | None, text: str) -> AdviceNote:
    text = text.strip()
    if not text:
        raise ValidationError(_("Schrijf uw advies op."))
    if subject not in AdviceNote.Subject.values:
        raise ValidationError(_("Onbekend onderwerp."))
    note = AdviceNote.objects.create(
        organisation=organisation, subject=subject, subject_id=subject_id, text=text, author=actor
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="advice.added",
        target=note,
        payload={"subject": subject, "subject_id": subject_id},
    )
    return note


@transaction.atomic
def register_security_update(*, organisation: Organisation, actor, text: str) -> RegisterText:
    text = text.strip()
    if not text:
        raise ValidationError(_("Beschrijf de beveiligingsmaatregelen."))
    row, _created = RegisterText.objects.update_or_create(
        organisation=organisation,
        defaults={"security_measures": text, "updated_by": actor, "updated_at": timezone.now()},
    )
    audit_record(organisation=organisation, actor=actor, action="register.security_updated", target=row)
    return row


@transaction.atomic
def register_exported(*, organisation: Organisation, actor, fmt: str) -> None:
    audit_record(organisation=organisation, actor=actor, action="register.exported", payload={"format": fmt})


@transaction.atomic
def retention_rule_set(*, organisation: Organisation, actor, kind: str, months: int, note: str = "") -> RetentionRule:
    default = DEFAULTS.get(kind)
    if default is None or not default.editable:
        raise ValidationError(_("Deze bewaartermijn kan hier niet worden aangepast."))
    if not 1 <= months <= 1200:
        raise ValidationError(_("Kies een termijn van 1 tot 1200 maanden."))
    rule, _created = RetentionRule.objects.update_or_create(
        organisation=organisation,
        kind=kind,
        defaults={"months": months, "note": note.strip(), "updated_by": actor, "updated_at": timezone.now()},
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="retention_rule.updated",
        target=rule,
        payload={"kind": kind, "months": months, "default": default.months},
    )
    return rule


# --- Audit trail: export, verification, report --------------------------------------------------


@transaction.atomic
def audit_exported(*, organisation: Organisation, actor, filters: dict) -> None:
    audit_record(organisation=organisation, actor=actor, action="audit.exported", payload={"format": "csv", **filters})


@transaction.atomic
def verification_request(*, organisation: Organisation, actor) -> VerificationJob:
    """Queue a check of the organisation's chain. A check already waiting is reused."""
    running = (
        VerificationJob.objects.select_for_update()
        .filter(organisation=organisation, status__in=[VerificationJob.Status.QUEUED, VerificationJob.Status.RUNNING])
        .first()
    )
    if running is not None:
        return running
    job = VerificationJob.objects.create(organisation=organisation, requested_by=actor)
    job_id = job.pk
    outbox.enqueue(tasks.verify_organisation_chain, job_id)
    audit_record(organisation=organisation, actor=actor, action="audit.verify_requested", target=job)
    return job


def _check_period(date_from: datetime.date, date_to: datetime.date) -> None:
    if date_to < date_from:
        raise ValidationError(_("De einddatum ligt voor de begindatum."))
    if (date_to - date_from).days > MAX_REPORT_DAYS:
        raise ValidationError(_("Kies een periode van hoogstens een jaar."))


@transaction.atomic
def audit_report_request(
    *, organisation: Organisation, actor, date_from: datetime.date, date_to: datetime.date
) -> AuditReport:
    _check_period(date_from, date_to)
    report = AuditReport.objects.create(
        organisation=organisation, requested_by=actor, date_from=date_from, date_to=date_to
    )
    report_id = report.pk
    outbox.enqueue(tasks.build_audit_report, report_id)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="audit_report.requested",
        target=report,
        payload={"from": date_from.isoformat(), "to": date_to.isoformat()},
    )
    return report
