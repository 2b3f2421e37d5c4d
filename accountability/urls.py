"""Accountability routes, included in the core's "ikc_share" namespace (ikc_share/urls.py).
The audit browser keeps the core's route name "organisation-audit"."""

from django.urls import path

from accountability import views

urlpatterns = [
    path("organisations/<id:org_pk>/privacy/", views.dashboard, name="privacy-dashboard"),
    # Audit trail
    path("organisations/<id:org_pk>/audit/", views.audit_browser, name="organisation-audit"),
    path("organisations/<id:org_pk>/audit/export.csv", views.audit_export, name="audit-export"),
    path("organisations/<id:org_pk>/audit/verify/", views.audit_verify, name="audit-verify"),
    path("organisations/<id:org_pk>/audit/reports/", views.audit_report_request, name="audit-report-request"),
    path("audit/verifications/<id:pk>/", views.audit_verification, name="audit-verification"),
    path("audit/reports/<id:pk>/", views.audit_report, name="audit-report"),
    path("audit/reports/<id:pk>/download/", views.audit_report_download, name="audit-report-download"),
    # Register of processing activities (art. 30)
    path("organisations/<id:org_pk>/register/", views.register, name="register"),
    path("organisations/<id:org_pk>/register.<str:fmt>", views.register_export, name="register-export"),
    path("organisations/<id:org_pk>/register/security/", views.register_security, name="register-security"),
    # Retention schedule
    path("organisations/<id:org_pk>/retention/", views.retention, name="retention"),
    path("organisations/<id:org_pk>/retention/<slug:kind>/", views.retention_edit, name="retention-edit"),
    # Incident register (meldplicht datalekken)
    path("organisations/<id:org_pk>/incidents/", views.incident_list, name="incident-list"),
    path("organisations/<id:org_pk>/incidents/new/", views.incident_create, name="incident-create"),
    path("incidents/<id:pk>/", views.incident_detail, name="incident-detail"),
    path("incidents/<id:pk>/edit/", views.incident_edit, name="incident-edit"),
    path("incidents/<id:pk>/close/", views.incident_close, name="incident-close"),
    path("incident-notices/<id:pk>/", views.incident_notice, name="incident-notice"),
    # The privacy officer's advice
    path("organisations/<id:org_pk>/advice/", views.advice_add, name="advice-add"),
]
