"""Who may use the accountability pages. Builds on ikc_share/permissions.py (the ONLY place
that decides access); views never decide on their own.

- Auditors (AUDIT: the director and the privacy officer) read everything of their own
  organisation: the dashboard, the audit browser and its exports, the register, the
  retention schedule, incidents and rights requests; they start a verification or a report.
- Handlers decide: the director (MANAGE), or a staff member the director marked as privacy
  contact (Membership.is_privacy_contact). They handle rights requests and incidents and
  see those pages, but not the audit browser (unless they are an auditor too).
- The privacy officer advises (advice notes) and decides nothing (art. 38(6)): no handler
  action is open to them.
- Changing the organisation's own texts and periods (security measures, retention) is the
  director's (MANAGE).
- The OTHER organisation of the IKC sees an incident only through the notice it was sent
  (its director and privacy officer), read-only.

Pattern: not a member → 404 (nothing leaks); a member without the right → 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accountability.models import AdviceNote, AuditReport, Incident, IncidentNotice, Processor, VerificationJob
from accountability.rights.models import RightsRequest
from accountability.schedule import DEFAULTS, RetentionDefault
from ikc_share import permissions as core
from ikc_share import selectors as core_selectors
from ikc_share.choices import MembershipRole

if TYPE_CHECKING:
    from ikc_share.models import Membership, Organisation

# URL ids are bounded by the <id:...> converter (ikc_share/http.py) before a view runs.


def _membership(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return core_selectors.memberships().filter(user=user, organisation=organisation, is_active=True).first()


def can_audit(user, organisation: Organisation) -> bool:
    return core.has_org_perm(user, organisation, core.AUDIT)


def can_manage(user, organisation: Organisation) -> bool:
    return core.has_org_perm(user, organisation, core.MANAGE)


def is_privacy_officer(user, organisation: Organisation) -> bool:
    m = _membership(user, organisation)
    return bool(m and m.role == MembershipRole.PRIVACY_OFFICER)


def can_handle(user, organisation: Organisation) -> bool:
    """The director, or a staff member marked as privacy contact (never the FG as such)."""
    return core.handles_rights(user, organisation)


def can_see_requests(user, organisation: Organisation) -> bool:
    return can_audit(user, organisation) or can_handle(user, organisation)


def can_record_request(user, organisation: Organisation) -> bool:
    """Any director or staff member may record a request received by letter or phone."""
    return core.has_org_perm(user, organisation, core.ACT)


def may_advise(user, organisation: Organisation) -> bool:
    return is_privacy_officer(user, organisation)


def advise_and_handle(user, organisation: Organisation) -> tuple[bool, bool]:
    """(may_advise, can_handle) with one permission and one membership query: the
    dashboard asks both."""
    if not user.is_authenticated:
        return False, False
    m = _membership(user, organisation)
    advise = bool(m and m.role == MembershipRole.PRIVACY_OFFICER)
    handle = core.MANAGE in core.org_perms(user, organisation.pk) or bool(
        m and m.is_privacy_contact and m.role == MembershipRole.STAFF
    )
    return advise, handle


def get_organisation(user, pk: int, *, need: str = core.READ) -> Organisation:
    return core.get_organisation(user, pk, need=need)


def auditor_organisation(user, pk: int) -> Organisation:
    """Dashboard, audit browser, register, retention: director and privacy officer."""
    return core.get_organisation(user, pk, need=core.AUDIT)


def manager_organisation(user, pk: int) -> Organisation:
    return core.get_organisation(user, pk, need=core.MANAGE)


def incidents_organisation(user, pk: int) -> Organisation:
    organisation = core.get_organisation(user, pk)
    if not can_see_requests(user, organisation):
        raise PermissionDenied
    return organisation


def handler_organisation(user, pk: int) -> Organisation:
    organisation = core.get_organisation(user, pk)
    if not can_handle(user, organisation):
        raise PermissionDenied
    return organisation


def advice_organisation(user, pk: int) -> Organisation:
    organisation = core.get_organisation(user, pk)
    if not may_advise(user, organisation):
        raise PermissionDenied
    return organisation


def get_incident(user, pk: int, *, need: str = "read") -> Incident:
    """Read: auditors and handlers of the incident's organisation. "handle": handlers only."""
    may = can_handle if need == "handle" else can_see_requests
    return core.get_in_organisations(
        Incident.objects.select_related("organisation", "recorded_by"),
        user,
        pk,
        may=lambda organisation: may(user, organisation),
    )


def get_processor(user, pk: int) -> Processor:
    """A processor in the register, to change or end: the director of its organisation; 403
    for its other members (the privacy officer reads it on the register page), 404 for
    anyone else."""
    return core.get_in_organisations(
        Processor.objects.select_related("organisation").filter(ended_on__isnull=True),
        user,
        pk,
        may=lambda organisation: can_manage(user, organisation),
    )


def get_incident_notice(user, pk: int) -> IncidentNotice:
    """The other organisation's view of a shared incident: only its own recipients."""
    if not user.is_authenticated:
        raise Http404
    notice = (
        IncidentNotice.objects.select_related("incident__organisation", "organisation")
        .filter(pk=pk, recipient=user, organisation__in=core.organisations_for(user, core.AUDIT))
        .first()
    )
    if notice is None:
        raise Http404
    return notice


def _get_audit_job(model, user, pk: int):
    """A report or verification job of one of the user's organisations (404 otherwise);
    403 unless the user audits that organisation."""
    return core.get_in_organisations(
        model.objects.select_related("organisation"), user, pk, may=lambda organisation: can_audit(user, organisation)
    )


def get_report(user, pk: int) -> AuditReport:
    return _get_audit_job(AuditReport, user, pk)


def get_verification(user, pk: int) -> VerificationJob:
    return _get_audit_job(VerificationJob, user, pk)


def get_downloadable_report(user, pk: int) -> AuditReport:
    """The report (as get_report), 404 while its PDF is not ready."""
    report = get_report(user, pk)
    if report.status != report.Status.DONE or not report.file:
        raise Http404
    return report


def require_export_filter(form) -> None:
    """A hand-made export URL with a bad filter: nothing to export (404)."""
    if form.is_bound and not form.is_valid():
        raise Http404


def require_register_format(fmt: str) -> str:
    """The register exports as CSV or PDF; any other suffix names no page (404)."""
    if fmt not in ("csv", "pdf"):
        raise Http404
    return fmt


def editable_retention(kind: str) -> RetentionDefault:
    """The default of a retention kind the director may change; 404 for any other kind."""
    default = DEFAULTS.get(kind)
    if default is None or not default.editable:
        raise Http404
    return default


def require_advice_subject(organisation: Organisation, subject: str, subject_id: int | None) -> None:
    """Advice on an incident or a rights request names one of the organisation's own (404
    otherwise: nothing of another organisation leaks)."""
    if (
        subject == AdviceNote.Subject.INCIDENT
        and not Incident.objects.filter(pk=subject_id or 0, organisation=organisation).exists()
    ):
        raise Http404
    if (
        subject == AdviceNote.Subject.RIGHTS_REQUEST
        and not RightsRequest.objects.filter(pk=subject_id or 0, organisation=organisation).exists()
    ):
        raise Http404
