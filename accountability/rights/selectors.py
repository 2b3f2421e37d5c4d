"""Read queries for rights requests: this package's models, and the lower apps' rows through
their selectors. Scoping to what a user may see happens in accountability/rights/permissions.py
first.

An objection request's outcome is its Objection's decision: a request whose objection was
upheld or rejected counts as decided, whatever its own status says (`effective_status`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from accountability.deadlines import DeadlineState, deadline_state
from accountability.rights.models import RightsRequest, RightsRequestStep
from agreements import selectors as agreement_selectors
from agreements.choices import AgreementVersionStatus
from agreements.rules import bases
from consent.choices import ObjectionStatus
from ikc_share import selectors as core_selectors
from ikc_share.choices import MembershipRole

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian, Organisation

OPEN = RightsRequest.OPEN_STATUSES


def _open_q() -> Q:
    return Q(status__in=OPEN) & (Q(objection__isnull=True) | Q(objection__status=ObjectionStatus.PENDING))


def effective_status(request: RightsRequest) -> str:
    if request.kind == RightsRequest.Kind.OBJECTION and request.objection_id and request.objection:
        if request.objection.status == ObjectionStatus.UPHELD:
            return RightsRequest.Status.FULFILLED
        if request.objection.status == ObjectionStatus.REJECTED:
            return RightsRequest.Status.REJECTED
    return request.status


def is_open(request: RightsRequest) -> bool:
    return effective_status(request) in OPEN


def _base() -> QuerySet[RightsRequest]:
    return RightsRequest.objects.select_related("child", "guardian", "assignee", "objection__version__agreement")


@dataclass
class RequestRow:
    request: RightsRequest
    status: str
    deadline: DeadlineState | None  # None when decided

    @property
    def status_label(self) -> str:
        return str(RightsRequest.Status(self.status).label)


def _rows(requests, today: datetime.date) -> list[RequestRow]:
    rows = []
    for r in requests:
        status = effective_status(r)
        rows.append(
            RequestRow(request=r, status=status, deadline=deadline_state(r.due_on, today) if status in OPEN else None)
        )
    return rows


def open_requests(*, organisation: Organisation, today: datetime.date) -> list[RequestRow]:
    """Open requests, nearest deadline first: one query."""
    return _rows(_base().filter(_open_q(), organisation=organisation).order_by("due_on", "pk"), today)


def requests_for_organisation(
    *, organisation: Organisation, today: datetime.date, state: str = "open", limit: int = 200
) -> list[RequestRow]:
    qs = _base().filter(organisation=organisation)
    if state == "open":
        qs = qs.filter(_open_q()).order_by("due_on", "pk")
    else:
        qs = qs.exclude(_open_q()).order_by("-updated_at", "-pk")
    return _rows(qs[:limit], today)


def requests_for_parent(*, user, today: datetime.date) -> list[RequestRow]:
    """The signed-in parent's own requests (filed by them or recorded for them by staff)."""
    if not user.is_authenticated:
        return []
    return _rows(_base().filter(guardian__user=user).order_by("-created_at", "-pk"), today)


def requests_about(*, child: Child, guardian: Guardian | None = None) -> QuerySet[RightsRequest]:
    qs = _base().filter(child=child)
    if guardian is not None:
        qs = qs.filter(guardian=guardian)
    return qs.order_by("created_at", "pk")


def steps_of(request: RightsRequest) -> QuerySet[RightsRequestStep]:
    return request.steps.select_related("actor").order_by("at", "pk")


def due_for_reminder(*, today: datetime.date, horizon_days: int = 7) -> QuerySet[RightsRequest]:
    return (
        _base()
        .filter(_open_q(), due_on__lte=today + datetime.timedelta(days=horizon_days))
        .select_related("organisation")
        .order_by("due_on", "pk")
    )


def closed_before(*, organisation: Organisation, cutoff: datetime.datetime) -> QuerySet[RightsRequest]:
    """Requests decided before `cutoff` (an objection request: when its objection was decided)."""
    return RightsRequest.objects.filter(organisation=organisation).filter(
        Q(closed_at__lt=cutoff) | Q(kind=RightsRequest.Kind.OBJECTION, objection__decided_at__lt=cutoff)
    )


# --- What the request forms offer -------------------------------------------------------------


def objection_versions(*, organisation_ids) -> list[tuple[int, str]]:
    """(pk, label) of the active versions these organisations send under a basis that
    allows objection (art. 21), by agreement title: one query."""
    versions = (
        agreement_selectors.agreement_versions()
        .filter(
            status=AgreementVersionStatus.ACTIVE,
            agreement__sending_organisation_id__in=list(organisation_ids),
            legal_basis__in=bases.objection_bases(),
        )
        .select_related("agreement")
        .order_by("agreement__title")
    )
    return [(v.pk, v.label) for v in versions]


def version_or_none(*, pk: int | None) -> AgreementVersion | None:
    """The version a request objects to, with its sender (None when none was chosen)."""
    if pk is None:
        return None
    return (
        agreement_selectors.agreement_versions().select_related("agreement__sending_organisation").filter(pk=pk).first()
    )


def guardians_of_child(*, child: Child, organisation: Organisation) -> dict[int, Guardian]:
    """The child's guardians on the organisation's own records, by id."""
    ships = (
        core_selectors.guardianships()
        .filter(child=child, guardian__organisation=organisation)
        .select_related("guardian")
    )
    return {s.guardian.pk: s.guardian for s in ships}


def handler_choices(*, organisation: Organisation) -> list[tuple[int, str]]:
    """(user id, name) of those who may handle the organisation's requests: its directors
    and the staff members marked as privacy contact."""
    members = (
        core_selectors.memberships()
        .filter(organisation=organisation, is_active=True)
        .filter(Q(role=MembershipRole.DIRECTOR) | Q(role=MembershipRole.STAFF, is_privacy_contact=True))
        .select_related("user")
        .order_by("user__last_name")
    )
    return [(m.user_id, m.user.get_full_name() or m.user.get_username()) for m in members]


def member_user(*, organisation: Organisation, user_id: int):
    """The login of the organisation's member `user_id` (the form offered members only)."""
    return core_selectors.memberships().get(organisation=organisation, user_id=user_id).user
