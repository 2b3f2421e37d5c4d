"""Objections (GDPR art. 21): a guardian objects to an exchange on basis e or f; the
sending organisation's director upholds or rejects it with a reason the parent sees."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.rules import bases
from consent.models import Objection
from consent.services.checks import check_guardian_authority, check_version_for_child, child_lock
from ikc_share.audit import audit_record

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian


@transaction.atomic
def objection_file(
    *, child: Child, guardian: Guardian, version: AgreementVersion, explanation: str, actor
) -> Objection:
    """A guardian objects to an exchange on basis e or f. Blocks transfers at once."""
    child_lock(child=child)
    check_version_for_child(version=version, child=child)
    if not bases.allows_objection(version):
        raise ValidationError(
            _(
                "Bezwaar maken kan bij een afspraak op grond van een taak van algemeen belang of een "
                "gerechtvaardigd belang. Bij toestemming kunt u uw toestemming intrekken."
            )
        )
    check_guardian_authority(
        guardian=guardian,
        child=child,
        message=_("Alleen een ouder of verzorger met ouderlijk gezag kan bezwaar maken."),
    )
    if Objection.objects.filter(
        child=child, version__agreement=version.agreement, status=Objection.Status.PENDING
    ).exists():
        raise ValidationError(_("Er loopt al een bezwaar voor dit kind en deze afspraak."))
    objection = Objection.objects.create(
        child=child, version=version, guardian=guardian, explanation=explanation.strip()[:5000], created_by=actor
    )
    audit_record(
        organisation=child.organisation,
        actor=actor,
        action="objection.filed",
        target=objection,
        payload={"child": child.pk, "version": version.pk, "guardian": guardian.pk},
    )
    return objection


@transaction.atomic
def objection_decide(*, objection: Objection, uphold: bool, reason: str, actor) -> Objection:
    """The sending organisation's director upholds (transfers stay blocked) or rejects the
    objection, with a written reason the parent sees."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    child_lock(child=objection.child)
    if objection.status != Objection.Status.PENDING:
        raise ValidationError(_("Over dit bezwaar is al beslist."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Schrijf op waarom: de ouder krijgt deze uitleg te zien."))
    objection.status = Objection.Status.UPHELD if uphold else Objection.Status.REJECTED
    objection.decided_by = actor
    objection.decided_at = timezone.now()
    objection.decision_reason = reason[:5000]
    objection.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        organisation=objection.child.organisation,
        actor=actor,
        action=f"objection.{objection.status}",
        target=objection,
        payload={"child": objection.child_id, "version": objection.version_id},
    )
    return objection
