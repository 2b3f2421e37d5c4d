"""The register of processing activities (GDPR art. 30(1)), generated from what the app
knows, so it is always current: the organisation's own base processing of children's and
parents' records, the consent administration, the audit trail, and one entry per active
exchange agreement it sends or receives under. Only the description of the security
measures is the organisation's own text (RegisterText, edited by the director).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accountability.models import RegisterText, RetentionRule
from accountability.schedule import Kind, Retention, schedule_for
from agreements import selectors as agreement_selectors
from agreements.choices import AgreementVersionStatus
from agreements.rules import bases
from ikc_share.choices import OrganisationKind

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Organisation

DEFAULT_SECURITY = gettext_noop(
    "Toegang alleen met een persoonlijk account en tweestapsverificatie voor medewerkers; rechten per rol en locatie "
    "(een medewerker ziet alleen de kinderen van de eigen locaties); gegevens worden in de app gedeeld, nooit per "
    "e-mail; versleutelde verbindingen (HTTPS); een audittrail met hash-keten die elke nacht wordt gecontroleerd; "
    "bestanden alleen via beveiligde downloads; back-ups versleuteld."
)


@dataclass
class RegisterEntry:
    key: str
    name: str
    purpose: str
    subjects: list[str]
    categories: list[str]
    special: list[str]
    recipients: list[str]
    third_countries: str
    retention: str
    legal_basis: str
    security: str
    source: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Register:
    organisation: Organisation
    controller: str
    contact: str
    officer: str
    security: str
    security_is_default: bool
    entries: list[RegisterEntry]


def _months(n: int) -> str:
    return _("%(n)s maanden") % {"n": n}


def _retention_text(r: Retention) -> str:
    if not r.default.automatic:
        return str(r.default.action)
    return _("%(period)s %(clock)s; daarna: %(action)s") % {
        "period": _months(r.months),
        "clock": r.default.clock,
        "action": r.default.action,
    }


def _art9(version: AgreementVersion) -> str:
    return f"; {version.get_art9_condition_display()}" if version.art9_condition else ""


def build(*, organisation: Organisation) -> Register:
    """The whole register: three queries for the schedule, the text and the agreements."""
    schedule = schedule_for(list(RetentionRule.objects.filter(organisation=organisation)))
    text = RegisterText.objects.filter(organisation=organisation).first()
    security = text.security_measures if text else _(DEFAULT_SECURITY)
    is_school = organisation.kind == OrganisationKind.SCHOOL
    entries = [
        RegisterEntry(
            key="records",
            name=_("Administratie van kinderen en hun ouders") if not is_school else _("Leerlingadministratie"),
            purpose=(
                _(
                    "Onderwijs geven en leerlingen begeleiden; de leerlingadministratie die de Wet op het primair "
                    "onderwijs voorschrijft."
                )
                if is_school
                else _(
                    "De opvang van kinderen uitvoeren volgens de overeenkomst met de ouders en de Wet kinderopvang, "
                    "inclusief voor- en vroegschoolse educatie (VVE)."
                )
            ),
            subjects=[_("kinderen"), _("ouders en verzorgers")],
            categories=[
                _("naam en geboortedatum van het kind"),
                _("locatie en groep"),
                _("eigen kind- of leerlingnummer (nooit het BSN)"),
                _("VVE-programma en duur"),
                _("naam, e-mailadres, telefoon en taal van ouders en verzorgers"),
                _("ouderlijk gezag"),
            ],
            special=[],
            recipients=[
                _("medewerkers van de eigen locaties, naar hun rol"),
                _("zie de uitwisselingsafspraken hieronder"),
            ],
            third_countries=_("Geen"),
            retention=_retention_text(schedule[Kind.CHILD_RECORDS]),
            legal_basis=(
                _("Art. 6 lid 1 onder c en e AVG (wettelijke plicht en taak van algemeen belang, WPO)")
                if is_school
                else _("Art. 6 lid 1 onder b en c AVG (overeenkomst met de ouders; Wet kinderopvang)")
            ),
            security=security,
        ),
        RegisterEntry(
            key="consent",
            name=_("Toestemming, informeren en bezwaar"),
            purpose=_(
                "Vastleggen en kunnen aantonen dat ouders zijn geïnformeerd, wat zij hebben beslist en "
                "welke bezwaren en verzoeken zij hebben gedaan (verantwoording)."
            ),
            subjects=[_("kinderen"), _("ouders en verzorgers")],
            categories=[
                _("beslissingen over toestemming met tijdstip en kanaal"),
                _("de informatiebrief die getoond is (SHA-256)"),
                _("scans van papieren formulieren"),
                _("bezwaren en verzoeken van ouders"),
            ],
            special=[],
            recipients=[_("geen")],
            third_countries=_("Geen"),
            retention=_retention_text(schedule[Kind.CONSENT_EVIDENCE]),
            legal_basis=_("Art. 6 lid 1 onder c AVG met art. 5 lid 2 en art. 7 lid 1 AVG (aantoonplicht)"),
            security=security,
        ),
        RegisterEntry(
            key="audit",
            name=_("Audittrail"),
            purpose=_("Beveiliging en verantwoording: vastleggen wie wanneer wat deed, manipulatiebestendig."),
            subjects=[_("medewerkers"), _("ouders en verzorgers"), _("kinderen (alleen als nummer)")],
            categories=[_("nummers en codes van handelingen; geen namen of inhoud")],
            special=[],
            recipients=[_("de privacy officer en de directeur van de eigen organisatie")],
            third_countries=_("Geen"),
            retention=_retention_text(schedule[Kind.AUDIT_EVENTS]),
            legal_basis=_("Art. 6 lid 1 onder c AVG met art. 5 lid 2 en art. 32 AVG"),
            security=security,
        ),
    ]
    versions = (
        agreement_selectors.versions_with_parties()
        .filter(status=AgreementVersionStatus.ACTIVE)
        .filter(Q(agreement__sending_organisation=organisation) | Q(agreement__receiving_organisation=organisation))
        .prefetch_related("items__category", "receiving_roles")
        .order_by("agreement__title")
    )
    for v in versions:
        agreement = v.agreement
        sends = agreement.sending_organisation_id == organisation.pk
        items = list(v.items.all())
        roles = sorted(r.name for r in v.receiving_roles.all())
        methods = [m for m, on in ((_("delen in de app"), v.method_in_app), (_("driegesprek"), v.method_meeting)) if on]
        basis = f"{v.get_legal_basis_display()}{_art9(v)}"
        if v.statutory_provision:
            basis += f" ({v.statutory_provision})"
        entries.append(
            RegisterEntry(
                key=f"agreement-{agreement.pk}",
                name=(
                    _("Verstrekken: %(title)s") % {"title": agreement.title}
                    if sends
                    else _("Ontvangen: %(title)s") % {"title": agreement.title}
                ),
                purpose=f"{v.get_purpose_display()}. {v.purpose_explanation}",
                subjects=[_("kinderen")] + ([_("ouders en verzorgers (toestemming)")] if bases.asks_consent(v) else []),
                categories=[i.category.name for i in items],
                special=[i.category.name for i in items if i.category.is_special],
                recipients=(
                    [f"{agreement.receiving_organisation.name}: {', '.join(roles) or '—'}"]
                    if sends
                    else [_("eigen medewerkers met de rol: %(roles)s") % {"roles": ", ".join(roles) or "—"}]
                ),
                third_countries=_("Geen"),
                retention=(
                    _("Bij de ontvanger %(period)s na ontvangst, daarna verwijderd")
                    % {"period": _months(v.retention_months)}
                ),
                legal_basis=basis,
                security=_("%(security)s Overdracht via: %(methods)s (nooit per e-mail).")
                % {
                    "security": security,
                    "methods": ", ".join(str(m) for m in methods),
                },
                source="" if sends else agreement.sending_organisation.name,
                notes=[
                    _("Versie %(n)s, geldig vanaf %(from)s")
                    % {"n": v.number, "from": v.valid_from.strftime("%d-%m-%Y")}
                ],
            )
        )
    return Register(
        organisation=organisation,
        controller=f"{organisation.name}, {organisation.full_address}".strip(", "),
        contact=organisation.privacy_email,
        officer=organisation.privacy_officer_name,
        security=security,
        security_is_default=text is None,
        entries=entries,
    )


CSV_HEADER = [
    "verwerking", "doel", "betrokkenen", "gegevens", "bijzondere gegevens", "ontvangers", "derde landen",
    "bewaartermijn", "grondslag", "beveiliging", "bron",
]  # fmt: skip


def csv_rows(register: Register) -> list[list[str]]:
    rows = [CSV_HEADER]
    for e in register.entries:
        rows.append(
            [
                e.name,
                e.purpose,
                "; ".join(str(s) for s in e.subjects),
                "; ".join(str(c) for c in e.categories),
                "; ".join(str(c) for c in e.special),
                "; ".join(str(r) for r in e.recipients),
                str(e.third_countries),
                str(e.retention),
                str(e.legal_basis),
                str(e.security),
                e.source,
            ]
        )
    return rows
