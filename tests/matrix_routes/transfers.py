"""Transfer routes in the permission matrix (see __init__.py). Objects come from
tests/builders/matrix.py: a consent-based development-line version (childcare → the
school location, receiving role "Leerkracht groep 1-2", parents read first), Noah's transfers
in the states the routes need (a concept with an attachment, one waiting for the parents
with a remark, one sent with its received copy, one stopped with the parents' PDF copy).

- Sender side: members of the childcare organisation who may read Noah (staff_childcare
  works at his daycare); changes need ACT (the privacy officer: 403); erasing needs MANAGE.
  The school: 404 (it never sees the sender's record).
- Receiving side: only the teacher (staff_school: receiving role at the addressed location)
  opens the copy; the school's director and privacy officer hold no receiving role: 404.
- Erasing a received copy (art. 17): the school's director (who handles rights there); the
  teacher opens the copy but does not handle rights: 403; the privacy officer and everyone
  else 404.
- Parents: Noah's parents (both with authority) in the portal; everyone else 404.
"""

from tests.builders import (
    matrix_draft,
    matrix_reading,
    matrix_received,
    matrix_remark,
    matrix_sent,
    matrix_stopped_with_pdf,
    matrix_transfer_version,
)
from tests.matrix_routes import Route, everyone

READERS = {"director_childcare": 200, "staff_childcare": 200, "po_childcare": 200}
ACTORS = {"director_childcare": 200, "staff_childcare": 200, "po_childcare": 403}
ACTORS_POST = {"director_childcare": 302, "staff_childcare": 302, "po_childcare": 403}
MANAGER = {"director_childcare": 200, "staff_childcare": 403, "po_childcare": 403}
AUDITORS = {"director_childcare": 200, "staff_childcare": 403, "po_childcare": 200}
SCHOOL_MEMBERS = {"director_school": 200, "staff_school": 200, "po_school": 200}
RECEIVER = {"staff_school": 200}
RECEIVER_POST = {"staff_school": 302}
RECEIVER_ERASER = {"director_school": 200, "staff_school": 403}
PARENTS = {"parent_a": 200, "parent_b": 200}
PARENTS_POST = {"parent_a": 302, "parent_b": 302}


def _child_version(w):
    return {"child_pk": w.child_daycare.pk, "version_pk": matrix_transfer_version(w).pk}


def _draft_attachment(w):
    t = matrix_draft(w)
    return {"pk": t.pk, "attachment_pk": t.attachments.get().pk}


def _received_attachment(w):
    r = matrix_received(w)
    return {"pk": r.pk, "attachment_pk": r.attachments.get().pk}


def _reading_attachment(w):
    t = matrix_reading(w)
    return {"pk": t.pk, "attachment_pk": t.attachments.get().pk}


ROUTES = {
    # --- Staff of the sending organisation ---------------------------------------------------------
    "transfers:guide": Route(expect=everyone(200)),
    "transfers:transfer-list": Route(kwargs=lambda w: {"org_pk": w.childcare.pk}, expect=READERS),
    "transfers:child-transfers": Route(kwargs=lambda w: {"child_pk": w.child_daycare.pk}, expect=READERS),
    "transfers:compose": Route(kwargs=_child_version, expect=ACTORS),
    "transfers:meeting-record": Route(kwargs=_child_version, expect=ACTORS),
    "transfers:transfer-detail": Route(kwargs=lambda w: {"pk": matrix_draft(w).pk}, expect=READERS),
    "transfers:transfer-edit": Route(kwargs=lambda w: {"pk": matrix_draft(w).pk}, expect=ACTORS),
    "transfers:attachment-add": Route(kwargs=lambda w: {"pk": matrix_draft(w).pk}, method="post", expect=ACTORS_POST),
    "transfers:attachment-download": Route(kwargs=_draft_attachment, expect=READERS),
    "transfers:attachment-remove": Route(kwargs=_draft_attachment, method="post", expect=ACTORS_POST),
    "transfers:transfer-share": Route(kwargs=lambda w: {"pk": matrix_draft(w).pk}, method="post", expect=ACTORS_POST),
    "transfers:transfer-cancel": Route(kwargs=lambda w: {"pk": matrix_draft(w).pk}, method="post", expect=ACTORS_POST),
    "transfers:transfer-talked": Route(
        kwargs=lambda w: {"pk": matrix_reading(w).pk}, method="post", expect=ACTORS_POST
    ),
    "transfers:remark-answer": Route(
        kwargs=lambda w: {"pk": matrix_reading(w).pk, "remark_pk": matrix_remark(w).pk},
        method="post",
        data=lambda w: {"answer": "Verbeterd, dank u."},
        expect=ACTORS_POST,
    ),
    "transfers:transfer-rectify": Route(kwargs=lambda w: {"pk": matrix_sent(w).pk}, expect=ACTORS),
    "transfers:transfer-erase": Route(kwargs=lambda w: {"pk": matrix_sent(w).pk}, expect=MANAGER),
    # --- Receiving side: only the receiving role at the addressed location ---------------------------
    "transfers:inbox": Route(kwargs=lambda w: {"org_pk": w.school.pk}, expect=SCHOOL_MEMBERS),
    "transfers:received-detail": Route(kwargs=lambda w: {"pk": matrix_received(w).pk}, expect=RECEIVER),
    "transfers:received-confirm": Route(
        kwargs=lambda w: {"pk": matrix_received(w).pk}, method="post", expect=RECEIVER_POST
    ),
    "transfers:received-link": Route(
        kwargs=lambda w: {"pk": matrix_received(w).pk}, method="post", expect=RECEIVER_POST
    ),
    "transfers:received-attachment": Route(kwargs=_received_attachment, expect=RECEIVER),
    "transfers:received-erase": Route(kwargs=lambda w: {"pk": matrix_received(w).pk}, expect=RECEIVER_ERASER),
    # --- The register: director and privacy officer ------------------------------------------------
    "transfers:register": Route(kwargs=lambda w: {"org_pk": w.childcare.pk}, expect=AUDITORS),
    # --- Parents in the portal ---------------------------------------------------------------------
    "transfers:portal-timeline": Route(kwargs=lambda w: {"child_pk": w.child_daycare.pk}, expect=PARENTS),
    "transfers:portal-transfer": Route(kwargs=lambda w: {"pk": matrix_reading(w).pk}, expect=PARENTS),
    "transfers:portal-view": Route(
        kwargs=lambda w: {"pk": matrix_reading(w).pk},
        method="post",
        data=lambda w: {"view": "Thuis gaat het goed."},
        expect=PARENTS_POST,
    ),
    "transfers:portal-remark": Route(
        kwargs=lambda w: {"pk": matrix_reading(w).pk},
        method="post",
        data=lambda w: {"text": "Dit klopt niet."},
        expect=PARENTS_POST,
    ),
    "transfers:portal-confirm": Route(
        kwargs=lambda w: {"pk": matrix_reading(w).pk}, method="post", expect=PARENTS_POST
    ),
    "transfers:portal-talk": Route(kwargs=lambda w: {"pk": matrix_reading(w).pk}, method="post", expect=PARENTS_POST),
    "transfers:portal-refuse": Route(kwargs=lambda w: {"pk": matrix_reading(w).pk}, expect=PARENTS),
    "transfers:portal-pdf": Route(kwargs=lambda w: {"pk": matrix_stopped_with_pdf(w).pk}, expect=PARENTS),
    "transfers:portal-attachment": Route(kwargs=_reading_attachment, expect=PARENTS),
}
