"""The operator console (superusers only; 404 for everyone else): IKCs, organisations,
locations and their directors' invitations."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import user_has_device

from ikc_share import http
from ikc_share import services as core_services
from onboarding import permissions, selectors, services
from onboarding.forms import (
    DirectorInviteForm,
    IkcForm,
    LocationForm,
    OrganisationForm,
)
from onboarding.views.invitations import resend, revoke


def operator_view(view):
    """Login required, then 404 for anyone but the operator, then two-factor where required."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        permissions.require_operator(request.user)
        if permissions.operator_needs_second_factor(request.user):
            target = "ikc_share:otp-verify" if user_has_device(request.user) else "ikc_share:otp-setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


# --- Operator console -------------------------------------------------------------------------


@require_GET
@operator_view
def operator_home(request: HttpRequest) -> HttpResponse:
    return render(request, "onboarding/operator_home.html", {"ikcs": selectors.ikcs_overview()})


@require_http_methods(["GET", "POST"])
@operator_view
def operator_ikc_create(request: HttpRequest) -> HttpResponse:
    form = IkcForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ikc = http.service_result(
            request,
            lambda: core_services.ikc_create(name=form.cleaned_data["name"], actor=request.user),
            success=_("IKC aangemaakt. Voeg nu de organisaties toe."),
        )
        if ikc is not None:
            return redirect("ikc_share:operator-ikc-detail", pk=ikc.pk)
    return http.form_page(request, form=form, title=_("Nieuw IKC"), back=reverse("ikc_share:operator-home"))


@require_GET
@operator_view
def operator_ikc_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ikc = permissions.get_operator_ikc(request.user, pk)
    organisations = []
    for org in ikc.organisations.all():
        directors = []
        for membership in selectors.directors_of(org):
            invitation = membership.invitations.order_by("-created_at", "-id").first()
            directors.append({"membership": membership, "invitation": invitation})
        organisations.append({"organisation": org, "locations": list(org.locations.all()), "directors": directors})
    return render(request, "onboarding/operator_ikc.html", {"ikc": ikc, "organisations": organisations})


@require_http_methods(["GET", "POST"])
@operator_view
def operator_organisation_create(request: HttpRequest, pk: int) -> HttpResponse:
    ikc = permissions.get_operator_ikc(request.user, pk)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: services.organisation_setup(ikc=ikc, actor=request.user, **form.service_kwargs()),
            success=_("Organisatie aangemaakt. Nodig nu de directeur uit."),
        ):
            return redirect("ikc_share:operator-ikc-detail", pk=ikc.pk)
    return http.form_page(
        request,
        form=form,
        title=_("Nieuwe organisatie in %(ikc)s") % {"ikc": ikc.name},
        back=reverse("ikc_share:operator-ikc-detail", kwargs={"pk": ikc.pk}),
    )


@require_http_methods(["GET", "POST"])
@operator_view
def operator_location_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_operator_organisation(request.user, org_pk)
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: services.location_add(organisation=organisation, actor=request.user, **form.cleaned_data),
            success=_("Locatie toegevoegd."),
        ):
            return redirect("ikc_share:operator-ikc-detail", pk=organisation.ikc_id)
    return http.form_page(
        request,
        form=form,
        title=_("Nieuwe locatie"),
        organisation=organisation,
        back=reverse("ikc_share:operator-ikc-detail", kwargs={"pk": organisation.ikc_id}),
    )


def _director_invited(membership) -> str:
    """The message once a director is invited (or, having a login already, made director)."""
    if membership.user.has_usable_password():
        return _("Deze persoon had al een account en is nu directeur; een e-mail met een link is niet nodig.")
    return _("De uitnodiging is verstuurd naar %(email)s.") % {"email": membership.user.email}


@require_http_methods(["GET", "POST"])
@operator_view
def operator_director_invite(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_operator_organisation(request.user, org_pk)
    form = DirectorInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = http.service_result(
            request,
            lambda: services.director_invite(organisation=organisation, actor=request.user, **form.cleaned_data),
            success=_director_invited,
        )
        if membership is not None:
            return redirect("ikc_share:operator-ikc-detail", pk=organisation.ikc_id)
    return http.form_page(
        request,
        form=form,
        title=_("Directeur uitnodigen"),
        organisation=organisation,
        back=reverse("ikc_share:operator-ikc-detail", kwargs={"pk": organisation.ikc_id}),
    )


def _invitation_change(request: HttpRequest, pk: int, change) -> HttpResponse:
    """`change` (resend or revoke) on a director's invitation, then the IKC's page."""
    invitation = permissions.get_operator_invitation(request.user, pk)
    change(request, invitation)
    return redirect("ikc_share:operator-ikc-detail", pk=invitation.organisation.ikc_id)


@require_POST
@operator_view
def operator_invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_change(request, pk, resend)


@require_POST
@operator_view
def operator_invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_change(request, pk, revoke)
