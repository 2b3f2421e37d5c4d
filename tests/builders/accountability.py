"""Objects for the accountability tests and their permission-matrix entries, on the `world`
fixture: rights requests, incidents, verification jobs and reports (each builder finds its
object again if it exists: the matrix calls them once per cast member), and `seed_emma`.

`seed_emma`: a child with every kind of record the access export covers, and a second child
of the same family with records of its own (which must never appear in the first one's
export). Emma (the childcare organisation's BSO record, `world.child_bso`), asked about by
Sanne (parent_a): consent decisions by Sanne and by Mark (the other parent), notices, an
objection, a transfer sent to the school and opened there, a transfer received from the
school and opened here, an incident, audit events, and the access request itself.
Noah (`world.child_daycare`): a consent decision, a viewed record and an incident of his own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from accountability import register_services, services
from accountability.models import AuditReport, Incident, IncidentNotice, Processor, VerificationJob
from accountability.rights import export as rights_export
from accountability.rights import redaction
from accountability.rights import release as rights_release
from accountability.rights import services as rights_services
from accountability.rights.models import RightsRequest
from consent.models import Objection
from ikc_share import services as core_services
from ikc_share.models import Guardian
from tests.builders.consent import decide, guardian
from tests.builders.transfers import sent as transfer_sent
from tests.builders.transfers import transfer_version
from tests.builders.versions import agreement_version
from tests.factories import ObjectionFactory, ReceivedTransferFactory, TransferFactory
from transfers import services as transfer_services
from transfers.models import ReceivedTransfer, Transfer, TransferAccess


def access_request(world, *, kind: str = "access") -> RightsRequest:
    """Sanne (parent_a) asks about Noah (the daycare child) in the portal."""
    child = world.child_daycare
    existing = RightsRequest.objects.filter(child=child, kind=kind).first()
    if existing:
        return existing
    return rights_services.rights_request_submit(
        child=child,
        guardian=guardian(world, child, "Sanne"),
        kind=kind,
        description="Ik wil graag zien wat u over Noah vastlegt.",
        actor=world.user("parent_a"),
    )


def released_export(request: RightsRequest, actor, answers: dict | None = None) -> RightsRequest:
    """Prepare the access export, review it (every free text kept unless `answers` says
    otherwise: pointer -> text, or None to leave it out) and release it, as the handler's
    review page and the Celery task do."""
    rights_export.export_build(request_id=request.pk)
    request.refresh_from_db()
    texts = redaction.free_texts(rights_release.prepared_data(request))
    rights_services.rights_request_export_release(
        request=request,
        sha256=request.export_sha256,
        answers={t.pointer: t.text for t in texts} | (answers or {}),
        actor=actor,
    )
    rights_release.release_build(request_id=request.pk)  # the task, queued on commit
    request.refresh_from_db()
    return request


def prepared_access_request(world) -> RightsRequest:
    """An access request whose export is prepared and waits for the handler's review."""
    request = access_request(world)
    if not request.export_status:
        rights_export.export_build(request_id=request.pk)
        request.refresh_from_db()
    return request


def processor(world) -> Processor:
    """The childcare organisation's hosting processor in its register (art. 28)."""
    existing = Processor.objects.filter(organisation=world.childcare).first()
    if existing:
        return existing
    return register_services.processor_save(
        organisation=world.childcare,
        actor=world.user("director_childcare"),
        name="Hosting Test B.V.",
        role="hosting",
        country="NL",
        agreement_on=timezone.localdate(),
    )


def fulfilled_access_request(world) -> RightsRequest:
    """An access request whose export the director released and that they fulfilled."""
    request = access_request(world)
    if request.status == RightsRequest.Status.FULFILLED:
        return request
    request = released_export(request, world.user("director_childcare"))
    return rights_services.rights_request_set_status(
        request=request, status="fulfilled", message="Hierbij uw gegevens.", actor=world.user("director_childcare")
    )


def incident(world) -> Incident:
    """A possible breach at the childcare organisation that touches exchanged data: the
    school's director and privacy officer get an in-app notice."""
    existing = Incident.objects.filter(organisation=world.childcare).first()
    if existing:
        return existing
    return services.incident_record(
        organisation=world.childcare,
        actor=world.user("director_childcare"),
        title="Overdrachtslijst op de printer laten liggen",
        discovered_at=timezone.now() - datetime.timedelta(hours=5),
        description="Een lijst met namen en ontwikkelnotities lag een middag op de printer in de gang.",
        children=[world.child_daycare],
        data_categories=["identification", "development_language"],
        touches_exchange=True,
        risk="risk",
        risk_assessment="Namen en ontwikkelgegevens; beperkte kring.",
    )


def incident_notice(world, member: str = "director_school") -> IncidentNotice:
    return IncidentNotice.objects.get(incident=incident(world), recipient=world.user(member))


def verification_job(world) -> VerificationJob:
    existing = VerificationJob.objects.filter(organisation=world.childcare).first()
    if existing:
        return existing
    return VerificationJob.objects.create(
        organisation=world.childcare,
        requested_by=world.user("po_childcare"),
        status="done",
        ok=True,
        events=10,
        total=10,
        done=10,
        finished_at=timezone.now(),
    )


def audit_report(world) -> AuditReport:
    existing = AuditReport.objects.filter(organisation=world.childcare).first()
    if existing:
        return existing
    today = timezone.localdate()
    report = AuditReport(
        organisation=world.childcare,
        requested_by=world.user("po_childcare"),
        date_from=today.replace(day=1),
        date_to=today,
        status="done",
        finished_at=timezone.now(),
        sha256="0" * 64,
    )
    report.file.save(f"test-report-{today:%Y%m%d}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    report.save()
    return report


@dataclass
class Seeded:
    child: object
    other_child: object
    sanne: Guardian
    mark: Guardian
    request: RightsRequest
    sent: Transfer
    received: ReceivedTransfer
    objection: Objection


def seed_emma(world) -> Seeded:
    emma, noah = world.child_bso, world.child_daycare
    sanne, mark = guardian(world, emma, "Sanne"), guardian(world, emma, "Mark")
    now = timezone.now()
    # Consent (Sanne gives, explicit) and notices to both parents: the transfers' version builder.
    version = transfer_version(world)
    # A transfer sent to the school, opened there by the teacher.
    sent = transfer_sent(world, version, child=emma)
    decide(version, emma, mark, "refused", at=timezone.now())  # Mark refuses afterwards: no more transfers
    received_at_school = ReceivedTransfer.objects.get(transfer=sent)
    transfer_services.received_open(
        received=received_at_school, actor=world.user("staff_school"), function_title="Leerkracht groep 1-2"
    )
    # An objection under a legitimate-interest agreement.
    f_version = agreement_version(world, basis="f", title="Afstemming BSO en school (test)")
    objection = ObjectionFactory(child=emma, version=f_version, guardian=sanne)
    # A transfer received from the school, linked to Emma's record here and opened here.
    back = agreement_version(
        world, basis="f", title="Terugkoppeling school aan BSO (test)", sender=world.school, receiver=world.childcare
    )
    school_sent = TransferFactory(
        version=back,
        sending_organisation=world.school,
        receiving_organisation=world.childcare,
        receiving_location=world.bso,
        child=world.child_school,
        state=Transfer.State.SENT,
        category_codes=["development_language"],
        content_sha256="b" * 64,
        created_by=world.user("director_school"),
        shared_by=world.user("director_school"),
        shared_at=now - datetime.timedelta(days=3),
    )
    received = ReceivedTransferFactory(
        transfer=school_sent,
        organisation=world.childcare,
        location=world.bso,
        child_name="Emma Jansen",
        child_date_of_birth=emma.date_of_birth,
        child=emma,
        category_codes=["development_language"],
        content={"development_language": {"going_well": "Leest graag prentenboeken voor aan anderen."}},
        content_sha256="b" * 64,
        received_at=now - datetime.timedelta(days=3),
        retention_until=(now + datetime.timedelta(days=365)).date(),
    )
    TransferAccess.objects.create(
        received=received, user=world.user("director_childcare"), organisation=world.childcare,
        function_title="Pedagogisch medewerker BSO",
    )  # fmt: skip
    # Audit events about Emma: her record viewed by staff.
    core_services.child_record_viewed(child=emma, actor=world.user("director_childcare"))
    # An incident that concerned Emma (and one that concerned only Noah).
    services.incident_record(
        organisation=world.childcare,
        actor=world.user("director_childcare"),
        title="BSO-lijst kwijt",
        discovered_at=now - datetime.timedelta(days=2),
        description="De presentielijst van de BSO is in de bus blijven liggen.",
        children=[emma],
        risk="none",
    )
    # Noah's own records.
    decide(version, noah, guardian(world, noah, "Mark"), "refused", at=now - datetime.timedelta(days=10))
    core_services.child_record_viewed(child=noah, actor=world.user("staff_childcare"))
    services.incident_record(
        organisation=world.childcare,
        actor=world.user("director_childcare"),
        title="Foto van Noah op de verkeerde plek",
        discovered_at=now - datetime.timedelta(days=1),
        description="Een foto van de dagopvang stond in de verkeerde map.",
        children=[noah],
        risk="none",
    )
    request = rights_services.rights_request_submit(
        child=emma, guardian=sanne, kind="access", description="Alles over Emma graag.", actor=world.user("parent_a")
    )
    return Seeded(emma, noah, sanne, mark, request, sent, received, objection)
