"""Notices: that and how a guardian was informed of an agreement version (e-mail, paper
letter handed over, three-way meeting), with the SHA-256 of the letter shown. Informing is
required for every legal basis. Notices are only ever inserted, never updated."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import selectors as agreement_selectors
from consent import letters_adapter
from consent.models import ConsentRoundMail, ParentNotice
from consent.services.checks import (
    check_child_of_sender,
    check_not_future,
    check_version_active,
    is_guardian_of,
    sender_of,
)
from ikc_share.audit import audit_record

if TYPE_CHECKING:
    from agreements.letters.models import Letter, LetterBatch
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian


def _round_mail_handed_over(*, mail_pk: int, now: datetime.datetime, letter: Letter | None) -> None:
    """A pending paper request of a consent round counts as handed over."""
    ConsentRoundMail.objects.filter(pk=mail_pk, status=ConsentRoundMail.Status.PENDING).update(
        status=ConsentRoundMail.Status.HANDED_OVER, sent_at=now, letter_sha256=letter.sha256 if letter else ""
    )


@transaction.atomic
def parent_notice_record(
    *,
    version: AgreementVersion,
    guardian: Guardian,
    children: Iterable[Child],
    how: str,
    actor,
    letter: Letter | None,
    at: datetime.datetime | None = None,
    round_mail: ConsentRoundMail | None = None,
    child_letters: dict[int, Letter] | None = None,
) -> list[ParentNotice]:
    """Record that a guardian was informed of this version (e-mail, paper letter handed
    over, three-way meeting), with the letter's SHA-256. `child_letters` gives a child its
    own letter (a personal paper letter names one child); the others get `letter`."""
    children = list(children)
    child_letters = child_letters or {}
    if how not in ParentNotice.How.values:
        raise ValidationError(_("Kies hoe de ouder is geïnformeerd."))
    check_version_active(version)
    for child in children:
        check_child_of_sender(version=version, child=child)
        if not is_guardian_of(guardian=guardian, child=child):
            raise ValidationError(_("Deze ouder hoort niet bij dit kind."))
    shown = {child.pk: child_letters.get(child.pk, letter) for child in children}
    for given in {s.pk: s for s in shown.values() if s is not None}.values():
        letters_adapter.check_letter(letter=given, version=version)
    now = timezone.now()
    at = at or now
    check_not_future(at, now=now, message=_("De datum ligt in de toekomst."))
    notices = [
        ParentNotice.objects.create(
            version=version,
            guardian=guardian,
            child=child,
            how=how,
            language=shown[child.pk].language if shown[child.pk] else guardian.language,
            letter=shown[child.pk],
            letter_sha256=shown[child.pk].sha256 if shown[child.pk] else "",
            at=at,
            recorded_by=actor,
            round_mail=round_mail,
        )
        for child in children
    ]
    if (
        round_mail is not None
        and how == ParentNotice.How.PAPER
        and round_mail.status == ConsentRoundMail.Status.PENDING
    ):
        _round_mail_handed_over(mail_pk=round_mail.pk, now=now, letter=letter)
    audit_record(
        organisation=sender_of(version),
        actor=actor,
        action="consent.parent_informed",
        target=version,
        payload={
            "guardian": guardian.pk,
            "children": [c.pk for c in children],
            "how": how,
            "notices": [n.pk for n in notices],
            "letter_sha256": letter.sha256 if letter else None,
            "letter_sha256s": [n.letter_sha256 or None for n in notices],
        },
    )
    return notices


@transaction.atomic
def paper_letters_handed_over(*, batch: LetterBatch, actor) -> list[ParentNotice]:
    """Staff confirm that the personal paper letters of a finished batch were handed over
    or posted: each guardian is now informed of the version, by the exact letter they
    got (a ParentNotice, how=paper, with that letter's SHA-256). Making the letters was
    not informing anyone; this is. Letters recorded before are skipped (a second click
    changes nothing); a pending paper request of a consent round to the same guardian
    counts as handed over when all its children's letters are."""
    batch = agreement_selectors.letter_batch_locked(pk=batch.pk)
    version = batch.version
    if batch.status != batch.Status.DONE:
        raise ValidationError(_("De brieven zijn nog niet klaar."))
    check_version_active(version)
    given = letters_adapter.batch_letters(batch)
    if not given:
        raise ValidationError(_("In deze reeks zitten geen brieven om vast te leggen."))
    recorded = set(
        ParentNotice.objects.filter(version=version, how=ParentNotice.How.PAPER, letter__in=given).values_list(
            "letter_id", flat=True
        )
    )
    todo = [letter for letter in given if letter.pk not in recorded]
    if not todo:
        raise ValidationError(_("Dit is al vastgelegd: deze ouders zijn geïnformeerd."))
    now = timezone.now()
    covered = {(letter.guardian_id, letter.child_id) for letter in given}
    mails = {}
    for mail in (
        ConsentRoundMail.objects.filter(
            round__version=version,
            channel=ConsentRoundMail.Channel.PAPER,
            status=ConsentRoundMail.Status.PENDING,
            guardian_id__in={letter.guardian_id for letter in todo},
        )
        .prefetch_related("children")
        .order_by("round_id", "pk")
    ):
        if all((mail.guardian_id, child.pk) in covered for child in mail.children.all()):
            mails[mail.guardian_id] = mail  # the latest round's request
    notices = ParentNotice.objects.bulk_create(
        [
            ParentNotice(
                version=version,
                guardian_id=letter.guardian_id,
                child_id=letter.child_id,
                how=ParentNotice.How.PAPER,
                language=letter.language,
                letter=letter,
                letter_sha256=letter.sha256,
                at=now,
                recorded_by=actor,
                round_mail=mails.get(letter.guardian_id),
            )
            for letter in todo
        ]
    )
    for mail in mails.values():
        first = next(letter for letter in todo if letter.guardian_id == mail.guardian_id)
        _round_mail_handed_over(mail_pk=mail.pk, now=now, letter=first)
    audit_record(
        organisation=sender_of(version),
        actor=actor,
        action="consent.paper_letters_handed_over",
        target=batch,
        payload={
            "batch": batch.pk,
            "version": version.pk,
            "letters": [letter.pk for letter in todo],
            "round_mails": sorted(mail.pk for mail in mails.values()),
        },
    )
    return notices
