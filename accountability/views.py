"""Pages for privacy officers and directors: the dashboard, the audit browser with its CSV,
PDF report and chain verification, the processing register, the retention schedule, the
incident register and advice notes. Thin: permission helper → form → one service →
redirect with a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accountability import permissions as perms
from accountability import register as register_module
from accountability import reports, selectors, services
from accountability.deadlines import BreachClock
from accountability.forms import AdviceForm, AuditFilterForm, IncidentForm, ReportForm, RetentionForm, SecurityForm
from accountability.models import AdviceNote, Incident, RegisterText
from accountability.rights.models import RightsRequest
from accountability.schedule import DEFAULTS, Kind
from accountability.selectors import AuditQuery
from agreements import selectors as agreement_selectors
from ikc_share.models import Child


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _cursor(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) <= perms.MAX_ID else None


# --- Dashboard ----------------------------------------------------------------------------------


@require_GET
@login_required
def dashboard(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.auditor_organisation(request.user, org_pk)
    board = selectors.dashboard(organisation=organisation, user=request.user)
    may_advise, may_handle = perms.advise_and_handle(request.user, organisation)
    return render(
        request,
        "accountability/dashboard.html",
        {
            "section": "dashboard",
            "organisation": organisation,
            "board": board,
            "may_advise": may_advise,
            "may_handle": may_handle,
            "advice_form": AdviceForm(initial={"subject": AdviceNote.Subject.GENERAL, "next": request.path}),
            "now": timezone.now(),
        },
    )


# --- Audit browser ------------------------------------------------------------------------------


def _audit_query(request: HttpRequest, organisation, head: str | None = None) -> tuple[AuditFilterForm, AuditQuery]:
    choices = selectors.filter_choices(organisation=organisation, head=head)
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
    head_seq, head = selectors.chain_head(organisation)  # read once: the filter lists' cache key and the chain state
    form, query = _audit_query(request, organisation, head)
    page = selectors.audit_page(
        organisation=organisation,
        query=query,
        before=_cursor(request.GET.get("before", "")),
        after=_cursor(request.GET.get("after", "")),
    )
    return _private(
        render(
            request,
            "accountability/audit.html",
            {
                "section": "audit",
                "organisation": organisation,
                "form": form,
                "page": page,
                "filters": _filter_params(request),
                "chain": selectors.chain_state(organisation=organisation, head_seq=head_seq),
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
    if form.is_bound and not form.is_valid():
        raise Http404  # a hand-made URL with a bad filter: nothing to export
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
    return _private(response)


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
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("ikc_share:organisation-audit", org_pk=organisation.pk)
    try:
        report = services.audit_report_request(
            organisation=organisation,
            actor=request.user,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    except ValidationError as exc:
        _errors(request, exc)
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
    report = perms.get_report(request.user, pk)
    if report.status != report.Status.DONE or not report.file:
        raise Http404
    name = f"auditrapport-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}.pdf"
    response = FileResponse(report.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")
    return _private(response)


# --- Register -----------------------------------------------------------------------------------


@require_GET
@login_required
def register(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.auditor_organisation(request.user, org_pk)
    return render(
        request,
        "accountability/register.html",
        {
            "section": "register",
            "organisation": organisation,
            "register": register_module.build(organisation=organisation),
            "may_edit": perms.can_manage(request.user, organisation),
            "may_advise": perms.may_advise(request.user, organisation),
            "advice": selectors.advice_for(organisation=organisation, subject=AdviceNote.Subject.REGISTER),
            "advice_form": AdviceForm(initial={"subject": AdviceNote.Subject.REGISTER, "next": request.path}),
        },
    )


@require_GET
@login_required
def register_export(request: HttpRequest, org_pk: int, fmt: str) -> HttpResponse:
    organisation = perms.auditor_organisation(request.user, org_pk)
    if fmt not in ("csv", "pdf"):
        raise Http404
    services.register_exported(organisation=organisation, actor=request.user, fmt=fmt)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(reports.register_csv(organisation=organisation), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(reports.render_register_pdf(organisation=organisation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="verwerkingsregister-{organisation.pk}-{stamp}.{fmt}"'
    return _private(response)


@require_http_methods(["GET", "POST"])
@login_required
def register_security(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.manager_organisation(request.user, org_pk)
    current = RegisterText.objects.filter(organisation=organisation).first()
    initial = {"text": current.security_measures if current else _(register_module.DEFAULT_SECURITY)}
    form = SecurityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_security_update(
                organisation=organisation, actor=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("De beveiligingsmaatregelen zijn opgeslagen."))
            return redirect("ikc_share:register", org_pk=organisation.pk)
    return render(
        request,
        "ikc_share/form_page.html",
        {
            "organisation": organisation,
            "form": form,
            "title": _("Beveiligingsmaatregelen in het verwerkingsregister"),
            "back": reverse("ikc_share:register", kwargs={"org_pk": organisation.pk}),
        },
    )


# --- Retention ----------------------------------------------------------------------------------


@require_GET
@login_required
def retention(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.auditor_organisation(request.user, org_pk)
    return render(
        request,
        "accountability/retention.html",
        {
            "section": "retention",
            "organisation": organisation,
            "overview": selectors.retention_overview(organisation=organisation, today=timezone.localdate()),
            "may_edit": perms.can_manage(request.user, organisation),
            "may_advise": perms.may_advise(request.user, organisation),
            "advice": selectors.advice_for(organisation=organisation, subject=AdviceNote.Subject.RETENTION),
            "advice_form": AdviceForm(initial={"subject": AdviceNote.Subject.RETENTION, "next": request.path}),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def retention_edit(request: HttpRequest, org_pk: int, kind: str) -> HttpResponse:
    organisation = perms.manager_organisation(request.user, org_pk)
    default = DEFAULTS.get(kind)
    if default is None or not default.editable:
        raise Http404
    current = selectors.retention_schedule(organisation=organisation)[kind]
    form = RetentionForm(
        request.POST or None, initial={"months": current.months, "note": current.rule.note if current.rule else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_rule_set(organisation=organisation, actor=request.user, kind=kind, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("De bewaartermijn is opgeslagen."))
            return redirect("ikc_share:retention", org_pk=organisation.pk)
    return render(
        request,
        "ikc_share/form_page.html",
        {
            "organisation": organisation,
            "form": form,
            "title": _("Bewaartermijn: %(kind)s") % {"kind": Kind(kind).label},
            "back": reverse("ikc_share:retention", kwargs={"org_pk": organisation.pk}),
        },
    )


# --- Incidents ----------------------------------------------------------------------------------


def _incident_form(request: HttpRequest, organisation, instance: Incident | None = None) -> IncidentForm:
    categories = [(c.code, c.name) for c in agreement_selectors.catalogue()]
    initial = {}
    if instance is not None:
        initial = {"children": list(instance.children.all()), "data_categories": instance.data_categories}
    return IncidentForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        children=Child.objects.filter(organisation=organisation).order_by("first_name", "last_name"),
        categories=categories,
    )


def _incident_fields(form: IncidentForm) -> dict:
    data = dict(form.cleaned_data)
    data.pop("children", None)
    return data


@require_GET
@login_required
def incident_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.incidents_organisation(request.user, org_pk)
    state = request.GET.get("state", "open")
    if state not in ("open", "closed", "all"):
        state = "open"
    now = timezone.now()
    incidents = list(selectors.incidents(organisation=organisation, state=state)[:200])
    for i in incidents:
        i.clock = BreachClock(discovered_at=i.discovered_at, now=now, reported_at=i.ap_reported_at)
    return render(
        request,
        "accountability/incident_list.html",
        {
            "section": "incidents",
            "organisation": organisation,
            "incidents": incidents,
            "state": state,
            "may_handle": perms.can_handle(request.user, organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def incident_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.handler_organisation(request.user, org_pk)
    form = _incident_form(request, organisation)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_record(
                organisation=organisation,
                actor=request.user,
                children=form.cleaned_data["children"],
                **{k: v for k, v in _incident_fields(form).items() if k in services.INCIDENT_FIELDS},
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Het incident is vastgelegd."))
            return redirect("ikc_share:incident-detail", pk=incident.pk)
    return render(
        request,
        "ikc_share/form_page.html",
        {
            "organisation": organisation,
            "form": form,
            "title": _("Een (mogelijk) datalek vastleggen"),
            "back": reverse("ikc_share:incident-list", kwargs={"org_pk": organisation.pk}),
        },
    )


@require_GET
@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = perms.get_incident(request.user, pk)
    organisation = incident.organisation
    return render(
        request,
        "accountability/incident_detail.html",
        {
            "section": "incidents",
            "organisation": organisation,
            "incident": incident,
            "children": incident.children.order_by("first_name"),
            "clock": BreachClock(
                discovered_at=incident.discovered_at, now=timezone.now(), reported_at=incident.ap_reported_at
            ),
            "categories": agreement_selectors.catalogue(),
            "notices": incident.notices.select_related("recipient", "organisation"),
            "may_handle": perms.can_handle(request.user, organisation),
            "may_advise": perms.may_advise(request.user, organisation),
            "advice": selectors.advice_for(
                organisation=organisation, subject=AdviceNote.Subject.INCIDENT, subject_id=incident.pk
            ),
            "advice_form": AdviceForm(
                initial={"subject": AdviceNote.Subject.INCIDENT, "subject_id": incident.pk, "next": request.path}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = perms.get_incident(request.user, pk, need="handle")
    organisation = incident.organisation
    form = _incident_form(request, organisation, instance=incident)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_update(
                incident=incident,
                actor=request.user,
                children=form.cleaned_data["children"],
                **{k: v for k, v in _incident_fields(form).items() if k in services.INCIDENT_FIELDS},
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Het incident is bijgewerkt."))
            return redirect("ikc_share:incident-detail", pk=incident.pk)
    return render(
        request,
        "ikc_share/form_page.html",
        {
            "organisation": organisation,
            "form": form,
            "title": _("Incident %(n)s bijwerken") % {"n": incident.number},
            "back": reverse("ikc_share:incident-detail", kwargs={"pk": incident.pk}),
        },
    )


@require_POST
@login_required
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    incident = perms.get_incident(request.user, pk, need="handle")
    try:
        services.incident_close(incident=incident, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Het incident is afgesloten."))
    return redirect("ikc_share:incident-detail", pk=incident.pk)


@require_GET
@login_required
def incident_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The other organisation's view of an incident that touches data exchanged with it."""
    notice = perms.get_incident_notice(request.user, pk)
    services.incident_notice_read(notice=notice)
    incident = notice.incident
    return render(
        request,
        "accountability/incident_notice.html",
        {
            "section": "incidents",
            "organisation": notice.organisation,
            "notice": notice,
            "incident": incident,
            "clock": BreachClock(
                discovered_at=incident.discovered_at, now=timezone.now(), reported_at=incident.ap_reported_at
            ),
            "categories": agreement_selectors.catalogue(),
        },
    )


# --- Advice -------------------------------------------------------------------------------------


@require_POST
@login_required
def advice_add(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.advice_organisation(request.user, org_pk)
    form = AdviceForm(request.POST)
    target = reverse("ikc_share:privacy-dashboard", kwargs={"org_pk": organisation.pk})
    if form.is_valid():
        nxt = form.cleaned_data.get("next") or ""
        if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) and nxt.startswith("/"):
            target = nxt
        subject, subject_id = form.cleaned_data["subject"], form.cleaned_data.get("subject_id")
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
        try:
            services.advice_add(
                organisation=organisation,
                actor=request.user,
                subject=subject,
                subject_id=subject_id,
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Uw advies is vastgelegd. De directeur beslist."))
    else:
        messages.error(request, _("Schrijf uw advies op (hoogstens 10.000 tekens)."))
    return redirect(target)
