"""Read queries for rights requests. Imports models only. Scoping to what a user may see
happens in consent/rights_permissions.py first.

An objection request's outcome is its Objection's decision: a request whose objection was
upheld or rejected counts as decided, whatever its own status says (`effective_status`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accountability.deadlines import DeadlineState, deadline_state
from accountability.rights.models import RightsRequest, RightsRequestStep
from consent.models import Objection
from ikc_share.models import Child, Guardian, Organisation

OPEN = RightsRequest.OPEN_STATUSES


def _open_q() -> Q:
    return Q(status__in=OPEN) & (Q(objection__isnull=True) | Q(objection__status=Objection.Status.PENDING))


def effective_status(request: RightsRequest) -> str:
    if request.kind == RightsRequest.Kind.OBJECTION and request.objection_id and request.objection:
        if request.objection.status == Objection.Status.UPHELD:
            return RightsRequest.Status.FULFILLED
        if request.objection.status == Objection.Status.REJECTED:
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
