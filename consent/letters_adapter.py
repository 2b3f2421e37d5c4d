"""The consent app's one door to the information letters (agreements/letters/, the
letters issue). Decisions and notices reference a stored `Letter` and its SHA-256, so the
exact text a parent was shown stays provable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Q

from agreements.letters import content, links, selectors, storage

if TYPE_CHECKING:
    from agreements.letters.models import Letter
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian

LANGUAGES = content.LANGUAGES
PAPER_LINK_SCOPE = links.PAPER_LINK_SCOPE
paper_link_max_age = links.paper_link_max_age


def letter_language(language: str | None) -> str:
    language = (language or "nl")[:2]
    return language if language in LANGUAGES else "nl"


def generic_letter(*, version: AgreementVersion, language: str, actor=None) -> Letter:
    """The stored generic letter of an active version (rendered and stored once)."""
    return storage.letter_generic_ensure(version=version, language=letter_language(language), actor=actor)


def letters_for_decision(
    *, version: AgreementVersion, shown_pk: int | None, language: str
) -> tuple[Letter | None, Letter | None]:
    """(the letter the decision form says was shown, the stored generic letter in `language`)
    in one query. The shown one is any letter of this version for no one in particular (a
    draft too: the service refuses it), None when it is not one; the generic one is None when
    it was not stored yet (`generic_letter` renders it)."""
    wanted = Q(language=letter_language(language), is_draft=False)
    if shown_pk is not None:
        wanted |= Q(pk=shown_pk)
    letters = list(version.letters.filter(wanted, guardian__isnull=True))
    shown = next((letter for letter in letters if letter.pk == shown_pk), None)
    generic = next(
        (letter for letter in letters if letter.language == letter_language(language) and not letter.is_draft), None
    )
    return shown, generic


def stored_letter(*, version: AgreementVersion, language: str) -> Letter | None:
    """The generic letter if it was stored already (never renders)."""
    return selectors.generic_letter(version=version, language=letter_language(language))


def letter_for_guardian(*, version: AgreementVersion, child: Child, guardian: Guardian, actor=None) -> Letter:
    """The letter this guardian got on paper: their personalised letter if one was made
    (in their language if there is one in it, else the latest in another), otherwise the
    generic letter in their language."""
    language = letter_language(guardian.language)
    personal = sorted(
        selectors.personal_letters(version=version, child=child, guardian=guardian),
        key=lambda letter: (letter.language == language, letter.generated_at, letter.pk),
    )
    return personal[-1] if personal else generic_letter(version=version, language=language, actor=actor)


def batch_letters(batch) -> list[Letter]:
    """The personal letters in a finished paper batch (agreements.letters.selectors.batch_letters)."""
    return selectors.batch_letters(batch)


def letter_body(letter: Letter) -> str:
    """The letter's HTML exactly as stored next to its PDF (our own escaped template output)."""
    return selectors.letter_stored_body(letter)


def check_letter(*, letter: Letter, version: AgreementVersion) -> None:
    if letter.version_id != version.pk or letter.is_draft:
        raise ValidationError("This letter does not belong to this agreement version.")


def download_name(letter: Letter) -> str:
    return selectors.letter_download_name(letter)
