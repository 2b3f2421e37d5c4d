"""Two-factor login for the roles that need it.

django-otp has no per-role switch: this middleware sends a signed-in person who holds a
role listed in settings.OTP_REQUIRED_FOR_ROLES, and whose session is not yet verified
with a TOTP code, to set up or enter their code. Production lists every role with access
to children's data (director, staff, privacy officer); the demo leaves the list empty.
Wherever the list is not empty, the Django admin (operators) asks the second factor too,
of whoever signed in, whatever their roles."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from ikc_share.models import Membership

EXEMPT_PREFIXES = ("/account/", "/static/", "/i18n/", "/healthz")
ADMIN_PREFIX = "/admin/"


DECIDING_ROLES = ("director", "privacy_officer")


def second_factor_asked(role: str) -> bool:
    """Whether the invitation asks a member in this role to set up a second factor right
    after choosing a password: where it is required, and for the deciding roles always."""
    return role in settings.OTP_REQUIRED_FOR_ROLES or role in DECIDING_ROLES


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        roles = settings.OTP_REQUIRED_FOR_ROLES
        user = getattr(request, "user", None)
        if (
            roles
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            # A session from a parent's e-mail link reaches the parent portal only
            # (consent/middleware.py); the portal asks no second factor.
            and request.session.get("ikc_login_method") != "magic_link"
            and not user.is_verified()
            and (
                request.path.startswith(ADMIN_PREFIX)
                or Membership.objects.filter(user=user, is_active=True, role__in=roles).exists()
            )
        ):
            target = "ikc_share:otp-verify" if user_has_device(user) else "ikc_share:otp-setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class DutchFirstMiddleware:
    """Dutch is the users' language: the interface is Dutch unless the person chose
    English with the language switch (a cookie). The browser's Accept-Language header
    is ignored, so a phone set to English still shows the IKC's Dutch pages first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
