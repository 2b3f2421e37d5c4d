"""Who may see and handle rights requests. Builds on ikc_share/permissions.py through
accountability/permissions.py (auditors, handlers); nothing here is decided in a
view or template.

- Parents see their own requests only (filed by them, or recorded for them by staff), and
  file one for a child they have parental authority over.
- Staff: the director and the privacy officer (auditors) and privacy contacts (handlers)
  see the organisation's requests; only handlers act on them. Any director or staff member
  may record a request that came in by letter or phone. The privacy officer advises.
- Another organisation, a stranger: 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accountability import permissions as acc
from accountability.rights import selectors as rights_selectors
from accountability.rights.models import RightsRequest
from consent import permissions as consent_perms
from ikc_share import http
from ikc_share import permissions as core

if TYPE_CHECKING:
    from ikc_share.models import Child, Organisation

# URL ids are bounded by the <id:...> converter (ikc_share/http.py) before a view runs; an
# id from a query string or form goes through http.parse_id.


# --- Parents --------------------------------------------------------------------------------------


def parent_children(user) -> list[consent_perms.ParentAccess]:
    """The children the signed-in parent may file a request for (with parental authority)."""
    return [a for a in consent_perms.parent_children(user) if a.has_authority]


def require_parent_children(user) -> list[consent_perms.ParentAccess]:
    """The children the parent may file a request for; 404 when there are none."""
    children = parent_children(user)
    if not children:
        raise Http404
    return children


def get_parent_request(user, pk: int) -> RightsRequest:
    if not user.is_authenticated:
        raise Http404
    request = (
        RightsRequest.objects.select_related("child", "guardian", "organisation", "objection__version__agreement")
        .filter(pk=pk, guardian__user=user)
        .first()
    )
    if request is None:
        raise Http404
    return request


def get_parent_fulfilled_request(user, pk: int) -> RightsRequest:
    """The parent's own request, once fulfilled (its access export may then be downloaded)."""
    request = get_parent_request(user, pk)
    if rights_selectors.effective_status(request) != RightsRequest.Status.FULFILLED:
        raise Http404
    return request


def released_export_file(request: RightsRequest, fmt: str):
    """The released access export's file in `fmt` ("json" or "pdf"): the only version a
    parent downloads (the handler reviewed its free texts, art. 15(4)); 404 before."""
    field = {"json": request.released_json, "pdf": request.released_pdf}.get(fmt)
    if field is None or not field or request.export_status != RightsRequest.ExportStatus.RELEASED:
        raise Http404
    return field


def staff_export_file(request: RightsRequest, fmt: str) -> tuple[object, bool]:
    """(file, released) for the staff download: the released export once there is one,
    else the prepared one under review; 404 while neither is there."""
    if request.export_status == RightsRequest.ExportStatus.RELEASED:
        return released_export_file(request, fmt), True
    field = {"json": request.export_json, "pdf": request.export_pdf}.get(fmt)
    ready = (RightsRequest.ExportStatus.READY, RightsRequest.ExportStatus.RELEASING)
    if field is None or not field or request.export_status not in ready:
        raise Http404
    return field, False


# --- Staff ----------------------------------------------------------------------------------------


def requests_organisation(user, org_pk: int) -> Organisation:
    organisation = core.get_organisation(user, org_pk)
    if not acc.can_see_requests(user, organisation):
        raise PermissionDenied
    return organisation


def recording_organisation(user, org_pk: int) -> Organisation:
    organisation = core.get_organisation(user, org_pk)
    if not acc.can_record_request(user, organisation):
        raise PermissionDenied
    return organisation


def recordable_children(user, organisation: Organisation):
    return core.children_for(user).filter(organisation=organisation)


def get_recordable_child(user, organisation: Organisation, child_pk: int | str) -> Child:
    """The child (its id from the query string or form) the user may record a request for."""
    pk = http.parse_id(child_pk)
    child = recordable_children(user, organisation).filter(pk=pk).first() if pk is not None else None
    if child is None:
        raise Http404
    return child


def get_request(user, pk: int, *, need: str = "read") -> RightsRequest:
    may = acc.can_handle if need == "handle" else acc.can_see_requests
    return core.get_in_organisations(
        RightsRequest.objects.select_related(
            "organisation", "child__location", "guardian", "assignee", "created_by", "objection__version__agreement"
        ),
        user,
        pk,
        may=lambda organisation: may(user, organisation),
    )


def may_handle(user, organisation: Organisation) -> bool:
    return acc.can_handle(user, organisation)


def may_advise(user, organisation: Organisation) -> bool:
    return acc.may_advise(user, organisation)


def may_record(user, organisation: Organisation) -> bool:
    return acc.can_record_request(user, organisation)
