"""The register of processing activities (art. 30): the page, its CSV and PDF exports and
the director's text on security measures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accountability import permissions as perms
from accountability import register as register_module
from accountability import reports, selectors, services
from accountability.forms import AdviceForm, SecurityForm
from accountability.models import AdviceNote, RegisterText
from ikc_share import http


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
    perms.require_register_format(fmt)
    services.register_exported(organisation=organisation, actor=request.user, fmt=fmt)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(reports.register_csv(organisation=organisation), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(reports.render_register_pdf(organisation=organisation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="verwerkingsregister-{organisation.pk}-{stamp}.{fmt}"'
    return http.private(response)


@require_http_methods(["GET", "POST"])
@login_required
def register_security(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.manager_organisation(request.user, org_pk)
    current = RegisterText.objects.filter(organisation=organisation).first()
    initial = {"text": current.security_measures if current else _(register_module.DEFAULT_SECURITY)}
    form = SecurityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: services.register_security_update(
                organisation=organisation, actor=request.user, text=form.cleaned_data["text"]
            ),
            success=_("De beveiligingsmaatregelen zijn opgeslagen."),
        ):
            return redirect("ikc_share:register", org_pk=organisation.pk)
    return http.form_page(
        request,
        organisation=organisation,
        form=form,
        title=_("Beveiligingsmaatregelen in het verwerkingsregister"),
        back=reverse("ikc_share:register", kwargs={"org_pk": organisation.pk}),
    )
