"""The demo agreements: one active per purpose (BSO ↔ school as two), one draft; idempotent."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from agreements import rules
from agreements.models import Agreement, AgreementVersion, Approval
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent, Child


def test_demo_agreements(db):
    call_command("seed_demo")
    counts = (
        Agreement.objects.count(),
        AgreementVersion.objects.count(),
        Approval.objects.count(),
        AuditEvent.objects.filter(action__startswith="agreement.").count(),
    )
    call_command("seed_demo")
    assert (
        Agreement.objects.count(),
        AgreementVersion.objects.count(),
        Approval.objects.count(),
        AuditEvent.objects.filter(action__startswith="agreement.").count(),
    ) == counts

    active = AgreementVersion.objects.filter(status="active").select_related(
        "agreement__sending_organisation", "agreement__receiving_organisation"
    )
    summary = sorted(
        (v.purpose, v.legal_basis, v.agreement.sending_organisation.kind, v.agreement.receiving_organisation.kind)
        for v in active
    )
    assert summary == [
        ("bso_school", "a", "childcare", "school"),
        ("bso_school", "a", "school", "childcare"),
        ("development_line", "a", "childcare", "school"),
        ("vve_handover", "c", "childcare", "school"),
    ]
    assert AgreementVersion.objects.filter(status="draft").count() == 1
    for version in AgreementVersion.objects.all():
        assert rules.errors(rules.validate_version(rules.spec_from_version(version))) == []

    development = active.get(purpose="development_line")
    assert development.parents_read_first
    assert all(
        code.startswith(("development_", "identification"))
        for code in development.items.values_list("category__code", flat=True)
    )
    vve = active.get(purpose="vve_handover")
    assert set(vve.items.values_list("category__code", flat=True)) == {"vve_programme", "vve_duration"}
    assert "Besluit basisvoorwaarden kwaliteit voorschoolse educatie" in vve.statutory_provision

    # Noah followed Uk & Puk at the daycare: the VVE handover is allowed for the daycare's staff.
    noah = Child.objects.get(first_name="Noah", organisation=vve.agreement.sending_organisation)
    staff = vve.agreement.sending_organisation.memberships.get(user__username="pm.dagopvang").user
    verdict = rules.check_transfer(
        child=noah,
        agreement_version=vve,
        categories=["vve_programme", "vve_duration"],
        at=timezone.now(),
        requester=staff,
        method=rules.METHOD_IN_APP,
    )
    assert verdict.allowed, verdict.reasons
    assert verify_chains().ok
