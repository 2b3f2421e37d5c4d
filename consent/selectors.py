"""Read queries for consent state. Imports models only, so that agreements/rules_consent.py
(the legal-basis rules) can read consent, notices and objections through here without an
import cycle. Scoping to what a user may see happens in consent/permissions.py first.

`consent_facts` is bulk: the coverage page asks for many children in a fixed number of
queries, check_transfer asks for one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from agreements.models import AgreementVersion, DataCategory, LegalBasis
from ikc_share.models import Child, Guardian, Guardianship

from .models import ConsentDecision, ConsentRound, ConsentRoundMail, Objection, ParentNotice


@dataclass
class GuardianFact:
    guardian: Guardian
    has_authority: bool

    @property
    def pk(self) -> int:
        return self.guardian.pk

    @property
    def name(self) -> str:
        return self.guardian.first_name


@dataclass
class ConsentFacts:
    """Everything the rules need about one child and one agreement version at one moment."""

    child_id: int
    guardians: list[GuardianFact] = field(default_factory=list)
    decisions: list[ConsentDecision] = field(default_factory=list)  # covering versions, decided <= at
    older_decisions: int = 0  # decisions on versions that no longer cover (before a material change)
    notices: list[ParentNotice] = field(default_factory=list)  # this version, at <= at
    objections: list[Objection] = field(default_factory=list)  # this agreement up to this version, filed <= at

    @property
    def with_authority(self) -> list[GuardianFact]:
        return [g for g in self.guardians if g.has_authority]


def covering_versions(version: AgreementVersion) -> list[AgreementVersion]:
    """The versions whose consent still covers `version`: consent given for version N
    covers a later version M only if no version in (N, M] was a material change. Versions
    that never became active (abandoned drafts) do not break the chain."""
    earlier = list(
        AgreementVersion.objects.filter(agreement_id=version.agreement_id, number__lte=version.number).order_by(
            "-number"
        )
    )
    covering = []
    for v in earlier:
        if v.pk != version.pk and v.activated_at is None:
            continue
        covering.append(v)
        if v.is_material_change:
            break
    return covering


def consent_facts(
    *, children: Iterable[Child | int], version: AgreementVersion, at: datetime.datetime
) -> dict[int, ConsentFacts]:
    child_ids = [c if isinstance(c, int) else c.pk for c in children]
    facts = {cid: ConsentFacts(child_id=cid) for cid in child_ids}
    if not child_ids:
        return facts
    ships = (
        Guardianship.objects.filter(child_id__in=child_ids, guardian__organisation_id=_sender_id(version))
        .select_related("guardian")
        .order_by("-has_parental_authority", "pk")
    )
    for ship in ships:
        facts[ship.child_id].guardians.append(
            GuardianFact(guardian=ship.guardian, has_authority=ship.has_parental_authority)
        )

    covering_ids = [v.pk for v in covering_versions(version)]
    decisions = (
        ConsentDecision.objects.filter(
            child_id__in=child_ids, version__agreement_id=version.agreement_id, decided_at__lte=at
        )
        .select_related("category", "version")
        .order_by("decided_at", "pk")
    )
    for d in decisions:
        if d.version_id in covering_ids:
            facts[d.child_id].decisions.append(d)
        elif d.version.number < version.number:
            facts[d.child_id].older_decisions += 1

    for n in ParentNotice.objects.filter(child_id__in=child_ids, version=version, at__lte=at).order_by("at", "pk"):
        facts[n.child_id].notices.append(n)

    objections = (
        Objection.objects.filter(
            child_id__in=child_ids,
            version__agreement_id=version.agreement_id,
            version__number__lte=version.number,
            created_at__lte=at,
        )
        .select_related("guardian")
        .order_by("created_at", "pk")
    )
    for o in objections:
        facts[o.child_id].objections.append(o)
    return facts


def given_categories(*, child: Child, guardian: Guardian, version: AgreementVersion) -> set[int | None]:
    """Category ids (None = the whole agreement) whose latest decision by this guardian,
    on a version that still covers `version`, is 'given'."""
    covering = [v.pk for v in covering_versions(version)]
    latest: dict[int | None, str] = {}
    for d in ConsentDecision.objects.filter(child=child, guardian=guardian, version_id__in=covering).order_by(
        "decided_at", "pk"
    ):
        if d.category_id is None:
            latest = {k: d.state for k in latest}
        latest[d.category_id] = d.state
    return {k for k, state in latest.items() if state == ConsentDecision.State.GIVEN}


def _sender_id(version: AgreementVersion) -> int:
    return version.agreement.sending_organisation_id


def version_categories(version: AgreementVersion) -> list[DataCategory]:
    return [item.category for item in version.items.select_related("category").order_by("category__order")]


def categories_by_code(codes: Iterable[str]) -> dict[str, DataCategory]:
    return {c.code: c for c in DataCategory.objects.filter(code__in=list(codes))}


# --- Pages ----------------------------------------------------------------------------------


def active_versions_sent_by(organisation_id: int) -> QuerySet[AgreementVersion]:
    return (
        AgreementVersion.objects.filter(
            agreement__sending_organisation_id=organisation_id, status=AgreementVersion.Status.ACTIVE
        )
        .select_related("agreement__sending_organisation", "agreement__receiving_organisation")
        .order_by("agreement__title")
    )


def decision_history(*, child: Child, versions: Iterable[AgreementVersion] | None = None) -> QuerySet[ConsentDecision]:
    qs = ConsentDecision.objects.filter(child=child).select_related(
        "guardian", "category", "version__agreement", "recorded_by", "letter"
    )
    if versions is not None:
        qs = qs.filter(version__in=list(versions))
    return qs.order_by("-decided_at", "-pk")


def notices_for(*, child: Child, version: AgreementVersion | None = None) -> QuerySet[ParentNotice]:
    qs = ParentNotice.objects.filter(child=child).select_related("guardian", "version__agreement", "recorded_by")
    if version is not None:
        qs = qs.filter(version=version)
    return qs.order_by("-at", "-pk")


def objections_for(*, child: Child, version: AgreementVersion | None = None) -> QuerySet[Objection]:
    qs = Objection.objects.filter(child=child).select_related("guardian", "version__agreement", "decided_by")
    if version is not None:
        qs = qs.filter(version__agreement_id=version.agreement_id, version__number__lte=version.number)
    return qs.order_by("-created_at", "-pk")


def pending_objections(*, organisation_id: int) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(
            version__agreement__sending_organisation_id=organisation_id, status=Objection.Status.PENDING
        )
        .select_related("child", "guardian", "version__agreement")
        .order_by("created_at")
    )


def rounds_for(*, version: AgreementVersion) -> QuerySet[ConsentRound]:
    return ConsentRound.objects.filter(version=version).select_related("location", "started_by")


def round_mails(*, round: ConsentRound) -> QuerySet[ConsentRoundMail]:
    return (
        ConsentRoundMail.objects.filter(round=round)
        .select_related("guardian")
        .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("first_name")))
        .order_by("channel", "guardian__last_name", "guardian__first_name")
    )


def guardian_records_for(*, user, child: Child) -> list[Guardianship]:
    """The signed-in person's guardianships of this child (their own Guardian records)."""
    return list(
        Guardianship.objects.filter(child=child, guardian__user=user, guardian__organisation_id=child.organisation_id)
        .select_related("guardian")
        .order_by("-has_parental_authority", "pk")
    )


def guardians_with_authority(*, child: Child) -> list[Guardian]:
    return [
        s.guardian
        for s in Guardianship.objects.filter(
            child=child, has_parental_authority=True, guardian__organisation_id=child.organisation_id
        )
        .select_related("guardian")
        .order_by("guardian__first_name", "pk")
    ]


def children_in_scope(*, children: QuerySet[Child], location_id: int | None, group_name: str) -> QuerySet[Child]:
    qs = children.filter(left_on__isnull=True)
    if location_id:
        qs = qs.filter(location_id=location_id)
    if group_name:
        qs = qs.filter(group_name=group_name)
    return qs


def decisions_by_guardian(decisions: Iterable[ConsentDecision]) -> dict[int, list[ConsentDecision]]:
    out: dict[int, list[ConsentDecision]] = defaultdict(list)
    for d in decisions:
        out[d.guardian_id].append(d)
    return out


def is_consent_basis(version: AgreementVersion) -> bool:
    return version.legal_basis == LegalBasis.CONSENT
