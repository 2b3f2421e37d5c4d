"""Accountability routes, included in the core's "ikc_share" namespace (ikc_share/urls.py).
The audit browser keeps the core's route name "organisation-audit"."""

from django.urls import path

from accountability.views import audit, dashboard, incidents, register, retention

urlpatterns = [
    path("organisations/<id:org_pk>/privacy/", dashboard.dashboard, name="privacy-dashboard"),
    # Audit trail
    path("organisations/<id:org_pk>/audit/", audit.audit_browser, name="organisation-audit"),
    path("organisations/<id:org_pk>/audit/export.csv", audit.audit_export, name="audit-export"),
    path("organisations/<id:org_pk>/audit/verify/", audit.audit_verify, name="audit-verify"),
    path("organisations/<id:org_pk>/audit/reports/", audit.audit_report_request, name="audit-report-request"),
    path("audit/verifications/<id:pk>/", audit.audit_verification, name="audit-verification"),
    path("audit/reports/<id:pk>/", audit.audit_report, name="audit-report"),
    path("audit/reports/<id:pk>/download/", audit.audit_report_download, name="audit-report-download"),
    # Register of processing activities (art. 30)
    path("organisations/<id:org_pk>/register/", register.register, name="register"),
    path("organisations/<id:org_pk>/register.<str:fmt>", register.register_export, name="register-export"),
    path("organisations/<id:org_pk>/register/security/", register.register_security, name="register-security"),
    path("organisations/<id:org_pk>/register/controller/", register.controller_setting, name="register-controller"),
    path("organisations/<id:org_pk>/register/processors/new/", register.processor_create, name="processor-create"),
    path("register/processors/<id:pk>/", register.processor_edit, name="processor-edit"),
    path("register/processors/<id:pk>/end/", register.processor_end, name="processor-end"),
    # Retention schedule
    path("organisations/<id:org_pk>/retention/", retention.retention, name="retention"),
    path("organisations/<id:org_pk>/retention/<slug:kind>/", retention.retention_edit, name="retention-edit"),
    # Incident register (meldplicht datalekken)
    path("organisations/<id:org_pk>/incidents/", incidents.incident_list, name="incident-list"),
    path("organisations/<id:org_pk>/incidents/new/", incidents.incident_create, name="incident-create"),
    path("incidents/<id:pk>/", incidents.incident_detail, name="incident-detail"),
    path("incidents/<id:pk>/edit/", incidents.incident_edit, name="incident-edit"),
    path("incidents/<id:pk>/close/", incidents.incident_close, name="incident-close"),
    path("incidents/<id:pk>/parents-notice/", incidents.incident_parents_notice, name="incident-parents-notice"),
    path("incident-notices/<id:pk>/", incidents.incident_notice, name="incident-notice"),
    # The privacy officer's advice
    path("organisations/<id:org_pk>/advice/", dashboard.advice_add, name="advice-add"),
]
