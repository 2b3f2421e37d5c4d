"""Restriction of processing (GDPR art. 18): at the request of a guardian with parental
authority, the organisation restricts the processing of some data categories of the child
(e.g. while a correction the parent asked for is disputed); the director or a privacy
contact records it and, after informing the parent, lifts it. While in force, the
legal-basis rules refuse those categories (they read `ConsentFacts.restrictions`).

A lift is recorded on the row, never a deletion. Audit payloads hold ids and codes only:
the reasons are free text and stay out of them."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.models import ProcessingRestriction
from consent.services.checks import check_guardian_authority, check_not_future, child_lock
from ikc_share.audit import audit_record

if TYPE_CHECKING:
    from collections.abc import Iterable

    from agreements.models import DataCategory
    from ikc_share.models import Child, Guardian

REASON_MAX = 500
LIFT_REASON_MAX = 5000


@transaction.atomic
def restriction_record(
    *,
    child: Child,
    categories: Iterable[DataCategory],
    requested_by: Guardian | None,
    reason: str,
    actor,
    at: datetime.datetime | None = None,
) -> list[ProcessingRestriction]:
    """Restrict the processing of each of `categories` of the child from `at` (now by
    default), at the request of `requested_by`, a guardian with parental authority of the
    child at the child's organisation. Refused (nothing recorded) without a category, for a
    category already restricted, or for anyone else asking."""
    child_lock(child=child)
    now = timezone.now()
    at = at or now
    unique = list({c.pk: c for c in categories}.values())
    if not unique:
        raise ValidationError(_("Kies minstens één gegevenscategorie om te beperken."))
    if requested_by is None:
        raise ValidationError(_("Kies de ouder of verzorger die om de beperking vroeg."))
    check_guardian_authority(
        guardian=requested_by,
        child=child,
        message=_("Alleen een ouder of verzorger met ouderlijk gezag over dit kind kan om een beperking vragen."),
    )
    check_not_future(at, now=now, message=_("Een beperking kan niet in de toekomst ingaan."))
    already = set(
        ProcessingRestriction.objects.filter(
            child=child, category_id__in=[c.pk for c in unique], lifted_at__isnull=True
        ).values_list("category_id", flat=True)
    )
    if already:
        names = ", ".join(c.name for c in unique if c.pk in already)
        raise ValidationError(
            _("De verwerking is voor dit kind al beperkt voor: %(categories)s.") % {"categories": names}
        )
    restrictions = [
        ProcessingRestriction.objects.create(
            child=child,
            category=c,
            requested_by=requested_by,
            reason=reason.strip()[:REASON_MAX],
            started_at=at,
            recorded_at=now,
            recorded_by=actor,
        )
        for c in sorted(unique, key=lambda c: (c.order, c.code))
    ]
    audit_record(
        organisation=child.organisation,
        actor=actor,
        action="restriction.recorded",
        target=child,
        payload={
            "child": child.pk,
            "guardian": requested_by.pk,
            "categories": [r.category.code for r in restrictions],
            "restrictions": [r.pk for r in restrictions],
        },
    )
    return restrictions


@transaction.atomic
def restriction_lift(
    *, restriction: ProcessingRestriction, actor, reason: str, at: datetime.datetime | None = None
) -> ProcessingRestriction:
    """Lift a restriction from `at` (now by default), with the explanation the parent sees
    (they are told before it is lifted, art. 18(3)). The row stays, with who lifted it."""
    child_lock(child=restriction.child)
    restriction = (
        ProcessingRestriction.objects.select_for_update()
        .select_related("child__organisation", "category")
        .get(pk=restriction.pk)
    )
    now = timezone.now()
    at = at or now
    if restriction.lifted_at is not None:
        raise ValidationError(_("Deze beperking is al opgeheven."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Schrijf op waarom de beperking wordt opgeheven: de ouder krijgt deze uitleg te zien."))
    check_not_future(at, now=now, message=_("Een beperking kan niet in de toekomst worden opgeheven."))
    if at < restriction.started_at:
        raise ValidationError(_("Een beperking kan niet worden opgeheven vóór het moment waarop ze inging."))
    restriction.lifted_at = at
    restriction.lifted_by = actor
    restriction.lift_reason = reason[:LIFT_REASON_MAX]
    restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_record(
        organisation=restriction.child.organisation,
        actor=actor,
        action="restriction.lifted",
        target=restriction,
        payload={
            "child": restriction.child_id,
            "categories": [restriction.category.code],
            "restrictions": [restriction.pk],
        },
    )
    return restriction
