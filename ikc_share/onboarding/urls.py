"""Onboarding routes, included in the core's "ikc_share" namespace (ikc_share/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    # Operator console (superusers only; 404 for everyone else)
    path("operator/", views.operator_home, name="operator-home"),
    path("operator/ikcs/new/", views.operator_ikc_create, name="operator-ikc-create"),
    path("operator/ikcs/<int:pk>/", views.operator_ikc_detail, name="operator-ikc-detail"),
    path(
        "operator/ikcs/<int:pk>/organisations/new/",
        views.operator_organisation_create,
        name="operator-organisation-create",
    ),
    path(
        "operator/organisations/<int:org_pk>/locations/new/",
        views.operator_location_create,
        name="operator-location-create",
    ),
    path(
        "operator/organisations/<int:org_pk>/directors/invite/",
        views.operator_director_invite,
        name="operator-director-invite",
    ),
    path("operator/invitations/<int:pk>/resend/", views.operator_invitation_resend, name="operator-invitation-resend"),
    path("operator/invitations/<int:pk>/revoke/", views.operator_invitation_revoke, name="operator-invitation-revoke"),
    # Invitations (the link in the e-mail lives under /account/, like the login)
    path("account/set-password/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("organisations/<int:org_pk>/invitations/", views.invitation_list, name="invitation-list"),
    path("organisations/<int:org_pk>/invitations/parents/", views.parents_invite, name="parents-invite"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    # Import of children and guardians
    path("organisations/<int:org_pk>/import/", views.import_start, name="import-start"),
    path("organisations/<int:org_pk>/import/columns/", views.import_columns, name="import-columns"),
    path("organisations/<int:org_pk>/import/template/<slug:preset>.csv", views.import_template, name="import-template"),
    path("organisations/<int:org_pk>/import/access/", views.import_access, name="import-access"),
    path("import-permissions/<int:pk>/revoke/", views.import_access_revoke, name="import-access-revoke"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/mapping/", views.import_mapping, name="import-mapping"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="import-cancel"),
    path("imports/<int:pk>/leavers/", views.import_leavers, name="import-leavers"),
]
