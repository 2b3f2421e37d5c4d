"""Read queries of the accountability pages, scoped by the caller (views fetch the
organisation through permissions.py first). Built to stay fast at a million audit events:

- the audit browser filters on indexed columns only (organisation with id, action, actor,
  or one of the search keys child/guardian/version/agreement/transfer; a period becomes an
  id range through the (organisation, at) index) and pages with a keyset cursor on id,
  newest first: page 500 costs what page 1 costs, no OFFSET;
- the dashboard runs a fixed number of queries whatever the number of children, events
  or requests (aggregates in SQL, bulk rule evaluation in Python).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language

from accountability import sentences, transfer_facts
from accountability.anonymise import ANONYMISED
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
from agreements.models import Agreement, AgreementVersion, LegalBasis
from agreements.rules.consent import (
    CONFLICT,
    GIVEN,
    NO_ANSWER,
    NOT_NEEDED,
    REFUSED,
    WITHDRAWN,
    consent_states_for_pairs,
)
from consent import selectors as consent_selectors
from consent.models import ConsentDecision, Objection
from ikc_share.audit import chain_for
from ikc_share.models import (
    AuditChainHead,
    AuditEvent,
    AuditVerification,
    Child,
    Guardian,
    Guardianship,
    Membership,
    Organisation,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PAGE_SIZE = 50
User = get_user_model()


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=AMSTERDAM)


# --- Audit browser ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditQuery:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None  # inclusive
    actor_id: int | None = None
    action: str = ""  # a group ("consent") or one action ("consent.decided")
    child_id: int | None = None
    agreement_id: int | None = None
    transfer_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return self == AuditQuery()


def _period_ids(organisation: Organisation, query: AuditQuery) -> tuple[int | None, int | None]:
    """The period as an id range (events are appended under the chain lock, so ids grow with
    time within an organisation): two lookups on the (organisation, at, id) index."""
    low = high = None
    events = AuditEvent.objects.filter(organisation=organisation)
    if query.date_from:
        low = (
            events.filter(at__gte=start_of_day(query.date_from))
            .order_by("at", "id")
            .values_list("id", flat=True)
            .first()
        )
        if low is None:
            return 0, 0  # nothing that recent: an empty range
    if query.date_to:
        end = start_of_day(query.date_to + datetime.timedelta(days=1))
        high = events.filter(at__lt=end).order_by("-at", "-id").values_list("id", flat=True).first()
        if high is None:
            return 0, 0
    return low, high


def audit_events(*, organisation: Organisation, query: AuditQuery) -> QuerySet[AuditEvent]:
    """The filtered events of the organisation (unordered)."""
    qs = AuditEvent.objects.filter(organisation=organisation)
    if query.date_from or query.date_to:
        low, high = _period_ids(organisation, query)
        if low == high == 0:
            return qs.none()
        if low is not None:
            qs = qs.filter(id__gte=low, at__gte=start_of_day(query.date_from))
        if high is not None:
            qs = qs.filter(id__lte=high, at__lt=start_of_day(query.date_to + datetime.timedelta(days=1)))
    if query.actor_id is not None:
        qs = qs.filter(actor_id=query.actor_id)
    if query.action:
        if "." in query.action:
            qs = qs.filter(action=query.action)
        else:
            qs = qs.filter(action__in=sentences.actions_in_group(query.action))
    if query.child_id is not None:
        qs = qs.filter(child_ref=query.child_id)
    if query.agreement_id is not None:
        versions = list(AgreementVersion.objects.filter(agreement_id=query.agreement_id).values_list("pk", flat=True))
        qs = qs.filter(Q(agreement_ref=query.agreement_id) | Q(version_ref__in=versions))
    if query.transfer_id is not None:
        qs = qs.filter(transfer_ref=query.transfer_id)
    return qs


@dataclass
class AuditPage:
    events: list[AuditEvent]
    older: int | None  # keyset cursor: show events with a smaller id
    newer: int | None  # keyset cursor: show events with a larger id
    first: bool


def audit_page(
    *,
    organisation: Organisation,
    query: AuditQuery,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> AuditPage:
    """One page, newest first, each event with `.sentence` and `.actor_name`."""
    qs = audit_events(organisation=organisation, query=query)
    if after is not None:
        rows = list(qs.filter(id__gt=after).order_by("id")[: size + 1])
        more_newer = len(rows) > size
        events = list(reversed(rows[:size]))
        older = events[-1].id if events else None
        newer = events[0].id if events and more_newer else None
        first = not more_newer
    else:
        if before is not None:
            qs = qs.filter(id__lt=before)
        rows = list(qs.order_by("-id")[: size + 1])
        events = rows[:size]
        older = events[-1].id if len(rows) > size and events else None
        newer = events[0].id if before is not None and events else None
        first = before is None
    sentences.describe(events, organisation=organisation)
    return AuditPage(events=events, older=older, newer=newer, first=first)


CSV_COLUMNS = [
    "id", "seq", "at", "actor_id", "actor", "action", "target_type", "target_id", "payload", "prev_hash", "hash",
]  # fmt: skip


def audit_csv_queryset(*, organisation: Organisation, query: AuditQuery) -> QuerySet:
    """The filtered set as plain values (the actor's name joined in SQL), oldest first."""
    return (
        audit_events(organisation=organisation, query=query)
        .order_by("id")
        .values_list(
            "id", "seq", "at", "actor_id", "action", "target_type", "target_id", "payload", "prev_hash", "hash"
        )
    )


def filter_choices(*, organisation: Organisation, head: str | None = None) -> dict[str, list[tuple]]:
    """Choices for the filter form: members (as actors), the organisation's children,
    the agreements it is party to. Three queries, cached while the organisation's audit
    chain stands (members, children and agreements change only with an audited event)."""
    return while_chain_stands(
        organisation,
        "filter-choices",
        lambda: _filter_choices(organisation=organisation),
        parts=[get_language()],
        head=head,
    )


def _filter_choices(*, organisation: Organisation) -> dict[str, list[tuple]]:
    members = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    children = (
        Child.objects.filter(organisation=organisation)
        .exclude(first_name=ANONYMISED)
        .order_by("first_name", "last_name")
    )
    agreements = Agreement.objects.filter(
        Q(sending_organisation=organisation) | Q(receiving_organisation=organisation)
    ).order_by("title")
    return {
        "actors": [(m.user_id, m.user.get_full_name() or m.user.get_username()) for m in members],
        "children": [
            (c.pk, f"{c.full_name} ({c.date_of_birth:%d-%m-%Y})")
            for c in children.only("pk", "first_name", "name_prefix", "last_name", "date_of_birth")
        ],
        "agreements": [(a.pk, a.title) for a in agreements.only("pk", "title")],
    }


# --- Chain state --------------------------------------------------------------------------------


@dataclass
class ChainState:
    at: datetime.datetime | None
    ok: bool | None
    source: str  # nightly | manual | command | job
    report: str = ""
    events: int = 0
    head_seq: int = 0


def chain_state(*, organisation: Organisation, head_seq: int | None = None) -> ChainState:
    """The latest finished verification that covered this organisation's chain: the
    privacy officer's own job or the nightly run of all chains. Three queries (two when
    the caller read the chain head already)."""
    chain = chain_for(organisation)
    head = head_seq
    if head is None:
        head = AuditChainHead.objects.filter(chain=chain).values_list("seq", flat=True).first() or 0
    job = (
        VerificationJob.objects.filter(organisation=organisation, status=VerificationJob.Status.DONE)
        .order_by("-finished_at")
        .first()
    )
    run = AuditVerification.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    state = ChainState(at=None, ok=None, source="", head_seq=head)
    if run is not None:
        lines = [line for line in run.report.splitlines() if line.startswith(f"chain {chain},")]
        state = ChainState(
            at=run.finished_at,
            ok=not lines,
            source=run.trigger,
            report="\n".join(lines),
            events=run.events,
            head_seq=head,
        )
    if job is not None and (state.at is None or job.finished_at >= state.at):
        state = ChainState(
            at=job.finished_at, ok=job.ok, source="job", report=job.report, events=job.events, head_seq=head
        )
    return state


# --- Dashboard ----------------------------------------------------------------------------------

BAR = ["given", "refused", "withdrawn", "open"]  # the bar's segments, in order


@dataclass
class BarSegment:
    css: str
    x: float
    width: float
    count: int


@dataclass
class CoverageRow:
    version: AgreementVersion
    is_consent: bool
    counts: dict[str, int]
    total: int
    segments: list[BarSegment] = field(default_factory=list)


def _segments(counts: dict[str, int], total: int) -> list[BarSegment]:
    segments, x = [], 0.0
    for css in BAR:
        n = counts.get(css, 0)
        if not n or not total:
            continue
        width = round(100.0 * n / total, 2)
        segments.append(BarSegment(css=css, x=round(x, 2), width=width, count=n))
        x += width
    return segments


# Figures that take many rows to count are cached under a key that holds the organisation's
# audit chain head: every change they depend on (a child or guardian imported or leaving, a
# decision, a withdrawal, a notice, a version activated or ended, a rights request, a
# retention rule or run, a member added) writes an event in this chain in the same
# transaction, so a new event means a new key and a fresh count. The day is in the key too
# (deadlines and retention dates move with it). A change that wrote no event could not be
# missed for longer than the timeout. Reloading the dashboard or paging the audit browser
# then does not count 2,500 (child, version) pairs or list 250 children again.
CHAIN_CACHE_SECONDS = 300


def chain_head(organisation: Organisation) -> tuple[int, str]:
    """(seq, hash) of the organisation's audit chain head; (0, "-") before its first event."""
    head = AuditChainHead.objects.filter(chain=chain_for(organisation)).values_list("seq", "hash").first()
    return head or (0, "-")


def chain_head_hash(organisation: Organisation) -> str:
    return chain_head(organisation)[1]


def while_chain_stands(organisation: Organisation, name: str, compute, *, parts=(), head: str | None = None):
    """compute(), or its result from the cache while the organisation's chain head (and the
    parts) are the same."""
    if head is None:
        head = chain_head_hash(organisation)
    key_text = "|".join([name, str(organisation.pk), head, *map(str, parts)])
    key = f"chain-cache:v1:{hashlib.sha256(key_text.encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CHAIN_CACHE_SECONDS)
    return value


def _coverage_counts(
    organisation: Organisation, versions: list[AgreementVersion], at: datetime.datetime
) -> dict[int, tuple[dict[str, int], int]]:
    children = list(Child.objects.filter(organisation=organisation, left_on__isnull=True).only("pk", "organisation_id"))
    consent_versions = [v for v in versions if v.legal_basis == LegalBasis.CONSENT]
    states = consent_states_for_pairs(pairs=[(child, v) for v in consent_versions for child in children], at=at)
    out = {}
    for version in versions:
        counts = {"given": 0, "refused": 0, "withdrawn": 0, "open": 0, "not_needed": 0}
        if version.legal_basis == LegalBasis.CONSENT:
            tally = Counter(states[child.pk, version.pk] for child in children)
            counts["given"] = tally[GIVEN]
            counts["refused"] = tally[REFUSED] + tally[CONFLICT]
            counts["withdrawn"] = tally[WITHDRAWN]
            counts["open"] = tally[NO_ANSWER]
            counts["not_needed"] = tally[NOT_NEEDED]
        out[version.pk] = (counts, len(children))
    return out


def coverage(*, organisation: Organisation, at: datetime.datetime, head: str | None = None) -> list[CoverageRow]:
    """Per active agreement version the organisation SENDS under: how many of its current
    children have consent given, refused (or the parents disagree), withdrawn, or no answer
    yet. The same rules as check_transfer (agreements/rules_consent.py), for every (child,
    version) pair at once: a fixed number of queries whatever the number of children and
    agreements; cached while the organisation's audit chain stands (see above)."""
    versions = list(consent_selectors.active_versions_sent_by(organisation.pk))
    if not versions:
        return []
    counts_by_version = while_chain_stands(
        organisation,
        "coverage",
        lambda: _coverage_counts(organisation, versions, at),
        parts=[timezone.localdate(at).isoformat()]
        + [f"{v.pk}:{v.legal_basis}:{v.guardian_policy}:{v.consent_per_category}" for v in versions],
        head=head,
    )
    rows = []
    for version in versions:
        counts, total = counts_by_version[version.pk]
        rows.append(
            CoverageRow(
                version=version,
                is_consent=version.legal_basis == LegalBasis.CONSENT,
                counts=counts,
                total=total,
                segments=_segments(counts, total),
            )
        )
    return rows


def received_versions(*, organisation: Organisation) -> list[AgreementVersion]:
    return list(
        AgreementVersion.objects.filter(
            agreement__receiving_organisation=organisation, status=AgreementVersion.Status.ACTIVE
        )
        .select_related("agreement__sending_organisation")
        .order_by("agreement__title")
    )


def month_start(today: datetime.date) -> datetime.datetime:
    return start_of_day(today.replace(day=1))


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
    return Child.objects.filter(organisation=organisation, left_on__lt=_cutoff(today, months)).exclude(
        first_name=ANONYMISED
    )


def guardians_due(*, organisation: Organisation, today: datetime.date, months: int) -> QuerySet[Guardian]:
    """Guardians none of whose children is still here or left after the cut-off."""
    cutoff = _cutoff(today, months)
    recent = Guardianship.objects.filter(guardian=OuterRef("pk")).filter(
        Q(child__left_on__isnull=True) | Q(child__left_on__gte=cutoff)
    )
    # Guardians with any child, as one set of the organisation's own guardianships (through
    # the guardian's organisation index): an EXISTS per guardian inside the OR below made
    # PostgreSQL hash every guardianship of every organisation (28 ms at 45,000, now ~2 ms).
    with_children = Guardianship.objects.filter(guardian__organisation=organisation).values("guardian_id")
    return (
        Guardian.objects.filter(organisation=organisation)
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
        ConsentDecision.objects.filter(child__organisation=organisation, child__left_on__lt=_cutoff(today, months))
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
    due = {
        Kind.CHILD_RECORDS: children_due(
            organisation=organisation, today=today, months=schedule[Kind.CHILD_RECORDS].months
        ).count(),
        Kind.GUARDIAN_RECORDS: guardians_due(
            organisation=organisation, today=today, months=schedule[Kind.GUARDIAN_RECORDS].months
        ).count(),
        Kind.CONSENT_EVIDENCE: scans_due(
            organisation=organisation, today=today, months=schedule[Kind.CONSENT_EVIDENCE].months
        ).count(),
        Kind.RECEIVED_TRANSFERS: transfer_facts.received_due(organisation=organisation, today=today),
        Kind.RIGHTS_REQUESTS: requests_due(
            organisation=organisation, today=today, months=schedule[Kind.RIGHTS_REQUESTS].months
        ).count(),
        Kind.INCIDENTS: incidents_due(
            organisation=organisation, today=today, months=schedule[Kind.INCIDENTS].months
        ).count(),
        Kind.AUDIT_EVENTS: None,
    }
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


# --- The dashboard ------------------------------------------------------------------------------


@dataclass
class Dashboard:
    coverage: list[CoverageRow]
    received: list[AgreementVersion]
    transfers: list[transfer_facts.MonthRow]
    requests: list[rights_selectors.RequestRow]
    objections: list[Objection]
    retention: RetentionOverview
    chain: ChainState
    incidents: list[Incident]
    notices: list[IncidentNotice]
    advice: list[AdviceNote]


def dashboard(*, organisation: Organisation, user, now: datetime.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    today = timezone.localdate(now)
    head_seq, head = chain_head(organisation)
    return Dashboard(
        coverage=coverage(organisation=organisation, at=now, head=head),
        received=while_chain_stands(  # agreement events are written in both parties' chains
            organisation,
            "received-versions",
            lambda: received_versions(organisation=organisation),
            parts=[today.isoformat()],
            head=head,
        ),
        transfers=transfer_facts.monthly_by_agreement(organisation=organisation, since=month_start(today)),
        requests=while_chain_stands(  # requests and the objections behind them are audited
            organisation,
            "open-requests",
            lambda: rights_selectors.open_requests(organisation=organisation, today=today),
            parts=[today.isoformat()],
            head=head,
        ),
        objections=list(consent_selectors.pending_objections(organisation_id=organisation.pk)),
        retention=retention_overview(organisation=organisation, today=today, head=head),
        chain=chain_state(organisation=organisation, head_seq=head_seq),
        incidents=list(incidents(organisation=organisation, state="open")[:20]),
        notices=incident_notices(organisation=organisation, user=user),
        advice=recent_advice(organisation=organisation),
    )
