"""The checks that several consent services share before they change anything, and the
per-child lock.

The per-child lock: `child_lock(child=...)` is the core's (ikc_share/services.py): it
locks the child's own row (SELECT … FOR UPDATE) as the first step of a withdrawal or an
objection; the transfers issue takes the same lock before it shares, so a withdrawal and
a transfer for one child never cross. On SQLite the IMMEDIATE transactions (settings)
serialise writers anyway.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from agreements.choices import AgreementVersionStatus
from agreements.rules import bases
from ikc_share import selectors as core_selectors
from ikc_share.services import child_lock  # noqa: F401  (re-exported: consent.services.child_lock)

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian, Organisation

SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_TYPES = {
    "application/pdf": b"%PDF",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}
# A moment recorded by staff may lie this far ahead (clocks differ a little).
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


def sender_of(version: AgreementVersion) -> Organisation:
    """The sending organisation of the version: the controller that asks and informs."""
    return version.agreement.sending_organisation


def check_version_active(version: AgreementVersion) -> None:
    if version.status != AgreementVersionStatus.ACTIVE:
        raise ValidationError(_("Deze afspraak is niet (meer) actief."))


def check_child_of_sender(*, version: AgreementVersion, child: Child) -> None:
    if child.organisation_id != version.agreement.sending_organisation_id:
        raise ValidationError(_("Dit kind hoort niet bij de organisatie die onder deze afspraak gegevens deelt."))


def check_version_for_child(*, version: AgreementVersion, child: Child) -> None:
    check_version_active(version)
    check_child_of_sender(version=version, child=child)


def is_guardian_of(*, guardian: Guardian, child: Child, with_authority: bool | None = None) -> bool:
    """Whether this Guardian record (the child's organisation's own) is a guardian of the child."""
    return (
        guardian.organisation_id == child.organisation_id
        and core_selectors.guardianships(children=[child], guardian=guardian, with_authority=with_authority).exists()
    )


def check_guardian_authority(*, guardian: Guardian, child: Child, message: str | None = None) -> None:
    if not is_guardian_of(guardian=guardian, child=child, with_authority=True):
        raise ValidationError(message or _("Alleen een ouder of verzorger met ouderlijk gezag kan hierover beslissen."))


def check_consent_basis(version: AgreementVersion) -> None:
    if not bases.asks_consent(version):
        raise ValidationError(_("Voor deze afspraak is geen toestemming nodig: de grondslag is geen toestemming."))


def check_not_future(at: datetime.datetime, *, now: datetime.datetime, message: str) -> None:
    if at > now + FUTURE_TOLERANCE:
        raise ValidationError(message)


def scan_check(scan: UploadedFile) -> str:
    """PDF or image only, size-limited; returns the SHA-256 of the content."""
    if scan.size > SCAN_MAX_BYTES:
        raise ValidationError(_("De scan is te groot (maximaal 10 MB)."))
    head = scan.read(16)
    scan.seek(0)
    if not any(head.startswith(magic) for magic in SCAN_TYPES.values()):
        raise ValidationError(_("Upload de scan als PDF, JPEG of PNG."))
    digest = hashlib.sha256()
    for chunk in scan.chunks():
        digest.update(chunk)
    scan.seek(0)
    return digest.hexdigest()


def scan_suffix(scan: UploadedFile) -> str:
    head = scan.read(16)
    scan.seek(0)
    if head.startswith(SCAN_TYPES["application/pdf"]):
        return ".pdf"
    if head.startswith(SCAN_TYPES["image/png"]):
        return ".png"
    return ".jpg"
