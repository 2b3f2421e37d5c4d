"""Login audit hooks. Django only announces logins through signals, so these receivers
exist; each just calls a service."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ikc_share import services


@receiver(user_logged_in, dispatch_uid="ikc_audit_login")
def _logged_in(sender, request, user, **kwargs):
    method = getattr(request, "ikc_login_method", "password") if request is not None else "password"
    services.auth_event_record(user=user, action="auth.login", method=method)


@receiver(user_logged_out, dispatch_uid="ikc_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        services.auth_event_record(user=user, action="auth.logout")


@receiver(user_login_failed, dispatch_uid="ikc_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    user = get_user_model().objects.filter(username__iexact=username).first() if username else None
    services.auth_event_record(user=user, action="auth.login_failed")
