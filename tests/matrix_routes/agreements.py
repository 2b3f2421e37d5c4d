"""Agreement routes in the permission matrix (see __init__.py).

Objects come from tests/builders/versions.py (idempotent by title): an ACTIVE agreement
childcare → school, a DRAFT and one AWAITING approval. Staff of both organisations read
active agreements only; directors and privacy officers of both read everything; only
directors change (each approves only their own side); everyone else gets 404.
"""

from tests.builders import make_active, make_awaiting, make_draft
from tests.matrix_routes import Route

BOTH_MEMBERS = {
    m: 200
    for m in ("director_childcare", "staff_childcare", "po_childcare", "director_school", "staff_school", "po_school")
}
CHILDCARE_MEMBERS = {"director_childcare": 200, "staff_childcare": 200, "po_childcare": 200}
AUDITORS_OF_BOTH = {
    "director_childcare": 200,
    "po_childcare": 200,
    "director_school": 200,
    "po_school": 200,
    "staff_childcare": 403,
    "staff_school": 403,
}
# Changing something the person can see: directors act, everyone else who sees it gets 403.
CHANGE_ACTIVE_GET = {
    "director_childcare": 200,
    "director_school": 200,
    "po_childcare": 403,
    "po_school": 403,
    "staff_childcare": 403,
    "staff_school": 403,
}
CHANGE_ACTIVE_POST = {**CHANGE_ACTIVE_GET, "director_childcare": 302, "director_school": 302}
# Drafts and versions awaiting approval are invisible to staff (404).
CHANGE_OPEN_GET = {"director_childcare": 200, "director_school": 200, "po_childcare": 403, "po_school": 403}
CHANGE_OPEN_POST = {**CHANGE_OPEN_GET, "director_childcare": 302, "director_school": 302}

ROUTES = {
    "agreements:agreement-list": Route(kwargs=lambda w: {"org_pk": w.childcare.pk}, expect=CHILDCARE_MEMBERS),
    "agreements:agreement-create": Route(
        kwargs=lambda w: {"org_pk": w.childcare.pk},
        expect={"director_childcare": 200, "staff_childcare": 403, "po_childcare": 403},
    ),
    "agreements:agreement-detail": Route(kwargs=lambda w: {"pk": make_active(w).agreement_id}, expect=BOTH_MEMBERS),
    "agreements:agreement-history": Route(
        kwargs=lambda w: {"pk": make_active(w).agreement_id}, expect=AUDITORS_OF_BOTH
    ),
    "agreements:agreement-amend": Route(
        kwargs=lambda w: {"pk": make_active(w).agreement_id}, method="post", expect=CHANGE_ACTIVE_POST
    ),
    "agreements:agreement-end": Route(kwargs=lambda w: {"pk": make_active(w).agreement_id}, expect=CHANGE_ACTIVE_GET),
    "agreements:version-detail": Route(kwargs=lambda w: {"pk": make_active(w).pk}, expect=BOTH_MEMBERS),
    "agreements:version-edit": Route(kwargs=lambda w: {"pk": make_draft(w).pk}, expect=CHANGE_OPEN_GET),
    "agreements:version-submit": Route(
        kwargs=lambda w: {"pk": make_draft(w).pk}, method="post", expect=CHANGE_OPEN_POST
    ),
    "agreements:version-approve": Route(
        kwargs=lambda w: {"pk": make_awaiting(w).pk}, method="post", expect=CHANGE_OPEN_POST
    ),
    "agreements:version-return": Route(
        kwargs=lambda w: {"pk": make_awaiting(w).pk},
        method="post",
        data=lambda w: {"comment": "Graag aanpassen."},
        expect=CHANGE_OPEN_POST,
    ),
}
