"""The register of processing activities (art. 30): the page, its CSV and PDF exports, and
what the director keeps by hand: the text on security measures, the processors (art. 28)
and whether the organisation is an administrative authority (the remedy against a refusal)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accountability import permissions as perms
from accountability import register as register_module
from accountability import register_services, reports, selectors, services
from accountability.forms import AdviceForm, ControllerSettingForm, ProcessorForm, SecurityForm
from accountability.models import AdviceNote, RegisterText
from accountability.rights import rules as rights_rules
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
            "public_authority": rights_rules.remedy_route(organisation=organisation) == rights_rules.AWB,
            "remedy": rights_rules.remedy_for(organisation=organisation),
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


def _processor_answers(form: ProcessorForm) -> dict:
    return {k: form.cleaned_data[k] for k in ProcessorForm.base_fields}


@require_http_methods(["GET", "POST"])
@login_required
def processor_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.manager_organisation(request.user, org_pk)
    form = ProcessorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: register_services.processor_save(
                organisation=organisation, actor=request.user, **_processor_answers(form)
            ),
            success=_("De verwerker staat in het verwerkingsregister."),
        ):
            return redirect("ikc_share:register", org_pk=organisation.pk)
    return http.form_page(
        request,
        organisation=organisation,
        form=form,
        title=_("Een verwerker toevoegen (art. 28 AVG)"),
        back=reverse("ikc_share:register", kwargs={"org_pk": organisation.pk}),
    )


@require_http_methods(["GET", "POST"])
@login_required
def processor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    processor = perms.get_processor(request.user, pk)
    organisation = processor.organisation
    form = ProcessorForm.for_processor(request.POST or None, processor)
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: register_services.processor_save(
                organisation=organisation, actor=request.user, processor=processor, **_processor_answers(form)
            ),
            success=_("De verwerker is bijgewerkt."),
        ):
            return redirect("ikc_share:register", org_pk=organisation.pk)
    return http.form_page(
        request,
        organisation=organisation,
        form=form,
        title=_("Verwerker %(name)s bijwerken") % {"name": processor.name},
        back=reverse("ikc_share:register", kwargs={"org_pk": organisation.pk}),
    )


@require_POST
@login_required
def processor_end(request: HttpRequest, pk: int) -> HttpResponse:
    processor = perms.get_processor(request.user, pk)
    http.call_service(
        request,
        lambda: register_services.processor_end(processor=processor, actor=request.user),
        success=_("De verwerker staat niet meer in het verwerkingsregister."),
    )
    return redirect("ikc_share:register", org_pk=processor.organisation_id)


@require_http_methods(["GET", "POST"])
@login_required
def controller_setting(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.manager_organisation(request.user, org_pk)
    # Not `request.POST or None`: unticking the only box posts nothing, and must still save.
    form = ControllerSettingForm(
        request.POST if request.method == "POST" else None,
        initial={"public_authority": organisation.is_public_authority},
    )
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: register_services.controller_setting_update(
                organisation=organisation, actor=request.user, public_authority=form.cleaned_data["public_authority"]
            ),
            success=_("Opgeslagen: ouders lezen bij een afwijzing het rechtsmiddel dat hierbij hoort."),
        ):
            return redirect("ikc_share:register", org_pk=organisation.pk)
    return http.form_page(
        request,
        organisation=organisation,
        form=form,
        title=_("Bestuursorgaan of niet"),
        back=reverse("ikc_share:register", kwargs={"org_pk": organisation.pk}),
    )
