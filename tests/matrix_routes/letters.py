"""Information-letter routes in the permission matrix (see __init__.py). Objects come from
tests/builders/matrix.py: an active version from the childcare organisation (sender)
to the school (receiver), its generic Dutch letter and a finished paper batch."""

from tests.builders import matrix_batch, matrix_letter, matrix_letter_version
from tests.matrix_routes import Route, everyone

# Directors and privacy officers of both sides; staff see the active version exists (403).
PREVIEWERS = {
    "director_childcare": 200,
    "po_childcare": 200,
    "director_school": 200,
    "po_school": 200,
    "staff_childcare": 403,
    "staff_school": 403,
}
DIRECTORS_POST = {
    "director_childcare": 302,
    "director_school": 302,
    "po_childcare": 403,
    "po_school": 403,
    "staff_childcare": 403,
    "staff_school": 403,
}
# Batches: directors of the sending organisation only; its other members 403; the school 404.
SENDER_DIRECTOR = {"director_childcare": 200, "staff_childcare": 403, "po_childcare": 403}
SENDER_DIRECTOR_POST = {
    "director_childcare": 302,
    "staff_childcare": 403,
    "po_childcare": 403,
    "director_school": 403,
    "staff_school": 403,
    "po_school": 403,
}


def _version(w):
    return {"version_pk": matrix_letter_version(w).pk}


ROUTES = {
    # Public: anyone with the unguessable link, signed in or not.
    "agreements:letter-public": Route(
        kwargs=lambda w: {"token": matrix_letter(w).public_token}, expect=everyone(200), anonymous=200
    ),
    "agreements:letter-public-pdf": Route(
        kwargs=lambda w: {"token": matrix_letter(w).public_token}, expect=everyone(200), anonymous=200
    ),
    "agreements:letter-public-language": Route(
        kwargs=lambda w: {"token": matrix_letter(w).public_token, "language": "en"},
        expect=everyone(302),
        anonymous=302,
    ),
    "agreements:version-letters": Route(kwargs=_version, expect=PREVIEWERS),
    "agreements:letter-preview": Route(kwargs=lambda w: {**_version(w), "language": "nl"}, expect=PREVIEWERS),
    "agreements:letter-preview-pdf": Route(kwargs=lambda w: {**_version(w), "language": "en"}, expect=PREVIEWERS),
    "agreements:letter-generate": Route(kwargs=_version, method="post", expect=DIRECTORS_POST),
    "agreements:letter-batch-start": Route(
        kwargs=_version, method="post", data=lambda w: {"language": "nl"}, expect=SENDER_DIRECTOR_POST
    ),
    "agreements:letter-batch": Route(kwargs=lambda w: {"pk": matrix_batch(w).pk}, expect=SENDER_DIRECTOR),
    "agreements:letter-batch-download": Route(kwargs=lambda w: {"pk": matrix_batch(w).pk}, expect=SENDER_DIRECTOR),
    # The consent app's confirmation on the batch page: the letters were handed over (informing).
    "consent:letter-batch-handed-over": Route(
        kwargs=lambda w: {"batch_pk": matrix_batch(w).pk},
        method="post",
        expect={"director_childcare": 302, "staff_childcare": 403, "po_childcare": 403},
    ),
}
