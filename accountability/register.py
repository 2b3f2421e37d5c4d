"""The register of processing activities (GDPR art. 30(1)), generated from what the app
knows, so it is always current: the organisation's own base processing of children's and
parents' records, the consent administration, the audit trail, the staff accounts, the
parents' login links, the incident register, and one entry per active exchange agreement it
sends or receives under. The organisation's own records are the description of the security
measures (RegisterText) and its processors (Processor, art. 28: hosting, e-mail, the
supplier), both kept by the director. Each processor is a recipient of the entries it
serves (art. 30(1)(d)); one outside the EEA makes those entries name a transfer to a third
country with its safeguards (art. 30(1)(e)): the third countries come from these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accountability.countries import country_name, in_eea
from accountability.models import Processor, RegisterText, RetentionRule
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
class ProcessorRow:
    processor: Processor
    role: str
    country: str
    outside_eea: bool
    activities: list[str]  # the entries it serves, by name ("all" when empty)

    @property
    def missing_agreement(self) -> bool:
        return self.processor.agreement_on is None


@dataclass
class Register:
    organisation: Organisation
    controller: str
    contact: str
    officer: str
    security: str
    security_is_default: bool
    entries: list[RegisterEntry]
    processors: list[ProcessorRow] = field(default_factory=list)


# The entries a processor can be said to serve (Processor.activities); "agreements" stands
# for every exchange agreement's entry.
ACTIVITIES: dict[str, str] = {
    "records": gettext_lazy("Administratie van kinderen en ouders"),
    "consent": gettext_lazy("Toestemming, informeren en bezwaar"),
    "audit": gettext_lazy("Audittrail"),
    "staff_accounts": gettext_lazy("Accounts van medewerkers"),
    "login_links": gettext_lazy("Inloglinks voor ouders"),
    "incidents": gettext_lazy("Incidentregister (datalekken)"),
    "agreements": gettext_lazy("Uitwisselingsafspraken"),
}


def _serves(processor: Processor, key: str) -> bool:
    wanted = processor.activities or []
    if not wanted:
        return True
    return key in wanted or (key.startswith("agreement-") and "agreements" in wanted)


def _with_processors(entry: RegisterEntry, processors: list[Processor]) -> RegisterEntry:
    """Add the processors serving `entry` to its recipients, and its third countries."""
    serving = [p for p in processors if _serves(p, entry.key)]
    entry.recipients = list(entry.recipients) + [
        _("verwerker: %(name)s (%(role)s, %(country)s)")
        % {"name": p.name, "role": p.get_role_display().lower(), "country": country_name(p.country)}
        for p in serving
    ]
    abroad = [p for p in serving if not in_eea(p.country)]
    entry.third_countries = (
        "; ".join(
            _("%(country)s: %(name)s (%(role)s); waarborg: %(safeguards)s")
            % {
                "country": country_name(p.country),
                "name": p.name,
                "role": p.get_role_display().lower(),
                "safeguards": p.safeguards or "—",
            }
            for p in abroad
        )
        if abroad
        else _("Geen")
    )
    return entry


def _processor_rows(processors: list[Processor]) -> list[ProcessorRow]:
    return [
        ProcessorRow(
            processor=p,
            role=str(p.get_role_display()),
            country=country_name(p.country),
            outside_eea=not in_eea(p.country),
            activities=[str(ACTIVITIES.get(k, k)) for k in p.activities] or [_("alle verwerkingen")],
        )
        for p in processors
    ]


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
    """The whole register: four queries for the schedule, the text, the processors and the
    agreements."""
    schedule = schedule_for(list(RetentionRule.objects.filter(organisation=organisation)))
    text = RegisterText.objects.filter(organisation=organisation).first()
    processors = list(Processor.objects.filter(organisation=organisation, ended_on__isnull=True))
    security = text.security_measures if text else _(DEFAULT_SECURITY)
    is_school = organisation.kind == OrganisationKind.SCHOOL
    records_basis = (
        _("Art. 6 lid 1 onder c en e AVG (wettelijke plicht en taak van algemeen belang, WPO)")
        if is_school
        else _("Art. 6 lid 1 onder b en c AVG (overeenkomst met de ouders; Wet kinderopvang)")
    )
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
            third_countries="",
            retention=_retention_text(schedule[Kind.CHILD_RECORDS]),
            legal_basis=records_basis,
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
            third_countries="",
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
            third_countries="",
            retention=_retention_text(schedule[Kind.AUDIT_EVENTS]),
            legal_basis=_("Art. 6 lid 1 onder c AVG met art. 5 lid 2 en art. 32 AVG"),
            security=security,
        ),
        *_app_entries(organisation, schedule, security, records_basis=records_basis),
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
                third_countries="",
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
                    % {"n": v.number, "from": date_format(v.valid_from, "j F Y")}
                ],
            )
        )
    entries = [_with_processors(e, processors) for e in entries]
    return Register(
        organisation=organisation,
        controller=f"{organisation.name}, {organisation.full_address}".strip(", "),
        contact=organisation.privacy_email,
        officer=organisation.privacy_officer_name,
        security=security,
        security_is_default=text is None,
        entries=entries,
        processors=_processor_rows(processors),
    )


def _app_entries(
    organisation: Organisation, schedule: dict, security: str, *, records_basis: str
) -> list[RegisterEntry]:
    """The processing the app itself does besides the records: who may log in (staff
    accounts, parents' login links) and the incident register."""
    audit_retention = _retention_text(schedule[Kind.AUDIT_EVENTS])
    link_days = max(1, settings.SESAME_MAX_AGE // 86400)
    return [
        RegisterEntry(
            key="staff_accounts",
            name=_("Accounts van medewerkers"),
            purpose=_(
                "Medewerkers, de directeur en de privacy officer toegang geven tot de app, met rechten naar hun rol "
                "en locaties, en die toegang beveiligen."
            ),
            subjects=[_("medewerkers"), _("directeuren"), _("de privacy officer")],
            categories=[
                _("naam, e-mailadres en gebruikersnaam"),
                _("rol, functietitel en locaties"),
                _("wachtwoord (alleen als hash) en de sleutel voor tweestapsverificatie"),
                _("mislukte inlogpogingen met IP-adres (voor de blokkade na herhaalde pogingen)"),
            ],
            special=[],
            recipients=[_("de directeur van de eigen organisatie")],
            third_countries="",
            retention=_(
                "Zolang de medewerker toegang heeft; daarna wordt de toegang uitgezet. De naam blijft gekoppeld "
                "aan de audittrail zolang die bewaard wordt (%(audit)s)."
            )
            % {"audit": audit_retention},
            legal_basis=_("Art. 6 lid 1 onder b AVG (arbeidsovereenkomst) en onder c met art. 32 AVG (beveiliging)"),
            security=security,
        ),
        RegisterEntry(
            key="login_links",
            name=_("Inloglinks voor ouders"),
            purpose=_(
                "Ouders zonder wachtwoord laten inloggen in het ouderportaal, met een persoonlijke link per e-mail, "
                "om hun keuzes te maken en hun verzoeken te volgen."
            ),
            subjects=[_("ouders en verzorgers")],
            categories=[_("e-mailadres"), _("tijdstip waarop een link is gevraagd, verstuurd en gebruikt")],
            special=[],
            recipients=[_("geen")],
            third_countries="",
            retention=_(
                "De link zelf wordt niet bewaard: hij is ondertekend, werkt één keer en verloopt na %(days)s dagen. "
                "Dat een link is verstuurd, staat in de audittrail (%(audit)s)."
            )
            % {"days": link_days, "audit": audit_retention},
            legal_basis=records_basis,
            security=security,
        ),
        RegisterEntry(
            key="incidents",
            name=_("Incidentregister (datalekken)"),
            purpose=_(
                "Elk (mogelijk) datalek vastleggen met de feiten, de gevolgen en de maatregelen (art. 33 lid 5 AVG), "
                "het melden bij de Autoriteit Persoonsgegevens en het informeren van de ouders."
            ),
            subjects=[_("kinderen"), _("ouders en verzorgers"), _("medewerkers")],
            categories=[
                _("omschrijving van het incident en de betrokken kinderen"),
                _("soorten gegevens, risicobeoordeling en maatregelen"),
                _("melding bij de Autoriteit Persoonsgegevens en het bericht aan de ouders"),
            ],
            special=[],
            recipients=[
                _("de Autoriteit Persoonsgegevens (bij een melding)"),
                _("de andere organisatie van het IKC (als uitgewisselde gegevens betrokken zijn)"),
            ],
            third_countries="",
            retention=_retention_text(schedule[Kind.INCIDENTS]),
            legal_basis=_("Art. 6 lid 1 onder c AVG met art. 33 lid 5 AVG"),
            security=security,
        ),
    ]


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
