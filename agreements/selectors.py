"""Read queries that agreement pages share. Callers fetch the agreement or version
through agreements/permissions.py first; these functions then shape what the page shows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, QuerySet
from django.utils import timezone

from agreements import permissions, rules
from agreements.letters.models import Letter, LetterBatch
from agreements.models import (
    Agreement,
    AgreementItem,
    AgreementVersion,
    Approval,
    DataCategory,
)
from ikc_share import selectors as core_selectors

if TYPE_CHECKING:
    from ikc_share.models import Child, Organisation

Status = AgreementVersion.Status
OPEN_STATUSES = (Status.DRAFT, Status.AWAITING_APPROVAL)


def catalogue() -> list[DataCategory]:
    return list(DataCategory.objects.all())


def _version_queryset():
    return AgreementVersion.objects.select_related(
        "agreement__sending_organisation", "agreement__receiving_organisation", "created_by"
    ).prefetch_related(
        Prefetch("items", queryset=AgreementItem.objects.select_related("category")),
        "receiving_roles",
        "receiving_locations",
        "scope_locations",
    )


# --- Lists ------------------------------------------------------------------------------


@dataclass
class AgreementRow:
    agreement: Agreement
    active: AgreementVersion | None
    open_version: AgreementVersion | None  # a draft or one awaiting approval (directors, privacy officers)
    latest: AgreementVersion | None

    @property
    def status_version(self) -> AgreementVersion | None:
        return self.active or self.open_version or self.latest


def agreement_rows(*, user, organisation: Organisation) -> list[AgreementRow]:
    """The agreements of this organisation the user may see, with the versions they may see."""
    agreements = (
        permissions.agreements_for(user)
        .filter(permissions.party_filter(core_selectors.organisations().filter(pk=organisation.pk)))
        .select_related("sending_organisation", "receiving_organisation")
        .order_by("ended_at", "title")
    )
    visible = permissions.versions_for(user).filter(agreement__in=agreements).order_by("-number")
    by_agreement: dict[int, list[AgreementVersion]] = {}
    for version in visible:
        by_agreement.setdefault(version.agreement_id, []).append(version)
    rows = []
    for agreement in agreements:
        versions = by_agreement.get(agreement.pk, [])
        rows.append(
            AgreementRow(
                agreement=agreement,
                active=next((v for v in versions if v.status == Status.ACTIVE), None),
                open_version=next((v for v in versions if v.status in OPEN_STATUSES), None),
                latest=versions[0] if versions else None,
            )
        )
    return rows


# --- Approvals --------------------------------------------------------------------------


@dataclass
class SideState:
    organisation: Organisation
    role: str  # "sending" / "receiving"
    decision: Approval | None
    may_decide: bool = False

    @property
    def approved(self) -> bool:
        return self.decision is not None and self.decision.decision == Approval.Decision.APPROVED


def approval_state(*, version: AgreementVersion, user=None) -> list[SideState]:
    agreement = version.agreement
    decisions = rules.current_decisions(version)
    sides = permissions.approval_sides(user, agreement) if user is not None else []
    side_ids = {o.pk for o in sides}
    out = []
    for org, role in ((agreement.sending_organisation, "sending"), (agreement.receiving_organisation, "receiving")):
        decision = decisions.get(org.pk)
        out.append(
            SideState(
                organisation=org,
                role=role,
                decision=decision,
                may_decide=(
                    org.pk in side_ids
                    and version.status == Status.AWAITING_APPROVAL
                    and not (decision and decision.decision == Approval.Decision.APPROVED)
                ),
            )
        )
    return out


def decision_history(version: AgreementVersion) -> list[Approval]:
    return list(version.approvals.select_related("organisation", "decided_by").order_by("decided_at", "pk"))


# --- One agreement ----------------------------------------------------------------------


@dataclass
class VersionView:
    version: AgreementVersion
    messages: list[rules.RuleMessage]
    sides: list[SideState]
    decisions: list[Approval]
    valid_today: bool

    @property
    def warnings(self) -> list[rules.RuleMessage]:
        return [m for m in self.messages if m.severity == rules.WARNING]

    @property
    def notices(self) -> list[rules.RuleMessage]:
        return [m for m in self.messages if m.severity == rules.NOTICE]

    @property
    def may_object(self) -> bool:
        """Parents may object under the version's basis (e or f): the page names the wait."""
        return rules.bases.allows_objection(self.version)

    @property
    def errors(self) -> list[rules.RuleMessage]:
        return [m for m in self.messages if m.severity == rules.ERROR]

    @property
    def may_decide(self) -> list[SideState]:
        return [s for s in self.sides if s.may_decide]


def version_view(*, version: AgreementVersion, user) -> VersionView:
    return VersionView(
        version=version,
        messages=rules.validate_version(rules.spec_from_version(version)),
        sides=approval_state(version=version, user=user),
        decisions=decision_history(version),
        valid_today=version.is_valid_on(timezone.localdate()),
    )


@dataclass
class AgreementOverview:
    agreement: Agreement
    active: VersionView | None
    open_version: VersionView | None
    can_manage: bool
    can_audit: bool
    version_count: int
    extra: dict = field(default_factory=dict)

    @property
    def may_amend(self) -> bool:
        return self.can_manage and self.active is not None and self.open_version is None and not self.agreement.ended_at

    @property
    def may_end(self) -> bool:
        """Only an agreement in force ends; a draft that never became active is not ended."""
        return self.can_manage and self.active is not None and not self.agreement.ended_at


def agreement_overview(*, agreement: Agreement, user) -> AgreementOverview:
    visible = list(_version_queryset().filter(pk__in=permissions.versions_for(user).filter(agreement=agreement)))
    active = next((v for v in visible if v.status == Status.ACTIVE), None)
    open_version = next((v for v in visible if v.status in OPEN_STATUSES), None)
    return AgreementOverview(
        agreement=agreement,
        active=version_view(version=active, user=user) if active else None,
        open_version=version_view(version=open_version, user=user) if open_version else None,
        can_manage=permissions.can_manage(user, agreement),
        can_audit=permissions.can_audit(user, agreement),
        version_count=len(visible),
    )


def versions_of(*, agreement: Agreement, user) -> list[AgreementVersion]:
    """Newest first: every version the user may see."""
    return list(
        _version_queryset()
        .filter(pk__in=permissions.versions_for(user).filter(agreement=agreement))
        .order_by("-number")
    )


def previous_version(*, version: AgreementVersion, user) -> AgreementVersion | None:
    return (
        _version_queryset()
        .filter(pk__in=permissions.versions_for(user).filter(agreement=version.agreement_id, number__lt=version.number))
        .order_by("-number")
        .first()
    )


# --- The child page ---------------------------------------------------------------------

# "May I share?" for the child page's agreements comes from the transfers app (a higher
# layer): it registers its `version_verdicts(child=, versions=, user=, at=, consent_facts=)`
# in its AppConfig.ready(), as the apps register their child-page sections with the core.
VersionVerdictsProvider = Callable[..., list]
_version_verdicts: list[VersionVerdictsProvider] = []


def register_version_verdicts(provider: VersionVerdictsProvider) -> None:
    """Let `child_section` ask `provider` for the verdict of each version (one provider)."""
    _version_verdicts[:] = [provider]


@dataclass
class ChildPage:
    """What the sections of one staff child page read, loaded once for the request and
    shared by them (`child_page`): the moment the page asks about, the active versions
    under which the child's own organisation sends (by agreement title, with both
    organisations, the IKC, the items and their categories, the receiving roles and
    locations and the approvals: everything check_transfers and the consent summaries
    read), the consent facts of the child under each of them at that moment, and those
    of them whose scope concerns the child (`concerning`). Nothing here is a verdict: the
    sections apply the rules to these facts now."""

    at: datetime.datetime
    versions: list[AgreementVersion]
    consent_facts: dict
    concerning: list[AgreementVersion] = field(default_factory=list)  # the versions whose scope concerns the child

    def categories(self, version: AgreementVersion) -> list[DataCategory]:
        """The version's categories in catalogue order (as consent's categories_of_versions)."""
        items = sorted(version.items.all(), key=lambda i: (i.category.order, i.pk))
        return [i.category for i in items]


_CHILD_PAGE = "agreements.child_page"


def child_page(*, child: Child, shared: dict | None = None) -> ChildPage:
    """The child page's shared reads (see ChildPage), loaded on the first call for this
    request and taken from `shared` after that. The caller has fetched the child through
    permissions.get_child: whoever may see a child is a member of its organisation, with at
    least READ on it, so every active version that organisation sends is visible to them
    (agreements/permissions.py: versions_for)."""
    if shared is not None and _CHILD_PAGE in shared:
        return shared[_CHILD_PAGE]
    versions = list(
        AgreementVersion.objects.filter(status=Status.ACTIVE, agreement__sending_organisation_id=child.organisation_id)
        .select_related("agreement__ikc", "agreement__sending_organisation", "agreement__receiving_organisation")
        .prefetch_related(
            Prefetch("items", queryset=AgreementItem.objects.select_related("category")),
            "receiving_roles",
            "receiving_locations",
            "scope_locations",
            "approvals",
        )
        .order_by("agreement__title")
    )
    at = timezone.now()
    page = ChildPage(
        at=at,
        versions=versions,
        consent_facts=rules.consent.consent_facts_for_pairs(pairs=[(child, v) for v in versions], at=at),
        concerning=[v for v in versions if rules.scope.in_scope(v, child, at)],
    )
    if shared is not None:
        shared[_CHILD_PAGE] = page
    return page


def child_section(*, child: Child, user, shared: dict | None = None) -> dict | None:
    """Active agreements under which this child's own organisation shares, for people who
    may see the child, each with its verdict per category ("May I share?": check_transfer
    for this person, now; the registered provider, transfers/selectors.py)."""
    page = child_page(child=child, shared=shared)
    versions = page.versions
    if not versions:
        return None
    today = timezone.localdate(page.at)
    outside = {v.pk: rules.scope.out_of_scope_reason(v, child, page.at) for v in versions}
    applying = [v for v in versions if rules.purpose_concerns(v.purpose, child.location.kind) and not outside[v.pk]]
    verdicts = {}
    for provider in _version_verdicts:
        verdicts = dict(
            zip(
                [v.pk for v in applying],
                provider(child=child, versions=applying, user=user, at=page.at, consent_facts=page.consent_facts),
                strict=True,
            )
        )
    applies = {v.pk for v in applying}
    rows = [
        {
            "version": v,
            "valid_today": v.is_valid_on(today),
            "needs_vve": rules.bases.is_legal_duty(v),
            "applies": v.pk in applies,
            "out_of_scope": outside[v.pk],
            "verdict": verdicts.get(v.pk),
        }
        for v in versions
    ]
    return {"template": "agreements/_child_section.html", "agreement_rows": rows, "child": child}


# --- Scope: which children a version concerns (the rule: agreements/rules/scope.py) -------


def children_concerned(
    *, children: QuerySet[Child], version: AgreementVersion, at: datetime.datetime
) -> QuerySet[Child]:
    """Of these children, those the version concerns at `at` (filtered by the database)."""
    return children.filter(rules.scope.children_q(version, at))


def concerned_child_ids(
    *, children: QuerySet[Child], versions: Iterable[AgreementVersion], at: datetime.datetime
) -> dict[int, set[int]]:
    """Version id → the ids of these children that it concerns at `at`: one query, the
    database deciding each (child, version) pair."""
    versions = list(versions)
    out: dict[int, set[int]] = {v.pk: set() for v in versions}
    if not versions:
        return out
    flags = {
        f"concerns_{v.pk}": ExpressionWrapper(rules.scope.children_q(v, at), output_field=BooleanField())
        for v in versions
    }
    for pk, *values in children.annotate(**flags).values_list("pk", *flags):
        for version, flag in zip(versions, values, strict=True):
            if flag:
                out[version.pk].add(pk)
    return out


def versions_concerning(
    *, versions: QuerySet[AgreementVersion], child: Child, at: datetime.datetime
) -> QuerySet[AgreementVersion]:
    """Of these versions, those whose scope concerns the child at `at` (by the database)."""
    return versions.filter(rules.scope.versions_q(child, at))


def with_concerns(
    *, versions: QuerySet[AgreementVersion], children: Iterable[Child], at: datetime.datetime
) -> QuerySet[AgreementVersion]:
    """These versions, each knowing (in the same query) which of the children its scope
    concerns at `at`: ask `concerns(version, child)` (the parent portal's rows)."""
    return versions.annotate(
        **{
            f"concerns_child_{c.pk}": ExpressionWrapper(rules.scope.versions_q(c, at), output_field=BooleanField())
            for c in children
        }
    )


def concerns(version: AgreementVersion, child: Child) -> bool:
    """Whether `with_concerns` found that the version concerns the child."""
    return bool(getattr(version, f"concerns_child_{child.pk}"))


def versions_with_parties() -> QuerySet[AgreementVersion]:
    """Every agreement version with its agreement and both organisations joined, unordered,
    for the caller to filter (scoping to what a user may see is the caller's)."""
    return AgreementVersion.objects.select_related(
        "agreement__sending_organisation", "agreement__receiving_organisation"
    )


def categories_of_version(*, version: AgreementVersion) -> QuerySet[DataCategory]:
    """The data categories in the version's items, unordered."""
    return DataCategory.objects.filter(pk__in=version.items.values("category_id"))


def letters_for(*, version: AgreementVersion, child: Child, guardian: object) -> QuerySet[Letter]:
    """The personal letters made for this guardian about this child under this version."""
    return Letter.objects.filter(version=version, child=child, guardian=guardian)


def versions_sent_active_or_among(*, organisation_id: int, pks: Iterable[int]) -> QuerySet[AgreementVersion]:
    """The versions sent by the organisation that are active or among `pks`, with both
    organisations, the items' categories and the receiving roles, by agreement title and
    number."""
    qs = AgreementVersion.objects.filter(agreement__sending_organisation_id=organisation_id).filter(
        pk__in=set(pks)
    ) | AgreementVersion.objects.filter(
        agreement__sending_organisation_id=organisation_id, status=AgreementVersion.Status.ACTIVE
    )
    return (
        qs.distinct()
        .select_related("agreement__sending_organisation", "agreement__receiving_organisation")
        .prefetch_related("items__category", "receiving_roles")
        .order_by("agreement__title", "number")
    )


def letter_batch_locked(*, pk: int) -> LetterBatch:
    """The letter batch with its version and agreement, its row locked (SELECT … FOR UPDATE)
    until the end of the current transaction."""
    return LetterBatch.objects.select_for_update().select_related("version__agreement").get(pk=pk)


def items_with_category() -> QuerySet[AgreementItem]:
    """Agreement items with their data category joined, unordered (e.g. the queryset of a
    Prefetch of versions' items)."""
    return AgreementItem.objects.select_related("category")


def agreements() -> QuerySet[Agreement]:
    """Every agreement, unordered, nothing joined: the caller filters (by id, by party)."""
    return Agreement.objects.all()


def agreement_versions() -> QuerySet[AgreementVersion]:
    """Every agreement version, unordered, nothing joined: the caller filters and joins."""
    return AgreementVersion.objects.all()
