"""Consent routes in the permission matrix (see __init__.py). Objects come from
tests/builders/matrix.py: an active consent version and an active legitimate-interest
version sent by the childcare organisation, Noah (child_daycare; guardians parent_a and
parent_b with authority), a round with a paper letter for ANOTHER family (Sem), an
objection and a scanned paper decision; a restriction of processing (art. 18) of one of
Noah's categories (made here: `_restriction`).

Parents reach only their own child in the portal (another family's child, staff pages:
404); staff reach only the staff pages of the sending organisation; the school: 404.
Restrictions are recorded and lifted by the director or a privacy contact (there is none in
the cast): other staff and the privacy officer see them but get 403."""

from consent.models import ProcessingRestriction
from tests.builders import (
    category,
    guardian,
    matrix_consent_version,
    matrix_objection,
    matrix_objection_version,
    matrix_paper_mail,
    matrix_round,
    matrix_scanned_decision,
    other_family_child,
)
from tests.matrix_routes import Route, everyone

PARENTS = {"parent_a": 200, "parent_b": 200}
READERS = {"director_childcare": 200, "staff_childcare": 200, "po_childcare": 200}
ACTORS = {"director_childcare": 200, "staff_childcare": 200, "po_childcare": 403}
ACTORS_POST = {"director_childcare": 302, "staff_childcare": 302, "po_childcare": 403}
AUDITORS = {"director_childcare": 200, "staff_childcare": 403, "po_childcare": 200}
HANDLERS_POST = {"director_childcare": 302, "staff_childcare": 403, "po_childcare": 403}


def _child_version(w):
    return {"child_pk": w.child_daycare.pk, "version_pk": matrix_consent_version(w).pk}


def _restriction(w) -> ProcessingRestriction:
    """Noah's restriction of the category "identification" (in force), made once."""
    child = w.child_daycare
    existing = ProcessingRestriction.objects.filter(child=child, lifted_at__isnull=True).first()
    if existing:
        return existing
    return ProcessingRestriction.objects.create(
        child=child, category=category("identification"), requested_by=guardian(w, child, "Sanne")
    )


def _restriction_data(w) -> dict:
    """A valid restriction of Noah's "development_language" (of the matrix consent version)."""
    matrix_consent_version(w)
    return {
        "categories": [category("development_language").pk],
        "requested_by": guardian(w, w.child_daycare, "Sanne").pk,
        "reason": "",
    }


ROUTES = {
    # --- Parent portal ------------------------------------------------------------------------
    "consent:portal-home": Route(expect=everyone(200)),
    "consent:portal-login": Route(expect=everyone(200), anonymous=200),
    "consent:portal-link": Route(expect=everyone(200), anonymous=200),
    "consent:portal-child": Route(kwargs=lambda w: {"child_pk": w.child_daycare.pk}, expect=PARENTS),
    "consent:portal-decide": Route(kwargs=_child_version, expect=PARENTS),
    "consent:portal-withdraw": Route(kwargs=_child_version, expect=PARENTS),
    "consent:portal-object": Route(
        kwargs=lambda w: {"child_pk": w.child_daycare.pk, "version_pk": matrix_objection_version(w).pk},
        expect=PARENTS,
    ),
    # Another family's child: 404 for every parent (and for staff: this is the portal).
    "consent:portal-export": Route(kwargs=lambda w: {"child_pk": other_family_child(w).pk, "fmt": "json"}),
    # --- Staff of the sending organisation --------------------------------------------------------
    "consent:overview": Route(kwargs=lambda w: {"org_pk": w.childcare.pk}, expect=READERS),
    "consent:coverage": Route(kwargs=lambda w: {"version_pk": matrix_consent_version(w).pk}, expect=READERS),
    "consent:round-start": Route(kwargs=lambda w: {"version_pk": matrix_consent_version(w).pk}, expect=ACTORS),
    "consent:reminder-send": Route(
        kwargs=lambda w: {"version_pk": matrix_consent_version(w).pk}, method="post", expect=ACTORS_POST
    ),
    "consent:round-detail": Route(kwargs=lambda w: {"pk": matrix_round(w).pk}, expect=READERS),
    "consent:round-paper-handed-over": Route(
        kwargs=lambda w: {"pk": matrix_round(w).pk, "mail_pk": matrix_paper_mail(w).pk},
        method="post",
        expect=ACTORS_POST,
    ),
    "consent:child-consent": Route(kwargs=lambda w: {"child_pk": w.child_daycare.pk}, expect=READERS),
    "consent:paper-decision": Route(kwargs=_child_version, expect=ACTORS),
    "consent:staff-withdraw": Route(kwargs=_child_version, expect=ACTORS),
    "consent:notice-record": Route(kwargs=_child_version, expect=ACTORS),
    "consent:staff-export": Route(kwargs=lambda w: {"child_pk": w.child_daycare.pk, "fmt": "json"}, expect=AUDITORS),
    "consent:objection-detail": Route(kwargs=lambda w: {"pk": matrix_objection(w).pk}, expect=READERS),
    "consent:decision-scan": Route(kwargs=lambda w: {"pk": matrix_scanned_decision(w).pk}, expect=READERS),
    "consent:restriction-record": Route(
        kwargs=lambda w: {"child_pk": w.child_daycare.pk}, method="post", data=_restriction_data, expect=HANDLERS_POST
    ),
    "consent:restriction-lift": Route(
        kwargs=lambda w: {"pk": _restriction(w).pk},
        method="post",
        data=lambda w: {"reason": "De correctie is verwerkt."},
        expect=HANDLERS_POST,
    ),
}
