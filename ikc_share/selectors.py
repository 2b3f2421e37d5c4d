"""Read queries that pages share, scoped by the caller (views fetch objects through
permissions.py first)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet

from ikc_share.choices import MembershipRole
from ikc_share.models import (
    AuditChainHead,
    AuditEvent,
    AuditVerification,
    Child,
    FunctionTitle,
    Guardian,
    Guardianship,
    Ikc,
    Location,
    Membership,
    Organisation,
)

# Other apps add sections to the staff child page (e.g. agreements' verdicts) by
# registering a provider in their AppConfig.ready(); the core never imports them. A provider
# is called as provider(child=, user=, shared=): `shared` is one dict per page request, in
# which the providers keep what several sections read (the agreements app loads the active
# versions and the consent facts once for its own section and the consent section).
ChildSectionProvider = Callable[..., "dict[str, Any] | None"]
_child_section_providers: list[ChildSectionProvider] = []


def register_child_section(provider: ChildSectionProvider) -> None:
    if provider not in _child_section_providers:
        _child_section_providers.append(provider)


def child_page_sections(*, child: Child, user) -> list[dict[str, Any]]:
    sections = []
    shared: dict[str, Any] = {}
    for provider in _child_section_providers:
        section = provider(child=child, user=user, shared=shared)
        if section:
            sections.append(section)
    return sections


def organisations_in_ikc(*, ikc_id: int, exclude_id: int | None = None) -> QuerySet[Organisation]:
    """The organisations of an IKC (without `exclude_id`, when given), by name."""
    qs = Organisation.objects.filter(ikc_id=ikc_id)
    return qs.exclude(pk=exclude_id) if exclude_id is not None else qs


def function_titles_of(*, organisation_id: int) -> QuerySet[FunctionTitle]:
    """The organisation's catalogue of function titles, by name."""
    return FunctionTitle.objects.filter(organisation_id=organisation_id)


def active_memberships(*, user, organisation_id: int | None = None) -> QuerySet[Membership]:
    """The user's active memberships (of one organisation, when given), with their
    locations prefetched; unordered."""
    qs = Membership.objects.filter(user=user, is_active=True)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.prefetch_related("locations")


def guardianships_with_authority(*, organisation_id: int) -> QuerySet[Guardianship]:
    """Guardianships with parental authority of the organisation's current children (not
    left), with the guardian on the organisation's own record; unordered, nothing joined."""
    return Guardianship.objects.filter(
        child__organisation_id=organisation_id,
        child__left_on__isnull=True,
        has_parental_authority=True,
        guardian__organisation_id=organisation_id,
    )


def guardianships(
    *,
    children: Iterable[Child | int] | QuerySet[Child] | None = None,
    guardian: Guardian | int | None = None,
    user: object | None = None,
    with_authority: bool | None = None,
) -> QuerySet[Guardianship]:
    """Guardianships (guardian × child) of these children, of this Guardian record, of the
    guardians this login belongs to, with or without parental authority (None: either);
    unordered, nothing joined. The caller scopes by organisation where it has to."""
    qs = Guardianship.objects.all()
    if children is not None:
        qs = qs.filter(child__in=children)
    if guardian is not None:
        qs = qs.filter(guardian=guardian)
    if user is not None:
        qs = qs.filter(guardian__user=user)
    if with_authority is not None:
        qs = qs.filter(has_parental_authority=with_authority)
    return qs


def guardians(*, ids: Iterable[int] | None = None, email: str | None = None) -> QuerySet[Guardian]:
    """Guardian records (of any organisation) with these ids and/or this e-mail address
    (case-insensitive); unordered, nothing joined."""
    qs = Guardian.objects.all()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if email is not None:
        qs = qs.filter(email__iexact=email)
    return qs


def staff_memberships() -> QuerySet[Membership]:
    """Active memberships with the role staff or director (the roles that can hold a
    receiving role; a privacy officer never receives). Unordered: the caller filters."""
    return Membership.objects.filter(is_active=True, role__in=[MembershipRole.STAFF, MembershipRole.DIRECTOR])


def children_among(*, ids: Any) -> QuerySet[Child]:
    """The children whose id is in `ids` (a list or an id subquery), with their organisation
    and location."""
    return Child.objects.filter(pk__in=ids).select_related("organisation", "location")


def locations_of(*, organisation_id: int) -> QuerySet[Location]:
    """The organisation's locations, by name."""
    return Location.objects.filter(organisation_id=organisation_id).order_by("name")


def organisations() -> QuerySet[Organisation]:
    """Every organisation, unordered (the nightly jobs walk them; the caller orders)."""
    return Organisation.objects.all()


def other_organisations_in_ikc(*, organisation: Organisation) -> QuerySet[Organisation]:
    """The other organisations of the organisation's IKC, by id."""
    return Organisation.objects.filter(ikc_id=organisation.ikc_id).exclude(pk=organisation.pk).order_by("pk")


def children_of(*, organisation: Organisation) -> QuerySet[Child]:
    """The organisation's own child records (current and left), unordered, nothing joined."""
    return Child.objects.filter(organisation=organisation)


def guardians_of(*, organisation: Organisation) -> QuerySet[Guardian]:
    """The organisation's own guardian records, unordered, nothing joined."""
    return Guardian.objects.filter(organisation=organisation)


def guardians_of_user(*, user_id: int) -> QuerySet[Guardian]:
    """The guardian records (of any organisation) this login belongs to, unordered."""
    return Guardian.objects.filter(user_id=user_id)


def privacy_officer_emails(*, organisation_ids: Iterable[int]) -> list[str]:
    """The e-mail addresses of the active privacy officers of these organisations, sorted,
    once each (the audit alerts and anchors go to them)."""
    emails = Membership.objects.filter(
        organisation_id__in=list(organisation_ids), role=MembershipRole.PRIVACY_OFFICER, is_active=True
    ).values_list("user__email", flat=True)
    return sorted({email for email in emails if email})


def memberships() -> QuerySet[Membership]:
    """Every membership (active or not), unordered, nothing joined: the caller filters."""
    return Membership.objects.all()


def audit_events() -> QuerySet[AuditEvent]:
    """Every audit event, unordered: the caller filters by organisation or chain (indexed)."""
    return AuditEvent.objects.all()


def audit_chain_heads(*, chain: str) -> QuerySet[AuditChainHead]:
    """The head row of one audit chain (none before its first event)."""
    return AuditChainHead.objects.filter(chain=chain)


def audit_verifications() -> QuerySet[AuditVerification]:
    """Every run of the chain verifier, unordered."""
    return AuditVerification.objects.all()


def ikcs() -> QuerySet[Ikc]:
    """Every IKC, unordered (the operator console; the caller filters and orders)."""
    return Ikc.objects.all()
