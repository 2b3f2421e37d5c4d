"""Approvals: both organisations' directors approve a version before it is active. What
counts is each side's latest decision in the current round."""

from __future__ import annotations

import datetime

from agreements.choices import ApprovalDecision
from agreements.models import AgreementVersion, Approval
from agreements.rules.specs import prefetched


def current_decisions(version: AgreementVersion) -> dict[int, Approval]:
    """Each side's latest decision in the current round (since the version was last
    submitted). A return sends the version back to draft; after it is submitted again,
    both sides decide again on what may have changed."""
    if version.submitted_at is None:
        return {}
    decisions: dict[int, Approval] = {}
    approvals = prefetched(version, "approvals")
    if approvals is None:
        approvals = version.approvals.filter(decided_at__gte=version.submitted_at).order_by("decided_at", "pk")
    else:
        approvals = sorted(
            (a for a in approvals if a.decided_at >= version.submitted_at), key=lambda a: (a.decided_at, a.pk)
        )
    for approval in approvals:
        decisions[approval.organisation_id] = approval
    return decisions


def approved_by_both(version: AgreementVersion, *, at: datetime.datetime | None = None) -> bool:
    """Both organisations approved this version in the current round (by `at`, when given)."""
    agreement = version.agreement
    decisions = current_decisions(version)
    for org_id in (agreement.sending_organisation_id, agreement.receiving_organisation_id):
        decision = decisions.get(org_id)
        if decision is None or decision.decision != ApprovalDecision.APPROVED:
            return False
        if at is not None and decision.decided_at > at:
            return False
    return True
