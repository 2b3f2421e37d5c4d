"""Personal paper letters: a cover in front of the stored generic letter, one per child
and guardian with parental authority, each stored once as a `Letter` with its own
SHA-256 over the merged bytes (the generic letter is its first bytes)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from agreements.letters.content import cover_label
from agreements.letters.covers import CoverDesign, Recipient, cover_design, render_covers
from agreements.letters.models import Letter
from agreements.letters.render import weasy
from agreements.letters.selectors import generic_letter
from agreements.letters.storage import check_can_issue, delete_quietly, letter_generated_record
from ikc_share.logins import guardian_logins_ensure

if TYPE_CHECKING:
    from agreements.letters.pdf import GenericPdf
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian


@dataclass
class _Made:
    recipient: Recipient
    pdf: bytes
    name: str = ""


def _personal_existing(
    version: AgreementVersion, language: str, recipients: list[Recipient]
) -> dict[tuple[int, int], Letter]:
    guardian_ids = {r.guardian.pk for r in recipients}
    child_ids = {r.child.pk for r in recipients}
    rows = Letter.objects.filter(
        version=version, language=language, guardian_id__in=guardian_ids, child_id__in=child_ids
    )
    return {(letter.child_id, letter.guardian_id): letter for letter in rows}


def letters_personal_make(
    *,
    version: AgreementVersion,
    language: str,
    generic: Letter,
    generic_pdf: GenericPdf,
    recipients: list[Recipient],
    actor: Any = None,
    design: CoverDesign | None = None,
) -> list[tuple[Letter, bytes | None]]:
    """The personal letters of these recipients, in their order: the stored ones, and the
    missing ones rendered together (one WeasyPrint document for their covers) and stored
    in ONE transaction with an audit event each. Returns (letter, its PDF bytes when it
    was made now). Files are written first and deleted again if the transaction fails:
    never half-stored. A concurrent batch that stored some first wins; theirs are used."""
    check_can_issue(version, language)
    existing = _personal_existing(version, language, recipients)
    missing = [r for r in recipients if (r.child.pk, r.guardian.pk) not in existing]
    made: dict[tuple[int, int], tuple[Letter, bytes]] = {}
    if missing:
        guardian_logins_ensure(guardians=[r.guardian for r in missing], actor=actor, reason="paper_letter")
        design = design or cover_design(version=version, language=language, generic=generic, generic_pdf=generic_pdf)
        pdf = render_covers(design=design, recipients=missing, version=version)
        pages = weasy().pdf.CoverPages(pdf, generic=generic_pdf, background=design.background)
        label = cover_label(language)
        outputs = [_Made(r, pages.letter(i, cover_label=label)) for i, r in enumerate(missing)]
        made = _store_personal(version=version, language=language, generic=generic, outputs=outputs, actor=actor)
        if len(made) < len(missing):  # lost a race for some of them
            existing = _personal_existing(version, language, recipients)
    result = []
    for r in recipients:
        key = (r.child.pk, r.guardian.pk)
        if key in made:
            result.append(made[key])
        elif key in existing:
            result.append((existing[key], None))
        else:  # pragma: no cover - the race above returns the winner's letter
            raise RuntimeError("a personal letter was neither stored nor found")
    return result


def _store_personal(
    *, version: AgreementVersion, language: str, generic: Letter, outputs: list[_Made], actor: Any
) -> dict[tuple[int, int], tuple[Letter, bytes]]:
    written: list[str] = []
    try:
        for out in outputs:
            child, guardian = out.recipient.child, out.recipient.guardian
            stem = f"{language}-c{child.pk}-g{guardian.pk}-{uuid.uuid4().hex}"
            out.name = default_storage.save(f"letters/v{version.pk}/{stem}.pdf", ContentFile(out.pdf))
            written.append(out.name)
        with transaction.atomic():
            rows = Letter.objects.bulk_create(
                [
                    Letter(
                        version=version,
                        language=language,
                        child=out.recipient.child,
                        guardian=out.recipient.guardian,
                        file=out.name,
                        sha256=hashlib.sha256(out.pdf).hexdigest(),
                        # The letter's text is the generic letter's (after the cover): the
                        # generic letter's HTML hash, so both hashes say what was read.
                        text_sha256=generic.text_sha256,
                        public_token=secrets.token_urlsafe(32),
                        is_draft=False,
                    )
                    for out in outputs
                ]
            )
            for letter in rows:
                letter_generated_record(version=version, letter=letter, actor=actor, generic=generic)
    except IntegrityError:
        delete_quietly(written)
        if len(outputs) == 1:
            return {}
        # Someone stored some of these meanwhile: store the others one by one.
        kept: dict[tuple[int, int], tuple[Letter, bytes]] = {}
        for out in outputs:
            kept.update(
                _store_personal(version=version, language=language, generic=generic, outputs=[out], actor=actor)
            )
        return kept
    except BaseException:
        delete_quietly(written)
        raise
    return {(letter.child_id, letter.guardian_id): (letter, out.pdf) for letter, out in zip(rows, outputs, strict=True)}


def letter_personal_ensure(
    *,
    version: AgreementVersion,
    language: str,
    child: Child,
    guardian: Guardian,
    generic: Letter,
    actor: Any = None,
) -> Letter:
    """The personalised paper letter for one guardian of one child (stored once)."""
    ((letter, _pdf),) = letters_personal_make(
        version=version,
        language=language,
        generic=generic,
        generic_pdf=generic_pdf_read(generic),
        recipients=[Recipient(child=child, guardian=guardian)],
        actor=actor,
    )
    return letter


def generic_pdf_read(generic: Letter) -> GenericPdf:
    with generic.file.open("rb") as fh:
        data = fh.read()
    pdf = weasy().pdf.GenericPdf.read(data)
    if pdf.sha256 != generic.sha256:
        raise RuntimeError(f"the stored file of letter {generic.pk} does not match its SHA-256")
    return pdf


def personal_letter_generic(letter: Letter) -> Letter | None:
    """The generic letter a personal paper letter contains, checked on the bytes: the
    personal PDF starts with exactly the generic PDF (see agreements/letters/pdf.py). None when the
    letter is generic or the check fails."""
    if letter.guardian_id is None:
        return None
    generic = generic_letter(version=letter.version, language=letter.language)
    if generic is None:
        return None
    with generic.file.open("rb") as fh:
        length = len(fh.read())
    with letter.file.open("rb") as fh:
        personal = fh.read()
    return generic if weasy().pdf.contains_generic(personal, generic.sha256, length) else None
