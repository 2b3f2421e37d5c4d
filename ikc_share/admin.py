"""The Django admin: the operator's (an active superuser's) technical corner, nothing more.

- The operator sees no children, guardians or other people's data: only models that hold
  none are registered (the IKC, its organisations and locations, the function titles, and
  in agreements/admin.py the data-category catalogue and the agreements read-only), plus
  the staff's two-factor devices, to remove one whose phone was lost. Django's own user
  and group pages and django-axes' login records (usernames and IP addresses) are not
  registered (settings.AXES_ENABLE_ADMIN is off). tests/security/test_admin.py holds the
  list.
- Nothing is added or deleted here (the operator console and the app's services do that,
  with their audit trail), and what changes the structure (which IKC or organisation a
  record belongs to, its kind) is read-only: only wording and contact details change.
- Every change and deletion writes an audit event (`admin.changed` / `admin.deleted`, with
  the model and the names of the fields changed, never their values) in the same
  transaction as the change (the admin's change and delete views run in one).
- Where two-factor login is required (production: OTP_REQUIRED_FOR_ROLES is not empty),
  the admin asks it too (ikc_share/middleware.py), and its login page is the app's own
  (django-axes throttled; a signed-in non-operator gets 404)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ikc_share import models
from ikc_share.audit import audit_record

admin.site.site_header = "ikc-share beheer"


def _is_operator(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


def _admin_has_permission(request) -> bool:
    """Operators only (staff status or global permissions are not enough), and with a
    verified second factor wherever two-factor login is required."""
    if not _is_operator(request):
        return False
    return not settings.OTP_REQUIRED_FOR_ROLES or request.user.is_verified()


def _admin_login(request, extra_context=None):
    """The app's own login (throttled by django-axes, followed by the second factor)."""
    if request.user.is_authenticated:
        raise Http404  # signed in, but no operator: for them there is no admin
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), settings.LOGIN_URL)


admin.site.has_permission = _admin_has_permission
admin.site.login = _admin_login
# Not for the operator: Django's user pages (the parents' logins among them) and groups.
for _model in (get_user_model(), Group, TOTPDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class AuditedAdmin(admin.ModelAdmin):
    """Operators only; no adding or deleting; every change audited (see the module docstring).
    `audit_organisations(obj)` names the chains the event goes to (none: the system chain)."""

    actions = None

    def has_module_permission(self, request):
        return _is_operator(request)

    def has_view_permission(self, request, obj=None):
        return _is_operator(request)

    def has_change_permission(self, request, obj=None):
        return _is_operator(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    delete_action = "admin.deleted"

    def audit_organisations(self, obj) -> list:
        return []

    def audit_payload(self, obj) -> dict:
        return {}

    def _audit(self, request, obj, *, action: str, fields: list[str]) -> None:
        payload = {"model": obj._meta.label_lower, "fields": sorted(fields), **self.audit_payload(obj)}
        for organisation in self.audit_organisations(obj) or [None]:
            audit_record(organisation=organisation, actor=request.user, action=action, target=obj, payload=payload)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit(request, obj, action="admin.changed", fields=list(form.changed_data))

    def delete_model(self, request, obj):
        self._audit(request, obj, action=self.delete_action, fields=[])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):  # not offered (actions = None); audited all the same
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(AuditedAdmin):
    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Ikc)
class IkcAdmin(AuditedAdmin):
    list_display = ("name", "slug")
    readonly_fields = ("created_at",)

    def audit_organisations(self, obj):
        return list(obj.organisations.order_by("pk"))


@admin.register(models.Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "kind", "ikc")
    readonly_fields = ("ikc", "kind", "created_at")

    def audit_organisations(self, obj):
        return [obj]


@admin.register(models.Location)
class LocationAdmin(AuditedAdmin):
    list_display = ("name", "kind", "organisation")
    readonly_fields = ("organisation", "ikc", "kind")

    def audit_organisations(self, obj):
        return [obj.organisation]


@admin.register(models.FunctionTitle)
class FunctionTitleAdmin(AuditedAdmin):
    list_display = ("name", "organisation")
    readonly_fields = ("organisation",)

    def audit_organisations(self, obj):
        return [obj.organisation]


@admin.register(TOTPDevice)
class TwoFactorDeviceAdmin(AuditedAdmin):
    """A staff member's authenticator app: the operator may remove it (a lost phone), so that
    the person sets up a new one at their next login. Never shown: its secret or QR code."""

    list_display = ("user", "name", "confirmed")
    fields = ("user", "name", "confirmed")
    readonly_fields = fields
    search_fields = ("user__username",)
    delete_action = "admin.two_factor_removed"

    def audit_payload(self, obj):
        return {"user": obj.user_id}

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return _is_operator(request)

    def audit_organisations(self, obj):
        return list(
            models.Organisation.objects.filter(memberships__user_id=obj.user_id, memberships__is_active=True)
            .distinct()
            .order_by("pk")
        )
