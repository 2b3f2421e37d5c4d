"""Storing the generic letter of an active version once per language: its PDF and HTML
through the storage API, the `Letter` row with both SHA-256s, and its audit event in one
transaction; never half-stored."""

from __future__ import annotations

import logging
import secrets
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agreements.letters.content import check_language, letter_context
from agreements.letters.links import letter_link
from agreements.letters.models import Letter
from agreements.letters.render import RenderedLetter, render_letter
from agreements.letters.selectors import generic_letter, version_for_letter
from agreements.models import AgreementVersion
from ikc_share.audit import audit_record

logger = logging.getLogger(__name__)
User = get_user_model()


def check_active(version: AgreementVersion) -> None:
    """A letter for parents is made only for an active version (a draft is previewed)."""
    if version.status != AgreementVersion.Status.ACTIVE:
        raise ValidationError(
            _("Alleen voor een actieve afspraak maken we een brief voor ouders. Bekijk een concept als voorbeeld.")
        )


def check_can_issue(version: AgreementVersion, language: str) -> None:
    check_language(language)
    check_active(version)


def _store(*, version: AgreementVersion, language: str, token: str, rendered: RenderedLetter, actor: Any) -> Letter:
    """Write the generic letter's PDF and HTML, then the row and its audit event in one
    transaction. If the transaction fails the files are deleted again: never half-stored.
    A concurrent writer who stored the same letter first wins; we return theirs."""
    stem = f"{language}-generic-{uuid.uuid4().hex}"
    pdf_name = default_storage.save(f"letters/v{version.pk}/{stem}.pdf", ContentFile(rendered.pdf))
    written = [pdf_name]
    try:
        html_name = pdf_name.removesuffix(".pdf") + ".html"
        saved = default_storage.save(html_name, ContentFile(rendered.body.encode("utf-8")))
        written.append(saved)
        if saved != html_name:
            raise RuntimeError("storage renamed the letter HTML; refusing to store a mismatched pair")
        with transaction.atomic():
            letter = Letter.objects.create(
                version=version,
                language=language,
                file=pdf_name,
                sha256=rendered.sha256,
                text_sha256=rendered.text_sha256,
                public_token=token,
                is_draft=False,
            )
            letter_generated_record(version=version, letter=letter, actor=actor)
    except IntegrityError:
        delete_quietly(written)
        existing = generic_letter(version=version, language=language)
        if existing is None:
            raise
        return existing
    except BaseException:
        delete_quietly(written)
        raise
    return letter


def letter_generated_record(
    *, version: AgreementVersion, letter: Letter, actor: Any, generic: Letter | None = None
) -> None:
    """The audit event of a stored letter (in the caller's transaction): a generic letter,
    or with `generic` a personal letter and the generic letter it contains."""
    payload = {
        "version": version.pk,
        "language": letter.language,
        "personal": generic is not None,
        "child": letter.child_id,
        "guardian": letter.guardian_id,
        "sha256": letter.sha256,
    }
    if generic is not None:
        payload |= {"generic": generic.pk, "generic_sha256": generic.sha256}
    audit_record(
        organisation=version.agreement.sending_organisation,
        actor=actor,
        action="letter.generated",
        target=letter,
        payload=payload,
    )


def delete_quietly(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - reported, the row was never written
            logger.exception("could not delete the unstored letter file %s", name)


def letter_generic_ensure(*, version: AgreementVersion, language: str, actor: Any = None) -> Letter:
    """The generic letter of an active version in one language: the stored one, or render
    and store it now (once). Raises ValidationError when the version is not active."""
    existing = generic_letter(version=version, language=language)
    if existing is not None:
        return existing
    check_can_issue(version, language)
    version = version_for_letter(version.pk)
    token = secrets.token_urlsafe(32)
    context = letter_context(version=version, language=language, link=letter_link(generic_token=token))
    return _store(version=version, language=language, token=token, rendered=render_letter(context), actor=actor)


def letter_generic_generate(*, version_id: int, language: str, actor_id: int | None = None) -> Letter:
    """The task's entry point: ids in, the stored generic letter out."""
    version = AgreementVersion.objects.get(pk=version_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return letter_generic_ensure(version=version, language=language, actor=actor)


def letter_generation_failed(*, version_id: int, language: str, error: str, actor_id: int | None = None) -> None:
    """Report a render that failed for good (after the task's retries)."""
    version = AgreementVersion.objects.select_related("agreement__sending_organisation").filter(pk=version_id).first()
    if version is None:
        return
    logger.error("information letter for version %s (%s) could not be made: %s", version_id, language, error)
    with transaction.atomic():
        audit_record(
            organisation=version.agreement.sending_organisation,
            actor=None,
            action="letter.generation_failed",
            target=version,
            payload={"language": language, "error": error, "actor": actor_id},
        )
