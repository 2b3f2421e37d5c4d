"""Importing children and guardians: upload, column mapping, dry run, confirm, leavers,
and who may import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ikc_share import http
from ikc_share import permissions as core_permissions
from onboarding import columns as column_defs
from onboarding import permissions, reading, selectors, services
from onboarding.forms import ImportPermissionForm, LeaversForm, MappingForm, UploadForm
from onboarding.models import ImportJob

PROBLEMS_PER_PAGE = 100


# --- Import -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def import_start(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_import_organisation(request.user, org_pk)
    remembered = selectors.remembered_mapping(organisation)
    form = UploadForm(
        request.POST or None, request.FILES or None, initial={"preset": remembered.preset if remembered else "generic"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_upload(
                organisation=organisation,
                upload=form.cleaned_data["file"],
                preset=form.cleaned_data["preset"],
                actor=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("ikc_share:import-mapping", pk=job.pk)
    return render(
        request,
        "onboarding/import_start.html",
        {
            "organisation": organisation,
            "form": form,
            "jobs": selectors.recent_jobs(organisation),
            "presets": column_defs.PRESETS.values(),
            "can_manage": core_permissions.has_org_perm(request.user, organisation, core_permissions.MANAGE),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def import_template(request: HttpRequest, org_pk: int, preset: str) -> HttpResponse:
    preset = permissions.get_import_template(request.user, org_pk, preset)
    response = HttpResponse(column_defs.template_csv(preset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ikc-share-{preset}.csv"'
    return response


@require_GET
@login_required
def import_columns(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_import_organisation(request.user, org_pk)
    presets = list(column_defs.PRESETS.values())
    rows = [
        {"field": f, "required": f.key in column_defs.REQUIRED, "headers": [p.headers.get(f.key, "") for p in presets]}
        for f in column_defs.FIELDS
    ]
    context = {
        "organisation": organisation,
        "rows": rows,
        "presets": presets,
        "locations": organisation.locations.order_by("name"),
    }
    if request.GET.get("download"):
        text = render_to_string("onboarding/import_columns.txt", context, request=request)
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="ikc-share-kolommen.txt"'
        return response
    return render(request, "onboarding/import_columns.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.get_import_job(request.user, pk)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.CHECKED) or not job.file:
        messages.info(request, _("De kolommen van deze import kunnen niet meer gewijzigd worden."))
        return redirect("ikc_share:import-detail", pk=job.pk)
    with job.file.open("rb") as fh:
        samples = reading.normalised_sample(fh.read(65536))
    initial = {f"col_{key}": header for key, header in job.columns.items()}
    initial["default_location"] = job.default_location_id
    form = MappingForm(
        request.POST or None, headers=job.headers, organisation=job.organisation, samples=samples, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.import_check_request(
                job=job,
                columns=form.cleaned_data["columns"],
                default_location=form.cleaned_data["default_location"],
                actor=request.user,
            )
        except ValidationError as exc:
            http.errors_to_messages(request, exc)
        else:
            return redirect("ikc_share:import-detail", pk=job.pk)
    return render(
        request, "onboarding/import_mapping.html", {"job": job, "organisation": job.organisation, "form": form}
    )


@require_GET
@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.get_import_job(request.user, pk)
    if job.status == ImportJob.Status.UPLOADED:
        return redirect("ikc_share:import-mapping", pk=job.pk)
    mapped = set(job.columns.values())
    labels = column_defs.FIELDS_BY_KEY
    problems = Paginator(job.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    may_mark = permissions.may_mark_leavers(request.user, job.organisation)
    return render(
        request,
        "onboarding/import_detail.html",
        {
            "job": job,
            "organisation": job.organisation,
            "problems": problems,
            "mapping": [(labels[k].label, h) for k, h in job.columns.items() if k in labels],
            "extra_columns": [h for h in job.headers if h not in mapped],
            "same_file": selectors.previous_import_of_same_file(job)
            if job.status == ImportJob.Status.CHECKED
            else None,
            "refresh": job.is_active,
            "may_mark_leavers": may_mark,
            "leavers_open": selectors.leavers(job).count() if job.status == ImportJob.Status.DONE and may_mark else 0,
            "delimiter_label": reading.DELIMITER_LABELS.get(job.delimiter, job.delimiter),
        },
    )


@require_POST
@login_required
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.get_import_job(request.user, pk)
    try:
        services.import_confirm(job=job, actor=request.user)
    except ValidationError as exc:
        http.errors_to_messages(request, exc)
    return redirect("ikc_share:import-detail", pk=job.pk)


@require_POST
@login_required
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.get_import_job(request.user, pk)
    if not http.call_service(
        request,
        lambda: services.import_cancel(job=job, actor=request.user),
        success=_("De import is geannuleerd; er is niets veranderd en het bestand is verwijderd."),
    ):
        return redirect("ikc_share:import-detail", pk=job.pk)
    return redirect("ikc_share:import-start", org_pk=job.organisation_id)


@require_http_methods(["GET", "POST"])
@login_required
def import_leavers(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.get_leavers_job(request.user, pk)
    children = list(selectors.leavers(job))
    form = LeaversForm(request.POST or None, children=children)
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data["children"]}
        count = http.service_result(
            request,
            lambda: services.children_mark_left(
                job=job,
                children=[c for c in children if c.pk in chosen],
                left_on=form.cleaned_data["left_on"],
                actor=request.user,
            ),
            success=lambda count: (
                _("%(n)s kind(eren) gemarkeerd als vertrokken. Hun bewaartermijn loopt vanaf de vertrekdatum.")
                % {"n": count}
            ),
        )
        if count is not None:
            return redirect("ikc_share:import-leavers", pk=job.pk)
    return render(
        request,
        "onboarding/import_leavers.html",
        {
            "job": job,
            "organisation": job.organisation,
            "children": children,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_access(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation(request.user, org_pk, need=core_permissions.MANAGE)
    form = ImportPermissionForm(
        request.POST or None, memberships=selectors.staff_without_import_permission(organisation)
    )
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: services.import_permission_grant(membership=form.cleaned_data["membership"], actor=request.user),
            success=_("Deze medewerker mag nu kinderen en ouders importeren."),
        ):
            return redirect("ikc_share:import-access", org_pk=organisation.pk)
    return render(
        request,
        "onboarding/import_access.html",
        {
            "organisation": organisation,
            "form": form,
            "grants": selectors.import_permissions_of(organisation),
        },
    )


@require_POST
@login_required
def import_access_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = permissions.get_import_permission(request.user, pk)
    organisation_id = grant.membership.organisation_id
    services.import_permission_revoke(grant=grant, actor=request.user)
    messages.success(request, _("Het recht om te importeren is ingetrokken."))
    return redirect("ikc_share:import-access", org_pk=organisation_id)
