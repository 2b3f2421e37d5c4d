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
- Restrictions of processing (art. 18): recorded and lifted by the director of the child's
  organisation or a staff member the director marked as privacy contact (the same
  question as for rights requests); the privacy officer and other staff who may read the
  child see them on the child's consent page (403 on a change). Parents with authority
  see their child's restrictions in the portal.
- A session started from an e-mail link reaches the portal pages only (`require_portal_page`,
  asked by consent/middleware.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from agreements import selectors as agreement_selectors
from agreements.choices import AgreementVersionStatus
from agreements.rules import bases
from consent.models import ConsentDecision, ConsentRound, ConsentRoundMail, Objection, ProcessingRestriction
from ikc_share import permissions as core
from ikc_share import selectors as core_selectors

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian, Organisation

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
        core_selectors.guardianships(children=[child_pk], user=user)
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
        core_selectors.guardianships(user=user)
        .select_related("guardian", "child__organisation", "child__location")
        .order_by("child__first_name", "-has_parental_authority", "pk")
    )
    seen: dict[int, ParentAccess] = {}
    for s in ships:
        if s.guardian.organisation_id != s.child.organisation_id or s.child_id in seen:
            continue
        seen[s.child_id] = ParentAccess(child=s.child, guardian=s.guardian, has_authority=s.has_parental_authority)
    return list(seen.values())


def parent_organisation_ids(user) -> QuerySet:
    """The organisations where this login has a guardian record (a query of their ids, to be
    used as a subquery): the organisations whose children the parent sees in the portal."""
    return core_selectors.guardians_of_user(user_id=user.pk).values("organisation_id")


def require_authority(access: ParentAccess) -> None:
    if not access.has_authority:
        raise PermissionDenied


def get_parent_version(access: ParentAccess, version_pk: int) -> AgreementVersion:
    """An ACTIVE version under which the child's organisation sends and whose scope
    concerns the child now (agreements/rules/scope.py); 404 otherwise."""
    version = (
        agreement_selectors.versions_concerning(
            versions=agreement_selectors.versions_with_parties(), child=access.child, at=timezone.now()
        )
        .filter(
            pk=version_pk,
            status=AgreementVersionStatus.ACTIVE,
            agreement__sending_organisation_id=access.child.organisation_id,
        )
        .first()
    )
    if version is None:
        raise Http404
    return version


def get_parent_version_for_objection(access: ParentAccess, version_pk: int) -> AgreementVersion:
    """`get_parent_version`, and 404 unless parents may object under its basis (e or f)."""
    version = get_parent_version(access, version_pk)
    if not bases.allows_objection(version):
        raise Http404
    return version


def require_consent_basis(version: AgreementVersion) -> None:
    """403 for a decision under a version that asks no consent."""
    if not bases.asks_consent(version):
        raise PermissionDenied


def _require_need(user, organisation: Organisation, need: str) -> None:
    """403 when the member (who may read) lacks `need` in the organisation."""
    if need != READ and not core.has_org_perm(user, organisation, need):
        raise PermissionDenied


# --- Staff ----------------------------------------------------------------------------------------


def get_sending_version(user, version_pk: int, *, need: str = READ) -> AgreementVersion:
    """A version whose SENDING organisation the user is a member of (404 otherwise; 403
    when the member lacks `need`). Consent is asked by the sender, the controller of what
    it sends."""
    version = (
        agreement_selectors.versions_with_parties()
        .filter(pk=version_pk, agreement__sending_organisation__in=core.organisations_for(user, READ))
        .first()
    )
    if version is None:
        raise Http404
    _require_need(user, version.agreement.sending_organisation, need)
    return version


def get_staff_child_version(
    user, child_pk: int, version_pk: int, *, need: str = READ
) -> tuple[Child, AgreementVersion]:
    child = core.get_child(user, child_pk)  # 404 unless the user may read this child
    version = (
        agreement_selectors.versions_with_parties()
        .filter(pk=version_pk, agreement__sending_organisation_id=child.organisation_id)
        .first()
    )
    if version is None:
        raise Http404
    _require_need(user, child.organisation, need)
    return child, version


def get_staff_child(user, child_pk: int, *, need: str = READ) -> Child:
    child = core.get_child(user, child_pk)
    _require_need(user, child.organisation, need)
    return child


def get_round(user, pk: int, *, need: str = READ) -> ConsentRound:
    round_ = (
        ConsentRound.objects.filter(pk=pk, organisation__in=core.organisations_for(user, READ))
        .select_related("version__agreement", "organisation", "location", "started_by")
        .first()
    )
    if round_ is None:
        raise Http404
    _require_need(user, round_.organisation, need)
    return round_


def get_round_paper_mail(round_: ConsentRound, mail_pk: int) -> ConsentRoundMail:
    """A paper request of this round (the round already fetched through `get_round`)."""
    mail = round_.mails.filter(pk=mail_pk, channel=ConsentRoundMail.Channel.PAPER).select_related("guardian").first()
    if mail is None:
        raise Http404
    return mail


def get_objection(user, pk: int, *, need: str = READ) -> Objection:
    objection = (
        Objection.objects.filter(pk=pk, child__in=core.children_for(user))
        .select_related("child__organisation", "guardian", "version__agreement", "decided_by")
        .first()
    )
    if objection is None:
        raise Http404
    _require_need(user, objection.child.organisation, need)
    return objection


def may_handle_restrictions(user, organisation: Organisation) -> bool:
    """Who records and lifts restrictions: who handles parents' rights (the director, or a
    staff member marked as privacy contact; never the privacy officer as such)."""
    return core.handles_rights(user, organisation)


def get_restriction_child(user, child_pk: int) -> Child:
    """The child whose processing the user restricts: 404 unless the user may read the
    child, 403 unless they handle restrictions for its organisation."""
    child = core.get_child(user, child_pk)
    require(may_handle_restrictions(user, child.organisation))
    return child


def get_restriction(user, pk: int) -> ProcessingRestriction:
    """A restriction to lift: 404 unless the user may read its child, 403 unless they
    handle restrictions for the child's organisation."""
    restriction = (
        ProcessingRestriction.objects.filter(pk=pk, child__in=core.children_for(user))
        .select_related("child__organisation", "category")
        .first()
    )
    if restriction is None:
        raise Http404
    require(may_handle_restrictions(user, restriction.child.organisation))
    return restriction


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


RECORD_FORMATS = ("json", "pdf")


def require_record_format(fmt: str) -> None:
    """A consent record exists as JSON and PDF only; any other name is no page (404)."""
    if fmt not in RECORD_FORMATS:
        raise Http404


def require(allowed: bool) -> None:
    """403 unless a permission the page already asked (e.g. `may(...)`) was granted."""
    if not allowed:
        raise PermissionDenied


# The portal, its assets, the language switch, logging out, and the public letter pages
# (anyone holding a letter's unguessable link may read it; the portal links its PDF).
PORTAL_PREFIXES = ("/portal/", "/static/", "/i18n/", "/account/logout/", "/agreements/letters/")


def require_portal_page(path: str) -> None:
    """A session started from an e-mail link reaches these pages only (404 elsewhere;
    consent/middleware.py asks for every request of such a session)."""
    if not path.startswith(PORTAL_PREFIXES):
        raise Http404("A session started from an e-mail link reaches the parent portal only.")
