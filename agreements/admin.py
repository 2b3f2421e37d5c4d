"""The Django admin: superusers (operators) only, read-mostly. Agreements change only
through the app's services, which write the audit trail; so the admin is read-only for
everything but the data-category catalogue's wording."""

from django.contrib import admin

from agreements.models import Agreement, AgreementItem, AgreementVersion, Approval, DataCategory


class _SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class _NoEdits:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnly(_NoEdits, _SuperuserOnly):
    pass


@admin.register(DataCategory)
class DataCategoryAdmin(_SuperuserOnly, admin.ModelAdmin):
    list_display = ("code", "name_nl", "is_special", "is_sensitive", "statutory", "order")
    readonly_fields = ("code", "is_special", "is_sensitive", "statutory")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class AgreementItemInline(_NoEdits, admin.TabularInline):
    model = AgreementItem
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("title", "sending_organisation", "receiving_organisation", "created_at", "ended_at")


@admin.register(AgreementVersion)
class AgreementVersionAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("agreement", "number", "status", "legal_basis", "activated_at")
    list_filter = ("status", "legal_basis")
    inlines = [AgreementItemInline]


@admin.register(Approval)
class ApprovalAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("version", "organisation", "decision", "decided_by", "decided_at")
