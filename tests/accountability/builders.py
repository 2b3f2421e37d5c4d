"""Objects for the accountability tests and their permission-matrix entries, built on the
`world` fixture. Each builder finds its object again if it exists (the matrix calls them
once per cast member)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from accountability import services
from accountability.models import AuditReport, Incident, IncidentNotice, VerificationJob
from accountability.rights import export as rights_export
from accountability.rights import services as rights_services
from accountability.rights.models import RightsRequest
from ikc_share.models import Guardian


def guardian_of(world, child, first_name: str) -> Guardian:
    return Guardian.objects.get(guardianships__child=child, first_name=first_name)


def access_request(world, *, kind: str = "access") -> RightsRequest:
    """Sanne (parent_a) asks about Noah (the daycare child) in the portal."""
    child = world.child_daycare
    existing = RightsRequest.objects.filter(child=child, kind=kind).first()
    if existing:
        return existing
    return rights_services.rights_request_submit(
        child=child,
        guardian=guardian_of(world, child, "Sanne"),
        kind=kind,
        description="Ik wil graag zien wat u over Noah vastlegt.",
        actor=world.user("parent_a"),
    )


def fulfilled_access_request(world) -> RightsRequest:
    """An access request whose export is ready and that the director fulfilled."""
    request = access_request(world)
    if request.status == RightsRequest.Status.FULFILLED:
        return request
    rights_export.export_build(request_id=request.pk)
    request.refresh_from_db()
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
