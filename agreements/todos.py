"""The agreements' part of the home page's to-do list (registered in AgreementsConfig.ready):
for a director, each version that waits for their organisation's approval, and each draft
the other organisation sent back. Two queries (the versions with their approvals)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements import rules
from agreements.choices import AgreementVersionStatus, ApprovalDecision
from agreements.models import AgreementVersion
from ikc_share.choices import MembershipRole
from ikc_share.todos import Todo


def agreement_todos(*, user, memberships) -> list[Todo]:
    directed = {m.organisation_id: m.organisation for m in memberships if m.role == MembershipRole.DIRECTOR}
    if not directed:
        return []
    versions = (
        AgreementVersion.objects.filter(
            Q(agreement__sending_organisation_id__in=directed) | Q(agreement__receiving_organisation_id__in=directed),
            status__in=(AgreementVersionStatus.AWAITING_APPROVAL, AgreementVersionStatus.DRAFT),
            submitted_at__isnull=False,
            agreement__ended_at__isnull=True,
        )
        .select_related("agreement")
        .prefetch_related("approvals")
        .order_by("submitted_at", "pk")
    )
    out = []
    for version in versions:
        agreement = version.agreement
        url = reverse("agreements:agreement-detail", kwargs={"pk": agreement.pk})
        decisions = rules.current_decisions(version)
        parties = (agreement.sending_organisation_id, agreement.receiving_organisation_id)
        for org_id in (pk for pk in parties if pk in directed):
            decision = decisions.get(org_id)
            values = {"title": agreement.title, "number": version.number}
            if version.status == AgreementVersionStatus.AWAITING_APPROVAL:
                if decision is None or decision.decision != ApprovalDecision.APPROVED:
                    text = _("‘%(title)s’ versie %(number)s wacht op uw goedkeuring") % values
                    out.append(Todo(text=text, url=url, organisation=directed[org_id].name, order=10))
            else:  # a draft the other side sent back
                returners = {pk for pk, d in decisions.items() if d.decision == ApprovalDecision.RETURNED}
                if returners and org_id not in returners:
                    text = _("‘%(title)s’ versie %(number)s is teruggestuurd: pas het concept aan") % values
                    out.append(Todo(text=text, url=url, organisation=directed[org_id].name, order=20))
    return out
