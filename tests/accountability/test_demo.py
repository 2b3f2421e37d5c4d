"""The demo: rights requests in several states (one overdue), an incident with the
privacy officer's advice, a few thousand audit events in valid chains; idempotent."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from accountability.models import AdviceNote, ControllerSetting, Incident, IncidentNotice, Processor
from accountability.rights import selectors as rights_selectors
from accountability.rights.models import RightsRequest
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent, AuditVerification, Organisation


def test_demo_has_requests_an_incident_and_thousands_of_events(db):
    call_command("seed_demo")
    counts = (RightsRequest.objects.count(), Incident.objects.count(), AuditEvent.objects.count())
    call_command("seed_demo")
    assert (RightsRequest.objects.count(), Incident.objects.count(), AuditEvent.objects.count()) == counts
    statuses = set(RightsRequest.objects.values_list("status", flat=True))
    assert {"acknowledged", "in_progress", "received", "rejected", "fulfilled"} <= statuses
    today = timezone.localdate()
    childcare = Organisation.objects.get(kind="childcare")
    school = Organisation.objects.get(kind="school")
    levels = {
        row.deadline.level
        for org in (childcare, school)
        for row in rights_selectors.open_requests(organisation=org, today=today)
    }
    assert {"overdue", "soon"} <= levels
    incident = Incident.objects.get(organisation__kind="childcare")
    late = Incident.objects.get(organisation__kind="school")  # reported after 72 hours, parents told (art. 34)
    assert late.delay_reason and late.parents_notice_text and late.parents_notice_channel == "email"
    assert Processor.objects.filter(organisation=childcare, country="US").exclude(safeguards="").exists()
    assert ControllerSetting.objects.get(organisation=school).public_authority
    assert school.is_public_authority and not childcare.is_public_authority  # the remedy: Awb vs. civil court
    assert incident.touches_exchange and IncidentNotice.objects.filter(incident=incident).count() == 2
    assert AdviceNote.objects.filter(subject="incident", subject_id=incident.pk).exists()
    assert AuditEvent.objects.count() >= 3000
    assert verify_chains().ok
    assert AuditVerification.objects.filter(trigger="demo", ok=True).count() == 1
