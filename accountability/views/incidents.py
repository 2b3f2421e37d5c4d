"""The incident register (meldplicht datalekken, art. 33): list, record, edit, close, the
notice to the parents (art. 34), and the other organisation's read-only notice."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accountability import permissions as perms
from accountability import selectors, services
from accountability.deadlines import BreachClock
from accountability.forms import AdviceForm, IncidentForm, IncidentParentsNoticeForm
from accountability.models import AdviceNote, Incident
from agreements import selectors as agreement_selectors
from ikc_share import http
from ikc_share import selectors as core_selectors


def _incident_form(request: HttpRequest, organisation, instance: Incident | None = None) -> IncidentForm:
    categories = [(c.code, c.name) for c in agreement_selectors.catalogue()]
    initial = {}
    if instance is not None:
        initial = {"children": list(instance.children.all()), "data_categories": instance.data_categories}
    return IncidentForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        children=core_selectors.children_of(organisation=organisation).order_by("first_name", "last_name"),
        categories=categories,
    )


def _incident_answers(form: IncidentForm) -> dict:
    """The form's answers as the incident services take them: the fields and the children."""
    fields = {k: v for k, v in form.cleaned_data.items() if k in services.INCIDENT_FIELDS}
    return {**fields, "children": form.cleaned_data["children"]}


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
        incident = http.service_result(
            request,
            lambda: services.incident_record(organisation=organisation, actor=request.user, **_incident_answers(form)),
            success=_("Het incident is vastgelegd."),
        )
        if incident is not None:
            return redirect("ikc_share:incident-detail", pk=incident.pk)
    return http.form_page(
        request,
        organisation=organisation,
        form=form,
        title=_("Een (mogelijk) datalek vastleggen"),
        back=reverse("ikc_share:incident-list", kwargs={"org_pk": organisation.pk}),
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
        if http.call_service(
            request,
            lambda: services.incident_update(incident=incident, actor=request.user, **_incident_answers(form)),
            success=_("Het incident is bijgewerkt."),
        ):
            return redirect("ikc_share:incident-detail", pk=incident.pk)
    return http.form_page(
        request,
        organisation=organisation,
        form=form,
        title=_("Incident %(n)s bijwerken") % {"n": incident.number},
        back=reverse("ikc_share:incident-detail", kwargs={"pk": incident.pk}),
    )


@require_http_methods(["GET", "POST"])
@login_required
def incident_parents_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the notice the parents got (art. 34): its text, channel and when it was sent."""
    incident = perms.get_incident(request.user, pk, need="handle")
    form = IncidentParentsNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: services.incident_parents_notice_record(
                incident=incident,
                actor=request.user,
                text=form.cleaned_data["text"],
                channel=form.cleaned_data["channel"],
                sent_at=form.cleaned_data["sent_at"],
            ),
            success=_("Het bericht aan de ouders is vastgelegd."),
        ):
            return redirect("ikc_share:incident-detail", pk=incident.pk)
    return http.form_page(
        request,
        organisation=incident.organisation,
        form=form,
        title=_("Incident %(n)s: het bericht aan de ouders vastleggen (art. 34)") % {"n": incident.number},
        back=reverse("ikc_share:incident-detail", kwargs={"pk": incident.pk}),
    )


@require_POST
@login_required
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    incident = perms.get_incident(request.user, pk, need="handle")
    http.call_service(
        request,
        lambda: services.incident_close(incident=incident, actor=request.user),
        success=_("Het incident is afgesloten."),
    )
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
