"""Accountability routes, included in the core's "ikc_share" namespace (ikc_share/urls.py).
The audit browser keeps the core's route name "organisation-audit"."""

from django.urls import path

from . import views

urlpatterns = [
    path("organisations/<int:org_pk>/privacy/", views.dashboard, name="privacy-dashboard"),
    # Audit trail
    path("organisations/<int:org_pk>/audit/", views.audit_browser, name="organisation-audit"),
    path("organisations/<int:org_pk>/audit/export.csv", views.audit_export, name="audit-export"),
    path("organisations/<int:org_pk>/audit/verify/", views.audit_verify, name="audit-verify"),
    path("organisations/<int:org_pk>/audit/reports/", views.audit_report_request, name="audit-report-request"),
    path("audit/verifications/<int:pk>/", views.audit_verification, name="audit-verification"),
    path("audit/reports/<int:pk>/", views.audit_report, name="audit-report"),
    path("audit/reports/<int:pk>/download/", views.audit_report_download, name="audit-report-download"),
    # Register of processing activities (art. 30)
    path("organisations/<int:org_pk>/register/", views.register, name="register"),
    path("organisations/<int:org_pk>/register.<str:fmt>", views.register_export, name="register-export"),
    path("organisations/<int:org_pk>/register/security/", views.register_security, name="register-security"),
    # Retention schedule
    path("organisations/<int:org_pk>/retention/", views.retention, name="retention"),
    path("organisations/<int:org_pk>/retention/<slug:kind>/", views.retention_edit, name="retention-edit"),
    # Incident register (meldplicht datalekken)
    path("organisations/<int:org_pk>/incidents/", views.incident_list, name="incident-list"),
    path("organisations/<int:org_pk>/incidents/new/", views.incident_create, name="incident-create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="incident-edit"),
    path("incidents/<int:pk>/close/", views.incident_close, name="incident-close"),
    path("incident-notices/<int:pk>/", views.incident_notice, name="incident-notice"),
    # The privacy officer's advice
    path("organisations/<int:org_pk>/advice/", views.advice_add, name="advice-add"),
]
