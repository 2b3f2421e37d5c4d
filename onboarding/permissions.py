"""Who may use the onboarding pages. Builds on ikc_share/permissions.py.

- The operator console is the one place where superuser status counts: `require_operator`
  (an active superuser; everyone else gets 404, so the console does not reveal itself).
- Importing children into an organisation: its director, or a staff member of that
  organisation whom the director authorised (ImportPermission). Someone who is not a
  member of the organisation gets 404; a member without the right gets 403.
- Invitations of an organisation: readable like the member list (director, privacy
  officer); resent or revoked by the director.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ikc_share import permissions as core
from ikc_share import selectors as core_selectors
from ikc_share.choices import MembershipRole
from onboarding import columns as column_defs
from onboarding.models import ImportJob, ImportPermission, Invitation

if TYPE_CHECKING:
    from ikc_share.models import Organisation

is_operator = core.is_operator


def require_operator(user) -> None:
    """404 unless the user is an active superuser (the operator)."""
    if not is_operator(user):
        raise Http404


def operator_needs_second_factor(user) -> bool:
    """Where two-factor login is required (production), the operator needs it too."""
    return bool(settings.OTP_REQUIRED_FOR_ROLES) and not user.is_verified()


def get_organisation(user, pk: int, *, need: str = core.READ) -> Organisation:
    """The core's helper (404 for non-members, 403 without `need`). URL ids are bounded by
    the `<id:>` converter (ikc_share/http.py) before they get here."""
    return core.get_organisation(user, pk, need=need)


# --- Importing ---------------------------------------------------------------------------------


def can_import(user, organisation: Organisation) -> bool:
    if core.has_org_perm(user, organisation, core.MANAGE):
        return True
    if not core.has_org_perm(user, organisation, core.ACT):
        return False
    return ImportPermission.objects.filter(
        membership__user=user,
        membership__organisation=organisation,
        membership__is_active=True,
        membership__role=MembershipRole.STAFF,
    ).exists()


def get_import_organisation(user, pk: int) -> Organisation:
    organisation = core.get_organisation(user, pk)  # 404 for non-members
    if not can_import(user, organisation):
        raise PermissionDenied
    return organisation


def get_import_template(user, org_pk: int, preset: str) -> str:
    """The preset of a template download for someone who may import into the organisation
    (404 for an unknown preset)."""
    get_import_organisation(user, org_pk)
    if preset not in column_defs.PRESETS:
        raise Http404
    return preset


def get_import_job(user, pk: int) -> ImportJob:
    return core.get_in_organisations(
        ImportJob.objects.select_related("organisation", "default_location"),
        user,
        pk,
        may=lambda organisation: can_import(user, organisation),
    )


def may_mark_leavers(user, organisation: Organisation) -> bool:
    """Marking children as left starts their retention clock: the director decides."""
    return core.has_org_perm(user, organisation, core.MANAGE)


def get_leavers_job(user, pk: int) -> ImportJob:
    job = get_import_job(user, pk)
    if not may_mark_leavers(user, job.organisation):
        raise PermissionDenied
    return job


def get_import_permission(user, pk: int) -> ImportPermission:
    return core.get_in_organisations(
        ImportPermission.objects.select_related("membership__organisation", "membership__user"),
        user,
        pk,
        may=lambda organisation: core.has_org_perm(user, organisation, core.MANAGE),
        via="membership__organisation",
    )


# --- Invitations --------------------------------------------------------------------------------


def get_invitation(user, pk: int, *, need: str = core.MANAGE) -> Invitation:
    return core.get_in_organisations(
        Invitation.objects.select_related("organisation", "user", "membership"),
        user,
        pk,
        may=lambda organisation: core.has_org_perm(user, organisation, need),
    )


def get_operator_invitation(user, pk: int) -> Invitation:
    require_operator(user)
    invitation = (
        Invitation.objects.select_related("organisation", "user", "membership")
        .filter(pk=pk, kind=Invitation.Kind.MEMBER, membership__role=MembershipRole.DIRECTOR)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def get_operator_organisation(user, pk: int) -> Organisation:
    require_operator(user)
    organisation = core_selectors.organisations().select_related("ikc").filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def get_operator_ikc(user, pk: int):
    require_operator(user)
    ikc = core_selectors.ikcs().prefetch_related("organisations__locations").filter(pk=pk).first()
    if ikc is None:
        raise Http404
    return ikc
