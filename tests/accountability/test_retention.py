"""The retention schedule: documented defaults with their source, the director's own
periods, what is due, and the nightly run that removes it without touching the audit chain."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accountability import retention, services
from accountability.anonymise import ANONYMISED
from accountability.models import Incident, PurgeRecord, RetentionRun
from accountability.rights.models import RightsRequest
from accountability.schedule import DEFAULTS
from accountability.selectors import retention_overview
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent, Child, Guardian
from tests.builders import access_request, incident


def _left(child, months_ago: int) -> None:
    Child.objects.filter(pk=child.pk).update(left_on=timezone.localdate() - datetime.timedelta(days=months_ago * 31))


def test_every_default_has_a_source_and_the_audit_trail_is_kept():
    for default in DEFAULTS.values():
        assert str(default.source) and str(default.action)
    audit = DEFAULTS["audit_events"]
    assert not audit.editable and not audit.automatic and "hash-keten" in str(audit.source)


def test_director_sets_a_period_and_the_privacy_officer_sees_it(world, login):
    director = login(world.user("director_childcare"))
    response = director.post(
        f"/organisations/{world.childcare.pk}/retention/child_records/", {"months": "36", "note": "Eigen beleid."}
    )
    assert response.status_code == 302
    with pytest.raises(ValidationError):
        services.retention_rule_set(
            organisation=world.childcare, actor=world.user("director_childcare"), kind="audit_events", months=12
        )
    assert director.get(f"/organisations/{world.childcare.pk}/retention/audit_events/").status_code == 404
    page = login(world.user("po_childcare")).get(f"/organisations/{world.childcare.pk}/retention/").content.decode()
    assert "36 maanden" in page and "Eigen beleid." in page
    assert AuditEvent.objects.filter(action="retention_rule.updated").exists()


def test_nightly_run_removes_what_is_due_and_keeps_the_chain(world):
    _left(world.child_bso, 30)  # Emma left 2.5 years ago: due (24 months)
    _left(world.child_daycare, 3)  # Noah left recently: not due
    closed = access_request(world)
    RightsRequest.objects.filter(pk=closed.pk).update(
        status="rejected", answer="x", closed_at=timezone.now() - datetime.timedelta(days=800)
    )
    old = incident(world)
    Incident.objects.filter(pk=old.pk).update(status="closed", closed_at=timezone.now() - datetime.timedelta(days=2000))
    today = timezone.localdate()
    due = {
        line.retention.kind: line.due for line in retention_overview(organisation=world.childcare, today=today).lines
    }
    assert due["child_records"] == 1 and due["rights_requests"] == 1 and due["incidents"] == 1
    assert due["guardian_records"] == 0  # Sanne and Mark still have Noah here
    assert due["audit_events"] is None

    run = retention.retention_run(organisation=world.childcare, today=today)

    assert run.removed == {"child_records": 1, "rights_requests": 1, "incidents": 1}
    assert Child.objects.get(pk=world.child_bso.pk).first_name == ANONYMISED
    assert Child.objects.get(pk=world.child_daycare.pk).first_name == "Noah"
    assert not RightsRequest.objects.exists() and not Incident.objects.exists()
    assert PurgeRecord.objects.filter(run=run).count() == 3
    assert verify_chains().ok
    # Nothing left to do the next night; the overview shows what went.
    again = retention.retention_run(organisation=world.childcare, today=today)
    assert again.removed == {}
    overview = retention_overview(organisation=world.childcare, today=today)
    assert overview.due_total == 0 and overview.removed_total == 3 and overview.last_run == again


def test_guardians_go_when_their_last_child_has_gone(world):
    for child in (world.child_bso, world.child_daycare):
        _left(child, 30)
    run = retention.retention_run(organisation=world.childcare)
    assert run.removed["guardian_records"] == 2
    gone = Guardian.objects.filter(organisation=world.childcare, first_name=ANONYMISED, email="", user__isnull=True)
    assert gone.count() == 2 and set(gone.values_list("last_name", flat=True)) == {""}
    assert Guardian.objects.filter(organisation=world.school, first_name="Sanne").exists()  # the school's own record
    assert verify_chains().ok
    assert RetentionRun.objects.count() == 1
