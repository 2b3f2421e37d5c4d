"""E-mail to the directors who must approve a version. Called from a task
(agreements/tasks.py) after the submission committed; the submitting director's own side
counts as approved by the submission itself (agreements/services.py), so the mail goes to
the directors of each party that has not approved yet. No data about any child.

The task comes through the outbox (at least once): each e-mail is claimed first in the
cache (`cache.add`, atomic; shared by every process with CACHE_URL) under the version, its
submission and the recipient, so a redelivered task sends nothing twice."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from agreements import rules
from agreements.choices import AgreementVersionStatus, ApprovalDecision
from agreements.models import AgreementVersion
from ikc_share import selectors as core_selectors
from ikc_share.choices import MembershipRole
from ikc_share.mail import send_templated

logger = logging.getLogger(__name__)
CLAIM_SECONDS = 30 * 24 * 3600


def approval_requested_send(*, version_id: int) -> int:
    """Mail the directors of every party that still has to approve the version (none when
    it is no longer waiting). Returns how many e-mails went out."""
    version = (
        AgreementVersion.objects.select_related("agreement__sending_organisation", "agreement__receiving_organisation")
        .filter(pk=version_id)
        .first()
    )
    if version is None or version.status != AgreementVersionStatus.AWAITING_APPROVAL:
        return 0
    agreement = version.agreement
    decisions = rules.current_decisions(version)
    sent = 0
    for party in (agreement.sending_organisation, agreement.receiving_organisation):
        decision = decisions.get(party.pk)
        if decision is not None and decision.decision == ApprovalDecision.APPROVED:
            continue
        other = (
            agreement.receiving_organisation
            if party.pk == agreement.sending_organisation_id
            else (agreement.sending_organisation)
        )
        directors = (
            core_selectors.memberships()
            .filter(organisation=party, role=MembershipRole.DIRECTOR, is_active=True, user__is_active=True)
            .exclude(user__email="")
            .select_related("user")
            .order_by("pk")
        )
        for m in directors:
            key = f"mail:approval-requested:v{version.pk}:{version.submitted_at.timestamp()}:u{m.user_id}"
            if not cache.add(key, 1, CLAIM_SECONDS):
                continue  # sent before (a redelivered task)
            send_templated(
                to=[m.user.email],
                template="agreement_approval_requested",
                context={
                    "first_name": m.user.first_name,
                    "title": agreement.title,
                    "number": version.number,
                    "organisation": party.name,
                    "other": other.name,
                    "link": settings.SITE_URL + reverse("agreements:agreement-detail", kwargs={"pk": agreement.pk}),
                },
            )
            sent += 1
    logger.info("approval requested for version %s: %s e-mails", version_id, sent)
    return sent
