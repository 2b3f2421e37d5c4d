"""The privacy officer's dashboard: consent coverage per agreement version sent, the
versions received, transfers this month, open rights requests and objections, retention,
the chain state, incidents and advice. A fixed number of queries whatever the number of
children, events or requests (aggregates in SQL, bulk rule evaluation in Python)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from accountability import transfer_facts
from accountability.chain import ChainState, chain_head, chain_state, month_start, while_chain_stands
from accountability.models import AdviceNote, Incident, IncidentNotice
from accountability.rights import selectors as rights_selectors
from accountability.selectors import RetentionOverview, incident_notices, incidents, recent_advice, retention_overview
from agreements import selectors as agreement_selectors
from agreements.choices import AgreementVersionStatus
from agreements.rules import bases
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
from ikc_share import selectors as core_selectors

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from consent.models import Objection
    from ikc_share.models import Organisation

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


def _coverage_counts(
    organisation: Organisation, versions: list[AgreementVersion], at: datetime.datetime
) -> dict[int, tuple[dict[str, int], int]]:
    current = core_selectors.children_of(organisation=organisation).filter(left_on__isnull=True)
    children = list(current.only("pk", "organisation_id"))
    # Per version only the children its scope concerns (agreements/rules/scope.py), decided
    # by the database in one query for every version.
    concerned = agreement_selectors.concerned_child_ids(children=current, versions=versions, at=at)
    of_version = {v.pk: [c for c in children if c.pk in concerned[v.pk]] for v in versions}
    consent_versions = [v for v in versions if bases.asks_consent(v)]
    states = consent_states_for_pairs(pairs=[(child, v) for v in consent_versions for child in of_version[v.pk]], at=at)
    out = {}
    for version in versions:
        counts = {"given": 0, "refused": 0, "withdrawn": 0, "open": 0, "not_needed": 0}
        if bases.asks_consent(version):
            tally = Counter(states[child.pk, version.pk] for child in of_version[version.pk])
            counts["given"] = tally[GIVEN]
            counts["refused"] = tally[REFUSED] + tally[CONFLICT]
            counts["withdrawn"] = tally[WITHDRAWN]
            counts["open"] = tally[NO_ANSWER]
            counts["not_needed"] = tally[NOT_NEEDED]
        out[version.pk] = (counts, len(of_version[version.pk]))
    return out


def coverage(*, organisation: Organisation, at: datetime.datetime, head: str | None = None) -> list[CoverageRow]:
    """Per active agreement version the organisation SENDS under: how many of its current
    children that the version concerns (its scope) have consent given, refused (or the
    parents disagree), withdrawn, or no answer yet. The same rules as check_transfer
    (agreements/rules/consent.py), for every (child, version) pair at once: a fixed number
    of queries whatever the number of children and agreements; cached while the
    organisation's audit chain stands (see above)."""
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
                is_consent=bases.asks_consent(version),
                counts=counts,
                total=total,
                segments=_segments(counts, total),
            )
        )
    return rows


def received_versions(*, organisation: Organisation) -> list[AgreementVersion]:
    return list(
        agreement_selectors.versions_with_parties()
        .filter(agreement__receiving_organisation=organisation, status=AgreementVersionStatus.ACTIVE)
        .order_by("agreement__title")
    )


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
