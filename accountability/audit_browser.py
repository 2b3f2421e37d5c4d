"""The audit browser's queries, built to stay fast at a million audit events: filters on
indexed columns only (organisation with id, action, actor, or one of the search keys
child/guardian/version/agreement/transfer; a period becomes an id range through the
(organisation, at) index) and pages with a keyset cursor on id, newest first: page 500
costs what page 1 costs, no OFFSET."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import get_language

from accountability import sentences
from accountability.anonymise import ANONYMISED
from accountability.audit_names import action_label
from accountability.chain import start_of_day, while_chain_stands
from agreements import selectors as agreement_selectors
from ikc_share import selectors as core_selectors

if TYPE_CHECKING:
    from ikc_share.models import AuditEvent, Organisation

PAGE_SIZE = 50


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
    events = core_selectors.audit_events().filter(organisation=organisation)
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
    qs = core_selectors.audit_events().filter(organisation=organisation)
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
        versions = list(
            agreement_selectors.agreement_versions()
            .filter(agreement_id=query.agreement_id)
            .values_list("pk", flat=True)
        )
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
    for e in events:  # the event type in words (the CSV export keeps the code)
        e.kind = action_label(e.action, sentences.GROUPS.get(sentences.group_of(e.action)))
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
        core_selectors.memberships()
        .filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    children = (
        core_selectors.children_of(organisation=organisation)
        .exclude(first_name=ANONYMISED)
        .order_by("first_name", "last_name")
    )
    agreements = (
        agreement_selectors.agreements()
        .filter(Q(sending_organisation=organisation) | Q(receiving_organisation=organisation))
        .order_by("title")
    )
    return {
        "actors": [(m.user_id, m.user.get_full_name() or m.user.get_username()) for m in members],
        "children": [
            (c.pk, f"{c.full_name} ({date_format(c.date_of_birth, 'j F Y')})")
            for c in children.only("pk", "first_name", "name_prefix", "last_name", "date_of_birth")
        ],
        "agreements": [(a.pk, a.title) for a in agreements.only("pk", "title")],
    }
