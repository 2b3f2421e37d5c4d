"""The audit browser with its CSV export, PDF reports and chain verification."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accountability import audit_browser as browser
from accountability import chain, reports, selectors, services
from accountability import permissions as perms
from accountability.audit_browser import AuditQuery
from accountability.forms import AuditFilterForm, ReportForm
from accountability.views.common import form_errors_to_messages
from ikc_share import http


def _audit_query(request: HttpRequest, organisation, head: str | None = None) -> tuple[AuditFilterForm, AuditQuery]:
    choices = browser.filter_choices(organisation=organisation, head=head)
    form = AuditFilterForm(request.GET or None, choices=choices)
    if not form.is_bound or not form.is_valid():
        return form, AuditQuery()
    d = form.cleaned_data
    return form, AuditQuery(
        date_from=d.get("date_from"),
        date_to=d.get("date_to"),
        actor_id=d.get("actor"),
        action=d.get("action") or "",
        child_id=d.get("child"),
        agreement_id=d.get("agreement"),
        transfer_id=d.get("transfer"),
    )


def _filter_params(request: HttpRequest) -> str:
    params = request.GET.copy()
    for key in ("before", "after"):
        params.pop(key, None)
    return params.urlencode()


@require_GET
@login_required
def audit_browser(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.auditor_organisation(request.user, org_pk)
    head_seq, head = chain.chain_head(organisation)  # read once: the filter lists' cache key and the chain state
    form, query = _audit_query(request, organisation, head)
    page = browser.audit_page(
        organisation=organisation,
        query=query,
        before=http.parse_id(request.GET.get("before")),
        after=http.parse_id(request.GET.get("after")),
    )
    return http.private(
        render(
            request,
            "accountability/audit.html",
            {
                "section": "audit",
                "organisation": organisation,
                "form": form,
                "page": page,
                "filters": _filter_params(request),
                "chain": chain.chain_state(organisation=organisation, head_seq=head_seq),
                "running": selectors.running_verification(organisation=organisation),
                "reports": selectors.latest_reports(organisation=organisation),
                "report_form": ReportForm(),
            },
        )
    )


@require_GET
@login_required
def audit_export(request: HttpRequest, org_pk: int) -> StreamingHttpResponse:
    organisation = perms.auditor_organisation(request.user, org_pk)
    form, query = _audit_query(request, organisation)
    perms.require_export_filter(form)
    services.audit_exported(
        organisation=organisation,
        actor=request.user,
        filters={
            "from": query.date_from.isoformat() if query.date_from else None,
            "to": query.date_to.isoformat() if query.date_to else None,
            "actor": query.actor_id,
            "action": query.action or None,
            "child": query.child_id,
            "agreement": query.agreement_id,
            "transfer": query.transfer_id,
        },
    )
    response = StreamingHttpResponse(
        reports.audit_csv_stream(organisation=organisation, query=query), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audittrail-{organisation.pk}-{stamp}.csv"'
    return http.private(response)


@require_POST
@login_required
def audit_verify(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.auditor_organisation(request.user, org_pk)
    job = services.verification_request(organisation=organisation, actor=request.user)
    return redirect("ikc_share:audit-verification", pk=job.pk)


@require_GET
@login_required
@never_cache
def audit_verification(request: HttpRequest, pk: int) -> HttpResponse:
    job = perms.get_verification(request.user, pk)
    return render(
        request,
        "accountability/verification.html",
        {"job": job, "organisation": job.organisation, "section": "audit"},
    )


@require_POST
@login_required
def audit_report_request(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.auditor_organisation(request.user, org_pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect("ikc_share:organisation-audit", org_pk=organisation.pk)
    try:
        report = services.audit_report_request(
            organisation=organisation,
            actor=request.user,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    except ValidationError as exc:
        http.errors_to_messages(request, exc)
        return redirect("ikc_share:organisation-audit", org_pk=organisation.pk)
    return redirect("ikc_share:audit-report", pk=report.pk)


@require_GET
@login_required
@never_cache
def audit_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = perms.get_report(request.user, pk)
    return render(
        request,
        "accountability/report.html",
        {"report": report, "organisation": report.organisation, "section": "audit"},
    )


@require_GET
@login_required
def audit_report_download(request: HttpRequest, pk: int) -> FileResponse:
    report = perms.get_downloadable_report(request.user, pk)
    name = f"auditrapport-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}.pdf"
    response = FileResponse(report.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")
    return http.private(response)
