"""Onboarding routes in the permission matrix (see __init__.py).

The operator console answers only the operator (a superuser): 404 for everyone else,
including directors. Every other onboarding page ignores superuser status: the operator
gets 404 there like any stranger."""

from tests.matrix_routes import Route, everyone
from tests.onboarding.helpers import (
    MATRIX_TOKEN,
    matrix_director_invitation,
    matrix_import_permission,
    matrix_job,
    matrix_staff_invitation,
)

OPERATOR = {"operator": 200}
OPERATOR_POST = {"operator": 302}
# Importing into the childcare organisation: its director; staff only with the director's
# authorisation (staff_childcare has none here); the privacy officer never.
IMPORTERS = {"director_childcare": 200, "staff_childcare": 403, "po_childcare": 403}
IMPORTERS_POST = {"director_childcare": 302, "staff_childcare": 403, "po_childcare": 403}
AUDITORS = {"director_childcare": 200, "staff_childcare": 403, "po_childcare": 200}


def _org(w):
    return {"org_pk": w.childcare.pk}


ROUTES = {
    "ikc_share:operator-home": Route(expect=OPERATOR),
    "ikc_share:operator-ikc-create": Route(expect=OPERATOR),
    "ikc_share:operator-ikc-detail": Route(kwargs=lambda w: {"pk": w.ikc.pk}, expect=OPERATOR),
    "ikc_share:operator-organisation-create": Route(kwargs=lambda w: {"pk": w.ikc.pk}, expect=OPERATOR),
    "ikc_share:operator-location-create": Route(kwargs=_org, expect=OPERATOR),
    "ikc_share:operator-director-invite": Route(kwargs=_org, expect=OPERATOR),
    "ikc_share:operator-invitation-resend": Route(
        kwargs=lambda w: {"pk": matrix_director_invitation(w).pk}, method="post", expect=OPERATOR_POST
    ),
    "ikc_share:operator-invitation-revoke": Route(
        kwargs=lambda w: {"pk": matrix_director_invitation(w).pk}, method="post", expect=OPERATOR_POST
    ),
    # The invitation link works without login; a signed-in other person is asked to log out.
    "ikc_share:invitation-accept": Route(
        kwargs=lambda w: (matrix_staff_invitation(w), {"token": MATRIX_TOKEN})[1],
        expect=everyone(200),
        anonymous=200,
    ),
    "ikc_share:invitation-list": Route(kwargs=_org, expect=AUDITORS),
    "ikc_share:parents-invite": Route(kwargs=_org, method="post", expect=IMPORTERS_POST),
    "ikc_share:invitation-resend": Route(
        kwargs=lambda w: {"pk": matrix_staff_invitation(w).pk}, method="post", expect=IMPORTERS_POST
    ),
    "ikc_share:invitation-revoke": Route(
        kwargs=lambda w: {"pk": matrix_staff_invitation(w).pk}, method="post", expect=IMPORTERS_POST
    ),
    "ikc_share:import-start": Route(kwargs=_org, expect=IMPORTERS),
    "ikc_share:import-columns": Route(kwargs=_org, expect=IMPORTERS),
    "ikc_share:import-template": Route(
        kwargs=lambda w: {"org_pk": w.childcare.pk, "preset": "generic"}, expect=IMPORTERS
    ),
    "ikc_share:import-access": Route(kwargs=_org, expect=IMPORTERS),
    "ikc_share:import-access-revoke": Route(
        kwargs=lambda w: {"pk": matrix_import_permission(w).pk}, method="post", expect=IMPORTERS_POST
    ),
    "ikc_share:import-detail": Route(kwargs=lambda w: {"pk": matrix_job(w).pk}, expect=IMPORTERS),
    # The matrix job has no stored file: its mapping page redirects to the job (302).
    "ikc_share:import-mapping": Route(
        kwargs=lambda w: {"pk": matrix_job(w).pk},
        expect={"director_childcare": 302, "staff_childcare": 403, "po_childcare": 403},
    ),
    "ikc_share:import-confirm": Route(kwargs=lambda w: {"pk": matrix_job(w).pk}, method="post", expect=IMPORTERS_POST),
    "ikc_share:import-cancel": Route(kwargs=lambda w: {"pk": matrix_job(w).pk}, method="post", expect=IMPORTERS_POST),
    "ikc_share:import-leavers": Route(kwargs=lambda w: {"pk": matrix_job(w).pk}, expect=IMPORTERS),
}
