"""Onboarding routes, included in the core's "ikc_share" namespace (ikc_share/urls.py)."""

from django.urls import path

from onboarding.views import imports, invitations, operator

urlpatterns = [
    # Operator console (superusers only; 404 for everyone else)
    path("operator/", operator.operator_home, name="operator-home"),
    path("operator/ikcs/new/", operator.operator_ikc_create, name="operator-ikc-create"),
    path("operator/ikcs/<id:pk>/", operator.operator_ikc_detail, name="operator-ikc-detail"),
    path(
        "operator/ikcs/<id:pk>/organisations/new/",
        operator.operator_organisation_create,
        name="operator-organisation-create",
    ),
    path(
        "operator/organisations/<id:org_pk>/locations/new/",
        operator.operator_location_create,
        name="operator-location-create",
    ),
    path(
        "operator/organisations/<id:org_pk>/directors/invite/",
        operator.operator_director_invite,
        name="operator-director-invite",
    ),
    path(
        "operator/invitations/<id:pk>/resend/",
        operator.operator_invitation_resend,
        name="operator-invitation-resend",
    ),
    path(
        "operator/invitations/<id:pk>/revoke/",
        operator.operator_invitation_revoke,
        name="operator-invitation-revoke",
    ),
    # Invitations (the link in the e-mail lives under /account/, like the login)
    path("account/set-password/<str:token>/", invitations.invitation_accept, name="invitation-accept"),
    path("organisations/<id:org_pk>/invitations/", invitations.invitation_list, name="invitation-list"),
    path("organisations/<id:org_pk>/invitations/parents/", invitations.parents_invite, name="parents-invite"),
    path("invitations/<id:pk>/resend/", invitations.invitation_resend, name="invitation-resend"),
    path("invitations/<id:pk>/revoke/", invitations.invitation_revoke, name="invitation-revoke"),
    # Import of children and guardians
    path("organisations/<id:org_pk>/import/", imports.import_start, name="import-start"),
    path("organisations/<id:org_pk>/import/columns/", imports.import_columns, name="import-columns"),
    path(
        "organisations/<id:org_pk>/import/template/<slug:preset>.csv",
        imports.import_template,
        name="import-template",
    ),
    path("organisations/<id:org_pk>/import/access/", imports.import_access, name="import-access"),
    path("import-permissions/<id:pk>/revoke/", imports.import_access_revoke, name="import-access-revoke"),
    path("imports/<id:pk>/", imports.import_detail, name="import-detail"),
    path("imports/<id:pk>/mapping/", imports.import_mapping, name="import-mapping"),
    path("imports/<id:pk>/confirm/", imports.import_confirm, name="import-confirm"),
    path("imports/<id:pk>/cancel/", imports.import_cancel, name="import-cancel"),
    path("imports/<id:pk>/leavers/", imports.import_leavers, name="import-leavers"),
]
