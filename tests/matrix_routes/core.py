"""Core routes in the permission matrix (see __init__.py)."""

from tests.matrix_routes import Route, everyone

CHILDCARE_READERS = {"director_childcare": 200, "staff_childcare": 200, "po_childcare": 200}
CHILDCARE_AUDITORS = {"director_childcare": 200, "staff_childcare": 403, "po_childcare": 200}
CHILDCARE_MANAGER = {"director_childcare": 200, "staff_childcare": 403, "po_childcare": 403}
CHILDCARE_MANAGER_POST = {"director_childcare": 302, "staff_childcare": 403, "po_childcare": 403}

ROUTES = {
    "ikc_share:home": Route(expect=everyone(200)),
    "ikc_share:healthz": Route(expect=everyone(200), anonymous=200),
    "ikc_share:login": Route(expect=everyone(302), anonymous=200),  # signed in: redirected home
    "ikc_share:logout": Route(method="post", expect=everyone(302), anonymous=302),
    "ikc_share:otp-setup": Route(expect=everyone(200)),
    "ikc_share:otp-verify": Route(expect=everyone(302)),  # no device yet: sent to setup
    "ikc_share:organisation-children": Route(kwargs=lambda w: {"org_pk": w.childcare.pk}, expect=CHILDCARE_READERS),
    "ikc_share:organisation-members": Route(kwargs=lambda w: {"org_pk": w.childcare.pk}, expect=CHILDCARE_AUDITORS),
    "ikc_share:membership-invite": Route(kwargs=lambda w: {"org_pk": w.childcare.pk}, expect=CHILDCARE_MANAGER),
    "ikc_share:function-title-create": Route(
        kwargs=lambda w: {"org_pk": w.childcare.pk},
        method="post",
        data=lambda w: {"name": "Kok"},
        expect=CHILDCARE_MANAGER_POST,
    ),
    "ikc_share:organisation-audit": Route(kwargs=lambda w: {"org_pk": w.childcare.pk}, expect=CHILDCARE_AUDITORS),
    "ikc_share:membership-edit": Route(
        kwargs=lambda w: {"pk": w.membership("staff_childcare").pk}, expect=CHILDCARE_MANAGER
    ),
    "ikc_share:membership-deactivate": Route(
        kwargs=lambda w: {"pk": w.membership("staff_childcare").pk}, method="post", expect=CHILDCARE_MANAGER_POST
    ),
    "ikc_share:membership-reactivate": Route(
        kwargs=lambda w: {"pk": w.membership("staff_childcare").pk}, method="post", expect=CHILDCARE_MANAGER_POST
    ),
    # staff_childcare works at the daycare only; a school child is invisible to all childcare people.
    "ikc_share:child-detail": Route(kwargs=lambda w: {"pk": w.child_daycare.pk}, expect=CHILDCARE_READERS),
}
