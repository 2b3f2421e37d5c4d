"""A child with every kind of record the access export covers, and a second child of the
same family with records of its own (which must never appear in the first one's export).

Emma (the childcare organisation's BSO record, `world.child_bso`), asked about by Sanne
(parent_a): consent decisions by Sanne and by Mark (the other parent), notices, an
objection, a transfer sent to the school and opened there, a transfer received from the
school and opened here, an incident, audit events, and the access request itself.
Noah (`world.child_daycare`): a consent decision, a viewed record and an incident of his own."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accountability import services as acc_services
from accountability.rights import services as rights_services
from accountability.rights.models import RightsRequest
from consent.models import Objection
from ikc_share import services as core_services
from ikc_share.models import Guardian
from tests.accountability.builders import guardian_of
from tests.consent.builders import decide, make_version
from tests.transfers import builders as transfer_builders
from transfers import services as transfer_services
from transfers.models import ReceivedTransfer, Transfer, TransferAccess


@dataclass
class Seeded:
    child: object
    other_child: object
    sanne: Guardian
    mark: Guardian
    request: RightsRequest
    sent: Transfer
    received: ReceivedTransfer
    objection: Objection


def seed_emma(world) -> Seeded:
    emma, noah = world.child_bso, world.child_daycare
    sanne, mark = guardian_of(world, emma, "Sanne"), guardian_of(world, emma, "Mark")
    now = timezone.now()
    # Consent (Sanne gives, explicit) and notices to both parents: the transfers' version builder.
    version = transfer_builders.version(world)
    # A transfer sent to the school, opened there by the teacher.
    sent = transfer_builders.sent(world, version, child=emma)
    decide(version, emma, mark, "refused", at=timezone.now())  # Mark refuses afterwards: no more transfers
    received_at_school = ReceivedTransfer.objects.get(transfer=sent)
    transfer_services.received_open(
        received=received_at_school, actor=world.user("staff_school"), function_title="Leerkracht groep 1-2"
    )
    # An objection under a legitimate-interest agreement.
    f_version = make_version(world, basis="f", title="Afstemming BSO en school (test)")
    objection = Objection.objects.create(child=emma, version=f_version, guardian=sanne, explanation="Liever niet.")
    # A transfer received from the school, linked to Emma's record here and opened here.
    back = make_version(
        world, basis="f", title="Terugkoppeling school aan BSO (test)", sender=world.school, receiver=world.childcare
    )
    school_sent = Transfer.objects.create(
        version=back,
        sending_organisation=world.school,
        receiving_organisation=world.childcare,
        receiving_location=world.bso,
        child=world.child_school,
        state=Transfer.State.SENT,
        category_codes=["development_language"],
        content_sha256="b" * 64,
        created_by=world.user("director_school"),
        shared_by=world.user("director_school"),
        shared_at=now - datetime.timedelta(days=3),
    )
    received = ReceivedTransfer.objects.create(
        transfer=school_sent,
        organisation=world.childcare,
        location=world.bso,
        child_name="Emma Jansen",
        child_date_of_birth=emma.date_of_birth,
        child=emma,
        category_codes=["development_language"],
        content={"development_language": {"going_well": "Leest graag prentenboeken voor aan anderen."}},
        content_sha256="b" * 64,
        received_at=now - datetime.timedelta(days=3),
        retention_until=(now + datetime.timedelta(days=365)).date(),
    )
    TransferAccess.objects.create(
        received=received, user=world.user("director_childcare"), organisation=world.childcare,
        function_title="Pedagogisch medewerker BSO",
    )  # fmt: skip
    # Audit events about Emma: her record viewed by staff.
    core_services.child_record_viewed(child=emma, actor=world.user("director_childcare"))
    # An incident that concerned Emma (and one that concerned only Noah).
    acc_services.incident_record(
        organisation=world.childcare,
        actor=world.user("director_childcare"),
        title="BSO-lijst kwijt",
        discovered_at=now - datetime.timedelta(days=2),
        description="De presentielijst van de BSO is in de bus blijven liggen.",
        children=[emma],
        risk="none",
    )
    # Noah's own records.
    decide(version, noah, guardian_of(world, noah, "Mark"), "refused", at=now - datetime.timedelta(days=10))
    core_services.child_record_viewed(child=noah, actor=world.user("staff_childcare"))
    acc_services.incident_record(
        organisation=world.childcare,
        actor=world.user("director_childcare"),
        title="Foto van Noah op de verkeerde plek",
        discovered_at=now - datetime.timedelta(days=1),
        description="Een foto van de dagopvang stond in de verkeerde map.",
        children=[noah],
        risk="none",
    )
    request = rights_services.rights_request_submit(
        child=emma, guardian=sanne, kind="access", description="Alles over Emma graag.", actor=world.user("parent_a")
    )
    return Seeded(emma, noah, sanne, mark, request, sent, received, objection)
