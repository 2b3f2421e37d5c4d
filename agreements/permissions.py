"""Who may see and change agreements. Builds on ikc_share.permissions (the grants on the
organisations); no view or template decides access on its own.

- Directors and privacy officers (AUDIT) of either party see the agreement with all its
  versions, drafts included, and the full history.
- Staff (READ only) of either party see agreements that have an active version, and only
  that active version.
- Only directors (MANAGE) of either party change an agreement: edit a draft, submit,
  amend, end; each approves or returns only for their own organisation's side.
- Everyone else: 404 (no leak that it exists). Visible but not allowed to change: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from agreements.models import Agreement, AgreementVersion
from ikc_share.models import Organisation
from ikc_share.permissions import AUDIT, MANAGE, READ, User, get_organisation, has_org_perm, organisations_for

MAX_PK = 2**63 - 1  # a larger number in a URL cannot name a row (and would overflow the database driver)


def _require_pk(pk: int) -> None:
    if not 0 < pk <= MAX_PK:
        raise Http404


def party_filter(orgs: QuerySet, prefix: str = "") -> Q:
    return Q(**{f"{prefix}sending_organisation__in": orgs}) | Q(**{f"{prefix}receiving_organisation__in": orgs})


def agreements_for(user: User) -> QuerySet[Agreement]:
    audit_orgs = organisations_for(user, AUDIT)
    read_orgs = organisations_for(user, READ)
    has_active = Exists(
        AgreementVersion.objects.filter(agreement=OuterRef("pk"), status=AgreementVersion.Status.ACTIVE)
    )
    return Agreement.objects.filter(party_filter(audit_orgs) | (party_filter(read_orgs) & Q(has_active)))


def versions_for(user: User) -> QuerySet[AgreementVersion]:
    audit_orgs = organisations_for(user, AUDIT)
    read_orgs = organisations_for(user, READ)
    return AgreementVersion.objects.filter(
        party_filter(audit_orgs, "agreement__")
        | (party_filter(read_orgs, "agreement__") & Q(status=AgreementVersion.Status.ACTIVE))
    )


def get_agreement(user: User, pk: int) -> Agreement:
    _require_pk(pk)
    agreement = (
        agreements_for(user)
        .select_related("ikc", "sending_organisation", "receiving_organisation")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise Http404
    return agreement


def get_version(user: User, pk: int) -> AgreementVersion:
    _require_pk(pk)
    version = (
        versions_for(user)
        .select_related("agreement__ikc", "agreement__sending_organisation", "agreement__receiving_organisation")
        .filter(pk=pk)
        .first()
    )
    if version is None:
        raise Http404
    return version


def parties(agreement: Agreement) -> tuple[Organisation, Organisation]:
    return agreement.sending_organisation, agreement.receiving_organisation


def can_manage(user: User, agreement: Agreement) -> bool:
    """A director of either party."""
    return any(has_org_perm(user, org, MANAGE) for org in parties(agreement))


def can_audit(user: User, agreement: Agreement) -> bool:
    """A director or privacy officer of either party: drafts and full history."""
    return any(has_org_perm(user, org, AUDIT) for org in parties(agreement))


def require_manage(user: User, agreement: Agreement) -> None:
    if not can_manage(user, agreement):
        raise PermissionDenied


def require_audit(user: User, agreement: Agreement) -> None:
    if not can_audit(user, agreement):
        raise PermissionDenied


def approval_sides(user: User, agreement: Agreement) -> list[Organisation]:
    """The parties for which this user may approve or return (their own side only)."""
    return [org for org in parties(agreement) if has_org_perm(user, org, MANAGE)]


def drafting_organisation(user: User, org_pk: int) -> Organisation:
    """The organisation a director drafts from: 404 for non-members, 403 for members who
    are not its director."""
    _require_pk(org_pk)
    return get_organisation(user, org_pk, need=MANAGE)


def member_organisation(user: User, org_pk: int) -> Organisation:
    """An organisation the user is a member of (404 otherwise)."""
    _require_pk(org_pk)
    return get_organisation(user, org_pk)
