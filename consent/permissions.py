"""Who may see and change what in the consent app, built on ikc_share/permissions.py.

Pattern: fetch through a queryset filtered to what the user may see (absent → 404, so
nobody learns that a child or agreement exists), then check the change permission (→ 403).

- Parents: a child is visible to a guardian of that child (their own Guardian record).
  Only a guardian WITH parental authority decides, withdraws, objects or sees decisions;
  a guardian without authority reads the generic letter only.
- Staff of the SENDING organisation: the coverage page and a child's consent page for
  children they may read (their locations); starting rounds and recording paper
  decisions, withdrawals and notices needs ACT (director, staff). The privacy officer
  reads and exports (AUDIT) but decides nothing. Objections are decided by the sending
  organisation's director (MANAGE), not the privacy officer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from agreements.models import AgreementVersion
from consent.models import ConsentDecision, ConsentRound, Objection
from ikc_share import permissions as core
from ikc_share.models import Child, Guardian, Guardianship, Organisation

READ, ACT, MANAGE, AUDIT = core.READ, core.ACT, core.MANAGE, core.AUDIT


# --- Parents ------------------------------------------------------------------------------------


@dataclass
class ParentAccess:
    child: Child
    guardian: Guardian  # the signed-in person's own record at the child's organisation
    has_authority: bool


def get_parent_child(user, child_pk: int) -> ParentAccess:
    """404 unless the user is a guardian of this child (with or without authority)."""
    if not user.is_authenticated:
        raise Http404
    ships = (
        Guardianship.objects.filter(child_id=child_pk, guardian__user=user)
        .select_related("guardian", "child__organisation", "child__location")
        .order_by("-has_parental_authority", "pk")
    )
    ship = next((s for s in ships if s.guardian.organisation_id == s.child.organisation_id), None)
    if ship is None:
        raise Http404
    return ParentAccess(child=ship.child, guardian=ship.guardian, has_authority=ship.has_parental_authority)


def parent_children(user) -> list[ParentAccess]:
    if not user.is_authenticated:
        return []
    ships = (
        Guardianship.objects.filter(guardian__user=user)
        .select_related("guardian", "child__organisation", "child__location")
        .order_by("child__first_name", "-has_parental_authority", "pk")
    )
    seen: dict[int, ParentAccess] = {}
    for s in ships:
        if s.guardian.organisation_id != s.child.organisation_id or s.child_id in seen:
            continue
        seen[s.child_id] = ParentAccess(child=s.child, guardian=s.guardian, has_authority=s.has_parental_authority)
    return list(seen.values())


def require_authority(access: ParentAccess) -> None:
    if not access.has_authority:
        raise PermissionDenied


def get_parent_version(access: ParentAccess, version_pk: int) -> AgreementVersion:
    """An ACTIVE version under which the child's organisation sends; 404 otherwise."""
    version = (
        AgreementVersion.objects.filter(
            pk=version_pk,
            status=AgreementVersion.Status.ACTIVE,
            agreement__sending_organisation_id=access.child.organisation_id,
        )
        .select_related("agreement__sending_organisation", "agreement__receiving_organisation")
        .first()
    )
    if version is None:
        raise Http404
    return version


# --- Staff ----------------------------------------------------------------------------------------


def get_sending_version(user, version_pk: int, *, need: str = READ) -> AgreementVersion:
    """A version whose SENDING organisation the user is a member of (404 otherwise; 403
    when the member lacks `need`). Consent is asked by the sender, the controller of what
    it sends."""
    version = (
        AgreementVersion.objects.filter(
            pk=version_pk, agreement__sending_organisation__in=core.organisations_for(user, READ)
        )
        .select_related("agreement__sending_organisation", "agreement__receiving_organisation")
        .first()
    )
    if version is None:
        raise Http404
    if need != READ and not core.has_org_perm(user, version.agreement.sending_organisation, need):
        raise PermissionDenied
    return version


def get_staff_child_version(
    user, child_pk: int, version_pk: int, *, need: str = READ
) -> tuple[Child, AgreementVersion]:
    child = core.get_child(user, child_pk)  # 404 unless the user may read this child
    version = (
        AgreementVersion.objects.filter(pk=version_pk, agreement__sending_organisation_id=child.organisation_id)
        .select_related("agreement__sending_organisation", "agreement__receiving_organisation")
        .first()
    )
    if version is None:
        raise Http404
    if need != READ and not core.has_org_perm(user, child.organisation, need):
        raise PermissionDenied
    return child, version


def get_staff_child(user, child_pk: int, *, need: str = READ) -> Child:
    child = core.get_child(user, child_pk)
    if need != READ and not core.has_org_perm(user, child.organisation, need):
        raise PermissionDenied
    return child


def get_round(user, pk: int, *, need: str = READ) -> ConsentRound:
    round_ = (
        ConsentRound.objects.filter(pk=pk, organisation__in=core.organisations_for(user, READ))
        .select_related("version__agreement", "organisation", "location", "started_by")
        .first()
    )
    if round_ is None:
        raise Http404
    if need != READ and not core.has_org_perm(user, round_.organisation, need):
        raise PermissionDenied
    return round_


def get_objection(user, pk: int, *, need: str = READ) -> Objection:
    objection = (
        Objection.objects.filter(pk=pk, child__in=core.children_for(user))
        .select_related("child__organisation", "guardian", "version__agreement", "decided_by")
        .first()
    )
    if objection is None:
        raise Http404
    if need != READ and not core.has_org_perm(user, objection.child.organisation, need):
        raise PermissionDenied
    return objection


def get_decision_scan(user, pk: int) -> ConsentDecision:
    """The scan of a paper form: members who may read the child and act or audit."""
    decision = ConsentDecision.objects.filter(pk=pk, child__in=core.children_for(user)).exclude(scan="").first()
    if decision is None:
        raise Http404
    return decision


def organisation_for_overview(user, org_pk: int) -> Organisation:
    return core.get_organisation(user, org_pk)


def may(user, organisation: Organisation, need: str) -> bool:
    return core.has_org_perm(user, organisation, need)
