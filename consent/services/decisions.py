"""Consent decisions: a guardian's answers (portal, or a paper form recorded by staff), a
withdrawal, and the export of a child's consent record. Decisions are only ever
inserted, never updated."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consent import letters_adapter, selectors
from consent.models import ConsentDecision, ParentNotice
from consent.services.checks import (
    check_consent_basis,
    check_guardian_authority,
    check_not_future,
    check_version_for_child,
    child_lock,
    scan_check,
    scan_suffix,
)
from ikc_share.audit import audit_record

if TYPE_CHECKING:
    from agreements.letters.models import Letter
    from agreements.models import AgreementVersion, DataCategory
    from ikc_share.models import Child, Guardian


@dataclass(frozen=True)
class Answer:
    """One answer on the consent form: a category (None = the whole agreement), yes or no,
    and for yes whether the explicit tick for special categories was set."""

    category: DataCategory | None
    yes: bool
    explicit: bool = False


def _check_decision(
    *,
    child: Child,
    guardian: Guardian,
    version: AgreementVersion,
) -> None:
    """What a decision and a withdrawal both need: the child's lock, an active consent version
    of the child's organisation, a guardian with parental authority."""
    child_lock(child=child)
    check_version_for_child(version=version, child=child)
    check_consent_basis(version)
    check_guardian_authority(guardian=guardian, child=child)


def _letter_fields(letter: Letter | None) -> dict:
    return {"letter": letter, "letter_sha256": letter.sha256 if letter else ""}


@transaction.atomic
def consent_decide(
    *,
    child: Child,
    guardian: Guardian,
    version: AgreementVersion,
    answers: list[Answer],
    channel: str,
    actor,
    language: str,
    letter: Letter | None,
    decided_at: datetime.datetime | None = None,
    scan: UploadedFile | None = None,
    version_categories: list[DataCategory] | None = None,
    letter_shown: bool = False,
) -> list[ConsentDecision]:
    """Record a guardian's answers (portal, or a paper form recorded by staff). A "no" to
    something the guardian had given is recorded as a withdrawal. `letter_shown`: the portal
    showed this exact letter on the page where the guardian decided, so the guardian is
    informed of the version by it: a ParentNotice (how=portal, the letter's SHA-256) is
    recorded with the decision, unless one was recorded for this guardian before.
    `version_categories`:
    the version's categories as `selectors.version_categories(version)` gave them to the
    caller in this request (the form was built from them), so they are not read twice;
    read here when not given. The version's items never change once it is active.

    Round trips: the child's lock, the guardian's authority, the guardian's decisions on
    the covering versions (one query), the decisions (one INSERT), then the audit event as
    the last step (the chain head's lock, the event, the head)."""
    _check_decision(child=child, guardian=guardian, version=version)
    if not answers:
        raise ValidationError(_("Kies ja of nee."))
    if version_categories is None:
        version_categories = selectors.version_categories(version)
    items = {c.pk: c for c in version_categories}
    for a in answers:
        if a.category is None:
            continue
        if not version.consent_per_category:
            raise ValidationError(
                _("Bij deze afspraak geven ouders toestemming voor de hele afspraak, niet per onderdeel.")
            )
        if a.category.pk not in items:
            raise ValidationError(_("Deze gegevenscategorie staat niet in de afspraak."))
    if channel == ConsentDecision.Channel.PAPER and scan is None:
        raise ValidationError(_("Voeg de scan van het ondertekende formulier toe."))
    if letter is not None:
        letters_adapter.check_letter(letter=letter, version=version)
    now = timezone.now()
    decided_at = decided_at or now
    check_not_future(decided_at, now=now, message=_("De datum van de beslissing ligt in de toekomst."))
    scan_sha = scan_check(scan) if scan is not None else ""
    given = selectors.given_categories(child=child, guardian=guardian, version=version)
    submission = uuid.uuid4()
    rows = []
    for a in answers:
        if a.yes:
            state = ConsentDecision.State.GIVEN
        else:
            key = a.category.pk if a.category else None
            had = bool(given) if key is None else (key in given or None in given)
            state = ConsentDecision.State.WITHDRAWN if had else ConsentDecision.State.REFUSED
        explicit = bool(a.yes and a.explicit and _has_special(items, a.category))
        row = ConsentDecision(
            child=child,
            guardian=guardian,
            version=version,
            category=a.category,
            state=state,
            explicit=explicit,
            decided_at=decided_at,
            recorded_at=now,
            channel=channel,
            recorded_by=actor,
            language=letters_adapter.letter_language(language),
            guardian_policy=version.guardian_policy,
            scan_sha256=scan_sha,
            submission=submission,
            **_letter_fields(letter),
        )
        if scan is not None:
            row.scan.save(f"c{child.pk}-g{guardian.pk}-{submission.hex[:12]}{scan_suffix(scan)}", scan, save=False)
        rows.append(row)
    saved = ConsentDecision.objects.bulk_create(rows)  # PostgreSQL and SQLite ≥ 3.35 return the ids
    if any(row.pk is None for row in saved):
        saved = list(ConsentDecision.objects.filter(submission=submission).select_related("category").order_by("pk"))
    notice = None
    if letter_shown and letter is not None and channel == ConsentDecision.Channel.PORTAL:
        notice = _portal_notice(child=child, guardian=guardian, version=version, letter=letter, actor=actor, at=now)
    audit_record(
        organisation=child.organisation,
        actor=actor,
        action="consent.decided",
        target=child,
        payload={
            "version": version.pk,
            "guardian": guardian.pk,
            "channel": channel,
            "decisions": [d.pk for d in saved],
            "states": [d.state for d in saved],
            "categories": [d.category.code if d.category else None for d in saved],
            "explicit": [d.explicit for d in saved],
            "letter_sha256": letter.sha256 if letter else None,
            "scan_sha256": scan_sha or None,
            **({"notice": notice.pk} if notice else {}),
        },
    )
    return saved


def _portal_notice(
    *, child: Child, guardian: Guardian, version: AgreementVersion, letter: Letter, actor, at: datetime.datetime
) -> ParentNotice | None:
    """The guardian read this letter in the portal and decided: informed by it (once)."""
    if ParentNotice.objects.filter(version=version, guardian=guardian, child=child).exists():
        return None
    return ParentNotice.objects.create(
        version=version,
        guardian=guardian,
        child=child,
        how=ParentNotice.How.PORTAL,
        language=letter.language,
        letter=letter,
        letter_sha256=letter.sha256,
        at=at,
        recorded_by=actor,
    )


def _has_special(items: dict, category: DataCategory | None) -> bool:
    if category is not None:
        return category.is_special
    return any(c.is_special for c in items.values())


@transaction.atomic
def consent_withdraw(
    *,
    child: Child,
    guardian: Guardian,
    version: AgreementVersion,
    channel: str,
    actor,
    language: str,
    told_via: str = "",
    letter: Letter | None = None,
    decided_at: datetime.datetime | None = None,
) -> ConsentDecision:
    """Withdraw everything this guardian gave for this agreement: one row, at once, no
    reason asked. Does not undo earlier transfers."""
    _check_decision(child=child, guardian=guardian, version=version)
    if not selectors.given_categories(child=child, guardian=guardian, version=version):
        raise ValidationError(_("Er is geen toestemming om in te trekken."))
    if channel == ConsentDecision.Channel.STAFF and told_via not in (
        ConsentDecision.ToldVia.IN_PERSON,
        ConsentDecision.ToldVia.PHONE,
    ):
        raise ValidationError(_("Geef aan of de ouder het persoonlijk of telefonisch heeft gezegd."))
    now = timezone.now()
    decision = ConsentDecision.objects.create(
        child=child,
        guardian=guardian,
        version=version,
        category=None,
        state=ConsentDecision.State.WITHDRAWN,
        decided_at=decided_at or now,
        recorded_at=now,
        channel=channel,
        told_via=told_via,
        recorded_by=actor,
        language=letters_adapter.letter_language(language),
        guardian_policy=version.guardian_policy,
        submission=uuid.uuid4(),
        **_letter_fields(letter),
    )
    audit_record(
        organisation=child.organisation,
        actor=actor,
        action="consent.withdrawn",
        target=child,
        payload={
            "version": version.pk,
            "guardian": guardian.pk,
            "decision": decision.pk,
            "channel": channel,
            "told_via": told_via or None,
        },
    )
    return decision


@transaction.atomic
def consent_record_exported(*, child: Child, actor, fmt: str) -> None:
    """Exporting a child's consent record is logged in the child's organisation's chain."""
    audit_record(
        organisation=child.organisation,
        actor=actor,
        action="consent.record_exported",
        target=child,
        payload={"format": fmt},
    )
