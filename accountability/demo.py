"""Demo data for the privacy officer's pages (IKC De Regenboog): rights requests in several
states (one overdue, one due within a week), an incident that touches data exchanged with
the school, a late-reported one with its reason for the delay and its notice to the parents
(art. 33(1), 34), the privacy officer's advice, each organisation's processors (hosting,
e-mail, the supplier; the e-mail service outside the EEA) and the school board marked as an
administrative authority (openbaar onderwijs), and a few thousand audit events written
through audit_record (so the chains stay valid), followed by a verification run.
Idempotent: running it again changes nothing.

Registered at the end of LATER_SEEDERS in ikc_share/management/commands/seed_demo.py.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from accountability import register_services, services
from accountability.models import AdviceNote, ControllerSetting, Incident, Processor
from accountability.rights import services as rights_services
from accountability.rights.models import RightsRequest
from ikc_share import selectors as core_selectors
from ikc_share.audit import audit_record, chain_for
from ikc_share.choices import MembershipRole
from ikc_share.demo import DemoContext
from ikc_share.verification import verification_run

if TYPE_CHECKING:
    from ikc_share.models import Child, Guardian, Organisation

DEMO_EVENTS_PER_ORGANISATION = 1500
INCIDENT_TITLE = "Overdrachtslijst op de printer laten liggen"


def _guardian(organisation: Organisation, email: str, child: Child) -> Guardian | None:
    return (
        core_selectors.guardians_of(organisation=organisation).filter(email=email, guardianships__child=child).first()
    )


def _child(organisation: Organisation, first_name: str) -> Child | None:
    return core_selectors.children_of(organisation=organisation).filter(first_name=first_name).order_by("pk").first()


def _request(
    ctx: DemoContext,
    *,
    organisation: Organisation,
    child_name: str,
    email: str,
    kind: str,
    days_ago: int,
    channel: str,
    description: str,
    steps: list[tuple[str, str]],
    assignee: str | None = None,
) -> RightsRequest | None:
    child = _child(organisation, child_name)
    guardian = _guardian(organisation, email, child) if child else None
    if child is None or guardian is None:
        return None
    existing = RightsRequest.objects.filter(organisation=organisation, child=child, kind=kind).first()
    if existing:
        return existing
    director = ctx.users["directeur.opvang" if organisation == ctx.childcare else "directeur.school"]
    request = rights_services.rights_request_submit(
        child=child,
        guardian=guardian,
        kind=kind,
        description=description,
        channel=channel,
        received_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        actor=guardian.user if channel == "portal" else director,
    )
    if assignee:
        request = rights_services.rights_request_assign(request=request, assignee=ctx.users[assignee], actor=director)
    for status, message in steps:
        request = rights_services.rights_request_set_status(
            request=request, status=status, message=message, actor=director
        )
    return request


def _requests(ctx: DemoContext) -> None:
    _request(
        ctx,
        organisation=ctx.childcare,
        child_name="Noah",
        email="sanne.deboer@example.nl",
        kind="access",
        days_ago=10,
        channel="portal",
        description="Ik wil graag zien welke gegevens u over Noah heeft en met wie ze gedeeld zijn.",
        steps=[("acknowledged", "Wij hebben uw verzoek ontvangen en verzamelen de gegevens.")],
        assignee="directeur.opvang",
    )
    _request(  # overdue: received 40 days ago, still waiting
        ctx,
        organisation=ctx.childcare,
        child_name="Emma",
        email="mark.jansen@example.nl",
        kind="rectification",
        days_ago=40,
        channel="letter",
        description="Het telefoonnummer in de BSO-administratie is niet meer juist.",
        steps=[("in_progress", "")],
    )
    _request(  # rejected with a reason
        ctx,
        organisation=ctx.childcare,
        child_name="Sem",
        email="linda.bos@example.nl",
        kind="erasure",
        days_ago=20,
        channel="portal",
        description="Graag alle gegevens van Sem verwijderen.",
        steps=[
            (
                "rejected",
                "Sem komt nog bij ons: zijn gegevens zijn nodig voor de opvang. Na zijn vertrek verwijderen wij ze "
                "volgens de bewaartermijn.",
            )
        ],
    )
    _request(  # due within a week
        ctx,
        organisation=ctx.school,
        child_name="Emma",
        email="sanne.deboer@example.nl",
        kind="portability",
        days_ago=26,
        channel="portal",
        description="Graag de gegevens van Emma in een bestand.",
        steps=[],
    )
    _request(  # fulfilled
        ctx,
        organisation=ctx.school,
        child_name="Emma",
        email="mark.jansen@example.nl",
        kind="restriction",
        days_ago=45,
        channel="email",
        description="Gebruik de notities van het gesprek van vorige maand niet tot ze gecorrigeerd zijn.",
        steps=[("in_progress", ""), ("fulfilled", "De notities zijn gemarkeerd en worden niet gebruikt.")],
    )


def _incident(ctx: DemoContext) -> None:
    if Incident.objects.filter(organisation=ctx.childcare, title=INCIDENT_TITLE).exists():
        return
    children = list(
        core_selectors.children_of(organisation=ctx.childcare).filter(location=ctx.daycare).order_by("pk")[:4]
    )
    incident = services.incident_record(
        organisation=ctx.childcare,
        actor=ctx.users["directeur.opvang"],
        title=INCIDENT_TITLE,
        discovered_at=timezone.now() - datetime.timedelta(hours=30),
        description=(
            "Een geprinte lijst met de overdrachten naar groep 1 (namen, geboortedata en ontwikkelnotities) lag een "
            "middag op de printer in de gang, waar ook ouders langskomen."
        ),
        children=children,
        affected_count=len(children),
        data_categories=["identification", "development_language"],
        touches_exchange=True,
        risk="risk",
        risk_assessment="Gevoelige ontwikkelgegevens van jonge kinderen; onbekend of iemand de lijst heeft gelezen.",
        measures="Lijst vernietigd; printen van overdrachten uitgezet; medewerkers herinnerd aan delen in de app.",
    )
    services.advice_add(
        organisation=ctx.childcare,
        actor=ctx.users["fg.opvang"],
        subject=AdviceNote.Subject.INCIDENT,
        subject_id=incident.pk,
        text="Meld dit binnen 72 uur bij de Autoriteit Persoonsgegevens en informeer de ouders van deze kinderen.",
    )


LATE_INCIDENT_TITLE = "Mail met groepslijst naar verkeerde ouder"
PROCESSORS = [
    # name, role, country, service, safeguards, activities (empty: all)
    ("Voorbeeld Hosting B.V.", "hosting", "NL", "Servers, database en back-ups van de app", "", []),
    (
        "Voorbeeld Mail Inc.",
        "email",
        "US",
        "Versturen van inloglinks, toestemmingsverzoeken en meldingen",
        "EU-VS Data Privacy Framework (adequaatheidsbesluit van 10 juli 2023)",
        ["consent", "login_links", "staff_accounts"],
    ),
    ("ikc-share Beheer B.V.", "supplier", "NL", "Beheer, updates en ondersteuning van de app", "", []),
]


def _register(ctx: DemoContext) -> None:
    """Each organisation's processors, and the school board as an administrative authority
    (a foundation for openbaar onderwijs: objection under the Awb, art. 34 UAVG)."""
    signed = timezone.localdate() - datetime.timedelta(days=400)
    for organisation, director in ((ctx.childcare, "directeur.opvang"), (ctx.school, "directeur.school")):
        for name, role, country, service, safeguards, activities in PROCESSORS:
            if Processor.objects.filter(organisation=organisation, name=name).exists():
                continue
            register_services.processor_save(
                organisation=organisation,
                actor=ctx.users[director],
                name=name,
                role=role,
                country=country,
                service=service,
                safeguards=safeguards,
                agreement_on=signed,
                activities=activities,
            )
    if not ControllerSetting.objects.filter(organisation=ctx.school).exists():
        register_services.controller_setting_update(
            organisation=ctx.school, actor=ctx.users["directeur.school"], public_authority=True
        )


def _late_incident(ctx: DemoContext) -> None:
    """Reported to the AP after 80 hours, with the reason for the delay, and the parents
    informed (art. 34): text, channel and when."""
    if Incident.objects.filter(organisation=ctx.school, title=LATE_INCIDENT_TITLE).exists():
        return
    now = timezone.now()
    director = ctx.users["directeur.school"]
    children = list(core_selectors.children_of(organisation=ctx.school).order_by("pk")[:2])
    incident = services.incident_record(
        organisation=ctx.school,
        actor=director,
        title=LATE_INCIDENT_TITLE,
        discovered_at=now - datetime.timedelta(days=6),
        description="Een e-mail met de groepslijst van groep 1 (namen, telefoonnummers) ging naar een andere ouder.",
        children=children,
        affected_count=24,
        data_categories=["identification"],
        risk="high",
        risk_assessment="Telefoonnummers van ouders bij een onbekende; de ontvanger reageerde niet.",
        measures="Ontvanger gevraagd de mail te verwijderen; lijsten alleen nog in de app.",
        ap_reported=True,
        ap_reported_at=now - datetime.timedelta(days=6) + datetime.timedelta(hours=80),
        ap_reference="M-2026-0417",
        delay_reason="De melding kwam in de herfstvakantie binnen; de directeur las haar pas na het weekend.",
    )
    services.incident_parents_notice_record(
        incident=incident,
        actor=director,
        text=(
            "Beste ouders van groep 1,\n\nOp maandag ging een e-mail met de groepslijst (namen en telefoonnummers) "
            "per ongeluk naar één andere ouder. Wij hebben gevraagd de mail te verwijderen en delen lijsten voortaan "
            "alleen in de app. Het risico is dat u gebeld wordt door iemand die u niet kent. Vragen? Mail "
            "fg@spo-eemland.example.nl.\n\nMet vriendelijke groet, de directeur"
        ),
        channel="email",
        sent_at=now - datetime.timedelta(days=2),
    )


def _events(ctx: DemoContext) -> None:
    """A few thousand audit events: staff opening children's records over the past months."""
    for organisation in (ctx.childcare, ctx.school):
        chain = chain_for(organisation)
        have = core_selectors.audit_events().filter(chain=chain, action="child.viewed").count()
        if have >= DEMO_EVENTS_PER_ORGANISATION:
            continue
        children = list(core_selectors.children_of(organisation=organisation).order_by("pk"))
        staff = [
            m.user
            for m in core_selectors.memberships()
            .filter(organisation=organisation, is_active=True, role=MembershipRole.STAFF)
            .select_related("user")
            .order_by("pk")
        ]
        if not children or not staff:
            continue
        with transaction.atomic():
            for i in range(have, DEMO_EVENTS_PER_ORGANISATION):
                audit_record(
                    organisation=organisation,
                    actor=staff[i % len(staff)],
                    action="child.viewed",
                    target=children[(i * 7) % len(children)],
                )


def seed(ctx: DemoContext) -> None:
    _requests(ctx)
    _incident(ctx)
    _register(ctx)
    _late_incident(ctx)
    _events(ctx)
    if not core_selectors.audit_verifications().filter(trigger="demo").exists():
        verification_run(trigger="demo")
