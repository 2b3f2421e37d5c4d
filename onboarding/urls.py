"""Onboarding routes, included in the core's "ikc_share" namespace (ikc_share/urls.py)."""

from django.urls import path

from onboarding import views

urlpatterns = [
    # Operator console (superusers only; 404 for everyone else)
    path("operator/", views.operator_home, name="operator-home"),
    path("operator/ikcs/new/", views.operator_ikc_create, name="operator-ikc-create"),
    path("operator/ikcs/<id:pk>/", views.operator_ikc_detail, name="operator-ikc-detail"),
    path(
        "operator/ikcs/<id:pk>/organisations/new/",
        views.operator_organisation_create,
        name="operator-organisation-create",
    ),
    path(
        "operator/organisations/<id:org_pk>/locations/new/",
        views.operator_location_create,
        name="operator-location-create",
    ),
    path(
        "operator/organisations/<id:org_pk>/directors/invite/",
        views.operator_director_invite,
        name="operator-director-invite",
    ),
    path("operator/invitations/<id:pk>/resend/", views.operator_invitation_resend, name="operator-invitation-resend"),
    path("operator/invitations/<id:pk>/revoke/", views.operator_invitation_revoke, name="operator-invitation-revoke"),
    # Invitations (the link in the e-mail lives under /account/, like the login)
    path("account/set-password/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("organisations/<id:org_pk>/invitations/", views.invitation_list, name="invitation-list"),
    path("organisations/<id:org_pk>/invitations/parents/", views.parents_invite, name="parents-invite"),
    path("invitations/<id:pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("invitations/<id:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    # Import of children and guardians
    path("organisations/<id:org_pk>/import/", views.import_start, name="import-start"),
    path("organisations/<id:org_pk>/import/columns/", views.import_columns, name="import-columns"),
    path("organisations/<id:org_pk>/import/template/<slug:preset>.csv", views.import_template, name="import-template"),
    path("organisations/<id:org_pk>/import/access/", views.import_access, name="import-access"),
    path("import-permissions/<id:pk>/revoke/", views.import_access_revoke, name="import-access-revoke"),
    path("imports/<id:pk>/", views.import_detail, name="import-detail"),
    path("imports/<id:pk>/mapping/", views.import_mapping, name="import-mapping"),
    path("imports/<id:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("imports/<id:pk>/cancel/", views.import_cancel, name="import-cancel"),
    path("imports/<id:pk>/leavers/", views.import_leavers, name="import-leavers"),
]
