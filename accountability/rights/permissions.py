"""Who may see and handle rights requests. Builds on ikc_share/permissions.py through
ikc_share/accountability/permissions.py (auditors, handlers); nothing here is decided in a
view or template.

- Parents see their own requests only (filed by them, or recorded for them by staff), and
  file one for a child they have parental authority over.
- Staff: the director and the privacy officer (auditors) and privacy contacts (handlers)
  see the organisation's requests; only handlers act on them. Any director or staff member
  may record a request that came in by letter or phone. The privacy officer advises.
- Another organisation, a stranger: 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accountability import permissions as acc
from accountability.rights.models import RightsRequest
from consent import permissions as consent_perms
from ikc_share import permissions as core
from ikc_share.models import Child, Organisation

MAX_ID = 2**63 - 1


def _id(pk: int) -> int:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return pk


# --- Parents --------------------------------------------------------------------------------------


def parent_children(user) -> list[consent_perms.ParentAccess]:
    """The children the signed-in parent may file a request for (with parental authority)."""
    return [a for a in consent_perms.parent_children(user) if a.has_authority]


def get_parent_request(user, pk: int) -> RightsRequest:
    if not user.is_authenticated:
        raise Http404
    request = (
        RightsRequest.objects.select_related("child", "guardian", "organisation", "objection__version__agreement")
        .filter(pk=_id(pk), guardian__user=user)
        .first()
    )
    if request is None:
        raise Http404
    return request


# --- Staff ----------------------------------------------------------------------------------------


def requests_organisation(user, org_pk: int) -> Organisation:
    organisation = core.get_organisation(user, _id(org_pk))
    if not acc.can_see_requests(user, organisation):
        raise PermissionDenied
    return organisation


def recording_organisation(user, org_pk: int) -> Organisation:
    organisation = core.get_organisation(user, _id(org_pk))
    if not acc.can_record_request(user, organisation):
        raise PermissionDenied
    return organisation


def recordable_children(user, organisation: Organisation):
    return core.children_for(user).filter(organisation=organisation)


def get_recordable_child(user, organisation: Organisation, child_pk: int) -> Child:
    child = recordable_children(user, organisation).filter(pk=_id(child_pk)).first()
    if child is None:
        raise Http404
    return child


def get_request(user, pk: int, *, need: str = "read") -> RightsRequest:
    request = (
        RightsRequest.objects.select_related(
            "organisation", "child__location", "guardian", "assignee", "created_by", "objection__version__agreement"
        )
        .filter(pk=_id(pk), organisation__in=core.organisations_for(user, core.READ))
        .first()
    )
    if request is None:
        raise Http404
    allowed = (
        acc.can_handle(user, request.organisation)
        if need == "handle"
        else acc.can_see_requests(user, request.organisation)
    )
    if not allowed:
        raise PermissionDenied
    return request


def may_handle(user, organisation: Organisation) -> bool:
    return acc.can_handle(user, organisation)


def may_advise(user, organisation: Organisation) -> bool:
    return acc.may_advise(user, organisation)


def may_record(user, organisation: Organisation) -> bool:
    return acc.can_record_request(user, organisation)
