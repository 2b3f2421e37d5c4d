"""Accountability routes in the permission matrix (see __init__.py): the privacy dashboard,
audit exports, verification and reports, the register, retention, incidents, advice, and
rights requests (portal and staff). Objects from tests/builders/accountability.py; they all
belong to the childcare organisation, so the school's people (its privacy officer
included) get 404 for every one of them, except the incident notice sent to the school's
director.

Auditors (director, privacy officer) read; handlers (director; privacy contacts) decide;
the privacy officer advises and decides nothing (403 on every handler action)."""

from tests.builders import (
    access_request,
    audit_report,
    fulfilled_access_request,
    incident,
    incident_notice,
    prepared_access_request,
    processor,
    verification_job,
)
from tests.matrix_routes import Route, everyone

AUDITORS = {"director_childcare": 200, "staff_childcare": 403, "po_childcare": 200}
AUDITORS_POST = {"director_childcare": 302, "staff_childcare": 403, "po_childcare": 302}
DIRECTOR = {"director_childcare": 200, "staff_childcare": 403, "po_childcare": 403}
DIRECTOR_POST = {"director_childcare": 302, "staff_childcare": 403, "po_childcare": 403}
RECORDERS = {"director_childcare": 200, "staff_childcare": 200, "po_childcare": 403}
ADVISER_POST = {"director_childcare": 403, "staff_childcare": 403, "po_childcare": 302}
PARENTS = {"parent_a": 200, "parent_b": 200}
REQUESTER = {"parent_a": 200}


def _org(w):
    return {"org_pk": w.childcare.pk}


def _period(w):
    return {"date_from": "2026-01-01", "date_to": "2026-01-31"}


ROUTES = {
    "ikc_share:privacy-dashboard": Route(kwargs=_org, expect=AUDITORS),
    "ikc_share:audit-export": Route(kwargs=_org, expect=AUDITORS),
    "ikc_share:audit-verify": Route(kwargs=_org, method="post", expect=AUDITORS_POST),
    "ikc_share:audit-report-request": Route(kwargs=_org, method="post", data=_period, expect=AUDITORS_POST),
    "ikc_share:audit-verification": Route(kwargs=lambda w: {"pk": verification_job(w).pk}, expect=AUDITORS),
    "ikc_share:audit-report": Route(kwargs=lambda w: {"pk": audit_report(w).pk}, expect=AUDITORS),
    "ikc_share:audit-report-download": Route(kwargs=lambda w: {"pk": audit_report(w).pk}, expect=AUDITORS),
    "ikc_share:register": Route(kwargs=_org, expect=AUDITORS),
    "ikc_share:register-export": Route(kwargs=lambda w: {"org_pk": w.childcare.pk, "fmt": "csv"}, expect=AUDITORS),
    "ikc_share:register-security": Route(kwargs=_org, expect=DIRECTOR),
    # The director keeps the processors (art. 28) and the legal status; the FG reads them on the register.
    "ikc_share:register-controller": Route(kwargs=_org, expect=DIRECTOR),
    "ikc_share:processor-create": Route(kwargs=_org, expect=DIRECTOR),
    "ikc_share:processor-edit": Route(kwargs=lambda w: {"pk": processor(w).pk}, expect=DIRECTOR),
    "ikc_share:processor-end": Route(kwargs=lambda w: {"pk": processor(w).pk}, method="post", expect=DIRECTOR_POST),
    "ikc_share:retention": Route(kwargs=_org, expect=AUDITORS),
    "ikc_share:retention-edit": Route(
        kwargs=lambda w: {"org_pk": w.childcare.pk, "kind": "child_records"}, expect=DIRECTOR
    ),
    "ikc_share:incident-list": Route(kwargs=_org, expect=AUDITORS),
    "ikc_share:incident-create": Route(kwargs=_org, expect=DIRECTOR),
    "ikc_share:incident-detail": Route(kwargs=lambda w: {"pk": incident(w).pk}, expect=AUDITORS),
    "ikc_share:incident-edit": Route(kwargs=lambda w: {"pk": incident(w).pk}, expect=DIRECTOR),
    "ikc_share:incident-close": Route(kwargs=lambda w: {"pk": incident(w).pk}, method="post", expect=DIRECTOR_POST),
    "ikc_share:incident-parents-notice": Route(kwargs=lambda w: {"pk": incident(w).pk}, expect=DIRECTOR),
    # The notice to the school's director: only they open it (the school's FG has their own).
    "ikc_share:incident-notice": Route(
        kwargs=lambda w: {"pk": incident_notice(w, "director_school").pk}, expect={"director_school": 200}
    ),
    "ikc_share:advice-add": Route(
        kwargs=_org, method="post", data=lambda w: {"subject": "general", "text": "Advies."}, expect=ADVISER_POST
    ),
    # --- Rights requests: the parent portal ------------------------------------------------------
    "consent:rights-portal": Route(expect=everyone(200)),
    "consent:rights-portal-new": Route(expect=PARENTS),
    # Sanne's own request: the other parent (Mark) does not see it (art. 15(4)).
    "consent:rights-portal-detail": Route(kwargs=lambda w: {"pk": access_request(w).pk}, expect=REQUESTER),
    "consent:rights-portal-export": Route(
        kwargs=lambda w: {"pk": fulfilled_access_request(w).pk, "fmt": "json"}, expect=REQUESTER
    ),
    # --- Rights requests: staff --------------------------------------------------------------------
    "consent:rights-list": Route(kwargs=_org, expect=AUDITORS),
    "consent:rights-record": Route(kwargs=_org, expect=RECORDERS),
    "consent:rights-detail": Route(kwargs=lambda w: {"pk": access_request(w).pk}, expect=AUDITORS),
    "consent:rights-status": Route(kwargs=lambda w: {"pk": access_request(w).pk}, method="post", expect=DIRECTOR_POST),
    "consent:rights-extend": Route(kwargs=lambda w: {"pk": access_request(w).pk}, method="post", expect=DIRECTOR_POST),
    "consent:rights-assign": Route(kwargs=lambda w: {"pk": access_request(w).pk}, method="post", expect=DIRECTOR_POST),
    "consent:rights-export-prepare": Route(
        kwargs=lambda w: {"pk": access_request(w).pk}, method="post", expect=DIRECTOR_POST
    ),
    # Reviewing the prepared export's free texts before release (art. 15(4)): handlers only.
    "consent:rights-export-review": Route(kwargs=lambda w: {"pk": prepared_access_request(w).pk}, expect=DIRECTOR),
    "consent:rights-export": Route(
        kwargs=lambda w: {"pk": fulfilled_access_request(w).pk, "fmt": "json"}, expect=AUDITORS
    ),
    "consent:rights-erase": Route(
        kwargs=lambda w: {"pk": access_request(w, kind="erasure").pk}, method="post", expect=DIRECTOR_POST
    ),
}
