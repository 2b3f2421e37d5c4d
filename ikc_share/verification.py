"""Running the audit verifier and alerting privacy officers when a chain is broken."""

from __future__ import annotations

from django.utils import timezone

from ikc_share import mail, selectors
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditVerification


def verification_run(*, trigger: str = "manual", verification_id: int | None = None) -> AuditVerification:
    run = (
        AuditVerification.objects.get(pk=verification_id)
        if verification_id
        else AuditVerification.objects.create(trigger=trigger)
    )
    result = verify_chains()
    run.finished_at = timezone.now()
    run.ok = result.ok
    run.events = result.events
    run.chains = result.chains
    run.report = "\n".join(str(p) for p in result.first_per_chain())
    run.save()
    if not result.ok:
        broken_orgs = {p.chain.removeprefix("org-") for p in result.problems if p.chain.startswith("org-")}
        emails = selectors.privacy_officer_emails(organisation_ids=broken_orgs)
        if emails:
            mail.send_templated(to=emails, template="audit_chain_broken", context={"run": run})
    return run
