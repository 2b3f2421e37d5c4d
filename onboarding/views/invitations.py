"""The invitations of an organisation (list, resend, revoke, invite the parents) and the
link in the invitation e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ikc_share import http
from ikc_share import permissions as core_permissions
from ikc_share import selectors as core_selectors
from ikc_share.middleware import second_factor_asked
from onboarding import invitations, permissions, selectors
from onboarding.forms import AcceptInvitationForm
from onboarding.models import Invitation


def resend(request: HttpRequest, invitation: Invitation) -> None:
    http.call_service(
        request,
        lambda: invitations.invitation_resend(invitation=invitation, actor=request.user),
        success=_("De uitnodiging wordt opnieuw verstuurd; de vorige link werkt niet meer."),
    )


def revoke(request: HttpRequest, invitation: Invitation) -> None:
    http.call_service(
        request,
        lambda: invitations.invitation_revoke(invitation=invitation, actor=request.user),
        success=_("De uitnodiging is ingetrokken; de link werkt niet meer."),
    )


# --- Invitations of an organisation --------------------------------------------------------------


@require_GET
@login_required
def invitation_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation(request.user, org_pk, need=core_permissions.AUDIT)
    can_manage = core_permissions.has_org_perm(request.user, organisation, core_permissions.MANAGE)
    paginator = Paginator(selectors.invitations_of(organisation), 50)
    return render(
        request,
        "onboarding/invitations.html",
        {
            "organisation": organisation,
            "page": paginator.get_page(request.GET.get("page")),
            "can_manage": can_manage,
            "without_login": selectors.guardians_without_login(organisation).count(),
        },
    )


def _invitation_change(request: HttpRequest, pk: int, change) -> HttpResponse:
    """`change` (resend or revoke) on one of the organisation's invitations, then its list."""
    invitation = permissions.get_invitation(request.user, pk)
    change(request, invitation)
    return redirect("ikc_share:invitation-list", org_pk=invitation.organisation_id)


@require_POST
@login_required
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_change(request, pk, resend)


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_change(request, pk, revoke)


@require_POST
@login_required
def parents_invite(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation(request.user, org_pk, need=core_permissions.MANAGE)
    result = invitations.parents_invite(organisation=organisation, actor=request.user)
    messages.success(
        request,
        _(
            "%(invited)s ouder(s) uitgenodigd; %(linked)s hadden al een account of uitnodiging en "
            "zijn daaraan gekoppeld."
        )
        % {"invited": result.invited, "linked": result.linked},
    )
    return redirect("ikc_share:invitation-list", org_pk=organisation.pk)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail: choose a password, then (a director or privacy
    officer, and in production every member) set up two-factor login."""
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        return render(request, "onboarding/invitation_invalid.html", {"reason": "unknown"}, status=404)
    if not invitation.is_usable:
        return render(request, "onboarding/invitation_invalid.html", {"reason": invitation.status}, status=410)
    user = invitation.user
    if request.user.is_authenticated and request.user.pk != user.pk:
        return render(request, "onboarding/invitation_accept.html", {"other_user": True, "invitation": invitation})
    if user.has_usable_password():
        invitations.invitation_accept(invitation=invitation, password=None)
        messages.success(request, _("U heeft al een wachtwoord. Log in om verder te gaan."))
        return redirect("ikc_share:login")
    form = AcceptInvitationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(invitation=invitation, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            http.errors_to_messages(request, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if any(second_factor_asked(m.role) for m in core_selectors.active_memberships(user=user)):
                messages.success(
                    request,
                    _(
                        "Uw wachtwoord is ingesteld. Stel nu tweestapsverificatie in: daarmee "
                        "beschermt u de gegevens van de kinderen."
                    ),
                )
                return redirect(f"{reverse('ikc_share:otp-setup')}?next={reverse('ikc_share:home')}")
            if invitation.kind == Invitation.Kind.MEMBER:
                messages.success(
                    request,
                    _(
                        "Uw wachtwoord is ingesteld. Tip: stel tweestapsverificatie in via "
                        "Account → Tweestapsverificatie."
                    ),
                )
            else:
                messages.success(request, _("Uw wachtwoord is ingesteld. Welkom!"))
            return redirect("ikc_share:home")
    two_factor = invitation.membership is not None and second_factor_asked(invitation.membership.role)
    return render(
        request, "onboarding/invitation_accept.html", {"form": form, "invitation": invitation, "two_factor": two_factor}
    )
