"""The privacy officer's dashboard and the advice notes written from any accountability page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accountability import dashboard as dashboard_selectors
from accountability import permissions as perms
from accountability import services
from accountability.forms import AdviceForm
from accountability.models import AdviceNote
from ikc_share import http


@require_GET
@login_required
def dashboard(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = perms.auditor_organisation(request.user, org_pk)
    board = dashboard_selectors.dashboard(organisation=organisation, user=request.user)
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
        perms.require_advice_subject(organisation, subject, subject_id)
        http.call_service(
            request,
            lambda: services.advice_add(
                organisation=organisation,
                actor=request.user,
                subject=subject,
                subject_id=subject_id,
                text=form.cleaned_data["text"],
            ),
            success=_("Uw advies is vastgelegd. De directeur beslist."),
        )
    else:
        messages.error(request, _("Schrijf uw advies op (hoogstens 10.000 tekens)."))
    return redirect(target)
