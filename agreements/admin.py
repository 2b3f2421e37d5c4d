"""The Django admin: operators only, read-mostly (see ikc_share/admin.py). Agreements change
only through the app's services, which write the audit trail; so the admin is read-only for
everything but the data-category catalogue's wording, whose every change is audited."""

from django.contrib import admin

from agreements.models import Agreement, AgreementItem, AgreementVersion, Approval, DataCategory
from ikc_share.admin import AuditedAdmin, ReadOnlyAdmin


@admin.register(DataCategory)
class DataCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name_nl", "is_special", "is_sensitive", "statutory", "order")
    readonly_fields = ("code", "is_special", "is_sensitive", "statutory")


class AgreementItemInline(admin.TabularInline):
    model = AgreementItem
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("title", "sending_organisation", "receiving_organisation", "created_at", "ended_at")


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "number", "status", "legal_basis", "activated_at")
    list_filter = ("status", "legal_basis")
    inlines = [AgreementItemInline]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ("version", "organisation", "decision", "decided_by", "decided_at")
