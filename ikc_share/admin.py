"""The Django admin: superusers only (operators). The app's own pages never grant
superusers anything; see permissions.py."""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from ikc_share import models

admin.site.site_header = "ikc-share beheer"
# Operators only: staff status or global permissions are not enough to enter the admin.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser


class _SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(models.Ikc)
class IkcAdmin(_SuperuserOnly, admin.ModelAdmin):
    list_display = ("name", "slug")


@admin.register(models.Organisation)
class OrganisationAdmin(_SuperuserOnly, GuardedModelAdmin):
    list_display = ("name", "kind", "ikc")


@admin.register(models.Location)
class LocationAdmin(_SuperuserOnly, GuardedModelAdmin):
    list_display = ("name", "kind", "organisation")


@admin.register(models.FunctionTitle)
class FunctionTitleAdmin(_SuperuserOnly, admin.ModelAdmin):
    list_display = ("name", "organisation")


@admin.register(models.Membership)
class MembershipAdmin(_SuperuserOnly, admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "function_title", "is_active")
    list_filter = ("organisation", "role", "is_active")


@admin.register(models.Child)
class ChildAdmin(_SuperuserOnly, admin.ModelAdmin):
    list_display = ("first_name", "last_name", "organisation", "location", "group_name")
    list_filter = ("organisation",)


@admin.register(models.Guardian)
class GuardianAdmin(_SuperuserOnly, admin.ModelAdmin):
    list_display = ("first_name", "last_name", "organisation", "email")


@admin.register(models.Guardianship)
class GuardianshipAdmin(_SuperuserOnly, admin.ModelAdmin):
    list_display = ("guardian", "child", "has_parental_authority")


@admin.register(models.AuditEvent)
class AuditEventAdmin(_SuperuserOnly, admin.ModelAdmin):
    list_display = ("chain", "seq", "at", "action", "target_type", "target_id")
    list_filter = ("chain",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
