"""State changes of the register of processing activities (art. 30) that the director keeps
by hand: the processors (art. 28: hosting, e-mail, the supplier) and the controller's legal
status (an administrative authority or not: it decides the remedy against a refusal,
accountability/rights/rules.py). Plain functions with keyword-only arguments; each runs in
one transaction and writes its audit event as the last step (ids and codes only).

The security text and the register's exports stay in accountability/services.py.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.countries import COUNTRIES, in_eea
from accountability.models import ControllerSetting, Processor
from accountability.register import ACTIVITIES
from ikc_share import services as core_services
from ikc_share.audit import audit_record

if TYPE_CHECKING:
    from ikc_share.models import Organisation


def _check_processor(*, name: str, role: str, country: str, safeguards: str, agreement_on, activities) -> None:
    if not name.strip():
        raise ValidationError(_("Vul de naam van de verwerker in."))
    if role not in Processor.Role.values:
        raise ValidationError(_("Kies de rol van de verwerker."))
    if country not in COUNTRIES:
        raise ValidationError(_("Kies het land waar de verwerker de gegevens verwerkt."))
    if not in_eea(country) and not safeguards.strip():
        raise ValidationError(
            _(
                "Buiten de EER: noem de waarborg voor de doorgifte, zoals een adequaatheidsbesluit of "
                "modelcontractbepalingen (art. 44-49 AVG)."
            )
        )
    if agreement_on is not None and agreement_on > timezone.localdate():
        raise ValidationError(_("De verwerkersovereenkomst kan niet in de toekomst gesloten zijn."))
    if set(activities) - set(ACTIVITIES):
        raise ValidationError(_("Kies de verwerkingen uit de lijst."))


@transaction.atomic
def processor_save(
    *,
    organisation: Organisation,
    actor,
    name: str,
    role: str,
    country: str,
    service: str = "",
    safeguards: str = "",
    agreement_on: datetime.date | None = None,
    activities: list[str] | None = None,
    processor: Processor | None = None,
) -> Processor:
    """Add a processor (or change `processor`) in the organisation's register."""
    activities = sorted(set(activities or []))
    _check_processor(
        name=name, role=role, country=country, safeguards=safeguards, agreement_on=agreement_on, activities=activities
    )
    now = timezone.now()
    if processor is None:
        processor = Processor(organisation=organisation, created_by=actor, created_at=now)
    else:
        processor = Processor.objects.select_for_update().get(pk=processor.pk, organisation=organisation)
        if processor.ended_on is not None:
            raise ValidationError(_("Deze verwerker is beëindigd en kan niet meer worden gewijzigd."))
    created = processor.pk is None
    processor.name = name.strip()
    processor.role = role
    processor.country = country
    processor.service = service.strip()
    processor.safeguards = safeguards.strip() if not in_eea(country) else ""
    processor.agreement_on = agreement_on
    processor.activities = activities
    processor.updated_at = now
    processor.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="register.processor_saved",
        target=processor,
        payload={
            "created": created,
            "role": role,
            "country": country,
            "outside_eea": not in_eea(country),
            "agreement_on": agreement_on.isoformat() if agreement_on else None,
            "activities": activities,
        },
    )
    return processor


@transaction.atomic
def processor_end(*, processor: Processor, actor) -> Processor:
    """The organisation no longer uses this processor: it leaves the register (kept as a row)."""
    processor = Processor.objects.select_for_update().select_related("organisation").get(pk=processor.pk)
    if processor.ended_on is not None:
        raise ValidationError(_("Deze verwerker is al beëindigd."))
    processor.ended_on = timezone.localdate()
    processor.updated_at = timezone.now()
    processor.save(update_fields=["ended_on", "updated_at"])
    audit_record(
        organisation=processor.organisation,
        actor=actor,
        action="register.processor_ended",
        target=processor,
        payload={"role": processor.role, "country": processor.country},
    )
    return processor


@transaction.atomic
def controller_setting_update(*, organisation: Organisation, actor, public_authority: bool) -> ControllerSetting:
    """Whether the organisation is an administrative authority (the board of a public
    school): a parent then contests a refusal under the Awb (art. 34 UAVG). The flag lives on
    the organisation (`is_public_authority`, written by the core service, which audits it) so
    the consent layer can name the remedy too; the ControllerSetting row is kept in step as a
    legacy mirror and is no longer read."""
    core_services.organisation_public_authority_set(
        organisation=organisation, actor=actor, public_authority=public_authority
    )
    row, _created = ControllerSetting.objects.update_or_create(
        organisation=organisation,
        defaults={"public_authority": public_authority, "updated_by": actor, "updated_at": timezone.now()},
    )
    return row
