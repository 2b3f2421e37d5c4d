"""Thin views: fetch through the permission helpers, validate the form, call one service,
redirect with a message."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from ikc_share import http, permissions, selectors, services, todos
from ikc_share.forms import ChildFilterForm, FunctionTitleForm, MembershipEditForm, MembershipInviteForm, OtpTokenForm
from ikc_share.models import Guardianship


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(permissions.active_memberships(request.user))
    parent_children = (
        permissions.children_of_parent(request.user)
        .select_related("organisation", "location")
        .prefetch_related(
            Prefetch(
                "guardianships",
                queryset=Guardianship.objects.filter(guardian__user=request.user),
                to_attr="my_guardianships",
            )
        )
        .order_by("first_name")
    )
    return render(
        request,
        "ikc_share/home.html",
        {
            "memberships": memberships,
            "parent_children": parent_children,
            "todos": todos.todos_for(user=request.user, memberships=memberships),
            "is_operator": permissions.is_operator(request.user),
        },
    )


@require_GET
@login_required
def organisation_children(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation(request.user, org_pk)
    locations = permissions.locations_for(request.user).filter(organisation=organisation)
    form = ChildFilterForm(request.GET or None, locations=locations)
    children = (
        permissions.children_for(request.user)
        .filter(organisation=organisation, left_on__isnull=True)
        .select_related("location")
        .order_by("location__name", "group_name", "last_name", "first_name")
    )
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            children = children.filter(Q(first_name__icontains=q) | Q(last_name__icontains=q))
        if loc := form.cleaned_data["location"]:
            children = children.filter(location=loc)
        if group := form.cleaned_data["group"]:
            children = children.filter(group_name=group)
    return render(
        request,
        "ikc_share/children.html",
        {
            "organisation": organisation,
            "children": children,
            "form": form,
        },
    )


@require_GET
@login_required
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.get_child(request.user, pk)
    services.child_record_viewed(child=child, actor=request.user)
    guardianships = list(child.guardianships.select_related("guardian").order_by("-has_parental_authority", "pk"))
    return render(
        request,
        "ikc_share/child_detail.html",
        {
            "child": child,
            "organisation": child.organisation,
            "guardianships": guardianships,
            "extra_sections": selectors.child_page_sections(child=child, user=request.user),
        },
    )


@require_GET
@login_required
def organisation_members(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation(request.user, org_pk, need=permissions.AUDIT)
    memberships = (
        organisation.memberships.select_related("user", "function_title")
        .prefetch_related("locations")
        .order_by("-is_active", "role", "user__last_name")
    )
    can_manage = permissions.has_org_perm(request.user, organisation, permissions.MANAGE)
    return render(
        request,
        "ikc_share/members.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "can_manage": can_manage,
            "function_titles": organisation.function_titles.all(),
            "title_form": FunctionTitleForm() if can_manage else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def membership_invite(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation(request.user, org_pk, need=permissions.MANAGE)
    form = MembershipInviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        membership = http.service_result(
            request,
            lambda: services.membership_invite(organisation=organisation, actor=request.user, **form.cleaned_data),
            success=lambda membership: _("%(name)s is uitgenodigd.") % {"name": membership.user.get_full_name()},
        )
        if membership is not None:
            return redirect("ikc_share:organisation-members", org_pk=organisation.pk)
    return http.form_page(
        request,
        form=form,
        title=_("Medewerker uitnodigen"),
        organisation=organisation,
        back=reverse("ikc_share:organisation-members", kwargs={"org_pk": organisation.pk}),
    )


@require_http_methods(["GET", "POST"])
@login_required
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = permissions.get_membership(request.user, pk)
    organisation = membership.organisation
    initial = {
        "role": membership.role,
        "function_title": membership.function_title,
        "locations": list(membership.locations.all()),
        "is_privacy_contact": membership.is_privacy_contact,
    }
    form = MembershipEditForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: services.membership_update(membership=membership, actor=request.user, **form.cleaned_data),
            success=_("Wijzigingen opgeslagen."),
        ):
            return redirect("ikc_share:organisation-members", org_pk=organisation.pk)
    return http.form_page(
        request,
        form=form,
        title=_("Lidmaatschap van %(name)s") % {"name": membership.user.get_full_name()},
        organisation=organisation,
        back=reverse("ikc_share:organisation-members", kwargs={"org_pk": organisation.pk}),
    )


def _membership_change(request: HttpRequest, pk: int, service, *, success: str) -> HttpResponse:
    membership = permissions.get_membership(request.user, pk)
    http.call_service(request, lambda: service(membership=membership, actor=request.user), success=success)
    return redirect("ikc_share:organisation-members", org_pk=membership.organisation_id)


@require_POST
@login_required
def membership_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _membership_change(request, pk, services.membership_deactivate, success=_("Lidmaatschap gedeactiveerd."))


@require_POST
@login_required
def membership_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _membership_change(request, pk, services.membership_reactivate, success=_("Lidmaatschap weer actief."))


@require_POST
@login_required
def function_title_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation(request.user, org_pk, need=permissions.MANAGE)
    form = FunctionTitleForm(request.POST)
    if form.is_valid():
        http.call_service(
            request,
            lambda: services.function_title_create(
                organisation=organisation, name=form.cleaned_data["name"], actor=request.user
            ),
            success=_("Functietitel toegevoegd."),
        )
    else:
        messages.error(request, _("Geef de functietitel een naam (maximaal 120 tekens)."))
    return redirect("ikc_share:organisation-members", org_pk=organisation.pk)


# --- Accounts ----------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def _safe_next(request: HttpRequest) -> str:
    nxt = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return nxt
    return reverse("ikc_share:home")


@require_http_methods(["GET", "POST"])
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Link an authenticator app (TOTP): scan the QR code, confirm with a code."""
    device = services.otp_device_pending(user=request.user)
    if device is None:
        return redirect("ikc_share:otp-verify")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.otp_device_confirm(user=request.user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Tweestapsverificatie is ingesteld."))
            return redirect(_safe_next(request))
        form.add_error("token", _("Deze code klopt niet. Probeer de nieuwste code uit uw app."))
    qr_svg = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": base64.b32encode(device.bin_key).decode(),
            "next": _safe_next(request),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    if not user_has_device(request.user):
        return redirect("ikc_share:otp-setup")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.otp_token_check(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("Deze code klopt niet."))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _safe_next(request)})


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_400(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "400.html", status=400)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
