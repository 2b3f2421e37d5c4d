"""Read queries of the accountability pages, scoped by the caller (views fetch the
organisation through permissions.py first): what the retention schedule finds due, the
incident register, the privacy officer's advice notes and the audit jobs. The audit
browser's queries are in audit_browser.py, the dashboard's in dashboard.py, the audit
chain's head and cache in chain.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from accountability import transfer_facts
from accountability.anonymise import ANONYMISED
from accountability.chain import start_of_day, while_chain_stands
from accountability.deadlines import sub_months
from accountability.models import (
    AdviceNote,
    AuditReport,
    Incident,
    IncidentNotice,
    PurgeRecord,
    RetentionRule,
    RetentionRun,
    VerificationJob,
)
from accountability.rights import selectors as rights_selectors
from accountability.rights.models import RightsRequest
from accountability.schedule import Kind, Retention, schedule_for
from consent import selectors as consent_selectors
from ikc_share import selectors as core_selectors

if TYPE_CHECKING:
    from consent.models import ConsentDecision
    from ikc_share.models import Child, Guardian, Organisation


@dataclass
class RetentionLine:
    retention: Retention
    due: int | None  # None: not carried out here (see the schedule)
    removed_recently: int = 0


@dataclass
class RetentionOverview:
    lines: list[RetentionLine]
    last_run: RetentionRun | None
    recent: list[PurgeRecord]

    @property
    def due_total(self) -> int:
        return sum(line.due or 0 for line in self.lines)

    @property
    def removed_total(self) -> int:
        return sum(line.removed_recently for line in self.lines)


def retention_schedule(*, organisation: Organisation) -> dict[str, Retention]:
    return schedule_for(list(RetentionRule.objects.filter(organisation=organisation)))


def _cutoff(today: datetime.date, months: int) -> datetime.date:
    return sub_months(today, months)


def children_due(*, organisation: Organisation, today: datetime.date, months: int) -> QuerySet[Child]:
    return (
        core_selectors.children_of(organisation=organisation)
        .filter(left_on__lt=_cutoff(today, months))
        .exclude(first_name=ANONYMISED)
    )


def guardians_due(*, organisation: Organisation, today: datetime.date, months: int) -> QuerySet[Guardian]:
    """Guardians none of whose children is still here or left after the cut-off."""
    cutoff = _cutoff(today, months)
    recent = (
        core_selectors.guardianships()
        .filter(guardian=OuterRef("pk"))
        .filter(Q(child__left_on__isnull=True) | Q(child__left_on__gte=cutoff))
    )
    # Guardians with any child, as one set of the organisation's own guardianships (through
    # the guardian's organisation index): an EXISTS per guardian inside the OR below made
    # PostgreSQL hash every guardianship of every organisation (28 ms at 45,000, now ~2 ms).
    with_children = core_selectors.guardianships().filter(guardian__organisation=organisation).values("guardian_id")
    return (
        core_selectors.guardians_of(organisation=organisation)
        .exclude(first_name=ANONYMISED, user__isnull=True)
        .filter(~Exists(recent))
        .filter(Q(pk__in=with_children) | Q(created_at__lt=start_of_day(cutoff)))
    )


def scans_due(*, organisation: Organisation, today: datetime.date, months: int) -> QuerySet[ConsentDecision]:
    """Scans of paper consent forms of children who left before the cut-off, not yet removed."""
    done = PurgeRecord.objects.filter(
        organisation=organisation,
        kind=Kind.CONSENT_EVIDENCE,
        object_type="consent.consentdecision",
        object_id=OuterRef("pk_text"),
    )
    return (
        consent_selectors.consent_decisions()
        .filter(child__organisation=organisation, child__left_on__lt=_cutoff(today, months))
        .exclude(scan="")
        .annotate(pk_text=Cast("pk", output_field=CharField()))
        .filter(~Exists(done))
    )


def requests_due(*, organisation: Organisation, today: datetime.date, months: int) -> QuerySet[RightsRequest]:
    return rights_selectors.closed_before(organisation=organisation, cutoff=start_of_day(_cutoff(today, months)))


def incidents_due(*, organisation: Organisation, today: datetime.date, months: int) -> QuerySet[Incident]:
    return Incident.objects.filter(
        organisation=organisation, status=Incident.Status.CLOSED, closed_at__lt=start_of_day(_cutoff(today, months))
    )


# What each kind's rule finds due under its period (a received copy carries its own
# retention deadline: transfer_facts.received_due; audit events are not removed here).
DUE_BY_KIND = {
    Kind.CHILD_RECORDS: children_due,
    Kind.GUARDIAN_RECORDS: guardians_due,
    Kind.CONSENT_EVIDENCE: scans_due,
    Kind.RIGHTS_REQUESTS: requests_due,
    Kind.INCIDENTS: incidents_due,
}


def retention_overview(
    *, organisation: Organisation, today: datetime.date, recent_days: int = 30, head: str | None = None
) -> RetentionOverview:
    """What is due now under each rule and what was removed lately: a fixed number of
    count queries (one per kind) plus the last run and the latest removals; cached while
    the organisation's audit chain stands (retention rules and runs are audited)."""
    return while_chain_stands(
        organisation,
        "retention",
        lambda: _retention_overview(organisation=organisation, today=today, recent_days=recent_days),
        parts=[today.isoformat(), recent_days],
        head=head,
    )


def _retention_overview(*, organisation: Organisation, today: datetime.date, recent_days: int) -> RetentionOverview:
    schedule = retention_schedule(organisation=organisation)
    since = start_of_day(today - datetime.timedelta(days=recent_days))
    removed = dict(
        PurgeRecord.objects.filter(organisation=organisation, removed_at__gte=since)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    removed[Kind.RECEIVED_TRANSFERS] = removed.get(Kind.RECEIVED_TRANSFERS, 0) + transfer_facts.received_removed(
        organisation=organisation, since=since
    )
    due: dict[str, int | None] = {
        kind: query(organisation=organisation, today=today, months=schedule[kind].months).count()
        for kind, query in DUE_BY_KIND.items()
    }
    due[Kind.RECEIVED_TRANSFERS] = transfer_facts.received_due(organisation=organisation, today=today)
    due[Kind.AUDIT_EVENTS] = None  # not carried out here (see the schedule)
    lines = [
        RetentionLine(retention=r, due=due[kind], removed_recently=removed.get(kind, 0)) for kind, r in schedule.items()
    ]
    return RetentionOverview(
        lines=lines,
        last_run=RetentionRun.objects.filter(organisation=organisation, finished_at__isnull=False).first(),
        recent=list(PurgeRecord.objects.filter(organisation=organisation).order_by("-removed_at", "-pk")[:50]),
    )


# --- Incidents and advice -----------------------------------------------------------------------


def incidents(*, organisation: Organisation, state: str = "open") -> QuerySet[Incident]:
    qs = Incident.objects.filter(organisation=organisation).select_related("recorded_by")
    if state == "open":
        qs = qs.filter(status=Incident.Status.OPEN)
    elif state == "closed":
        qs = qs.filter(status=Incident.Status.CLOSED)
    return qs.annotate(n_children=Count("children")).order_by("-discovered_at", "-pk")


def incident_notices(*, organisation: Organisation, user) -> list[IncidentNotice]:
    return list(
        IncidentNotice.objects.filter(organisation=organisation, recipient=user)
        .select_related("incident__organisation")
        .order_by("-created_at")[:20]
    )


def advice_for(*, organisation: Organisation, subject: str, subject_id: int | None = None) -> list[AdviceNote]:
    qs = AdviceNote.objects.filter(organisation=organisation, subject=subject).select_related("author")
    if subject_id is not None:
        qs = qs.filter(subject_id=subject_id)
    return list(qs.order_by("-created_at", "-pk"))


def recent_advice(*, organisation: Organisation, limit: int = 5) -> list[AdviceNote]:
    return list(
        AdviceNote.objects.filter(organisation=organisation).select_related("author").order_by("-created_at")[:limit]
    )


# --- Jobs ---------------------------------------------------------------------------------------


def latest_reports(*, organisation: Organisation, limit: int = 5) -> list[AuditReport]:
    return list(AuditReport.objects.filter(organisation=organisation).order_by("-created_at", "-pk")[:limit])


def running_verification(*, organisation: Organisation) -> VerificationJob | None:
    return (
        VerificationJob.objects.filter(
            organisation=organisation, status__in=[VerificationJob.Status.QUEUED, VerificationJob.Status.RUNNING]
        )
        .order_by("-created_at")
        .first()
    )
