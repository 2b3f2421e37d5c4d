"""Read queries for consent state. Imports models only, so that agreements/rules/consent.py
(the legal-basis rules) can read consent, notices and objections through here without an
import cycle. Scoping to what a user may see happens in consent/permissions.py first.

`consent_facts` is bulk: the coverage page asks for many children in a fixed number of
queries, check_transfer asks for one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import BooleanField, ExpressionWrapper, FilteredRelation, Prefetch, Q, QuerySet

from agreements.models import AgreementItem, AgreementVersion, DataCategory
from consent.facts import ConsentFacts, DecisionFact, GuardianFact, NoticeFact, RestrictionFact
from consent.models import (
    ConsentDecision,
    ConsentRound,
    ConsentRoundMail,
    Objection,
    ParentNotice,
    ProcessingRestriction,
)
from ikc_share import selectors as core_selectors
from ikc_share.models import Child

if TYPE_CHECKING:
    from ikc_share.models import Guardian, Guardianship


def covering_versions(version: AgreementVersion) -> list[AgreementVersion]:
    """The versions whose consent still covers `version`: consent given for version N
    covers a later version M only if no version in (N, M] was a material change. Versions
    that never became active (abandoned drafts) do not break the chain."""
    earlier = list(
        AgreementVersion.objects.filter(agreement_id=version.agreement_id, number__lte=version.number).order_by(
            "-number"
        )
    )
    return _covering(version, earlier)


def _covering(version: AgreementVersion, earlier: list[AgreementVersion]) -> list[AgreementVersion]:
    """`earlier`: the agreement's versions numbered up to `version`, newest first."""
    keep = set(_covering_ids(version.pk, [(v.pk, v.activated_at is not None, v.is_material_change) for v in earlier]))
    return [v for v in earlier if v.pk in keep]


def _covering_ids(version_pk: int, earlier: list[tuple[int, bool, bool]]) -> list[int]:
    """The rule (see `covering_versions`) on (id, ever active, material change) of the
    agreement's versions numbered up to the version, newest first."""
    covering = []
    for pk, was_active, material in earlier:
        if pk != version_pk and not was_active:
            continue
        covering.append(pk)
        if material:
            break
    return covering


def consent_facts(
    *, children: Iterable[Child | int], version: AgreementVersion, at: datetime.datetime
) -> dict[int, ConsentFacts]:
    child_ids = [c if isinstance(c, int) else c.pk for c in children]
    facts = consent_facts_for_pairs(pairs=[(cid, version) for cid in child_ids], at=at)
    return {cid: facts[cid, version.pk] for cid in child_ids}


def consent_facts_for_pairs(
    *, pairs: Iterable[tuple[Child | int, AgreementVersion]], at: datetime.datetime
) -> dict[tuple[int, int], ConsentFacts]:
    """The facts for many (child, version) pairs in a fixed number of queries (six, or none
    for no pairs), whatever the number of children and versions: the parent portal and the
    staff child page ask for every active agreement at once."""
    pairs = [(c if isinstance(c, int) else c.pk, v) for c, v in pairs]
    facts = {(cid, v.pk): ConsentFacts(child_id=cid) for cid, v in pairs}
    if not pairs:
        return facts
    child_ids = sorted({cid for cid, _v in pairs})
    versions = {v.pk: v for _cid, v in pairs}
    agreement_ids = sorted({v.agreement_id for v in versions.values()})
    senders = _sender_ids(versions.values())
    by_child: dict[int, list[AgreementVersion]] = defaultdict(list)
    for cid, v in pairs:
        by_child[cid].append(v)

    ships = (
        core_selectors.guardianships(children=child_ids)
        .filter(guardian__organisation_id__in=set(senders.values()))
        .order_by("-has_parental_authority", "pk")
        .values_list(
            "child_id", "guardian_id", "guardian__first_name", "guardian__organisation_id", "has_parental_authority"
        )
    )
    for child_id, guardian_id, first_name, organisation_id, authority in ships:
        for v in by_child[child_id]:
            if organisation_id == senders[v.pk]:
                facts[child_id, v.pk].guardians.append(GuardianFact(guardian_id, first_name, authority))

    all_versions: dict[int, list[AgreementVersion]] = defaultdict(list)
    for v in AgreementVersion.objects.filter(agreement_id__in=agreement_ids).order_by("agreement_id", "-number"):
        all_versions[v.agreement_id].append(v)
    covering = {
        v.pk: _covering(v, [e for e in all_versions[v.agreement_id] if e.number <= v.number]) for v in versions.values()
    }
    covering_ids = {pk: {c.pk for c in chain} for pk, chain in covering.items()}
    for (_cid, vid), fact in facts.items():
        chain = covering[vid]
        fact.version_numbers = {c.pk: c.number for c in chain}
        fact.change_summaries = {c.number: c.change_summary for c in chain}
        oldest = chain[-1]
        if oldest.is_material_change and oldest.number > 1:
            fact.material_break = (oldest.number, oldest.change_summary)

    decisions = (
        ConsentDecision.objects.filter(
            child_id__in=child_ids, version__agreement_id__in=agreement_ids, decided_at__lte=at
        )
        .order_by("decided_at", "pk")
        .values_list(
            "pk",
            "child_id",
            "guardian_id",
            "version_id",
            "category_id",
            "state",
            "explicit",
            "decided_at",
            "version__agreement_id",
            "version__number",
        )
    )
    for (
        pk,
        child_id,
        guardian_id,
        version_id,
        category_id,
        state,
        explicit,
        decided_at,
        agreement_id,
        number,
    ) in decisions:
        fact = None
        for v in by_child[child_id]:
            if agreement_id != v.agreement_id:
                continue
            if version_id in covering_ids[v.pk]:
                fact = fact or DecisionFact(pk, guardian_id, version_id, category_id, state, explicit, decided_at)
                facts[child_id, v.pk].decisions.append(fact)
            elif number < v.number:
                older = facts[child_id, v.pk]
                older.older_decisions += 1
                older.lapsed = [(g, n) for g, n in older.lapsed if g != guardian_id]
                if state == ConsentDecision.State.GIVEN:
                    older.lapsed.append((guardian_id, number))

    notices = (
        ParentNotice.objects.filter(child_id__in=child_ids, version_id__in=list(versions), at__lte=at)
        .order_by("at", "pk")
        .values_list("pk", "child_id", "version_id", "guardian_id", "at")
    )
    for pk, child_id, version_id, guardian_id, notice_at in notices:
        if (child_id, version_id) in facts:
            facts[child_id, version_id].notices.append(NoticeFact(pk, guardian_id, notice_at))

    objections = (
        Objection.objects.filter(child_id__in=child_ids, version__agreement_id__in=agreement_ids, created_at__lte=at)
        .select_related("guardian", "version")
        .order_by("created_at", "pk")
    )
    for o in objections:
        for v in by_child[o.child_id]:
            if o.version.agreement_id == v.agreement_id and o.version.number <= v.number:
                facts[o.child_id, v.pk].objections.append(o)

    restrictions = (
        ProcessingRestriction.objects.filter(child_id__in=child_ids, started_at__lte=at)
        .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gt=at))
        .order_by("started_at", "pk")
        .values_list("pk", "child_id", "category_id", "started_at")
    )
    for pk, child_id, category_id, started_at in restrictions:
        fact = RestrictionFact(pk, category_id, started_at)
        for v in by_child[child_id]:
            facts[child_id, v.pk].restrictions.append(fact)
    return facts


def given_categories(*, child: Child, guardian: Guardian, version: AgreementVersion) -> set[int | None]:
    """Category ids (None = the whole agreement) whose latest decision by this guardian,
    on a version that still covers `version`, is 'given' (see `latest_choices`)."""
    choices = latest_choices(child=child, guardian=guardian, version=version)
    return {k for k, state in choices.items() if state == ConsentDecision.State.GIVEN}


def latest_choices(*, child: Child, guardian: Guardian, version: AgreementVersion) -> dict[int | None, str]:
    """Category id (None = the whole agreement) → the state of this guardian's latest
    decision about it, on a version that still covers `version`. One query: the agreement's
    versions up to `version`, each joined with this guardian's decisions on it in the
    order they were made (a version without one: a row with no decision), so the covering
    versions and the history come in one round trip. Only ids, codes and flags: no time
    column is read, so a long history stays cheap."""
    mine = FilteredRelation(
        "consent_decisions", condition=Q(consent_decisions__child=child, consent_decisions__guardian=guardian)
    )
    rows = (
        AgreementVersion.objects.filter(agreement_id=version.agreement_id, number__lte=version.number)
        .annotate(mine=mine, was_active=ExpressionWrapper(Q(activated_at__isnull=False), output_field=BooleanField()))
        .order_by("mine__decided_at", "mine__pk")
        .values_list("pk", "number", "was_active", "is_material_change", "mine__category_id", "mine__state")
    )
    versions: dict[int, tuple[int, bool, bool]] = {}
    history: list[tuple[int, int | None, str]] = []
    for pk, number, was_active, material, category_id, state in rows:
        versions[pk] = (number, was_active, material)
        if state is not None:
            history.append((pk, category_id, state))
    newest_first = sorted(versions.items(), key=lambda item: -item[1][0])
    covering = set(_covering_ids(version.pk, [(pk, active, material) for pk, (_n, active, material) in newest_first]))
    latest: dict[int | None, str] = {}
    for version_id, category_id, state in history:
        if version_id not in covering:
            continue
        if category_id is None:
            latest = {k: state for k in latest}
        latest[category_id] = state
    return latest


def _sender_id(version: AgreementVersion) -> int:
    return version.agreement.sending_organisation_id


def _sender_ids(versions: Iterable[AgreementVersion]) -> dict[int, int]:
    """Version id → sending organisation id, without a query per version when the
    versions came with their agreement (select_related) and with one query otherwise."""
    out, missing = {}, []
    for v in versions:
        if AgreementVersion._meta.get_field("agreement").is_cached(v):
            out[v.pk] = v.agreement.sending_organisation_id
        else:
            missing.append(v)
    if missing:
        rows = AgreementVersion.objects.filter(pk__in=[v.pk for v in missing]).values_list(
            "pk", "agreement__sending_organisation_id"
        )
        out.update(dict(rows))
    return out


def version_categories(version: AgreementVersion) -> list[DataCategory]:
    return [item.category for item in version.items.select_related("category").order_by("category__order")]


def categories_of_versions(versions: Iterable[AgreementVersion]) -> dict[int, list[DataCategory]]:
    """`version_categories` for many versions in one query."""
    out: dict[int, list[DataCategory]] = {v.pk: [] for v in versions}
    items = AgreementItem.objects.filter(version_id__in=list(out)).select_related("category")
    for item in items.order_by("category__order", "pk"):
        out[item.version_id].append(item.category)
    return out


def categories_by_code(codes: Iterable[str]) -> dict[str, DataCategory]:
    return {c.code: c for c in DataCategory.objects.filter(code__in=list(codes))}


# --- Pages ----------------------------------------------------------------------------------


def active_versions_sent_by(organisation_id: int) -> QuerySet[AgreementVersion]:
    return active_versions_sent_by_any([organisation_id])


def active_versions_sent_by_any(organisation_ids: Iterable[int]) -> QuerySet[AgreementVersion]:
    return (
        AgreementVersion.objects.filter(
            agreement__sending_organisation_id__in=list(organisation_ids), status=AgreementVersion.Status.ACTIVE
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


def objections_for_pairs(*, pairs: Iterable[tuple[Child, AgreementVersion]]) -> dict[tuple[int, int], list[Objection]]:
    """`objections_for(child=…, version=…)` for many pairs in one query."""
    pairs = list(pairs)
    out: dict[tuple[int, int], list[Objection]] = {(c.pk, v.pk): [] for c, v in pairs}
    if not pairs:
        return out
    qs = (
        Objection.objects.filter(
            child_id__in={c.pk for c, _v in pairs}, version__agreement_id__in={v.agreement_id for _c, v in pairs}
        )
        .select_related("guardian", "version__agreement", "decided_by")
        .order_by("-created_at", "-pk")
    )
    for o in qs:
        for c, v in pairs:
            if o.child_id == c.pk and o.version.agreement_id == v.agreement_id and o.version.number <= v.number:
                out[c.pk, v.pk].append(o)
    return out


def objections_for(*, child: Child, version: AgreementVersion | None = None) -> QuerySet[Objection]:
    qs = Objection.objects.filter(child=child).select_related("guardian", "version__agreement", "decided_by")
    if version is not None:
        qs = qs.filter(version__agreement_id=version.agreement_id, version__number__lte=version.number)
    return qs.order_by("-created_at", "-pk")


def other_agreement_consents(*, child_id: int, at: datetime.datetime) -> list[tuple[int, int, str]]:
    """(guardian id, agreement id, agreement title) for every agreement on which the
    guardian's latest whole-agreement decision for this child, by `at`, is 'given' (the
    rules say that such consent does not count for another agreement)."""
    latest: dict[tuple[int, int], tuple[str, str]] = {}
    rows = (
        ConsentDecision.objects.filter(child_id=child_id, decided_at__lte=at, category__isnull=True)
        .order_by("decided_at", "pk")
        .values_list("guardian_id", "version__agreement_id", "version__agreement__title", "state")
    )
    for guardian_id, agreement_id, title, state in rows:
        latest[guardian_id, agreement_id] = (title, state)
    return [
        (guardian_id, agreement_id, title)
        for (guardian_id, agreement_id), (title, state) in latest.items()
        if state == ConsentDecision.State.GIVEN
    ]


def restrictions_of_child(*, child: Child, include_lifted: bool = True) -> QuerySet[ProcessingRestriction]:
    """The child's restrictions of processing (art. 18), newest first, with their category,
    requester and the users who recorded and lifted them (for pages; scoped by the caller)."""
    qs = ProcessingRestriction.objects.filter(child=child).select_related(
        "category", "requested_by", "recorded_by", "lifted_by"
    )
    if not include_lifted:
        qs = qs.filter(lifted_at__isnull=True)
    return qs.order_by("-started_at", "-pk")


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
        core_selectors.guardianships(children=[child], user=user)
        .filter(guardian__organisation_id=child.organisation_id)
        .select_related("guardian")
        .order_by("-has_parental_authority", "pk")
    )


def guardians_with_authority(*, child: Child) -> list[Guardian]:
    return [
        s.guardian
        for s in core_selectors.guardianships(children=[child], with_authority=True)
        .filter(guardian__organisation_id=child.organisation_id)
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


def consent_decisions() -> QuerySet[ConsentDecision]:
    """Every consent decision, unordered, nothing joined: the caller filters (by child, by
    the child's organisation)."""
    return ConsentDecision.objects.all()


def parent_notices() -> QuerySet[ParentNotice]:
    """Every record of a parent being informed, unordered, nothing joined."""
    return ParentNotice.objects.all()


def objections() -> QuerySet[Objection]:
    """Every objection (art. 21), unordered, nothing joined."""
    return Objection.objects.all()
