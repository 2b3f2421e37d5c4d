"""The retention schedule: what is due and removed, and the director's periods."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accountability import permissions as perms
from accountability import selectors, services
from accountability.forms import AdviceForm, RetentionForm
from accountability.models import AdviceNote
from accountability.schedule import Kind
from ikc_share import http


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
    perms.editable_retention(kind)
    current = selectors.retention_schedule(organisation=organisation)[kind]
    form = RetentionForm(
        request.POST or None, initial={"months": current.months, "note": current.rule.note if current.rule else ""}
    )
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: services.retention_rule_set(
                organisation=organisation, actor=request.user, kind=kind, **form.cleaned_data
            ),
            success=_("De bewaartermijn is opgeslagen."),
        ):
            return redirect("ikc_share:retention", org_pk=organisation.pk)
    return http.form_page(
        request,
        organisation=organisation,
        form=form,
        title=_("Bewaartermijn: %(kind)s") % {"kind": Kind(kind).label},
        back=reverse("ikc_share:retention", kwargs={"org_pk": organisation.pk}),
    )
