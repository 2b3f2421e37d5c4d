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

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementVersion
from ikc_share.permissions import AUDIT, MANAGE, READ, User, get_organisation, has_org_perm, organisations_for

if TYPE_CHECKING:
    from ikc_share.models import Organisation


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


def _visible_or_404(visible: QuerySet, pk: int):
    found = visible.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_agreement(user: User, pk: int) -> Agreement:
    """The agreement, if the user may see it (404 otherwise)."""
    return _visible_or_404(
        agreements_for(user).select_related("ikc", "sending_organisation", "receiving_organisation"), pk
    )


def get_version(user: User, pk: int) -> AgreementVersion:
    """The version, if the user may see it (404 otherwise)."""
    return _visible_or_404(
        versions_for(user).select_related(
            "agreement__ikc", "agreement__sending_organisation", "agreement__receiving_organisation"
        ),
        pk,
    )


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


def require_director(user: User | None, organisation: Organisation) -> None:
    """For a service: 403 unless the user directs `organisation`."""
    if user is None or not has_org_perm(user, organisation, MANAGE):
        raise PermissionDenied(_("Alleen een directeur van %(org)s kan dit doen.") % {"org": organisation.name})


def require_party_director(user: User | None, agreement: Agreement) -> None:
    """For a service: 403 unless the user directs one of the agreement's parties."""
    if user is None or not can_manage(user, agreement):
        raise PermissionDenied(_("Alleen een directeur van een van beide organisaties kan dit doen."))


def require_drafting_director(user: User | None, sending: Organisation, receiving: Organisation) -> None:
    """For a service: 403 unless the user directs the sending or the receiving organisation."""
    if user is None or not (has_org_perm(user, sending, MANAGE) or has_org_perm(user, receiving, MANAGE)):
        raise PermissionDenied(
            _("U kunt alleen een afspraak opstellen waarbij uw eigen organisatie verzendt of ontvangt, als directeur.")
        )


def approval_sides(user: User, agreement: Agreement) -> list[Organisation]:
    """The parties for which this user may approve or return (their own side only)."""
    return [org for org in parties(agreement) if has_org_perm(user, org, MANAGE)]


def decision_side(user: User, agreement: Agreement, chosen: int | None) -> Organisation | None:
    """The organisation the user approves or returns for: one of the sides they direct (403
    when none, or when `chosen` is not one of them); None when they direct both and did not
    choose."""
    sides = approval_sides(user, agreement)
    if not sides:
        raise PermissionDenied
    if chosen:
        side = next((org for org in sides if org.pk == chosen), None)
        if side is None:
            raise PermissionDenied
        return side
    if len(sides) > 1:
        return None
    return sides[0]


def can_draft(user: User, organisation: Organisation) -> bool:
    """A director of the organisation: may draft a new agreement from it."""
    return has_org_perm(user, organisation, MANAGE)


def drafting_organisation(user: User, org_pk: int) -> Organisation:
    """The organisation a director drafts from: 404 for non-members, 403 for members who
    are not its director."""
    return get_organisation(user, org_pk, need=MANAGE)


def member_organisation(user: User, org_pk: int) -> Organisation:
    """An organisation the user is a member of (404 otherwise)."""
    return get_organisation(user, org_pk)
