"""Pages for rights requests: the parent's in the portal (file, follow, download the access
export) and the staff's (list, record one received by letter or phone, handle: status,
extension, assignee, access export, erasure). Thin: permission helper → form → one
service → redirect with a message."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accountability.deadlines import deadline_state
from accountability.forms import AdviceForm
from accountability.models import AdviceNote
from accountability.rights import permissions as perms
from accountability.rights import redaction
from accountability.rights import release as rights_release
from accountability.rights import rules as rights_rules
from accountability.rights import selectors as rights_selectors
from accountability.rights import services as rights_services
from accountability.rights.forms import (
    KIND_HELP,
    AssignForm,
    ExportReviewForm,
    ExtendForm,
    PortalRequestForm,
    RecordRequestForm,
    StatusForm,
)
from accountability.rights.models import RightsRequest
from accountability.selectors import advice_for
from accountability.views.common import form_errors_to_messages
from ikc_share import http

portal_login_required = login_required(login_url="consent:portal-login")


def _handle(
    request: HttpRequest, rr: RightsRequest, action: Callable[[], object], success: str, *, form=None
) -> HttpResponse:
    """Run one handler service on the request, once its posted form (if any) is valid; the
    form's errors, the service's errors or the success message show on the request's page."""
    if form is not None and not form.is_valid():
        form_errors_to_messages(request, form)
    else:
        http.call_service(request, action, success=success)
    return redirect("consent:rights-detail", pk=rr.pk)


def _download(request: HttpRequest, rr: RightsRequest, fmt: str, *, by_parent: bool) -> FileResponse:
    """The request's access export (json or pdf) as a private download, audited: a parent
    gets the released version only; staff the released one, or the prepared one under review."""
    if by_parent:
        field, released = perms.released_export_file(rr, fmt), True
    else:
        field, released = perms.staff_export_file(rr, fmt)
    draft = "" if released else "concept-"
    name = f"inzage-{draft}{rr.child.first_name.lower()}-{rr.export_generated_at:%Y%m%d}.{fmt}"
    content_type = "application/json" if fmt == "json" else "application/pdf"
    response = FileResponse(field.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    rights_services.rights_request_export_downloaded(request=rr, actor=request.user, fmt=fmt, by_parent=by_parent)
    return http.private(response)


# --- Parents ------------------------------------------------------------------------------------


@require_GET
@portal_login_required
def portal_list(request: HttpRequest) -> HttpResponse:
    rows = rights_selectors.requests_for_parent(user=request.user, today=timezone.localdate())
    return http.private(
        render(
            request,
            "accountability/rights/portal_list.html",
            {"rows": rows, "may_file": bool(perms.parent_children(request.user))},
        )
    )


@require_http_methods(["GET", "POST"])
@portal_login_required
def portal_new(request: HttpRequest) -> HttpResponse:
    children = perms.require_parent_children(request.user)
    by_child = {a.child.pk: a for a in children}
    versions = rights_selectors.objection_versions(organisation_ids={a.child.organisation_id for a in children})
    initial = {}
    asked = http.parse_id(request.GET.get("child"))  # ASCII digits only: "²" is no id
    if asked in by_child:
        initial["child"] = asked
    form = PortalRequestForm(
        request.POST or None,
        initial=initial,
        children=[(a.child.pk, f"{a.child.first_name} ({a.child.organisation.name})") for a in children],
        versions=versions,
    )
    if request.method == "POST" and form.is_valid():
        access = by_child[form.cleaned_data["child"]]
        rr = http.service_result(
            request,
            lambda: rights_services.rights_request_submit(
                child=access.child,
                guardian=access.guardian,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                version=rights_selectors.version_or_none(pk=form.cleaned_data.get("version")),
                actor=request.user,
            ),
            success=lambda rr: (
                _("Uw verzoek is ontvangen. U krijgt uiterlijk %(date)s antwoord.")
                % {"date": rr.due_on.strftime("%d-%m-%Y")}
            ),
        )
        if rr is not None:
            return redirect("consent:rights-portal-detail", pk=rr.pk)
    return http.private(
        render(request, "accountability/rights/portal_new.html", {"form": form, "kind_help": KIND_HELP})
    )


@require_GET
@portal_login_required
def portal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rr = perms.get_parent_request(request.user, pk)
    status = rights_selectors.effective_status(rr)
    export_ready = status == RightsRequest.Status.FULFILLED and rr.export_status == RightsRequest.ExportStatus.RELEASED
    # A refusal, or an export with texts left out (art. 15(4)), names the remedy.
    refused = status == RightsRequest.Status.REJECTED or (export_ready and rr.export_review.get("redacted"))
    return http.private(
        render(
            request,
            "accountability/rights/portal_detail.html",
            {
                "rr": rr,
                "status": status,
                "status_label": RightsRequest.Status(status).label,
                "steps": rights_selectors.steps_of(rr),
                "deadline": deadline_state(rr.due_on, timezone.localdate())
                if status in RightsRequest.OPEN_STATUSES
                else None,
                "export_ready": export_ready,
                "remedy": rights_rules.remedy_for(organisation=rr.organisation) if refused else None,
            },
        )
    )


@require_GET
@portal_login_required
def portal_export(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    return _download(request, perms.get_parent_fulfilled_request(request.user, pk), fmt, by_parent=True)


# --- Staff --------------------------------------------------------------------------------------


@require_GET
@login_required
def staff_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.requests_organisation(request.user, org_pk)
    state = "closed" if request.GET.get("state") == "closed" else "open"
    rows = rights_selectors.requests_for_organisation(
        organisation=organisation, today=timezone.localdate(), state=state
    )
    children = (
        perms.recordable_children(request.user, organisation).order_by("first_name", "last_name")
        if perms.may_record(request.user, organisation)
        else None
    )
    return render(
        request,
        "accountability/rights/staff_list.html",
        {"organisation": organisation, "rows": rows, "state": state, "children": children, "section": "requests"},
    )


@require_http_methods(["GET", "POST"])
@login_required
def staff_record(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.recording_organisation(request.user, org_pk)
    raw_child = request.GET.get("child") or request.POST.get("child") or ""
    if http.parse_id(raw_child) is None:
        children = perms.recordable_children(request.user, organisation).order_by("first_name", "last_name")
        return render(
            request,
            "accountability/rights/staff_pick_child.html",
            {"organisation": organisation, "children": children, "section": "requests"},
        )
    child = perms.get_recordable_child(request.user, organisation, raw_child)
    guardians = rights_selectors.guardians_of_child(child=child, organisation=organisation)
    form = RecordRequestForm(
        request.POST or None,
        guardians=[(pk, g.full_name) for pk, g in guardians.items()],
        versions=rights_selectors.objection_versions(organisation_ids=[organisation.pk]),
    )
    if request.method == "POST" and form.is_valid():
        rr = http.service_result(
            request,
            lambda: rights_services.rights_request_submit(
                child=child,
                guardian=guardians[form.cleaned_data["guardian"]],
                kind=form.cleaned_data["kind"],
                channel=form.cleaned_data["channel"],
                received_on=form.cleaned_data["received_on"],
                description=form.cleaned_data["description"],
                version=rights_selectors.version_or_none(pk=form.cleaned_data.get("version")),
                actor=request.user,
            ),
            success=_("Het verzoek is vastgelegd."),
        )
        if rr is not None:
            if perms.may_handle(request.user, organisation):
                return redirect("consent:rights-detail", pk=rr.pk)
            return redirect("ikc_share:child-detail", pk=child.pk)
    return render(
        request,
        "accountability/rights/staff_record.html",
        {"organisation": organisation, "child": child, "form": form, "section": "requests"},
    )


@require_GET
@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rr = perms.get_request(request.user, pk)
    organisation = rr.organisation
    today = timezone.localdate()
    status = rights_selectors.effective_status(rr)
    may_handle = perms.may_handle(request.user, organisation)
    context = {
        "organisation": organisation,
        "rr": rr,
        "status": status,
        "status_label": RightsRequest.Status(status).label,
        "deadline": deadline_state(rr.due_on, today) if rr.is_open else None,
        "steps": rights_selectors.steps_of(rr),
        "may_handle": may_handle,
        "may_advise": perms.may_advise(request.user, organisation),
        "advice": advice_for(organisation=organisation, subject=AdviceNote.Subject.RIGHTS_REQUEST, subject_id=rr.pk),
        "advice_form": AdviceForm(
            initial={"subject": AdviceNote.Subject.RIGHTS_REQUEST, "subject_id": rr.pk, "next": request.path}
        ),
        "section": "requests",
        "export_kind": rr.kind in rights_rules.EXPORT_KINDS,
        "may_review": may_handle and rights_rules.review_problem(request=rr) is None,
        "review_counts": {k: len(rr.export_review.get(k) or ()) for k in ("redacted", "edited")},
        "remedy": rights_rules.remedy_for(organisation=organisation),
    }
    if rr.kind == RightsRequest.Kind.ERASURE:
        context["plan"] = rights_rules.erasure_plan(request=rr, today=today)
    if may_handle and rr.is_open:
        statuses = [(s, RightsRequest.Status(s).label) for s in rights_rules.NEXT.get(rr.status, ())]
        context["status_form"] = StatusForm(statuses=statuses)
        if rights_rules.extension_problem(request=rr, months=2, reason="-", today=today) is None:
            context["extend_form"] = ExtendForm()
        context["assign_form"] = AssignForm(
            initial={"assignee": rr.assignee_id}, handlers=rights_selectors.handler_choices(organisation=organisation)
        )
    return render(request, "accountability/rights/staff_detail.html", context)


@require_POST
@login_required
def staff_status(request: HttpRequest, pk: int) -> HttpResponse:
    rr = perms.get_request(request.user, pk, need="handle")
    form = StatusForm(request.POST, statuses=[(s, s) for s in rights_rules.NEXT.get(rr.status, ())])
    return _handle(
        request,
        rr,
        lambda: rights_services.rights_request_set_status(
            request=rr, status=form.cleaned_data["status"], message=form.cleaned_data["message"], actor=request.user
        ),
        _("De status is gewijzigd; de ouder ziet hem in het ouderportaal."),
        form=form,
    )


@require_POST
@login_required
def staff_extend(request: HttpRequest, pk: int) -> HttpResponse:
    rr = perms.get_request(request.user, pk, need="handle")
    form = ExtendForm(request.POST)
    return _handle(
        request,
        rr,
        lambda: rights_services.rights_request_extend(
            request=rr, months=form.cleaned_data["months"], reason=form.cleaned_data["reason"], actor=request.user
        ),
        _("De termijn is verlengd; de ouder leest de reden in het ouderportaal."),
        form=form,
    )


@require_POST
@login_required
def staff_assign(request: HttpRequest, pk: int) -> HttpResponse:
    rr = perms.get_request(request.user, pk, need="handle")
    form = AssignForm(request.POST, handlers=rights_selectors.handler_choices(organisation=rr.organisation))

    def assign() -> None:
        assignee = form.cleaned_data["assignee"]  # a member's user id, or None
        if assignee is not None:
            assignee = rights_selectors.member_user(organisation=rr.organisation, user_id=assignee)
        rights_services.rights_request_assign(request=rr, assignee=assignee, actor=request.user)

    return _handle(request, rr, assign, _("Het verzoek is toegewezen."), form=form)


@require_POST
@login_required
def staff_export_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    rr = perms.get_request(request.user, pk, need="handle")
    return _handle(
        request,
        rr,
        lambda: rights_services.rights_request_export_prepare(request=rr, actor=request.user),
        _("De gegevens worden verzameld. Controleer de inzage voordat u het verzoek afhandelt."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def staff_export_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Before release: the handler reads every free text of the prepared export and keeps,
    edits or leaves out each one (art. 15(4)), then releases it."""
    rr = perms.get_request(request.user, pk, need="handle")
    problem = rights_rules.review_problem(request=rr)
    data = rights_release.prepared_data(rr) if problem is None else None
    if data is None:
        messages.error(request, problem or _("De verzamelde gegevens zijn niet meer te lezen. Verzamel ze opnieuw."))
        return redirect("consent:rights-detail", pk=rr.pk)
    texts = redaction.free_texts(data)
    earlier = rr.export_review if rr.export_review.get("sha256") == rr.export_sha256 else None
    form = ExportReviewForm(
        request.POST or None,
        texts=texts,
        sha256=rr.export_sha256,
        review=redaction.Review.from_json(earlier) if earlier else None,
    )
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: rights_services.rights_request_export_release(
                request=rr, sha256=form.cleaned_data["sha256"], answers=form.answers(), actor=request.user
            ),
            success=_("De inzage wordt vrijgegeven. Daarna kunt u het verzoek afhandelen; de ouder downloadt hem dan."),
        ):
            return redirect("consent:rights-detail", pk=rr.pk)
    return render(
        request,
        "accountability/rights/staff_review.html",
        {
            "organisation": rr.organisation,
            "rr": rr,
            "form": form,
            "marker": _(redaction.REDACTED),
            "section": "requests",
        },
    )


@require_GET
@login_required
def staff_export(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    return _download(request, perms.get_request(request.user, pk), fmt, by_parent=False)


@require_POST
@login_required
def staff_erase(request: HttpRequest, pk: int) -> HttpResponse:
    rr = perms.get_request(request.user, pk, need="handle")
    return _handle(
        request,
        rr,
        lambda: rights_services.rights_request_erase(request=rr, actor=request.user),
        _("De verwijdering is uitgevoerd. Handel het verzoek af met een bericht aan de ouder."),
    )
