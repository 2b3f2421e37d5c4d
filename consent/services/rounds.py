"""Consent rounds: staff ask (or remind, or, for bases without consent, inform) the
guardians of an organisation's children about one agreement version."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import selectors as agreement_selectors
from agreements.choices import AgreementVersionStatus
from agreements.rules import bases, scope
from agreements.rules.consent import NO_ANSWER, consent_state_summaries
from consent import letters_adapter, selectors, tasks
from consent.models import ConsentDecision, ConsentRound, ConsentRoundMail
from consent.services.checks import sender_of
from ikc_share import outbox
from ikc_share import selectors as core_selectors
from ikc_share.audit import audit_record

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian, Location


def _concerned(children: Iterable[Child], *, version: AgreementVersion, at: datetime.datetime) -> list[Child]:
    """The children the version's scope concerns at `at` (agreements/rules/scope.py): a
    queryset filtered by the database, a list by the same rule with the scope read once."""
    if isinstance(children, QuerySet):
        return list(agreement_selectors.children_concerned(children=children, version=version, at=at))
    prefetch_related_objects([version], "scope_locations")
    return [c for c in children if scope.in_scope(version, c, at)]


@transaction.atomic
def consent_round_start(
    *,
    version: AgreementVersion,
    actor,
    children: Iterable[Child],
    location: Location | None = None,
    group_name: str = "",
    reminder: bool = False,
    at: datetime.datetime | None = None,
    enqueue: bool = True,
) -> ConsentRound:
    """Ask (or remind, or, for bases without consent, inform) every guardian with parental
    authority of these children whom the version concerns (its scope: children outside it
    are not asked and get no letter). E-mails go out from a Celery task after commit
    (`enqueue=False`: the caller sends them itself, e.g. the demo seeder)."""
    if version.status != AgreementVersionStatus.ACTIVE:
        raise ValidationError(_("Alleen voor een actieve afspraak kunt u ouders benaderen."))
    sender = sender_of(version)
    children = _concerned(children, version=version, at=at or timezone.now())
    children = [c for c in children if c.organisation_id == sender.pk and c.left_on is None]
    if location is not None and location.organisation_id != sender.pk:
        raise ValidationError(_("Deze locatie hoort niet bij de verzendende organisatie."))
    if location is not None:
        children = [c for c in children if c.location_id == location.pk]
    if group_name:
        children = [c for c in children if c.group_name == group_name]
    consent = bases.asks_consent(version)
    if reminder:
        if not consent:
            raise ValidationError(_("Een herinnering is er alleen voor afspraken op basis van toestemming."))
        summaries = consent_state_summaries(children=children, version=version, at=at or timezone.now())
        children = [c for c in children if summaries[c.pk].state == NO_ANSWER]
    if not children:
        if not scope.scope_of(version).is_everyone:
            raise ValidationError(
                _("Er zijn geen kinderen om ouders voor te benaderen. Deze afspraak geldt alleen voor %(scope)s.")
                % {"scope": scope.describe_version(version)}
            )
        raise ValidationError(_("Er zijn geen kinderen om ouders voor te benaderen."))
    kind = (
        ConsentRound.Kind.REMINDER if reminder else ConsentRound.Kind.REQUEST if consent else ConsentRound.Kind.INFORM
    )
    round_ = ConsentRound.objects.create(
        version=version, organisation=sender, kind=kind, location=location, group_name=group_name, started_by=actor
    )
    per_guardian: dict[int, list[Child]] = defaultdict(list)
    guardians: dict[int, Guardian] = {}
    ships = (
        core_selectors.guardianships(children=children, with_authority=True)
        .filter(guardian__organisation=sender)
        .select_related("guardian", "child")
    )
    if reminder:
        # Remind only those who have not answered themselves.
        covering = [v.pk for v in selectors.covering_versions(version)]
        answered = set(
            ConsentDecision.objects.filter(child__in=children, version_id__in=covering).values_list(
                "child_id", "guardian_id"
            )
        )
        ships = [s for s in ships if (s.child_id, s.guardian_id) not in answered]
    for ship in ships:
        per_guardian[ship.guardian_id].append(ship.child)
        guardians[ship.guardian_id] = ship.guardian
    email_count = paper_count = 0
    for gid, kids in per_guardian.items():
        guardian = guardians[gid]
        channel = ConsentRoundMail.Channel.EMAIL if guardian.email else ConsentRoundMail.Channel.PAPER
        mail = ConsentRoundMail.objects.create(
            round=round_,
            guardian=guardian,
            channel=channel,
            language=letters_adapter.letter_language(guardian.language),
        )
        mail.children.set(kids)
        if channel == ConsentRoundMail.Channel.EMAIL:
            email_count += 1
        else:
            paper_count += 1
    if enqueue:
        outbox.enqueue(tasks.send_round_mails, round_.pk)
    audit_record(
        organisation=sender,
        actor=actor,
        action="consent_round.started",
        target=round_,
        payload={
            "version": version.pk,
            "kind": kind,
            "location": location.pk if location else None,
            "group": group_name or None,
            "children": sorted(c.pk for c in children),
            "emails": email_count,
            "paper": paper_count,
        },
    )
    return round_
