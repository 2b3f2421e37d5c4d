"""Read queries the letter pages, services and the consent app share: a version with
everything its letter reads, the stored letters, and a paper batch's recipients."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from agreements.letters.models import Letter, LetterBatch
from agreements.models import AgreementVersion
from agreements.rules import scope
from ikc_share.selectors import guardianships_with_authority

if TYPE_CHECKING:
    from ikc_share.models import Child, Guardian, Guardianship

logger = logging.getLogger(__name__)


def version_for_letter(pk: int) -> AgreementVersion:
    """A version with everything the letter reads, in a fixed number of queries."""
    return (
        AgreementVersion.objects.select_related(
            "agreement__ikc", "agreement__sending_organisation", "agreement__receiving_organisation"
        )
        .prefetch_related("items__category", "receiving_roles", "receiving_locations", "approvals__decided_by")
        .get(pk=pk)
    )


def generic_letters(version: AgreementVersion) -> QuerySet[Letter]:
    return Letter.objects.filter(version=version, guardian__isnull=True, is_draft=False)


def generic_letter(*, version: AgreementVersion, language: str) -> Letter | None:
    return generic_letters(version).filter(language=language).first()


def personal_letters(*, version: AgreementVersion, child: Child, guardian: Guardian) -> QuerySet[Letter]:
    """The personal paper letters made for this guardian of this child (one per language)."""
    return Letter.objects.filter(version=version, child=child, guardian=guardian)


def latest_batches(version: AgreementVersion, *, limit: int = 20) -> QuerySet[LetterBatch]:
    """The version's most recent paper-letter batches, newest first."""
    return LetterBatch.objects.filter(version=version)[:limit]


def letter_html_name(letter: Letter) -> str:
    """The stored HTML of a letter sits next to its PDF (same name, .html)."""
    return letter.file.name.removesuffix(".pdf") + ".html"


def letter_stored_body(letter: Letter) -> str | None:
    """The exact letter HTML rendered when the PDF was made (our own escaped template
    output), or None when the file cannot be read (the page then offers the PDF only)."""
    try:
        with default_storage.open(letter_html_name(letter), "rb") as fh:
            return fh.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        logger.exception("stored HTML of letter %s cannot be read", letter.pk)
        return None


def letter_download_name(letter: Letter) -> str:
    version = letter.version
    base = slugify(
        f"{'informatiebrief' if letter.language == 'nl' else 'information-letter'} "
        f"{version.agreement.title} v{version.number} {letter.language}"
    )
    return f"{base}.pdf"


def batch_recipients(version: AgreementVersion) -> QuerySet[Guardianship]:
    """Every guardian with parental authority of every current child of the sending
    organisation that the version concerns now (its scope, agreements/rules/scope.py: a
    child outside it gets no letter): one personal letter each, in the order staff hand
    them out."""
    sender_id = version.agreement.sending_organisation_id
    return (
        guardianships_with_authority(organisation_id=sender_id)
        .filter(scope.children_q(version, timezone.now(), prefix="child__"))
        .select_related("child__location", "guardian__user")
        .order_by(
            "child__location__name",
            "child__group_name",
            "child__last_name",
            "child__first_name",
            "guardian__last_name",
            "guardian__first_name",
            "pk",
        )
    )


def batch_letters(batch: LetterBatch) -> list[Letter]:
    """The personal letters in a finished batch's ZIP, for recording that they were handed
    over (consent app): the letters of its version and language, made by the time it
    finished, for the guardians with authority of current children."""
    if batch.status != LetterBatch.Status.DONE or batch.finished_at is None:
        return []
    version = AgreementVersion.objects.select_related("agreement").get(pk=batch.version_id)
    pairs = set(batch_recipients(version).values_list("child_id", "guardian_id"))
    rows = Letter.objects.filter(
        version=version,
        language=batch.language,
        guardian__isnull=False,
        generated_at__lte=batch.finished_at,
    ).select_related("child", "guardian")
    return [letter for letter in rows.order_by("pk") if (letter.child_id, letter.guardian_id) in pairs]
